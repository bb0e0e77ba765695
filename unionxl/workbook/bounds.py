"""Reading bounded by a window, never by how far a sheet's cells reach.

python-calamine materialises a sheet as a dense grid from its first to its last cell: one value
typed in XFD1048576 asks for 17 billion cells (549 GB) and the process aborts. So before
calamine sees a worksheet part, its cells are located (a regular expression over the cell
references: ~10× faster than an XML parse; an exact parse when references are missing). A sheet
whose valued cells stay inside the window is read as it is; one that reaches beyond it is
rewritten without the cells outside (listed for a warning, never allocated). A form's table,
found by its keys, lies well inside the window; memory is bounded by the window whatever the
file holds or claims (its ``<dimension>`` is never read).
"""

from __future__ import annotations

import pyexpat
import re
from dataclasses import dataclass, field

from . import a1

WINDOW_ROWS = 5000  # a form's table has a few hundred rows, a hand-made one no more
WINDOW_COLS = 200
FAR_LISTED = 5  # far cells named in the warning; the others are counted

# <c r="E12" …> with its reference first (Excel, LibreOffice, XlsxWriter, openpyxl write it so)
# and "/>" when the cell is empty (a format without a value allocates nothing); an <f> right
# inside when it holds a formula (the formula check reads it from the same pass).
_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>(\s*<(?:\w+:)?f[ >/])?')
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
# The same without a namespace prefix, as Excel, LibreOffice and XlsxWriter write the tags: a
# third faster, and the count of cells without a regular expression at all.
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>(\s*<f[ >/])?')
_PLAIN_OPENINGS = (b"<c ", b"<c>", b"<c/", b"<c\t", b"<c\n", b"<c\r")
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def escape(text: str) -> str:
    """Text as XML character data (xml.sax.saxutils would pull urllib and http into every
    command that reads a workbook)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(value: str) -> str:
    return '"' + escape(value).replace('"', "&quot;").replace("\n", "&#10;").replace(
        "\r", "&#13;").replace("\t", "&#9;") + '"'


def cell_position(ref: str) -> tuple[int, int] | None:
    """0-based (row, col) of an A1 reference; None when it is not one."""
    m = _REF.fullmatch(ref)
    if m is None or int(m.group(2)) == 0:
        return None
    return a1.rowcol(ref)


@dataclass
class Extent:
    """Where the valued cells of a sheet part lie, against the window (0-based)."""

    rows: int = 0  # one past the last row inside the window
    cols: int = 0
    far: list[tuple[int, int]] = field(default_factory=list)  # the first cells outside it
    far_count: int = 0
    window: tuple[int, int] = (WINDOW_ROWS, WINDOW_COLS)
    formulas: set[str] | None = None  # addresses of formula cells, when the pass found them

    @property
    def bounded(self) -> bool:
        return self.far_count == 0

    def add(self, r: int, c: int) -> bool:
        """Count a valued cell; False when it lies outside the window."""
        if r < self.window[0] and c < self.window[1]:
            self.rows, self.cols = max(self.rows, r + 1), max(self.cols, c + 1)
            return True
        self.far_count += 1
        if len(self.far) < FAR_LISTED:
            self.far.append((r, c))
        return False

    def far_cells(self) -> list[str]:
        return [a1.cell(r, c) for r, c in self.far]


def sheet_data(data: bytes) -> bytes:
    """The span of a worksheet part that holds its cells (calamine reads cells only inside
    ``sheetData``; formats, validations and conditional formats are most of the part)."""
    start, end = data.find(b"sheetData"), data.rfind(b"sheetData")
    return data[start:end] if start >= 0 else b""


def extent(data: bytes, window: tuple[int, int] = (WINDOW_ROWS, WINDOW_COLS)) -> Extent:
    """The extent of the valued cells of a worksheet part."""
    cells = sheet_data(data)
    if b":c" in cells:  # tags with a namespace prefix (<x:c …>)
        refs, count = _CELL.findall(cells), len(_ANY_CELL.findall(cells))
    else:
        refs, count = _PLAIN_CELL.findall(cells), sum(map(cells.count, _PLAIN_OPENINGS))
    if len(refs) != count:
        return _Scan(window, keep=False).run(data).extent  # some cells without a reference
    out = Extent(window=window, formulas={(col + row).decode() for col, row, _, f in refs if f})
    valued = [(col, row) for col, row, empty, _ in refs if not empty]
    if not valued:
        return out
    last_row = max(int(row) for _, row in valued)
    last_col = max(_column(col) for col in {col for col, _ in valued})
    if last_row <= window[0] and last_col < window[1]:  # the common case, in one step
        out.rows, out.cols = last_row, last_col + 1
        return out
    for col, row in valued:
        out.add(int(row) - 1, _column(col))
    return out


def _column(letters: bytes) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    return col - 1


def trimmed(data: bytes, window: tuple[int, int] = (WINDOW_ROWS, WINDOW_COLS)
            ) -> tuple[bytes, Extent]:
    """The part rewritten with only its valued cells inside the window (values, styles and
    types kept: calamine reads them as it would have), and where the others were."""
    scan = _Scan(window, keep=True).run(data)
    body = []
    for r in sorted(scan.rows):
        body.append(f'<row r="{r + 1}">{"".join(scan.rows[r])}</row>')
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
           f'"{_MAIN_NS}"><sheetData>{"".join(body)}</sheetData></worksheet>')
    return xml.encode("utf-8"), scan.extent


class _Scan:
    """One pass of expat over a worksheet part: cell positions as calamine computes them
    (a missing reference continues from the previous cell or row), and the cells kept."""

    def __init__(self, window: tuple[int, int], keep: bool) -> None:
        self.extent = Extent(window=window)
        self.keep = keep
        self.rows: dict[int, list[str]] = {}
        self.row, self.col = -1, -1
        self.cell: dict[str, str] | None = None
        self.text: list[str] | None = None
        self.value: list[str] | None = None
        self.inline = False
        self.phonetic = 0

    def run(self, data: bytes) -> _Scan:
        parser = pyexpat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.chars
        parser.Parse(data, True)
        return self

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        if name == "c":
            where = cell_position(attrs.get("r", ""))
            self.row, self.col = where if where is not None else (self.row, self.col + 1)
            self.cell, self.value, self.inline = attrs, None, False
        elif name == "row":
            r = attrs.get("r", "")
            self.row = int(r) - 1 if r.isdigit() else self.row + 1
            self.col = -1
        elif self.cell is None:
            return
        elif name == "v":
            self.value, self.text = [], []
        elif name == "is":
            self.value, self.inline = [], True
        elif name == "rPh":
            self.phonetic += 1
        elif name == "t" and self.inline and not self.phonetic:
            self.text = []

    def end(self, tag: str) -> None:
        name = tag.rpartition(":")[2]
        if name == "c" and self.cell is not None:
            if self.value is not None and self.extent.add(self.row, self.col) and self.keep:
                self.rows.setdefault(self.row, []).append(self._xml())
            self.cell = None
        elif name in ("v", "t") and self.text is not None and self.value is not None:
            self.value += self.text
            self.text = None
        elif name == "rPh":
            self.phonetic -= 1

    def chars(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def _xml(self) -> str:
        assert self.cell is not None and self.value is not None
        ref = a1.cell(self.row, self.col)
        style = f" s={quoteattr(self.cell['s'])}" if "s" in self.cell else ""
        text = escape("".join(self.value))
        if self.inline:
            return (f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}'
                    "</t></is></c>")
        kind = f" t={quoteattr(self.cell['t'])}" if "t" in self.cell else ""
        return f'<c r="{ref}"{style}{kind}><v>{text}</v></c>'
