"""XML parts of a submitted file, parsed safely.

Excel and LibreOffice never write a DOCTYPE in a workbook part; a DOCTYPE is how entity
expansion and external entities (XXE) get in, so a part that declares one is refused before
any parser builds a tree from it. A part that is not well-formed (cut short, broken after the
table) is refused too: a reader that stops at the break would take half a file for a whole one.
"""

from __future__ import annotations

import pyexpat
from xml.etree import ElementTree

UNSAFE = "unsafe"
DAMAGED = "damaged"


class XmlRefused(Exception):
    """``kind`` is UNSAFE or DAMAGED; ``detail`` says where (technical, for the JSON)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.detail = kind, detail


class _Doctype(Exception):
    pass


def _refuse_doctype(*_args: object) -> None:
    raise _Doctype


def check(data: bytes) -> None:
    """Raise ``XmlRefused`` unless ``data`` is well-formed XML without a DOCTYPE."""
    parser = pyexpat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    try:
        parser.Parse(data, True)
    except _Doctype:
        raise XmlRefused(UNSAFE, "DOCTYPE/ENTITY declaration") from None
    except pyexpat.ExpatError as exc:
        raise XmlRefused(DAMAGED, f"line {exc.lineno}, column {exc.offset}: "
                         f"{pyexpat.ErrorString(exc.code)}") from None


def parse(data: bytes) -> ElementTree.Element:
    """The element tree of a checked part (``check`` first: never a DOCTYPE)."""
    check(data)
    return ElementTree.fromstring(data)
