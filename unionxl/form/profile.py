"""The province profile: who issues the forms and what every form prints about the province.

Province, issuing and superior bodies, place, congress (ordinal and term), the guidance line
that accompanies a form, the note on term targets and the signers are parameters of a small
YAML file the user edits (``--profile``; CLI flags override it) — never text in a form
definition, which only says where such text goes. Every field has a neutral default ("……"), so
a workbook made without a profile names no province at all.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ProfileError
from ..text import nfc
from . import yamlfile

BLANK = "……"
DEFAULT_NAME = "ho-so-tinh.yaml"  # picked up from the working folder when no --profile is given
_KEYS = {"province", "body", "body_code", "superior", "place", "congress", "target_note",
         "guidance", "signers", "registry", "changes"}
_CONGRESS_KEYS = {"ordinal", "term"}
_GUIDANCE_KEYS = {"form", "term", "text"}
_SIGNER_KEYS = {"role", "title", "name"}
TERM = re.compile(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*")


@dataclass(frozen=True)
class Guidance:
    """The "(Kèm theo Hướng dẫn …)" line printed under the title of one form (and term)."""

    form: str  # a form id; "" for every form
    term: str  # "2025-2030" or "2026"; "" for any term
    text: str


@dataclass(frozen=True)
class Signer:
    role: str  # "TM. BAN THƯỜNG VỤ", "NGƯỜI LẬP BIỂU"
    title: str = ""  # "CHỦ TỊCH"
    name: str = ""


@dataclass(frozen=True)
class Profile:
    province: str = ""
    body: str = ""  # the issuing body in full ("Liên đoàn Lao động tỉnh Bắc Ninh")
    body_code: str = ""  # its code in the unit registry (the root of a consolidation)
    superior: str = ""  # the body above it
    place: str = ""  # the place of the date line
    congress_ordinal: str = ""  # "I", "XVIII"
    congress_term: str = ""  # "2025-2030"
    target_note: str = ""  # the note on rows with a term target; derived when blank
    guidance: tuple[Guidance, ...] = ()
    signers: tuple[Signer, ...] = ()
    registry: str = ""  # unit registry (CSV or XLSX), relative paths resolved on load
    changes: str = ""  # change events (CSV) when the registry is a CSV
    path: str = field(default="", compare=False)

    # -- texts -----------------------------------------------------------------------------
    @property
    def province_text(self) -> str:
        return self.province or BLANK

    @property
    def body_text(self) -> str:
        return self.body or f"Liên đoàn Lao động tỉnh {self.province_text}"

    @property
    def superior_text(self) -> str:
        return self.superior or "Tổng Liên đoàn Lao động Việt Nam"

    @property
    def place_text(self) -> str:
        return self.place or self.province_text

    def issuer(self) -> str:
        """The issuing body as the header prints it (upper case)."""
        return self.body_text.upper()

    def congress_note(self, term: str) -> str:
        """The note on term-target rows for the term ``term`` of a form."""
        if self.target_note and (not self.congress_term or self.congress_term == term):
            return self.target_note
        if self.congress_ordinal and self.congress_term == term:
            return f"Chỉ tiêu NQ ĐH {self.congress_ordinal} Công đoàn tỉnh {self.province_text}"
        if self.province:
            return f"Chỉ tiêu NQ Đại hội Công đoàn tỉnh {self.province_text}, nhiệm kỳ {term}"
        return f"Chỉ tiêu NQ Đại hội {BLANK} Công đoàn tỉnh {BLANK}"

    def guidance_line(self, form_id: str, term: str) -> str:
        for g in self.guidance:
            if g.form in ("", form_id) and g.term in ("", term):
                return g.text
        return ""

    # -- overrides ---------------------------------------------------------------------------
    def override(self, province: str | None = None, congress: str | None = None,
                 term: str | None = None, guidance: str | None = None,
                 target_note: str | None = None, body: str | None = None) -> Profile:
        """CLI flags over the file. Another province keeps nothing province-specific."""
        p = self
        if province and nfc(province.strip()) != self.province:
            p = Profile(province=nfc(province.strip()), superior=self.superior)
        changes: dict[str, Any] = {}
        if body:
            changes["body"] = nfc(body.strip())
        if congress:
            changes["congress_ordinal"] = nfc(congress.strip())
        if term:
            changes["congress_term"] = _term(term, "--congress-term", p.path)
        if target_note:
            changes["target_note"] = nfc(target_note.strip())
        if guidance:
            changes["guidance"] = (Guidance("", "", nfc(guidance.strip())),)
        return dataclasses.replace(p, **changes) if changes else p


def _term(value: Any, entry: str, path: str) -> str:
    m = TERM.fullmatch(str(value))
    if not m or int(m.group(2)) <= int(m.group(1)):
        raise ProfileError(path, entry, f"nhiệm kỳ «{value}» không hợp lệ; ghi dạng 2025-2030")
    return f"{m.group(1)}-{m.group(2)}"


def _text(data: dict[str, Any], key: str, path: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, (str, int)):
        raise ProfileError(path, key, "phải là một dòng chữ")
    return nfc(str(value).strip())


def load_profile(path: str | Path) -> Profile:
    path = Path(path)
    try:
        data = yamlfile.load(path)
    except OSError as exc:
        raise ProfileError(str(path), "(tệp)", f"không mở được ({exc.strerror})") from exc
    except yamlfile.YamlSyntaxError as exc:
        if exc.not_utf8:
            raise ProfileError(str(path), "(tệp)", "tệp không lưu bằng mã UTF-8; hãy mở bằng "
                               "Notepad, chọn Lưu thành… với mã UTF-8") from exc
        where = f"dòng {exc.line}" if exc.line else "(tệp)"
        raise ProfileError(str(path), where, "sai cú pháp YAML (dòng có dấu hai chấm cần đặt "
                           "trong ngoặc kép)") from exc
    data = data or {}
    name = str(path)
    if not isinstance(data, dict):
        raise ProfileError(name, "(gốc)", "phải là các dòng «khóa: giá trị»")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise ProfileError(name, unknown[0], f"khóa không biết (dùng được: "
                           f"{', '.join(sorted(_KEYS))})")
    congress = data.get("congress") or {}
    if not isinstance(congress, dict) or set(congress) - _CONGRESS_KEYS:
        raise ProfileError(name, "congress", "phải có dạng {ordinal: I, term: 2025-2030}")
    base = path.parent
    return Profile(
        province=_text(data, "province", name), body=_text(data, "body", name),
        body_code=_text(data, "body_code", name), superior=_text(data, "superior", name),
        place=_text(data, "place", name),
        congress_ordinal=_text(congress, "ordinal", name),
        congress_term=_term(congress["term"], "congress.term", name) if congress.get("term")
        else "",
        target_note=_text(data, "target_note", name),
        guidance=tuple(_guidance(data.get("guidance") or [], name)),
        signers=tuple(_signers(data.get("signers") or [], name)),
        registry=str(base / data["registry"]) if data.get("registry") else "",
        changes=str(base / data["changes"]) if data.get("changes") else "",
        path=name,
    )


def _guidance(items: Any, path: str) -> list[Guidance]:
    if isinstance(items, str):
        return [Guidance("", "", nfc(items.strip()))]
    if not isinstance(items, list):
        raise ProfileError(path, "guidance", "phải là một dòng chữ hoặc danh sách "
                           "{form, term, text}")
    out = []
    for n, item in enumerate(items, start=1):
        entry = f"guidance[{n}]"
        if not isinstance(item, dict) or set(item) - _GUIDANCE_KEYS or not item.get("text"):
            raise ProfileError(path, entry, "mỗi mục phải có «text» (và có thể «form», «term»)")
        term = str(item.get("term") or "").strip()
        if term and not re.fullmatch(r"\d{4}", term):
            term = _term(term, entry + ".term", path)
        out.append(Guidance(str(item.get("form") or ""), term, nfc(str(item["text"]).strip())))
    return out


def _signers(items: Any, path: str) -> list[Signer]:
    if not isinstance(items, list):
        raise ProfileError(path, "signers", "phải là danh sách {role, title, name}")
    out = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or set(item) - _SIGNER_KEYS or not item.get("role"):
            raise ProfileError(path, f"signers[{n}]", "mỗi người ký cần «role» (và có thể "
                               "«title», «name»)")
        out.append(Signer(*(nfc(str(item.get(k) or "").strip()) for k in ("role", "title",
                                                                            "name"))))
    return out


def find_profile(explicit: str | None, folder: Path | None = None) -> Profile:
    """The profile given, else ``ho-so-tinh.yaml`` in the working folder, else neutral."""
    if explicit:
        return load_profile(explicit)
    local = (folder or Path.cwd()) / DEFAULT_NAME
    return load_profile(local) if local.is_file() else Profile()


def as_profile(value: Profile | str | None) -> Profile:
    """A profile from what callers pass: a profile, a province name, or nothing."""
    if isinstance(value, Profile):
        return value
    return Profile(province=nfc(value.strip())) if value else Profile()
