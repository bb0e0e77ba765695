"""Forms and profiles parsed once per content: the cache gives what PyYAML gives, never a stale
entry, and a broken or missing cache changes nothing but speed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from tests.conftest import ROOT
from unionxl.errors import FormDefinitionError, ProfileError
from unionxl.form import FORMS_DIR, load_form_file, load_profile, yamlfile

FILES = sorted(FORMS_DIR.glob("*.yaml")) + sorted((ROOT / "unionxl" / "data").glob("*.yaml"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(yamlfile.CACHE_ENV, str(folder))
    return folder


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_cached_and_fresh_give_what_pyyaml_gives(path, cache):
    expected = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert yamlfile.load(path) == expected  # parsed, entry written
    assert len(list(cache.iterdir())) == 1
    assert yamlfile.load(path) == expected  # from the entry


def test_an_edited_file_is_parsed_again(tmp_path, cache):
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    assert yamlfile.load(path) == {"a": 1, "b": ["x", "y"]}
    path.write_text("a: 2\nb: [x, y]\n", encoding="utf-8")  # same size, new content
    assert yamlfile.load(path) == {"a": 2, "b": ["x", "y"]}


def test_a_damaged_entry_is_parsed_again_and_rewritten(tmp_path, cache):
    path = tmp_path / "f.yaml"
    path.write_text("tên: Bắc Ninh\n", encoding="utf-8")
    yamlfile.load(path)
    (entry,) = cache.iterdir()
    entry.write_bytes(b"\x00garbage")
    assert yamlfile.load(path) == {"tên": "Bắc Ninh"}
    assert yamlfile.load(path) == {"tên": "Bắc Ninh"}
    assert entry.read_bytes() != b"\x00garbage"


def test_a_cache_that_cannot_be_written_or_is_off_changes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(yamlfile.CACHE_ENV, str(blocker / "cache"))  # under a file: no folder
    assert yamlfile.load(path) == {"a": 1}
    monkeypatch.setenv(yamlfile.CACHE_ENV, "")
    assert yamlfile.cache_dir() is None and yamlfile.load(path) == {"a": 1}


def test_a_date_is_parsed_every_time_rather_than_cached(tmp_path, cache):
    path = tmp_path / "f.yaml"
    path.write_text("from: 2025-07-01\n", encoding="utf-8")
    first = yamlfile.load(path)
    assert str(first["from"]) == "2025-07-01" and yamlfile.load(path) == first
    assert not cache.exists() or not list(cache.iterdir())


def test_second_run_does_not_import_pyyaml(tmp_path):
    env = {**os.environ, yamlfile.CACHE_ENV: str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    code = ("import sys; from unionxl.form import load_form; load_form('phu-luc-nhiem-ky'); "
            "print('yaml' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)]
    assert runs == ["True", "False"]


def test_a_file_not_saved_as_utf8_is_named_with_what_to_do(tmp_path, cache):
    form = tmp_path / "bieu-mau.yaml"
    form.write_bytes(_legacy("id: x\ntitle: Báo cáo\n"))
    with pytest.raises(FormDefinitionError, match="UTF-8"):
        load_form_file(str(form))
    profile = tmp_path / "ho-so-tinh.yaml"
    profile.write_bytes(_legacy("province: Hà Nam\n"))
    with pytest.raises(ProfileError, match="UTF-8"):
        load_profile(profile)


def _legacy(text: str) -> bytes:
    """As Notepad saves it in a Windows code page ("ANSI") rather than UTF-8."""
    return text.encode("cp1252")


def test_a_syntax_error_names_line_and_column(tmp_path, cache):
    form = tmp_path / "bieu-mau.yaml"
    form.write_text("id: x\ntitle: [Báo cáo\n", encoding="utf-8")
    with pytest.raises(FormDefinitionError, match=r"dòng \d+, cột \d+"):
        load_form_file(str(form))
