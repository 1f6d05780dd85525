"""The layers hold: every module under src/jiuzhu parsed with ``ast`` (imports inside functions included).

- ``core`` (the foundation) and ``domain`` (pure Python) import no app;
- ``domain`` imports no Django;
- no import cycle between modules.

``if TYPE_CHECKING:`` blocks count for the layers but not for cycles: they never run.
"""

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jiuzhu

SRC = Path(jiuzhu.__file__).parent
ROOT = "jiuzhu"
#: Packages that are not apps: the foundation, the pure domain and the data files.
FOUNDATION = {"jiuzhu.core", "jiuzhu.domain"}


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    type_only: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    return {
        module_name(p): p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.relative_to(SRC).parts
    }


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(
    tree: ast.AST, type_only: bool = False
) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement, at any depth, and whether it sits under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, type_only
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from _import_nodes(ast.Module(body=[child], type_ignores=[]), True)
            for child in node.orelse:
                yield from _import_nodes(ast.Module(body=[child], type_ignores=[]), type_only)
        else:
            yield from _import_nodes(node, type_only)


def _base(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = source if is_package else source.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports_of(
    source: str, text: str, modules: dict[str, Path], *, is_package: bool = False
) -> Iterator[Import]:
    """Targets are modules: ``from pkg import mod`` names ``pkg.mod`` when that is a module, else ``pkg``."""
    tree = ast.parse(text)
    for node, type_only in _import_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, alias.name, node.lineno, type_only)
            continue
        base = _base(source, is_package, node)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            yield Import(source, sub if sub in modules else base, node.lineno, type_only)


def all_imports() -> list[Import]:
    modules = all_modules()
    return [
        i
        for name, path in modules.items()
        for i in imports_of(
            name, path.read_text(encoding="utf-8"), modules, is_package=path.name == "__init__.py"
        )
    ]


def top_package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def is_app(module: str) -> bool:
    """Any first-level part of jiuzhu other than the foundation (apps, the demo, urls, settings, the CLI)."""
    return _inside(module, ROOT) and module != ROOT and top_package(module) not in FOUNDATION


def graph() -> dict[str, set[str]]:
    """Module → the modules it imports at run time (each import also runs the target's packages' __init__)."""
    modules = all_modules()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for imp in all_imports():
        if imp.type_only:
            continue
        target = imp.target
        while target and target not in modules:
            target = target.rpartition(".")[0]  # ``import pkg.mod.Name`` never happens; ``pkg.mod`` does
        while target and not _inside(imp.source, target):
            edges[imp.source].add(target)
            target = target.rpartition(".")[0]
    return edges


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iteratively; components of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(sorted(component))
    return found


def _show(imports: list[Import]) -> str:
    return "\n".join(f"{i.source}:{i.line} imports {i.target}" for i in imports)


def test_the_parser_sees_imports_inside_functions_and_from_package_import_module():
    modules = {"jiuzhu.a": Path("a.py"), "jiuzhu.b": Path("b.py"), "jiuzhu.b.c": Path("b/c.py")}
    text = "def f():\n    from jiuzhu.b import c\n    from . import b\n    from .b import d\n"
    found = [i.target for i in imports_of("jiuzhu.a", text, modules)]
    assert found == ["jiuzhu.b.c", "jiuzhu.b", "jiuzhu.b"]
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from jiuzhu import a\n"
    assert [(i.target, i.type_only) for i in imports_of("jiuzhu.b.c", text, modules)] == [
        ("typing", False),
        ("jiuzhu.a", True),
    ]


def test_cycles_are_found():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert sorted(strongly_connected(edges)) == [["a", "b", "c"], ["e"]]


def test_the_graph_has_every_module():
    modules = all_modules()
    assert "jiuzhu.core.fields" in modules and "jiuzhu.domain.money" in modules
    assert len(all_imports()) > 200


def test_core_and_domain_import_no_app():
    wrong = [i for i in all_imports() if top_package(i.source) in FOUNDATION and is_app(i.target)]
    assert not wrong, _show(wrong)


def test_domain_imports_no_django():
    wrong = [
        i
        for i in all_imports()
        if _inside(i.source, "jiuzhu.domain") and (i.target.split(".")[0] in {"django", "rest_framework"})
    ]
    assert not wrong, _show(wrong)


def test_no_import_cycle():
    cycles = strongly_connected(graph())
    assert not cycles, "\n".join(" → ".join(c) for c in cycles)
