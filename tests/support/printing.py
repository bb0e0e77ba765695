"""Print workbooks as a user would: LibreOffice headless exports each to PDF (every sheet, in a
Vietnamese locale so numbers read "1.234,5" and "98,52%"), poppler's ``pdftotext`` reads the
pages back, and the footer that names each sheet tells which page belongs to which sheet."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

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
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-print-") as prof:
        user = Path(prof) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, paths)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900,
                              env={**os.environ, "HOME": prof})
    outs = [outdir / (Path(p).stem + ".pdf") for p in paths]
    if proc.returncode != 0 or not all(o.exists() for o in outs):
        raise RuntimeError(f"LibreOffice failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    return outs


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
