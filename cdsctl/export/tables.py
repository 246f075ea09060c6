"""The tables of an export: the schema as data, and each table's rows from a repository.

:data:`SCHEMA` names every table, its columns with their DuckDB types and its key; the
writers (:mod:`.write`) take the types from it, and docs/export.md documents it (a test
fails when the two disagree).  :func:`build` gives each table's rows as tuples in the
order of its columns, sorted so that the same records always give the same files.

Only `task_instances` depends on the as-of date (spec §4: states as of D, the rows of
`cdsctl tasks`); the other tables are the records as written, with everything dated after D
too, so one export answers "what was assigned" and "where it stood on D" side by side.

Column names avoid SQL's reserved words, so that no query has to quote them: the record
format's `group` is `task_group`, `start` and `end` are `every_start` and `every_end`,
`references` is `refs`, and a `by` is `granted_by` or `cancelled_by`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..state import base_due

if TYPE_CHECKING:
    from ..model import Agency, Directive, Indicator, Records, Task
    from ..repository import Repository

VARCHAR, DATE, INTEGER, DOUBLE, LIST = "VARCHAR", "DATE", "INTEGER", "DOUBLE", "VARCHAR[]"

#: one row of a table: its values in the order of the table's columns
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """One table: its name (the file is NAME.parquet or NAME.csv), its columns as (name,
    DuckDB type), and the columns whose values identify a row across provinces."""

    name: str
    key: tuple[str, ...]
    columns: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.columns]


_ID = (("province", VARCHAR), ("id", VARCHAR))

#: Every table of an export, in the order they are written.
SCHEMA: tuple[Table, ...] = (
    Table("agencies", ("province", "id"), (
        *_ID, ("name", VARCHAR), ("short", VARCHAR), ("aliases", LIST), ("parent", VARCHAR),
        ("until", DATE), ("successor", VARCHAR),
    )),
    Table("directives", ("province", "id"), (
        *_ID, ("type", VARCHAR), ("number", VARCHAR), ("issuer", VARCHAR), ("issued", DATE),
        ("title", VARCHAR), ("signer_name", VARCHAR), ("signer_title", VARCHAR),
        ("meeting", VARCHAR), ("refs", LIST), ("file", VARCHAR),
    )),
    Table("tasks", ("province", "id"), (
        *_ID, ("directive", VARCHAR), ("item", VARCHAR), ("title", VARCHAR), ("lead", VARCHAR),
        ("support", LIST), ("report_to", VARCHAR), ("via", LIST), ("task_group", VARCHAR),
        ("tags", LIST), ("parent", VARCHAR), ("indicators", LIST), ("due", DATE),
        ("due_working_days", INTEGER), ("every", VARCHAR), ("due_day", INTEGER),
        ("due_month", INTEGER), ("every_start", DATE), ("every_end", DATE),
        ("completed", DATE), ("cancelled", DATE), ("cancelled_reason", VARCHAR),
        ("cancelled_by", VARCHAR), ("file", VARCHAR),
    )),
    Table("task_instances", ("province", "as_of", "id"), (
        ("province", VARCHAR), ("as_of", DATE), ("id", VARCHAR), ("task", VARCHAR),
        ("period", VARCHAR), ("state", VARCHAR), ("deadline", DATE), ("completed", DATE),
        ("days_overdue", INTEGER), ("days_late", INTEGER),
    )),
    Table("deadlines", ("province", "task", "seq"), (
        ("province", VARCHAR), ("task", VARCHAR), ("seq", INTEGER), ("kind", VARCHAR),
        ("due", DATE), ("granted", DATE), ("granted_by", VARCHAR), ("reason", VARCHAR),
    )),
    Table("reports", ("province", "id"), (
        *_ID, ("agency", VARCHAR), ("date", DATE), ("number", VARCHAR), ("period", VARCHAR),
        ("file", VARCHAR),
    )),
    Table("report_items", ("province", "report", "seq"), (
        ("province", VARCHAR), ("report", VARCHAR), ("seq", INTEGER), ("task", VARCHAR),
        ("status", VARCHAR), ("progress", DOUBLE), ("period", VARCHAR), ("date", DATE),
    )),
    Table("indicators", ("province", "id"), (
        *_ID, ("name", VARCHAR), ("unit", VARCHAR), ("better", VARCHAR), ("file", VARCHAR),
    )),
    Table("measures", ("province", "indicator", "kind", "seq"), (
        ("province", VARCHAR), ("indicator", VARCHAR), ("kind", VARCHAR), ("seq", INTEGER),
        ("period", VARCHAR), ("value", DOUBLE), ("date", DATE), ("source", VARCHAR),
    )),
)  # fmt: skip

TABLES = {table.name: table for table in SCHEMA}


def build(repo: Repository, province: str, as_of: date) -> dict[str, list[Row]]:
    """Every table's rows (by table name) for the records of `repo`, as of `as_of`."""
    records = repo.records
    tasks = sorted(records.tasks.values(), key=attrgetter("id"))
    reports = sorted(records.reports.values(), key=attrgetter("id"))
    indicators = sorted(records.indicators.values(), key=attrgetter("id"))
    return {
        "agencies": [_agency(province, a) for a in records.agencies.values()],
        "directives": [_directive(province, d)
                       for d in sorted(records.directives.values(), key=attrgetter("id"))],
        "tasks": [_task(province, t) for t in tasks],
        "task_instances": instances(repo, province, as_of),
        "deadlines": list(_deadlines(province, tasks, repo)),
        "reports": [(province, r.id, r.agency, r.date, r.number, r.period, r.source.file)
                    for r in reports],
        "report_items": [(province, r.id, seq, i.task, i.status, i.progress, r.period, r.date)
                         for r in reports for seq, i in enumerate(r.tasks, 1)],
        "indicators": [(province, i.id, i.name, i.unit, i.better, i.source.file)
                       for i in indicators],
        "measures": list(_measures(province, indicators)),
    }  # fmt: skip


def instances(repo: Repository, province: str, as_of: date) -> list[Row]:
    """Each task and recurring instance with its state as of D (`cdsctl tasks`' rows)."""
    states = sorted(repo.states(as_of), key=attrgetter("id"))
    return [(province, as_of, s.id, s.task.id, s.period, s.state.value, s.deadline,
             s.completed, s.days_overdue, s.days_late) for s in states]  # fmt: skip


def _agency(province: str, a: Agency) -> Row:
    return (province, a.id, a.name, a.short, list(a.aliases), a.parent, a.until, a.successor)


def _directive(province: str, d: Directive) -> Row:
    signer = d.signer
    return (province, d.id, d.type, d.number, d.issuer, d.issued, d.title,
            signer.name if signer else None, signer.title if signer else None, d.meeting,
            list(d.references), d.source.file)  # fmt: skip


def _task(province: str, t: Task) -> Row:
    cancelled = t.cancelled
    return (
        province, t.id, t.directive, t.item, t.title, t.lead, list(t.support), t.report_to,
        list(t.via), t.group, list(t.tags), t.parent, list(t.indicators), t.due,
        t.due_working_days, t.every, t.due_day, t.due_month, t.start, t.end, t.completed,
        cancelled.date if cancelled else None, cancelled.reason if cancelled else None,
        cancelled.by if cancelled else None, t.source.file,
    )  # fmt: skip


def _deadlines(province: str, tasks: list[Task], repo: Repository) -> Iterator[Row]:
    """The base due (a date, or counted in working days: the date it comes to) as seq 0,
    then each extension as written (seq 1, 2, …), whenever granted."""
    records: Records = repo.records
    calendar = repo.calendar()
    for task in tasks:
        due = base_due(task, records, calendar)
        if due is not None:
            yield (province, task.id, 0, "base", due, None, None, None)
        for seq, e in enumerate(task.extensions, 1):
            yield (province, task.id, seq, "extension", e.due, e.granted, e.by, e.reason)


def _measures(province: str, indicators: list[Indicator]) -> Iterator[Row]:
    for indicator in indicators:
        for kind, measures in (("target", indicator.targets), ("actual", indicator.actuals)):
            for seq, m in enumerate(measures, 1):
                yield (province, indicator.id, kind, seq, m.period, m.value, m.date, m.source)
