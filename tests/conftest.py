"""Shared fixtures. LibreOffice tests skip only outside CI: in CI a missing engine fails."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support.libreoffice import soffice
from unionxl.cli import main
from unionxl.form import load_form

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
# A test run parses forms into a cache of its own, not the user's cache folder.
if "UNIONXL_CACHE_DIR" not in os.environ:  # (a child process of a test inherits it)
    os.environ["UNIONXL_CACHE_DIR"] = tempfile.mkdtemp(prefix="unionxl-cache-")


@pytest.fixture(scope="session")
def form():
    return load_form("phu-luc-nhiem-ky")


@pytest.fixture
def rng():
    return random.Random(20231)


@pytest.fixture(scope="session")
def libreoffice():
    exe = soffice()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI: .ci/run must install it")
        pytest.skip("LibreOffice not installed (run .ci/run to install it)")
    return exe


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# The VBA grammar check takes a minute of one core (ANTLR in Python): when it is among the
# collected tests it starts in a background process right away, on the core pytest leaves idle.
VBA_TEST = "test_our_modules_and_xlwings_parse_with_the_vba_grammar"


def pytest_collection_finish(session):
    if any(VBA_TEST in item.nodeid for item in session.items):
        out = Path(tempfile.mkdtemp(prefix="unionxl-vba-")) / "errors.json"
        proc = subprocess.Popen([sys.executable, "-m", "tests.support.vba", str(out)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        session.config.stash[VBA_KEY] = (proc, out)


def pytest_sessionfinish(session):
    started = session.config.stash.get(VBA_KEY, None)
    if started and started[0].poll() is None:
        started[0].kill()


VBA_KEY = pytest.StashKey[tuple]()


@pytest.fixture
def vba_errors(request):
    """{module: syntax errors} from the background check (or computed here without it)."""
    started = request.config.stash.get(VBA_KEY, None)
    if started is None:
        from tests.support.vba import check_addin

        return check_addin()
    proc, out = started
    _, err = proc.communicate(timeout=1800)
    assert proc.returncode == 0, err[-3000:]
    import json

    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def bases(tmp_path_factory):
    """Valid unit workbooks of the hostile corpus (``tests/corpus.py``), made once."""
    from tests import corpus

    return corpus.make_bases(tmp_path_factory.mktemp("bases"))


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """``unionxl demo`` run once for the session: (its folder, what it printed)."""
    root = tmp_path_factory.mktemp("demo")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["demo", str(root)]) == 0
    return root, out.getvalue()
