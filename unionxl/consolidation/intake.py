"""Gathering submissions: any mix of workbooks, folders, saved emails (.eml, Outlook .msg)
and .zip archives. Attachments and archive members are copied to a private temporary folder;
nothing is ever written beside the inputs, and nothing found inside is ever executed.

Archives are bounded (total and per-member decompressed size, member count, compression ratio,
nesting depth) so a zip bomb is refused, not unpacked.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import olefile

WORKBOOK_EXT = {".xlsx", ".xlsm", ".xls", ".xlsb"}
MAIL_EXT = {".eml", ".msg"}
ARCHIVE_EXT = {".zip"}
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024  # decompressed, for a whole archive
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 200  # decompressed / compressed for one member
MAX_DEPTH = 3  # an archive in a mail in an archive…


@dataclass
class Source:
    """One workbook to read, or one thing that was not used (``skipped`` says why)."""

    name: str  # as shown to the user: "thu.eml › BG01.xlsx"
    origin: str  # the input the user gave
    path: Path | None = None
    skipped: str = ""  # issue code when not a workbook to read
    detail: str = ""


@dataclass
class Gathered:
    sources: list[Source] = field(default_factory=list)

    @property
    def workbooks(self) -> list[Source]:
        return [s for s in self.sources if not s.skipped]


def _safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name or "tep"
    base = unicodedata.normalize("NFC", base)
    return re.sub(r"[^\w.\- ]+", "_", base)[:120]


class _Gatherer:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.out = Gathered()
        self.count = 0

    def store(self, name: str, data: bytes) -> Path:
        self.count += 1
        folder = self.workdir / f"{self.count:05d}"
        folder.mkdir(parents=True)
        path = folder / _safe_name(name)
        path.write_bytes(data)
        return path

    def add_path(self, path: Path, origin: str) -> None:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file():
                    self.add_file(child, str(child), child.relative_to(path).as_posix(), 0)
            return
        if not path.exists():
            self.out.sources.append(Source(str(path), origin, skipped="unreadable-file",
                                           detail="không tìm thấy tệp. Kiểm tra lại đường dẫn."))
            return
        self.add_file(path, origin, path.name, 0)

    def add_file(self, path: Path, origin: str, name: str, depth: int) -> None:
        ext = path.suffix.lower()
        if path.name.startswith("~$"):
            self.out.sources.append(Source(name, origin, skipped="lock-file"))
            return
        if ext in WORKBOOK_EXT:
            self.out.sources.append(Source(name, origin, path))
        elif ext in MAIL_EXT or ext in ARCHIVE_EXT:
            self.add_container(path.read_bytes(), ext, name, origin, depth)
        else:
            self.out.sources.append(Source(name, origin, skipped="not-a-workbook",
                                           detail=f"phần mở rộng «{ext or 'không có'}»"))

    def add_bytes(self, data: bytes, name: str, origin: str, depth: int) -> None:
        ext = Path(name).suffix.lower()
        if Path(name).name.startswith("~$"):
            self.out.sources.append(Source(name, origin, skipped="lock-file"))
            return
        if ext in WORKBOOK_EXT:
            self.out.sources.append(Source(name, origin, self.store(name, data)))
        elif ext in MAIL_EXT or ext in ARCHIVE_EXT:
            self.add_container(data, ext, name, origin, depth)
        # other attachments (signatures, images, documents) are not submissions

    def add_container(self, data: bytes, ext: str, name: str, origin: str, depth: int) -> None:
        if depth >= MAX_DEPTH:
            self.out.sources.append(Source(name, origin, skipped="archive-rejected",
                                           detail="lồng nhau quá nhiều lớp"))
            return
        try:
            if ext == ".zip":
                self.unzip(data, name, origin, depth)
            elif ext == ".eml":
                self.mail(email.message_from_bytes(data, policy=email.policy.default), name,
                          origin, depth)
            else:
                self.outlook(data, name, origin, depth)
        except _Refused as exc:
            self.out.sources.append(Source(name, origin, skipped="archive-rejected",
                                           detail=str(exc)))

    def unzip(self, data: bytes, name: str, origin: str, depth: int) -> None:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = [i for i in zf.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise _Refused(f"tệp nén hỏng ({exc})") from exc
        if len(infos) > MAX_MEMBERS:
            raise _Refused(f"có {len(infos)} tệp, quá giới hạn {MAX_MEMBERS}")
        total = sum(i.file_size for i in infos)
        if total > MAX_ARCHIVE_BYTES:
            raise _Refused(f"giải nén ra {total // 2**20} MB, quá giới hạn "
                           f"{MAX_ARCHIVE_BYTES // 2**20} MB (nghi tệp nén độc hại)")
        for info in infos:
            if info.file_size > MAX_MEMBER_BYTES or (
                    info.compress_size and info.file_size / info.compress_size > MAX_RATIO):
                raise _Refused(f"tệp «{info.filename}» nén bất thường (nghi tệp nén độc hại)")
            member = _decode_zip_name(info)
            try:
                with zf.open(info) as fh:
                    content = fh.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
                raise _Refused(f"không giải nén được «{member}» ({exc})") from exc
            if len(content) > MAX_MEMBER_BYTES:
                raise _Refused(f"tệp «{member}» lớn hơn khai báo (nghi tệp nén độc hại)")
            self.add_bytes(content, f"{name} › {member}", origin, depth + 1)

    def mail(self, msg, name: str, origin: str, depth: int) -> None:
        for part in msg.walk():
            if part.get_content_type() == "message/rfc822":
                for inner in part.iter_parts():
                    self.mail(inner, name, origin, depth + 1)
                continue
            filename = part.get_filename()
            if not filename or part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            self.add_bytes(payload, f"{name} › {filename}", origin, depth + 1)

    def outlook(self, data: bytes, name: str, origin: str, depth: int) -> None:
        for filename, payload in msg_attachments(data):
            self.add_bytes(payload, f"{name} › {filename}", origin, depth + 1)


class _Refused(Exception):
    pass


def _decode_zip_name(info: zipfile.ZipInfo) -> str:
    # Windows' "Send to zip" stores Vietnamese names in cp437 without the UTF-8 flag.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def msg_attachments(data: bytes) -> list[tuple[str, bytes]]:
    """Attachments of an Outlook .msg (an OLE compound file), by MS-OXMSG stream names."""
    if not olefile.isOleFile(io.BytesIO(data)):
        raise _Refused("không phải tệp Outlook .msg")
    out = []
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        storages = sorted({e[0] for e in ole.listdir() if e[0].startswith("__attach_version1.0_")})
        for st in storages:
            def read(prop: str, st: str = st) -> bytes | None:
                path = f"{st}/__substg1.0_{prop}"
                return ole.openstream(path).read() if ole.exists(path) else None

            blob = read("37010102")
            raw_name = read("3707001F") or read("3704001F")  # long, then short file name
            if blob is None or raw_name is None:
                continue  # an embedded message or OLE object, not a file
            out.append((raw_name.decode("utf-16-le").rstrip("\x00"), blob))
    return out


def gather(inputs: list[str | Path], workdir: Path) -> Gathered:
    g = _Gatherer(workdir)
    for item in inputs:
        g.add_path(Path(item), str(item))
    return g.out
