"""``unionxl form list`` / ``unionxl form show FORM [--json] [--term T | --year Y]``."""

from __future__ import annotations

import argparse
import json
import sys

from ...form import Profile, available_forms, default_term, load_form
from ..options import add_period, form_of

KIND_MARK = {"input": "", "derived": " [công thức]", "heading": " [tiêu đề]"}


def add(p: argparse.ArgumentParser) -> None:
    fsub = p.add_subparsers(dest="form_command", metavar="LỆNH", required=True)
    fsub.add_parser("list", help="liệt kê các biểu mẫu").set_defaults(run=run_list)
    show = fsub.add_parser("show", help="xem chi tiết một biểu mẫu")
    show.add_argument("form", metavar="BIỂU_MẪU", help="mã biểu mẫu (xem «unionxl form list»)")
    show.add_argument("--json", action="store_true", help="in dạng JSON")
    add_period(show)
    show.set_defaults(run=run_show)


def run_list(args: argparse.Namespace) -> int:
    print(f"{'MÃ BIỂU MẪU (gõ ở lệnh)':<24} {'PB':>3} {'SỐ DÒNG':>8}  TÊN")
    for form_id in available_forms():
        base = load_form(form_id)
        f = load_form(form_id, default_term(base))  # the period the calendar picks today
        print(f"{f.id:<24} {f.version:>3} {len(f.indicators):>8}  {f.display_name}: "
              f"{f.title()}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    f = form_of(args, args.form, Profile())
    if args.json:
        json.dump(f.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{f.display_name}: {f.heading} – {f.title()} (mã {f.id}, phiên bản {f.version})")
    print(f"Kỳ: {', '.join(f.period_keys)}")
    for sec in f.sections:
        print(f"\n{sec.number}. {sec.label}")
        for code in sec.codes:
            i = f.indicator(code)
            print(f"  {i.code:<6} {i.label} ({i.unit or '-'}; {i.time}){KIND_MARK[i.kind]}")
    return 0
