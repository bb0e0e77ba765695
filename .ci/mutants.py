"""Mutation check (run by hand, not in CI): one-line faults planted in rules, expressions,
aggregation and consolidation, each in a fresh copy of the tree; every one must turn a test red.

    python .ci/mutants.py [-k SUBSTRING]

A mutant that no test catches is a hole in the tests (or an equivalent change: say which).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Fast tests only (LibreOffice tests are not needed to see these faults).
TESTS = ["tests/test_rules.py", "tests/test_cells.py", "tests/test_validate.py",
         "tests/test_consolidate.py", "tests/test_quarters.py", "tests/test_achievement.py",
         "tests/test_form.py", "tests/test_registry.py", "tests/test_history.py",
         "tests/test_profile.py", "tests/test_copies.py", "tests/test_rates.py",
         "tests/test_midterm.py", "tests/test_vietnamese.py", "-m", "not libreoffice"]

# (name, file, text, replacement): the text must occur exactly once in the file.
MUTANTS = [
    ("a rule's `when` ignored", "unionxl/form/rules.py",
     "        if plan.when is not None:\n            try:\n                wl, wop, wr",
     "        if False:\n            try:\n                wl, wop, wr"),
    ("`<=` loses its epsilon the wrong way", "unionxl/form/rules.py",
     "        return a <= b + eps", "        return a <= b - eps"),
    ("`>` compared as `>=`", "unionxl/form/rules.py",
     "        return a > b + eps", "        return a >= b - eps"),
    ("skip_if_any read as skip_if_all", "unionxl/form/rules.py",
     'if self.missing == "skip_if_any" and not all(value(r) is not None',
     'if self.missing == "skip_if_any" and not any(value(r) is not None'),
    ("tolerance of an ≈ rule dropped", "unionxl/form/rules.py",
     "        eps = max(eps, tolerance * max(abs(a), abs(b)))", "        eps = eps"),
    ("a \"Trong đó\" part may exceed its row", "unionxl/form/rules.py",
     '"check": f"{{{ind.code}}} <= {{{parent.code}}}"',
     '"check": f"{{{ind.code}}} >= {{{parent.code}}}"'),
    ("subtraction evaluated backwards", "unionxl/form/expr.py",
     '    if node.op == "-":\n        return a - b',
     '    if node.op == "-":\n        return b - a'),
    ("stocks take the first year, not the last", "unionxl/form/compute.py",
     'return nums[-1] if time == "last" else nums[0]',
     'return nums[0] if time == "last" else nums[-1]'),
    ("a flow's total drops its first year", "unionxl/form/compute.py",
     "        return float(sum(nums))", "        return float(sum(nums[1:]))"),
    ("the % column divides the wrong way", "unionxl/form/compute.py",
     "    return None if a is None or not b else a / b",
     "    return None if a is None or not b else b / a"),
    ("units overwrite instead of adding up", "unionxl/consolidation/assess.py",
     "target[key] = target.get(key, 0.0) + v", "target[key] = v"),
    ("a rate's total is the average of its yearly rates", "unionxl/form/compute.py",
     '            row["total"] = ratio(*ind.ratio_parts(), _getter(out, {}, "total"))',
     '            row["total"] = aggregate("avg", [row[p] for p in periods])'),
    ("a rate divided the wrong way up", "unionxl/form/compute.py",
     "    return None if d == 0 else expr.evaluate(num, value) / d",
     "    return None if d == 0 else d / expr.evaluate(num, value)"),
    ("consolidated figures reported with float noise", "unionxl/consolidation/run.py",
     "vals = {k: at_precision(v, kind) for k, v in row.items()",
     "vals = {k: v for k, v in row.items()"),
    ("a running total marked as a quarter's figure", "unionxl/workbook/legend.py",
     "    if ind.cumulative:\n        return CUMULATIVE",
     "    if False:\n        return CUMULATIVE"),
    ("an average of counts allowed again", "unionxl/form/sections.py",
     'if time == "avg" and self.units.get(unit, {}).get("type") == "integer":',
     'if time == "avg" and False:'),
    ("reports accepted with warnings left out of the totals", "unionxl/consolidation/run.py",
     'IN_TOTALS = ("accepted", "accepted_with_warnings")', 'IN_TOTALS = ("accepted",)'),
    ("the older of two copies of a unit wins", "unionxl/consolidation/copies.py",
     "        votes.add(a.saved > b.saved)", "        votes.add(a.saved < b.saved)"),
    ("a rule judged on a cell that has its own issue", "unionxl/form/rules.py",
     "if bad and any((r.code, periods[i + r.offset]) in bad",
     "if False and any((r.code, periods[i + r.offset]) in bad"),
    ("small negative amounts accepted", "unionxl/validation/validator.py",
     "    if number < 0:", "    if number < -1:"),
    ("decimals accepted in counts", "unionxl/validation/validator.py",
     'if ind.value_type == "integer" and not number.is_integer():',
     'if ind.value_type == "integer" and number.is_integer() is None:'),
    ("every submission's values read from the first block", "unionxl/consolidation/assess.py",
     "        return self.store.read(self.offset, len(self.form.value_keys))",
     "        return self.store.read(0, len(self.form.value_keys))"),
    # -- the registry over time, carried history and targets, the province profile ----------
    ("a split's shares need not add up to 100%", "unionxl/consolidation/registry_check.py",
     "    if abs(total - 1) > 0.005:", "    if False:"),
    ("a parent cycle let through", "unionxl/consolidation/registry_check.py",
     'raise table.fail(up[code].row, f"vòng lặp cấp trên ngày {fmt(on)}: {loop}")', "break"),
    ("a split ignores its declared shares", "unionxl/consolidation/registry.py",
     "        return NOT_COMPARABLE if self.share is None else self.share",
     "        return 1.0"),
    ("history does not follow a merge", "unionxl/consolidation/registry.py",
     "                        moved[ev.target] = moved.get(ev.target, 0.0) + w * ev.weight",
     "                        pass"),
    ("a partial sum of predecessors passed off as history", "unionxl/consolidation/history.py",
     "        if absent:\n", "        if False:\n"),
    ("a merged unit's file not counted for its successor",
     "unionxl/consolidation/attribution.py",
     "    if heir is not None and heir.code in expected:", "    if False:"),
    ("targets of old units not carried onto the new", "unionxl/consolidation/achievement.py",
     "                   else registry.flow(unit, allocated, end).weights)",
     "                   else {unit: 1.0})"),
    ("the profile's guidance line not printed", "unionxl/workbook/template.py",
     "    if guidance:\n", "    if False:\n"),
    ("another province keeps the profile's body", "unionxl/form/profile.py",
     "            p = Profile(province=nfc(province.strip()), superior=self.superior)",
     "            p = dataclasses.replace(self, province=nfc(province.strip()))"),
    ("annual forms ignore the calendar", "unionxl/form/calendar.py",
     "    if form.single_year:\n        return str(year)",
     "    if form.single_year:\n        return form.term"),
]


def run(name: str, file: str, text: str, new: str) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory(prefix="unionxl-mutant-") as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
            ".git", "__pycache__", "*.egg-info", ".pytest_cache", "unionxl-demo"))
        target = tree / file
        source = target.read_text(encoding="utf-8")
        if source.count(text) != 1:
            raise SystemExit(f"{name}: the text to mutate occurs {source.count(text)}× in {file}")
        target.write_text(source.replace(text, new), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(tree)}
        proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p",
                               "no:cacheprovider", *TESTS], cwd=tree, env=env,
                              capture_output=True, text=True)
        first = next((ln for ln in proc.stdout.splitlines() if ln.startswith("FAILED")), "")
        return proc.returncode != 0, first


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", default="", help="only mutants whose name contains this")
    args = ap.parse_args()
    survivors = 0
    for name, file, text, new in MUTANTS:
        if args.k not in name:
            continue
        caught, first = run(name, file, text, new)
        survivors += not caught
        print(f"{'caught  ' if caught else 'SURVIVED'} {name} ({file}) {first}", flush=True)
    print(f"{survivors} survivor(s)")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
