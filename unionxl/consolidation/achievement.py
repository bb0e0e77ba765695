"""Achievement against allocated targets: per unit, year and measure, the actual figure (from
the accepted reports of the form the allocation tracks, or the earlier years given as history),
the target, the percentage achieved and shortfalls.

Targets were allocated to the units of their day. For each year they are carried onto the units
in place at the end of that year through the registry's change events (a merge sums the
predecessors' targets, a split gives each new unit its declared share, a split without shares
leaves the target not comparable), and every row says which units its target comes from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..form import compute
from ..workbook.reader import read_book
from .history import period_end
from .registry import Registry, share_text
from .run import Consolidation

ACHIEVEMENT_VI = {"achieved": "Đạt", "shortfall": "Chưa đạt", "no_target": "Không giao chỉ tiêu",
                  "not_reported": "Chưa báo cáo",
                  "not_comparable": "Chỉ tiêu không chuyển được"}


@dataclass
class Achievement:
    unit_code: str
    unit_name: str
    year: str
    measure: str  # the allocation row's unit: CĐCS, ĐV
    target: float | None
    actual: float | None
    status: str
    carried_from: str = ""  # "BG11 + BG12", "45% × BG01": where a carried target comes from

    @property
    def pct(self) -> float | None:
        if self.actual is None or not self.target:
            return None  # no target, no division: said as "không giao chỉ tiêu"
        return self.actual / self.target

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "pct": self.pct, "status_vi": ACHIEVEMENT_VI[self.status]}


Targets = dict[tuple[str, str], dict[str, float]]  # (unit, year) → measure → target


def achievement(run: Consolidation, allocation: str | Path) -> list[Achievement]:
    """Per unit, year and measure: actual, target (carried onto the units of that year),
    percentage achieved and shortfalls."""
    alloc = read_book(allocation)
    rows, _ = alloc.tidy_rows()
    measures: dict[str, tuple[str, str]] = {}  # measure suffix → (unit of measure, track)
    raw: Targets = {}
    for ind in alloc.form.inputs:
        suffix = ind.code[len(ind.code.rstrip("abcdefghijklmnopqrstuvwxyz")):]
        track = alloc.form.tracks.get(suffix)
        if ind.entity and track is not None:
            measures[suffix] = (ind.unit, f"{track['form']}:{track['indicator']}")
    entity = {i.code: i.entity for i in alloc.form.inputs if i.entity}
    for r in rows:
        if r.indicator in entity and r.period in alloc.form.period_keys:
            suffix = r.indicator[len(r.indicator.rstrip("abcdefghijklmnopqrstuvwxyz")):]
            raw.setdefault((entity[r.indicator], r.period), {})[suffix] = r.value
    actual, reported = _actuals(run, measures)
    allocated = alloc.form.periods[0].start - timedelta(days=1)
    out: list[Achievement] = []
    names = dict(alloc.form.entities)
    for year in alloc.form.period_keys:
        if year not in {y for _, y in reported}:
            continue  # a year nobody reported in this consolidation or its history
        carried = _carry(run.registry, raw, year, allocated)
        units = list(dict.fromkeys([*(u for u, y in carried if y == year),
                                    *(u for u, y in reported if y == year)]))
        for unit in _ordered(run, units, year):
            name = _name(run, unit) or names.get(unit, unit)
            target_set, sources = carried.get((unit, year), ({}, []))
            for suffix, (measure, key) in measures.items():
                t = target_set.get(suffix)
                has = (unit, year) in reported
                a = actual.get((unit, key, year)) if has else None
                if not has:
                    status = "not_reported"
                elif t is not None and math.isnan(t):
                    status = "not_comparable"
                elif not t:
                    status = "no_target"
                else:
                    status = "achieved" if (a or 0) >= t else "shortfall"
                out.append(Achievement(unit, name, year, measure,
                                       None if t is None or math.isnan(t) else t, a, status,
                                       _sources_text(run.registry, unit, sources, names)))
    # Grouped by year and measure (one chart series each), units in the registry's order.
    order = {m: i for i, (m, _) in enumerate(measures.values())}
    out.sort(key=lambda a: (a.year, order[a.measure]))
    return out


def _actuals(run: Consolidation, measures: dict[str, tuple[str, str]]
             ) -> tuple[dict[tuple[str, str, str], float], set[tuple[str, str]]]:
    """(unit, form:indicator, year) → actual, and (unit, year) with a report: this run's
    accepted reports and the earlier years given as history (as the units reported them)."""
    actual: dict[tuple[str, str, str], float] = {}
    reported: set[tuple[str, str]] = set()
    for s in run.used:
        form = s.form
        if form is None or not form.single_year:
            continue
        year = str(form.term_start)
        reported.add((s.unit_code, year))
        for code, row in compute(form, s.values()).items():
            if row.get("total") is not None:
                actual[(s.unit_code, f"{form.id}:{code}", year)] = row["total"]
    if run.history is not None:
        for (unit, period), values in run.history.given.items():
            if (unit, period) in reported or not period.isdigit():
                continue
            reported.add((unit, period))
            for code, v in values.items():
                actual[(unit, f"{run.form.id}:{code}", period)] = v
    return actual, reported


def _carry(registry: Registry | None, raw: Targets, year: str, allocated: date
           ) -> dict[tuple[str, str], tuple[dict[str, float], list[tuple[str, float]]]]:
    """Targets of ``year`` onto the units in place at its end, with their sources."""
    out: dict[tuple[str, str], tuple[dict[str, float], list[tuple[str, float]]]] = {}
    end = period_end(year)
    for (unit, y), targets in raw.items():
        if y != year:
            continue
        weights = ({unit: 1.0} if registry is None or end is None or not registry.spans(unit)
                   else registry.flow(unit, allocated, end).weights)
        for heir, w in weights.items():
            got, sources = out.setdefault((heir, year), ({}, []))
            sources.append((unit, w))
            for suffix, t in targets.items():
                got[suffix] = got.get(suffix, 0.0) + w * t
    return out


def _ordered(run: Consolidation, units: list[str], year: str) -> list[str]:
    if run.registry is None:
        return units
    order = {u.code: i for i, u in enumerate(run.registry.units)}
    return sorted(units, key=lambda u: order.get(u, len(order)))


def _name(run: Consolidation, code: str) -> str:
    if run.registry is not None:
        return run.registry.name(code)
    return next((u.name for u in run.units if u.code == code), "")


def _sources_text(registry: Registry | None, unit: str, sources: list[tuple[str, float]],
                  names: dict[str, str]) -> str:
    if [(c, w) for c, w in sources] in ([], [(unit, 1.0)]):
        return ""
    parts = []
    for code, w in sources:
        name = (registry.name(code) if registry else "") or names.get(code, "")
        who = f"{code} ({name})" if name else code
        parts.append(who if w == 1 else f"{share_text(w)} × {who}")
    return " + ".join(parts)
