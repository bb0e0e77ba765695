"""``unionxl template FORM -o OUT.xlsx [--unit] [--unit-name] [--data] [--term|--year]
[--profile] [--province] [--units]``."""

from __future__ import annotations

import argparse
import sys

from ...errors import UnionxlError
from ...form import load_form
from ...workbook.template import write_template
from ...workbook.tidy import Row, read_tidy, to_values
from ..options import add_period, add_profile, form_of, profile_of
from ..registry_options import add_registry, registry_of


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("form", metavar="BIỂU_MẪU", help="mã biểu mẫu (xem «unionxl form list»)")
    p.add_argument("-o", "--output", required=True, metavar="TỆP.xlsx", help="tệp Excel ghi ra")
    p.add_argument("--unit", default="", metavar="MÃ", help="mã đơn vị báo cáo")
    p.add_argument("--unit-name", default="", metavar="TÊN", help="tên đơn vị báo cáo")
    p.add_argument("--data", metavar="SỐ_LIỆU.csv", help="điền sẵn số liệu từ tệp CSV")
    add_period(p)
    add_registry(p)
    add_profile(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    profile = profile_of(args)
    registry = registry_of(args, profile)
    form = form_of(args, args.form, profile)
    on = form.periods[-1].end
    if form.per_unit:  # one row per unit under the allocating body, on the first day
        if registry is None:
            raise UnionxlError(f"Biểu mẫu {form.id} có một dòng cho mỗi đơn vị: cần danh sách "
                               "đơn vị (--units, hoặc «registry» trong hồ sơ tỉnh).")
        start = form.periods[0].start
        rows = registry.expected(args.unit or profile.body_code or None, start)
        form = load_form(args.form, form.term, tuple((u.code, u.name) for u in rows))
    unit = (registry.at(args.unit, on) or registry.latest(args.unit)) if (
        registry is not None and args.unit) else None
    name = args.unit_name or (unit.name if unit else "")
    data = {}
    rounded: list[Row] = []
    if args.data:
        data = to_values(read_tidy(args.data), form, args.data, args.unit or None, rounded)
    for r in rounded:
        print(f"Cảnh báo: giá trị {r.value!r} (chỉ tiêu {r.indicator}, kỳ {r.period}) có hơn 15 "
              "chữ số có nghĩa; Excel chỉ giữ 15 chữ số nên đã làm tròn.", file=sys.stderr)
    write_template(form, args.output, args.unit, name, profile, data)
    n = sum(len(v) for v in data.values())
    what = "năm" if form.single_year else "nhiệm kỳ"
    print(f"Đã tạo {args.output} ({form.display_name}, {what} {form.term}"
          + (f", tỉnh {profile.province}" if profile.province else "")
          + (f", đơn vị {name or args.unit}" if (name or args.unit) else "")
          + (f", {len(form.entities)} đơn vị" if form.per_unit else "")
          + (f", {n} ô điền sẵn" if n else "") + ").")
    return 0
