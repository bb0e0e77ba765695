"""A tiny arithmetic language over indicator codes, parsed without ``eval``.

``{32.1} - {32.2}`` refers to indicators of the same period; ``{32@-1}`` to the period before.
The same tree compiles to a Python evaluation and to an Excel formula, so the workbook and the
validator cannot disagree about what a formula means.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|\{(?P<ref>[^{}@\s]+)(?:@(?P<off>[+-]?\d+))?\}"
    r"|(?P<op>==|!=|<=|>=|[-+*/()<>]))"
)
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")


class ExprError(ValueError):
    """Raised with a Vietnamese message when an expression cannot be parsed."""


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Ref:
    code: str
    offset: int = 0


@dataclass(frozen=True)
class Neg:
    operand: Node


@dataclass(frozen=True)
class Bin:
    op: str
    left: Node
    right: Node


Node = Union[Num, Ref, Neg, Bin]  # noqa: UP007 (a runtime alias)
Getter = Callable[[Ref], "float | None"]  # the value of a reference, None when blank


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"không hiểu «{text[pos:pos + 12]}» trong biểu thức «{text}»")
        pos = m.end()
        kind = m.lastgroup if m.lastgroup != "off" else "ref"
        if m.group("ref") is not None:
            tokens.append(("ref", m.group("ref") + "@" + (m.group("off") or "0")))
        else:
            tokens.append((kind or "", m.group(kind or "")))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExprError(f"biểu thức «{self.text}» kết thúc đột ngột")
        self.i += 1
        return tok

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) and tok[1] in "+-" and tok[0] == "op":
            self.take()
            node = Bin(tok[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while (tok := self.peek()) and tok[0] == "op" and tok[1] in ("*", "/"):
            self.take()
            node = Bin(tok[1], node, self.factor())
        return node

    def factor(self) -> Node:
        kind, val = self.take()
        if kind == "num":
            return Num(float(val))
        if kind == "ref":
            code, off = val.rsplit("@", 1)
            return Ref(code, int(off))
        if val == "-":
            return Neg(self.factor())
        if val == "(":
            node = self.expr()
            if self.take()[1] != ")":
                raise ExprError(f"thiếu dấu «)» trong biểu thức «{self.text}»")
            return node
        raise ExprError(f"không mong đợi «{val}» trong biểu thức «{self.text}»")

    def done(self) -> None:
        if self.peek() is not None:
            raise ExprError(f"thừa «{self.peek()[1]}» trong biểu thức «{self.text}»")  # type: ignore[index]


@functools.cache  # a form's formulas are parsed per cell and per file: the nodes are frozen
def parse(text: str) -> Node:
    p = _Parser(text)
    node = p.expr()
    p.done()
    return node


def parse_comparison(text: str) -> tuple[Node, str, Node]:
    """``left OP right`` with OP one of == != < <= > >=."""
    p = _Parser(text)
    left = p.expr()
    tok = p.take()
    if tok[0] != "op" or tok[1] not in COMPARISONS:
        raise ExprError(f"thiếu phép so sánh (==, !=, <, <=, >, >=) trong «{text}»")
    right = p.expr()
    p.done()
    return left, tok[1], right


def refs(node: Node) -> list[Ref]:
    if isinstance(node, Ref):
        return [node]
    if isinstance(node, Neg):
        return refs(node.operand)
    if isinstance(node, Bin):
        return refs(node.left) + refs(node.right)
    return []


def evaluate(node: Node, value: Callable[[Ref], float | None]) -> float:
    """Missing references count as 0; callers decide what all-missing means."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        return value(node) or 0.0
    if isinstance(node, Neg):
        return -evaluate(node.operand, value)
    a, b = evaluate(node.left, value), evaluate(node.right, value)
    if node.op == "+":
        return a + b
    if node.op == "-":
        return a - b
    if node.op == "*":
        return a * b
    if b == 0:
        raise ZeroDivisionError(node)
    return a / b


def compiled(node: Node) -> Callable[[Callable[[Ref], float | None]], float]:
    """``evaluate`` of ``node`` as one function of ``value``: the tree walked once, not at
    every evaluation (a form's rules are evaluated for every period of every file)."""
    if isinstance(node, Num):
        const = node.value
        return lambda value: const
    if isinstance(node, Ref):
        return lambda value: value(node) or 0.0
    if isinstance(node, Neg):
        inner = compiled(node.operand)
        return lambda value: -inner(value)
    a, b = compiled(node.left), compiled(node.right)
    if node.op == "+":
        return lambda value: a(value) + b(value)
    if node.op == "-":
        return lambda value: a(value) - b(value)
    if node.op == "*":
        return lambda value: a(value) * b(value)

    def divide(value: Callable[[Ref], float | None]) -> float:
        x, y = a(value), b(value)
        if y == 0:
            raise ZeroDivisionError(node)
        return x / y
    return divide


def to_excel(node: Node, address: Callable[[Ref], str]) -> str:
    """Excel text of the expression; references are wrapped in N() so blanks count as 0."""
    if isinstance(node, Num):
        v = node.value
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(node, Ref):
        return f"N({address(node)})"
    if isinstance(node, Neg):
        return f"-({to_excel(node.operand, address)})"
    return f"({to_excel(node.left, address)}{node.op}{to_excel(node.right, address)})"
