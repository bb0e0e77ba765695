"""The mid-term review of the term appendix (seed 003: "so sánh đối chiếu với đầu nhiệm kỳ và
kết quả đạt được tương ứng của nhiệm kỳ trước, mức độ thực hiện các chỉ tiêu"): for 2023–2028
the years 2023–2025, the start of the term, the previous term and how far each target is met,
recalculated by LibreOffice equal to Python and to figures worked out here by hand."""

from __future__ import annotations

import random

import openpyxl
import pytest

from tests.support.libreoffice import recalculate, values
from tests.test_template import assert_formula_values
from unionxl.consolidation import consolidate
from unionxl.errors import DataFileError
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.validation import validate_file
from unionxl.workbook.layout import scan
from unionxl.workbook.template import write_template
from unionxl.workbook.tidy import Row, to_values

FORM = load_form("so-ket-giua-nhiem-ky", "2023-2028")
# By hand: members (32, a stock), admitted (32.1, a flow), workers (31).
MEMBERS = {"2023": 1000.0, "2024": 1100.0, "2025": 1210.0, "base": 950.0, "prev": 900.0,
           "target": 1500.0}
ADMITTED = {"2023": 120.0, "2024": 130.0, "2025": 140.0, "prev": 300.0, "target": 600.0}
WORKERS = {"2023": 2000.0, "2024": 2100.0, "2025": 2200.0, "base": 1900.0, "prev": 1800.0}


def filled(rng: random.Random) -> dict[str, dict[str, float]]:
    data = generate(FORM, rng, scale=2)
    for ind in FORM.inputs:  # the start of the term and the previous term, for every row
        row = data.get(ind.code)
        if row:
            first = row.get("2023", 0.0)
            if FORM.applies(ind, "base"):
                row["base"] = first
            row["prev"] = first
    data.update({"32": dict(MEMBERS), "32.1": dict(ADMITTED), "31": dict(WORKERS)})
    data["32.2"] = {"2023": 20.0, "2024": 30.0, "2025": 30.0, "prev": 40.0}
    return data


def test_shape_years_so_far_and_comparison_columns(tmp_path):
    assert FORM.period_keys == ["2023", "2024", "2025"]
    assert FORM.period_line() == "(Số liệu lấy từ ngày 01/01/2023 đến hết ngày 31/12/2025)"
    assert load_form("so-ket-giua-nhiem-ky", "2018-2023").period_keys == ["2018", "2019",
                                                                          "2020"]
    assert [i.code for i in FORM.indicators] == [
        i.code for i in load_form("phu-luc-nhiem-ky", "2023-2028").indicators]
    path = tmp_path / "sk.xlsx"
    m = write_template(FORM, path, "BG01", "Thử")
    ws = openpyxl.load_workbook(path)[FORM.sheet]
    heads = {key: ws.cell(9, col + 1).value for key, col in m.cols.items()}
    assert heads["base"] == "Đầu nhiệm kỳ (31/12/2022)"
    assert heads["prev"] == "Cùng kỳ nhiệm kỳ 2018-2023"
    assert heads["pct"] == "Mức đạt chỉ tiêu đến giữa nhiệm kỳ (%)"
    assert ws.cell(4, 2).value == "PHỤ LỤC" and "GIỮA NHIỆM KỲ 2023 - 2028" in ws.cell(5, 2).value
    # a flow has no start-of-term figure: its cell is not an input
    flow = ws.cell(m.rows["32.1"] + 1, m.cols["base"] + 1)
    stock = ws.cell(m.rows["32"] + 1, m.cols["base"] + 1)
    assert flow.protection.locked and not stock.protection.locked
    with pytest.raises(DataFileError, match="số đầu nhiệm kỳ"):
        to_values([Row("BG01", "32.1", "base", 5)], FORM, "x.csv", "BG01")


@pytest.mark.libreoffice
def test_mid_term_workbook_recalculates_to_python_and_by_hand(tmp_path, libreoffice):
    data = filled(random.Random(3))
    path = tmp_path / "sk.xlsx"
    write_template(FORM, path, "BG01", "Thử", data=data)
    out = recalculate([path], tmp_path / "lo")[0]
    grid, errors = values(out, FORM.sheet)
    assert errors == []
    assert assert_formula_values(FORM, data, grid, "mid-term") > 450
    m = scan(FORM.sheet, grid)

    def cell(code: str, key: str):
        return grid[m.rows[code]][m.cols[key]]

    assert cell("32", "total") == 1210  # members at the end of 2025
    assert cell("32", "base_pct") == pytest.approx(1210 / 950)  # against the start of term
    assert cell("32", "prev_pct") == pytest.approx(1210 / 900)  # against the previous term
    assert cell("32", "pct") == pytest.approx(1210 / 1500)  # the term target, so far
    assert cell("32.1", "total") == 390 and cell("32.1", "pct") == pytest.approx(390 / 600)
    assert cell("32.1", "base") in (None, "") and cell("32.1", "base_pct") in (None, "")
    assert cell("32.1", "prev_pct") == pytest.approx(390 / 300)
    assert cell("32.4", "base") == pytest.approx(950 / 1900)  # a rate at the start of term
    assert cell("32.4", "prev") == pytest.approx(900 / 1800)
    assert cell("32.4", "total") == pytest.approx(1210 / 2200)
    assert validate_file(path).errors == 0


def test_mid_term_reports_consolidate_with_their_comparisons(tmp_path):
    for i, code in enumerate(["BG01", "BG02"]):
        data = filled(random.Random(10 + i))
        write_template(FORM, tmp_path / f"{code}.xlsx", code, f"Đơn vị {code}", data=data)
    run = consolidate([tmp_path])
    total = run.consolidated()
    assert total["32"]["base"] == 2 * 950 and total["32"]["prev"] == 2 * 900
    assert total["32.1"]["total"] == 2 * 390 and "base" not in total["32.1"]
    assert total["32.4"]["base"] == pytest.approx(round(950 / 1900, 6))
