"""``unionxl fill``: rewrite every formula the form defines, keep every input value.

The workbook is edited with openpyxl (styles, validation, protection and names survive); cells
are found by keys, so formulas come back right after rows or columns were inserted, and a
formula a user overwrote or deleted is restored.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from ..atomic import atomic_output
from ..form import Form
from .formulas import excel_formulas
from .live_checks import CHECK_MARKER, checks, link_formula
from .reader import read_book


@dataclass
class FillResult:
    path: Path
    sheet: str
    written: int
    restored: list[str]  # cells whose formula was missing or overwritten


def fill(book_path: str | Path, out: str | Path | None = None) -> FillResult:
    book_path = Path(book_path)
    book = read_book(book_path)  # identity, form and a clear error for foreign files
    assert book.package is not None
    wb = openpyxl.load_workbook(io.BytesIO(book.package.data))
    ws = wb[book.sheet]
    # Keys come from calamine's reading of the stored cells: openpyxl hides the values of
    # cells that a (stale) merged range covers.
    m = book.map
    missing_codes, _ = m.missing(book.form)
    usable = book.form.without_rows(missing_codes)
    formulas = excel_formulas(usable, m)
    restored = []
    for (r, c), text in sorted(formulas.items()):
        cell = ws.cell(row=r + 1, column=c + 1)
        if cell.value != text:
            restored.append(cell.coordinate)
        cell.value = text
    restored += _refill_checks(wb, usable, m)
    target = Path(out) if out else book_path
    with atomic_output(target) as tmp:
        wb.save(tmp)
    return FillResult(target, book.sheet, len(formulas), restored)


def _refill_checks(wb, form: Form, m) -> list[str]:
    """Rewrite the status formulas of the "Kiểm tra" sheet, found by its keys (rule ids down
    the hidden first column, period keys along its hidden key row)."""
    by_key = {(c.rule.id, c.period): c for c in checks(form, m)}
    restored = []
    for ws in wb.worksheets:
        col_a = [row[0] for row in ws.iter_rows(min_col=1, max_col=1, values_only=True)]
        if CHECK_MARKER not in col_a:
            continue
        key_row = col_a.index(CHECK_MARKER) + 1
        periods = {c: v for c, v in enumerate(next(ws.iter_rows(
            min_row=key_row, max_row=key_row, values_only=True)), start=1) if c > 1 and v}
        for r, rule_id in enumerate(col_a, start=1):
            if r <= key_row or not isinstance(rule_id, str):
                continue
            for c, period in periods.items():
                chk = by_key.get((rule_id, period))
                if chk is None:
                    continue
                text = "=" + link_formula(m, chk)
                cell = ws.cell(r, c)
                if cell.value != text:
                    restored.append(f"{ws.title}!{cell.coordinate}")
                cell.value = text
    return restored
