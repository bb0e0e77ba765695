"""The data-entry workbook a unit fills and emails: plain .xlsx, built with XlsxWriter.

Input cells are shaded and unlocked, everything else is locked by a sheet protection without
password; inputs carry Excel data validation with Vietnamese prompts; the keys (hidden column
and row) and the identity of the workbook (very hidden sheet and document properties) make it
readable by unionxl whatever the user does to the layout.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..atomic import atomic_output
from ..errors import UnionxlError
from ..form import Form, Profile, as_profile, compute
from . import a1
from .datarows import dv_texts, indicator_row, input_ranges, row_height
from .formulas import excel_formulas
from .guide import Identity, guide_sheet, meta_sheet
from .layout import (
    FIRST_DATA_ROW,
    HEAD1,
    HEAD2,
    KEY_MARKER,
    KEY_ROW,
    SECTION_PREFIX,
    SheetMap,
    template_map,
)
from .legend import legend
from .letterhead import Letterhead, body_letterhead, unit_letterhead, write_header, write_signatures
from .live_checks import checks, write_checks_sheet
from .printing import page_setup, wrapped_lines
from .styles import DataFormats
from .writer import Workbook

__all__ = ["Identity", "Letterhead", "dv_texts", "write_template"]

WIDTHS = {"tt": 5, "label": 58, "unit": 10, "total": 12, "how": 9, "base": 11, "base_pct": 10,
          "prev": 11, "prev_pct": 10, "target": 11, "pct": 11, "note": 26}
PERIOD_WIDTH = 10
PROPERTY_LIMIT = 255  # characters in one custom document property (Excel's limit)


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
    letterhead: Letterhead | None = None,
    notes: Sequence[str] = (),
    identity: Mapping[str, str] | None = None,
) -> SheetMap:
    """Write a data-entry workbook for ``form``; returns where every cell is.

    ``profile`` (or a province name) gives the province's text; ``sheet`` renames the data
    sheet (the consolidated workbook's "TỔNG HỢP"); ``extra`` adds sheets to the same workbook
    before it is closed; ``letterhead`` gives the header and the signers (by default: the
    profile's federation over the unit); ``notes`` are printed under the table, inside the
    print area; ``identity`` adds entries to the workbook's identity (sheet ``_unionxl`` and
    document properties).
    """
    data = data or {}
    prof = as_profile(profile)
    if form.per_unit and not form.entities:
        raise UnionxlError(f"Biểu mẫu {form.id} có một dòng cho mỗi đơn vị: cần danh sách đơn "
                           "vị (--units, hoặc «registry» trong hồ sơ tỉnh).")
    m = template_map(form, sheet)
    # the allocation is the body's own document; any other form is a unit's report to it
    lh = letterhead or (body_letterhead(prof) if form.per_unit and not unit_name
                        else unit_letterhead(prof, unit_name, unit_code))
    with atomic_output(out) as tmp:
        wb = Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False})
        ident = Identity(form.id, form.version, form.term, unit_code, unit_name,
                         prof.province, json.dumps(form.entities, ensure_ascii=False)
                         if form.per_unit else "",
                         tuple((identity or {}).items()))
        # XlsxWriter labels the time UTC ("Z"): give it UTC, not the local clock
        _properties(wb, form, prof, ident,
                    created or datetime.now(timezone.utc).replace(tzinfo=None))
        _data_sheet(wb, form, m, prof, lh, data, notes)
        write_checks_sheet(wb, form, m, data)
        if extra is not None:
            extra(wb, m)
        guide_sheet(wb, form)
        meta_sheet(wb, ident)
        wb.close()
    return m


def _properties(wb, form: Form, prof: Profile, ident: Identity, created: datetime) -> None:
    wb.set_properties({
        "title": f"{form.heading} – {form.title()}",
        "subject": ident.unit_name or form.display_name,
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


def _columns(ws, f: DataFormats, form: Form, m: SheetMap) -> set[str]:
    """Widths and hidden columns; returns the keys of the hidden ones."""
    c = m.cols
    ws.set_column(m.key_col, m.key_col, 8, f.key, {"hidden": True})
    hidden = set(form.hidden_columns)
    if len(form.period_keys) == 1:
        hidden |= {"total", "how"}  # one period: the total repeats it (formulas still use it)
    for key, col in c.items():
        width = WIDTHS.get(key, PERIOD_WIDTH)
        ws.set_column(col, col, width, None, {"hidden": True} if key in hidden else None)
    return hidden


def _headers(ws, f: DataFormats, form: Form, m: SheetMap) -> None:
    c, periods = m.cols, form.period_keys
    # Key row (hidden): the marker and the key of every column.
    ws.write_string(KEY_ROW, m.key_col, KEY_MARKER, f.key)
    for key, col in c.items():
        ws.write_string(KEY_ROW, col, key, f.key)
    ws.set_row(KEY_ROW, None, None, {"hidden": True})
    texts = {"tt": "TT", "label": "Nội dung", "unit": "Đơn vị tính",
             "total": form.label("total", "Tổng hoặc bình quân (%)"), "how": "Cách tính",
             "base": form.label("base", "Đầu nhiệm kỳ"),
             "base_pct": form.label("base_pct", "So với đầu nhiệm kỳ (%)"),
             "prev": form.label("prev", "Năm trước"),
             "prev_pct": form.label("prev_pct", "So với năm trước (%)"),
             "target": form.label("target", "Chỉ tiêu nhiệm kỳ"),
             "pct": form.label("pct", "So sánh chỉ tiêu nhiệm kỳ (%)"),
             "note": form.label("note", "Ghi chú")}
    for key, text in texts.items():
        if key in c:
            ws.merge_range(HEAD1, c[key], HEAD2, c[key], text, f.header)
    years_label = form.label("years", "Quý" if form.period_kind == "quarter" else "Năm")
    if len(periods) > 1:
        ws.merge_range(HEAD1, c[periods[0]], HEAD1, c[periods[-1]], years_label, f.header)
    else:
        ws.write_string(HEAD1, c[periods[0]], years_label, f.header)
    for p in form.periods:
        ws.write_string(HEAD2, c[p.key], p.label, f.header)
    ws.set_row(HEAD1, 30)
    ws.set_row(HEAD2, 30 if form.compare else 18)


def _data_sheet(wb, form: Form, m: SheetMap, prof: Profile, lh: Letterhead, data,
                notes: Sequence[str]) -> None:
    ws = wb.add_worksheet(m.sheet)
    f = DataFormats(wb)
    c = m.cols
    periods = form.period_keys
    last_col = c["note"]
    hidden = _columns(ws, f, form, m)
    left, right = (c["tt"], c["label"]), (c[periods[0]], last_col)
    write_header(ws, f, lh, left, right)
    ws.merge_range(3, c["tt"], 3, last_col, form.heading, f.title)
    ws.merge_range(4, c["tt"], 4, last_col, form.title(), f.title)
    if form.show_period_line:
        ws.merge_range(5, c["tt"], 5, last_col, form.period_line(), f.subtitle)
    guidance = prof.guidance_line(form.id, form.term)
    if guidance:
        ws.merge_range(6, c["tt"], 6, last_col, guidance, f.subtitle)
    ws.set_row(4, 20)
    _headers(ws, f, form, m)

    formulas = excel_formulas(form, m)
    values = compute(form, data)
    for sec in form.sections:
        if sec.number:
            r = m.sections[sec.number]
            ws.write_string(r, m.key_col, SECTION_PREFIX + sec.number, f.key)
            ws.write_string(r, c["tt"], sec.number, f.section_tt)
            ws.write_string(r, c["label"], sec.label, f.section)
            ws.set_row(r, row_height(sec.label))
            for col in range(c["unit"], last_col + 1):
                ws.write_blank(r, col, None, f.section)
        note = form.note_on_targets(prof)
        for code in sec.codes:
            indicator_row(ws, f, form, m, form.indicator(code), formulas, values, data, note)

    width = sum(WIDTHS.get(k, PERIOD_WIDTH) for k, col in c.items() if k not in hidden)
    r = m.last_data_row + 1
    lines = ([legend(form)] if "total" not in hidden else []) + list(notes)
    for text in lines:
        r += 1
        ws.merge_range(r, c["tt"], r, last_col, text, f.legend)
        ws.set_row(r, 14 * wrapped_lines(text, width * 11 / 10) + 2)
    last = write_signatures(ws, f, lh, r + 2, left, right)

    _live_formatting(wb, ws, form, m)
    ws.freeze_panes(FIRST_DATA_ROW, c[periods[0]])
    ws.protect("", {"format_columns": True, "format_rows": True, "insert_rows": True,
                    "select_locked_cells": True, "select_unlocked_cells": True})
    page_setup(ws, landscape=True, repeat=(HEAD1, HEAD2), area=(0, c["tt"], last, last_col))
    ws.activate()


def _live_formatting(wb, ws, form: Form, m: SheetMap) -> None:
    """Conditional formats that turn an offending input red while the user types."""
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    ranges, count_ranges = [], []
    for ind in form.valued:
        for rng in input_ranges(form, ind, m.rows[ind.code], m.cols):
            text = a1.area(*rng)
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
