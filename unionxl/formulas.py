"""The formulas a form defines, written side by side in Excel and in Python.

``excel_formulas`` gives the text of every formula cell of a data sheet (derived rows, the
total-or-average column, the comparison with the term target); ``compute`` gives the numbers
those formulas must produce. Blank stays blank: a total of nothing is "", never 0, and a
comparison without a target is "", never #DIV/0!.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import expr
from .form import Form, Indicator
from .layout import SheetMap

Values = Mapping[str, Mapping[str, float]]  # code -> column key -> number


def _agg_excel(time: str, cells: list[str]) -> str | None:
    args = ",".join(cells)
    if time == "none":
        return None
    if time in ("sum", "avg", "max"):
        fn = {"sum": "SUM", "avg": "AVERAGE", "max": "MAX"}[time]
        return f'IF(COUNT({args})=0,"",{fn}({args}))'
    order = list(reversed(cells)) if time == "last" else cells
    text = '""'
    for c in reversed(order):
        text = f"IF(ISNUMBER({c}),{c},{text})"
    return text


def _agg_python(time: str, values: list[float | None]) -> float | None:
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


def excel_formulas(form: Form, m: SheetMap) -> dict[tuple[int, int], str]:
    """(row, col) → formula text (with leading "=") for every formula cell of the sheet."""
    out: dict[tuple[int, int], str] = {}
    periods = form.period_keys
    for ind in form.valued:
        if ind.kind == "derived":
            node = ind.parsed_formula()
            ref_codes = [r.code for r in expr.refs(node)]
            for p in periods:
                cells = ",".join(m.addr(c, p) for c in ref_codes)
                body = expr.to_excel(node, lambda r, p=p: m.addr(r.code, p))
                out[m.cell(ind.code, p)] = f'=IF(COUNT({cells})=0,"",{body})'
        total = _agg_excel(ind.time, [m.addr(ind.code, p) for p in periods])
        if total:
            out[m.cell(ind.code, "total")] = "=" + total
            tot, tgt = m.addr(ind.code, "total"), m.addr(ind.code, "target")
            out[m.cell(ind.code, "pct")] = (
                f'=IF(OR(COUNT({tot})=0,N({tgt})=0),"",N({tot})/N({tgt}))'
            )
    return out


def formula_cells(form: Form, m: SheetMap) -> set[tuple[int, int]]:
    return set(excel_formulas(form, m))


def is_formula_cell(ind: Indicator, col_key: str, periods: list[str]) -> bool:
    if not ind.has_values:
        return False
    if col_key in periods:
        return ind.kind == "derived"
    return col_key in ("total", "pct") and ind.time != "none"


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
        row["total"] = _agg_python(ind.time, [row[p] for p in periods])
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
