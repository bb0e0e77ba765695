"""Text helpers shared by every layer: Unicode form and unit-name keys."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Diacritics-, case- and punctuation-insensitive form of a header or keyword."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D")).lower()
    return re.sub(r"[^a-z0-9]+", "", "".join(c for c in text if not unicodedata.combining(c)))


_ABBREVIATIONS = [("lien doan lao dong", "ldld"), ("cong doan nganh", "cdn"),
                  ("cong doan co so", "cdcs"), ("cong doan", "cd"), ("thanh pho", "tp"),
                  ("khu cong nghiep", "kcn")]


def name_key(name: str) -> str:
    """Diacritics-, case-, space- and Unicode-form-insensitive key of a unit name."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D")).lower()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for long, short in _ABBREVIATIONS:
        text = re.sub(rf"\b{long}\b", short, text)
    return text.replace(" ", "")


VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")  # one zone, no daylight saving


def vn_time(stamp: str | dt.datetime) -> str:
    """A time as people in Vietnam read it: «10/01/2023 15:00» (dd/mm/yyyy HH:MM, local time;
    a time without a zone is taken as UTC, as Office stores it). Unreadable text is returned
    as it is."""
    when = parse_time(stamp) if isinstance(stamp, str) else (
        stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc))
    return stamp if when is None else when.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def parse_time(text: str) -> dt.datetime | None:
    """An ISO 8601 time as UTC; a time without its offset is taken as UTC (OOXML writes UTC)."""
    try:
        when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)
