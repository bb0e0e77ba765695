"""Shared fixtures. LibreOffice tests skip only outside CI: in CI a missing engine fails."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest

from tests.support.libreoffice import soffice
from unionxl.form import load_form

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


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
