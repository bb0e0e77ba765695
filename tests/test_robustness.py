"""What keeps one file from stopping a run (issue 11): a worker that dies or hangs costs one
file; workers and temporary files do not outlive a killed run; reading inside the window gives
the same values as reading the whole sheet; names fit any file system; CSV never carries a
formula."""

from __future__ import annotations

import csv
import faulthandler
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import corpus
from tests.conftest import ROOT
from tests.support.libreoffice import recalculate, values
from tests.test_consolidate import assert_same, expected_sums
from unionxl.atomic import atomic_output
from unionxl.cli import main
from unionxl.consolidation import consolidate, load_registry
from unionxl.consolidation.assess import assess
from unionxl.consolidation.intake import MAX_NAME_BYTES, safe_name
from unionxl.workbook import bounds
from unionxl.workbook.package import Package
from unionxl.workbook.tidy import Row, read_tidy, write_tidy


def misbehaving_assess(source):
    """``assess``, except for files named to crash the worker or to hang it."""
    if "CRASH" in source.name:
        faulthandler.disable()  # pytest's would print the worker's stack: expected, not news
        os.abort()  # what a native library does when an allocation fails
    if "HANG" in source.name:
        time.sleep(120)
    return assess(source)



def _inbox(tmp_path: Path, bases, extra: dict[str, bytes]) -> Path:
    box = tmp_path / "in"
    box.mkdir()
    for code in ("BG01", "BG02", "BG05"):
        (box / f"{code}.xlsx").write_bytes(bases.books[code])
    for name, data in extra.items():
        (box / name).write_bytes(data)
    return box


def test_a_dying_worker_costs_one_file(tmp_path, bases, monkeypatch):
    monkeypatch.setattr("unionxl.consolidation.run.assess", misbehaving_assess)
    box = _inbox(tmp_path, bases, {"BG03 CRASH.xlsx": bases.books["BG03"]})
    run = consolidate([box], load_registry(corpus.units_csv(tmp_path / "u.csv")), workers=2)
    lost = next(s for s in run.submissions if "CRASH" in s.source.name)
    assert [i.code for i in lost.report.issues] == ["worker-crashed"]
    assert lost.status == "rejected" and lost.unit_code == "BG03"  # by its file name
    assert "tín hiệu 6" in lost.report.issues[0].message  # SIGABRT, said in Vietnamese
    codes = {"BG01", "BG02", "BG05"}
    assert {s.unit_code for s in run.used} == codes
    assert_same(run.consolidated(), expected_sums(
        [r for c in sorted(codes) for r in bases.rows[c]], codes))


def test_a_hanging_file_is_given_up_after_its_budget(tmp_path, bases, monkeypatch):
    monkeypatch.setattr("unionxl.consolidation.run.assess", misbehaving_assess)
    box = _inbox(tmp_path, bases, {"BG03 HANG.xlsx": bases.books["BG03"]})
    start = time.monotonic()
    run = consolidate([box], load_registry(corpus.units_csv(tmp_path / "u.csv")), workers=2,
                      budget=3)
    assert time.monotonic() - start < 60
    slow = next(s for s in run.submissions if "HANG" in s.source.name)
    assert [i.code for i in slow.report.issues] == ["file-too-slow"] and slow.status == "rejected"
    assert len(run.used) == 3


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                out.append(int(entry.name))
    return out


def _gone(pid: int) -> bool:
    try:
        state = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                     if line.startswith("State:"))
    except (OSError, StopIteration):
        return True
    return "Z" in state.split()[1]  # a zombie waiting for a reaper has exited


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc to find the workers")
def test_a_killed_run_leaves_no_worker_and_its_leftovers_are_swept(tmp_path, bases,
                                                                   monkeypatch):
    box = _inbox(tmp_path, bases, {"HANG1.xlsx": bases.books["BG03"],
                                   "HANG2.xlsx": bases.books["BG03"]})
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    script = (f"import sys, tempfile; sys.path.insert(0, {str(ROOT)!r})\n"
              f"tempfile.tempdir = {str(scratch)!r}\n"
              "from unionxl.consolidation import run\n"
              "from tests.test_robustness import misbehaving_assess\n"
              "run.assess = misbehaving_assess\n"
              f"run.consolidate([{str(box)!r}], workers=2)\n")
    proc = subprocess.Popen([sys.executable, "-c", script])
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _children(proc.pid)
        assert len(workers) >= 2
        time.sleep(1)  # the workers are reading (hanging on) their files
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 15
        while not all(_gone(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert all(_gone(w) for w in workers), "workers outlived their killed parent"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:  # when the check fails, do not leave them running
            if not _gone(w):
                os.kill(w, signal.SIGKILL)
    left = [p.name for p in scratch.iterdir()]
    assert any(n.startswith(f"unionxl-{proc.pid}-") for n in left), left  # kill: no clean-up
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    consolidate([box / "BG01.xlsx"])  # the next run
    left = [p.name for p in scratch.iterdir()]
    assert not any(n.startswith("unionxl-") for n in left), left


def test_a_temporary_output_left_by_a_killed_run_is_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".unionxl-{dead.pid}-k3j2.xlsx"
    alive = tmp_path / f".unionxl-{os.getppid()}-a8d1.xlsx"  # a run still writing
    foreign = tmp_path / ".unionxl-notes.txt"
    for p in (stale, alive, foreign):
        p.write_bytes(b"half a workbook")
    with atomic_output(tmp_path / "tong-hop.xlsx") as tmp:
        tmp.write_bytes(b"whole")
    assert not stale.exists() and alive.exists() and foreign.exists()
    assert (tmp_path / "tong-hop.xlsx").read_bytes() == b"whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [alive.name, foreign.name, "tong-hop.xlsx"])


# -- reading inside the window ------------------------------------------------------------
def test_trimmed_sheet_reads_the_same_values_inside_the_window(bases):
    data = bases.books["BG03"]
    far = corpus.with_cells(data, corpus.FORM.sheet, [("XFD", 1048576, "1"), ("A", 6000, "2")])
    whole = Package(Path("a.xlsx"), data).grid(corpus.FORM.sheet)
    cut = Package(Path("b.xlsx"), far).grid(corpus.FORM.sheet)
    assert cut.far == ["XFD1048576", "A6000"] and cut.far_count == 2
    assert whole.far == [] and cut.rows == whole.rows  # values, types, strings, dates alike


@pytest.mark.parametrize("xml, want", [
    (b'<row r="3"><c r="B3"><v>1</v></c><c r="C3" s="1"/></row>', (3, 2, [])),
    (b'<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>', (2, 2, [])),
    (b'<row r="7"><c r="A7"/><c s="2" r="XFD9"><v>1</v></c></row>', (0, 0, ["XFD9"])),
    (b'<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>',
     (2, 2, [])),
])
def test_extent_of_cells_as_calamine_places_them(xml, want):
    body = b'<worksheet xmlns:x="u"><sheetData>' + xml + b"</sheetData></worksheet>"
    got = bounds.extent(body)
    assert (got.rows, got.cols, got.far_cells()) == want


# -- names, CSV -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", [
    "BG03 " + "Báo cáo số liệu nhiệm kỳ Liên đoàn Lao động huyện Việt Yên " * 6 + ".xlsx",
    "../../../../etc/BG03.xlsx", "..\\..\\BG03.xlsx", "BG03:<>|?*.xlsx", "....xlsx", ""])
def test_stored_names_fit_any_file_system(name, tmp_path):
    safe = safe_name(name)
    assert len(safe.encode()) <= MAX_NAME_BYTES and "/" not in safe and "\\" not in safe
    assert safe not in ("", ".", "..")
    (tmp_path / safe).write_bytes(b"x")  # the file system takes it
    if name.endswith(".xlsx") and name.strip("."):
        assert safe.endswith(".xlsx")


FORMULAS = ["=cmd|' /C calc'!A0", "@SUM(A1:A2)", "+1+1", "-2+3", "\t=1", "\r=1", "'quoted",
            "''=x", "BG01"]


def test_csv_neutralises_formulas_and_round_trips(tmp_path):
    rows = [Row(code, "1", "2018", float(i) - 3) for i, code in enumerate(FORMULAS)]
    write_tidy(rows, tmp_path / "x.csv")
    with open(tmp_path / "x.csv", encoding="utf-8", newline="") as fh:
        cells = [r[0] for r in list(csv.reader(fh))[1:]]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), cells
    assert cells[0] == "'=cmd|' /C calc'!A0" and cells[-1] == "BG01"
    assert read_tidy(tmp_path / "x.csv") == rows  # negative values stay numbers


def test_data_export_of_a_formula_unit_code(tmp_path, bases):
    book = tmp_path / "BG03.xlsx"
    book.write_bytes(bases.book("BG03", unit_code="=cmd|' /C calc'!A0"))
    assert main(["data", "export", str(book), "-o", str(tmp_path / "d.csv")]) == 0
    text = (tmp_path / "d.csv").read_text(encoding="utf-8")
    assert "\n'=cmd|' /C calc'!A0," in text and "\n=cmd" not in text
    assert {r.unit_code for r in read_tidy(tmp_path / "d.csv")} == {"=cmd|' /C calc'!A0"}


@pytest.mark.libreoffice
def test_a_spreadsheet_opens_the_neutralised_csv_as_text(tmp_path, libreoffice):
    raw = tmp_path / "raw.csv"
    raw.write_text("unit_code,indicator,period,value\n=1+1,1,2018,5\n", encoding="utf-8")
    write_tidy([Row("=1+1", "1", "2018", 5.0)], tmp_path / "safe.csv")
    got = {p.stem: values(p, p.stem)[0][1][0]
           for p in recalculate([raw, tmp_path / "safe.csv"], tmp_path / "out")}
    assert got["raw"] == 2  # the check can fail: an unprotected cell is computed
    assert got["safe"] == "'=1+1"


def _record(kind: int, body: bytes) -> bytes:
    """A BIFF12 record: type and size as 7-bit varints (MS-XLSB 2.1.4)."""
    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
            n >>= 7
            if not n:
                return bytes(out)
    return varint(kind) + varint(len(body)) + body


def test_xlsb_cells_far_away_are_found_from_the_records():
    import struct

    from unionxl.workbook.foreign import xlsb_extent, xlsb_sheets

    sheet = (_record(0x0181, b"")  # BrtBeginSheet: a two-byte record type
             + _record(0, struct.pack("<I", 4) + bytes(20))  # BrtRowHdr, row 5
             + _record(5, struct.pack("<II", 2, 0) + struct.pack("<d", 7.0))  # BrtCellReal C5
             + _record(1, struct.pack("<II", 9000, 0))  # BrtCellBlank: no value, no extent
             + _record(0, struct.pack("<I", 1048575) + bytes(20))
             + _record(7, struct.pack("<III", 16383, 0, 3)))  # BrtCellIsst at XFD1048576
    extent = xlsb_extent(sheet)
    assert (extent.rows, extent.cols, extent.far_cells()) == (5, 3, ["XFD1048576"])
    name = "Phụ lục"
    bundle = struct.pack("<II", 0, 1) + struct.pack("<I", 4) + "rId1".encode("utf-16-le") + \
        struct.pack("<I", len(name)) + name.encode("utf-16-le")
    assert xlsb_sheets(_record(0x0183, b"") + _record(0x009C, bundle)) == [(name, "rId1")]


def test_the_demo_runs_twice_in_one_folder(tmp_path, monkeypatch):
    """The lock file the demo plants on purpose must not block its own rewrite (workbooks are
    stubbed: what matters is the atomic write beside the planted lock file)."""
    from unionxl.atomic import atomic_output
    from unionxl.cli import demo

    def write(form, out, *args, **kwargs):
        with atomic_output(out) as tmp:
            tmp.write_bytes(b"PK stub")

    monkeypatch.setattr(demo, "write_template", write)
    monkeypatch.setattr(demo, "_set", lambda *args: None)
    profile, reg = demo.setup(tmp_path)
    first = demo.annual_inbox(tmp_path / "hop-thu", reg, profile)
    assert (tmp_path / "hop-thu" / "~$P-BACGIANG.xlsx").exists()  # the lock file it plants
    assert demo.annual_inbox(tmp_path / "hop-thu", reg, profile) == first


def test_ods_repeats_count_as_what_they_stand_for():
    from unionxl.workbook.foreign import ods_extents

    t = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    o = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    value = '<table:table-cell office:value-type="float" office:value="1"/>'
    content = (f'<office:document-content {t} {o}><office:body><office:spreadsheet>'
               '<table:table table:name="Phụ lục">'
               f'<table:table-row><table:table-cell/>{value}</table:table-row>'
               '<table:table-row table:number-rows-repeated="3"><table:table-cell '
               f'table:number-columns-repeated="2"/>{value}</table:table-row>'
               # what LibreOffice writes after the last row: empty, repeated to the end
               '<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
               'table:number-columns-repeated="1024"/></table:table-row></table:table>'
               f'<table:table table:name="Khác"><table:table-row table:number-rows-repeated='
               f'"6000"><table:table-cell/></table:table-row><table:table-row>{value}'
               '</table:table-row></table:table></office:spreadsheet></office:body>'
               '</office:document-content>')
    got = ods_extents(content.encode())
    assert (got["Phụ lục"].rows, got["Phụ lục"].cols, got["Phụ lục"].far_count) == (4, 3, 0)
    assert got["Khác"].far_cells() == ["A6001"]
