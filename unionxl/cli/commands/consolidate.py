"""``unionxl consolidate INPUT… -o OUT.xlsx [--units] [--json] [--targets] …``."""

from __future__ import annotations

import argparse
import json
import sys

from ...atomic import atomic_output
from ...consolidation import achievement, consolidate, load_units, write_consolidated
from ...form import load_form
from ..console import print_ledger, progress_bar


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="ĐẦU_VÀO",
                     help="tệp Excel, thư mục, thư điện tử (.eml, .msg) hoặc tệp nén .zip")
    p.add_argument("-o", "--output", required=True, metavar="TỔNG_HỢP.xlsx")
    p.add_argument("--units", metavar="DANH_SÁCH", help="danh sách đơn vị phải báo cáo "
                     "(CSV hoặc XLSX, cột code,name)")
    p.add_argument("--json", metavar="BÁO_CÁO.json", help="ghi kết quả dạng JSON")
    p.add_argument("--unit", default="TONG-HOP", metavar="MÃ",
                     help="mã đơn vị tổng hợp (ghi vào tệp kết quả)")
    p.add_argument("--unit-name", default="", metavar="TÊN", help="tên đơn vị tổng hợp")
    p.add_argument("--form", metavar="BIỂU_MẪU", help="biểu mẫu (mặc định: theo đa số tệp)")
    p.add_argument("--term", help="nhiệm kỳ, ví dụ 2023-2028")
    p.add_argument("--province", help="tên tỉnh ở tiêu đề")
    p.add_argument("--targets", metavar="CHỈ_TIÊU.xlsx",
                     help="tệp chỉ tiêu giao (biểu mẫu phan-bo-chi-tieu): báo cáo mức đạt")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                     help="số tiến trình đọc song song (mặc định: 2)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    units = load_units(args.units) if args.units else None
    form = load_form(args.form, args.term) if args.form else None
    result = consolidate(args.inputs, units, form, args.workers, progress=progress_bar)
    if args.targets and result.form is not None:
        result.achievement = achievement(result, args.targets)
    write_consolidated(result, args.output, args.unit, args.unit_name, args.province)
    if args.json:
        with atomic_output(args.json) as tmp:
            tmp.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                           encoding="utf-8")
    print_ledger(result)
    if result.form is None:
        print("Không có tệp nào là biểu mẫu unionxl đọc được; không có gì để tổng hợp. Lý do "
              "từng tệp ghi ở trên và trong tệp kết quả.", file=sys.stderr)
    print(f"Kết quả: {args.output}" + (f"; báo cáo JSON: {args.json}" if args.json else ""))
    return result.exit_code
