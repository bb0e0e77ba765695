"""A reporting season: every consolidation recorded in its round's register, and the round
worked out from the register rather than from the files at hand.

Each unit's versions are put in the order the unit made them (saved time, then arrival); the
latest is its return unless an approval stands: then the approved version stays in the totals
and a later different one is held («chờ mở khóa») until the office reopens it with a reason.
A unit whose return came in an earlier run is still consolidated from the register's copy of
its numbers, so an inbox need not keep every file. Timeliness: a unit is on time when its first
acceptable version arrived by the round's deadline (end of that day, Vietnam time).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..validation import FileReport, Issue, make
from .assess import Submission
from .intake import Source
from .register import Approval, Register, Round, Version
from .registry import Unit
from .run import Consolidation, tally
from .timeliness import deadline_end, received, show_time, when

RUN_ONLY = {"duplicate-submission", "held-after-approval"}  # issues about a run, not a file
IDENTITY_KEYS = ("approval", "approval_detail", "waiting", "round")
# Files recorded per commit: a commit waits for the disk (twice, full sync), so one per file
# made the register most of a 2,000-file run; a killed run loses at most this many, which the
# next run records again from the inbox.
FILES_PER_COMMIT = 100


class Spool:
    """Copies of the files a run reads, kept until they are in the register (extracted
    attachments live in a temporary folder that the run removes)."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self.dir = Path(tempfile.mkdtemp(prefix="unionxl-spool-"))

    def __call__(self, sub: Submission) -> None:
        sha = sub.report.sha256
        path = sub.source.path
        if sha and path is not None and not self.register.has_blob(sha):
            shutil.copyfile(path, self.dir / sha)

    def data(self, sha: str) -> bytes | None:
        path = self.dir / sha
        return path.read_bytes() if path.exists() else None

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- recording a run -------------------------------------------------------------------------
def _assessed(sub: Submission, known: set[str] | None) -> str:
    if sub.report.status in ("unreadable", "invalid"):
        return "rejected"
    if known is not None and sub.unit_code not in known:
        return "unknown_unit"
    warnings = sum(i.severity == "warning" for i in sub.report.issues if i.code not in RUN_ONLY)
    return "accepted_with_warnings" if warnings else "accepted"


def _file_issues(sub: Submission) -> list[dict[str, str]]:
    return [i.to_dict() for i in sub.report.issues if i.code not in RUN_ONLY]


def record(run: Consolidation, reg: Register, rnd: Round, spool: Spool | None,
           now: datetime) -> int:
    """Every file of the run into the register, each file whole or not at all, FILES_PER_COMMIT
    to a commit; returns how many files were new. A file already there (same name, same
    content) adds nothing."""
    known = {u.code for u in run.units} if run.units else None
    items = []
    for sub in run.submissions:
        at, basis = received(sub.source, now)
        items.append((at, _saved(sub), sub.source.name, sub, None, basis))
    for src in run.skipped:
        at, basis = received(src, now)
        items.append((at, "", src.name, None, src, basis))
    items.sort(key=lambda x: (x[0], x[1], x[2]))
    return sum(reg.batched(items, FILES_PER_COMMIT,
                           lambda some: _record_some(some, reg, rnd, spool, known)))


def _record_some(items: Sequence[tuple], reg: Register, rnd: Round, spool: Spool | None,
                 known: set[str] | None) -> int:
    new = 0
    for at, _, name, sub, src, basis in items:
        source = sub.source if sub is not None else src
        assert source is not None
        sha = sub.report.sha256 if sub is not None else ""
        seen, vid = reg.receipt_version(rnd, name, sha)
        status = _assessed(sub, known) if sub is not None else "ignored"
        unit = (sub.unit_code or sub.report.unit_code) if sub is not None else ""
        version = None
        if sub is not None and sub.unit_code and status != "unknown_unit" and sha:
            version = _version(sub, rnd, status, at)
        if seen and (vid is not None or version is None):
            continue
        mail = source.mail
        rep = sub.report if sub is not None else None
        issues = _file_issues(sub) if sub is not None else [
            make(src.skipped, name=src.name, detail=src.detail).to_dict()] if src else []
        receipt = {
            "name": name, "origin": source.origin, "sha256": sha, "unit_code": unit,
            "status": status, "form_id": rep.form_id if rep else "",
            "form_version": rep.form_version if rep else "", "term": rep.term if rep else "",
            "received_at": at, "received_by": basis,
            "mail_from": mail.sender if mail else "", "mail_name": mail.sender_name if mail
            else "", "mail_date": mail.date if mail else "",
            "mail_subject": mail.subject if mail else "",
            "message_id": mail.message_id if mail else "",
            "errors": rep.errors if rep else 0, "warnings": rep.warnings if rep else 0,
            "issues": issues,
        }
        data = None
        if version is not None and not reg.has_blob(sha) and spool is not None:
            data = spool.data(sha)
        reg.record_file(rnd, receipt, version, data)
        new += not seen
    return new


def _saved(sub: Submission) -> str:
    """The workbook's own save time (UTC ISO; "" when it has none or it lies in the future)."""
    return sub.saved.strftime("%Y-%m-%dT%H:%M:%SZ") if sub.saved is not None else ""


def _version(sub: Submission, rnd: Round, status: str, at: str) -> dict[str, Any]:
    rep = sub.report
    issues = _file_issues(sub)
    return {
        "unit_code": sub.unit_code, "sha256": rep.sha256, "saved_at": _saved(sub),
        "received_at": at, "status": status, "unit_name": rep.unit_name,
        "form_version": rep.form_version, "term": rep.term,
        "errors": sum(i["severity"] == "error" for i in issues),
        "warnings": sum(i["severity"] == "warning" for i in issues),
        "issues": issues, "numbers": sub.values(),
        "identity": {**{k: v for k, v in sub.identity.items() if k in IDENTITY_KEYS},
                     **({"attributed": sub.attributed} if sub.attributed else {})},
    }


# -- the round from the register ------------------------------------------------------------
@dataclass
class UnitState:
    code: str
    name: str
    email: str = ""
    versions: list[Version] = field(default_factory=list)  # in the order the unit made them
    used: Version | None = None  # in the totals
    held: Version | None = None  # after an approval, waiting to be reopened
    approval: Approval | None = None  # the approval that stands
    last_action: Approval | None = None
    timeliness: str = ""  # on_time | late | missing | "" (no deadline)
    first_ok: Version | None = None

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    @property
    def main(self) -> Version | None:
        """The version the ledger shows for the unit: the one used, else the rejected latest."""
        return self.used or self.latest

    @property
    def status(self) -> str:
        return self.main.status if self.main is not None else "missing"

    @property
    def waiting_below(self) -> str:
        """The lower levels a used consolidated book says are still waiting ("" if none)."""
        ident = self.used.identity if self.used is not None else {}
        if ident.get("approval") != "pending":
            return ""
        return ident.get("waiting") or "?"


def unit_states(reg: Register, rnd: Round) -> dict[str, UnitState]:
    expected = reg.expected(rnd)
    states = {code: UnitState(code, name, mail) for code, name, mail in expected}
    by_id = {}
    for v in reg.versions(rnd):
        by_id[v.id] = v
        if v.unit_code not in states:
            if expected:
                continue  # a unit no longer on the list
            states[v.unit_code] = UnitState(v.unit_code, v.unit_name)
        states[v.unit_code].versions.append(v)
    actions: dict[str, list[Approval]] = {}
    for a in reg.approvals(rnd):
        actions.setdefault(a.unit_code, []).append(a)
    end = deadline_end(rnd.deadline)
    for st in states.values():
        # a unit's own report comes after any file of a unit it took over (issue 12's rule)
        st.versions.sort(key=lambda v: (not v.identity.get("attributed"), v.order))
        st.last_action = actions.get(st.code, [None])[-1]
        latest = st.latest
        if st.last_action is not None and st.last_action.action == "approve":
            st.approval = st.last_action
            st.used = by_id[st.approval.version_id]
            if (latest is not None and latest.order > st.used.order
                    and latest.numbers != st.used.numbers):
                st.held = latest
        elif latest is not None and latest.status != "rejected":
            st.used = latest
        ok = [v for v in st.versions if v.status != "rejected"]
        st.first_ok = min(ok, key=lambda v: when(v.received_at)) if ok else None
        if st.used is None:
            st.timeliness = "missing"
        elif end is not None and st.first_ok is not None:
            st.timeliness = "on_time" if when(st.first_ok.received_at) <= end else "late"
    return states


# -- the run from the register -----------------------------------------------------------------
def apply(run: Consolidation, states: dict[str, UnitState], rnd: Round) -> None:
    """Statuses of the run's files as the register sees them, the units whose return came
    earlier added from the register, then the ledger and totals again."""
    version_of = {(v.unit_code, v.sha256): v for st in states.values() for v in st.versions}
    placed: set[int] = set()
    # copies the run could not tell apart («Chờ chọn bản») stay for the officer to choose:
    # the register does not pick one silently either
    undecided = {s.unit_code for s in run.submissions if s.status == "held"}
    # the copies the run itself kept first, so that an identical copy is the one set aside
    for sub in sorted(run.submissions, key=lambda s: s.status == "superseded"):
        v = version_of.get((sub.unit_code, sub.report.sha256))
        if v is None or sub.unit_code in undecided:
            continue
        st = states[sub.unit_code]
        said = sub.report.issues
        sub.report.issues = [i for i in said if i.code not in RUN_ONLY]
        if v.id in placed:
            _set_aside(sub, "trùng hệt một tệp khác đã dùng")
        elif v is st.main:
            sub.status, sub.note = v.status, _main_note(sub, st, v)
        elif v is st.held:
            _hold(sub, st)
        elif sub.status == "superseded" and sub.note:  # the run's own reason stands,
            sub.report.issues = said                     # with its issue
            continue
        else:
            newer = st.main
            assert newer is not None
            _set_aside(sub, f"cũ hơn bản lần {newer.seq} «{newer.name}» (lưu lúc "
                            f"{show_time(newer.saved_at)})")
            continue
        placed.add(v.id)
    for st in states.values():
        for v in (st.main, st.held):
            if v is not None and v.id not in placed and st.code not in undecided:
                run.submissions.append(_from_register(run, st, v, rnd))
                placed.add(v.id)
    if not run.units:
        run.units = [Unit(st.code, st.name) for st in states.values()]
    run.submissions.sort(key=lambda s: s.status == "locked")  # the ledger shows the used first
    tally(run)
    _ledger_columns(run, states)


def _main_note(sub: Submission, st: UnitState, v: Version) -> str:
    if v.status == "rejected":
        return sub.note
    if st.held is not None:
        return (f"Dùng bản đã duyệt (lần {v.seq}); bản lần {st.held.seq} gửi sau chờ mở "
                "khóa.")
    if len(st.versions) > 1 and sub.note:  # the run chose among copies: its reason stands
        return f"{sub.note} Bản lần {v.seq} trong sổ theo dõi."
    if len(st.versions) > 1:
        return (f"Dùng bản lưu sau cùng (lần {v.seq}, lưu lúc {show_time(v.saved_at)}); "
                f"{len(st.versions) - 1} bản khác không dùng.")
    return sub.note


def _set_aside(sub: Submission, why: str) -> None:
    sub.status, sub.note = "superseded", f"Không dùng: {why}."
    sub.report.issues.insert(0, make("duplicate-submission", detail=f"bản này không được "
                                     f"dùng: {why}."))


def _hold(sub: Submission, st: UnitState) -> None:
    a, used = st.approval, st.used
    assert a is not None and used is not None
    detail = f"bản lần {used.seq}, {a.by_whom}, {show_time(a.at)}"
    sub.status = "locked"
    sub.note = (f"Chờ mở khóa: báo cáo đã duyệt ({detail}); bản này khác bản đã duyệt nên "
                "chưa dùng.")
    sub.report.issues.insert(0, make("held-after-approval", detail=detail))


def _from_register(run: Consolidation, st: UnitState, v: Version, rnd: Round) -> Submission:
    """A unit's version received in an earlier run, as a submission of this one."""
    rep = FileReport(v.name, v.sha256, v.unit_code, v.unit_name, rnd.form_id, v.form_version,
                     v.term, status="invalid" if v.status == "rejected" else "valid",
                     issues=[Issue(**i) for i in v.issues], values=v.numbers, form=run.form)
    sub = Submission(Source(v.name, "sổ theo dõi"), rep, saved=when(v.saved_at) if v.saved_at
                     else None,
                     unit_code=v.unit_code, match="code", status=v.status,
                     identity=dict(v.identity))
    if v.status == "rejected":
        first = next((i["message"] for i in v.issues if i["severity"] == "error"), "")
        sub.note = f"{v.errors} lỗi. {first}"
    if v is st.held:
        _hold(sub, st)
    else:
        said = _main_note(sub, st, v)
        sub.note = ((said + " " if said else "") + f"Nhận lần {v.seq} lúc "
                    f"{show_time(v.received_at)}; lấy từ sổ theo dõi (tệp không có trong lần "
                    "tổng hợp này).")
    assert run.store is not None
    sub.pack(run.store)
    return sub


def approval_text(st: UnitState, v: Version) -> str:
    a = st.approval
    if a is not None and a.version_id == v.id:
        return f"Đã duyệt – {a.by_whom}, {show_time(a.at)}" + (f" ({a.reason})" if a.reason
                                                               else "")
    last = st.last_action
    if last is not None and last.action == "reopen" and last.version_id != v.id:
        return f"Đã mở khóa bản lần {_seq(st, last.version_id)}: {last.reason}"
    return ""


def _seq(st: UnitState, version_id: int) -> int:
    return next((v.seq for v in st.versions if v.id == version_id), 0)


def _ledger_columns(run: Consolidation, states: dict[str, UnitState]) -> None:
    from_sha = {(v.unit_code, v.sha256): v for st in states.values() for v in st.versions}
    shown: set[str] = set()
    for row in run.ledger:
        st = states.get(row.unit_code)
        if st is None:
            continue
        v = from_sha.get((row.unit_code, row.sha256))
        if row.status == "missing" or (v is not None and v is st.main and st.code not in shown):
            row.timeliness = st.timeliness
            shown.add(st.code)
        if v is None:
            continue
        row.received, row.version = v.received_at, v.seq
        row.approval = "Chờ mở khóa" if v is st.held else approval_text(st, v)
