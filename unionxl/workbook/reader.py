"""Reading a unionxl workbook: identity, the data sheet and its keys, the input cells.

Values are read with python-calamine (fast, read-only) from the file's bytes, read once
(``Package``), inside a window (``bounds``): cells typed far away are named, never read.
Cells are located through the keys (``layout.scan``), so inserted rows and columns, a moved
table or a renamed sheet do not matter; what a cell holds is decided by ``cells.classify``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UnionxlError, WorkbookError
from ..form import Form, Indicator, load_form
from . import a1
from .cells import Cell, classify
from .layout import META_SHEET, SheetMap, scan
from .package import Grid, Package
from .tidy import Row

NOT_A_FORM = "not-unionxl-workbook"


@dataclass
class Book:
    path: Path
    identity: dict[str, str]
    form: Form
    sheet: str
    map: SheetMap
    grid: list[list[Any]]
    sheets: list[str] = field(default_factory=list)
    # (row, col), 0-based, of the cells holding a formula; None: not known (legacy .xls)
    formula_cells: set[tuple[int, int]] | None = None
    package: Package | None = field(default=None, repr=False)
    # the sheets read (data, identity) with valued cells beyond the reading window
    far: list[Grid] = field(default_factory=list, repr=False)

    @property
    def unit_code(self) -> str:
        return self.identity.get("unit_code", "")

    def raw(self, code: str, key: str) -> Any:
        r, c = self.map.rows.get(code), self.map.cols.get(key)
        if r is None or c is None or r >= len(self.grid) or c >= len(self.grid[r]):
            return None
        value = self.grid[r][c]
        return None if value == "" else value

    def cell(self, ind: Indicator, key: str) -> Cell:
        formula = (self.formula_cells is not None
                   and self.map.cell(ind.code, key) in self.formula_cells)
        return classify(self.raw(ind.code, key), ind.unit, ind.value_type == "integer",
                        formula)

    def input_cells(self) -> Iterator[tuple[Indicator, str, Any]]:
        """(indicator, column key, raw value) for every input cell present in the sheet."""
        for ind in self.form.inputs:
            for key in self.form.input_keys:
                if (ind.code in self.map.rows and key in self.map.cols
                        and self.form.applies(ind, key)):
                    yield ind, key, self.raw(ind.code, key)

    def target_cells(self) -> Iterator[tuple[Indicator, str, Any]]:
        for ind in self.form.valued:
            if not ind.is_input and ind.code in self.map.rows and "target" in self.map.cols:
                yield ind, "target", self.raw(ind.code, "target")

    def value_cells(self) -> Iterator[tuple[Indicator, str, Cell]]:
        """Every cell that holds an input number (inputs, then the targets of other rows),
        classified by what it shows (a formula typed into an input counts by its value)."""
        rows, cols, grid = self.map.rows, self.map.cols, self.grid
        form = self.form
        every = form.input_keys
        for inputs in (True, False):
            for ind in self.form.inputs if inputs else self.form.valued:
                r = rows.get(ind.code)
                if r is None or (not inputs and ind.is_input):
                    continue
                row = grid[r] if r < len(grid) else []
                integer = ind.value_type == "integer"
                for key in every if inputs else ("target",):
                    c = cols.get(key)
                    if c is not None and form.applies(ind, key):
                        raw = row[c] if c < len(row) else None
                        yield ind, key, classify(raw, ind.unit, integer)

    def tidy_rows(self, unit_code: str | None = None
                  ) -> tuple[list[Row], list[tuple[str, str, str, Cell]]]:
        """Numeric input values as tidy rows, and the cells left out because they hold no
        clean number (address, indicator, key, what they hold)."""
        unit = unit_code if unit_code is not None else self.unit_code
        rows, skipped = [], []
        for ind, key, cell in self.value_cells():
            if cell.value is not None:
                rows.append(Row(unit, ind.code, key, cell.value))
            elif cell.kind != "blank":
                skipped.append((self.map.addr(ind.code, key), ind.code, key, cell))
        order = {c: i for i, c in enumerate(self.form.input_keys)}
        index = {ind.code: i for i, ind in enumerate(self.form.indicators)}
        rows.sort(key=lambda r: (index[r.indicator], order[r.period]))
        return rows, skipped


def read_identity(pkg: Package) -> tuple[dict[str, str], Grid | None]:
    """The identity a workbook declares (meta sheet, else custom properties), and the meta
    sheet as read."""
    ident: dict[str, str] = {}
    meta = None
    if META_SHEET in pkg.sheet_names:
        meta = pkg.grid(META_SHEET)
        for row in meta.rows:
            if len(row) >= 2 and isinstance(row[0], str) and row[0]:
                ident[row[0]] = str(row[1]).strip() if row[1] not in (None, "") else ""
    if not ident.get("form_id"):
        ident.update({k: v for k, v in pkg.custom_properties().items() if v != "-"})
    return ident, meta


def find_data_sheet(pkg: Package, preferred: str) -> tuple[SheetMap, Grid] | None:
    names = [n for n in pkg.sheet_names if n != META_SHEET]
    names.sort(key=lambda n: n != preferred)
    for name in names:
        grid = pkg.grid(name)
        m = scan(name, grid.rows)
        if m is not None:
            return m, grid
    return None


def form_of(path: str, ident: dict[str, str]) -> Form:
    """The form a workbook declares in its identity."""
    form_id = ident.get("form_id")
    if not form_id:
        raise WorkbookError(path, "không phải biểu mẫu unionxl (không có thông tin biểu mẫu). "
                            "Hãy tạo biểu mẫu bằng «unionxl template» và chép số liệu sang.",
                            code=NOT_A_FORM, reason="không có thông tin biểu mẫu")
    try:
        return load_form(form_id, ident.get("term") or None, _entities(path, ident))
    except UnionxlError as exc:
        raise WorkbookError(path, f"biểu mẫu ghi trong tệp không dùng được: {exc}",
                            code=NOT_A_FORM, reason=f"biểu mẫu «{form_id}» ghi trong tệp không "
                            "có hoặc không dùng được") from exc


def _entities(path: str, ident: dict[str, str]) -> tuple[tuple[str, str], ...] | None:
    """The units of a per-unit form (target allocation), as the workbook recorded them."""
    text = ident.get("entities")
    if not text:
        return None
    try:
        return tuple((str(c), str(n)) for c, n in json.loads(text))
    except (ValueError, TypeError) as exc:
        raise WorkbookError(path, "danh sách đơn vị ghi trong tệp bị hỏng (trang ẩn "
                            f"{META_SHEET}); hãy tạo lại biểu mẫu", code=NOT_A_FORM) from exc


def read_book(source: str | Path | Package, form: Form | None = None) -> Book:
    pkg = source if isinstance(source, Package) else Package.read(source)
    path = str(pkg.path)
    ident, meta = read_identity(pkg)
    form = form or form_of(path, ident)
    found = find_data_sheet(pkg, form.sheet)
    if found is None:
        raise WorkbookError(path, "không tìm thấy bảng số liệu có khóa unionxl (cột và dòng "
                            "khóa ẩn đã bị xóa?). Hãy chép số liệu sang biểu mẫu mới.",
                            code=NOT_A_FORM, reason="không tìm thấy bảng có cột và dòng khóa")
    m, grid = found
    _, missing_keys = m.missing(form)
    if missing_keys:
        raise WorkbookError(path, "thiếu cột khóa " + ", ".join(missing_keys) +
                            " (cột đã bị xóa?). Hãy chép số liệu sang biểu mẫu mới.", m.sheet,
                            code=NOT_A_FORM, reason="thiếu cột khóa " + ", ".join(missing_keys))
    far = [g for g in (meta, grid) if g is not None and g.far_count]
    return Book(pkg.path, ident, form, m.sheet, m, grid.rows, list(pkg.sheet_names),
                _positions(pkg.formula_cells(m.sheet)), pkg, far)


def _positions(addresses: set[str] | None) -> set[tuple[int, int]] | None:
    return None if addresses is None else {a1.rowcol(a) for a in addresses}
