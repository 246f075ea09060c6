"""Typed records (spec §3), built from checked values; no I/O here.

Treat them as values: nothing changes them after they are built.  (They are not `frozen`:
a frozen dataclass sets each field through object.__setattr__, which made building 100,000
tasks and 200,000 reports take 7.8 s instead of about 2 s.)

Long text (bodies, descriptions, meeting minutes) is not part of these objects: the
library reads it from the file when a command needs it
(:func:`cdsctl.validation.onefile.full_record`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: the groups a task may belong to (spec: `group`), here so that a query needs no schema
GROUPS = (
    "nhan-thuc-so", "the-che-so", "ha-tang-so", "du-lieu-so", "nen-tang-so",
    "an-toan-thong-tin", "nhan-luc-so", "chinh-phu-so", "kinh-te-so", "xa-hoi-so",
)  # fmt: skip


@dataclass(slots=True)
class Source:
    """Where a record came from: its file relative to the records root."""

    file: str


@dataclass(slots=True)
class Person:
    name: str | None = None
    title: str | None = None


@dataclass(slots=True)
class Agency:
    id: str
    name: str
    short: str | None = None
    aliases: tuple[str, ...] = ()
    parent: str | None = None
    until: date | None = None
    successor: str | None = None

    @property
    def display(self) -> str:
        return self.short or self.name


@dataclass(slots=True)
class Directive:
    id: str
    type: str
    issuer: str
    issued: date
    title: str
    source: Source
    number: str | None = None
    signer: Person | None = None
    meeting: str | None = None
    references: tuple[str, ...] = ()


@dataclass(slots=True)
class Extension:
    due: date
    granted: date
    by: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class Cancellation:
    date: date
    reason: str | None = None
    by: str | None = None


@dataclass(slots=True)
class Task:
    id: str
    directive: str
    title: str
    lead: str
    source: Source
    item: str | None = None
    description: str | None = None
    support: tuple[str, ...] = ()
    report_to: str | None = None
    via: tuple[str, ...] = ()
    group: str | None = None
    tags: tuple[str, ...] = ()
    parent: str | None = None
    indicators: tuple[str, ...] = ()
    due: date | None = None
    due_working_days: int | None = None
    every: str | None = None
    due_day: int | None = None
    due_month: int | None = None
    start: date | None = None
    end: date | None = None
    extensions: tuple[Extension, ...] = ()
    completed: date | None = None
    cancelled: Cancellation | None = None


@dataclass(slots=True)
class ReportItem:
    task: str
    status: str
    progress: float | None = None


@dataclass(slots=True)
class Report:
    id: str
    agency: str
    date: date
    tasks: tuple[ReportItem, ...]
    source: Source
    number: str | None = None
    period: str | None = None


@dataclass(slots=True)
class Meeting:
    id: str
    title: str
    date: date
    chair: Person
    source: Source
    start: str | None = None
    end: str | None = None
    place: str | None = None
    mode: str | None = None
    sites: tuple[str, ...] = ()
    secretary: Person | None = None
    directive: str | None = None


@dataclass(slots=True)
class Measure:
    period: str
    value: float
    source: str | None = None
    date: date | None = None  # an actual's: when it was measured or published (spec 1.1)


@dataclass(slots=True)
class Indicator:
    id: str
    name: str
    better: str
    source: Source
    unit: str | None = None
    targets: tuple[Measure, ...] = ()
    actuals: tuple[Measure, ...] = ()


@dataclass(slots=True)
class Calendar:
    """The repository's own calendar.yaml: extra days off, and days worked."""

    days_off: tuple[date, ...]
    working_days: tuple[date, ...]


@dataclass(slots=True)
class Records:
    """Every usable record of a root, by kind and id.

    Reports are the most numerous records and the state of a task needs only a few of
    their values: they may be given as compact values (`report_values`, as validation
    checked them), made into :class:`Report` objects only when :attr:`reports` is read
    (building 200,000 of them took ≈ 1.4 s that the overdue query does not need).
    """

    agencies: dict[str, Agency] = field(default_factory=dict)
    directives: dict[str, Directive] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    calendar: Calendar = field(default_factory=lambda: Calendar((), ()))
    #: reports not yet built: (compact values, where from), in the order they were added
    report_values: list[tuple[dict[str, Any], Source]] = field(default_factory=list)
    built_reports: dict[str, Report] = field(default_factory=dict)
    #: declared aliases used as agency ids → those ids (see :meth:`use_agency_ids`)
    agency_ids: dict[str, str] = field(default_factory=dict)
    #: every task's report items in date order, all dates (a snapshot's: cdsctl.snapshot),
    #: instead of reports: (ISO date, report id, status, progress, period)
    report_entries: dict[str, list[tuple[str, str, str, float | None, str | None]]] | None = None
    #: the ids of records (and agencies) marked `visibility: internal` (spec 1.1 §2): public
    #: outputs leave them out, and every mention of them (cdsctl.site.public)
    internal: set[str] = field(default_factory=set)

    @property
    def reports(self) -> dict[str, Report]:
        """Reports by id; those given as values are built now (the first holder of an id
        stays, as for every kind)."""
        if self.report_values:
            for values, source in self.report_values:
                built = report(values, source)
                built.agency = self.agency_ids.get(built.agency, built.agency)
                self.built_reports.setdefault(values["id"], built)
            self.report_values = []
        return self.built_reports

    def add(self, kind: str, record_id: str | None, file: str, values: dict[str, Any]) -> None:
        """One checked record of `file` (a report as its values: built only if asked)."""
        if values.get("visibility") == "internal" and record_id is not None:
            self.internal.add(record_id)
        if kind == "report":
            self.report_values.append((values, Source(file)))
        elif kind == "agencies":
            for entry in values.get("agencies", ()):
                self.agencies.setdefault(entry["id"], agency(entry))
                if entry.get("visibility") == "internal":
                    self.internal.add(entry["id"])
        elif kind == "calendar":
            self.calendar = calendar(values)
        else:
            attribute, build = _BUILD[kind]
            getattr(self, attribute)[record_id] = build(values, Source(file))

    def use_agency_ids(self) -> None:
        """Write every agency named by a declared alias (spec §3 `aliases`) as the id it
        stands for, so that filters by id find it (`lead: Sở TTTT` is led by ND-STTTT)."""
        ids = alias_ids((a.id, a.aliases) for a in self.agencies.values())
        if ids:
            self.apply_agency_ids(ids)
            for agency_ in self.agencies.values():
                agency_.parent = _id(ids, agency_.parent)
                agency_.successor = _id(ids, agency_.successor)
            self.agency_ids = ids

    def apply_agency_ids(self, ids: dict[str, str]) -> None:
        """Write the agencies these tasks and directives name by an alias as their ids
        (:meth:`use_agency_ids`; `ids` may be another Records' :attr:`agency_ids`)."""
        for task in self.tasks.values():
            if (
                task.lead in ids
                or task.report_to in ids
                or not ids.keys().isdisjoint((*task.support, *task.via))
            ):
                _agency_ids_in(task, ids)
        for directive in self.directives.values():
            directive.issuer = ids.get(directive.issuer, directive.issuer)

    def agency_name(self, agency_id: str) -> str:
        """The agency's display name, or the id itself when no agency has it."""
        known = self.agencies.get(agency_id)
        return known.display if known else agency_id


def alias_ids(agencies: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Each declared alias → the id of the agency declaring it: only an alias that one
    agency declares and that is no agency's id (an id always means itself)."""
    agencies = list(agencies)
    ids = {agency_id for agency_id, _ in agencies}
    holders: dict[str, set[str]] = {}
    for agency_id, aliases in agencies:
        for alias in aliases:
            holders.setdefault(alias, set()).add(agency_id)
    return {a: next(iter(h)) for a, h in holders.items() if len(h) == 1 and a not in ids}


def _id(ids: dict[str, str], name: str | None) -> str | None:
    return ids.get(name, name) if name is not None else None


#: a task's fields that name one agency, and those that name several: an alias written in
#: them stands for its agency's id (:meth:`Records.use_agency_ids`)
AGENCY_FIELDS = ("lead", "report_to")
AGENCIES_FIELDS = ("support", "via")


def _agency_ids_in(task: Task, ids: dict[str, str]) -> None:
    """Called while the records are being built (by :meth:`Records.use_agency_ids`)."""
    for name in AGENCY_FIELDS:
        setattr(task, name, _id(ids, getattr(task, name)))
    for name in AGENCIES_FIELDS:
        setattr(task, name, tuple(ids.get(a, a) for a in getattr(task, name)))


def _tuple(values: dict[str, Any], key: str) -> tuple[Any, ...]:
    return tuple(values.get(key, ()))


def _date(text: str | None) -> date | None:
    """Summaries keep dates as checked ISO text; typed records hold `date` objects."""
    return date.fromisoformat(text) if text else None


def _person(value: dict[str, Any] | None) -> Person | None:
    return Person(**value) if value else None


def agency(v: dict[str, Any]) -> Agency:
    return Agency(v["id"], v["name"], v.get("short"), _tuple(v, "aliases"), v.get("parent"),
                  _date(v.get("until")), v.get("successor"))  # fmt: skip


def directive(v: dict[str, Any], src: Source) -> Directive:
    return Directive(v["id"], v["type"], v["issuer"], date.fromisoformat(v["issued"]), v["title"],
                     src, v.get("number"), _person(v.get("signer")), v.get("meeting"),
                     _tuple(v, "references"))  # fmt: skip


def _extension(e: dict[str, Any]) -> Extension:
    return Extension(date.fromisoformat(e["due"]), date.fromisoformat(e["granted"]), e.get("by"),
                     e.get("reason"))  # fmt: skip


def _cancellation(c: dict[str, Any] | None) -> Cancellation | None:
    if not c:
        return None
    return Cancellation(date.fromisoformat(c["date"]), c.get("reason"), c.get("by"))


def task(v: dict[str, Any], src: Source) -> Task:
    due = v.get("due")
    working = due.get("working_days") if isinstance(due, dict) else None
    return Task(
        v["id"], v["directive"], v["title"], v["lead"], src, v.get("item"), v.get("description"),
        _tuple(v, "support"), v.get("report_to"), _tuple(v, "via"), v.get("group"),
        _tuple(v, "tags"), v.get("parent"), _tuple(v, "indicators"),
        _date(due) if isinstance(due, str) else None, working, v.get("every"), v.get("due_day"),
        v.get("due_month"), _date(v.get("start")), _date(v.get("end")),
        tuple(_extension(e) for e in v.get("extensions", ())), _date(v.get("completed")),
        _cancellation(v.get("cancelled")),
    )  # fmt: skip


#: the fields of Task in the constructor's order: a snapshot keeps a column for each but
#: the description (cdsctl.snapshot.columns), a row of :func:`task_row` holds them so
TASK_FIELDS = ("id", "directive", "title", "lead", "source", "item", "description", "support",
               "report_to", "via", "group", "tags", "parent", "indicators", "due",
               "due_working_days", "every", "due_day", "due_month", "start", "end", "extensions",
               "completed", "cancelled")  # fmt: skip
ROW_FIELDS = tuple(name for name in TASK_FIELDS if name != "description")
#: the fields of few distinct values (ids of directives and agencies, lists of them,
#: groups): a snapshot and a shard's piece keep one object per value (at 100,000 tasks and
#: 200,000 reports the loaded view took 300 MB with a string object per occurrence)
SHARED_FIELDS = frozenset({"directive", "lead", "support", "report_to", "via", "group", "tags",
                           "every", "due_working_days"})  # fmt: skip


def task_row(v: dict[str, Any], file: str, iso: Callable[[str | None], str | None]
             ) -> tuple[Any, ...]:  # fmt: skip
    """A task's checked values as a snapshot's columns keep the typed record :func:`task`
    makes of them (:data:`ROW_FIELDS`, its `source` as the file; cdsctl.snapshot.columns),
    without making it: each date by `iso` (the ISO text of a date's text, None for none, as
    a `date` made and written again gives it).  tests/test_pieces.py holds the two equal."""
    get = v.get
    due, extensions, cancelled = get("due"), get("extensions"), get("cancelled")
    return (
        v["id"], v["directive"], v["title"], v["lead"], file, get("item"),
        tuple(get("support", ())), get("report_to"), tuple(get("via", ())), get("group"),
        tuple(get("tags", ())), get("parent"), tuple(get("indicators", ())),
        iso(due) if isinstance(due, str) else None,
        due.get("working_days") if isinstance(due, dict) else None, get("every"),
        get("due_day"), get("due_month"), iso(get("start")), iso(get("end")),
        tuple((iso(e["due"]), iso(e["granted"]), e.get("by"), e.get("reason"))
              for e in extensions) if extensions else None,
        iso(get("completed")),
        (iso(cancelled["date"]), cancelled.get("reason"), cancelled.get("by")) if cancelled
        else None,
    )  # fmt: skip


def report(v: dict[str, Any], src: Source) -> Report:
    items = tuple(ReportItem(i["task"], i["status"], i.get("progress")) for i in v["tasks"])
    return Report(v["id"], v["agency"], date.fromisoformat(v["date"]), items, src,
                  v.get("number"), v.get("period"))  # fmt: skip


def meeting(v: dict[str, Any], src: Source) -> Meeting:
    return Meeting(v["id"], v["title"], date.fromisoformat(v["date"]), Person(**v["chair"]), src,
                   v.get("start"), v.get("end"), v.get("place"), v.get("mode"),
                   _tuple(v, "sites"), _person(v.get("secretary")), v.get("directive"))  # fmt: skip


def indicator(v: dict[str, Any], src: Source) -> Indicator:
    return Indicator(v["id"], v["name"], v["better"], src, v.get("unit"),
                     tuple(_measure(m) for m in v.get("targets", ())),
                     tuple(_measure(m) for m in v.get("actuals", ())))  # fmt: skip


def _measure(m: dict[str, Any]) -> Measure:
    return Measure(m["period"], m["value"], m.get("source"), _date(m.get("date")))


def calendar(v: dict[str, Any]) -> Calendar:
    return Calendar(tuple(date.fromisoformat(d) for d in v.get("days_off", ())),
                    tuple(date.fromisoformat(d) for d in v.get("working_days", ())))  # fmt: skip


#: how each kind with an id of its own is kept in Records: (attribute, builder)
_BUILD: dict[str, tuple[str, Any]] = {
    "directive": ("directives", directive),
    "task": ("tasks", task),
    "meeting": ("meetings", meeting),
    "indicator": ("indicators", indicator),
}
