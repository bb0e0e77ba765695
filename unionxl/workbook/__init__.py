"""The workbook: where cells are (keys), what they hold (one classifier), writing the
data-entry workbook with its formulas and live checks, reading it back, fill and tidy data.

Only the reading side is imported here: writing (``workbook.template``) pulls XlsxWriter, which
a command that only reads a workbook (``validate``) should not pay for at every click.
"""

from .cells import Cell, classify
from .layout import META_SHEET, SheetMap, scan, template_map
from .package import Package
from .reader import Book, read_book

__all__ = ["META_SHEET", "Book", "Cell", "Package", "SheetMap", "classify", "read_book",
           "scan", "template_map"]
