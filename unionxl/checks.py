"""The live checks inside a data-entry workbook (no Python needed on the user's side).

The "Kiểm tra" sheet lists every rule × period with an Excel formula giving its status (Đạt /
Lỗi / Cảnh báo / Bỏ qua) and a link to the row; conditional formatting on the data sheet turns
an offending cell red while the user types. The formulas come from the same rule objects the
Python validator evaluates, and a LibreOffice test checks that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import expr
from .form import Form
from .layout import SheetMap
from .rules import Rule, form_rules

CHECK_SHEET = "Kiểm tra"
CHECK_MARKER = "unionxl:checks"
CHECK_HEADER_ROW = 4  # 0-based row of the column headers; the marker sits in the key column
CHECK_COLS = {"stt": 1, "rule": 2, "severity": 3, "period": 4, "status": 5, "link": 6}


@dataclass(frozen=True)
class Check:
    rule: Rule
    period: str
    status: str  # formula text without "=", on the check sheet
    fail: str  # boolean formula text without "=", on the data sheet (conditional format)
    anchor: str  # data-sheet address where a violation shows

    @property
    def key(self) -> str:
        return f"{self.rule.id}@{self.period}"


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def checks(form: Form, m: SheetMap) -> list[Check]:
    periods = form.period_keys
    out = []
    for rule in form_rules(form):
        codes = rule.codes + (
            [r.code for r in expr.refs(rule.when[0]) + expr.refs(rule.when[2])]
            if rule.when else [])
        if any(c not in m.rows for c in codes):
            continue  # a deleted row: reported by validate as missing-row
        for p in rule.periods(periods):
            i = periods.index(p)

            def local(ref: expr.Ref, i: int = i) -> str:
                return m.addr(ref.code, periods[i + ref.offset])

            def remote(ref: expr.Ref, i: int = i) -> str:
                return f"{quote_sheet(m.sheet)}!{local(ref, i)}"

            status, _ = rule.excel(remote, _invalid(form, remote))
            _, fail = rule.excel(local, _invalid(form, local))
            out.append(Check(rule, p, status, fail, local(rule.anchor)))
    return out


def _invalid(form: Form, address):
    """Excel condition: this input cell holds something that is not a valid number."""
    def cond(ref: expr.Ref) -> str | None:
        ind = form.indicator(ref.code)
        if not ind.is_input:
            return None
        x = address(ref)
        parts = [f"ISTEXT({x})", f"N({x})<0"]
        if ind.value_type == "integer":
            parts.append(f"N({x})<>INT(N({x}))")
        return "OR(" + ",".join(parts) + ")"
    return cond


def link_formula(m: SheetMap, c: Check) -> str:
    return f'HYPERLINK("#{quote_sheet(m.sheet)}!{c.anchor}","{c.anchor}")'
