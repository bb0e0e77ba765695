"""Gathering submissions: any mix of workbooks, folders, saved emails (.eml, Outlook .msg)
and .zip archives. Attachments and archive members are copied to a private temporary folder;
nothing is ever written beside the inputs, and nothing found inside is ever executed.

Every file that comes in is accounted for: a workbook to read, or a ``Source`` saying why it
was not used (a mail without a workbook, a refused archive, a lock file…). Archives are bounded
(total and per-member decompressed size, member count, compression ratio, nesting depth) so a
zip bomb is refused, not unpacked; names are cut to fit any file system.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .mail import Mail, MailRefused, eml_attachments, msg_attachments

WORKBOOK_EXT = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
MAIL_EXT = {".eml", ".msg"}
ARCHIVE_EXT = {".zip"}
MAX_INPUT_BYTES = 256 * 1024 * 1024  # one file given or found in a folder
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024  # decompressed, for a whole archive
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 200  # decompressed / compressed for one member
MAX_DEPTH = 3  # an archive in a mail in an archive…
MAX_NAME_BYTES = 150  # of a stored copy's name, in UTF-8 (file systems allow 255)


@dataclass
class Source:
    """One workbook to read, or one thing that was not used (``skipped`` says why)."""

    name: str  # as shown to the user: "thu.eml › BG01.xlsx"
    origin: str  # the input the user gave
    path: Path | None = None
    skipped: str = ""  # issue code when not a workbook to read
    detail: str = ""
    sent: dt.datetime | None = None  # the Date of the e-mail that carried it (UTC)
    technical: str = ""  # what a library said, for the JSON only
    mail: Mail | None = None  # the e-mail's envelope, for the season's register and replies


@dataclass
class Gathered:
    sources: list[Source] = field(default_factory=list)

    @property
    def workbooks(self) -> list[Source]:
        return [s for s in self.sources if not s.skipped]


def safe_name(name: str) -> str:
    """A name any file system takes: no folders, no odd characters, at most MAX_NAME_BYTES
    bytes (Vietnamese letters take 2–3 bytes each), the extension kept."""
    base = re.sub(r"[^\w.\- ]+", "_", unicodedata.normalize(
        "NFC", Path(name.replace("\\", "/")).name))
    stem, dot, ext = base.rpartition(".")
    if not dot or not re.fullmatch(r"\w{1,10}", ext):
        stem, ext = base, ""
    room = MAX_NAME_BYTES - len(ext.encode()) - 1
    stem = stem.strip(". ").encode()[:room].decode("utf-8", "ignore").strip(". ") or "tep"
    return f"{stem}.{ext}" if ext else stem


class _Refused(Exception):
    pass


class _Gatherer:
    def __init__(self, workdir: Path, exclude: tuple[Path, ...] = ()) -> None:
        self.workdir = workdir
        self.out = Gathered()
        self.count = 0
        self.exclude = tuple(p.resolve() for p in exclude)

    def excluded(self, path: Path) -> bool:
        """unionxl's own outputs in the inbox (result, register, reply drafts, and the temporary
        file of an output a killed run left behind) are not mail."""
        if path.name.startswith(".unionxl-"):
            return True
        path = path.resolve()
        return any(path == p or p in path.parents for p in self.exclude)

    def skip(self, name: str, origin: str, code: str, detail: str = "", technical: str = ""
             ) -> None:
        self.out.sources.append(Source(name, origin, skipped=code, detail=detail,
                                       technical=technical))

    def store(self, name: str, data: bytes) -> Path:
        self.count += 1
        folder = self.workdir / f"{self.count:05d}"
        folder.mkdir(parents=True)
        path = folder / safe_name(name)
        path.write_bytes(data)
        return path

    def add_path(self, path: Path, origin: str) -> None:
        try:
            if path.is_dir():
                for child in sorted(path.rglob("*")):
                    if child.is_file() and not self.excluded(child):
                        self.guarded(child, str(child), child.relative_to(path).as_posix())
                return
        except OSError as exc:
            self.skip(str(path), origin, "unreadable-file", "không đọc được thư mục. Kiểm tra "
                      "lại quyền đọc.", f"{type(exc).__name__}: {exc}")
            return
        if not path.exists():
            self.skip(str(path), origin, "unreadable-file",
                      "không tìm thấy tệp. Kiểm tra lại đường dẫn.")
            return
        self.guarded(path, origin, path.name)

    def guarded(self, path: Path, origin: str, name: str) -> None:
        """One input file; whatever it holds, it ends as entries (never an exception)."""
        before = len(self.out.sources)
        try:
            self.add_file(path, origin, name)
        except Exception as exc:  # one file never stops the others: caught and coded
            del self.out.sources[before:]
            self.skip(name, origin, "unexpected-error", technical=f"{type(exc).__name__}: {exc}")

    def add_file(self, path: Path, origin: str, name: str) -> None:
        ext = path.suffix.lower()
        if not path.is_file():  # a device or a pipe: reading it might never end
            self.skip(name, origin, "not-a-workbook", "không phải tệp thông thường")
        elif path.name.startswith("~$"):
            self.skip(name, origin, "lock-file")
        elif ext in WORKBOOK_EXT:
            self.out.sources.append(Source(name, origin, path))
        elif ext in MAIL_EXT or ext in ARCHIVE_EXT:
            size = path.stat().st_size
            if size > MAX_INPUT_BYTES:
                self.skip(name, origin, "archive-rejected" if ext in ARCHIVE_EXT else
                          "mail-rejected", f"tệp nặng {size // 2**20} MB, quá giới hạn "
                          f"{MAX_INPUT_BYTES // 2**20} MB")
                return
            self.add_container(path.read_bytes(), ext, name, origin, 0, None)
        else:
            self.skip(name, origin, "not-a-workbook", f"phần mở rộng «{ext or 'không có'}»")

    def add_bytes(self, data: bytes, name: str, origin: str, depth: int,
                  sent: dt.datetime | None, in_mail: bool, mail: Mail | None = None) -> None:
        ext = Path(name).suffix.lower()
        if Path(name.replace("\\", "/")).name.startswith("~$"):
            self.skip(name, origin, "lock-file")
        elif ext in WORKBOOK_EXT:
            self.out.sources.append(Source(name, origin, self.store(name, data), sent=sent,
                                           mail=mail))
        elif ext in MAIL_EXT or ext in ARCHIVE_EXT:
            self.add_container(data, ext, name, origin, depth, sent)
        elif not in_mail:  # a mail's other attachments (signatures, images) are not reports
            self.skip(name, origin, "not-a-workbook", f"phần mở rộng «{ext or 'không có'}»")

    def add_container(self, data: bytes, ext: str, name: str, origin: str, depth: int,
                      sent: dt.datetime | None) -> None:
        code = "archive-rejected" if ext in ARCHIVE_EXT else "mail-rejected"
        if depth >= MAX_DEPTH:
            self.skip(name, origin, code, "lồng nhau quá nhiều lớp")
            return
        before = len(self.out.sources)
        try:
            if ext == ".zip":
                self.unzip(data, name, origin, depth)
            else:
                self.mail(data, ext, name, origin, depth)
        except (_Refused, MailRefused) as exc:
            del self.out.sources[before:]  # a container is refused whole: nothing half-read
            cause = exc.__cause__
            self.skip(name, origin, code, str(exc),
                      f"{type(cause).__name__}: {cause}" if cause is not None else "")
            return
        if len(self.out.sources) == before and ext == ".zip":
            self.skip(name, origin, code, "không có tệp nào bên trong")

    def unzip(self, data: bytes, name: str, origin: str, depth: int) -> None:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = [i for i in zf.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise _Refused("tệp nén hỏng") from exc
        if len(infos) > MAX_MEMBERS:
            raise _Refused(f"có {len(infos)} tệp, quá giới hạn {MAX_MEMBERS}")
        total = sum(i.file_size for i in infos)
        if total > MAX_ARCHIVE_BYTES:
            raise _Refused(f"giải nén ra {total // 2**20} MB, quá giới hạn "
                           f"{MAX_ARCHIVE_BYTES // 2**20} MB (nghi tệp nén độc hại)")
        for info in infos:
            member = _decode_zip_name(info)
            if info.file_size > MAX_MEMBER_BYTES or (
                    info.compress_size and info.file_size / info.compress_size > MAX_RATIO):
                raise _Refused(f"tệp «{member}» nén bất thường (nghi tệp nén độc hại)")
            try:
                with zf.open(info) as fh:
                    content = fh.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError,
                    NotImplementedError) as exc:
                raise _Refused(f"không giải nén được «{member}» (tệp nén hỏng hoặc có mật "
                               "khẩu)") from exc
            if len(content) > MAX_MEMBER_BYTES:
                raise _Refused(f"tệp «{member}» lớn hơn khai báo (nghi tệp nén độc hại)")
            self.add_bytes(content, f"{name} › {member}", origin, depth + 1, None, False)

    def mail(self, data: bytes, ext: str, name: str, origin: str, depth: int) -> None:
        found = eml_attachments(data) if ext == ".eml" else msg_attachments(data)
        before = len(self.out.workbooks)
        for att in found:
            self.add_bytes(att.data, f"{name} › {att.name}", origin, depth + 1, att.sent, True,
                          att.mail)
        if len(self.out.workbooks) == before:
            names = ", ".join(f"«{a.name}»" for a in found[:5]) + (", …" if len(found) > 5
                                                                    else "")
            self.skip(name, origin, "mail-without-workbook",
                      f"tệp đính kèm: {names}" if found else "không có tệp đính kèm")


def _decode_zip_name(info: zipfile.ZipInfo) -> str:
    # Windows' "Send to zip" stores Vietnamese names in cp437 without the UTF-8 flag.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def gather(inputs: list[str | Path], workdir: Path, exclude: tuple[Path, ...] = ()
           ) -> Gathered:
    """Every input, expanded; ``exclude`` names files and folders to pass over inside folders."""
    g = _Gatherer(workdir, exclude)
    for item in inputs:
        g.add_path(Path(item), str(item))
    return g.out
