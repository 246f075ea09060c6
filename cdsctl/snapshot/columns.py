"""Typed records to builtins and back: what the snapshot keeps of a records root.

Tasks go as one list per field (marshal loads a column of strings in one sweep: 100,000
titles in 0.04 s), dates as ISO text turned back into dates through one memo (a few
thousand distinct days among hundreds of thousands of dates).  Long text (descriptions) is
kept apart, loaded only for `--search`.  Reports are not kept as records: what queries
need of them is each task's report items, in date order (:func:`report_entries`).

`decode(encode(r))` gives records equal to `r` (descriptions only with `text`);
tests/test_snapshot.py holds that for the bundled records and for generated ones.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from .. import model
from ..model import ROW_FIELDS, SHARED_FIELDS
from ..state import Entry, report_items

_DATES = frozenset({"due", "start", "end", "completed"})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _person(p: model.Person | None) -> tuple[str | None, str | None] | None:
    return (p.name, p.title) if p is not None else None


def encode(records: model.Records) -> tuple[dict[str, Any], dict[str, str]]:
    """(the records' query view as builtins, the tasks' descriptions by id)."""
    tasks = list(records.tasks.values())
    one: dict[Any, Any] = {}
    same = one.setdefault  # equal values as one object: marshal writes it once, loads it once
    view = {
        "agencies": [_agency_row(a) for a in records.agencies.values()],
        "agency_ids": records.agency_ids,
        "directives": [_directive_row(d) for d in records.directives.values()],
        "tasks": task_columns(tasks, same),
        "meetings": [_meeting_row(m) for m in records.meetings.values()],
        "indicators": [_indicator_row(i) for i in records.indicators.values()],
        "calendar": (_isos(records.calendar.days_off), _isos(records.calendar.working_days)),
        "internal": sorted(records.internal),
        "entries": _entries(records, same),
    }
    texts = {t.id: t.description for t in tasks if t.description}
    view["holidays"] = _working_days(records)
    return view, texts


def task_columns(tasks: list[model.Task], same: Callable[[Any, Any], Any]
                 ) -> dict[str, list[Any]]:  # fmt: skip
    """The tasks as a snapshot keeps them: a list of builtins per field of
    :data:`~cdsctl.model.ROW_FIELDS` (`same`: a memo's setdefault, equal values as one
    object).  model.task_row makes a task's row of them from its values."""
    columns: dict[str, list[Any]] = {}
    for name in ROW_FIELDS:
        values = [getattr(t, name) for t in tasks]
        if name in SHARED_FIELDS:
            values = [same(v, v) for v in values]
        elif name in _DATES:
            values = [same(v, _iso(v)) for v in values]
        elif name == "source":
            values = [s.file for s in values]
        elif name == "extensions":
            values = [tuple((_iso(e.due), _iso(e.granted), e.by, e.reason) for e in v) or None
                      for v in values]  # fmt: skip
        elif name == "cancelled":
            values = [(_iso(c.date), c.reason, c.by) if c else None for c in values]
        columns[name] = values
    return columns


def _entries(records: model.Records, same: Callable[[Any, Any], Any]) -> dict[str, Any]:
    """Every task's report items, dates as ISO text (a snapshot's records have them so: as
    they are, their equal dates, states and periods one object each where they were made,
    snapshot.fromshards, or loaded, marshal)."""
    if records.report_entries is not None:
        return records.report_entries
    return {task: [(same(e[0], _iso(e[0])), e[1], same(e[2], e[2]), e[3], same(e[4], e[4]))
                   for e in entries]
            for task, entries in report_entries(records).items()}  # fmt: skip


def _working_days(records: model.Records) -> dict[str, Any]:
    """The holiday calendars of every year a deadline counted in working days reaches, as
    workdays.known_years keeps them (a query over the snapshot then needs no `holidays`)."""
    from ..dates.workdays import WorkCalendar, known_years
    from ..state import base_due

    calendar = WorkCalendar(records.calendar.days_off, records.calendar.working_days)
    for task in records.tasks.values():
        if task.due_working_days is not None and task.due is None:
            base_due(task, records, calendar)
    return known_years()


def report_agencies(records: model.Records) -> dict[str, str]:
    """Each report's agency by report id (the first holder of an id stays), as ids: what
    `show` lists beside a task's report items."""
    found = {r.id: r.agency for r in records.built_reports.values()}
    ids = records.agency_ids
    for values, _ in records.report_values:
        agency = values["agency"]
        found.setdefault(values["id"], ids.get(agency, agency))
    return found


def _isos(days: tuple[date, ...]) -> list[str]:
    return [d.isoformat() for d in days]


def _agency_row(a: model.Agency) -> tuple[Any, ...]:
    return (a.id, a.name, a.short, a.aliases, a.parent, _iso(a.until), a.successor)


def _directive_row(d: model.Directive) -> tuple[Any, ...]:
    return (d.id, d.type, d.issuer, _iso(d.issued), d.title, d.source.file, d.number,
            _person(d.signer), d.meeting, d.references)  # fmt: skip


def _meeting_row(m: model.Meeting) -> tuple[Any, ...]:
    return (m.id, m.title, _iso(m.date), _person(m.chair), m.source.file, m.start, m.end,
            m.place, m.mode, m.sites, _person(m.secretary), m.directive)  # fmt: skip


def _indicator_row(i: model.Indicator) -> tuple[Any, ...]:
    return (i.id, i.name, i.better, i.source.file, i.unit, tuple(map(_measure, i.targets)),
            tuple(map(_measure, i.actuals)))  # fmt: skip


def _measure(m: model.Measure) -> tuple[Any, ...]:
    return (m.period, m.value, m.source, _iso(m.date))


def report_entries(records: model.Records) -> dict[str, list[Entry]]:
    """Every task's report items, in date order (then report id), whatever their date:
    what the state of a task reads of the reports (spec §4), for any as-of date."""
    return report_items(records)


def decode(view: dict[str, Any], texts: dict[str, str] | None = None) -> model.Records:
    """Records from :func:`encode`'s view; descriptions from `texts` (None: left out)."""
    day = days()
    records = model.Records()
    source, person = model.Source, _unperson
    for a in view["agencies"]:
        records.agencies[a[0]] = model.Agency(a[0], a[1], a[2], a[3], a[4], day(a[5]), a[6])
    records.agency_ids = view["agency_ids"]
    for d in view["directives"]:
        records.directives[d[0]] = model.Directive(
            d[0], d[1], d[2], day(d[3]) or date.min, d[4], source(d[5]), d[6], person(d[7]),
            d[8], d[9])  # fmt: skip
    records.tasks = tasks_of(view["tasks"], day, texts)
    for m in view["meetings"]:
        records.meetings[m[0]] = model.Meeting(
            m[0], m[1], day(m[2]) or date.min, person(m[3]) or model.Person(), source(m[4]),
            m[5], m[6], m[7], m[8], m[9], person(m[10]), m[11])  # fmt: skip
    for i in view["indicators"]:
        records.indicators[i[0]] = model.Indicator(
            i[0], i[1], i[2], source(i[3]), i[4], tuple(_unmeasure(m, day) for m in i[5]),
            tuple(_unmeasure(m, day) for m in i[6]))  # fmt: skip
    days_off, worked = view["calendar"]
    records.calendar = model.Calendar(tuple(map(date.fromisoformat, days_off)),
                                      tuple(map(date.fromisoformat, worked)))  # fmt: skip
    records.report_entries = view["entries"]  # (dates as text: state.GatheredReports)
    records.internal = set(view["internal"])
    from ..dates.workdays import preload

    preload(view["holidays"])
    return records


def days() -> Callable[[str | None], date | None]:
    """ISO text to a date, through one memo: each distinct day one object."""
    memo: dict[str, date] = {}

    def day(text: str | None) -> date | None:
        if text is None:
            return None
        found = memo.get(text)
        if found is None:
            found = memo[text] = date.fromisoformat(text)
        return found

    return day


def tasks_of(columns: dict[str, list[Any]], day: Callable[[str | None], date | None],
             texts: dict[str, str] | None) -> dict[str, model.Task]:  # fmt: skip
    """The typed tasks of a snapshot's columns (:data:`~cdsctl.model.ROW_FIELDS`), by id;
    their descriptions from `texts` (None: left out)."""
    task, source, extension, cancellation = (model.Task, model.Source, model.Extension,
                                             model.Cancellation)  # fmt: skip
    texts = texts or {}
    dated = {name: list(map(day, columns[name])) for name in _DATES}  # (map: no call per row)
    files = list(map(source, columns["source"]))
    out = {}
    for (id_, directive, title, lead, file, item, support, report_to, via, group, tags, parent,
         indicators, due, working, every, due_day, due_month, start, end, extensions, completed,
         cancelled) in zip(*(dated.get(f, files if f == "source" else columns.get(f))
                             for f in ROW_FIELDS),
                           strict=True):  # fmt: skip
        out[id_] = task(
            id_, directive, title, lead, file, item, texts.get(id_) if texts else None, support,
            report_to, via, group, tags, parent, indicators, due, working, every, due_day,
            due_month, start, end,
            tuple(extension(day(e[0]), day(e[1]), e[2], e[3])  # type: ignore[arg-type]
                  for e in extensions) if extensions else (),
            completed,
            cancellation(day(cancelled[0]), cancelled[1], cancelled[2])  # type: ignore[arg-type]
            if cancelled else None)  # fmt: skip
    return out


def _unperson(p: tuple[str | None, str | None] | None) -> model.Person | None:
    return model.Person(p[0], p[1]) if p is not None else None


def _unmeasure(m: tuple[Any, ...], day: Callable[[str | None], date | None]) -> model.Measure:
    return model.Measure(m[0], m[1], m[2], day(m[3]))
