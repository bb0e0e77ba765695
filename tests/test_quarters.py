"""Quarterly submissions rolled up to the year equal the annual figures computed here
independently (flows summed over the quarters, stocks at the last quarter)."""

from __future__ import annotations

import random

import pytest

from unionxl.cli import main
from unionxl.consolidation import consolidate
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.workbook.template import write_template

QUARTERLY = load_form("bao-cao-quy")


def year_of(code: str, quarters: dict[str, float]) -> float | None:
    """Independent of unionxl.formulas: the year from the quarters, by the kind of row."""
    series = [quarters[q] for q in QUARTERLY.period_keys if q in quarters]
    if not series:
        return None
    stock = code in {"3", "4", "4.1", "5", "7", "7.1", "8", "8.1", "9", "18"}
    return series[-1] if stock else sum(series)


def test_quarterly_form_shape():
    assert QUARTERLY.period_keys == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert [p.label for p in QUARTERLY.periods] == ["Quý I", "Quý II", "Quý III", "Quý IV"]
    assert QUARTERLY.periods[0].end.isoformat() == "2025-03-31"
    annual = load_form("bao-cao-nam", "2025")
    assert [i.code for i in annual.indicators] == [i.code for i in QUARTERLY.indicators]
    stocks = {i.code for i in QUARTERLY.valued if i.time == "last"}
    assert stocks == {"3", "4", "4.1", "5", "7", "7.1", "8", "8.1", "9", "18"}


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
        if not known:
            continue
        want = sum(known)
        assert annual[ind.code]["2025"] == pytest.approx(want), ind.code
        if ind.time == "sum":  # the consolidated quarters' own total gives the same year
            assert quarterly[ind.code]["total"] == pytest.approx(want), ind.code
        checked += 1
    assert checked >= 20
