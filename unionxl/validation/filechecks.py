"""What a file is, before what it says: the checks ``validate`` and ``consolidate`` share.

A file that cannot be read safely (encrypted, damaged, unsafe, too large) raises; one that can
be read but carries something to tell (macros, external links, a format where formulas cannot
be checked, cells far outside the table) gets warnings.
"""

from __future__ import annotations

from ..errors import WorkbookError
from ..workbook.bounds import WINDOW_COLS, WINDOW_ROWS
from ..workbook.numbers import format_vn
from ..workbook.ole import open_ole
from ..workbook.package import Grid, Package
from .issues import Issue, make

OOXML_SUFFIXES = (".xlsx", ".xlsm", ".xlsb")
ENCRYPTED = "encrypted-workbook"


def check_file(pkg: Package) -> None:
    """Raise ``WorkbookError`` for a file that cannot be read safely."""
    if pkg.is_ole and _encrypted(pkg):
        raise WorkbookError(str(pkg.path), "tệp được bảo vệ bằng mật khẩu mở tệp. Hãy bỏ mật "
                            "khẩu, lưu lại rồi gửi lại.", code=ENCRYPTED)
    pkg.check_structure()


def _encrypted(pkg: Package) -> bool:
    """An OOXML file with a password to open is an OLE container holding EncryptedPackage; an
    OLE file named .xlsx that holds no legacy workbook is taken for one too."""
    try:
        with open_ole(pkg.data) as ole:
            if ole.exists("EncryptedPackage"):
                return True
            legacy = ole.exists("Workbook") or ole.exists("Book")
    except Exception:  # olefile raises several types for damaged files  # noqa: BLE001
        legacy = False
    return not legacy and pkg.path.suffix.lower() in OOXML_SUFFIXES


def file_warnings(pkg: Package) -> list[Issue]:
    out = []
    if pkg.has_macros:
        out.append(make("macros-present"))
    if pkg.external_links:
        out.append(make("external-links", detail=f"{len(pkg.external_links)} liên kết"))
    if pkg.is_ods:
        out.append(make("ods-format"))
    elif pkg.zip is None:
        out.append(make("legacy-format"))
    return out


def far_cells(grids: list[Grid]) -> list[Issue]:
    """One warning per sheet whose valued cells reach beyond the reading window."""
    out = []
    for g in grids:
        listed = ", ".join(g.far) + (", …" if g.far_count > len(g.far) else "")
        out.append(make("cell-outside-table", sheet=g.sheet, cell=g.far[0],
                        count=format_vn(g.far_count), rows=format_vn(WINDOW_ROWS),
                        cols=WINDOW_COLS, cells=listed))
    return out
