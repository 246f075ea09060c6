"""Reference cycles (spec 1.1 "Across kinds"): no chain of task `parent`s, agency `parent`s
or directive `references` comes back to where it started."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from typing import Any

from ..i18n import N_, Msg
from ..load.scalarpos import KeyPath
from .index import AnySummary, CrossFinding, Index

# -- reference cycles --------------------------------------------------------------------------

#: one reference: (from id, to id, where it stands: (file, path or None for a reference
#: found again by name, the reference's (kinds, name)))
Link = tuple[str, str, tuple[str, KeyPath | None, tuple[tuple[str, ...], str] | None]]


def check_cycles(index: Index, today: str) -> Iterator[CrossFinding]:
    """No task's `parent` chain, agency's `parent` chain or chain of directive `references`
    comes back to where it started (spec 1.1 "Across kinds").  Each group of records that
    refer round to each other is reported once, at one member's reference, naming a cycle
    through it."""
    yield from cycle_findings(
        _task_parents(index), agency_parents(index), _directive_references(index)
    )


def cycle_findings(tasks: Iterable[Link], agencies: Iterable[Link],
                   directives: Iterable[Link]) -> Iterator[CrossFinding]:  # fmt: skip
    """The findings of :func:`check_cycles` over these links."""
    for what, links in (("task parent", tasks), ("agency parent", agencies),
                        ("directive reference", directives)):  # fmt: skip
        for cycle, (file, path, reference) in cycles(links):
            chain = " → ".join([*cycle, cycle[0]])
            msg = Msg("{what} cycle: {chain}; {fix}", what=Msg(_CYCLE_WHAT[what]), chain=chain,
                      fix=Msg(_CYCLE_FIX[what]))  # fmt: skip
            yield CrossFinding(file, path, "reference-cycle", msg, about=cycle[0],
                               reference=reference, others=tuple(cycle[1:]))  # fmt: skip


_CYCLE_WHAT = {"task parent": N_("task parent"), "agency parent": N_("agency parent"),
               "directive reference": N_("directive reference")}  # fmt: skip
_CYCLE_FIX = {
    "task parent": N_("a chain of `parent`s must end at a task without one: correct or "
                      "remove one of these `parent` fields"),
    "agency parent": N_("a chain of `parent`s must end at an agency without one: correct or "
                        "remove one of these `parent` fields in agencies.yaml"),
    "directive reference": N_("a directive refers to documents issued before it: correct or "
                              "remove one of these `references`"),
}  # fmt: skip


#: one record's own links, whatever they lead to: (from id, to id, whether it is a task's
#: `parent` (else a directive's reference)); :func:`valid_links` keeps those that count
RawLink = tuple[str, str, bool]


def raw_links(summary: AnySummary) -> list[RawLink]:
    """A task's `parent` and a directive's references to directives, as written."""
    if summary.id is None:
        return []
    if summary.kind == "task" and "parent" in summary.values:
        return [(summary.id, summary.values["parent"], True)]
    if summary.kind == "directive":
        return [(summary.id, name, False) for name in summary.references.get(_DIRECTIVE, ())]
    return []


def valid_links(index: Index, file: str, links: Iterable[RawLink]) -> Iterator[tuple[bool, Link]]:
    """Of `file`'s raw links, those whose record holds its id and whose target is of its
    kind, as (whether a task's parent, the link)."""
    by_id = index.by_id
    for source, target, task in links:
        held, to = by_id.get(source), by_id.get(target)
        if held is None or held.file != file or to is None:
            continue
        if task and to.kind == "task" and held.kind == "task":
            yield True, (source, target, (file, ("parent",), None))
        elif not task and to.kind == "directive" and held.kind == "directive":
            yield False, (source, target, (file, None, (_DIRECTIVE, target)))


_DIRECTIVE = ("directive",)


def _task_parents(index: Index) -> Iterator[Link]:
    for task in index.tasks_with["parent"]:
        parent = task.values["parent"]
        target = index.by_id.get(parent)
        if target is not None and target.kind == "task" and index.holds(task):
            yield task.id, parent, (task.file, ("parent",), None)  # type: ignore[misc]


def agency_parents(index: Index) -> Iterator[Link]:
    for entry in index.agencies:
        parent = index.agency(entry.values.get("parent", ""))
        if parent is not None:
            path = (*entry.path[:2], "parent")
            yield entry.values["id"], parent.values["id"], (entry.file, path, None)


def _directive_references(index: Index) -> Iterator[Link]:
    kinds = ("directive",)
    for directive in index.of_kind("directive"):
        if not index.holds(directive):
            continue
        for name in directive.references.get(kinds, ()):
            target = index.by_id.get(name)
            if target is not None and target.kind == "directive":
                yield directive.id, name, (directive.file, None, (kinds, name))  # type: ignore[misc]


def cycles(links: Iterable[Link]) -> Iterator[tuple[list[str], Any]]:
    """One cycle per strongly connected group of `links` that holds one (a record linked to
    itself included): its ids, starting from the group's least id, and where that id's
    link in the cycle stands."""
    graph: dict[str, dict[str, Any]] = defaultdict(dict)
    for source, target, where in links:
        graph[source].setdefault(target, where)
    for group in strongly_connected(graph):
        start = min(group)
        if len(group) > 1 or start in graph.get(start, ()):
            cycle = _shortest_cycle(graph, start, group)
            yield cycle, graph[cycle[0]][cycle[1] if len(cycle) > 1 else cycle[0]]


def strongly_connected(graph: dict[str, dict[str, Any]]) -> Iterator[set[str]]:
    """Tarjan's strongly connected components of `graph` (node → its targets), without
    recursion (a chain of 100,000 parents must not overflow the stack)."""
    number: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in list(graph):
        if root in number:
            continue
        work = [(root, iter(graph.get(root, ())))]
        number[root] = low[root] = len(number)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == number[node]:
                    yield _pop_group(stack, on_stack, node)
            elif target not in number:
                number[target] = low[target] = len(number)
                stack.append(target)
                on_stack.add(target)
                work.append((target, iter(graph.get(target, ()))))
            elif target in on_stack:
                low[node] = min(low[node], number[target])


def _pop_group(stack: list[str], on_stack: set[str], node: str) -> set[str]:
    group: set[str] = set()
    while True:
        member = stack.pop()
        on_stack.discard(member)
        group.add(member)
        if member == node:
            return group


def _shortest_cycle(graph: dict[str, dict[str, Any]], start: str, group: set[str]) -> list[str]:
    """The shortest path from `start` back to itself inside `group` (breadth first)."""
    before: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in graph.get(node, ()):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(before[path[-1]])
                return path[::-1]
            if target in group and target not in before:
                before[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is on no cycle")  # pragma: no cover (a group holds one)
