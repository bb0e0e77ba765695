"""The workbook: where cells are (keys), what they hold (one classifier), writing the
data-entry workbook with its formulas and live checks, reading it back, fill and tidy data."""

from .cells import Cell, classify
from .layout import META_SHEET, SheetMap, scan, template_map
from .package import Package
from .reader import Book, read_book
from .template import write_template

__all__ = ["META_SHEET", "Book", "Cell", "Package", "SheetMap", "classify", "read_book",
           "scan", "template_map", "write_template"]
