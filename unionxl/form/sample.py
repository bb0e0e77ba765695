"""Plausible data generated from a form definition (sample data, demo, property tests).

Where the form declares typical magnitudes (``sample:``: each row as a share of another row of
the same period, around a unit's size given by its anchors — members, CĐCS, workers), every row
is drawn from them, so a unit of 8.000 members reports the supports, accidents, nominations and
money such a unit has (the ranges and their sources: ``unionxl/data/README.md``). Otherwise each
row is a smooth yearly series around a level set by its unit of measure and ``scale``. The
form's structure and rules are then made to hold: exhaustive breakdowns add up exactly, a
balance rule such as ``{32} == {32@-1} + {32.1} - {32.2}`` is built year by year, and every
violated inequality is repaired by raising an input on its larger side (or lowering one on its
smaller side). ``is_clean`` in the tests checks the result with the validator itself.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping

from . import expr
from .model import ANCHOR, Form, Indicator
from .rules import Rule

Values = dict[str, dict[str, float]]
Anchors = Mapping[str, "float | Mapping[str, float]"]  # code → a value, or period → value

LEVEL = {"triệu đồng": 500, "người": 400, "lượt người": 1500, "DN": 30, "đơn vị": 20,
         "CĐCS": 40, "BNC": 10, "vụ": 3, "cuộc": 12, "nhà": 3, "sáng kiến": 15, "CTr, SP": 5}


def generate(form: Form, rng: random.Random, scale: float = 1.0, fill_ratio: float = 1.0,
             targets: bool = True, anchors: Anchors | None = None,
             habits: random.Random | None = None) -> Values:
    """Values of one unit. ``anchors`` give its size (members, CĐCS, …) per code, as one
    value (grown year by year) or per period; the form's defaults × ``scale`` otherwise.
    ``habits`` draws the unit's own typical ratios: seeded by unit, a unit keeps its ways
    from year to year (±15%), as real units do."""
    periods = form.period_keys
    years = [p for p in periods if rng.random() <= fill_ratio] if fill_ratio < 1 else periods
    if form.sample:
        typical = _typical(form, rng, scale, anchors or {}, habits or rng)
        out = {code: {p: v for p, v in row.items() if p in years}
               for code, row in typical.items()}
    else:
        out = _levels(form, rng, scale, years)
    # declared rules, and the generated ones the shape alone does not make hold (a rate's
    # numerator within its denominator, a running total that never falls)
    fixes = [r for r in form.rules if not r.generated or r.id.startswith(("ty-le-", "luy-ke-"))]
    for _ in range(30):
        _repair(form, fixes, out, periods)
        _sums(form, out, periods)
        _balances(form, fixes, out, periods, rng)
        if all(rule.evaluate(_getter(out, periods, p)) is not False
               for rule in form.rules for p in rule.periods(periods)):
            break
    if targets:
        for ind in form.valued:
            if ind.target and out.get(ind.code):
                top = max(out[ind.code].values())
                out[ind.code]["target"] = float(round(top * rng.uniform(0.8, 1.3)) or 1)
    return {k: v for k, v in out.items() if v}


def _levels(form: Form, rng: random.Random, scale: float, years: list[str]) -> Values:
    out: Values = {}
    for ind in form.inputs:
        parent = form.indicator(ind.parent) if ind.parent else None
        if parent is not None and ind.rel == "part" and parent.code in out:
            share = rng.uniform(0.3, 0.8)
            out[ind.code] = {p: _round(ind, v * share * rng.uniform(0.95, 1.0))
                             for p, v in out[parent.code].items()}
        else:
            out[ind.code] = _series(ind, rng, scale, years)
    return out


def _typical(form: Form, rng: random.Random, scale: float, given: Anchors,
             habits: random.Random) -> Values:
    """Every input row from the form's typical magnitudes, around the unit's anchors."""
    periods = form.period_keys
    own: dict[str, float] = {}  # the unit's ratio of each row, kept over the years

    def ratio(code: str) -> float:
        lo, hi, _ = form.sample[code]
        base = own.setdefault(code, habits.uniform(lo, hi))
        return min(hi, max(lo, base * rng.uniform(0.85, 1.15)))

    series: dict[str, dict[str, float]] = {}
    for code, (value, _, of) in form.sample.items():
        if of == ANCHOR and code not in given:
            series[code] = _grow(value * scale * rng.uniform(0.8, 1.25), periods, rng)
    for code, v in given.items():
        series[code] = dict(v) if isinstance(v, Mapping) else _grow(float(v), periods, rng)
    done: dict[tuple[str, str], float] = {}

    def value(code: str, p: str) -> float:
        if (code, p) not in done:
            done[(code, p)] = 0.0  # a cycle of specs reads 0 rather than recursing forever
            _draw(form, rng, code, p, series, done, value, ratio)
        return done[(code, p)]

    for p in periods:
        for ind in form.inputs:
            value(ind.code, p)
    out: Values = {}
    for (code, p), v in done.items():
        if form.indicator(code).is_input:
            out.setdefault(code, {})[p] = v
    return out


def _draw(form: Form, rng: random.Random, code: str, p: str, series: dict[str, dict[str, float]],
          done: dict[tuple[str, str], float], value: Callable[[str, str], float],
          ratio: Callable[[str], float]) -> None:
    ind = form.indicator(code)
    parent = form.indicator(ind.parent) if ind.parent else None
    if parent is not None and code in parent.sum_of and code not in series:
        value(parent.code, p)  # a breakdown is drawn with its total
        return
    if code in series:
        v = series[code].get(p, 0.0)
    elif code in form.sample:
        of = form.sample[code][2]
        per_quarter = form.period_kind == "quarter" and ind.time == "sum" and (
            not of or form.indicator(of).time != "sum")
        v = ratio(code) * (value(of, p) if of else 1.0) / (4 if per_quarter else 1)
    elif ind.sum_of:
        v = sum(value(c, p) for c in ind.sum_of)
    else:
        v = LEVEL.get(ind.unit, 20) * rng.uniform(0.5, 1.5)
    done[(code, p)] = _round(ind, v)
    if ind.sum_of and not any(c in series for c in ind.sum_of):
        _split(form, ind, p, done[(code, p)], done, ratio)
    elif ind.sum_of:  # parts given: the total is their sum
        parts = [series.get(c, {}).get(p, 0.0) for c in ind.sum_of]
        for c, v in zip(ind.sum_of, parts, strict=True):
            done[(c, p)] = v
        done[(code, p)] = float(sum(parts))


def _split(form: Form, ind: Indicator, p: str, total: float, done: dict[tuple[str, str], float],
           ratio: Callable[[str], float]) -> None:
    """A total into its exhaustive parts, by their typical shares (largest remainder)."""
    weights = [ratio(c) if c in form.sample else 1.0 for c in ind.sum_of]
    whole = sum(weights) or 1.0
    shares = [total * w / whole for w in weights]
    if ind.value_type != "integer":
        for c, v in zip(ind.sum_of, shares, strict=True):
            done[(c, p)] = round(v, 2)
        done[(ind.code, p)] = round(sum(done[(c, p)] for c in ind.sum_of), 2)
        return
    floors = [math.floor(v) for v in shares]
    order = sorted(range(len(shares)), key=lambda i: floors[i] - shares[i])
    for i in order[:int(total) - sum(floors)]:
        floors[i] += 1
    for c, v in zip(ind.sum_of, floors, strict=True):
        done[(c, p)] = float(v)


def _grow(start: float, periods: list[str], rng: random.Random) -> dict[str, float]:
    out, v = {}, start
    for p in periods:
        out[p] = v
        v *= rng.uniform(0.98, 1.06)
    return out


def _round(ind: Indicator, v: float) -> float:
    return float(math.floor(v + 0.5)) if ind.value_type == "integer" else round(v, 2)


def _series(ind: Indicator, rng: random.Random, scale: float, years: list[str]
            ) -> dict[str, float]:
    level = LEVEL.get(ind.unit, 20) * scale * rng.uniform(0.5, 1.5)
    row = {}
    for p in years:
        level *= rng.uniform(0.9, 1.15)
        row[p] = _round(ind, level)
    return row


def _sums(form: Form, out: Values, periods: list[str]) -> None:
    """Exhaustive breakdowns add up; parts stay within their (new) row."""
    for ind in reversed(form.indicators):  # deepest rows first
        if ind.sum_of:
            row = out.setdefault(ind.code, {})
            for p in periods:
                parts = [out.get(c, {}).get(p) for c in ind.sum_of]
                if all(v is None for v in parts):
                    row.pop(p, None)
                    continue
                for c in ind.sum_of:
                    out.setdefault(c, {}).setdefault(p, 0.0)
                row[p] = round(sum(out[c][p] for c in ind.sum_of), 2)
    for ind in form.valued:
        parent = form.indicator(ind.parent) if ind.parent else None
        if parent is None or ind.rel != "part" or ind.code in parent.sum_of:
            continue
        for p, v in list(out.get(ind.code, {}).items()):
            cap = out.get(parent.code, {}).get(p)
            if cap is not None and v > cap:
                _lower(form, out, ind.code, p, cap)


def _lower(form: Form, out: Values, code: str, period: str, cap: float) -> None:
    """Bring a row down to ``cap``; a breakdown's total is lowered through its parts."""
    ind = form.indicator(code)
    if not ind.sum_of:
        out[code][period] = _round(ind, cap) if ind.value_type == "integer" else cap
        return
    total = out[code][period]
    for part in ind.sum_of:
        v = out.get(part, {}).get(period)
        if v is not None:
            _lower(form, out, part, period, _round(form.indicator(part), v * cap / total))
    out[code][period] = round(sum(out.get(c, {}).get(period, 0.0) for c in ind.sum_of), 2)


def _balances(form: Form, rules: list[Rule], out: Values, periods: list[str],
              rng: random.Random) -> None:
    """Build ``{X} == {X@-1} + {A} - {B}`` year by year (the members balance), with the
    flows A and B drawn as shares of the previous stock so the stock stays positive."""
    for rule in rules:
        if rule.op != "==" or not isinstance(rule.left, expr.Ref):
            continue
        x = rule.left.code
        lagged = [r for r in expr.refs(rule.right) if r.offset]
        if [r.code for r in lagged] != [x] or lagged[0].offset != -1:
            continue
        row = out.get(x, {})
        flows = [r for r in expr.refs(rule.right) if not r.offset]
        for p, stock in row.items():  # flows as shares of the stock, from the first year on
            for r in flows:
                v = out.get(r.code, {}).get(p)
                if v is not None and not _within(v, stock, 0.02, 0.15):
                    out[r.code][p] = _round(form.indicator(r.code), stock * rng.uniform(0.03, 0.12))
        for prev, cur in zip(periods, periods[1:]):
            if prev not in row or cur not in row:
                continue
            getter = _getter(out, periods, cur)
            if any(getter(r) is None for r in flows):
                continue
            for r in flows:
                if not _within(getter(r), row[prev], 0.02, 0.15):
                    ind = form.indicator(r.code)
                    out[r.code][cur] = _round(ind, row[prev] * rng.uniform(0.03, 0.12))
            row[cur] = float(round(expr.evaluate(rule.right, getter)))


def _within(v: float | None, base: float, lo: float, hi: float) -> bool:
    return v is not None and lo * base <= v <= hi * base


def _getter(out: Values, periods: list[str], period: str) -> Callable[[expr.Ref], float | None]:
    def value(ref: expr.Ref) -> float | None:
        i = periods.index(period) + ref.offset
        return out.get(ref.code, {}).get(periods[i]) if 0 <= i < len(periods) else None
    return value


def _raisable(form: Form, node: expr.Node) -> str | None:
    """An input on this side that can be raised (a breakdown's first part, not its total)."""
    for ref in expr.refs(node):
        if ref.offset:
            continue
        code = ref.code
        while form.indicator(code).sum_of:
            code = form.indicator(code).sum_of[0]
        if form.indicator(code).is_input:
            return code
    return None


def balanced(rules: list[Rule]) -> set[str]:
    """Stocks defined year by year by a balance rule: never raised by a repair."""
    return {r.left.code for r in rules if r.op == "==" and isinstance(r.left, expr.Ref)
            and any(x.offset for x in expr.refs(r.right))}


def _repair(form: Form, rules: list[Rule], out: Values, periods: list[str]) -> None:
    fixed = balanced(rules)
    for rule in rules:
        if rule.op not in ("<=", "<", ">=", ">"):
            continue
        small, big = (rule.left, rule.right) if rule.op in ("<=", "<") else (rule.right,
                                                                              rule.left)
        for p in rule.periods(periods):
            getter = _getter(out, periods, p)
            if rule.evaluate(getter) is not False:
                continue
            gap = expr.evaluate(small, getter) - expr.evaluate(big, getter)
            code = _raisable(form, big)
            if code is None or code in fixed:
                low = _raisable(form, small)
                if low is not None and low not in fixed and p in out.get(low, {}):
                    ind = form.indicator(low)
                    step = 1.0 if ind.value_type == "integer" else 0.01
                    out[low][p] = max(0.0, _round(ind, out[low][p] - gap - step))
                continue
            ind = form.indicator(code)
            step = 1.0 if ind.value_type == "integer" else 0.01
            current = out.setdefault(code, {}).get(p, 0.0)
            out[code][p] = _round(ind, current + gap + step) + (
                step if ind.value_type == "integer" and gap % 1 else 0.0)
