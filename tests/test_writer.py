"""Formulas stored without XlsxWriter's rewrite when it would change nothing (issue 15).

The "before" of every comparison is independent of the fast path: XlsxWriter's own worksheet
(its rewrite forced), the installed XlsxWriter's own regular expressions, or the templates
committed from git (tests/test_blank_templates.py compares those byte for byte).
"""

from __future__ import annotations

import html
import inspect
import random
import re
import zipfile
from pathlib import Path

import pytest
from xlsxwriter.worksheet import Worksheet as Stock

from unionxl.cli import demo
from unionxl.consolidation import consolidate, write_consolidated
from unionxl.form import available_forms, load_form
from unionxl.form.sample import generate
from unionxl.workbook import writer
from unionxl.workbook.blank import blank_templates, units_under, write_blank
from unionxl.workbook.styles import FIXED_DATE
from unionxl.workbook.template import write_template

FUTURE = ["=IFS(A1>0,1,TRUE,2)", "=XLOOKUP(A1,B1:B3,C1:C3)", "=CONCAT(A1,B1)",
          "=STDEV.S(A1:A3)", "=TEXTJOIN(\",\",TRUE,A1:A3)", "=SUM(A1:A3)+MAXIFS(A1:A3,B1:B3,1)",
          "=IF(ISFORMULA(A1),1,0)", "=FILTER(A1:A3,B1:B3>0)"]


def stock_patterns() -> list[str]:
    """The regular expressions the installed XlsxWriter rewrites formulas with."""
    source = inspect.getsource(Stock._prepare_formula)
    found = re.findall(r're\.sub\(\s*r"([^"]+)"', source)
    assert len(found) > 100, "XlsxWriter's rewrite changed shape: review unionxl.workbook.writer"
    return found


def stock(formula: str, expand: bool = True) -> str:
    return Stock()._prepare_formula(formula, expand)


def test_classic_functions_are_never_rewritten_by_the_installed_xlsxwriter():
    for name in sorted(writer.CLASSIC):
        text = f"={name}(A1,1)"
        assert stock(text) == text[1:], name


def test_no_rewrite_can_match_where_every_call_is_classic():
    """Exhaustive against the installed XlsxWriter: its patterns may match any character
    where a function name has a dot, so every classic name is tried after every prefix of
    every rewritten name, cut at a dot and glued with each separator a formula can have."""
    for pattern in stock_patterns():
        name = re.sub(r"^\\[bS]|\\\($", "", pattern)
        cuts = [""] + [name[:k] + sep for k, ch in enumerate(name) if ch == "."
                       for sep in " +,(&-*/=<>;:!\"'$"]
        for func in writer.CLASSIC:
            for prefix in cuts:
                text = f"={prefix}{func}(A1)"
                if writer.plain(text):
                    assert not re.search(pattern, text[1:]), (pattern, text)


@pytest.mark.parametrize("future", [False, True])
@pytest.mark.parametrize("formula", FUTURE)
def test_future_functions_keep_their_prefix(formula, future, tmp_path):
    """As XlsxWriter writes them: in conditional formats and validations always, in cells
    when the workbook asks for future functions (XlsxWriter's own default otherwise)."""
    assert not writer.plain(formula)
    path = tmp_path / "f.xlsx"
    wb = writer.Workbook(str(path), {"use_future_functions": future})
    ws = wb.add_worksheet()
    assert isinstance(ws, writer.Worksheet)
    ws.write_formula(0, 4, formula)
    ws.conditional_format("A1:A3", {"type": "formula", "criteria": formula,
                                    "format": wb.add_format({"bold": True})})
    ws.data_validation("B1", {"validate": "custom", "value": formula})
    wb.close()
    prefixed = stock(formula)
    assert "_xlfn." in prefixed
    in_cell = prefixed if future else stock(formula, expand=False)
    assert formulas_of(path) == [in_cell, prefixed, prefixed]  # cell, format, validation


def test_the_fast_path_strips_as_xlsxwriter_does():
    for text in ("=SUM(A1:A3)", "{=SUM(A1:A3)}", "SUM(A1)", "=A1", '="a(b)"', "=(A1+B1)*2",
                 '=IF(A1="Tổng(",1,"")', "=Sheet1!A1"):
        assert Stock._prepare_formula(writer.Worksheet(), text, True) == stock(text), text
        assert writer.Worksheet()._prepare_formula(text, True) == stock(text), text


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def formulas_of(path: Path) -> list[str]:
    """Every formula of every worksheet: cells, conditional formats, validations."""
    out = []
    for name, body in parts(path).items():
        if name.startswith("xl/worksheets/"):
            out += [html.unescape(f) for f in re.findall(
                r"<(?:f|formula|formula1|formula2)(?: [^>]*)?>([^<]*)</", body.decode())]
    return out


@pytest.fixture
def stock_writer(monkeypatch):
    """XlsxWriter's own rewrite forced on every worksheet unionxl writes."""
    def force():
        monkeypatch.setattr(writer.Workbook, "worksheet_class", Stock)
    return force


def test_templates_written_the_same_as_with_xlsxwriter_rewriting(tmp_path, stock_writer):
    """Every committed template and a filled unit workbook of every form, byte for byte the
    same parts with and without the rewrite; and every formula unionxl writes takes the fast
    path (a function missing from CLASSIC would silently lose the speed)."""
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    fast.mkdir(), slow.mkdir()
    jobs = [(name, term) for name, term in blank_templates()]

    def write_all(folder: Path) -> None:
        for name, term in jobs:
            write_blank(name, term, folder)
        for form_id in available_forms():
            form = load_form(form_id)
            if form.per_unit:
                form = load_form(form_id, None, units_under("LDLD-BG"))
            write_template(form, folder / f"filled-{form_id}.xlsx", "BG02", "Đơn vị",
                           data=generate(form, random.Random(3)), created=FIXED_DATE)

    write_all(fast)
    stock_writer()
    write_all(slow)
    names = sorted(p.name for p in fast.iterdir())
    assert names == sorted(p.name for p in slow.iterdir()) and len(names) > len(jobs)
    for name in names:
        a, b = parts(fast / name), parts(slow / name)
        assert a.keys() == b.keys(), name
        assert [p for p in a if a[p] != b[p]] == [], name
        written = formulas_of(fast / name)
        assert written and all(writer.plain(f) for f in written), name


def test_consolidated_workbook_the_same_as_with_xlsxwriter_rewriting(tmp_path, stock_writer):
    """The demo's term inbox consolidated, written twice: parts identical but for the time
    the workbook was made."""
    profile, registry = demo.setup(tmp_path)
    demo.term_inbox(tmp_path / "inbox", registry, profile)
    run = consolidate([tmp_path / "inbox"], registry, root=profile.body_code)
    assert len(run.used) > 30
    write_consolidated(run, tmp_path / "fast.xlsx", profile.body_code, profile.body, profile)
    stock_writer()
    write_consolidated(run, tmp_path / "slow.xlsx", profile.body_code, profile.body, profile)
    a, b = parts(tmp_path / "fast.xlsx"), parts(tmp_path / "slow.xlsx")
    assert a.keys() == b.keys()
    differ = [p for p in a if a[p] != b[p]]
    assert differ in ([], ["docProps/core.xml"]), differ
    assert len(formulas_of(tmp_path / "fast.xlsx")) > 1000


def test_numbers_written_as_xlsxwriter_writes_them(tmp_path, stock_writer):
    values = [0.1 + 0.2, 1 / 3, 1e20, -5, 123456789.123, 2.5e-9, 7, 10**15 + 1]

    def book(path: Path) -> bytes:
        wb = writer.Workbook(str(path))
        fmt = wb.add_format({"num_format": "#,##0.##"})
        ws = wb.add_worksheet()
        for r, v in enumerate(values):
            ws.write_number(r, 0, v, fmt)
            ws.write_number(r, 1, v)  # no format: XlsxWriter's own path
        wb.close()
        return parts(path)["xl/worksheets/sheet1.xml"]

    fast = book(tmp_path / "fast.xlsx")
    stock_writer()
    assert fast == book(tmp_path / "slow.xlsx")
    assert b"<v>0.3333333333333333</v>" in fast


@pytest.mark.parametrize("constant_memory", [False, True])
def test_a_row_of_numbers_in_bulk_as_cell_by_cell(tmp_path, stock_writer, constant_memory):
    nan = float("nan")
    rows = [[1.0, nan, 2.5, nan, 1e20], [nan, nan], [0.1 + 0.2, -7.0, 3.0], [], [nan, 4.0]]

    def book(path: Path) -> bytes:
        wb = writer.Workbook(str(path), {"constant_memory": constant_memory})
        fmt = wb.add_format({"num_format": "#,##0"})
        ws = wb.add_worksheet()
        ws.write_string(0, 0, "đầu", fmt)
        for r, vals in enumerate(rows, start=2):
            if r % 2:  # other rows start with the numbers (in constant memory: a new row)
                ws.write_string(r, 0, f"dòng {r}")
            writer.write_numbers(ws, r, 3, vals, fmt)
            ws.write_formula(r, 3 + len(vals), f"=SUM(D{r + 1}:H{r + 1})", fmt, 0)
        wb.close()
        return parts(path)["xl/worksheets/sheet1.xml"]

    fast = book(tmp_path / "fast.xlsx")
    stock_writer()  # XlsxWriter's own worksheet: write_numbers goes cell by cell
    assert fast == book(tmp_path / "slow.xlsx")
    assert len(re.findall(rb'<c r="[A-Z]+[0-9]+" s="[0-9]+"/>', fast)) == 5  # the NaNs
    assert b'<c r="E3" s="1"/>' in fast and b"<v>1E+20</v>" in fast


def test_infinity_refused_in_bulk_as_cell_by_cell(tmp_path):
    wb = writer.Workbook(str(tmp_path / "x.xlsx"))
    fmt = wb.add_format({"num_format": "0"})
    ws = wb.add_worksheet()
    with pytest.raises(TypeError):
        writer.write_numbers(ws, 0, 0, [1.0, float("inf")], fmt)
    wb.close()
