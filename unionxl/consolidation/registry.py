"""The unit registry over time: units with their parent and validity, and the change events
(merge, split, rename, move, dissolve) that say who became whom.

A ``Registry`` answers the questions of a reporting season as of a date: which units are
expected under a consolidating body, where the files of a unit that has since merged belong,
and how a figure of an earlier structure flows onto the structure of the report period (a
merge sums, a split apportions by its declared shares, a split without shares is not
comparable, a dissolved unit's figures go nowhere). Loading and checking the files an officer
keeps is ``registry_io``; carrying whole histories is ``history``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..errors import UnionxlError

# What a change does to history: merge/rename carry it whole, split by shares, dissolve ends it.
EVENTS_VI = {"merge": "sáp nhập", "split": "chia tách", "rename": "đổi tên, đổi mã",
             "move": "chuyển cấp trên", "dissolve": "giải thể"}
ENDING = ("merge", "split", "rename", "dissolve")  # the source unit ends the day before
NOT_COMPARABLE = float("nan")  # the weight of a split without declared shares
KINDS_VI = {
    "province": "LĐLĐ tỉnh, thành phố",
    "district": "LĐLĐ huyện, thị xã, thành phố thuộc tỉnh (đến 30/6/2025)",
    "commune": "Công đoàn xã",
    "ward": "Công đoàn phường",
    "special_zone": "Công đoàn đặc khu",
    "sector": "Công đoàn ngành",
    "industrial_zone": "Công đoàn các khu công nghiệp",
    "civil_service": "Công đoàn viên chức",
    "grassroots": "Công đoàn cơ sở",
    "other": "Khác",
}


@dataclass(frozen=True)
class Unit:
    """One unit over one span of time (a unit renamed in place has several spans)."""

    code: str
    name: str
    parent: str = ""
    kind: str = ""  # a key of KINDS_VI, or "" for a plain list
    valid_from: date | None = None
    valid_to: date | None = None  # last day; None: still in place
    row: int = 0  # where it is in the registry file, for messages
    email: str = ""  # where replies go when a return did not come by e-mail

    def active(self, on: date) -> bool:
        return ((self.valid_from is None or self.valid_from <= on)
                and (self.valid_to is None or on <= self.valid_to))

    @property
    def kind_vi(self) -> str:
        return KINDS_VI.get(self.kind, self.kind)


@dataclass(frozen=True)
class Change:
    date: date  # the first day of the new structure
    event: str  # a key of EVENTS_VI
    source: str
    target: str = ""  # successor (merge, split, rename) or new parent (move)
    share: float | None = None  # split: share of the source going to the target
    basis: str = ""  # what the shares are of ("đoàn viên ngày 30/6/2025")
    note: str = ""
    row: int = 0

    @property
    def weight(self) -> float:
        if self.event in ("merge", "rename"):
            return 1.0
        return NOT_COMPARABLE if self.share is None else self.share


def fmt(d: date) -> str:
    return f"{d:%d/%m/%Y}"


def share_text(share: float | None) -> str:
    """45% ("không khai tỷ lệ" for a split without declared shares)."""
    if share is None or math.isnan(share):
        return "không khai tỷ lệ"
    return f"{share * 100:.4g}%".replace(".", ",")


@dataclass
class Flow:
    """Where one unit's figure of one date goes by a later date: successor → weight (NaN: a
    split without shares), the changes passed through and the units dissolved on the way."""

    weights: dict[str, float] = field(default_factory=dict)
    trail: list[Change] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)

    @property
    def comparable(self) -> bool:
        return not any(math.isnan(w) for w in self.weights.values())


class Registry:
    def __init__(self, units: Iterable[Unit], changes: Iterable[Change] = (),
                 path: str = "") -> None:
        self.units = list(units)
        self.changes = sorted(changes, key=lambda c: (c.date, c.row))
        self.path = path
        self._spans: dict[str, list[Unit]] = {}
        for u in self.units:
            self._spans.setdefault(u.code, []).append(u)
        self._ending: dict[tuple[str, date], list[Change]] = {}
        for c in self.changes:
            if c.event in ENDING and not (c.event == "rename" and c.source == c.target):
                self._ending.setdefault((c.source, c.date), []).append(c)

    # -- units ----------------------------------------------------------------------------
    @property
    def codes(self) -> list[str]:
        return list(self._spans)

    def spans(self, code: str) -> list[Unit]:
        return self._spans.get(code, [])

    def at(self, code: str, on: date) -> Unit | None:
        return next((u for u in self.spans(code) if u.active(on)), None)

    def latest(self, code: str) -> Unit | None:
        spans = self.spans(code)
        return spans[-1] if spans else None

    def active(self, on: date) -> list[Unit]:
        return [u for u in self.units if u.active(on)]

    def children(self, parent: str, on: date) -> list[Unit]:
        return [u for u in self.active(on) if u.parent == parent]

    @property
    def flat(self) -> bool:
        """A plain list of reporting units (no unit is another's parent)."""
        return not any(u.parent in self._spans for u in self.units)

    def roots(self, on: date) -> list[Unit]:
        """Units in place on ``on`` with units under them and none above them."""
        return [u for u in self.active(on) if self.at(u.parent, on) is None
                and self.children(u.code, on)]

    def root(self, code: str | None, on: date) -> Unit | None:
        """The consolidating body: ``code`` when it is in the registry, else the only one."""
        if self.flat:
            return None
        if code and self.at(code, on) is not None:
            return self.at(code, on)
        roots = self.roots(on)
        if len(roots) == 1:
            return roots[0]
        names = ", ".join(f"{u.code} ({u.name})" for u in roots) or "không có"
        raise UnionxlError(f"Danh sách đơn vị {self.path} có {len(roots)} đơn vị tổng hợp cấp "
                           f"cao nhất vào ngày {fmt(on)}: {names}. Hãy ghi mã đơn vị tổng "
                           "hợp bằng --unit (hoặc «body_code» trong hồ sơ tỉnh).")

    def expected(self, code: str | None, on: date) -> list[Unit]:
        """The units that report to the consolidating body on ``on``."""
        root = self.root(code, on)
        return self.active(on) if root is None else self.children(root.code, on)

    # -- changes --------------------------------------------------------------------------
    def ending(self, code: str, on: date) -> list[Change]:
        return self._ending.get((code, on), [])

    def last_day(self, code: str) -> date | None:
        """The last day the unit was in place (None: still in place, or never)."""
        ends = [u.valid_to for u in self.spans(code)]
        return None if not ends or None in ends else max(e for e in ends if e)

    def flow(self, code: str, start: date, end: date) -> Flow:
        """Where a figure of ``code`` as of ``start`` belongs on ``end``."""
        out = Flow({code: 1.0})
        for day in sorted({c.date for c in self.changes if start < c.date <= end}):
            moved: dict[str, float] = {}
            for unit, w in out.weights.items():
                events = self.ending(unit, day)
                if not events:
                    moved[unit] = moved.get(unit, 0.0) + w
                    continue
                out.trail += events
                for ev in events:
                    if ev.event == "dissolve":
                        out.lost.append(unit)
                    else:
                        moved[ev.target] = moved.get(ev.target, 0.0) + w * ev.weight
            out.weights = moved
        return out

    def successor(self, code: str, on: date) -> tuple[Unit | None, Flow | None]:
        """For a unit no longer in place on ``on``: the one unit that took it over whole
        (merge, rename), with the flow saying how; (None, flow) when it split or dissolved."""
        last = self.last_day(code)
        if last is None or last >= on:
            return None, None
        flow = self.flow(code, last, on)
        if len(flow.weights) == 1 and not flow.lost:
            (target, w), = flow.weights.items()
            if w == 1.0:
                return self.at(target, on), flow
        return None, flow

    def describe(self, flow: Flow) -> str:
        """The changes of a flow, in words: "BG11 sáp nhập vào CDKCN từ 01/07/2025"."""
        parts = []
        for c in flow.trail:
            when = f"từ {fmt(c.date)}"
            if c.event == "dissolve":
                parts.append(f"{c.source} giải thể {when}")
            elif c.event == "split":
                parts.append(f"{c.source} chia tách {when}: {share_text(c.share)} sang "
                             f"{c.target}")
            elif c.event == "rename":
                parts.append(f"{c.source} đổi thành {c.target} {when}")
            elif c.event == "merge":
                parts.append(f"{c.source} sáp nhập vào {c.target} {when}")
        return "; ".join(dict.fromkeys(parts))

    def name(self, code: str) -> str:
        unit = self.latest(code)
        return unit.name if unit else ""


def day_before(d: date) -> date:
    return d - timedelta(days=1)
