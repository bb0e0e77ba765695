"""Options several commands share: the province profile and its overrides, the term or year
(defaulting to the calendar). Light: the form layer only (``registry_options`` for the units)."""

from __future__ import annotations

import argparse
from datetime import date

from ..form import Form, Profile, calendar, default_term, find_profile, load_form


def add_profile(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("hồ sơ tỉnh (mặc định: tệp ho-so-tinh.yaml ở thư mục hiện tại)")
    g.add_argument("--profile", metavar="HỒ_SƠ.yaml", help="hồ sơ tỉnh: tên tỉnh, cơ quan, đại "
                   "hội, dòng hướng dẫn, danh sách đơn vị")
    g.add_argument("--province", metavar="TỈNH", help="tên tỉnh (thay cho hồ sơ)")
    g.add_argument("--congress", metavar="LẦN_THỨ", help="đại hội lần thứ, ví dụ I hoặc XVIII")
    g.add_argument("--congress-term", metavar="NHIỆM_KỲ", help="nhiệm kỳ đại hội, ví dụ "
                   "2025-2030")
    g.add_argument("--guidance", metavar="DÒNG", help="dòng «(Kèm theo Hướng dẫn …)» dưới tiêu "
                   "đề")
    g.add_argument("--target-note", metavar="GHI_CHÚ", help="ghi chú ở dòng có chỉ tiêu nhiệm kỳ")


def add_period(p: argparse.ArgumentParser) -> None:
    p.add_argument("--term", metavar="NHIỆM_KỲ", help="nhiệm kỳ, ví dụ 2023-2028 (mặc định: "
                   "nhiệm kỳ chứa ngày hôm nay, hoặc nhiệm kỳ trong hồ sơ tỉnh)")
    p.add_argument("--year", metavar="NĂM", help="năm của báo cáo năm, quý (mặc định: năm nay)")


def profile_of(args: argparse.Namespace) -> Profile:
    return find_profile(args.profile).override(
        province=args.province, congress=args.congress, term=args.congress_term,
        guidance=args.guidance, target_note=args.target_note)


def form_of(args: argparse.Namespace, form_id: str, profile: Profile,
            units: tuple[tuple[str, str], ...] | None = None, on: date | None = None) -> Form:
    """The form for the term (or year) asked, else the calendar's."""
    base = load_form(form_id)
    year = str(args.year or "").strip()
    if args.term:
        term = args.term
    elif year and base.single_year:
        term = year
    elif year.isdigit():  # a year asked of a term form: the term that contains it
        term = default_term(base, date(int(year), 6, 30), profile)
    else:
        term = default_term(base, on or calendar.today(), profile)
    return load_form(form_id, term, units)
