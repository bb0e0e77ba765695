"""Changes between two versions of a return: every input cell whose content differs
(indicator, year, old → new), found by keys so that inserted rows or a moved table do not
count as changes. What a cell holds is compared as written: a number typed as text that became
a number is a change ("1.234 lượt" → 1234)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UnionxlError, WorkbookError
from ..form import Form
from ..workbook.layout import SheetMap
from ..workbook.package import Package
from ..workbook.reader import read_book

Content = float | str


@dataclass(frozen=True)
class CellChange:
    indicator: str
    label: str
    period: str  # a period key, or "target"
    cell: str  # where it is in the newer workbook ("" when the row is gone there)
    old: Content | None
    new: Content | None

    @property
    def delta(self) -> float | None:
        if isinstance(self.old, float) and isinstance(self.new, float):
            return self.new - self.old
        return None

    @property
    def period_vi(self) -> str:
        return "chỉ tiêu" if self.period == "target" else self.period

    def to_dict(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "label": self.label, "period": self.period,
                "cell": self.cell, "old": self.old, "new": self.new, "delta": self.delta}


@dataclass
class Cells:
    """The input cells of one workbook: (indicator, key) → (content, address)."""

    form: Form
    values: dict[tuple[str, str], Content]
    map: SheetMap

    def address(self, code: str, key: str) -> str:
        if code in self.map.rows and key in self.map.cols:
            return self.map.addr(code, key)
        return ""


def _content(raw: Any) -> Content | None:
    if raw is None or isinstance(raw, bool):
        return None if raw is None else str(raw)
    if isinstance(raw, (int, float)):
        return None if isinstance(raw, float) and math.isnan(raw) else float(raw)
    if isinstance(raw, (dt.date, dt.datetime, dt.time)):
        return raw.isoformat()
    text = str(raw).strip()
    return text or None


def book_cells(source: str | Path | Package) -> Cells:
    book = read_book(source)
    out: dict[tuple[str, str], Content] = {}
    for ind, key, raw in [*book.input_cells(), *book.target_cells()]:
        content = _content(raw)
        if content is not None:
            out[(ind.code, key)] = content
    return Cells(book.form, out, book.map)


def _same(a: Content | None, b: Content | None) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def compare(old: Cells, new: Cells) -> list[CellChange]:
    """Changed input cells, in the order of the newer form's rows and columns."""
    form = new.form
    order = {key: i for i, key in enumerate(form.value_keys)}
    keys = sorted(set(old.values) | set(new.values),
                  key=lambda k: (order.get(k, len(order)), k))
    out = []
    for code, key in keys:
        a, b = old.values.get((code, key)), new.values.get((code, key))
        if not _same(a, b):
            label = form.indicator(code).label if form.has(code) else ""
            out.append(CellChange(code, label, key, new.address(code, key), a, b))
    return out


def diff_books(old: str | Path | Package, new: str | Path | Package) -> list[CellChange]:
    """``unionxl diff``: both workbooks must be of the same form and term."""
    a, b = book_cells(old), book_cells(new)
    if (a.form.id, a.form.term) != (b.form.id, b.form.term):
        raise UnionxlError(f"Hai tệp khác biểu mẫu: {a.form.id} nhiệm kỳ {a.form.term} và "
                           f"{b.form.id} nhiệm kỳ {b.form.term}; chỉ so sánh được hai bản của "
                           "cùng một biểu mẫu.")
    return compare(a, b)


def version_cells(name: str, data: bytes) -> Cells | None:
    """The input cells of a version kept in the register (None: it cannot be read)."""
    try:
        return book_cells(Package(Path(name.split(" › ")[-1] or "tep.xlsx"), data))
    except WorkbookError:
        return None
