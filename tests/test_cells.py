"""The one classifier of what a cell holds, and the validator's judgement of it, by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from unionxl.form import load_form
from unionxl.validation import cell_issue
from unionxl.workbook import cells as ck

FORM = load_form("phu-luc-nhiem-ky")
COUNT = FORM.indicator("12")  # lượt người, integer
MONEY = FORM.indicator("1.1")  # triệu đồng, decimal


@pytest.mark.parametrize("raw,ind,kind,issue,number", [
    (None, COUNT, ck.BLANK, None, None),
    ("", COUNT, ck.BLANK, None, None),
    (0.0, COUNT, ck.NUMBER, None, 0.0),
    (1234.0, COUNT, ck.NUMBER, None, 1234.0),
    (7, COUNT, ck.NUMBER, None, 7.0),  # an int from xlwings
    (2.5, COUNT, ck.NUMBER, "decimal-in-count", None),
    (2.5, MONEY, ck.NUMBER, None, 2.5),
    (-0.5, MONEY, ck.NUMBER, "negative-value", None),
    (-3.0, COUNT, ck.NUMBER, "negative-value", None),
    ("1.234", COUNT, ck.TEXT_NUMBER, "text-number", None),
    ("1.234", MONEY, ck.AMBIGUOUS, "ambiguous-number", None),
    ("3/5", COUNT, ck.COMPOUND, "compound-entry", None),
    ("không có", COUNT, ck.TEXT, "not-a-number", None),
    (True, COUNT, ck.TEXT, "not-a-number", None),
    (dt.datetime(2023, 5, 3), COUNT, ck.DATE, "date-in-number-cell", None),
    (dt.date(2023, 5, 3), COUNT, ck.DATE, "date-in-number-cell", None),
])
def test_classify_and_judge(raw, ind, kind, issue, number):
    cell = ck.classify(raw, ind.unit, ind.value_type == "integer")
    assert cell.kind == kind
    got_number, got_issue, _ = cell_issue(ind, cell)
    assert (got_issue, got_number) == (issue, number)


def test_text_number_keeps_its_one_reading_and_is_never_summed():
    cell = ck.classify("31.560.946.191đ", MONEY.unit, False)
    assert cell.kind == ck.TEXT_NUMBER and cell.number == pytest.approx(31560.946191)
    assert cell.value is None  # only a real number reaches a total


def test_a_formula_is_judged_by_what_it_shows():
    cell = ck.classify(12.0, COUNT.unit, True, formula=True)
    assert cell.kind == ck.FORMULA and cell.value == 12.0
    assert cell_issue(COUNT, cell) == (12.0, None, {})
    shown_text = ck.classify("abc", COUNT.unit, True, formula=True)
    assert cell_issue(COUNT, shown_text)[1] == "not-a-number"
