"""What users read is Vietnamese: no internal code or slug in any sheet of the demo's workbooks,
CLI help in one language (argparse's own texts too), dates as dd/mm/yyyy HH:MM; and the numbers
users are given carry no float noise (JSON, cells)."""

from __future__ import annotations

import contextlib
import io
import json
import re

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from unionxl.cli import main
from unionxl.cli.commands import COMMANDS
from unionxl.consolidation import STATUS_VI, consolidate, write_consolidated
from unionxl.consolidation.achievement import ACHIEVEMENT_VI
from unionxl.form import TIME_AGGS, available_forms, load_form
from unionxl.validation.issues import CATALOGUE
from unionxl.validation.report import STATUS_VI as FILE_STATUS_VI
from unionxl.workbook.layout import KEY_MARKER, column_keys
from unionxl.workbook.live_checks import CHECK_MARKER
from unionxl.workbook.template import write_template


def internal_words() -> set[str]:
    """Every code and slug unionxl uses inside: none may reach a sheet people read."""
    words = set(CATALOGUE) | set(available_forms()) | set(STATUS_VI) | set(ACHIEVEMENT_VI)
    words |= set(FILE_STATUS_VI) | set(TIME_AGGS) | {"error", "warning", KEY_MARKER,
                                                       CHECK_MARKER}
    for form_id in available_forms():
        form = load_form(form_id)
        words |= {r.id for r in form.rules}
        words |= {k for k in column_keys(form) if not k[:1].isdigit()}
    return words


def shown_texts(path) -> list[tuple[str, str]]:
    """(where, text) of everything a user sees in a workbook: visible cells of visible sheets
    (cached values of formulas), notes on cells, headers and footers, sheet names."""
    wb = openpyxl.load_workbook(path, data_only=True)
    out = []
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        out.append((f"{ws.title} (tên trang)", ws.title))
        hidden_cols = {k for k, d in ws.column_dimensions.items() if d.hidden}
        hidden_rows = {k for k, d in ws.row_dimensions.items() if d.hidden}
        for row in ws.iter_rows():
            for cell in row:
                if cell.row in hidden_rows or get_column_letter(cell.column) in hidden_cols:
                    continue
                if isinstance(cell.value, str):
                    out.append((f"{ws.title}!{cell.coordinate}", cell.value))
                if cell.comment is not None:
                    out.append((f"{ws.title}!{cell.coordinate} (ghi chú)", cell.comment.text))
        for part in (ws.oddFooter.left, ws.oddFooter.center, ws.oddHeader.center):
            if part.text:
                out.append((f"{ws.title} (chân trang)", part.text))
    return out


def test_no_code_or_slug_in_any_sheet_of_the_demo(demo):
    root, _ = demo
    words = internal_words()
    pattern = re.compile(r"(?<![\w:.@-])(" + "|".join(sorted(map(re.escape, words), key=len,
                                                              reverse=True))
                         + r")(?![\w:@-])")
    iso = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")
    books = sorted(p for p in root.rglob("*.xlsx") if not p.name.startswith("~$"))
    assert len(books) >= 18
    found = []
    for book in books:
        for where, text in shown_texts(book):
            if m := pattern.search(text) or iso.search(text):
                found.append(f"{book.name} {where}: …{m.group(0)}… in «{text[:80]}»")
    assert not found, found[:10]


def test_the_scan_would_see_a_code(tmp_path):
    """The scan itself: a sheet carrying an issue code is caught."""
    book = tmp_path / "x.xlsx"
    write_template(load_form("bao-cao-nam"), book, "X", "Đơn vị X")
    wb = openpyxl.load_workbook(book)
    wb["Hướng dẫn"]["A30"] = "Lỗi year-jump ở ô E12"
    wb.save(book)
    texts = [t for _, t in shown_texts(book)]
    assert any("year-jump" in t for t in texts) and "year-jump" in internal_words()


def _run(argv: list[str]) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        with contextlib.suppress(SystemExit):
            main(argv)
    return out.getvalue(), err.getvalue()


ARGPARSE_ENGLISH = ["usage:", "positional arguments", "options:", "optional arguments",
                    "show this help", "error:", "required", "arguments", "invalid choice"]


@pytest.mark.parametrize("argv", [[], *([c] for c in COMMANDS), ["form", "show"],
                                  ["data", "export"], ["addin", "build"], ["addin", "install"]])
def test_cli_help_is_vietnamese(argv):
    out, _ = _run([*argv, "--help"])
    assert "Cách dùng: unionxl" in out and "in hướng dẫn này rồi thoát" in out
    assert not [w for w in ARGPARSE_ENGLISH if w in out], out
    # every placeholder is a Vietnamese name, not argparse's upper-cased English
    for meta in re.findall(r"(?:--[a-z-]+|-o) ([A-ZĐÀ-Ỹ_.]+)", out):
        assert not re.fullmatch(r"[A-Z_]+", meta), meta


def test_cli_mistakes_are_told_in_vietnamese():
    _, err = _run(["validate"])
    assert "lỗi: thiếu tham số bắt buộc: TỆP.xlsx" in err and "Cách dùng:" in err
    _, err = _run(["khong-co-lenh"])
    assert "lựa chọn không có: 'khong-co-lenh'" in err
    _, err = _run(["consolidate", "x", "-o", "y.xlsx", "--workers", "hai"])
    assert "giá trị không hợp lệ: 'hai'" in err
    assert not [w for w in ARGPARSE_ENGLISH if w in err]


def test_ledger_dates_read_dd_mm_yyyy(demo):
    root, _ = demo
    book = root / "tong-hop-bao-cao-nam-2026.xlsx"
    ws = openpyxl.load_workbook(book)["Tình hình nộp báo cáo"]
    heads = [c.value for c in ws[4]]
    col = heads.index("Lưu lúc") + 1
    stamps = [ws.cell(r, col).value for r in range(5, ws.max_row + 1) if ws.cell(r, col).value]
    assert len(stamps) >= 30
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", s) for s in stamps), stamps
    notes = " ".join(str(ws.cell(r, heads.index("Ghi chú") + 1).value or "")
                     for r in range(5, ws.max_row + 1))
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", notes)  # which copy was kept, when
    assert "bao-cao-nam" not in ws["A2"].value and "Báo cáo số liệu năm" in ws["A2"].value


def _numbers(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _numbers(v)
    elif isinstance(node, list):
        for v in node:
            yield from _numbers(v)
    elif isinstance(node, float):
        yield node


def test_json_numbers_have_no_float_noise(demo):
    root, _ = demo
    for name, form_id in (("tong-hop-bao-cao-nam-2026", "bao-cao-nam"),
                          ("tong-hop-phu-luc-2025-2030", "phu-luc-nhiem-ky")):
        report = json.loads((root / f"{name}.json").read_text(encoding="utf-8"))
        noisy = [v for v in _numbers(report["consolidated"]) if len(repr(v).split(".")[-1]) > 6]
        assert not noisy, noisy[:5]
        form = load_form(form_id)
        for code, row in report["consolidated"].items():
            if form.indicator(code).value_type == "integer":  # a count prints whole
                assert all(isinstance(v, int) for k, v in row.items()), (code, row)


def test_sums_of_typed_decimals_are_exact(tmp_path):
    """0,1 + 0,2 triệu đồng is 0,3 (not 0,30000000000000004) in the JSON and in the cell;
    15.333,1 + 0,05 is 15.333,15 (the issue's 15333.150000000001)."""
    form = load_form("bao-cao-nam")
    money = [(0.1, 15333.1), (0.2, 0.05)]
    for n, (a, b) in enumerate(money):
        write_template(form, tmp_path / "in" / f"U{n}.xlsx", f"U{n}", f"Đơn vị {n}",
                       data={"3": {"2025": 10.0}, "4": {"2025": 5.0}, "5": {"2025": 1.0},
                             "17.1": {"2025": a}, "28": {"2025": b}})
    run = consolidate([tmp_path / "in"])
    text = json.dumps(run.to_dict()["consolidated"])
    assert '"17.1": {"2025": 0.3' in text and '"28": {"2025": 15333.15' in text
    assert "0000000" not in text and "9999999" not in text
    m = write_consolidated(run, tmp_path / "th.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "th.xlsx")["TỔNG HỢP"]
    assert ws.cell(m.rows["17.1"] + 1, m.cols["2025"] + 1).value == 0.3
    assert ws.cell(m.rows["28"] + 1, m.cols["2025"] + 1).value == 15333.15
