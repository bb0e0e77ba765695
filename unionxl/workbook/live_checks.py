"""The live checks inside a data-entry workbook (no Python needed on the user's side).

The "Kiểm tra" sheet lists every rule × period with an Excel formula giving its status (Đạt /
Lỗi / Cảnh báo / Bỏ qua) and a link to the row; conditional formatting on the data sheet turns
an offending cell red while the user types. The formulas come from the same rule objects the
Python validator evaluates, and a LibreOffice test checks that both agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from xlsxwriter.utility import xl_range

from ..form import Form, expr, outcomes
from ..form.rules import FAIL, PASS, SEVERITY_VI, SKIP, Rule
from .layout import SheetMap
from .styles import FONT, HEADER_FILL

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


def checks(form: Form, m: SheetMap) -> tuple[Check, ...]:
    """Every rule × period with its formulas, computed once per form and layout (a template
    needs them twice: the check sheet and the conditional formats)."""
    return _for_layout(form, m.sheet, m.key_row, m.key_col, tuple(m.rows.items()),
                       tuple(m.cols.items()))


@lru_cache(maxsize=16)
def _for_layout(form: Form, sheet: str, key_row: int, key_col: int,
                rows: tuple[tuple[str, int], ...], cols: tuple[tuple[str, int], ...]
                ) -> tuple[Check, ...]:
    return tuple(_build(form, SheetMap(sheet, key_row, key_col, dict(rows), dict(cols))))


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
    return f'HYPERLINK("#{quote_sheet(m.sheet)}!{c.anchor}","{c.anchor}")'


def write_checks_sheet(wb, form: Form, m: SheetMap,
                       data: Mapping[str, Mapping[str, float]]) -> None:
    """The "Kiểm tra" sheet: one row per rule × period, its status an Excel formula whose
    cached value is Python's own outcome for the data written."""
    ws = wb.add_worksheet(CHECK_SHEET)
    base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
    title = wb.add_format({**base, "bold": True, "font_size": 13})
    header = wb.add_format({**base, "bold": True, "border": 1, "bg_color": HEADER_FILL,
                            "text_wrap": True, "align": "center"})
    cell = wb.add_format({**base, "border": 1, "text_wrap": True})
    center = wb.add_format({**base, "border": 1, "align": "center"})
    key = wb.add_format({**base, "font_size": 8, "font_color": "#808080"})
    col = CHECK_COLS
    ws.set_column(0, 0, 10, key, {"hidden": True})
    ws.set_column(col["stt"], col["stt"], 5)
    ws.set_column(col["rule"], col["rule"], 70)
    ws.set_column(col["severity"], col["severity"], 10)
    ws.set_column(col["period"], col["period"], 8)
    ws.set_column(col["status"], col["status"], 12)
    ws.set_column(col["link"], col["link"], 10)
    ws.write_string(0, col["stt"], "KIỂM TRA SỐ LIỆU (tự động, theo các quy tắc của biểu mẫu)",
                    title)
    ws.write_string(1, col["rule"], "Cột «Kết quả» tự cập nhật khi nhập số; bấm vào ô ở cột "
                    "«Đi tới» để đến dòng cần sửa.", wb.add_format({**base, "italic": True}))
    all_checks = checks(form, m)
    last = CHECK_HEADER_ROW + len(all_checks)
    status_range = xl_range(CHECK_HEADER_ROW + 1, col["status"], last, col["status"])
    outcome = {(rule.id, p): ok for rule, p, ok, _, _ in outcomes(form, data)}
    errors = sum(1 for c in all_checks if outcome.get((c.rule.id, c.period)) is False
                 and c.rule.severity == "error")
    warnings = sum(1 for c in all_checks if outcome.get((c.rule.id, c.period)) is False
                   and c.rule.severity == "warning")
    ws.write_string(2, col["rule"], "Số lỗi / số cảnh báo:", wb.add_format({**base, "bold": True,
                                                                           "align": "right"}))
    ws.write_formula(2, col["severity"], f'=COUNTIF({status_range},"{FAIL["error"]}")',
                     center, errors)
    ws.write_formula(2, col["period"], f'=COUNTIF({status_range},"{FAIL["warning"]}")',
                     center, warnings)
    ws.write_string(CHECK_HEADER_ROW, 0, CHECK_MARKER, key)
    for name, text in (("stt", "STT"), ("rule", "Quy tắc"), ("severity", "Mức"),
                       ("period", "Năm"), ("status", "Kết quả"), ("link", "Đi tới")):
        ws.write_string(CHECK_HEADER_ROW, col[name], text, header)
    for i, chk in enumerate(all_checks, start=1):
        r = CHECK_HEADER_ROW + i
        ok = outcome.get((chk.rule.id, chk.period))
        cached = SKIP if ok is None else PASS if ok else FAIL[chk.rule.severity]
        ws.write_string(r, 0, chk.key, key)
        ws.write_number(r, col["stt"], i, center)
        ws.write_string(r, col["rule"], chk.rule.message, cell)
        ws.write_string(r, col["severity"], SEVERITY_VI[chk.rule.severity].lower(), center)
        ws.write_string(r, col["period"], chk.period, center)
        ws.write_formula(r, col["status"], "=" + chk.status, center, cached)
        ws.write_formula(r, col["link"], "=" + link_formula(m, chk), center, chk.anchor)
    fmt = {FAIL["error"]: ("#FFC7CE", "#9C0006"), FAIL["warning"]: ("#FFEB9C", "#9C5700"),
           PASS: ("#C6EFCE", "#006100")}
    for value, (bg, fg) in fmt.items():
        ws.conditional_format(status_range, {
            "type": "cell", "criteria": "==", "value": f'"{value}"',
            "format": wb.add_format({"bg_color": bg, "font_color": fg})})
    ws.freeze_panes(CHECK_HEADER_ROW + 1, 0)
    ws.autofilter(CHECK_HEADER_ROW, col["stt"], last, col["link"])
    ws.protect("", {"autofilter": True, "sort": True})
