"""``unionxl fix-numbers``: convert numbers typed as text that have exactly one reading.

"1.234" in a count row can only be 1234 and is converted; "1.234" in a money row could be
1234 or 1,234 and is reported, never guessed. Dates and compound entries ("3/5") are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from .atomic import atomic_output
from .validate import check_cell
from .workbook import Book, read_book


@dataclass
class FixResult:
    converted: list[tuple[str, str, float]] = field(default_factory=list)  # cell, text, value
    left: list[tuple[str, str, str]] = field(default_factory=list)  # cell, text, why


def plan(book: Book) -> FixResult:
    """Which text cells have exactly one reading (converted) and which do not (left, why).

    The classification is the validator's own (``check_cell``), so ``fix-numbers`` converts
    exactly the cells ``validate`` reports as ``text-number``."""
    res = FixResult()
    for ind, key, raw in [*book.input_cells(), *book.target_cells()]:
        _, code, fields = check_cell(ind, raw)
        addr = book.map.addr(ind.code, key)
        if code == "text-number":
            res.converted.append((addr, str(raw), fields["number"]))
        elif code in _WHY:
            why = _WHY[code] + (fields["readings"] if code == "ambiguous-number" else "")
            res.left.append((addr, str(raw), why))
    return res


_WHY = {
    "date-in-number-cell": "ngày tháng: không biết số gốc, hãy gõ lại",
    "ambiguous-number": "đọc được nhiều cách: ",
    "compound-entry": "hai số trong một ô",
    "not-a-number": "không phải số",
}


def fix_numbers(path: str | Path, out: str | Path) -> FixResult:
    book = read_book(path)
    res = plan(book)
    wb = openpyxl.load_workbook(path)
    ws = wb[book.sheet]
    for addr, _, value in res.converted:
        ws[addr].value = value
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return res
