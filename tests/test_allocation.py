"""The target-allocation form of seed 001: its totals, recalculated by LibreOffice, are the
seed's own figures (54 CĐCS every year; 23.960 then 24.010 ĐV; 270 and 120.000 overall)."""

from __future__ import annotations

import pytest

from tests.support.libreoffice import recalculate, values
from unionxl.form import load_form
from unionxl.workbook.blank import DEFAULT_DIR, units_under
from unionxl.workbook.layout import scan

# One row per unit of the sample registry under LĐLĐ Bắc Giang (2023): seed 001's 17 units.
FORM = load_form("phan-bo-chi-tieu", None, units_under("LDLD-BG"))
SAMPLE = DEFAULT_DIR / "phan-bo-chi-tieu_2023-2028_Bac-Giang.xlsx"
SEED_UNITS = {  # unit row: (CĐCS per year, ĐV per year 2024..2028, ĐV total)
    "1": (5, [500] * 5, 2500), "8": (2, [200, 250, 250, 250, 250], 1200),
    "10": (1, [60] * 5, 300), "11": (15, [20000] * 5, 100000), "15": (0, [0] * 5, 0),
}


def test_form_shape():
    assert FORM.period_keys == ["2024", "2025", "2026", "2027", "2028"]
    units = [i for i in FORM.inputs if i.code.endswith("a")]
    assert len(units) == 17 and units[0].entity == "BG01" and units[-1].entity == "BG17"
    assert FORM.indicator("1a").label == "LĐLĐ thành phố Bắc Giang – CĐCS"
    assert FORM.indicator("18a").kind == "derived" and FORM.indicator("18b").label == "TỔNG – ĐV"
    assert FORM.indicator("18a").formula == " + ".join(f"{{{n}a}}" for n in range(1, 18))


def test_rows_come_from_the_registry_not_the_definition():
    two = load_form("phan-bo-chi-tieu", None, [("X1", "Công đoàn xã Một"),
                                                ("X2", "Công đoàn phường Hai")])
    assert [i.code for i in two.indicators] == ["1a", "1b", "2a", "2b", "3a", "3b"]
    assert two.indicator("2b").entity == "X2" and two.indicator("3a").formula == "{1a} + {2a}"
    text = (DEFAULT_DIR.parent / "unionxl" / "form" / "definitions" /
            "phan-bo-chi-tieu.yaml").read_text(encoding="utf-8")
    assert "Bắc Giang" not in text.split("sections:")[1] and "BG01" not in text


@pytest.mark.libreoffice
def test_totals_recalculated_by_libreoffice_equal_the_seed(tmp_path, libreoffice):
    out = recalculate([SAMPLE], tmp_path)[0]
    grid, errors = values(out, FORM.sheet)
    assert errors == []
    m = scan(FORM.sheet, grid)

    def cell(code, key):
        return grid[m.rows[code]][m.cols[key]]

    assert [cell("18a", y) for y in FORM.period_keys] == [54] * 5
    assert [cell("18b", y) for y in FORM.period_keys] == [23960, 24010, 24010, 24010, 24010]
    assert cell("18a", "total") == 270 and cell("18b", "total") == 120000
    for code, (cd, dv, dv_total) in SEED_UNITS.items():
        assert [cell(f"{code}a", y) for y in FORM.period_keys] == [cd] * 5
        assert [cell(f"{code}b", y) for y in FORM.period_keys] == dv
        assert cell(f"{code}a", "total") == 5 * cd and cell(f"{code}b", "total") == dv_total
