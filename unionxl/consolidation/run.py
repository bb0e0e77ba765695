"""Consolidation: many emailed workbooks → one provincial workbook, with a ledger.

Every input is gathered (workbooks, folders, .eml/.msg, .zip), assessed (validated, in
worker processes where one file can cost only itself), matched to the units registry as it
stands on the report date (by code, else by name; a file of a unit that has since merged counts
for its successor; every match is stated), checked against the earlier years carried onto
today's units, de-duplicated (a unit's own report before a file of a unit it took over; then
the newest copy is kept when its times tell, else the copies are held for the officer:
``copies``) and summed over units from its *input* cells only; every derived number is
recomputed. Every file that came in has a ledger
row with a code. ``output`` writes the result: a data-entry workbook of the same form ("TỔNG
HỢP", a valid submission to the level above) plus the ledger, a per-unit detail that traces
every total, the issues and charts.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import weakref
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..atomic import sweep_stale
from ..form import Form, compute, load_form
from ..form.precision import at_precision
from ..text import name_key
from ..validation import Issue, make
from ..workbook.tidy import Row
from .assess import Submission, assess, failed, summed
from .attribution import prefer_own, settle
from .copies import choose, distrust_future
from .history import Carried, carry, history_checks
from .intake import Source, gather
from .pool import CRASHED, Lost, isolated
from .registry import Registry, Unit
from .store import ValueStore

FILE_BUDGET = 120.0  # seconds one file may take in a worker before it is given up

STATUS_VI = {
    "accepted": "Đã nhận",
    "accepted_with_warnings": "Đã nhận (có cảnh báo)",
    "rejected": "Bị từ chối",
    "missing": "Chưa nộp",
    "superseded": "Bản trùng (không dùng)",
    "held": "Chờ chọn bản",
    "locked": "Chờ mở khóa",  # a version sent after approval (the season's register)
    "unknown_unit": "Đơn vị lạ",
    "ignored": "Bỏ qua",
}
IN_TOTALS = ("accepted", "accepted_with_warnings")
Units = Registry | list[Unit] | None


@dataclass
class LedgerRow:
    unit_code: str
    unit_name: str
    status: str
    file: str = ""
    sha256: str = ""
    form_version: str = ""
    errors: int = 0
    warnings: int = 0
    note: str = ""
    code: str = ""  # the issue code that decided the row (the first error, or why ignored)
    modified: str = ""  # when the unit last saved the file (ISO, UTC)
    # what the season's register adds (blank without one)
    received: str = ""  # ISO time the version arrived
    timeliness: str = ""  # on_time | late | missing
    version: int = 0  # 1, 2, … in the order the register received the unit's versions
    approval: str = ""  # said in Vietnamese: approved by whom and when, or reopened
    changes: int = 0  # input cells changed since the unit's previous version

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "status_vi": STATUS_VI[self.status]}


@dataclass
class Consolidation:
    form: Form | None  # None: no file could be read as a form (the ledger still says why)
    submissions: list[Submission] = field(default_factory=list)
    skipped: list[Source] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    totals: dict[str, dict[str, float]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)  # expected on the report date
    achievement: list[Any] = field(default_factory=list)
    registry: Registry | None = None
    on: date | None = None  # the report date: the last day of the form's last period
    history: Carried | None = None
    store: ValueStore | None = field(default=None, repr=False)
    summed_for: tuple = field(default=(), repr=False)  # the submissions the totals are of

    @property
    def used(self) -> list[Submission]:
        return [s for s in self.submissions if s.status in IN_TOTALS]

    @property
    def computed(self) -> dict[str, dict[str, float | None]]:
        return compute(self.form, self.totals) if self.form is not None else {}

    def consolidated(self) -> dict[str, dict[str, float]]:
        """{indicator: {column key: value}} at each indicator's precision (no float noise);
        the comparisons (…pct) are left to the workbook."""
        out: dict[str, dict[str, float]] = {}
        for code, row in self.computed.items():
            kind = self.form.indicator(code).value_type
            vals = {k: at_precision(v, kind) for k, v in row.items()
                    if v is not None and not k.endswith("pct")}
            if vals:
                out[code] = vals
        return out

    def counts(self) -> dict[str, int]:
        """Ledger rows per status, in the ledger's order of statuses (0 where none)."""
        counts = Counter(r.status for r in self.ledger)
        return {k: counts.get(k, 0) for k in STATUS_VI}

    @property
    def exit_code(self) -> int:
        if not self.used:
            return 2
        bad = {"rejected", "missing", "held"}
        return 1 if any(r.status in bad for r in self.ledger) else 0

    def to_dict(self) -> dict[str, Any]:
        files = []
        for s in self.submissions:
            d = s.report.to_dict()
            d.update(path=s.source.name, origin=s.source.origin, unit_code=s.unit_code or
                     s.report.unit_code, ledger_status=s.status, match=s.match,
                     modified=_iso(s.saved), sent=_iso(s.sent), attributed=s.attributed)
            files.append(d)
        for s in self.skipped:
            issue = _skip_issue(s)
            files.append({"path": s.name, "origin": s.origin, "unit_code": "", "status":
                          "ignored", "ledger_status": "ignored", "sha256": "",
                          "issues": [issue.to_dict()]})
        return {
            "form": {"id": self.form.id, "version": self.form.version, "term": self.form.term}
            if self.form is not None else None,
            "stats": self.counts(),
            "files": files,
            "ledger": [r.to_dict() for r in self.ledger],
            "consolidated": self.consolidated(),
            "excluded": sorted({s.unit_code or s.report.unit_code for s in self.submissions
                                if s.status == "rejected"} - {""}),
            "achievement": [a.to_dict() for a in self.achievement],
            "as_of": self.on.isoformat() if self.on else None,
            "history": self.history.to_dict() if self.history else None,
        }


def _skip_issue(s: Source) -> Issue:
    return make(s.skipped, name=s.name, detail=s.detail, technical=s.technical)


def _iso(when: dt.datetime | None) -> str:
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if when else ""


def consolidate(inputs: list[str | Path], units: Units | Callable[[Form], Units] = None,
                form: Form | None = None, workers: int | None = None,
                progress: Callable[[int, int, str], None] | None = None,
                now: dt.datetime | None = None, budget: float = FILE_BUDGET,
                root: str | None = None, history: list[Row] | None = None,
                exclude: tuple[Path, ...] = (),
                on_file: Callable[[Submission], None] | None = None) -> Consolidation:
    """``units``: the registry (or a plain list), or a function of the form the run settles on
    that gives it (the season's register keeps the units of each round); ``root``: the
    consolidating body's code; ``history``: earlier years of the same form, unit by unit (tidy
    rows); ``now`` (UTC) judges future dates; ``budget`` bounds the seconds one file may take;
    ``exclude`` names unionxl's own outputs inside input folders; ``on_file`` sees each
    submission while its file still exists (the register keeps a copy)."""
    store = ValueStore()
    scratch = Path(tempfile.gettempdir())
    sweep_stale(scratch, "unionxl-")  # what a killed run left behind
    try:
        with tempfile.TemporaryDirectory(prefix=f"unionxl-{os.getpid()}-", dir=scratch) as tmp:
            gathered = gather(inputs, Path(tmp), exclude)
            subs = _assess_all(gathered.workbooks, workers, progress, store, budget, on_file)
        chosen = form or _majority_form(subs)
        given = units(chosen) if callable(units) else units
    except BaseException:
        store.close()
        raise
    registry = Registry(given) if isinstance(given, list) else given
    on = chosen.periods[-1].end if chosen is not None else None
    run = Consolidation(chosen, subs, [s for s in gathered.sources if s.skipped],
                        units=registry.expected(root, on) if registry and on else [],
                        registry=registry, on=on, store=store)
    weakref.finalize(run, store.close)  # the values file lives as long as the result
    distrust_future(subs, now or dt.datetime.now(dt.timezone.utc))
    _check_form(run)
    _match_units(run)
    _deduplicate(run)
    if history is not None and registry is not None and chosen is not None and on:
        run.history = carry(registry, history, chosen, on)
        history_checks(run.history, run.submissions)
    _statuses(run)
    tally(run)
    return run


def tally(run: Consolidation) -> None:
    """The ledger and the totals from the submissions' statuses (again after the register
    has had its say)."""
    run.ledger = _ledger(run)
    used = run.used
    key = (run.form, *((id(s), s.offset) for s in used))
    if key != run.summed_for:  # again after the register only when it changed what is used
        run.totals, run.summed_for = summed(run.form, used), key


def _assess_all(books: list[Source], workers: int | None,
                progress: Callable[[int, int, str], None] | None,
                store: ValueStore, budget: float,
                on_file: Callable[[Submission], None] | None = None) -> list[Submission]:
    """Each file in a worker process of its own turn (one file in the process itself): a file
    that kills its worker or runs past ``budget`` costs only itself."""
    workers = max(1, workers if workers is not None else min(2, os.cpu_count() or 1))
    out: list[Submission | None] = [None] * len(books)
    if len(books) == 1:
        done = iter([(0, assess(books[0]))])
    else:
        done = isolated(assess, books, min(workers, len(books)), budget)
    for n, (i, sub) in enumerate(done, start=1):
        if isinstance(sub, Lost):
            code = "worker-crashed" if sub.why == CRASHED else "file-too-slow"
            sub = failed(books[i], make(code, detail=sub.detail, technical=sub.detail))
        out[i] = _lean(sub, store, on_file)
        if progress:
            progress(n, len(books), books[i].name)
    return [s for s in out if s is not None]


def _lean(sub: Submission, store: ValueStore,
          on_file: Callable[[Submission], None] | None = None) -> Submission:
    """Keep the issues in memory, the numbers on disk: memory stays flat as files grow."""
    if on_file is not None:
        on_file(sub)
    sub.source.path = None  # the temporary copy is gone after the run
    sub.pack(store)
    return sub


def _majority_form(subs: list[Submission]) -> Form | None:
    keys = Counter(s.form_key for s in subs if s.report.form_id)
    if not keys:
        return None
    (form_id, _version, term), _ = keys.most_common(1)[0]
    read = (s.form for s in subs if s.form is not None and (s.form.id, s.form.term) == (
        form_id, term))
    return next(read, None) or load_form(form_id, term or None)


def _check_form(run: Consolidation) -> None:
    if run.form is None:
        return
    want = (run.form.id, str(run.form.version), run.form.term)
    for s in run.submissions:
        if s.report.status != "unreadable" and s.form_key != want:
            got = f"{s.report.form_id} phiên bản {s.report.form_version}, nhiệm kỳ {s.report.term}"
            s.report.issues.insert(0, make("wrong-form", detail=f"{got} (cần {run.form.id} "
                                           f"phiên bản {run.form.version}, nhiệm kỳ "
                                           f"{run.form.term})"))
            s.report.status = "invalid"


def _match_units(run: Consolidation) -> None:
    by_code = {u.code: u for u in run.units}
    by_name = {name_key(u.name): u for u in run.units}
    for s in run.submissions:
        code = s.report.unit_code
        if not run.units:
            s.unit_code, s.match = code, "code" if code else ""
            continue
        if code in by_code:
            s.unit_code, s.match = code, "code"
            continue
        if run.registry is not None and run.on is not None and settle(
                s, run.registry, run.on, run.units, by_code):
            continue
        unit = by_name.get(name_key(s.report.unit_name)) if s.report.unit_name else None
        if unit is None and not code and s.report.status == "unreadable":
            # Nothing readable inside: the file name is the only clue to whose file broke.
            unit = _unit_from_file_name(s.source.name, run.units)
            if unit is not None:
                s.unit_code, s.match = unit.code, "file-name"
                continue
        if unit is not None:
            s.unit_code, s.match = unit.code, "name"
            how = (f"mã «{code}» không có trong danh sách" if code else "tệp không ghi mã")
            s.report.issues.insert(0, make("unit-matched-by-name",
                                           detail=f"{unit.code} – {unit.name} ({how}; tên "
                                                  f"trong tệp: «{s.report.unit_name}»)"))


def _unit_from_file_name(name: str, units: list[Unit]) -> Unit | None:
    stem = Path(name.split(" › ")[-1]).stem
    hits = [u for u in units if re.search(rf"(?<![0-9A-Za-z]){re.escape(u.code)}(?![0-9A-Za-z])",
                                          stem, re.IGNORECASE)]
    if not hits:
        key = name_key(stem)
        hits = [u for u in units if name_key(u.name) and name_key(u.name) in key]
    return hits[0] if len(hits) == 1 else None


def _deduplicate(run: Consolidation) -> None:
    groups: dict[str, list[Submission]] = {}
    for s in run.submissions:
        if s.unit_code and s.report.status != "unreadable":
            groups.setdefault(s.unit_code, []).append(s)
    for subs in groups.values():
        subs = prefer_own(subs)
        if len(subs) > 1:
            choose(subs)


def _statuses(run: Consolidation) -> None:
    known = {u.code for u in run.units}
    for s in run.submissions:
        if s.status in ("superseded", "held"):
            continue
        if s.report.status in ("unreadable", "invalid"):
            s.status = "rejected"
            first = next((i.message for i in s.report.issues if i.severity == "error"), "")
            how = " (nhận đơn vị theo tên tệp)" if s.match == "file-name" else ""
            s.note = f"{s.report.errors} lỗi{how}. {first}"
        elif run.units and s.unit_code not in known:
            s.status = "unknown_unit"
            detail = f"{s.report.unit_code or '(không mã)'} – {s.report.unit_name or '?'}"
            s.report.issues.insert(0, s.unknown or make("unknown-unit", detail=detail))
            s.note = (s.unknown.message if s.unknown else
                      "Không có trong danh sách đơn vị; không tổng hợp.")
        else:
            s.status = "accepted_with_warnings" if s.report.warnings else "accepted"


def _ledger(run: Consolidation) -> list[LedgerRow]:
    rows: list[LedgerRow] = []
    names = {u.code: u.name for u in run.units}
    by_unit: dict[str, list[Submission]] = {}
    for s in run.submissions:
        by_unit.setdefault(s.unit_code, []).append(s)

    def row(s: Submission) -> LedgerRow:
        r = s.report
        first = next((i for i in r.issues if i.severity == "error"), None) or next(
            iter(r.issues), None)
        note = " ".join(x for x in (s.attributed, s.note) if x)
        return LedgerRow(s.unit_code or r.unit_code, names.get(s.unit_code, r.unit_name),
                         s.status, s.source.name, r.sha256, r.form_version, r.errors,
                         r.warnings, note, first.code if first else "", _iso(s.saved))

    expected = [u.code for u in run.units] or sorted(c for c in by_unit if c)
    for code in expected:
        subs = by_unit.get(code, [])
        main = [s for s in subs if s.status != "superseded"]
        if not main:
            rows.append(LedgerRow(code, names.get(code, ""), "missing",
                                  note="Chưa nhận được báo cáo."))
        rows += [row(s) for s in main] + [row(s) for s in subs if s.status == "superseded"]
    listed = set(expected)
    for s in run.submissions:
        if s.unit_code not in listed:
            rows.append(row(s))
    for src in run.skipped:
        issue = _skip_issue(src)
        rows.append(LedgerRow("", "", "ignored", src.name, note=issue.message, code=src.skipped,
                              errors=int(issue.severity == "error"),
                              warnings=int(issue.severity == "warning")))
    return rows


