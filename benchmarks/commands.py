"""Benchmark of the single-workbook commands, each a fresh process as a ribbon click starts one
(not a test; figures go in the closing note).

    python benchmarks/commands.py [--tree before=../wt-before --tree after=.] [--rounds 7]
                                  [--demo-rounds 3] [--workdir DIR]

For every tree (a checkout of unionxl; default: this one), interleaved round after round:
``unionxl --version`` (the floor: Python and the package starting), ``validate`` of one unit
workbook, ``template --data`` (a unit workbook from a CSV), ``fill`` (every formula rewritten
into a copy) and ``demo``. Medians of wall and CPU time (the whole process tree), and each
command over ``--version`` of the same tree, and the second tree's wall time over the first's
(name the "before" tree first). Targets (issue 15): validate ≤ 2.5×, template
--data and fill ≤ 3×, demo ≤ 25×.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.procs import env_for, interleave, load, run  # noqa: E402

FORM, TERM = "phu-luc-nhiem-ky", "2023-2028"
TARGETS = {"validate": 2.5, "template --data": 3.0, "fill": 3.0, "demo": 25.0}


def make_inputs(folder: Path) -> dict[str, Path]:
    """A unit workbook with believable numbers and the same numbers as tidy CSV."""
    from unionxl.form import load_form
    from unionxl.form.sample import generate
    from unionxl.workbook.styles import FIXED_DATE
    from unionxl.workbook.template import write_template

    form = load_form(FORM, TERM)
    book = folder / "BG01.xlsx"
    write_template(form, book, "BG01", "LĐLĐ thành phố Bắc Giang",
                   data=generate(form, random.Random(15)), created=FIXED_DATE)
    csv = folder / "BG01.csv"
    subprocess.run([sys.executable, "-m", "unionxl", "data", "export", str(book), "-o",
                    str(csv)], env=env_for(ROOT), check=True, capture_output=True)
    return {"book": book, "csv": csv}


def cases(label: str, tree: Path, inputs: dict[str, Path], folder: Path) -> dict:
    env = env_for(tree)
    py = [sys.executable, "-m", "unionxl"]
    out = folder / label
    out.mkdir(exist_ok=True)

    def demo():
        shutil.rmtree(out / "demo", ignore_errors=True)
        return run([*py, "demo", str(out / "demo")], env, cwd=out)

    return {
        "--version": lambda: run([*py, "--version"], env, cwd=out),
        "validate": lambda: run([*py, "validate", str(inputs["book"])], env, cwd=out),
        "template --data": lambda: run([*py, "template", FORM, "--term", TERM, "--unit", "BG01",
                                        "--data", str(inputs["csv"]), "-o",
                                        str(out / "t.xlsx")], env, cwd=out),
        "fill": lambda: run([*py, "fill", str(inputs["book"]), "-o", str(out / "f.xlsx")], env,
                            cwd=out),
        "demo": demo,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", action="append", default=[],
                    help="LABEL=DIR, a checkout of unionxl (repeatable; default: this one)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--demo-rounds", type=int, default=3)
    ap.add_argument("--workdir")
    args = ap.parse_args()
    trees = dict(t.split("=", 1) for t in args.tree) or {"this": str(ROOT)}
    tmp = tempfile.TemporaryDirectory(prefix="unionxl-bench-")
    folder = Path(args.workdir or tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    inputs = make_inputs(folder)
    all_cases = {label: cases(label, Path(tree).resolve(), inputs, folder)
                 for label, tree in trees.items()}
    for cs in all_cases.values():  # warm-up: byte code written, caches filled
        for name in ("--version", "validate"):
            cs[name]()
    loads = [load()]
    quick = {f"{label}: {name}": case for label, cs in all_cases.items()
             for name, case in cs.items() if name != "demo"}
    slow = {f"{label}: demo": cs["demo"] for label, cs in all_cases.items()}
    series = interleave(quick, args.rounds, lambda i: loads.append(load()))
    series |= interleave(slow, args.demo_rounds, lambda i: loads.append(load()))
    result: dict = {"load (1, 5, 15 min) during the runs": loads, "rounds": {
        "quick": args.rounds, "demo": args.demo_rounds}, "trees": trees}
    for label, cs in all_cases.items():
        floor = series[f"{label}: --version"]
        table = {}
        for name in cs:
            s = series[f"{label}: {name}"]
            row = {"wall s": round(s.median("wall"), 3), "cpu s": round(s.median("cpu"), 3)}
            if name != "--version":
                row["× --version wall"] = round(s.median("wall") / floor.median("wall"), 2)
                row["× --version cpu"] = round(s.median("cpu") / floor.median("cpu"), 2)
                row["target ×"] = TARGETS[name]
            table[name] = row
        result[label] = table
    if len(trees) == 2:
        a, b = list(trees)
        result[f"{b} / {a}"] = {name: round(series[f"{b}: {name}"].median("wall")
                                            / series[f"{a}: {name}"].median("wall"), 2)
                                for name in all_cases[a]}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
