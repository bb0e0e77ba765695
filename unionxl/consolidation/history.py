"""Earlier years carried onto the structure of the report period.

A figure of an earlier year belongs to the units of that year; to compare it with this year's
report it is carried through the registry's change events: a successor's earlier years are the
sum of its predecessors (merge, rename), a split gives each new unit its declared share, and a
split without declared shares makes the figure not comparable — reported as such, never
guessed. A successor whose predecessors did not all report a figure is not comparable either
(a partial sum would look like a fall). Year-on-year checks of a consolidation and achievement
against carried targets read these carried figures.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..form import Form
from ..validation import Issue, make
from ..validation.validator import JUMP_FACTOR, JUMP_MIN_CHANGE
from ..workbook.layout import template_map
from ..workbook.numbers import format_vn
from ..workbook.tidy import Row
from .assess import Submission
from .registry import Registry, share_text

Key = tuple[str, str]  # (indicator, period)


def period_end(key: str) -> date | None:
    """The last day of a period key: "2024" → 31/12/2024, "2024Q3" → 30/09/2024."""
    m = re.fullmatch(r"(\d{4})(?:Q([1-4]))?", key)
    if not m:
        return None
    year, q = int(m.group(1)), m.group(2)
    if not q:
        return date(year, 12, 31)
    month = 3 * int(q)
    return date(year, month, 30 if month in (6, 9) else 31)


def previous(key: str) -> str:
    """The same period a year earlier: "2026" → "2025", "2026Q2" → "2025Q2"."""
    m = re.fullmatch(r"(\d{4})(Q[1-4])?", key)
    return f"{int(m.group(1)) - 1}{m.group(2) or ''}" if m else ""


@dataclass
class Source:
    code: str  # the earlier unit
    weight: float  # its share (1 for a merge or rename; NaN for a split without shares)


@dataclass
class Carried:
    """Per unit of the report structure: indicator → period → carried value, what is not
    comparable (and why), and which earlier units each period comes from."""

    on: date
    values: dict[str, dict[Key, float]] = field(default_factory=dict)
    not_comparable: dict[str, dict[Key, str]] = field(default_factory=dict)
    sources: dict[str, dict[str, list[Source]]] = field(default_factory=dict)  # unit → period
    unknown: list[str] = field(default_factory=list)  # history units not in the registry
    given: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)  # as reported

    def value(self, unit: str, indicator: str, period: str) -> float | None:
        return self.values.get(unit, {}).get((indicator, period))

    def why_not(self, unit: str, indicator: str, period: str) -> str:
        return self.not_comparable.get(unit, {}).get((indicator, period), "")

    def periods(self) -> list[str]:
        found = {p for by in self.values.values() for _, p in by}
        found |= {p for by in self.not_comparable.values() for _, p in by}
        return sorted(found)

    def source_text(self, unit: str, period: str) -> str:
        """"= BG11 + BG12 + BNC05", "= 45% × BG01", "" when the unit is its own history."""
        items = self.sources.get(unit, {}).get(period, [])
        if [(s.code, s.weight) for s in items] in ([], [(unit, 1.0)]):
            return ""
        return "= " + " + ".join(s.code if s.weight == 1 else
                                 f"{share_text(s.weight)} × {s.code}" for s in items)

    def to_dict(self) -> dict[str, object]:
        units = sorted(set(self.values) | set(self.not_comparable))
        out: dict[str, object] = {}
        for u in units:
            vals: dict[str, dict[str, float | None]] = {}
            for (ind, p), v in self.values.get(u, {}).items():
                vals.setdefault(ind, {})[p] = v
            for (ind, p) in self.not_comparable.get(u, {}):
                vals.setdefault(ind, {})[p] = None
            out[u] = {
                "values": vals,
                "not_comparable": {f"{i}@{p}": why for (i, p), why in
                                   self.not_comparable.get(u, {}).items()},
                "sources": {p: [{"unit": s.code, "weight": None if math.isnan(s.weight)
                                 else s.weight} for s in items]
                            for p, items in self.sources.get(u, {}).items()},
            }
        return {"as_of": self.on.isoformat(), "units": out, "unknown_units": self.unknown}


def carry(registry: Registry, rows: Iterable[Row], form: Form, on: date) -> Carried:
    """Earlier figures (tidy rows of the same form, one unit each) onto the units of ``on``."""
    out = Carried(on)
    given: dict[tuple[str, str], dict[str, float]] = {}  # (unit, period) → indicator → value
    for r in rows:
        if r.period == "target" or not form.has(r.indicator):
            continue
        given.setdefault((r.unit_code, r.period), {})[r.indicator] = r.value
    out.given = given
    out.unknown = sorted({u for u, _ in given if not registry.spans(u)})
    for period in sorted({p for _, p in given}):
        end = period_end(period)
        if end is None or end > on or period in form.period_keys:
            continue  # this report's own periods are not history
        present = _reporting(registry, {u for u, p in given if p == period}, end)
        flows = {u: registry.flow(u, end, on) for u in sorted(present) if registry.spans(u)}
        targets: dict[str, list[Source]] = {}
        for u, flow in flows.items():
            for v, w in flow.weights.items():
                if w != 0:
                    targets.setdefault(v, []).append(Source(u, w))
        for v, sources in targets.items():
            _carry_one(out, form, v, period, sources, given)
    return out


def _reporting(registry: Registry, reported: set[str], end: date) -> set[str]:
    """Who was to report that period: those who did, and the units then in place beside them
    (under the same parent). One of these without figures leaves its successor not
    comparable; a unit reporting elsewhere (a CĐCS inside a union) is not expected here."""
    parents = {u.parent for code in reported if (u := registry.at(code, end)) is not None}
    return reported | {u.code for u in registry.active(end) if u.parent and u.parent in parents}


def _carry_one(out: Carried, form: Form, unit: str, period: str, sources: list[Source],
               given: dict[tuple[str, str], dict[str, float]]) -> None:
    out.sources.setdefault(unit, {})[period] = sources
    values = out.values.setdefault(unit, {})
    nc = out.not_comparable.setdefault(unit, {})
    absent = [s.code for s in sources if (s.code, period) not in given]
    unknown_share = [s.code for s in sources if math.isnan(s.weight)]
    order = {i.code: n for n, i in enumerate(form.indicators)}
    codes = sorted({i for s in sources for i in given.get((s.code, period), {})},
                   key=order.__getitem__)
    for ind in codes:
        key = (ind, period)
        if unknown_share:
            nc[key] = (f"{', '.join(unknown_share)} chia tách không khai tỷ lệ: không so sánh "
                       "được")
            continue
        if absent:
            nc[key] = f"thiếu số liệu năm {period} của {', '.join(absent)}"
            continue
        missing = [s.code for s in sources if ind not in given[(s.code, period)]]
        if missing:
            nc[key] = f"{', '.join(missing)} không có số chỉ tiêu {ind} năm {period}"
            continue
        whole = len(sources) == 1 and sources[0].weight == 1
        if form.indicator(ind).across != "sum" and not whole:
            nc[key] = "chỉ tiêu không cộng được giữa các đơn vị"
            continue
        values[key] = sum(s.weight * given[(s.code, period)][ind] for s in sources)


def history_issues(carried: Carried, form: Form, unit: str,
                   current: dict[str, dict[str, float]]) -> list[Issue]:
    """Year-on-year jumps of a unit's report against its carried previous year."""
    out = []
    for p in form.period_keys:
        before = previous(p)
        if before in form.period_keys:
            continue  # compared inside the workbook itself (year-jump)
        source = carried.source_text(unit, before)
        for ind in form.inputs:
            a, b = carried.value(unit, ind.code, before), current.get(ind.code, {}).get(p)
            if not a or not b:
                continue
            factor = max(a, b) / min(a, b)
            if factor >= JUMP_FACTOR and abs(b - a) >= JUMP_MIN_CHANGE:
                out.append(make("history-jump", indicator=ind.code, period=p,
                                value=format_vn(b), previous=format_vn(round(a, 2)),
                                year=before, factor=f"{factor:.1f}".replace(".", ","),
                                source=f", từ {source.removeprefix('= ')}" if source
                                else ""))
    return out


def history_checks(carried: Carried, submissions: list[Submission]) -> None:
    """Each report's figures against its unit's previous year, carried onto today's units."""
    for s in submissions:
        if s.unit_code and s.form is not None and s.status != "superseded" and (
                s.report.status not in ("unreadable", "invalid")):
            found = history_issues(carried, s.form, s.unit_code, s.values())
            where = s.report.map or template_map(s.form)
            for issue in found:
                issue.sheet = s.report.sheet
                if issue.indicator in where.rows and issue.period in where.cols:
                    issue.cell = where.addr(issue.indicator, issue.period)
            s.report.issues += found
