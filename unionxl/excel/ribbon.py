"""The Python side of the ribbon: one entry point per button, on the workbook open in Excel.

The VBA dispatcher calls ``dispatch(button_id, picked_path)`` through xlwings ``RunPython``.
Each entry point moves data between Excel and the core in a few batched calls (a sheet is read
in one call, a column of formulas written in one call), so a click costs the same number of
Excel round trips whatever the size of the table; the work itself is the core's. Messages to
the user are Vietnamese, through Excel's own alert.

Only a small part of the xlwings API is used (App.alert, App.books, Book.sheets/fullname/save,
Sheet.range/used_range/name/activate, Range.value/formula/address/color/options); the tests
check a recording fake against xlwings's real classes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from ..consolidation import LEDGER_SHEET, consolidate, write_consolidated
from ..errors import UnionxlError
from ..form import load_form
from ..validation import check_book
from ..validation.fixnumbers import plan
from ..workbook.formulas import excel_formulas
from ..workbook.layout import META_SHEET, SheetMap, scan
from ..workbook.live_checks import CHECK_SHEET
from ..workbook.reader import Book
from ..workbook.styles import FORMULA_FILL, INPUT_FILL
from ..workbook.template import write_template
from .export import export

TITLE = "unionxl – Công đoàn"
RESULT_SHEET = "Kết quả kiểm tra"
MARKS_SHEET = "_unionxl_marks"  # where validate remembers the cells it coloured
MARK_COLOR = (255, 199, 206)
ADDRESS_CHUNK = 240  # Excel's Range("A1,B2,…") accepts up to 255 characters


# -- reading the open workbook ---------------------------------------------------------------
def active_book(caller=None):
    import xlwings as xw  # optional (the "excel" extra): only inside Excel's own Python call

    book = caller or xw.Book.caller()
    return book.app.books.active


def _grid(sheet, formulas: bool = False) -> tuple[list[list[Any]], int, int]:
    """The used range of a sheet as a 0-based grid from A1 (2 calls)."""
    used = sheet.used_range
    top_left = used.address.split(":")[0].replace("$", "")
    r0, c0 = xl_cell_to_rowcol(top_left)
    data = used.options(ndim=2).formula if formulas else used.options(ndim=2).value
    grid = [[""] * (c0 + len(row)) for row in data]
    for i, row in enumerate(data):
        grid[i][c0:] = ["" if v is None else v for v in row]
    return [[""] * (c0 + (len(data[0]) if data else 0)) for _ in range(r0)] + grid, r0, c0


def _find_data_sheet(book) -> tuple[Any, SheetMap, list[list[Any]]]:
    for sheet in book.sheets:
        if sheet.name in (META_SHEET, CHECK_SHEET, RESULT_SHEET, MARKS_SHEET):
            continue
        grid, _, _ = _grid(sheet)
        m = scan(sheet.name, grid)
        if m is not None:
            return sheet, m, grid
    raise UnionxlError("Sổ tính đang mở không phải biểu mẫu unionxl (không có dòng khóa). "
                       "Hãy mở tệp báo cáo rồi bấm lại.")


def _identity(book) -> dict[str, str]:
    rows = book.sheets[META_SHEET].range("A1:B20").value
    return {str(r[0]): "" if r[1] is None else str(r[1]) for r in rows if r and r[0]}


def _open_book(xl_book) -> tuple[Book, Any]:
    ident = _identity(xl_book)
    form = load_form(ident.get("form_id", ""), ident.get("term") or None)
    sheet, m, grid = _find_data_sheet(xl_book)
    grid = [[_cell(v) for v in row] for row in grid]
    return Book(Path(xl_book.fullname), ident, form, sheet.name, m, grid), sheet


def _cell(value: Any) -> Any:
    """xlwings values → the calamine conventions the core expects."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


# -- entry points ----------------------------------------------------------------------------
def fill_formulas(xl_book) -> str:
    book, sheet = _open_book(xl_book)
    form = book.form.without_rows(book.map.missing(book.form)[0])
    formulas = excel_formulas(form, book.map)
    # One write per whole column (total, pct) and one per derived row: never one per cell.
    block_cols = {book.map.cols[k] for k in ("total", "pct")}
    by_col: dict[int, dict[int, str]] = {}
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), text in formulas.items():
        if c in block_cols:
            by_col.setdefault(c, {})[r] = text
        else:
            by_row.setdefault(r, {})[c] = text
    rows = sorted(book.map.rows.values())
    first, last = rows[0], rows[-1]
    written = 0
    for c, cells in sorted(by_col.items()):
        rng = sheet.range(f"{xl_rowcol_to_cell(first, c)}:{xl_rowcol_to_cell(last, c)}")
        current = rng.options(ndim=2).formula
        rng.formula = [[cells.get(r, current[r - first][0] or "")] for r in range(first, last + 1)]
        written += len(cells)
    for r, cells in sorted(by_row.items()):
        c0, c1 = min(cells), max(cells)
        rng = sheet.range(f"{xl_rowcol_to_cell(r, c0)}:{xl_rowcol_to_cell(r, c1)}")
        current = rng.options(ndim=2).formula[0]
        rng.formula = [[cells.get(c, current[c - c0] or "") for c in range(c0, c1 + 1)]]
        written += len(cells)
    return f"Đã điền lại {written} công thức trên trang «{sheet.name}»; số đã nhập giữ nguyên."


def validate_workbook(xl_book) -> str:
    book, sheet = _open_book(xl_book)
    formula_grid, _, _ = _grid(sheet, formulas=True)
    present = {(r, c) for r, row in enumerate(formula_grid)
               for c, v in enumerate(row) if isinstance(v, str) and v.startswith("=")}
    book.formula_cells = present
    issues, _ = check_book(book)
    errors = sum(i.severity == "error" for i in issues)
    _clear_marks(xl_book, sheet)
    # Marked cells get back the template's fill afterwards (yellow inputs, grey formulas):
    # cells are grouped by that fill so each group is one union range, one call.
    inputs = {book.map.addr(i.code, k) for i, k, _ in [*book.input_cells(), *book.target_cells()]}
    groups: dict[str, list[str]] = {}
    marked = {i.cell for i in issues if i.cell and i.sheet == sheet.name}
    for cell in sorted(marked, key=xl_cell_to_rowcol):
        groups.setdefault(INPUT_FILL if cell in inputs else FORMULA_FILL, []).append(cell)
    restore = []
    for fill, cells in groups.items():
        for chunk in _address_chunks(cells):
            sheet.range(chunk).color = MARK_COLOR
            restore.append([chunk, fill])
    marks = _sheet(xl_book, MARKS_SHEET, visible=False)
    marks.range("A1").value = restore or [["", ""]]
    result = _sheet(xl_book, RESULT_SHEET)
    table = [["STT", "Mức", "Mã lỗi", "Ô", "Chỉ tiêu", "Năm", "Nội dung"]] + [
        [n, i.severity_vi, i.code, i.cell, i.indicator,
         i.period, i.message] for n, i in enumerate(issues, start=1)]
    result.range("A1").value = table
    return (f"Kiểm tra xong: {errors} lỗi, {len(issues) - errors} cảnh báo. "
            + (f"Các ô có vấn đề đã được tô đỏ; danh sách ở trang «{RESULT_SHEET}»."
               if issues else "Không có vấn đề nào."))


def fix_numbers(xl_book) -> str:
    book, sheet = _open_book(xl_book)
    res = plan(book)
    for addr, _, value in res.converted:
        sheet.range(addr).value = value
    converted, left = len(res.converted), len(res.left)
    return (f"Đã đổi {converted} ô số dạng chữ thành số."
            + (f" Còn {left} ô không chắc chắn cách đọc: hãy bấm «Kiểm tra số liệu» rồi sửa "
               "tay." if left else ""))


def clear_marks(xl_book) -> str:
    book, sheet = _open_book(xl_book)
    n = _clear_marks(xl_book, sheet)
    if RESULT_SHEET in _names(xl_book):
        xl_book.sheets[RESULT_SHEET].clear()
    del book
    return f"Đã xóa đánh dấu ở {n} vùng ô." if n else "Không có đánh dấu nào để xóa."


def consolidate_folder(xl_book, folder: str) -> str:
    if not folder:
        raise UnionxlError("Chưa chọn thư mục.")
    run = consolidate([folder])
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    out = Path(folder) / f"tong-hop-{stamp}.xlsx"
    write_consolidated(run, out)
    opened = xl_book.app.books.open(str(out))
    opened.sheets[LEDGER_SHEET].activate()
    counts = run.counts()
    return (f"Đã tổng hợp {len(run.used)} báo cáo vào {out.name} (nhận {counts['accepted']}, "
            f"có cảnh báo {counts['accepted_with_warnings']}, bị từ chối {counts['rejected']}, "
            f"chưa nộp {counts['missing']}).")


def show_ledger(xl_book) -> str:
    if LEDGER_SHEET not in _names(xl_book):
        return ("Sổ tính đang mở không phải bảng tổng hợp. Hãy bấm «Tổng hợp từ thư mục…» "
                "hoặc mở một bảng tổng hợp.")
    xl_book.sheets[LEDGER_SHEET].activate()
    return f"Đang mở trang «{LEDGER_SHEET}»."


def export_upward(xl_book, folder: str) -> str:
    path = xl_book.fullname
    if not Path(path).exists():
        return "Hãy lưu tệp (Ctrl+S) trước khi xuất."
    xl_book.save()
    res = export(path, folder or str(Path(path).parent))
    return (f"Đã xuất {res.workbook.name} và thư nháp {res.draft.name} vào {res.workbook.parent}."
            " Mở thư nháp bằng Outlook để gửi.")


def new_template(xl_book, folder: str) -> str:
    if not folder:
        raise UnionxlError("Chưa chọn thư mục.")
    form = load_form("phu-luc-nhiem-ky")
    out = Path(folder) / f"{form.id}_{form.term}.xlsx"
    write_template(form, out)
    xl_book.app.books.open(str(out))
    return f"Đã tạo biểu mẫu {out.name}."


def show_help(xl_book) -> str:
    return ("Thẻ «Công đoàn»: Tạo biểu mẫu → nhập số vào ô vàng → Kiểm tra số liệu → Xuất "
            "file gửi cấp trên. Cấp trên: Tổng hợp từ thư mục… rồi xem Tình hình nộp báo cáo. "
            "Hướng dẫn đầy đủ: docs/huong-dan-su-dung.md.")


ENTRY_POINTS: dict[str, Callable[..., str]] = {
    "uxNewTemplate": new_template,
    "uxFill": fill_formulas,
    "uxValidate": validate_workbook,
    "uxFixNumbers": fix_numbers,
    "uxClearMarks": clear_marks,
    "uxConsolidate": consolidate_folder,
    "uxLedger": show_ledger,
    "uxExport": export_upward,
    "uxHelp": show_help,
}
TAKES_PATH = {"uxNewTemplate", "uxConsolidate", "uxExport"}


def dispatch(button_id: str, picked: str = "", caller=None) -> str:
    """Called by the VBA dispatcher: run the button's entry point, show the result."""
    book = active_book(caller)
    try:
        entry = ENTRY_POINTS[button_id]
        message = entry(book, picked) if button_id in TAKES_PATH else entry(book)
    except KeyError:
        message = f"Nút «{button_id}» chưa được hỗ trợ; hãy cập nhật unionxl."
    except UnionxlError as exc:
        message = f"Lỗi: {exc}"
    book.app.alert(message, title=TITLE)
    return message


# -- helpers ---------------------------------------------------------------------------------
def _names(xl_book) -> list[str]:
    return [s.name for s in xl_book.sheets]


def _sheet(xl_book, name: str, visible: bool = True):
    if name in _names(xl_book):
        sheet = xl_book.sheets[name]
        sheet.clear()
    else:
        sheet = xl_book.sheets.add(name, after=xl_book.sheets[len(xl_book.sheets) - 1])
    sheet.visible = visible
    return sheet


def _clear_marks(xl_book, sheet) -> int:
    if MARKS_SHEET not in _names(xl_book):
        return 0
    marks = xl_book.sheets[MARKS_SHEET]
    rows = marks.range("A1").expand("down").options(ndim=2).value or []
    n = 0
    for chunk, fill in rows:
        if chunk:
            sheet.range(chunk).color = str(fill)
            n += 1
    marks.clear()
    return n


def _address_chunks(cells: list[str]) -> list[str]:
    chunks, current = [], ""
    for cell in cells:
        candidate = f"{current},{cell}" if current else cell
        if len(candidate) > ADDRESS_CHUNK:
            chunks.append(current)
            candidate = cell
        current = candidate
    if current:
        chunks.append(current)
    return chunks


