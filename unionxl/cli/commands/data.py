"""``unionxl data export BOOK.xlsx -o DATA.csv [--unit CODE]``."""

from __future__ import annotations

import argparse
import sys

from ...workbook.reader import read_book
from ...workbook.tidy import write_tidy


def add(p: argparse.ArgumentParser) -> None:
    dsub = p.add_subparsers(dest="data_command", metavar="LỆNH", required=True)
    exp = dsub.add_parser("export", help="xuất các ô nhập liệu ra CSV")
    exp.add_argument("book", metavar="TỆP.xlsx", help="tệp báo cáo")
    exp.add_argument("-o", "--output", required=True, metavar="SỐ_LIỆU.csv",
                     help="tệp CSV ghi ra (cột unit_code,indicator,period,value)")
    exp.add_argument("--unit", metavar="MÃ", help="mã đơn vị ghi vào CSV (mặc định: theo tệp)")
    exp.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    book = read_book(args.book)
    rows, skipped = book.tidy_rows(args.unit)
    n = write_tidy(rows, args.output)
    print(f"Đã xuất {n} ô số liệu của {book.path.name} ra {args.output}.")
    for addr, code, key, cell in skipped:
        print(f"Cảnh báo: bỏ qua ô {book.sheet}!{addr} (chỉ tiêu {code}, kỳ {key}) vì "
              f"«{cell.raw}» không phải số. Chạy «unionxl validate» để xem cách sửa.",
              file=sys.stderr)
    return 0
