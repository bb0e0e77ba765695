"""Benchmark of hostile workbooks (issue 11; not a test: figures go in the closing note).

    python benchmarks/hostile.py [--workdir DIR] [--rows 1000000]

Times and peak memory (VmHWM of the process, workers included) of ``unionxl validate`` and
``unionxl consolidate`` (the file beside two valid units), each in a fresh process, for:
  far-cell         a unit workbook with "1" typed in XFD1048576 of its data sheet (saved by
                   openpyxl, as the issue's 62 KB file was)
  far-cell-other   a workbook that is no form with the same cell (the label-matching path)
  junk-rows        a unit workbook with N junk rows under the table
  junk-rows-other  a workbook that is no form with N junk rows
  clean            the same unit workbook untouched (the reference for the ratios)
Targets: far-cell validate and consolidate each under 5 s and 200 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from unionxl.form import load_form  # noqa: E402
from unionxl.form.sample import generate  # noqa: E402
from unionxl.workbook.template import write_template  # noqa: E402

FORM = load_form("phu-luc-nhiem-ky")
# Peak memory of this process and of its (waited-for) children, in KiB.
PEAK = ("import resource;"
        "s = int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]);"
        "c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
        "print('PEAK', max(s, c))")


def make_files(folder: Path, rows: int) -> dict[str, Path]:
    import openpyxl
    import xlsxwriter

    rng = random.Random(11)
    for code in ("BG01", "BG02", "BG03"):
        write_template(FORM, folder / f"{code}.xlsx", code, f"Đơn vị {code}",
                       data=generate(FORM, rng))
    out = {"clean": folder / "BG03.xlsx"}
    wb = openpyxl.load_workbook(out["clean"])
    wb[FORM.sheet]["XFD1048576"] = 1
    wb.save(folder / "far-cell.xlsx")
    out["far-cell"] = folder / "far-cell.xlsx"
    wb = xlsxwriter.Workbook(str(folder / "far-cell-other.xlsx"))
    ws = wb.add_worksheet()
    ws.write("A1", "Danh sách")
    ws.write_number("XFD1048576", 1)
    wb.close()
    out["far-cell-other"] = folder / "far-cell-other.xlsx"
    wb = openpyxl.load_workbook(out["clean"])
    ws = wb[FORM.sheet]
    for r in range(200, 200 + rows):
        ws.cell(r, 2, "x")
    wb.save(folder / "junk-rows.xlsx")
    out["junk-rows"] = folder / "junk-rows.xlsx"
    wb = xlsxwriter.Workbook(str(folder / "junk-rows-other.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet()
    for r in range(rows):
        ws.write_string(r, 0, f"dòng {r}")
    wb.close()
    out["junk-rows-other"] = folder / "junk-rows-other.xlsx"
    return out


def measure(args: list[str]) -> dict[str, float]:
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from unionxl.cli import main;"
            f"rc = main({args!r});" + PEAK + "; print('RC', rc)")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines()
                 if line.startswith(("PEAK ", "RC ")))
    return {"seconds": round(elapsed, 2), "peak_mib": round(int(lines.get("PEAK", 0)) / 1024, 1),
            "exit": int(lines.get("RC", proc.returncode)),
            "traceback": "Traceback" in proc.stderr}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir")
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="unionxl-bench-")
    folder = Path(args.workdir or tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    files = make_files(folder, args.rows)
    result: dict[str, dict] = {}
    for name, path in files.items():
        box = folder / f"in-{name}"
        box.mkdir(exist_ok=True)
        for code in ("BG01", "BG02"):
            (box / f"{code}.xlsx").write_bytes((folder / f"{code}.xlsx").read_bytes())
        (box / path.name).write_bytes(path.read_bytes())
        result[name] = {
            "size_kb": round(path.stat().st_size / 1024, 1),
            "validate": measure(["validate", str(path)]),
            "consolidate": measure(["consolidate", str(box), "-o", str(folder / f"{name}.out.xlsx"),
                                    "--json", str(folder / f"{name}.json")]),
        }
        report = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        mine = [f for f in report["files"] if f["path"] == path.name]
        result[name]["ledger"] = [(f["ledger_status"], [i["code"] for i in f["issues"]][:3])
                                  for f in mine]
    clean = result["clean"]
    for r in result.values():
        for cmd in ("validate", "consolidate"):
            r[cmd]["× clean time"] = round(r[cmd]["seconds"] / clean[cmd]["seconds"], 2)
            r[cmd]["× clean memory"] = round(r[cmd]["peak_mib"] / clean[cmd]["peak_mib"], 2)
    far = result["far-cell"]
    result["targets (far-cell: < 5 s, < 200 MB)"] = all(
        far[c]["seconds"] < 5 and far[c]["peak_mib"] < 200 for c in ("validate", "consolidate"))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
