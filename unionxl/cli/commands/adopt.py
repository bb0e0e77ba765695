"""``unionxl adopt BOOK -o OUT.xlsx [--form FORM] [--term T] [--unit CODE] [--json MAP.json]``."""

from __future__ import annotations

import argparse
import json
import sys

from ...atomic import atomic_output
from ...consolidation.adopt import adopt
from ...form import load_form
from ...workbook.template import write_template
from ..console import issue_line
from ..options import add_profile, profile_of

MARKS = {"mapped": "✓", "low-confidence": "?", "unknown": "✗"}


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("book", metavar="TỆP_TỰ_LẬP.xlsx",
                   help="phụ lục tự lập (không có khóa unionxl)")
    p.add_argument("-o", "--output", required=True, metavar="TỆP_RA.xlsx",
                   help="biểu mẫu unionxl ghi ra")
    p.add_argument("--form", default="phu-luc-nhiem-ky", metavar="BIỂU_MẪU",
                   help="biểu mẫu đích (mặc định: phụ lục nhiệm kỳ)")
    p.add_argument("--term", metavar="NHIỆM_KỲ", help="nhiệm kỳ của phụ lục tự lập (mặc "
                   "định: nhiệm kỳ của biểu mẫu gốc, 2018-2023)")
    p.add_argument("--unit", default="", metavar="MÃ", help="mã đơn vị báo cáo")
    p.add_argument("--json", metavar="BÁO_CÁO.json", help="ghi bảng đối chiếu dòng dạng JSON")
    add_profile(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    result = adopt(args.book, load_form(args.form, args.term))
    for r in result.rows:
        code = "/".join(r.codes) or (f"gần {r.candidate}" if r.candidate else "-")
        print(f"  {MARKS[r.status]} dòng {r.row:>3} → {code:<12} ({r.confidence:.2f}) "
              f"{r.label[:70]}")
    for problem in result.problems:
        print(issue_line(problem), file=sys.stderr)
    write_template(result.form, args.output, args.unit, result.unit_name, profile_of(args),
                   result.values)
    left = [r for r in result.rows if r.status != "mapped"]
    print(f"Đã nhận {len(result.rows) - len(left)}/{len(result.rows)} dòng theo nhãn; "
          f"{len(left)} dòng cần xem lại (không đoán). Biểu mẫu mới: {args.output}")
    if args.json:
        with atomic_output(args.json) as tmp:
            tmp.write_text(json.dumps({"rows": [r.to_dict() for r in result.rows],
                                       "problems": [p.to_dict() for p in result.problems]},
                                      ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if left or result.problems else 0
