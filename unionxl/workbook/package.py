"""A workbook file read once: its bytes give the hash, the sniff, the zip parts and calamine.

A submission used to be opened six times (a sniff, a SHA-256, calamine, a formula scan, a
macro and link scan, the core properties); every reader now works from one ``Package``.
Nothing here trusts the file: sizes are bounded before anything is decompressed, XML parts are
checked (``xmlsafe``) before they are parsed, and sheets are read inside a window (``bounds``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import python_calamine

from ..errors import WorkbookError
from ..text import parse_time
from . import bounds, foreign, xmlsafe
from .ole import open_ole
from .refusals import damaged, refused, too_large, unreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted OOXML file
MAX_FILE_BYTES = 100 * 2**20  # a submission is kilobytes; a hand-made one a few megabytes
MAX_PART_BYTES = 32 * 2**20  # one XML part, decompressed
MAX_PACKAGE_BYTES = 128 * 2**20  # every part, decompressed
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
# A regular expression over the raw sheet part is ~10× faster than an XML parse here: cells
# are <c r="E12" …> followed directly by <f> when they hold a formula.
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3}[0-9]+)"[^>]*>\s*<(?:\w+:)?f[ >/]')
# Parts calamine reads besides the sheet asked for: checked before calamine sees them.
_READ_PARTS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
               "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml",
               "docProps/core.xml", "docProps/custom.xml")
_STUB_SHEET = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
               b'openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>')


@dataclass
class Grid:
    """The cell values of one sheet inside the reading window, and the valued cells beyond it
    (named, never read)."""

    sheet: str
    rows: list[list[Any]]
    far: list[str] = field(default_factory=list)
    far_count: int = 0


class Package:
    def __init__(self, path: Path, data: bytes, mtime: float | None = None) -> None:
        self.path, self.data, self.mtime = path, data, mtime
        self._checked: dict[str, bytes] = {}  # parts read and found sound
        self._images: dict[str, python_calamine.CalamineWorkbook] = {}
        self._formulas: dict[str, set[str]] = {}  # found while a sheet was read
        self._structure_checked = False

    @classmethod
    def read(cls, path: str | Path) -> Package:
        path = Path(path)
        if not path.exists():
            raise WorkbookError(str(path), "không tìm thấy tệp. Kiểm tra lại đường dẫn.")
        if path.is_dir():
            raise WorkbookError(str(path), "đây là thư mục, không phải tệp Excel.")
        if not path.is_file():  # a device or a pipe: reading it might never end
            raise WorkbookError(str(path), "đây không phải tệp thông thường (thiết bị, đường "
                                "ống…), không phải tệp Excel.")
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise too_large(path, f"tệp nặng {size // 2**20} MB")
            return cls(path, path.read_bytes(), path.stat().st_mtime)
        except OSError as exc:
            raise WorkbookError(str(path), "hệ điều hành không cho đọc tệp (không có quyền "
                                "đọc, hoặc tệp đang bị khóa). Kiểm tra lại quyền đọc tệp.",
                                detail=f"{type(exc).__name__}: {exc}") from exc

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_ole(self) -> bool:
        return self.data[:8] == OLE_MAGIC

    @cached_property
    def zip(self) -> zipfile.ZipFile | None:
        try:
            return zipfile.ZipFile(io.BytesIO(self.data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None

    @cached_property
    def names(self) -> list[str]:
        return self.zip.namelist() if self.zip is not None else []

    @property
    def is_ods(self) -> bool:
        return self.zip is not None and (self.part("mimetype") or b"").strip() == _ODS_MIME

    @property
    def is_ooxml(self) -> bool:
        return self.zip is not None and not self.is_ods and "xl/workbook.bin" not in self.names

    def part(self, name: str) -> bytes | None:
        """A part's bytes, or None when absent or unreadable (sizes bounded first)."""
        if self.zip is None or name not in self.names:
            return None
        try:
            if self.zip.getinfo(name).file_size > MAX_PART_BYTES:
                return None
            return self.zip.read(name)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
            return None

    def checked_part(self, name: str) -> bytes | None:
        """A part that must be sound: too large, unreadable, unsafe or damaged raises."""
        if name in self._checked:
            return self._checked[name]
        if self.zip is None or name not in self.names:
            return None
        size = self.zip.getinfo(name).file_size
        if size > MAX_PART_BYTES:
            raise too_large(self.path, f"{self._describe(name)} giải nén ra {size // 2**20} MB")
        try:
            data = self.zip.read(name)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
            raise damaged(self.path, f"{self._describe(name)} không giải nén được",
                          f"{name}: {type(exc).__name__}: {exc}") from exc
        if name.endswith((".xml", ".rels")):
            try:
                xmlsafe.check(data)
            except xmlsafe.XmlRefused as exc:
                raise refused(self.path, self._describe(name), exc) from exc
        self._checked[name] = data
        return data

    def _describe(self, part: str) -> str:
        """A part as a user knows it: a sheet by its name, anything else by its path."""
        sheets = self.__dict__.get("sheet_parts", {})  # never parse to describe a failure
        name = next((n for n, p in sheets.items() if p == part), None)
        return f"trang «{name}»" if name is not None else f"phần «{part}»"

    # -- the package as a whole ---------------------------------------------------------------
    def check_structure(self) -> None:
        """Raise ``WorkbookError`` unless a zip package (.xlsx, .xlsb, .ods) has its parts,
        sound and bounded."""
        if self.zip is None or self._structure_checked:
            return
        total = sum(i.file_size for i in self.zip.infolist())
        if total > MAX_PACKAGE_BYTES:
            raise too_large(self.path, f"giải nén ra {total // 2**20} MB")
        if self.is_ods:
            needed, read = ["content.xml"], ["content.xml", "styles.xml", "meta.xml"]
        elif self.is_ooxml:
            needed, read = ["[Content_Types].xml", "xl/workbook.xml"], list(_READ_PARTS)
        else:
            needed = ["[Content_Types].xml", "xl/workbook.bin"]
            read = ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.bin.rels"]
        for name in needed:
            if name not in self.names:
                raise damaged(self.path, f"thiếu phần bắt buộc «{name}»", name)
        for name in read:
            self.checked_part(name)
        self._structure_checked = True

    @cached_property
    def sheet_parts(self) -> dict[str, str]:
        """Sheet name → worksheet part (.xlsx, .xlsb), from the workbook part and its
        relationships."""
        binary = "xl/workbook.bin" in self.names
        rels_xml = self.checked_part("xl/_rels/workbook.bin.rels" if binary
                                     else "xl/_rels/workbook.xml.rels")
        wb_part = self.checked_part("xl/workbook.bin" if binary else "xl/workbook.xml")
        if wb_part is None or rels_xml is None:
            return {}
        targets = {r.get("Id"): r.get("Target", "") for r in xmlsafe.parse(rels_xml).iter(
            f"{_PKG_REL_NS}Relationship")}
        if binary:
            sheets = foreign.xlsb_sheets(wb_part)
        else:
            sheets = [(s.get("name", ""), s.get(f"{_REL_NS}id")) for s in xmlsafe.parse(
                wb_part).iter(f"{_MAIN_NS}sheet")]
        out = {}
        for name, rid in sheets:
            target = targets.get(rid)
            if target:
                out[name] = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                               else "xl/" + target)
        return out

    @cached_property
    def foreign_extents(self) -> dict[str, bounds.Extent]:
        """Sheet extents of the formats calamine reads whole (.xls, .ods, .xlsb)."""
        if self.is_ole:
            return foreign.xls_extents(self.data)
        if self.is_ods:
            try:
                return foreign.ods_extents(self.checked_part("content.xml") or b"")
            except xmlsafe.XmlRefused as exc:
                raise refused(self.path, "phần «content.xml»", exc) from exc
        if self.zip is not None and not self.is_ooxml:
            return {name: foreign.xlsb_extent(self.checked_part(part) or b"")
                    for name, part in self.sheet_parts.items()}
        return {}

    def calamine(self) -> python_calamine.CalamineWorkbook:
        """calamine on the file as it is (sheet names, legacy formats); read sheets through
        ``grid`` so that no sheet is read beyond the window."""
        self.check_structure()
        if self.is_ole or self.is_ods:  # calamine reads every sheet of these when it opens
            for sheet in self.foreign_extents:
                self._refuse_far(sheet)
        return self._open(self.data)

    def _refuse_far(self, sheet: str) -> None:
        extent = self.foreign_extents.get(sheet)
        if extent is not None and not extent.bounded:
            raise too_large(self.path, f"trang «{sheet}» có ô có giá trị ở rất xa bảng "
                            f"({', '.join(extent.far_cells())}), mà dạng tệp này không đọc "
                            "riêng được phần bảng")

    def _open(self, data: bytes) -> python_calamine.CalamineWorkbook:
        try:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises several types for broken files
            raise unreadable(self.path, exc) from exc

    @cached_property
    def workbook(self) -> python_calamine.CalamineWorkbook:
        return self.calamine()

    @property
    def sheet_names(self) -> list[str]:
        return list(self.workbook.sheet_names)

    def grid(self, sheet: str, window: tuple[int, int] = (bounds.WINDOW_ROWS,
                                                            bounds.WINDOW_COLS)) -> Grid:
        """The values of ``sheet`` from A1, inside the window (never a dense grid of cells far
        away: a sheet reaching beyond the window is read from a copy without those cells)."""
        wb, far = self.workbook, bounds.Extent()
        if self.is_ooxml:
            part = self.sheet_parts.get(sheet)
            if part is None or part not in self.names:  # calamine may find what we cannot
                raise damaged(self.path, f"không tìm thấy dữ liệu của trang «{sheet}»",
                              f"sheet part {part!r}")
            body = self.checked_part(part) or b""
            far = bounds.extent(body, window)
            if far.formulas is not None:
                self._formulas[sheet] = far.formulas
            if not far.bounded:
                wb = self._trimmed(sheet, part, body, window)
        else:
            self._refuse_far(sheet)
        try:
            rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises several types for broken sheets
            raise unreadable(self.path, exc, sheet) from exc
        return Grid(sheet, rows, far.far_cells(), far.far_count)

    def _trimmed(self, sheet: str, part: str, body: bytes, window: tuple[int, int]
                 ) -> python_calamine.CalamineWorkbook:
        if sheet not in self._images:
            assert self.zip is not None
            small, _ = bounds.trimmed(body, window)
            others = set(self.sheet_parts.values()) - {part}
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
                for name in self.names:
                    if name == part:
                        zf.writestr(name, small)
                    elif name in others:
                        zf.writestr(name, _STUB_SHEET)
                    elif not name.endswith("/"):
                        zf.writestr(name, self.checked_part(name) or b"")
            self._images[sheet] = self._open(out.getvalue())
        return self._images[sheet]

    # -- what only the package parts say ------------------------------------------------------
    def custom_properties(self) -> dict[str, str]:
        """unionxl's identity kept in docProps/custom.xml (survives a deleted meta sheet)."""
        xml = self.checked_part("docProps/custom.xml")
        if xml is None:
            return {}
        out, more = {}, []
        for prop in xmlsafe.parse(xml).iter(f"{_CUSTOM_NS}property"):
            name = prop.get("name", "")
            if name.startswith("unionxl_") and len(prop):
                key, _, n = name[len("unionxl_"):].partition("~")
                if n.isdigit():  # the rest of a value longer than one property holds
                    more.append((key, int(n), prop[0].text or ""))
                else:
                    out[key] = prop[0].text or ""
        for key, _, text in sorted(more):
            if key in out:
                out[key] += text
        return {k: v.strip() for k, v in out.items()}

    def saved_at(self) -> dt.datetime | None:
        """When the workbook says it was last saved, in UTC (core properties of .xlsx, summary
        information of .xls); None when it does not say. Never the file's own time: a saved
        or extracted attachment carries the time it was saved or extracted."""
        if self.is_ole:
            return _ole_saved(self.data)
        try:
            xml = self.checked_part("docProps/core.xml")
        except WorkbookError:
            return None
        if xml is None:
            return None
        for el in xmlsafe.parse(xml).iter("{http://purl.org/dc/terms/}modified"):
            return parse_time(el.text or "")
        return None

    @property
    def has_macros(self) -> bool:
        return any(n.lower().endswith("vbaproject.bin") for n in self.names)

    @property
    def external_links(self) -> list[str]:
        return [n for n in self.names if n.startswith("xl/externalLinks/") and n.endswith(".xml")]

    def formula_cells(self, sheet: str) -> set[str] | None:
        """Addresses of the cells of ``sheet`` that hold a formula (read from the sheet XML).

        calamine gives values only; formulas matter for one check (overwritten formulas). None
        when the file is not OOXML (legacy .xls, .ods): formulas cannot be checked there.
        """
        if not self.is_ooxml:
            return None
        if sheet in self._formulas:  # the reading of the sheet found them
            return set(self._formulas[sheet])
        part = self.sheet_parts.get(sheet)
        if part is None:
            return set()
        cells = bounds.sheet_data(self.checked_part(part) or b"")
        return {m.decode() for m in _FORMULA_CELL.findall(cells)}


def _ole_saved(data: bytes) -> dt.datetime | None:
    try:
        with open_ole(data) as ole:
            when = ole.get_metadata().last_saved_time
    except Exception:  # olefile raises several types for damaged files  # noqa: BLE001
        return None
    if not isinstance(when, dt.datetime) or when.year < 1990:
        return None
    return when.replace(tzinfo=dt.timezone.utc)  # a FILETIME: UTC
