"""Reading and checking the unit registry an officer keeps by hand (CSV, or one Excel
workbook with a sheet of units and a sheet of changes).

Units: ``code, name, kind, parent, valid_from, valid_to[, email]`` (Vietnamese headers too: mã, tên,
loại, cấp trên, từ ngày, đến ngày). Changes: ``date, event, from, to, share, basis, note``
(ngày, biến động, đơn vị cũ, đơn vị mới, tỷ lệ, căn cứ, ghi chú). A plain ``code,name`` list
is a registry without dates. Every problem — a bad date, overlapping spans, a parent or
successor that does not exist, a cycle, a split without shares — raises ``DataFileError``
naming the file, the sheet and the row, in Vietnamese.
"""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import DataFileError, UnionxlError
from ..form import Profile
from ..text import fold, nfc
from ..workbook.package import Package
from .registry import EVENTS_VI, KINDS_VI, Change, Registry, Unit, fmt
from .registry_check import check

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE_UNITS = DATA / "units.csv"
SAMPLE_CHANGES = DATA / "changes.csv"


UNIT_COLUMNS = {
    "code": ("code", "mã", "mã đơn vị"), "name": ("name", "tên", "tên đơn vị"),
    "kind": ("kind", "loại", "loại đơn vị"), "parent": ("parent", "cấp trên", "mã cấp trên"),
    "valid_from": ("valid_from", "từ ngày", "hiệu lực từ"),
    "valid_to": ("valid_to", "đến ngày", "hiệu lực đến"),
    "email": ("email", "e-mail", "thư điện tử"),
}
CHANGE_COLUMNS = {
    "date": ("date", "ngày", "ngày hiệu lực"), "event": ("event", "biến động", "loại biến động"),
    "from": ("from", "đơn vị cũ", "mã đơn vị cũ", "từ đơn vị"),
    "to": ("to", "đơn vị mới", "mã đơn vị mới", "sang đơn vị", "đơn vị nhận"),
    "share": ("share", "tỷ lệ", "tỉ lệ"), "basis": ("basis", "căn cứ", "căn cứ tỷ lệ"),
    "note": ("note", "ghi chú"),
}
EVENT_WORDS = {
    "merge": ("merge", "sáp nhập", "hợp nhất"), "split": ("split", "chia tách", "chia", "tách"),
    "rename": ("rename", "đổi tên", "đổi mã", "đổi tên, đổi mã"),
    "move": ("move", "chuyển", "chuyển cấp trên"),
    "dissolve": ("dissolve", "giải thể", "kết thúc", "chấm dứt hoạt động"),
}
KIND_WORDS = {k: (k, v) for k, v in KINDS_VI.items()} | {
    "province": ("province", "LĐLĐ tỉnh", "Liên đoàn Lao động tỉnh", "LĐLĐ thành phố trực "
                 "thuộc trung ương", "LĐLĐ tỉnh, thành phố"),
    "district": ("district", "LĐLĐ huyện", "LĐLĐ huyện/thành phố", "LĐLĐ huyện, thị xã, "
                 "thành phố", "LĐLĐ huyện, thị xã, thành phố thuộc tỉnh (đến 30/6/2025)"),
    "commune": ("commune", "Công đoàn xã", "CĐ xã"),
    "ward": ("ward", "Công đoàn phường", "CĐ phường"),
    "special_zone": ("special_zone", "Công đoàn đặc khu", "CĐ đặc khu"),
    "sector": ("sector", "Công đoàn ngành", "CĐN", "CĐ ngành"),
    "industrial_zone": ("industrial_zone", "Công đoàn các khu công nghiệp", "CĐ các KCN",
                        "Công đoàn các KCN", "Công đoàn khu công nghiệp"),
    "civil_service": ("civil_service", "Công đoàn viên chức", "CĐ viên chức"),
    "grassroots": ("grassroots", "Công đoàn cơ sở", "CĐCS", "CĐCS trực thuộc"),
}
_EVENTS = {fold(w): k for k, words in EVENT_WORDS.items() for w in words}
_KINDS = {fold(w): k for k, words in KIND_WORDS.items() for w in words}


class _Table:
    """Rows of one sheet or CSV file as {column: text or date}, with where they come from."""

    def __init__(self, where: str, header: list[Any], rows: list[list[Any]],
                 columns: dict[str, tuple[str, ...]]) -> None:
        self.where = where
        aliases = {fold(a): key for key, names in columns.items() for a in names}
        self.index: dict[str, int] = {}
        for i, h in enumerate(header):
            key = aliases.get(fold(h)) if h not in (None, "") else None
            if key and key not in self.index:
                self.index[key] = i
        self.rows = rows

    def fail(self, row: int | None, problem: str) -> DataFileError:
        return DataFileError(self.where, row, problem)

    def records(self):
        for n, raw in enumerate(self.rows, start=2):
            rec = {k: (raw[i] if i < len(raw) else None) for k, i in self.index.items()}
            rec = {k: _cell(v) for k, v in rec.items()}
            if all(v in (None, "") for v in rec.values()):
                continue
            yield n, rec


def _cell(value: Any) -> Any:
    """Text as NFC; a whole number typed in Excel (a code such as 12) as its digits."""
    if isinstance(value, str):
        return nfc(value.strip())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _read(path: Path, sheet: str | None) -> tuple[list[Any], list[list[Any]]] | None:
    """Header and rows of a CSV file or of one sheet of a workbook (None: no such sheet)."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        book = Package.read(path).calamine()
        names = book.sheet_names
        if sheet is None:
            pick = next((n for n in names if fold(n) in ("donvi", "units")), names[0])
        else:
            pick = next((n for n in names if fold(n) in ("biendong", "thaydoi", "changes")),
                        names[1] if len(names) > 1 else None)
            if pick is None:
                return None
        grid = book.get_sheet_by_name(pick).to_python()
        return (list(grid[0]) if grid else []), [list(r) for r in grid[1:]]
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            grid = list(csv.reader(fh))
    except OSError as exc:
        raise DataFileError(str(path), None, f"không mở được ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise DataFileError(str(path), None, "tệp không phải UTF-8; hãy lưu lại dạng CSV "
                            "UTF-8") from exc
    return (grid[0] if grid else []), grid[1:]


def _where(path: Path, second: bool) -> str:
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        return f"{path} (trang «{'Biến động' if second else 'Đơn vị'}»)"
    return str(path)


def parse_date(value: Any, table: _Table, row: int, column: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or None
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise table.fail(row, f"cột {column}: «{text}» không phải ngày (ghi dạng 01/07/2025 hoặc "
                     "2025-07-01)")


def parse_share(value: Any, table: _Table, row: int) -> float | None:
    if value in (None, ""):
        return None
    text = str(value).strip().replace(" ", "")
    percent = text.endswith("%")
    try:
        number = float(text.rstrip("%").replace(",", "."))
    except ValueError:
        raise table.fail(row, f"tỷ lệ «{value}» không phải số (ghi 45% hoặc 0,45)") from None
    share = number / 100 if percent or number > 1 else number
    if not 0 < share <= 1:
        raise table.fail(row, f"tỷ lệ «{value}» phải lớn hơn 0 và không quá 100%")
    return share


def _units(table: _Table) -> list[Unit]:
    if "code" not in table.index or "name" not in table.index:
        raise table.fail(1, "thiếu cột mã đơn vị (code) hoặc tên đơn vị (name) ở dòng tiêu đề")
    units = []
    for n, rec in table.records():
        code, name = str(rec.get("code") or "").strip(), str(rec.get("name") or "").strip()
        if not code or not name:
            raise table.fail(n, "mỗi đơn vị cần cả mã (code) và tên (name)")
        kind = ""
        if rec.get("kind") not in (None, ""):
            kind = _KINDS.get(fold(rec["kind"]), "")
            if not kind:
                raise table.fail(n, f"loại đơn vị «{rec['kind']}» không biết; dùng một trong: "
                                 + "; ".join(KINDS_VI.values()))
        start = parse_date(rec.get("valid_from"), table, n, "từ ngày (valid_from)")
        end = parse_date(rec.get("valid_to"), table, n, "đến ngày (valid_to)")
        if start and end and end < start:
            raise table.fail(n, f"đơn vị {code} kết thúc ({fmt(end)}) trước khi bắt đầu "
                             f"({fmt(start)})")
        parent = str(rec.get("parent") or "").strip()
        if parent == code:
            raise table.fail(n, f"đơn vị {code} không thể là cấp trên của chính nó")
        units.append(Unit(code, name, parent, kind, start, end, n,
                          str(rec.get("email") or "").strip()))
    if not units:
        raise table.fail(None, "danh sách đơn vị rỗng (cần cột code,name)")
    return units


def _changes(table: _Table) -> list[Change]:
    missing = [c for c in ("date", "event", "from") if c not in table.index]
    if missing:
        raise table.fail(1, "thiếu cột " + ", ".join(missing) + " ở dòng tiêu đề (cần: date, "
                         "event, from, to, share, basis, note)")
    out = []
    for n, rec in table.records():
        event = _EVENTS.get(fold(rec.get("event") or ""))
        if event is None:
            raise table.fail(n, f"biến động «{rec.get('event')}» không biết; dùng: "
                             + ", ".join(EVENTS_VI.values()))
        day = parse_date(rec.get("date"), table, n, "ngày (date)")
        if day is None:
            raise table.fail(n, "thiếu ngày có hiệu lực của biến động")
        source, target = str(rec.get("from") or "").strip(), str(rec.get("to") or "").strip()
        if not source:
            raise table.fail(n, "thiếu mã đơn vị cũ (from)")
        if event != "dissolve" and not target:
            what = "cấp trên mới" if event == "move" else "đơn vị mới"
            raise table.fail(n, f"{EVENTS_VI[event]} cần mã {what} (cột to)")
        out.append(Change(day, event, source, target, parse_share(rec.get("share"), table, n),
                          str(rec.get("basis") or ""), str(rec.get("note") or ""), n))
    return out


def load_registry(path: str | Path, changes: str | Path | None = None) -> Registry:
    """Units (a CSV, or the first sheet of a workbook) and their changes (a CSV given here, or
    the sheet «Biến động» of the same workbook)."""
    path = Path(path)
    head, rows = _read(path, None) or ([], [])
    units_table = _Table(_where(path, False), head, rows, UNIT_COLUMNS)
    units = _units(units_table)
    change_list: list[Change] = []
    change_table = None
    source = Path(changes) if changes else (path if path.suffix.lower() != ".csv" else None)
    if source is not None:
        found = _read(source, "changes")
        if found is not None:
            where = _where(source, True) if source == path else str(source)
            change_table = _Table(where, found[0], found[1], CHANGE_COLUMNS)
            if found[1] or change_table.index:
                change_list = _changes(change_table)
    return check(Registry(units, change_list, str(path)), units_table, change_table)


@cache
def sample_registry() -> Registry:
    """The sample province's registry shipped in ``unionxl/data``."""
    return load_registry(SAMPLE_UNITS, SAMPLE_CHANGES)


def registry_for(units: str | Path | None,
                 changes: str | Path | None = None) -> Registry | None:
    """The registry a command uses: ``--units`` (and ``--changes``), else none."""
    if units:
        return load_registry(units, changes)
    if changes:
        raise UnionxlError("--changes cần đi kèm --units (danh sách đơn vị).")
    return None


def profile_registry(profile: Profile) -> Registry | None:
    """The registry the province profile names (``registry:``, ``changes:``), if any."""
    return registry_for(profile.registry or None, profile.changes or None)
