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
