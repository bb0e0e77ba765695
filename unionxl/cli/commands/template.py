"""``unionxl template FORM -o OUT.xlsx [--unit] [--unit-name] [--data] [--term] [--province]``."""

from __future__ import annotations

import argparse
import sys

from ...consolidation import lookup_unit
from ...form import load_form
from ...workbook.template import write_template
from ...workbook.tidy import Row, read_tidy, to_values


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("form", metavar="BIỂU_MẪU")
    p.add_argument("-o", "--output", required=True, metavar="TỆP.xlsx")
    p.add_argument("--unit", default="", metavar="MÃ", help="mã đơn vị báo cáo")
    p.add_argument("--unit-name", default="", metavar="TÊN", help="tên đơn vị báo cáo")
    p.add_argument("--data", metavar="SỐ_LIỆU.csv", help="điền sẵn số liệu từ tệp CSV")
    p.add_argument("--term", help="nhiệm kỳ, ví dụ 2023-2028 (mặc định theo biểu mẫu)")
    p.add_argument("--province", help="tên tỉnh ở tiêu đề (mặc định theo biểu mẫu)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    form = load_form(args.form, args.term)
    unit = lookup_unit(args.unit)
    name = args.unit_name or (unit.name if unit else "")
    data = {}
    rounded: list[Row] = []
    if args.data:
        data = to_values(read_tidy(args.data), form, args.data, args.unit or None, rounded)
    for r in rounded:
        print(f"Cảnh báo: giá trị {r.value!r} (chỉ tiêu {r.indicator}, kỳ {r.period}) có hơn 15 "
              "chữ số có nghĩa; Excel chỉ giữ 15 chữ số nên đã làm tròn.", file=sys.stderr)
    write_template(form, args.output, args.unit, name, args.province, data)
    n = sum(len(v) for v in data.values())
    print(f"Đã tạo {args.output} (biểu mẫu {form.id}, nhiệm kỳ {form.term}"
          + (f", đơn vị {name or args.unit}" if (name or args.unit) else "")
          + (f", {n} ô điền sẵn" if n else "") + ").")
    return 0
