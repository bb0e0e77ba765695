"""``unionxl fill``: rewrite every formula the form defines, keep every input value.

Cells are found by keys (calamine's reading of the stored cells), so formulas come back right
after rows or columns were inserted, and a formula a user overwrote or deleted is restored.
Each ribbon click starts a fresh process, so the formulas are spliced into the sheet XML
(``sheetxml``) and every other part is copied as it was; when the splice cannot be sure of
something (a shared or array formula, cells out of order…), the workbook is edited with
openpyxl instead (styles, validation, protection and names survive either way).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_output
from ..form import Form
from . import a1, repack
from .formulas import excel_formulas
from .layout import SheetMap
from .live_checks import CHECK_MARKER, checks, link_formula
from .package import Package
from .reader import read_book
from .sheetxml import Unsure, splice

Edits = dict[str, dict[tuple[int, int], str]]  # sheet → 0-based (row, col) → "=formula"


@dataclass
class FillResult:
    path: Path
    sheet: str
    written: int
    restored: list[str]  # cells whose formula was missing or overwritten
    spliced: bool = True  # False when openpyxl edited the workbook (the fast path was unsure)


def fill(book_path: str | Path, out: str | Path | None = None, *, splice_xml: bool = True
         ) -> FillResult:
    book_path = Path(book_path)
    book = read_book(book_path)  # identity, form and a clear error for foreign files
    pkg = book.package
    assert pkg is not None
    m = book.map
    missing_codes, _ = m.missing(book.form)
    usable = book.form.without_rows(missing_codes)
    formulas = excel_formulas(usable, m)
    edits: Edits = {book.sheet: dict(sorted(formulas.items()))}
    edits.update(_check_edits(pkg, usable, m, book.sheet))
    target = Path(out) if out else book_path
    changed: set[tuple[str, tuple[int, int]]] | None = None
    with atomic_output(target) as tmp:
        if splice_xml:
            try:
                changed = _spliced(pkg, edits, tmp)
            except Unsure:
                changed = None
        spliced = changed is not None
        if changed is None:
            changed = _with_openpyxl(pkg, edits, tmp)
    restored = [(a1.cell(*rc) if sheet == book.sheet
                 else f"{sheet}!{a1.cell(*rc)}")
                for sheet, cells in edits.items() for rc in cells if (sheet, rc) in changed]
    return FillResult(target, book.sheet, len(formulas), restored, spliced)


def _check_edits(pkg: Package, form: Form, m: SheetMap, data_sheet: str) -> Edits:
    """The status formulas of the "Kiểm tra" sheet, found by its keys (rule ids down the
    hidden first column, period keys along its hidden key row)."""
    by_key = {(c.rule.id, c.period): c for c in checks(form, m)}
    out: Edits = {}
    for sheet, col_a, key_row in _check_sheets(pkg, data_sheet):
        periods = {c: v for c, v in enumerate(key_row) if c > 0 and v}
        cells = {}
        for r, rule_id in col_a:
            for c, period in periods.items():
                chk = by_key.get((rule_id, period))
                if chk is not None:
                    cells[(r, c)] = "=" + link_formula(m, chk)
        out[sheet] = cells
    return out


def _check_sheets(pkg: Package, data_sheet: str
                  ) -> Iterator[tuple[str, list[tuple[int, str]], list]]:
    """Each worksheet carrying the check marker in column A: its rule-id cells below the
    marker (0-based row, id) and the marker's row."""
    marker = CHECK_MARKER.encode()
    # Only sheets that can hold the marker are read (each read is a calamine pass); the data
    # sheet's column A holds the indicator codes.
    strings = any(marker in (pkg.part(n) or b"") for n in pkg.names
                  if n.lower().endswith("sharedstrings.xml"))
    for meta in pkg.workbook.sheets_metadata:
        part = pkg.sheet_parts.get(meta.name)
        if meta.name == data_sheet or "WorkSheet" not in str(meta.typ) or not (
                strings or part is None or marker in (pkg.checked_part(part) or b"")):
            continue
        rows = pkg.grid(meta.name).rows
        col_a = [row[0] if row else None for row in rows]
        if CHECK_MARKER not in col_a:
            continue
        key = col_a.index(CHECK_MARKER)
        yield meta.name, [(r, v) for r, v in enumerate(col_a) if r > key and isinstance(v, str)
                          and v], rows[key]


def _spliced(pkg: Package, edits: Edits, tmp: Path) -> set[tuple[str, tuple[int, int]]]:
    if not pkg.is_ooxml:
        raise Unsure("not an OOXML package")
    parts, changed = {}, set()
    for sheet, cells in edits.items():
        part = pkg.sheet_parts.get(sheet)
        xml = pkg.checked_part(part) if part else None
        if xml is None:
            raise Unsure(f"no part for sheet {sheet!r}")
        parts[part], restored = splice(xml, cells)
        changed |= {(sheet, rc) for rc in restored}
    repack.write(pkg, parts, tmp)
    return changed


def _with_openpyxl(pkg: Package, edits: Edits, tmp: Path) -> set[tuple[str, tuple[int, int]]]:
    import openpyxl  # heavy (pulls numpy): only when the XML splice is unsure (fill)

    wb = openpyxl.load_workbook(io.BytesIO(pkg.data), keep_vba=pkg.has_macros)
    changed = set()
    for sheet, cells in edits.items():
        ws = wb[sheet]
        for (r, c), text in cells.items():
            cell = ws.cell(row=r + 1, column=c + 1)
            if cell.value != text:
                changed.add((sheet, (r, c)))
            cell.value = text
    wb.save(tmp)
    return changed
