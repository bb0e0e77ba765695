"""What the consolidated workbook shows of the season: the approval mark (printed with the notes),
the sheet «Thay đổi» (every input cell changed between successive versions of a unit's return),
the round's rates and the rounds before it under the ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..workbook.printing import LINE, page_setup, wrapped_lines
from .approval import Mark
from .changes import VersionChanges
from .register import Round
from .timeliness import Rates, show_date, show_time

CHANGES_SHEET = "Thay đổi"


@dataclass
class SeasonView:
    """A round as the book and the JSON report show it."""

    round: Round
    rates: Rates
    mark: Mark
    changes: list[VersionChanges] = field(default_factory=list)
    history: list[tuple[Round, Rates]] = field(default_factory=list)
    register: str = ""  # the register's file name
    new_files: int = 0  # files this run added to the register

    def to_dict(self) -> dict[str, Any]:
        return {"register": self.register, "round": {"key": self.round.key,
                                                     "name": self.round.name,
                                                     "deadline": self.round.deadline},
                "new_files": self.new_files, "rates": self.rates.to_dict(),
                "approval": {"approved_only": self.mark.approved_only,
                             "approved": self.mark.approved, "expected": self.mark.expected,
                             "waiting": self.mark.waiting},
                "changes": [c.to_dict() for c in self.changes],
                "history": [{"round": r.name, **x.to_dict()} for r, x in self.history]}


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%".replace(".", ",")


def rates_line(rates: Rates) -> str:
    text = (f"Đủ báo cáo: {rates.complete}/{rates.expected} đơn vị ({pct(rates.completeness)})"
            f"; chưa có báo cáo đạt: {rates.missing}.")
    if rates.deadline:
        text += (f" Hạn nộp {show_date(rates.deadline)}: đúng hạn {rates.on_time}/"
                 f"{rates.expected} ({pct(rates.timeliness)}), muộn {rates.late}.")
    else:
        text += " Chưa đặt hạn nộp (--deadline) nên chưa tính tỷ lệ đúng hạn."
    return text


def changes_sheet(wb, changes: list[VersionChanges], f) -> None:
    ws = wb.add_worksheet(CHANGES_SHEET)
    ws.write_string(0, 0, "THAY ĐỔI GIỮA CÁC LẦN GỬI BÁO CÁO", f.title)
    total = sum(len(c.cells) for c in changes)
    ws.write_string(1, 0, f"Mỗi dòng là một ô nhập liệu khác với lần gửi trước của cùng đơn vị "
                    f"({total} ô). «Ô» là địa chỉ trong tệp gửi sau; các lần gửi xếp theo thời "
                    "điểm đơn vị lưu tệp.", f.lead)
    head = ["Mã đơn vị", "Tên đơn vị", "Từ lần", "Sang lần", "Nhận lần sau lúc", "Ô",
            "Mã chỉ tiêu", "Chỉ tiêu", "Năm", "Cũ", "Mới", "Chênh lệch"]
    widths = [10, 26, 7, 8, 16, 7, 9, 44, 9, 12, 12, 11]
    for c, (h, w) in enumerate(zip(head, widths, strict=True)):
        ws.write_string(3, c, h, f.header)
        ws.set_column(c, c, w)
    r = 4
    for vc in changes:
        fixed = [vc.unit_code, vc.unit_name, vc.old.seq, vc.new.seq,
                 show_time(vc.new.received_at)]
        if not vc.readable:
            _write_row(ws, r, [*fixed, "", "", "Không so được: một trong hai bản không đọc "
                               "được như sổ tính Excel.", "", "", "", ""], f)
            r += 1
        for cell in vc.cells:
            _write_row(ws, r, [*fixed, cell.cell, cell.indicator, cell.label,
                               cell.period_vi, cell.old, cell.new, cell.delta], f)
            ws.set_row(r, LINE * max(wrapped_lines(cell.label, 44),
                                     wrapped_lines(vc.unit_name, 26)))
            r += 1
    if r == 4:
        ws.write_string(4, 0, "Chưa có đơn vị nào gửi lại báo cáo với số liệu khác.", f.note)
    ws.freeze_panes(4, 2)
    ws.autofilter(3, 0, max(r - 1, 3), len(head) - 1)
    page_setup(ws, landscape=True, repeat=(3, 3), area=(0, 0, max(r - 1, 4), len(head) - 1))


def _write_row(ws, r: int, values: list, f, start: int = 0) -> None:
    for c, v in enumerate(values, start=start):
        if v is None or v == "":
            ws.write_blank(r, c, None, f.cell)
        elif isinstance(v, (int, float)):
            ws.write_number(r, c, v, f.num)
        else:
            ws.write_string(r, c, str(v), f.cell)


def history_block(ws, row: int, view: SeasonView, f) -> None:
    """The rounds the register keeps, with their rates, under the ledger."""
    ws.write_string(row, 0, "CÁC KỲ BÁO CÁO TRONG SỔ THEO DÕI", f.title)
    head = ["Hạn nộp", "Phải nộp", "Đủ", "Tỷ lệ đủ", "Đúng hạn", "Tỷ lệ đúng hạn", "Muộn"]
    ws.merge_range(row + 1, 0, row + 1, 1, "Kỳ báo cáo", f.header)
    for c, h in enumerate(head, start=2):
        ws.write_string(row + 1, c, h, f.header)
    for i, (rnd, x) in enumerate(view.history, start=row + 2):
        ws.merge_range(i, 0, i, 1, rnd.name, f.cell)
        values = [show_date(rnd.deadline), x.expected, x.complete, pct(x.completeness),
                  x.on_time if x.deadline else "—", pct(x.timeliness),
                  x.late if x.deadline else "—"]
        _write_row(ws, i, values, f, start=2)
        ws.set_row(i, 15 * max(1, -(-len(rnd.name) // 34)))
