"""The chart sheet and the achievement sheet of the consolidated workbook, laid out for an A4
landscape page: the charts side by side on the first page, the numbers they read (kept on the
sheet so a user can check them) on the next."""

from __future__ import annotations

from ..workbook import a1
from ..workbook.live_checks import quote_sheet
from ..workbook.printing import page_setup, wrapped_lines
from ..workbook.styles import FONT
from .achievement import ACHIEVEMENT_VI
from .run import STATUS_VI, Consolidation

# An A4 landscape page inside the margins is about 950 × 640 px at 96 dpi.
CHART_W, CHART_H = 465, 560
DATA_ROW = 33  # 0-based row where the charted numbers start (page 2)
COLUMNS = 13  # printed columns: A (names, 28 ≈ 201 px) + 12 of 8,43 (64 px) ≈ 970 px


def chart_sheet(wb, run: Consolidation, f, name: str) -> None:
    ws = wb.add_worksheet(name)
    form = run.form
    last = form.period_keys[-1]
    label = next(p.label for p in form.periods if p.key == last)
    ws.write_string(0, 0, f"BIỂU ĐỒ ({'năm ' if label.isdigit() else ''}{label})", f.title)
    ws.set_column(0, 0, 28)
    ws.set_column(1, COLUMNS - 1, 8.43)  # explicit: print engines differ on the default width
    used = sorted(run.used, key=lambda s: s.unit_code)
    charted = [h for h in form.headline if h.chart][:2]
    names = {u.code: u.name for u in run.units}
    top = DATA_ROW
    ws.write_string(top, 0, "Đơn vị", f.header)
    ws.set_row(top, 30)
    for j, h in enumerate(charted, start=1):
        ws.write_string(top, j, h.label, f.header)
        ws.set_column(j, j, 14)
    for i, s in enumerate(used, start=top + 1):
        ws.write_string(i, 0, names.get(s.unit_code) or s.report.unit_name or s.unit_code,
                        f.cell)
        for j, h in enumerate(charted, start=1):
            v = s.value(h.code, last)
            if v is None:
                ws.write_blank(i, j, None, f.num)
            else:
                ws.write_number(i, j, v, f.num)
    n = len(used)
    sheet = quote_sheet(name)
    for j, h in enumerate(charted, start=1):
        if not n:
            break
        chart = wb.add_chart({"type": "bar"})
        col = a1.col_name(j)
        chart.add_series({
            "name": h.label,
            "categories": f"={sheet}!$A${top + 2}:$A${top + 1 + n}",
            "values": f"={sheet}!${col}${top + 2}:${col}${top + 1 + n}",
            "data_labels": {"value": True},
        })
        chart.set_title({"name": f"{h.label} ({label})", "name_font": {"size": 11}})
        chart.set_legend({"none": True})
        chart.set_size({"width": CHART_W, "height": CHART_H})
        ws.insert_chart(2, 0, chart, {"x_offset": (j - 1) * (CHART_W + 10), "y_offset": 4,
                                      "object_position": 3})
    counts = run.counts()
    statuses = [k for k, v in counts.items() if v]
    base = top + n + 3
    ws.write_string(base, 0, "Tình trạng", f.header)
    ws.write_string(base, 1, "Số đơn vị/tệp", f.header)
    for i, k in enumerate(statuses, start=1):
        ws.write_string(base + i, 0, STATUS_VI[k], f.cell)
        ws.write_number(base + i, 1, counts[k], f.num)
    if statuses:
        pie = wb.add_chart({"type": "pie"})
        lo, hi = base + 2, base + 1 + len(statuses)
        pie.add_series({
            "name": "Tình hình nộp báo cáo",
            "categories": f"={sheet}!$A${lo}:$A${hi}",
            "values": f"={sheet}!$B${lo}:$B${hi}",
            "data_labels": {"value": True},  # the categories are in the legend
        })
        pie.set_title({"name": "Tình hình nộp báo cáo", "name_font": {"size": 11}})
        pie.set_size({"width": 440, "height": 330})
        ws.insert_chart(top, 4, pie, {"object_position": 3})
    end = max(base + len(statuses), top + 18)
    ws.set_h_pagebreaks([top])  # charts on page 1, the numbers behind them on page 2
    page_setup(ws, landscape=True, area=(0, 0, end, COLUMNS - 1))


def achievement_sheet(wb, run: Consolidation, f, name: str) -> None:
    ws = wb.add_worksheet(name)
    ws.write_string(0, 0, "KẾT QUẢ THỰC HIỆN CHỈ TIÊU GIAO", f.title)
    ws.merge_range(1, 0, 1, 8, "Tỷ lệ = thực hiện ÷ chỉ tiêu giao (công thức); để trống khi không "
                    "giao chỉ tiêu. Dòng «Chưa đạt» tô đỏ. Chỉ tiêu giao cho đơn vị cũ được "
                    "chuyển sang đơn vị kế thừa theo biến động (cột cuối).", f.note)
    ws.set_row(1, 32)
    head = [("Mã đơn vị", 10), ("Đơn vị", 30), ("Năm", 7), ("Chỉ tiêu", 9), ("Giao", 10),
            ("Thực hiện", 10), ("Tỷ lệ đạt", 10), ("Đánh giá", 16), ("Chỉ tiêu chuyển từ", 34)]
    for c, (text, width) in enumerate(head):
        ws.write_string(3, c, text, f.header)
        ws.set_column(c, c, width)
    pct = wb.add_format({"font_name": FONT, "border": 1, "num_format": "0.0%"})
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    rows = run.achievement
    for r, a in enumerate(rows, start=4):
        for c, v in enumerate([a.unit_code, a.unit_name, a.year, a.measure]):
            ws.write_string(r, c, v, f.cell)
        for c, v in ((4, a.target), (5, a.actual)):
            if v is None:
                ws.write_blank(r, c, None, f.num)
            else:
                ws.write_number(r, c, v, f.num)
        e, fcell = a1.cell(r, 4), a1.cell(r, 5)
        ws.write_formula(r, 6, f'=IF(OR(N({e})=0,COUNT({fcell})=0),"",N({fcell})/N({e}))', pct,
                         "" if a.pct is None else a.pct)
        ws.write_string(r, 7, ACHIEVEMENT_VI[a.status], f.cell)
        ws.write_string(r, 8, a.carried_from, f.cell)
        ws.set_row(r, 15 * max(wrapped_lines(a.unit_name, 30), wrapped_lines(a.carried_from, 34)))
    last = 3 + len(rows)
    ws.conditional_format(4, 0, last, 8, {"type": "formula", "criteria": '=$H5="Chưa đạt"',
                                          "format": red})
    ws.autofilter(3, 0, last, 8)
    ws.freeze_panes(4, 2)
    end = last
    # Chart: target vs actual of each unit, for the first measure and year listed; below the
    # table, on a page of its own.
    first = rows[0]
    picked = [i for i, a in enumerate(rows, start=5)
              if a.measure == first.measure and a.year == first.year]
    if picked and picked[-1] - picked[0] + 1 == len(picked):  # contiguous: one series range
        lo, hi = picked[0], picked[-1]
        chart = wb.add_chart({"type": "column"})
        sheet = quote_sheet(name)
        for col, label in (("E", "Giao"), ("F", "Thực hiện")):
            chart.add_series({"name": label, "categories": f"={sheet}!$A${lo}:$A${hi}",
                              "values": f"={sheet}!${col}${lo}:${col}${hi}"})
        chart.set_title({"name": f"Chỉ tiêu {first.measure} năm {first.year}: giao và "
                                 "thực hiện", "name_font": {"size": 11}})
        chart.set_size({"width": 700, "height": 420})
        ws.insert_chart(last + 2, 0, chart, {"object_position": 3})
        ws.set_h_pagebreaks([last + 1])
        end = last + 24
    page_setup(ws, landscape=True, repeat=(3, 3), area=(0, 0, end, 8))
