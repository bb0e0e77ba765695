"""Numbers typed as text, Vietnamese or English style, read without guessing.

``readings(text, unit, integer)`` returns every value the text can mean: "1.234" is 1234 in
Vietnamese style and 1.234 in English style; in a count row only 1234 is possible. One reading:
``fix-numbers`` converts it; several: the cell is reported as ambiguous.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_MONEY_WORDS = (
    # (suffix, factor to đồng)
    ("tỷđồng", 1e9), ("tỷ", 1e9), ("triệuđồng", 1e6), ("triệu", 1e6), ("trđ", 1e6),
    ("tr", 1e6), ("nghìnđồng", 1e3), ("ngànđồng", 1e3), ("nghìn", 1e3), ("ngàn", 1e3),
    ("đồng", 1.0), ("vnđ", 1.0), ("vnd", 1.0), ("đ", 1.0),
)
_UNIT_WORDS = ("người", "lượtngười", "lượt", "dn", "doanhnghiệp", "vụ", "cuộc", "đơnvị",
               "cđcs", "bnc", "nhà", "sángkiến")
_GROUPED_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DEC_DOT = re.compile(r"^\d+\.\d+$")
_DEC_COMMA = re.compile(r"^\d+,\d+$")
_VN_FULL = re.compile(r"^\d{1,3}(\.\d{3})+,\d+$")  # 1.234,5
_EN_FULL = re.compile(r"^\d{1,3}(,\d{3})+\.\d+$")  # 1,234.5
COMPOUND = re.compile(r"^\s*\d+([.,]\d+)?\s*/\s*\d+([.,]\d+)?\s*$")


@dataclass(frozen=True)
class Reading:
    values: tuple[float, ...]  # distinct possible values, in the row's unit
    kind: str  # "number" (one or more readings), "compound", "text"


def _core_readings(s: str) -> set[float]:
    out: set[float] = set()
    if _PLAIN.match(s):
        out.add(float(s))
    if _GROUPED_DOT.match(s):
        out.add(float(s.replace(".", "")))
    if _GROUPED_COMMA.match(s):
        out.add(float(s.replace(",", "")))
    if _DEC_DOT.match(s):
        out.add(float(s))
    if _DEC_COMMA.match(s):
        out.add(float(s.replace(",", ".")))
    if _VN_FULL.match(s):
        out.add(float(s.replace(".", "").replace(",", ".")))
    if _EN_FULL.match(s):
        out.add(float(s.replace(",", "")))
    return out


def read_text(text: str, unit: str = "", integer: bool = True) -> Reading:
    raw = unicodedata.normalize("NFC", str(text)).strip()
    if COMPOUND.match(raw):
        return Reading((), "compound")
    spaced = _SPACES.sub(" ", raw)
    grouped = r"(^|[^\d])\d{1,3}( \d{3})+([.,]\d+)?($|[^\d])"
    if re.search(r"\d \d", spaced) and not re.search(grouped, spaced):
        return Reading((), "text")  # "12 34": not a thousands grouping
    s = _SPACES.sub("", raw).lower()
    negative = s.startswith("-")
    s = s.lstrip("+-")
    factor = 1.0
    for word, f in _MONEY_WORDS:
        if s.endswith(word) and len(s) > len(word):
            s = s[: -len(word)]
            # amounts are entered in the row's unit: "12 triệu" in a triệu đồng row is 12
            factor = f / 1e6 if unit == "triệu đồng" else f
            break
    else:
        for word in _UNIT_WORDS:
            if s.endswith(word) and len(s) > len(word):
                s = s[: -len(word)]
                break
    values = _core_readings(s)
    if not values:
        return Reading((), "text")
    out = sorted({round((-v if negative else v) * factor, 9) for v in values})
    if integer:
        ints = [v for v in out if float(v).is_integer()]
        out = ints or out
    return Reading(tuple(out), "number")


def format_vn(value: float) -> str:
    """1234.5 → "1.234,5" (how a Vietnamese user writes it)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, frac = f"{value:,.6f}".rstrip("0").split(".")
    return whole.replace(",", ".") + "," + frac
