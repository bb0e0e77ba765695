"""``unionxl addin build|install|uninstall``."""

from __future__ import annotations

import argparse

from ...excel import addin


def add(p: argparse.ArgumentParser) -> None:
    asub = p.add_subparsers(dest="addin_command", metavar="LỆNH", required=True)
    ab = asub.add_parser("build", help="dựng UnionXL.xlam từ mã nguồn trong macros/")
    ab.add_argument("-o", "--output", metavar="TỆP.xlam", help="mặc định: workbook_templates/")
    ai = asub.add_parser("install", help="cài add-in vào Excel (thư mục XLSTART)")
    ai.add_argument("--dir", metavar="THƯ_MỤC", help="cài vào thư mục khác (thử nghiệm)")
    au = asub.add_parser("uninstall", help="gỡ add-in khỏi Excel")
    au.add_argument("--dir", metavar="THƯ_MỤC", help="thư mục đã cài (thử nghiệm)")
    for parser in (ab, ai, au):
        parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.addin_command == "build":
        print(f"Đã dựng add-in: {addin.build(args.output or addin.OUTPUT)}")
    elif args.addin_command == "install":
        path = addin.install(args.dir)
        print(f"Đã cài add-in: {path}. Mở lại Excel để thấy thẻ «Công đoàn»; nếu Excel chặn "
              "macro, xem docs/huong-dan-su-dung.md.")
    else:
        path = addin.uninstall(args.dir)
        print(f"Đã gỡ add-in: {path}." if path else "Không thấy add-in đã cài; không có gì để gỡ.")
    return 0
