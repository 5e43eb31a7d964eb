"""The layering of ARCHITECTURE.md, read from the source with `ast` (nothing is imported or run).

- The domain core (flowtrack_ui/core) never imports Reflex, nor the layers above it (state, pages,
  components, api, or any other part of flowtrack_ui outside the core).
- No import cycle between the core's modules, nor between its capabilities (a folder of the core,
  such as ``pipelines/``, or a module at its top, such as ``jobs.py``): a capability that imports
  another is never imported back by it, even through others.
- No facade anywhere in flowtrack_ui: a name is imported from the module that defines it, never
  from one that only hands it on (an import kept with ``noqa: F401``, listed in ``__all__`` or
  re-exported as ``import x as x``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "flowtrack_ui"
CORE = "flowtrack_ui.core"
FORBIDDEN_IN_CORE = ("reflex", "reflex_base")
NOQA_F401 = re.compile(r"#\s*noqa\b(?!:)|#\s*noqa:[^#]*\bF401\b")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (absolute; a submodule when `from pkg import submodule`)
    line: int
    top_level: bool  # in the module's body (not inside a function)
    node: ast.Import | ast.ImportFrom


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(package: Path) -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(package.rglob("*.py")) if "__pycache__" not in p.parts}


ALL_MODULES = _sources(PACKAGE)


def _body_nodes(tree: ast.Module):
    """The statements run when the module is imported (its body, and the bodies of top-level if/try)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop(0)
        yield node
        if isinstance(node, ast.If | ast.Try):
            for block in ("body", "orelse", "finalbody"):
                todo.extend(getattr(node, block, []))
            for handler in getattr(node, "handlers", []):
                todo.extend(handler.body)


def _imports(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(), filename=str(path))
    top = {id(n) for n in _body_nodes(tree)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in ALL_MODULES else base for a in node.names]
        else:
            continue
        for target in dict.fromkeys(targets):
            found.append(Import(module, target, node.lineno, id(node) in top, node))
    return found


def _core_imports() -> list[Import]:
    return [imp for mod, path in ALL_MODULES.items() if mod.startswith(CORE) for imp in _imports(mod, path)]


def _capability(module: str) -> str:
    """`flowtrack_ui.core.pipelines.moves` → `pipelines`; `flowtrack_ui.core.jobs` → `jobs`."""
    rest = module.removeprefix(CORE).lstrip(".")
    return rest.split(".")[0] or "(core)"


def _cycles(edges: dict[str, set[str]]) -> list[tuple[list[str], list[str]]]:
    """Each group of nodes that reach each other (Tarjan), with one loop through it: the shortest from
    its first node back to itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1 or v in edges.get(v, ()):
                groups.append(group)

    for v in sorted(edges):
        if v not in index:
            visit(v)

    cycles = []
    for group in groups:
        start = min(group)
        # breadth-first from start back to start inside the group: the shortest loop through it
        paths = {start: [start]}
        todo = [start]
        loop = None
        while todo and loop is None:
            v = todo.pop(0)
            for w in sorted(edges[v] & group):
                if w == start:
                    loop = [*paths[v], start]
                    break
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    todo.append(w)
        cycles.append((sorted(group), loop))
    return cycles


def _describe(group_and_cycle: tuple[list[str], list[str]], imports: list[Import], key) -> str:
    group, cycle = group_and_cycle
    steps = [f"  tied together: {', '.join(group)}; for example:"]
    for a, b in zip(cycle, cycle[1:], strict=False):
        where = next(i for i in imports if key(i.module) == a and key(i.target) == b)
        steps.append(f"  {a} -> {b}  ({ALL_MODULES[where.module].relative_to(ROOT)}:{where.line})")
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


def test_the_core_imports_neither_reflex_nor_the_layers_above_it():
    wrong = []
    for imp in _core_imports():
        outside = imp.target.startswith("flowtrack_ui") and not (
            imp.target == CORE or imp.target.startswith(CORE + ".")
        )
        if imp.target.split(".")[0] in FORBIDDEN_IN_CORE or outside:
            wrong.append(f"{ALL_MODULES[imp.module].relative_to(ROOT)}:{imp.line} imports {imp.target}")
    assert not wrong, "the domain core reaches up:\n" + "\n".join(wrong)


def test_no_import_cycle_between_core_modules():
    imports = [i for i in _core_imports() if i.target in ALL_MODULES and i.target != i.module]
    edges: dict[str, set[str]] = {}
    for imp in imports:
        edges.setdefault(imp.module, set()).add(imp.target)
    cycles = _cycles(edges)
    assert not cycles, "import cycles between modules of the core:\n" + "\n".join(
        _describe(c, imports, lambda m: m) for c in cycles
    )


def test_no_import_cycle_between_core_capabilities():
    imports = [
        i
        for i in _core_imports()
        if i.target.startswith(CORE + ".") and _capability(i.module) != _capability(i.target)
    ]
    edges: dict[str, set[str]] = {}
    for imp in imports:
        edges.setdefault(_capability(imp.module), set()).add(_capability(imp.target))
    cycles = _cycles(edges)
    assert not cycles, "capabilities of the core that import each other:\n" + "\n".join(
        _describe(c, imports, _capability) for c in cycles
    )


def _bound_names(node: ast.Import | ast.ImportFrom) -> list[tuple[str, ast.alias]]:
    return [((a.asname or a.name).split(".")[0], a) for a in node.names]


def test_no_facade_hands_on_names_it_imports():
    facades = []
    for module, path in ALL_MODULES.items():
        source = path.read_text()
        lines = source.splitlines()
        tree = ast.parse(source, filename=str(path))
        top = [n for n in _body_nodes(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        imported = {}
        for node in top:
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
            if NOQA_F401.search(text):
                facades.append(f"{where} keeps an unused import (noqa: F401): {text.strip()}")
            for name, alias in _bound_names(node):
                imported[name] = where
                if alias.asname is not None and alias.asname == alias.name:
                    facades.append(f"{where} re-exports {alias.name} as itself")
        for node in _body_nodes(tree):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                names = [e.value for e in getattr(node.value, "elts", []) if isinstance(e, ast.Constant)]
                for name in names:
                    if name in imported:
                        facades.append(f"{imported[name]} imports {name} only to list it in {module}.__all__")
    assert not facades, "facades (import a name from the module that defines it):\n" + "\n".join(facades)
