"""The administrative header and the signature block of a printed form (Nghị định 30/2020/NĐ-CP,
Phụ lục I): the superior body over the issuing body in full, the national motto block, the place
and date line; at the end, one signer block per signer (role, title, what to sign, name).

The texts come from the caller (the province profile and the unit registry); nothing here names
a province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ..form import Profile

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
BLANK = "……"
SIGN_HINT = {True: "(Ký tên, đóng dấu)", False: "(Ký, ghi rõ họ tên)"}
SIGNATURE_ROWS = 7  # role, title, hint, three rows to sign in, name


@dataclass(frozen=True)
class Signer:
    role: str  # "NGƯỜI LẬP BIỂU", "TM. BAN THƯỜNG VỤ"
    title: str = ""  # "CHỦ TỊCH"
    name: str = ""
    seal: bool = False  # signs for the body: the seal goes with the signature


# Abbreviations a unit name often carries; a header spells the body out in full.
_FULL = [("LĐLĐ", "Liên đoàn Lao động"), ("CĐCS", "Công đoàn cơ sở"), ("CĐN", "Công đoàn ngành"),
         ("CĐVC", "Công đoàn Viên chức"), ("CĐ", "Công đoàn"), ("KCN", "Khu công nghiệp")]


def full_name(name: str) -> str:
    """«LĐLĐ thành phố Bắc Giang» → «Liên đoàn Lao động thành phố Bắc Giang»."""
    for short, long in _FULL:
        name = re.sub(rf"(?<!\w){short}(?!\w)", long, name)
    return name.strip()


DEFAULT_SIGNERS = (Signer("NGƯỜI LẬP BIỂU"), Signer("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", seal=True))


@dataclass(frozen=True)
class Letterhead:
    superior: str  # the body above the issuing one ("LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC NINH")
    issuer: str  # the body issuing the document, in full
    place: str = ""  # the place of the date line
    dated: date | None = None  # None: left for the signer to fill
    signers: tuple[Signer, ...] = field(default=DEFAULT_SIGNERS)

    def date_line(self) -> str:
        place = self.place or BLANK
        if self.dated is None:
            return f"{place}, ngày {BLANK} tháng {BLANK} năm {BLANK}"
        d = self.dated
        return f"{place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def profile_signers(prof: Profile) -> tuple[Signer, ...]:
    """The profile's signers (the body's signer, the last, signs with the seal)."""
    if not prof.signers:
        return DEFAULT_SIGNERS
    last = len(prof.signers) - 1
    return tuple(Signer(s.role, s.title, s.name, seal=n == last and s.role.startswith("TM."))
                 for n, s in enumerate(prof.signers))


def unit_letterhead(prof: Profile, unit_name: str, unit_code: str = "") -> Letterhead:
    """A unit's report: the province's federation over the unit, the unit's own signers (the
    profile's are the federation's); the unit writes its place and date by hand. The
    federation's own document gets its superior over it (never the same body twice)."""
    if (prof.body_code and unit_code == prof.body_code) or (
            unit_name and full_name(unit_name).casefold() == prof.body_text.casefold()):
        return body_letterhead(prof)
    return Letterhead(prof.body_text, full_name(unit_name) or BLANK)


def body_letterhead(prof: Profile, dated: date | None = None) -> Letterhead:
    """A document of the issuing body itself (the consolidated book, the allocation): its
    superior over it, its place, its signers."""
    return Letterhead(prof.superior_text, prof.body_text, prof.place_text
                      if prof.place or prof.province else "", dated, profile_signers(prof))


def write_header(ws, f, lh: Letterhead, left: tuple[int, int], right: tuple[int, int]) -> None:
    """Rows 0–2: superior and issuer on the left, motto and date line on the right.

    ``left``/``right`` are the (first, last) columns of each block."""
    rows = ((lh.superior.upper(), f.superior, MOTTO[0], f.motto),
            (lh.issuer.upper(), f.issuer, MOTTO[1], f.motto_line),
            ("", f.plain, lh.date_line(), f.date_line))
    for r, (l_text, l_fmt, r_text, r_fmt) in enumerate(rows):
        _merge(ws, r, left, l_text, l_fmt)
        _merge(ws, r, right, r_text, r_fmt)
    ws.set_row(0, 18)
    ws.set_row(1, 18)
    ws.set_row(2, 20)


def write_signatures(ws, f, lh: Letterhead, row: int, left: tuple[int, int],
                     right: tuple[int, int]) -> int:
    """The signer blocks from ``row``: the first signer on the left, the last on the right
    (the body's signer), any others in between on the left below. Returns the last row."""
    signers = list(lh.signers)
    if not signers:
        return row - 1
    # (top row, columns) of each block: the body's signer on the right, the others stacked
    # on the left
    spots = [(row + n * SIGNATURE_ROWS, left) for n in range(len(signers) - 1)]
    spots.append((row, right))
    last = row
    for signer, (top, cols) in zip(signers, spots, strict=True):
        lines = [(signer.role.upper(), f.signer)]
        lines.append((signer.title.upper(), f.signer) if signer.title else ("", f.plain))
        lines.append((SIGN_HINT[signer.seal], f.sign_hint))
        lines += [("", f.plain)] * 3
        lines.append((signer.name, f.signer))
        for i, (text, fmt) in enumerate(lines):
            _merge(ws, top + i, cols, text, fmt)
        last = max(last, top + len(lines) - 1)
    return last


def _merge(ws, r: int, cols: tuple[int, int], text: str, fmt) -> None:
    if cols[0] == cols[1]:
        ws.write_string(r, cols[0], text, fmt) if text else ws.write_blank(r, cols[0], None, fmt)
    else:
        ws.merge_range(r, cols[0], r, cols[1], text, fmt)
