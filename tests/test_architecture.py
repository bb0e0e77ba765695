"""The tree reads as the flow: form → workbook → validation → consolidation → front ends.

Checked on the source with ``ast``: no import cycle inside unionxl, arrows only down the flow,
no module over 400 lines, and imports inside functions only for optional heavy dependencies
(said so in a comment).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "unionxl"
# The flow, upstream first; a module may import its own layer or any layer before it.
LAYERS = ["text", "errors", "atomic", "form", "workbook", "validation", "consolidation",
          "excel", "cli", "__main__"]
SUBPACKAGES = ["form", "workbook", "validation", "consolidation", "excel", "cli"]
# Optional or heavy, used by few callers (openpyxl pulls numpy: a quarter of a second that
# validate pays only with --annotate).
# PyYAML is imported only when a form is not in the parse cache, olefile only for OLE files.
LAZY_ALLOWED = {"xlwings", "pyopenvba", "pandas", "openpyxl", "yaml", "olefile"}
MAX_LINES = 400


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(name: str, path: Path) -> list[tuple[ast.stmt, list[str], bool]]:
    """(statement, modules it names, at module level) for every import that runs."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[ast.stmt, list[str], bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                continue  # annotations only: never imported at run time
            if isinstance(child, ast.Import):
                found.append((child, [a.name for a in child.names], top))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                found.append((child, [base] + [f"{base}.{a.name}" for a in child.names], top))
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                   ast.ClassDef, ast.Lambda))
            visit(child, inner)

    visit(tree, True)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        # A module's own packages are imported before it by Python itself: "from . import
        # expr" depends on expr, not on the half-initialised package around it.
        ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        for _, targets, _ in _imports(name, path):
            edges[name] |= {t for t in targets if t in mods and t != name
                            and t not in ancestors}
    return edges


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else -1


def test_subpackages_follow_the_data():
    for sub in SUBPACKAGES:
        assert (PACKAGE / sub / "__init__.py").exists(), sub
    flat = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "atomic.py", "errors.py", "text.py"], flat


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)


def test_cycle_check_can_fail(tmp_path, monkeypatch):
    """The check above really finds a cycle when there is one."""
    pkg = tmp_path / "unionxl" / "form"
    pkg.mkdir(parents=True)
    (tmp_path / "unionxl" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "__init__.py").write_text("from .a import x\n", encoding="utf-8")
    (pkg / "a.py").write_text("from .b import y\nx = 1\n", encoding="utf-8")
    (pkg / "b.py").write_text("from .a import x\ny = 2\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "PACKAGE", tmp_path / "unionxl")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "ROOT", tmp_path)
    try:
        test_no_import_cycle()
    except AssertionError as exc:
        assert "unionxl.form.a → unionxl.form.b → unionxl.form.a" in str(exc)
    else:
        raise AssertionError("a planted cycle was not found")


def test_arrows_point_down_the_flow():
    wrong = [f"{src} → {dst}" for src, dsts in graph().items() for dst in dsts
             if layer(dst) > layer(src)]
    assert not wrong, wrong


def test_imports_inside_functions_only_for_optional_heavy_dependencies():
    wrong = []
    for name, path in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for stmt, targets, top in _imports(name, path):
            if top:
                continue
            root = targets[0].split(".")[0]
            commented = "#" in lines[stmt.lineno - 1]
            if root not in LAZY_ALLOWED or not commented:
                wrong.append(f"{path.relative_to(ROOT)}:{stmt.lineno} {targets[0]}")
    assert not wrong, wrong


def test_modules_stay_small():
    big = {str(p.relative_to(ROOT)): n for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, big


HEAVY = {"openpyxl", "xlsxwriter", "python_calamine", "yaml", "pandas", "xlwings", "olefile",
         "pyopenvba", "numpy"}


def _loaded_after(argv: list[str], also: frozenset[str] = frozenset()) -> set[str]:
    """Top-level packages of HEAVY (and modules named in ``also``) imported by ``unionxl ARGV``
    in a fresh interpreter, on its second run (the first one fills the parsed-form cache)."""
    import subprocess
    import sys

    code = (f"import sys\nfrom unionxl.cli import main\ntry:\n    main({argv!r})\n"
            "except SystemExit:\n    pass\n"
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} | set(sys.modules))))")
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split("\n")[-2]
    return set(out.split()) & (HEAVY | also)


def test_start_up_imports_only_what_the_command_needs(tmp_path):
    # Each ribbon click and command starts a fresh Python: nothing heavy before it is needed.
    assert _loaded_after(["--version"]) == set()
    assert _loaded_after(["--help"]) == set()
    assert _loaded_after(["form", "list"]) == set()
    book = str(ROOT / "workbook_templates" / "phu-luc-nhiem-ky_2023-2028.xlsx")
    assert _loaded_after(["validate", book]) == {"python_calamine"}
    writing = frozenset({"unionxl.consolidation.run", "unionxl.consolidation.output", "email"})
    out = str(tmp_path / "t.xlsx")
    assert _loaded_after(["template", "bao-cao-nam", "-o", out], writing) == {
        "python_calamine", "xlsxwriter"}
