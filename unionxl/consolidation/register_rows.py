"""The rows of a register as the program sees them: rounds, versions of a unit's return and
approvals (``register`` reads and writes them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Round:
    id: int
    office: str
    form_id: str
    term: str
    label: str
    form_version: str
    title: str
    deadline: str  # ISO date ("" when none), the last day returns are on time
    settings: dict[str, Any]
    created_at: str

    @property
    def key(self) -> str:
        """How a consolidated workbook names its round (in its identity)."""
        return "|".join((self.office, self.form_id, self.term, self.label))

    @property
    def name(self) -> str:
        return self.title + (f" – {self.label}" if self.label else "")


@dataclass
class Version:
    id: int
    unit_code: str
    seq: int  # 1, 2, … in the order the register received them
    sha256: str
    saved_at: str
    received_at: str
    status: str  # accepted | accepted_with_warnings | rejected
    unit_name: str
    form_version: str
    term: str
    errors: int
    warnings: int
    issues: list[dict[str, str]] = field(repr=False)
    # Its numbers are read from the register when asked: held for every version of a
    # 2,000-unit round they were most of a run's memory.
    load_numbers: Callable[[], dict[str, dict[str, float]]] = field(repr=False, compare=False)
    identity: dict[str, str] = field(default_factory=dict)  # a consolidated book's approval
    name: str = ""  # the first receipt's file name
    mail_from: str = ""  # the address of the first e-mail that carried it

    @property
    def numbers(self) -> dict[str, dict[str, float]]:
        return self.load_numbers()

    @property
    def order(self) -> tuple[str, str, int]:
        """Which version the unit made last: saved time, then arrival."""
        return (self.saved_at, self.received_at, self.seq)


@dataclass
class Approval:
    id: int
    unit_code: str
    version_id: int
    action: str  # approve | reopen
    by_whom: str
    reason: str
    at: str
