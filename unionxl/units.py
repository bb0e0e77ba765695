"""The units registry: who is expected to report (CSV or XLSX with columns code,name)."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from .form import nfc

SAMPLE_UNITS = Path(__file__).parent / "data" / "units.csv"


@cache
def sample_units() -> tuple[dict[str, str], ...]:
    with open(SAMPLE_UNITS, encoding="utf-8", newline="") as fh:
        return tuple({k: nfc(v or "") for k, v in row.items()} for row in csv.DictReader(fh))


def lookup_unit(code: str) -> dict[str, str] | None:
    return next((u for u in sample_units() if u["code"] == code), None) if code else None
