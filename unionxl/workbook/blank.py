"""Regenerate the committed blank templates: ``python -m unionxl.workbook.blank [DIR]``.

``workbook_templates/`` holds one blank workbook per built-in form and term (none for a
per-unit form, whose rows come from a unit registry), and filled samples; a test fails when they
are out of date with the form definitions. Blank templates name no province.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from ..form import available_forms, load_form, load_profile
from .styles import FIXED_DATE
from .template import write_template
from .tidy import read_tidy, to_values

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "workbook_templates"
EXTRA_TERMS = {"phu-luc-nhiem-ky": ["2023-2028"]}
DATA = Path(__file__).resolve().parents[1] / "data"
# Filled samples: (file name, form, term, tidy data in unionxl/data, unit, unit name, profile).
# Seed 001's allocation: one row per unit the sample registry lists under LĐLĐ Bắc Giang.
SAMPLES = [("phan-bo-chi-tieu_2023-2028_Bac-Giang.xlsx", "phan-bo-chi-tieu", None,
            "phan-bo-chi-tieu-2023-2028.csv", "LDLD-BG", "LĐLĐ tỉnh Bắc Giang",
            "ho-so-tinh-bac-giang-2023.yaml")]


def blank_templates() -> list[tuple[str, str | None]]:
    """(file name, term) for every committed template."""
    out: list[tuple[str, str | None]] = []
    for form_id in available_forms():
        if load_form(form_id).per_unit:
            continue  # rows from a registry: only the filled sample below
        out.append((f"{form_id}.xlsx", None))
        out += [(f"{form_id}_{t}.xlsx", t) for t in EXTRA_TERMS.get(form_id, [])]
    return out + [(s[0], s[2]) for s in SAMPLES]


def units_under(parent: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of the units the sample registry lists under ``parent``, in its order
    (read as plain CSV: this layer comes before the registry's)."""
    with open(DATA / "units.csv", encoding="utf-8", newline="") as fh:
        return tuple((r["code"], r["name"]) for r in csv.DictReader(fh)
                     if r["parent"] == parent)


def write_blank(name: str, term: str | None, directory: Path) -> Path:
    form_id = name.removesuffix(".xlsx").split("_")[0]
    sample = next((s for s in SAMPLES if s[0] == name), None)
    path = directory / name
    if sample is None:
        write_template(load_form(form_id, term), path, created=FIXED_DATE)
        return path
    _, form_id, term, data_csv, unit, unit_name, profile = sample
    form = load_form(form_id, term, units_under(unit))
    data = to_values(read_tidy(DATA / data_csv), form, data_csv, unit)
    write_template(form, path, unit, unit_name, load_profile(DATA / profile), data,
                   created=FIXED_DATE)
    return path


def main(argv: list[str] | None = None) -> int:
    directory = Path((argv or sys.argv[1:] or [str(DEFAULT_DIR)])[0])
    for name, term in blank_templates():
        print(write_blank(name, term, directory))
    return 0


if __name__ == "__main__":
    sys.exit(main())
