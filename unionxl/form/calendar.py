"""Default periods follow the calendar: annual and quarterly forms the current year, the term
appendix the congress term that contains today (the profile's term when it has one)."""

from __future__ import annotations

from datetime import date

from .model import Form
from .profile import TERM, Profile


def today() -> date:
    return date.today()


def default_term(form: Form, on: date | None = None, profile: Profile | None = None) -> str:
    """The term (or year) a form is for when the user names none.

    A term runs from its congress to the next one: in a congress year the ending term is the
    one still reported on, so a year belongs to the term with start < year ≤ end (2026 and 2028
    → 2023-2028; 2023 → 2018-2023). Terms follow the form's own five-year grid unless the
    profile names the province's congress term (a merged province started 2025-2030).
    """
    year = (on or today()).year
    if form.single_year:
        return str(year)
    if profile is not None and profile.congress_term:
        m = TERM.fullmatch(profile.congress_term)
        assert m is not None
        start, end = int(m.group(1)), int(m.group(2))
        if start <= year <= end:
            return profile.congress_term
    length = form.term_end - form.term_start
    start = form.term_start + ((year - 1 - form.term_start) // length) * length
    return f"{start}-{start + length}"
