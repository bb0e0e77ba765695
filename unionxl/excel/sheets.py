"""Reading and writing the workbook open in Excel, in Excel's own terms (through xlwings).

Real Excel refuses what LibreOffice lets through, so everything here follows Excel and
xlwings's real behaviour: a missing sheet is a COM error (so names are looked up first),
``Range.formula`` gives a string for one cell and a tuple of tuples for several (never shaped by
``options``), and a protected sheet refuses writes from code to locked cells and any change of
format unless it is unprotected first. :func:`writable` does that and puts back the same
protection afterwards, also when the work fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import UnionxlError
from ..workbook import a1

ADDRESS_CHUNK = 240  # Excel's Range("A1,B2,…") accepts up to 255 characters
# Worksheet.Protection members, each a keyword of Worksheet.Protect (Excel VBA reference).
ALLOW = ("AllowFormattingCells", "AllowFormattingColumns", "AllowFormattingRows",
         "AllowInsertingColumns", "AllowInsertingRows", "AllowInsertingHyperlinks",
         "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting", "AllowFiltering",
         "AllowUsingPivotTables")


def names(xl_book) -> list[str]:
    return [s.name for s in xl_book.sheets]


def formulas_2d(rng) -> list[list[str]]:
    """``Range.formula`` as rows of strings, whatever the shape Excel answered in."""
    got = rng.formula
    if got is None or isinstance(got, str):
        return [["" if got is None else got]]
    return [[("" if v is None else str(v)) for v in row] if isinstance(row, (list, tuple))
            else ["" if row is None else str(row)] for row in got]


def grid(sheet, formulas: bool = False) -> tuple[list[list[Any]], int, int]:
    """The used range of a sheet as a 0-based grid from A1 (2 calls)."""
    used = sheet.used_range
    top_left = used.address.split(":")[0].replace("$", "")
    r0, c0 = a1.rowcol(top_left)
    data = formulas_2d(used) if formulas else used.options(ndim=2).value
    rows = [[""] * (c0 + len(row)) for row in data]
    for i, row in enumerate(data):
        rows[i][c0:] = ["" if v is None else v for v in row]
    width = c0 + (len(data[0]) if data else 0)
    return [[""] * width for _ in range(r0)] + rows, r0, c0


def _protection(sheet) -> dict[str, bool] | None:
    api = sheet.api
    state = {"DrawingObjects": bool(api.ProtectDrawingObjects),
             "Contents": bool(api.ProtectContents), "Scenarios": bool(api.ProtectScenarios)}
    if not any(state.values()):
        return None
    allow = api.Protection
    state["UserInterfaceOnly"] = bool(api.ProtectionMode)
    state.update({k: bool(getattr(allow, k)) for k in ALLOW})
    return state


@contextmanager
def writable(*sheets) -> Iterator[None]:
    """Unprotect the sheets for the block, then protect them again exactly as they were."""
    saved = []
    try:
        for sheet in sheets:
            state = _protection(sheet)
            if state is None:
                continue
            try:
                sheet.api.Unprotect()
            except Exception as exc:  # a COM error: the sheet has a password
                raise UnionxlError(
                    f"Trang «{sheet.name}» đang được khóa bằng mật khẩu nên không ghi vào được. "
                    "Hãy bỏ khóa (Review › Unprotect Sheet) rồi bấm lại; unionxl sẽ không "
                    "khóa lại bằng mật khẩu.") from exc
            saved.append((sheet, state))
        yield
    finally:
        for sheet, state in reversed(saved):
            sheet.api.Protect(**state)


def ensure_sheet(xl_book, name: str, visible: bool = True):
    """The sheet called ``name``, emptied, or a new one at the end."""
    if name in names(xl_book):
        sheet = xl_book.sheets[name]
        with writable(sheet):
            sheet.clear()
    else:
        sheet = xl_book.sheets.add(name, after=xl_book.sheets[len(xl_book.sheets) - 1])
    sheet.visible = visible
    return sheet


def address_chunks(cells: list[str]) -> list[str]:
    chunks, current = [], ""
    for cell in cells:
        candidate = f"{current},{cell}" if current else cell
        if len(candidate) > ADDRESS_CHUNK:
            chunks.append(current)
            candidate = cell
        current = candidate
    if current:
        chunks.append(current)
    return chunks
