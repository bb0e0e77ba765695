"""Outlook .msg files and encrypted-workbook containers for tests, written as OLE compound
files (MS-CFB) with pyOpenVBA's CFB editor, starting from an empty compound file built here.
Stream names follow MS-OXMSG: attachments in ``__attach_version1.0_#N`` storages, an attached
message in ``__substg1.0_3701000D``, the sending time in ``__properties_version1.0``."""

from __future__ import annotations

import datetime as dt
import struct

from pyopenvba.cfb import CFB

FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def empty_cfb() -> bytes:
    """A version-3 compound file holding only its root storage (512-byte sectors)."""
    head = bytearray(512)
    head[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", head, 24, 0x3E, 3, 0xFFFE, 9, 6)
    # directory sectors (0 in v3), FAT sectors, first directory sector, transaction, mini
    # cutoff, first mini FAT sector, mini FAT sectors, first DIFAT sector, DIFAT sectors
    struct.pack_into("<IIIIIIIII", head, 40, 0, 1, 1, 0, 0x1000, END, 0, END, 0)
    struct.pack_into("<109I", head, 76, 0, *([FREE] * 108))
    fat = struct.pack("<128I", FATSECT, END, *([FREE] * 126))
    name = "Root Entry".encode("utf-16-le") + b"\0\0"
    root = bytearray(128)
    root[0:len(name)] = name
    struct.pack_into("<HBB", root, 64, len(name), 5, 1)
    struct.pack_into("<III", root, 68, NOSTREAM, NOSTREAM, NOSTREAM)
    struct.pack_into("<IQ", root, 116, END, 0)
    empty = bytearray(128)
    struct.pack_into("<III", empty, 68, NOSTREAM, NOSTREAM, NOSTREAM)
    return bytes(head) + fat + bytes(root) + bytes(empty) * 3


def _filetime(when: dt.datetime) -> int:
    return int((when - dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc)).total_seconds() * 10**7)


def _properties(sent: dt.datetime | None, header: int) -> bytes:
    body = bytes(header)
    if sent is not None:  # PidTagClientSubmitTime, PT_SYSTIME
        body += struct.pack("<HHIQ", 0x0040, 0x0039, 6, _filetime(sent))
    return body


def _message(cfb: CFB, at: tuple[str, ...], subject: str, sent: dt.datetime | None,
             attachments: list[tuple[str, bytes]], header: int,
             inner: tuple[str, list[tuple[str, bytes]], dt.datetime | None] | None) -> None:
    cfb.add_stream_at(at, "__substg1.0_0037001F", subject.encode("utf-16-le"))
    cfb.add_stream_at(at, "__properties_version1.0", _properties(sent, header))
    n = 0
    for n, (name, data) in enumerate(attachments):
        st = f"__attach_version1.0_#{n:08X}"
        cfb.add_substorage_at(at, st)
        cfb.add_stream_at((*at, st), "__substg1.0_37010102", data)
        cfb.add_stream_at((*at, st), "__substg1.0_3707001F", name.encode("utf-16-le"))
    if inner is not None:  # a forwarded Outlook message, attached as a message
        st = f"__attach_version1.0_#{n + 1 if attachments else 0:08X}"
        cfb.add_substorage_at(at, st)
        cfb.add_substorage_at((*at, st), "__substg1.0_3701000D")
        _message(cfb, (*at, st, "__substg1.0_3701000D"), inner[0], inner[2], inner[1], 24,
                 None)


def msg_file(subject: str, attachments: list[tuple[str, bytes]],
             sent: dt.datetime | None = None,
             forwarded: tuple[str, list[tuple[str, bytes]], dt.datetime | None] | None = None
             ) -> bytes:
    cfb = CFB.from_bytes(empty_cfb())
    _message(cfb, (), subject, sent, attachments, 32, forwarded)
    return cfb.to_bytes()


def encrypted_workbook() -> bytes:
    """What Excel writes for a workbook with a password to open: an OLE container with
    EncryptionInfo and EncryptedPackage streams (contents random here: never decrypted)."""
    cfb = CFB.from_bytes(empty_cfb())
    cfb.add_stream_at((), "EncryptionInfo", b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(200))
    cfb.add_stream_at((), "EncryptedPackage", struct.pack("<Q", 5000) + bytes(5000))
    return cfb.to_bytes()
