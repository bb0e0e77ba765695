"""``unionxl diff CŨ.xlsx MỚI.xlsx [--json KẾT_QUẢ.json]``: every input cell that differs
between two workbooks of the same form. Exit 0: the same numbers; 1: changes found; 2: a file
cannot be read or the forms differ."""

from __future__ import annotations

import argparse
import json

from ...atomic import atomic_output
from ...consolidation.diff import diff_books
from ...workbook.numbers import format_vn


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", metavar="CŨ.xlsx", help="bản trước")
    p.add_argument("new", metavar="MỚI.xlsx", help="bản sau")
    p.add_argument("--json", metavar="KẾT_QUẢ.json", help="ghi các thay đổi dạng JSON")
    p.set_defaults(run=run)


def show(value: float | str | None) -> str:
    if value is None:
        return "(trống)"
    return format_vn(value) if isinstance(value, float) else f"«{value}»"


def run(args: argparse.Namespace) -> int:
    changes = diff_books(args.old, args.new)
    for c in changes:
        year = "chỉ tiêu giao" if c.period == "target" else f"năm {c.period}"
        print(f"  {c.cell or '—':<6} chỉ tiêu {c.indicator} «{c.label[:50]}», {year}: "
              f"{show(c.old)} → {show(c.new)}")
    print(f"{len(changes)} ô khác nhau." if changes else "Hai tệp có cùng số liệu nhập.")
    if args.json:
        with atomic_output(args.json) as tmp:
            tmp.write_text(json.dumps([c.to_dict() for c in changes], ensure_ascii=False,
                                      indent=2), encoding="utf-8")
    return 1 if changes else 0
