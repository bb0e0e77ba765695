"""How a file that cannot be read is refused: a ``WorkbookError`` carrying its issue code, the
short reason the catalogue's message is built around, the whole sentence a command prints
(what and what to do), and what a library said (for the JSON only)."""

from __future__ import annotations

from pathlib import Path

from ..errors import WorkbookError
from .xmlsafe import UNSAFE, XmlRefused

# How a command says each refusal (lead, advice); the report's messages take theirs from the
# catalogue, built around the same short reason.
_SAID = {
    "file-too-large": ("tệp quá lớn để đọc an toàn ({})", "Hãy xóa các dòng, cột, trang thừa "
                       "(ô gõ nhầm ở xa, dữ liệu kéo xuống hết trang), lưu lại rồi gửi lại."),
    "damaged-file": ("tệp bị hỏng: {}", "Hãy mở tệp bằng Excel (Excel sẽ đề nghị sửa tệp), lưu "
                     "lại rồi gửi lại."),
    "unsafe-content": ("tệp có nội dung không an toàn: {}", "Excel không bao giờ tạo nội dung "
                       "này (có thể là tệp độc hại); tệp không được đọc. Hãy lưu lại bằng Excel "
                       "rồi gửi lại."),
}


def refusal(path: Path, code: str, reason: str, detail: str = "",
            sheet: str | None = None) -> WorkbookError:
    lead, advice = _SAID[code]
    return WorkbookError(str(path), f"{lead.format(reason)}. {advice}", sheet, code=code,
                         reason=reason, detail=detail)


def too_large(path: Path, what: str) -> WorkbookError:
    return refusal(path, "file-too-large", what)


def damaged(path: Path, what: str, detail: str = "") -> WorkbookError:
    return refusal(path, "damaged-file", what, detail)


def refused(path: Path, part: str, exc: XmlRefused) -> WorkbookError:
    """``part`` as described to the user («trang …» or «phần …»)."""
    if exc.kind == UNSAFE:
        return refusal(path, "unsafe-content", f"{part} có khai báo DOCTYPE/ENTITY",
                       f"{part}: {exc.detail}")
    return damaged(path, f"{part} bị cắt dở hoặc sai cấu trúc XML", f"{part}: {exc.detail}")


def unreadable(path: Path, exc: Exception, sheet: str | None = None) -> WorkbookError:
    detail = f"{type(exc).__name__}: {exc}"
    if sheet is not None:
        return refusal(path, "damaged-file", f"dữ liệu của trang «{sheet}» bị hỏng", detail,
                       sheet)
    return WorkbookError(str(path), "tệp hỏng, có mật khẩu, hoặc không phải sổ tính Excel. "
                         "Hãy mở tệp bằng Excel, lưu lại dạng .xlsx (không đặt mật khẩu) rồi "
                         "gửi lại.", detail=detail)
