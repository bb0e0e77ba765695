"""The formula cells of a sheet come from the one pass that reads it (issue 15), the same as a
separate scan of the sheet's XML finds them."""

from __future__ import annotations

import re

import openpyxl

from unionxl.workbook.blank import DEFAULT_DIR
from unionxl.workbook.package import Package

SEPARATE = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3}[0-9]+)"[^>]*>\s*<(?:\w+:)?f[ >/]')


def separate_scan(pkg: Package, sheet: str) -> set[str]:
    body = pkg.checked_part(pkg.sheet_parts[sheet]) or b""
    return {m.decode() for m in SEPARATE.findall(body)}


def test_formula_cells_found_while_reading(tmp_path):
    books = sorted(DEFAULT_DIR.glob("*.xlsx"))
    # a workbook saved by another program (openpyxl), with a formula typed over a value
    wb = openpyxl.load_workbook(books[0])
    wb.worksheets[0]["B2"] = "=1+1"
    wb.save(tmp_path / "resaved.xlsx")
    seen = 0
    for path in [*books, tmp_path / "resaved.xlsx"]:
        for sheet in Package.read(path).sheet_names:
            pkg = Package.read(path)
            pkg.grid(sheet)
            assert sheet in pkg._formulas, (path.name, sheet)
            found = pkg.formula_cells(sheet)
            assert found == separate_scan(pkg, sheet), (path.name, sheet)
            seen += len(found)
    assert seen > 1000
