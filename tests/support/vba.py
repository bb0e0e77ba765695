"""VBA source for the grammar check: ``#If`` branches resolved for a platform, then parsed
with the ANTLR VBA grammar of the ``antlr4-vba`` package (the ``test`` extra)."""

from __future__ import annotations

import re

DIRECTIVE = re.compile(r"^\s*#(Const|If|ElseIf|Else|End If)\b(.*?)(?:\s+Then)?\s*(?:'.*)?$", re.I)
WIN64 = {"VBA7": True, "Win64": True, "Win32": True, "Mac": False}
WIN32 = {"VBA7": True, "Win64": False, "Win32": True, "Mac": False}
MAC = {"VBA7": True, "Win64": True, "Win32": False, "Mac": True}


def _true(condition: str, consts: dict) -> bool:
    expr = condition.replace("<>", "!=")
    expr = re.sub(r"(?<![<>!=])=(?!=)", "==", expr)
    for vb, py in (("Or", "or"), ("And", "and"), ("Not", "not")):
        expr = re.sub(rf"\b{vb}\b", py, expr, flags=re.I)
    words = set(re.findall(r"\b[A-Za-z_]\w*\b", re.sub(r'"[^"]*"', "", expr)))
    # an undefined compiler constant is Empty (0) in VBA
    scope = {w: consts.get(w, 0) for w in words - {"or", "and", "not"}}
    return bool(eval(expr, {"__builtins__": {}}, scope))  # noqa: S307 (our own test input)


def resolve(source: str, consts: dict) -> str:
    """Keep the active branch of every #If; directive and inactive lines become blank (line
    numbers stay those of the file)."""
    consts, out, stack = dict(consts), [], []  # stack: (this branch active, one was taken)
    for line in source.replace("\r\n", "\n").split("\n"):
        m = DIRECTIVE.match(line)
        active = all(a for a, _ in stack)
        if not m:
            out.append(line if active else "")
            continue
        kind, rest = m.group(1).lower(), m.group(2)
        if kind == "const" and active:
            name, value = rest.split("=", 1)
            consts[name.strip()] = eval(value.split("'")[0].strip(), {"__builtins__": {}})  # noqa: S307
        elif kind == "if":
            taken = active and _true(rest, consts)
            stack.append((taken, taken))
        elif kind == "elseif":
            _, taken = stack.pop()
            now = all(a for a, _ in stack) and not taken and _true(rest, consts)
            stack.append((now, taken or now))
        elif kind == "else":
            _, taken = stack.pop()
            stack.append((all(a for a, _ in stack) and not taken, True))
        elif kind == "end if":
            stack.pop()
        out.append("")
    if stack:
        raise ValueError("#If without #End If")
    return "\n".join(out)


def syntax_errors(source: str) -> list[tuple[int, int, str]]:
    """(line, column, message) of every syntax error the VBA grammar finds."""
    from antlr4 import CommonTokenStream, InputStream
    from antlr4.atn.PredictionMode import PredictionMode
    from antlr4.error.ErrorListener import ErrorListener
    from antlr4.error.Errors import ParseCancellationException
    from antlr4.error.ErrorStrategy import BailErrorStrategy
    from antlr4_vba.vbaLexer import vbaLexer
    from antlr4_vba.vbaParser import vbaParser

    class Collect(ErrorListener):
        def __init__(self) -> None:
            self.errors: list[tuple[int, int, str]] = []

        def syntaxError(self, recognizer, symbol, line, column, msg, e):  # noqa: N802
            self.errors.append((line, column, msg[:200]))

    text = source if source.endswith("\n") else source + "\n"
    # ANTLR's two-stage parse: the fast SLL mode is sound when it succeeds; only on failure is
    # the text parsed again in full LL mode, which reports the real errors.
    lexer = vbaLexer(InputStream(text))
    lexer.removeErrorListeners()
    parser = vbaParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser._interp.predictionMode = PredictionMode.SLL
    parser._errHandler = BailErrorStrategy()
    try:
        parser.startRule()
        return []
    except ParseCancellationException:
        pass
    found = Collect()
    lexer = vbaLexer(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(found)
    parser = vbaParser(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(found)
    parser.startRule()
    return found.errors


END = re.compile(r"^(?:End (?:Sub|Function|Property))\b", re.I)


def chunks(source: str) -> list[tuple[int, str]]:
    """(first line, text) of each procedure with the comments before it; the first chunk also
    holds the module header and declarations. Procedures are independent in VBA's grammar, so
    a module parses exactly when each of these parses as a module of its own."""
    lines = source.replace("\r\n", "\n").split("\n")
    out, start = [], 0
    for i, line in enumerate(lines):
        if END.match(line):
            out.append((start, "\n".join(lines[start:i + 1])))
            start = i + 1
    if start < len(lines) and "\n".join(lines[start:]).strip():
        out.append((start, "\n".join(lines[start:])))
    return out


def module_errors(sources: list[str]) -> list[tuple[int, int, str]]:
    """Syntax errors of several variants of a module (its #If branches resolved for each
    platform), each distinct procedure parsed once: the variants share most of their text."""
    seen, errors = set(), []
    for source in sources:
        for i, (first, text) in enumerate(chunks(source)):
            if text in seen:
                continue
            seen.add(text)
            body = text.lstrip("\n")
            skipped = len(text) - len(body)
            header = "" if i == 0 else 'Attribute VB_Name = "Chunk"\n'
            offset = first + text[:skipped].count("\n") - (1 if header else 0)
            errors += [(line + offset, col, msg)
                       for line, col, msg in syntax_errors(header + body)]
    return errors


MODULES = ("UnionXL", "UnionXLText", "xlwings")  # xlwings's Dictionary class: its file as is


def check_addin() -> dict[str, list]:
    """Syntax errors of each module of the add-in, every platform's #If branches resolved."""
    from unionxl.excel import addin

    sources = addin.sources()
    return {name: module_errors([resolve(sources[name], p) for p in (WIN64, WIN32, MAC)])
            for name in MODULES}


if __name__ == "__main__":  # run in the background by conftest while other tests go on
    import json
    import sys

    with open(sys.argv[1] + ".tmp", "w", encoding="utf-8") as f:
        json.dump(check_addin(), f)
    import os

    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
