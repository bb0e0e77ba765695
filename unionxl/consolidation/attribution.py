"""Which unit a submission counts for, as the registry stands on the report date.

A file may carry the code (or name) of a unit that has since merged or changed its code: it is
accepted and counted for the one unit that took it over, and the ledger says so. A unit that
split or was dissolved has no single heir: its file is not counted, and the message says why
and what to do. A unit of the registry that reports elsewhere is named as such.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date

from ..text import name_key
from ..validation import make
from .assess import Submission
from .registry import Registry, Unit, fmt


@dataclass(frozen=True)
class Attribution:
    unit: str  # the unit the file counts for ("" when none)
    issue: str  # the issue code to report ("" when the code is simply unknown)
    detail: str


NONE = Attribution("", "", "")


def attribute(registry: Registry, code: str, on: date, expected: Container[str]
              ) -> Attribution:
    """For a code that is not an expected unit on ``on``: where its file belongs."""
    if not code or not registry.spans(code):
        return NONE
    old = registry.latest(code)
    assert old is not None
    label = f"{code} – {old.name}"
    current = registry.at(code, on)
    if current is not None:
        parent = registry.at(current.parent, on)
        above = f"{parent.code} – {parent.name}" if parent else "cấp cao nhất"
        return Attribution("", "unknown-unit", f"{code} – {current.name} (báo cáo cho {above}, "
                                               "không thuộc đơn vị tổng hợp này)")
    heir, flow = registry.successor(code, on)
    if flow is None:
        first = min((u.valid_from for u in registry.spans(code) if u.valid_from), default=None)
        when = f"chỉ có hiệu lực từ {fmt(first)}" if first and first > on else "không có hiệu lực"
        return Attribution("", "unknown-unit", f"{label} ({when} vào ngày {fmt(on)})")
    how = registry.describe(flow)
    if heir is not None and heir.code in expected:
        return Attribution(heir.code, "unit-succeeded",
                           f"{label} ({how}); tính cho {heir.code} – {heir.name}")
    if heir is not None:
        return Attribution("", "unknown-unit", f"{label} ({how}); {heir.code} không thuộc "
                                               "đơn vị tổng hợp này")
    return Attribution("", "unit-ended", f"{label} ({how})")


def by_former_name(registry: Registry, name: str) -> str:
    """The code of the one registry unit that ever bore this name ("" when none or many)."""
    key = name_key(name)
    codes = {u.code for u in registry.units if name_key(u.name) == key}
    return codes.pop() if len(codes) == 1 else ""


def settle(s: Submission, registry: Registry, on: date, units: list[Unit],
           expected: Container[str]) -> bool:
    """A file whose code (or name) the registry knows but that is not expected on ``on``:
    counted for the unit that took it over (True), or told why not (``s.unknown``)."""
    code = s.report.unit_code
    if not code and s.report.unit_name and s.report.unit_name.strip() not in (
            u.name for u in units):
        code = by_former_name(registry, s.report.unit_name)
    found = attribute(registry, code, on, expected)
    if found.unit:
        s.unit_code, s.match = found.unit, "successor"
        s.attributed = f"Tệp ghi {found.detail}."
        s.report.issues.insert(0, make("unit-succeeded", detail=found.detail))
        return True
    if found.issue:
        s.unknown = make(found.issue, detail=found.detail)
    return False


def prefer_own(subs: list[Submission]) -> list[Submission]:
    """Files counted for one unit: its own reports come before files of a unit it took over
    (its report covers that unit's CĐCS). The others are set aside, and said why; the copies
    left are chosen between as usual."""
    own = [s for s in subs if s.match != "successor"]
    if not own or len(own) == len(subs):
        return subs
    names = ", ".join(f"«{s.source.name}»" for s in own)
    for s in subs:
        if s.match == "successor":
            why = f"đã có báo cáo của chính đơn vị {names}"
            s.status = "superseded"
            s.note = f"Không dùng: {why}."
            s.report.issues.insert(0, make("duplicate-submission",
                                           detail=f"bản này không được dùng: {why}."))
    return own
