"""Benchmark of the season register (not a test; numbers go in the closing note).

    python benchmarks/season.py [--n 200] [--workdir DIR]

On the same N generated submissions, in one run: (a) ``consolidate --no-register`` (the
stateless pass), (b) the first run into a fresh register (every file recorded with its bytes,
replies written), (c) the same inbox again (nothing new: idempotent), (d) ``approve --all``
(records approvals, rebuilds the book from the register alone). Reports times as ratios to (a),
and the register's size per version. Targets: (b) ≤ 2× (a); (c) ≤ 1.5× (a).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.consolidate import make_inbox  # noqa: E402


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "unionxl", *args], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--workdir")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="unionxl-season-"))
    inbox = make_inbox(work, args.n)
    units = work / f"units-{args.n}.csv"
    base = ["consolidate", str(inbox), "--units", str(units), "--deadline", "15/12/2026"]
    a = timed([*base, "-o", str(work / "a" / "t.xlsx"), "--no-register"])
    b = timed([*base, "-o", str(work / "b" / "t.xlsx")])
    c = timed([*base, "-o", str(work / "b" / "t.xlsx")])
    d = timed(["approve", str(work / "b" / "t.xlsx"), "--all", "--by", "benchmark"])
    size = (work / "b" / "so-theo-doi.sqlite").stat().st_size
    files = sum(p.stat().st_size for p in inbox.iterdir())
    print(f"N={args.n}: (a) no register {a:.1f} s; (b) first run {b:.1f} s = {b / a:.2f}× (a); "
          f"(c) same inbox again {c:.1f} s = {c / a:.2f}× (a); (d) approve --all + rebuild "
          f"{d:.1f} s = {d / a:.2f}× (a)")
    print(f"register {size / 2**20:.1f} MB = {size / args.n / 1024:.0f} KB per version "
          f"({size / files:.2f}× the inbox's {files / 2**20:.1f} MB)")


if __name__ == "__main__":
    main()
