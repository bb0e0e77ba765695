"""``fill`` splices formulas into the sheet XML; openpyxl is the fallback and the reference.

Every book below is filled twice, by the splice and by openpyxl, and both outputs are read back
with openpyxl cell by cell. What the splice leaves in the package (no calcChain, a full
recalculation on open, every other part byte for byte) is checked against parts written by
hand, and LibreOffice recalculates filled books to compare with Python's numbers.
"""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.support.libreoffice import convert, recalculate, values
from tests.test_template import assert_formula_values
from unionxl.form.sample import generate
from unionxl.validation import rule_statuses
from unionxl.workbook import read_book
from unionxl.workbook.fill import fill
from unionxl.workbook.live_checks import CHECK_MARKER, CHECK_SHEET
from unionxl.workbook.repack import full_calc_on_load
from unionxl.workbook.sheetxml import Unsure, splice
from unionxl.workbook.template import write_template

DATA, CHECKS = "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"  # as XlsxWriter names them
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


# -- helpers -------------------------------------------------------------------------------------
def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def rezip(path: Path, new: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in new.items():
            z.writestr(name, data)


def edit(path: Path, part: str, *subs: tuple[str, str]) -> None:
    """Replace whole cells (or rows) of a part: (pattern of the element, replacement)."""
    ps = parts(path)
    xml = ps[part].decode()
    for pattern, repl in subs:
        xml, n = re.subn(pattern, repl, xml, count=1, flags=re.S)
        assert n == 1, pattern
    ps[part] = xml.encode()
    rezip(path, ps)


def cell(ref: str) -> str:
    """The pattern of one whole cell element."""
    return rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'


def book_with_data(tmp_path: Path, form, rng, name: str = "b.xlsx"):
    data = generate(form, rng)
    book = tmp_path / name
    write_template(form, book, "BG01", data=data)
    return book, data


def _style(c) -> tuple:
    # by content (style ids differ: openpyxl renumbers the styles it writes, and writes a
    # false flag such as wrapText="false" as an absent one, which means the same)
    return (c.number_format,) + tuple(repr(x).replace("=False", "=None") for x in (
        c.font, c.fill, c.border, c.alignment, c.protection))


def cells(path: Path) -> dict:
    """Every cell with a value or a style, and what each sheet says about itself."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = (sorted(str(r) for r in ws.merged_cells.ranges), ws.protection.sheet,
                         len(ws.data_validations.dataValidation),
                         sorted(str(cf.sqref) for cf in ws.conditional_formatting))
        for row in ws.iter_rows():
            for c in row:
                # openpyxl writes an empty text back as no value; the splice keeps it
                value = None if c.value == "" else c.value
                if value is not None or c.has_style:
                    out[(ws.title, c.coordinate)] = (value, _style(c))
    return out


def both(book: Path, tmp_path: Path, name: str):
    """The book filled by the splice and by openpyxl; both must agree cell by cell."""
    fast_out, slow_out = tmp_path / f"{name}-xml.xlsx", tmp_path / f"{name}-openpyxl.xlsx"
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    fast = fill(book, fast_out)
    slow = fill(book, slow_out, splice_xml=False)
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before  # input untouched
    assert fast.spliced and not slow.spliced, name  # the splice really ran, then openpyxl
    assert (fast.written, fast.restored) == (slow.written, slow.restored), name
    a, b = cells(fast_out), cells(slow_out)
    diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    assert not diff, (name, diff[:5], [(a.get(k), b.get(k)) for k in diff[:2]])
    return fast, fast_out


# Books as users leave them, each with the cells fill must restore, written by hand from the
# layout (J: total, M: %, row 37 enterprises, 113 admitted, 115 a difference, 116 a rate;
# on «Kiểm tra» statuses start at E6).
def overwritten(book: Path) -> list[str]:
    edit(book, DATA, (cell("J37"), '<c r="J37" s="16"><v>12345</v></c>'),
         (cell("M37"), '<c r="M37" s="18" t="inlineStr"><is><t>gõ tay</t></is></c>'),
         (cell("J113"), '<c r="J113" s="16" t="str"><f>1+1</f><v>2</v></c>'))
    return ["J37", "M37", "J113"]


def deleted(book: Path) -> list[str]:
    edit(book, DATA, (cell("F115"), ""),  # the cell element gone
         (cell("J116"), '<c r="J116" s="24"/>'),  # emptied with Delete: style kept
         (cell("M37"), '<c r="M37" s="18"><v>0.5</v></c>'))  # formula gone, value left
    return ["M37", "F115", "J116"]


def row_gone(book: Path) -> list[str]:
    edit(book, DATA, (r'<row r="116".*?</row>', ""))  # the indicator's row is not read then
    return []


def check_overwritten(book: Path) -> list[str]:
    edit(book, CHECKS, (cell("E6"), '<c r="E6" s="32" t="s"><v>0</v></c>'), (cell("F7"), ""))
    return [f"{CHECK_SHEET}!E6", f"{CHECK_SHEET}!F7"]


def resaved_by_openpyxl(book: Path) -> list[str]:
    wb = openpyxl.load_workbook(book)
    ws = wb.worksheets[0]
    ws["J37"] = 5
    ws["K112"] = "ghi chú"  # inline or shared string, as openpyxl writes it
    wb.save(book)
    return ["J37"]


VARIANTS = {"fresh": lambda b: [], "overwritten": overwritten, "deleted": deleted,
            "row_gone": row_gone, "check_overwritten": check_overwritten,
            "openpyxl": resaved_by_openpyxl}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_splice_and_openpyxl_fill_the_same_workbook(tmp_path, form, rng, variant):
    book, _ = book_with_data(tmp_path, form, rng)
    template = parts(book)[DATA].decode()
    want = VARIANTS[variant](book)
    res, out = both(book, tmp_path, variant)
    assert res.restored == want
    # as many formulas as the template holds; a row whose key is gone is not written
    gone = re.search(r'<row r="116".*?</row>', template).group(0) if variant == "row_gone" else ""
    assert res.written == template.count("<f>") - gone.count("<f>") > 250
    ws = openpyxl.load_workbook(out)[form.sheet]
    if variant != "row_gone":
        assert ws["F115"].value == '=IF(COUNT(F113,F114)=0,"",(N(F113)-N(F114)))'
        assert ws["M37"].value == '=IF(OR(COUNT(J37)=0,N(L37)=0),"",N(J37)/N(L37))'
    # filled twice: nothing left to restore
    assert fill(out, tmp_path / "again.xlsx").restored == []


def test_a_shared_formula_sends_fill_to_openpyxl(tmp_path, form, rng):
    book, _ = book_with_data(tmp_path, form, rng)
    xml = parts(book)[DATA].decode()
    j37 = re.search(r'<c r="J37"[^>]*><f>(.*?)</f>', xml).group(1)
    edit(book, DATA, (cell("J37"), f'<c r="J37" s="16"><f t="shared" ref="J37" si="0">{j37}'
                      "</f><v>0</v></c>"), (cell("M37"), '<c r="M37" s="18"><v>1</v></c>'))
    res = fill(book, tmp_path / "out.xlsx")
    assert not res.spliced and res.restored == ["M37"]
    assert openpyxl.load_workbook(tmp_path / "out.xlsx")[form.sheet]["M37"].value.startswith("=IF")


def test_the_package_keeps_every_other_part_and_drops_the_calc_chain(tmp_path, form, rng):
    book, _ = book_with_data(tmp_path, form, rng)
    overwritten(book)
    original = parts(book)
    chain = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain")
    planted = dict(original)
    # what Excel leaves: a calculation chain, its relationship and content type
    planted["xl/calcChain.xml"] = f'<calcChain {NS}><c r="J37" i="1"/></calcChain>'.encode()
    planted["xl/_rels/workbook.xml.rels"] = original["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rId99" Type="{chain}" Target="calcChain.xml"/>'
        "</Relationships>".encode())
    planted["[Content_Types].xml"] = original["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
    planted["xl/workbook.xml"] = original["xl/workbook.xml"].replace(
        b'<calcPr calcId="124519" fullCalcOnLoad="1"/>', b"")
    planted["xl/vbaProject.bin"] = bytes(range(256)) * 4  # binary, copied untouched
    rezip(book, planted)
    before = book.read_bytes()
    res = fill(book, tmp_path / "out.xlsx")
    assert res.spliced and book.read_bytes() == before
    got = parts(tmp_path / "out.xlsx")
    assert list(got) == [n for n in planted if n != "xl/calcChain.xml"]  # same order
    for name in got:
        if name in (DATA, CHECKS, "xl/workbook.xml"):
            continue
        assert same(got[name], original.get(name, planted[name])), name  # rels, types as before
    assert same(got["xl/workbook.xml"], original["xl/workbook.xml"].replace(
        b'<calcPr calcId="124519" fullCalcOnLoad="1"/>', b'<calcPr fullCalcOnLoad="1"/>'))
    # every other formula of the data sheet rewritten in place (J113 held another formula)
    assert only_formulas_changed(original[DATA], got[DATA], {"J37", "M37", "J113"}) == \
        original[DATA].count(b"<f>") - 1
    assert only_formulas_changed(original[CHECKS], got[CHECKS], set()) > 100


_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', re.S)


def same(a: bytes | str, b: bytes | str) -> bool:
    """Equality without pytest's character diff of two long texts (minutes on a sheet)."""
    return a == b


def only_formulas_changed(old: bytes, new: bytes, restored: set[str]) -> int:
    """Everything but the cells byte for byte; each formula cell as it was, less its cached
    value and type; the restored cells now formulas. The number of formulas rewritten."""
    o, n = old.decode(), new.decode()
    assert same(_CELL.sub("", o), _CELL.sub("", n))
    oc = {m.group(1): m.group(0) for m in _CELL.finditer(o)}
    nc = {m.group(1): m.group(0) for m in _CELL.finditer(n)}
    assert list(oc) == list(nc)
    rewritten = 0
    for ref, xml in oc.items():
        if ref in restored:
            assert "<f>" in nc[ref] and "<v>" not in nc[ref], (ref, nc[ref])
        elif nc[ref] != xml:
            assert "<f>" in xml, (ref, xml, nc[ref])
            assert nc[ref] == re.sub(r' t="[^"]*"', "", re.sub(r"<v>[^<]*</v>|<v/>", "", xml))
            rewritten += 1
    return rewritten


# -- the splice on hand-written XML --------------------------------------------------------------
def test_splice_writes_cells_in_column_order_and_rows_in_row_order():
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS} xmlns:mc="m" mc:Ignorable="x">'
           '<sheetData><row r="1" spans="1:4"><c r="A1"><v>1</v></c><c r="D1" s="2"><v>4</v></c>'
           '</row><row r="5"><c r="B5" s="7" t="str"><f>OLD</f><v>x</v></c>'
           '<c r="C5" s="3" t="n"><f>A1&amp;"&lt;"</f><v>0</v></c></row></sheetData>'
           "<mergeCells/></worksheet>").encode()
    edits = {(0, 5): "=X", (0, 1): "=A1+1", (0, 2): "=1", (4, 1): '=A1&"<"',
             (4, 2): '=A1&"<"', (2, 0): "=3", (6, 1): "=7"}
    out, restored = splice(xml, edits)
    assert out.decode() == (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS} xmlns:mc="m" mc:Ignorable="x">'
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1+1</f></c>'
        '<c r="C1"><f>1</f></c><c r="D1" s="2"><v>4</v></c><c r="F1"><f>X</f></c></row>'
        '<row r="3"><c r="A3"><f>3</f></c></row>'
        '<row r="5"><c r="B5" s="7"><f>A1&amp;"&lt;"</f></c>'
        '<c r="C5" s="3"><f>A1&amp;"&lt;"</f></c></row>'
        '<row r="7"><c r="B7"><f>7</f></c></row></sheetData><mergeCells/></worksheet>')
    assert restored == set(edits) - {(4, 2)}  # C5 held the same formula already


def test_splice_opens_an_empty_sheet_data_and_keeps_prefixes():
    xml = b'<x:worksheet xmlns:x="urn:main"><x:sheetData/><x:pageMargins/></x:worksheet>'
    out, restored = splice(xml, {(1, 0): "=1>0"})
    assert out == (b'<x:worksheet xmlns:x="urn:main"><x:sheetData><x:row r="2"><x:c r="A2">'
                   b"<x:f>1&gt;0</x:f></x:c></x:row></x:sheetData><x:pageMargins/></x:worksheet>")
    assert restored == {(1, 0)}


@pytest.mark.parametrize("body", [
    '<row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">B1</f></c></row>',
    '<row r="1"><c r="C1"><f t="array" ref="C1">B1</f></c></row>',
    '<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>',  # out of order
    '<row r="1"><c><v>1</v></c></row>',  # no reference
    '<row><c r="A1"/></row>',
    '<row r="1"><c r="A1" cm="1"><f>B1</f></c></row>',  # dynamic array metadata
])
def test_splice_is_unsure_of_what_it_does_not_handle(body):
    with pytest.raises(Unsure):
        splice(f"<worksheet {NS}><sheetData>{body}</sheetData></worksheet>".encode(),
               {(0, 0): "=1"})


@pytest.mark.parametrize(("xml", "want"), [
    ("<workbook><sheets/><definedNames/><extLst/></workbook>",
     '<workbook><sheets/><definedNames/><calcPr fullCalcOnLoad="1"/><extLst/></workbook>'),
    ('<workbook><sheets/><calcPr calcId="191029" fullCalcOnLoad="0"/></workbook>',
     '<workbook><sheets/><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>'),
    ('<workbook><sheets/><oleSize ref="A1"/></workbook>',
     '<workbook><sheets/><calcPr fullCalcOnLoad="1"/><oleSize ref="A1"/></workbook>'),
    ('<s:workbook xmlns:s="u"><s:sheets/></s:workbook>',
     '<s:workbook xmlns:s="u"><s:sheets/><s:calcPr fullCalcOnLoad="1"/></s:workbook>'),
])
def test_full_calc_on_load_in_its_schema_position(xml, want):
    assert full_calc_on_load(xml) == want


def _formulas(path: Path, part: str) -> dict[str, str]:
    xml = parts(path)[part].decode()
    return {m.group(1): html.unescape(m.group(2)) for m in re.finditer(
        r'<c r="([A-Z]+[0-9]+)"[^>]*><f(?: [^>]*)?>(.*?)</f>', xml, re.S)}


def reworded(before: Path, after: Path) -> set[str]:
    """Formula cells whose text differs between two saves of a book (read from the XML)."""
    out = set()
    for part, prefix in ((DATA, ""), (CHECKS, f"{CHECK_SHEET}!")):
        a, b = _formulas(before, part), _formulas(after, part)
        out |= {prefix + ref for ref in a if a[ref] != b.get(ref)}
    return out


# -- LibreOffice: books it saved, and the filled books recalculated ------------------------------
@pytest.mark.libreoffice
def test_filled_books_recalculate_to_pythons_numbers(tmp_path, form, rng, libreoffice):
    books, want = {}, {}
    for name in ("fresh", "overwritten", "deleted", "check_overwritten", "openpyxl"):
        folder = tmp_path / name
        folder.mkdir()
        books[name] = book_with_data(folder, form, rng, f"{name}.xlsx")
        want[name] = set(VARIANTS[name](books[name][0]))
    # LibreOffice's own XML shape (t="n", aca="false", &quot; in formulas), overwritten after
    for name in ("lo_fresh", "lo_overwritten"):
        (tmp_path / name).mkdir()
        books[name] = (tmp_path / name / f"{name}.xlsx", books["fresh"][1])
        books[name][0].write_bytes(books["fresh"][0].read_bytes())
    saved = convert([books["lo_fresh"][0], books["lo_overwritten"][0]], "xlsx", tmp_path / "lo")
    for name, path in zip(("lo_fresh", "lo_overwritten"), saved):
        books[name][0].write_bytes(path.read_bytes())
        # LibreOffice writes some formulas its own way (1E-9 as 0.000000001): fill puts
        # unionxl's text back in those
        want[name] = reworded(books["fresh"][0], path)
    xml = parts(books["lo_overwritten"][0])[DATA].decode()
    j37 = re.search(r'<c r="J37"[^>]*>', xml).group(0)
    edit(books["lo_overwritten"][0], DATA, (cell("J37"), j37 + "<v>9</v></c>"))
    want["lo_overwritten"].add("J37")
    assert any("0.000000001" in _formulas(path, CHECKS).get(r.partition("!")[2], "")
               for r in want["lo_fresh"])  # the case this test means to see
    filled = {}
    for name, (book, _) in books.items():
        res, filled[name] = both(book, tmp_path / name, name)
        assert set(res.restored) == want[name], name
    recalculated = recalculate(list(filled.values()), tmp_path / "recalc")
    for (name, (_, data)), path in zip(books.items(), recalculated):
        grid, errors = values(path, form.sheet)
        assert errors == [], name
        assert assert_formula_values(form, data, grid, name) > 200
        expected = rule_statuses(read_book(filled[name]))
        checks_grid, _ = values(path, CHECK_SHEET)
        start = next(i for i, r in enumerate(checks_grid) if r[0] == CHECK_MARKER)
        periods = {c: p for c, p in enumerate(checks_grid[start]) if c and p}
        got = {(r[0], p): r[c] for r in checks_grid[start + 1:] if r[0]
               for c, p in periods.items() if r[c] not in (None, "")}
        assert got == expected, name
