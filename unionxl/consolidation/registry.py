"""The units registry: who is expected to report (CSV or XLSX with columns code,name[,parent,
kind]). The sample registry ships in ``unionxl/data/units.csv``."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import DataFileError
from ..text import name_key, nfc
from ..workbook.package import Package

SAMPLE_UNITS = Path(__file__).resolve().parents[1] / "data" / "units.csv"

__all__ = ["SAMPLE_UNITS", "Unit", "load_units", "lookup_unit", "name_key", "sample_units"]


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    parent: str = ""
    kind: str = ""


def load_units(path: str | Path) -> list[Unit]:
    path = Path(path)
    rows: list[dict[str, Any]]
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        grid = Package.read(path).calamine().get_sheet_by_index(0).to_python()
        header = [str(h).strip().lower() for h in (grid[0] if grid else [])]
        rows = [dict(zip(header, r, strict=False)) for r in grid[1:]]
    else:
        try:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                rows = [{(k or "").strip().lower(): v for k, v in r.items()} for r in reader]
        except OSError as exc:
            raise DataFileError(str(path), None, f"không mở được ({exc.strerror})") from exc
    units, seen = [], set()
    for i, r in enumerate(rows, start=2):
        code = str(r.get("code") or "").strip()
        name = nfc(str(r.get("name") or "").strip())
        if not code and not name:
            continue
        if not code or not name:
            raise DataFileError(str(path), i, "mỗi đơn vị cần cả cột code và name")
        if code in seen:
            raise DataFileError(str(path), i, f"mã đơn vị «{code}» bị trùng")
        seen.add(code)
        units.append(Unit(code, name, str(r.get("parent") or "").strip(),
                          str(r.get("kind") or "").strip()))
    if not units:
        raise DataFileError(str(path), None, "danh sách đơn vị rỗng (cần cột code,name)")
    return units


@cache
def sample_units() -> tuple[Unit, ...]:
    return tuple(load_units(SAMPLE_UNITS))


def lookup_unit(code: str) -> Unit | None:
    return next((u for u in sample_units() if u.code == code), None) if code else None
