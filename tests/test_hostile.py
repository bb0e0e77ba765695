"""No single file can stop, crash or fool a consolidation (issue 11).

Every case of the generated corpus (``tests/corpus.py``) is put beside two valid units and
given to ``consolidate`` and (for workbooks) ``validate`` through the command line: the exit
code is 0, 1 or 2, no traceback, the workbook and JSON are written, the case's files each have
a ledger row with a code and a Vietnamese message, the valid units are summed to totals
computed here independently, and the inputs are unchanged.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests import corpus
from tests.conftest import sha256
from tests.test_consolidate import assert_same, expected_sums
from unionxl.cli import main

# Words of library or Python messages: none may reach a message a user reads.
ENGLISH = re.compile(r"\b(the|error|invalid|failed|not found|unexpected|cannot|expected|index|"
                     r"out of range|bad|magic|truncated|eof|traceback|exception|none)\b", re.I)
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]",
                        re.I)



def _params():
    for case in corpus.CASES:
        marks = [pytest.mark.libreoffice] if case.libreoffice else []
        yield pytest.param(case, id=case.name, marks=marks)


def _fingerprint(box: Path) -> dict[str, str]:
    out = {}
    for p in sorted(box.rglob("*")):
        if p.is_symlink():
            out[str(p)] = "link:" + os.readlink(p)
        elif p.is_file():
            out[str(p)] = sha256(p)
    return out


def _ledger_rows(report: dict, case_files: set[str]) -> list[dict]:
    """The ledger rows of the case's files (a file inside an archive or mail is shown as
    "outer › inner")."""
    return [r for r in report["ledger"]
            if r["file"] and Path(r["file"].split(" › ")[0]).name in case_files]


@pytest.mark.parametrize("case", _params())
def test_case_beside_two_valid_units(case, bases, tmp_path, capfd, request):
    if case.libreoffice:
        request.getfixturevalue("libreoffice")
    box = tmp_path / "hop-thu"
    box.mkdir()
    case.build(box, bases)
    case_files = {p.name for p in box.iterdir()}
    for code in corpus.BESIDE:
        (box / f"{code}.xlsx").write_bytes(bases.books[code])
    units = corpus.units_csv(tmp_path / "units.csv")
    before = _fingerprint(box)
    out, js = tmp_path / "tong-hop.xlsx", tmp_path / "tong-hop.json"
    code = main(["consolidate", str(box), "-o", str(out), "--units", str(units), "--json",
                 str(js)])
    said = capfd.readouterr()
    assert code in (0, 1, 2) and "Traceback" not in said.out + said.err, said.err
    assert out.stat().st_size > 10_000
    report = json.loads(js.read_text(encoding="utf-8"))
    rows = _ledger_rows(report, case_files)
    assert rows, f"no ledger row for {case_files}"
    files = {f["path"]: f for f in report["files"]}
    codes = {i["code"] for r in rows for i in files[r["file"]]["issues"]}
    assert set(case.codes) <= codes, (case.codes, codes)
    for r in rows:
        if case.codes and r["status"] != "accepted":  # a row kept clean has nothing to say
            assert r["code"], r
        if case.status:  # a copy is superseded only where copies are the point
            assert r["status"] == case.status or (
                case.family == "copies" and r["status"] == "superseded"), r
        assert r["file"].split(" › ")[0].split("/")[-1] in case_files
        for message in [r["note"], *(i["message"] for i in files[r["file"]]["issues"])]:
            assert not ENGLISH.search(message), message
            assert not message or VIETNAMESE.search(message), message
    counted = set(corpus.BESIDE) | set(case.counted)
    rows_in = [r for c in sorted(counted) for r in bases.rows[c]] + case.extra(bases)
    want = expected_sums(rows_in, counted | {r.unit_code for r in case.extra(bases)})
    assert_same(report["consolidated"], want)
    assert "root:" not in js.read_text(encoding="utf-8")  # no file content leaked in
    assert _fingerprint(box) == before
    for name in case.workbooks:  # validate runs the same file checks
        vjs = tmp_path / "v.json"
        code = main(["validate", str(box / name), "--json", str(vjs)])
        said = capfd.readouterr()
        assert code in (0, 1, 2) and "Traceback" not in said.out + said.err
        issues = json.loads(vjs.read_text(encoding="utf-8"))["files"][0]["issues"]
        assert set(case.validate_codes) <= {i["code"] for i in issues}, issues
        for i in issues:
            assert not ENGLISH.search(i["message"]), i["message"]


# Twenty hostile files (by case) for a consolidation of 200: two far-away cells (read, with
# a warning), the rest refused or ignored; none may cost another file.
HOSTILE = ["khong-phai-bieu-mau-o-xa", "phan-qua-lon", "xml-cat-giua-bang", "xml-hong-sau-bang",
           "chi-so-chuoi-ngoai-bang", "doctype-trang-so-lieu", "doctype-custom-xml",
           "xxe-shared-strings", "entity-styles", "thieu-content-types", "thieu-workbook-xml",
           "zip-hong", "byte-ngau-nhien", "mat-khau", "bom-zip", "zip-long-nhau",
           "thu-chi-co-pdf", "msg-cat-do"]


def _recode(data: bytes, old: str, new: str) -> bytes:
    """The same workbook for another unit: its code rewritten where the identity is kept."""
    return corpus.edit(data, {part: (lambda b: b.replace(old.encode(), new.encode()))
                              for part in ("xl/sharedStrings.xml", "docProps/custom.xml")})


def test_200_files_of_which_20_hostile(bases, tmp_path, capfd):
    box = tmp_path / "hop-thu"
    box.mkdir()
    units, rows = {}, []
    sources = list(corpus.UNITS)
    for i in range(180):
        code, base = f"U{i:03d}", sources[i % len(sources)]
        (box / f"{code}.xlsx").write_bytes(_recode(bases.books[base], base, code))
        units[code] = f"Đơn vị {code}"
        rows += [corpus.Row(code, r.indicator, r.period, r.value) for r in bases.rows[base]]
    for i, cell in enumerate([("XFD", 1048576), ("AAA", 900000)]):
        code = f"X{i}"
        far = corpus.with_cells(bases.books["BG05"], corpus.FORM.sheet, [(*cell, "9")])
        (box / f"{code}.xlsx").write_bytes(_recode(far, "BG05", code))
        units[code] = f"Đơn vị {code}"
        rows += [corpus.Row(code, r.indicator, r.period, r.value) for r in bases.rows["BG05"]]
    cases = {c.name: c for c in corpus.CASES}
    for name in HOSTILE:
        sub = box / name
        sub.mkdir()
        cases[name].build(sub, bases)
    assert sum(1 for p in box.rglob("*") if p.is_file()) == 200
    (tmp_path / "units.csv").write_text("code,name\n" + "".join(
        f"{c},{n}\n" for c, n in units.items()), encoding="utf-8")
    before = _fingerprint(box)
    js = tmp_path / "r.json"
    code = main(["consolidate", str(box), "-o", str(tmp_path / "o.xlsx"), "--units",
                 str(tmp_path / "units.csv"), "--json", str(js)])
    said = capfd.readouterr()
    assert code == 1 and "Traceback" not in said.out + said.err
    report = json.loads(js.read_text(encoding="utf-8"))
    status = {r["unit_code"]: r["status"] for r in report["ledger"] if r["unit_code"]}
    assert sum(s == "accepted" for s in status.values()) == 180
    assert status["X0"] == status["X1"] == "accepted_with_warnings"
    others = [r for r in report["ledger"] if not r["unit_code"]]
    assert len(others) == len(HOSTILE) and all(r["code"] for r in others)
    assert_same(report["consolidated"], expected_sums(rows, set(units)))
    assert _fingerprint(box) == before


def test_nothing_usable_still_writes_the_ledger(bases, tmp_path, capfd):
    box = tmp_path / "hop-thu"
    box.mkdir()
    cases = {c.name: c for c in corpus.CASES}
    for name in ("zip-hong", "thu-chi-co-pdf", "doctype-trang-so-lieu"):
        (box / name).mkdir()
        cases[name].build(box / name, bases)
    out, js = tmp_path / "o.xlsx", tmp_path / "o.json"
    assert main(["consolidate", str(box), "-o", str(out), "--json", str(js)]) == 2
    said = capfd.readouterr()
    assert "Traceback" not in said.err and "không có gì để tổng hợp" in said.err
    report = json.loads(js.read_text(encoding="utf-8"))
    assert report["form"] is None and report["consolidated"] == {}
    assert sorted(r["code"] for r in report["ledger"]) == [
        "mail-without-workbook", "unreadable-file", "unsafe-content"]
    from unionxl.consolidation import LEDGER_SHEET
    from unionxl.workbook.package import Package

    assert LEDGER_SHEET in Package.read(out).sheet_names
