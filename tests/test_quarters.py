"""Quarterly submissions rolled up to the year equal the annual figures computed here
independently (flows summed over the quarters, stocks at the last quarter)."""

from __future__ import annotations

import random

import openpyxl
import pytest

from unionxl.cli import main
from unionxl.consolidation import consolidate
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.validation import validate_file
from unionxl.workbook.reader import read_book
from unionxl.workbook.template import write_template

QUARTERLY = load_form("bao-cao-quy")


# Written by hand from the seeds' wording: figures at the end of a quarter ("Tổng số…",
# "Số … thuộc đối tượng"), running totals from the start of the year ("lũy kế", seed 004:
# "đến nay đã có 766 CĐCS cập nhật…"), the average income; everything else happens in a
# quarter and adds up.
STOCKS = {"3", "4", "4.1", "5", "10", "10.1", "11", "11.3", "12", "13", "20.1", "20.2", "23",
          "23.1", "23.3", "27", "30", "30.1"}
RUNNING = {"5.1", "6", "9.2", "11.1", "12.1", "13.1", "27.1"}
AVERAGE = {"16"}


def year_of(code: str, quarters: dict[str, float]) -> float | None:
    """Independent of unionxl.formulas: the year from the quarters, by the kind of row."""
    series = [quarters[q] for q in QUARTERLY.period_keys if q in quarters]
    if not series:
        return None
    if code in AVERAGE:
        return sum(series) / len(series)
    return series[-1] if code in STOCKS | RUNNING else sum(series)


def test_quarterly_form_shape():
    assert QUARTERLY.period_keys == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert [p.label for p in QUARTERLY.periods] == ["Quý I", "Quý II", "Quý III", "Quý IV"]
    assert QUARTERLY.periods[0].end.isoformat() == "2025-03-31"
    annual = load_form("bao-cao-nam", "2025")
    assert [i.code for i in annual.indicators] == [i.code for i in QUARTERLY.indicators]
    assert {i.code for i in QUARTERLY.valued if i.time == "last"} == STOCKS | RUNNING
    assert {i.code for i in QUARTERLY.valued if i.cumulative} == RUNNING
    assert {i.code for i in QUARTERLY.valued if i.time == "avg"} == AVERAGE


def test_quarters_roll_up_to_the_annual_figures(tmp_path):
    rng = random.Random(11)
    units = [f"Q{i:02d}" for i in range(6)]
    data = {u: generate(QUARTERLY, rng, scale=rng.uniform(0.2, 3),
                        fill_ratio=1.0 if u != "Q05" else 0.75) for u in units}
    quarterly_dir, annual_dir = tmp_path / "quy", tmp_path / "nam"
    for u in units:
        write_template(QUARTERLY, quarterly_dir / f"{u}.xlsx", u, f"Đơn vị {u}", data=data[u])
        assert main(["rollup", str(quarterly_dir / f"{u}.xlsx"), "-o",
                     str(annual_dir / f"{u}.xlsx")]) == 0
    annual = consolidate([annual_dir]).consolidated()
    quarterly = consolidate([quarterly_dir]).consolidated()
    checked = 0
    for ind in QUARTERLY.inputs:
        per_unit = [year_of(ind.code, {q: v for q, v in data[u].get(ind.code, {}).items()
                                       if q != "target"}) for u in units]
        known = [v for v in per_unit if v is not None]
        if not known or ind.across == "none":  # an average income is not added over units
            continue
        want = sum(known)
        assert annual[ind.code]["2025"] == pytest.approx(want), ind.code
        if ind.time == "sum":  # the consolidated quarters' own total gives the same year
            assert quarterly[ind.code]["total"] == pytest.approx(want), ind.code
        checked += 1
    assert checked >= 20


def test_each_row_says_how_it_rolls_up_and_roll_up_honours_it(tmp_path):
    """The same four numbers in a running total (6, "lũy kế") and in a per-quarter row (14.1):
    the year is the last quarter's for the first, the sum for the second, and each row says so
    in its «Cách tính» cell."""
    q = QUARTERLY.period_keys
    same = dict(zip(q, [100.0, 250.0, 400.0, 550.0]))
    data = {"3": {p: 2000.0 for p in q}, "4": {p: 1000.0 for p in q},
            "5": {p: 10.0 for p in q}, "6": same, "14": same, "14.1": same,
            "14.2": {p: 0.0 for p in q}}
    book, year = tmp_path / "quy.xlsx", tmp_path / "nam.xlsx"
    m = write_template(QUARTERLY, book, "Q01", "Đơn vị Q01", data=data)
    ws = openpyxl.load_workbook(book)[QUARTERLY.sheet]
    assert ws.cell(m.rows["6"] + 1, m.cols["how"] + 1).value == "Lũy kế"
    assert ws.cell(m.rows["14.1"] + 1, m.cols["how"] + 1).value == "Cộng"
    assert main(["rollup", str(book), "-o", str(year)]) == 0
    values = read_book(year).tidy_rows()[0]
    got = {r.indicator: r.value for r in values if r.period == "2025"}
    assert got["6"] == 550 and got["14.1"] == 1300  # not 1300 and 550
    # a running total that falls is flagged, in the quarter where it falls
    data["6"] = dict(zip(q, [100.0, 250.0, 200.0, 550.0]))
    write_template(QUARTERLY, book, "Q01", "Đơn vị Q01", data=data)
    warned = [(i.rule, i.period) for i in validate_file(book).issues if i.rule]
    assert warned == [("luy-ke-6", "2025Q3")]
