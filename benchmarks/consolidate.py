"""Benchmark of ``unionxl consolidate`` (not a test; numbers go in the closing note).

    python benchmarks/consolidate.py [--n 2000] [--memory 200,2000] [--rounds 3]
                                     [--tree before=../wt-before --tree after=.] [--workdir DIR]

Generates N submissions of the term appendix, each its own unit with its own believable numbers
(distinct files, not copies: a copy would let caches and the page cache flatter the figures),
kept in ``--workdir`` for the next run. Then, as whole processes interleaved round after round
on the same files:
  (a) a bare python-calamine read of every sheet of every file (the floor),
  (b) ``unionxl consolidate`` of the folder with the units list, for every tree given.
Wall and CPU time of the process tree (workers included), medians; then the peak memory of the
whole process tree (PSS summed over the parent and its workers, sampled) for each size of
``--memory``. A naive openpyxl pipeline is timed on a sample of 20 files for scale.
Targets (issue 15): (b) ≤ 1.5× (a) in wall time and ≤ 2× in CPU at N=2000;
memory(2000) ≤ 1.3× memory(200).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.procs import env_for, interleave, load, run  # noqa: E402

FORM_ID = "phu-luc-nhiem-ky"
BARE = ("import sys, pathlib, python_calamine\n"
        "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.xlsx')):\n"
        "    wb = python_calamine.CalamineWorkbook.from_path(str(p))\n"
        "    for name in wb.sheet_names:\n"
        "        wb.get_sheet_by_name(name).to_python()\n")


def code(i: int) -> str:
    return f"U{i:05d}"


def _write_unit(args: tuple[Path, int]) -> None:
    from unionxl.form import load_form
    from unionxl.form.sample import generate
    from unionxl.workbook.styles import FIXED_DATE
    from unionxl.workbook.template import write_template

    folder, i = args
    form = load_form(FORM_ID)
    rng = random.Random(1000 + i)  # each unit its own numbers, the same on every run
    write_template(form, folder / f"{code(i)}.xlsx", code(i), f"Đơn vị {code(i)}",
                   data=generate(form, rng, scale=0.3 + 3 * rng.random()), created=FIXED_DATE)


STAMP = ".form"  # which form (id, version, term) the files of an inbox were made with


def _form_stamp() -> str:
    from unionxl.form import load_form

    form = load_form(FORM_ID)
    return f"{form.id} {form.version} {form.term}"


def _stamp(inbox: Path) -> str:
    try:
        return (inbox / STAMP).read_text(encoding="utf-8")
    except OSError:
        return ""


def check_accepted(tree: Path, folder: Path, n: int, label: str) -> None:
    """A run whose files are refused measures the refusal path: every file must be taken."""
    report = folder / f"check-{label}-{n}.json"
    subprocess.run([*consolidate_cmd(tree, folder, n, label), "--json", str(report)],
                   env=env_for(tree), cwd=folder, capture_output=True, check=False)
    stats = json.loads(report.read_text(encoding="utf-8"))["stats"]
    taken = stats["accepted"] + stats["accepted_with_warnings"]
    if taken != n:
        raise SystemExit(f"{label}: {taken} of {n} files accepted ({stats}): not a benchmark")


def make_inbox(folder: Path, n: int, workers: int = 2) -> Path:
    """``folder/inbox-N``: units 0…N-1 (the first N of the largest inbox already made) and
    ``units-N.csv``."""
    inbox = folder / f"inbox-{n}"
    if _stamp(inbox) != _form_stamp():  # made for another version of the form: every file
        shutil.rmtree(inbox, ignore_errors=True)  # would be refused, and only that measured
    inbox.mkdir(parents=True, exist_ok=True)
    bigger = sorted((p for p in folder.glob("inbox-*") if p != inbox
                     and _stamp(p) == _form_stamp()), key=lambda p: -int(p.name.split("-")[1]))
    todo = []
    for i in range(n):
        target = inbox / f"{code(i)}.xlsx"
        if target.exists():
            continue
        source = next((b / target.name for b in bigger if (b / target.name).exists()), None)
        if source is not None:
            target.write_bytes(source.read_bytes())
        else:
            todo.append((inbox, i))
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_write_unit, todo, chunksize=8))
    (inbox / STAMP).write_text(_form_stamp(), encoding="utf-8")
    (folder / f"units-{n}.csv").write_text(
        "code,name\n" + "".join(f"{code(i)},Đơn vị {code(i)}\n" for i in range(n)),
        encoding="utf-8")
    return inbox


def naive_openpyxl(files: list[Path]) -> float:
    import openpyxl

    from unionxl.form import load_form

    form = load_form(FORM_ID)
    start = time.perf_counter()
    totals: dict[tuple[str, str], float] = {}
    for p in files:
        ws = openpyxl.load_workbook(p)[form.sheet]
        rows = list(ws.iter_rows(values_only=True))
        keys = next(r for r in rows if r[0] == "unionxl:keys")
        for r in rows:
            if r[0] and form.has(str(r[0])) and form.indicator(str(r[0])).is_input:
                for k, v in zip(keys, r):
                    if isinstance(v, (int, float)) and k in form.period_keys:
                        totals[(r[0], k)] = totals.get((r[0], k), 0.0) + v
    return time.perf_counter() - start


def consolidate_cmd(tree: Path, folder: Path, n: int, label: str) -> list[str]:
    """The command as an office runs it (the round's register and reply drafts included), into
    a folder of its own, emptied first: every round is the first run of a new round, in which
    all N files arrive."""
    out = folder / f"out-{label}-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    return [sys.executable, "-m", "unionxl", "consolidate", str(folder / f"inbox-{n}"),
            "--units", str(folder / f"units-{n}.csv"), "--term", "2018-2023",
            "-o", str(out / "tong-hop.xlsx")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--memory", default="200,2000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--tree", action="append", default=[],
                    help="LABEL=DIR, a checkout of unionxl (repeatable; default: this one)")
    ap.add_argument("--workdir")
    ap.add_argument("--generate-only", action="store_true")
    args = ap.parse_args()
    trees = {k: Path(v).resolve() for k, v in (t.split("=", 1) for t in args.tree)} or {
        "unionxl": ROOT}
    tmp = tempfile.TemporaryDirectory(prefix="unionxl-bench-")
    folder = Path(args.workdir or tmp.name)
    sizes = sorted({args.n, *(int(x) for x in args.memory.split(",") if x)}, reverse=True)
    for n in sizes:
        make_inbox(folder, n)
    if args.generate_only:
        return 0
    inbox = folder / f"inbox-{args.n}"
    cases = {"bare calamine read": lambda: run([sys.executable, "-c", BARE, str(inbox)])}
    for label, tree in trees.items():
        cases[f"{label}: consolidate"] = (
            lambda t=tree, lb=label: run(consolidate_cmd(t, folder, args.n, lb), env_for(t),
                                         cwd=folder))
    for label, tree in trees.items():  # warm-up: byte code written, every file accepted
        for n in sorted({args.n, *(int(x) for x in args.memory.split(",") if x)}):
            check_accepted(tree, folder, n, label)
    loads = [load()]
    series = interleave(cases, args.rounds, lambda i: loads.append(load()))
    bare = series["bare calamine read"]
    result: dict = {"n": args.n, "rounds": args.rounds, "load (1, 5, 15 min)": loads,
                    "median wall s": {k: round(s.median("wall"), 2) for k, s in series.items()},
                    "median cpu s": {k: round(s.median("cpu"), 2) for k, s in series.items()},
                    "ratios": {}}
    for label in trees:
        s = series[f"{label}: consolidate"]
        result["ratios"][f"{label}: consolidate / bare read, wall (target ≤ 1.5)"] = round(
            s.median("wall") / bare.median("wall"), 2)
        result["ratios"][f"{label}: consolidate / bare read, cpu (target ≤ 2)"] = round(
            s.median("cpu") / bare.median("cpu"), 2)
    mem_sizes = sorted(int(x) for x in args.memory.split(",") if x)
    if mem_sizes:
        peaks: dict = {}
        mem_cases = {f"{label}: N={n}": (lambda t=tree, lb=label, n=n: run(
            consolidate_cmd(t, folder, n, lb), env_for(t), cwd=folder, memory=True))
            for label, tree in trees.items() for n in mem_sizes}
        mem = interleave(mem_cases, max(1, args.rounds - 1))
        for label in trees:
            peaks[label] = {n: round(mem[f"{label}: N={n}"].median("peak_mib"), 1)
                            for n in mem_sizes}
            if len(mem_sizes) >= 2:
                lo, hi = mem_sizes[0], mem_sizes[-1]
                result["ratios"][f"{label}: memory {hi} / {lo} (target ≤ 1.3)"] = round(
                    peaks[label][hi] / peaks[label][lo], 2)
        result["peak memory of the process tree, PSS MiB"] = peaks
    sample = sorted(inbox.glob("*.xlsx"))[:20]
    result["naive openpyxl, 20 files, s"] = round(naive_openpyxl(sample), 2)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
