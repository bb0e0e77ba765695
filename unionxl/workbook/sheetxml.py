"""Formulas written into a worksheet part by splicing its XML text, never re-serialising it.

``fill`` rewrites a few hundred formula cells; loading and saving the workbook with openpyxl
costs ten times a process start. Parsing the part with ElementTree and writing it back would
rename namespace prefixes and break ``mc:Ignorable`` (Excel then calls the file corrupt), so
only the target cells are replaced in the text and everything else stays byte for byte.
Anything this module cannot be sure about raises ``Unsure``: the caller falls back to openpyxl.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from . import a1
from .bounds import cell_position, escape, quoteattr


class Unsure(Exception):
    """The part holds something the splice does not handle safely."""


_SHEET_DATA = re.compile(r"<(\w+:)?sheetData\b[^>]*?(/?)>")
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
# A formula another cell depends on (shared, array, data table): rewriting one cell of it
# would change or break the others.
_GROUP_FORMULA = re.compile(r"""<(?:\w+:)?f\b[^>]*\bt\s*=\s*["'](?:shared|array|dataTable)""")
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_REF_ATTR = re.compile(r"""(?:^|\s)r\s*=\s*["']([^"']*)["']""")
KEPT_ATTRS = ("r", "s", "ph")  # a formula cell has no type; cm/vm tie it to array metadata


def unescape(text: str) -> str:
    if "&" not in text:
        return text
    if "&#" not in text:  # the common case, without a call per entity
        return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                .replace("&apos;", "'").replace("&amp;", "&"))

    def one(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref[0] == "#":
            return chr(int(ref[2:], 16) if ref[1] == "x" else int(ref[1:]))
        return _NAMED[ref]
    return _ENTITY.sub(one, text)


def _attrs(tag_body: str) -> dict[str, str]:
    out = {k: unescape(v[1:-1]) for k, v in _ATTR.findall(tag_body)}
    if _ATTR.sub("", tag_body).strip():
        raise Unsure(f"attributes not understood: {tag_body!r}")
    return out


def splice(xml: bytes, edits: Mapping[tuple[int, int], str]) -> tuple[bytes, set[tuple[int, int]]]:
    """The part with each 0-based (row, col) of ``edits`` holding the formula given ("=…"),
    and the cells whose formula was missing or different (restored)."""
    try:
        text = xml.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unsure("not UTF-8") from exc
    head = re.match(r"\s*<\?xml[^>]*\?>", text)
    if head and re.search(r"encoding\s*=\s*[\"'](?!utf-8[\"'])", head.group(0), re.I):
        raise Unsure("declared encoding is not UTF-8")
    found = list(_SHEET_DATA.finditer(text))
    if len(found) != 1:
        raise Unsure("no single sheetData")
    sd = found[0]
    p = sd.group(1) or ""
    if sd.group(2):  # <sheetData/>: open it
        before, body, after = text[:sd.start()], "", text[sd.end():]
        open_tag = sd.group(0)[:-2].rstrip() + ">"
        close_tag = f"</{p}sheetData>"
    else:
        end = text.find(f"</{p}sheetData>", sd.end())
        if end < 0:
            raise Unsure("sheetData not closed")
        before, body, after = text[:sd.start()], text[sd.end():end], text[end:]
        open_tag, close_tag = sd.group(0), ""
    if _GROUP_FORMULA.search(body):
        raise Unsure("shared, array or data-table formula")
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), formula in edits.items():
        by_row.setdefault(r, {})[c] = formula
    new_body, restored = _rows(body, p, by_row)
    return (before + open_tag + new_body + close_tag + after).encode("utf-8"), restored


@cache
def _patterns(p: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Row, cell and formula elements under the sheet's own prefix of the main namespace."""
    return (re.compile(rf"<{p}row\b([^>]*?)(?:/>|>(.*?)</{p}row>)", re.S),
            re.compile(rf"<{p}c\b([^>]*?)(?:/>|>(.*?)</{p}c>)", re.S),
            re.compile(rf"<{p}f\b[^>]*?(?:/>|>(.*?)</{p}f>)", re.S))


def _rows(body: str, p: str, by_row: dict[int, dict[int, str]]
          ) -> tuple[str, set[tuple[int, int]]]:
    # Text is copied in spans between the edited rows (most rows are never sliced).
    out, kept, end, last, restored = [], 0, 0, -1, set()
    pending = sorted(by_row, reverse=True)
    for m in _patterns(p)[0].finditer(body):
        if m.start() > end and body[end:m.start()].strip():
            raise Unsure("unexpected content between rows")
        end = m.end()
        ref = _REF_ATTR.search(m.group(1))
        r = int(ref.group(1)) - 1 if ref and ref.group(1).isdigit() else -1
        if r <= last:
            raise Unsure("row without a reference, or rows out of order")
        last = r
        if not pending or pending[-1] > r:
            continue
        out.append(body[kept:m.start()])
        while pending and pending[-1] < r:  # rows absent from the part, before this one
            row = pending.pop()
            out.append(_new_row(p, row, by_row[row], restored))
        kept = m.start()
        if pending and pending[-1] == r:
            out.append(_row(m, _attrs(m.group(1)), p, r, by_row[pending.pop()], restored))
            kept = m.end()
    if body[end:].strip():
        raise Unsure("unexpected content after the rows")
    out.append(body[kept:])
    for row in reversed(pending):
        out.append(_new_row(p, row, by_row[row], restored))
    return "".join(out), restored


def _new_row(p: str, r: int, cells: dict[int, str], restored: set[tuple[int, int]]) -> str:
    restored.update((r, c) for c in cells)
    return f'<{p}row r="{r + 1}">' + "".join(
        _cell(p, {"r": a1.cell(r, c)}, cells[c]) for c in sorted(cells)) + f"</{p}row>"


def _cell(p: str, attrs: dict[str, str], formula: str) -> str:
    kept = "".join(f" {k}={quoteattr(attrs[k])}" for k in KEPT_ATTRS if k in attrs)
    return f"<{p}c{kept}><{p}f>{escape(formula[1:])}</{p}f></{p}c>"


def _row(m: re.Match[str], attrs: dict[str, str], p: str, r: int, edits: dict[int, str],
         restored: set[tuple[int, int]]) -> str:
    content = m.group(2) or ""
    out, kept, end, last, added = [], 0, 0, -1, False
    pending = sorted(edits, reverse=True)
    for cm in _patterns(p)[1].finditer(content):
        if cm.start() > end and content[end:cm.start()].strip():
            raise Unsure("unexpected content in a row")
        end = cm.end()
        ref = _REF_ATTR.search(cm.group(1))
        where = cell_position(ref.group(1)) if ref else None
        if where is None or where[0] != r or where[1] <= last:
            raise Unsure("cell without a reference, in another row or out of order")
        c = last = where[1]
        if not pending or pending[-1] > c:
            continue
        out.append(content[kept:cm.start()])
        while pending and pending[-1] < c:  # cells absent from the row, before this one
            new = pending.pop()
            out.append(_cell(p, {"r": a1.cell(r, new)}, edits[new]))
            restored.add((r, new))
            added = True
        kept = cm.start()
        if pending and pending[-1] == c:
            pending.pop()
            cattrs = _attrs(cm.group(1))
            if "cm" in cattrs or "vm" in cattrs:
                raise Unsure("cell metadata (dynamic array or rich value)")
            if _formula(cm.group(2) or "", p) != edits[c]:
                restored.add((r, c))
            out.append(_cell(p, cattrs, edits[c]))
            kept = cm.end()
    if content[end:].strip():
        raise Unsure("unexpected content at the end of a row")
    out.append(content[kept:])
    for new in reversed(pending):
        out.append(_cell(p, {"r": a1.cell(r, new)}, edits[new]))
        restored.add((r, new))
        added = True
    if added:  # a cell added may lie beyond the row's declared span: drop the hint
        start = f"<{p}row" + "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items()
                                     if k != "spans") + ">"
    else:
        start = m.group(0)[:m.start(2) - m.start()]  # the row's own start tag
    return start + "".join(out) + f"</{p}row>"


def _formula(content: str, p: str) -> str | None:
    """What openpyxl gives as the cell's value when it holds a formula: "=" + its text."""
    f = _patterns(p)[2].search(content)
    if f is None:
        return None
    return "=" + unescape(f.group(1) or "")
