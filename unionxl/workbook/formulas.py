"""The Excel text of every formula a form defines on a data sheet.

``excel_formulas`` gives the formula of every formula cell (derived and ratio rows, the
total-or-average column, the comparison columns and the comparison with the target), placed by
the sheet's keys; ``form.compute`` gives the numbers they must produce. Blank stays blank: a
total of nothing is "", never 0, and a comparison without a target is "", never #DIV/0!. A
ratio row divides its numerator by its denominator in every column, its total included: a rate
is recomputed, never summed or averaged.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..form import Form, Indicator, expr
from .layout import SheetMap, per_layout


def _agg_excel(time: str, cells: list[str]) -> str | None:
    args = ",".join(cells)
    if time in ("none", "ratio"):
        return None
    if time in ("sum", "avg", "max"):
        fn = {"sum": "SUM", "avg": "AVERAGE", "max": "MAX"}[time]
        return f'IF(COUNT({args})=0,"",{fn}({args}))'
    order = list(reversed(cells)) if time == "last" else cells
    text = '""'
    for c in reversed(order):
        text = f"IF(ISNUMBER({c}),{c},{text})"
    return text


def ratio_excel(ind: Indicator, address) -> str:
    """num ÷ den with ``address(ref)`` giving each reference's cell; blank as in Python."""
    num, den = ind.ratio_parts()
    num_cells = ",".join(address(r) for r in expr.refs(num))
    den_cells = ",".join(address(r) for r in expr.refs(den))
    d = expr.to_excel(den, address)
    return (f'IF(OR(COUNT({num_cells})=0,COUNT({den_cells})=0),"",IF({d}=0,"",'
            f'{expr.to_excel(num, address)}/{d}))')


def _share(m: SheetMap, code: str, over: str) -> str:
    tot, base = m.addr(code, "total"), m.addr(code, over)
    return f'=IF(OR(COUNT({tot})=0,N({base})=0),"",N({tot})/N({base}))'


@per_layout(maxsize=64)
def excel_formulas(form: Form, m: SheetMap) -> Mapping[tuple[int, int], str]:
    """(row, col) → formula text (with leading "=") for every formula cell of the sheet.

    Computed once per form and layout; the mapping is read-only because it is shared.
    """
    return MappingProxyType(_build(form, m))


def _build(form: Form, m: SheetMap) -> dict[tuple[int, int], str]:
    out: dict[tuple[int, int], str] = {}
    periods = form.period_keys
    columns = [p for p in [*periods, *form.compare] if p in m.cols]
    for ind in form.valued:
        for p in columns:
            if not form.applies(ind, p):
                continue
            if ind.is_ratio:
                out[m.cell(ind.code, p)] = "=" + ratio_excel(
                    ind, lambda r, p=p: m.addr(r.code, p))
            elif ind.kind == "derived":
                node = ind.parsed_formula()
                cells = ",".join(m.addr(r.code, p) for r in expr.refs(node))
                body = expr.to_excel(node, lambda r, p=p: m.addr(r.code, p))
                out[m.cell(ind.code, p)] = f'=IF(COUNT({cells})=0,"",{body})'
        if ind.is_ratio:
            total = ratio_excel(ind, lambda r: m.addr(r.code, "total"))
        else:
            total = _agg_excel(ind.time, [m.addr(ind.code, p) for p in periods])
        if not total:
            continue
        out[m.cell(ind.code, "total")] = "=" + total
        for c in form.compare:
            if form.applies(ind, c) and f"{c}_pct" in m.cols and c in m.cols:
                out[m.cell(ind.code, f"{c}_pct")] = _share(m, ind.code, c)
        out[m.cell(ind.code, "pct")] = _share(m, ind.code, "target")
    return out
