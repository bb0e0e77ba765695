"""The data-entry workbook, its formulas recalculated by LibreOffice, round trips and fill."""

from __future__ import annotations

import math
import random
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from tests.support.libreoffice import recalculate, values
from unionxl.cli import main
from unionxl.form import compute, load_form
from unionxl.form.sample import generate
from unionxl.validation import rule_statuses
from unionxl.workbook import read_book
from unionxl.workbook.fill import fill
from unionxl.workbook.formulas import excel_formulas
from unionxl.workbook.layout import META_SHEET, scan, template_map
from unionxl.workbook.live_checks import CHECK_MARKER, CHECK_SHEET
from unionxl.workbook.template import write_template
from unionxl.workbook.tidy import Row, read_tidy, write_tidy


def sheet_map_of(path: Path, sheet: str):
    wb = openpyxl.load_workbook(path)
    grid = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    return wb, grid, scan(sheet, grid)


def assert_formula_values(form, inputs, grid, label=""):
    """Every formula cell of a recalculated grid equals what Python computes."""
    m = scan(form.sheet, grid)
    assert m is not None
    expected = compute(form, inputs)
    checked = 0
    for (r, c), _text in excel_formulas(form, m).items():
        code = next(k for k, v in m.rows.items() if v == r)
        key = next(k for k, v in m.cols.items() if v == c)
        want, got = expected[code][key], grid[r][c]
        if want is None:
            assert got in (None, ""), f"{label} {code}/{key}: expected blank, got {got!r}"
        else:
            assert isinstance(got, (int, float)), f"{label} {code}/{key}: got {got!r}"
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (label, code, key)
        checked += 1
    return checked


def test_template_structure(tmp_path, form):
    out = tmp_path / "t.xlsx"
    write_template(form, out, "BG01", "LĐLĐ thành phố Bắc Giang", "Bắc Giang")
    wb = openpyxl.load_workbook(out)
    ws = wb[form.sheet]
    m = template_map(form)
    assert ws.protection.sheet and not ws.protection.password
    assert ws.freeze_panes == "E11"  # below the headers, right of the units
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the XML default
    assert ws.print_title_rows == "$9:$10"
    assert ws.column_dimensions["A"].hidden and ws.row_dimensions[8].hidden
    assert ws["B1"].value == "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC GIANG"
    assert ws["B2"].value == "LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ BẮC GIANG"  # in full, not "LĐLĐ"
    assert "(Số liệu lấy từ ngày 01/01/2018 đến hết ngày 31/12/2022)" in [
        ws.cell(r, 2).value for r in range(1, 8)]
    headers = [ws.cell(9, c).value for c in range(2, 15)]
    assert headers[:4] == ["TT", "Nội dung", "Đơn vị tính", "Năm"]
    assert "Tổng hoặc bình quân (%)" in headers and "Ghi chú" in headers
    r, c = m.cell("32.1", "2019")
    inp = ws.cell(r + 1, c + 1)
    assert not inp.protection.locked and inp.fill.fgColor.rgb.endswith("FFF2CC")
    assert inp.font.name == "Times New Roman"
    r, c = m.cell("32.1", "total")
    assert ws.cell(r + 1, c + 1).protection.locked
    r, c = m.cell("32.3", "2019")
    assert ws.cell(r + 1, c + 1).protection.locked  # derived: a formula, not an input
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    r, c = m.cell("32.1", "2018")
    dv = next(dv for ref, dv in dvs.items() if ws.cell(r + 1, c + 1).coordinate in ref)
    assert dv.type == "whole" and dv.operator == "greaterThanOrEqual"
    assert dv.promptTitle == "Nhập số nguyên ≥ 0" and "Để trống" in dv.prompt
    r, c = m.cell("1.1", "2018")
    dv = next(dv for ref, dv in dvs.items() if ws.cell(r + 1, c + 1).coordinate in ref)
    assert dv.type == "decimal"
    for dv in dvs.values():
        assert len(dv.promptTitle or "") <= 32 and len(dv.prompt or "") <= 255
        assert len(dv.errorTitle or "") <= 32 and len(dv.error or "") <= 255
    assert wb[META_SHEET].sheet_state == "veryHidden"
    ident = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert ident["form_id"] == form.id and ident["unit_code"] == "BG01"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["unionxl_unit_code"] == "BG01"


def test_formula_text_never_divides_unguarded(form):
    for text in excel_formulas(form, template_map(form)).values():
        if "/" in text:
            assert text.startswith('=IF(OR(COUNT(') and 'N(' in text, text
        assert len(text) < 8192


@pytest.mark.libreoffice
def test_engine_really_recalculates(tmp_path, libreoffice):
    """Guard for the reference itself: LibreOffice must ignore cached values."""
    path = tmp_path / "cached.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("S").write_formula(0, 0, "=1+1", None, 5)
    wb.close()
    out = recalculate([path], tmp_path / "out")[0]
    grid, errors = values(out, "S")
    assert grid[0][0] == 2 and not errors


def _cases():
    rng = random.Random(7)
    base = load_form("phu-luc-nhiem-ky")
    nxt = load_form("phu-luc-nhiem-ky", "2023-2028")
    cases = [
        ("full", base, generate(base, rng, scale=1.5)),
        ("sparse", base, generate(base, rng, scale=0.5, fill_ratio=0.4)),
        ("next-term", nxt, generate(nxt, rng, scale=3)),
        ("empty", base, {}),
    ]
    zero_targets = generate(base, rng)
    for code in ("32", "7", "35"):
        zero_targets.setdefault(code, {})["target"] = 0.0
    cases.append(("zero-targets", base, zero_targets))
    return cases


@pytest.mark.libreoffice
def test_libreoffice_recalculation_equals_python(tmp_path, libreoffice):
    cases = _cases()
    paths = []
    for name, form, data in cases:
        p = tmp_path / f"{name}.xlsx"
        write_template(form, p, "BG01", "Thử", data=data)
        paths.append(p)
    outs = recalculate(paths, tmp_path / "lo")
    for (name, form, data), out in zip(cases, outs):
        grid, errors = values(out, form.sheet)
        assert errors == [], f"{name}: error values {errors[:5]}"
        assert assert_formula_values(form, data, grid, name) > 200


def test_round_trip_template_data_export(tmp_path, form, rng, capsys):
    data = generate(form, rng, scale=2)
    data["1.1"]["2018"] = 0.1 + 0.2  # 17 significant digits: more than Excel keeps
    data["1.1"]["2019"] = 123456.789012345  # 15 digits: kept exactly
    rows = [Row("BG05", code, p, v) for code, by in data.items() for p, v in by.items()]
    src = tmp_path / "in.csv"
    write_tidy(rows, src)
    book = tmp_path / "BG05.xlsx"
    assert main(["template", "phu-luc-nhiem-ky", "-o", str(book), "--unit", "BG05",
                 "--data", str(src), "--term", form.term]) == 0
    assert main(["data", "export", str(book), "-o", str(tmp_path / "out.csv")]) == 0
    back = read_tidy(tmp_path / "out.csv")
    want = [r if r.value != 0.1 + 0.2 else Row(r.unit_code, r.indicator, r.period, 0.3)
            for r in read_tidy(src)]
    assert sorted(back, key=_k) == sorted(want, key=_k)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()[0] == \
        "unit_code,indicator,period,value"
    # Excel holds 15 significant digits: the one value beyond that was rounded, and said so
    assert "hơn 15 chữ số" in capsys.readouterr().err


def _k(r: Row):
    return (r.unit_code, r.indicator, r.period)


def _input_snapshot(path: Path, form):
    wb, grid, m = sheet_map_of(path, form.sheet)
    ws = wb[form.sheet]
    snap = {}
    for ind in form.valued:
        keys = (form.period_keys if ind.is_input else []) + ["target", "note"]
        for key in keys:
            cell = ws.cell(m.rows[ind.code] + 1, m.cols[key] + 1)
            snap[(ind.code, key)] = (type(cell.value).__name__, cell.value, cell.number_format)
    return snap


def test_fill_restores_formulas_and_keeps_inputs(tmp_path, form, rng):
    data = generate(form, rng)
    book = tmp_path / "b.xlsx"
    write_template(form, book, "BG01", data=data)
    before = _input_snapshot(book, form)
    wb, grid, m = sheet_map_of(book, form.sheet)
    ws = wb[form.sheet]
    ws.cell(m.rows["32"] + 1, m.cols["total"] + 1).value = 12345  # overwritten formula
    ws.cell(m.rows["7"] + 1, m.cols["pct"] + 1).value = None  # deleted formula
    ws.cell(m.rows["32.3"] + 1, m.cols["2019"] + 1).value = 7
    wb.save(book)
    out = tmp_path / "filled.xlsx"
    assert main(["fill", str(book), "-o", str(out)]) == 0
    res = fill(book, tmp_path / "filled2.xlsx")
    assert len(res.restored) == 3
    assert _input_snapshot(out, form) == before
    ws2 = openpyxl.load_workbook(out)[form.sheet]
    # Written by hand from the layout (years in E:I, total J, «Cách tính» K, target L, % M;
    # row 112 is members, 113/114 admitted/left, 115 their difference, 116 members over
    # workers; row 37 enterprises with a TƯLĐTT, 41 their rate over the CĐCS of enterprises,
    # rows 119–121): the last year with a number for a stock, the total over the target, a − b,
    # a rate recomputed from the totals of its numerator and denominator.
    assert ws2["J112"].value == ("=IF(ISNUMBER(I112),I112,IF(ISNUMBER(H112),H112,IF(ISNUMBER("
                                 'G112),G112,IF(ISNUMBER(F112),F112,IF(ISNUMBER(E112),E112,"")))))')
    assert ws2["M37"].value == '=IF(OR(COUNT(J37)=0,N(L37)=0),"",N(J37)/N(L37))'
    assert ws2["F115"].value == '=IF(COUNT(F113,F114)=0,"",(N(F113)-N(F114)))'
    assert ws2["J113"].value == ('=IF(COUNT(E113,F113,G113,H113,I113)=0,"",SUM(E113,F113,'
                                 'G113,H113,I113))')
    assert ws2["J116"].value == ('=IF(OR(COUNT(J112)=0,COUNT(J111)=0),"",IF(N(J111)=0,"",'
                                 'N(J112)/N(J111)))')
    assert ws2["G41"].value == ('=IF(OR(COUNT(G37)=0,COUNT(G119,G120,G121)=0),"",IF(((N(G119)'
                                '+N(G120))+N(G121))=0,"",N(G37)/((N(G119)+N(G120))+N(G121))))')
    # and every other formula cell holds a formula again
    _, grid, m2 = sheet_map_of(out, form.sheet)
    assert all(isinstance(ws2.cell(r + 1, c + 1).value, str)
               and ws2.cell(r + 1, c + 1).value.startswith("=")
               for (r, c) in excel_formulas(form, m2))


def insert_rows_and_columns(path: Path, form) -> None:
    """What a unit does: a row above the table, rows inside it, a column among the years."""
    wb = openpyxl.load_workbook(path)
    ws = wb[form.sheet]
    m = scan(form.sheet, [list(r) for r in ws.iter_rows(values_only=True)])
    merged = [rng.bounds for rng in ws.merged_cells.ranges]  # Excel moves merges; openpyxl not
    for rng in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(rng))
    inserts = [("row", m.rows["32.1"] + 1, 2),  # inside the table, between 32 and 32.1
               ("col", m.cols[form.period_keys[2]] + 1, 1),  # a column among the years
               ("row", 3, 1),  # a row in the header
               ("col", 1, 1)]  # before everything: the key column moves to B
    for kind, at, n in inserts:
        (ws.insert_rows if kind == "row" else ws.insert_cols)(at, n)
        merged = [_shift(b, kind, at, n) for b in merged]
    for c1, r1, c2, r2 in merged:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
    r = m.rows["32.1"] + 1 + 1  # after the header row went in
    ws.cell(r, m.cols["label"] + 2).value = "Dòng đơn vị tự thêm"
    wb.save(path)


def _shift(bounds, kind, at, n):
    c1, r1, c2, r2 = bounds
    if kind == "row":
        return (c1, r1 + n if r1 >= at else r1, c2, r2 + n if r2 >= at else r2)
    return (c1 + n if c1 >= at else c1, r1, c2 + n if c2 >= at else c2, r2)


@pytest.mark.libreoffice
def test_inserted_rows_and_columns_export_fill_recalculate(tmp_path, form, rng, libreoffice):
    data = generate(form, rng, scale=1.2)
    book = tmp_path / "b.xlsx"
    write_template(form, book, "BG02", data=data)
    rows_before, _ = read_book(book).tidy_rows()
    insert_rows_and_columns(book, form)
    book_after = read_book(book)
    assert book_after.map.key_col == 1
    rows_after, skipped = book_after.tidy_rows()
    assert rows_after == rows_before and skipped == []
    out = tmp_path / "filled.xlsx"
    res = fill(book, out)
    assert res.restored  # openpyxl's insertion left formulas pointing at the old cells
    csv_a, csv_b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert main(["data", "export", str(out), "-o", str(csv_a)]) == 0
    assert main(["data", "export", str(book), "-o", str(csv_b)]) == 0
    assert csv_a.read_bytes() == csv_b.read_bytes()
    recalculated = recalculate([out], tmp_path / "lo")[0]
    grid, errors = values(recalculated, form.sheet)
    assert errors == []
    assert assert_formula_values(form, data, grid, "inserted") > 200
    # the live checks were re-pointed too: every status equals Python's
    expected = rule_statuses(read_book(out))
    checks_grid, _ = values(recalculated, CHECK_SHEET)
    start = next(i for i, r in enumerate(checks_grid) if r[0] == CHECK_MARKER)
    periods = {c: p for c, p in enumerate(checks_grid[start]) if c and p}
    got = {(r[0], p): r[c] for r in checks_grid[start + 1:] if r[0]
           for c, p in periods.items() if r[c] not in (None, "")}
    assert got == expected
