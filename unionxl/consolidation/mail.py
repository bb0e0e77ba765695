"""Saved e-mails (.eml, Outlook .msg): their attachments and when each was sent.

A forwarded message is walked once, as the message it is (its attachments carry the Date of
the message that carried them, the unit's own sending time), never a second time as a part of
the outer one. Nothing found inside is executed; sizes and nesting are bounded.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import io
import struct
from dataclasses import dataclass
from email.message import Message

import olefile

MAX_ATTACHMENTS = 2000
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024
MAX_NESTING = 3  # a message forwarded in a message forwarded in a message
_ATTACH = "__attach_version1.0_#"
_EMBEDDED = "__substg1.0_3701000D"  # an attached Outlook message (MS-OXMSG 2.2.2.1)
_SUBMIT_TIME, _DELIVERY_TIME, _SYSTIME = 0x0039, 0x0E06, 0x0040


class MailRefused(Exception):
    """The message cannot be read; the text (Vietnamese) says why."""


@dataclass(frozen=True)
class Mail:
    """The envelope of the message a workbook came in (the innermost one when forwarded):
    who to reply to and when it was sent, for the season's register and its replies."""

    sender: str = ""  # an address: Reply-To, else From
    sender_name: str = ""
    date: str = ""  # ISO 8601 with the sender's UTC offset; "" when the mail has no Date
    subject: str = ""
    message_id: str = ""


@dataclass
class Attachment:
    name: str
    data: bytes
    sent: dt.datetime | None  # the Date of the message that carried it, in UTC
    mail: Mail | None = None


def eml_attachments(data: bytes) -> list[Attachment]:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    out: list[Attachment] = []
    _walk(msg, _date(msg), envelope(msg), 0, out)
    return out


def _walk(part: Message, sent: dt.datetime | None, about: Mail, depth: int,
          out: list[Attachment]) -> None:
    if part.get_content_type() == "message/rfc822":
        if depth >= MAX_NESTING:
            raise MailRefused("thư chuyển tiếp lồng nhau quá nhiều lớp")
        for inner in part.iter_parts():  # the forwarded message itself, walked once
            _walk(inner, _date(inner) or sent, envelope(inner), depth + 1, out)
        return
    if part.is_multipart():
        for sub in part.iter_parts():
            _walk(sub, sent, about, depth, out)
        return
    filename = part.get_filename()
    if filename:
        payload = part.get_payload(decode=True)
        _add(out, Attachment(str(filename), payload if isinstance(payload, bytes) else b"",
                             sent, about))


def envelope(msg: Message) -> Mail:
    """Sender, Date, subject and Message-ID of a parsed e-mail (headers that fail to parse are
    left blank: a submission is never refused for its envelope)."""
    def header(key: str) -> str:
        try:
            return str(msg.get(key, "") or "").strip()
        except (ValueError, TypeError, IndexError):
            return ""

    name, address = email.utils.parseaddr(header("Reply-To") or header("From"))
    if not address:
        name, address = email.utils.parseaddr(header("From"))
    when = ""
    try:
        parsed = email.utils.parsedate_to_datetime(header("Date")) if header("Date") else None
        if parsed is not None:  # "-0000" (zone unknown) parses naive: taken as UTC
            when = (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
                    ).isoformat()
    except (ValueError, TypeError, IndexError):
        pass
    return Mail(address, name, when, header("Subject"), header("Message-ID"))


def _date(msg: Message) -> dt.datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(str(msg.get("Date", "")))
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": local time of an unknown zone, not a time to compare
        return None
    return when.astimezone(dt.timezone.utc)


def _add(out: list[Attachment], item: Attachment) -> None:
    if len(out) >= MAX_ATTACHMENTS:
        raise MailRefused(f"thư có hơn {MAX_ATTACHMENTS} tệp đính kèm")
    if len(item.data) > MAX_ATTACHMENT_BYTES:
        raise MailRefused(f"tệp đính kèm «{item.name}» quá lớn")
    out.append(item)


def msg_attachments(data: bytes) -> list[Attachment]:
    """Attachments of an Outlook .msg (an OLE compound file), by MS-OXMSG stream names,
    including those of attached (forwarded) Outlook messages."""
    if not olefile.isOleFile(io.BytesIO(data)):
        raise MailRefused("không phải tệp thư Outlook (.msg)")
    out: list[Attachment] = []
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            entries = [e for e in ole.listdir(streams=True, storages=True)]
            _msg_walk(ole, entries, [], _msg_time(ole, [], 32), _msg_envelope(ole, []), 0,
                      out)
    except MailRefused:
        raise
    except Exception as exc:  # olefile raises several types for damaged files
        raise MailRefused("tệp thư Outlook bị hỏng hoặc bị cắt dở") from exc
    return out


def _msg_walk(ole: olefile.OleFileIO, entries: list[list[str]], at: list[str],
              sent: dt.datetime | None, about: Mail, depth: int, out: list[Attachment]
              ) -> None:
    n = len(at)
    storages = sorted({e[n] for e in entries if len(e) > n + 1 and e[:n] == at
                       and e[n].startswith(_ATTACH)})
    for st in storages:
        here = [*at, st]
        if ole.exists("/".join([*here, _EMBEDDED])):
            if depth >= MAX_NESTING:
                raise MailRefused("thư chuyển tiếp lồng nhau quá nhiều lớp")
            inner = [*here, _EMBEDDED]
            _msg_walk(ole, entries, inner, _msg_time(ole, inner, 24) or sent,
                      _msg_envelope(ole, inner), depth + 1, out)
            continue
        blob = _stream(ole, here, "37010102")
        name = _name(ole, here)
        if blob is None or name is None:
            continue  # an OLE object or a link, not a file
        _add(out, Attachment(name, blob, sent, about))


def _msg_envelope(ole: olefile.OleFileIO, at: list[str]) -> Mail:
    """The envelope of an Outlook message, from the Internet headers it keeps
    (PR_TRANSPORT_MESSAGE_HEADERS) or, failing that, its sender and subject properties."""
    def prop(tag: str) -> str:
        path = "/".join([*at, f"__substg1.0_{tag}"])
        if not ole.exists(path) or ole.get_size(path) > 1024 * 1024:
            return ""
        return ole.openstream(path).read().decode("utf-16-le", "replace").rstrip("\x00")

    headers = prop("007D001F")
    if headers:
        return envelope(email.message_from_string(headers, policy=email.policy.default))
    return Mail(prop("5D01001F") or prop("0C1F001F"), prop("0C1A001F"), "", prop("0037001F"))


def _stream(ole: olefile.OleFileIO, at: list[str], prop: str) -> bytes | None:
    path = "/".join([*at, f"__substg1.0_{prop}"])
    if not ole.exists(path):
        return None
    if ole.get_size(path) > MAX_ATTACHMENT_BYTES:
        raise MailRefused("tệp đính kèm quá lớn")
    return ole.openstream(path).read()


def _name(ole: olefile.OleFileIO, at: list[str]) -> str | None:
    """The long file name, else the short one; Unicode (…1F), else ANSI (…1E, Vietnamese
    Windows code page)."""
    for prop in ("3707001F", "3704001F", "3707001E", "3704001E"):
        raw = _stream(ole, at, prop)
        if raw is not None:
            text = raw.decode("utf-16-le" if prop.endswith("F") else "cp1258", "replace")
            return text.rstrip("\x00")
    return None


def _msg_time(ole: olefile.OleFileIO, at: list[str], header: int) -> dt.datetime | None:
    """When the message was sent (else delivered): fixed-size properties, MS-OXMSG 2.4."""
    path = "/".join([*at, "__properties_version1.0"])
    if not ole.exists(path):
        return None
    body = ole.openstream(path).read()
    found = {}
    for off in range(header, len(body) - 15, 16):
        kind, pid = struct.unpack_from("<HH", body, off)
        if kind == _SYSTIME and pid in (_SUBMIT_TIME, _DELIVERY_TIME):
            (ticks,) = struct.unpack_from("<Q", body, off + 8)
            found[pid] = ticks
    ticks = found.get(_SUBMIT_TIME) or found.get(_DELIVERY_TIME)
    if not ticks:
        return None
    try:
        return dt.datetime(1601, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
            microseconds=ticks // 10)
    except OverflowError:
        return None
