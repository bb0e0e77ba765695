"""The sample province after the 2025 reorganisation (files in ``unionxl/data``): its registry
and profile, the size of each unit carried through the registry year by year, and believable
reports of its units for any year and form (the demo and the tests use them).

Sizes are given for the units of 2024 (``sample-sizes.csv``) and carried onto later units by
the same change events as any figure (a merged unit is the sum of its predecessors, a split
unit its declared share; a split without shares is divided evenly here, for sample data only),
growing 3% a year. Everything else is drawn from the forms' typical magnitudes around that size.
Ranges and sources: ``unionxl/data/README.md``.
"""

from __future__ import annotations

import csv
import math
import random
from dataclasses import dataclass
from datetime import date

from ..consolidation import Registry, Unit, load_registry
from ..consolidation.registry_io import DATA
from ..form import Form, Profile, load_profile
from ..form.sample import Values, generate
from ..workbook.tidy import Row

SIZES = DATA / "sample-sizes.csv"
PROFILE = DATA / "ho-so-tinh.yaml"
GROWTH = 1.03
# Share of CĐCS by sector (33.1 state bodies, 33.2 state firms, 33.3 private firms, 33.4
# foreign-invested firms, 33.5 nghiệp đoàn) and of members among workers, by kind of unit.
MIX = {
    "industrial_zone": ((0.0, 0.01, 0.35, 0.64, 0.0), (0.78, 0.9)),
    "sector": ((0.9, 0.05, 0.05, 0.0, 0.0), (0.95, 0.99)),
    "grassroots": ((1.0, 0.0, 0.0, 0.0, 0.0), (0.95, 0.99)),
}
LOCAL = ((0.5, 0.02, 0.4, 0.06, 0.02), (0.86, 0.96))  # commune, ward, district unions


@dataclass(frozen=True)
class Size:
    members: float
    cdcs: float
    kind: str


def profile() -> Profile:
    return load_profile(PROFILE)


def registry() -> Registry:
    p = profile()
    return load_registry(p.registry, p.changes)


def reporting(reg: Registry, on: date) -> list[Unit]:
    """The units reporting to a province body on ``on`` (both provinces before the merger)."""
    return [u for root in reg.roots(on) for u in reg.children(root.code, on)]


def sizes(reg: Registry, on: date) -> dict[str, Size]:
    """Members and CĐCS of every unit in place on ``on``."""
    with open(SIZES, encoding="utf-8", newline="") as fh:
        base = [(r["code"], int(r["year"]), float(r["members"]), float(r["cdcs"]))
                for r in csv.DictReader(fh)]
    members: dict[str, float] = {}
    cdcs: dict[str, float] = {}
    for code, year, m, c in base:
        if year > on.year:
            continue
        weights = reg.flow(code, date(year, 12, 31), on).weights
        even = 1 / len(weights) if weights else 0.0
        grown = GROWTH ** (on.year - year)
        for heir, w in weights.items():
            w = even if math.isnan(w) else w
            members[heir] = members.get(heir, 0.0) + w * m * grown
            cdcs[heir] = cdcs.get(heir, 0.0) + w * c
    out = {}
    for u in reg.active(on):
        if u.code in members:
            out[u.code] = Size(round(members[u.code]), max(1, round(cdcs[u.code])), u.kind)
    return out


def anchors(form: Form, size: Size, rng: random.Random) -> dict[str, object]:
    """The size of a unit as the anchors of a form's typical magnitudes."""
    superior = 0 if size.kind == "grassroots" else 1
    mix, covered = MIX.get(size.kind, LOCAL)
    if "33" not in form.sample:  # the annual and quarterly forms: workers, members, CĐCS
        return {"3": size.members / rng.uniform(*covered), "4": size.members, "5": size.cdcs,
                "27": superior}
    weights = [w * rng.uniform(0.8, 1.2) for w in mix]
    parts = [size.cdcs * w / sum(weights) for w in weights]
    ints = [math.floor(v) for v in parts]
    for i in sorted(range(5), key=lambda i: ints[i] - parts[i])[:int(size.cdcs) - sum(ints)]:
        ints[i] += 1
    year0 = int(form.period_keys[0])
    out: dict[str, object] = {f"33.{i + 1}": {p: float(v) for p in form.period_keys}
                              for i, v in enumerate(ints)}
    workers = size.members / rng.uniform(*covered)
    out["31"] = {p: workers * GROWTH ** (int(p) - year0) for p in form.period_keys}
    out["32"] = {p: size.members * GROWTH ** (int(p) - year0) for p in form.period_keys}
    out["34"] = {p: float(superior) for p in form.period_keys}
    return out


def values(form: Form, code: str, size: Size, rng: random.Random) -> Values:
    """One unit's report: its size as anchors, its own habits (seeded by its code)."""
    habits = random.Random(f"unionxl-sample:{code}")
    return generate(form, rng, anchors=anchors(form, size, rng),  # type: ignore[arg-type]
                    habits=habits)


def year_rows(reg: Registry, form: Form, rng: random.Random) -> list[Row]:
    """Every reporting unit's values of one single-year form (an earlier year's data)."""
    on = form.periods[-1].end
    found = sizes(reg, on)
    rows = []
    for u in reporting(reg, on):
        if u.code in found:
            data = values(form, u.code, found[u.code], rng)
            rows += [Row(u.code, c, p, v) for c, by in data.items() for p, v in by.items()]
    return rows
