"""Rules that need the whole records root: ids, references, dates across records.

The rules read each record's summary (:func:`cross_view`: a few of its values), never its
file.  A rule that reads a record's values skips a record with errors of its own: some of
its values were left out, so the rule would judge an incomplete record (and its list items
could stand at other places than in the file).  Fixing those errors brings the rule back.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from ..dates.periods import PERIOD_FORMS, example_period, period_form
from ..load.files import AGENCIES
from ..load.yamltext import KeyPath

if TYPE_CHECKING:
    from ..messages.suggest import Suggester


@dataclass(slots=True)
class Summary:
    """What the cross-file checks need of a record: kind, id, references, a few fields.

    Its full checked values (long text left out) travel beside it as a marshal blob
    (:attr:`cdsctl.validation.onefile.FileResult.blob`) that only queries decode; for the kinds in
    :data:`WHOLE_VIEW` (reports) `values` holds them all, no blob.
    """

    kind: str
    id: str | None
    file: str
    values: dict[str, Any]  # the cross-check view (:func:`cross_view`)
    #: the names it refers to, by the kinds each may name (see :func:`group_references`)
    references: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    def to_wire(self) -> tuple[Any, ...]:
        return (self.kind, self.id, self.file, self.values, self.references)

    @classmethod
    def from_wire(cls, wire: tuple[Any, ...]) -> Summary:
        return cls(*wire)


@dataclass(slots=True)
class CrossFinding:
    file: str
    #: where in the file; None for a broken reference, found again from `reference`
    path: KeyPath | None
    code: str
    message: str
    at_key: bool = False
    #: the id in another record this finding is about (a reference's target, a duplicate id)
    about: str | None = None
    #: (kinds, name) of a broken reference (its n-th finding in a file is its n-th use there)
    reference: tuple[tuple[str, ...], str] | None = None
    #: more ids it is about (the other records of a cycle)
    others: tuple[str, ...] = ()

    def abouts(self) -> tuple[str, ...]:
        """Every id it is about: a selection holding one of them reports it (selection.py)."""
        return self.others if self.about is None else (self.about, *self.others)


class Entry(NamedTuple):  # a tuple: 300,000 of them are built per run
    kind: str
    file: str
    path: KeyPath
    values: Any


class Index:
    """Every id in the root, with its kind and place; the first holder of an id wins.

    `broken`: the files with errors of their own (see the module's docstring).
    """

    def __init__(self, summaries: Iterable[Summary], broken: Collection[str] = ()) -> None:
        self.by_id: dict[str, Entry] = {}
        self.duplicates: list[tuple[str, Entry]] = []
        self.agencies: list[Entry] = []
        self.summaries = list(summaries)
        self.broken = broken
        self.by_kind: dict[str, list[Summary]] = defaultdict(list)
        by_id, id_path = self.by_id, ("id",)
        for summary in self.summaries:
            self.by_kind[summary.kind].append(summary)
            if summary.kind == "agencies":
                self._add_agencies(summary)
            elif summary.id is not None:
                if summary.id in by_id:
                    entry = Entry(summary.kind, summary.file, id_path, summary.values)
                    self.duplicates.append((summary.id, entry))
                else:
                    by_id[summary.id] = Entry(summary.kind, summary.file, id_path, summary.values)

    def _add_agencies(self, summary: Summary) -> None:
        for i, agency in enumerate(summary.values.get("agencies", ())):
            if "id" in agency:
                entry = Entry("agency", AGENCIES, ("agencies", i, "id"), agency)
                if agency["id"] in self.by_id:
                    self.duplicates.append((agency["id"], entry))
                else:
                    self.by_id[agency["id"]] = entry
                    self.agencies.append(entry)

    def of_kind(self, kind: str) -> list[Summary]:
        return self.by_kind.get(kind, [])

    def usable(self, kind: str) -> Iterator[Summary]:
        """The records of `kind` without errors of their own, for rules that read values."""
        broken = self.broken
        return (s for s in self.by_kind.get(kind, ()) if s.file not in broken)

    def holds(self, summary: Summary) -> bool:
        """Whether `summary` is the record its id names (not a later duplicate)."""
        entry = self.by_id.get(summary.id) if summary.id is not None else None
        return entry is not None and entry.file == summary.file

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Declared agency aliases → the id each stands for (see model.alias_ids)."""
        from ..model import alias_ids

        return alias_ids((a.values["id"], a.values.get("aliases", ())) for a in self.agencies)

    def agency(self, name: str) -> Entry | None:
        """The agency `name` is the id or a declared alias of."""
        entry = self.by_id.get(name)
        if (entry is None or entry.kind != "agency") and name in self.aliases:
            entry = self.by_id.get(self.aliases[name])
        return entry if entry is not None and entry.kind == "agency" else None

    @cached_property
    def tasks_with(self) -> dict[str, list[Summary]]:
        """The tasks holding each of the fields a per-task rule starts from, in one pass over
        the tasks (at 100,000 tasks, one loop each cost the rules ≈ 0.03 s more)."""
        found: dict[str, list[Summary]] = {key: [] for key in (*_TASK_STARTS, "dated")}
        for task in self.by_kind.get("task", ()):
            values = task.values
            if _TASK_STARTS.isdisjoint(values):
                continue
            for key in _TASK_STARTS.intersection(values):
                found[key].append(task)
            if not _DATED.isdisjoint(values):
                found["dated"].append(task)
        return found

    @cached_property
    def accepted(self) -> _AcceptedIds:
        return _AcceptedIds(self)

    @cached_property
    def suggesters(self) -> _Suggesters:
        return _Suggesters(self)


#: the task fields some rule starts from; most tasks hold none of them
_TASK_STARTS = frozenset({"parent", "every", "completed", "cancelled", "extensions"})
#: "dated" tasks: those with a date that follows their directive's
_DATED = frozenset({"completed", "cancelled", "extensions"})


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


#: What the checks below read of each kind's values; the rest stays in the cache, unread.
CROSS_FIELDS: dict[str, tuple[str, ...]] = {
    "agencies": ("agencies",),
    "directive": ("issued", "number"),
    "task": ("directive", "lead", "parent", "due", "every", "end", "extensions", "completed",
             "cancelled"),
    "calendar": ("days_off", "working_days"),
}  # fmt: skip
#: Kinds whose compact values are small and nearly all read by the checks: their view is
#: the whole of them, and they need no separate value blob (2 of 3 files in a big root).
WHOLE_VIEW = frozenset({"report"})
_AGENCY_FIELDS = ("id", "name", "short", "aliases", "parent", "until", "successor")
_EXTENSION_FIELDS = ("due", "granted")


def cross_view(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The part of a record's values the cross-file checks read (small: cheap to ship).

    On every file's path: 7,600 instructions a record on a sample of bench/ tasks and
    directives (callgrind; 5,900 before the fields of spec 1.1's rules); a generic loop over
    nested fields instead of the kinds' own shaping below cost 9,300.
    """
    if kind in WHOLE_VIEW:
        return values
    view = {}
    for key in CROSS_FIELDS.get(kind, ()):
        if key in values:
            view[key] = values[key]
    shape = _SHAPES.get(kind)
    if shape is not None:
        shape(view)
    return view


def _task_view(view: dict[str, Any]) -> None:
    """Of each extension its dates; `due` only beside extensions (it orders them)."""
    if "extensions" in view:
        view["extensions"] = [{k: e[k] for k in _EXTENSION_FIELDS if k in e}
                              for e in view["extensions"]]  # fmt: skip
    elif "due" in view:
        del view["due"]


def _agencies_view(view: dict[str, Any]) -> None:
    if "agencies" in view:
        view["agencies"] = [{k: a[k] for k in _AGENCY_FIELDS if k in a}
                            for a in view["agencies"]]  # fmt: skip


_SHAPES = {"task": _task_view, "agencies": _agencies_view}


# -- ids ---------------------------------------------------------------------------------------


def check_duplicates(index: Index, today: str) -> Iterator[CrossFinding]:
    for record_id, entry in index.duplicates:
        first = index.by_id[record_id]
        msg = f"id '{record_id}' is already used by the {first.kind} in {first.file}"
        yield CrossFinding(entry.file, entry.path, "duplicate-id", msg, about=record_id)


def check_case_collisions(index: Index, today: str) -> Iterator[CrossFinding]:
    """Two ids that differ only by letter case (spec 1.1 §2), reported at the later one.

    One set of case-folded ids tells in C whether there is any (≈ 0.05 s at 300,000 ids).
    """
    if len(set(map(str.casefold, index.by_id))) == len(index.by_id):
        return
    first: dict[str, str] = {}
    for record_id, entry in index.by_id.items():
        holder = first.setdefault(record_id.casefold(), record_id)
        if holder != record_id:
            other = index.by_id[holder]
            msg = (f"id '{record_id}' differs from '{holder}' (the {other.kind} in {other.file}) "
                   "only by letter case: they collide on case-insensitive file systems "
                   "(Windows, macOS); give one of them another id")  # fmt: skip
            yield CrossFinding(entry.file, entry.path, "id-case-collision", msg, about=holder)


# -- references --------------------------------------------------------------------------------


def check_references(index: Index, today: str) -> Iterator[CrossFinding]:
    """Each name a record refers to is the id of a record of a kind it may name.

    The ids of each kind are a set, so a record's names are checked with one subset test
    per kind it refers to (about a million names in a root of 300,000 files).  A name that
    is not an id may be a declared alias of an agency (a warning: write the id), else the
    message offers the ids it may have meant.
    """
    accepted = index.accepted
    for summary in index.summaries:
        for kinds, names in summary.references.items():
            good = accepted[kinds]
            if good.issuperset(names):
                continue
            for name in names:
                if name not in good:
                    yield _broken_reference(index, summary.file, kinds, name)


def _broken_reference(index: Index, file: str, kinds: tuple[str, ...], name: str) -> CrossFinding:
    target, wanted = index.by_id.get(name), " or ".join(kinds)
    alias = index.aliases.get(name) if "agency" in kinds else None
    if alias is not None:
        code = "alias-reference"
        msg = (f"'{name}' is an alias of the agency {alias} "
               f"({index.by_id[alias].values.get('name')}); write its id: {alias}")  # fmt: skip
    elif target is None:
        code, msg = "unresolved-reference", f"'{name}' names no {wanted} in the records"
        msg += index.suggesters.hint(kinds, name)
    else:
        code = "wrong-kind-reference"
        msg = f"'{name}' is {_a(target.kind)} ({target.file}), not {_a(wanted)}"
    return CrossFinding(file, None, code, msg, about=name, reference=(kinds, name))


class _AcceptedIds(dict[tuple[str, ...], set[str]]):
    """kinds → the ids of the records of those kinds (made when first asked for)."""

    def __init__(self, index: Index) -> None:
        super().__init__()
        self.by_kind: dict[str, set[str]] = defaultdict(set)
        for record_id, entry in index.by_id.items():
            self.by_kind[entry.kind].add(record_id)

    def __missing__(self, kinds: tuple[str, ...]) -> set[str]:
        ids = set().union(*(self.by_kind.get(kind, ()) for kind in kinds))
        self[kinds] = ids
        return ids


class _Suggesters(dict[tuple[str, ...], "Suggester"]):
    """kinds → a did-you-mean over the records of those kinds (made when first asked for):
    by id, case aside; an agency also by name, short name and alias, diacritics aside; a
    directive also by its number."""

    def __init__(self, index: Index) -> None:
        super().__init__()
        self.index = index

    def __missing__(self, kinds: tuple[str, ...]) -> Suggester:
        from ..messages.suggest import Suggester
        from ..text import fold

        by_id = self.index.by_id
        ids = set().union(*(self.index.accepted.by_kind.get(kind, ()) for kind in kinds))
        names = [(n, i) for i in ids for n in (i, *_other_names(by_id[i]))]
        made = self[kinds] = Suggester(names, fold if "agency" in kinds else str.casefold)
        return made

    def hint(self, kinds: tuple[str, ...], name: str) -> str:
        """` — did you mean X (its name)?`, or nothing when no record is near."""
        from ..messages.suggest import MOST, either

        suggester = self[kinds]
        near = suggester.nearest(name) or ("agency" in kinds and suggester.words(name, None)) or []
        if not near or len(near) > MOST:  # more equally near are no guess
            return ""
        return f" — did you mean {either([self._label(i) for i in near])}?"

    def _label(self, record_id: str) -> str:
        entry = self.index.by_id[record_id]
        shown = entry.values.get("name") if entry.kind == "agency" else entry.values.get("number")
        return f"{record_id} ({shown})" if shown else record_id


def _other_names(entry: Entry) -> list[str]:
    values = entry.values
    if entry.kind == "agency":
        names = [values.get("name"), values.get("short"), *values.get("aliases", ())]
        return [name for name in names if name]
    return [values["number"]] if entry.kind == "directive" and "number" in values else []


# -- reference cycles --------------------------------------------------------------------------

#: one reference: (from id, to id, where it stands: (file, path or None for a reference
#: found again by name, the reference's (kinds, name)))
Link = tuple[str, str, tuple[str, KeyPath | None, tuple[tuple[str, ...], str] | None]]


def check_cycles(index: Index, today: str) -> Iterator[CrossFinding]:
    """No task's `parent` chain, agency's `parent` chain or chain of directive `references`
    comes back to where it started (spec 1.1 "Across kinds").  Each group of records that
    refer round to each other is reported once, at one member's reference, naming a cycle
    through it."""
    for what, links in (("task parent", _task_parents(index)),
                        ("agency parent", _agency_parents(index)),
                        ("directive reference", _directive_references(index))):  # fmt: skip
        for cycle, (file, path, reference) in cycles(links):
            chain = " → ".join([*cycle, cycle[0]])
            msg = f"{what} cycle: {chain}; {_CYCLE_FIX[what]}"
            yield CrossFinding(file, path, "reference-cycle", msg, about=cycle[0],
                               reference=reference, others=tuple(cycle[1:]))  # fmt: skip


_CYCLE_FIX = {
    "task parent": "a chain of `parent`s must end at a task without one: correct or remove "
    "one of these `parent` fields",
    "agency parent": "a chain of `parent`s must end at an agency without one: correct or "
    "remove one of these `parent` fields in agencies.yaml",
    "directive reference": "a directive refers to documents issued before it: correct or "
    "remove one of these `references`",
}


def _task_parents(index: Index) -> Iterator[Link]:
    for task in index.tasks_with["parent"]:
        parent = task.values["parent"]
        target = index.by_id.get(parent)
        if target is not None and target.kind == "task" and index.holds(task):
            yield task.id, parent, (task.file, ("parent",), None)  # type: ignore[misc]


def _agency_parents(index: Index) -> Iterator[Link]:
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


# -- dates across records ----------------------------------------------------------------------


def _directive_issued(index: Index, task_id: str) -> tuple[str, str] | None:
    """(the directive that assigns task `task_id`, its issue date), when both resolve."""
    task = index.by_id.get(task_id)
    if task is None or task.kind != "task":
        return None
    directive = index.by_id.get(task.values.get("directive", ""))
    if directive is None or directive.kind != "directive" or "issued" not in directive.values:
        return None
    return task.values["directive"], directive.values["issued"]


def check_report_dates(index: Index, today: str) -> Iterator[CrossFinding]:
    """A report is not dated before the directive assigning a task it reports on."""
    for report in index.of_kind("report"):
        when: str | None = report.values.get("date")
        if when is None:
            continue
        for item in report.values.get("tasks", ()):
            found = _directive_issued(index, item.get("task", ""))
            if found and when < found[1]:
                directive, issued = found
                msg = (f"report dated {when} is before {directive} (issued {issued}), "
                       f"which assigns task {item['task']}")  # fmt: skip
                yield CrossFinding(report.file, ("date",), "report-before-directive", msg,
                                   about=directive)  # fmt: skip
                break


def check_task_dates(index: Index, today: str) -> Iterator[CrossFinding]:
    """`completed`, `cancelled.date` and each extension's `granted` are not before the
    directive that assigns the task was issued (spec 1.1)."""
    broken = index.broken
    for task in index.tasks_with["dated"]:
        if task.file in broken:
            continue
        directive = index.by_id.get(task.values.get("directive", ""))
        issued = directive.values.get("issued") if directive else None
        if directive is None or directive.kind != "directive" or issued is None:
            continue
        name = task.values["directive"]
        for path, when, what in _task_dates(task.values):
            if when is not None and when < issued:
                msg = (f"{what} {when}, before {name} was issued ({issued}): check this date "
                       "and the directive's `issued`")  # fmt: skip
                yield CrossFinding(task.file, path, "date-before-directive", msg, about=name)


def _task_dates(values: dict[str, Any]) -> list[tuple[KeyPath, str | None, str]]:
    """(where, the date or None, what it is) of a task's dates that follow its directive."""
    dated: list[tuple[KeyPath, str | None, str]] = [
        (("completed",), values.get("completed"), "completed on"),
        (("cancelled", "date"), values.get("cancelled", {}).get("date"), "cancelled on"),
    ]
    dated += [(("extensions", i, "granted"), e.get("granted"), "extension granted on")
              for i, e in enumerate(values.get("extensions", ()))]  # fmt: skip
    return dated


def check_extensions(index: Index, today: str) -> Iterator[CrossFinding]:
    """Each extension's `due` is after the deadline it replaces (spec 1.1 §3).

    The extensions are taken in the order they took effect, as spec §4 reads them (the
    last granted on or before D is in force): by `granted` date, and of two granted the
    same day, in the order they are written.  The first replaces the task's `due` (counted
    in working days from the directive's `issued` when given so), each next one the one
    before it.  A task with no `due` (a recurring duty) has nothing before its first.
    """
    deadlines, broken = _Deadlines(index), index.broken
    for task in index.tasks_with["extensions"]:
        extensions = task.values["extensions"]
        if not extensions or task.file in broken:
            continue
        replaced, what = deadlines.due(task.values), "the task's due"
        for i in sorted(range(len(extensions)), key=lambda i: extensions[i]["granted"]):
            due = extensions[i]["due"]
            if replaced is not None and due <= replaced:
                msg = (f"extension due {due} is not after the deadline it replaces, {replaced} "
                       f"({what}): an extension moves the deadline later; check its `due` and "
                       "`granted`")  # fmt: skip
                yield CrossFinding(task.file, ("extensions", i, "due"), "extension-order", msg,
                                   about=task.values.get("directive"))  # fmt: skip
            replaced = due
            what = f"the extension granted {extensions[i]['granted']}"


class _Deadlines:
    """A task's own `due` as ISO text: given, or counted in working days from its
    directive's issue date with the root's calendar (made when first needed)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._calendar: Any = None

    def due(self, values: dict[str, Any]) -> str | None:
        due = values.get("due")
        if due is None or isinstance(due, str):
            return due
        directive = self.index.by_id.get(values.get("directive", ""))
        issued = directive.values.get("issued") if directive else None
        if directive is None or directive.kind != "directive" or issued is None:
            return None
        try:
            counted = self.calendar().add_working_days(
                date.fromisoformat(issued), due["working_days"]
            )
        except (OverflowError, ValueError):  # past 9999-12-31: reported where it is counted
            return None
        return counted.isoformat()

    def calendar(self) -> Any:
        if self._calendar is None:
            from ..dates.workdays import WorkCalendar

            own = next(iter(self.index.usable("calendar")), None)
            values = own.values if own is not None else {}
            days = [[date.fromisoformat(d) for d in values.get(k, ())]
                    for k in ("days_off", "working_days")]  # fmt: skip
            try:
                self._calendar = WorkCalendar(*days)
            except ValueError:  # a day both off and worked
                self._calendar = WorkCalendar()
        return self._calendar


# -- reports on recurring tasks ----------------------------------------------------------------


def check_report_periods(index: Index, today: str) -> Iterator[CrossFinding]:
    """A report item on a recurring task (`every`) needs the report's `period`, of the form
    of the task's periods: else it is counted for no instance (spec 1.1 §3, report)."""
    every = {t.id: t.values["every"] for t in index.tasks_with["every"] if index.holds(t)}
    if not every:
        return
    tasks, broken = ("task",), index.broken
    for report in index.of_kind("report"):  # most are on one-off tasks: one test in C
        if every.keys().isdisjoint(report.references.get(tasks, ())) or report.file in broken:
            continue
        period = report.values.get("period")
        for i, item in enumerate(report.values.get("tasks", ())):
            recurs = every.get(item.get("task", ""))
            if recurs is None or (period is not None and period_form(period) == recurs):
                continue
            msg = _period_message(item["task"], recurs, period, report.values.get("date"))
            yield CrossFinding(report.file, ("tasks", i, "task"), "report-period", msg,
                               about=item["task"])  # fmt: skip


def _period_message(task: str, every: str, period: str | None, day: str | None) -> str:
    one, form = PERIOD_FORMS[every]
    example = f" (e.g. {example_period(every, day)})" if day else ""
    if period is None:
        return (f"task {task} recurs {every}, but this report has no `period`: add "
                f"`period: {form}`{example}, the {one.split()[-1]} it reports on; without it "
                "the report counts for no period")  # fmt: skip
    return (f"task {task} recurs {every}, but this report's period {period} is "
            f"{PERIOD_FORMS[period_form(period)][0]}: a report on it covers {one}, "
            f"`period: {form}`{example}; report on tasks that recur otherwise in a report "
            "of their own")  # fmt: skip


# -- agencies ----------------------------------------------------------------------------------


def _closed_tasks(index: Index, today: str) -> set[str]:
    closed: set[str] = set()
    for report in index.of_kind("report"):
        if report.values.get("date", today) <= today:
            closed.update(i["task"] for i in report.values.get("tasks", ()) if _done(i))
    return closed


def _done(item: dict[str, Any]) -> bool:
    return item.get("status") == "done" and "task" in item


def _still_open(values: dict[str, Any], until: str, today: str) -> bool:
    completed = values.get("completed")
    cancelled = values.get("cancelled", {}).get("date")
    if (completed and completed <= today) or (cancelled and cancelled <= today):
        return False
    if "every" in values:
        end = values.get("end")
        return end is None or bool(end > until)
    return True


def check_expired_leads(index: Index, today: str) -> Iterator[CrossFinding]:
    """A task still open is not led by an agency that has ceased to exist (spec, agencies:
    `until`).  Most roots have no such agency: then no task is looked at."""
    expired = {a.values["id"] for a in index.agencies if a.values.get("until", today) < today}
    if not expired:
        return
    names = expired | index.aliases.keys()  # (what may name an expired agency)
    closed: set[str] | None = None
    for task in index.of_kind("task"):
        if task.values.get("lead") not in names:
            continue
        lead = index.agency(task.values["lead"])
        until = lead.values.get("until") if lead else None
        if until is None or until >= today:
            continue
        closed = _closed_tasks(index, today) if closed is None else closed
        if task.id not in closed and _still_open(task.values, until, today):
            successor = lead.values.get("successor") if lead else None
            after = f"; its successor is {successor}" if successor else " and has no successor"
            lead_id = task.values["lead"]
            msg = f"lead '{lead_id}' ceased to exist on {until}{after}"
            yield CrossFinding(task.file, ("lead",), "agency-expired", msg, about=lead_id)


#: dates are ISO text here (as in summaries): they compare chronologically
CrossCheck = Callable[[Index, str], Iterator[CrossFinding]]
CROSS_CHECKS: tuple[CrossCheck, ...] = (
    check_duplicates,
    check_case_collisions,
    check_references,
    check_cycles,
    check_report_dates,
    check_task_dates,
    check_extensions,
    check_report_periods,
    check_expired_leads,
)


def run_cross_checks(summaries: Iterable[Summary], today: date,
                     broken: Collection[str] = ()) -> list[CrossFinding]:  # fmt: skip
    """Every cross-file finding; `broken`: the files with errors of their own."""
    index = Index(summaries, broken)
    return [finding for check in CROSS_CHECKS for finding in check(index, today.isoformat())]
