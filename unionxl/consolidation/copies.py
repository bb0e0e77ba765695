"""Choosing between copies of one unit's report.

What tells one copy from another is when its content was fixed: the workbook's own save time
(its core properties, in UTC) and the Date of the e-mail that carried it (a copy's content
existed when it was sent). Never the time a file was extracted or copied. A time beyond the
present (more than ``SKEW``) is not believed, and said so. Copy A is newer than copy B when
the times both carry agree: A saved after B, A sent after B, or A saved after B was even sent.
When the times are missing, equal or contradict each other, the copies are held and the
ledger asks the officer to keep one: a report is never picked silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..text import VIETNAM
from ..validation import make
from .assess import Submission

SKEW = dt.timedelta(hours=1)  # a unit's clock may run a little fast


def shown(when: dt.datetime | None) -> str:
    """A time as an officer reads it: Vietnam's clock, labelled."""
    if when is None:
        return "không rõ"
    return when.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M") + " giờ Việt Nam"


def distrust_future(subs: Iterable[Submission], now: dt.datetime) -> None:
    """Drop (and report) every save or sending time beyond the present."""
    for s in subs:
        for what, when in (("Ngày lưu ghi trong tệp", s.saved), ("Ngày gửi thư", s.sent)):
            if when is not None and when > now + SKEW:
                s.report.issues.insert(0, make("future-date", detail=f"{what} ({shown(when)})"))
                if what.startswith("Ngày lưu"):
                    s.saved = None
                else:
                    s.sent = None


def newer(a: Submission, b: Submission) -> bool | None:
    """True when a's content is newer than b's, False when older, None when the times do not
    tell (missing, equal, or contradicting each other)."""
    votes = set()
    if a.saved and b.saved and a.saved != b.saved:
        votes.add(a.saved > b.saved)
    sa, sb = a.sent, b.sent
    if sa and sb and sa != sb:
        votes.add(sa > sb)
    if a.saved and sb and a.saved > sb:
        votes.add(True)
    if b.saved and sa and b.saved > sa:
        votes.add(False)
    return votes.pop() if len(votes) == 1 else None


def choose(subs: list[Submission]) -> None:
    """Settle the copies of one unit: identical ones are one; of different ones, the newest is
    kept when the times tell, else all are held for the officer."""
    distinct: dict[str, list[Submission]] = {}
    for s in sorted(subs, key=lambda s: s.source.name, reverse=True):  # "x.xlsx" before
        distinct.setdefault(s.report.sha256, []).append(s)                # "x (1).xlsx"
    heads = []
    for same in distinct.values():
        head = max(same, key=lambda s: (s.saved is not None, s.sent is not None))
        heads.append(head)
        for s in same:
            if s is not head:
                _supersede(s, f"trùng hệt tệp «{head.source.name}»")
    if len(heads) == 1:
        return
    winner = next((w for w in heads if all(newer(w, x) for x in heads if x is not w)), None)
    if winner is None:
        listing = "; ".join(f"«{s.source.name}» (lưu {shown(s.saved)}, gửi {shown(s.sent)})"
                            for s in heads)
        for s in heads:
            s.status = "held"
            s.report.issues.insert(0, make("copies-undecided",
                                           detail=f"{len(heads)} bản khác nhau: {listing}"))
            s.note = ("Chờ chọn bản: đơn vị gửi nhiều bản khác nhau, không rõ bản nào mới hơn; "
                      "hãy giữ lại một bản rồi tổng hợp lại.")
        return
    basis = "lưu" if all(winner.saved and x.saved for x in heads) else "gửi"
    for s in heads:
        if s is not winner:
            _supersede(s, f"cũ hơn tệp «{winner.source.name}» (bản đó lưu "
                          f"{shown(winner.saved)}, gửi {shown(winner.sent)}; bản này lưu "
                          f"{shown(s.saved)}, gửi {shown(s.sent)})")
    winner.note = (f"Dùng bản {basis} sau cùng (lưu {shown(winner.saved)}, gửi "
                   f"{shown(winner.sent)}); {len(subs) - 1} bản khác không dùng.")


def _supersede(s: Submission, why: str) -> None:
    s.status = "superseded"
    s.note = f"Không dùng: {why}."
    s.report.issues.insert(0, make("duplicate-submission", detail=f"bản này không được dùng: "
                                   f"{why}."))
