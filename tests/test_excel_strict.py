"""The ribbon's entry points against a fake that is strict where Excel and xlwings are: sheet
protection, xlwings's own expand, COM errors for missing sheets, Formula shapes (issue 10)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import openpyxl
import pytest
import xlwings.expansion

from tests.support import fake_xlwings as fx
from unionxl import __version__, excel
from unionxl.excel import addin, ribbon
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.workbook.layout import template_map
from unionxl.workbook.styles import INPUT_FILL
from unionxl.workbook.template import write_template

FORM = load_form("phu-luc-nhiem-ky")
MAP = template_map(FORM)
UNEXPECTED = "Lỗi ngoài dự kiến"


def report(tmp_path: Path, name: str = "b.xlsx") -> Path:
    path = tmp_path / name
    write_template(FORM, path, "BG01", "LĐLĐ thành phố Bắc Giang",
                   data=generate(FORM, random.Random(3)))
    return path


def plain_book(tmp_path: Path) -> Path:
    path = tmp_path / "danh-sach.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    for row in [["Họ tên", "Số"], ["An", 1], ["Bình", 2]]:
        ws.append(row)
    wb.save(path)
    return path


# -- the fake itself ---------------------------------------------------------------------------
def _sheet_with(cells: dict[str, object]) -> fx.FakeSheet:
    app = fx.FakeApp()
    book = object.__new__(fx.FakeBook)
    book.app, book.rec, book.sheets = app, app.rec, fx.FakeSheets(book)
    sheet = fx.FakeSheet(book, "S")
    book.sheets._items.append(sheet)
    for address, v in cells.items():
        sheet.range(address).value = v
    return sheet


def test_expand_runs_xlwings_own_code_with_its_semantics():
    assert set(fx.EXPANDERS) == set(xlwings.expansion.expanders)
    # xlwings's documented example: A1 empty, B1 = 1, A2:B2 = 2, 3
    doc = _sheet_with({"B1": 1, "A2": 2, "B2": 3})
    assert doc.range("A1").expand().address == "$A$1:$B$2"
    assert doc.range("A1").expand("right").address == "$A$1:$B$1"
    # a two-column list: "down" keeps the width it starts from (one column from A1)
    s = _sheet_with({"A1": "x", "B1": "y", "A2": "x", "B2": "y", "A3": "x", "B3": "y"})
    assert s.range("A1").expand("down").address == "$A$1:$A$3"
    assert s.range("A1:B1").expand("down").address == "$A$1:$B$3"
    assert s.range("A1").expand("table").address == "$A$1:$B$3"
    assert s.range("A1").expand("down").options(ndim=2).value == [["x"], ["x"], ["x"]]
    # Ctrl+Down over a gap jumps to the next filled cell, and to the last row when none
    gap = _sheet_with({"A1": 1, "A2": 2, "A5": 5})
    assert gap.range("A1").end("down").address == "$A$2"
    assert gap.range("A2").end("down").address == "$A$5"
    assert gap.range("A5").end("down").address == "$A$1048576"


def test_fake_is_strict_where_excel_is(tmp_path):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    sheet = book.sheets[FORM.sheet]
    assert sheet.protection["Contents"] and not sheet.protection["AllowFormattingCells"]
    total = MAP.addr("32", "total")
    entry = MAP.addr("12", "2019")
    with pytest.raises(fx.ComError):
        sheet.range(total).formula = "=1"  # a locked cell
    with pytest.raises(fx.ComError):
        sheet.range(entry).color = (255, 0, 0)  # formatting is not allowed at all
    with pytest.raises(fx.ComError):
        sheet.clear()
    sheet.range(entry).value = 7  # an unlocked input cell takes a value
    with pytest.raises(fx.ComError):
        book.sheets["Không có"]
    # Formula: a string for one cell, tuple of tuples for several, whatever options say
    assert sheet.range(total).options(ndim=2).formula.startswith("=")
    block = sheet.range(f"{entry}:{MAP.addr('12', '2020')}").formula
    assert block[0][0] == "7" and isinstance(block, tuple) and isinstance(block[0], tuple)
    sheet.api.Unprotect()
    sheet.range(total).color = (255, 0, 0)
    assert sheet.api.ProtectContents is False


# -- every click leaves the protection as it was -----------------------------------------------
def test_validate_twice_then_clear_on_protected_sheet(tmp_path):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    sheet = book.sheets[FORM.sheet]
    before = fx.protection_of(book)
    text_cell, neg_cell = MAP.cell("12", "2020"), MAP.cell("7", "2021")
    sheet.values[text_cell] = "không rõ"
    sheet.values[neg_cell] = -4
    first = excel.dispatch("uxValidate", caller=book)
    second = excel.dispatch("uxValidate", caller=book)
    assert first == second and "2 lỗi" in first, first
    assert sheet.colors[text_cell] == sheet.colors[neg_cell] == ribbon.MARK_COLOR
    assert fx.protection_of(book)[FORM.sheet] == before[FORM.sheet]
    cleared = excel.dispatch("uxClearMarks", caller=book)
    assert cleared.startswith("Đã xóa đánh dấu"), cleared
    assert sheet.colors[text_cell] == INPUT_FILL and sheet.colors[neg_cell] == INPUT_FILL
    assert fx.protection_of(book)[FORM.sheet] == before[FORM.sheet]
    assert excel.dispatch("uxClearMarks", caller=book) == "Không có đánh dấu nào để xóa."


def test_fill_on_protected_sheet_keeps_protection_and_typed_text(tmp_path):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    sheet = book.sheets[FORM.sheet]
    before = fx.protection_of(book)
    r, c = MAP.cell("32", "total")
    sheet.formulas.pop((r, c))
    sheet.values[(r, c)] = 999
    # a note typed in the total column of a row with no formula must stay text, not 1.234
    rows = sorted(MAP.rows.values())
    blank = next(row for row in range(rows[0], rows[-1])
                 if (row, c) not in sheet.formulas and (row, c) not in sheet.values)
    sheet.values[(blank, c)] = "1.234"
    msg = excel.dispatch("uxFill", caller=book)
    assert UNEXPECTED not in msg and "Lỗi" not in msg, msg
    assert sheet.formulas[(r, c)].startswith("=") and sheet.values[(blank, c)] == "1.234"
    assert fx.protection_of(book) == before


def test_password_protected_sheet_is_explained_and_left_alone(tmp_path):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    sheet = book.sheets[FORM.sheet]
    sheet.protection["Password"] = True
    before = fx.protection_of(book)
    sheet.formulas.pop(MAP.cell("32", "total"))
    msg = excel.dispatch("uxFill", caller=book)
    assert "mật khẩu" in msg and UNEXPECTED not in msg, msg
    assert fx.protection_of(book) == before


def test_protection_restored_when_the_work_fails(tmp_path, monkeypatch):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    before = fx.protection_of(book)

    def broken(*_a, **_k):
        raise fx.ComError("The remote procedure call failed.")

    monkeypatch.setattr(ribbon, "address_chunks", broken)
    book.sheets[FORM.sheet].values[MAP.cell("12", "2020")] = "không rõ"
    msg = excel.dispatch("uxValidate", caller=book)
    assert msg.startswith(UNEXPECTED) and "ComError" in msg, msg
    assert fx.protection_of(book) == before


# -- a workbook that is not a form, or none ---------------------------------------------------
def test_every_button_on_a_workbook_that_is_not_a_form(tmp_path):
    app, book = fx.open_in_fake_excel(plain_book(tmp_path))
    values = dict(book.sheets["Danh sách"].values)
    folder = tmp_path / "thư mục"
    folder.mkdir()
    said = {}
    for b in excel.ENTRY_POINTS:
        app.books._active = book  # «Tạo biểu mẫu» opens (activates) a new workbook
        said[b] = excel.dispatch(b, str(folder) if b in excel.TAKES_PATH else "", caller=book)
    for button in ("uxFill", "uxValidate", "uxFixNumbers", "uxClearMarks"):
        assert "không phải biểu mẫu unionxl" in said[button], (button, said[button])
        assert "«danh-sach.xlsx»" in said[button]
    assert "không phải bảng tổng hợp" in said["uxLedger"]
    assert said["uxExport"].startswith("Lỗi: Không xuất được"), said["uxExport"]
    assert said["uxNewTemplate"].startswith("Đã tạo biểu mẫu")
    assert said["uxHelp"].startswith("Thẻ «Công đoàn»")
    assert "Python:" in said["uxCheck"]
    assert not [b for b, m in said.items() if UNEXPECTED in m], said
    assert book.sheets["Danh sách"].values == values
    assert [s.name for s in book.sheets] == ["Danh sách"]


def test_buttons_with_no_workbook_open(tmp_path):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    app.books._active = None
    for button in ("uxFill", "uxValidate", "uxFixNumbers", "uxClearMarks", "uxExport"):
        msg = excel.dispatch(button, str(tmp_path), caller=book)
        assert "Chưa có sổ tính nào đang mở" in msg, (button, msg)


# -- folders picked in Excel's dialog ---------------------------------------------------------
HARD_FOLDERS = ["Q'1 & Q2", "Báo cáo quý 3", "tổng hợp 100%", "a\\b"]


@pytest.mark.parametrize("name", HARD_FOLDERS)
def test_picked_folders_with_awkward_names(tmp_path, name):
    inbox = tmp_path / name / "hộp thư"
    inbox.mkdir(parents=True)
    for i, code in enumerate(["BG01", "BG02"]):
        write_template(FORM, inbox / f"{code}.xlsx", code, code,
                       data=generate(FORM, random.Random(i)))
    app, book = fx.open_in_fake_excel(report(tmp_path))
    trailing = str(inbox) + "/"  # Excel gives "D:\" for a drive root: a trailing separator
    assert "Đã tổng hợp 2 báo cáo" in excel.dispatch("uxConsolidate", trailing, caller=book)
    assert (inbox / "tong-hop.xlsx").exists() and (inbox / "so-theo-doi.sqlite").exists()
    app.books._active = book
    assert "Đã xuất" in excel.dispatch("uxExport", trailing, caller=book)
    assert len(list(inbox.glob("*.eml"))) == 1
    assert "Đã tạo biểu mẫu" in excel.dispatch("uxNewTemplate", trailing, caller=book)


def test_a_folder_that_is_gone_is_explained(tmp_path):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    msg = excel.dispatch("uxConsolidate", str(tmp_path / "đã xóa"), caller=book)
    assert msg.startswith("Lỗi: Không thấy thư mục"), msg


# -- «Kiểm tra cài đặt» -----------------------------------------------------------------------
def test_check_install_reports_paths_versions_and_mismatch(tmp_path):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    good = excel.dispatch("uxCheck", __version__, caller=book)
    assert sys.executable in good and f"Gói unionxl: {__version__}" in good
    assert "xlwings: 0.37.8" in good and "Cài đặt đúng" in good
    old = excel.dispatch("uxCheck", "0.0.9", caller=book)
    assert "khác gói unionxl" in old and "addin install" in old and "Cài đặt đúng" not in old
    assert addin.TEXTS["version"] == __version__


def test_protection_is_the_same_after_every_button(tmp_path):
    app, book = fx.open_in_fake_excel(report(tmp_path))
    sheet = book.sheets[FORM.sheet]
    sheet.values[MAP.cell("12", "2019")] = "1.234"  # something for each button to do
    sheet.values[MAP.cell("7", "2021")] = -4
    sheet.formulas.pop(MAP.cell("32", "total"))
    before = fx.protection_of(book)
    out = tmp_path / "gửi đi"
    out.mkdir()
    for button in ("uxFill", "uxValidate", "uxFixNumbers", "uxValidate", "uxClearMarks",
                   "uxExport", "uxLedger", "uxCheck", "uxHelp"):
        app.books._active = book
        msg = excel.dispatch(button, str(out) if button in excel.TAKES_PATH else "",
                             caller=book)
        assert UNEXPECTED not in msg, (button, msg)
        after = fx.protection_of(book)
        assert {k: after[k] for k in before} == before, button

