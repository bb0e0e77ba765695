"""A workbook file read once: its bytes give the hash, the sniff, the zip parts and calamine.

A submission used to be opened six times (a sniff, a SHA-256, calamine, a formula scan, a
macro and link scan, the core properties); every reader now works from one ``Package``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree

import python_calamine

from ..errors import WorkbookError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted OOXML file
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CUSTOM_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
# A regular expression over the raw sheet part is ~10× faster than an XML parse here: cells
# are <c r="E12" …> followed directly by <f> when they hold a formula.
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3}[0-9]+)"[^>]*>\s*<(?:\w+:)?f[ >/]')


class Package:
    def __init__(self, path: Path, data: bytes, mtime: float | None = None) -> None:
        self.path, self.data, self.mtime = path, data, mtime

    @classmethod
    def read(cls, path: str | Path) -> Package:
        path = Path(path)
        if not path.exists():
            raise WorkbookError(str(path), "không tìm thấy tệp. Kiểm tra lại đường dẫn.")
        if path.is_dir():
            raise WorkbookError(str(path), "đây là thư mục, không phải tệp Excel.")
        try:
            return cls(path, path.read_bytes(), path.stat().st_mtime)
        except OSError as exc:
            raise WorkbookError(str(path), "hệ điều hành không cho đọc tệp (không có quyền "
                                "đọc, hoặc tệp đang bị khóa). Kiểm tra lại quyền đọc tệp.") from exc

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
        except (zipfile.BadZipFile, OSError, ValueError):
            return None

    @cached_property
    def names(self) -> list[str]:
        return self.zip.namelist() if self.zip is not None else []

    def part(self, name: str) -> bytes | None:
        if self.zip is None or name not in self.names:
            return None
        try:
            return self.zip.read(name)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
            return None

    def calamine(self) -> python_calamine.CalamineWorkbook:
        try:
            return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(self.data))
        except Exception as exc:  # calamine raises several types for broken files
            raise WorkbookError(
                str(self.path),
                "không đọc được tệp Excel (tệp hỏng, có mật khẩu, hoặc không phải .xlsx). "
                f"Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại. Chi tiết: {exc}",
            ) from exc

    # -- what only the package parts say ------------------------------------------------------
    def custom_properties(self) -> dict[str, str]:
        """unionxl's identity kept in docProps/custom.xml (survives a deleted meta sheet)."""
        xml = self.part("docProps/custom.xml")
        if xml is None:
            return {}
        out = {}
        for prop in ElementTree.fromstring(xml).iter(f"{_CUSTOM_NS}property"):
            name = prop.get("name", "")
            if name.startswith("unionxl_") and len(prop):
                out[name[len("unionxl_"):]] = (prop[0].text or "").strip()
        return out

    def modified(self) -> str:
        """When the unit last saved it: docProps/core.xml, else the file's own time."""
        xml = self.part("docProps/core.xml")
        if xml is not None:
            try:
                for el in ElementTree.fromstring(xml).iter("{http://purl.org/dc/terms/}modified"):
                    if el.text:
                        return el.text.strip()
            except ElementTree.ParseError:
                pass
        stamp = self.mtime if self.mtime is not None else 0.0
        return dt.datetime.fromtimestamp(stamp).isoformat(timespec="seconds") + "Z"

    @property
    def has_macros(self) -> bool:
        return any(n.lower().endswith("vbaproject.bin") for n in self.names)

    @property
    def external_links(self) -> list[str]:
        return [n for n in self.names if n.startswith("xl/externalLinks/") and n.endswith(".xml")]

    def formula_cells(self, sheet: str) -> set[str] | None:
        """Addresses of the cells of ``sheet`` that hold a formula (read from the sheet XML).

        calamine gives values only; formulas matter for one check (overwritten formulas). None
        when the file is not OOXML (legacy .xls): formulas cannot be checked there.
        """
        if self.zip is None:
            return None
        wb_xml, rels_xml = self.part("xl/workbook.xml"), self.part("xl/_rels/workbook.xml.rels")
        if wb_xml is None or rels_xml is None:
            return set()
        rid = next((s.get(f"{_REL_NS}id") for s in ElementTree.fromstring(wb_xml).iter(
            f"{_MAIN_NS}sheet") if s.get("name") == sheet), None)
        target = next((r.get("Target") for r in ElementTree.fromstring(rels_xml).iter(
            f"{_PKG_REL_NS}Relationship") if r.get("Id") == rid), None)
        if target is None:
            return set()
        body = self.part(target.lstrip("/") if target.startswith("/") else "xl/" + target)
        return {m.decode() for m in _FORMULA_CELL.findall(body or b"")}
