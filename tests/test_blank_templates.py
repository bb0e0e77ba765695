"""The committed blank templates match the form definitions, part by part."""

from __future__ import annotations

import zipfile

from unionxl.workbook.blank import DEFAULT_DIR, blank_templates, write_blank


def parts(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_committed_templates_are_up_to_date(tmp_path):
    for name, term in blank_templates():
        committed = DEFAULT_DIR / name
        assert committed.exists(), f"{name} missing: run python -m unionxl.blank"
        fresh = write_blank(name, term, tmp_path)
        a, b = parts(committed), parts(fresh)
        assert a.keys() == b.keys(), name
        stale = [p for p in a if a[p] != b[p]]
        assert not stale, f"{name} is out of date ({stale}): run python -m unionxl.blank"
