"""``unionxl rollup QUARTERLY.xlsx -o ANNUAL.xlsx``."""

from __future__ import annotations

import argparse

from ...consolidation.rollup import rollup_book


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("book", metavar="BÁO_CÁO_QUÝ.xlsx", help="báo cáo quý của đơn vị")
    p.add_argument("-o", "--output", required=True, metavar="BÁO_CÁO_NĂM.xlsx",
                   help="báo cáo năm ghi ra")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    print(f"Đã cộng dồn các quý thành báo cáo năm: {rollup_book(args.book, args.output)}")
    return 0
