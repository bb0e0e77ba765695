"""The Excel add-in (UnionXL.xlam), built on Linux from text sources in ``macros/``.

Steps (no Excel needed):
1. XlsxWriter writes the workbook: the "unionxl.conf" sheet (Vietnamese texts the VBA shows)
   and the "xlwings.conf" sheet (xlwings settings: the Python interpreter).
2. pyOpenVBA gives it a VBA project and writes our dispatcher module and xlwings's own module,
   taken from the installed xlwings (pinned: the VBA must match the Python package).
3. At zip level: the ``_VBA_PROJECT`` stream becomes the 7-byte form [MS-OVBA] 2.3.4.1 asks for
   on write (so Excel recompiles from source), the package becomes an add-in, and the ribbon
   (``customUI14.xml``) is added last with its relationship.
``unionxl addin install`` builds the same add-in with the current interpreter written into it,
straight into Excel's XLSTART folder.
"""

from __future__ import annotations

import datetime
import io
import os
import platform
import re
import sys
import tempfile
import zipfile
from pathlib import Path

import xlsxwriter

from ..atomic import atomic_output
from ..errors import UnionxlError

ROOT = Path(__file__).resolve().parents[2]
MACROS = ROOT / "macros"
OUTPUT = ROOT / "workbook_templates" / "UnionXL.xlam"
XLWINGS_VERSION = "0.37.8"  # the VBA module below must match the Python package exactly
VBA_PROJECT_7 = b"\xcc\x61\xff\xff\x00\x00\x00"  # Reserved1, Version 0xFFFF, Reserved2, Reserved3
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
FIXED = (2024, 1, 1, 0, 0, 0)  # zip timestamps: the same sources give the same bytes

# Texts the VBA dispatcher shows (VBA source is ANSI: Vietnamese lives in the workbook).
TEXTS = {
    "pick_inbox": "Chọn thư mục chứa các báo cáo cần tổng hợp",
    "pick_output": "Chọn thư mục để lưu tệp",
}


class AddinError(UnionxlError):
    pass


def sources() -> dict[str, str]:
    """VBA module name → source (CRLF), as they go into the project."""
    import xlwings  # optional (the "excel" extra): its VBA module goes into the add-in

    if xlwings.__version__ != XLWINGS_VERSION:
        raise AddinError(f"Cần xlwings {XLWINGS_VERSION} (đang có {xlwings.__version__}): mô-đun "
                         "VBA của add-in phải khớp gói Python. Cài: pip install "
                         f"xlwings=={XLWINGS_VERSION}")
    ours = (MACROS / "UnionXL.bas").read_text(encoding="utf-8")
    theirs = (Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="utf-8")
    return {"UnionXL": _crlf(ours), "xlwings": _crlf(theirs)}


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def ribbon_xml() -> bytes:
    return (MACROS / "customUI14.xml").read_bytes()


def build(out: str | Path = OUTPUT, interpreter: str = "") -> Path:
    out = Path(out)
    modules = sources()
    with tempfile.TemporaryDirectory(prefix="unionxl-addin-") as tmp:
        book = Path(tmp) / "UnionXL.xlsm"
        _workbook(book, interpreter)
        _vba(book, modules)
        data = _finish(book.read_bytes())
    with atomic_output(out) as target:
        target.write_bytes(data)
    return out


def _workbook(path: Path, interpreter: str) -> None:
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": "UnionXL – Công đoàn", "author": "unionxl",
                       "created": datetime.datetime(2024, 1, 1)})
    conf = wb.add_worksheet("unionxl.conf")
    for r, (k, v) in enumerate(TEXTS.items()):
        conf.write_string(r, 0, k)
        conf.write_string(r, 1, v)
    xw = wb.add_worksheet("xlwings.conf")
    settings = [("ADD_WORKBOOK_TO_PYTHONPATH", "false"), ("SHOW_ERROR_POPUPS", "True")]
    if interpreter:
        settings.append(("INTERPRETER_WIN" if os.name == "nt" else "INTERPRETER_MAC",
                         interpreter))
    for r, (k, v) in enumerate(settings):
        xw.write_string(r, 0, k)
        xw.write_string(r, 1, v)
    wb.close()


def _vba(path: Path, modules: dict[str, str]) -> None:
    from pyopenvba import ExcelFile  # optional (the "excel" extra): only to build the add-in

    with ExcelFile(path) as book:
        project = book.add_vba_project()
        for name, source in modules.items():
            project.add_module(name, source)
        book.save()


def _finish(data: bytes) -> bytes:
    """Zip-level edits: 7-byte _VBA_PROJECT, add-in content type, the ribbon last."""
    from pyopenvba.cfb import CFB  # optional (the "excel" extra), as above

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in sorted(zin.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            body = zin.read(name)
            if name == "xl/vbaProject.bin":
                cfb = CFB.from_bytes(body)
                cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", VBA_PROJECT_7)
                body = cfb.to_bytes()
            elif name == "[Content_Types].xml":
                body = re.sub(rb'(PartName="/xl/workbook.xml" ContentType=")[^"]+"',
                              b'\\1' + ADDIN_CONTENT_TYPE.encode() + b'"', body)
            elif name == "_rels/.rels":
                rel = (f'<Relationship Id="rIdUnionXLRibbon" Type="{UI_REL}" '
                       'Target="customUI/customUI14.xml"/>').encode()
                body = body.replace(b"</Relationships>", rel + b"</Relationships>")
            zout.writestr(zipfile.ZipInfo(name, FIXED), body, zipfile.ZIP_DEFLATED)
        zout.writestr(zipfile.ZipInfo("customUI/customUI14.xml", FIXED), ribbon_xml(),
                      zipfile.ZIP_DEFLATED)
    return out.getvalue()


# -- install ------------------------------------------------------------------------------
def xlstart_dir() -> Path | None:
    """Excel's XLSTART folder for this user, or None where Excel cannot be."""
    system = platform.system()
    if system == "Windows":
        appdata = os.environ.get("APPDATA")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART" if appdata else None
    if system == "Darwin":
        return (Path.home() / "Library" / "Group Containers" / "UBF8T346G9.Office" /
                "User Content.localized" / "Startup.localized" / "Excel")
    return None


def install(target_dir: str | Path | None = None) -> Path:
    folder = Path(target_dir) if target_dir else xlstart_dir()
    if folder is None:
        raise AddinError("Máy này không có Microsoft Excel (hệ điều hành "
                         f"{platform.system()}), nên không cài được add-in. Hãy chạy lệnh này "
                         "trên máy Windows hoặc macOS có Excel, hoặc chỉ định thư mục bằng --dir.")
    folder.mkdir(parents=True, exist_ok=True)
    return build(folder / OUTPUT.name, interpreter=sys.executable)


def uninstall(target_dir: str | Path | None = None) -> Path | None:
    folder = Path(target_dir) if target_dir else xlstart_dir()
    if folder is None:
        raise AddinError("Máy này không có Microsoft Excel nên không có add-in để gỡ.")
    path = folder / OUTPUT.name
    if path.exists():
        path.unlink()
        return path
    return None
