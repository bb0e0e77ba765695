"""``unionxl consolidate INPUT… -o OUT.xlsx [--units] [--changes] [--history] [--json]
[--targets] [--profile] [--round] [--deadline] …``.

By default the run is recorded in the round's register beside OUT (so-theo-doi.sqlite) and the
reply drafts are written to thu-tra-loi/; ``--no-register`` gives a one-off pass."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ...atomic import atomic_output
from ...consolidation import consolidate, write_consolidated
from ...consolidation.achievement import achievement
from ...consolidation.rounds import DEFAULT_OFFICE, RoundOptions, consolidate_round
from ...consolidation.timeliness import parse_deadline
from ...workbook.tidy import Row, read_tidy, write_tidy
from ..console import progress_bar
from ..ledger import print_ledger, print_season
from ..options import add_period, add_profile, form_of, profile_of
from ..registry_options import add_registry, registry_of


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="ĐẦU_VÀO",
                   help="tệp Excel, thư mục, thư điện tử (.eml, .msg) hoặc tệp nén .zip")
    p.add_argument("-o", "--output", required=True, metavar="TỔNG_HỢP.xlsx",
                   help="sổ tổng hợp ghi ra")
    add_registry(p)
    p.add_argument("--history", nargs="+", metavar="NĂM_TRƯỚC.csv",
                   help="số liệu các năm trước từng đơn vị (CSV unit_code,indicator,period,"
                        "value, ví dụ tệp --tidy của lần tổng hợp trước): được chuyển sang "
                        "cơ cấu đơn vị hiện nay để so sánh với năm trước")
    p.add_argument("--tidy", metavar="SỐ_LIỆU.csv", help="ghi số liệu từng đơn vị đã nhận "
                   "(dùng làm --history cho lần tổng hợp sau)")
    p.add_argument("--json", metavar="BÁO_CÁO.json", help="ghi kết quả dạng JSON")
    p.add_argument("--unit", default="", metavar="MÃ",
                   help="mã đơn vị tổng hợp (mặc định: «body_code» của hồ sơ tỉnh)")
    p.add_argument("--unit-name", default="", metavar="TÊN", help="tên đơn vị tổng hợp")
    p.add_argument("--form", metavar="BIỂU_MẪU", help="biểu mẫu (mặc định: theo đa số tệp)")
    add_period(p)
    p.add_argument("--targets", metavar="CHỈ_TIÊU.xlsx",
                   help="tệp chỉ tiêu giao (biểu mẫu phan-bo-chi-tieu): báo cáo mức đạt")
    p.add_argument("--workers", type=int, default=None, metavar="SỐ",
                   help="số tiến trình đọc song song (mặc định: 2)")
    add_profile(p)
    season = p.add_argument_group("sổ theo dõi kỳ báo cáo")
    season.add_argument("--round", default="", metavar="TÊN_KỲ",
                        help="tên đợt báo cáo khi một biểu mẫu có nhiều đợt, ví dụ «Quý III»")
    season.add_argument("--deadline", metavar="NGÀY", help="hạn nộp của kỳ, ví dụ 15/12/2026 "
                        "(lưu trong sổ, dùng cho các lần sau)")
    season.add_argument("--register", metavar="SỔ.sqlite", help="sổ theo dõi (mặc định: "
                        "so-theo-doi.sqlite cạnh tệp kết quả)")
    season.add_argument("--no-register", action="store_true",
                        help="chỉ tổng hợp các tệp đưa vào, không ghi sổ theo dõi")
    season.add_argument("--no-replies", action="store_true",
                        help="không soạn thư trả lời các đơn vị")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    profile = profile_of(args)
    registry = registry_of(args, profile)
    form = form_of(args, args.form, profile) if args.form else None
    history: list[Row] | None = None
    if args.history:
        history = [r for path in args.history for r in read_tidy(path)]
    code = args.unit or profile.body_code or DEFAULT_OFFICE
    if args.no_register:
        result = consolidate(args.inputs, registry, form, args.workers, progress=progress_bar,
                             root=code, history=history, exclude=(Path(args.output),))
        if args.targets and result.form is not None:
            result.achievement = achievement(result, args.targets)
        root = registry.at(code, result.on) if registry is not None and result.on else None
        name = args.unit_name or (root.name if root else profile.body)
        write_consolidated(result, args.output, code, name, profile)
        report = result.to_dict()
    else:
        opts = RoundOptions(code, args.unit_name, profile, args.round.strip(),
                            parse_deadline(args.deadline) if args.deadline else None,
                            Path(args.register) if args.register else None,
                            not args.no_replies, args.targets)
        done = consolidate_round(args.inputs, args.output, registry, form, opts, args.workers,
                                 progress_bar, history=history)
        result = done.run
        report = {**result.to_dict(),
                  "season": done.season.to_dict() if done.season is not None else None,
                  "replies": [{"unit_code": d.unit_code, "kind": d.kind, "path": str(d.path),
                               "to": d.to} for d in done.drafts]}
    if args.json:
        with atomic_output(args.json) as tmp:
            tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.tidy:
        write_tidy(per_unit_rows(result), args.tidy)
    print_ledger(result)
    if result.form is None:
        print("Không có tệp nào là biểu mẫu unionxl đọc được; không có gì để tổng hợp. Lý do "
              "từng tệp ghi ở trên và trong tệp kết quả.", file=sys.stderr)
    elif not args.no_register:
        print_season(done)
    print(f"Kết quả: {args.output}" + (f"; báo cáo JSON: {args.json}" if args.json else "")
          + (f"; số liệu từng đơn vị: {args.tidy}" if args.tidy else ""))
    return result.exit_code


def per_unit_rows(result) -> list[Row]:
    """The input values of every report counted, one unit each (next season's history)."""
    rows = []
    for s in sorted(result.used, key=lambda s: s.unit_code):
        for code, by in s.values().items():
            rows += [Row(s.unit_code, code, key, v) for key, v in by.items()]
    return rows
