"""``unionxl addin build|install|uninstall|kit``."""

from __future__ import annotations

import argparse

from ...excel import addin, kit


def add(p: argparse.ArgumentParser) -> None:
    asub = p.add_subparsers(dest="addin_command", metavar="LỆNH", required=True)
    ab = asub.add_parser("build", help="dựng UnionXL.xlam từ mã nguồn đi kèm gói")
    ab.add_argument("-o", "--output", metavar="TỆP.xlam",
                    help="mặc định: workbook_templates/ trong bản mã nguồn, nếu không thì thư "
                         "mục hiện tại")
    ai = asub.add_parser("install", help="cài add-in vào Excel (thư mục XLSTART)")
    ai.add_argument("--dir", metavar="THƯ_MỤC", help="cài vào thư mục khác (thử nghiệm)")
    au = asub.add_parser("uninstall", help="gỡ add-in khỏi Excel")
    au.add_argument("--dir", metavar="THƯ_MỤC", help="thư mục đã cài (thử nghiệm)")
    ak = asub.add_parser("kit", help="bộ cài không cần mạng cho Windows (gói, cai-dat.cmd, "
                                     "HUONG-DAN.txt)")
    ak.add_argument("-o", "--output", metavar="THƯ_MỤC", required=True)
    ak.add_argument("--python", metavar="3.X", action="append", choices=addin.PYTHONS,
                    help="chỉ cho phiên bản Python này (lặp lại được); mặc định: "
                         + ", ".join(addin.PYTHONS))
    ak.add_argument("--from", dest="source", metavar="THƯ_MỤC",
                    help="lấy các gói từ thư mục này thay vì từ PyPI (không dùng mạng)")
    for parser in (ab, ai, au, ak):
        parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.addin_command == "build":
        print(f"Đã dựng add-in: {addin.build(args.output)}")
    elif args.addin_command == "install":
        path = addin.install(args.dir)
        print(f"Đã cài add-in: {path}. Mở lại Excel để thấy thẻ «Công đoàn»; nếu Excel chặn "
              "macro, xem hướng dẫn sử dụng (mục «Khi Excel chặn macro»).")
    elif args.addin_command == "kit":
        made = kit.make_kit(args.output, tuple(sorted(set(args.python or addin.PYTHONS))),
                            args.source)
        print(f"Đã tạo bộ cài trong {made.folder}: {len(made.wheels)} gói cho Python "
              f"{', '.join(made.pythons)}, cai-dat.cmd và HUONG-DAN.txt.")
    else:
        path = addin.uninstall(args.dir)
        print(f"Đã gỡ add-in: {path}." if path else "Không thấy add-in đã cài; không có gì để gỡ.")
    return 0
