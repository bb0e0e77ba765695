"""Whole-process measurements shared by the benchmarks (not a test).

``run`` starts a command in a fresh process and gives its wall time, the CPU time of the whole
process tree (user + system of every descendant, from the kernel's accounting of waited-for
children) and the peak memory of the tree: the sum of the proportional set size (PSS: a page
shared by a parent and its forked workers counted once, split between them) of every live
process of the tree, sampled every few milliseconds from /proc. ``interleave`` runs several
commands in turn, round after round, so that a change of load hits all of them alike; figures
are medians.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_SECONDS = 0.01


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mib: float
    returncode: int
    stderr: str = ""


def env_for(tree: Path) -> dict[str, str]:
    """The environment of a run of the code in ``tree``: its package first on the path, byte
    code cached as an installed package has it (PYTHONDONTWRITEBYTECODE would make every run
    compile the package again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    return env


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        out.setdefault(ppid, []).append(int(name))
    return out


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kib(root: int) -> int:
    kids = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _pss_kib(pid)
        todo += kids.get(pid, [])
    return total


def run(cmd: Sequence[str], env: Mapping[str, str] | None = None, cwd: str | Path | None = None,
        memory: bool = False) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # "python -m" puts the working folder first on the path: started from a checkout, every
    # tree compared would run that checkout's code. A neutral folder unless one is given.
    proc = subprocess.Popen(list(cmd), env=dict(env) if env else None,
                            cwd=cwd if cwd is not None else tempfile.gettempdir(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    if memory:
        while proc.poll() is None:
            peak = max(peak, tree_pss_kib(proc.pid))
            time.sleep(SAMPLE_SECONDS)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak / 1024, proc.returncode, err.decode("utf-8", "replace"))


@dataclass
class Series:
    runs: list[Run] = field(default_factory=list)

    def median(self, what: str) -> float:
        return statistics.median(getattr(r, what) for r in self.runs)


def interleave(cases: Mapping[str, Callable[[], Run]], rounds: int,
               on_round: Callable[[int], None] | None = None) -> dict[str, Series]:
    """Every case once per round, in the same order; a failed run stops with its error."""
    out = {name: Series() for name in cases}
    for i in range(rounds):
        for name, case in cases.items():
            r = case()
            if r.returncode != 0:
                raise SystemExit(f"{name} failed ({r.returncode}):\n{r.stderr[-2000:]}")
            out[name].runs.append(r)
        if on_round:
            on_round(i)
    return out


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (cores: {os.cpu_count()})"
