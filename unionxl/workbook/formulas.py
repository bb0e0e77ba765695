"""The Excel text of every formula a form defines on a data sheet.

``excel_formulas`` gives the formula of every formula cell (derived rows, the total-or-average
column, the comparison with the term target), placed by the sheet's keys; ``form.compute`` gives
the numbers they must produce. Blank stays blank: a total of nothing is "", never 0, and a
comparison without a target is "", never #DIV/0!.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from ..form import Form, Indicator, expr
from .layout import SheetMap


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


def excel_formulas(form: Form, m: SheetMap) -> Mapping[tuple[int, int], str]:
    """(row, col) → formula text (with leading "=") for every formula cell of the sheet.

    Computed once per form and layout (the submissions of a consolidation share a few
    layouts); the mapping is read-only because it is shared.
    """
    return _for_layout(form, m.sheet, m.key_row, m.key_col, tuple(m.rows.items()),
                       tuple(m.cols.items()))


@lru_cache(maxsize=64)
def _for_layout(form: Form, sheet: str, key_row: int, key_col: int,
                rows: tuple[tuple[str, int], ...], cols: tuple[tuple[str, int], ...]
                ) -> Mapping[tuple[int, int], str]:
    return MappingProxyType(_build(form, SheetMap(sheet, key_row, key_col, dict(rows),
                                                  dict(cols))))


def _build(form: Form, m: SheetMap) -> dict[tuple[int, int], str]:
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
