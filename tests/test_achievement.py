"""Achievement tracking: actual ÷ target per unit and year, computed independently here.

Seed 001 allocated 2024–2028 targets to 17 units of Bắc Giang that ended on 30/06/2025. For 2025
and 2026 the targets are carried onto the units of the merged province: the expected targets
below are the seed's numbers (typed from the seed) times the shares of the change events (read
off ``unionxl/data/changes.csv`` by hand), not anything unionxl computes.
"""

from __future__ import annotations

import json
import random

import openpyxl
import pytest

from unionxl.cli import main
from unionxl.consolidation import SAMPLE_CHANGES, SAMPLE_UNITS, sample_registry
from unionxl.form import load_form
from unionxl.workbook.blank import DEFAULT_DIR
from unionxl.workbook.template import write_template
from unionxl.workbook.tidy import Row, write_tidy

ALLOCATION = DEFAULT_DIR / "phan-bo-chi-tieu_2023-2028_Bac-Giang.xlsx"
# Seed 001, "Năm 2025" and "Năm 2026" (the same): (CĐCS, ĐV) per unit; 2024 differs for BG08.
SEED = {"BG01": (5, 500), "BG02": (5, 500), "BG03": (3, 200), "BG04": (3, 400),
        "BG05": (5, 500), "BG06": (5, 500), "BG07": (4, 400), "BG08": (2, 250),
        "BG09": (2, 100), "BG10": (1, 60), "BG11": (15, 20000), "BG12": (2, 500),
        "BG13": (1, 60), "BG14": (1, 40), "BG15": (0, 0), "BG16": (0, 0), "BG17": (0, 0)}
SEED_2024 = {**SEED, "BG08": (2, 200)}
# Who inherited whose targets (changes.csv): shares of splits, merges whole; BG13 and BG17
# were dissolved; BG07 split without shares; Sơn Động (BG10) went on to Chũ in April 2026.
HEIRS = {
    "P-BACGIANG": [("BG01", .45)], "P-DAMAI": [("BG01", .30)], "P-TIENPHONG": [("BG01", .25)],
    "P-YENDUNG": [("BG02", .60)], "P-TANAN": [("BG02", .40)], "P-NENH": [("BG03", .45)],
    "P-VANHA": [("BG03", .30)], "P-VIETYEN": [("BG03", .25)], "X-NHANAM": [("BG04", .5)],
    "X-PHUCHOA": [("BG04", .5)], "X-HIEPHOA": [("BG05", .55)], "X-HOANGVAN": [("BG05", .45)],
    "X-LANGGIANG": [("BG06", .6)], "P-KEP": [("BG06", .4)], "X-YENTHE": [("BG08", 1)],
    "CDKCN": [("BG11", 1), ("BG12", 1)], "CDYT": [("BG14", 1)], "CDNNMT": [("BG15", 1)],
    "CDGD": [("BG16", 1)],
}
HEIRS_2025 = {**HEIRS, "P-CHU": [("BG09", 1)], "X-SONDONG": [("BG10", 1)]}
HEIRS_2026 = {**HEIRS, "P-CHU": [("BG09", 1), ("BG10", 1)]}
SPLIT_NO_SHARES = {"X-LUCNAM", "X-BACLUNG"}


def expected_target(heirs, unit: str, measure: int) -> float | None:
    if unit in SPLIT_NO_SHARES:
        return None
    return sum(share * SEED[old][measure] for old, share in heirs.get(unit, [])) or None


def test_plain_list_2024_actual_over_target(tmp_path):
    """The 17 units as a plain list (no dates): targets are the seed's, as allocated."""
    rng = random.Random(5)
    annual = load_form("bao-cao-nam", "2024")
    units = tmp_path / "units.csv"
    units.write_text("code,name\n" + "".join(f"{c},Đơn vị {c}\n" for c in SEED_2024),
                     encoding="utf-8")
    inbox = tmp_path / "inbox"
    actual = {}
    for code, (cdcs, dv) in SEED_2024.items():
        if code == "BG09":
            continue  # did not report
        admitted, founded = float(rng.randint(0, 2 * dv + 10)), float(rng.randint(0, 2 * cdcs + 1))
        actual[code] = (founded, admitted)
        members = admitted * 10 + 100
        data = {"1": {"2024": admitted}, "2": {"2024": founded}, "3": {"2024": members + 50},
                "4": {"2024": members}, "5": {"2024": founded + 20}}
        write_template(annual, inbox / f"{code}.xlsx", code, f"Đơn vị {code}", data=data)
    report = tmp_path / "r.json"
    assert main(["consolidate", str(inbox), "-o", str(tmp_path / "th.xlsx"), "--units",
                 str(units), "--targets", str(ALLOCATION), "--json", str(report)]) == 1
    rows = json.loads(report.read_text(encoding="utf-8"))["achievement"]
    assert {r["year"] for r in rows} == {"2024"} and len(rows) == 34
    for r in rows:
        target = SEED_2024[r["unit_code"]][0 if r["measure"] == "CĐCS" else 1]
        assert r["target"] == target and r["carried_from"] == ""
        if r["unit_code"] == "BG09":
            assert r["status"] == "not_reported" and r["actual"] is None and r["pct"] is None
            continue
        got = actual[r["unit_code"]][0 if r["measure"] == "CĐCS" else 1]
        assert r["actual"] == got
        if target == 0:
            assert r["pct"] is None and r["status"] == "no_target"
        else:
            assert r["pct"] == pytest.approx(got / target)
            assert r["status"] == ("achieved" if got >= target else "shortfall")
    assert any(r["status"] == "shortfall" for r in rows)
    wb = openpyxl.load_workbook(tmp_path / "th.xlsx")
    ws = wb["Thực hiện chỉ tiêu"]
    assert ws._charts and ws.max_row == 4 + 34


@pytest.fixture(scope="module")
def carried(tmp_path_factory):
    """2026 reports of the merged province, 2025 as history; targets of seed 001."""
    tmp = tmp_path_factory.mktemp("carried")
    reg = sample_registry()
    rng = random.Random(12)
    annual = load_form("bao-cao-nam", "2026")
    y2025 = load_form("bao-cao-nam", "2025").periods[0].end
    actual = {"2025": {}, "2026": {}}
    rows = []
    for u in reg.expected("LDLD-BN", y2025):
        founded, admitted = rng.randint(0, 8), rng.randint(50, 3000)
        actual["2025"][u.code] = (founded, admitted)
        rows += [Row(u.code, "1", "2025", admitted), Row(u.code, "2", "2025", founded),
                 Row(u.code, "4", "2025", admitted * 12), Row(u.code, "5", "2025", 40)]
    write_tidy(rows, tmp / "2025.csv")
    inbox = tmp / "inbox"
    for u in reg.expected("LDLD-BN", annual.periods[0].end):
        if u.code == "P-KEP":
            continue  # did not report 2026
        founded, admitted = rng.randint(0, 8), rng.randint(50, 3000)
        actual["2026"][u.code] = (founded, admitted)
        data = {"1": {"2026": float(admitted)}, "2": {"2026": float(founded)},
                "4": {"2026": admitted * 12.0}, "5": {"2026": 40.0}}
        write_template(annual, inbox / f"{u.code}.xlsx", u.code, u.name, data=data)
    report = tmp / "r.json"
    main(["consolidate", str(inbox), "-o", str(tmp / "th.xlsx"), "--units", str(SAMPLE_UNITS),
          "--changes", str(SAMPLE_CHANGES), "--unit", "LDLD-BN", "--history",
          str(tmp / "2025.csv"), "--targets", str(ALLOCATION), "--json", str(report)])
    return json.loads(report.read_text(encoding="utf-8"))["achievement"], actual, tmp


def test_2025_and_2026_against_seed_targets_carried_onto_the_new_units(carried):
    rows, actual, _ = carried
    assert {r["year"] for r in rows} == {"2025", "2026"}
    checked = 0
    for r in rows:
        heirs = HEIRS_2025 if r["year"] == "2025" else HEIRS_2026
        m = 0 if r["measure"] == "CĐCS" else 1
        want = expected_target(heirs, r["unit_code"], m)
        reported = actual[r["year"]].get(r["unit_code"])
        if reported is None:
            assert r["status"] == "not_reported" and r["actual"] is None, r
            continue
        got = reported[m]
        assert r["actual"] == got, r
        if r["unit_code"] in SPLIT_NO_SHARES:
            assert r["target"] is None and r["status"] == "not_comparable", r
        elif not want:
            assert r["status"] == "no_target" and r["pct"] is None, r
        else:
            assert r["target"] == pytest.approx(want), r
            assert r["pct"] == pytest.approx(got / want), r
            assert r["status"] == ("achieved" if got >= want else "shortfall"), r
        checked += 1
    units_2025 = {r["unit_code"] for r in rows if r["year"] == "2025"}
    assert "X-SONDONG" in units_2025 and "BG11" not in units_2025
    assert checked >= 2 * (33 + 31) - 2
    # the seed's total for 2025 that survives: all but the dissolved BG13 (1 CĐCS, 60 ĐV) and
    # BG17 (0), and BG07 (4, 400) whose split declared no shares
    kept = sum(r["target"] or 0 for r in rows if r["year"] == "2025" and r["measure"] == "ĐV")
    assert kept == pytest.approx(24010 - 60 - 400)


def test_the_sheet_names_the_carried_from_units(carried):
    rows, _, tmp = carried
    by = {(r["unit_code"], r["year"], r["measure"]): r for r in rows}
    assert by[("CDKCN", "2026", "ĐV")]["carried_from"] == \
        "BG11 (CĐ Các KCN tỉnh) + BG12 (CĐN Công Thương)"
    assert by[("P-BACGIANG", "2025", "CĐCS")]["carried_from"] == \
        "45% × BG01 (LĐLĐ thành phố Bắc Giang)"
    assert by[("P-CHU", "2026", "ĐV")]["carried_from"] == \
        "BG09 (LĐLĐ huyện Lục Ngạn) + BG10 (LĐLĐ huyện Sơn Động)"
    assert by[("P-CHU", "2025", "ĐV")]["carried_from"] == "BG09 (LĐLĐ huyện Lục Ngạn)"
    ws = openpyxl.load_workbook(tmp / "th.xlsx")["Thực hiện chỉ tiêu"]
    head = [c.value for c in ws[4]]
    assert head[-1] == "Chỉ tiêu chuyển từ"
    sheet = {(r[0], r[2], r[3]): r[-1] for r in ws.iter_rows(min_row=5, values_only=True)}
    assert sheet[("CDKCN", "2026", "ĐV")] == "BG11 (CĐ Các KCN tỉnh) + BG12 (CĐN Công Thương)"
