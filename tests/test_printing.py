"""Every sheet of every workbook unionxl writes, printed as a union officer would print it:
LibreOffice exports each workbook to PDF and the PDF's text is read back page by page (the
footer names the sheet of each page).

Bounds, measured on the demo (Bắc Ninh, 32 units) when this was written, with a little room:
a unit workbook prints on 6 pages; the annual consolidated book on 17 besides the listing of
earlier years (TỔNG HỢP 3, Kiểm tra 1, ledger 2, detail 1, issues 1, charts 2, achievement 6,
guide 1), the term book on 12. «Số liệu năm trước» (issue 12) lists every earlier figure of
every unit, one row each: its bound is per row, not per book."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

from tests.support.printing import poppler, read_pdf, squeeze, to_pdf
from unionxl.form import load_form
from unionxl.workbook.blank import DEFAULT_DIR

ANNUAL_BOOK, TERM_BOOK = "tong-hop-bao-cao-nam-2026", "tong-hop-phu-luc-2025-2030"
HISTORY = "Số liệu năm trước"
BOOK_BOUND = {ANNUAL_BOOK: 20, TERM_BOOK: 14, "phu-luc-nhiem-ky_2025-2030": 7,
              "bao-cao-nam_2026": 6, "X-NHANAM": 7, "P-NENH": 6, "X-HIEPHOA-kiem-tra": 7,
              "phan-bo-chi-tieu_2023-2028_Bac-Giang": 4, "bao-cao-quy": 5,
              "so-ket-giua-nhiem-ky": 6}
SHEET_BOUND = {"TỔNG HỢP": 4, "Phụ lục": 4, "Kiểm tra": 2, "Tình hình nộp báo cáo": 2,
               "Chi tiết": 3, "Lỗi": 2, "Biểu đồ": 2, "Hướng dẫn": 1, "Kết quả kiểm tra": 1,
               "Chỉ tiêu giao": 2, "Thực hiện chỉ tiêu": 7, "Báo cáo năm": 4,
               "Báo cáo quý": 3, "Sơ kết giữa nhiệm kỳ": 4}
ROWS_PER_PAGE = 30  # «Số liệu năm trước»: at least this many listed figures a page
# (title, first words of the table's header) that must share a page; the header repeats on
# every page of a sheet with repeated title rows.
TITLES = {"Kiểm tra": ("KIỂM TRA SỐ LIỆU", "Quy tắc"),
          "Tình hình nộp báo cáo": ("TÌNH HÌNH NỘP BÁO CÁO", "Mã đơn vị"),
          "Chi tiết": ("CHI TIẾT THEO ĐƠN VỊ", "Chỉ tiêu"),
          "Lỗi": ("LỖI VÀ CẢNH BÁO", "Nội dung"), "Biểu đồ": ("BIỂU ĐỒ", ""),
          "Hướng dẫn": ("HƯỚNG DẪN NHẬP SỐ LIỆU", ""),
          "Kết quả kiểm tra": ("KẾT QUẢ KIỂM TRA", "Nội dung"),
          "Thực hiện chỉ tiêu": ("KẾT QUẢ THỰC HIỆN CHỈ TIÊU GIAO", "Mã đơn vị"),
          HISTORY: ("SỐ LIỆU CÁC NĂM TRƯỚC", "Mã đơn vị")}
REPEATED = {"Kiểm tra", "Tình hình nộp báo cáo", "Chi tiết", "Lỗi", "Thực hiện chỉ tiêu",
            HISTORY}


@pytest.fixture(scope="module")
def printed(demo, tmp_path_factory, libreoffice):
    if not poppler():
        pytest.fail("pdftotext (poppler-utils) is required: .ci/setup installs it")
    root, _ = demo
    tmp = tmp_path_factory.mktemp("print")
    books = [root / f"{ANNUAL_BOOK}.xlsx", root / f"{TERM_BOOK}.xlsx",
             root / "bieu-mau-trong" / "phu-luc-nhiem-ky_2025-2030.xlsx",
             root / "bieu-mau-trong" / "bao-cao-nam_2026.xlsx",
             root / "hop-thu-phu-luc" / "X-NHANAM.xlsx",
             root / "hop-thu-bao-cao-nam" / "P-NENH.xlsx",
             root / "tra-lai" / "X-HIEPHOA-kiem-tra.xlsx",
             root / "phan-bo-chi-tieu_2023-2028_Bac-Giang.xlsx",
             *(DEFAULT_DIR / f"{f}.xlsx" for f in ("bao-cao-quy", "so-ket-giua-nhiem-ky"))]
    pdfs = to_pdf(books, tmp / "pdf")
    return {book.stem: (book, read_pdf(pdf)) for book, pdf in zip(books, pdfs, strict=True)}


def visible_sheets(book) -> list[str]:
    wb = openpyxl.load_workbook(book, read_only=True)
    return [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]


def test_every_sheet_prints_within_its_page_bound(printed):
    measured = {}
    for name, (book, pdf) in printed.items():
        counts = pdf.counts()
        measured[name] = counts
        assert "" not in counts, f"{name}: a page without its footer (sheet name, page number)"
        assert list(counts) == visible_sheets(book), name  # every sheet, in the book's order
        listed = counts.pop(HISTORY, 0)
        assert sum(counts.values()) <= BOOK_BOUND[name], (name, len(pdf.pages), counts)
        for sheet, n in counts.items():
            assert n <= SHEET_BOUND[sheet], (name, sheet, n)
        if listed:
            rows = openpyxl.load_workbook(book, read_only=True)[HISTORY].max_row
            assert listed <= rows / ROWS_PER_PAGE + 1, (name, listed, rows)
    assert HISTORY in printed[ANNUAL_BOOK][1].counts()  # the listing is printed, not dropped


def test_no_title_is_split_from_its_table(printed):
    for name, (book, pdf) in printed.items():
        for sheet in pdf.counts():
            pages = [squeeze(p) for p in pdf.sheet_pages(sheet)]
            data_sheet = sheet not in TITLES  # its title and table head on page 1
            title, header = TITLES.get(sheet) or (load_form(*sheet_form(book)).title(),
                                                  "Nội dung")
            assert squeeze(title) in pages[0] and squeeze(header) in pages[0], (name, sheet)
            if sheet in REPEATED or data_sheet:  # the table head on every page
                assert all(squeeze(header) in p for p in pages), (name, sheet)


def sheet_form(book) -> tuple[str, str]:
    wb = openpyxl.load_workbook(book, read_only=True)
    ident = dict(wb["_unionxl"].iter_rows(min_col=1, max_col=2, values_only=True))
    return ident["form_id"], ident["term"]


@pytest.mark.parametrize("name, form_id", [(ANNUAL_BOOK, "bao-cao-nam"),
                                            (TERM_BOOK, "phu-luc-nhiem-ky")])
def test_consolidated_report_prints_whole(printed, demo, name, form_id):
    book, pdf = printed[name]
    ident = dict(openpyxl.load_workbook(book, read_only=True)["_unionxl"].iter_rows(
        min_col=1, max_col=2, values_only=True))
    form = load_form(form_id, ident["term"])
    pages = pdf.sheet_pages("TỔNG HỢP")
    flowing = [squeeze(p) for p, s in zip(pdf.flowing, pdf.sheet_of, strict=True)
               if s == "TỔNG HỢP"]
    text = "".join(flowing)
    missing = [i.label for i in form.indicators if squeeze(i.label) not in text]
    assert not missing, missing[:5]  # every row label of «TỔNG HỢP» is on paper
    first = squeeze(pages[0])
    # the header of the province's own document: its superior over it, in full, the motto,
    # place and date (all from the demo's province profile)
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                  "TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC NINH",
                  form.heading, form.title(), "Bắc Ninh, ngày"):
        assert squeeze(words) in first, words
    assert first.count(squeeze("LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC NINH")) == 1  # named once
    # who is not in the totals, as the ledger (JSON) says: every one of them on paper
    report = json.loads(book.with_suffix(".json").read_text(encoding="utf-8"))
    left = [r["unit_code"] for r in report["ledger"]
            if r["status"] in ("rejected", "missing", "unknown_unit", "held")]
    used = sum(r["status"].startswith("accepted") for r in report["ledger"])
    last = squeeze(pages[-1])
    note = re.search(r"Khôngtínhvàotổng:(.*?)\.(?:$|Tổng|NGƯỜI)", last)
    assert left and note, "excluded units"
    for code in left:
        assert code in note.group(1), code
    for words in (f"Tổng hợp từ {used} báo cáo", "NGƯỜI LẬP BIỂU", "TM. BAN THƯỜNG VỤ",
                  "CHỦ TỊCH"):
        assert squeeze(words) in last, words


def test_hashes_and_long_texts_fit_the_paper(printed):
    book, pdf = printed[ANNUAL_BOOK]
    ledger = "".join(pdf.sheet_pages("Tình hình nộp báo cáo"))
    assert not re.search(r"[0-9a-f]{40}", ledger)  # no 64-hex hash printing as garbage
    shown = re.findall(r"\b[0-9a-f]{12}\b", ledger)
    assert len(shown) >= 30  # the 12-digit "Mã kiểm tra" of each file
    # the full hash is kept (hidden column), and the JSON has it
    ws = openpyxl.load_workbook(book)["Tình hình nộp báo cáo"]
    head = [c.value for c in ws[4]]
    col = openpyxl.utils.get_column_letter(head.index("SHA-256") + 1)
    assert ws.column_dimensions[col].hidden and len(ws[f"{col}5"].value) == 64
