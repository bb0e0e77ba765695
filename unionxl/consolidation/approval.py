"""Approval of units' returns (DHIS2's approve / unapprove, with "waiting for lower levels"):
the office approves the version used in the totals; a later different version is held until
it reopens the return with a reason. A consolidated workbook says whether it was built from
approved returns only, on its first page and in its identity, and lists what it is waiting for,
its own units and (carried up from their books) the levels below them."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UnionxlError
from .register import Register, Round
from .season import UnitState
from .timeliness import show_time

SHOWN_WAITING = 20  # units named on the first page; the identity keeps them all


@dataclass
class Mark:
    expected: int
    approved: int
    waiting: list[str] = field(default_factory=list)  # "BG03", "D1›BG05" (below D1)
    with_register: bool = True

    @property
    def approved_only(self) -> bool:
        return self.expected > 0 and self.approved == self.expected and not self.waiting

    @property
    def detail(self) -> str:
        text = f"đã duyệt {self.approved}/{self.expected} đơn vị"
        if not self.with_register:
            text += " (tổng hợp không dùng sổ theo dõi)"
        if self.waiting:
            shown = self.waiting[:SHOWN_WAITING]
            more = len(self.waiting) - len(shown)
            text += "; chờ: " + ", ".join(shown) + (f" và {more} đơn vị khác" if more else "")
        return text

    @property
    def text(self) -> str:
        if self.approved_only:
            return (f"Tổng hợp từ báo cáo đã duyệt của đủ {self.expected}/{self.expected} đơn "
                    "vị.")
        return f"CHƯA DUYỆT ĐỦ – {self.detail}. Số liệu còn có thể thay đổi."

    def identity(self, rnd: Round | None) -> dict[str, str]:
        return {"approval": "approved" if self.approved_only else "pending",
                "approval_detail": self.detail, "waiting": ", ".join(self.waiting),
                "round": rnd.key if rnd is not None else ""}


def mark(states: dict[str, UnitState]) -> Mark:
    approved, waiting = 0, []
    for st in states.values():
        ok = st.approval is not None and st.used is not None and \
            st.approval.version_id == st.used.id
        approved += ok
        if not ok:
            waiting.append(st.code)
        below = st.waiting_below
        if below:
            waiting += [f"{st.code}›{w.strip()}" for w in below.split(",") if w.strip()]
    return Mark(len(states), approved, waiting)


def mark_without_register(codes: list[str], lower: dict[str, str]) -> Mark:
    """A consolidation without a register: nothing is approved."""
    waiting = list(codes)
    for code, below in lower.items():
        waiting += [f"{code}›{w.strip()}" for w in below.split(",") if w.strip()]
    return Mark(len(codes), 0, waiting, with_register=False)


@dataclass
class Outcome:
    unit_code: str
    done: bool
    message: str


def approve(reg: Register, rnd: Round, states: dict[str, UnitState], codes: list[str],
            by_whom: str, reason: str = "") -> list[Outcome]:
    out = []
    for code in codes:
        st = states.get(code)
        if st is None:
            out.append(Outcome(code, False, f"{code}: không có trong danh sách đơn vị của kỳ "
                                            "báo cáo này."))
        elif st.held is not None:
            out.append(Outcome(code, False, f"{code}: có bản gửi lại (lần {st.held.seq}) chờ "
                                            "mở khóa; hãy mở khóa kèm lý do (--reopen --reason "
                                            "…) rồi tổng hợp lại trước khi duyệt."))
        elif st.used is None:
            why = "báo cáo bị trả lại" if st.versions else "chưa nộp báo cáo"
            out.append(Outcome(code, False, f"{code}: {why}, chưa có bản đạt để duyệt."))
        elif st.approval is not None and st.approval.version_id == st.used.id:
            out.append(Outcome(code, False, f"{code}: bản lần {st.used.seq} đã được duyệt "
                                            f"từ trước ({st.approval.by_whom}, "
                                            f"{show_time(st.approval.at)})."))
        else:
            reg.add_approval(rnd, code, st.used.id, "approve", by_whom, reason)
            out.append(Outcome(code, True, f"{code}: đã duyệt bản lần {st.used.seq} "
                                           f"(«{st.used.name}»)."))
    return out


def reopen(reg: Register, rnd: Round, states: dict[str, UnitState], codes: list[str],
           by_whom: str, reason: str) -> list[Outcome]:
    if not reason.strip():
        raise UnionxlError("Mở khóa cần ghi lý do (--reason «…»): lý do được lưu trong sổ theo "
                           "dõi.")
    out = []
    for code in codes:
        st = states.get(code)
        if st is None or st.approval is None:
            out.append(Outcome(code, False, f"{code}: chưa được duyệt nên không cần mở khóa."))
            continue
        reg.add_approval(rnd, code, st.approval.version_id, "reopen", by_whom, reason.strip())
        then = f"; bản lần {st.held.seq} sẽ được dùng" if st.held is not None else ""
        out.append(Outcome(code, True, f"{code}: đã mở khóa (lý do: {reason.strip()}){then}; "
                                       "cần duyệt lại."))
    return out
