"""Recalculate workbooks in LibreOffice headless: the reference spreadsheet engine of the tests.

A private user profile forces "always recalculate on load" for OOXML files, so the values read
back are LibreOffice's own, never the cached values unionxl wrote.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl

XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(paths: list[Path], outdir: Path) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate everything, save as .xlsx in outdir."""
    return convert(paths, "xlsx:Calc MS Excel 2007 XML", outdir)


def convert(paths: list[Path], target: str, outdir: Path,
            timeout: int = 600, xcu: str = XCU) -> list[Path]:
    """Each file opened in LibreOffice (recalculated) and saved as ``target`` ("xls",
    "ods", "xlsx:…") in outdir, in one call, with a private profile (another soffice running
    under the same profile would take the job and never answer)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as prof:
        user = Path(prof) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(xcu, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(outdir), *map(str, paths)]
        env = {**os.environ, "HOME": prof}
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    ext = target.split(":")[0]
    outs = [outdir / f"{Path(p).stem}.{ext}" for p in paths]
    missing = [o for o in outs if not o.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    return outs


def values(path: Path, sheet: str) -> tuple[list[list[object]], list[str]]:
    """Cell values of a recalculated sheet, and the addresses of every error value in the book."""
    wb = openpyxl.load_workbook(path, data_only=True)
    errors = [f"{ws.title}!{cell.coordinate}={cell.value}"
              for ws in wb.worksheets for row in ws.iter_rows() for cell in row
              if cell.data_type == "e"]
    grid = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    return grid, errors
