"""Run VBA functions of a workbook in LibreOffice headless (its VBA compatibility mode).

Run with the system Python that has LibreOffice's ``uno`` module (not the test interpreter):
    python3 lo_vba.py BOOK.xlam CALLS.json OUT.json
CALLS.json is {"drop": [module…], "calls": [[module, function, [args…]], …]}; OUT.json gets
[result or "ERROR: …", …]. A private profile lets LibreOffice load and run the document's VBA
(macro security low). LibreOffice compiles a VBA library as a whole, so modules it cannot
compile (xlwings's own, with Declare PtrSafe) are dropped from the loaded copy first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">
 <prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Filter/Import/VBA">
 <prop oor:name="Load" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Filter/Import/VBA">
 <prop oor:name="Executable" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Filter/Import/VBA">
 <prop oor:name="Save" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""


def main(book: str, calls_path: str, out_path: str) -> int:
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    spec = json.loads(Path(calls_path).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="lo-vba-") as prof:
        (Path(prof) / "user").mkdir()
        (Path(prof) / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
        pipe = f"unionxl{os.getpid()}"
        office = subprocess.Popen(
            ["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
             f"--accept=pipe,name={pipe};urp;"],
            env={**os.environ, "HOME": prof}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            local = uno.getComponentContext()
            resolver = local.ServiceManager.createInstanceWithContext(
                "com.sun.star.bridge.UnoUrlResolver", local)
            deadline = time.time() + 120
            while True:
                try:
                    ctx = resolver.resolve(
                        f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                    break
                except Exception:
                    if time.time() > deadline or office.poll() is not None:
                        raise
                    time.sleep(0.5)
            desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx)
            copy = Path(prof) / Path(book).name  # LibreOffice's lock file goes there, not beside
            copy.write_bytes(Path(book).read_bytes())
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(str(copy)), "_blank", 0,
                (prop("Hidden", True), prop("FilterName", "Calc MS Excel 2007 VBA XML"),
                 prop("MacroExecutionMode", 4)))
            if doc is None:
                raise RuntimeError(f"LibreOffice did not open {book}")
            doc.BasicLibraries.loadLibrary("VBAProject")  # not loaded on demand
            library = doc.BasicLibraries.getByName("VBAProject")
            for module in spec["drop"]:
                library.removeByName(module)
            provider = doc.getScriptProvider()
            results = []
            for module, function, args in spec["calls"]:
                url = (f"vnd.sun.star.script:VBAProject.{module}.{function}"
                       "?language=Basic&location=document")
                try:
                    value, _, _ = provider.getScript(url).invoke(tuple(args), (), ())
                    results.append(value)
                except Exception as exc:  # reported back, the test decides
                    results.append(f"ERROR: {type(exc).__name__}: {exc}")
            doc.close(True)
            Path(out_path).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        finally:
            try:
                desktop.terminate()
            except Exception:
                pass
            try:
                office.wait(timeout=30)
            except subprocess.TimeoutExpired:
                office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
