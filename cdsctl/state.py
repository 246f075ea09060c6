"""Task state as of a date D (spec §4), for one-off tasks and recurring instances.

Everything dated after D is ignored — reports, extensions granted, completions,
cancellations — so a past D answers what was knowable then.  Two readings the spec
leaves open are settled here and documented in docs/queries.md ("How a task's state is decided"):

* a task whose directive was issued after D did not exist yet: it is left out;
* a task done with no deadline at all is done-on-time (there was nothing to be late for).

A recurring task (`every`) has one instance per period that has begun by D and whose due
day falls between `start` and `end` (or the day the task was closed by hand with
`completed`).  An instance is due on its period's due day and done by the earliest report
dated ≤ D for that `period` with the task `done`.  A cancelled series has no periods after
the one holding the cancellation; there, an instance due after it is cancelled unless done.
Queries that look ahead (`due`, `calendar`) also ask for the instances still to come: those
of periods not yet begun on D (or of a duty that starts after D) due by a horizon they give
(:data:`Horizon`); `tasks` and `stats` keep the instances above.

A deadline counted in working days that runs past 9999-12-31 is that day, the calendar's
last: no date of the calendar is after it, so the task is open whatever D is.

Where several readings were possible: of two extensions granted the same day the one written
last counts; a one-off task done before it was cancelled stays done (moving D forward never
undoes "done"); `completed` is C even when a report said done earlier (spec §4, literally).
"""

from __future__ import annotations

import calendar as _monthcal
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from .dates.periods import PERIOD_MONTHS
from .model import Records, Task


class State(StrEnum):
    DONE_ON_TIME = "done-on-time"
    DONE_LATE = "done-late"
    OVERDUE = "overdue"
    OPEN = "open"
    NO_DEADLINE = "no-deadline"
    CANCELLED = "cancelled"


DONE = (State.DONE_ON_TIME, State.DONE_LATE)
_OVERDUE, _DONE_LATE = State.OVERDUE, State.DONE_LATE


class Calendar(Protocol):
    def add_working_days(self, start: date, n: int) -> date: ...


@dataclass(slots=True)
class Progress:
    """The latest report on a task (or instance) dated ≤ D."""

    date: date
    report: str
    status: str
    progress: float | None


@dataclass(slots=True, init=False)
class TaskState:
    """One task, or one instance `TASK@PERIOD` of a recurring task, as of D."""

    id: str
    task: Task
    period: str | None
    state: State
    deadline: date | None
    completed: date | None
    as_of: date
    #: where `latest` is looked up (on use: overdue and stats never ask)
    reports: ReportIndex | None = field(default=None, repr=False, compare=False)
    #: for an overdue one, the days from its deadline to D (queries sort and print it: set
    #: once here rather than worked out on each of 250,000 reads at 100,000 tasks)
    days_overdue: int | None = field(init=False, default=None)
    #: for one done late, the days from its deadline to its completion
    days_late: int | None = field(init=False, default=None)

    def __init__(self, id: str, task: Task, period: str | None, state: State,
                 deadline: date | None, completed: date | None, as_of: date,
                 reports: ReportIndex | None = None) -> None:  # fmt: skip
        """(Written out: the generated one then called __post_init__, one call more for
        each of 170,000 states at 100,000 tasks.)"""
        self.id, self.task, self.period, self.state = id, task, period, state
        self.deadline, self.completed, self.as_of, self.reports = (deadline, completed, as_of,
                                                                   reports)  # fmt: skip
        self.days_overdue = self.days_late = None
        if deadline is not None:
            if state is _OVERDUE:
                self.days_overdue = (as_of - deadline).days
            elif state is _DONE_LATE and completed is not None:
                self.days_late = (completed - deadline).days

    @property
    def latest(self) -> Progress | None:
        """The latest report on this task (or instance) dated ≤ D."""
        return self.reports.latest(self.task.id, self.period) if self.reports else None

    def last_item(self) -> Entry | None:
        """:attr:`latest` as the report index keeps it: (date, report id, status, progress,
        period), the date a `date` or its ISO text."""
        return self.reports.last_item(self.task.id, self.period) if self.reports else None


#: one report item as the index keeps it: (date, report id, status, progress, period)
Entry = tuple[date, str, str, "float | None", "str | None"]


def report_items(records: Records, as_of: date | None = None,
                 tasks: Collection[str] | None = None) -> dict[str, list[Entry]]:  # fmt: skip
    """Report items per task, in date order (then report id): dated ≤ `as_of` and on
    `tasks` when given.  The first holder of a report id stays, as Records.reports builds
    them; reports not built into objects are read straight from their values."""
    if tasks is not None and not isinstance(tasks, set | frozenset | dict):
        tasks = frozenset(tasks)  # (a list asked of 300,000 items: seconds, not milliseconds)
    by_task: dict[str, list[Entry]] = defaultdict(list)
    seen = set(records.built_reports)
    for report in records.built_reports.values():
        if as_of is None or report.date <= as_of:
            for item in report.tasks:
                if tasks is None or item.task in tasks:
                    entry = (report.date, report.id, item.status, item.progress, report.period)
                    by_task[item.task].append(entry)
    days: dict[str, date] = {}
    for values, _ in records.report_values:
        report_id, text = values["id"], values["date"]
        if report_id in seen:
            continue
        seen.add(report_id)
        day = days.get(text) or days.setdefault(text, date.fromisoformat(text))
        if as_of is not None and day > as_of:
            continue
        period = values.get("period")
        for v in values["tasks"]:
            if tasks is None or v["task"] in tasks:
                by_task[v["task"]].append((day, report_id, v["status"], v.get("progress"), period))
    by_date_and_id = operator.itemgetter(0, 1)
    for entries in by_task.values():
        if len(entries) > 1:
            entries.sort(key=by_date_and_id)
    return dict(by_task)


class ReportIndex:
    """Report items per task, dated ≤ D, in date order (then report id)."""

    def __init__(self, records: Records, as_of: date, tasks: Collection[str] | None = None) -> None:
        """`tasks`: only items on these tasks (all when None)."""
        self.as_of = as_of
        self.by_task = report_items(records, as_of, tasks)
        self.periods: dict[str, dict[str | None, Entry]] = {}  # (_last_by_period's)

    def first_done(self, task_id: str, period: str | None = None) -> date | None:
        for day, _, status, _, entry_period in self.by_task.get(task_id, ()):
            if status == "done" and (period is None or entry_period == period):
                return day
        return None

    def done_periods(self, task_id: str) -> dict[str | None, date]:
        """:meth:`first_done` of every period of the task at once (its instances ask in
        turn: one pass over its items, not one for each instance)."""
        found: dict[str | None, date] = {}
        for day, _, status, _, period in self.by_task.get(task_id, ()):
            if status == "done" and period not in found:
                found[period] = day
        return found

    def latest(self, task_id: str, period: str | None = None) -> Progress | None:
        item = self.last_item(task_id, period)
        return Progress(self._day(item[0]), item[1], item[2], item[3]) if item else None

    def last_item(self, task_id: str, period: str | None = None) -> Entry | None:
        """The item of :meth:`latest` as the index keeps it (rows show its report, status
        and progress: no Progress, nor a date, made for each of 160,000 at 100,000 tasks).
        A period's is looked up among the task's last items by period, made once per task
        (:meth:`_last_by_period`): a duty's instances each ask in turn."""
        if period is not None:
            return self._last_by_period(task_id).get(period)
        items = self.by_task.get(task_id)
        return items[-1] if items else None

    def _items(self, task_id: str) -> Sequence[Entry]:
        """The task's items dated ≤ D, in date order."""
        return self.by_task.get(task_id, ())

    def _last_by_period(self, task_id: str) -> dict[str | None, Entry]:
        found = self.periods.get(task_id)
        if found is None:
            found = self.periods[task_id] = {item[4]: item for item in self._items(task_id)}
        return found

    def _day(self, day: Any) -> date:
        """An item's date (here one already; a snapshot's index keeps ISO text)."""
        return day


def base_due(task: Task, records: Records, calendar: Calendar) -> date | None:
    """`due` as a date: given, or counted in working days from the directive's issue date."""
    if task.due is not None:
        return task.due
    directive = records.directives.get(task.directive)
    if task.due_working_days is not None and directive is not None:
        try:
            return calendar.add_working_days(directive.issued, task.due_working_days)
        except OverflowError:  # counted past 9999-12-31 (see the module doc)
            return date.max
    return None


def deadline_in_force(task: Task, records: Records, calendar: Calendar, as_of: date) -> date | None:
    """The due of the last extension granted on or before D, else `due`."""
    last = None  # the last granted; of two granted the same day, the one written last
    for extension in task.extensions:
        if extension.granted <= as_of and (last is None or extension.granted >= last.granted):
            last = extension
    return last.due if last is not None else base_due(task, records, calendar)


def _judge(done: date | None, deadline: date | None, as_of: date) -> State:
    if done is not None:
        return State.DONE_ON_TIME if deadline is None or done <= deadline else State.DONE_LATE
    if deadline is None:
        return State.NO_DEADLINE
    return State.OVERDUE if deadline < as_of else State.OPEN


def _one_off(task: Task, records: Records, calendar: Calendar, as_of: date,
             reports: ReportIndex, kinds: Collection[State] | None = None
             ) -> TaskState | None:  # fmt: skip
    deadline = (task.due if task.due is not None and not task.extensions
                else deadline_in_force(task, records, calendar, as_of))  # fmt: skip
    completed = task.completed
    done = completed if completed and completed <= as_of else reports.first_done(task.id)
    cancelled = task.cancelled.date if task.cancelled and task.cancelled.date <= as_of else None
    if cancelled is not None and not (done is not None and done <= cancelled):
        state = State.CANCELLED  # (a task finished before it was cancelled stays done)
    else:
        state = _judge(done, deadline, as_of)
    if kinds is not None and state not in kinds:
        return None
    return TaskState(task.id, task, None, state, deadline, done, as_of, reports)


class GatheredReports(ReportIndex):
    """The report items of records that come with them gathered for every date, in date
    order, days as ISO text (:attr:`Records.report_entries`, a snapshot's): looked at up
    to D only for the tasks asked about, and only the days given back become dates."""

    def __init__(self, gathered: dict[str, list[tuple[str, str, str, float | None, str | None]]],
                 as_of: date) -> None:  # fmt: skip
        self.as_of, self.gathered, self.until = as_of, gathered, as_of.isoformat()
        self.days: dict[str, date] = {}
        self.periods: dict[str, dict[str | None, Entry]] = {}

    def _day(self, text: str) -> date:
        found = self.days.get(text)
        if found is None:
            found = self.days[text] = date.fromisoformat(text)
        return found

    def first_done(self, task_id: str, period: str | None = None) -> date | None:
        until = self.until
        for day, _, status, _, entry_period in self.gathered.get(task_id, ()):
            if day > until:  # (ISO text compares as the dates do)
                return None
            if status == "done" and (period is None or entry_period == period):
                return self._day(day)
        return None

    def done_periods(self, task_id: str) -> dict[str | None, date]:
        until, found = self.until, {}
        for day, _, status, _, period in self.gathered.get(task_id, ()):
            if day > until:
                break
            if status == "done" and period not in found:
                found[period] = self._day(day)
        return found

    def last_item(self, task_id: str, period: str | None = None) -> Entry | None:
        if period is not None:
            return self._last_by_period(task_id).get(period)
        until = self.until
        for item in reversed(self.gathered.get(task_id, ())):
            if item[0] <= until:
                return item  # type: ignore[return-value]  # (its day as ISO text)
        return None

    def _items(self, task_id: str) -> Sequence[Entry]:
        items = self.gathered.get(task_id, ())
        if items and items[-1][0] > self.until:  # (only those dated ≤ D)
            items = [item for item in items if item[0] <= self.until]
        return items  # type: ignore[return-value]  # (their days as ISO text)


# -- recurring tasks ------------------------------------------------------------------------


def period_name(every: str, year: int, index: int) -> str:
    """`2022-05`, `2022-Q2`, `2022-H1`, `2022` for the index-th period (from 1) of a year."""
    if every == "monthly":
        return f"{year}-{index:02d}"
    if every == "quarterly":
        return f"{year}-Q{index}"
    if every == "half-yearly":
        return f"{year}-H{index}"
    return str(year)


def _period_of(every: str, day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // PERIOD_MONTHS[every] + 1


def periods(every: str, first: date, last: date) -> Iterator[tuple[int, int]]:
    """(year, index) of every period from the one holding `first` to the one holding `last`."""
    year, index = _period_of(every, first)
    per_year = 12 // PERIOD_MONTHS[every]
    while (year, index) <= _period_of(every, last):
        yield year, index
        year, index = (year, index + 1) if index < per_year else (year + 1, 1)


@functools.lru_cache(maxsize=1024)
def _days_in_month(year: int, month: int) -> int:
    return _monthcal.monthrange(year, month)[1]


def instance_due(task: Task, year: int, index: int) -> date:
    """The period's due day: `due_month` of the period (default its last), `due_day` clipped."""
    months = PERIOD_MONTHS[task.every or "monthly"]
    month = (index - 1) * months + (task.due_month or months)
    last_day = _days_in_month(year, month)
    return date(year, month, min(task.due_day or last_day, last_day))


def _series_limit(task: Task, as_of: date) -> date | None:
    """The last day the obligation runs: `end`, or the day it was closed by hand."""
    ends = [task.end] if task.end is not None else []
    if task.completed is not None and task.completed <= as_of:
        ends.append(task.completed)
    return min(ends) if ends else None


#: the last due day of the instances still to come a query wants of a duty (None: none)
Horizon = Callable[[Task], "date | None"]


def _instances(task: Task, as_of: date, reports: ReportIndex, horizon: date | None = None,
               coming: bool = False, kinds: Collection[State] | None = None
               ) -> Iterator[TaskState]:  # fmt: skip
    """The instances of spec §4 as of D, then (with a `horizon`) those still to come due by
    it; `coming`: those still to come alone; `kinds`: those in these states alone."""
    if task.every is None or task.start is None:
        return
    limit = _series_limit(task, as_of)
    cancelled = task.cancelled.date if task.cancelled and task.cancelled.date <= as_of else None
    known = _period_of(task.every, as_of) if task.start <= as_of else (0, 0)
    ahead = max(as_of, horizon) if horizon is not None else as_of
    last = min(d for d in (ahead, limit, cancelled) if d is not None)  # no periods after these
    first = max(task.start, as_of) if coming else task.start
    done_in = reports.done_periods(task.id)
    for year, index in periods(task.every, first, last):
        if coming and (year, index) <= known:
            continue  # (begun by D: known, the caller has it)
        due = instance_due(task, year, index)
        if due < task.start or (limit is not None and due > limit):
            continue  # the period's due day falls outside the obligation
        if (year, index) > known and (horizon is None or due > horizon):
            continue  # still to come, and after the horizon
        period = period_name(task.every, year, index)
        done = done_in.get(period)
        state = _judge(done, due, as_of)
        if cancelled is not None and due > cancelled and state not in DONE:
            state = State.CANCELLED
        if kinds is not None and state not in kinds:
            continue
        yield TaskState(f"{task.id}@{period}", task, period, state, due, done, as_of, reports)


def task_states(records: Records, as_of: date, calendar: Calendar,
                only: Collection[str] | None = None, horizon: Horizon | None = None,
                coming: bool = False, kinds: Collection[State] | None = None
                ) -> list[TaskState]:  # fmt: skip
    """Every task and recurring instance known on `as_of`, with its state (spec §4).

    `only`: the ids of the tasks wanted (all when None), as `show` wants one.
    `horizon`: also the recurring instances still to come, due by `horizon(task)`;
    `coming`: those alone (the caller has the rest).  `kinds`: only those in these states
    (`overdue` wants half of the 170,000 states at 100,000 tasks: the rest are not made).
    """
    gathered = records.report_entries
    reports = (ReportIndex(records, as_of, only) if gathered is None
               else GatheredReports(gathered, as_of))  # fmt: skip
    out: list[TaskState] = []
    tasks, directives = records.tasks, records.directives
    later: dict[str, bool] = {}  # directive id -> issued after D (asked once per directive)
    for task in tasks.values() if only is None else [tasks[t] for t in only if t in tasks]:
        after = later.get(task.directive)
        if after is None:
            directive = directives.get(task.directive)
            after = later[task.directive] = directive is not None and directive.issued > as_of
        if after:
            continue  # not yet assigned on D
        if task.every is not None:
            ahead = horizon(task) if horizon is not None else None
            out.extend(_instances(task, as_of, reports, ahead, coming, kinds))
        elif not coming and (state := _one_off(task, records, calendar, as_of, reports,
                                               kinds)) is not None:  # fmt: skip
            out.append(state)
    return out


def window(until: date) -> Horizon:
    """Instances still to come due by `until`, for every duty (`cdsctl due`)."""
    return lambda task: until


def through_end(as_of: date, months: int = 12) -> Horizon:
    """Instances still to come up to each duty's `end`, or `months` after D without one
    (`cdsctl calendar`)."""
    default = add_months(as_of, months)
    return lambda task: task.end if task.end is not None else default


def add_months(day: date, months: int) -> date:
    """`day` plus `months` (clipped to the month's length), or the calendar's first or last
    day when that falls outside it."""
    count = day.year * 12 + day.month - 1 + months
    year, month = divmod(count, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    return date(year, month + 1, min(day.day, _days_in_month(year, month + 1)))
