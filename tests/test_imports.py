"""No import cycle among the package's modules, hidden in a function or not.

A function-level import only postpones a cycle: the two modules still cannot be read one
without the other. The graph is built from the source with `ast` (every import statement,
top-level or in a function, relative or absolute); imports under `if TYPE_CHECKING:` never
run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "metroextract"

# Edges (importer, imported) known to close a cycle and left for later, each with why.
# Empty: keep it so.
ALLOWED_CYCLE_EDGES: set[tuple[str, str]] = set()

# Bottom modules: what each may import from the project.
BOTTOM_MODULES = {"metroextract.text": set(), "metroextract.version": set(), "metroextract.typography": {"metroextract.models"}}


def _module_names() -> dict[str, tuple[Path, bool]]:
    """Dotted name → (file, is a package's __init__)."""
    out = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that can run: top-level, in functions, classes, try blocks."""
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node) for stmt in node.body for n in ast.walk(stmt)}
    return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in skipped]


def _imported(node: ast.Import | ast.ImportFrom, package: str, modules: set[str]) -> set[str]:
    """The project modules one import statement reads."""
    if isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name in modules}
    if node.level:
        base_parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join(base_parts + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    # `from . import sections` reads the submodule; `from . import NAME` reads the package
    return {f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names} & modules


def import_graph() -> dict[str, set[str]]:
    """Module → the project modules it imports (itself left out)."""
    names = _module_names()
    graph = {}
    for name, (path, is_package) in names.items():
        package = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        deps = set().union(*(_imported(n, package, set(names)) for n in _import_nodes(tree)))
        graph[name] = {d for d in deps if d != name and (name, d) not in ALLOWED_CYCLE_EDGES}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as the path that closes it (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(graph):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(graph[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_graph_sees_every_kind_of_import() -> None:
    graph = import_graph()
    assert "metroextract.text" in graph["metroextract.assemble"]  # relative, top-level
    assert "metroextract.atomic" in graph["metroextract.registry"]  # in a function
    assert "metroextract.cli_flows" in graph["metroextract.cli"]  # `from . import module`
    assert "metroextract.pipeline" in graph["metroextract"]  # the package's lazy attributes
    assert "metroextract.registry" not in graph["metroextract.normalize"]  # TYPE_CHECKING only


def test_no_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_bottom_modules_import_nothing_above_them() -> None:
    graph = import_graph()
    for name, allowed in BOTTOM_MODULES.items():
        assert graph[name] <= allowed, (name, graph[name] - allowed)
