"""``unionxl fix-numbers``: convert numbers typed as text that have exactly one reading.

"1.234" in a count row can only be 1234 and is converted; "1.234" in a money row could be
1234 or 1,234 and is reported, never guessed. Dates and compound entries ("3/5") are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from .atomic import atomic_output
from .numbers import format_vn, read_text
from .workbook import as_number, is_date, read_book


@dataclass
class FixResult:
    converted: list[tuple[str, str, float]] = field(default_factory=list)  # cell, text, value
    left: list[tuple[str, str, str]] = field(default_factory=list)  # cell, text, why


def fix_numbers(path: str | Path, out: str | Path) -> FixResult:
    book = read_book(path)
    wb = openpyxl.load_workbook(path)
    ws = wb[book.sheet]
    res = FixResult()
    for ind, key, raw in [*book.input_cells(), *book.target_cells()]:
        if raw is None or as_number(raw) is not None:
            continue
        addr = book.map.addr(ind.code, key)
        if is_date(raw):
            res.left.append((addr, str(raw), "ngày tháng: không biết số gốc, hãy gõ lại"))
            continue
        reading = read_text(str(raw), ind.unit, ind.value_type == "integer")
        if reading.kind == "number" and len(reading.values) == 1:
            ws[addr].value = reading.values[0]
            res.converted.append((addr, str(raw), reading.values[0]))
        elif reading.kind == "number":
            res.left.append((addr, str(raw), "đọc được nhiều cách: "
                             + " hoặc ".join(format_vn(v) for v in reading.values)))
        elif reading.kind == "compound":
            res.left.append((addr, str(raw), "hai số trong một ô"))
        else:
            res.left.append((addr, str(raw), "không phải số"))
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return res
