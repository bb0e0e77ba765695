"""Benchmark of ``unionxl consolidate`` (not a test; numbers go in the closing note).

    python benchmarks/consolidate.py [--n 500] [--memory 200,2000] [--workdir DIR]

Generates N submissions of the term appendix (distinct units, realistic values), then times, in
one run and on the same files:
  (a) a bare python-calamine read of every sheet of every file (the floor),
  (b) a naive openpyxl pipeline (load each workbook, walk the data sheet, sum by key),
  (c) unionxl end to end: gather, validate, match, roll up, write the consolidated workbook.
Then peak memory (max RSS, workers included) of (c) in a fresh process for each size given to
``--memory``. Figures are ratios measured in one run: these machines are noisy.
Targets: (c) ≤ 4× (a) at N=500; (c) ≥ 5× faster than (b); memory(2000) ≤ 1.5× memory(200).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from unionxl.form import load_form  # noqa: E402
from unionxl.form.sample import generate  # noqa: E402
from unionxl.workbook.styles import FIXED_DATE  # noqa: E402
from unionxl.workbook.template import write_template  # noqa: E402

FORM = load_form("phu-luc-nhiem-ky")
BASES = 12  # distinct generated workbooks; copies get their own unit code


def code(i: int) -> str:
    return f"U{i:05d}"


def make_inbox(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    bases = []
    for b in range(BASES):
        path = folder / f"_base{b}.xlsx"
        write_template(FORM, path, code(b), f"Đơn vị {code(b)}", data=generate(
            FORM, rng, scale=0.3 + 3 * rng.random()), created=FIXED_DATE)
        bases.append((code(b), path.read_bytes()))
        path.unlink()
    inbox = folder / f"inbox-{n}"
    inbox.mkdir(exist_ok=True)
    for i in range(n):
        old, data = bases[i % BASES]
        (inbox / f"{code(i)}.xlsx").write_bytes(_recode(data, old, code(i)))
    (folder / f"units-{n}.csv").write_text(
        "code,name\n" + "".join(f"{code(i)},Đơn vị {code(i)}\n" for i in range(n)),
        encoding="utf-8")
    return inbox


def _recode(data: bytes, old: str, new: str) -> bytes:
    """The same workbook for another unit: its code rewritten where the identity is kept."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w",
                                                                   zipfile.ZIP_DEFLATED) as z:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename in ("xl/sharedStrings.xml", "docProps/custom.xml"):
                body = body.replace(old.encode(), new.encode())
            z.writestr(item, body)
    return out.getvalue()


def bare_calamine(files: list[Path]) -> float:
    import python_calamine

    start = time.perf_counter()
    for p in files:
        wb = python_calamine.CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
    return time.perf_counter() - start


def naive_openpyxl(files: list[Path]) -> float:
    import openpyxl

    start = time.perf_counter()
    totals: dict[tuple[str, str], float] = {}
    for p in files:
        ws = openpyxl.load_workbook(p)[FORM.sheet]
        rows = list(ws.iter_rows(values_only=True))
        keys = next(r for r in rows if r[0] == "unionxl:keys")
        for r in rows:
            if r[0] and FORM.has(str(r[0])) and FORM.indicator(str(r[0])).is_input:
                for k, v in zip(keys, r):
                    if isinstance(v, (int, float)) and k in FORM.period_keys:
                        totals[(r[0], k)] = totals.get((r[0], k), 0.0) + v
    return time.perf_counter() - start


def unionxl_end_to_end(inbox: Path, units: Path, out: Path) -> tuple[float, dict]:
    from unionxl.consolidation import consolidate, load_registry, write_consolidated

    start = time.perf_counter()
    run = consolidate([inbox], load_registry(units))
    write_consolidated(run, out, "TINH", "Tỉnh")
    elapsed = time.perf_counter() - start
    stats = {k: sum(r.status == k for r in run.ledger) for k in ("accepted", "rejected")}
    return elapsed, stats


def peak_memory(folder: Path, n: int) -> float:
    """Max RSS in MiB of a fresh process running the end-to-end job (workers included)."""
    inbox = make_inbox(folder, n) if not (folder / f"inbox-{n}").exists() else \
        folder / f"inbox-{n}"
    code_ = (f"import sys, resource; sys.path.insert(0, {str(ROOT)!r});"
             "from benchmarks.consolidate import unionxl_end_to_end as e;"
             f"from pathlib import Path; e(Path({str(inbox)!r}), "
             f"Path({str(folder / f'units-{n}.csv')!r}), Path({str(folder / 'm.xlsx')!r}));"
             # VmHWM, not ru_maxrss, for this process: ru_maxrss survives exec and would
             # report the (larger) benchmark parent's peak.
             "s = int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))"
             ".split()[1]);"
             "c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
             "print(max(s, c))")
    out = subprocess.run([sys.executable, "-c", code_], capture_output=True, text=True,
                         check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--memory", default="200,2000")
    ap.add_argument("--workdir")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="unionxl-bench-")
    folder = Path(args.workdir or tmp.name)
    inbox = make_inbox(folder, args.n)
    files = sorted(inbox.glob("*.xlsx"))
    e2e, stats = unionxl_end_to_end(inbox, folder / f"units-{args.n}.csv", folder / "out.xlsx")
    bare = bare_calamine(files)
    naive = naive_openpyxl(files)
    result = {
        "n": args.n,
        "seconds": {"bare_calamine": round(bare, 2), "naive_openpyxl": round(naive, 2),
                    "unionxl_end_to_end": round(e2e, 2)},
        "ratios": {"unionxl / bare read (target ≤ 4)": round(e2e / bare, 2),
                   "naive openpyxl / unionxl (target ≥ 5)": round(naive / e2e, 2)},
        "ledger": stats,
    }
    sizes = [int(x) for x in args.memory.split(",") if x]
    if sizes:
        mem = {n: round(peak_memory(folder, n), 1) for n in sizes}
        result["peak_memory_mib"] = mem
        if len(sizes) >= 2:
            result["ratios"][f"memory {sizes[-1]} / {sizes[0]} (target ≤ 1.5)"] = round(
                mem[sizes[-1]] / mem[sizes[0]], 2)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
