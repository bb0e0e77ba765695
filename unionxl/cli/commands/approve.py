"""``unionxl approve TỔNG_HỢP.xlsx --unit MÃ… | --all [--by TÊN] [--reason LÝ_DO] [--reopen]``.

Approval is recorded in the round's register (beside the workbook) with who and why; the
workbook is then written again from the register so that its first page and identity say
whether it is built from approved returns only."""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path

from ...consolidation.rounds import approve_units
from ..ledger import print_season


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("book", metavar="TỔNG_HỢP.xlsx", help="bảng tổng hợp của kỳ báo cáo")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--unit", action="append", default=[], metavar="MÃ",
                     help="mã đơn vị (nhắc lại để duyệt nhiều đơn vị)")
    who.add_argument("--all", action="store_true",
                     help="duyệt mọi đơn vị có báo cáo đạt chưa được duyệt")
    p.add_argument("--reopen", action="store_true",
                   help="mở khóa báo cáo đã duyệt (bắt buộc ghi --reason) để dùng bản gửi sau")
    p.add_argument("--by", default="", metavar="TÊN", help="người duyệt (mặc định: tên người "
                   "dùng máy tính)")
    p.add_argument("--reason", default="", metavar="LÝ_DO", help="lý do (bắt buộc khi mở khóa)")
    p.add_argument("--register", metavar="SỔ.sqlite",
                   help="sổ theo dõi (mặc định: so-theo-doi.sqlite cạnh bảng tổng hợp)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.reopen and args.all:
        print("Mở khóa từng đơn vị một (--unit), không dùng --all.")
        return 2
    by = args.by.strip() or getpass.getuser()
    outcomes, rebuilt = approve_units(args.book, args.unit, by, args.reason, args.reopen,
                                      args.all, Path(args.register) if args.register else None)
    for o in outcomes:
        print(("  ✓ " if o.done else "  ✗ ") + o.message)
    if not outcomes:
        print("Không có đơn vị nào cần duyệt.")
    if rebuilt is not None:
        print(f"Đã ghi lại {args.book}.")
        print_season(rebuilt)
    return 0 if all(o.done for o in outcomes) else 1
