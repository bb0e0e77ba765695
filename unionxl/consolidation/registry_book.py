"""The registry as an Excel workbook an officer keeps by hand: a sheet of units and a sheet of
changes, Vietnamese headers, drop-down lists for kinds and events, dates as dates. Read back by
``registry_io.load_registry`` like the CSV files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from ..atomic import atomic_output
from ..workbook.styles import FONT, HEADER_FILL
from .registry import EVENTS_VI, KINDS_VI, Registry, share_text

UNIT_HEAD = [("Mã đơn vị", 14), ("Tên đơn vị", 48), ("Loại đơn vị", 34), ("Mã cấp trên", 14),
             ("Từ ngày", 12), ("Đến ngày", 12)]
CHANGE_HEAD = [("Ngày", 12), ("Biến động", 18), ("Đơn vị cũ", 14), ("Đơn vị mới", 14),
               ("Tỷ lệ", 9), ("Căn cứ", 28), ("Ghi chú", 60)]
NOTE = ("Mỗi dòng một đơn vị (đơn vị đổi tên, đổi cấp trên mà giữ mã thì thêm dòng mới với «Từ "
        "ngày», dòng cũ ghi «Đến ngày»). Biến động: sáp nhập (cộng số liệu), chia tách (ghi tỷ lệ "
        "từng đơn vị mới, hoặc «không so sánh» ở cột Căn cứ), đổi tên/đổi mã, chuyển cấp trên, "
        "giải thể.")


def write_registry_book(reg: Registry | None, out: str | Path) -> Path:
    with atomic_output(out) as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        base = {"font_name": FONT, "font_size": 11}
        head = wb.add_format({**base, "bold": True, "border": 1, "bg_color": HEADER_FILL,
                              "text_wrap": True, "valign": "top"})
        cell = wb.add_format({**base, "border": 1})
        day = wb.add_format({**base, "border": 1, "num_format": "dd/mm/yyyy"})
        note = wb.add_format({**base, "italic": True, "text_wrap": True})
        units = wb.add_worksheet("Đơn vị")
        changes = wb.add_worksheet("Biến động")
        for ws, cols in ((units, UNIT_HEAD), (changes, CHANGE_HEAD)):
            for c, (h, w) in enumerate(cols):
                ws.write_string(0, c, h, head)
                ws.set_column(c, c, w)
            ws.freeze_panes(1, 0)
        rows = reg.units if reg else []
        for r, u in enumerate(rows, start=1):
            for c, v in enumerate([u.code, u.name, KINDS_VI.get(u.kind, ""), u.parent]):
                units.write_string(r, c, v, cell)
            for c, d in ((4, u.valid_from), (5, u.valid_to)):
                if d:
                    units.write_datetime(r, c, _dt(d), day)
                else:
                    units.write_blank(r, c, None, day)
        for r, ch in enumerate(reg.changes if reg else [], start=1):
            changes.write_datetime(r, 0, _dt(ch.date), day)
            for c, v in enumerate([EVENTS_VI[ch.event].split(",")[0], ch.source, ch.target,
                                   share_text(ch.share) if ch.share else "", ch.basis,
                                   ch.note], start=1):
                changes.write_string(r, c, v, cell)
        last = 2000
        units.data_validation(1, 2, last, 2, {"validate": "list", "source": "=Loại!$A$1:$A$10"})
        changes.data_validation(1, 1, last, 1, {"validate": "list",
                                                "source": [v.split(",")[0] for v in
                                                           EVENTS_VI.values()]})
        for ws in (units, changes):
            ws.data_validation(1, 4 if ws is units else 0, last, 5 if ws is units else 0,
                               {"validate": "date", "criteria": ">", "value": datetime(1950, 1, 1),
                                "input_title": "Ngày dd/mm/yyyy",
                                "input_message": "Ghi ngày, ví dụ 01/07/2025."})
        guide = wb.add_worksheet("Hướng dẫn")
        guide.set_column(0, 0, 100)
        guide.write_string(0, 0, NOTE, note)
        kinds = wb.add_worksheet("Loại")
        for r, k in enumerate(KINDS_VI.values()):
            kinds.write_string(r, 0, k)
        kinds.hide()
        units.activate()
        wb.close()
    return Path(out)


def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)
