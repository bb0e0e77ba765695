"""A1 cell addresses (zero-based row and column in, "E12" out, and back).

Written here rather than taken from ``xlsxwriter.utility``: importing that module imports all
of XlsxWriter (a third of what ``validate`` costs over starting Python), and reading a workbook
needs none of it. ``tests/test_a1.py`` checks every column against XlsxWriter's functions.
"""

from __future__ import annotations

import re
from functools import cache

MAX_COLS = 16384  # XFD
_A1 = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


@cache
def col_name(col: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    if not 0 <= col < MAX_COLS:
        raise ValueError(f"column {col} outside A..XFD")
    name = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        name = chr(65 + rem) + name
    return name


def cell(row: int, col: int) -> str:
    """(11, 4) → "E12"."""
    if row < 0:
        raise ValueError(f"row {row} < 0")
    return f"{col_name(col)}{row + 1}"


def area(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """"E12:F14", or "E12" when the area is one cell."""
    a, b = cell(first_row, first_col), cell(last_row, last_col)
    return a if a == b else f"{a}:{b}"


def rowcol(address: str) -> tuple[int, int]:
    """"E12" (or "$E$12") → (11, 4)."""
    m = _A1.fullmatch(address)
    if m is None:
        raise ValueError(f"not an A1 cell address: {address!r}")
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1
