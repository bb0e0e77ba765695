"""``unionxl demo [DIR]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..demo import run_demo


def add(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", nargs="?", default="unionxl-demo", metavar="THƯ_MỤC",
                   help="thư mục ghi kết quả chạy thử (mặc định: unionxl-demo)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return run_demo(Path(args.dir))
