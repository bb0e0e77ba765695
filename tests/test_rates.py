"""Rates (``kind: ratio``) are recomputed from their numerator and denominator at every
aggregation — over the years and over the units — never summed or averaged. LibreOffice agrees
with Python, and both agree with rates worked out here by hand; summing or averaging the units'
rates would have given other, wrong answers."""

from __future__ import annotations

import json
import math
import textwrap

import pytest

from tests.support.libreoffice import recalculate, values
from tests.test_template import assert_formula_values
from unionxl.cli import main
from unionxl.errors import FormDefinitionError
from unionxl.form import compute, load_form, load_form_file
from unionxl.workbook.layout import scan
from unionxl.workbook.template import write_template

ANNUAL = load_form("bao-cao-nam", "2019")
TERM = load_form("phu-luc-nhiem-ky")
# Enterprises with a union (10) and those with a collective agreement (10.1), this year and
# the year before: a big unit with few agreements, two small ones with many.
UNITS = {"DV1": {"10": (100, 90), "10.1": (20, 15)},
         "DV2": {"10": (10, 10), "10.1": (9, 8)},
         "DV3": {"10": (5, 4), "10.1": (4, 2)}}
POOLED = (20 + 9 + 4) / (100 + 10 + 5)  # 33/115 = 28,70 %
POOLED_PREV = (15 + 8 + 2) / (90 + 10 + 4)  # 25/104
TARGET = 0.7  # "phấn đấu tỷ lệ CĐCS doanh nghiệp có TƯLĐTT đạt 70% trở lên" (seed 002)


def unit_data(code: str) -> dict[str, dict[str, float]]:
    data: dict[str, dict[str, float]] = {"3": {"2019": 2000.0}, "4": {"2019": 1500.0},
                                         "5": {"2019": 30.0}}
    for row, (now, before) in UNITS[code].items():
        data[row] = {"2019": float(now), "prev": float(before)}
    data["10.2"] = {"target": TARGET}
    return data


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory, libreoffice):
    tmp = tmp_path_factory.mktemp("rates")
    inbox = tmp / "inbox"
    books = []
    for code in UNITS:
        books.append(inbox / f"{code}.xlsx")
        write_template(ANNUAL, books[-1], code, f"Đơn vị {code}", data=unit_data(code))
    report = tmp / "th.json"
    assert main(["consolidate", str(inbox), "-o", str(tmp / "th.xlsx"), "--json",
                 str(report)]) == 0
    outs = recalculate([*books, tmp / "th.xlsx"], tmp / "lo")
    return outs, json.loads(report.read_text(encoding="utf-8"))


def rate_cells(path, sheet: str, code: str = "10.2") -> dict[str, object]:
    grid, errors = values(path, sheet)
    assert errors == []
    m = scan(sheet, grid)
    return {key: grid[m.rows[code]][col] for key, col in m.cols.items()}


@pytest.mark.libreoffice
def test_unit_rates_recalculated_equal_python_and_hand(recalculated):
    outs, _ = recalculated
    for code, out in zip(UNITS, outs):
        (now, prev), (n_now, n_prev) = UNITS[code]["10"], UNITS[code]["10.1"]
        cells = rate_cells(out, ANNUAL.sheet)
        assert cells["2019"] == pytest.approx(n_now / now)
        assert cells["prev"] == pytest.approx(n_prev / prev)  # a rate of last year, recomputed
        assert cells["pct"] == pytest.approx(n_now / now / TARGET)  # against the rate target
        grid, _ = values(out, ANNUAL.sheet)
        assert assert_formula_values(ANNUAL, unit_data(code), grid, code) > 20


@pytest.mark.libreoffice
def test_consolidated_rate_is_recomputed_not_summed_or_averaged(recalculated):
    outs, report = recalculated
    unit_rates = [rate_cells(out, ANNUAL.sheet)["2019"] for out in outs[:-1]]
    cells = rate_cells(outs[-1], "TỔNG HỢP")
    assert cells["2019"] == pytest.approx(POOLED) and cells["prev"] == pytest.approx(POOLED_PREV)
    assert report["consolidated"]["10.2"]["2019"] == round(POOLED, 6)
    assert cells["prev_pct"] == pytest.approx(POOLED / POOLED_PREV)
    # What Excel's Consolidate (sum) or an average of the units' rates would have printed:
    summed, averaged = sum(unit_rates), sum(unit_rates) / len(unit_rates)
    assert summed == pytest.approx(0.2 + 0.9 + 0.8) and summed > 1  # 190 %: not a rate at all
    assert averaged == pytest.approx(1.9 / 3) and abs(averaged - POOLED) > 0.3  # 63 % ≠ 29 %
    # A unit's rate target is not summed either: the province sets its own.
    assert cells["target"] in (None, "")


@pytest.mark.libreoffice
def test_rate_over_the_years_is_the_rate_of_the_totals(tmp_path, libreoffice):
    """Admitted (37.1) over nominated (37), both summed over the years: 60/110 for the term,
    not the mean (75 %) or the sum (150 %) of the yearly rates."""
    data = {"37": {"2018": 100.0, "2019": 10.0}, "37.1": {"2018": 50.0, "2019": 10.0}}
    path = tmp_path / "term.xlsx"
    write_template(TERM, path, "BG01", "Thử", data=data)
    out = recalculate([path], tmp_path / "lo")[0]
    cells = rate_cells(out, TERM.sheet, "37.2")
    assert cells["2018"] == pytest.approx(0.5) and cells["2019"] == pytest.approx(1.0)
    assert cells["total"] == pytest.approx(60 / 110)
    assert compute(TERM, data)["37.2"]["total"] == pytest.approx(60 / 110)
    assert cells["how"] == "Tỷ lệ"
    grid, _ = values(out, TERM.sheet)
    assert assert_formula_values(TERM, data, grid) > 50


def test_rates_shown_as_percent_with_their_formula_in_the_note(tmp_path):
    import openpyxl

    path = tmp_path / "t.xlsx"
    m = write_template(ANNUAL, path, "DV1", "Đơn vị DV1", data=unit_data("DV1"))
    ws = openpyxl.load_workbook(path)[ANNUAL.sheet]
    r = m.rows["10.2"] + 1
    assert ws.cell(r, m.cols["2019"] + 1).number_format == "0.00%"
    assert ws.cell(r, m.cols["unit"] + 1).value == "%"
    assert ws.cell(r, m.cols["note"] + 1).value.startswith("Tỷ lệ = dòng 10.1 ÷ dòng 10")


def _definition(tmp_path, rows: str):
    path = tmp_path / "f.yaml"
    path.write_text(textwrap.dedent("""\
        id: f
        version: 1
        title: T
        sheet: S
        term: {start: 2018, end: 2023}
        units: {DN: {type: integer}, triệu đồng: {type: decimal}}
        sections:
          - number: I
            label: L
            rows:
        """) + textwrap.indent(textwrap.dedent(rows), " " * 6), encoding="utf-8")
    return path


@pytest.mark.parametrize("rows,problem", [
    ("""\
     - code: "1"
       label: A
       unit: DN
       time: avg
     """, "969,2 DN"),  # an average of counts: the nonsense the seed's column gave
    ("""\
     - {code: "1", label: A, unit: DN}
     - {code: "2", label: B, kind: ratio, numerator: "{1}"}
     """, "mẫu số"),
    ("""\
     - {code: "1", label: A, unit: DN}
     - {code: "2", label: B, kind: ratio, numerator: "{1}", denominator: "{9}"}
     """, "«9»"),
    ("""\
     - {code: "1", label: A, unit: DN}
     - {code: "2", label: B, kind: ratio, numerator: "{1}", denominator: "{1}", time: sum}
     """, "bỏ khóa time"),
    ("""\
     - {code: "1", label: A, unit: DN, cumulative: true}
     """, "time phải là last"),
])
def test_broken_rate_and_aggregation_definitions(tmp_path, rows, problem):
    with pytest.raises(FormDefinitionError) as exc:
        load_form_file(str(_definition(tmp_path, rows)))
    assert problem in str(exc.value)


def test_money_may_still_be_averaged(tmp_path):
    form = load_form_file(str(_definition(tmp_path, """\
        - {code: "1", label: A, unit: triệu đồng, time: avg, why: Bình quân.}
        """)))
    assert math.isclose(compute(form, {"1": {"2018": 1.0, "2019": 2.0}})["1"]["total"], 1.5)


def test_comparisons_divide_the_figure_by_the_reference():
    """«229/110 đoàn viên (đạt 208% KH)»: the figure over the plan, and over last year."""
    row = compute(ANNUAL, {"1": {"2019": 229.0, "target": 110.0, "prev": 200.0}})["1"]
    assert row["pct"] == pytest.approx(229 / 110) and row["prev_pct"] == pytest.approx(1.145)
    empty = compute(ANNUAL, {"1": {"2019": 229.0, "target": 0.0}})["1"]
    assert empty["pct"] is None and empty["prev_pct"] is None  # no plan, no year before
