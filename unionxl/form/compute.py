"""The numbers every formula of a form must produce, computed from the input values alone.

A derived row evaluates its expression per period; the total column aggregates the periods by
the row's time aggregation; the comparison with the target divides the total by it. Blank stays
blank: a total of nothing is None, never 0, and a comparison without a target is None. The
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


def compute(form: Form, inputs: Values) -> dict[str, dict[str, float | None]]:
    """Every formula value the sheet shows, from the input values alone."""
    periods = form.period_keys
    out: dict[str, dict[str, float | None]] = {}
    for ind in form.valued:
        row: dict[str, float | None] = {}
        given = inputs.get(ind.code, {})
        if ind.kind == "derived":
            node = ind.parsed_formula()
            for p in periods:
                def getter(r: expr.Ref, p: str = p) -> float | None:
                    return _lookup(out, inputs, r.code, p)

                if all(getter(r) is None for r in expr.refs(node)):
                    row[p] = None
                else:
                    try:
                        row[p] = expr.evaluate(node, getter)
                    except ZeroDivisionError:
                        row[p] = None
        else:
            for p in periods:
                row[p] = given.get(p)
        row["total"] = aggregate(ind.time, [row[p] for p in periods])
        target = given.get("target")
        row["target"] = target
        if ind.time == "none" or row["total"] is None or not target:
            row["pct"] = None
        else:
            row["pct"] = row["total"] / target
        out[ind.code] = row
    return out


def _lookup(done: Mapping[str, Mapping[str, float | None]], inputs: Values, code: str,
            period: str) -> float | None:
    if code in done:
        return done[code].get(period)
    return inputs.get(code, {}).get(period)
