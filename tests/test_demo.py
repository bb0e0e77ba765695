"""The README's main job: ``unionxl demo`` end to end on the sample province, and what it
plants: the mistakes of real offices, a file of a union merged in 2025, a district union split
in 2025 reusing its old workbook, a jump against last year carried onto the new units, and
"0 fatal accidents, 331 deaths". Everything else is believable and passes the province's own
plausibility rules."""

from __future__ import annotations

import json

import pytest

from unionxl.cli import main


@pytest.fixture(scope="module")
def run(demo):
    """The session's demo run (conftest) and its two JSON reports."""
    root, _ = demo
    annual = json.loads((root / "tong-hop-bao-cao-nam-2026.json").read_text(encoding="utf-8"))
    term = json.loads((root / "tong-hop-phu-luc-2025-2030.json").read_text(encoding="utf-8"))
    return root, annual, term


def test_demo_end_to_end(run, demo):
    root, annual, term = run
    assert "tong-hop-bao-cao-nam-2026.xlsx" in demo[1] and "Xong trong" in demo[1]
    # the rejected report goes back to its unit marked up
    assert [p.name for p in (root / "tra-lai").iterdir()] == ["X-HIEPHOA-kiem-tra.xlsx"]
    for name in ("tong-hop-bao-cao-nam-2026.xlsx", "tong-hop-phu-luc-2025-2030.xlsx",
                 "ho-so-tinh.yaml", "units.csv", "changes.csv", "so-lieu-nam-2024.csv",
                 "so-lieu-nam-2025.csv", "phan-bo-chi-tieu_2023-2028_Bac-Giang.xlsx"):
        assert (root / name).stat().st_size > 500, name
    assert annual["as_of"] == "2026-12-31" and annual["form"]["term"] == "2026"
    assert term["form"]["term"] == "2025-2030"


def test_what_the_annual_inbox_plants(run):
    _, annual, _ = run
    status = {r["unit_code"]: r["status"] for r in annual["ledger"]
              if r["status"] not in ("superseded", "ignored")}
    assert status["X-HIEPHOA"] == "rejected" and status["P-VANHA"] == "missing"
    assert status["CDGD"] == "accepted" and status["CDNNMT"] == "accepted_with_warnings"
    assert status["P-KHONGCO"] == "unknown_unit"
    assert status["CDKCN"] == "accepted_with_warnings"  # the file of BG11, merged in 2025
    assert status["BG01"] == "unknown_unit"  # split in 2025: no single heir
    assert status["P-NENH"] == "accepted_with_warnings"
    assert sum(s.startswith("accepted") for s in status.values()) == 30
    files = {f["path"]: f for f in annual["files"]}
    kcn = files["CDKCN.xlsx"]
    assert kcn["match"] == "successor" and "BG11" in kcn["attributed"]
    assert [i["code"] for i in files["BG01.xlsx"]["issues"]] == ["unit-ended"]
    assert [i["code"] for i in files["P-NENH.xlsx"]["issues"]] == ["history-jump"]
    assert [r["status"] for r in annual["ledger"] if "P-DAMAI (ban cu)" in r["file"]] == \
        ["superseded"]
    assert [r["status"] for r in annual["ledger"] if r["file"] == "~$P-BACGIANG.xlsx"] == \
        ["ignored"]
    planted = {"X-HIEPHOA.xlsx", "CDKCN.xlsx", "BG01.xlsx", "P-NENH.xlsx", "P-KHONGCO.xlsx",
               "P-DAMAI (ban cu).xlsx", "~$P-BACGIANG.xlsx"}
    for name, f in files.items():
        if name not in planted and "CDNNMT" not in f["unit_code"]:
            assert f["issues"] == [], (name, f["issues"])
    years = {a["year"] for a in annual["achievement"]}
    assert years == {"2024", "2025", "2026"}
    carried = {a["unit_code"]: a["carried_from"] for a in annual["achievement"]
               if a["year"] == "2026"}
    assert carried["P-BACGIANG"] == "45% × BG01 (LĐLĐ thành phố Bắc Giang)"


def test_the_planted_accident_is_an_error_and_the_rest_is_plausible(run):
    _, _, term = run
    files = {f["unit_code"]: f for f in term["files"]}
    bad = files["X-LANGGIANG"]
    assert bad["ledger_status"] == "rejected"
    accident = [i for i in bad["issues"] if i["rule"] == "tnld-chet-co-vu"]
    assert accident and accident[0]["severity"] == "error" and accident[0]["period"] == "2026"
    for code, f in files.items():
        if code != "X-LANGGIANG":
            assert f["issues"] == [], (code, f["issues"])
    assert len(files) == 32


def test_the_province_figures_are_believable(run):
    _, annual, term = run
    year = annual["consolidated"]
    members, cdcs, admitted = year["4"]["2026"], year["5"]["2026"], year["1"]["2026"]
    assert 500_000 < members < 700_000  # the merged Bắc Ninh speaks of about 600.000
    assert 60 < members / cdcs < 250 and 0.03 < admitted / members < 0.12
    t = term["consolidated"]
    assert 0.78 < t["32"]["2026"] / t["31"]["2026"] < 0.97  # members among workers (README)
    assert t["37"]["2026"] / t["32"]["2026"] < 0.05  # nominations for the Party
    # the rejected file is left out: the deaths are those of the other units (national 2023:
    # 699 deaths among 7.553 people injured, Bộ LĐTBXH)
    assert t["4.3b"]["2026"] < 40 and t["4b"]["2026"] < 0.002 * t["31"]["2026"]
    assert 0.2 < t["15.1"]["2026"] / t["15"]["2026"] < 2  # triệu đồng per person helped


def test_both_consolidated_books_pass_the_rules(run, tmp_path):
    root, _, _ = run
    for name in ("tong-hop-bao-cao-nam-2026.xlsx", "tong-hop-phu-luc-2025-2030.xlsx"):
        report = tmp_path / f"{name}.json"
        assert main(["validate", str(root / name), "--json", str(report)]) == 0
        issues = json.loads(report.read_text(encoding="utf-8"))["files"][0]["issues"]
        assert [i for i in issues if i["code"] == "rule-violation"] == [], name
