"""Where things are on a data sheet: found by keys, never by fixed coordinates.

Every data sheet carries a hidden key column (the indicator code of each row) and a hidden key
row (the key of each column), meeting at a marker cell. A ``SheetMap`` is built either from the
form (for a new template) or by scanning a workbook for the marker, so a unit that inserts rows
or columns, or moves the table, still exports, fills and consolidates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import TypeVar

from ..form import Form
from . import a1

KEY_MARKER = "unionxl:keys"
META_SHEET = "_unionxl"
# Column keys besides the periods. "how" says how the total is computed, "target" is an input
# (the term target), the comparison columns ("base", "prev") inputs followed by their "…_pct",
# "note" free text.
FIXED_LEFT = ("tt", "label", "unit")
SECTION_PREFIX = "§"  # key-column value of a section heading row
OPTIONAL_KEYS = {"how"}  # shown to people only: a sheet without it still reads


def column_keys(form: Form) -> list[str]:
    compare = [k for c in form.compare for k in (c, f"{c}_pct")]
    return [*FIXED_LEFT, *form.period_keys, "total", "how", *compare, "target", "pct", "note"]


@dataclass
class SheetMap:
    """0-based positions of rows (by indicator code) and columns (by column key)."""

    sheet: str
    key_row: int
    key_col: int
    rows: dict[str, int] = field(default_factory=dict)
    cols: dict[str, int] = field(default_factory=dict)
    sections: dict[str, int] = field(default_factory=dict)

    def key(self) -> tuple:
        """The layout as a hashable value (the dicts frozen), for caches."""
        return (self.sheet, self.key_row, self.key_col, tuple(self.rows.items()),
                tuple(self.cols.items()))

    def cell(self, code: str, col_key: str) -> tuple[int, int]:
        return self.rows[code], self.cols[col_key]

    def addr(self, code: str, col_key: str) -> str:
        return a1.cell(self.rows[code], self.cols[col_key])

    def missing(self, form: Form) -> tuple[list[str], list[str]]:
        """Indicator codes and column keys the form needs but the sheet lacks."""
        codes = [i.code for i in form.indicators if i.code not in self.rows]
        keys = [k for k in column_keys(form) if k not in self.cols and k not in OPTIONAL_KEYS]
        return codes, keys

    @property
    def first_data_row(self) -> int:
        return min([*self.rows.values(), *self.sections.values()], default=self.key_row + 3)

    @property
    def last_data_row(self) -> int:
        return max([*self.rows.values(), *self.sections.values()], default=self.key_row + 3)


T = TypeVar("T")


def per_layout(maxsize: int) -> Callable[[Callable[[Form, SheetMap], T]],
                                        Callable[[Form, SheetMap], T]]:
    """Compute ``build(form, m)`` once per form and layout: the submissions of a consolidation
    share a few layouts (the result is shared, so it must not be changed)."""
    def wrap(build: Callable[[Form, SheetMap], T]) -> Callable[[Form, SheetMap], T]:
        @lru_cache(maxsize=maxsize)
        def cached(form: Form, key: tuple) -> T:
            sheet, key_row, key_col, rows, cols = key
            return build(form, SheetMap(sheet, key_row, key_col, dict(rows), dict(cols)))

        @wraps(build)
        def call(form: Form, m: SheetMap) -> T:
            return cached(form, m.key())
        return call
    return wrap


# Row positions of a freshly generated template.
HEADER_ROWS = 7  # administrative header and titles
KEY_ROW = HEADER_ROWS
HEAD1, HEAD2 = KEY_ROW + 1, KEY_ROW + 2
FIRST_DATA_ROW = KEY_ROW + 3
KEY_COL = 0


def template_map(form: Form, sheet: str | None = None) -> SheetMap:
    m = SheetMap(sheet or form.sheet, KEY_ROW, KEY_COL)
    for j, key in enumerate(column_keys(form)):
        m.cols[key] = KEY_COL + 1 + j
    r = FIRST_DATA_ROW
    for sec in form.sections:
        if sec.number:  # a form without sections has one unnamed section, no heading row
            m.sections[sec.number] = r
            r += 1
        for code in sec.codes:
            m.rows[code] = r
            r += 1
    return m


def scan(sheet_name: str, grid: Sequence[Sequence[object]]) -> SheetMap | None:
    """Find the key marker in a grid of cell values and read the keys around it."""
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.strip() == KEY_MARKER:
                return _read_keys(sheet_name, grid, r, c)
    return None


def _read_keys(sheet: str, grid: Sequence[Sequence[object]], kr: int, kc: int) -> SheetMap:
    m = SheetMap(sheet, kr, kc)
    for c, value in enumerate(grid[kr]):
        key = _key(value)
        if c != kc and key and key not in m.cols:
            m.cols[key] = c
    for r in range(kr + 1, len(grid)):
        row = grid[r]
        key = _key(row[kc]) if kc < len(row) else ""
        if not key:
            continue
        if key.startswith(SECTION_PREFIX):
            m.sections[key[len(SECTION_PREFIX):]] = r
        elif key not in m.rows:
            m.rows[key] = r
    return m


def _key(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code such as 12 typed over as a number
    return str(value).strip()


def duplicated_keys(grid: Sequence[Sequence[object]], m: SheetMap) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for r in range(m.key_row + 1, len(grid)):
        row = grid[r]
        key = _key(row[m.key_col]) if m.key_col < len(row) else ""
        if key and not key.startswith(SECTION_PREFIX):
            if key in seen:
                dup.append(key)
            seen.add(key)
    return dup


def join(cells: Iterable[str]) -> str:
    return ",".join(cells)
