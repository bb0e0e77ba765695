"""A package written again with a few parts replaced: the calculation chain dropped and a full
recalculation asked for on open, every other part copied as it was (same names, same order).

Excel repairs a file whose calcChain lists cells that no longer hold the formulas it names, and
shows the cached values of formulas until something recalculates them; openpyxl dealt with both
the same way (no calcChain, ``fullCalcOnLoad``).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from .package import Package
from .sheetxml import Unsure

_CALC_CHAIN_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
_RELS = "xl/_rels/workbook.xml.rels"
# CT_Workbook (ECMA-376 Part 1, 18.2.27): what comes after calcPr, in order.
_AFTER_CALC_PR = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
                  "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


def _text(pkg: Package, name: str) -> str:
    data = pkg.checked_part(name)
    if data is None:
        raise Unsure(f"part {name} missing")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unsure(f"{name} is not UTF-8") from exc


def full_calc_on_load(xml: str) -> str:
    """xl/workbook.xml asking Excel to recalculate every formula when it opens the file."""
    root = re.search(r"<(\w+:)?workbook\b", xml)
    if root is None:
        raise Unsure("no workbook element")
    p = root.group(1) or ""
    calc = list(re.finditer(rf"<{p}calcPr\b([^>]*?)(/?)>", xml))
    if len(calc) > 1:
        raise Unsure("several calcPr")
    if calc:
        m = calc[0]
        attrs = re.sub(r"""\s+fullCalcOnLoad\s*=\s*("[^"]*"|'[^']*')""", "", m.group(1))
        tag = f'<{p}calcPr{attrs} fullCalcOnLoad="1"{m.group(2)}>'
        return xml[:m.start()] + tag + xml[m.end():]
    after = re.search(rf"<{p}(?:{'|'.join(_AFTER_CALC_PR)})\b|</{p}workbook\s*>", xml)
    if after is None:
        raise Unsure("workbook element not closed")
    return xml[:after.start()] + f'<{p}calcPr fullCalcOnLoad="1"/>' + xml[after.start():]


def _without_calc_chain(pkg: Package) -> tuple[dict[str, bytes], set[str]]:
    """The parts to replace and the parts to drop so that no calcChain is left."""
    rels = _text(pkg, _RELS)
    chain = [m for m in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*?/>", rels)
             if _CALC_CHAIN_TYPE in m.group(0)]
    names = {n for n in pkg.names if posixpath.basename(n).lower() == "calcchain.xml"}
    if not chain and not names:
        return {}, set()
    if len(chain) != 1 or len(names) > 1:
        raise Unsure("calcChain not referenced once")
    target = re.search(r"""\bTarget\s*=\s*["']([^"']*)["']""", chain[0].group(0))
    if target is None:
        raise Unsure("calcChain relationship without a target")
    t = target.group(1)
    part = posixpath.normpath(t.lstrip("/") if t.startswith("/") else "xl/" + t)
    if names and names != {part}:
        raise Unsure("calcChain relationship names another part")
    types = _text(pkg, "[Content_Types].xml")
    override = re.compile(rf"""<(?:\w+:)?Override\b[^>]*PartName\s*=\s*["']/{re.escape(part)}["']"""
                          r"[^>]*?/>", re.I)
    return {_RELS: (rels[:chain[0].start()] + rels[chain[0].end():]).encode("utf-8"),
            "[Content_Types].xml": override.sub("", types).encode("utf-8")}, names


def write(pkg: Package, parts: dict[str, bytes], target: Path) -> None:
    """The package with ``parts`` replaced, the calcChain dropped, fullCalcOnLoad set."""
    assert pkg.zip is not None
    replaced, dropped = _without_calc_chain(pkg)
    replaced["xl/workbook.xml"] = full_calc_on_load(_text(pkg, "xl/workbook.xml")).encode("utf-8")
    replaced.update(parts)
    odd = [i.filename for i in pkg.zip.infolist()
           if i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)]
    if odd:
        raise Unsure(f"compression zipfile cannot write back: {odd}")
    with zipfile.ZipFile(target, "w") as out:
        for info in pkg.zip.infolist():
            if info.filename in dropped:
                continue
            data = replaced.get(info.filename)
            if data is None:
                data = pkg.zip.read(info.filename)
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type, copy.external_attr = info.compress_type, info.external_attr
            out.writestr(copy, data)
