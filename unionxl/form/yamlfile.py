"""Reading a form or profile YAML file, parsed once per content.

Every ribbon click starts a fresh Python; importing PyYAML and parsing a form costs about as
much as the rest of ``validate``. Like Python's own byte-code cache, the parsed data is kept
(``marshal``) in the user's cache folder under the hash of the file's bytes: an edited file has
another hash, so a stale entry is never read. A cache that cannot be read or written is
ignored: the file is parsed as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

FORMAT = b"unionxl-yaml-1"  # bump when the meaning of a cached entry changes
CACHE_ENV = "UNIONXL_CACHE_DIR"  # a folder; empty turns the cache off


class YamlSyntaxError(Exception):
    """The file is not valid YAML (``line`` and ``column``, 1-based, when known), or not
    UTF-8 text (``not_utf8``)."""

    def __init__(self, line: int | None, column: int | None, not_utf8: bool = False) -> None:
        super().__init__(f"YAML syntax error at {line}:{column}")
        self.line, self.column, self.not_utf8 = line, column, not_utf8


def cache_dir() -> Path | None:
    if CACHE_ENV in os.environ:
        return Path(os.environ[CACHE_ENV]) if os.environ[CACHE_ENV] else None
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME")
    return Path(base or Path.home() / ".cache") / "unionxl" / "yaml"


def load(path: str | Path) -> Any:
    """The parsed content of ``path``; OSError when it cannot be read, YamlSyntaxError when it
    is not YAML."""
    data = Path(path).read_bytes()
    folder = cache_dir()
    entry = folder / (hashlib.sha256(FORMAT + data).hexdigest() + ".marshal") if folder else None
    if entry is not None:
        try:
            return marshal.loads(entry.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass  # no entry yet, or a damaged one: parse and write it again
    parsed = parse(data)
    if entry is not None:
        _store(entry, parsed)
    return parsed


def parse(data: bytes) -> Any:
    import yaml  # only on a cache miss: importing PyYAML costs a fifth of a click

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlSyntaxError(None, None, not_utf8=True) from exc
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlSyntaxError(mark.line + 1 if mark else None,
                              mark.column + 1 if mark else None) from exc


def _store(entry: Path, parsed: Any) -> None:
    try:
        blob = marshal.dumps(parsed)
    except ValueError:  # a value marshal cannot keep (a date): parse this file every time
        return
    tmp = entry.with_name(f"{entry.stem}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(blob)
        os.replace(tmp, entry)  # readers see the whole entry or none
    except OSError:  # a read-only or odd cache folder: no entry, and nothing left behind
        with contextlib.suppress(OSError):
            tmp.unlink()
