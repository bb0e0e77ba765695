"""The live checks inside a data-entry workbook (no Python needed on the user's side).

The "Kiểm tra" sheet has one row per rule and one column per period; each cell is an Excel
formula giving the rule's status in that period (Đạt / Lỗi / Cảnh báo / Bỏ qua) that is also a
link to the cell to fix; conditional formatting on the data sheet turns an offending cell red
while the user types. The formulas come from the same rule objects the
Python validator evaluates, and a LibreOffice test checks that both agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..form import Form, expr, outcomes
from ..form.rules import FAIL, PASS, SEVERITY_VI, SKIP, Rule
from . import a1
from .layout import SheetMap, per_layout
from .printing import page_setup, wrapped_lines
from .styles import FONT, FORMULA_FILL, HEADER_FILL

CHECK_SHEET = "Kiểm tra"
CHECK_MARKER = "unionxl:checks"
CHECK_KEY_ROW = 3  # 0-based, hidden: the marker, then the period key of each status column
CHECK_HEADER_ROW = 4  # the column headers
CHECK_COLS = {"stt": 1, "rule": 2, "severity": 3}  # then one status column per period
FIRST_PERIOD_COL = 4
RULE_WIDTH = 62


@dataclass(frozen=True)
class Check:
    rule: Rule
    period: str
    status: str  # formula text without "=", on the check sheet
    fail: str  # boolean formula text without "=", on the data sheet (conditional format)
    anchor: str  # data-sheet address where a violation shows


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


@per_layout(maxsize=16)
def checks(form: Form, m: SheetMap) -> tuple[Check, ...]:
    """Every rule × period with its formulas, computed once per form and layout (a template
    needs them twice: the check sheet and the conditional formats)."""
    return tuple(_build(form, m))


def _build(form: Form, m: SheetMap) -> list[Check]:
    periods = form.period_keys
    out = []
    for rule in form.rules:
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
    """The status of a check, as a link to the cell where it shows (click to go there)."""
    return f'HYPERLINK("#{quote_sheet(m.sheet)}!{c.anchor}",{c.status})'


def write_checks_sheet(wb, form: Form, m: SheetMap,
                       data: Mapping[str, Mapping[str, float]]) -> None:
    """The "Kiểm tra" sheet: one row per rule, one status column per period; each status is
    an Excel formula (a link to the cell) whose cached value is Python's own outcome."""
    ws = wb.add_worksheet(CHECK_SHEET)
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
    title = wb.add_format({**base, "bold": True, "font_size": 13})
    header = wb.add_format({**base, "bold": True, "border": 1, "bg_color": HEADER_FILL,
                            "text_wrap": True, "align": "center"})
    cell = wb.add_format({**base, "border": 1, "text_wrap": True})
    center = wb.add_format({**base, "border": 1, "align": "center"})
    none = wb.add_format({**base, "border": 1, "bg_color": FORMULA_FILL})
    key = wb.add_format({**base, "font_size": 8, "font_color": "#808080"})
    col = CHECK_COLS
    periods = form.periods
    last_col = FIRST_PERIOD_COL + len(periods) - 1
    ws.set_column(0, 0, 10, key, {"hidden": True})
    ws.set_column(col["stt"], col["stt"], 5)
    ws.set_column(col["rule"], col["rule"], RULE_WIDTH)
    ws.set_column(col["severity"], col["severity"], 9)
    ws.set_column(FIRST_PERIOD_COL, last_col, 9)
    ws.write_string(0, col["stt"], "KIỂM TRA SỐ LIỆU (tự động, theo các quy tắc của biểu mẫu)",
                    title)
    ws.write_string(1, col["stt"], "Kết quả tự cập nhật khi nhập số; bấm vào một kết quả để "
                    "đến ô cần sửa. Ô xám: quy tắc không xét ở kỳ đó.",
                    wb.add_format({**base, "italic": True}))
    by_rule: dict[str, dict[str, Check]] = {}
    for chk in checks(form, m):
        by_rule.setdefault(chk.rule.id, {})[chk.period] = chk
    rules = [r for r in form.rules if r.id in by_rule]
    last = CHECK_HEADER_ROW + len(rules)
    status_range = a1.area(CHECK_HEADER_ROW + 1, FIRST_PERIOD_COL, last, last_col)
    outcome = {(rule.id, p): ok for rule, p, ok, _, _ in outcomes(form, data)}
    counted = {sev: sum(1 for rid, row in by_rule.items() for p in row
                        if outcome.get((rid, p)) is False and row[p].rule.severity == sev)
               for sev in FAIL}
    ws.write_string(2, col["rule"], "Số lỗi / số cảnh báo:", wb.add_format({**base, "bold": True,
                                                                           "align": "right"}))
    for c, sev in ((col["severity"], "error"), (FIRST_PERIOD_COL, "warning")):
        ws.write_formula(2, c, f'=COUNTIF({status_range},"{FAIL[sev]}")', center, counted[sev])
    ws.write_string(CHECK_KEY_ROW, 0, CHECK_MARKER, key)
    for j, p in enumerate(periods):
        ws.write_string(CHECK_KEY_ROW, FIRST_PERIOD_COL + j, p.key, key)
        ws.write_string(CHECK_HEADER_ROW, FIRST_PERIOD_COL + j, p.label, header)
    ws.set_row(CHECK_KEY_ROW, None, None, {"hidden": True})
    for name, text in (("stt", "STT"), ("rule", "Quy tắc"), ("severity", "Mức")):
        ws.write_string(CHECK_HEADER_ROW, col[name], text, header)
    for i, rule in enumerate(rules, start=1):
        r = CHECK_HEADER_ROW + i
        ws.write_string(r, 0, rule.id, key)
        ws.write_number(r, col["stt"], i, center)
        ws.write_string(r, col["rule"], rule.message, cell)
        ws.set_row(r, 15 * wrapped_lines(rule.message, RULE_WIDTH))
        ws.write_string(r, col["severity"], SEVERITY_VI[rule.severity].lower(), center)
        for j, p in enumerate(periods):
            chk = by_rule[rule.id].get(p.key)
            if chk is None:  # a rule on the year before starts a year later
                ws.write_blank(r, FIRST_PERIOD_COL + j, None, none)
                continue
            ok = outcome.get((rule.id, p.key))
            cached = SKIP if ok is None else PASS if ok else FAIL[rule.severity]
            ws.write_formula(r, FIRST_PERIOD_COL + j, "=" + link_formula(m, chk), center, cached)
    fmt = {FAIL["error"]: ("#FFC7CE", "#9C0006"), FAIL["warning"]: ("#FFEB9C", "#9C5700"),
           PASS: ("#C6EFCE", "#006100")}
    for value, (bg, fg) in fmt.items():
        ws.conditional_format(status_range, {
            "type": "cell", "criteria": "==", "value": f'"{value}"',
            "format": wb.add_format({"bg_color": bg, "font_color": fg})})
    ws.freeze_panes(CHECK_HEADER_ROW + 1, 0)
    ws.autofilter(CHECK_HEADER_ROW, col["stt"], last, last_col)
    page_setup(ws, landscape=False, repeat=(CHECK_HEADER_ROW, CHECK_HEADER_ROW),
               area=(0, col["stt"], last, last_col))
    ws.protect("", {"autofilter": True, "sort": True})
