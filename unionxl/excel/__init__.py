"""The Excel front end: the ribbon's entry points on the open workbook (through xlwings), the
add-in built from ``macros/``, and the export of a report to e-mail upward.

The add-in's VBA calls ``import unionxl.excel as ux; ux.dispatch(button, picked)``.
"""

from .ribbon import ENTRY_POINTS, TAKES_PATH, dispatch

__all__ = ["ENTRY_POINTS", "TAKES_PATH", "dispatch"]
