"""The consolidated workbook: "TỔNG HỢP" in exactly the form's layout (a valid submission to
the level above, with who is not in the totals printed under it), the ledger, a per-unit detail
whose formulas trace every total, the issues, and charts. Built with XlsxWriter in one pass and
written atomically; every sheet prints on A4 (``workbook.printing``)."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from ..atomic import atomic_output
from ..form import Profile, as_profile
from ..text import vn_time
from ..workbook import a1
from ..workbook.layout import SheetMap
from ..workbook.letterhead import Letterhead, body_letterhead, full_name
from ..workbook.live_checks import quote_sheet
from ..workbook.printing import LINE, page_setup, wrapped_lines
from ..workbook.styles import FONT, HEADER_FILL
from ..workbook.template import write_template
from ..workbook.writer import Workbook, write_numbers
from .approval import Mark, mark_without_register
from .history_sheet import history_sheet
from .output_charts import achievement_sheet, chart_sheet
from .run import STATUS_VI, Consolidation
from .season_book import SeasonView, changes_sheet, history_block, rates_line
from .store import value_block
from .timeliness import TIMELINESS_VI, show_time

CONSOLIDATED_SHEET = "TỔNG HỢP"
LEDGER_SHEET = "Tình hình nộp báo cáo"
DETAIL_SHEET = "Chi tiết"
ISSUES_SHEET = "Lỗi"
CHART_SHEET = "Biểu đồ"
ACHIEVEMENT_SHEET = "Thực hiện chỉ tiêu"
HASH_SHOWN = 12  # hex digits of the SHA-256 printed; the full value is in a hidden column
_STREAMED: list = []  # constant-memory worksheets whose temp file must be closed


def write_consolidated(run: Consolidation, out: str | Path, unit_code: str = "TONG-HOP",
                       unit_name: str = "",
                       profile: Profile | str | None = None,
                       letterhead: Letterhead | None = None,
                       created: datetime | None = None,
                       season: SeasonView | None = None) -> SheetMap | None:
    """``season``: the round's register has been consulted (approval, timeliness, changes)."""
    if run.form is None:
        _ledger_only(run, out)
        return None
    mark = season.mark if season is not None else _mark(run)
    created = created or datetime.now()
    prof = as_profile(profile)
    lh = letterhead or consolidation_letterhead(prof, unit_code, unit_name, created)

    def extra(wb, m: SheetMap) -> None:
        fmt = _Formats(wb)
        _ledger_sheet(wb, run, fmt, season)
        history_sheet(wb, run, fmt)
        if season is not None:
            changes_sheet(wb, season.changes, fmt)
        _detail_sheet(wb, run, m, fmt)
        _issues_sheet(wb, run, fmt)
        chart_sheet(wb, run, fmt, CHART_SHEET)
        if run.achievement:
            achievement_sheet(wb, run, fmt, ACHIEVEMENT_SHEET)

    try:
        return write_template(run.form, out, unit_code, unit_name or "BẢNG TỔNG HỢP",
                              profile, run.totals, sheet=CONSOLIDATED_SHEET, extra=extra,
                              letterhead=lh, notes=[mark.text, *totals_notes(run)],
                              created=created,
                              identity=mark.identity(season.round if season else None))
    finally:
        while _STREAMED:  # XlsxWriter closes these only when the whole book is streamed
            _STREAMED.pop()._opt_close()


def consolidation_letterhead(prof: Profile, unit_code: str, unit_name: str,
                            created: datetime) -> Letterhead:
    """The province's book: its superior over the federation, the profile's signers; a
    lower level's book (a commune union summing its grassroots unions): the federation over
    that union, which signs it itself."""
    if not unit_name or (prof.body_code and unit_code == prof.body_code) or (
            full_name(unit_name).casefold() == prof.body_text.casefold()):
        return body_letterhead(prof, created.date())
    return Letterhead(prof.body_text, full_name(unit_name), dated=created.date())


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


def totals_notes(run: Consolidation) -> list[str]:
    """Under «TỔNG HỢP», inside its print area: what the totals are made of, who is not in."""
    notes = [f"Tổng hợp từ {len(run.used)} báo cáo đã nhận (xem trang «{LEDGER_SHEET}»)."]
    left = [row for row in run.ledger if row.status in ("rejected", "missing", "unknown_unit",
                                                        "held", "locked")]
    if left:
        parts = [f"{' '.join(x for x in (row.unit_code, row.unit_name) if x) or row.file} – "
                 f"{STATUS_VI[row.status].lower()}" for row in left]
        notes.append("Không tính vào tổng: " + "; ".join(parts) + ".")
    return notes


class _Formats:
    def __init__(self, wb) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "top"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 13})
        self.note = wb.add_format({**base, "italic": True, "text_wrap": True})
        self.note_line = wb.add_format({**base, "italic": True})  # one line across columns
        self.lead = self.note_line
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


def table_head(ws, f: _Formats, row: int, columns: list[tuple[str, float]]) -> None:
    for c, (text, width) in enumerate(columns):
        ws.write_string(row, c, text, f.header)
        ws.set_column(c, c, width)


LEDGER_COLUMNS = [("Mã đơn vị", 10), ("Tên đơn vị", 24), ("Tình trạng", 15), ("Lần gửi", 6),
                  ("Nhận lúc", 14), ("Thời hạn", 10), ("Duyệt", 18), ("Tệp", 24),
                  ("Lưu lúc", 11), ("Lỗi", 5), ("Cảnh báo", 8), ("Ô thay đổi", 7),
                  ("Ghi chú", 40), ("Phiên bản", 8), ("Mã kiểm tra", 13), ("SHA-256", 66)]
SEASON_COLUMNS = (3, 4, 5, 6, 11)  # shown when the round's register was consulted


def _ledger_sheet(wb, run: Consolidation, f: _Formats, season: SeasonView | None) -> None:
    ws = wb.add_worksheet(LEDGER_SHEET)
    ws.write_string(0, 0, "TÌNH HÌNH NỘP BÁO CÁO", f.title)
    form = run.form
    summary = ", ".join(f"{STATUS_VI[k].lower()}: {v}" for k, v in run.counts().items() if v)
    if form is not None:
        what = (f"Biểu mẫu «{form.display_name}» (phiên bản {form.version}), "
                f"{'năm' if form.single_year else 'nhiệm kỳ'} {form.term}")
    else:
        what = "Không có tệp nào đọc được là biểu mẫu unionxl"
    ws.write_string(1, 0, f"{what}. {summary}.", f.note_line)
    if season is not None:
        ws.write_string(2, 0, f"Kỳ báo cáo «{season.round.name}» (sổ theo dõi "
                        f"{season.register}). {rates_line(season.rates)}", f.note_line)
    table_head(ws, f, 3, LEDGER_COLUMNS)
    hash_col = len(LEDGER_COLUMNS) - 1
    ws.set_column(hash_col, hash_col, 66, None, {"hidden": True})  # full hash: not printed
    if season is None:
        for c in SEASON_COLUMNS:
            ws.set_column(c, c, LEDGER_COLUMNS[c][1], None, {"hidden": True})
    for r, row in enumerate(run.ledger, start=4):
        st = f.status.get(row.status, f.cell)
        late = row.timeliness == "late"
        texts = [row.unit_code, row.unit_name, STATUS_VI[row.status], str(row.version or ""),
                 show_time(row.received), TIMELINESS_VI.get(row.timeliness, ""),
                 row.approval, row.file, vn_time(row.modified) if row.modified else ""]
        for c, v in enumerate(texts):
            ws.write_string(r, c, v, st if c == 2 else f.late if c == 5 and late else f.cell)
        ws.write_number(r, 9, row.errors, f.num)
        ws.write_number(r, 10, row.warnings, f.num)
        if row.changes:
            ws.write_number(r, 11, row.changes, f.num)
        else:
            ws.write_blank(r, 11, None, f.num)
        ws.write_string(r, 12, row.note, f.cell)
        ws.write_string(r, 13, row.form_version, f.cell)
        ws.write_string(r, 14, row.sha256[:HASH_SHOWN], f.cell)
        ws.write_string(r, 15, row.sha256, f.cell)
        ws.set_row(r, LINE * max(wrapped_lines(row.file, 24), wrapped_lines(row.note, 40),
                                 wrapped_lines(row.unit_name, 24),
                                 wrapped_lines(row.approval, 18),
                                 wrapped_lines(STATUS_VI[row.status], 15)))
    last = 3 + len(run.ledger)
    ws.write_string(last + 2, 0, f"«Mã kiểm tra»: {HASH_SHOWN} ký tự đầu của mã SHA-256 của tệp "
                    "nhận được (mã đầy đủ ở cột ẩn và trong báo cáo JSON).", f.note_line)
    end = last + 2
    if season is not None and season.history:
        history_block(ws, last + 4, season, f)
        end = last + 5 + len(season.history)
    ws.freeze_panes(4, 2)
    ws.autofilter(3, 0, last, hash_col)
    page_setup(ws, landscape=True, repeat=(3, 3), area=(0, 0, end, hash_col - 1))


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
    form = run.form
    labels = {p.key: p.label for p in form.periods}
    labels.update(target=form.label("target", "Chỉ tiêu"), prev=form.label("prev", "Năm trước"),
                  base=form.label("base", "Đầu nhiệm kỳ"))
    ws.write_string(0, 0, "CHI TIẾT THEO ĐƠN VỊ (đối chiếu số tổng hợp)", f.title)
    ws.write_string(1, 0, "Cột «Cộng» là công thức cộng các đơn vị; cột «Khớp» so với trang "
                    f"«{CONSOLIDATED_SHEET}».", f.note_line)
    head = [("Dòng", 6), ("Chỉ tiêu", 40), ("Kỳ", 9), *[(s.unit_code, 9) for s in used],
            ("Cộng", 10), (CONSOLIDATED_SHEET, 10), ("Khớp", 6)]
    table_head(ws, f, 3, head)
    first_unit, last_unit = 3, 3 + len(used) - 1
    sum_col = last_unit + 1
    r = 4
    keys = form.value_keys
    shown = ""
    block = 64  # index keys read per pass: one read per unit and block, not per value
    for start in range(0, len(keys), block):
        chunk = keys[start:start + block]
        columns = value_block(used, start, len(chunk))
        for j, (code, key) in enumerate(chunk):
            vals = [col[j] for col in columns]
            if all(math.isnan(v) for v in vals) or code not in run.totals:
                continue
            # the label once per indicator (its first row), wrapped: the rows stay short
            label = form.indicator(code).label if code != shown else ""
            shown = code
            ws.write_string(r, 0, code, f.cell)
            ws.write_string(r, 1, label, f.cell)
            ws.write_string(r, 2, labels.get(key, key), f.cell)
            if label:
                ws.set_row(r, LINE * wrapped_lines(label, 40))
            write_numbers(ws, r, first_unit, vals, f.num)
            total = run.totals[code].get(key, 0.0)
            span = f"{a1.cell(r, first_unit)}:{a1.cell(r, last_unit)}"
            ws.write_formula(r, sum_col, f"=SUM({span})", f.num, total)
            ref = f"{quote_sheet(m.sheet)}!{m.addr(code, key)}"
            ws.write_formula(r, sum_col + 1, f"={ref}", f.num, total)
            s_cell, t_cell = a1.cell(r, sum_col), a1.cell(r, sum_col + 1)
            ws.write_formula(r, sum_col + 2, f'=IF(ABS(N({s_cell})-N({t_cell}))<=1E-6*MAX(1,'
                             f'ABS(N({t_cell}))),"Khớp","LỆCH")', f.cell, "Khớp")
            r += 1
    ws.freeze_panes(4, 3)
    ws.autofilter(3, 0, max(r - 1, 3), len(head) - 1)
    page_setup(ws, landscape=True, repeat=(3, 3), area=(0, 0, max(r - 1, 3), len(head) - 1))


def _issues_sheet(wb, run: Consolidation, f: _Formats) -> None:
    ws = wb.add_worksheet(ISSUES_SHEET)
    ws.write_string(0, 0, "LỖI VÀ CẢNH BÁO CỦA CÁC TỆP NHẬN ĐƯỢC", f.title)
    head = [("Tệp", 24), ("Đơn vị", 9), ("Mức", 8), ("Loại", 20), ("Trang", 11), ("Ô", 6),
            ("Dòng", 6), ("Kỳ", 7), ("Nội dung", 70)]
    table_head(ws, f, 2, head)
    labels = {p.key: p.label for p in run.form.periods} if run.form is not None else {}
    r = 3
    for s in run.submissions:
        for i in s.report.issues:
            for c, v in enumerate([s.source.name, s.unit_code or s.report.unit_code,
                                   i.severity_vi, i.title, i.sheet, i.cell,
                                   i.indicator, labels.get(i.period, i.period), i.message]):
                ws.write_string(r, c, str(v), f.cell)
            ws.set_row(r, LINE * max(wrapped_lines(i.message, 70), wrapped_lines(i.title, 20),
                                     wrapped_lines(s.source.name, 24)))
            r += 1
    ws.freeze_panes(3, 0)
    ws.autofilter(2, 0, max(r - 1, 2), len(head) - 1)
    page_setup(ws, landscape=True, repeat=(2, 2), area=(0, 0, max(r - 1, 2), len(head) - 1))
