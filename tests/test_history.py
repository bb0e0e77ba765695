"""Consolidating 2026 in the sample province (registry as of 31/12/2026): one file comes from
a union merged in 2025, one from a district union split in 2025. Expected units, attribution and
the ledger are checked against what was planted; the earlier years carried onto today's units
against sums and shares computed here from the change events, read off
``unionxl/data/changes.csv`` by hand; year-on-year checks against that carried history."""

from __future__ import annotations

import json
import random

import openpyxl
import pytest

from unionxl.cli import main
from unionxl.consolidation import SAMPLE_CHANGES, SAMPLE_UNITS, sample_registry
from unionxl.form import load_form
from unionxl.workbook.layout import template_map
from unionxl.workbook.template import write_template
from unionxl.workbook.tidy import Row, write_tidy

ANNUAL = load_form("bao-cao-nam", "2026")
OLD = [f"BG{n:02d}" for n in range(1, 18)] + [f"BNC0{n}" for n in range(1, 6)]
# By hand from changes.csv: who took over whom, with which share.
MERGED = {"CDKCN": ["BG11", "BG12", "BNC05"], "P-CHU": ["BG09", "BG10"],
          "P-THUANTHANH": ["BNC04"], "X-YENTHE": ["BG08"], "CDYT": ["BG14"]}
SPLIT = {"P-BACGIANG": ("BG01", 0.45), "P-DAMAI": ("BG01", 0.30),
         "P-TIENPHONG": ("BG01", 0.25), "P-QUEVO": ("BNC03", 0.60)}
NOT_COMPARABLE = ["X-LUCNAM", "X-BACLUNG"]  # BG07 split without declared shares
CODES = ["1", "2", "4", "5", "17", "17.1"]


def unit_values(rng: random.Random, members: float) -> dict[str, float]:
    cdcs = max(1, round(members / rng.uniform(60, 200)))
    people = round(members * rng.uniform(0.03, 0.1))
    return {"1": round(members * rng.uniform(0.04, 0.1)), "2": rng.randint(0, 5),
            "4": members, "5": cdcs, "17": people, "17.1": round(people * 0.8, 2)}


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("season")
    reg = sample_registry()
    rng = random.Random(2026)
    h2024 = {u: unit_values(rng, rng.randint(3000, 30000)) for u in OLD}
    units_2025 = [u.code for u in reg.expected("LDLD-BN", ANNUAL.periods[0].start.replace(
        year=2025, month=12, day=31))]
    h2025 = {u: unit_values(rng, rng.randint(3000, 30000)) for u in units_2025}
    h2025["P-CHU"] = unit_values(rng, 1000)  # Chũ took Sơn Động over in 2026
    h2025["X-SONDONG"] = unit_values(rng, 9000)
    rows = [Row(u, c, "2024", v) for u, by in h2024.items() for c, v in by.items()]
    write_tidy(rows, tmp / "2024.csv")
    write_tidy([Row(u, c, "2025", v) for u, by in h2025.items() for c, v in by.items()],
               tmp / "2025.csv")
    box = tmp / "box"
    now = {u.code: u for u in reg.expected("LDLD-BN", ANNUAL.periods[0].end)}
    sent = {}
    for code, unit in now.items():
        if code == "P-VANHA":
            continue  # did not report
        prev = h2025.get(code, {}).get("4", 5000)
        members = 10500 if code == "P-CHU" else round(prev * rng.uniform(0.98, 1.05))
        values = unit_values(rng, members)
        if code == "P-NENH":
            values["17"] = h2025["P-NENH"]["17"] * 10 + 30  # an extra digit
        sent[code] = values
        data = {c: {"2026": float(v)} for c, v in values.items()}
        ident = ("BG11", "CĐ Các KCN tỉnh") if code == "CDKCN" else (code, unit.name)
        write_template(ANNUAL, box / f"{code}.xlsx", *ident, data=data)
    write_template(ANNUAL, box / "BG01.xlsx", "BG01", "LĐLĐ thành phố Bắc Giang",
                   data={"4": {"2026": 900.0}, "5": {"2026": 9.0}})
    out = tmp / "out"
    code = main(["consolidate", str(box), "-o", str(out / "th.xlsx"), "--units",
                 str(SAMPLE_UNITS), "--changes", str(SAMPLE_CHANGES), "--unit", "LDLD-BN",
                 "--history", str(tmp / "2024.csv"), str(tmp / "2025.csv"),
                 "--json", str(out / "r.json"), "--tidy", str(out / "2026.csv")])
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    return code, report, h2024, h2025, sent, now, out


def test_expected_units_attribution_and_ledger(season):
    code, report, _, _, sent, now, _ = season
    assert code == 1  # one unit missing
    ledger = {r["unit_code"]: r for r in report["ledger"]}
    assert set(now) <= set(ledger) and len(now) == 32
    assert ledger["P-VANHA"]["status"] == "missing"
    kcn = ledger["CDKCN"]
    assert kcn["status"] == "accepted_with_warnings" and kcn["file"] == "CDKCN.xlsx"
    assert "Tệp ghi BG11" in kcn["note"] and "sáp nhập vào CDKCN từ 01/07/2025" in kcn["note"]
    bg01 = ledger["BG01"]
    assert bg01["status"] == "unknown_unit"
    assert "chia tách từ 01/07/2025" in bg01["note"] and "P-BACGIANG" in bg01["note"]
    files = {f["path"]: f for f in report["files"]}
    assert files["CDKCN.xlsx"]["match"] == "successor"
    assert [i["code"] for i in files["BG01.xlsx"]["issues"]][0] == "unit-ended"
    # the merged unit's numbers are in the totals, the split unit's old file is not
    total = sum(v["4"] for v in sent.values())
    assert report["consolidated"]["4"]["2026"] == pytest.approx(total)
    assert report["as_of"] == "2026-12-31"


def test_successor_history_is_the_sum_and_the_split_follows_its_shares(season):
    _, report, h2024, h2025, _, _, _ = season
    carried = report["history"]["units"]
    checked = 0
    for heir, olds in MERGED.items():
        for c in CODES:
            want = sum(h2024[o][c] for o in olds)
            assert carried[heir]["values"][c]["2024"] == pytest.approx(want), (heir, c)
            checked += 1
        assert [s["unit"] for s in carried[heir]["sources"]["2024"]] == sorted(olds)
    for heir, (old, share) in SPLIT.items():
        for c in CODES:
            want = share * h2024[old][c]
            assert carried[heir]["values"][c]["2024"] == pytest.approx(want), (heir, c)
            checked += 1
    for heir in NOT_COMPARABLE:
        assert all(v["2024"] is None for v in carried[heir]["values"].values())
        assert "BG07 chia tách không khai tỷ lệ" in carried[heir]["not_comparable"]["4@2024"]
    # 2025 onto 2026: Chũ took Sơn Động over on 01/04/2026
    assert carried["P-CHU"]["values"]["4"]["2025"] == 10000
    assert carried["P-BACGIANG"]["values"]["4"]["2025"] == h2025["P-BACGIANG"]["4"]
    assert "BG13" not in carried  # dissolved: its figures go nowhere
    assert checked == (len(MERGED) + len(SPLIT)) * len(CODES)


def test_year_on_year_checks_use_the_carried_history(season):
    _, report, _, h2025, _, _, _ = season
    files = {f["unit_code"]: f for f in report["files"]}
    jumps = {u: [i for i in f["issues"] if i["code"] == "history-jump"]
             for u, f in files.items()}
    # Chũ: 10.500 members against 1.000 of its own 2025 would be a tenfold jump; against
    # the 10.000 carried (Chũ + Sơn Động) it is not
    assert jumps["P-CHU"] == []
    (jump,) = jumps["P-NENH"]
    assert jump["indicator"] == "17" and jump["period"] == "2026"
    assert jump["sheet"] == ANNUAL.sheet and jump["cell"] == template_map(ANNUAL).addr("17",
                                                                                      "2026")
    assert f"năm 2025 ({h2025['P-NENH']['17']:,}".replace(",", ".") in jump["message"]
    flagged = {u for u, j in jumps.items() if j}
    assert flagged == {"P-NENH"}, flagged


def test_split_history_drives_the_check_of_the_first_year(season, tmp_path):
    """2025, the first year of the new units: compared with 45% of Bắc Giang city's 2024."""
    _, _, h2024, _, _, _, _ = season
    form = load_form("bao-cao-nam", "2025")
    share = 0.45 * h2024["BG01"]["17"]
    box = tmp_path / "box"
    members = round(0.45 * h2024["BG01"]["4"] * 1.02)
    write_template(form, box / "P-BACGIANG.xlsx", "P-BACGIANG", "Công đoàn phường Bắc Giang",
                   data={"4": {"2025": float(members)}, "5": {"2025": float(members // 80)},
                         "17": {"2025": float(round(share * 10))}})
    hist = tmp_path / "2024.csv"
    write_tidy([Row(u, c, "2024", v) for u, by in h2024.items() for c, v in by.items()], hist)
    assert main(["consolidate", str(box), "-o", str(tmp_path / "o.xlsx"), "--units",
                 str(SAMPLE_UNITS), "--changes", str(SAMPLE_CHANGES), "--unit", "LDLD-BN",
                 "--history", str(hist), "--json", str(tmp_path / "r.json")]) == 1
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    (f,) = report["files"]
    (jump,) = [i for i in f["issues"] if i["code"] == "history-jump"]
    assert "45% × BG01" in jump["message"] and jump["indicator"] == "17"


def test_the_workbook_shows_the_carried_history(season):
    *_, out = season
    wb = openpyxl.load_workbook(out / "th.xlsx", read_only=True)
    ws = wb["Số liệu năm trước"]
    rows = list(ws.iter_rows(values_only=True))
    chu = [r for r in rows if r[0] == "P-CHU" and r[2] == "4" and r[4] == "2024"]
    assert chu and chu[0][9] == "= BG09 + BG10"
    lucnam = [r for r in rows if r[0] == "X-LUCNAM" and r[2] == "4" and r[4] == "2024"]
    assert lucnam[0][5] == "không so sánh được" and "BG07" in lucnam[0][9]
    sheet = list(wb["Tình hình nộp báo cáo"].iter_rows(values_only=True))
    note = next(r for r in sheet if r[0] == "Mã đơn vị").index("Ghi chú")
    ledger = [r for r in sheet if r[0] == "CDKCN"]
    assert "Tệp ghi BG11" in ledger[0][note]


def test_the_tidy_output_is_next_year_history(season):
    *_, sent, _, out = season
    rows = (out / "2026.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "unit_code,indicator,period,value"
    kcn = [r for r in rows if r.startswith("CDKCN,4,2026,")]
    assert kcn == [f"CDKCN,4,2026,{int(sent['CDKCN']['4'])}"]  # counted for the heir


def test_a_partial_sum_is_not_comparable():
    """A successor whose predecessors did not all report a figure gets no sum (a partial sum
    would look like a fall); a dissolved unit's figures go nowhere."""
    from datetime import date

    from unionxl.consolidation.history import carry

    rows = [Row("BG11", "4", "2024", 150000.0), Row("BNC05", "4", "2024", 230000.0),
            Row("BG12", "1", "2024", 900.0),  # BG12 reported, but not its members
            Row("BG13", "4", "2024", 3000.0), Row("BG09", "4", "2024", 6500.0),
            Row("BG10", "4", "2024", 3200.0), Row("ZZ9", "4", "2024", 1.0)]
    got = carry(sample_registry(), rows, ANNUAL, date(2026, 12, 31))
    assert got.value("CDKCN", "4", "2024") is None
    assert got.why_not("CDKCN", "4", "2024") == "BG12 không có số chỉ tiêu 4 năm 2024"
    assert got.value("P-CHU", "4", "2024") == 9700
    assert got.unknown == ["ZZ9"]
    assert all("BG13" not in [s.code for s in by.get("2024", [])]
               for by in got.sources.values())
    # a predecessor that reported nothing that year beside units that did: not comparable
    only = carry(sample_registry(), rows[:2], ANNUAL, date(2026, 12, 31))
    assert only.value("CDKCN", "4", "2024") is None
    assert only.why_not("CDKCN", "4", "2024") == "thiếu số liệu năm 2024 của BG12"
    # a CĐCS that reported to a union, not to the province, is not missing from it
    assert "BV01" not in only.sources


def test_a_units_own_report_wins_over_a_file_of_the_unit_it_took_over(tmp_path):
    """Sơn Động merged into Chũ on 01/04/2026: both sent a 2026 report, Sơn Động's saved
    later. Chũ's own report (which covers Sơn Động's CĐCS) is counted, and the ledger says why
    the other is not."""
    from datetime import datetime

    box = tmp_path / "box"
    chu = {"4": {"2026": 10000.0}, "5": {"2026": 100.0}}
    write_template(ANNUAL, box / "P-CHU.xlsx", "P-CHU", "Công đoàn phường Chũ", data=chu,
                   created=datetime(2026, 10, 1))
    write_template(ANNUAL, box / "X-SONDONG.xlsx", "X-SONDONG", "Công đoàn xã Sơn Động",
                   data={"4": {"2026": 3000.0}, "5": {"2026": 60.0}},
                   created=datetime(2026, 10, 20))
    assert main(["consolidate", str(box), "-o", str(tmp_path / "o.xlsx"), "--units",
                 str(SAMPLE_UNITS), "--changes", str(SAMPLE_CHANGES), "--unit", "LDLD-BN",
                 "--json", str(tmp_path / "r.json")]) == 1
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    rows = [r for r in report["ledger"] if r["unit_code"] == "P-CHU"]
    assert [(r["status"], r["file"]) for r in rows] == [("accepted", "P-CHU.xlsx"),
                                                       ("superseded", "X-SONDONG.xlsx")]
    assert "đã có báo cáo của chính đơn vị «P-CHU.xlsx»" in rows[1]["note"]
    assert "Tệp ghi X-SONDONG" in rows[1]["note"]
    assert report["consolidated"]["4"]["2026"] == 10000
