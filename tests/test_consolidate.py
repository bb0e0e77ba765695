"""Consolidation: 17 units from tidy data, perturbed; totals checked against sums computed
here independently; the ledger against what was planted; LibreOffice recalculates the result;
hostile inputs; multi-level; inputs never modified."""

from __future__ import annotations

import io
import json
import random
import shutil
import zipfile
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import sha256
from tests.support.libreoffice import recalculate, values
from tests.test_template import insert_rows_and_columns
from unionxl.cli import main
from unionxl.consolidation import (
    CONSOLIDATED_SHEET,
    DETAIL_SHEET,
    SAMPLE_CHANGES,
    SAMPLE_UNITS,
    consolidate,
    load_registry,
    sample_registry,
)
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.text import name_key
from unionxl.workbook.layout import META_SHEET, scan, template_map
from unionxl.workbook.package import Package
from unionxl.workbook.template import write_template
from unionxl.workbook.tidy import Row, read_tidy, write_tidy

FORM = load_form("phu-luc-nhiem-ky")  # 2018-2023: the registry as it stood on 31/12/2022
MAP = template_map(FORM)
REGISTRY = sample_registry()
ROOT = "LDLD-BG"  # the sample registry holds two provinces before 2025: name the one
UNITS = REGISTRY.expected(ROOT, FORM.periods[-1].end)
NAMES = {u.code: u.name for u in UNITS}
REGISTRY_ARGS = ["--units", str(SAMPLE_UNITS), "--changes", str(SAMPLE_CHANGES)]


def tidy_for(units: list[str], seed: int = 1) -> list[Row]:
    rng = random.Random(seed)
    rows = []
    for code in units:
        data = generate(FORM, rng, scale=0.3 + 2 * rng.random())
        rows += [Row(code, c, p, v) for c, by in data.items() for p, v in by.items()]
    return rows


def book_from_tidy(tmp: Path, csv: Path, code: str, out: Path, name: str | None = None,
                   unit_code: str | None = None) -> Path:
    args = ["template", "phu-luc-nhiem-ky", "-o", str(out), "--unit", code, "--data", str(csv),
            "--term", FORM.term]
    assert main(args) == 0
    if unit_code is not None or name is not None:  # rewrite the identity as the unit did
        wb = openpyxl.load_workbook(out)
        ws = wb[META_SHEET]
        for row in ws.iter_rows():
            if row[0].value == "unit_code" and unit_code is not None:
                row[1].value = unit_code
            if row[0].value == "unit_name" and name is not None:
                row[1].value = name
        wb.save(out)
    return out


# Written by hand from the form's notes: each rate's numerator and denominator rows (summed).
RATES = {"7.4": (["7"], ["33.2", "33.3", "33.4"]), "8.2": (["8.1"], ["8"]),
         "9.2": (["9"], ["33.2"]), "9.3": (["9.1"], ["33.3", "33.4"]),
         "10.6": (["10"], ["33.2"]), "10.7": (["10.3"], ["33.3", "33.4"]),
         "30.1": (["30"], ["34"]), "32.4": (["32"], ["31"]), "35.2": (["35.1"], ["35"]),
         "37.2": (["37.1"], ["37"]), "38.1": (["38"], ["34"]),
         "39.2": (["39"], ["33.1", "33.2"]), "39.3": (["39.1"], ["33.3", "33.4", "33.5"])}


def close(got: float, want: float, code: str) -> bool:
    """Counts and money exactly (to 1e-9); a rate to the JSON's 6 decimals."""
    tol = 5.1e-7 if code in RATES else 1e-9
    return got == pytest.approx(want, rel=1e-9, abs=tol)


def expected_sums(rows: list[Row], units: set[str]) -> dict[str, dict[str, float]]:
    """Independent of unionxl: plain sums of the tidy inputs, then the time aggregation;
    rates from the summed numerator and denominator of each year (and of the totals)."""
    sums: dict[str, dict[str, float]] = {}
    for r in rows:
        if r.unit_code in units:
            sums.setdefault(r.indicator, {}).setdefault(r.period, 0.0)
            sums[r.indicator][r.period] += r.value
    years = FORM.period_keys
    for y in years:  # the one derived row: members increased = admitted − left
        a, b = sums.get("32.1", {}).get(y), sums.get("32.2", {}).get(y)
        if a is not None or b is not None:
            sums.setdefault("32.3", {})[y] = (a or 0) - (b or 0)
    for code, row in sums.items():
        series = [row[y] for y in years if y in row]
        time = FORM.indicator(code).time
        if series:
            row["total"] = {"sum": sum(series), "last": series[-1], "first": series[0],
                            "avg": sum(series) / len(series), "max": max(series)}[time]
    for code, (num, den) in RATES.items():
        for key in [*years, "total"]:
            n = [sums[c][key] for c in num if key in sums.get(c, {})]
            d = [sums[c][key] for c in den if key in sums.get(c, {})]
            if n and d and sum(d):
                sums.setdefault(code, {})[key] = sum(n) / sum(d)
    return sums


def assert_same(got: dict, want: dict) -> int:
    n = 0
    for code, row in want.items():
        for key, value in row.items():
            assert close(got[code][key], value, code), (code, key)
            n += 1
    extra = {(c, k) for c, r in got.items() for k in r if k not in ("target",)} - {
        (c, k) for c, r in want.items() for k in r}
    assert not extra, sorted(extra)[:5]
    return n


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """The 17 units' submissions with planted problems; returns (folder, rows, plan)."""
    tmp = tmp_path_factory.mktemp("inbox")
    codes = [u.code for u in UNITS]
    rows = tidy_for(codes + ["BG99"])
    csv = tmp / "all.csv"
    write_tidy(rows, csv)
    box = tmp / "box"
    box.mkdir()
    plan = {}
    for code in codes:
        out = box / f"{code}.xlsx"
        if code == "BG08":
            plan[code] = "missing"
            continue
        if code == "BG12":  # an e-mail carrying the workbook
            book_from_tidy(tmp, csv, code, tmp / "BG12.xlsx")
            msg = EmailMessage()
            msg["Subject"] = "Báo cáo"
            msg.set_content("Gửi kèm báo cáo.")
            msg.add_attachment((tmp / "BG12.xlsx").read_bytes(), maintype="application",
                               subtype="octet-stream", filename="Báo cáo CĐN Công Thương.xlsx")
            (box / "thu BG12.eml").write_bytes(bytes(msg))
            plan[code] = "accepted"
            continue
        if code == "BG13":  # inside a zip archive
            book_from_tidy(tmp, csv, code, tmp / "BG13.xlsx")
            with zipfile.ZipFile(box / "BG13.zip", "w", zipfile.ZIP_DEFLATED) as zf:
                zf.write(tmp / "BG13.xlsx", "BG13 - CĐN Xây dựng.xlsx")
            plan[code] = "accepted"
            continue
        if code == "BG16":  # no usable code: matched by name (other case, NFD, spaces)
            import unicodedata
            name = unicodedata.normalize("NFD", "  công đoàn ngành  GIÁO DỤC ")
            book_from_tidy(tmp, csv, code, out, name=name, unit_code="")
            plan[code] = "accepted_with_warnings"
            continue
        book_from_tidy(tmp, csv, code, out)
        plan[code] = "accepted"
        if code == "BG02":
            insert_rows_and_columns(out, FORM)
        if code == "BG03":  # a number typed as text: rejected, left out of the totals
            wb = openpyxl.load_workbook(out)
            wb[FORM.sheet][MAP.addr("12", "2020")].value = "1 234 lượt người x"
            wb.save(out)
            plan[code] = "rejected"
        if code == "BG05":  # an older copy with other numbers: the later one is kept
            older = {r.indicator: {} for r in rows}
            for r in rows:
                if r.unit_code == code:
                    older[r.indicator][r.period] = r.value + (5 if r.indicator == "12" else 0)
            write_template(FORM, box / "BG05 cu.xlsx", code, NAMES[code], data=older,
                           created=datetime(2020, 1, 1))
            plan["BG05 cu.xlsx"] = "superseded"
        if code == "BG06":  # the same file twice
            shutil.copy(out, box / "BG06 (1).xlsx")
            plan["BG06 (1).xlsx"] = "superseded"
    (box / "BG04.xlsx").write_bytes(b"PK\x03\x04 corrupt")  # a corrupt workbook
    plan["BG04"] = "rejected"
    book_from_tidy(tmp, csv, "BG99", box / "BG99.xlsx")
    plan["BG99"] = "unknown_unit"
    (box / "~$BG01.xlsx").write_bytes(b"lock")
    (box / "ghi chu.txt").write_text("xin gửi", encoding="utf-8")
    return box, rows, plan


@pytest.fixture(scope="module")
def result(inbox, tmp_path_factory):
    box, rows, plan = inbox
    out_dir = tmp_path_factory.mktemp("out")
    before = {p: sha256(p) for p in box.rglob("*") if p.is_file()}
    code = main(["consolidate", str(box), "-o", str(out_dir / "tong-hop.xlsx"), *REGISTRY_ARGS,
                 "--json", str(out_dir / "r.json"), "--unit", ROOT])
    after = {p: sha256(p) for p in box.rglob("*") if p.is_file()}
    report = json.loads((out_dir / "r.json").read_text(encoding="utf-8"))
    return code, report, out_dir / "tong-hop.xlsx", before, after


def test_totals_equal_independent_sums(inbox, result):
    _, rows, plan = inbox
    code, report, _, _, _ = result
    used = {c for c, s in plan.items() if s.startswith("accepted")}
    assert len(used) == 14
    want = expected_sums(rows, used)
    assert assert_same(report["consolidated"], want) > 400
    assert report["excluded"] == ["BG03", "BG04"]
    assert code == 1  # some rejected or missing


def test_ledger_matches_what_was_planted(inbox, result):
    _, _, plan = inbox
    _, report, _, _, _ = result
    ledger = report["ledger"]
    status = {}
    for row in ledger:
        key = row["unit_code"] if row["status"] not in ("superseded", "ignored") else \
            Path(row["file"]).name
        status.setdefault(key, row["status"])
    for what, want in plan.items():
        assert status.get(what) == want, (what, status.get(what), want)
    by_unit = {r["unit_code"]: r for r in ledger if r["status"] != "superseded"}
    assert "BG05.xlsx" in by_unit["BG05"]["file"] and "sau cùng" in by_unit["BG05"]["note"]
    assert "trùng hệt" in next(r["note"] for r in ledger if r["file"].endswith("BG06 (1).xlsx"))
    assert by_unit["BG08"]["status"] == "missing"
    assert ".eml ›" in by_unit["BG12"]["file"] and ".zip ›" in by_unit["BG13"]["file"]
    bg16 = next(f for f in report["files"] if f.get("unit_code") == "BG16")
    assert bg16["match"] == "name"
    assert any(i["code"] == "unit-matched-by-name" for i in bg16["issues"])
    ignored = [r for r in ledger if r["status"] == "ignored"]
    assert {Path(r["file"]).name for r in ignored} == {"~$BG01.xlsx", "ghi chu.txt"}
    for f in report["files"]:
        for key in ("path", "unit_code", "status", "sha256", "issues"):
            assert key in f


def test_inputs_are_byte_identical(result):
    _, _, _, before, after = result
    assert before == after and len(before) >= 19


@pytest.mark.libreoffice
def test_consolidated_workbook_recalculates_to_the_json(result, tmp_path, libreoffice):
    _, report, book, _, _ = result
    out = recalculate([book], tmp_path)[0]
    grid, errors = values(out, CONSOLIDATED_SHEET)
    assert errors == []
    m = scan(CONSOLIDATED_SHEET, grid)
    checked = 0
    for code, row in report["consolidated"].items():
        for key, value in row.items():
            got = grid[m.rows[code]][m.cols[key]]
            assert close(got, value, code), (code, key)
            checked += 1
    detail, _ = values(out, DETAIL_SHEET)
    head = detail[3]
    s_col, k_col = head.index("Cộng"), head.index("Khớp")
    rows = [r for r in detail[4:] if r[0]]
    keys = {FORM.label("target", "Chỉ tiêu"): "target", **{p.label: p.key for p in FORM.periods}}
    for r in rows:
        key = keys[r[2]]
        assert r[s_col] == pytest.approx(report["consolidated"][r[0]][key], rel=1e-9, abs=1e-9)
        assert r[k_col] == "Khớp"
    assert checked > 400 and len(rows) > 400


def test_consolidated_workbook_is_a_valid_submission(result, tmp_path):
    _, report, book, _, _ = result
    assert main(["validate", str(book)]) == 0  # sums of valid reports break no rule
    again = consolidate([book])  # sent up and consolidated again: the same numbers
    assert assert_same(again.consolidated(), report["consolidated"]) > 400
    assert again.submissions[0].report.unit_code == "LDLD-BG"


def test_multi_level_equals_all_at_once(tmp_path):
    codes = [u.code for u in UNITS]
    rows = tidy_for(codes, seed=9)
    csv = tmp_path / "t.csv"
    write_tidy(rows, csv)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for i, code in enumerate(codes):
        book_from_tidy(tmp_path, csv, code, (a if i < 9 else b) / f"{code}.xlsx")
    units_a = tmp_path / "ua.csv"
    units_b = tmp_path / "ub.csv"
    units_ab = tmp_path / "uab.csv"
    units_a.write_text("code,name\n" + "".join(f"{c},{NAMES[c]}\n" for c in codes[:9]),
                       encoding="utf-8")
    units_b.write_text("code,name\n" + "".join(f"{c},{NAMES[c]}\n" for c in codes[9:]),
                       encoding="utf-8")
    units_ab.write_text("code,name\nD1,Khối huyện\nD2,Khối ngành\n", encoding="utf-8")
    assert main(["consolidate", str(a), "-o", str(tmp_path / "d1.xlsx"), "--units",
                 str(units_a), "--unit", "D1", "--unit-name", "Khối huyện"]) == 0
    assert main(["consolidate", str(b), "-o", str(tmp_path / "d2.xlsx"), "--units",
                 str(units_b), "--unit", "D2", "--unit-name", "Khối ngành"]) == 0
    d1, d2 = tmp_path / "d1.xlsx", tmp_path / "d2.xlsx"
    top = consolidate([d1, d2], load_registry(units_ab))
    # built from returns nobody approved yet: the level above is told, unit by unit below
    assert [r.status for r in top.ledger] == ["accepted_with_warnings"] * 2
    assert all("lower-level-pending" in [i.code for i in s.report.issues] for s in top.used)
    assert main(["consolidate", str(d1), str(d2), "-o", str(tmp_path / "top" / "t.xlsx"),
                 "--units", str(units_ab), "--unit", "TINH"]) == 0
    waiting = Package.read(tmp_path / "top" / "t.xlsx").custom_properties()["waiting"]
    assert waiting.split(", ") == ["D1", *[f"D1›{c}" for c in codes[:9]], "D2",
                                   *[f"D2›{c}" for c in codes[9:]]]
    assert main(["approve", str(d1), "--all"]) == 0
    assert main(["approve", str(d2), "--all"]) == 0
    top = consolidate([d1, d2], load_registry(units_ab))
    flat = consolidate([a, b], REGISTRY, root=ROOT)
    assert [r.status for r in top.ledger] == ["accepted", "accepted"]
    got, want = top.consolidated(), flat.consolidated()
    assert got.keys() == want.keys()
    for code in want:
        assert got[code] == pytest.approx(want[code], rel=1e-12)
    assert_same(want, expected_sums(rows, set(codes)))


def _zip_edit(src: Path, dst: Path, add: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        for name, data in add.items():
            zout.writestr(name, data)


def test_hostile_and_broken_inputs(tmp_path, monkeypatch):
    rows = tidy_for(["BG01", "BG02", "BG07", "BG09", "BG10", "BG11"], seed=4)
    csv = tmp_path / "t.csv"
    write_tidy(rows, csv)
    box = tmp_path / "box"
    box.mkdir()
    good = book_from_tidy(tmp_path, csv, "BG01", box / "BG01.xlsx")
    # a .xlsm with macros: values read, macros flagged, never run
    src = book_from_tidy(tmp_path, csv, "BG02", tmp_path / "BG02.xlsx")
    _zip_edit(src, box / "BG02.xlsm", {"xl/vbaProject.bin": b"\x00" * 64})
    # external links
    src = book_from_tidy(tmp_path, csv, "BG07", tmp_path / "BG07.xlsx")
    _zip_edit(src, box / "BG07.xlsx", {"xl/externalLinks/externalLink1.xml": b"<x/>"})
    # saved by a script: formulas without cached values, data sheet renamed and hidden
    src = book_from_tidy(tmp_path, csv, "BG09", box / "BG09.xlsx")
    wb = openpyxl.load_workbook(src)
    wb[FORM.sheet].title = "So lieu"
    wb["So lieu"].sheet_state = "hidden"
    wb.active = 1
    wb.save(src)
    # a wrong form version
    src = book_from_tidy(tmp_path, csv, "BG10", box / "BG10.xlsx")
    wb = openpyxl.load_workbook(src)
    for row in wb[META_SHEET].iter_rows():
        if row[0].value == "form_version":
            row[1].value = "7"
    wb.save(src)
    # another term of the same form
    write_template(load_form("phu-luc-nhiem-ky", "2023-2028"), box / "BG11.xlsx", "BG11",
                   data={"12": {"2023": 5.0}})
    # password-protected (an OOXML file encrypted is an OLE container)
    (box / "BG15.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    (box / "notes.docx").write_bytes(b"PK\x03\x04 not a workbook")
    (box / "broken.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BG17.xlsx", b"\x00" * (8 * 1024 * 1024))
    (box / "bomb.zip").write_bytes(bomb.getvalue())
    before = {p: sha256(p) for p in box.iterdir()}
    run = consolidate([box, good], REGISTRY, root=ROOT)
    assert {p: sha256(p) for p in box.iterdir()} == before
    files = {s.source.name: s for s in run.submissions}
    codes = {name: [i.code for i in s.report.issues] for name, s in files.items()}
    assert "macros-present" in codes["BG02.xlsm"] and files["BG02.xlsm"].status.startswith(
        "accepted")
    assert "external-links" in codes["BG07.xlsx"]
    assert files["BG09.xlsx"].status == "accepted"  # renamed, hidden, no cached values
    assert files["BG10.xlsx"].status == "rejected" and "wrong-form" in codes["BG10.xlsx"]
    assert files["BG11.xlsx"].status == "rejected" and "wrong-form" in codes["BG11.xlsx"]
    assert codes["BG15.xlsx"] == ["encrypted-workbook"]
    skipped = {Path(s.name).name: s.skipped for s in run.skipped}
    assert skipped["notes.docx"] == "not-a-workbook"
    assert skipped["broken.zip"] == "archive-rejected"
    assert skipped["bomb.zip"] == "archive-rejected"
    # the same file given twice (folder and path): one kept, one said to be identical
    bg01 = [s for s in run.submissions if s.unit_code == "BG01"]
    assert sorted(s.status for s in bg01) == ["accepted", "superseded"]
    want = expected_sums(rows, {"BG01", "BG02", "BG07", "BG09"})
    assert_same(run.consolidated(), want)
    for s in run.submissions:
        for i in s.report.issues:
            assert i.message and i.message[0].isupper()


@pytest.mark.libreoffice
def test_legacy_xls_is_read_and_flagged(tmp_path, libreoffice):
    rows = tidy_for(["BG01"], seed=5)
    csv = tmp_path / "t.csv"
    write_tidy(rows, csv)
    src = book_from_tidy(tmp_path, csv, "BG01", tmp_path / "BG01.xlsx")
    import subprocess

    from tests.support.libreoffice import soffice
    subprocess.run([soffice(), "--headless", "--convert-to", "xls", "--outdir",
                    str(tmp_path / "x"), str(src)], check=True, capture_output=True,
                   timeout=300)
    run = consolidate([tmp_path / "x" / "BG01.xls"], REGISTRY, root=ROOT)
    sub = run.submissions[0]
    assert "legacy-format" in [i.code for i in sub.report.issues]
    assert sub.status == "accepted_with_warnings"
    assert_same(run.consolidated(), expected_sums(rows, {"BG01"}))


def test_output_open_in_excel_is_not_clobbered(tmp_path, capsys):
    rows = tidy_for(["BG01"], seed=6)
    csv = tmp_path / "t.csv"
    write_tidy(rows, csv)
    book_from_tidy(tmp_path, csv, "BG01", tmp_path / "in" / "BG01.xlsx")
    out = tmp_path / "tong-hop.xlsx"
    out.write_bytes(b"the file open in Excel")
    (tmp_path / "~$tong-hop.xlsx").write_bytes(b"lock")
    assert main(["consolidate", str(tmp_path / "in"), "-o", str(out)]) == 2
    assert out.read_bytes() == b"the file open in Excel"
    assert "đang mở trong Excel" in capsys.readouterr().err


def test_nothing_usable_exit_2(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert main(["consolidate", str(tmp_path), "-o", str(tmp_path / "o.xlsx")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_name_key_is_insensitive():
    import unicodedata
    a = name_key("LĐLĐ huyện Hiệp Hòa")
    assert a == name_key(unicodedata.normalize("NFD", "liên đoàn lao động  HUYỆN hiệp hoà"))
    assert a != name_key("LĐLĐ huyện Hiệp Hoà 2")


def test_tidy_data_round_trip_used_by_fixture(tmp_path):
    rows = tidy_for(["BG01"], seed=2)
    write_tidy(rows, tmp_path / "x.csv")
    assert read_tidy(tmp_path / "x.csv") == rows
