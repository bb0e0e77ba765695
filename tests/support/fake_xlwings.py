"""A recording fake of the part of xlwings that unionxl.excel uses.

It holds cells in memory (loaded from a real .xlsx through openpyxl), counts every call that
would cross to Excel (``calls``), and every attribute it offers exists on xlwings's real class
(checked by ``REAL`` in the tests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import range_boundaries
from xlsxwriter.utility import xl_rowcol_to_cell

# fake class → (real xlwings class path, attributes the fake implements)
REAL = {
    "FakeApp": ("xlwings.main.App", ["alert", "books"]),
    "FakeBooks": ("xlwings.main.Books", ["active", "open"]),
    "FakeBook": ("xlwings.main.Book", ["app", "sheets", "fullname", "name", "save"]),
    "FakeSheets": ("xlwings.main.Sheets", ["add", "__getitem__", "__iter__", "__len__"]),
    "FakeSheet": ("xlwings.main.Sheet", ["name", "range", "used_range", "clear", "activate",
                                         "visible"]),
    "FakeRange": ("xlwings.main.Range", ["value", "formula", "color", "address", "options",
                                         "expand"]),
}


class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def hit(self, what: str) -> None:
        self.calls.append(what)


class FakeRange:
    def __init__(self, sheet: FakeSheet, r0: int, c0: int, r1: int, c1: int,
                 parts: list[tuple[int, int, int, int]] | None = None) -> None:
        self.sheet, self.box = sheet, (r0, c0, r1, c1)
        self.parts = parts or [(r0, c0, r1, c1)]
        self.ndim2 = False

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

    def options(self, ndim: int | None = None, **_: Any) -> FakeRange:
        self.ndim2 = ndim == 2
        return self

    def expand(self, mode: str = "table") -> FakeRange:
        self.sheet.rec.hit("Range.expand")
        r0, c0, _, _ = self.box
        r1 = r0
        while (r1 + 1, c0) in self.sheet.values:
            r1 += 1
        c1 = max([c for (r, c) in self.sheet.values if r0 <= r <= r1] + [c0])
        return FakeRange(self.sheet, r0, c0, r1, c1)

    def _read(self, source: dict) -> Any:
        r0, c0, r1, c1 = self.box
        data = [[source.get((r, c)) for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]
        if self.ndim2 or len(data) > 1 or len(data[0]) > 1:
            return data
        return data[0][0]

    def _write(self, value: Any, formula: bool) -> None:
        r0, c0, _, _ = self.box
        rows = value if isinstance(value, list) else [[value]]
        rows = [row if isinstance(row, list) else [row] for row in rows]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                key = (r0 + i, c0 + j)
                if formula and isinstance(v, str) and v.startswith("="):
                    self.sheet.formulas[key] = v
                    self.sheet.values[key] = None
                else:
                    self.sheet.formulas.pop(key, None)
                    if v in (None, ""):
                        self.sheet.values.pop(key, None)
                    else:
                        self.sheet.values[key] = v

    @property
    def value(self) -> Any:
        self.sheet.rec.hit("Range.value.get")
        return self._read(self.sheet.values)

    @value.setter
    def value(self, v: Any) -> None:
        self.sheet.rec.hit("Range.value.set")
        self._write(v, formula=False)

    @property
    def formula(self) -> Any:
        self.sheet.rec.hit("Range.formula.get")
        merged = {**{k: v for k, v in self.sheet.values.items()}, **self.sheet.formulas}
        return self._read(merged)

    @formula.setter
    def formula(self, v: Any) -> None:
        self.sheet.rec.hit("Range.formula.set")
        self._write(v, formula=True)

    @property
    def color(self) -> Any:
        self.sheet.rec.hit("Range.color.get")
        colors = {self.sheet.colors.get(c) for c in self._cells()}
        return colors.pop() if len(colors) == 1 else None

    @color.setter
    def color(self, v: Any) -> None:
        self.sheet.rec.hit("Range.color.set")
        for cell in self._cells():
            self.sheet.colors[cell] = v


class FakeSheet:
    def __init__(self, book: FakeBook, name: str) -> None:
        self.book, self.name, self.rec = book, name, book.rec
        self.values: dict[tuple[int, int], Any] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        self.colors: dict[tuple[int, int], Any] = {}
        self._visible = True
        self.active = False

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
        self.rec.hit("Sheet.clear")
        self.values.clear()
        self.formulas.clear()

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
        if isinstance(key, int):
            return self._items[key]
        for s in self._items:
            if s.name == key:
                return s
        raise KeyError(key)

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
        formulas = openpyxl.load_workbook(path)
        for ws in formulas.worksheets:
            sheet = FakeSheet(self, ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    key = (cell.row - 1, cell.column - 1)
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        sheet.formulas[key] = cell.value
                    elif cell.value is not None:
                        sheet.values[key] = cell.value
            self.sheets._items.append(sheet)
        self.saved = 0

    def save(self, path: str | None = None) -> None:
        self.rec.hit("Book.save")
        self.saved += 1


class FakeBooks:
    def __init__(self, app: FakeApp) -> None:
        self.app, self._items, self._active = app, [], None

    @property
    def active(self) -> FakeBook:
        self.app.rec.hit("Books.active")
        return self._active

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
