"""Checking a unit registry as a whole: the change events applied to the units' spans (an
ending event closes its unit the day before; a move splits its span) and the consistency of
the result — no overlapping spans, parents and successors that exist when needed, shares that
add up, no cycle. Every problem names the file, the sheet and the row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Protocol

from ..errors import DataFileError
from ..text import fold
from .registry import ENDING, EVENTS_VI, Change, Registry, Unit, day_before, fmt

NOT_COMPARABLE_BASIS = ("khongsosanh", "khongchia", "notcomparable")  # folded


class Table(Protocol):
    def fail(self, row: int | None, problem: str) -> DataFileError: ...


def check(reg: Registry, units: Table, changes: Table | None) -> Registry:
    """Apply the changes to the units' spans and check the whole for consistency."""
    spans = {code: list(reg.spans(code)) for code in reg.codes}
    by_row = {u.row: u for u in reg.units}
    for code, items in spans.items():
        items.sort(key=lambda u: u.valid_from or date.min)
        for a, b in zip(items, items[1:]):
            if a.valid_to is None or (b.valid_from is not None and b.valid_from <= a.valid_to):
                raise units.fail(b.row, f"mã {code} trùng với dòng {a.row}: hai dòng cùng mã "
                                 "phải có thời gian hiệu lực không chồng nhau (ghi «đến ngày» "
                                 "cho dòng cũ)")
    if changes is not None:
        _apply(reg, spans, changes)
    units_out = [u for code in spans for u in spans[code]]
    units_out.sort(key=lambda u: (by_row.get(u.row) is None, u.row))
    out = Registry(units_out, reg.changes, reg.path)
    _parents(out, units)
    return out


def _apply(reg: Registry, spans: dict[str, list[Unit]], table: Table) -> None:
    ends: dict[tuple[str, date], list[Change]] = {}
    for c in reg.changes:
        if c.source not in spans:
            raise table.fail(c.row, f"mã đơn vị cũ «{c.source}» không có trong danh sách đơn vị")
        if c.target and c.target not in spans:
            what = "cấp trên mới" if c.event == "move" else "đơn vị mới (đơn vị kế thừa)"
            raise table.fail(c.row, f"{what} «{c.target}» không có trong danh sách đơn vị")
        if c.event in ENDING:
            ends.setdefault((c.source, c.date), []).append(c)
    for (code, day), evs in ends.items():
        kinds = {c.event for c in evs}
        first = evs[0]
        if len(kinds) > 1 or (len(evs) > 1 and kinds != {"split"}):
            raise table.fail(evs[1].row, f"đơn vị {code} có nhiều biến động cùng ngày "
                             f"{fmt(day)}; chia cho nhiều đơn vị thì ghi «chia tách» ở mọi dòng")
        if first.event == "split":
            _check_split(code, day, evs, table)
        if first.event == "rename" and first.target == code:
            continue
        _end(spans, code, day, first, table)
    for c in reg.changes:
        if c.target and c.event != "move":
            if (c.target, c.date) in ends and c.target != c.source:
                raise table.fail(c.row, f"vòng lặp: {c.target} vừa nhận {c.source} vừa kết "
                                 f"thúc cùng ngày {fmt(c.date)}")
            target = next((u for u in spans[c.target] if u.active(c.date)), None)
            if target is None:
                raise table.fail(c.row, f"đơn vị mới «{c.target}» chưa có hiệu lực ngày "
                                 f"{fmt(c.date)} (xem cột «từ ngày» của nó)")
        if c.event == "move":
            _move(spans, c, table)


def _check_split(code: str, day: date, evs: list[Change], table: Table) -> None:
    if len({c.target for c in evs}) < 2:
        raise table.fail(evs[0].row, f"chia tách {code} cần ít nhất hai đơn vị mới; một đơn "
                         "vị thì ghi «đổi tên» hoặc «sáp nhập»")
    shares = [c.share for c in evs]
    if all(s is None for s in shares):
        if not all(fold(c.basis) in NOT_COMPARABLE_BASIS for c in evs):
            raise table.fail(evs[0].row, f"chia tách {code} ngày {fmt(day)} thiếu tỷ lệ chia "
                             "(cột share) cho từng đơn vị mới. Ghi tỷ lệ theo số đoàn viên "
                             "(và căn cứ ở cột basis), hoặc ghi «không so sánh» ở cột basis "
                             "nếu số liệu cũ không chia được")
        return
    if any(s is None for s in shares):
        row = next(c.row for c in evs if c.share is None)
        raise table.fail(row, f"chia tách {code}: dòng này thiếu tỷ lệ trong khi các dòng khác "
                         "có; ghi tỷ lệ cho mọi đơn vị mới")
    total = sum(s for s in shares if s is not None)
    if abs(total - 1) > 0.005:
        raise table.fail(evs[-1].row, f"chia tách {code}: tổng tỷ lệ là "
                         f"{total:.1%}".replace(".", ",") + ", phải bằng 100%")


def _end(spans: dict[str, list[Unit]], code: str, day: date, change: Change,
         table: Table) -> None:
    """The source of an ending change is in place the day before and not from ``day`` on."""
    items = spans[code]
    before = next((i for i, u in enumerate(items) if u.active(day_before(day))), None)
    if before is None:
        raise table.fail(change.row, f"đơn vị {code} không còn hiệu lực ngày "
                         f"{fmt(day_before(day))}, trước ngày {EVENTS_VI[change.event]}")
    unit = items[before]
    if unit.valid_to is None:
        items[before] = replace(unit, valid_to=day_before(day))
    elif unit.valid_to >= day:
        raise table.fail(change.row, f"đơn vị {code} còn hiệu lực đến {fmt(unit.valid_to)} "
                         f"(dòng {unit.row} danh sách đơn vị) nhưng đã "
                         f"{EVENTS_VI[change.event]} từ {fmt(day)}")
    if any(u.active(day) for u in items):
        raise table.fail(change.row, f"đơn vị {code} {EVENTS_VI[change.event]} từ {fmt(day)} "
                         "nhưng danh sách đơn vị vẫn có dòng còn hiệu lực sau ngày đó")


def _move(spans: dict[str, list[Unit]], c: Change, table: Table) -> None:
    items = spans[c.source]
    i = next((i for i, u in enumerate(items) if u.active(c.date)), None)
    if i is None or not any(u.active(day_before(c.date)) for u in items):
        raise table.fail(c.row, f"đơn vị {c.source} phải có hiệu lực cả trước và từ ngày "
                         f"{fmt(c.date)} mới chuyển cấp trên được")
    unit = items[i]
    if unit.parent == c.target:
        return  # the units sheet already shows the new parent
    if unit.valid_from == c.date:
        raise table.fail(c.row, f"dòng {unit.row} danh sách đơn vị ghi cấp trên của {c.source} "
                         f"từ {fmt(c.date)} là «{unit.parent}», biến động ghi «{c.target}»")
    items[i:i + 1] = [replace(unit, valid_to=day_before(c.date)),
                      replace(unit, parent=c.target, valid_from=c.date)]


def _parents(reg: Registry, table: Table) -> None:
    days = sorted({u.valid_from for u in reg.units if u.valid_from}
                  | {u.valid_to + timedelta(days=1) for u in reg.units if u.valid_to}
                  | {date(1900, 1, 1)})
    if reg.flat:
        return  # a plain list: parents, if any, are outside it
    for u in reg.units:
        if not u.parent:
            continue
        on = u.valid_from or date(1900, 1, 1)
        if not reg.spans(u.parent):
            raise table.fail(u.row, f"cấp trên «{u.parent}» của {u.code} không có trong danh "
                             "sách đơn vị (để trống nếu đơn vị là cấp cao nhất trong danh sách)")
        if reg.at(u.parent, on) is None:
            raise table.fail(u.row, f"cấp trên «{u.parent}» của {u.code} không có hiệu lực "
                             f"ngày {fmt(on)}")
    for on in days:
        up = {u.code: u for u in reg.active(on)}
        for u in up.values():
            if u.parent and u.parent not in up:
                raise table.fail(u.row, f"{u.code} vẫn còn hiệu lực ngày {fmt(on)} nhưng cấp "
                                 f"trên «{u.parent}» đã kết thúc; ghi «chuyển cấp trên» hoặc "
                                 "ngày kết thúc cho đơn vị này")
        for start in up:
            seen, code = [], start
            while code in up and up[code].parent:
                if code in seen:
                    loop = " → ".join(seen[seen.index(code):] + [code])
                    raise table.fail(up[code].row, f"vòng lặp cấp trên ngày {fmt(on)}: {loop}")
                seen.append(code)
                code = up[code].parent



