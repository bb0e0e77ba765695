"""Validation: generated valid data gives no issue; one corrupted cell gives exactly one issue
of the right code at that cell; LibreOffice agrees with Python on every rule and period."""

from __future__ import annotations

import datetime as dt
import json
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, sha256
from tests.support.libreoffice import recalculate, values
from unionxl.cli import main
from unionxl.cli.docs import PAGES
from unionxl.excel import ribbon
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.validation import rule_statuses, validate_file
from unionxl.validation.annotate import RESULT_SHEET
from unionxl.workbook import read_book
from unionxl.workbook.layout import template_map
from unionxl.workbook.live_checks import CHECK_MARKER, CHECK_SHEET
from unionxl.workbook.numbers import format_vn
from unionxl.workbook.template import write_template
from unionxl.workbook.tidy import format_number

FORM = load_form("phu-luc-nhiem-ky")
MAP = template_map(FORM)
SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def make_book(tmp_path: Path, seed: int, fill_ratio: float = 1.0, name: str = "b.xlsx"):
    rng = random.Random(seed)
    data = generate(FORM, rng, scale=rng.uniform(0.05, 6), fill_ratio=fill_ratio)
    path = tmp_path / name
    write_template(FORM, path, "BG01", "Thử", data=data)
    return path, data


@SETTINGS
@given(seed=st.integers(0, 10**6), fill=st.sampled_from([1.0, 1.0, 0.7, 0.4]))
def test_generated_valid_data_has_no_issue(tmp_path_factory, seed, fill):
    path, _ = make_book(tmp_path_factory.mktemp("v"), seed, fill)
    report = validate_file(path)
    assert report.issues == [] and report.status == "valid"


# Rows without rules or parents where a year-on-year jump is the only possible finding.
FREE_ROWS = [c for c in ("12", "13", "21", "22", "23", "24")
             if all(c not in r.codes for r in FORM.rules)]


def corrupt(kind: str, data: dict, rng: random.Random):
    """Pick a cell and a corrupted value; returns (code, key, new value, expected issue code)."""
    def pick(pred):
        cells = [(i.code, p, v) for i in FORM.inputs if pred(i)
                 for p, v in data.get(i.code, {}).items() if p != "target"]
        return rng.choice(cells)

    integer = lambda i: i.value_type == "integer"  # noqa: E731
    money = lambda i: i.value_type == "decimal"  # noqa: E731
    if kind == "text-number":
        code, p, v = pick(integer)
        return code, p, format_vn(v) + "\u00a0", "text-number"
    if kind == "text-money":
        code, p, v = pick(money)
        return code, p, f"{format_number(round(v, 2))} triệu", "text-number"
    if kind == "ambiguous-number":
        code, p, _ = pick(money)
        return code, p, "1.234", "ambiguous-number"
    if kind == "not-a-number":
        code, p, _ = pick(lambda i: True)
        return code, p, "không có số liệu", "not-a-number"
    if kind == "compound-entry":
        code, p, _ = pick(lambda i: True)
        return code, p, "3/5", "compound-entry"
    if kind == "date":
        code, p, _ = pick(lambda i: True)
        return code, p, dt.datetime(2023, 5, 3), "date-in-number-cell"
    if kind == "negative":
        code, p, v = pick(lambda i: True)
        return code, p, -v - 1, "negative-value"
    if kind == "decimal":
        code, p, v = pick(integer)
        return code, p, v + 0.5, "decimal-in-count"
    if kind == "required-blank":
        code, p, _ = pick(lambda i: i.required)
        return code, p, None, "required-blank"
    if kind == "year-jump":  # from a non-zero year: a rise from 0 is not a jump by design
        code = rng.choice([c for c in FREE_ROWS if data[c].get(FORM.period_keys[-2])])
        p = FORM.period_keys[-1]
        prev = data[code][FORM.period_keys[-2]]
        return code, p, prev * 10 + 100, "year-jump"
    raise AssertionError(kind)


KINDS = ["text-number", "text-money", "ambiguous-number", "not-a-number", "compound-entry",
         "date", "negative", "decimal", "required-blank", "year-jump"]


@SETTINGS
@given(seed=st.integers(0, 10**6), kind=st.sampled_from(KINDS))
def test_one_corrupted_cell_gives_exactly_one_issue(tmp_path_factory, seed, kind):
    path, data = make_book(tmp_path_factory.mktemp("c"), seed)
    code, period, new, expected = corrupt(kind, data, random.Random(seed))
    wb = openpyxl.load_workbook(path)
    cell = MAP.addr(code, period)
    wb[FORM.sheet][cell].value = new
    wb.save(path)
    issues = validate_file(path).issues
    assert [(i.code, i.sheet, i.cell, i.indicator, i.period) for i in issues] == [
        (expected, FORM.sheet, cell, code, period)], [i.message for i in issues]


@pytest.mark.parametrize("kind,expected", [("overwrite", "formula-overwritten"),
                                           ("delete", "formula-missing")])
def test_formula_overwritten_or_deleted(tmp_path, kind, expected):
    path, _ = make_book(tmp_path, 3)
    wb = openpyxl.load_workbook(path)
    cell = MAP.addr("33", "total")
    wb[FORM.sheet][cell].value = 123 if kind == "overwrite" else None
    wb.save(path)
    issues = validate_file(path).issues
    assert [(i.code, i.cell, i.indicator, i.period) for i in issues] == [
        (expected, cell, "33", "total")]


def test_unknown_row_and_missing_row(tmp_path):
    path, _ = make_book(tmp_path, 4)
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM.sheet]
    r = MAP.last_data_row + 30  # below the legend and the signatures
    ws.cell(r, 1).value = "40"
    ws.cell(r, MAP.cols["2018"] + 1).value = 5
    ws.cell(MAP.rows["13"] + 1, 1).value = None  # the key of row 13 erased
    wb.save(path)
    issues = validate_file(path).issues
    got = sorted((i.code, i.indicator) for i in issues)
    assert got == [("missing-row", "13"), ("unknown-row", "40")]


@pytest.mark.libreoffice
def test_workbook_checks_agree_with_python(tmp_path, libreoffice):
    """LibreOffice evaluates the "Kiểm tra" sheet; every rule × year equals Python's status."""
    paths, books = [], []
    for seed in range(6):
        path, data = make_book(tmp_path, 100 + seed, [1.0, 0.6][seed % 2], f"d{seed}.xlsx")
        if seed >= 2:  # violating data: scaled, zeroed and text cells
            rng = random.Random(seed)
            wb = openpyxl.load_workbook(path)
            ws = wb[FORM.sheet]
            inputs = [(i.code, p) for i in FORM.inputs for p in data.get(i.code, {})
                      if p != "target"]
            for code, p in rng.sample(inputs, 25):
                cell = ws[MAP.addr(code, p)]
                cell.value = rng.choice([0, cell.value * 3, cell.value * 0.5 + 7, "12 người",
                                         -4, 2.5])
            wb.save(path)
        paths.append(path)
        books.append(read_book(path))
    outs = recalculate(paths, tmp_path / "lo")
    compared = failing = 0
    for book, out in zip(books, outs):
        expected = rule_statuses(book)
        grid, errors = values(out, CHECK_SHEET)
        assert errors == []
        start = next(i for i, r in enumerate(grid) if r[0] == CHECK_MARKER)
        periods = {c: v for c, v in enumerate(grid[start]) if c and v}  # the hidden key row
        seen = set()
        for row in grid[start + 1:]:
            if not row[0]:
                continue
            for c, period in periods.items():
                if (row[0], period) not in expected:
                    assert row[c] in (None, ""), (row[0], period)  # not checked that year
                    continue
                got = row[c]
                assert got == expected[(row[0], period)], (book.path.name, row[0], period, got)
                seen.add((row[0], period))
                compared += 1
                failing += got in ("Lỗi", "Cảnh báo")
        assert seen == set(expected)
    assert compared > 1000 and failing > 20  # both outcomes were really exercised


def test_cli_exit_codes_and_json(tmp_path, capsys):
    good, _ = make_book(tmp_path, 5, name="good.xlsx")
    bad, _ = make_book(tmp_path, 6, name="bad.xlsx")
    wb = openpyxl.load_workbook(bad)
    wb[FORM.sheet][MAP.addr("31", "2019")].value = "3/5"
    wb.save(bad)
    before = {p: sha256(p) for p in (good, bad)}
    assert main(["validate", str(good)]) == 0
    report = tmp_path / "r.json"
    assert main(["validate", str(good), str(bad), "--json", str(report)]) == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert files["good.xlsx"]["status"] == "valid" and files["bad.xlsx"]["status"] == "invalid"
    issue = files["bad.xlsx"]["issues"][0]
    for key in ("code", "severity", "sheet", "cell", "indicator", "period", "message"):
        assert key in issue
    assert files["bad.xlsx"]["sha256"] == before[bad] and files["bad.xlsx"]["unit_code"]
    assert issue["cell"] == MAP.addr("31", "2019") and issue["code"] == "compound-entry"
    assert {p: sha256(p) for p in (good, bad)} == before  # inputs untouched


@pytest.mark.parametrize("content,name", [
    (b"", "empty.xlsx"), (b"not a workbook at all", "text.xlsx"),
    (b"PK\x03\x04broken zip", "broken.xlsx"), (None, "missing.xlsx"), ("dir", "folder.xlsx"),
])
def test_unreadable_input_exit_2_without_traceback(tmp_path, capsys, content, name):
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    assert main(["validate", str(path), "--json", str(tmp_path / "r.json")]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["files"][0]["status"] == "unreadable"
    assert data["files"][0]["issues"][0]["message"].startswith("Không đọc được")


def test_foreign_workbook_is_not_unionxl(tmp_path):
    path = tmp_path / "foreign.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Số liệu"
    wb.save(path)
    rep = validate_file(path)
    assert rep.status == "unreadable" and rep.issues[0].code == "not-unionxl-workbook"


def test_annotate_marks_cells_and_lists_issues(tmp_path):
    path, _ = make_book(tmp_path, 8)
    wb = openpyxl.load_workbook(path)
    cell = MAP.addr("12", "2020")
    wb[FORM.sheet][cell].value = "không rõ"
    wb.save(path)
    before = sha256(path)
    out = tmp_path / "marked.xlsx"
    assert main(["validate", str(path), "--annotate", str(out)]) == 1
    assert sha256(path) == before
    marked = openpyxl.load_workbook(out)
    # the ribbon's name for the results, first; the live rule sheet keeps its own name
    assert marked.sheetnames[0] == RESULT_SHEET == ribbon.RESULT_SHEET == "Kết quả kiểm tra"
    assert "Kiểm tra" in marked.sheetnames
    c = marked[FORM.sheet][cell]
    assert c.fill.fgColor.rgb.endswith("FFC7CE")
    assert "Không phải số" in c.comment.text and "not-a-number" not in c.comment.text
    rows = list(marked[RESULT_SHEET].iter_rows(min_row=5, values_only=True))
    assert rows[0][2] == "Không phải số" and rows[0][4] == cell
    assert marked[RESULT_SHEET].cell(5, 5).hyperlink.target.endswith(f"!{cell}")


def test_fix_numbers_converts_only_unambiguous(tmp_path, capsys):
    path, _ = make_book(tmp_path, 9)
    wb = openpyxl.load_workbook(path)
    ws = wb[FORM.sheet]
    ws[MAP.addr("12", "2019")] = "1.234"  # count row: only 1234
    ws[MAP.addr("1.1", "2019")] = "1.234"  # money: 1,234 or 1234
    ws[MAP.addr("15.1", "2019")] = "31.560.946.191đ"  # đồng → triệu đồng
    wb.save(path)
    out = tmp_path / "fixed.xlsx"
    assert main(["fix-numbers", str(path), "-o", str(out)]) == 1  # one left to fix by hand
    fixed = openpyxl.load_workbook(out)[FORM.sheet]
    assert fixed[MAP.addr("12", "2019")].value == 1234
    assert fixed[MAP.addr("15.1", "2019")].value == pytest.approx(31560.946191)
    assert fixed[MAP.addr("1.1", "2019")].value == "1.234"
    codes = [i.code for i in validate_file(out).issues]
    assert codes.count("ambiguous-number") == 1 and "text-number" not in codes


def test_every_rule_is_listed_and_documented(capsys):
    assert main(["form", "show", "phu-luc-nhiem-ky", "--json"]) == 0
    listed = {r["id"] for r in json.loads(capsys.readouterr().out)["rules"]}
    ids = {r.id for r in FORM.rules}
    assert listed == ids and len(ids) >= 45
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"`{i}`" in page for i in ids)
    for must in ("doan-vien-le-cnvcld", "can-doi-doan-vien", "bnc-hcsn-le-cdcs",
                 "trong-do-8.1", "trong-do-35.1", "trong-do-37.1", "tong-33",
                 "tien-khong-nguoi-15", "nguoi-khong-tien-15"):
        assert must in ids


def test_generated_docs_are_up_to_date():
    for name, make in PAGES.items():
        assert (ROOT / "docs" / name).read_text(encoding="utf-8") == make(), \
            f"docs/{name} is stale: run python -m unionxl.docs"


def test_template_has_live_checks(tmp_path):
    path, _ = make_book(tmp_path, 10)
    wb = openpyxl.load_workbook(path)
    assert CHECK_SHEET in wb.sheetnames
    rules = wb[FORM.sheet].conditional_formatting
    assert len(list(rules)) > 100
    with zipfile.ZipFile(path) as zf:
        assert b"ISTEXT" in zf.read("xl/worksheets/sheet2.xml")
