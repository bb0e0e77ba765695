"""A recording fake of the part of xlwings that unionxl.excel uses, strict where Excel is.

It holds cells in memory (loaded from a real .xlsx through openpyxl, with each cell's lock and
each sheet's protection), counts every call that would cross to Excel (``calls``), and behaves
as real xlwings on Windows does:
- ``Range.expand`` runs xlwings's own expansion code (``xlwings.expansion``), rebound to this
  fake's ranges, so "down" keeps the width of the range it starts from;
- ``Range.formula`` returns what COM's ``Range.Formula`` gives through xlwings: a string for one
  cell, a tuple of tuples of strings for several; ``options`` does not shape it;
- on a protected sheet, writing a value or formula to a locked cell, changing a fill without
  "format cells" allowed, or clearing the sheet raises a COM error, as Excel does for code;
- a missing sheet raises a COM error ("Invalid index"), not KeyError;
- ``Sheet.api`` offers the COM members of protection (ProtectContents, Protection.Allow…,
  Protect, Unprotect) with Excel's keyword names.
Every attribute it offers exists on xlwings's real class (checked by ``REAL`` in the tests).
"""

from __future__ import annotations

import datetime as dt
import re
import types
from pathlib import Path
from typing import Any

import openpyxl
import xlwings.expansion as real_expansion
from openpyxl.utils import range_boundaries
from xlsxwriter.utility import xl_rowcol_to_cell

MAX_ROW, MAX_COL = 1_048_576, 16_384

# fake class → (real xlwings class path, attributes the fake implements)
REAL = {
    "FakeApp": ("xlwings.main.App", ["alert", "books"]),
    "FakeBooks": ("xlwings.main.Books", ["active", "open", "__iter__"]),
    "FakeBook": ("xlwings.main.Book", ["app", "sheets", "fullname", "name", "save", "close",
                                       "selection"]),
    "FakeSheets": ("xlwings.main.Sheets", ["add", "__getitem__", "__iter__", "__len__"]),
    "FakeSheet": ("xlwings.main.Sheet", ["name", "range", "used_range", "clear", "activate",
                                         "visible", "api"]),
    "FakeRange": ("xlwings.main.Range", ["value", "formula", "color", "address", "options",
                                         "expand", "end", "raw_value", "has_array", "row",
                                         "column", "shape", "sheet", "__call__"]),
}
# Worksheet members used through Sheet.api (Excel VBA reference, Worksheet object)
COM_WORKSHEET = ["ProtectContents", "ProtectDrawingObjects", "ProtectScenarios",
                 "ProtectionMode", "Protection", "Protect", "Unprotect"]

# openpyxl's SheetProtection attribute (True = forbidden) → Excel's Protection.Allow… member
OOXML_ALLOW = {"formatCells": "AllowFormattingCells", "formatColumns": "AllowFormattingColumns",
               "formatRows": "AllowFormattingRows", "insertColumns": "AllowInsertingColumns",
               "insertRows": "AllowInsertingRows", "insertHyperlinks": "AllowInsertingHyperlinks",
               "deleteColumns": "AllowDeletingColumns", "deleteRows": "AllowDeletingRows",
               "sort": "AllowSorting", "autoFilter": "AllowFiltering",
               "pivotTables": "AllowUsingPivotTables"}


class ComError(Exception):
    """Shaped like pywintypes.com_error: (hresult, text, excepinfo, argerr)."""

    def __init__(self, text: str, hresult: int = -2147352567, scode: int = -2146827284) -> None:
        super().__init__(hresult, "Exception occurred.", (0, "Microsoft Excel", text, None, 0,
                                                          scode), None)


def _protected_error() -> ComError:
    return ComError("The cell or chart you're trying to change is on a protected sheet. To "
                    "make a change, unprotect the sheet. You might be requested to enter a "
                    "password.")


class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def hit(self, what: str) -> None:
        self.calls.append(what)


NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


def _as_typed(v: Any) -> Any:
    """A string given to Range.Value or Range.Formula is read as if typed (en-US): "1.234"
    becomes the number 1.234, "=…" a formula; a leading apostrophe keeps text."""
    if not isinstance(v, str):
        return v
    if v.startswith("'"):
        return v[1:]
    if NUMBER.match(v):
        return float(v)
    return {"TRUE": True, "FALSE": False}.get(v.upper(), v)


def _formula_text(v: Any) -> str:
    """What COM's Range.Formula gives for a constant (en-US, as typed)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return f"{v.month}/{v.day}/{v.year}"
    return str(v)


class FakeRange:
    def __init__(self, sheet: FakeSheet, r0: int, c0: int, r1: int, c1: int,
                 parts: list[tuple[int, int, int, int]] | None = None,
                 ndim: int | None = None) -> None:
        self.sheet, self.box = sheet, (r0, c0, r1, c1)
        self.parts = parts or [(r0, c0, r1, c1)]
        self.ndim = ndim

    def _cells(self):
        for r0, c0, r1, c1 in self.parts:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    yield r, c

    @property
    def address(self) -> str:
        self.sheet.rec.hit("Range.address")
        r0, c0, r1, c1 = self.box
        a, b = xl_rowcol_to_cell(r0, c0, True, True), xl_rowcol_to_cell(r1, c1, True, True)
        return a if a == b else f"{a}:{b}"

    @property
    def row(self) -> int:
        return self.box[0] + 1

    @property
    def column(self) -> int:
        return self.box[1] + 1

    @property
    def shape(self) -> tuple[int, int]:
        r0, c0, r1, c1 = self.box
        return r1 - r0 + 1, c1 - c0 + 1

    @property
    def has_array(self) -> bool:
        return False

    def __call__(self, *args: int) -> FakeRange:
        """1-based cell relative to the top left, as Range(row, col) in COM."""
        r, c = args
        self.sheet.rec.hit("Range.__call__")
        return FakeRange(self.sheet, self.box[0] + r - 1, self.box[1] + c - 1,
                         self.box[0] + r - 1, self.box[1] + c - 1)

    def options(self, convert: Any = None, ndim: int | None = None, **_: Any) -> FakeRange:
        return FakeRange(self.sheet, *self.box, parts=self.parts, ndim=ndim)

    def expand(self, mode: str = "table") -> FakeRange:
        self.sheet.rec.hit("Range.expand")
        return EXPANDERS[mode](self)

    def end(self, direction: str) -> FakeRange:
        """Ctrl+arrow from the top left cell, as Excel's Range.End."""
        self.sheet.rec.hit("Range.end")
        dr, dc = {"down": (1, 0), "up": (-1, 0), "right": (0, 1), "left": (0, -1)}[direction]
        r, c = self.box[0], self.box[1]
        full = self.sheet.filled

        def inside(r: int, c: int) -> bool:
            return 0 <= r < MAX_ROW and 0 <= c < MAX_COL

        if full(r, c) and inside(r + dr, c + dc) and full(r + dr, c + dc):
            while inside(r + dr, c + dc) and full(r + dr, c + dc):
                r, c = r + dr, c + dc
        else:
            r, c = r + dr, c + dc
            while inside(r, c) and not full(r, c):
                r, c = r + dr, c + dc
            if not inside(r, c):
                r, c = r - dr, c - dc
        return FakeRange(self.sheet, r, c, r, c)

    def _grid(self, source) -> list[list[Any]]:
        r0, c0, r1, c1 = self.box
        return [[source(r, c) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]

    @property
    def raw_value(self) -> Any:
        """COM's Range.Value: a scalar for one cell, else a tuple of tuples."""
        self.sheet.rec.hit("Range.raw_value.get")
        data = self._grid(lambda r, c: self.sheet.values.get((r, c)))
        if len(data) == 1 and len(data[0]) == 1:
            return data[0][0]
        return tuple(tuple(row) for row in data)

    @property
    def value(self) -> Any:
        """xlwings's conversion: numbers as float, 1-D for one row or column unless ndim=2."""
        self.sheet.rec.hit("Range.value.get")

        def read(r: int, c: int) -> Any:
            v = self.sheet.values.get((r, c))
            return float(v) if isinstance(v, int) and not isinstance(v, bool) else v

        data = self._grid(read)
        if self.ndim == 2:
            return data
        if len(data) == 1 and len(data[0]) == 1:
            return data[0][0]
        if len(data) == 1:
            return data[0]
        if len(data[0]) == 1:
            return [row[0] for row in data]
        return data

    @value.setter
    def value(self, v: Any) -> None:
        self.sheet.rec.hit("Range.value.set")
        self._write(v, formula=False)

    @property
    def formula(self) -> Any:
        self.sheet.rec.hit("Range.formula.get")
        sheet = self.sheet
        data = self._grid(lambda r, c: sheet.formulas.get((r, c))
                          or _formula_text(sheet.values.get((r, c))))
        if len(data) == 1 and len(data[0]) == 1:
            return data[0][0]
        return tuple(tuple(row) for row in data)

    @formula.setter
    def formula(self, v: Any) -> None:
        self.sheet.rec.hit("Range.formula.set")
        self._write(v, formula=True)

    def _write(self, value: Any, formula: bool) -> None:
        r0, c0, _, _ = self.box
        if isinstance(value, (list, tuple)):
            rows = [list(r) if isinstance(r, (list, tuple)) else None for r in value]
            if any(r is None for r in rows):
                rows = [list(value)]  # a flat list is one row, as in xlwings
        else:
            rows = [[value]]
        targets = [(r0 + i, c0 + j) for i, row in enumerate(rows) for j in range(len(row))]
        self.sheet.check_write(targets)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                key = (r0 + i, c0 + j)
                v = _as_typed(v)
                if isinstance(v, str) and v.startswith("="):
                    self.sheet.formulas[key] = v
                    self.sheet.values[key] = None
                else:
                    self.sheet.formulas.pop(key, None)
                    if v in (None, ""):
                        self.sheet.values.pop(key, None)
                    else:
                        self.sheet.values[key] = v

    @property
    def color(self) -> Any:
        self.sheet.rec.hit("Range.color.get")
        colors = {self.sheet.colors.get(c) for c in self._cells()}
        return colors.pop() if len(colors) == 1 else None

    @color.setter
    def color(self, v: Any) -> None:
        self.sheet.rec.hit("Range.color.set")
        self.sheet.check_format()
        for cell in self._cells():
            self.sheet.colors[cell] = v


def _corners(a: FakeRange, b: FakeRange) -> FakeRange:
    """xlwings.main.Range(cell1, cell2) for two ranges on one sheet: their bounding box."""
    boxes = (a.box, b.box)
    return FakeRange(a.sheet, min(x[0] for x in boxes), min(x[1] for x in boxes),
                     max(x[2] for x in boxes), max(x[3] for x in boxes))


def _rebind(expander) -> Any:
    """xlwings's own Expander.expand, with ``Range`` meaning this fake's range."""
    method = type(expander).expand
    scope = {**vars(real_expansion), "Range": _corners}
    code = types.FunctionType(method.__code__, scope, method.__name__)
    return lambda rng: code(expander, rng)


EXPANDERS = {mode: _rebind(e) for mode, e in real_expansion.expanders.items()}


class FakeProtection:
    """Worksheet.Protection: each Allow… read is a COM call."""

    def __init__(self, sheet: FakeSheet, allow: dict[str, bool]) -> None:
        self._sheet, self._allow = sheet, allow

    def __getattr__(self, name: str) -> bool:
        if name not in OOXML_ALLOW.values():
            raise AttributeError(name)
        self._sheet.rec.hit(f"Protection.{name}")
        return self._allow[name]


class FakeSheetApi:
    """The COM Worksheet behind ``Sheet.api``: protection only."""

    def __init__(self, sheet: FakeSheet) -> None:
        self._sheet = sheet

    def __getattr__(self, name: str) -> Any:
        if name not in COM_WORKSHEET:
            raise AttributeError(name)
        self._sheet.rec.hit(f"Sheet.api.{name}")
        p = self._sheet.protection
        if name == "Protection":
            return FakeProtection(self._sheet,
                                  {k: bool(p and p.get(k)) for k in OOXML_ALLOW.values()})
        if name == "ProtectionMode":
            return bool(p and p.get("UserInterfaceOnly"))
        if name.startswith("Protect") and name not in ("Protect",):
            key = name.removeprefix("Protect")
            return bool(p and p.get(key))
        return getattr(self._sheet, f"_com_{name.lower()}")


class FakeSheet:
    def __init__(self, book: FakeBook, name: str) -> None:
        self.book, self.name, self.rec = book, name, book.rec
        self.values: dict[tuple[int, int], Any] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.colors: dict[tuple[int, int], Any] = {}
        self.unlocked: set[tuple[int, int]] = set()
        self.protection: dict[str, bool] | None = None  # Protect's keywords, or None
        self._visible = True
        self.active = False
        self.api = FakeSheetApi(self)

    # -- Excel's rules for code on a protected sheet
    def filled(self, r: int, c: int) -> bool:
        return (r, c) in self.formulas or self.values.get((r, c)) not in (None, "")

    def check_write(self, cells) -> None:
        p = self.protection
        if p and p.get("Contents") and any(c not in self.unlocked for c in cells):
            raise _protected_error()

    def check_format(self) -> None:
        p = self.protection
        if p and p.get("Contents") and not p.get("AllowFormattingCells"):
            raise ComError("Unable to set the Color property of the Interior class")

    def _com_protect(self, Password: str = "", DrawingObjects: bool = True,  # noqa: N803
                     Contents: bool = True, Scenarios: bool = True,
                     UserInterfaceOnly: bool = False, **allow: bool) -> None:
        unknown = set(allow) - set(OOXML_ALLOW.values())
        if unknown:
            raise ComError(f"Protect has no argument {unknown}", hresult=-2147352570)
        if Password:
            raise AssertionError("unionxl never sets a password")
        self.protection = {"DrawingObjects": DrawingObjects, "Contents": Contents,
                           "Password": False,
                           "Scenarios": Scenarios, "UserInterfaceOnly": UserInterfaceOnly,
                           **{k: bool(allow.get(k, False)) for k in OOXML_ALLOW.values()}}

    def _com_unprotect(self, Password: str = "") -> None:  # noqa: N803
        if self.protection and self.protection.get("Password"):
            raise ComError("The password you supplied is not correct.")
        self.protection = None

    # -- xlwings's Sheet
    def range(self, cell1: str) -> FakeRange:
        self.rec.hit("Sheet.range")
        parts = []
        for piece in cell1.replace("$", "").split(","):
            c0, r0, c1, r1 = range_boundaries(piece if ":" in piece else f"{piece}:{piece}")
            parts.append((r0 - 1, c0 - 1, r1 - 1, c1 - 1))
        r0 = min(p[0] for p in parts)
        c0 = min(p[1] for p in parts)
        r1 = max(p[2] for p in parts)
        c1 = max(p[3] for p in parts)
        return FakeRange(self, r0, c0, r1, c1, parts)

    @property
    def used_range(self) -> FakeRange:
        self.rec.hit("Sheet.used_range")
        keys = list(self.values) + list(self.formulas) or [(0, 0)]
        return FakeRange(self, min(k[0] for k in keys), min(k[1] for k in keys),
                         max(k[0] for k in keys), max(k[1] for k in keys))

    def clear(self) -> None:
        """Cells.Clear: contents and formats; refused on a protected sheet."""
        self.rec.hit("Sheet.clear")
        if self.protection and self.protection.get("Contents"):
            raise _protected_error()
        self.values.clear()
        self.formulas.clear()
        self.colors.clear()

    def activate(self) -> None:
        self.rec.hit("Sheet.activate")
        for s in self.book.sheets._items:
            s.active = s is self

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, v: bool) -> None:
        self.rec.hit("Sheet.visible.set")
        self._visible = v


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self.book, self._items = book, []

    def __iter__(self):
        self.book.rec.hit("Sheets.__iter__")
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key: int | str) -> FakeSheet:
        self.book.rec.hit("Sheets.__getitem__")
        if isinstance(key, int):
            if not -len(self._items) <= key < len(self._items):
                raise IndexError(f"Index {key} out of range ({len(self._items)} elements)")
            return self._items[key]
        for s in self._items:
            if s.name.casefold() == key.casefold():  # Excel's sheet names ignore case
                return s
        raise ComError("Invalid index.", hresult=-2147352565, scode=0)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FakeSheet:
        self.book.rec.hit("Sheets.add")
        sheet = FakeSheet(self.book, name or f"Sheet{len(self._items) + 1}")
        self._items.append(sheet)
        return sheet


class FakeBook:
    def __init__(self, path: Path, app: FakeApp) -> None:
        self.app, self.rec, self.fullname = app, app.rec, str(path)
        self.name = path.name
        self.sheets = FakeSheets(self)
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            sheet = FakeSheet(self, ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    key = (cell.row - 1, cell.column - 1)
                    if not cell.protection.locked:
                        sheet.unlocked.add(key)
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        sheet.formulas[key] = cell.value
                    elif cell.value is not None:
                        sheet.values[key] = cell.value
            if ws.protection.sheet:
                p = ws.protection
                sheet.protection = {
                    "DrawingObjects": bool(p.objects), "Contents": True,
                    "Scenarios": bool(p.scenarios), "UserInterfaceOnly": False,
                    "Password": bool(p.password),
                    **{allow: not getattr(p, attr) for attr, allow in OOXML_ALLOW.items()}}
            self.sheets._items.append(sheet)
        self.saved = 0
        self.closed = False
        self._selection: FakeRange | None = None

    def save(self, path: str | None = None) -> None:
        self.rec.hit("Book.save")
        self.saved += 1

    def close(self) -> None:
        """Closes without saving, as xlwings's Book.close does."""
        self.rec.hit("Book.close")
        self.app.books._items.remove(self)
        if self.app.books._active is self:
            self.app.books._active = None
        self.closed = True

    @property
    def selection(self) -> FakeRange | None:
        """The selected cells (``select`` sets them, as a click in Excel would)."""
        self.rec.hit("Book.selection")
        return self._selection

    def select(self, sheet: str, cell: str) -> None:
        self._selection = self.sheets[sheet].range(cell)


class FakeBooks:
    def __init__(self, app: FakeApp) -> None:
        self.app, self._items, self._active = app, [], None

    @property
    def active(self) -> FakeBook | None:
        self.app.rec.hit("Books.active")
        return self._active

    def __iter__(self):
        return iter(list(self._items))

    def open(self, fullname: str, **_: Any) -> FakeBook:
        self.app.rec.hit("Books.open")
        book = FakeBook(Path(fullname), self.app)
        self._items.append(book)
        self._active = book
        return book


class FakeApp:
    def __init__(self) -> None:
        self.rec = Recorder()
        self.books = FakeBooks(self)
        self.alerts: list[str] = []

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: Any = None) -> str:
        self.rec.hit("App.alert")
        self.alerts.append(prompt)
        return "ok"


def open_in_fake_excel(path: Path) -> tuple[FakeApp, FakeBook]:
    app = FakeApp()
    book = app.books.open(str(path))
    app.rec.calls.clear()
    return app, book


def protection_of(book: FakeBook) -> dict[str, Any]:
    """Every sheet's protection, to compare before and after a click."""
    return {s.name: None if s.protection is None else dict(s.protection)
            for s in book.sheets._items}
