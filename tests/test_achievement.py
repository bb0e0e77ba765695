"""Achievement tracking: actual ÷ target per unit and year, computed independently here,
including zero targets (no division error) and units that did not report."""

from __future__ import annotations

import json
import random

import pytest

from unionxl.cli import main
from unionxl.consolidation import SAMPLE_UNITS, sample_units
from unionxl.form import load_form
from unionxl.workbook.blank import DEFAULT_DIR
from unionxl.workbook.template import write_template

ANNUAL = load_form("bao-cao-nam")  # year 2025
ALLOCATION = DEFAULT_DIR / "phan-bo-chi-tieu_2023-2028_Bac-Giang.xlsx"
# The seed's 2025 targets: (CĐCS, ĐV) per unit.
TARGETS_2025 = {"BG01": (5, 500), "BG02": (5, 500), "BG03": (3, 200), "BG04": (3, 400),
                "BG05": (5, 500), "BG06": (5, 500), "BG07": (4, 400), "BG08": (2, 250),
                "BG09": (2, 100), "BG10": (1, 60), "BG11": (15, 20000), "BG12": (2, 500),
                "BG13": (1, 60), "BG14": (1, 40), "BG15": (0, 0), "BG16": (0, 0),
                "BG17": (0, 0)}


def test_achievement_equals_actual_over_target(tmp_path):
    rng = random.Random(5)
    inbox = tmp_path / "inbox"
    actual = {}
    for unit in sample_units():
        code = unit.code
        if code == "BG09":
            continue  # did not report
        admitted = float(rng.randint(0, 2 * TARGETS_2025[code][1] + 10))
        founded = float(rng.randint(0, 2 * TARGETS_2025[code][0] + 1))
        actual[code] = (founded, admitted)
        members = admitted * 10 + 100
        data = {"1": {"2025": admitted}, "2": {"2025": founded}, "3": {"2025": members},
                "4": {"2025": founded + 20}}
        write_template(ANNUAL, inbox / f"{code}.xlsx", code, unit.name, data=data)
    report = tmp_path / "r.json"
    assert main(["consolidate", str(inbox), "-o", str(tmp_path / "th.xlsx"), "--units",
                 str(SAMPLE_UNITS), "--targets", str(ALLOCATION), "--json", str(report)]) == 1
    rows = json.loads(report.read_text(encoding="utf-8"))["achievement"]
    assert {r["year"] for r in rows} == {"2025"} and len(rows) == 34
    for r in rows:
        target = TARGETS_2025[r["unit_code"]][0 if r["measure"] == "CĐCS" else 1]
        assert r["target"] == target
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
    import openpyxl
    wb = openpyxl.load_workbook(tmp_path / "th.xlsx")
    ws = wb["Thực hiện chỉ tiêu"]
    assert ws._charts and ws.max_row == 4 + 34
