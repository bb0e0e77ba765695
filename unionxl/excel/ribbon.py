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

from ..consolidation import LEDGER_SHEET
from ..errors import UnionxlError
from ..form import default_term, find_profile, load_form
from ..validation import check_book
from ..validation.annotate import RESULT_SHEET
from ..validation.fixnumbers import plan
from ..workbook import a1
from ..workbook.formulas import excel_formulas
from ..workbook.layout import META_SHEET, SheetMap, scan
from ..workbook.live_checks import CHECK_SHEET
from ..workbook.reader import Book
from ..workbook.styles import FORMULA_FILL, INPUT_FILL
from ..workbook.template import write_template
from .check import check_install
from .export import export
from .season import approve_selected, consolidate_folder, open_replies, picked_folder
from .sheets import address_chunks, ensure_sheet, grid, names, writable

TITLE = "unionxl – Công đoàn"
MARKS_SHEET = "_unionxl_marks"  # where validate remembers the cells it coloured
MARK_COLOR = (255, 199, 206)


# -- reading the open workbook ---------------------------------------------------------------
def _find_data_sheet(book) -> tuple[Any, SheetMap, list[list[Any]]]:
    for sheet in book.sheets:
        if sheet.name in (META_SHEET, CHECK_SHEET, RESULT_SHEET, MARKS_SHEET):
            continue
        cells, _, _ = grid(sheet)
        m = scan(sheet.name, cells)
        if m is not None:
            return sheet, m, cells
    raise UnionxlError(_not_a_form(book, "không có dòng khóa của biểu mẫu"))


def _not_a_form(book, why: str) -> str:
    return (f"Sổ tính đang mở «{book.name}» không phải biểu mẫu unionxl ({why}). Hãy mở tệp "
            "báo cáo theo biểu mẫu (hoặc bấm «Tạo biểu mẫu») rồi bấm lại.")


def _identity(book) -> dict[str, str]:
    if META_SHEET not in names(book):  # real Excel: a missing sheet is a COM error
        raise UnionxlError(_not_a_form(book, "không có trang thông tin ẩn của biểu mẫu"))
    rows = book.sheets[META_SHEET].range("A1:B20").value
    return {str(r[0]): "" if r[1] is None else str(r[1]) for r in rows if r and r[0]}


def _open_book(xl_book) -> tuple[Book, Any]:
    if xl_book is None:
        raise UnionxlError("Chưa có sổ tính nào đang mở. Hãy mở tệp báo cáo rồi bấm lại.")
    ident = _identity(xl_book)
    form = load_form(ident.get("form_id", ""), ident.get("term") or None)
    sheet, m, cells = _find_data_sheet(xl_book)
    cells = [[_cell(v) for v in row] for row in cells]
    return Book(Path(xl_book.fullname), ident, form, sheet.name, m, cells), sheet


def _cell(value: Any) -> Any:
    """xlwings values → the calamine conventions the core expects."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


# -- entry points: each takes (Excel app, the active workbook or None, the picked folder) ---------
def fill_formulas(app, xl_book, picked: str = "") -> str:
    book, sheet = _open_book(xl_book)
    form = book.form.without_rows(book.map.missing(book.form)[0])
    formulas = excel_formulas(form, book.map)
    current, _, _ = grid(sheet, formulas=True)
    # One write per whole column (total, pct) and one per derived row, never one per cell; a
    # constant someone typed there that no formula replaces splits the write, because writing
    # its text back as a formula would let Excel re-read it ("1.234" would become a number).
    block_cols = {book.map.cols[k] for k in ("total", "pct")}
    by_col: dict[int, dict[int, str]] = {}
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), text in formulas.items():
        if c in block_cols:
            by_col.setdefault(c, {})[r] = text
        else:
            by_row.setdefault(r, {})[c] = text
    rows = sorted(book.map.rows.values())
    writes: list[tuple[str, list[list[str]]]] = []
    for c, cells in sorted(by_col.items()):
        for a, b, texts in _runs(rows[0], rows[-1], cells, lambda r, c=c: _at(current, r, c)):
            writes.append((f"{a1.cell(a, c)}:{a1.cell(b, c)}",
                           [[t] for t in texts]))
    for r, cells in sorted(by_row.items()):
        for a, b, texts in _runs(min(cells), max(cells), cells, lambda c, r=r: _at(current, r, c)):
            writes.append((f"{a1.cell(r, a)}:{a1.cell(r, b)}", [texts]))
    with writable(sheet):
        for address, texts in writes:
            sheet.range(address).formula = texts
    return (f"Đã điền lại {len(formulas)} công thức trên trang «{sheet.name}»; số đã nhập giữ "
            "nguyên.")


def _at(cells: list[list[Any]], r: int, c: int) -> str:
    return str(cells[r][c]) if r < len(cells) and c < len(cells[r]) else ""


def _runs(first: int, last: int, wanted: dict[int, str], current: Callable[[int], str]):
    """Stretches of [first, last] to write in one call each: a wanted formula, or the cell's own
    formula or emptiness kept; a cell holding a constant that is not wanted ends a stretch."""
    start, texts = None, []
    for i in range(first, last + 1):
        now = current(i)
        text = wanted.get(i, now if (now == "" or now.startswith("=")) else None)
        if text is None:
            if start is not None and any(t for t in texts):
                yield start, i - 1, texts
            start, texts = None, []
            continue
        if start is None:
            start = i
        texts.append(text)
    if start is not None and any(t for t in texts):
        yield start, last, texts


def validate_workbook(app, xl_book, picked: str = "") -> str:
    book, sheet = _open_book(xl_book)
    formula_grid, _, _ = grid(sheet, formulas=True)
    present = {(r, c) for r, row in enumerate(formula_grid)
               for c, v in enumerate(row) if isinstance(v, str) and v.startswith("=")}
    book.formula_cells = present
    issues, _ = check_book(book)
    errors = sum(i.severity == "error" for i in issues)
    # Marked cells get back the template's fill afterwards (yellow inputs, grey formulas):
    # cells are grouped by that fill so each group is one union range, one call.
    inputs = {book.map.addr(i.code, k) for i, k, _ in [*book.input_cells(), *book.target_cells()]}
    groups: dict[str, list[str]] = {}
    marked = {i.cell for i in issues if i.cell and i.sheet == sheet.name}
    for cell in sorted(marked, key=a1.rowcol):
        groups.setdefault(INPUT_FILL if cell in inputs else FORMULA_FILL, []).append(cell)
    restore = []
    with writable(sheet):
        _clear_marks(xl_book, sheet)
        for fill, cells in groups.items():
            for chunk in address_chunks(cells):
                sheet.range(chunk).color = MARK_COLOR
                restore.append([chunk, fill])
    marks = ensure_sheet(xl_book, MARKS_SHEET, visible=False)
    if restore:
        marks.range("A1").value = restore
    result = ensure_sheet(xl_book, RESULT_SHEET)
    labels = {p.key: p.label for p in book.form.periods}
    table = [["STT", "Mức", "Loại", "Ô", "Dòng", "Kỳ", "Nội dung"]] + [
        [n, i.severity_vi, i.title, i.cell, i.indicator,
         labels.get(i.period, i.period), i.message] for n, i in enumerate(issues, start=1)]
    result.range("A1").value = table
    return (f"Kiểm tra xong: {errors} lỗi, {len(issues) - errors} cảnh báo. "
            + (f"Các ô có vấn đề đã được tô đỏ; danh sách ở trang «{RESULT_SHEET}»."
               if issues else "Không có vấn đề nào."))


def fix_numbers(app, xl_book, picked: str = "") -> str:
    book, sheet = _open_book(xl_book)
    res = plan(book)
    with writable(sheet):
        for addr, _, value in res.converted:
            sheet.range(addr).value = value
    converted, left = len(res.converted), len(res.left)
    return (f"Đã đổi {converted} ô số dạng chữ thành số."
            + (f" Còn {left} ô không chắc chắn cách đọc: hãy bấm «Kiểm tra số liệu» rồi sửa "
               "tay." if left else ""))


def clear_marks(app, xl_book, picked: str = "") -> str:
    _, sheet = _open_book(xl_book)
    with writable(sheet):
        n = _clear_marks(xl_book, sheet)
    if RESULT_SHEET in names(xl_book):
        ensure_sheet(xl_book, RESULT_SHEET)
    return f"Đã xóa đánh dấu ở {n} vùng ô." if n else "Không có đánh dấu nào để xóa."


def show_ledger(app, xl_book, picked: str = "") -> str:
    if xl_book is None or LEDGER_SHEET not in names(xl_book):
        return ("Sổ tính đang mở không phải bảng tổng hợp. Hãy bấm «Tổng hợp từ thư mục…» "
                "hoặc mở một bảng tổng hợp.")
    xl_book.sheets[LEDGER_SHEET].activate()
    return f"Đang mở trang «{LEDGER_SHEET}»."


def export_upward(app, xl_book, picked: str) -> str:
    if xl_book is None:
        raise UnionxlError("Chưa có sổ tính nào đang mở. Hãy mở tệp báo cáo rồi bấm lại.")
    path = xl_book.fullname
    if not Path(path).exists():
        return "Hãy lưu tệp (Ctrl+S) trước khi xuất."
    xl_book.save()
    res = export(path, picked_folder(picked) if picked else Path(path).parent)
    return (f"Đã xuất {res.workbook.name} và thư nháp {res.draft.name} vào {res.workbook.parent}."
            " Mở thư nháp bằng Outlook để gửi.")


def new_template(app, xl_book, picked: str) -> str:
    folder = picked_folder(picked)
    profile = find_profile(None, folder)
    base = load_form("phu-luc-nhiem-ky")
    form = load_form(base.id, default_term(base, profile=profile))  # the term of today
    out = folder / f"{form.id}_{form.term}.xlsx"
    write_template(form, out, profile=profile)
    app.books.open(str(out))
    return f"Đã tạo biểu mẫu {out.name}."


def show_help(app, xl_book, picked: str = "") -> str:
    return ("Thẻ «Công đoàn»: Tạo biểu mẫu → nhập số vào ô vàng → Kiểm tra số liệu → Xuất "
            "file gửi cấp trên. Cấp trên: Tổng hợp từ thư mục… (ghi sổ theo dõi, soạn thư trả "
            "lời), xem Tình hình nộp báo cáo, mở Thư trả lời, chọn dòng đơn vị rồi Duyệt báo "
            "cáo. Khi có trục trặc: bấm «Kiểm tra cài đặt». Hướng dẫn đầy đủ: tệp HUONG-DAN.txt "
            "của bộ cài và hướng dẫn sử dụng unionxl.")


ENTRY_POINTS: dict[str, Callable[..., str]] = {
    "uxNewTemplate": new_template,
    "uxFill": fill_formulas,
    "uxValidate": validate_workbook,
    "uxFixNumbers": fix_numbers,
    "uxClearMarks": clear_marks,
    "uxConsolidate": consolidate_folder,
    "uxLedger": show_ledger,
    "uxReplies": open_replies,
    "uxApprove": approve_selected,
    "uxExport": export_upward,
    "uxHelp": show_help,
    "uxCheck": check_install,
}
TAKES_PATH = {"uxNewTemplate", "uxConsolidate", "uxExport"}


def dispatch(button_id: str, picked: str = "", caller=None) -> str:
    """Called by the VBA dispatcher: run the button's entry point, show the result. Nothing
    reaches the user as an English traceback: an unexpected error is shown in Vietnamese with
    its technical detail to pass on."""
    if caller is None:
        import xlwings as xw  # optional (the "excel" extra): only inside Excel's own Python call

        caller = xw.Book.caller()
    app = caller.app
    book = app.books.active
    entry = ENTRY_POINTS.get(button_id)
    try:
        if entry is None:
            message = f"Nút «{button_id}» chưa được hỗ trợ; hãy cập nhật unionxl."
        else:
            message = entry(app, book, picked)
    except UnionxlError as exc:
        message = f"Lỗi: {exc}"
    except Exception as exc:  # a COM error or a bug: still a Vietnamese message
        message = (f"Lỗi ngoài dự kiến khi chạy nút «{button_id}»: {type(exc).__name__}: {exc}. "
                   "Sổ tính không bị thay đổi thêm. Hãy chụp thông báo này gửi người hỗ trợ.")
    app.alert(message, title=TITLE)
    return message


# -- helpers ---------------------------------------------------------------------------------
def _clear_marks(xl_book, sheet) -> int:
    """Give marked cells back their fill (call inside ``writable(sheet)``)."""
    if MARKS_SHEET not in names(xl_book):
        return 0
    marks = xl_book.sheets[MARKS_SHEET]
    # Two columns from A1 down: expand("down") keeps the width of the range it starts from.
    rows = marks.range("A1:B1").expand("down").options(ndim=2).value or []
    n = 0
    for chunk, fill in rows:
        if chunk:
            sheet.range(chunk).color = str(fill)
            n += 1
    with writable(marks):
        marks.clear()
    return n
