"""Formats calamine reads whole: legacy Excel (.xls, BIFF8), LibreOffice (.ods) and Excel
binary (.xlsb). Their sheets cannot be rewritten without the cells far away (as ``bounds``
does for .xlsx), so the extent of each sheet is found first, from the cell records alone, and a
sheet reaching beyond the window is refused instead of read: one value typed in IV65536 of an
.xls asks calamine for 16 million cells (a gigabyte)."""

from __future__ import annotations

import pyexpat
import struct
from collections.abc import Iterator

from .bounds import Extent
from .ole import open_ole
from .xmlsafe import DAMAGED, UNSAFE, XmlRefused

# BIFF8 records holding a cell value: (row, column) are their first two 16-bit fields.
_XLS_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0006, 0x0205, 0x00D6}
_XLS_MULRK, _XLS_BOUNDSHEET, _XLS_EOF = 0x00BD, 0x0085, 0x000A


def xls_extents(data: bytes) -> dict[str, Extent]:
    """Sheet name → extent of the valued cells of a BIFF8 workbook; {} when unreadable."""
    try:
        with open_ole(data) as ole:
            name = "Workbook" if ole.exists("Workbook") else "Book"
            stream = ole.openstream(name).read()
    except Exception:  # olefile raises several types for damaged files  # noqa: BLE001
        return {}
    out = {}
    for sheet, offset in _boundsheets(stream):
        extent = out.setdefault(sheet, Extent())
        for kind, body in _records(stream, offset):
            if kind == _XLS_EOF:
                break
            if kind in _XLS_CELLS and len(body) >= 4:
                row, col = struct.unpack_from("<HH", body)
                extent.add(row, col)
            elif kind == _XLS_MULRK and len(body) >= 6:
                row, first = struct.unpack_from("<HH", body)
                (last,) = struct.unpack_from("<H", body, len(body) - 2)
                extent.add(row, first)
                extent.add(row, last)
    return out


def _records(stream: bytes, offset: int):  # noqa: ANN202 (an iterator of (kind, body))
    while offset + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, offset)
        yield kind, stream[offset + 4:offset + 4 + size]
        offset += 4 + size


def _boundsheets(stream: bytes) -> list[tuple[str, int]]:
    out = []
    for kind, body in _records(stream, 0):
        if kind == _XLS_EOF:
            break
        if kind == _XLS_BOUNDSHEET and len(body) >= 8:
            (pos,) = struct.unpack_from("<I", body)
            count, high = body[6], body[7] & 1
            raw = body[8:8 + count * (2 if high else 1)]
            out.append((raw.decode("utf-16-le" if high else "latin-1", "replace"), pos))
    return out


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def ods_extents(content: bytes) -> dict[str, Extent]:
    """Sheet name → extent of the valued cells of an .ods ``content.xml`` (repeated rows and
    columns counted as what they stand for)."""
    out: dict[str, Extent] = {}
    state = {"sheet": "", "row": -1, "rows": 1, "col": -1}

    def start(tag: str, attrs: dict[str, str]) -> None:
        ns, _, name = tag.rpartition(" ")
        if ns != _ODS_TABLE:
            return
        if name == "table":
            state.update(sheet=attrs.get(f"{_ODS_TABLE} name", ""), row=-1, rows=1)
            out.setdefault(str(state["sheet"]), Extent())
        elif name == "table-row":
            state["row"] = int(state["row"]) + int(state["rows"])
            state["rows"] = _count(attrs.get(f"{_ODS_TABLE} number-rows-repeated"))
            state["col"] = -1
        elif name in ("table-cell", "covered-table-cell"):
            first = int(state["col"]) + 1
            state["col"] = first + _count(attrs.get(f"{_ODS_TABLE} number-columns-repeated")) - 1
            if f"{_ODS_OFFICE} value-type" in attrs:  # a value: its first and last copy
                extent = out[str(state["sheet"])]
                corners = {(int(state["row"]), first),
                           (int(state["row"]) + int(state["rows"]) - 1, int(state["col"]))}
                for r, c in sorted(corners):
                    extent.add(r, c)

    def refuse(*_args: object) -> None:
        raise XmlRefused(UNSAFE, "DOCTYPE/ENTITY declaration")

    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    try:
        parser.Parse(content, True)
    except pyexpat.ExpatError as exc:
        raise XmlRefused(DAMAGED, f"line {exc.lineno}: {pyexpat.ErrorString(exc.code)}"
                         ) from None
    return out


def _count(text: str | None) -> int:
    return int(text) if text and text.isdigit() and int(text) > 0 else 1


_XLSB_CELLS = range(1, 12)  # BrtCellBlank … BrtFmlaError: the column is their first field
_XLSB_ROW, _XLSB_BLANK = 0, 1


def xlsb_extent(sheet: bytes) -> Extent:
    """Extent of the valued cells of one .xlsb worksheet part (BIFF12 records)."""
    extent, row = Extent(), 0
    for kind, body in _xlsb_records(sheet):
        if kind == _XLSB_ROW and len(body) >= 4:
            (row,) = struct.unpack_from("<I", body)
        elif kind in _XLSB_CELLS and kind != _XLSB_BLANK and len(body) >= 4:
            (col,) = struct.unpack_from("<I", body)
            extent.add(row, col)
    return extent


def _xlsb_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """The (type, body) of each BIFF12 record, in order."""
    pos = 0
    while pos < len(data):
        kind, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        yield kind, data[pos:pos + size]
        pos += size


def _varint(data: bytes, pos: int, most: int) -> tuple[int, int]:
    """A BIFF12 record type (up to 2 bytes) or size (up to 4): 7 bits a byte, low first."""
    value = 0
    for i in range(most):
        if pos >= len(data):
            break
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            break
    return value, pos


_XLSB_BUNDLE_SHEET = 0x009C


def xlsb_sheets(workbook: bytes) -> list[tuple[str, str]]:
    """(sheet name, relationship id) of every sheet of an .xlsb ``workbook.bin``."""
    out = []
    for kind, body in _xlsb_records(workbook):
        if kind == _XLSB_BUNDLE_SHEET and len(body) >= 12:
            rid, at = _wide(body, 8)
            name, _ = _wide(body, at)
            out.append((name, rid))
    return out


def _wide(body: bytes, at: int) -> tuple[str, int]:
    if at + 4 > len(body):
        return "", len(body)
    (count,) = struct.unpack_from("<I", body, at)
    if count == 0xFFFFFFFF:  # a null string
        return "", at + 4
    end = at + 4 + 2 * count
    return body[at + 4:end].decode("utf-16-le", "replace"), end
