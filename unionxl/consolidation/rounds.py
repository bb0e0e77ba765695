"""A consolidation into its round's register, end to end: the files are consolidated and
recorded, the round is worked out from the register (versions, approvals, timeliness), and the
workbook and the reply drafts are written. ``rebuild_round`` does the same from the register
alone (after an approval).

Beside the consolidated workbook: the register ``so-theo-doi.sqlite`` (every round of that
folder) and the drafts in ``thu-tra-loi/<round>/``; both are left out when the inbox is the same
folder.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..errors import UnionxlError
from ..form import Form, Profile, load_form, load_profile
from ..workbook.package import Package
from ..workbook.tidy import Row
from .achievement import achievement
from .approval import Outcome, approve, mark, reopen
from .changes import count_by_version, round_changes
from .output import write_consolidated
from .register import REGISTER_NAME, Register, Round
from .registry import Registry, Unit
from .replies import Draft, write_replies
from .run import Consolidation, consolidate
from .season import Spool, apply, record, unit_states
from .season_book import SeasonView
from .store import ValueStore
from .timeliness import VN, rates

REPLIES_DIR = "thu-tra-loi"
DEFAULT_OFFICE = "TONG-HOP"  # the consolidating unit's code when none is given


@dataclass
class RoundOptions:
    office: str = DEFAULT_OFFICE  # the consolidating unit's code
    office_name: str = ""
    profile: Profile | None = None
    label: str = ""  # tells rounds of one form and term apart ("Quý III")
    deadline: str | None = None  # ISO date; None keeps the round's
    register: Path | None = None  # default: beside the workbook
    replies: bool = True
    targets: str | None = None
    exclude: tuple[Path, ...] = ()  # more files in the inbox that are not returns


@dataclass
class RoundResult:
    run: Consolidation
    season: SeasonView | None  # None when no file was a form (nothing was registered)
    register: Path
    replies_dir: Path
    drafts: list[Draft] = field(default_factory=list)


def register_path(out: Path, given: Path | None = None) -> Path:
    return Path(given) if given else Path(out).parent / REGISTER_NAME


def replies_dir(out: Path, rnd: Round) -> Path:
    slug = "_".join(x for x in (rnd.form_id, rnd.term, rnd.label) if x)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in slug)
    return Path(out).parent / REPLIES_DIR / safe


def round_title(form: Form) -> str:
    return f"{form.heading.capitalize()} {form.title().lower()}"


def _round(reg: Register, form: Form, opts: RoundOptions, out: Path) -> Round:
    if "|" in opts.label or "|" in opts.office:
        raise UnionxlError("Tên kỳ báo cáo và mã đơn vị không được chứa dấu «|».")
    prof = opts.profile or Profile()
    settings = {"office_name": opts.office_name, "province": prof.province,
                "profile": str(Path(prof.path).resolve()) if prof.path else "",
                "output": str(Path(out).resolve()), "targets": opts.targets or ""}
    return reg.round(opts.office, form.id, form.term, opts.label, str(form.version),
                     round_title(form), opts.deadline, settings)


def consolidate_round(inputs: list[str | Path], out: str | Path,
                      units: Registry | list[Unit] | None, form: Form | None,
                      opts: RoundOptions, workers: int | None = None,
                      progress: Callable[[int, int, str], None] | None = None,
                      now: datetime | None = None, history: list[Row] | None = None
                      ) -> RoundResult:
    """``units``: the registry; the units it expects on the report date (as of the form's
    last period) are kept in the round, and used again when a later run names no registry."""
    out = Path(out)
    now = now or datetime.now(VN)
    path = register_path(out, opts.register)
    with Register(path) as reg, Spool(reg) as spool:
        chosen: list[Round] = []

        def expected(form: Form | None) -> Registry | list[Unit] | None:
            if form is None:  # no file is a form: nothing to register
                return units
            rnd = _round(reg, form, opts, out)
            chosen.append(rnd)
            if units:
                return units
            return [Unit(c, n, email=e) for c, n, e in reg.expected(rnd)] or None

        exclude = (out, path, path.with_name(path.name + "-journal"), out.parent / REPLIES_DIR,
                   *opts.exclude)
        run = consolidate(inputs, expected, form, workers, progress, now=now, root=opts.office,
                          history=history, exclude=exclude, on_file=spool)
        if not chosen:  # no file could be read as a form: the ledger alone, no register
            write_consolidated(run, out, opts.office, opts.office_name, opts.profile)
            return RoundResult(run, None, path, out.parent / REPLIES_DIR)
        rnd = chosen[0]
        if units and run.units:
            reg.set_expected(rnd, [(u.code, u.name, u.email) for u in run.units])
        if not opts.office_name and run.registry is not None and run.on is not None:
            top = run.registry.at(opts.office, run.on)
            opts.office_name = top.name if top is not None else ""
        new = record(run, reg, rnd, spool, now)
        return _finish(reg, rnd, run, out, opts, now, new)


def book_round(book: Path, register: Path | None = None) -> tuple[Register, Round]:
    """The register and round a consolidated workbook was built from (its identity says)."""
    key = Package.read(book).custom_properties().get("round", "")
    path = register_path(book, register)
    if not key or key == "-":
        raise UnionxlError(f"Tệp {book} không phải bảng tổng hợp có sổ theo dõi (không ghi kỳ "
                           "báo cáo). Hãy chọn bảng tổng hợp do «unionxl consolidate» tạo.")
    if not path.exists():
        raise UnionxlError(f"Không thấy sổ theo dõi {path} bên cạnh {book.name}. Chỉ đường dẫn "
                           "bằng --register.")
    reg = Register(path)
    rnd = reg.round_by_key(key)
    if rnd is None:
        reg.close()
        raise UnionxlError(f"Sổ theo dõi {path} không có kỳ báo cáo của tệp {book.name}.")
    return reg, rnd


def approve_units(book: str | Path, codes: list[str], by_whom: str, reason: str = "",
                  reopening: bool = False, every: bool = False,
                  register: Path | None = None) -> tuple[list[Outcome], RoundResult | None]:
    """Approve (or reopen) units' returns in the round of a consolidated workbook, then write
    the workbook again so that its first page says so. ``every``: each unit with an approvable
    return not yet approved."""
    book = Path(book)
    reg, rnd = book_round(book, register)
    with reg:
        states = unit_states(reg, rnd)
        if every:
            codes = [c for c, st in states.items() if st.used is not None and st.held is None
                     and (st.approval is None or st.approval.version_id != st.used.id)]
        act = reopen if reopening else approve
        outcomes = act(reg, rnd, states, codes, by_whom, reason)
    if not any(o.done for o in outcomes):
        return outcomes, None
    return outcomes, rebuild_round(book, register)


def rebuild_round(book: str | Path, register: Path | None = None, replies: bool = True,
                  now: datetime | None = None) -> RoundResult:
    """The consolidated workbook of a round again, from its register alone."""
    book = Path(book)
    reg, rnd = book_round(book, register)
    with reg:
        path = reg.path
        store = ValueStore()
        units = [Unit(c, n, email=e) for c, n, e in reg.expected(rnd)]
        run = Consolidation(load_form(rnd.form_id, rnd.term), units=units, store=store)
        weakref.finalize(run, store.close)
        s = rnd.settings
        prof = (load_profile(s["profile"]) if s.get("profile") and Path(s["profile"]).is_file()
                else Profile(province=s.get("province", "")))
        opts = RoundOptions(rnd.office, s.get("office_name", ""), prof,
                            rnd.label, register=path, replies=replies,
                            targets=s.get("targets") or None)
        return _finish(reg, rnd, run, book, opts, now or datetime.now(VN), 0)


def _finish(reg: Register, rnd: Round, run: Consolidation, out: Path, opts: RoundOptions,
            now: datetime, new: int) -> RoundResult:
    states = unit_states(reg, rnd)
    apply(run, states, rnd)
    changes = round_changes(reg, states)
    by_version = count_by_version(changes)
    ids = {(v.unit_code, v.sha256): v.id for st in states.values() for v in st.versions}
    for row in run.ledger:
        row.changes = by_version.get(ids.get((row.unit_code, row.sha256), -1), 0)
    these = rates(rnd.deadline, states)
    history = [(other, these if other.id == rnd.id else
                rates(other.deadline, unit_states(reg, other)))
               for other in reg.rounds() if other.office == rnd.office]
    view = SeasonView(rnd, these, mark(states), changes, history, reg.path.name, new)
    if opts.targets:
        run.achievement = achievement(run, opts.targets)
    name = opts.office_name or (opts.profile.body if opts.profile else "")
    write_consolidated(run, out, rnd.office, name, opts.profile, season=view)
    folder = replies_dir(out, rnd)
    drafts = []
    if opts.replies:
        # a code the user never gave is not a name to sign with (the drafts then say
        # «Cơ quan tổng hợp»)
        signer = opts.office_name or (rnd.office if rnd.office != DEFAULT_OFFICE else "")
        drafts = write_replies(reg, rnd, run.form, states, folder, signer, now)
    return RoundResult(run, view, reg.path, folder, drafts)
