"""The register records what intake (issue 11) and the registry (issue 12) decide: a file of a
unit that has since merged is kept for its successor, a unit's own report wins over it, and
copies whose times do not tell which is newer stay «Chờ chọn bản» — the register never picks one
of them silently. Re-running changes nothing."""

from __future__ import annotations

import json
from datetime import datetime

from unionxl.cli import main
from unionxl.consolidation import SAMPLE_CHANGES, SAMPLE_UNITS
from unionxl.consolidation.register import Register
from unionxl.form import load_form
from unionxl.workbook.template import write_template

ANNUAL = load_form("bao-cao-nam", "2026")


def run(box, out) -> tuple[int, dict]:
    code = main(["consolidate", str(box), "-o", str(out / "th.xlsx"), "--units",
                 str(SAMPLE_UNITS), "--changes", str(SAMPLE_CHANGES), "--unit", "LDLD-BN",
                 "--json", str(out / "r.json")])
    return code, json.loads((out / "r.json").read_text(encoding="utf-8"))


def test_register_keeps_attribution_and_undecided_copies(tmp_path):
    box, out = tmp_path / "box", tmp_path / "out"
    out.mkdir()
    same = datetime(2026, 10, 5, 9, 0)

    def figures(members: float, unions: float) -> dict:
        return {"4": {"2026": members}, "5": {"2026": unions}}  # annual form v2: rows 4, 5

    write_template(ANNUAL, box / "P-CHU.xlsx", "P-CHU", "Công đoàn phường Chũ",
                   data=figures(10000, 100), created=datetime(2026, 10, 1))
    # Sơn Động merged into Chũ on 01/04/2026; its file is saved later than Chũ's own
    write_template(ANNUAL, box / "X-SONDONG.xlsx", "X-SONDONG", "Công đoàn xã Sơn Động",
                   data=figures(3000, 60), created=datetime(2026, 10, 20))
    # two different copies of Kinh Bắc saved at the same minute, not sent by mail
    write_template(ANNUAL, box / "P-KINHBAC.xlsx", "P-KINHBAC", "Công đoàn phường Kinh Bắc",
                   data=figures(500, 5), created=same)
    write_template(ANNUAL, box / "P-KINHBAC khac.xlsx", "P-KINHBAC",
                   "Công đoàn phường Kinh Bắc", data=figures(700, 7), created=same)
    code, first = run(box, out)
    assert code == 1
    rows = {(r["unit_code"], r["file"]): r for r in first["ledger"]}
    assert rows["P-CHU", "P-CHU.xlsx"]["status"] == "accepted"
    assert rows["P-CHU", "X-SONDONG.xlsx"]["status"] == "superseded"
    assert "đã có báo cáo của chính đơn vị «P-CHU.xlsx»" in rows["P-CHU", "X-SONDONG.xlsx"][
        "note"]
    kb = [rows["P-KINHBAC", f] for f in ("P-KINHBAC.xlsx", "P-KINHBAC khac.xlsx")]
    assert [r["status"] for r in kb] == ["held", "held"]  # «Chờ chọn bản»: the officer's choice
    assert first["consolidated"]["4"]["2026"] == 10000  # neither copy of Kinh Bắc, not Sơn Động
    with Register(out / "so-theo-doi.sqlite") as reg:
        assert reg.check() == []
        (rnd,) = reg.rounds()
        got = {r["name"]: r["unit_code"] for r in reg.receipts(rnd)}
        content = reg.content()
    # Sơn Động's file is recorded for its successor, as the registry decided on the report date
    assert got["X-SONDONG.xlsx"] == "P-CHU" and got["P-CHU.xlsx"] == "P-CHU"
    assert got["P-KINHBAC.xlsx"] == got["P-KINHBAC khac.xlsx"] == "P-KINHBAC"
    code, again = run(box, out)
    assert code == 1
    assert again["ledger"] == first["ledger"] and again["consolidated"] == first["consolidated"]
    with Register(out / "so-theo-doi.sqlite") as reg:
        assert reg.content() == content  # nothing new recorded
