"""``unionxl export BOOK -o DIR [--to ADDRESS] [--force]``."""

from __future__ import annotations

import argparse

from ...excel.export import export


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("book", metavar="TỆP.xlsx", help="tệp báo cáo cần gửi")
    p.add_argument("-o", "--output", required=True, metavar="THƯ_MỤC",
                   help="thư mục ghi tệp gửi đi và thư nháp")
    p.add_argument("--to", default="", metavar="ĐỊA_CHỈ", help="địa chỉ thư người nhận")
    p.add_argument("--force", action="store_true", help="xuất cả khi còn lỗi")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    res = export(args.book, args.output, args.to, args.force)
    print(f"Tệp gửi đi: {res.workbook}\nThư nháp (mở bằng Outlook): {res.draft}\n"
          f"Kiểm tra: {res.report.errors} lỗi, {res.report.warnings} cảnh báo.")
    return 0
