"""Reading a unionxl workbook: identity, the data sheet and its keys, the input cells.

Values are read with python-calamine (fast, read-only). Cells are located through the keys
(``layout.scan``), so inserted rows and columns, a moved table or a renamed sheet do not matter.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import python_calamine

from .errors import UnionxlError, WorkbookError
from .form import Form, load_form
from .layout import META_SHEET, SheetMap, scan
from .tidy import Row

CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"


@dataclass
class Book:
    path: Path
    identity: dict[str, str]
    form: Form
    sheet: str
    map: SheetMap
    grid: list[list[Any]]
    sheets: list[str] = field(default_factory=list)
    formula_cells: set[str] | None = None  # known already (a book open in Excel), else read

    @property
    def unit_code(self) -> str:
        return self.identity.get("unit_code", "")

    def raw(self, code: str, key: str) -> Any:
        r, c = self.map.rows.get(code), self.map.cols.get(key)
        if r is None or c is None or r >= len(self.grid) or c >= len(self.grid[r]):
            return None
        value = self.grid[r][c]
        return None if value == "" else value

    def input_cells(self):
        """(indicator, column key, raw value) for every input cell present in the sheet."""
        for ind in self.form.inputs:
            for key in [*self.form.period_keys, "target"]:
                if ind.code in self.map.rows and key in self.map.cols:
                    yield ind, key, self.raw(ind.code, key)

    def target_cells(self):
        for ind in self.form.valued:
            if not ind.is_input and ind.code in self.map.rows and "target" in self.map.cols:
                yield ind, "target", self.raw(ind.code, "target")

    def tidy_rows(self, unit_code: str | None = None):
        """Numeric input values as tidy rows, and the cells skipped because not numeric."""
        unit = unit_code if unit_code is not None else self.unit_code
        rows, skipped = [], []
        for ind, key, value in [*self.input_cells(), *self.target_cells()]:
            number = as_number(value)
            if number is not None:
                rows.append(Row(unit, ind.code, key, number))
            elif value is not None:
                skipped.append((self.map.addr(ind.code, key), ind.code, key, value))
        order = {c: i for i, c in enumerate(self.form.period_keys + ["target"])}
        index = {ind.code: i for i, ind in enumerate(self.form.indicators)}
        rows.sort(key=lambda r: (index[r.indicator], order[r.period]))
        return rows, skipped


def as_number(value: Any) -> float | None:
    """A clean numeric cell value, or None (blank, text, date, bool are not numbers here)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def is_date(value: Any) -> bool:
    return isinstance(value, (dt.date, dt.datetime, dt.time, dt.timedelta))


def open_workbook(path: str | Path) -> python_calamine.CalamineWorkbook:
    path = Path(path)
    if not path.exists():
        raise WorkbookError(str(path), "không tìm thấy tệp. Kiểm tra lại đường dẫn.")
    if path.is_dir():
        raise WorkbookError(str(path), "đây là thư mục, không phải tệp Excel.")
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises several types for broken files
        raise WorkbookError(
            str(path),
            "không đọc được tệp Excel (tệp hỏng, có mật khẩu, hoặc không phải .xlsx). "
            f"Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại. Chi tiết: {exc}",
        ) from exc


def read_identity(path: Path, wb: python_calamine.CalamineWorkbook) -> dict[str, str]:
    ident: dict[str, str] = {}
    if META_SHEET in wb.sheet_names:
        for row in wb.get_sheet_by_name(META_SHEET).to_python():
            if len(row) >= 2 and isinstance(row[0], str):
                ident[row[0]] = str(row[1]).strip() if row[1] not in (None, "") else ""
    if not ident.get("form_id"):
        ident.update({k: v for k, v in _custom_properties(path).items() if v != "-"})
    return ident


def _custom_properties(path: Path) -> dict[str, str]:
    """Backup identity from docProps/custom.xml (survives a deleted meta sheet)."""
    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/custom.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    out = {}
    for prop in ElementTree.fromstring(xml).iter(f"{CUSTOM_NS}property"):
        name = prop.get("name", "")
        if name.startswith("unionxl_") and len(prop):
            out[name[len("unionxl_"):]] = (prop[0].text or "").strip()
    return out


def find_data_sheet(wb: python_calamine.CalamineWorkbook, preferred: str
                    ) -> tuple[str, SheetMap, list[list[Any]]] | None:
    names = [n for n in wb.sheet_names if n != META_SHEET]
    names.sort(key=lambda n: n != preferred)
    for name in names:
        grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        m = scan(name, grid)
        if m is not None:
            return name, m, grid
    return None


def read_book(path: str | Path, form: Form | None = None) -> Book:
    path = Path(path)
    wb = open_workbook(path)
    ident = read_identity(path, wb)
    if form is None:
        form_id = ident.get("form_id")
        if not form_id:
            raise WorkbookError(str(path), "không phải biểu mẫu unionxl (không có thông tin "
                                "biểu mẫu). Hãy tạo biểu mẫu bằng «unionxl template» và chép "
                                "số liệu sang.")
        try:
            form = load_form(form_id, ident.get("term") or None)
        except UnionxlError as exc:
            raise WorkbookError(str(path), f"biểu mẫu ghi trong tệp không dùng được: {exc}"
                                ) from exc
    found = find_data_sheet(wb, form.sheet)
    if found is None:
        raise WorkbookError(str(path), "không tìm thấy bảng số liệu có khóa unionxl (cột và "
                            "dòng khóa ẩn đã bị xóa?). Hãy chép số liệu sang biểu mẫu mới.")
    sheet, m, grid = found
    missing_codes, missing_keys = m.missing(form)
    if missing_keys:
        raise WorkbookError(str(path), "thiếu cột khóa " + ", ".join(missing_keys) +
                            " (cột đã bị xóa?). Hãy chép số liệu sang biểu mẫu mới.", sheet)
    return Book(path, ident, form, sheet, m, grid, list(wb.sheet_names))


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3}[0-9]+)"[^>]*>\s*<(?:\w+:)?f[ >/]')
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def formula_refs(path: Path, sheet: str) -> set[str] | None:
    """Addresses of the cells of ``sheet`` that hold a formula (read from the sheet XML).

    calamine gives values only; formulas matter for one check (overwritten formulas), so the
    sheet part is streamed once instead of loading the workbook in openpyxl. None when the
    file is not OOXML (legacy .xls): formulas cannot be checked there.
    """
    if not zipfile.is_zipfile(path):
        return None
    with zipfile.ZipFile(path) as zf:
        wb_xml = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        rid = next((s.get(f"{_REL_NS}id") for s in wb_xml.iter(f"{_MAIN_NS}sheet")
                    if s.get("name") == sheet), None)
        target = next((r.get("Target") for r in rels.iter(f"{_PKG_REL_NS}Relationship")
                       if r.get("Id") == rid), None)
        if target is None:
            return set()
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        # A regular expression over the raw part is ~10× faster than an XML parse here; cells
        # are <c r="E12" …> followed directly by <f> when they hold a formula.
        return {m.decode() for m in _FORMULA_CELL.findall(zf.read(part))}
