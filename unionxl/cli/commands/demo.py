"""``unionxl demo [DIR]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..demo import run_demo


def add(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="chạy thử toàn bộ quy trình trên số liệu mẫu")
    demo.add_argument("dir", nargs="?", default="unionxl-demo", metavar="THƯ_MỤC")
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return run_demo(Path(args.dir))
