"""What the rules across files read: each record's summary (a few of its values, its
references), and the index of the whole root built from them (ids, agencies, aliases, the
ids each kind of reference accepts, did-you-mean)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from ..load.files import AGENCIES
from ..load.scalarpos import KeyPath

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

    def reference_items(self) -> Iterable[tuple[tuple[str, ...], Collection[str]]]:
        """(kinds, names) of what it refers to."""
        return self.references.items()


class ReportSummary:
    """A report's summary: what the rules across files read of it, in a few slots.

    A report's compact values are its summary's (:data:`WHOLE_VIEW`), and a cold validation
    holds the summary of every file for the rules across files.  As a :class:`Summary`, a
    report was dicts for its values, each item and its references, and lists: 1,250 bytes
    each, 250 MB for the 200,000 reports of bench/'s 100,000 tasks; 300 bytes this way.  The
    rules read its date, period, the task of each item (`tasks`, by the item's place; None:
    an item without one) and which say done (`done`, a bit per item).  Its references are
    those of `agency` and of the items' tasks (`refs` holds them only where they differ:
    :func:`lean_wire`).  `whole`: the full values, kept where a caller reads them (queries);
    a validation that only checks never has them (the workers send :func:`lean_wire`).
    """

    __slots__ = ("agency", "date", "done", "file", "id", "number", "period", "refs", "tasks",
                 "whole")  # fmt: skip
    kind = "report"

    def __init__(self, record_id: str | None, file: str, date: str | None, period: str | None,
                 number: str | None, agency: str | None, tasks: tuple[str | None, ...],
                 done: int, refs: tuple[tuple[tuple[str, ...], list[str]], ...] | None,
                 whole: dict[str, Any] | None = None) -> None:  # fmt: skip
        self.id, self.file, self.date, self.period = record_id, file, date, period
        self.number, self.agency, self.tasks, self.done = number, agency, tasks, done
        self.refs, self.whole = refs, whole

    def reference_items(self) -> Iterable[tuple[tuple[str, ...], Collection[str]]]:
        """(kinds, names) of what it refers to, as :attr:`Summary.references`' items."""
        return self.refs if self.refs is not None else _derived(self.agency, self.tasks)

    @property
    def references(self) -> dict[tuple[str, ...], list[str]]:
        return {kinds: list(names) for kinds, names in self.reference_items()}

    @property
    def values(self) -> dict[str, Any]:
        """Its full values, where they were kept (`whole`: see :func:`summary_from_wire`)."""
        if self.whole is None:
            raise ValueError(f"the summary of {self.file} was made without its values")
        return self.whole

    def get(self, key: str, default: Any = None) -> Any:
        """A value by its field's name, as of a dict of its values (the index holds a
        report as its own values: a did-you-mean shows its `number`)."""
        if self.whole is not None:
            return self.whole.get(key, default)
        found = getattr(self, key) if key in _REPORT_FIELDS else None
        return default if found is None else found

    def done_tasks(self) -> list[str]:
        """The tasks of the items that say done, in order."""
        done, tasks = self.done, self.tasks
        return [t for n, t in enumerate(tasks) if done >> n & 1 and t is not None]

    def to_wire(self) -> tuple[Any, ...]:
        """As a :class:`Summary`'s wire with the whole values; else :func:`lean_wire`'s."""
        if self.whole is not None:
            return ("report", self.id, self.file, self.whole, self.references)
        return ("report", self.id, self.file, self.date, self.period, self.number,
                self.agency, self.tasks, self.done, self.refs)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReportSummary):
            return NotImplemented
        return (self._lean(), self.whole) == (other._lean(), other.whole)

    __hash__ = None  # type: ignore[assignment]  # (mutable, as a Summary)

    def _lean(self) -> tuple[Any, ...]:
        return (self.id, self.file, self.date, self.period, self.number, self.agency,
                self.tasks, self.done, self.refs)  # fmt: skip

    def __repr__(self) -> str:
        return f"ReportSummary{self._lean()!r}"


def lean_wire(wire: tuple[Any, ...]) -> tuple[Any, ...]:
    """A report's summary wire (a :class:`Summary`'s) as :class:`ReportSummary` holds it,
    without the values: what a worker sends a validation that only checks."""
    _, record_id, file, values, references = wire
    items = values.get("tasks", ())
    tasks = tuple([item.get("task") for item in items])
    done = 0
    for n, item in enumerate(items):
        if item.get("status") == "done" and "task" in item:
            done |= 1 << n
    agency = values.get("agency")
    found = list(references.items())
    refs = None if found == _derived(agency, tasks) else tuple(found)
    return ("report", record_id, file, values.get("date"), values.get("period"),
            values.get("number"), agency, tasks, done, refs)  # fmt: skip


def _derived(agency: str | None, tasks: tuple[str | None, ...]
             ) -> list[tuple[tuple[str, ...], Collection[str]]]:  # fmt: skip
    """The references of a report's agency and items' tasks, as a check groups them."""
    out: list[tuple[tuple[str, ...], Collection[str]]] = []
    if agency is not None:
        out.append((AGENCY_KINDS, [agency]))
    names = [t for t in tasks if t is not None]
    if names:
        out.append((_TASK_KINDS, names))
    return out


#: a summary of any kind: what the rules across files read (:class:`ReportSummary`'s
#: attributes are a report's; the rules read them so)
AnySummary = Summary | ReportSummary
_REPORT_FIELDS = ("id", "agency", "date", "number", "period")
#: the kinds a reference to an agency may name (the rules across files after an edit leave
#: these out of who names what: a change to agencies.yaml is checked over every record)
AGENCY_KINDS, _TASK_KINDS = ("agency",), ("task",)
_WHOLE_WIRE = 5  # (a Summary's wire: kind, id, file, values, references)


def summary_from_wire(wire: tuple[Any, ...], whole: bool = True) -> AnySummary:
    """The summary of a wire (a report's, lean or whole: see :class:`ReportSummary`);
    `whole`: keep a report's full values."""
    if wire[0] != "report":
        return Summary(*wire)
    values = wire[3] if len(wire) == _WHOLE_WIRE else None
    if values is not None:
        wire = lean_wire(wire)
    _, record_id, file, day, period, number, agency, tasks, done, refs = wire
    return ReportSummary(record_id, file, day, period, number, agency, tasks, done, refs,
                         values if whole else None)  # fmt: skip


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


#: what the index knows of a record it holds no summary of (cdsctl.checks.partial): its
#: kind, id, file, and the few values a rule reads of a record it names (:func:`stub_of`)
Holder = tuple[str, str | None, str, dict[str, Any]]


class Index:
    """Every id in the root, with its kind and place; the first holder of an id wins.

    `broken`: the files with errors of their own (see the module's docstring).  `holders`:
    every record of the root in path order (:data:`Holder`), when `summaries` are only some
    of them: ids, duplicates and the values named records show come from both, the rules
    walk only `summaries` (cdsctl.checks.partial).
    """

    def __init__(self, summaries: Iterable[AnySummary], broken: Collection[str] = (),
                 holders: Iterable[Holder] | None = None,
                 whole: Callable[[], Index] | None = None) -> None:  # fmt: skip
        self.whole = whole  # (holders only some of the root's: the index of all, for hints)
        self.by_id: dict[str, Entry] = {}
        self.duplicates: list[tuple[str, Entry]] = []
        self.agencies: list[Entry] = []
        self.summaries = list(summaries)
        self.broken = broken
        self.by_kind: dict[str, list[Any]] = defaultdict(list)
        for summary in self.summaries:
            self.by_kind[summary.kind].append(summary)
        if holders is None:
            order: Iterable[Any] = map(_held, self.summaries)
        else:
            loaded = {s.file: s for s in self.summaries}
            order = ((h if (s := loaded.get(h[2])) is None else _held(s)) for h in holders)
        by_id, id_path = self.by_id, ("id",)
        for kind, record_id, file, values in order:
            if kind == "agencies":
                self._add_agencies(values)
            elif record_id is not None:
                if record_id in by_id:
                    self.duplicates.append((record_id, Entry(kind, file, id_path, values)))
                else:
                    by_id[record_id] = Entry(kind, file, id_path, values)

    def _add_agencies(self, values: dict[str, Any]) -> None:
        for i, agency in enumerate(values.get("agencies", ())):
            if "id" in agency:
                entry = Entry("agency", AGENCIES, ("agencies", i, "id"), agency)
                if agency["id"] in self.by_id:
                    self.duplicates.append((agency["id"], entry))
                else:
                    self.by_id[agency["id"]] = entry
                    self.agencies.append(entry)

    def of_kind(self, kind: str) -> list[Summary]:
        return self.by_kind.get(kind, [])

    def reports(self) -> list[ReportSummary]:
        return self.by_kind.get("report", [])

    def usable(self, kind: str) -> Iterator[Summary]:
        """The records of `kind` without errors of their own, for rules that read values."""
        broken = self.broken
        return (s for s in self.by_kind.get(kind, ()) if s.file not in broken)

    def holds(self, summary: AnySummary) -> bool:
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
        return _Suggesters(self if self.whole is None else self.whole())


#: the task fields some rule starts from; most tasks hold none of them
_TASK_STARTS = frozenset({"parent", "every", "completed", "cancelled", "extensions"})
#: "dated" tasks: those with a date that follows their directive's
_DATED = frozenset({"completed", "cancelled", "extensions"})


#: What the checks below read of each kind's values; the rest stays in the cache, unread.
CROSS_FIELDS: dict[str, tuple[str, ...]] = {
    "agencies": ("agencies",),
    "directive": ("issued", "number"),
    "task": ("directive", "lead", "parent", "due", "every", "end", "extensions", "completed",
             "cancelled"),
    "calendar": ("days_off", "working_days"),
}  # fmt: skip
#: What a rule reads of a record it names, beyond its kind and file, when the record is not
#: read itself (cdsctl.checks.partial reads every record a record it judges names): the date
#: and number of the directive of a task a report names.  All an index needs of a record it
#: holds no summary of (:data:`Holder`).
STUB_FIELDS: dict[str, tuple[str, ...]] = {"directive": ("issued", "number")}
_NO_VALUES: dict[str, Any] = {}  # (one for every stub without values: 300,000 of them)


def _held(summary: AnySummary) -> tuple[str, str | None, str, Any]:
    """What the index keeps of a record: a report is its own values (:meth:`ReportSummary.get`)."""
    if type(summary) is ReportSummary:
        return ("report", summary.id, summary.file, summary)
    return (summary.kind, summary.id, summary.file, summary.values)


def stub_of(summary: AnySummary) -> Holder:
    fields = STUB_FIELDS.get(summary.kind)
    if not fields:
        return (summary.kind, summary.id, summary.file, _NO_VALUES)
    values = summary.values
    return (summary.kind, summary.id, summary.file, {k: values[k] for k in fields if k in values})


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
    """Of each extension its dates; `due` only beside extensions (it orders them), or
    when counted in working days (crossdates.count_working_days counts it)."""
    if "extensions" in view:
        view["extensions"] = [{k: e[k] for k in _EXTENSION_FIELDS if k in e}
                              for e in view["extensions"]]  # fmt: skip
    elif "due" in view and type(view["due"]) is not dict:
        del view["due"]


def _agencies_view(view: dict[str, Any]) -> None:
    if "agencies" in view:
        view["agencies"] = [{k: a[k] for k in _AGENCY_FIELDS if k in a}
                            for a in view["agencies"]]  # fmt: skip


_SHAPES = {"task": _task_view, "agencies": _agencies_view}


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
        # (not the index itself, which keeps this one: a cycle, never freed in a run with the
        # collector off, held every record's summary into the keeper of the cache)
        self.by_id, self.accepted = index.by_id, index.accepted

    def __missing__(self, kinds: tuple[str, ...]) -> Suggester:
        from ..messages.suggest import Suggester
        from ..text import fold

        by_id = self.by_id
        ids = set().union(*(self.accepted.by_kind.get(kind, ()) for kind in kinds))
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
        from ..i18n import Msg

        return Msg(" — did you mean {names}?", names=either([self._label(i) for i in near]))

    def _label(self, record_id: str) -> str:
        entry = self.by_id[record_id]
        shown = entry.values.get("name") if entry.kind == "agency" else entry.values.get("number")
        return f"{record_id} ({shown})" if shown else record_id


def _other_names(entry: Entry) -> list[str]:
    values = entry.values
    if entry.kind == "agency":
        names = [values.get("name"), values.get("short"), *values.get("aliases", ())]
        return [name for name in names if name]
    return [values["number"]] if entry.kind == "directive" and "number" in values else []
