"""``unionxl demo``: the main job end to end on shipped sample data.

Sample submissions for the 17 units of the sample registry are generated from the form
definition, written as data-entry workbooks, read back (tidy export) and their formulas
refilled; the printed summary says where everything is.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from .fill import fill
from .form import load_form
from .sample import generate
from .template import FIXED_DATE, write_template
from .tidy import Row, write_tidy
from .units import sample_units
from .workbook import read_book

FORM_ID = "phu-luc-nhiem-ky"
PROVINCE = "Bắc Giang"


def _progress(i: int, n: int, label: str) -> None:
    if not sys.stdout.isatty() and i != n:
        return  # a log file gets the finished bar only
    width = 30
    done = int(width * i / n)
    sys.stdout.write(f"\r  [{'#' * done}{'.' * (width - done)}] {i}/{n} {label:<40.40}")
    sys.stdout.flush()
    if i == n:
        sys.stdout.write("\n")


def run_demo(root: Path) -> int:
    start = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    form = load_form(FORM_ID)
    units = sample_units()
    rng = random.Random(2023)
    print(f"unionxl demo → {root}")
    blank = root / "bieu-mau-trong.xlsx"
    write_template(form, blank, province=PROVINCE, created=FIXED_DATE)
    print(f"1. Biểu mẫu trống: {blank}")

    print(f"2. Tạo báo cáo mẫu của {len(units)} đơn vị:")
    sub_dir = root / "bao-cao-don-vi"
    rows: list[Row] = []
    books = []
    for i, unit in enumerate(units, start=1):
        scale = 0.2 + 2 * rng.random()
        values = generate(form, rng, scale=scale)
        for code, by_period in values.items():
            rows += [Row(unit["code"], code, p, v) for p, v in by_period.items()]
        out = sub_dir / f"{unit['code']}.xlsx"
        write_template(form, out, unit["code"], unit["name"], PROVINCE, values)
        books.append(out)
        _progress(i, len(units), unit["name"])
    data_csv = root / "so-lieu-mau.csv"
    write_tidy(rows, data_csv)
    print(f"   Số liệu mẫu (CSV): {data_csv} ({len(rows)} dòng)")

    print("3. Đọc lại số liệu từ các tệp và điền lại công thức:")
    exported: list[Row] = []
    for i, path in enumerate(books, start=1):
        book = read_book(path)
        got, _ = book.tidy_rows()
        exported += got
        fill(path)
        _progress(i, len(books), path.name)
    export_csv = root / "so-lieu-doc-lai.csv"
    write_tidy(exported, export_csv)
    same = sorted(exported, key=_key) == sorted(rows, key=_key)
    print(f"   Số liệu đọc lại: {export_csv} ({len(exported)} dòng, "
          f"{'khớp hoàn toàn' if same else 'KHÔNG KHỚP'} với số liệu mẫu)")
    print(f"Xong trong {time.perf_counter() - start:.1f} giây.")
    return 0 if same else 1


def _key(r: Row) -> tuple[str, str, str]:
    return (r.unit_code, r.indicator, r.period)
