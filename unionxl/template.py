"""The data-entry workbook a unit fills and emails: plain .xlsx, built with XlsxWriter.

Input cells are shaded and unlocked, everything else is locked by a sheet protection without
password; inputs carry Excel data validation with Vietnamese prompts; the keys (hidden column
and row) and the identity of the workbook (very hidden sheet and document properties) make it
readable by unionxl whatever the user does to the layout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_range

from . import __version__
from .atomic import atomic_output
from .form import Form, Indicator
from .formulas import compute, excel_formulas
from .layout import (
    FIRST_DATA_ROW,
    HEAD1,
    HEAD2,
    KEY_MARKER,
    KEY_ROW,
    META_SHEET,
    SECTION_PREFIX,
    SheetMap,
    template_map,
)

FONT = "Times New Roman"  # the font of Vietnamese administrative documents; full diacritics
INPUT_FILL = "#FFF2CC"
FORMULA_FILL = "#EDEDED"
HEADER_FILL = "#D9E1F2"
SECTION_FILL = "#E2EFDA"
INT_FORMAT = "#,##0"
DEC_FORMAT = "#,##0.00"
AVG_FORMAT = "#,##0.0"
PCT_FORMAT = "0.0%"
FIXED_DATE = datetime(2024, 1, 1)  # committed blank templates must be reproducible

# Excel's own limits for data validation texts (checked before writing).
DV_TITLE_MAX, DV_MESSAGE_MAX = 32, 255


@dataclass(frozen=True)
class Identity:
    form_id: str
    form_version: int
    term: str
    unit_code: str = ""
    unit_name: str = ""
    province: str = ""

    def as_rows(self) -> list[tuple[str, str]]:
        return [
            ("form_id", self.form_id), ("form_version", str(self.form_version)),
            ("term", self.term), ("unit_code", self.unit_code), ("unit_name", self.unit_name),
            ("province", self.province), ("generator", f"unionxl {__version__}"),
        ]


def dv_texts(ind: Indicator, units: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    name = units.get(ind.unit, {}).get("name", ind.unit)
    if ind.value_type == "integer":
        texts = {
            "input_title": "Nhập số nguyên ≥ 0",
            "input_message": f"Đơn vị tính: {name}. Nhập số nguyên không âm. Để trống nếu "
                             "chưa có số liệu; ghi 0 nếu không có.",
            "error_title": "Số không hợp lệ",
            "error_message": f"Ô này chỉ nhận số nguyên không âm ({name}). Gõ số, không gõ "
                             "chữ, khoảng trắng hay đơn vị tính.",
        }
    else:
        texts = {
            "input_title": f"Nhập số {name} ≥ 0",
            "input_message": f"Đơn vị tính: {name}. Nhập số không âm, được có phần thập phân "
                             "(ví dụ 1,5 = một triệu rưỡi đồng). Để trống nếu chưa có số liệu.",
            "error_title": "Số không hợp lệ",
            "error_message": f"Ô này chỉ nhận số không âm tính bằng {name}. Không gõ chữ "
                             "«đ», «triệu» hay dấu cách.",
        }
    for key, text in texts.items():
        limit = DV_TITLE_MAX if key.endswith("title") else DV_MESSAGE_MAX
        if len(text) > limit:
            raise ValueError(f"data validation text too long for Excel ({key}): {text!r}")
    return texts


def write_template(
    form: Form,
    out: str | Path,
    unit_code: str = "",
    unit_name: str = "",
    province: str | None = None,
    data: Mapping[str, Mapping[str, float]] | None = None,
    created: datetime | None = None,
    sheet: str | None = None,
    extra: Callable[[Any, SheetMap], None] | None = None,
) -> SheetMap:
    """Write a data-entry workbook for ``form``; returns where every cell is.

    ``sheet`` renames the data sheet (the consolidated workbook's "TỔNG HỢP"); ``extra`` adds
    sheets to the same workbook before it is closed.
    """
    data = data or {}
    m = template_map(form, sheet)
    with atomic_output(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False,
                                            "strings_to_formulas": False})
        ident = Identity(form.id, form.version, form.term, unit_code, unit_name,
                         (province or form.province))
        _properties(wb, form, ident, created or datetime.now())
        _data_sheet(wb, form, m, ident, data)
        _checks_sheet(wb, form, m, data)
        if extra is not None:
            extra(wb, m)
        _guide_sheet(wb, form)
        _meta_sheet(wb, ident)
        wb.close()
    return m


def _properties(wb, form: Form, ident: Identity, created: datetime) -> None:
    wb.set_properties({
        "title": f"{form.heading} – {form.title()}",
        "subject": ident.unit_name or form.id,
        "author": "unionxl",
        "company": form.issuer(ident.province),
        "created": created,
        "comments": "Biểu mẫu nhập số liệu do unionxl tạo. Chỉ nhập vào các ô màu vàng.",
    })
    for name, value in ident.as_rows():
        wb.set_custom_property(f"unionxl_{name}", value or "-")


class _Formats:
    def __init__(self, wb) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
        box = {**base, "border": 1}
        self.plain = wb.add_format(base)
        self.issuer = wb.add_format({**base, "font_size": 12, "align": "center"})
        self.unit = wb.add_format({**base, "font_size": 12, "bold": True, "align": "center",
                                   "underline": 1})
        self.motto = wb.add_format({**base, "font_size": 12, "bold": True, "align": "center"})
        self.title = wb.add_format({**base, "font_size": 14, "bold": True, "align": "center"})
        self.subtitle = wb.add_format({**base, "italic": True, "align": "center"})
        self.key = wb.add_format({**base, "font_size": 8, "font_color": "#808080",
                                  "num_format": "@"})
        self.header = wb.add_format({**box, "bold": True, "align": "center", "text_wrap": True,
                                     "bg_color": HEADER_FILL})
        self.section = wb.add_format({**box, "bold": True, "bg_color": SECTION_FILL,
                                      "text_wrap": True})
        self.section_tt = wb.add_format({**box, "bold": True, "bg_color": SECTION_FILL,
                                         "align": "center"})
        self.tt = wb.add_format({**box, "align": "center", "bold": True})
        self.unit_col = wb.add_format({**box, "align": "center", "text_wrap": True})
        self.labels = [wb.add_format({**box, "text_wrap": True, "indent": d,
                                      "bold": d == 0, "italic": d > 0}) for d in range(4)]
        self.heading_cell = wb.add_format({**box, "bg_color": FORMULA_FILL})
        self.note = wb.add_format({**box, "text_wrap": True, "font_size": 9, "italic": True,
                                   "locked": False})
        self.inputs = {
            "integer": wb.add_format({**box, "bg_color": INPUT_FILL, "locked": False,
                                      "num_format": INT_FORMAT}),
            "decimal": wb.add_format({**box, "bg_color": INPUT_FILL, "locked": False,
                                      "num_format": DEC_FORMAT}),
        }
        self.computed = {
            "integer": wb.add_format({**box, "bg_color": FORMULA_FILL, "num_format": INT_FORMAT}),
            "decimal": wb.add_format({**box, "bg_color": FORMULA_FILL, "num_format": DEC_FORMAT}),
            "avg": wb.add_format({**box, "bg_color": FORMULA_FILL, "num_format": AVG_FORMAT}),
            "pct": wb.add_format({**box, "bg_color": FORMULA_FILL, "num_format": PCT_FORMAT}),
        }


def _data_sheet(wb, form: Form, m: SheetMap, ident: Identity, data) -> None:
    ws = wb.add_worksheet(m.sheet)
    f = _Formats(wb)
    c = m.cols
    periods = form.period_keys
    last_col = c["note"]
    # Column layout: hidden key column, then TT | Nội dung | ĐVT | years | … | Ghi chú.
    ws.set_column(m.key_col, m.key_col, 8, f.key, {"hidden": True})
    ws.set_column(c["tt"], c["tt"], 5)
    ws.set_column(c["label"], c["label"], 58)
    ws.set_column(c["unit"], c["unit"], 10)
    ws.set_column(c[periods[0]], c[periods[-1]], 10)
    ws.set_column(c["total"], c["total"], 12)
    ws.set_column(c["target"], c["target"], 11)
    ws.set_column(c["pct"], c["pct"], 11)
    ws.set_column(c["note"], c["note"], 26)
    for key in form.hidden_columns:
        ws.set_column(c[key], c[key], 10, None, {"hidden": True})

    # Administrative header as in the seed: issuer and unit on the left, national motto right.
    ws.merge_range(0, c["tt"], 0, c["label"], form.issuer(ident.province), f.issuer)
    ws.merge_range(1, c["tt"], 1, c["label"],
                   (ident.unit_name or "LIÊN ĐOÀN LAO ĐỘNG HUYỆN/CÔNG ĐOÀN NGÀNH……").upper(),
                   f.unit)
    ws.merge_range(0, c[periods[0]], 0, last_col, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f.motto)
    ws.merge_range(1, c[periods[0]], 1, last_col, "Độc lập - Tự do - Hạnh phúc", f.motto)
    ws.merge_range(3, c["tt"], 3, last_col, form.heading, f.title)
    ws.merge_range(4, c["tt"], 4, last_col, form.title(), f.title)
    if form.show_period_line:
        ws.merge_range(5, c["tt"], 5, last_col, form.period_line(), f.subtitle)
    if form.guidance_line():
        ws.merge_range(6, c["tt"], 6, last_col, form.guidance_line(), f.subtitle)
    ws.set_row(4, 20)

    # Key row (hidden): the marker and the key of every column.
    ws.write_string(KEY_ROW, m.key_col, KEY_MARKER, f.key)
    for key, col in c.items():
        ws.write_string(KEY_ROW, col, key, f.key)
    ws.set_row(KEY_ROW, None, None, {"hidden": True})

    # Two header rows.
    for key, text in (("tt", "TT"), ("label", "Nội dung"), ("unit", "Đơn vị tính"),
                      ("total", form.label("total", "Tổng hoặc bình quân (%)")),
                      ("target", form.label("target", "Chỉ tiêu nhiệm kỳ")),
                      ("pct", form.label("pct", "So sánh chỉ tiêu nhiệm kỳ (%)")),
                      ("note", form.label("note", "Ghi chú"))):
        ws.merge_range(HEAD1, c[key], HEAD2, c[key], text, f.header)
    years_label = form.label("years", "Quý" if form.period_kind == "quarter" else "Năm")
    if len(periods) > 1:
        ws.merge_range(HEAD1, c[periods[0]], HEAD1, c[periods[-1]], years_label, f.header)
    else:
        ws.write_string(HEAD1, c[periods[0]], years_label, f.header)
        # one period: the total repeats it; kept (formulas use it) but out of sight
        ws.set_column(c["total"], c["total"], 12, None, {"hidden": True})
    for p in form.periods:
        ws.write_string(HEAD2, c[p.key], p.label, f.header)
    ws.set_row(HEAD1, 30)
    ws.set_row(HEAD2, 18)

    formulas = excel_formulas(form, m)
    values = compute(form, data)
    for sec in form.sections:
        if sec.number:
            r = m.sections[sec.number]
            ws.write_string(r, m.key_col, SECTION_PREFIX + sec.number, f.key)
            ws.write_string(r, c["tt"], sec.number, f.section_tt)
            ws.write_string(r, c["label"], sec.label, f.section)
            ws.set_row(r, _row_height(sec.label))
            for col in range(c["unit"], last_col + 1):
                ws.write_blank(r, col, None, f.section)
        for code in sec.codes:
            _indicator_row(ws, f, form, m, form.indicator(code), formulas, values, data)

    _live_formatting(wb, ws, form, m)
    ws.freeze_panes(FIRST_DATA_ROW, c[periods[0]])
    ws.protect("", {"format_columns": True, "format_rows": True, "insert_rows": True,
                    "select_locked_cells": True, "select_unlocked_cells": True})
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEAD1, HEAD2)
    ws.print_area(0, c["tt"], m.last_data_row, last_col)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.center_horizontally()
    ws.set_footer("&C&\"Times New Roman\"&9Trang &P/&N")
    ws.activate()


def _indicator_row(ws, f: _Formats, form: Form, m: SheetMap, ind: Indicator, formulas,
                   values, data) -> None:
    c = m.cols
    r = m.rows[ind.code]
    ws.write_string(r, m.key_col, ind.code, f.key)
    if ind.number:
        ws.write_string(r, c["tt"], ind.number, f.tt)
    else:
        ws.write_blank(r, c["tt"], None, f.tt)
    ws.write_string(r, c["label"], ind.label, f.labels[min(ind.depth, 3)])
    ws.set_row(r, _row_height(ind.label, ind.depth))
    ws.write_string(r, c["unit"], ind.unit, f.unit_col)
    notes = [form.target_note] if ind.target and form.target_note else []
    notes += [ind.note] if ind.note else []
    if notes:
        ws.write_string(r, c["note"], "; ".join(notes), f.note)
    else:
        ws.write_blank(r, c["note"], None, f.note)
    value_keys = [*form.period_keys, "total", "target", "pct"]
    if not ind.has_values:
        for key in value_keys:
            ws.write_blank(r, c[key], None, f.heading_cell)
        return
    row_values = values[ind.code]
    given = data.get(ind.code, {})
    input_fmt = f.inputs[ind.value_type]
    for key in value_keys:
        rc = (r, c[key])
        if rc in formulas:
            fmt = (f.computed["pct"] if key == "pct"
                   else f.computed["avg"] if key == "total" and ind.time == "avg"
                   else f.computed[ind.value_type])
            cached = row_values.get(key)
            ws.write_formula(r, c[key], formulas[rc], fmt, "" if cached is None else cached)
        elif (key in form.period_keys and ind.is_input) or key == "target":
            value = given.get(key)
            if value is None:
                ws.write_blank(r, c[key], None, input_fmt)
            else:
                ws.write_number(r, c[key], value, input_fmt)
        else:
            ws.write_blank(r, c[key], None, f.computed[ind.value_type])
    _validation(ws, ind, form, r, c)


def _row_height(label: str, depth: int = 0) -> float:
    """Rows are sized here: spreadsheet apps do not grow wrapped rows of a generated file."""
    per_line = 66 - 3 * depth  # characters of Times New Roman 11 in a 58-wide column
    lines = max(1, -(-len(label) // per_line))
    return 15.75 * lines


def _validation(ws, ind: Indicator, form: Form, r: int, c: dict[str, int]) -> None:
    texts = dv_texts(ind, form.units)
    kind = {"validate": "integer" if ind.value_type == "integer" else "decimal",
            "criteria": ">=", "value": 0, "ignore_blank": True, **texts}
    if ind.is_input:
        periods = form.period_keys
        ws.data_validation(r, c[periods[0]], r, c[periods[-1]], dict(kind))
    ws.data_validation(r, c["target"], r, c["target"], dict(kind))


def _live_formatting(wb, ws, form: Form, m: SheetMap) -> None:
    """Conditional formats that turn an offending input red while the user types."""
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    c, periods = m.cols, form.period_keys
    ranges, count_ranges = [], []
    for ind in form.valued:
        r = m.rows[ind.code]
        cells = [(r, c[periods[0]], r, c[periods[-1]])] if ind.is_input else []
        cells.append((r, c["target"], r, c["target"]))
        for rng in cells:
            text = xl_range(*rng)
            ranges.append(text)
            if ind.value_type == "integer":
                count_ranges.append(text)
    top_left = ranges[0].split(":")[0]
    for criteria, targets in (
        (f'=AND({top_left}<>"",NOT(ISNUMBER({top_left})))', ranges),  # text in a number cell
        (f"=AND(ISNUMBER({top_left}),{top_left}<0)", ranges),
        (f"=AND(ISNUMBER({top_left}),{top_left}<>INT({top_left}))", count_ranges),
    ):
        ws.conditional_format(top_left, {"type": "formula", "criteria": criteria,
                                         "format": red, "multi_range": " ".join(targets)})
    from .checks import checks

    for chk in checks(form, m):
        ws.conditional_format(chk.anchor, {"type": "formula", "criteria": "=" + chk.fail,
                                           "format": red})


def _checks_sheet(wb, form: Form, m: SheetMap, data) -> None:
    from .checks import (
        CHECK_COLS,
        CHECK_HEADER_ROW,
        CHECK_MARKER,
        CHECK_SHEET,
        checks,
        link_formula,
    )
    from .rules import FAIL, PASS, SKIP
    from .validate import rule_outcomes

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
    outcome = {(rule.id, p): ok for rule, p, ok, _, _ in rule_outcomes(form, data)}
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
        ws.write_string(r, col["severity"], "lỗi" if chk.rule.severity == "error"
                        else "cảnh báo", center)
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


GUIDE = [
    "HƯỚNG DẪN NHẬP SỐ LIỆU",
    "1. Chỉ nhập vào các ô màu vàng. Ô màu xám là công thức, tự tính, không sửa.",
    "2. Mỗi ô chỉ ghi một số. Không ghi chữ, đơn vị tính hay dấu cách (ví dụ ghi 1234, không "
    "ghi «1.234 người»).",
    "3. Để trống ô chưa có số liệu; ghi 0 khi thực tế không có.",
    "4. Tiền ghi bằng triệu đồng, được có phần thập phân (1,5 = một triệu rưỡi đồng).",
    "5. Cột «Chỉ tiêu nhiệm kỳ» ghi chỉ tiêu Nghị quyết Đại hội giao; cột «So sánh» tự tính "
    "tỷ lệ đạt.",
    "6. Dòng «vụ/người» được tách làm hai dòng: dòng số vụ và dòng số người.",
    "7. Không đổi tên, không xóa cột ẩn và dòng ẩn: chúng giúp cấp trên tổng hợp đúng số liệu.",
    "8. Trang tính được khóa không mật khẩu để tránh sửa nhầm công thức "
    "(Review > Unprotect Sheet nếu thật cần).",
]


def _guide_sheet(wb, form: Form) -> None:
    ws = wb.add_worksheet("Hướng dẫn")
    bold = wb.add_format({"font_name": FONT, "font_size": 13, "bold": True})
    text = wb.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True,
                          "valign": "top"})
    ws.set_column(0, 0, 110)
    ws.write_string(0, 0, GUIDE[0], bold)
    for i, line in enumerate(GUIDE[1:], start=2):
        ws.write_string(i, 0, line, text)
    ws.write_string(len(GUIDE) + 2, 0, f"Biểu mẫu: {form.id}, phiên bản {form.version}, "
                    f"nhiệm kỳ {form.term}.", text)
    ws.protect("")


def _meta_sheet(wb, ident: Identity) -> None:
    ws = wb.add_worksheet(META_SHEET)
    for r, (k, v) in enumerate(ident.as_rows()):
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, v)
    ws.protect("")
    ws.very_hidden()  # not listed by Excel's Unhide dialog: cannot be removed by accident
