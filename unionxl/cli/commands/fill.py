"""``unionxl fill BOOK.xlsx [-o OUT.xlsx]``."""

from __future__ import annotations

import argparse

from ...workbook.fill import fill


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("book", metavar="TỆP.xlsx", help="tệp báo cáo")
    p.add_argument("-o", "--output", metavar="TỆP_RA.xlsx",
                   help="ghi ra tệp khác (mặc định: ghi đè an toàn lên chính tệp)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    res = fill(args.book, args.output)
    print(f"Đã điền {res.written} công thức vào {res.path} (trang «{res.sheet}»); "
          f"{len(res.restored)} ô công thức bị thiếu hoặc bị ghi đè đã được khôi phục.")
    return 0
