"""OLE compound files: legacy .xls workbooks and password-protected ones (an OOXML package
encrypted inside an OLE container). olefile is imported only when a file is one of these: it
pulls ``logging``, which reading an ordinary .xlsx never needs."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def open_ole(data: bytes) -> Iterator[Any]:
    """An ``olefile.OleFileIO`` over ``data``; olefile's own exceptions for damaged files."""
    import olefile  # only for OLE files (see the module's docstring)

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        yield ole
