"""``unionxl registry check UNITS [--changes] [--date] [--unit]`` /
``unionxl registry workbook -o OUT.xlsx [--units] [--changes]``."""

from __future__ import annotations

import argparse
from datetime import date

from ...consolidation import load_registry, registry_for
from ...consolidation.registry import EVENTS_VI, fmt
from ...consolidation.registry_book import write_registry_book
from ...errors import UnionxlError
from ...form import calendar
from ..registry_options import add_registry


def add(p: argparse.ArgumentParser) -> None:
    rsub = p.add_subparsers(dest="registry_command", metavar="LỆNH", required=True)
    check = rsub.add_parser("check", help="kiểm tra danh sách đơn vị và biến động; liệt kê "
                            "đơn vị phải báo cáo vào một ngày")
    check.add_argument("units", metavar="DANH_SÁCH", help="CSV, hoặc Excel có trang «Đơn vị» "
                       "và «Biến động»")
    check.add_argument("--changes", metavar="BIẾN_ĐỘNG.csv", help="biến động (khi danh sách "
                       "là CSV)")
    check.add_argument("--date", metavar="NGÀY", help="ngày xem cơ cấu (dd/mm/yyyy; mặc định: "
                       "hôm nay)")
    check.add_argument("--unit", metavar="MÃ", help="đơn vị tổng hợp (mặc định: đơn vị cao "
                       "nhất)")
    check.set_defaults(run=run_check)
    book = rsub.add_parser("workbook", help="lập tệp Excel danh sách đơn vị để cập nhật bằng "
                           "tay (từ danh sách có sẵn, hoặc trống)")
    book.add_argument("-o", "--output", required=True, metavar="TỆP.xlsx")
    add_registry(book)
    book.set_defaults(run=run_workbook)


def _date(text: str | None) -> date:
    if not text:
        return calendar.today()
    parts = text.replace("-", "/").split("/")
    try:
        if len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except (ValueError, IndexError):
        raise UnionxlError(f"Ngày «{text}» không hợp lệ; ghi dạng 31/12/2026.") from None


def run_check(args: argparse.Namespace) -> int:
    reg = load_registry(args.units, args.changes)
    on = _date(args.date)
    root = reg.root(args.unit, on)
    units = reg.expected(args.unit, on)
    print(f"Danh sách hợp lệ: {len({u.code for u in reg.units})} đơn vị, {len(reg.changes)} "
          "biến động.")
    who = f"{root.code} – {root.name}" if root else "đơn vị tổng hợp"
    print(f"Ngày {fmt(on)}: {len(units)} đơn vị báo cáo cho {who}:")
    for u in units:
        print(f"  {u.code:<14} {u.name:<50.50} {u.kind_vi}")
    for c in reg.changes:
        target = f" → {c.target}" if c.target else ""
        print(f"  {fmt(c.date)} {EVENTS_VI[c.event]:<16} {c.source}{target}"
              + (f" ({c.note})" if c.note else ""))
    return 0


def run_workbook(args: argparse.Namespace) -> int:
    reg = registry_for(args.units, args.changes)
    out = write_registry_book(reg, args.output)
    print(f"Đã tạo {out}" + (f" ({len(reg.units)} dòng đơn vị, {len(reg.changes)} biến động)"
                             if reg else " (trống)") + ".")
    return 0
