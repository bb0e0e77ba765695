"""The data-entry workbook a unit fills and emails: plain .xlsx, built with XlsxWriter.

Input cells are shaded and unlocked, everything else is locked by a sheet protection without
password; inputs carry Excel data validation with Vietnamese prompts; the keys (hidden column
and row) and the identity of the workbook (very hidden sheet and document properties) make it
readable by unionxl whatever the user does to the layout.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_range

from .. import __version__
from ..atomic import atomic_output
from ..errors import UnionxlError
from ..form import Form, Indicator, Profile, as_profile, compute
from .formulas import excel_formulas
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
from .live_checks import checks, write_checks_sheet
from .styles import FONT, DataFormats
from .writer import Workbook

# Excel's own limits for data validation texts (checked before writing).
DV_TITLE_MAX, DV_MESSAGE_MAX = 32, 255


PROPERTY_LIMIT = 255  # characters in one custom document property (Excel's limit)


@dataclass(frozen=True)
class Identity:
    form_id: str
    form_version: int
    term: str
    unit_code: str = ""
    unit_name: str = ""
    province: str = ""
    entities: str = ""  # per-unit forms: the rows' units as JSON [[code, name], …]
    extra: tuple[tuple[str, str], ...] = ()  # e.g. a consolidated book's round and approval

    def as_rows(self) -> list[tuple[str, str]]:
        rows = [
            ("form_id", self.form_id), ("form_version", str(self.form_version)),
            ("term", self.term), ("unit_code", self.unit_code), ("unit_name", self.unit_name),
            ("province", self.province), ("generator", f"unionxl {__version__}"),
            *self.extra,
        ]
        return rows + ([("entities", self.entities)] if self.entities else [])


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
    profile: Profile | str | None = None,
    data: Mapping[str, Mapping[str, float]] | None = None,
    created: datetime | None = None,
    sheet: str | None = None,
    extra: Callable[[Any, SheetMap], None] | None = None,
    identity: Mapping[str, str] | None = None,
) -> SheetMap:
    """Write a data-entry workbook for ``form``; returns where every cell is.

    ``profile`` (or a province name) gives the province's text; ``sheet`` renames the data
    sheet (the consolidated workbook's "TỔNG HỢP"); ``extra`` adds sheets to the same workbook
    before it is closed; ``identity`` adds entries to the workbook's identity (sheet
    ``_unionxl`` and document properties).
    """
    data = data or {}
    prof = as_profile(profile)
    if form.per_unit and not form.entities:
        raise UnionxlError(f"Biểu mẫu {form.id} có một dòng cho mỗi đơn vị: cần danh sách đơn "
                           "vị (--units, hoặc «registry» trong hồ sơ tỉnh).")
    m = template_map(form, sheet)
    with atomic_output(out) as tmp:
        wb = Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False})
        ident = Identity(form.id, form.version, form.term, unit_code, unit_name,
                         prof.province, json.dumps(form.entities, ensure_ascii=False)
                         if form.per_unit else "",
                         tuple((identity or {}).items()))
        # XlsxWriter labels the time UTC ("Z"): give it UTC, not the local clock
        _properties(wb, form, prof, ident,
                    created or datetime.now(timezone.utc).replace(tzinfo=None))
        _data_sheet(wb, form, m, prof, ident, data)
        write_checks_sheet(wb, form, m, data)
        if extra is not None:
            extra(wb, m)
        _guide_sheet(wb, form)
        _meta_sheet(wb, ident)
        wb.close()
    return m


def _properties(wb, form: Form, prof: Profile, ident: Identity, created: datetime) -> None:
    wb.set_properties({
        "title": f"{form.heading} – {form.title()}",
        "subject": ident.unit_name or form.id,
        "author": "unionxl",
        "company": prof.issuer(),
        "created": created,
        "comments": "Biểu mẫu nhập số liệu do unionxl tạo. Chỉ nhập vào các ô màu vàng.",
    })
    for name, value in ident.as_rows():
        if name == "entities":  # long; kept on the identity sheet only
            continue
        # Excel holds at most 255 characters in one property: a longer value (a province's
        # list of units still waiting) goes on in "name~2", "name~3"… (Package joins them)
        value = value or "-"
        for i in range(0, len(value), PROPERTY_LIMIT):
            part = "" if i == 0 else f"~{i // PROPERTY_LIMIT + 1}"
            wb.set_custom_property(f"unionxl_{name}{part}", value[i:i + PROPERTY_LIMIT])


def _data_sheet(wb, form: Form, m: SheetMap, prof: Profile, ident: Identity, data) -> None:
    ws = wb.add_worksheet(m.sheet)
    f = DataFormats(wb)
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
    ws.merge_range(0, c["tt"], 0, c["label"], prof.issuer(), f.issuer)
    ws.merge_range(1, c["tt"], 1, c["label"],
                   (ident.unit_name or "ĐƠN VỊ BÁO CÁO: ……").upper(),
                   f.unit)
    ws.merge_range(0, c[periods[0]], 0, last_col, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f.motto)
    ws.merge_range(1, c[periods[0]], 1, last_col, "Độc lập - Tự do - Hạnh phúc", f.motto)
    ws.merge_range(3, c["tt"], 3, last_col, form.heading, f.title)
    ws.merge_range(4, c["tt"], 4, last_col, form.title(), f.title)
    if form.show_period_line:
        ws.merge_range(5, c["tt"], 5, last_col, form.period_line(), f.subtitle)
    guidance = prof.guidance_line(form.id, form.term)
    if guidance:
        ws.merge_range(6, c["tt"], 6, last_col, guidance, f.subtitle)
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
        note = form.note_on_targets(prof)
        for code in sec.codes:
            _indicator_row(ws, f, form, m, form.indicator(code), formulas, values, data, note)

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


def _indicator_row(ws, f: DataFormats, form: Form, m: SheetMap, ind: Indicator, formulas,
                   values, data, target_note: str) -> None:
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
    notes = [target_note] if ind.target and target_note else []
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
    for chk in checks(form, m):
        ws.conditional_format(chk.anchor, {"type": "formula", "criteria": "=" + chk.fail,
                                           "format": red})


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
