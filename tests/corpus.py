"""A corpus of broken, hostile and clumsy submissions, generated here (no binary blobs).

Each case writes its files into a folder (``build``); ``tests/test_hostile.py`` puts two valid
units beside them and runs ``consolidate`` and ``validate``. A case says which issue codes must
reach the ledger, and which units' numbers must (still) be in the totals. Families: reading
bounds (cells far away, junk rows, huge parts), damaged and unsafe packages, intake (archives,
e-mails, Outlook messages, names), content (macros, links, formula text), copies of one unit.
Cases that need LibreOffice to be made (.xls, .ods) are marked ``libreoffice``.

    python -m tests.corpus DIR   # writes every case into DIR/<case>/ to look at
"""

from __future__ import annotations

import datetime as dt
import io
import random
import stat
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from tests.support.cfb import encrypted_workbook, msg_file
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.workbook.package import Package
from unionxl.workbook.template import write_template
from unionxl.workbook.tidy import Row

FORM = load_form("phu-luc-nhiem-ky")
UNITS = {"BG01": "LĐLĐ thành phố Bắc Giang", "BG02": "LĐLĐ huyện Yên Dũng",
         "BG03": "LĐLĐ huyện Việt Yên", "BG05": "LĐLĐ huyện Hiệp Hòa"}
BESIDE = ("BG01", "BG05")  # the valid units put beside every case
SAVED = dt.datetime(2026, 11, 20, 8, 0)  # when the genuine reports were saved (UTC)
UTC = dt.timezone.utc


@dataclass
class Bases:
    """Valid workbooks (bytes) of each unit, their data as tidy rows, and variants."""

    books: dict[str, bytes]
    rows: dict[str, list[Row]]
    folder: Path
    typed: dict[str, list[Row]] = field(default_factory=dict)  # what a case typed by hand
    legacy: dict[tuple[str, str], bytes] = field(default_factory=dict)  # ``converted``

    def book(self, code: str, **kw: object) -> bytes:
        if not kw:
            return self.books[code]
        return make_book(self.folder, code, **kw)[0]


def make_book(folder: Path, code: str, seed: int | None = None, saved: dt.datetime = SAVED,
              unit_code: str | None = None) -> tuple[bytes, list[Row]]:
    rng = random.Random(seed if seed is not None else int(code[2:]))
    data = generate(FORM, rng, scale=0.3 + 2 * rng.random())
    path = folder / f"_{code}-{seed}-{saved:%Y%m%d%H%M}.xlsx"
    write_template(FORM, path, code if unit_code is None else unit_code, UNITS[code],
                   data=data, created=saved)
    rows = [Row(code, c, p, v) for c, by in data.items() for p, v in by.items()]
    return path.read_bytes(), rows


def make_bases(folder: Path) -> Bases:
    books, rows = {}, {}
    for code in UNITS:
        books[code], rows[code] = make_book(folder, code)
    return Bases(books, rows, folder)


def units_csv(path: Path) -> Path:
    path.write_text("code,name\n" + "".join(f"{c},{n}\n" for c, n in UNITS.items()),
                    encoding="utf-8")
    return path


# -- editing a package ----------------------------------------------------------------------
def part_of(data: bytes, sheet: str) -> str:
    return Package(Path("x.xlsx"), data).sheet_parts[sheet]


def edit(data: bytes, change: dict[str, Callable[[bytes], bytes | None]] | None = None,
         add: dict[str, bytes] | None = None) -> bytes:
    """The package with parts changed (None: removed) or added."""
    change, out = change or {}, io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            body: bytes | None = zin.read(name)
            if name in change:
                body = change[name](body)
            if body is not None:
                zout.writestr(name, body)
        for name, body in (add or {}).items():
            zout.writestr(name, body)
    return out.getvalue()


def with_cells(data: bytes, sheet: str, cells: list[tuple[str, int, str]]) -> bytes:
    """Cells (column letters, row, number) appended to a sheet, in rows of their own."""
    xml = "".join(f'<row r="{r}"><c r="{c}{r}"><v>{v}</v></c></row>' for c, r, v in cells)
    return edit(data, {part_of(data, sheet): lambda b: b.replace(
        b"</sheetData>", xml.encode() + b"</sheetData>")})


def junk_rows(data: bytes, sheet: str, first: int, count: int) -> bytes:
    xml = "".join(f'<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                  for r in range(first, first + count))
    return edit(data, {part_of(data, sheet): lambda b: b.replace(
        b"</sheetData>", xml.encode() + b"</sheetData>")})


def eml(attachments: list[tuple[str, bytes, str]], sent: dt.datetime | None = None,
        subject: str = "Báo cáo số liệu") -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = "vanphong@donvi.example"
    msg["To"] = "tonghop@ldld.example"
    if sent is not None:
        msg["Date"] = format_datetime(sent)
    msg.set_content("Kính gửi LĐLĐ tỉnh, đơn vị gửi báo cáo.")
    for name, body, mime in attachments:
        main, sub = mime.split("/")
        msg.add_attachment(body, maintype=main, subtype=sub, filename=name)
    return msg


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Workbooks LibreOffice saves in its formats for the cases that need them: (format, variant)
# → the variant's workbook. Converted once, in one soffice call per format (``converted``).
LEGACY = {("xls", "plain"), ("xls", "far"), ("xls", "old"), ("ods", "plain"), ("ods", "far")}


def _variant(b: Bases, variant: str) -> bytes:
    if variant == "far":  # the far cell inside the legacy format's limits (IV65536)
        return _far(b, ("IV", 65536))
    if variant == "old":
        return b.book("BG03", seed=97, saved=dt.datetime(2026, 11, 2))
    return b.book("BG03")


def converted(b: Bases, fmt: str, variant: str) -> bytes:
    if (fmt, variant) not in b.legacy:
        from tests.support.libreoffice import convert  # LibreOffice: only these cases need it

        folder = b.folder / f"lo-{fmt}"
        folder.mkdir(exist_ok=True)
        wanted = sorted(v for f, v in LEGACY if f == fmt)
        for v in wanted:
            (folder / f"{v}.xlsx").write_bytes(_variant(b, v))
        outs = convert([folder / f"{v}.xlsx" for v in wanted], fmt, folder / "out")
        b.legacy.update({(fmt, v): o.read_bytes() for v, o in zip(wanted, outs, strict=True)})
    return b.legacy[(fmt, variant)]


# -- the cases ------------------------------------------------------------------------------
@dataclass
class Case:
    name: str
    family: str
    build: Callable[[Path, Bases], None]
    codes: tuple[str, ...] = ()  # each must be among the issues of the case's ledger rows
    counted: tuple[str, ...] = ()  # units of the case whose numbers are in the totals
    status: str = ""  # the ledger status of the case's row(s), when one applies
    libreoffice: bool = False
    workbooks: tuple[str, ...] = ()  # files ``validate`` must judge like consolidate does
    validate_codes: tuple[str, ...] = ()
    extra: Callable[[Bases], list[Row]] = field(default=lambda b: [])

    def __str__(self) -> str:
        return self.name


def _write(name: str, body: Callable[[Bases], bytes]) -> Callable[[Path, Bases], None]:
    def build(box: Path, b: Bases) -> None:
        (box / name).write_bytes(body(b))
    return build


def _far(b: Bases, cell: tuple[str, int] = ("XFD", 1048576)) -> bytes:
    return with_cells(b.book("BG03"), FORM.sheet, [(*cell, "1")])


def _many_far(b: Bases) -> bytes:
    return with_cells(b.book("BG03"), FORM.sheet, [(c, r, "7") for c, r in (
        ("A", 9000), ("B", 9001), ("HA", 20), ("ZZ", 30), ("AAA", 40), ("XFD", 100), ("C", 10**6))])


def _not_a_form_far(b: Bases) -> bytes:
    out = io.BytesIO()
    import xlsxwriter  # the test's own writer of a workbook that is no form

    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = wb.add_worksheet("Sheet1")
    ws.write("A1", "Danh sách đoàn viên")
    ws.write_number("XFD1048576", 1)
    wb.close()
    return out.getvalue()


def _hand_made_far(box: Path, b: Bases) -> None:
    from tests.test_adopt import hand_made  # the seed's table typed by hand (unit BG02)

    path = box / "tu-lap Yen Dung.xlsx"
    data = generate(FORM, random.Random(6), targets=False)  # numbers that keep every rule
    typed = hand_made(path, random.Random(6), data)
    b.typed["BG02"] = [Row("BG02", c, p, v) for (c, p), v in typed.items()]
    path.write_bytes(with_cells(path.read_bytes(), "Phụ lục", [("XFD", 1048576, "1")]))


def _cut(b: Bases) -> bytes:
    d = b.book("BG03")
    part = part_of(d, FORM.sheet)
    return edit(d, {part: lambda x: x[: x.index(b"</sheetData>") // 2]})


def _broken_after(b: Bases) -> bytes:
    d = b.book("BG03")
    return edit(d, {part_of(d, FORM.sheet): lambda x: x.replace(
        b"</sheetData>", b"</sheetData><mergeCells count=", 1)})


def _bad_string_index(b: Bases) -> bytes:
    d = b.book("BG03")
    return edit(d, {part_of(d, FORM.sheet): lambda x: x.replace(
        b't="s"><v>', b't="s"><v>99999', 1)})


def _doctype(part: str, xml_decl: bytes = b"?>") -> Callable[[Bases], bytes]:
    def body(b: Bases) -> bytes:
        d = b.book("BG03")
        name = part_of(d, FORM.sheet) if part == "sheet" else part

        def inject(x: bytes) -> bytes:
            head, _, rest = x.partition(xml_decl)
            root = rest.lstrip()[1:].split(b" ", 1)[0].split(b">", 1)[0]
            dtd = (b"<!DOCTYPE " + root + b' [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
                   b'<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>')
            return head + xml_decl + dtd + rest
        return edit(d, {name: inject})
    return body


def _xxe_in_strings(b: Bases) -> bytes:
    d = b.book("BG03")
    return edit(d, {"xl/sharedStrings.xml": lambda x: x.replace(b"?>", b'?><!DOCTYPE sst ['
                    b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', 1).replace(
                    b"<t>", b"<t>&xxe;", 1)})


def _huge_part(b: Bases) -> bytes:
    d = b.book("BG03")
    big = b"<!-- " + b"x" * (40 * 2**20) + b" -->"
    return edit(d, {part_of(d, FORM.sheet): lambda x: x.replace(b"</worksheet>",
                                                                 big + b"</worksheet>")})


def _zip_bomb(b: Bases) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BG03.xlsx", b"\0" * (16 * 2**20))
    return out.getvalue()


def _nested(b: Bases) -> bytes:
    data, name = b.book("BG03"), "BG03.xlsx"
    for depth in range(5):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(name, data)
        data, name = out.getvalue(), f"lop{depth}.zip"
    return data


def _traversal_zip(b: Bases) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../../../tmp/BG03 Việt Yên.xlsx", b.book("BG03"))
    return out.getvalue()


def _symlink_zip(b: Bases) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        info = zipfile.ZipInfo("BG03.xlsx")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    return out.getvalue()


def _forwarded(b: Bases) -> bytes:
    inner = eml([("BG03 Việt Yên.xlsx", b.book("BG03"), XLSX)],
                dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    outer = eml([], dt.datetime(2026, 11, 21, 9, 0, tzinfo=UTC), "Fwd: Báo cáo số liệu")
    outer.add_attachment(inner)  # message/rfc822
    return bytes(outer)


def _long_name(b: Bases) -> bytes:
    name = "BG03 " + "Báo cáo số liệu nhiệm kỳ của Liên đoàn Lao động huyện Việt Yên " * 5
    assert len(name.encode()) > 300
    return bytes(eml([(name + ".xlsx", b.book("BG03"), XLSX)]))


def _symlink_in_folder(box: Path, b: Bases) -> None:
    (box / "BG03.xlsx").symlink_to("/etc/passwd")


def _copy_2099(box: Path, b: Bases) -> None:
    (box / "BG03.xlsx").write_bytes(b.book("BG03"))
    (box / "BG03 (ban sua).xlsx").write_bytes(b.book("BG03", seed=99,
                                                     saved=dt.datetime(2099, 12, 31)))


def _copies_same_time(box: Path, b: Bases) -> None:
    (box / "BG03.xlsx").write_bytes(b.book("BG03"))
    (box / "BG03 khac.xlsx").write_bytes(b.book("BG03", seed=98))


def _old_xls_in_mail(box: Path, b: Bases) -> None:
    mail = eml([("BG03 cu.xls", converted(b, "xls", "old"), "application/vnd.ms-excel")],
               dt.datetime(2026, 11, 3, 8, 0, tzinfo=UTC))
    (box / "thu cu BG03.eml").write_bytes(bytes(mail))
    (box / "BG03 moi.xlsx").write_bytes(b.book("BG03"))  # saved 2026-11-20: the newer one


def _converted(fmt: str, far: bool = False) -> Callable[[Path, Bases], None]:
    def build(box: Path, b: Bases) -> None:
        (box / f"BG03.{fmt}").write_bytes(converted(b, fmt, "far" if far else "plain"))
    return build


def _formula_code(b: Bases) -> bytes:
    return b.book("BG03", unit_code="=cmd|' /C calc'!A0")


def _macro(b: Bases) -> bytes:
    return edit(b.book("BG03"), add={"xl/vbaProject.bin": b"Attribute VB_Name = \"Auto_Open\""})


def _external_link(b: Bases) -> bytes:
    return edit(b.book("BG03"), add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"})


CASES = [
    # -- reading bounds --------------------------------------------------------------------
    Case("o-xa-XFD1048576", "bounds", _write("BG03.xlsx", _far), ("cell-outside-table",),
         ("BG03",), "accepted_with_warnings", workbooks=("BG03.xlsx",),
         validate_codes=("cell-outside-table",)),
    Case("o-xa-trang-dinh-danh", "bounds", _write("BG03.xlsx", lambda b: with_cells(
        b.book("BG03"), "_unionxl", [("XFD", 1048576, "1")])), ("cell-outside-table",),
         ("BG03",), "accepted_with_warnings", workbooks=("BG03.xlsx",),
         validate_codes=("cell-outside-table",)),
    Case("nhieu-o-xa", "bounds", _write("BG03.xlsx", _many_far), ("cell-outside-table",),
         ("BG03",), "accepted_with_warnings"),
    Case("dong-rac-120000", "bounds", _write("BG03.xlsx", lambda b: junk_rows(
        b.book("BG03"), FORM.sheet, 200, 120_000)), ("cell-outside-table",), ("BG03",),
         "accepted_with_warnings"),
    Case("khong-phai-bieu-mau-o-xa", "bounds", _write("danh sach.xlsx", _not_a_form_far),
         ("not-unionxl-workbook",), (), "rejected", workbooks=("danh sach.xlsx",),
         validate_codes=("not-unionxl-workbook",)),
    Case("tu-lap-o-xa", "bounds", _hand_made_far, ("adopted-by-label", "cell-outside-table"),
         (), "accepted_with_warnings", extra=lambda b: b.typed["BG02"]),
    Case("phan-qua-lon", "bounds", _write("BG03.xlsx", _huge_part), ("file-too-large",), (),
         "rejected", workbooks=("BG03.xlsx",), validate_codes=("file-too-large",)),
    Case("dimension-noi-doi", "bounds", _write("BG03.xlsx", lambda b: edit(
        b.book("BG03"), {part_of(b.book("BG03"), FORM.sheet): lambda x: x.replace(
            b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="', 1)})), (), ("BG03",),
         "accepted"),
    # -- damaged and unsafe packages -------------------------------------------------------
    Case("xml-cat-giua-bang", "damaged", _write("BG03.xlsx", _cut), ("damaged-file",), (),
         "rejected", workbooks=("BG03.xlsx",), validate_codes=("damaged-file",)),
    Case("xml-hong-sau-bang", "damaged", _write("BG03.xlsx", _broken_after), ("damaged-file",),
         (), "rejected", workbooks=("BG03.xlsx",), validate_codes=("damaged-file",)),
    Case("chi-so-chuoi-ngoai-bang", "damaged", _write("BG03.xlsx", _bad_string_index),
         ("damaged-file",), (), "rejected", workbooks=("BG03.xlsx",),
         validate_codes=("damaged-file",)),
    Case("doctype-trang-so-lieu", "unsafe", _write("BG03.xlsx", _doctype("sheet")),
         ("unsafe-content",), (), "rejected", workbooks=("BG03.xlsx",),
         validate_codes=("unsafe-content",)),
    Case("doctype-custom-xml", "unsafe", _write("BG03.xlsx", _doctype("docProps/custom.xml")),
         ("unsafe-content",), (), "rejected", workbooks=("BG03.xlsx",),
         validate_codes=("unsafe-content",)),
    Case("xxe-shared-strings", "unsafe", _write("BG03.xlsx", _xxe_in_strings),
         ("unsafe-content",), (), "rejected"),
    Case("entity-styles", "unsafe", _write("BG03.xlsx", _doctype("xl/styles.xml")),
         ("unsafe-content",), (), "rejected"),
    Case("thieu-content-types", "damaged", _write("BG03.xlsx", lambda b: edit(
        b.book("BG03"), {"[Content_Types].xml": lambda x: None})), ("damaged-file",), (),
         "rejected", workbooks=("BG03.xlsx",), validate_codes=("damaged-file",)),
    Case("thieu-workbook-xml", "damaged", _write("BG03.xlsx", lambda b: edit(
        b.book("BG03"), {"xl/workbook.xml": lambda x: None})), ("damaged-file",), (),
         "rejected", workbooks=("BG03.xlsx",), validate_codes=("damaged-file",)),
    Case("zip-hong", "damaged", _write("BG03.xlsx", lambda b: b"PK\x03\x04 hong"),
         ("unreadable-file",), (), "rejected", workbooks=("BG03.xlsx",),
         validate_codes=("unreadable-file",)),
    Case("tep-rong", "damaged", _write("BG03.xlsx", lambda b: b""), ("unreadable-file",), (),
         "rejected"),
    Case("byte-ngau-nhien", "damaged", _write("BG03.xlsx", lambda b: random.Random(3).randbytes(
        5000)), ("unreadable-file",), (), "rejected"),
    Case("mat-khau", "damaged", _write("BG03.xlsx", lambda b: encrypted_workbook()),
         ("encrypted-workbook",), (), "rejected", workbooks=("BG03.xlsx",),
         validate_codes=("encrypted-workbook",)),
    Case("symlink-trong-thu-muc", "intake", _symlink_in_folder, ("unreadable-file",), (),
         "rejected"),
    # -- intake: archives, e-mails, names --------------------------------------------------
    Case("bom-zip", "intake", _write("BG03.zip", _zip_bomb), ("archive-rejected",), (),
         "ignored"),
    Case("zip-long-nhau", "intake", _write("lop.zip", _nested), ("archive-rejected",), (),
         "ignored"),
    Case("zip-duong-dan-ra-ngoai", "intake", _write("BG03.zip", _traversal_zip), (),
         ("BG03",), "accepted"),
    Case("zip-symlink", "intake", _write("BG03.zip", _symlink_zip), ("unreadable-file",), (),
         "rejected"),
    Case("thu-chuyen-tiep", "intake", _write("Fwd BG03.eml", _forwarded), (), ("BG03",),
         "accepted"),
    Case("thu-chi-co-pdf", "intake", _write("thu BG03.eml", lambda b: bytes(eml(
        [("bao-cao.pdf", b"%PDF-1.4 ...", "application/pdf")]))), ("mail-without-workbook",),
         (), "ignored"),
    Case("thu-khong-dinh-kem", "intake", _write("thu trong.eml", lambda b: bytes(eml([]))),
         ("mail-without-workbook",), (), "ignored"),
    Case("msg-cat-do", "intake", _write("BG03.msg", lambda b: msg_file(
        "Báo cáo", [("BG03.xlsx", b.book("BG03"))])[:3000]), ("mail-rejected",), (),
         "ignored"),
    Case("msg-hop-le", "intake", _write("BG03.msg", lambda b: msg_file(
        "Báo cáo", [("BG03 Việt Yên.xlsx", b.book("BG03")), ("chu-ky.png", b"\x89PNG")],
        dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC))), (), ("BG03",), "accepted"),
    Case("msg-chuyen-tiep", "intake", _write("Fw BG03.msg", lambda b: msg_file(
        "FW: Báo cáo", [], None, ("Báo cáo", [("BG03.xlsx", b.book("BG03"))],
                                 dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)))), (),
         ("BG03",), "accepted"),
    Case("ten-dinh-kem-350-byte", "intake", _write("thu dai.eml", _long_name), (), ("BG03",),
         "accepted"),
    Case("ten-dinh-kem-duong-dan", "intake", _write("thu.eml", lambda b: bytes(eml(
        [("../../../../tmp/BG03.xlsx", b.book("BG03"), XLSX)]))), (), ("BG03",), "accepted"),
    Case("tep-khoa-excel", "intake", _write("~$BG03.xlsx", lambda b: b"\0khoa"),
         ("lock-file",), (), "ignored"),
    Case("khong-phai-excel", "intake", _write("ghi chu.docx", lambda b: b"PK\x03\x04 docx"),
         ("not-a-workbook",), (), "ignored"),
    Case("ods", "intake", _converted("ods"), ("ods-format",), ("BG03",),
         "accepted_with_warnings", libreoffice=True, workbooks=("BG03.ods",),
         validate_codes=("ods-format",)),
    Case("xls", "intake", _converted("xls"), ("legacy-format",), ("BG03",),
         "accepted_with_warnings", libreoffice=True, workbooks=("BG03.xls",),
         validate_codes=("legacy-format",)),
    Case("xls-o-xa", "bounds", _converted("xls", far=True), ("file-too-large",), (),
         "rejected", libreoffice=True, workbooks=("BG03.xls",),
         validate_codes=("file-too-large",)),
    Case("ods-o-xa", "bounds", _converted("ods", far=True), ("file-too-large",), (),
         "rejected", libreoffice=True, workbooks=("BG03.ods",),
         validate_codes=("file-too-large",)),
    # -- content ---------------------------------------------------------------------------
    Case("ma-don-vi-la-cong-thuc", "content", _write("BG03.xlsx", _formula_code),
         ("unit-matched-by-name",), ("BG03",), "accepted_with_warnings"),
    Case("macro-auto-open", "content", _write("BG03.xlsm", _macro), ("macros-present",),
         ("BG03",), "accepted_with_warnings", workbooks=("BG03.xlsm",),
         validate_codes=("macros-present",)),
    Case("lien-ket-ngoai", "content", _write("BG03.xlsx", _external_link), ("external-links",),
         ("BG03",), "accepted_with_warnings", workbooks=("BG03.xlsx",),
         validate_codes=("external-links",)),
    # -- copies of one unit ----------------------------------------------------------------
    Case("ban-sao-nam-2099", "copies", _copy_2099, ("future-date", "copies-undecided"), (),
         "held"),
    Case("hai-ban-cung-gio", "copies", _copies_same_time, ("copies-undecided",), (), "held"),
    Case("xls-cu-trong-thu", "copies", _old_xls_in_mail, ("duplicate-submission",),
         ("BG03",), "", libreoffice=True),
]


def main(out: str) -> None:
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    base = root / "_bases"
    base.mkdir(exist_ok=True)
    bases = make_bases(base)
    for case in CASES:
        box = root / case.name
        box.mkdir(exist_ok=True)
        try:
            case.build(box, bases)
        except (AssertionError, RuntimeError) as exc:  # LibreOffice missing, for instance
            print(f"{case.name}: not made ({exc})")


if __name__ == "__main__":
    main(sys.argv[1])
