"""Quarters → year: a quarterly report rolled up to the annual form, row by row by each row's
time aggregation (flows summed, stocks taken at the last quarter, yearly events averaged).

The quarterly workbook is validated first, with the same cell checks as any submission: a
number typed as text or a negative never reaches the year silently.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UnionxlError
from ..form import Form, compute, load_form
from ..validation import check_book
from ..workbook.reader import read_book
from ..workbook.template import write_template


class RollupRefused(UnionxlError):
    exit_code = 1


def to_year(quarterly: Form, values: dict[str, dict[str, float]]
            ) -> tuple[Form, dict[str, dict[str, float]]]:
    if quarterly.period_kind != "quarter" or not quarterly.annual:
        raise UnionxlError(f"Biểu mẫu {quarterly.id} không phải báo cáo quý có biểu mẫu năm "
                           "tương ứng (khóa «annual»).")
    annual = load_form(quarterly.annual, str(quarterly.term_start))
    year = annual.period_keys[0]
    computed = compute(quarterly, values)
    out: dict[str, dict[str, float]] = {}
    for ind in annual.inputs:
        if not quarterly.has(ind.code):
            continue
        row = computed[ind.code]
        if row.get("total") is not None:
            out.setdefault(ind.code, {})[year] = row["total"]
        if row.get("target") is not None:
            out.setdefault(ind.code, {})["target"] = row["target"]
    return annual, out


def rollup_book(path: str | Path, out: str | Path) -> Path:
    """Write the annual workbook of a unit from its quarterly workbook."""
    book = read_book(path)
    issues, values = check_book(book)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        first = errors[0]
        raise RollupRefused(f"Tệp {book.path.name} còn {len(errors)} lỗi nên chưa cộng dồn "
                            f"thành báo cáo năm (lỗi đầu tiên: {first.sheet}!{first.cell} – "
                            f"{first.message}). Hãy chạy «unionxl validate», sửa rồi làm lại.")
    annual, data = to_year(book.form, values)
    write_template(annual, out, book.unit_code, book.identity.get("unit_name", ""),
                   book.identity.get("province") or None, data)
    return Path(out)
