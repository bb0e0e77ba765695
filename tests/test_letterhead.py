"""Header and signature blocks come from the province profile and the unit registry, never from
a form: the superior body over the issuing body, in full, each named once; the place and date
line; the signers. Expected texts are written here by hand from the sample profiles."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

from unionxl.consolidation import consolidate, write_consolidated
from unionxl.form import load_form, load_profile
from unionxl.workbook.template import write_template

DATA = Path("unionxl/data")
BAC_NINH = load_profile(DATA / "ho-so-tinh.yaml")
ANNUAL = load_form("bao-cao-nam", "2026")
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def head(path: Path, sheet: str) -> tuple[list[str], list[str]]:
    """(left, right) texts of the three header rows."""
    ws = openpyxl.load_workbook(path)[sheet]
    rows = [[c.value for c in row if isinstance(c.value, str)] for row in ws.iter_rows(1, 3)]
    left = [r[0] if len(r) > 1 else "" for r in rows]
    return left, [r[-1] for r in rows]


def texts(path: Path, sheet: str) -> list[str]:
    ws = openpyxl.load_workbook(path)[sheet]
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_a_units_report_the_federation_over_the_unit(tmp_path):
    out = tmp_path / "u.xlsx"
    write_template(ANNUAL, out, "X-NHANAM", "CĐCS xã Nhã Nam", BAC_NINH)
    left, right = head(out, ANNUAL.sheet)
    assert left[:2] == ["LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC NINH", "CÔNG ĐOÀN CƠ SỞ XÃ NHÃ NAM"]
    assert right == [MOTTO, "Độc lập - Tự do - Hạnh phúc", "……, ngày …… tháng …… năm ……"]
    seen = texts(out, ANNUAL.sheet)
    assert "NGƯỜI LẬP BIỂU" in seen and "TM. BAN THƯỜNG VỤ" in seen and "CHỦ TỊCH" in seen


def test_the_federations_own_document_its_superior_over_it_once(tmp_path):
    """Seed 001's allocation, printed by LĐLĐ tỉnh Bắc Giang (2023 profile): the body is named
    once, in full, under the Tổng Liên đoàn — not "LĐLĐ TỈNH BẮC GIANG" twice."""
    profile = load_profile(DATA / "ho-so-tinh-bac-giang-2023.yaml")
    form = load_form("phan-bo-chi-tieu", "2023-2028", (("BG01", "LĐLĐ thành phố Bắc Giang"),))
    out = tmp_path / "a.xlsx"
    write_template(form, out, "LDLD-BG", "LĐLĐ tỉnh Bắc Giang", profile)
    left, right = head(out, form.sheet)
    assert left[:2] == ["TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC GIANG"]
    assert right[2] == "Bắc Giang, ngày …… tháng …… năm ……"
    assert sum("BẮC GIANG" in t.upper() for t in texts(out, form.sheet)[:6]) == 2  # + date


def test_the_consolidated_book_dated_and_signed_by_the_profiles_signers(tmp_path):
    profile_file = tmp_path / "ho-so.yaml"
    profile_file.write_text(
        "province: Điện Biên\nplace: Điện Biên Phủ\nbody_code: LDLD-DB\n"
        "signers:\n  - {role: NGƯỜI LẬP BIỂU, name: Lò Văn Páo}\n"
        "  - {role: KT. CHỦ TỊCH, title: PHÓ CHỦ TỊCH, name: Quàng Thị Mai}\n",
        encoding="utf-8")
    profile = load_profile(profile_file)
    box = tmp_path / "box"
    write_template(ANNUAL, box / "X1.xlsx", "X1", "Công đoàn xã Mường Phăng", profile,
                   {"1": {"2026": 12.0}})
    run = consolidate([box])
    out = tmp_path / "th.xlsx"
    write_consolidated(run, out, "LDLD-DB", "", profile, created=datetime(2026, 12, 5, 9))
    left, right = head(out, "TỔNG HỢP")
    assert left[:2] == ["TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT NAM", "LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐIỆN BIÊN"]
    assert right[2] == "Điện Biên Phủ, ngày 05 tháng 12 năm 2026"
    seen = texts(out, "TỔNG HỢP")
    for words in ("NGƯỜI LẬP BIỂU", "Lò Văn Páo", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                  "Quàng Thị Mai"):
        assert words in seen, words
    assert "TM. BAN THƯỜNG VỤ" not in seen  # the profile's signers, not the default ones


def test_without_a_profile_no_province_is_named(tmp_path):
    out = tmp_path / "b.xlsx"
    write_template(ANNUAL, out)
    left, right = head(out, ANNUAL.sheet)
    assert left[:2] == ["LIÊN ĐOÀN LAO ĐỘNG TỈNH ……", "……"]
    assert right[2] == "……, ngày …… tháng …… năm ……"
