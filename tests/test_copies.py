"""Choosing between copies of one unit (issue 11, must show 4): planted save and sending
times — future, missing, e-mail only, equal, crossed, contradicting — decide, or hold both
copies for the officer; never the time a file was extracted."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests import corpus
from tests.test_consolidate import assert_same, expected_sums
from unionxl.cli import main
from unionxl.consolidation import consolidate, load_registry
from unionxl.consolidation.assess import Submission
from unionxl.consolidation.copies import choose, distrust_future, newer
from unionxl.consolidation.intake import Source
from unionxl.validation import FileReport

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def day(d: int, h: int = 8) -> dt.datetime:
    return dt.datetime(2026, 11, d, h, 0, tzinfo=UTC)


def sub(name: str, saved: dt.datetime | None = None, sent: dt.datetime | None = None,
        sha: str | None = None) -> Submission:
    return Submission(Source(name, name), FileReport(name, sha or name), saved=saved, sent=sent)


@pytest.mark.parametrize("a, b, want", [
    (dict(saved=day(20)), dict(saved=day(19)), True),  # saved later
    (dict(saved=day(19)), dict(saved=day(20)), False),
    (dict(sent=day(21)), dict(sent=day(20)), True),  # e-mail only: sent later
    (dict(saved=day(20)), dict(saved=day(20)), None),  # equal
    (dict(saved=day(20)), dict(), None),  # missing
    (dict(), dict(), None),
    (dict(saved=day(15)), dict(sent=day(10)), True),  # saved after the other was even sent
    (dict(saved=day(15)), dict(sent=day(16)), None),  # sent after: its content may be older
    (dict(saved=day(20), sent=day(20, 9)), dict(saved=day(19), sent=day(21)), None),  # crossed
    (dict(saved=day(20), sent=day(21)), dict(saved=day(19), sent=day(20)), True),  # agree
])
def test_which_copy_is_newer(a, b, want):
    assert newer(sub("a", **a), sub("b", **b)) is want
    if want is not None:
        assert newer(sub("b", **b), sub("a", **a)) is (not want)


def test_future_times_are_not_believed():
    genuine, future = sub("BG03.xlsx", saved=day(20)), sub("BG03 (2).xlsx",
                                                          saved=dt.datetime(2099, 12, 31,
                                                                            tzinfo=UTC))
    late_mail = sub("thu.eml › BG03.xlsx", sent=NOW + dt.timedelta(hours=2))
    skewed = sub("BG03 (3).xlsx", saved=NOW + dt.timedelta(minutes=20))  # a clock a bit fast
    distrust_future([genuine, future, late_mail, skewed], NOW)
    assert future.saved is None and [i.code for i in future.report.issues] == ["future-date"]
    assert "31/12/2099" in future.report.issues[0].message
    assert late_mail.sent is None and "Ngày gửi thư" in late_mail.report.issues[0].message
    assert genuine.saved == day(20) and skewed.saved is not None and not genuine.report.issues
    choose([genuine, future])
    assert genuine.status == future.status == "held"
    assert all(s.report.issues[0].code == "copies-undecided" for s in (genuine, future))


def test_identical_copies_are_one_and_the_newest_of_the_rest_wins():
    old, new, same = sub("BG03 cu.xlsx", day(10)), sub("BG03.xlsx", day(20)), sub(
        "BG03 (1).xlsx", day(20), sha="BG03.xlsx")
    choose([old, same, new])
    assert new.status == "" and new.note.startswith("Dùng bản lưu sau cùng")
    assert same.status == old.status == "superseded"
    assert "trùng hệt" in same.note and "cũ hơn" in old.note


def test_equal_or_missing_times_hold_every_copy():
    for a, b in [(sub("a.xlsx", day(20)), sub("b.xlsx", day(20))),
                 (sub("a.xlsx", day(20)), sub("b.xlsx"))]:
        choose([a, b])
        assert a.status == b.status == "held" and "Chờ chọn bản" in a.note


# -- end to end: files with planted times -------------------------------------------------

def _no_save_time(data: bytes) -> bytes:
    return corpus.edit(data, {"docProps/core.xml": lambda x: None})


def _run(tmp_path, bases, files: dict[str, bytes]):
    box = tmp_path / "in"
    box.mkdir()
    for name, data in files.items():
        (box / name).write_bytes(data)
    (box / "BG01.xlsx").write_bytes(bases.books["BG01"])
    units = load_registry(corpus.units_csv(tmp_path / "u.csv"))
    return consolidate([box], units, now=NOW)


def _statuses(run) -> dict[str, str]:
    return {s.source.name: s.status for s in run.submissions if s.unit_code == "BG03"}


def test_a_copy_dated_2099_does_not_displace_the_genuine_one(tmp_path, bases):
    run = _run(tmp_path, bases, {
        "BG03.xlsx": bases.books["BG03"],
        "BG03 ban sua.xlsx": bases.book("BG03", seed=99, saved=dt.datetime(2099, 12, 31))})
    assert set(_statuses(run).values()) == {"held"}
    future = next(s for s in run.submissions if s.source.name == "BG03 ban sua.xlsx")
    assert [i.code for i in future.report.issues][:2] == ["copies-undecided", "future-date"]
    assert run.exit_code == 1  # the officer has a choice to make
    assert_same(run.consolidated(), expected_sums(bases.rows["BG01"], {"BG01"}))
    held = [r for r in run.ledger if r.status == "held"]
    assert len(held) == 2 and all(r.code == "copies-undecided" for r in held)


def test_e_mail_dates_decide_when_the_workbooks_carry_no_save_time(tmp_path, bases):
    older = _no_save_time(bases.books["BG03"])
    newer_data = _no_save_time(bases.book("BG03", seed=77))
    run = _run(tmp_path, bases, {
        "thu 1.eml": bytes(corpus.eml([("BG03.xlsx", older, corpus.XLSX)], day(20))),
        # sent later, in Vietnam's time zone: 21/11 10:00 +07:00 = 21/11 03:00 UTC
        "thu 2.eml": bytes(corpus.eml([("BG03.xlsx", newer_data, corpus.XLSX)], dt.datetime(
            2026, 11, 21, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))))})
    got = _statuses(run)
    assert got == {"thu 2.eml › BG03.xlsx": "accepted", "thu 1.eml › BG03.xlsx": "superseded"}
    kept = next(s for s in run.submissions if s.status == "accepted" and s.unit_code == "BG03")
    assert kept.sent == dt.datetime(2026, 11, 21, 3, 0, tzinfo=UTC) and kept.saved is None
    assert "Dùng bản gửi sau cùng" in kept.note and "21/11/2026 10:00 giờ Việt Nam" in kept.note
    _, rows = corpus.make_book(tmp_path, "BG03", seed=77)
    assert_same(run.consolidated(), expected_sums(bases.rows["BG01"] + rows, {"BG01", "BG03"}))


def test_extraction_time_never_stands_in_for_a_save_time(tmp_path, bases):
    """An older copy without a save time, extracted from a mail without a Date, next to a
    newer saved one: nothing says which is newer, so both are held (the extraction time of
    the attachment, which is now, would have made the old copy win)."""
    old = _no_save_time(bases.book("BG03", seed=55))
    run = _run(tmp_path, bases, {
        "thu.eml": bytes(corpus.eml([("BG03 cu.xlsx", old, corpus.XLSX)])),
        "BG03.xlsx": bases.books["BG03"]})
    assert set(_statuses(run).values()) == {"held"}


def test_equal_save_times_hold_both_and_the_ledger_asks(tmp_path, bases):
    json_out = tmp_path / "r.json"
    box = tmp_path / "box"
    box.mkdir()
    (box / "BG03.xlsx").write_bytes(bases.books["BG03"])
    (box / "BG03 khac.xlsx").write_bytes(bases.book("BG03", seed=66))  # same SAVED time
    (box / "BG01.xlsx").write_bytes(bases.books["BG01"])
    units = corpus.units_csv(tmp_path / "u.csv")
    assert main(["consolidate", str(box), "-o", str(tmp_path / "o.xlsx"), "--units", str(units),
                 "--json", str(json_out)]) == 1
    report = json.loads(json_out.read_text(encoding="utf-8"))
    held = [r for r in report["ledger"] if r["status"] == "held"]
    assert {r["file"] for r in held} == {"BG03.xlsx", "BG03 khac.xlsx"}
    assert all(r["status_vi"] == "Chờ chọn bản" and "giữ lại một bản" in r["note"]
               for r in held)
    files = {f["path"]: f for f in report["files"]}
    assert files["BG03.xlsx"]["modified"] == "2026-11-20T08:00:00Z"  # true UTC, labelled
