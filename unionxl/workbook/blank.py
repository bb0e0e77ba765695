"""Regenerate the committed blank templates: ``python -m unionxl.workbook.blank [DIR]``.

``workbook_templates/`` holds one blank workbook per built-in form and term; a test fails when
they are out of date with the form definitions.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..form import available_forms, load_form
from .styles import FIXED_DATE
from .template import write_template
from .tidy import read_tidy, to_values

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "workbook_templates"
EXTRA_TERMS = {"phu-luc-nhiem-ky": ["2023-2028"]}
# Filled samples: (file name, form, term, tidy data shipped in unionxl/data, unit, province)
SAMPLES = [("phan-bo-chi-tieu_2023-2028_Bac-Giang.xlsx", "phan-bo-chi-tieu", None,
            "phan-bo-chi-tieu-2023-2028.csv", "LDLD-BG", "LĐLĐ tỉnh Bắc Giang", "Bắc Giang")]
DATA = Path(__file__).resolve().parents[1] / "data"


def blank_templates() -> list[tuple[str, str | None]]:
    """(file name, term) for every committed blank template."""
    out: list[tuple[str, str | None]] = []
    for form_id in available_forms():
        out.append((f"{form_id}.xlsx", None))
        out += [(f"{form_id}_{t}.xlsx", t) for t in EXTRA_TERMS.get(form_id, [])]
    return out + [(s[0], s[2]) for s in SAMPLES]


def write_blank(name: str, term: str | None, directory: Path) -> Path:
    form_id = name.removesuffix(".xlsx").split("_")[0]
    sample = next((s for s in SAMPLES if s[0] == name), None)
    path = directory / name
    if sample is None:
        write_template(load_form(form_id, term), path, created=FIXED_DATE)
        return path
    _, form_id, term, csv, unit, unit_name, province = sample
    form = load_form(form_id, term)
    data = to_values(read_tidy(DATA / csv), form, csv, unit)
    write_template(form, path, unit, unit_name, province, data, created=FIXED_DATE)
    return path


def main(argv: list[str] | None = None) -> int:
    directory = Path((argv or sys.argv[1:] or [str(DEFAULT_DIR)])[0])
    for name, term in blank_templates():
        print(write_blank(name, term, directory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
