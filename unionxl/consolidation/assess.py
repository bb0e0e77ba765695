"""One submission: its bytes read once, validated (the file checks ``validate`` runs too),
and read by its labels when it is a hand-made appendix. Runs in a worker process; whatever the
file holds, the result is a ``Submission`` (an unexpected failure is caught and coded); it
travels back small (values go to the on-disk store)."""

from __future__ import annotations

import datetime as dt
import math
from array import array
from dataclasses import dataclass, field

from ..errors import UnionxlError, WorkbookError
from ..form import Form
from ..validation import FileReport, Issue, make, rule_issues, validate_package
from ..validation.filechecks import far_cells, file_warnings
from ..validation.issues import from_error, unique
from ..validation.validator import bad_cells
from ..workbook.layout import template_map
from ..workbook.package import Package
from .adopt import adopt
from .intake import Source
from .store import ValueStore


@dataclass
class Submission:
    source: Source
    report: FileReport
    saved: dt.datetime | None = None  # when the workbook says it was last saved (UTC)
    sent: dt.datetime | None = None  # the Date of the e-mail that carried it (UTC)
    unit_code: str = ""  # registry code it was matched to
    match: str = ""  # code | name | file-name | ""
    status: str = ""
    note: str = ""
    attributed: str = ""  # the file is counted for the unit that took over the one it names
    unknown: Issue | None = None  # why a unit of the registry is not counted here
    store: ValueStore | None = field(default=None, repr=False)
    offset: int = -1  # where this submission's values start in the store
    identity: dict[str, str] = field(default_factory=dict)  # what the workbook says it is
    prepacked: bytes | None = field(default=None, repr=False)  # values until they are stored

    def prepack(self) -> None:
        """The values as one float per indicator × key (NaN = blank), done in the worker that
        read the file: the parent, which every file passes through, only stores them."""
        values, self.report.values = self.report.values, {}
        if self.form is None:
            return
        position = self.form.value_position
        packed = array("d", [math.nan]) * len(position)
        for code, row in values.items():
            for key, v in row.items():
                i = position.get((code, key))
                if i is not None:
                    packed[i] = v
        self.prepacked = packed.tobytes()

    def pack(self, store: ValueStore) -> None:
        """Move the values to the on-disk store: memory stays flat however many files come in."""
        if self.prepacked is None:
            self.prepack()
        if self.prepacked is None:
            return
        packed = array("d")
        packed.frombytes(self.prepacked)
        self.prepacked = None
        self.store, self.offset = store, store.append(packed)

    def value(self, code: str, key: str) -> float | None:
        i = self.form.value_position.get((code, key)) if self.form is not None else None
        if self.store is None or i is None:
            return None
        v = self.store.read(self.offset + i, 1)[0]
        return None if math.isnan(v) else v

    def packed(self) -> array | None:
        """One float per ``form.value_keys`` (NaN = blank); None when there are none."""
        if self.store is None or self.form is None:
            return None
        return self.store.read(self.offset, len(self.form.value_keys))

    def values(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        packed = self.packed()
        if packed is None or self.form is None:
            return out
        for (code, key), v in zip(self.form.value_keys, packed, strict=True):
            if not math.isnan(v):
                out.setdefault(code, {})[key] = v
        return out

    @property
    def form(self) -> Form | None:
        """The form the file was read with (None: unreadable or another version)."""
        return self.report.form

    @property
    def form_key(self) -> tuple[str, str, str]:
        r = self.report
        return (r.form_id, r.form_version, r.term)


def summed(form: Form | None, used: list[Submission]) -> dict[str, dict[str, float]]:
    """Input cells summed over the units; rows that do not add up across units (across: none)
    and rates are left out: a rate is recomputed from its summed numerator and denominator.
    The results are reported at each indicator's precision (``consolidated``)."""
    totals: dict[str, dict[str, float]] = {}
    if form is None:
        return totals
    keys = form.value_keys
    summable = [(i, code, key) for i, (code, key) in enumerate(keys)
                if form.has(code) and form.indicator(code).across == "sum"]
    for s in used:  # straight from the stored floats: no dict of every value per unit
        packed = s.packed() if s.form is not None and s.form.value_keys == keys else None
        if packed is None:  # read with another layout of the same form
            given = s.values()
            packed = array("d", (given.get(code, {}).get(key, math.nan) for code, key in keys))
        for i, code, key in summable:
            v = packed[i]
            if v == v:  # not NaN: a value the unit gave
                target = totals.setdefault(code, {})
                target[key] = target.get(key, 0.0) + v
    return totals


def failed(source: Source, issue: Issue, sha256: str = "") -> Submission:
    """A file that could not be used: one coded issue says why."""
    rep = FileReport(str(source.path or source.name), sha256, status="unreadable")
    rep.issues.append(issue)
    return Submission(source, rep, sent=source.sent)


def assess(source: Source) -> Submission:
    """Validate one workbook and read hand-made appendices by their labels."""
    try:
        sub = _assess(source)
        sub.prepack()
        return sub
    except Exception as exc:  # one file never stops the others: caught, coded, reported
        return failed(source, make("unexpected-error", technical=f"{type(exc).__name__}: {exc}"))


def _assess(source: Source) -> Submission:
    assert source.path is not None
    try:
        pkg = Package.read(source.path)
    except WorkbookError as exc:
        return failed(source, from_error(exc))
    rep = validate_package(pkg)
    if rep.status == "unreadable" and rep.issues[0].code == "not-unionxl-workbook":
        rep = _adopted(pkg, rep) or rep
    if rep.form is not None and rep.map == template_map(rep.form):
        rep.map = None  # the usual layout: nothing to keep per file (found again from the form)
    saved = pkg.saved_at() if rep.status != "unreadable" else None
    try:  # a consolidated book's approval state; unsafe or broken XML is the validator's say
        identity = pkg.custom_properties() if rep.status != "unreadable" else {}
    except UnionxlError:
        identity = {}
    sub = Submission(source, rep, saved=saved, sent=source.sent, identity=identity)
    if sub.identity.get("approval") == "pending":  # a consolidated book still waiting below
        rep.issues.insert(0, make("lower-level-pending", detail=sub.identity.get(
            "approval_detail") or "không rõ"))
    return sub


def _adopted(pkg: Package, rep: FileReport) -> FileReport | None:
    """A hand-made appendix, read by its labels; None when it is not one."""
    try:
        adoption = adopt(pkg)
    except UnionxlError:
        return None
    if adoption.coverage < 0.5:
        return None
    form = adoption.form
    out = FileReport(str(pkg.path), rep.sha256, "", adoption.unit_name, form.id,
                     str(form.version), form.term, adoption.sheet, form=form)
    mapped = sum(r.status == "mapped" for r in adoption.rows)
    out.issues += file_warnings(pkg) + far_cells(adoption.far)
    out.issues.append(make("adopted-by-label", sheet=adoption.sheet, detail=str(mapped)))
    for r in adoption.rows:
        cell = f"A{r.row}"
        if r.status == "low-confidence":
            out.issues.append(make("label-low-confidence", sheet=adoption.sheet, cell=cell,
                                   detail=f"{r.row} «{r.label}» (gần nhất: {r.candidate}, "
                                          f"độ giống {r.confidence:.2f})"))
        elif r.status == "unknown":
            out.issues.append(make("unknown-row", sheet=adoption.sheet, cell=cell,
                                   indicator=r.label[:40]))
    out.issues += adoption.problems
    out.issues += rule_issues(form, adoption.values, bad_cells(adoption.problems),
                              {"sheet": adoption.sheet})
    out.values = adoption.values
    out.issues = unique(out.issues)
    out.status = "invalid" if out.errors else "valid"
    return out
