"""The changes between successive versions of each unit's return in a round, read from the
versions the register keeps (so a change is seen even when the older file has left the inbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .diff import CellChange, Cells, compare, version_cells
from .register import Register, Version
from .season import UnitState


@dataclass
class VersionChanges:
    unit_code: str
    unit_name: str
    old: Version
    new: Version
    cells: list[CellChange] = field(default_factory=list)
    readable: bool = True  # False: one of the two could not be read as a workbook

    def to_dict(self) -> dict[str, Any]:
        return {"unit_code": self.unit_code, "from_version": self.old.seq,
                "to_version": self.new.seq, "readable": self.readable,
                "cells": [c.to_dict() for c in self.cells]}


def round_changes(reg: Register, states: dict[str, UnitState]) -> list[VersionChanges]:
    """For every unit with more than one version: each version against the one before it, in
    the order the unit made them."""
    out = []
    for st in states.values():
        if len(st.versions) < 2:
            continue
        cells: dict[int, Cells | None] = {}
        for v in st.versions:
            data = reg.blob(v.sha256)
            cells[v.id] = version_cells(v.name, data) if data is not None else None
        for old, new in zip(st.versions, st.versions[1:]):
            a, b = cells[old.id], cells[new.id]
            if a is None or b is None:
                out.append(VersionChanges(st.code, st.name, old, new, readable=False))
            else:
                out.append(VersionChanges(st.code, st.name, old, new, compare(a, b)))
    return out


def count_by_version(changes: list[VersionChanges]) -> dict[int, int]:
    """Changed cells of each version against the one before it (by version id)."""
    return {c.new.id: len(c.cells) for c in changes if c.readable}
