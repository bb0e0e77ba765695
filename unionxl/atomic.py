"""Atomic output: write to a temporary file beside the target, then rename over it.

A crash never leaves a half-written workbook, and a target that Excel holds open (its lock file
``~$name`` exists, or Windows refuses the rename) is reported instead of clobbered.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputBusyError


def excel_lock_file(path: Path) -> Path:
    return path.with_name("~$" + path.name)


@contextlib.contextmanager
def atomic_output(target: str | Path) -> Iterator[Path]:
    target = Path(target)
    if target.parent and not target.parent.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and excel_lock_file(target).exists():
        raise OutputBusyError(target)
    fd, tmp_name = tempfile.mkstemp(prefix=".unionxl-", suffix=target.suffix,
                                    dir=target.parent or ".")
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
