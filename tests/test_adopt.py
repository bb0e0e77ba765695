"""A hand-made appendix (built here from the seed's labels, with merged cells, label variants,
NFD text and "vụ/người" cells) is adopted with every row mapped correctly; one unknown row is
reported, never guessed; consolidation accepts such a workbook with a warning."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from tests.test_form import seed_rows
from unionxl.cli import main
from unionxl.consolidation import consolidate, sample_registry
from unionxl.consolidation.adopt import adopt, targets
from unionxl.form import load_form
from unionxl.workbook import read_book

FORM = load_form("phu-luc-nhiem-ky")
YEARS = FORM.period_keys
VARIANTS = [  # how people retype the seed's labels
    lambda s: s.replace("Doanh nghiệp", "DN"),
    lambda s: s.replace("DN ", "doanh nghiệp ").replace("DN", "doanh nghiệp"),
    lambda s: unicodedata.normalize("NFD", s),
    lambda s: "  " + s.replace(" ", "  ", 2) + " ",
    lambda s: s.lstrip("+ ").upper() if len(s) < 50 else s,
    lambda s: s.replace("Trong đó:", "trong đó").replace(". Trong", ", trong"),
    lambda s: s,
]
UNKNOWN = "Số cuộc họp giao ban hằng tháng của Ban Thường vụ"


def hand_made(path: Path, rng: random.Random, data: dict | None = None
              ) -> dict[tuple[str, str], float]:
    """The seed's table typed by hand: merged header and section cells, one row per seed row,
    a compound "vụ/người" row holding "3/5". Returns the values it holds, by code and year."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws["A1"] = "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC GIANG"
    ws["A2"] = "LĐLĐ HUYỆN YÊN DŨNG"
    ws["A4"] = "PHỤ LỤC"
    ws.merge_cells("A4:J4")
    ws.append(["TT", "Nội dung", "Đơn vị tính", "Năm", None, None, None, None,
               "Tổng hoặc bình quân (%)", "Ghi chú"])
    ws.merge_cells("D5:H5")
    ws.append([None, None, None, *[int(y) for y in YEARS]])
    expected: dict[tuple[str, str], float] = {}
    groups = targets(FORM)
    sections = {g.codes[0]: FORM.indicator(g.codes[0]).section for g in groups}
    section_done = set()
    for seed, group in zip(seed_rows(), groups, strict=True):
        sec = sections[group.codes[0]]
        if sec not in section_done:
            section_done.add(sec)
            ws.append([sec, next(s.label for s in FORM.sections if s.number == sec)])
            ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=8)
        label = rng.choice(VARIANTS)(seed["label"])
        row = [seed["number"] or None, label, seed["unit"] or None]
        has_values = FORM.indicator(group.codes[0]).has_values
        for y in YEARS:
            if not has_values:
                row.append(None)
            elif len(group.codes) == 2:
                a, b = rng.randint(0, 9), rng.randint(10, 30)
                if data is not None:
                    a, b = (int(data.get(c, {}).get(y, 0)) for c in group.codes)
                row.append(f"{a}/{b}")
                expected[(group.codes[0], y)], expected[(group.codes[1], y)] = a, b
            else:
                v = rng.randint(0, 500)
                if data is not None:
                    v = data.get(group.codes[0], {}).get(y, 0)
                row.append(v)
                if FORM.indicator(group.codes[0]).is_input:  # a derived row is recomputed
                    expected[(group.codes[0], y)] = v
        ws.append(row)
        if seed["number"] == "20":
            ws.append([None, UNKNOWN, "cuộc", 3, 4, 5, 6, 7])
    wb.save(path)
    return expected


def test_every_row_mapped_and_the_unknown_row_reported(tmp_path):
    path = tmp_path / "tu-lap.xlsx"
    expected = hand_made(path, random.Random(3))
    result = adopt(path)
    statuses = [(r.label, r.status, r.codes) for r in result.rows]
    unknown = [r for r in result.rows if r.status != "mapped"]
    assert [r.label for r in unknown] == [UNKNOWN] and unknown[0].status == "unknown"
    mapped = [r for r in result.rows if r.status == "mapped"]
    assert [r.codes for r in mapped] == [g.codes for g in targets(FORM)], statuses
    assert all(r.confidence >= 0.85 for r in mapped)
    got = {(c, p): v for c, row in result.values.items() for p, v in row.items()}
    assert got == expected and result.problems == []
    assert result.unit_name == "LĐLĐ HUYỆN YÊN DŨNG"


def test_adopt_command_writes_a_unionxl_workbook(tmp_path, capsys):
    path = tmp_path / "tu-lap.xlsx"
    expected = hand_made(path, random.Random(4))
    out = tmp_path / "bieu-mau.xlsx"
    assert main(["adopt", str(path), "-o", str(out), "--unit", "BG02", "--json",
                 str(tmp_path / "map.json")]) == 1  # one row left for a person to decide
    book = read_book(out)
    rows, _ = book.tidy_rows()
    assert {(r.indicator, r.period): r.value for r in rows} == expected
    report = json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))
    assert sum(r["status"] == "unknown" for r in report["rows"]) == 1
    assert "1 dòng cần xem lại" in capsys.readouterr().out


def test_low_confidence_is_reported_not_guessed(tmp_path):
    path = tmp_path / "tu-lap.xlsx"
    hand_made(path, random.Random(5))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    for row in ws.iter_rows():
        if row[1].value and str(row[1].value).startswith("Số người được tư vấn"):
            row[1].value = "Số người được tư vấn về luật"  # half the words changed
    wb.save(path)
    result = adopt(path)
    doubtful = [r for r in result.rows if r.status == "low-confidence"]
    assert [r.candidate for r in doubtful] == ["12"]
    assert "12" not in result.values


def test_consolidate_accepts_hand_made_with_a_warning(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    from unionxl.form.sample import generate

    data = generate(FORM, random.Random(6), targets=False)  # numbers that keep every rule
    expected = hand_made(inbox / "yen-dung.xlsx", random.Random(6), data)
    run = consolidate([inbox], sample_registry(), root="LDLD-BG")  # 2018-2023: Bắc Giang
    (sub,) = run.submissions
    codes = [i.code for i in sub.report.issues]
    assert sub.unit_code == "BG02" and sub.match == "name"
    assert codes == ["unit-matched-by-name", "adopted-by-label", "unknown-row"], \
        [i.message for i in sub.report.issues]
    assert sub.status == "accepted_with_warnings"
    got = run.consolidated()
    for (code, period), v in expected.items():
        assert got[code][period] == pytest.approx(v)
