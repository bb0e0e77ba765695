"""Installing outside a checkout, and the offline kit for union offices (issue 10).

Both need wheels that no test may download: ``.ci/setup`` fetches them once into the wheelhouse
(``$UNIONXL_WHEELHOUSE``, default ``~/.cache/unionxl-wheelhouse``): ``linux/`` for a fresh
virtual environment here, ``windows/`` a kit made by ``unionxl addin kit`` whose ``wheels/`` hold
the real win_amd64 wheels from PyPI. In CI a missing wheelhouse fails; elsewhere it skips.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename

from tests.test_excel import _content
from unionxl import __version__
from unionxl.cli import main
from unionxl.excel import addin, kit

WHEELHOUSE = Path(os.environ.get("UNIONXL_WHEELHOUSE")
                  or Path.home() / ".cache" / "unionxl-wheelhouse")
DIRECT = {"openpyxl", "xlsxwriter", "python-calamine", "pandas", "pyyaml", "olefile",
          "packaging", "xlwings", "pyopenvba"}  # setup.cfg: install_requires + excel extra
WINDOWS_ONLY = {"pywin32", "tzdata"}  # xlwings and pandas need these on Windows only


def _wheelhouse(part: str) -> Path:
    folder = WHEELHOUSE / part
    if not any(folder.rglob("*.whl")):
        if os.environ.get("CI"):
            pytest.fail(f"{folder} is empty: .ci/setup must fetch the wheels for this test")
        pytest.skip(f"no wheels in {folder} (run .ci/setup)")
    return folder


def _run(cmd: list, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)
    assert proc.returncode == 0, (cmd, proc.stdout[-2000:], proc.stderr[-3000:])
    return proc


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _dry_run(wheels: Path, version: str, target: Path, what: str) -> set[str]:
    report = target.with_suffix(".json")
    _run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links",
          wheels, "--platform", "win_amd64", "--python-version", version, "--implementation",
          "cp", "--only-binary=:all:", "--target", target, "--report", report,
          "--disable-pip-version-check", "--ignore-installed",
          # pip compares Requires-Python with the Python running it, not --python-version:
          # skipped here, and checked against the target version below instead
          "--ignore-requires-python", what], env=_clean_env())
    chosen = json.loads(report.read_text())["install"]
    for item in chosen:
        needs = item["metadata"].get("requires_python") or ""
        assert SpecifierSet(needs).contains(f"{version}.0"), (item["metadata"]["name"], needs)
    return {canonicalize_name(i["metadata"]["name"]) for i in chosen}


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_builds_and_installs_the_addin(tmp_path):
    linux = _wheelhouse("linux")
    windows = _wheelhouse("windows") / kit.WHEELS
    wheel = kit.unionxl_wheel(tmp_path)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv])
    py, bindir = venv / "bin" / "python", venv / "bin"
    env = _clean_env()
    _run([py, "-m", "pip", "install", "-q", "--no-index", "--find-links", linux,
          f"{wheel}[excel]"], env=env)
    office = tmp_path / "văn phòng"
    office.mkdir()
    where = _run([py, "-c", "import unionxl; print(unionxl.__file__)"], cwd=office, env=env)
    assert where.stdout.startswith(str(venv)), where.stdout  # not the checkout
    _run([bindir / "unionxl", "addin", "build"], cwd=office, env=env)
    assert _content(office / "UnionXL.xlam") == _content(addin.build(tmp_path / "ref.xlam"))
    xlstart = tmp_path / "XLSTART"
    _run([bindir / "unionxl", "addin", "install", "--dir", xlstart], cwd=office, env=env)
    with zipfile.ZipFile(xlstart / "UnionXL.xlam") as zf:
        assert str(py) in zf.read("xl/sharedStrings.xml").decode()
    # from an installed package (no checkout), the kit repacks the installed files
    kit_dir = tmp_path / "bo-cai"
    _run([bindir / "unionxl", "addin", "kit", "-o", kit_dir, "--python", "3.12",
          "--from", windows], cwd=office, env=env)
    repacked = kit_dir / kit.WHEELS / wheel.name
    with zipfile.ZipFile(repacked) as a, zipfile.ZipFile(wheel) as b:
        assert {n for n in a.namelist() if not n.endswith("RECORD")} == {
            n for n in b.namelist() if not n.endswith("RECORD")}
    assert DIRECT | {"unionxl"} <= _dry_run(kit_dir / kit.WHEELS, "3.12", tmp_path / "t",
                                            "unionxl[excel]")


@pytest.mark.slow
def test_offline_kit_resolves_for_every_supported_python(tmp_path):
    source = _wheelhouse("windows") / kit.WHEELS
    out = tmp_path / "bộ cài"
    assert main(["addin", "kit", "-o", str(out), "--from", str(source)]) == 0
    wheels = out / kit.WHEELS
    assert addin.PYTHONS == ("3.11", "3.12", "3.13", "3.14")
    for version in addin.PYTHONS:
        for what in ("unionxl", "unionxl[excel]"):
            names = _dry_run(wheels, version, tmp_path / f"t{version}{len(what)}", what)
        assert DIRECT | {"unionxl"} <= names, DIRECT - names
        # pip evaluated the markers for Linux above: the Windows-only ones are checked here
        here = {parse_wheel_filename(w.name)[0] for w in wheels.glob("*.whl")
                if kit.compatible(w, version)}
        assert WINDOWS_ONLY <= here, (version, WINDOWS_ONLY - here)
        assert kit.missing(wheels, version) == []
    assert all(kit.compatible(w, v) for v in addin.PYTHONS
               for w in wheels.glob("*none-any.whl"))
    assert not [w for w in wheels.glob("*.whl") if not any(
        kit.compatible(w, v) for v in addin.PYTHONS)]  # nothing for other platforms
    script = (out / "cai-dat.cmd").read_bytes()
    assert b"\r\n" in script and b"\n" not in script.replace(b"\r\n", b"")
    text = script.decode("utf-8")
    assert text.startswith("@echo off\r\nchcp 65001")
    assert f'"unionxl[excel]=={__version__}"' in text and "--no-index" in text
    assert '-m unionxl addin install' in text and "--user" in text
    assert "for %%V in (3.14 3.13 3.12 3.11)" in text
    guide = (out / "HUONG-DAN.txt").read_bytes()
    assert guide.startswith(b"\xef\xbb\xbf")
    guide_text = guide.decode("utf-8-sig")
    assert unicodedata.is_normalized("NFC", guide_text)
    assert "3.11, 3.12, 3.13, 3.14" in guide_text and "cai-dat.cmd" in guide_text


def test_missing_finds_windows_only_requirements(tmp_path):
    """The marker evaluation that pip skips on Linux, on hand-made wheels."""
    def wheel(name: str, requires: list[str], tag: str = "py3-none-any") -> None:
        meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n" + "".join(
            f"Requires-Dist: {r}\n" for r in requires)
        with zipfile.ZipFile(tmp_path / f"{name}-1.0-{tag}.whl", "w") as zf:
            zf.writestr(f"{name}-1.0.dist-info/METADATA", meta)

    wheel("unionxl", ["xlwings; extra == 'excel'", "numpy>=1"])
    wheel("xlwings", ['pywin32>=224; platform_system == "Windows"',
                      'appscript; platform_system == "Darwin"'], "cp312-cp312-win_amd64")
    wheel("numpy", [], "cp312-cp312-win_amd64")
    assert kit.missing(tmp_path, "3.12") == ["pywin32>=224"]
    assert kit.missing(tmp_path, "3.13") == ["numpy>=1", "xlwings"]  # cp312 wheels don't fit
