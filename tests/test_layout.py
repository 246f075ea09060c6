"""The package's layout holds (issue 8): one room per job, no import cycle, a map that is true.

The import graph is read from the source with `ast`, every import counted, also those made
inside a function (lazy imports still make one module depend on another) and those only for
type checking.  The root package `cdsctl` is a facade: it imports nothing at module level and
re-exports `find_root` and `validate` lazily, so an import *of* it (for `__version__`) makes
no cycle and its own lazy re-exports are left out of the graph.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "cdsctl"
MAP = REPO / "docs" / "development.md"
#: the modules that may end the process or write to the standard streams themselves
ENDS_THE_PROCESS = {"cdsctl.__main__", "cdsctl.validation.workers",
                    "cdsctl.validation.forkpool"}  # fmt: skip


def _name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _target(module: str, path: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    known = modules()
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    if node.level:
        base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join([*base, *([node.module] if node.module else [])])
    else:
        source = node.module or ""
    found = []
    for alias in node.names:
        if f"{source}.{alias.name}" in known:
            found.append(f"{source}.{alias.name}")  # `from . import module`
        elif source in known:
            found.append(source)
    return found


@cache
def imports() -> dict[str, set[str]]:
    """module → the cdsctl modules it imports anywhere in its text."""
    graph: dict[str, set[str]] = {}
    for module, path in modules().items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                targets.update(_target(module, path, node))
        targets.discard(module)
        graph[module] = targets if module != "cdsctl" else set()  # (the facade: see above)
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of `graph`, or None (depth first, colouring nodes)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)) is not None:
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)) is not None:
            return found
    return None


def room(module: str) -> str:
    """The subpackage a module lives in (or the module itself, directly in cdsctl/)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert cycle({"a": {"a"}}) == ["a", "a"]


def test_no_module_imports_in_a_cycle() -> None:
    assert cycle(imports()) is None


def test_no_room_imports_in_a_cycle() -> None:
    """Nor do the rooms: data flows one way, files → load → checks → validation → records →
    queries → output, and the CLI over all of them."""
    rooms: dict[str, set[str]] = defaultdict(set)
    for module, targets in imports().items():
        rooms[room(module)].update(room(t) for t in targets if room(t) != room(module))
    rooms.pop("cdsctl", None)
    for targets in rooms.values():
        targets.discard("cdsctl")
    assert cycle(rooms) is None


def test_the_facade_imports_nothing_at_module_level() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    ours = [
        n
        for n in top
        if isinstance(n, ast.ImportFrom) and (n.level or "cdsctl" in (n.module or ""))
    ]
    assert top and not ours  # (`from typing import …` is fine)


def test_few_modules_directly_in_the_package_and_none_too_long() -> None:
    direct = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(direct) <= 15, direct
    long = {m: n for m, p in modules().items()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}  # fmt: skip
    assert not long


@pytest.mark.parametrize("module", sorted(modules()))
def test_every_module_says_what_it_is_for(module: str) -> None:
    tree = ast.parse(modules()[module].read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and len(doc) > 20, f"{module} opens with no docstring saying what it owns"


def _ends_or_prints(node: ast.AST) -> str | None:
    """What `node` does that only the CLI may do, if anything."""
    if isinstance(node, ast.Call):
        called = ast.unparse(node.func)
        if called in ("print", "sys.exit", "exit", "os._exit") or called.startswith("typer."):
            return called
    if isinstance(node, ast.Raise) and ast.unparse(node.exc or node).startswith("SystemExit"):
        return "raise SystemExit"
    if isinstance(node, ast.Import | ast.ImportFrom):
        names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
        if any(n == "typer" or n.startswith("typer.") for n in names):
            return "imports typer"
    return None


def test_nothing_below_the_cli_prints_or_exits() -> None:
    offenders = [
        f"{module}: {found}"
        for module, path in modules().items()
        if not module.startswith("cdsctl.cli") and module not in ENDS_THE_PROCESS
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (found := _ends_or_prints(node)) is not None
    ]
    assert not offenders


def _mapped() -> dict[str, str]:
    """The module map of docs/development.md (its first code block after "## Module map"):
    module → its line.  `  name.py` is a module of cdsctl/, `  room/` a subpackage, and
    `    name.py` below it one of its modules."""
    text = MAP.read_text(encoding="utf-8")
    block = text[text.index("## Module map") :]
    block = block[block.index("```") + 3 :]
    block = block[: block.index("```")]
    found, folder = {}, ""
    for line in block.splitlines():
        if m := re.match(r"^  (\w+)/(?:\s|$)", line):
            folder = m.group(1)
            found[f"cdsctl.{folder}"] = line
        elif m := re.match(r"^  (\w+)\.py\b", line):
            folder = ""
            found["cdsctl" if m.group(1) == "__init__" else f"cdsctl.{m.group(1)}"] = line
        elif (m := re.match(r"^    (\w+)\.py\b", line)) and folder:
            found[f"cdsctl.{folder}.{m.group(1)}"] = line
    return found


def test_the_module_map_shows_every_module_and_no_other() -> None:
    mapped = _mapped()
    assert set(mapped) == set(modules()), (
        f"in the map, not in cdsctl/: {sorted(set(mapped) - set(modules()))}; "
        f"in cdsctl/, not in the map: {sorted(set(modules()) - set(mapped))}"
    )
