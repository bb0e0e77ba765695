"""The consolidated workbook: "TỔNG HỢP" in exactly the form's layout (a valid submission to
the level above), the ledger, a per-unit detail whose formulas trace every total, the issues,
and charts. Built with XlsxWriter in one pass and written atomically."""

from __future__ import annotations

import math
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from ..atomic import atomic_output
from ..form import Profile
from ..workbook.layout import SheetMap
from ..workbook.live_checks import quote_sheet
from ..workbook.styles import FONT, HEADER_FILL
from ..workbook.template import write_template
from ..workbook.writer import Workbook
from .achievement import ACHIEVEMENT_VI
from .approval import Mark, mark_without_register
from .history_sheet import history_sheet
from .run import STATUS_VI, Consolidation
from .season_book import SeasonView, changes_sheet, first_page, history_block, rates_line
from .store import value_block
from .timeliness import TIMELINESS_VI, show_time

CONSOLIDATED_SHEET = "TỔNG HỢP"
LEDGER_SHEET = "Tình hình nộp báo cáo"
DETAIL_SHEET = "Chi tiết"
ISSUES_SHEET = "Lỗi"
CHART_SHEET = "Biểu đồ"
ACHIEVEMENT_SHEET = "Thực hiện chỉ tiêu"
_STREAMED: list = []  # constant-memory worksheets whose temp file must be closed


def write_consolidated(run: Consolidation, out: str | Path, unit_code: str = "TONG-HOP",
                       unit_name: str = "",
                       profile: Profile | str | None = None,
                       season: SeasonView | None = None) -> SheetMap | None:
    """``season``: the round's register has been consulted (approval, timeliness, changes)."""
    if run.form is None:
        _ledger_only(run, out)
        return None
    mark = season.mark if season is not None else _mark(run)

    def extra(wb, m: SheetMap) -> None:
        fmt = _Formats(wb)
        ws = wb.get_worksheet_by_name(m.sheet)
        first_page(wb, ws, m.cols["tt"], m.cols["note"], mark)
        _excluded_note(ws, run, m, fmt)
        _ledger_sheet(wb, run, fmt, season)
        history_sheet(wb, run, fmt)
        if season is not None:
            changes_sheet(wb, season.changes, fmt)
        _detail_sheet(wb, run, m, fmt)
        _issues_sheet(wb, run, fmt)
        _chart_sheet(wb, run, fmt)
        if run.achievement:
            _achievement_sheet(wb, run, fmt)

    try:
        return write_template(run.form, out, unit_code, unit_name or "BẢNG TỔNG HỢP",
                              profile, run.totals, sheet=CONSOLIDATED_SHEET, extra=extra,
                              identity=mark.identity(season.round if season else None))
    finally:
        while _STREAMED:  # XlsxWriter closes these only when the whole book is streamed
            _STREAMED.pop()._opt_close()


def _ledger_only(run: Consolidation, out: str | Path) -> None:
    """No file could be read as a form, so there is nothing to sum: the ledger and the issues
    still say, file by file, why."""
    with atomic_output(out) as tmp:
        wb = Workbook(str(tmp))
        fmt = _Formats(wb)
        _ledger_sheet(wb, run, fmt, None)
        _issues_sheet(wb, run, fmt)
        wb.close()


def _mark(run: Consolidation) -> Mark:
    codes = [u.code for u in run.units] or sorted({s.unit_code for s in run.used} - {""})
    lower = {s.unit_code: s.identity.get("waiting", "") for s in run.used
             if s.identity.get("approval") == "pending"}
    return mark_without_register(codes, lower)


class _Formats:
    def __init__(self, wb) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "top"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 13})
        self.note = wb.add_format({**base, "italic": True, "text_wrap": True})
        self.lead = wb.add_format({**base, "italic": True})  # one line running across columns
        self.hash = wb.add_format({**base, "border": 1, "font_size": 8})
        self.header = wb.add_format({**base, "bold": True, "border": 1, "text_wrap": True,
                                     "bg_color": HEADER_FILL, "align": "center"})
        self.cell = wb.add_format({**base, "border": 1, "text_wrap": True})
        self.num = wb.add_format({**base, "border": 1, "num_format": "#,##0.##"})
        self.status = {
            "accepted": wb.add_format({**base, "border": 1, "bg_color": "#C6EFCE"}),
            "accepted_with_warnings": wb.add_format({**base, "border": 1,
                                                     "bg_color": "#FFEB9C"}),
            "rejected": wb.add_format({**base, "border": 1, "bg_color": "#FFC7CE"}),
            "held": wb.add_format({**base, "border": 1, "bg_color": "#F8CBAD"}),
            "missing": wb.add_format({**base, "border": 1, "bg_color": "#D9D9D9"}),
            "locked": wb.add_format({**base, "border": 1, "bg_color": "#BDD7EE"}),
        }
        self.late = wb.add_format({**base, "border": 1, "font_color": "#9C0006"})


def _excluded_note(ws, run: Consolidation, m: SheetMap, f: _Formats) -> None:
    r = m.last_data_row + 2
    c = m.cols["label"]
    used = len(run.used)
    left = [row for row in run.ledger if row.status in ("rejected", "missing", "unknown_unit",
                                                        "held")]
    ws.write_string(r, c, f"Tổng hợp từ {used} báo cáo đã nhận (xem trang «{LEDGER_SHEET}»).",
                    f.note)
    if left:
        parts = [f"{x.unit_code or x.file} – {STATUS_VI[x.status].lower()}" for x in left]
        ws.write_string(r + 1, c, "Không tính vào tổng: " + "; ".join(parts) + ".", f.note)
        ws.set_row(r + 1, 15 * (1 + len("; ".join(parts)) // 70))


def _ledger_sheet(wb, run: Consolidation, f: _Formats, season: SeasonView | None) -> None:
    ws = wb.add_worksheet(LEDGER_SHEET)
    ws.write_string(0, 0, "TÌNH HÌNH NỘP BÁO CÁO", f.title)
    summary = ", ".join(f"{STATUS_VI[k].lower()}: {v}" for k, v in run.counts().items() if v)
    form = (f"Biểu mẫu {run.form.id} phiên bản {run.form.version}, nhiệm kỳ {run.form.term}"
            if run.form is not None else "Không có tệp nào đọc được là biểu mẫu unionxl")
    ws.write_string(1, 0, f"{form}. {summary}.", f.lead)
    if season is not None:
        ws.write_string(2, 0, f"Kỳ báo cáo «{season.round.name}» (sổ theo dõi "
                        f"{season.register}). {rates_line(season.rates)}", f.lead)
    head = ["Mã đơn vị", "Tên đơn vị", "Tình trạng", "Lần gửi", "Nhận lúc", "Thời hạn",
            "Duyệt", "Tệp", "Lỗi", "Cảnh báo", "Ô thay đổi", "Ghi chú", "Phiên bản", "SHA-256"]
    widths = [10, 26, 18, 6, 16, 17, 22, 26, 6, 8, 8, 44, 8, 50]
    for c, (h, w) in enumerate(zip(head, widths, strict=True)):
        ws.write_string(3, c, h, f.header)
        ws.set_column(c, c, w)
    for r, row in enumerate(run.ledger, start=4):
        st = f.status.get(row.status, f.cell)
        timely = TIMELINESS_VI.get(row.timeliness, "")
        values = [row.unit_code, row.unit_name, STATUS_VI[row.status],
                  str(row.version or ""), show_time(row.received), timely, row.approval,
                  row.file]
        for c, v in enumerate(values):
            ws.write_string(r, c, v, st if c == 2 else f.late if c == 5 and
                            row.timeliness == "late" else f.cell)
        ws.write_number(r, 8, row.errors, f.num)
        ws.write_number(r, 9, row.warnings, f.num)
        if row.changes:
            ws.write_number(r, 10, row.changes, f.num)
        else:
            ws.write_blank(r, 10, None, f.num)
        ws.write_string(r, 11, row.note, f.cell)
        ws.write_string(r, 12, row.form_version, f.cell)
        ws.write_string(r, 13, row.sha256, f.hash)
        lines = max(len(row.note) / 44, len(row.approval) / 22, len(row.file) / 26,
                    len(row.unit_name) / 26, 1)
        ws.set_row(r, 15 * int(lines + 0.99))
    last = 3 + len(run.ledger)
    ws.freeze_panes(4, 2)
    ws.autofilter(3, 0, last, len(head) - 1)
    if season is not None and season.history:
        history_block(ws, last + 3, season, f)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(3)
    # on paper: everything but the form version and the hash (the receipts carry the hash)
    ws.print_area(0, 0, last + (4 + len(season.history) if season and season.history else 0),
                  11)


def _detail_sheet(wb, run: Consolidation, m: SheetMap, f: _Formats) -> None:
    """One row per indicator × year, one column per unit used; Excel sums them and checks
    the sum against the "TỔNG HỢP" cell, so every total can be traced to its units."""
    # Units × indicators grows with the number of units: this one sheet is streamed to disk
    # row by row (XlsxWriter's constant_memory, switched on for it alone).
    wb.constant_memory = True
    ws = wb.add_worksheet(DETAIL_SHEET)
    wb.constant_memory = False
    _STREAMED.append(ws)
    used = sorted(run.used, key=lambda s: s.unit_code)
    ws.write_string(0, 0, "CHI TIẾT THEO ĐƠN VỊ (đối chiếu số tổng hợp)", f.title)
    ws.write_string(1, 0, "Cột «Cộng» là công thức cộng các đơn vị; cột «Khớp» so với trang "
                    f"«{CONSOLIDATED_SHEET}».", f.note)
    head = ["Mã chỉ tiêu", "Chỉ tiêu", "Năm", *[s.unit_code for s in used], "Cộng",
            CONSOLIDATED_SHEET, "Khớp"]
    for c, h in enumerate(head):
        ws.write_string(3, c, h, f.header)
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 45)
    ws.set_column(2, 2, 8)
    ws.set_column(3, len(head) - 1, 11)
    first_unit, last_unit = 3, 3 + len(used) - 1
    sum_col = last_unit + 1
    r = 4
    form = run.form
    keys = form.value_keys
    block = 64  # index keys read per pass: one read per unit and block, not per value
    for start in range(0, len(keys), block):
        chunk = keys[start:start + block]
        columns = value_block(used, start, len(chunk))
        for j, (code, key) in enumerate(chunk):
            vals = [col[j] for col in columns]
            if all(math.isnan(v) for v in vals) or code not in run.totals:
                continue
            ws.write_string(r, 0, code, f.cell)
            ws.write_string(r, 1, form.indicator(code).label, f.cell)
            ws.write_string(r, 2, "chỉ tiêu" if key == "target" else key, f.cell)
            for u, v in enumerate(vals):
                if math.isnan(v):
                    ws.write_blank(r, first_unit + u, None, f.num)
                else:
                    ws.write_number(r, first_unit + u, v, f.num)
            total = run.totals[code].get(key, 0.0)
            span = f"{xl_rowcol_to_cell(r, first_unit)}:{xl_rowcol_to_cell(r, last_unit)}"
            ws.write_formula(r, sum_col, f"=SUM({span})", f.num, total)
            ref = f"{quote_sheet(m.sheet)}!{m.addr(code, key)}"
            ws.write_formula(r, sum_col + 1, f"={ref}", f.num, total)
            s_cell, t_cell = xl_rowcol_to_cell(r, sum_col), xl_rowcol_to_cell(r, sum_col + 1)
            ws.write_formula(r, sum_col + 2, f'=IF(ABS(N({s_cell})-N({t_cell}))<=1E-6*MAX(1,'
                             f'ABS(N({t_cell}))),"Khớp","LỆCH")', f.cell, "Khớp")
            r += 1
    ws.freeze_panes(4, 3)
    ws.autofilter(3, 0, max(r - 1, 3), len(head) - 1)


def _issues_sheet(wb, run: Consolidation, f: _Formats) -> None:
    ws = wb.add_worksheet(ISSUES_SHEET)
    ws.write_string(0, 0, "LỖI VÀ CẢNH BÁO CỦA CÁC TỆP NHẬN ĐƯỢC", f.title)
    head = ["Tệp", "Đơn vị", "Mức", "Mã lỗi", "Trang", "Ô", "Chỉ tiêu", "Năm", "Nội dung"]
    for c, (h, w) in enumerate(zip(head, [30, 10, 9, 20, 12, 7, 9, 7, 90], strict=True)):
        ws.write_string(2, c, h, f.header)
        ws.set_column(c, c, w)
    r = 3
    for s in run.submissions:
        for i in s.report.issues:
            for c, v in enumerate([s.source.name, s.unit_code or s.report.unit_code,
                                   i.severity_vi, i.code, i.sheet, i.cell,
                                   i.indicator, i.period, i.message]):
                ws.write_string(r, c, str(v), f.cell)
            r += 1
    ws.freeze_panes(3, 0)
    ws.autofilter(2, 0, max(r - 1, 2), len(head) - 1)


def _chart_sheet(wb, run: Consolidation, f: _Formats) -> None:
    ws = wb.add_worksheet(CHART_SHEET)
    form = run.form
    last = form.period_keys[-1]
    ws.write_string(0, 0, f"BIỂU ĐỒ (năm {last})", f.title)
    used = sorted(run.used, key=lambda s: s.unit_code)
    # Data block the charts read (kept on the sheet so a user can check it): the form's
    # headline indicators marked for charts.
    charted = [h for h in form.headline if h.chart][:2]
    cols = [h.code for h in charted]
    ws.write_string(30, 0, "Đơn vị", f.header)
    for j, h in enumerate(charted, start=1):
        ws.write_string(30, j, h.label, f.header)
    names = {u.code: u.name for u in run.units}
    for i, s in enumerate(used, start=31):
        ws.write_string(i, 0, names.get(s.unit_code) or s.report.unit_name or s.unit_code,
                        f.cell)
        for j, code in enumerate(cols, start=1):
            v = s.value(code, last)
            if v is None:
                ws.write_blank(i, j, None, f.num)
            else:
                ws.write_number(i, j, v, f.num)
    n = len(used)
    anchor = ["A3", "J3"]
    for j, h in enumerate(charted, start=1):
        if not n:
            break
        chart = wb.add_chart({"type": "bar"})
        col = xl_col_to_name(j)
        chart.add_series({
            "name": h.label,
            "categories": f"={quote_sheet(CHART_SHEET)}!$A$32:$A${31 + n}",
            "values": f"={quote_sheet(CHART_SHEET)}!${col}$32:${col}${31 + n}",
            "data_labels": {"value": True},
        })
        chart.set_title({"name": f"{h.label} ({last})"})
        chart.set_legend({"none": True})
        chart.set_size({"width": 620, "height": 480})
        ws.insert_chart(anchor[j - 1], chart)
    counts = run.counts()
    statuses = [k for k, v in counts.items() if v]
    base = 31 + n + 2
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
            "categories": f"={quote_sheet(CHART_SHEET)}!$A${lo}:$A${hi}",
            "values": f"={quote_sheet(CHART_SHEET)}!$B${lo}:$B${hi}",
            "data_labels": {"value": True, "category": True},
        })
        pie.set_title({"name": "Tình hình nộp báo cáo"})
        ws.insert_chart("T3", pie)
    ws.set_column(0, 0, 28)


def _achievement_sheet(wb, run: Consolidation, f: _Formats) -> None:
    ws = wb.add_worksheet(ACHIEVEMENT_SHEET)
    ws.write_string(0, 0, "KẾT QUẢ THỰC HIỆN CHỈ TIÊU GIAO", f.title)
    ws.write_string(1, 0, "Tỷ lệ = thực hiện ÷ chỉ tiêu giao (công thức); để trống khi không "
                    "giao chỉ tiêu. Dòng «Chưa đạt» tô đỏ. Chỉ tiêu giao cho đơn vị cũ được "
                    "chuyển sang đơn vị kế thừa theo biến động (cột cuối).", f.note)
    head = ["Mã đơn vị", "Đơn vị", "Năm", "Chỉ tiêu", "Giao", "Thực hiện", "Tỷ lệ đạt",
            "Đánh giá", "Chỉ tiêu chuyển từ"]
    for c, (h, w) in enumerate(zip(head, [10, 30, 7, 9, 10, 10, 10, 20, 50], strict=True)):
        ws.write_string(3, c, h, f.header)
        ws.set_column(c, c, w)
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
        e, fcell = xl_rowcol_to_cell(r, 4), xl_rowcol_to_cell(r, 5)
        ws.write_formula(r, 6, f'=IF(OR(N({e})=0,COUNT({fcell})=0),"",N({fcell})/N({e}))', pct,
                         "" if a.pct is None else a.pct)
        ws.write_string(r, 7, ACHIEVEMENT_VI[a.status], f.cell)
        ws.write_string(r, 8, a.carried_from, f.cell)
    last = 3 + len(rows)
    ws.conditional_format(4, 0, last, 8, {"type": "formula", "criteria": '=$H5="Chưa đạt"',
                                          "format": red})
    ws.autofilter(3, 0, last, 8)
    ws.freeze_panes(4, 2)
    # Chart: target vs actual of each unit, for the first measure and year listed.
    first = rows[0]
    picked = [i for i, a in enumerate(rows, start=5)
              if a.measure == first.measure and a.year == first.year]
    if picked:
        lo, hi = picked[0], picked[-1]
        if hi - lo + 1 == len(picked):  # contiguous rows: one series range
            chart = wb.add_chart({"type": "column"})
            name = quote_sheet(ACHIEVEMENT_SHEET)
            for col, label in (("E", "Giao"), ("F", "Thực hiện")):
                chart.add_series({"name": label, "categories": f"={name}!$A${lo}:$A${hi}",
                                  "values": f"={name}!${col}${lo}:${col}${hi}"})
            chart.set_title({"name": f"Chỉ tiêu {first.measure} năm {first.year}: giao và "
                                     "thực hiện"})
            chart.set_size({"width": 720, "height": 400})
            ws.insert_chart("K4", chart)
