"""Text helpers shared by every layer: Unicode form and unit-name keys."""

from __future__ import annotations

import re
import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


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
