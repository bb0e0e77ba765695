"""Project hygiene that CI enforces: lint clean."""

import shutil
import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_clean():
    exe = shutil.which("ruff")
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    proc = subprocess.run([*cmd, "check", "unionxl", "tests", "benchmarks", ".ci"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_setup_cfg_lists_every_package():
    """setup.cfg lists the packages (to map unionxl.excel.macros onto macros/): none missing."""
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    listed = set(cfg["options"]["packages"].split())
    tree = {".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "unionxl").rglob(
        "__init__.py")}
    assert listed == tree | {"unionxl.excel.macros"}
    assert cfg["options"]["package_dir"].split() == ["unionxl.excel.macros", "=", "macros"]
    assert (ROOT / "macros" / "UnionXL.bas").exists()
