"""Exceptions for misuse and unreadable input.

Two channels (as pandera does): a broken form definition, an unreadable file or a wrong
command raises a ``UnionxlError``; bad *entered data* never raises, it becomes a report entry.
Every message is Vietnamese and says where the problem is and what to do.
"""

from __future__ import annotations


class UnionxlError(Exception):
    """Base class; ``str(err)`` is the Vietnamese message shown to the user."""

    exit_code = 2


class FormDefinitionError(UnionxlError):
    """A form definition (YAML) is wrong: names the file, the entry and the problem."""

    def __init__(self, path: str, entry: str, problem: str) -> None:
        self.path, self.entry, self.problem = path, entry, problem
        super().__init__(
            f"Định nghĩa biểu mẫu sai: tệp {path}, mục {entry}: {problem}. "
            "Hãy sửa tệp định nghĩa rồi chạy lại."
        )


class UnknownFormError(UnionxlError):
    def __init__(self, form_id: str, known: list[str]) -> None:
        super().__init__(
            f"Không có biểu mẫu «{form_id}». Các biểu mẫu có sẵn: {', '.join(known)}. "
            "Xem danh sách bằng lệnh: unionxl form list"
        )


class WorkbookError(UnionxlError):
    """A workbook cannot be used (unreadable, not a unionxl workbook, keys missing).

    ``code`` is the issue code the validator reports it under (see the catalogue in
    ``validation.issues``): the error carries it, nobody parses the message. ``problem`` is the
    whole Vietnamese sentence (what and what to do) shown by a command; ``reason`` the short
    cause the catalogue's message is built around (defaults to ``problem``); ``detail`` what a
    library said (technical, English: for the JSON report, never for the message)."""

    def __init__(self, path: str, problem: str, sheet: str | None = None,
                 cell: str | None = None, code: str = "unreadable-file", *,
                 reason: str = "", detail: str = ""):
        self.path, self.problem, self.sheet, self.cell = path, problem, sheet, cell
        self.code, self.reason, self.detail = code, reason or problem, detail
        where = f"tệp {path}"
        if sheet:
            where += f", trang «{sheet}»"
        if cell:
            where += f", ô {cell}"
        super().__init__(f"Lỗi ở {where}: {problem}")


class DataFileError(UnionxlError):
    """A tidy data file (CSV) is wrong: names the file, the line and what to do."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = path, line, problem
        where = f"tệp {path}" + (f", dòng {line}" if line else "")
        super().__init__(f"Lỗi dữ liệu ở {where}: {problem}")


class ProfileError(UnionxlError):
    """The province profile (a small YAML file the user edits) is wrong: names file and key."""

    def __init__(self, path: str, entry: str, problem: str) -> None:
        self.path, self.entry, self.problem = path, entry, problem
        super().__init__(f"Hồ sơ tỉnh sai: tệp {path}, mục «{entry}»: {problem}. Hãy sửa tệp "
                         "rồi chạy lại (xem mẫu: unionxl/data/ho-so-tinh.yaml).")


class OutputBusyError(UnionxlError):
    def __init__(self, path: object) -> None:
        super().__init__(
            f"Không ghi được tệp {path}: tệp đang mở trong Excel hoặc bị khóa. "
            "Hãy đóng tệp trong Excel rồi chạy lại, hoặc ghi ra tên tệp khác (-o)."
        )
