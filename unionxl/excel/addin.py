"""The Excel add-in (UnionXL.xlam), built on Linux from its text sources in ``macros/`` (shipped
in the wheel as ``unionxl/excel/macros/``), so that an installed wheel can build and install it.

Steps (no Excel needed):
1. XlsxWriter writes the workbook: the "unionxl.conf" sheet (the Vietnamese texts the VBA shows
   and the add-in's version) and the "xlwings.conf" sheet (every xlwings setting the add-in
   relies on, set explicitly so that a user's own ``~/.xlwings/xlwings.conf`` cannot leak in).
2. pyOpenVBA gives it a VBA project and writes our dispatcher module and xlwings's own module
   and ``Dictionary`` class (needed by that module on a Mac), taken from the installed xlwings
   (pinned: the VBA must match the Python package).
3. At zip level: the ``_VBA_PROJECT`` stream becomes the 7-byte form [MS-OVBA] 2.3.4.1 asks for
   on write (so Excel recompiles from source), the package becomes an add-in, and the ribbon
   (``customUI14.xml``) is added last with its relationship.
``unionxl addin install`` builds the same add-in with the current interpreter written into it,
straight into Excel's XLSTART folder.
"""

from __future__ import annotations

import ctypes
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

from .. import __version__
from ..atomic import atomic_output
from ..errors import UnionxlError

# The add-in's sources: macros/ at the top of a checkout; in an installed wheel the same files
# ship as the package unionxl.excel.macros (setup.cfg maps that package onto macros/).
MACROS = next(p for p in (Path(__file__).resolve().parents[2] / "macros",
                          Path(__file__).resolve().parent / "macros")
              if (p / "UnionXL.bas").exists())
ROOT = Path(__file__).resolve().parents[2]
ADDIN_NAME = "UnionXL.xlam"
OUTPUT = ROOT / "workbook_templates" / ADDIN_NAME  # the committed build, in a checkout
XLWINGS_VERSION = "0.37.8"  # the VBA module below must match the Python package exactly
PYTHONS = ("3.11", "3.12", "3.13", "3.14")  # xlwings 0.37.8 needs 3.11+; wheels exist to 3.14
VBA_PROJECT_7 = b"\xcc\x61\xff\xff\x00\x00\x00"  # Reserved1, Version 0xFFFF, Reserved2, Reserved3
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
FIXED = (2024, 1, 1, 0, 0, 0)  # zip timestamps: the same sources give the same bytes
_REINSTALL = ("Hãy chạy lại tệp cai-dat.cmd trong bộ cài unionxl (xem HUONG-DAN.txt), hoặc "
              "trong cửa sổ lệnh: \"{python}\" -m unionxl addin install.")

# Texts the VBA dispatcher shows (VBA source is ANSI: Vietnamese lives in the workbook).
# {python} and {code} are filled in by the VBA (UxFill).
TEXTS = {
    "title": "unionxl – Công đoàn",
    "pick_inbox": "Chọn thư mục chứa các báo cáo cần tổng hợp",
    "pick_output": "Chọn thư mục để lưu tệp",
    "not_installed": (
        "Add-in «Công đoàn» chưa được cài cho máy này: chưa biết dùng Python nào. Hãy chạy tệp "
        "cai-dat.cmd trong bộ cài unionxl (xem HUONG-DAN.txt); nếu đã có Python và unionxl, "
        "chạy trong cửa sổ lệnh: py -m unionxl addin install."),
    "python_missing": (
        "Không tìm thấy Python mà add-in «Công đoàn» được cài để dùng:\n{python}\n"
        "Có thể Python đã bị gỡ hoặc nâng cấp. Hãy cài Python " + PYTHONS[0] + "–" + PYTHONS[-1]
        + " (python.org, chọn «Install Now», không cần quyền quản trị), rồi chạy lại tệp "
        "cai-dat.cmd trong bộ cài unionxl."),
    "unionxl_missing": "Python tại {python} chưa có gói unionxl. " + _REINSTALL,
    "xlwings_missing": "Python tại {python} chưa có gói xlwings. " + _REINSTALL,
    "xlwings_mismatch": (f"Python tại {{python}} có xlwings khác phiên bản {XLWINGS_VERSION} mà "
                         "add-in cần. " + _REINSTALL),
    "python_broken": ("Python tại {python} không chạy được (mã lỗi {code}). " + _REINSTALL
                      + " Nếu vẫn lỗi, hãy gửi thông báo này cho người hỗ trợ."),
    "mac_unsupported": (
        "Add-in «Công đoàn» chỉ chạy trên Excel cho Windows. Trên máy Mac, hãy dùng các lệnh "
        "unionxl trong Terminal (xem hướng dẫn sử dụng, mục 5)."),
    "version": __version__,
}


class AddinError(UnionxlError):
    pass


def xlwings_settings(interpreter: str) -> list[tuple[str, str]]:
    """Every setting xlwings's RunPython reads (xlwings.bas: RunPython, ExecuteWindows,
    ExecuteMac, ShowError), set in the add-in's own sheet: a key present there, even empty, wins
    over the user's and the folder's xlwings.conf files."""
    return [
        ("INTERPRETER_WIN", interpreter), ("INTERPRETER_MAC", ""), ("INTERPRETER", interpreter),
        ("ADD_WORKBOOK_TO_PYTHONPATH", "false"), ("PYTHONPATH", ""),
        ("ONEDRIVE_CONSUMER_WIN", ""), ("ONEDRIVE_COMMERCIAL_WIN", ""), ("SHAREPOINT_WIN", ""),
        ("ONEDRIVE_CONSUMER_MAC", ""), ("ONEDRIVE_COMMERCIAL_MAC", ""), ("SHAREPOINT_MAC", ""),
        ("USE UDF SERVER", "False"), ("SHOW CONSOLE", "False"), ("CONDA PATH", ""),
        ("CONDA ENV", ""), ("TEMP DIR", "%TEMP%"), ("LICENSE_KEY", ""),
        ("SHOW_ERROR_POPUPS", "True"),
    ]


def default_output() -> Path:
    """workbook_templates/ in a checkout; the current folder for an installed package."""
    return OUTPUT if (ROOT / "setup.cfg").exists() and OUTPUT.parent.is_dir() else (
        Path.cwd() / ADDIN_NAME)


def sources() -> dict[str, str]:
    """VBA module name → source (CRLF), as they go into the project."""
    import xlwings  # optional (the "excel" extra): its VBA module goes into the add-in

    if xlwings.__version__ != XLWINGS_VERSION:
        raise AddinError(f"Cần xlwings {XLWINGS_VERSION} (đang có {xlwings.__version__}): mô-đun "
                         "VBA của add-in phải khớp gói Python. Cài: pip install "
                         f"xlwings=={XLWINGS_VERSION}")
    ours = {name: _crlf((MACROS / f"{name}.bas").read_text(encoding="utf-8"))
            for name in ("UnionXL", "UnionXLText")}
    theirs = Path(xlwings.__file__).parent
    return {**ours,
            "xlwings": _crlf((theirs / "xlwings.bas").read_text(encoding="utf-8")),
            "Dictionary": _crlf((theirs / "addin" / "Dictionary.cls").read_text(encoding="utf-8"))}


CLASS_MODULES = {"Dictionary"}


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def ribbon_xml() -> bytes:
    return (MACROS / "customUI14.xml").read_bytes()


def build(out: str | Path | None = None, interpreter: str = "") -> Path:
    out = Path(out) if out else default_output()
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
    for name, rows in (("unionxl.conf", list(TEXTS.items())),
                       ("xlwings.conf", xlwings_settings(interpreter))):
        sheet = wb.add_worksheet(name)
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 1, 100)
        for r, (k, v) in enumerate(rows):
            sheet.write_string(r, 0, k)
            sheet.write_string(r, 1, v)
    wb.close()


def _vba(path: Path, modules: dict[str, str]) -> None:
    from pyopenvba import ExcelFile, VBAModuleKind  # optional (the "excel" extra): build only

    with ExcelFile(path) as book:
        project = book.add_vba_project()
        for name, source in modules.items():
            kind = VBAModuleKind.other if name in CLASS_MODULES else VBAModuleKind.standard
            project.add_module(name, source, kind=kind)
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
    if platform.system() == "Darwin" and not target_dir:
        raise AddinError("Add-in «Công đoàn» chỉ chạy trên Excel cho Windows (trên Mac, xlwings "
                         "cần cài thêm và các nút chưa được thử), nên không cài vào Excel của "
                         "máy Mac này. Hãy dùng các lệnh unionxl trong Terminal (xem hướng dẫn "
                         "sử dụng, mục 5).")
    folder = Path(target_dir) if target_dir else xlstart_dir()
    if folder is None:
        raise AddinError("Máy này không có Microsoft Excel (hệ điều hành "
                         f"{platform.system()}), nên không cài được add-in. Hãy chạy lệnh này "
                         "trên máy Windows hoặc macOS có Excel, hoặc chỉ định thư mục bằng --dir.")
    folder.mkdir(parents=True, exist_ok=True)
    return build(folder / ADDIN_NAME, interpreter=interpreter_path())


def interpreter_path(executable: str = "") -> str:
    """This Python, as the add-in's VBA can reach it: on Windows a path with letters outside
    the ANSI code page (a Vietnamese user name) is given in its 8.3 short form, because
    xlwings checks the interpreter with VBA's GetAttr, which is not Unicode."""
    exe = executable or sys.executable
    if os.name != "nt" or exe.isascii():
        return exe
    buf = ctypes.create_unicode_buffer(1024)
    n = ctypes.windll.kernel32.GetShortPathNameW(exe, buf, len(buf))
    return buf.value if 0 < n < len(buf) else exe


def uninstall(target_dir: str | Path | None = None) -> Path | None:
    folder = Path(target_dir) if target_dir else xlstart_dir()
    if folder is None:
        raise AddinError("Máy này không có Microsoft Excel nên không có add-in để gỡ.")
    path = folder / ADDIN_NAME
    if path.exists():
        path.unlink()
        return path
    return None
