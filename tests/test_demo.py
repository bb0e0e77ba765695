"""The README's main job: ``unionxl demo`` end to end on shipped sample data."""

import json

from unionxl.cli import main


def test_demo_end_to_end(tmp_path, capsys):
    assert main(["demo", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "tong-hop-LDLD-Bac-Giang.xlsx" in out and "Xong trong" in out
    report = json.loads((tmp_path / "tong-hop.json").read_text(encoding="utf-8"))
    status = {r["unit_code"]: r["status"] for r in report["ledger"]
              if r["status"] not in ("superseded", "ignored")}
    assert status["BG03"] == "rejected" and status["BG08"] == "missing"
    assert status["BG14"] == "accepted_with_warnings" and status["BG99"] == "unknown_unit"
    assert status["BG12"] == "accepted" and status["BG16"] == "accepted_with_warnings"
    assert sum(s.startswith("accepted") for s in status.values()) == 15
    assert (tmp_path / "tong-hop-LDLD-Bac-Giang.xlsx").stat().st_size > 10_000
