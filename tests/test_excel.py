"""The add-in: built from text sources; the ribbon's buttons reach Python entry points that
work on the open workbook in a constant number of Excel round trips; export's .eml draft."""

from __future__ import annotations

import email
import email.policy
import importlib
import inspect
import io
import random
import re
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import olefile
import openpyxl
import pytest
import xmlschema

from tests.support import fake_xlwings as fx
from unionxl import excel
from unionxl.cli import main
from unionxl.consolidation import LEDGER_SHEET, consolidate
from unionxl.excel import addin, ribbon
from unionxl.form import load_form, load_form_file
from unionxl.form.sample import generate
from unionxl.workbook.layout import template_map
from unionxl.workbook.styles import FORMULA_FILL, INPUT_FILL
from unionxl.workbook.template import write_template

with warnings.catch_warnings():  # oletools calls a pyparsing API deprecated upstream
    warnings.simplefilter("ignore", DeprecationWarning)
    from oletools.olevba import VBA_Parser

NS = "{http://schemas.microsoft.com/office/2009/07/customui}"
DATA = Path(__file__).parent / "data"
EXCEL_CONTROLS = {ln.strip() for ln in (DATA / "excel-control-ids.txt").read_text().splitlines()
                  if ln.strip() and not ln.startswith("#")}
FORM = load_form("phu-luc-nhiem-ky")
MAP = template_map(FORM)


# -- the built add-in ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(DATA / "customui14.xsd"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return addin.build(tmp_path_factory.mktemp("addin") / "UnionXL.xlam")


CLASS_HEADER = ("VERSION 1.0 CLASS", "BEGIN", "  MultiUse = -1  'True", "END")


def _strip(source: str) -> str:
    """Module source without the attribute lines (and a class file's export header)."""
    lines = source.replace("\r\n", "\n").split("\n")
    return "\n".join(ln for ln in lines if not ln.startswith("Attribute VB_")
                     and ln not in CLASS_HEADER).strip()


def test_vba_modules_read_back_equal_sources(built):
    parser = VBA_Parser(str(built))
    modules = {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    for name, source in addin.sources().items():
        assert _strip(modules[name]) == _strip(source), name


def test_vba_project_stream_is_the_7_byte_form(built):
    with zipfile.ZipFile(built) as zf:
        ole = olefile.OleFileIO(io.BytesIO(zf.read("xl/vbaProject.bin")))
    assert ole.openstream("VBA/_VBA_PROJECT").read() == b"\xcc\x61\xff\xff\x00\x00\x00"


def test_ribbon_xml_relationship_and_callbacks(built, schema):
    with zipfile.ZipFile(built) as zf:
        ui = zf.read("customUI/customUI14.xml")
        rels = zf.read("_rels/.rels").decode()
        types = zf.read("[Content_Types].xml").decode()
    assert ui == (addin.MACROS / "customUI14.xml").read_bytes()
    schema.validate(ui.decode("utf-8"))  # the customUI 2009/07 schema (tests/data)
    images = {el.get("imageMso") for el in ElementTree.fromstring(ui).iter() if el.get("imageMso")}
    assert images and images <= EXCEL_CONTROLS, images - EXCEL_CONTROLS
    root = ElementTree.fromstring(ui)
    assert root.tag == f"{NS}customUI"
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    tab = root.find(f".//{NS}tab")
    assert tab.get("label") == "Công đoàn"
    groups = [g.get("label") for g in tab.findall(f"{NS}group")]
    labels = [b.get("label") for b in tab.iter(f"{NS}button")]
    assert {"Kiểm tra cài đặt", "Thư trả lời", "Duyệt báo cáo"} <= set(labels)
    assert len(labels) == len(set(labels)) == 12
    assert groups == ["Biểu mẫu", "Kiểm tra", "Tổng hợp", "Gửi", "Trợ giúp"]
    for button in root.iter(f"{NS}button"):
        assert button.get("imageMso") and button.get("screentip") and button.get("label")
    assert 'Target="customUI/customUI14.xml"' in rels and addin.UI_REL in rels
    assert addin.ADDIN_CONTENT_TYPE in types
    vba = "\n".join(addin.sources()[m] for m in ("UnionXL", "UnionXLText"))
    subs = set(re.findall(r"(?m)^Public Sub (\w+)\(", vba))
    callbacks = {v for el in root.iter() for k, v in el.attrib.items()
                 if k in ("onAction", "onLoad", "getLabel", "getEnabled")}
    assert callbacks <= subs and callbacks
    buttons = {b.get("id") for b in root.iter(f"{NS}button")}
    cases = set(re.findall(r'"(ux\w+)"', vba))
    assert cases <= buttons  # the dispatcher only knows real buttons
    assert buttons == set(excel.ENTRY_POINTS)  # every button reaches Python


def _content(path: Path) -> dict[str, object]:
    parser = VBA_Parser(str(path))
    modules = {Path(n).stem: _strip(c) for _, _, n, c in parser.extract_macros()}
    parser.close()
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in ("customUI/customUI14.xml", "xl/sharedStrings.xml",
                                         "[Content_Types].xml", "_rels/.rels")}
    return {"modules": modules, **parts}


def test_committed_addin_matches_its_sources(built):
    """What the add-in is made of, compared with a fresh build from the sources (a newer
    pyOpenVBA may lay the bytes out differently; the content must not differ)."""
    committed = addin.OUTPUT
    assert committed.exists(), "run: unionxl addin build"
    assert _content(committed) == _content(built), "stale add-in: run unionxl addin build"


def test_install_and_uninstall(tmp_path, capsys):
    assert main(["addin", "install", "--dir", str(tmp_path)]) == 0
    installed = tmp_path / "UnionXL.xlam"
    with zipfile.ZipFile(installed) as zf:  # openpyxl does not open add-ins
        strings = zf.read("xl/sharedStrings.xml").decode()
    import sys
    assert "INTERPRETER_" in strings and sys.executable in strings
    assert main(["addin", "uninstall", "--dir", str(tmp_path)]) == 0
    assert not installed.exists()
    if addin.xlstart_dir() is None:  # this machine: no Excel, and it says so
        assert main(["addin", "install"]) == 2
        assert "không có Microsoft Excel" in capsys.readouterr().err


# -- the fake matches xlwings ----------------------------------------------------------------
def test_fake_matches_real_xlwings_classes():
    for fake_name, (path, attrs) in fx.REAL.items():
        module, cls = path.rsplit(".", 1)
        real = getattr(importlib.import_module(module), cls)
        fake = getattr(fx, fake_name)
        for attr in attrs:
            assert hasattr(real, attr), f"xlwings {cls} has no {attr}"
            f, r = getattr(fake, attr, None), getattr(real, attr)
            if callable(f) and callable(r) and not isinstance(r, property):
                fp = set(inspect.signature(f).parameters) - {"self", "_"}
                real_params = inspect.signature(r).parameters.values()
                if any(p.kind is p.VAR_KEYWORD for p in real_params):
                    continue  # the real method takes any keyword (Range.options)
                rp = {p.name for p in real_params}
                assert fp <= rp, (cls, attr, fp - rp)


# -- entry points on the open workbook -------------------------------------------------------
def book_with_data(tmp_path: Path, form=FORM, seed=1, name="b.xlsx") -> Path:
    path = tmp_path / name
    write_template(form, path, "BG01", "LĐLĐ thành phố Bắc Giang",
                   data=generate(form, random.Random(seed)))
    return path


def test_fill_restores_formulas(tmp_path):
    app, book = fx.open_in_fake_excel(book_with_data(tmp_path))
    sheet = book.sheets[FORM.sheet]
    r, c = MAP.cell("32", "total")
    sheet.formulas.pop((r, c))
    sheet.values[(r, c)] = 999
    inputs_before = {k: v for k, v in sheet.values.items() if k != (r, c)}
    msg = excel.dispatch("uxFill", caller=book)
    assert sheet.formulas[(r, c)].startswith("=IF(ISNUMBER(")
    assert {k: v for k, v in sheet.values.items() if k in inputs_before} == inputs_before
    assert app.alerts == [msg] and "công thức" in msg


def test_validate_marks_then_clear_restores(tmp_path):
    app, book = fx.open_in_fake_excel(book_with_data(tmp_path))
    sheet = book.sheets[FORM.sheet]
    text_cell = MAP.cell("12", "2020")
    sheet.values[text_cell] = "không rõ"
    over = MAP.cell("33", "total")
    sheet.formulas.pop(over)
    sheet.values[over] = 5
    msg = excel.dispatch("uxValidate", caller=book)
    assert "1 lỗi" in msg and "1 cảnh báo" in msg
    assert sheet.colors[text_cell] == ribbon.MARK_COLOR and sheet.colors[over] == ribbon.MARK_COLOR
    table = book.sheets[ribbon.RESULT_SHEET].values
    kinds = {table[(r, 2)] for r in range(1, 3)}
    assert kinds == {"Không phải số", "Công thức bị ghi đè"}  # the title, not its code
    excel.dispatch("uxClearMarks", caller=book)
    assert sheet.colors[text_cell] == INPUT_FILL and sheet.colors[over] == FORMULA_FILL
    assert book.sheets[ribbon.RESULT_SHEET].values == {}


def test_fix_numbers(tmp_path):
    app, book = fx.open_in_fake_excel(book_with_data(tmp_path))
    sheet = book.sheets[FORM.sheet]
    sheet.values[MAP.cell("12", "2019")] = "1.234"
    sheet.values[MAP.cell("1.1", "2019")] = "1.234"  # money: two readings, left alone
    msg = excel.dispatch("uxFixNumbers", caller=book)
    assert sheet.values[MAP.cell("12", "2019")] == 1234
    assert sheet.values[MAP.cell("1.1", "2019")] == "1.234"
    assert "Đã đổi 1 ô" in msg and "Còn 1 ô" in msg


def test_consolidate_ledger_export_new_template_help(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, code in enumerate(["BG01", "BG02", "BG03"]):
        write_template(FORM, inbox / f"{code}.xlsx", code, code,
                       data=generate(FORM, random.Random(i)))
    app, book = fx.open_in_fake_excel(book_with_data(tmp_path))
    msg = excel.dispatch("uxConsolidate", str(inbox), caller=book)
    assert "Đã tổng hợp 3 báo cáo" in msg
    opened = app.books._active
    assert opened is not book and opened.sheets[LEDGER_SHEET].active
    assert "Đang mở" in excel.dispatch("uxLedger", caller=opened)
    app.books._active = book  # back to the unit's report
    assert "không phải bảng tổng hợp" in excel.dispatch("uxLedger", caller=book)
    out = tmp_path / "gui"  # Excel's folder dialog gives existing folders
    out.mkdir()
    msg = excel.dispatch("uxExport", str(out), caller=book)
    assert book.saved == 1 and len(list(out.glob("*.eml"))) == 1
    (tmp_path / "moi").mkdir()
    msg = excel.dispatch("uxNewTemplate", str(tmp_path / "moi"), caller=book)
    assert "Đã tạo biểu mẫu" in msg and app.books._active.name.endswith(".xlsx")
    assert "Công đoàn" in excel.dispatch("uxHelp", caller=book)


def _synthetic_form(tmp_path: Path, rows: int):
    lines = ["id: thu", "version: 1", "title: Thử", "sheet: Số liệu",
             "term: {start: 2020, end: 2023}", "units:", "  người: {type: integer}",
             "sections:", "  - number: I", "    label: Mục", "    rows:"]
    for i in range(1, rows + 1):
        lines.append(f'      - {{code: "{i}", label: Dòng {i}, unit: người, time: sum}}')
    path = tmp_path / f"thu-{rows}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_form_file(str(path))


@pytest.mark.parametrize("button", ["uxFill", "uxValidate", "uxFixNumbers", "uxClearMarks"])
def test_round_trips_do_not_grow_with_the_table(tmp_path, monkeypatch, button):
    counts = []
    for rows in (20, 400):
        form = _synthetic_form(tmp_path, rows)
        monkeypatch.setattr(ribbon, "load_form", lambda *_a, _f=form, **_k: _f)
        path = book_with_data(tmp_path, form, name=f"s{rows}.xlsx")
        app, book = fx.open_in_fake_excel(path)
        m = template_map(form)
        sheet = book.sheets[form.sheet]
        sheet.values[m.cell("3", "2021")] = "1.234"  # the same two problems in both tables
        sheet.values[m.cell("7", "2020")] = -1
        if button == "uxClearMarks":
            excel.dispatch("uxValidate", caller=book)
            app.rec.calls.clear()
        excel.dispatch(button, caller=book)
        counts.append(len(app.rec.calls))
    # constant: reads, writes, and for each protected sheet written its protection read and
    # put back (3 flags, the mode, 11 Allow… members, Unprotect, Protect)
    assert counts[0] == counts[1] and counts[0] < 60, counts


# -- export ----------------------------------------------------------------------------------
def test_export_eml_parses_and_round_trips_through_consolidate(tmp_path):
    src = book_with_data(tmp_path)
    out = tmp_path / "gui"
    assert main(["export", str(src), "-o", str(out), "--to", "tochuc@ldld.example"]) == 0
    eml = next(out.glob("*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["X-Unsent"] == "1" and msg["To"] == "tochuc@ldld.example"
    # the form's name, not its id
    assert msg["Subject"] == "Phụ lục số liệu nhiệm kỳ (2018-2023) – LĐLĐ thành phố Bắc Giang"
    body = msg.get_body(("plain",)).get_content()
    assert "0 lỗi" in body and "Tổng số đoàn viên" in body
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "phu-luc-nhiem-ky_2018-2023_BG01.xlsx"
    with zipfile.ZipFile(io.BytesIO(attachment.get_payload(decode=True))) as zf:
        assert not any("vbaProject" in n or "externalLink" in n for n in zf.namelist())
    direct = consolidate([src])
    via_mail = consolidate([eml])
    assert via_mail.ledger[0].status == "accepted"
    assert via_mail.consolidated() == direct.consolidated()


def test_export_refuses_errors_unless_forced(tmp_path, capsys):
    src = book_with_data(tmp_path)
    wb = openpyxl.load_workbook(src)
    wb[FORM.sheet][MAP.addr("31", "2019")] = "3/5"
    wb.save(src)
    assert main(["export", str(src), "-o", str(tmp_path / "o")]) == 1
    assert "còn 1 lỗi" in capsys.readouterr().err
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())
    assert main(["export", str(src), "-o", str(tmp_path / "o"), "--force"]) == 0
