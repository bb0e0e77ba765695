"""``unionxl fix-numbers BOOK -o OUT.xlsx``."""

from __future__ import annotations

import argparse
import sys

from ...validation.fixnumbers import fix_numbers


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("book", metavar="TỆP.xlsx", help="tệp báo cáo")
    p.add_argument("-o", "--output", required=True, metavar="TỆP_RA.xlsx",
                   help="bản đã sửa ghi ra (tệp gốc giữ nguyên)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    res = fix_numbers(args.book, args.output)
    for addr, text, value in res.converted:
        print(f"Đã đổi {addr}: «{text}» → {value:g}")
    for addr, text, why in res.left:
        print(f"Chưa đổi {addr}: «{text}» ({why})", file=sys.stderr)
    print(f"Đã đổi {len(res.converted)} ô, còn {len(res.left)} ô cần sửa tay. Ghi ra "
          f"{args.output}.")
    return 1 if res.left else 0
