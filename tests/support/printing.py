"""Print workbooks as a user would: LibreOffice headless exports each to PDF (every sheet, in a
Vietnamese locale so numbers read "1.234,5" and "98,52%"), poppler's ``pdftotext`` reads the
pages back, and the footer that names each sheet tells which page belongs to which sheet."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .libreoffice import convert

XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N">
 <prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>vi-VN</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
FOOTER = re.compile(r"^\s*(?P<sheet>\S.*?)\s{2,}Trang (?P<page>\d+)/(?P<of>\d+)\s*$")


def poppler() -> bool:
    return bool(shutil.which("pdftotext"))


def to_pdf(paths: list[Path], outdir: Path) -> list[Path]:
    """Every workbook to PDF in one LibreOffice run (recalculated on load)."""
    return convert(paths, "pdf", outdir, timeout=900, xcu=XCU)  # vi-VN, as printed in an office


@dataclass
class Printed:
    """A printed workbook: the text of each page and the sheet each page belongs to."""

    path: Path
    pages: list[str]  # as laid out on the page (columns kept apart)
    flowing: list[str]  # in reading order (a wrapped cell's lines together)
    sheet_of: list[str] = field(default_factory=list)

    def sheet_pages(self, sheet: str) -> list[str]:
        return [p for p, s in zip(self.pages, self.sheet_of, strict=True) if s == sheet]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s in self.sheet_of:
            out[s] = out.get(s, 0) + 1
        return out


def _pages(path: Path, *options: str) -> list[str]:
    text = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def read_pdf(path: Path) -> Printed:
    pages = _pages(path, "-layout")
    printed = Printed(path, pages, _pages(path))
    for page in pages:
        footers = [m for line in page.splitlines() if (m := FOOTER.match(line))]
        printed.sheet_of.append(footers[-1].group("sheet").strip() if footers else "")
    return printed


def squeeze(text: str) -> str:
    """Text without any white space: a label wrapped over lines still matches."""
    return re.sub(r"\s+", "", text)
