"""Achievement against allocated targets: per unit, year and measure, the actual figure (from
the accepted reports of the form the allocation tracks), the target, the percentage achieved and
shortfalls."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..form import compute
from ..workbook.reader import read_book
from .run import Consolidation

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
    alloc = read_book(allocation)
    targets, _ = alloc.tidy_rows()
    target = {(r.indicator, r.period): r.value for r in targets}
    names = {u.code: u.name for u in run.units}
    actual: dict[tuple[str, str, str], float] = {}  # (unit, form-indicator, year) → value
    reported: set[tuple[str, str]] = set()  # (unit, year) with an accepted report
    for s in run.used:
        form = s.form
        if form is None or not form.single_year:
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
