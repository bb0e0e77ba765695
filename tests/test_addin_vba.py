"""The add-in's VBA: it parses with a VBA grammar (every #If branch resolved), every xlwings
setting it relies on is set in its own sheet, and LibreOffice runs its pure-VBA helpers on the
built .xlam with the expected results (issue 10)."""

from __future__ import annotations

import ast
import json
import random
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.support import fake_xlwings as fx
from tests.support.vba import MAC, WIN64, module_errors, resolve, syntax_errors
from unionxl import excel
from unionxl.excel import addin
from unionxl.form import load_form
from unionxl.form.sample import generate
from unionxl.workbook.template import write_template

LO_VBA = Path(__file__).parent / "support" / "lo_vba.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # LibreOffice's uno module lives with the system Python
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return addin.build(tmp_path_factory.mktemp("addin") / "UnionXL.xlam",
                       interpreter="C:\\Python312\\python.exe")


# -- grammar -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_our_modules_and_xlwings_parse_with_the_vba_grammar(vba_errors):
    """Every #If branch of 64-bit and 32-bit Windows and of the Mac resolved; each distinct
    procedure parsed once (the variants share most of their text). xlwings's Dictionary class
    is left out: it is xlwings's file unchanged, used only on a Mac. (The parse runs in the
    background from the start of the session: tests/conftest.py.)"""
    assert set(vba_errors) == {"UnionXL", "UnionXLText", "xlwings"}
    for name, errors in vba_errors.items():
        assert not errors, (name, errors[:3])


def test_the_grammar_check_can_fail():
    broken = 'Attribute VB_Name = "X"\nSub A()\n    If x Then\n        y = 1\nEnd Sub\n'
    assert syntax_errors(broken)
    two = 'Attribute VB_Name = "X"\nSub A()\n    y = 1\nEnd Sub\nSub B()\n    y = (1 +\nEnd Sub\n'
    assert [line for line, _, _ in module_errors([two])] == [6]
    assert resolve("#If Mac Then\na\n#Else\nb\n#End If", MAC).split("\n")[1] == "a"
    assert resolve("#If Mac Then\na\n#Else\nb\n#End If", WIN64).split("\n")[3] == "b"


# -- xlwings settings --------------------------------------------------------------------------
def _sheet_rows(book: Path, name: str) -> dict[str, str]:
    """Column A → column B of one sheet of the built add-in (openpyxl refuses add-ins)."""
    with zipfile.ZipFile(book) as zf:
        strings = [si.findtext(".//m:t", "", NS) for si in ElementTree.fromstring(
            zf.read("xl/sharedStrings.xml")).findall("m:si", NS)]
        wb = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        sheets = [s.get("name") for s in wb.find("m:sheets", NS)]
        xml = ElementTree.fromstring(zf.read(f"xl/worksheets/sheet{sheets.index(name) + 1}.xml"))
    rows = {}
    for row in xml.iter(f"{{{NS['m']}}}row"):
        cells = {c.get("r")[0]: strings[int(c.findtext("m:v", "", NS))] for c in row}
        rows[cells["A"]] = cells.get("B", "")
    return rows


def test_every_xlwings_setting_runpython_reads_is_in_the_addin(built):
    source = addin.sources()["xlwings"]
    keys = set()
    for proc in ("RunPython", "ExecuteWindows", "ExecuteMac", "ShowError"):
        body = re.search(rf"(?ms)^(?:Public |Private )?(?:Function|Sub) {proc}\b.*?^End "
                         r"(?:Function|Sub)", source).group(0)
        keys |= set(re.findall(r'GetConfig\("([^"]+)"', body))
    assert {"INTERPRETER_WIN", "USE UDF SERVER", "TEMP DIR", "CONDA PATH"} <= keys  # sanity
    settings = _sheet_rows(built, "xlwings.conf")
    assert keys <= set(settings), keys - set(settings)
    assert settings["INTERPRETER_WIN"] == settings["INTERPRETER"] == "C:\\Python312\\python.exe"
    assert settings["TEMP DIR"] == "%TEMP%" and settings["USE UDF SERVER"] == "False"
    # xlwings reads keys down column A until the first empty cell: no gap may hide one
    with zipfile.ZipFile(built) as zf:
        assert zf.read("xl/worksheets/sheet2.xml").count(b"<row ") == len(settings)


def test_texts_sheet_holds_every_text_the_vba_asks_for(built):
    texts = _sheet_rows(built, "unionxl.conf")
    assert texts == addin.TEXTS
    vba = "\n".join(addin.sources()[m] for m in ("UnionXL", "UnionXLText"))
    asked = set(re.findall(r'UxText\("(\w+)"\)', vba)) | set(
        re.findall(r'key = "(\w+)"', vba))
    assert asked and asked <= set(texts), asked - set(texts)


# -- LibreOffice runs the helpers of the built add-in ------------------------------------------
FOLDERS = ["D:\\Báo cáo\\Q'1 & Q2\\", "C:\\Users\\Nguyễn Văn A\\tổng hợp 100%",
           "\\\\máy-chủ\\chia sẻ\\quý 3", "E:\\"]


def _run_in_libreoffice(book: Path, calls: list, tmp: Path) -> list:
    spec, out = tmp / "calls.json", tmp / "out.json"
    spec.write_text(json.dumps({"drop": ["xlwings", "Dictionary"], "calls": calls}),
                    encoding="utf-8")
    proc = subprocess.run([SYSTEM_PYTHON, str(LO_VBA), str(book), str(spec), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.libreoffice
def test_libreoffice_runs_the_addin_helpers(built, libreoffice, tmp_path):
    if shutil.which(SYSTEM_PYTHON) is None or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode:
        pytest.fail("LibreOffice's Python bridge (python3-uno) is required: .ci/setup installs it")
    keys = list(addin.TEXTS)
    calls = ([["UnionXLText", "UxText", [k]] for k in keys]
             + [["UnionXLText", "UxText", ["khong-co"]]]
             + [["UnionXLText", "UxCommand", ["uxExport", f]] for f in FOLDERS]
             + [["UnionXLText", "UxProbe", [sys.executable, "0.37.8"]],
                ["UnionXLText", "UxProbe", [sys.executable, "9.9.9"]],
                ["UnionXLText", "UxProbe", [SYSTEM_PYTHON, "0.37.8"]],
                ["UnionXLText", "UxFill", ["{python} – mã {code}", "C:\\Py\\python.exe", "13"]]])
    got = _run_in_libreoffice(built, calls, tmp_path)
    n = len(keys)
    assert dict(zip(keys, got[:n])) == addin.TEXTS  # Vietnamese read back from the sheet
    assert got[n] == "khong-co"
    commands = got[n + 1:n + 1 + len(FOLDERS)]
    for folder, command in zip(FOLDERS, commands):
        # xlwings puts the command inside "…" of cmd.exe: no " may end it, no % expand
        assert '"' not in command and "%" not in command, command
        tree = ast.parse(command)
        imp, call = tree.body
        assert isinstance(imp, ast.Import) and imp.names[0].name == "unionxl.excel"
        args = [ast.literal_eval(a) for a in call.value.args]
        assert ast.unparse(call.value.func) == "ux.dispatch" and args == ["uxExport", folder]
    probes = got[n + 1 + len(FOLDERS):n + 4 + len(FOLDERS)]
    # the probe's own quoting: "exe" -c "…" with only single quotes inside, which a POSIX shell
    # splits as Windows does; exit codes 0 (ready), 13 (other xlwings), 11 (no unionxl)
    codes = [subprocess.run(p, shell=True, capture_output=True).returncode for p in probes]
    has_unionxl = subprocess.run([SYSTEM_PYTHON, "-c", "import unionxl"],
                                 capture_output=True).returncode == 0
    assert codes[:2] == [0, 13] and (has_unionxl or codes[2] in (11, 12)), codes
    assert got[-1] == "C:\\Py\\python.exe – mã 13"
    _dispatch_as_python_would(commands[0], tmp_path)


def _dispatch_as_python_would(command: str, tmp_path: Path) -> None:
    """The statement the VBA built, run against the fake Excel with the folder made real."""
    folder = ast.literal_eval(ast.parse(command).body[1].value.args[1])
    real = tmp_path / folder.replace("\\", "／").replace(":", "")  # one level, same letters
    real.mkdir(parents=True)
    book = tmp_path / "bao-cao.xlsx"
    form = load_form("phu-luc-nhiem-ky")
    write_template(form, book, "BG01", "Đơn vị", data=generate(form, random.Random(1)))
    app, xl_book = fx.open_in_fake_excel(book)
    message = excel.dispatch("uxExport", str(real), caller=xl_book)
    assert message.startswith("Đã xuất") and len(list(real.glob("*.eml"))) == 1, message
