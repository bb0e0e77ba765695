"""``unionxl validate BOOK… [--json REPORT.json] [--annotate OUT.xlsx]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ...atomic import atomic_output
from ...validation import validate
from ...validation.annotate import annotate
from ...validation.report import STATUS_VI
from ..console import issue_line


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("books", nargs="+", metavar="TỆP.xlsx", help="một hoặc nhiều tệp báo cáo")
    p.add_argument("--json", metavar="BÁO_CÁO.json", help="ghi kết quả dạng JSON")
    p.add_argument("--annotate", metavar="TỆP_RA.xlsx",
                     help="ghi bản sao có đánh dấu ô lỗi (nhiều tệp: một thư mục)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    report = validate(args.books)
    for f in report.files:
        print(f"{STATUS_VI[f.status]:<15} {f.path}: {f.errors} lỗi, {f.warnings} cảnh báo")
        for i in f.issues:
            print(issue_line(i))
    st = report.stats
    print(f"Tổng: {st['files']} tệp, {st['valid']} đạt, {st['invalid']} có lỗi, "
          f"{st['unreadable']} không đọc được; {st['errors']} lỗi, {st['warnings']} cảnh báo.")
    if args.json:
        with atomic_output(args.json) as tmp:
            tmp.write_text(report.to_json(), encoding="utf-8")
    if args.annotate:
        readable = [f for f in report.files if f.status != "unreadable"]
        if len(args.books) == 1 and readable:
            print(f"Bản đánh dấu: {annotate(readable[0], args.annotate)}")
        else:
            outdir = Path(args.annotate)
            for f in readable:
                marked = annotate(f, outdir / (Path(f.path).stem + "-kiem-tra.xlsx"))
                print(f"Bản đánh dấu: {marked}")
    return report.exit_code
