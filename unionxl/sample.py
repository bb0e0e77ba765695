"""Plausible data generated from a form definition (sample data, demo, property tests).

Values respect the form's structure: exhaustive breakdowns add up, "Trong đó" parts never
exceed their row, derived rows are left to formulas, and the declared rules of the form hold
(the generator repairs simple ``{a} <= {b}`` and ``{a} + {b} <= {c}`` rules and builds the
members balance exactly). ``scale`` sets the size of the unit.
"""

from __future__ import annotations

import random
from typing import Mapping

from . import expr
from .form import Form, Indicator
from .rules import form_rules

Values = dict[str, dict[str, float]]


def generate(form: Form, rng: random.Random, scale: float = 1.0, fill_ratio: float = 1.0,
             targets: bool = True) -> Values:
    out: Values = {}
    periods = form.period_keys
    for ind in form.indicators:
        if not ind.is_input:
            continue
        parent = form.indicator(ind.parent) if ind.parent else None
        row = out.setdefault(ind.code, {})
        for p in periods:
            if rng.random() > fill_ratio:
                continue
            row[p] = _draw(ind, rng, scale)
            if parent is not None and ind.rel == "part" and parent.code in out:
                cap = out[parent.code].get(p)
                if cap is not None:
                    row[p] = _cap(ind, row[p], cap, rng)
    for ind in form.indicators:
        if ind.sum_of:
            _make_sum(out, ind, form, periods)
    _members_balance(form, out, periods)
    _repair(form, out, periods)
    if targets:
        for ind in form.valued:
            if ind.target and ind.code in out and out[ind.code]:
                top = max(out[ind.code].values())
                out[ind.code]["target"] = float(round(top * rng.uniform(0.8, 1.3)) or 1)
    return {k: v for k, v in out.items() if v}


def _draw(ind: Indicator, rng: random.Random, scale: float) -> float:
    base = {"triệu đồng": 500, "người": 400, "lượt người": 1500, "DN": 30, "đơn vị": 20,
            "CĐCS": 40, "BNC": 10, "vụ": 3, "cuộc": 12, "nhà": 3, "sáng kiến": 15,
            "CTr, SP": 5}.get(ind.unit, 20)
    value = rng.uniform(0, base * scale)
    if ind.value_type == "integer":
        return float(int(value))
    return round(value, 2)


def _cap(ind: Indicator, value: float, cap: float, rng: random.Random) -> float:
    if value <= cap:
        return value
    v = rng.uniform(0, cap)
    return float(int(v)) if ind.value_type == "integer" else round(min(v, cap), 2)


def _make_sum(out: Values, ind: Indicator, form: Form, periods: list[str]) -> None:
    for p in periods:
        parts = [out.get(c, {}).get(p) for c in ind.sum_of]
        if any(v is not None for v in parts):
            for c, v in zip(ind.sum_of, parts):
                if v is None:
                    out.setdefault(c, {})[p] = 0.0
            total = sum(out[c][p] for c in ind.sum_of)
            out.setdefault(ind.code, {})[p] = round(total, 2)
        else:
            out.get(ind.code, {}).pop(p, None)
    # Parts of the parts may now exceed their (new) row: cap them again.
    for child in form.children(ind.code):
        for p in periods:
            cap = out.get(ind.code, {}).get(p)
            v = out.get(child.code, {}).get(p)
            if child.rel == "part" and child.code not in ind.sum_of and None not in (v, cap):
                out[child.code][p] = min(v, cap)  # type: ignore[type-var]


def _members_balance(form: Form, out: Values, periods: list[str]) -> None:
    """members(y) = members(y-1) + admitted(y) - left(y) where the form has those rows."""
    if not all(form.has(c) for c in ("32", "32.1", "32.2")):
        return
    members = out.get("32", {})
    for prev, cur in zip(periods, periods[1:]):
        m0 = members.get(prev)
        a, d = out.get("32.1", {}).get(cur), out.get("32.2", {}).get(cur)
        if m0 is None or a is None or d is None:
            continue
        d = min(d, m0)
        out["32.2"][cur] = d
        members[cur] = m0 + a - d


def _repair(form: Form, out: Values, periods: list[str]) -> None:
    """Make simple declared ≤ rules hold by lowering the left side."""
    for _ in range(3):
        for rule in form_rules(form):
            if rule.op not in ("<=", "<") or rule.generated:
                continue
            left = expr.refs(rule.left)
            if any(r.offset for r in left) or len(left) > 3:
                continue
            for p in periods:
                value = lambda r, p=p: _get(out, r, p, periods)  # noqa: E731
                if rule.evaluate(value) is not False:
                    continue
                room = expr.evaluate(rule.right, value)
                for r in left:
                    cur = out.get(r.code, {}).get(p)
                    if cur is not None:
                        share = max(0.0, room) / len(left)
                        out[r.code][p] = float(int(share)) if form.indicator(
                            r.code).value_type == "integer" else round(share, 2)


def _get(out: Mapping[str, Mapping[str, float]], ref: expr.Ref, period: str,
         periods: list[str]) -> float | None:
    i = periods.index(period) + ref.offset
    if not 0 <= i < len(periods):
        return None
    return out.get(ref.code, {}).get(periods[i])
