"""The register itself: killed at random moments it stays consistent and the next run
completes (issue 14, must show 3); schema migration; a damaged or foreign file is refused with a
Vietnamese message; the integrity check finds planted damage; ``unionxl diff`` and
``unionxl register``."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_season import FORM, MAP, NAMES, at, book, edit, mail
from tests.test_template import insert_rows_and_columns
from unionxl.cli import main
from unionxl.consolidation.register import Register
from unionxl.consolidation.register_schema import MIGRATIONS, SCHEMA_VERSION
from unionxl.form.sample import generate

# The child: unionxl's own command line, pausing between transactions and twice inside a
# file's (after its version, and before COMMIT), and saying when recording starts and when each
# transaction has committed, so that kills can aim at the moments that matter.
CHILD = """
import contextlib, sys, time
import unionxl.consolidation.register as r
import unionxl.consolidation.rounds as rounds
orig_tx, orig_record, orig_version = r.Register.transaction, rounds.record, r.Register._version
def version(self, *a, **k):
    out = orig_version(self, *a, **k)
    time.sleep(0.04)  # inside a file's transaction: its version written, not its receipt
    return out
@contextlib.contextmanager
def tx(self):
    with orig_tx(self) as db:
        yield db
        time.sleep(0.04)  # inside the transaction, its writes done, before COMMIT
    print("TX", time.monotonic(), file=sys.stderr, flush=True)
    time.sleep(0.04)  # between two transactions
def record(*a, **k):
    print("REC", time.monotonic(), file=sys.stderr, flush=True)
    out = orig_record(*a, **k)
    print("RECEND", time.monotonic(), file=sys.stderr, flush=True)
    return out
r.Register.transaction, rounds.record, r.Register._version = tx, record, version
from unionxl.cli import main
print("START", time.monotonic(), file=sys.stderr, flush=True)
raise SystemExit(main(sys.argv[1:]))
"""
PAUSE = 0.12  # between transactions, after a file's version, before COMMIT


def inbox(root: Path, n: int = 12) -> tuple[Path, Path]:
    rng = random.Random(77)
    box = root / "hop-thu"
    box.mkdir()
    codes = [f"BG{i:02d}" for i in range(1, n + 1)]
    units = root / "don-vi.csv"
    units.write_text("code,name\n" + "".join(f"{c},{NAMES[c]}\n" for c in codes),
                     encoding="utf-8")
    for i, code in enumerate(codes):
        data = generate(FORM, rng)
        if i % 4 == 1:
            src = book(root / f"{code}.xlsx", code, data, at(3 + i % 9))
            mail(box / f"thu {code}.eml", src, f"{code.lower()}@donvi.example", at(4 + i % 9))
        else:
            path = book(box / f"{code}.xlsx", code, data, at(3 + i % 9))
            if i % 4 == 2:
                edit(path, {MAP.addr("12", "2019"): "3 vụ"}, at(4))
    return box, units


def command(box: Path, units: Path, out: Path) -> list[str]:
    return ["consolidate", str(box), "-o", str(out / "tong-hop.xlsx"), "--units", str(units),
            "--deadline", "10/12/2026", "--workers", "1", "--json", str(out / "r.json")]


def start(args: list[str], watch: bool = False) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD, *args], cwd=ROOT,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE if watch else subprocess.DEVNULL, text=True,
                            start_new_session=True)


def comparable(path: Path) -> dict:
    with Register(path) as reg:
        assert reg.check() == []
        content = reg.content()
        half = reg.db.execute("SELECT name FROM receipts WHERE unit_code<>'' AND status IN "
                              "('accepted', 'accepted_with_warnings', 'rejected') AND "
                              "version_id IS NULL").fetchall()
        assert not half, [r[0] for r in half]  # a return recorded without its version
    content["rounds"] = [row[:8] for row in content["rounds"]]  # settings name the output
    return content


def kill_during_recording(args: list[str], k: int, offset: float) -> str:
    """Start the child, kill it ``offset`` s after its k-th transaction while recording (or
    as soon as recording ends, when it has fewer to do); returns where it was."""
    child = start(args, watch=True)
    assert child.stderr is not None
    seen, where = 0, "fin"
    for line in child.stderr:
        word = line.split()[0] if line.split() else ""
        if word == "REC":
            seen = 0
        elif word == "TX":
            seen += 1
            if seen >= k:
                where = f"tx{seen}+{offset:.3f}"
                break
        elif word == "RECEND":
            where = f"end+{offset:.3f}"
            break
    time.sleep(offset)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=60)
    child.stderr.close()
    return where


def survivors(group: int, wait: float = 10.0) -> list[int]:
    """Live processes (zombies aside) of a process group, after up to ``wait`` seconds."""
    end = time.monotonic() + wait
    while True:
        live = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                live.append(int(stat.parent.name))
        if not live or time.monotonic() > end:
            return live
        time.sleep(0.2)


def test_killed_at_random_moments_the_register_stays_consistent(tmp_path):
    box, units = inbox(tmp_path, n=8)
    ref = tmp_path / "ref"
    ref.mkdir()
    child = start(command(box, units, ref), watch=True)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 1, err
    words = [line.split() for line in err.splitlines() if line.strip()]
    marks = {w[0]: float(w[1]) for w in words if w[0] in ("START", "REC", "RECEND")}
    took = time.monotonic() - marks["START"]
    recorded = sum(w[0] == "TX" and marks["REC"] < float(w[1]) < marks["RECEND"]
                   for w in words)
    want = comparable(ref / "so-theo-doi.sqlite")
    assert len(want["versions"]) == 8 and recorded >= 8
    rng = random.Random(1414)
    moments = []
    # 10 kills while files are being recorded, each on a fresh register: a random moment in
    # the pauses after a random transaction (between two, or inside the next one)
    for i in range(10):
        out = tmp_path / f"k{i}"
        out.mkdir()
        moments.append(kill_during_recording(command(box, units, out),
                                             rng.randint(1, recorded), rng.uniform(0, PAUSE)))
        register = out / "so-theo-doi.sqlite"
        if register.exists():
            comparable(register)  # consistent: no half-recorded file
        if i in (0, 9):  # and the next run completes with the same register
            assert main(command(box, units, out)) == 1
            assert comparable(register) == want
    # 4 kills anywhere in the run, one after the other on the same register
    out = tmp_path / "seq"
    out.mkdir()
    # Only the consolidating process is killed (as the Task Manager would): its worker
    # processes (issue 11's pool reads the files, one process each at a time) must end by
    # themselves, leaving nothing behind to hold the inbox or the register.
    for _ in range(4):
        delay = rng.uniform(0.3, took)
        child = start(command(box, units, out))
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        left = survivors(child.pid)
        if left:
            os.killpg(child.pid, signal.SIGKILL)
        assert not left, f"worker processes outlived the killed run: {left}"
        moments.append(f"{delay:.2f}s")
        if (out / "so-theo-doi.sqlite").exists():
            comparable(out / "so-theo-doi.sqlite")
    print("kills:", moments)
    assert main(command(box, units, out)) == 1  # the next run completes
    assert comparable(out / "so-theo-doi.sqlite") == want
    got = json.loads((out / "r.json").read_text(encoding="utf-8"))
    assert got["consolidated"] == json.loads((ref / "r.json").read_text(
        encoding="utf-8"))["consolidated"]


def test_an_older_register_is_migrated_and_keeps_its_rows(tmp_path):
    path = tmp_path / "so-theo-doi.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    db.execute("INSERT INTO rounds(office, form_id, term, label, form_version, title, "
               "created_at) VALUES ('LDLD', 'phu-luc-nhiem-ky', '2018-2023', '', '1', 'x', "
               "'2026-11-01')")
    db.commit()
    db.close()
    with Register(path) as reg:
        assert reg.schema_version == SCHEMA_VERSION == 2
        assert [r.office for r in reg.rounds()] == ["LDLD"]
        assert reg.replies(reg.rounds()[0]) == {}  # the table added by migration 2
        assert reg.check() == []


def test_a_newer_or_foreign_file_is_refused_in_vietnamese(tmp_path, capsys):
    newer = tmp_path / "a" / "so-theo-doi.sqlite"
    newer.parent.mkdir()
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    assert main(["register", str(newer)]) == 2
    assert "phiên bản unionxl mới hơn" in capsys.readouterr().err
    junk = tmp_path / "b" / "so-theo-doi.sqlite"
    junk.parent.mkdir()
    junk.write_bytes(b"this is not a database at all" * 100)
    assert main(["register", str(junk.parent)]) == 2
    err = capsys.readouterr().err
    assert "không phải sổ theo dõi hoặc tệp đã hỏng" in err and "Traceback" not in err


def test_integrity_check_finds_planted_damage(tmp_path, capsys):
    box, units = inbox(tmp_path, n=3)
    out = tmp_path / "out"
    assert main(command(box, units, out)) == 1
    register = out / "so-theo-doi.sqlite"
    assert main(["register", str(out), "--check"]) == 0
    db = sqlite3.connect(register)
    db.execute("UPDATE blobs SET data = X'00' WHERE rowid = 1")  # bytes damaged
    db.execute("DELETE FROM receipts WHERE version_id = (SELECT MAX(id) FROM versions)")
    db.commit()
    db.close()
    capsys.readouterr()
    assert main(["register", str(out), "--check"]) == 1
    text = capsys.readouterr().out
    assert "thiếu hoặc sai nội dung tệp" in text and "không có biên nhận tệp nào" in text


def test_register_command_lists_rounds_with_rates(tmp_path, capsys):
    box, units = inbox(tmp_path, n=4)
    out = tmp_path / "out"
    assert main(command(box, units, out)) == 1
    capsys.readouterr()
    assert main(["register", str(out)]) == 0
    text = capsys.readouterr().out
    # BG03 rejected ("3 vụ"), the other three in before 10/12/2026 (see inbox())
    assert "Đủ báo cáo: 3/4 đơn vị (75,0%)" in text
    assert "đúng hạn 3/4" in text
    assert "BG03" in text and "Bị từ chối" in text


def test_diff_lists_every_changed_input_cell(tmp_path, capsys):
    rng = random.Random(5)
    data = generate(FORM, rng)
    old = book(tmp_path / "cu.xlsx", "BG01", data, at(1))
    new = edit(old, {MAP.addr("12", "2019"): data["12"]["2019"] + 4,
                     MAP.addr("22", "2022"): "12 người", MAP.addr("23", "2018"): None},
               at(2), out=tmp_path / "moi.xlsx")
    insert_rows_and_columns(new, FORM)  # cells are found by keys, not places
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--json", str(tmp_path / "d.json")]) == 1
    got = {(c["indicator"], c["period"], c["old"], c["new"])
           for c in json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))}
    assert got == {("12", "2019", data["12"]["2019"], data["12"]["2019"] + 4),
                   ("22", "2022", data["22"]["2022"], "12 người"),
                   ("23", "2018", data["23"]["2018"], None)}
    assert "3 ô khác nhau" in capsys.readouterr().out
    assert main(["diff", str(old), str(old)]) == 0
    other = tmp_path / "khac.xlsx"
    from unionxl.form import load_form
    from unionxl.workbook.template import write_template
    write_template(load_form("bao-cao-nam"), other, "BG01")
    assert main(["diff", str(old), str(other)]) == 2


@pytest.mark.parametrize("text", ["15/12/2026", "2026-12-15", "15.12.2026"])
def test_deadline_forms(text):
    from unionxl.consolidation.timeliness import parse_deadline
    assert parse_deadline(text) == "2026-12-15"


def test_forwarded_mail_counts_once_with_the_original_envelope(tmp_path):
    """A colleague forwards the unit's e-mail: the workbook is read once, and its sender and
    Date are the unit's (the inner message), not the forwarder's."""
    import email
    import email.policy
    from email.message import EmailMessage
    from email.utils import format_datetime

    from unionxl.consolidation.intake import gather

    src = book(tmp_path / "BG01.xlsx", "BG01", generate(FORM, random.Random(2)), at(1))
    inner = tmp_path / "inner.eml"
    mail(inner, src, "bg01@donvi.example", at(5, 8))
    outer = EmailMessage()
    outer["Subject"] = "Fwd: Gửi báo cáo số liệu"
    outer["From"] = "dongnghiep@ldld.example"
    outer["Date"] = format_datetime(at(9, 14))
    outer.set_content("Chuyển tiếp thư của đơn vị.")
    outer.add_attachment(email.message_from_bytes(inner.read_bytes(),
                                                  policy=email.policy.default))
    box = tmp_path / "box"
    box.mkdir()
    (box / "chuyen tiep.eml").write_bytes(bytes(outer))
    found = gather([box], tmp_path / "work")
    assert [s.name.split(" › ")[-1] for s in found.workbooks] == ["BG01.xlsx"]
    envelope = found.workbooks[0].mail
    assert envelope.sender == "bg01@donvi.example"
    assert envelope.date == at(5, 8).isoformat()


def test_deadline_is_the_end_of_its_day_in_vietnam():
    from unionxl.consolidation.timeliness import deadline_end, when
    end = deadline_end("2026-12-15")
    assert when("2026-12-15T23:59:00+07:00") <= end
    assert when("2026-12-15T16:30:00+00:00") <= end  # 23:30 in Hà Nội
    assert when("2026-12-15T17:30:00Z") > end  # 00:30 on the 16th in Hà Nội
    assert when("2026-12-16T00:00:01+07:00") > end


def outlook_msg(headers: str, attachment: Path) -> bytes:
    """A minimal Outlook .msg (an OLE compound file, MS-OXMSG stream names) built on the
    add-in's own vbaProject.bin, the one compound file at hand: the Internet headers, then one
    attached file."""
    import zipfile

    from pyopenvba.cfb import CFB  # test dependency: a compound-file writer

    from unionxl.excel.addin import OUTPUT
    cfb = CFB.from_bytes(zipfile.ZipFile(OUTPUT).read("xl/vbaProject.bin"))
    cfb.add_stream_at([], "__substg1.0_007D001F", headers.encode("utf-16-le"))
    att = "__attach_version1.0_#00000000"
    cfb.add_substorage_at([], att)
    cfb.add_stream_at([att], "__substg1.0_37010102", attachment.read_bytes())
    cfb.add_stream_at([att], "__substg1.0_3707001F", attachment.name.encode("utf-16-le"))
    return cfb.to_bytes()


def test_outlook_msg_keeps_its_sender_and_date(tmp_path):
    from unionxl.consolidation.intake import gather

    src = book(tmp_path / "BG07.xlsx", "BG07", generate(FORM, random.Random(7)), at(1))
    box = tmp_path / "box"
    box.mkdir()
    (box / "thu BG07.msg").write_bytes(outlook_msg(
        "From: Văn phòng <bg07@donvi.example>\r\nReply-To: baocao.bg07@donvi.example\r\n"
        "Date: Sat, 7 Nov 2026 09:30:00 +0700\r\nSubject: Báo cáo\r\n"
        "Message-ID: <bg07-1@donvi.example>\r\n\r\n", src))
    found = gather([box], tmp_path / "work")
    [source] = found.workbooks
    assert source.name == "thu BG07.msg › BG07.xlsx"
    assert source.path.read_bytes() == src.read_bytes()
    assert source.mail.sender == "baocao.bg07@donvi.example"  # Reply-To wins over From
    assert source.mail.date == at(7, 9).replace(minute=30).isoformat()
    assert source.mail.message_id == "<bg07-1@donvi.example>"


def test_files_are_recorded_several_to_a_commit(tmp_path, monkeypatch):
    # A commit waits for the disk twice (full sync): one per file made the register most of a
    # large run. Each file still lands whole (the kill test above), several to a commit.
    import unionxl.consolidation.season as season

    box, units = inbox(tmp_path, n=12)
    statements: list[str] = []
    opened = Register.__init__

    def tracing(self, path):
        opened(self, path)
        self.db.set_trace_callback(statements.append)

    monkeypatch.setattr(Register, "__init__", tracing)
    monkeypatch.setattr(season, "FILES_PER_COMMIT", 5)
    out = tmp_path / "out"
    assert main(command(box, units, out)) == 1
    receipts = [s for s in statements if s.startswith("INSERT INTO receipts")]
    assert len(receipts) == 12
    first, last = statements.index(receipts[0]), statements.index(receipts[-1])
    begins = [s for s in statements[:first] if s.startswith("BEGIN")]
    commits = [s for s in statements[first:last + 1] if s == "COMMIT"]
    assert len(commits) == 2  # 5 + 5 files, then the last 2 commit after the last receipt
    assert statements[last + 1:].index("COMMIT") < 10 and begins
    with Register(out / "so-theo-doi.sqlite") as reg:
        assert reg.check() == []
        assert reg.db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 12


def test_drafts_never_sign_with_a_code_nobody_gave(tmp_path):
    import email
    import email.policy

    box, units = inbox(tmp_path, n=3)
    out = tmp_path / "out"
    main(command(box, units, out))  # no --unit, no profile: the office has no name
    drafts = sorted((out / "thu-tra-loi").rglob("*.eml"))
    assert len(drafts) == 3
    for path in drafts:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        text = msg.get_body(("plain",)).get_content()
        assert "TONG-HOP" not in text and "Cơ quan tổng hợp" in text, path.name
