"""Validation of submitted workbooks: cells, layout, formulas, year-on-year jumps and rules.

Bad entered data never raises: every problem becomes an ``Issue`` with a stable code (see
``issues.CATALOGUE``) at a sheet, cell, indicator and period. Only the caller's misuse raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import WorkbookError
from ..form import Form, Indicator, outcomes
from ..form.rules import FAIL, OP_TEXT, PASS, SKIP, Rule, readable
from ..workbook import a1
from ..workbook import cells as ck
from ..workbook.formulas import excel_formulas
from ..workbook.layout import duplicated_keys
from ..workbook.numbers import format_vn
from ..workbook.package import Package
from ..workbook.reader import Book, read_book
from .filechecks import check_file, far_cells, file_warnings
from .issues import Issue, from_error, make, unique
from .report import FileReport, Report

# Year-on-year jump (warning): the larger of two consecutive non-zero years is at least
# JUMP_FACTOR times the smaller, and they differ by at least JUMP_MIN_CHANGE in the row's unit.
# A ratio bound is used rather than a z-score: five yearly points are too few for robust
# statistics, and "gấp 10 lần" is what a reviewer checks by eye (a typed extra digit).
JUMP_FACTOR = 5.0
JUMP_MIN_CHANGE = 20.0

Values = dict[str, dict[str, float]]


def validate_file(path: str | Path, form: Form | None = None) -> FileReport:
    try:
        pkg = Package.read(path)
    except WorkbookError as exc:
        rep = FileReport(str(path), "", status="unreadable")
        rep.issues.append(from_error(exc))
        return rep
    return validate_package(pkg, form)


def validate(paths: list[str | Path], form: Form | None = None) -> Report:
    return Report([validate_file(p, form) for p in paths])


def validate_package(pkg: Package, form: Form | None = None) -> FileReport:
    """Every check of one file; whatever the file holds, a report (never an exception)."""
    try:
        rep = _validate(pkg, form)
    except Exception as exc:  # one file never stops the others: caught, coded, reported
        rep = FileReport(str(pkg.path), pkg.sha256, status="unreadable")
        rep.issues.append(make("unexpected-error", technical=f"{type(exc).__name__}: {exc}"))
    rep.issues = unique(rep.issues)
    return rep


def _validate(pkg: Package, form: Form | None) -> FileReport:
    rep = FileReport(str(pkg.path), pkg.sha256)
    try:
        check_file(pkg)
        book = read_book(pkg)
    except WorkbookError as exc:
        rep.status = "unreadable"
        rep.issues.append(from_error(exc))
        return rep
    if form is not None and (book.form.id != form.id or book.form.version != form.version
                             or book.form.term != form.term):
        rep.status = "unreadable"
        rep.issues.append(make("wrong-form", detail=f"{book.form.id} phiên bản "
                               f"{book.form.version}, nhiệm kỳ {book.form.term} (cần {form.id} "
                               f"phiên bản {form.version}, nhiệm kỳ {form.term})"))
        return rep
    declared = book.identity.get("form_version", "")
    rep.unit_code, rep.unit_name = book.unit_code, book.identity.get("unit_name", "")
    rep.issues = file_warnings(pkg) + far_cells(book.far)
    if declared and declared != str(book.form.version):
        rep.status = "invalid"
        rep.form_id, rep.form_version, rep.term = book.form.id, declared, book.form.term
        rep.issues.append(make("wrong-form", detail=f"{book.form.id} phiên bản {declared} "
                               f"(phiên bản hiện hành: {book.form.version})"))
        return rep
    rep.form_id, rep.form_version, rep.sheet = book.form.id, str(book.form.version), book.sheet
    rep.term, rep.form, rep.map = book.form.term, book.form, book.map
    issues, rep.values = check_book(book)
    rep.issues += issues
    rep.status = "invalid" if rep.errors else "valid"
    return rep


def check_book(book: Book) -> tuple[list[Issue], Values]:
    """All issues of a readable workbook, and its clean numeric input values."""
    issues: list[Issue] = []
    issues += _layout(book)
    values, cell_issues = _cells(book)
    issues += cell_issues
    issues += _formulas(book)
    issues += _required(book)
    issues += _jumps(book, values)
    where = {"sheet": book.sheet}
    issues += rule_issues(book.form, values, bad_cells(issues), where,
                          lambda code, p: book.map.addr(code, p) if code in book.map.rows
                          else None)
    return issues, values


CELL_CODES = {"text-number", "ambiguous-number", "not-a-number", "compound-entry",
              "date-in-number-cell", "negative-value", "decimal-in-count", "required-blank"}


def bad_cells(issues: Iterable[Issue]) -> set[tuple[str, str]]:
    """Cells with their own issue: a rule is not judged on them (one mistake, one issue).

    The workbook's live checks skip the same cells where Excel can tell (text, negative,
    decimal in a count); a date or a blank required cell Excel cannot tell from a number.
    """
    return {(i.indicator, i.period) for i in issues if i.code in CELL_CODES}


def cell_issue(ind: Indicator, cell: ck.Cell) -> tuple[float | None, str | None, dict[str, Any]]:
    """(clean number or None, issue code or None, message fields) for one input cell."""
    if cell.kind == ck.FORMULA and cell.cached is not None:
        cell = cell.cached
    text = str(cell.raw)
    if cell.kind == ck.BLANK:
        return None, None, {}
    if cell.kind == ck.DATE:
        return None, "date-in-number-cell", {"value": text}
    if cell.kind == ck.COMPOUND:
        return None, "compound-entry", {"value": text}
    if cell.kind == ck.TEXT:
        return None, "not-a-number", {"value": text}
    if cell.kind == ck.AMBIGUOUS:
        return None, "ambiguous-number", {
            "value": text, "readings": " hoặc ".join(format_vn(v) for v in cell.readings)}
    number = cell.number
    assert number is not None
    if cell.kind == ck.TEXT_NUMBER:
        return None, "text-number", {"value": text, "reading": format_vn(number),
                                     "number": number}
    if number < 0:
        return None, "negative-value", {"value": format_vn(number), "unit": ind.unit}
    if ind.value_type == "integer" and not number.is_integer():
        return None, "decimal-in-count", {"value": format_vn(number), "unit": ind.unit}
    return number, None, {}


def rule_statuses(book: Book) -> dict[tuple[str, str], str]:
    """(rule id, period) → the status text the workbook's "Kiểm tra" sheet must show."""
    issues, values = check_book(book)
    return {(rule.id, p): SKIP if ok is None else PASS if ok else FAIL[rule.severity]
            for rule, p, ok, _, _ in outcomes(book.form, values, bad_cells(issues))}


def _where(book: Book, code: str, key: str) -> dict[str, str]:
    return {"sheet": book.sheet, "cell": book.map.addr(code, key), "indicator": code,
            "period": key}


def _layout(book: Book) -> list[Issue]:
    out = []
    missing, _ = book.map.missing(book.form)
    for code in missing:
        out.append(make("missing-row", sheet=book.sheet, indicator=code,
                        label=book.form.indicator(code).label))
    for code in duplicated_keys(book.grid, book.map):
        out.append(make("duplicate-row", sheet=book.sheet, indicator=code,
                        cell=book.map.addr(code, "label") if code in book.map.rows else ""))
    for code, r in book.map.rows.items():
        if not book.form.has(code):
            out.append(make("unknown-row", sheet=book.sheet, indicator=code,
                            cell=a1.cell(r, book.map.key_col)))
    return out


def _cells(book: Book) -> tuple[Values, list[Issue]]:
    values: Values = {}
    out = []
    for ind, key, cell in book.value_cells():
        number, code, fields = cell_issue(ind, cell)
        if code:
            out.append(make(code, **_where(book, ind.code, key), **fields))
        elif number is not None:
            values.setdefault(ind.code, {})[key] = number
    return values, out


def _formulas(book: Book) -> list[Issue]:
    if book.formula_cells is None:
        return []  # legacy .xls: reported as legacy-format by consolidation
    form = book.form.without_rows(book.map.missing(book.form)[0])
    codes = {v: k for k, v in book.map.rows.items()}
    keys = {v: k for k, v in book.map.cols.items()}
    out = []
    for (r, c) in excel_formulas(form, book.map):
        code, key = codes[r], keys[c]
        cell = book.cell(form.indicator(code), key)
        if cell.kind == ck.FORMULA:
            continue
        where = {"sheet": book.sheet, "cell": a1.cell(r, c), "indicator": code,
                 "period": key}
        if cell.kind == ck.BLANK:
            out.append(make("formula-missing", **where))
        else:
            out.append(make("formula-overwritten", value=cell.raw, **where))
    return out


def _required(book: Book) -> list[Issue]:
    """Required rows blank in a year where the workbook has other data."""
    used = {key for ind, key, raw in book.input_cells() if raw not in (None, "")}
    out = []
    for ind in book.form.inputs:
        if not ind.required or ind.code not in book.map.rows:
            continue
        for p in book.form.period_keys:
            if p in used and book.raw(ind.code, p) is None:
                out.append(make("required-blank", **_where(book, ind.code, p)))
    return out


def _jumps(book: Book, values: Values) -> list[Issue]:
    out = []
    periods = book.form.period_keys
    for ind in book.form.inputs:
        row = values.get(ind.code, {})
        for prev, cur in zip(periods, periods[1:]):
            a, b = row.get(prev), row.get(cur)
            if not a or not b:
                continue
            factor = max(a, b) / min(a, b)
            if factor >= JUMP_FACTOR and abs(b - a) >= JUMP_MIN_CHANGE:
                out.append(make("year-jump", **_where(book, ind.code, cur), value=format_vn(b),
                                previous=format_vn(a), factor=f"{factor:.1f}".replace(".", ",")))
    return out


def rule_issues(form: Form, values: Mapping[str, Mapping[str, float]],
                bad: set[tuple[str, str]], where: dict[str, str],
                cell_of: Any = lambda code, period: None) -> list[Issue]:
    """The issues of every violated rule; ``cell_of(code, period)`` places each at a cell."""
    out = []
    for rule, p, ok, left, right in outcomes(form, values, bad):
        if ok is not False:
            continue
        assert left is not None and right is not None
        anchor = rule.anchor.code
        cell = cell_of(anchor, p)
        out.append(rule_issue(rule, left, right, period_name(form, p), **where,
                              indicator=anchor, period=p, **({"cell": cell} if cell else {})))
    return out


def period_name(form: Form, key: str) -> str:
    """«năm 2019», «quý II» for a period key."""
    label = next((p.label for p in form.periods if p.key == key), key)
    return f"năm {label}" if label.isdigit() else label[:1].lower() + label[1:]


def rule_issue(rule: Rule, left: float, right: float, when: str, **where: str) -> Issue:
    """The issue of one violated rule in one period (``where``: sheet, cell, indicator…)."""
    return make("rule-violation", severity=rule.severity, rule=rule.id, **where,
                check=readable(rule.check), left=format_vn(round(left, 6)),
                op=OP_TEXT[rule.op], right=format_vn(round(right, 6)), rule_text=rule.message,
                when=when)
