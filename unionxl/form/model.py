"""The form as data: indicators, sections, periods, aggregation and rules.

A ``Form`` is built from its YAML definition by ``loader``; every other part of unionxl (the
template, its formulas, the checks, the consolidation) is derived from it and receives it as
an object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..errors import FormDefinitionError
from ..text import nfc
from . import expr

if TYPE_CHECKING:
    from .profile import Profile
    from .rules import Rule

__all__ = ["Form", "Headline", "Indicator", "Period", "Section", "nfc"]

TIME_AGGS = {
    "sum": "cộng các năm (chỉ tiêu phát sinh trong kỳ)",
    "last": "lấy số cuối kỳ (chỉ tiêu tồn tại thời điểm)",
    "first": "lấy số đầu kỳ",
    "avg": "bình quân các năm có số liệu",
    "max": "lấy số lớn nhất",
    "ratio": "tính lại từ tử số và mẫu số (không cộng, không lấy bình quân các tỷ lệ)",
    "none": "không tổng hợp theo thời gian",
}
ACROSS_AGGS = {"sum": "cộng các đơn vị", "none": "không cộng giữa các đơn vị",
               "ratio": "tính lại từ tổng tử số và tổng mẫu số của các đơn vị"}
KINDS = ("input", "heading", "derived", "ratio")
RELS = ("part", "detail", "companion")
VALUE_TYPES = ("integer", "decimal", "rate")  # rate: a ratio row, a fraction shown as %
RATE_UNIT = "%"
# Columns that compare the period's figure with another one, in the order they are shown:
# base = start of the term (stocks only), prev = the previous year / term (same span).
COMPARE_KEYS = ("base", "prev")
EXCEL_SHEET_FORBIDDEN = set("[]:*?/\\")
ANCHOR = "*"  # the of-row of a sample anchor: a unit's size, given by the caller


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str
    kind: str
    value_type: str
    time: str
    across: str
    parent: str | None
    rel: str | None
    section: str
    number: str
    depth: int
    note: str = ""
    why: str = ""
    target: bool = False
    sum_of: tuple[str, ...] = ()
    formula: str | None = None
    fix: str = ""
    required: bool = False
    entity: str = ""  # a unit code, where a row stands for a unit (target allocation)
    source_label: str = ""  # the printed row a compound measure comes from ("Số vụ/ số người…")
    numerator: str | None = None  # ratio rows: expressions over indicator codes
    denominator: str | None = None
    cumulative: bool = False  # a running total from the start of the year ("lũy kế")

    @property
    def is_input(self) -> bool:
        return self.kind == "input"

    @property
    def has_values(self) -> bool:
        return self.kind != "heading"

    @property
    def is_ratio(self) -> bool:
        return self.kind == "ratio"

    @property
    def is_stock(self) -> bool:
        """A figure at a point in time (its start-of-term value means something)."""
        return self.time in ("last", "first")

    def parsed_formula(self) -> expr.Node:
        assert self.formula is not None
        return expr.parse(self.formula)

    def ratio_parts(self) -> tuple[expr.Node, expr.Node]:
        assert self.numerator is not None and self.denominator is not None
        return expr.parse(self.numerator), expr.parse(self.denominator)

    def ratio_codes(self) -> list[str]:
        num, den = self.ratio_parts()
        return list(dict.fromkeys(r.code for r in expr.refs(num) + expr.refs(den)))


@dataclass(frozen=True)
class Section:
    number: str
    label: str
    codes: tuple[str, ...]
    fix: str = ""


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Headline:
    """A key figure of the form: shown in charts, the e-mail summary and the demo."""

    code: str
    label: str
    chart: bool = False


@dataclass(frozen=True, eq=False)
class Form:
    id: str
    version: int
    title_template: str
    heading: str
    sheet: str
    term_start: int
    term_end: int
    target_note: str  # on rows with a term target; "{congress}" is the profile's note
    units: dict[str, dict[str, str]]
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]
    path: str
    period_kind: str = "year"  # year: one column per year of the term; quarter: per quarter
    year_offset: tuple[int, int] | None = None  # data years as offsets from the term's start
    column_labels: dict[str, str] = field(default_factory=dict)
    hidden_columns: tuple[str, ...] = ()
    show_period_line: bool = True
    tracks: dict[str, dict[str, str]] = field(default_factory=dict)
    annual: str = ""  # for a quarterly form: the annual form its quarters roll up to
    headline: tuple[Headline, ...] = ()
    name: str = ""  # what users call the form ("Phụ lục số liệu nhiệm kỳ")
    compare: tuple[str, ...] = ()  # comparison columns shown: a subset of COMPARE_KEYS
    midterm: bool = False  # a mid-term review: the first half of the term's years
    rules: tuple[Rule, ...] = ()  # structural, then declared; compiled by the loader
    entities: tuple[tuple[str, str], ...] = ()  # (code, name) of the units of per-unit rows
    per_unit: bool = False  # rows are made from a unit registry (the target allocation)
    # typical magnitudes for sample data: code → (low, high, of-row); anchors have of-row ""
    sample: dict[str, tuple[float, float, str]] = field(default_factory=dict, compare=False)
    _by_code: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code.update({i.code: i for i in self.indicators})

    # -- lookups ---------------------------------------------------------------------------
    def indicator(self, code: str) -> Indicator:
        return self._by_code[code]

    def has(self, code: str) -> bool:
        return code in self._by_code

    @cached_property
    def inputs(self) -> list[Indicator]:
        return [i for i in self.indicators if i.is_input]

    @cached_property
    def valued(self) -> list[Indicator]:
        return [i for i in self.indicators if i.has_values]

    @property
    def display_name(self) -> str:
        return self.name or f"{self.heading} {self.title()}".strip()

    def applies(self, ind: Indicator, key: str) -> bool:
        """Whether a row has a figure in a comparison column (a start-of-term flow has none)."""
        if key != "base":
            return True
        if ind.is_ratio:
            return all(self.indicator(c).is_stock for c in ind.ratio_codes())
        return ind.is_stock

    def without_rows(self, missing: list[str]) -> Form:
        """The form minus rows deleted from a sheet (and derived rows that need them)."""
        if not missing:
            return self
        gone = set(missing)
        while True:  # a ratio row may use rows below it: repeat until nothing more goes
            before = len(gone)
            for ind in self.indicators:
                uses = (ind.ratio_codes() if ind.is_ratio else
                        [r.code for r in expr.refs(ind.parsed_formula())] if ind.formula else [])
                if any(c in gone for c in uses):
                    gone.add(ind.code)
            if len(gone) == before:
                break
        keep = [i for i in self.indicators if i.code not in gone]
        rules = tuple(r for r in self.rules if not gone & set(r.all_codes))
        headline = tuple(h for h in self.headline if h.code not in gone)
        return dataclasses.replace(self, indicators=tuple(keep), rules=rules,
                                   headline=headline, _by_code={})

    def children(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators if i.parent == code]

    # -- periods and term ------------------------------------------------------------------
    @property
    def term(self) -> str:
        if self.single_year:
            return str(self.term_start)
        return f"{self.term_start}-{self.term_end}"

    @property
    def single_year(self) -> bool:
        """A form about one year (quarterly, or annual): its term is written "2025"."""
        return self.period_kind == "quarter" or (
            self.term_end - self.term_start == 1 and self.year_offset is None)

    @property
    def periods(self) -> list[Period]:
        if self.period_kind == "quarter":
            y = self.term_start
            return [Period(f"{y}Q{q}", f"Quý {roman}", date(y, 3 * q - 2, 1),
                           date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1))
                    for q, roman in enumerate(("I", "II", "III", "IV"), start=1)]
        first, last = (self.term_start, self.term_end - 1) if self.year_offset is None else (
            self.term_start + self.year_offset[0], self.term_start + self.year_offset[1])
        if self.midterm:  # the years so far at mid-term: the first half, rounded up
            last = first + math.ceil((last - first + 1) / 2) - 1
        return [Period(str(y), str(y), date(y, 1, 1), date(y, 12, 31))
                for y in range(first, last + 1)]

    def label(self, column: str, default: str) -> str:
        """A column header: the form's own wording where it has one ({year}, {prev_year},
        {term_start}, {term_end} and {prev_term} are replaced)."""
        length = self.term_end - self.term_start
        return self.column_labels.get(column, default).format(
            year=self.term_start, prev_year=self.term_start - 1, term_start=self.term_start,
            term_end=self.term_end, prev_term=f"{self.term_start - length}-{self.term_start}")

    @cached_property
    def period_keys(self) -> list[str]:
        return [p.key for p in self.periods]

    @cached_property
    def input_keys(self) -> list[str]:
        """Column keys whose cells can hold a typed number: periods, comparisons, target."""
        return [*self.period_keys, *self.compare, "target"]

    @cached_property
    def value_keys(self) -> tuple[tuple[str, str], ...]:
        """Every (indicator, column key) that can hold a number: periods, comparisons and the
        target."""
        return tuple((i.code, k) for i in self.valued for k in self.input_keys)

    @cached_property
    def value_position(self) -> dict[tuple[str, str], int]:
        return {k: n for n, k in enumerate(self.value_keys)}

    def for_term(self, term: str | None) -> Form:
        if not term:
            return self
        if self.single_year:
            y = re.fullmatch(r"\s*(\d{4})\s*", term)
            if not y:
                raise FormDefinitionError(self.path, "term", f"năm «{term}» không hợp lệ; "
                                          "biểu mẫu năm, quý ghi một năm, ví dụ 2025")
            return dataclasses.replace(self, term_start=int(y.group(1)),
                                       term_end=int(y.group(1)) + 1, _by_code={})
        m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", term)
        if not m or int(m.group(2)) <= int(m.group(1)) or int(m.group(2)) - int(m.group(1)) > 10:
            raise FormDefinitionError(
                self.path, "term", f"nhiệm kỳ «{term}» không hợp lệ; ghi dạng 2023-2028"
            )
        return dataclasses.replace(
            self, term_start=int(m.group(1)), term_end=int(m.group(2)), _by_code={}
        )

    def title(self) -> str:
        return self.title_template.format(term_start=self.term_start, term_end=self.term_end,
                                          year=self.term_start)

    def period_line(self) -> str:
        ps = self.periods
        return (
            f"(Số liệu lấy từ ngày {ps[0].start:%d/%m/%Y} "
            f"đến hết ngày {ps[-1].end:%d/%m/%Y})"
        )

    def note_on_targets(self, profile: Profile) -> str:
        """The note on rows with a term target (the profile's congress note where asked)."""
        return self.target_note.replace("{congress}", profile.congress_note(self.term))

    # -- export ----------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "name": self.display_name,
            "title": self.title(),
            "term": self.term,
            "sheet": self.sheet,
            "periods": [
                {"key": p.key, "label": p.label, "start": p.start.isoformat(),
                 "end": p.end.isoformat()}
                for p in self.periods
            ],
            "sections": [
                {"number": s.number, "label": s.label, "indicators": list(s.codes),
                 **({"fix": s.fix} if s.fix else {})}
                for s in self.sections
            ],
            "indicators": [
                {
                    "code": i.code, "label": i.label, "unit": i.unit, "kind": i.kind,
                    "value_type": i.value_type, "time_aggregation": i.time,
                    "unit_aggregation": i.across, "parent": i.parent, "relation": i.rel,
                    "section": i.section, "sum_of": list(i.sum_of), "formula": i.formula,
                    "target": i.target, "required": i.required, "note": i.note, "why": i.why,
                    "fix": i.fix, "numerator": i.numerator, "denominator": i.denominator,
                    "cumulative": i.cumulative,
                }
                for i in self.indicators
            ],
            "rules": [r.to_dict() for r in self.rules],
        }


