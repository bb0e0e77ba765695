"""The numbers every formula of a form must produce, computed from the input values alone.

A derived row evaluates its expression per period; the total column aggregates the periods by
the row's time aggregation; a ratio row divides its numerator by its denominator in every column,
the total included (rates are recomputed, never summed or averaged); the comparison columns and
the comparison with the target divide the total by them. Blank stays blank: a total of nothing
is None, never 0, and a comparison without a target is None. The
workbook's Excel formulas (``workbook.formulas``) say the same in Excel's words, and the tests
recalculate them in LibreOffice against these numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import expr

if TYPE_CHECKING:
    from .model import Form

Values = Mapping[str, Mapping[str, float]]  # code -> column key -> number


def aggregate(time: str, values: list[float | None]) -> float | None:
    """One row over its periods, by its time aggregation."""
    nums = [v for v in values if v is not None]
    if time == "none" or not nums:
        return None
    if time == "sum":
        return float(sum(nums))
    if time == "avg":
        return sum(nums) / len(nums)
    if time == "max":
        return max(nums)
    return nums[-1] if time == "last" else nums[0]


def ratio(num: expr.Node, den: expr.Node, value: expr.Getter) -> float | None:
    """A rate from its numerator and denominator: blank when either side has no figure or
    the denominator is 0 (never a summed or averaged rate)."""
    if all(value(r) is None for r in expr.refs(num)) or all(
            value(r) is None for r in expr.refs(den)):
        return None
    d = expr.evaluate(den, value)
    return None if d == 0 else expr.evaluate(num, value) / d


def share(a: float | None, b: float | None) -> float | None:
    """a ÷ b for a comparison column: blank without both figures or with b = 0."""
    return None if a is None or not b else a / b


def compute(form: Form, inputs: Values) -> dict[str, dict[str, float | None]]:
    """Every formula value the sheet shows, from the input values alone."""
    periods = form.period_keys
    columns = [*periods, *form.compare]  # evaluated alike: a comparison is another period
    out: dict[str, dict[str, float | None]] = {}
    # Ratio rows may use rows below them: every other row first.
    for ind in [i for i in form.valued if not i.is_ratio] + [
            i for i in form.valued if i.is_ratio]:
        row: dict[str, float | None] = {}
        given = inputs.get(ind.code, {})
        for p in columns:
            if not form.applies(ind, p):
                row[p] = None
            elif ind.is_ratio:
                row[p] = ratio(*ind.ratio_parts(), _getter(out, inputs, p))
            elif ind.kind == "derived":
                row[p] = _derived(ind.parsed_formula(), _getter(out, inputs, p))
            else:
                row[p] = given.get(p)
        if ind.is_ratio:
            row["total"] = ratio(*ind.ratio_parts(), _getter(out, {}, "total"))
        else:
            row["total"] = aggregate(ind.time, [row[p] for p in periods])
        for c in form.compare:
            row[f"{c}_pct"] = share(row["total"], row[c]) if form.applies(ind, c) else None
        row["target"] = given.get("target")
        row["pct"] = None if ind.time == "none" else share(row["total"], row["target"])
        out[ind.code] = row
    return {i.code: out[i.code] for i in form.valued}


def _derived(node: expr.Node, value: expr.Getter) -> float | None:
    if all(value(r) is None for r in expr.refs(node)):
        return None
    try:
        return expr.evaluate(node, value)
    except ZeroDivisionError:
        return None


def _getter(done: Mapping[str, Mapping[str, float | None]], inputs: Values, period: str
            ) -> expr.Getter:
    def value(r: expr.Ref) -> float | None:
        if r.code in done:
            return done[r.code].get(period)
        return inputs.get(r.code, {}).get(period)
    return value
