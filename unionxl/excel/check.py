"""«Kiểm tra cài đặt»: which Python the add-in runs, the unionxl and xlwings versions, and
whether the add-in matches the installed package. (Before this runs, the add-in's VBA has
already checked that the interpreter exists and that unionxl and xlwings import in it.)
"""

from __future__ import annotations

import platform
import sys

from .. import __version__
from .addin import PYTHONS, XLWINGS_VERSION


def check_install(app, xl_book, addin_version: str = "") -> str:
    import xlwings  # optional (the "excel" extra): its version is what is being checked

    python = ".".join(platform.python_version_tuple()[:2])
    lines = [f"Python: {sys.executable} (phiên bản {platform.python_version()})",
             f"Gói unionxl: {__version__}",
             f"Add-in «Công đoàn»: {addin_version or 'không rõ phiên bản'}",
             f"xlwings: {xlwings.__version__}"]
    problems = []
    if addin_version != __version__:
        problems.append(
            f"Add-in (phiên bản {addin_version or '?'}) khác gói unionxl ({__version__}): hãy "
            "chạy lại cai-dat.cmd của bộ cài, hoặc trong cửa sổ lệnh: "
            f"\"{sys.executable}\" -m unionxl addin install, rồi mở lại Excel.")
    if xlwings.__version__ != XLWINGS_VERSION:
        problems.append(f"Add-in cần xlwings {XLWINGS_VERSION}: hãy chạy lại cai-dat.cmd.")
    if python not in PYTHONS:
        problems.append(f"Python {python} chưa được thử với unionxl (được hỗ trợ: "
                        f"{', '.join(PYTHONS)}).")
    verdict = problems or ["Cài đặt đúng: add-in và gói unionxl cùng phiên bản."]
    return "\n".join(lines + [""] + verdict)
