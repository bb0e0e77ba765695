"""XlsxWriter, with formulas that need no rewriting stored as written.

XlsxWriter prefixes functions added after Excel 2007 with "_xlfn." (Excel wants it so); it
tries one regular expression per such function on every formula: ~30 for a cell formula, ~155
for a conditional format or a data validation, more than half the time of writing a template.
unionxl's formulas call only functions Excel has had since 2007, which never take the prefix:
for those the rewrite changes nothing and is skipped. A formula calling anything else (a
future function, a name written in lower case, a word glued to a bracket in a text) goes
through XlsxWriter's own path, so it keeps its prefix. Subclassing the workbook and worksheet
is XlsxWriter's documented way to change them (``worksheet_class``); an XlsxWriter without
``_prepare_formula`` gets its own worksheet, untouched. Formatted numbers are written the same
way with one string each instead of XlsxWriter's per-attribute escaping. tests/test_writer.py
checks that every workbook unionxl writes is, part by part, what XlsxWriter's own worksheet
writes.
"""

from __future__ import annotations

import re
from math import isinf, isnan
from typing import Any

import xlsxwriter
from xlsxwriter import utility, worksheet
from xlsxwriter.worksheet import Worksheet as _Worksheet

# Excel 2007 functions: never "_xlfn." (tests/test_writer.py checks each against the installed
# XlsxWriter's own rewrite, and that every function unionxl writes is listed).
CLASSIC = frozenset({
    "ABS", "AND", "AVERAGE", "AVERAGEIF", "CHOOSE", "COUNT", "COUNTA", "COUNTBLANK",
    "COUNTIF", "COUNTIFS", "HYPERLINK", "IF", "IFERROR", "INDEX", "INDIRECT", "INT", "ISBLANK",
    "ISERROR", "ISNUMBER", "ISTEXT", "LEFT", "LEN", "MATCH", "MAX", "MIN", "MOD", "N", "NOT",
    "OR", "RIGHT", "ROUND", "ROUNDDOWN", "ROUNDUP", "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT",
    "TEXT", "TRIM", "VALUE",
})
# Each "(" with the whole run of name characters before it ("" for a bare bracket).
_CALL = re.compile(r"([A-Za-z0-9_.]*)\(")


def plain(formula: str) -> bool:
    """True when every bracket of ``formula`` follows nothing or a classic function name:
    XlsxWriter's rewrite would leave it as it is."""
    return all(name in CLASSIC or not name for name in _CALL.findall(formula))


# A number cell as XlsxWriter stores it until the row is written (None: another XlsxWriter).
_NUMBER = getattr(worksheet, "CellNumberTuple", None)
_REF = getattr(utility, "xl_rowcol_to_cell_fast", utility.xl_rowcol_to_cell)


class Worksheet(_Worksheet):
    def _write_cell(self, row, col, cell):
        # A formatted number (the bulk of a consolidation's detail sheet: a million at 2,000
        # units) as XlsxWriter's own element, without escaping a cell reference and a style
        # number, which have nothing to escape.
        if type(cell) is _NUMBER and cell.format is not None:
            self.fh.write(f'<c r="{_REF(row, col)}" s="{cell.format._get_xf_index()}">'
                          f"<v>{cell.number:.16G}</v></c>")
            return
        super()._write_cell(row, col, cell)

    def _prepare_formula(self, formula, *args, **kwargs):
        if not plain(formula):
            return super()._prepare_formula(formula, *args, **kwargs)
        # XlsxWriter's own first step: array braces and the leading "=" off.
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula


_BLANK = getattr(worksheet, "CellBlankTuple", None)


def write_numbers(ws: _Worksheet, row: int, first_col: int, values: list[float],
                  cell_format: Any) -> None:
    """``values`` along ``row`` from ``first_col``, NaN as a formatted blank: what
    ``write_number`` / ``write_blank`` cell by cell store, checked once for the row (a
    consolidation's detail sheet is a million cells at 2,000 units)."""
    if not values:
        return
    last = first_col + len(values) - 1
    if (not isinstance(ws, Worksheet) or _BLANK is None or _NUMBER is None
            or cell_format is None
            or not hasattr(ws, "_write_single_row") or any(isinf(v) for v in values)
            or ws._check_dimensions(row, first_col) or ws._check_dimensions(row, last)):
        for col, v in enumerate(values, start=first_col):
            if isnan(v):
                ws.write_blank(row, col, None, cell_format)
            else:
                ws.write_number(row, col, v, cell_format)
        return
    if ws.constant_memory and row > ws.previous_row:
        ws._write_single_row(row)
    cells = ws.table[row]
    blank = _BLANK(cell_format)
    for col, v in enumerate(values, start=first_col):
        cells[col] = blank if v != v else _NUMBER(v, cell_format)


class Workbook(xlsxwriter.Workbook):
    worksheet_class = Worksheet if all(
        hasattr(_Worksheet, m) for m in ("_prepare_formula", "_write_cell")) else _Worksheet
