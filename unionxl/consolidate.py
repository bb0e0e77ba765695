"""Consolidation: many emailed workbooks → one provincial workbook, with a ledger.

Every input is gathered (workbooks, folders, .eml/.msg, .zip), validated, matched to the units
registry (by code, else by name, and the match is stated), de-duplicated (the copy the unit
saved last is kept, and said so) and summed over units from its *input* cells only; every
derived number is recomputed. The result is a data-entry workbook of the same form ("TỔNG HỢP",
a valid submission to the level above) plus the ledger, a per-unit detail that traces every
total, the issues and charts.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import unicodedata
import weakref
import zipfile
from array import array
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from .errors import UnionxlError
from .form import Form, load_form
from .formulas import compute
from .issues import Issue, make
from .sources import Source, gather
from .validate import FileReport, sha256_file, validate_file

CONSOLIDATED_SHEET = "TỔNG HỢP"
LEDGER_SHEET = "Tình hình nộp báo cáo"
DETAIL_SHEET = "Chi tiết"
ISSUES_SHEET = "Lỗi"
CHART_SHEET = "Biểu đồ"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
STATUS_VI = {
    "accepted": "Đã nhận",
    "accepted_with_warnings": "Đã nhận (có cảnh báo)",
    "rejected": "Bị từ chối",
    "missing": "Chưa nộp",
    "superseded": "Bản trùng (không dùng)",
    "unknown_unit": "Đơn vị lạ",
    "ignored": "Bỏ qua",
}
IN_TOTALS = ("accepted", "accepted_with_warnings")


# -- units registry ------------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    parent: str = ""
    kind: str = ""


_ABBREVIATIONS = [("lien doan lao dong", "ldld"), ("cong doan nganh", "cdn"),
                  ("cong doan co so", "cdcs"), ("cong doan", "cd"), ("thanh pho", "tp"),
                  ("khu cong nghiep", "kcn")]


def name_key(name: str) -> str:
    """Diacritics-, case-, space- and Unicode-form-insensitive key of a unit name."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D")).lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for long, short in _ABBREVIATIONS:
        text = re.sub(rf"\b{long}\b", short, text)
    return text.replace(" ", "")


def load_units(path: str | Path) -> list[Unit]:
    from .errors import DataFileError

    path = Path(path)
    rows: list[dict[str, Any]]
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from .workbook import open_workbook

        grid = open_workbook(path).get_sheet_by_index(0).to_python()
        header = [str(h).strip().lower() for h in (grid[0] if grid else [])]
        rows = [dict(zip(header, r, strict=False)) for r in grid[1:]]
    else:
        import csv

        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                rows = [{(k or "").strip().lower(): v for k, v in r.items()} for r in reader]
        except OSError as exc:
            raise DataFileError(str(path), None, f"không mở được ({exc.strerror})") from exc
    units, seen = [], set()
    for i, r in enumerate(rows, start=2):
        code = str(r.get("code") or "").strip()
        name = unicodedata.normalize("NFC", str(r.get("name") or "").strip())
        if not code and not name:
            continue
        if not code or not name:
            raise DataFileError(str(path), i, "mỗi đơn vị cần cả cột code và name")
        if code in seen:
            raise DataFileError(str(path), i, f"mã đơn vị «{code}» bị trùng")
        seen.add(code)
        units.append(Unit(code, name, str(r.get("parent") or "").strip(),
                          str(r.get("kind") or "").strip()))
    if not units:
        raise DataFileError(str(path), None, "danh sách đơn vị rỗng (cần cột code,name)")
    return units


# -- one submission ------------------------------------------------------------------------
class ValueStore:
    """Floats in a temporary file (deleted when closed); the page cache, not the process,
    holds them."""

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile(prefix="unionxl-values-")
        self.size = 0  # in floats

    def append(self, values: array) -> int:
        self.fh.seek(self.size * 8)
        values.tofile(self.fh)
        start, self.size = self.size, self.size + len(values)
        return start

    def read(self, start: int, count: int) -> array:
        self.fh.seek(start * 8)
        out = array("d")
        out.fromfile(self.fh, count)
        return out

    def close(self) -> None:
        self.fh.close()


def value_block(subs: list[Submission], start: int, count: int) -> list[array]:
    """Values ``start … start+count`` of the form's index for each submission (one read each)."""
    out = []
    for s in subs:
        if s.store is None:
            out.append(array("d", [math.nan]) * count)
        else:
            out.append(s.store.read(s.offset + start, count))
    return out


@dataclass
class Submission:
    source: Source
    report: FileReport
    modified: str = ""  # ISO time the unit last saved the workbook
    unit_code: str = ""  # registry code it was matched to
    match: str = ""  # code | name | file-name | ""
    status: str = ""
    note: str = ""
    store: ValueStore | None = field(default=None, repr=False)
    offset: int = -1  # where this submission's values start in the store

    def pack(self, store: ValueStore) -> None:
        """Move the values to the on-disk store (one float per indicator × key, NaN = blank):
        memory stays flat however many files come in."""
        values, self.report.values = self.report.values, {}
        index = value_index(self.report.form_id, self.report.term)
        if index is None:
            return
        packed = array("d", [math.nan]) * len(index[0])
        for code, row in values.items():
            for key, v in row.items():
                i = index[1].get((code, key))
                if i is not None:
                    packed[i] = v
        self.store, self.offset = store, store.append(packed)

    def value(self, code: str, key: str) -> float | None:
        index = value_index(self.report.form_id, self.report.term)
        i = index[1].get((code, key)) if index else None
        if self.store is None or i is None:
            return None
        v = self.store.read(self.offset + i, 1)[0]
        return None if math.isnan(v) else v

    def values(self) -> dict[str, dict[str, float]]:
        index = value_index(self.report.form_id, self.report.term)
        out: dict[str, dict[str, float]] = {}
        if self.store is None or index is None:
            return out
        packed = self.store.read(self.offset, len(index[0]))
        for (code, key), v in zip(index[0], packed, strict=True):
            if not math.isnan(v):
                out.setdefault(code, {})[key] = v
        return out

    @property
    def form_key(self) -> tuple[str, str, str]:
        r = self.report
        return (r.form_id, r.form_version, r.term)


@lru_cache(maxsize=8)
def value_index(form_id: str, term: str
                ) -> tuple[list[tuple[str, str]], dict[tuple[str, str], int]] | None:
    if not form_id:
        return None
    try:
        form = load_form(form_id, term or None)
    except UnionxlError:
        return None
    keys = [(i.code, k) for i in form.valued for k in [*form.period_keys, "target"]]
    return keys, {k: n for n, k in enumerate(keys)}


def assess(source: Source) -> Submission:
    """Validate one workbook and add what only consolidation looks at. Runs in a worker."""
    path = source.path
    assert path is not None
    head = path.read_bytes()[:8] if path.exists() else b""
    if head == OLE_MAGIC and path.suffix.lower() in (".xlsx", ".xlsm", ".xlsb"):
        rep = FileReport(str(path), sha256_file(path), status="unreadable")
        rep.issues.append(make("encrypted-workbook"))
        return Submission(source, rep)
    rep = validate_file(path)
    if rep.issues and rep.issues[0].code == "not-unionxl-workbook":
        rep = _adopted(path, rep) or rep
    sub = Submission(source, rep, modified=_modified(path))
    extra: list[Issue] = []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            extra.append(make("macros-present"))
        links = [n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")]
        if links:
            extra.append(make("external-links", detail=f"{len(links)} liên kết"))
    elif rep.status != "unreadable":
        extra.append(make("legacy-format"))
    rep.issues[:0] = extra
    if rep.status == "valid" and rep.errors:
        rep.status = "invalid"
    return sub


def _adopted(path: Path, rep: FileReport) -> FileReport | None:
    """A hand-made appendix, read by its labels; None when it is not one."""
    from .adopt import adopt
    from .validate import rule_issue, rule_outcomes

    try:
        adoption = adopt(path)
    except UnionxlError:
        return None
    if adoption.coverage < 0.5:
        return None
    form = adoption.form
    out = FileReport(str(path), rep.sha256, "", adoption.unit_name, form.id, str(form.version),
                     form.term, adoption.sheet)
    mapped = sum(r.status == "mapped" for r in adoption.rows)
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
    for problem in adoption.problems:
        out.issues.append(make("not-a-number", sheet=adoption.sheet, value=problem))
    for rule, p, ok, left, right in rule_outcomes(form, adoption.values):
        if ok is False:
            out.issues.append(rule_issue(rule, left, right, sheet=adoption.sheet,
                                         indicator=rule.anchor.code, period=p))
    out.values = adoption.values
    out.status = "invalid" if out.errors else "valid"
    return out


def _modified(path: Path) -> str:
    """When the unit last saved it: docProps/core.xml, else the file's own time."""
    try:
        with zipfile.ZipFile(path) as zf:
            core = ElementTree.fromstring(zf.read("docProps/core.xml"))
        for el in core.iter("{http://purl.org/dc/terms/}modified"):
            if el.text:
                return el.text.strip()
    except (KeyError, zipfile.BadZipFile, OSError, ElementTree.ParseError):
        pass
    return datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds") + "Z"


# -- the whole run -------------------------------------------------------------------------
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

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "status_vi": STATUS_VI[self.status]}


@dataclass
class Consolidation:
    form: Form
    submissions: list[Submission] = field(default_factory=list)
    skipped: list[Source] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    totals: dict[str, dict[str, float]] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    achievement: list[Any] = field(default_factory=list)

    @property
    def used(self) -> list[Submission]:
        return [s for s in self.submissions if s.status in IN_TOTALS]

    @property
    def computed(self) -> dict[str, dict[str, float | None]]:
        return compute(self.form, self.totals)

    def consolidated(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for code, row in self.computed.items():
            vals = {k: v for k, v in row.items() if v is not None and k != "pct"}
            if vals:
                out[code] = vals
        return out

    @property
    def exit_code(self) -> int:
        if not self.used:
            return 2
        bad = {"rejected", "missing"}
        return 1 if any(r.status in bad for r in self.ledger) else 0

    def to_dict(self) -> dict[str, Any]:
        files = []
        for s in self.submissions:
            d = s.report.to_dict()
            d.update(path=s.source.name, origin=s.source.origin, unit_code=s.unit_code or
                     s.report.unit_code, ledger_status=s.status, match=s.match,
                     modified=s.modified)
            files.append(d)
        for s in self.skipped:
            issue = _skip_issue(s)
            files.append({"path": s.name, "origin": s.origin, "unit_code": "", "status":
                          "ignored", "ledger_status": "ignored", "sha256": "",
                          "issues": [issue.to_dict()]})
        counts = Counter(r.status for r in self.ledger)
        return {
            "form": {"id": self.form.id, "version": self.form.version, "term": self.form.term},
            "stats": {k: counts.get(k, 0) for k in STATUS_VI},
            "files": files,
            "ledger": [r.to_dict() for r in self.ledger],
            "consolidated": self.consolidated(),
            "excluded": sorted({s.unit_code or s.report.unit_code for s in self.submissions
                                if s.status == "rejected"} - {""}),
            "achievement": [a.to_dict() for a in self.achievement],
        }


def _skip_issue(s: Source) -> Issue:
    return make(s.skipped, name=s.name, detail=s.detail)


def consolidate(inputs: list[str | Path], units: list[Unit] | None = None,
                form: Form | None = None, workers: int | None = None,
                progress: Callable[[int, int, str], None] | None = None) -> Consolidation:
    store = ValueStore()
    try:
        with tempfile.TemporaryDirectory(prefix="unionxl-") as tmp:
            gathered = gather(inputs, Path(tmp))
            subs = _assess_all(gathered.workbooks, workers, progress, store)
        chosen = form or _majority_form(subs)
    except BaseException:
        store.close()
        raise
    run = Consolidation(chosen, subs, [s for s in gathered.sources if s.skipped],
                        units=units or [])
    weakref.finalize(run, store.close)  # the values file lives as long as the result
    _check_form(run)
    _match_units(run)
    _deduplicate(run)
    _statuses(run)
    run.ledger = _ledger(run)
    run.totals = _sum(run)
    return run


def _assess_all(books: list[Source], workers: int | None,
                progress: Callable[[int, int, str], None] | None,
                store: ValueStore) -> list[Submission]:
    workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    out: list[Submission] = []
    if workers > 1 and len(books) >= 8:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, sub in enumerate(pool.map(assess, books, chunksize=4), start=1):
                out.append(_lean(sub, store))
                if progress:
                    progress(i, len(books), sub.source.name)
    else:
        for i, src in enumerate(books, start=1):
            out.append(_lean(assess(src), store))
            if progress:
                progress(i, len(books), src.name)
    return out


def _lean(sub: Submission, store: ValueStore) -> Submission:
    """Keep the issues in memory, the numbers on disk: memory stays flat as files grow."""
    sub.source.path = None  # the temporary copy is gone after the run
    sub.pack(store)
    return sub


def _majority_form(subs: list[Submission]) -> Form:
    keys = Counter(s.form_key for s in subs if s.report.form_id)
    if not keys:
        raise UnionxlError("Không có tệp nào là biểu mẫu unionxl đọc được; không có gì để "
                           "tổng hợp. Xem danh sách lỗi từng tệp ở trên.")
    (form_id, _version, term), _ = keys.most_common(1)[0]
    return load_form(form_id, term or None)


def _check_form(run: Consolidation) -> None:
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
        if len(subs) < 2:
            continue
        # The copy the unit saved last wins, whatever its state (it is what they mean).
        subs.sort(key=lambda s: (s.modified, s.source.name))
        kept = subs[-1]
        for s in subs[:-1]:
            same = s.report.sha256 == kept.report.sha256
            why = ("trùng hệt tệp " if same else "cũ hơn tệp ") + f"«{kept.source.name}»"
            if not same:
                why += f" (lưu lúc {kept.modified}, bản này lúc {s.modified})"
            s.status = "superseded"
            s.note = f"Không dùng: {why}."
            s.report.issues.insert(0, make("duplicate-submission",
                                           detail=f"bản này không được dùng: {why}."))
        kept.note = (f"Dùng bản lưu sau cùng ({kept.modified}); {len(subs) - 1} bản khác "
                     "không dùng.")


def _statuses(run: Consolidation) -> None:
    known = {u.code for u in run.units}
    for s in run.submissions:
        if s.status == "superseded":
            continue
        if s.report.status in ("unreadable", "invalid"):
            s.status = "rejected"
            first = next((i.message for i in s.report.issues if i.severity == "error"), "")
            how = " (nhận đơn vị theo tên tệp)" if s.match == "file-name" else ""
            s.note = f"{s.report.errors} lỗi{how}. {first}"
        elif run.units and s.unit_code not in known:
            s.status = "unknown_unit"
            detail = f"{s.report.unit_code or '(không mã)'} – {s.report.unit_name or '?'}"
            s.report.issues.insert(0, make("unknown-unit", detail=detail))
            s.note = "Không có trong danh sách đơn vị; không tổng hợp."
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
        return LedgerRow(s.unit_code or r.unit_code, names.get(s.unit_code, r.unit_name),
                         s.status, s.source.name, r.sha256, r.form_version, r.errors,
                         r.warnings, s.note)

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
        rows.append(LedgerRow("", "", "ignored", src.name, note=issue.message))
    return rows


def _sum(run: Consolidation) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, float]] = {}
    for s in run.used:
        for code, row in s.values().items():
            if not run.form.has(code) or run.form.indicator(code).across == "none":
                continue
            target = totals.setdefault(code, {})
            for key, v in row.items():
                target[key] = target.get(key, 0.0) + v
    return totals


# -- achievement against allocated targets -------------------------------------------------------
ACHIEVEMENT_VI = {"achieved": "Đạt", "shortfall": "Chưa đạt", "no_target": "Không giao chỉ tiêu",
                  "not_reported": "Chưa báo cáo"}


@dataclass
class Achievement:
    unit_code: str
    unit_name: str
    year: str
    measure: str  # the allocation row's unit: CĐCS, ĐV
    target: float | None
    actual: float | None
    status: str

    @property
    def pct(self) -> float | None:
        if self.actual is None or not self.target:
            return None  # no target, no division: said as "không giao chỉ tiêu"
        return self.actual / self.target

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "pct": self.pct, "status_vi": ACHIEVEMENT_VI[self.status]}


def achievement(run: Consolidation, allocation: str | Path) -> list[Achievement]:
    """Per unit, year and measure: actual (from the accepted reports of the tracked form),
    target (from the allocation workbook), percentage achieved and shortfalls."""
    from .workbook import read_book

    alloc = read_book(allocation)
    targets, _ = alloc.tidy_rows()
    target = {(r.indicator, r.period): r.value for r in targets}
    names = {u.code: u.name for u in run.units}
    actual: dict[tuple[str, str, str], float] = {}  # (unit, form-indicator, year) → value
    reported: set[tuple[str, str]] = set()  # (unit, year) with an accepted report
    for s in run.used:
        form = load_form(s.report.form_id, s.report.term or None)
        if not form.single_year:
            continue
        year = str(form.term_start)
        reported.add((s.unit_code, year))
        for code, row in compute(form, s.values()).items():
            if row.get("total") is not None:
                actual[(s.unit_code, f"{form.id}:{code}", year)] = row["total"]
    years = {year for _, year in reported}
    out = []
    for ind in alloc.form.inputs:
        if not ind.entity:
            continue
        suffix = ind.code[len(ind.code.rstrip("abcdefghijklmnopqrstuvwxyz")):]
        track = alloc.form.tracks.get(suffix)
        if track is None:
            continue
        key = f"{track['form']}:{track['indicator']}"
        for year in alloc.form.period_keys:
            t = target.get((ind.code, year))
            if year not in years:
                continue  # a year nobody reported in this consolidation
            a = actual.get((ind.entity, key, year))
            has = (ind.entity, year) in reported
            if not has:
                status = "not_reported"
            elif not t:
                status = "no_target"
            else:
                status = "achieved" if (a or 0) >= t else "shortfall"
            out.append(Achievement(ind.entity, names.get(ind.entity, ind.label), year,
                                   ind.unit, t, a if has else None, status))
    # Grouped by year and measure (one chart series each), units in the allocation's order.
    order = {ind.entity: i for i, ind in enumerate(alloc.form.inputs)}
    measures = list(dict.fromkeys(i.unit for i in alloc.form.inputs))
    out.sort(key=lambda a: (a.year, measures.index(a.measure), order.get(a.unit_code, 0)))
    return out
