"""The sheet of earlier years carried onto today's units: every figure a year-on-year check or
an achievement rests on, where it comes from, and what could not be compared (and why)."""

from __future__ import annotations

from ..workbook import a1
from ..workbook.printing import page_setup, wrapped_lines
from ..workbook.styles import FONT
from .history import previous
from .registry import fmt
from .run import Consolidation

HISTORY_SHEET = "Số liệu năm trước"


def history_sheet(wb, run: Consolidation, f) -> None:
    carried = run.history
    if carried is None or run.on is None:
        return
    ws = wb.add_worksheet(HISTORY_SHEET)
    ws.write_string(0, 0, f"SỐ LIỆU CÁC NĂM TRƯỚC THEO CƠ CẤU ĐƠN VỊ NGÀY {fmt(run.on)}", f.title)
    ws.write_string(1, 0, "Đơn vị mới: số năm trước = tổng các đơn vị cũ (sáp nhập, đổi tên) "
                    "hoặc phần theo tỷ lệ đã khai khi chia tách. «Không so sánh được» khi chia "
                    "tách không khai tỷ lệ hoặc thiếu số liệu của đơn vị cũ — không ước đoán.",
                    f.note)
    head = ["Mã đơn vị", "Đơn vị", "Mã chỉ tiêu", "Chỉ tiêu", "Năm", "Số năm đó",
            "Năm báo cáo", "Số năm báo cáo", "Tăng, giảm", "Nguồn số liệu năm đó"]
    widths = [10, 24, 7, 36, 7, 11, 8, 11, 9, 40]
    for c, (h, w) in enumerate(zip(head, widths, strict=True)):
        ws.write_string(3, c, h, f.header)
        ws.set_column(c, c, w)
    pct = wb.add_format({"font_name": FONT, "border": 1, "num_format": "+0.0%;-0.0%;0.0%"})
    now = {s.unit_code: s.values() for s in run.used}
    this_year = run.form.period_keys[-1]
    names = {u.code: u.name for u in run.units}
    last_year = previous(this_year)
    periods = list(reversed(carried.periods()))
    r = 4
    for unit in [u.code for u in run.units]:
        for period in periods:
            source = carried.source_text(unit, period)
            for ind in run.form.inputs:
                value = carried.value(unit, ind.code, period)
                why = carried.why_not(unit, ind.code, period)
                if value is None and not why:
                    continue
                ws.write_string(r, 0, unit, f.cell)
                ws.write_string(r, 1, names.get(unit, ""), f.cell)
                ws.write_string(r, 2, ind.code, f.cell)
                ws.write_string(r, 3, ind.label, f.cell)
                ws.write_string(r, 4, period, f.cell)
                if value is None:
                    ws.write_string(r, 5, "không so sánh được", f.cell)
                else:
                    ws.write_number(r, 5, value, f.num)
                current = (now.get(unit, {}).get(ind.code, {}).get(this_year)
                           if last_year == period else None)
                ws.write_string(r, 6, this_year if last_year == period else "", f.cell)
                if current is None:
                    ws.write_blank(r, 7, None, f.num)
                else:
                    ws.write_number(r, 7, current, f.num)
                a, b = a1.cell(r, 5), a1.cell(r, 7)
                ws.write_formula(r, 8, f'=IF(AND(ISNUMBER({a}),ISNUMBER({b}),N({a})<>0),'
                                 f'N({b})/N({a})-1,"")', pct,
                                 "" if value in (None, 0) or current is None
                                 else current / value - 1)
                ws.write_string(r, 9, why or source, f.cell)
                ws.set_row(r, 15 * max(wrapped_lines(names.get(unit, ""), 24),
                                       wrapped_lines(ind.label, 36),
                                       wrapped_lines(why or source, 40)))
                r += 1
    end = max(r - 1, 3)
    if carried.unknown:
        end = r + 1
        ws.write_string(r + 1, 0, "Số liệu năm trước của đơn vị không có trong danh sách đơn vị "
                        "(không dùng): " + ", ".join(carried.unknown) + ".", f.note)
    ws.freeze_panes(4, 2)
    ws.autofilter(3, 0, max(r - 1, 3), len(head) - 1)
    page_setup(ws, landscape=True, repeat=(3, 3), area=(0, 0, end, len(head) - 1))
