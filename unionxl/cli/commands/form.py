"""``unionxl form list`` / ``unionxl form show FORM [--json] [--term T]``."""

from __future__ import annotations

import argparse
import json
import sys

from ...form import available_forms, load_form

KIND_MARK = {"input": "", "derived": " [công thức]", "heading": " [tiêu đề]"}


def add(p: argparse.ArgumentParser) -> None:
    fsub = p.add_subparsers(dest="form_command", metavar="LỆNH", required=True)
    fsub.add_parser("list", help="liệt kê các biểu mẫu").set_defaults(run=run_list)
    show = fsub.add_parser("show", help="xem chi tiết một biểu mẫu")
    show.add_argument("form", metavar="BIỂU_MẪU")
    show.add_argument("--json", action="store_true", help="in dạng JSON")
    show.add_argument("--term", help="nhiệm kỳ, ví dụ 2023-2028")
    show.set_defaults(run=run_show)


def run_list(args: argparse.Namespace) -> int:
    print(f"{'MÃ BIỂU MẪU':<24} {'PB':>3} {'SỐ DÒNG':>8}  TÊN")
    for form_id in available_forms():
        f = load_form(form_id)
        print(f"{f.id:<24} {f.version:>3} {len(f.indicators):>8}  {f.title()}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    f = load_form(args.form, args.term)
    if args.json:
        json.dump(f.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{f.heading} – {f.title()} (biểu mẫu {f.id}, phiên bản {f.version})")
    print(f"Kỳ: {', '.join(f.period_keys)}")
    for sec in f.sections:
        print(f"\n{sec.number}. {sec.label}")
        for code in sec.codes:
            i = f.indicator(code)
            print(f"  {i.code:<6} {i.label} ({i.unit or '-'}; {i.time}){KIND_MARK[i.kind]}")
    return 0
