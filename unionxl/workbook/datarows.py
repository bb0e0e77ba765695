"""One indicator row of a data sheet: its labels, its «Cách tính» marker, input cells (shaded,
unlocked, with Excel data validation in Vietnamese), formula cells with Python's own values
cached, and its note (a ratio row says its formula there)."""

from __future__ import annotations

from collections.abc import Mapping

from ..form import Form, Indicator
from ..form.precision import at_precision
from .layout import SheetMap
from .legend import marker, ratio_note
from .printing import wrapped_lines
from .styles import DataFormats

# Excel's own limits for data validation texts (checked before writing).
DV_TITLE_MAX, DV_MESSAGE_MAX = 32, 255
NOTE_WIDTH = 26  # the «Ghi chú» column, in characters of 11 pt (its text is 9 pt)


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
    elif ind.value_type == "rate":
        texts = {
            "input_title": "Nhập tỷ lệ từ 0% đến 100%",
            "input_message": "Chỉ tiêu của dòng tỷ lệ: gõ dạng phần trăm, ví dụ 70% (hoặc "
                             "0,7). Để trống nếu không giao chỉ tiêu.",
            "error_title": "Tỷ lệ không hợp lệ",
            "error_message": "Ô này chỉ nhận tỷ lệ từ 0% đến 100%: gõ 70% hoặc 0,7 (không gõ "
                             "70 trơn).",
        }
    else:
        texts = {
            "input_title": (f"Nhập số {name} ≥ 0" if len(name) <= DV_TITLE_MAX - 12
                            else "Nhập số ≥ 0"),
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


def row_notes(ind: Indicator, target_note: str) -> str:
    notes = [ratio_note(ind)] if ind.is_ratio else []
    notes += [target_note] if ind.target and target_note else []
    notes += [ind.note] if ind.note else []
    return "; ".join(notes)


def row_height(label: str, depth: int = 0, note: str = "") -> float:
    """Rows are sized here: spreadsheet apps do not grow wrapped rows of a generated file."""
    per_line = 66 - 3 * depth  # characters of Times New Roman 11 in a 58-wide column
    lines = max(1, -(-len(label) // per_line))
    note_lines = wrapped_lines(note, NOTE_WIDTH * 11 / 9) if note else 1
    return max(15.75 * lines, 12.0 * note_lines + 3)


def _format(f: DataFormats, ind: Indicator, key: str, form: Form):
    if key == "pct" or key.endswith("_pct"):
        return f.computed["pct"]
    if ind.is_ratio:
        return f.computed["rate"]
    if key == "total" and ind.time == "avg":
        return f.computed["avg"]
    return f.computed[ind.value_type]


def indicator_row(ws, f: DataFormats, form: Form, m: SheetMap, ind: Indicator,
                  formulas: Mapping[tuple[int, int], str],
                  values: Mapping[str, Mapping[str, float | None]],
                  data: Mapping[str, Mapping[str, float]], target_note: str) -> None:
    c = m.cols
    r = m.rows[ind.code]
    ws.write_string(r, m.key_col, ind.code, f.key)
    if ind.number:
        ws.write_string(r, c["tt"], ind.number, f.tt)
    else:
        ws.write_blank(r, c["tt"], None, f.tt)
    ws.write_string(r, c["label"], ind.label, f.labels[min(ind.depth, 3)])
    note = row_notes(ind, target_note)
    ws.set_row(r, row_height(ind.label, ind.depth, note))
    ws.write_string(r, c["unit"], ind.unit, f.unit_col)
    how = marker(ind) if ind.has_values else ""
    ws.write_string(r, c["how"], how, f.how) if how else ws.write_blank(r, c["how"], None, f.how)
    ws.write_string(r, c["note"], note, f.note) if note else ws.write_blank(r, c["note"], None,
                                                                            f.note)
    compare = [k for cmp in form.compare for k in (cmp, f"{cmp}_pct")]
    value_keys = [*form.period_keys, "total", *compare, "target", "pct"]
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
            cached = row_values.get(key)
            if cached is not None and not key.endswith("pct"):
                cached = at_precision(cached, ind.value_type)  # no float noise stored
            ws.write_formula(r, c[key], formulas[rc], _format(f, ind, key, form),
                             "" if cached is None else cached)
        elif key in form.compare and not form.applies(ind, key):
            ws.write_blank(r, c[key], None, f.heading_cell)  # no start-of-term flow
        elif (key in form.input_keys and ind.is_input) or key == "target":
            value = given.get(key)
            if value is None:
                ws.write_blank(r, c[key], None, input_fmt)
            else:
                ws.write_number(r, c[key], value, input_fmt)
        else:
            ws.write_blank(r, c[key], None, f.computed[ind.value_type])
    _validation(ws, ind, form, r, c)


def _validation(ws, ind: Indicator, form: Form, r: int, c: dict[str, int]) -> None:
    texts = dv_texts(ind, form.units)
    if ind.value_type == "rate":
        kind = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                "ignore_blank": True, **texts}
    else:
        kind = {"validate": "integer" if ind.value_type == "integer" else "decimal",
                "criteria": ">=", "value": 0, "ignore_blank": True, **texts}
    for rng in input_ranges(form, ind, r, c):
        ws.data_validation(*rng, dict(kind))


def input_ranges(form: Form, ind: Indicator, r: int,
                 c: Mapping[str, int]) -> list[tuple[int, int, int, int]]:
    """Where a unit types this row's figures: its periods (an input row), the comparison
    columns that apply to it, the target. Validation and the live red marks cover these."""
    cells = []
    if ind.is_input:
        periods = form.period_keys
        cells.append((r, c[periods[0]], r, c[periods[-1]]))
        cells += [(r, c[k], r, c[k]) for k in form.compare if form.applies(ind, k)]
    cells.append((r, c["target"], r, c["target"]))
    return cells
