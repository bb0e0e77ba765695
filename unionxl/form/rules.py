"""Validation rules (modelled on DHIS2): ``left OP right`` over indicator codes and periods.

A rule is declared data: an expression on each side, an operator, an importance (error or
warning) and a strategy for missing values. Structural rules ("Trong đó" parts ≤ their row,
exhaustive breakdowns equal to it) are generated from the form itself; the form's ``rules:``
list adds the rest. Each rule evaluates in Python and compiles to an Excel formula.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import FormDefinitionError
from . import expr
from .compute import compute

if TYPE_CHECKING:
    from .model import Form

SEVERITIES = ("error", "warning")
SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo"}  # the one wording of a severity
MISSING = ("skip_if_any", "skip_if_all", "zero")
_RULE_KEYS = {"id", "check", "severity", "missing", "message", "tolerance", "why", "when"}
PASS, SKIP = "Đạt", "Bỏ qua"
FAIL = SEVERITY_VI  # a failed rule's status is its severity
OP_TEXT = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}


class _Plan(NamedTuple):
    refs: tuple[expr.Ref, ...]  # of both sides
    every: tuple[expr.Ref, ...]  # the condition's too
    left: Callable[[Callable[[expr.Ref], float | None]], float]
    right: Callable[[Callable[[expr.Ref], float | None]], float]
    when: tuple[Callable, str, Callable] | None


@dataclass(frozen=True)
class Rule:
    id: str
    check: str
    left: expr.Node
    op: str
    right: expr.Node
    severity: str = "error"
    missing: str = "skip_if_all"
    message: str = ""
    tolerance: float = 0.0  # relative tolerance for ==, for "≈" checks
    why: str = ""
    generated: bool = False
    when: tuple[expr.Node, str, expr.Node] | None = None  # the rule applies only when this holds
    when_text: str = ""

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(r.code for r in self.plan.refs))

    def periods(self, periods: list[str]) -> list[str]:
        """The periods the rule is checked in (a rule on last year starts a year later)."""
        return periods[self.max_lag:]

    @property
    def max_lag(self) -> int:
        return max((-r.offset for r in self.plan.refs), default=0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "check": self.check, "operator": self.op,
            "severity": self.severity, "missing": self.missing, "message": self.message,
            "tolerance": self.tolerance, "indicators": self.codes, "generated": self.generated,
            "why": self.why, "when": self.when_text or None,
        }

    @property
    def anchor(self) -> expr.Ref:
        """The cell a violation is shown at: the first indicator of the left side."""
        return (expr.refs(self.left) or expr.refs(self.right))[0]

    @cached_property
    def plan(self) -> _Plan:
        """The rule's references and compiled sides, worked out once (not kept in a pickle)."""
        refs = tuple(expr.refs(self.left) + expr.refs(self.right))
        when = None
        every = refs
        if self.when is not None:
            wl, wop, wr = self.when
            when = (expr.compiled(wl), wop, expr.compiled(wr))
            every += tuple(expr.refs(wl) + expr.refs(wr))
        return _Plan(refs, every, expr.compiled(self.left), expr.compiled(self.right), when)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "plan"}

    def evaluate(self, value: Callable[[expr.Ref], float | None]) -> bool | None:
        """True when the rule holds, False when violated, None when skipped."""
        plan = self.plan
        if plan.when is not None:
            try:
                wl, wop, wr = plan.when
                if not compare(wl(value), wop, wr(value)):
                    return None
            except ZeroDivisionError:
                return None
        if self.missing == "skip_if_any" and not all(value(r) is not None for r in plan.refs):
            return None
        if self.missing == "skip_if_all" and not any(value(r) is not None for r in plan.refs):
            return None
        try:
            a, b = plan.left(value), plan.right(value)
        except ZeroDivisionError:
            return None
        return compare(a, self.op, b, self.tolerance)


    def all_refs(self) -> list[expr.Ref]:
        return list(self.plan.every)

    @property
    def all_codes(self) -> list[str]:
        """Every indicator the rule reads, its condition included."""
        return list(dict.fromkeys(r.code for r in self.all_refs()))

    def excel(self, address: Callable[[expr.Ref], str],
              invalid: Callable[[expr.Ref], str | None] = lambda r: None) -> tuple[str, str]:
        """(status formula text without "=", fail condition for conditional formatting).

        ``invalid(ref)`` gives an Excel condition true when that input cell holds no valid
        number (text, negative, decimal in a count): the rule is then not judged, as in Python.
        """
        refs = self.plan.refs
        cells = ",".join(address(r) for r in refs)
        cmp = excel_compare(expr.to_excel(self.left, address), self.op,
                            expr.to_excel(self.right, address), self.tolerance)
        skip = []
        bad = [b for b in dict.fromkeys(invalid(r) for r in self.all_refs()) if b]
        if bad:
            skip.append("OR(" + ",".join(bad) + ")" if len(bad) > 1 else bad[0])
        if self.when is not None:
            wl, wop, wr = self.when
            skip.append("NOT(" + excel_compare(expr.to_excel(wl, address), wop,
                                               expr.to_excel(wr, address)) + ")")
        if self.missing == "skip_if_any":
            skip.append(f"COUNT({cells})<{len(refs)}")
        elif self.missing == "skip_if_all":
            skip.append(f"COUNT({cells})=0")
        skip_text = ("OR(" + ",".join(skip) + ")") if len(skip) > 1 else (skip[0] if skip
                                                                          else "FALSE")
        status = (f'IFERROR(IF({skip_text},"{SKIP}",IF({cmp},"{PASS}",'
                  f'"{FAIL[self.severity]}")),"{SKIP}")')
        fail = f"IFERROR(AND(NOT({skip_text}),NOT({cmp})),FALSE)"
        return status, fail


def readable(check: str) -> str:
    """A rule's check as people read it: ``{32} <= {31}`` → «dòng 32 ≤ dòng 31»."""
    text = re.sub(r"\{([^{}@]+)@-1\}", r"dòng \1 kỳ trước", check)
    text = re.sub(r"\{([^{}@]+)\}", r"dòng \1", text)
    for op, sign in sorted(OP_TEXT.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(f" {op} ", f" {sign} ")
    return text


def excel_compare(a: str, op: str, b: str, tolerance: float = 0.0) -> str:
    """Excel twin of ``compare``: the same epsilon, the same tolerance."""
    eps = f"1E-9*MAX(1,ABS({a}),ABS({b}))"
    if op in ("==", "!=") and tolerance:
        eps = f"MAX({eps},{tolerance!r}*MAX(ABS({a}),ABS({b})))"
    if op == "==":
        return f"ABS(({a})-({b}))<={eps}"
    if op == "!=":
        return f"ABS(({a})-({b}))>{eps}"
    if op == "<":
        return f"({a})<({b})-{eps}"
    if op == "<=":
        return f"({a})<=({b})+{eps}"
    if op == ">":
        return f"({a})>({b})+{eps}"
    return f"({a})>=({b})-{eps}"


def compare(a: float, op: str, b: float, tolerance: float = 0.0) -> bool:
    eps = 1e-9 * max(1.0, abs(a), abs(b))
    if op in ("==", "!=") and tolerance:
        eps = max(eps, tolerance * max(abs(a), abs(b)))
    if op == "==":
        return abs(a - b) <= eps
    if op == "!=":
        return abs(a - b) > eps
    if op == "<":
        return a < b - eps
    if op == "<=":
        return a <= b + eps
    if op == ">":
        return a > b + eps
    return a >= b - eps


def _structural(form: Form) -> list[Rule]:
    out = []
    for ind in form.indicators:
        if ind.sum_of:
            parts = " + ".join(f"{{{c}}}" for c in ind.sum_of)
            check = f"{{{ind.code}}} == {parts}"
            out.append(_make(form, {
                "id": f"tong-{ind.code}", "check": check, "severity": "error",
                "missing": "skip_if_all",
                "message": f"Dòng {ind.code} phải bằng tổng các dòng "
                           f"{', '.join(ind.sum_of)} (chia nhỏ đầy đủ).",
            }, generated=True))
        if ind.cumulative and form.period_kind == "quarter":  # a running total never falls
            out.append(_make(form, {
                "id": f"luy-ke-{ind.code}", "check": f"{{{ind.code}}} >= {{{ind.code}@-1}}",
                "severity": "warning", "missing": "skip_if_any",
                "message": f"Dòng {ind.code} là số lũy kế từ đầu năm nhưng nhỏ hơn quý trước "
                           "(có ghi nhầm số phát sinh trong quý?).",
            }, generated=True))
        if ind.is_ratio:  # a share: its numerator is part of its denominator
            out.append(_make(form, {
                "id": f"ty-le-{ind.code}", "check": f"{ind.numerator} <= {ind.denominator}",
                "severity": "warning", "missing": "skip_if_any",
                "message": f"Tỷ lệ dòng {ind.code} vượt 100%: tử số lớn hơn mẫu số.",
            }, generated=True))
        parent = form.indicator(ind.parent) if ind.parent else None
        if (ind.rel == "part" and parent is not None and parent.has_values
                and ind.code not in parent.sum_of):
            out.append(_make(form, {
                "id": f"trong-do-{ind.code}", "check": f"{{{ind.code}}} <= {{{parent.code}}}",
                "severity": "error", "missing": "skip_if_any",
                "message": f"«Trong đó» dòng {ind.code} không được lớn hơn dòng {parent.code}.",
            }, generated=True))
    return out


def _make(form: Form, data: Any, generated: bool = False) -> Rule:
    entry = f"rules[{data.get('id', '?') if isinstance(data, dict) else '?'}]"
    fail = lambda problem: FormDefinitionError(form.path, entry, problem)  # noqa: E731
    if not isinstance(data, dict):
        raise fail("mỗi quy tắc phải là một bảng khóa: giá trị")
    unknown = sorted(set(data) - _RULE_KEYS)
    if unknown:
        raise fail(f"khóa không biết: {', '.join(unknown)}")
    for key in ("id", "check", "message"):
        if not data.get(key):
            raise fail(f"thiếu khóa bắt buộc «{key}»")
    try:
        left, op, right = expr.parse_comparison(str(data["check"]))
    except expr.ExprError as exc:
        raise fail(f"biểu thức kiểm tra sai: {exc}") from exc
    for ref in expr.refs(left) + expr.refs(right):
        if not form.has(ref.code) or not form.indicator(ref.code).has_values:
            raise fail(f"mã chỉ tiêu «{ref.code}» không có trong biểu mẫu hoặc không có số liệu")
        if ref.offset > 0:
            raise fail("chỉ được nhắc năm trước (@-1), không nhắc năm sau")
    severity = data.get("severity", "error")
    if severity not in SEVERITIES:
        raise fail(f"severity phải là một trong {', '.join(SEVERITIES)}")
    missing = data.get("missing", "skip_if_all")
    if missing not in MISSING:
        raise fail(f"missing phải là một trong {', '.join(MISSING)}")
    tolerance = float(data.get("tolerance", 0) or 0)
    if not 0 <= tolerance < 1:
        raise fail("tolerance là tỷ lệ trong khoảng [0, 1)")
    when = None
    if data.get("when"):
        try:
            when = expr.parse_comparison(str(data["when"]))
        except expr.ExprError as exc:
            raise fail(f"điều kiện when sai: {exc}") from exc
        for ref in expr.refs(when[0]) + expr.refs(when[2]):
            if not form.has(ref.code) or ref.offset:
                raise fail(f"điều kiện when nhắc «{ref.code}» không dùng được")
    return Rule(id=str(data["id"]), check=str(data["check"]), left=left, op=op, right=right,
                severity=severity, missing=missing, message=str(data["message"]),
                tolerance=tolerance, why=str(data.get("why", "")), generated=generated,
                when=when, when_text=str(data.get("when", "") or ""))


def compile_rules(form: Form, declared: list[Any]) -> tuple[Rule, ...]:
    """Structural rules from the form's shape, then its declared ``rules:`` (the loader's)."""
    rules = _structural(form) + [_make(form, r) for r in declared]
    # A ratio's "numerator ≤ denominator" already checked by another rule: one mistake, one
    # issue.
    shape = lambda r: (r.left, r.op, r.right)  # noqa: E731
    others = {shape(r) for r in rules if not r.id.startswith("ty-le-")}
    rules = [r for r in rules if not (r.id.startswith("ty-le-") and shape(r) in others)]
    ids = [r.id for r in rules]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise FormDefinitionError(form.path, "rules", f"mã quy tắc bị trùng: {', '.join(dup)}")
    return tuple(rules)


Outcome = tuple[Rule, str, "bool | None", "float | None", "float | None"]


def outcomes(form: Form, values: Mapping[str, Mapping[str, float]],
             bad: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset()
             ) -> Iterator[Outcome]:
    """(rule, period, True/False/None, left, right) for every rule and period of the form;
    a rule touching a ``bad`` (indicator, period) cell is skipped (None)."""
    computed = compute(form, values)
    periods = form.period_keys
    n = len(periods)

    def lookup(i: int) -> Callable[[expr.Ref], float | None]:
        def value(ref: expr.Ref) -> float | None:
            j = i + ref.offset
            if not 0 <= j < n:
                return None
            return computed.get(ref.code, {}).get(periods[j])
        return value

    at = [lookup(i) for i in range(n)]
    for rule in form.rules:
        plan = rule.plan
        for i in range(rule.max_lag, n):  # a rule on last year starts a year later
            p, value = periods[i], at[i]
            if bad and any((r.code, periods[i + r.offset]) in bad for r in plan.every):
                yield rule, p, None, None, None
                continue
            ok = rule.evaluate(value)
            left = right = None
            if ok is False:
                left, right = plan.left(value), plan.right(value)
            yield rule, p, ok, left, right
