"""The annual and quarterly forms carry what seeds 002 (Cao Bằng, 2019) and 004 (Lai Châu,
quý III/2023) quote: a workbook filled with the seed's figures shows, after LibreOffice
recalculates it and prints it in a Vietnamese locale, the percentages the seeds print."""

from __future__ import annotations

import math

import pytest

from tests.support.libreoffice import recalculate, values
from tests.support.printing import poppler, read_pdf, squeeze, to_pdf
from tests.test_template import assert_formula_values
from unionxl.form import load_form
from unionxl.validation import validate_file
from unionxl.workbook.layout import scan
from unionxl.workbook.template import write_template

ANNUAL = load_form("bao-cao-nam", "2019")
QUARTERLY = load_form("bao-cao-quy", "2023")

# Seed 002, figure by figure (the seed's words in the comment). (code, column) → value.
SEED_002 = {
    ("1", "2019"): 229, ("1", "target"): 110,  # "229/110 đoàn viên (đạt 208% KH)"
    ("2", "2019"): 10, ("2.1", "2019"): 3,  # "thành lập được 10 CĐCS, với 03 CĐCS trên 25 LĐ"
    ("3", "2019"): 30250,  # "số CNVCLĐ là 30.250 người"
    ("4", "2019"): 30088,  # "số đoàn viên công đoàn là 30.088 người, chiếm 99%"
    ("4.1", "2019"): 18612,  # "nữ: 18.612 người, chiếm 62% số đoàn viên"
    ("5", "2019"): 863,  # "Tổng số CĐCS hiện có là 863 CĐCS"
    ("5.1", "2019"): 123, ("6", "2019"): 299,  # "123 CĐCS và 299 đoàn viên đã cập nhật"
    ("7", "2019"): 5, ("7", "target"): 4,  # "05 đơn vị thành lập Ban nữ công (đạt 125% KH)"
    ("8", "2019"): 19, ("8.1", "2019"): 1759,  # "19 lớp tập huấn … với 1.759 người"
    ("9", "2019"): 1106, ("9.1", "2019"): 759,  # "giới thiệu 1.106 … 759 … kết nạp Đảng"
    ("9.2", "2019"): 548,  # "548 CĐCS giới thiệu"
    ("10", "2019"): 73, ("10.1", "2019"): 55,  # "TƯLĐTT thấp (55/73 đơn vị …)"
    ("10.2", "target"): 0.7,  # "phấn đấu tỷ lệ CĐCS doanh nghiệp có TULĐTT đạt 70% trở lên"
    ("11", "2019"): 812, ("11.1", "2019"): 800,  # "800/812 đơn vị tổ chức Hội nghị CBCCVC"
    ("11.3", "2019"): 800,  # "800/812 đơn vị có Ban Thanh tra nhân dân, đạt 98,52%"
    ("12", "2019"): 56, ("12.1", "2019"): 43,  # "43/56 đơn vị … Hội nghị NLĐ đạt 76,7%"
    ("13", "2019"): 36, ("13.1", "2019"): 22,  # "22/36 doanh nghiệp có tổ chức đối thoại"
    ("16", "2019"): 5.6,  # "thu nhập … bình quân 1 tháng … đạt 5.600.000đ/người/tháng"
    ("17", "2019"): 4578, ("17.1", "2019"): 1517.2,  # "4.578 suất quà … 1.517.200.000đ"
    ("18", "2019"): 52, ("18.1", "2019"): 33, ("18.2", "2019"): 19,  # "52 (33 mới, 19 sửa)"
    ("18.3", "2019"): 1370,  # "với số tiền 1.370 triệu đồng"
    ("19.1", "2019"): 19, ("19.2", "2019"): 379,  # "(19 hộ vay vốn) … 379.000.000đ"
    ("21", "2019"): 1940, ("21.1", "2019"): 28690,  # "1.940 cuộc tới 28.690 đoàn viên"
    ("23", "2019"): 19028, ("23.1", "2019"): 18729,  # "18.729/19.028 (đạt 98,4%)"
    ("28", "2019"): 31560.946191,  # "Thu kinh phí CĐ: 31.560.946.191đ bằng 103% so với dự toán"
    # The estimate itself is not quoted: 30.641,7 triệu is what "103%" implies (to 0,1 triệu).
    ("28", "target"): 30641.7,
    ("29", "2019"): 19448.344792,  # "Cấp kinh phí CĐ: 19.448.344.792đ"
    ("30", "2019"): 42, ("30.1", "2019"): 25,  # "25/42 CĐCS khối SXKD … đạt 59%"
}
# What the seed prints for each (code, column), as it rounds it: (value × 100, decimals,
# how the seed rounds). The seed truncates some ("76,7%" for 76,79 %).
QUOTED = {
    ("1", "pct"): (208, 0, round), ("7", "pct"): (125, 0, round),
    ("4.2", "2019"): (99, 0, round), ("4.3", "2019"): (62, 0, round),
    ("11.2", "2019"): (98.52, 2, round), ("11.4", "2019"): (98.52, 2, round),
    ("12.2", "2019"): (76.7, 1, "truncate"), ("23.2", "2019"): (98.4, 1, round),
    ("28", "pct"): (103, 0, round), ("30.2", "2019"): (59, 0, "truncate"),
}
# Printed by the workbook (vi-VN locale): rates with two decimals, comparisons with one.
PRINTED = ["208,2%", "125,0%", "99,46%", "61,86%", "98,52%", "76,79%", "98,43%", "103,0%",
           "59,52%", "75,34%", "107,6%", "61,11%", "31.560,95", "19.448,34", "30.250", "5,60"]

# Seed 004 (quý III/2023), its "Trong đó" figures add up and its rates are whole.
SEED_004 = {
    ("5", "2023Q3"): 778, ("3", "2023Q3"): 23000, ("4", "2023Q3"): 21500,
    ("5.1", "2023Q3"): 766, ("6", "2023Q3"): 20841,  # "766 CĐCS cập nhật cho 20.841 đoàn viên"
    ("14", "2023Q3"): 130, ("14.1", "2023Q3"): 30, ("14.2", "2023Q3"): 100,  # tư vấn
    ("15", "2023Q3"): 12,  # "tham gia ý kiến vào 12 dự thảo văn bản"
    ("20.1", "2023Q3"): 338, ("20.2", "2023Q3"): 4067.15,  # quỹ tương hỗ, lũy kế
    ("21.1", "2023Q3"): 30000,  # "trên 30.000 lượt đoàn viên, CNVCLĐ tham gia"
    ("24", "2023Q3"): 626, ("24.1", "2023Q3"): 621, ("24.2", "2023Q3"): 5,
    ("25", "2023Q3"): 624, ("25.1", "2023Q3"): 616, ("25.2", "2023Q3"): 8,
    ("26", "2023Q3"): 34, ("26.1", "2023Q3"): 26, ("26.2", "2023Q3"): 8,  # giám sát
    ("27", "2023Q3"): 11, ("27.1", "2023Q3"): 11,  # "11/11 … (đạt 100% chỉ tiêu)"
}


def as_data(figures: dict[tuple[str, str], float]) -> dict[str, dict[str, float]]:
    data: dict[str, dict[str, float]] = {}
    for (code, key), v in figures.items():
        data.setdefault(code, {})[key] = float(v)
    return data


def shown(value: float, decimals: int, how) -> float:
    scaled = value * 100
    if how == "truncate":
        return math.floor(scaled * 10 ** decimals) / 10 ** decimals
    return round(scaled, decimals)


@pytest.fixture(scope="module")
def books(tmp_path_factory, libreoffice):
    tmp = tmp_path_factory.mktemp("seeds")
    annual, quarterly = tmp / "cao-bang-2019.xlsx", tmp / "lai-chau-2023.xlsx"
    write_template(ANNUAL, annual, "CB", "Liên đoàn Lao động tỉnh Cao Bằng", "Cao Bằng",
                   as_data(SEED_002))
    write_template(QUARTERLY, quarterly, "LC", "Liên đoàn Lao động tỉnh Lai Châu", "Lai Châu",
                   as_data(SEED_004))
    return annual, quarterly, recalculate([annual, quarterly], tmp / "lo"), tmp


@pytest.mark.libreoffice
def test_annual_form_reproduces_seed_002(books):
    annual, _, (out, _), _ = books
    grid, errors = values(out, ANNUAL.sheet)
    assert errors == []
    m = scan(ANNUAL.sheet, grid)
    for (code, key), (want, decimals, how) in QUOTED.items():
        got = grid[m.rows[code]][m.cols[key]]
        assert shown(got, decimals, how) == want, (code, key, got)
    # the seed's own "22/36 … đạt 39%" does not add up: 22/36 is 61,1 % (22/56 would be 39 %)
    assert grid[m.rows["13.2"]][m.cols["2019"]] == pytest.approx(22 / 36)
    assert assert_formula_values(ANNUAL, as_data(SEED_002), grid, "seed 002") > 60
    report = validate_file(annual)
    assert report.errors == 0, [i.message for i in report.issues]


@pytest.mark.libreoffice
def test_quarterly_form_takes_seed_004(books):
    _, quarterly, (_, out), _ = books
    grid, errors = values(out, QUARTERLY.sheet)
    assert errors == []
    m = scan(QUARTERLY.sheet, grid)
    assert grid[m.rows["27.2"]][m.cols["2023Q3"]] == 1  # "11/11 … đạt 100%"
    assert grid[m.rows["24"]][m.cols["total"]] == 626  # per quarter: the quarter so far
    assert grid[m.rows["6"]][m.cols["total"]] == 20841  # running total: the last quarter
    assert validate_file(quarterly).errors == 0


@pytest.mark.libreoffice
def test_printed_annual_form_reads_as_the_seed(books):
    if not poppler():
        pytest.fail("pdftotext (poppler-utils) is required: .ci/setup installs it")
    annual, _, _, tmp = books
    printed = read_pdf(to_pdf([annual], tmp / "pdf")[0])
    text = squeeze(" ".join(printed.sheet_pages(ANNUAL.sheet)))
    missing = [p for p in PRINTED if p not in text]
    assert not missing, missing
