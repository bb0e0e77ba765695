"""A1 addresses: ours against XlsxWriter's own functions, every column of a sheet."""

from __future__ import annotations

import pytest
from xlsxwriter import utility as xw

from unionxl.workbook import a1

ROWS = (0, 1, 8, 9, 99, 4999, 1048575)


def test_every_column_and_some_rows_match_xlsxwriter():
    for col in range(a1.MAX_COLS):
        assert a1.col_name(col) == xw.xl_col_to_name(col), col
        for row in ROWS if col % 997 == 0 or col < 30 else (7,):
            text = a1.cell(row, col)
            assert text == xw.xl_rowcol_to_cell(row, col)
            assert a1.rowcol(text) == xw.xl_cell_to_rowcol(text) == (row, col)
            assert a1.rowcol(xw.xl_rowcol_to_cell(row, col, True, True)) == (row, col)


@pytest.mark.parametrize("rect", [(0, 0, 0, 0), (4, 2, 4, 2), (11, 4, 13, 5), (0, 25, 9, 27)])
def test_area_matches_xlsxwriter(rect):
    assert a1.area(*rect) == xw.xl_range(*rect)


@pytest.mark.parametrize("bad", ["", "E", "12", "e12", "E-1", "XFDA1", "E12:F13", " E12"])
def test_not_an_address_is_refused(bad):
    with pytest.raises(ValueError):
        a1.rowcol(bad)


@pytest.mark.parametrize("args", [(-1, 0), (0, -1), (0, a1.MAX_COLS)])
def test_outside_the_sheet_is_refused(args):
    with pytest.raises(ValueError):
        a1.cell(*args)
