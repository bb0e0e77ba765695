"""What a cell holds, decided in one place for every reader.

The template reader, tidy export, the validator, fix-numbers, the quarterly roll-up and the
adoption of hand-made workbooks all call ``classify``: a number, a number typed as text (with
every reading it can have), a date Excel made of "3/5", a blank, a formula, or other text.
Judging the result (a negative count, a decimal where a count is due) is the validator's job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from .numbers import read_text

BLANK = "blank"
NUMBER = "number"
TEXT_NUMBER = "text-number"  # text with exactly one reading
AMBIGUOUS = "ambiguous"  # text with several readings
COMPOUND = "compound"  # two numbers in one cell ("3/5")
TEXT = "text"  # text that is no number, and anything else that is not one (True, an error)
DATE = "date"
FORMULA = "formula"


class Cell(NamedTuple):  # a tuple: one is made per cell read, it must be cheap
    kind: str
    raw: Any = None
    number: float | None = None  # NUMBER: the value; TEXT_NUMBER: its one reading
    readings: tuple[float, ...] = ()  # AMBIGUOUS: every reading
    cached: Cell | None = None  # FORMULA: what its cached value holds

    @property
    def value(self) -> float | None:
        """The clean number a total may use: a number cell's value, nothing else."""
        if self.kind == FORMULA and self.cached is not None:
            return self.cached.value
        return self.number if self.kind == NUMBER else None


def classify(raw: Any, unit: str = "", integer: bool = True, formula: bool = False) -> Cell:
    """One cell's content; ``unit`` and ``integer`` tell how text numbers may be read."""
    if type(raw) is float:  # the common case first
        return Cell(FORMULA, raw, cached=Cell(NUMBER, raw, raw)) if formula else Cell(
            NUMBER, raw, raw)
    if formula:
        return Cell(FORMULA, raw, cached=classify(raw, unit, integer))
    if raw is None or raw == "":
        return Cell(BLANK, None)
    if isinstance(raw, (dt.date, dt.datetime, dt.time, dt.timedelta)):
        return Cell(DATE, raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Cell(NUMBER, raw, float(raw))
    reading = read_text(str(raw), unit, integer)
    if reading.kind == "compound":
        return Cell(COMPOUND, raw)
    if reading.kind == "text":
        return Cell(TEXT, raw)
    if len(reading.values) > 1:
        return Cell(AMBIGUOUS, raw, readings=reading.values)
    return Cell(TEXT_NUMBER, raw, reading.values[0], reading.values)
