"""Tidy data: CSV (UTF-8) with columns ``unit_code,indicator,period,value``.

Numbers are written in machine form ("1234", "1.5"): integers without a decimal part, others
in the shortest form that reads back to the same float, so a round trip is exact.

Text a workbook brought in (a unit code such as ``=cmd|' /C calc'!A0``) must not become a
formula when the CSV is opened in Excel (OWASP "CSV injection"): a text cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a leading apostrophe
(``'=cmd…``), which spreadsheets show as text. A text cell that itself starts with an
apostrophe gets one more, so ``read_tidy`` removes exactly one leading apostrophe before any of
these characters (or before another apostrophe) and the round trip gives back the text as it
was. The value column is always a machine number and is never changed.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..atomic import atomic_output
from ..errors import DataFileError
from ..form import Form, nfc

COLUMNS = ("unit_code", "indicator", "period", "value")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: str) -> str:
    """Text as a CSV cell that no spreadsheet takes for a formula (see the module's note)."""
    return "'" + text if text.startswith((*_FORMULA_START, "'")) else text


def unneutral(text: str) -> str:
    """The text ``neutral`` was given back (one protecting apostrophe removed)."""
    return text[1:] if text[:1] == "'" and text[1:2] in (*_FORMULA_START, "'") else text


@dataclass(frozen=True)
class Row:
    unit_code: str
    indicator: str
    period: str
    value: float


def format_number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def write_tidy(rows: Iterable[Row], path: str | Path) -> int:
    n = 0
    with atomic_output(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            for row in rows:
                w.writerow([neutral(row.unit_code), neutral(row.indicator), neutral(row.period),
                            format_number(row.value)])
                n += 1
    return n


def read_tidy(path: str | Path) -> list[Row]:
    path = Path(path)
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise DataFileError(str(path), None, f"không mở được tệp ({exc.strerror})") from exc
    with fh:
        return list(_parse(path, csv.reader(fh)))


def _parse(path: Path, reader: Iterator[list[str]]) -> Iterator[Row]:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise DataFileError(str(path), 1, "tệp rỗng; dòng đầu phải là "
                            + ",".join(COLUMNS)) from None
    except UnicodeDecodeError as exc:
        raise DataFileError(str(path), 1, "tệp không phải UTF-8; hãy lưu lại với mã UTF-8"
                            ) from exc
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise DataFileError(str(path), 1, f"thiếu cột {', '.join(missing)}; dòng đầu phải là "
                            + ",".join(COLUMNS))
    idx = {c: header.index(c) for c in COLUMNS}
    line = 1
    try:
        for line, rec in enumerate(reader, start=2):
            if not any(cell.strip() for cell in rec):
                continue
            if len(rec) < len(header):
                raise DataFileError(str(path), line, "thiếu ô so với dòng tiêu đề")
            text = rec[idx["value"]].strip()
            try:
                value = float(text)
            except ValueError:
                raise DataFileError(str(path), line, f"giá trị «{text}» không phải số viết "
                                    "dạng máy (dấu chấm thập phân, không phân cách hàng "
                                    "nghìn), ví dụ 1234 hoặc 1.5") from None
            if not math.isfinite(value):
                raise DataFileError(str(path), line, f"giá trị «{text}» không hữu hạn")
            yield Row(nfc(unneutral(rec[idx["unit_code"]].strip())),
                      unneutral(rec[idx["indicator"]].strip()),
                      unneutral(rec[idx["period"]].strip()), value)
    except UnicodeDecodeError as exc:
        raise DataFileError(str(path), line + 1, "tệp không phải UTF-8; hãy lưu lại với mã "
                            "UTF-8") from exc


EXCEL_DIGITS = 15  # Excel keeps 15 significant digits; more cannot survive a workbook


def excel_precision(value: float) -> float:
    return float(f"{value:.{EXCEL_DIGITS}g}")


def to_values(rows: Iterable[Row], form: Form, path: str, unit_code: str | None,
              rounded: list[Row] | None = None) -> dict[str, dict[str, float]]:
    """Rows of one unit → {indicator: {period: value}}, checked against the form.

    Values beyond Excel's 15 significant digits are rounded to them and listed in ``rounded``.
    """
    rows = list(rows)
    units = sorted({r.unit_code for r in rows})
    if unit_code is None:
        if len(units) > 1:
            raise DataFileError(path, None, f"tệp có số liệu của {len(units)} đơn vị "
                                f"({', '.join(units[:5])}…); hãy chọn một bằng --unit")
    else:
        rows = [r for r in rows if r.unit_code == unit_code]
        if not rows and units:
            raise DataFileError(path, None, f"không có dòng nào của đơn vị «{unit_code}» "
                                f"(có: {', '.join(units[:10])})")
    keys = set(form.input_keys)
    out: dict[str, dict[str, float]] = {}
    for r in rows:
        if not form.has(r.indicator):
            raise DataFileError(path, None, f"mã chỉ tiêu «{r.indicator}» không có trong biểu "
                                f"mẫu {form.id}")
        ind = form.indicator(r.indicator)
        if r.period not in keys:
            raise DataFileError(path, None, f"kỳ «{r.period}» của chỉ tiêu {r.indicator} không "
                                f"thuộc nhiệm kỳ {form.term} (dùng: {', '.join(sorted(keys))}); "
                                "chọn nhiệm kỳ, năm khác bằng --term, --year")
        if not form.applies(ind, r.period):
            raise DataFileError(path, None, f"chỉ tiêu {r.indicator} không có số đầu nhiệm kỳ "
                                "(chỉ tiêu phát sinh trong kỳ, không phải số tồn)")
        if not ind.is_input and r.period != "target":
            raise DataFileError(path, None, f"chỉ tiêu {r.indicator} là dòng "
                                f"{'tính bằng công thức' if ind.kind == 'derived' else 'tiêu đề'}"
                                ", không nhập số")
        if not ind.has_values:
            raise DataFileError(path, None, f"chỉ tiêu {r.indicator} là dòng tiêu đề")
        cell = out.setdefault(r.indicator, {})
        if r.period in cell and cell[r.period] != excel_precision(r.value):
            raise DataFileError(path, None, f"chỉ tiêu {r.indicator}, kỳ {r.period} có hai giá "
                                f"trị khác nhau ({format_number(cell[r.period])} và "
                                f"{format_number(r.value)})")
        value = excel_precision(r.value)
        if value != r.value and rounded is not None:
            rounded.append(r)
        cell[r.period] = value
    return out
