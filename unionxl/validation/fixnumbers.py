"""``unionxl fix-numbers``: convert numbers typed as text that have exactly one reading.

"1.234" in a count row can only be 1234 and is converted; "1.234" in a money row could be
1234 or 1,234 and is reported, never guessed. Dates and compound entries ("3/5") are reported.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from ..atomic import atomic_output
from ..workbook.reader import Book, read_book
from .validator import cell_issue


@dataclass
class FixResult:
    converted: list[tuple[str, str, float]] = field(default_factory=list)  # cell, text, value
    left: list[tuple[str, str, str]] = field(default_factory=list)  # cell, text, why


def plan(book: Book) -> FixResult:
    """Which text cells have exactly one reading (converted) and which do not (left, why).

    The classification is the validator's own (``cell_issue``), so ``fix-numbers`` converts
    exactly the cells ``validate`` reports as ``text-number``."""
    res = FixResult()
    for ind, key, cell in book.value_cells():
        _, code, fields = cell_issue(ind, cell)
        addr = book.map.addr(ind.code, key)
        if code == "text-number":
            res.converted.append((addr, str(cell.raw), fields["number"]))
        elif code in _WHY:
            why = _WHY[code] + (fields["readings"] if code == "ambiguous-number" else "")
            res.left.append((addr, str(cell.raw), why))
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
    assert book.package is not None
    wb = openpyxl.load_workbook(io.BytesIO(book.package.data))
    ws = wb[book.sheet]
    for addr, _, value in res.converted:
        ws[addr].value = value
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return res
