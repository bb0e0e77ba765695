"""Time in a reporting round: when a file arrived (the e-mail's Date, else when it was saved
into the inbox), the deadline (the end of its day, Vietnam time), and the completeness and
timeliness rates of a round (DHIS2's reporting rate and reporting rate on time: units with an
acceptable return, and those whose first acceptable return came by the deadline, over the
units expected)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING, Any

from ..errors import UnionxlError
from ..text import VIETNAM as VN
from .intake import Source

if TYPE_CHECKING:
    from .season import UnitState

TIMELINESS_VI = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa có báo cáo đạt"}
RECEIVED_BY_VI = {"mail": "ngày gửi của thư", "file": "giờ lưu tệp vào thư mục",
                  "run": "lúc tổng hợp"}


def parse_deadline(text: str) -> str:
    """A deadline as the user types it (15/12/2026, 2026-12-15) → ISO date."""
    text = text.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise UnionxlError(f"Hạn nộp «{text}» không hợp lệ; ghi dạng ngày/tháng/năm, ví dụ "
                       "15/12/2026.")


def deadline_end(iso: str) -> datetime | None:
    return datetime.combine(date.fromisoformat(iso), time(23, 59, 59), VN) if iso else None


def when(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=VN)


def show_time(iso: str) -> str:
    return f"{when(iso).astimezone(VN):%d/%m/%Y %H:%M}" if iso else ""


def show_date(iso: str) -> str:
    return f"{date.fromisoformat(iso):%d/%m/%Y}" if iso else ""


def received(source: Source, now: datetime) -> tuple[str, str]:
    """When a file arrived, and on what basis: the e-mail's Date, else the time the file was
    saved into the inbox, else now."""
    if source.mail is not None and source.mail.date:
        return source.mail.date, "mail"
    try:
        stamp = os.stat(source.origin).st_mtime
        return datetime.fromtimestamp(stamp, timezone.utc).astimezone(VN).isoformat(
            timespec="seconds"), "file"
    except OSError:
        return now.astimezone(VN).isoformat(timespec="seconds"), "run"


@dataclass
class Rates:
    expected: int
    complete: int
    on_time: int
    late: int
    deadline: str

    @property
    def missing(self) -> int:
        return self.expected - self.complete

    @property
    def completeness(self) -> float | None:
        return self.complete / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        if not self.deadline or not self.expected:
            return None
        return self.on_time / self.expected

    def to_dict(self) -> dict[str, Any]:
        return {"expected": self.expected, "complete": self.complete, "on_time": self.on_time,
                "late": self.late, "missing": self.missing, "deadline": self.deadline,
                "completeness": self.completeness, "timeliness": self.timeliness}


def rates(deadline: str, states: dict[str, UnitState]) -> Rates:
    complete = [s for s in states.values() if s.used is not None]
    return Rates(len(states), len(complete), sum(s.timeliness == "on_time" for s in complete),
                 sum(s.timeliness == "late" for s in complete), deadline)
