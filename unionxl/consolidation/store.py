"""Per-file values kept on disk during a consolidation: memory stays flat however many files
come in (the page cache, not the process, holds them)."""

from __future__ import annotations

import math
import tempfile
from array import array
from collections.abc import Iterable
from typing import Protocol


class ValueStore:
    """Floats in a temporary file (deleted when closed)."""

    def __init__(self) -> None:
        self.fh = tempfile.TemporaryFile(prefix="unionxl-values-")
        self.size = 0  # in floats

    def append(self, values: array) -> int:
        self.fh.seek(self.size * 8)
        values.tofile(self.fh)
        start, self.size = self.size, self.size + len(values)
        return start

    def read(self, start: int, count: int) -> array:
        self.fh.seek(start * 8)
        out = array("d")
        out.fromfile(self.fh, count)
        return out

    def close(self) -> None:
        self.fh.close()


class Stored(Protocol):
    store: ValueStore | None
    offset: int


def value_block(subs: Iterable[Stored], start: int, count: int) -> list[array]:
    """Values ``start … start+count`` of the form's value keys for each submission (one read
    each): NaN where a submission has no value."""
    out = []
    for s in subs:
        if s.store is None:
            out.append(array("d", [math.nan]) * count)
        else:
            out.append(s.store.read(s.offset + start, count))
    return out
