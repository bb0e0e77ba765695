"""Atomic output: write to a temporary file beside the target, then rename over it.

A crash never leaves a half-written workbook, and a target that Excel holds open (its lock file
``~$name`` exists, or Windows refuses the rename) is reported instead of clobbered. A run that
is killed cannot clean up: its temporary files carry its process id, and the next run removes
those whose process is gone (``sweep_stale``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputBusyError

PREFIX = ".unionxl-"
STALE_AFTER = 24 * 3600  # seconds; where a process cannot be asked whether it still runs
# Folders this process has swept: what killed runs left is there before we start, so once is
# enough (sweeping before each of 2,000 reply drafts read the growing folder 2,000 times).
_SWEPT: set[str] = set()


def excel_lock_file(path: Path) -> Path:
    return path.with_name("~$" + path.name)


@contextlib.contextmanager
def atomic_output(target: str | Path) -> Iterator[Path]:
    target = Path(target)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and excel_lock_file(target).exists():
        raise OutputBusyError(target)
    folder = target.parent if str(target.parent) else Path(".")
    key = str(folder.resolve())
    if key not in _SWEPT:
        sweep_stale(folder, PREFIX)
        _SWEPT.add(key)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{PREFIX}{os.getpid()}-", suffix=target.suffix,
                                    dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        try:
            os.replace(tmp, target)
        except PermissionError as exc:
            raise OutputBusyError(target) from exc
    finally:
        if tmp.exists():
            tmp.unlink()


def sweep_stale(folder: Path, prefix: str) -> list[Path]:
    """Remove what a killed unionxl run left in ``folder``: entries named ``prefix<pid>-…``
    whose process is gone (or, where that cannot be asked, older than a day)."""
    removed = []
    pattern = re.compile(re.escape(prefix) + r"(\d+)-")
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = pattern.match(entry.name)
        if m is None or int(m.group(1)) == os.getpid() or _running(int(m.group(1)), entry):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            pass  # another run is removing it, or it is not ours to remove
    return removed


def _running(pid: int, entry: Path) -> bool:
    if os.name == "posix":
        try:
            os.kill(pid, 0)  # signal 0: asks whether the process exists, sends nothing
        except ProcessLookupError:
            return False
        except OSError:
            return True  # exists, belongs to someone else
        return True
    # Windows: os.kill would terminate the process; age alone decides.
    try:
        return time.time() - entry.stat().st_mtime < STALE_AFTER
    except OSError:
        return True
