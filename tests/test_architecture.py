"""The package keeps its shape: no import cycles, stages that never see the Study, one catalogue
of errors, and a README that names every package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import qualcode.errors
from tests.helpers import REPO

PACKAGE = REPO / "qualcode"
#: Sub-packages from the bottom of the data flow to the top; a package imports only those before it.
LAYERS = [
    "common",
    "study",
    "codebook",
    "coding",
    "suggest",
    "analysis",
    "synthesis",
    "report",
    "interop",
    "app",
    "cli",
]
#: What each stage may import besides qualcode.errors, qualcode.common and its own package.
ALLOWED = {
    "common": set(),
    "study": set(),
    "codebook": set(),
    "coding": {"study", "codebook"},
    "suggest": {"study", "codebook", "coding"},
    "analysis": {"study", "codebook", "coding", "suggest"},
    "synthesis": {"study", "codebook", "coding", "suggest", "analysis"},
    "report": {"study", "codebook", "coding", "suggest", "analysis", "synthesis"},
    "interop": {"study", "codebook", "coding", "analysis"},
    "app": {"study", "codebook", "coding", "suggest", "analysis", "synthesis", "report", "interop"},
    "cli": {"study", "codebook", "coding", "suggest", "analysis", "synthesis", "report", "interop", "app"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every qualcode module ``path`` imports, at the top or inside functions (TYPE_CHECKING too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "qualcode":
                found.update(f"qualcode.{alias.name}" for alias in node.names)
            elif node.module.startswith("qualcode."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("qualcode"))
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        edges[name] = {m for m in imports_of(path) if m in modules and m != name}
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else None


def test_architecture_the_module_graph_has_no_import_cycle():
    assert find_cycle(graph()) is None


def test_architecture_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_architecture_packages_import_only_the_layers_below_them():
    wrong = []
    for module, targets in graph().items():
        source = package_of(module)
        if source is None:
            continue
        for target in targets:
            destination = package_of(target)
            if destination in (None, source, "common"):
                continue
            if destination not in ALLOWED[source]:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_architecture_only_the_app_and_cli_know_the_study_object():
    users = sorted(m for m, targets in graph().items() if "qualcode.app.study" in targets)
    assert all(m.startswith(("qualcode.app", "qualcode.cli")) or m == "qualcode" for m in users), users


def test_architecture_every_error_class_lives_in_errors_py():
    """(The CLI's two adapters to click's exception, which only carry an exit status, excepted.)"""
    defined_elsewhere = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef) or not re.search(r"(Error|Exception|Problem|Undefined)$", node.name):
                continue
            if any(ast.unparse(base) == "click.ClickException" for base in node.bases):
                continue
            defined_elsewhere.append(f"{module_name(path)}.{node.name}")
    assert defined_elsewhere == []


def test_architecture_no_bare_qualcode_error_is_raised():
    bare = []
    for path in PACKAGE.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"raise QualcodeError\(", line):
                bare.append(f"{path.relative_to(REPO)}:{number}")
    assert bare == []


def test_architecture_every_error_has_a_docstring_problems_and_an_exit_code():
    classes = [c for c in vars(qualcode.errors).values() if isinstance(c, type) and issubclass(c, Exception)]
    for cls in classes:
        assert cls.__doc__ and cls.__doc__.strip(), cls
    error = qualcode.errors.UnknownTranscriptError("no transcript 'x'")
    assert error.problems == [qualcode.errors.Problem("", 0, "no transcript 'x'")]
    assert error.exit_code == 1 and qualcode.errors.UsageError("bad").exit_code == 2


def test_architecture_the_module_table_follows_the_folders():
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if path.name == "__init__.py" and path.parent != PACKAGE:
            relative = path.parent.relative_to(PACKAGE).as_posix() + "/"
        assert f"`{relative}`" in text, f"ARCHITECTURE.md does not describe qualcode/{relative}"
