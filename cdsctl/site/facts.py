"""What the site's pages show, worked out once per build from the records as of a date:
task states grouped by agency and directive, tallies, the overdue trend, indicator
standings, each task's reports and each file's commits."""

from __future__ import annotations

import calendar as _monthcal
import heapq
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from ..dates.workdays import WorkCalendar
from ..gitstore import Touch
from ..indicators import Standing, standings
from ..model import Records
from ..queries import Tally, stats
from ..repository import Repository
from ..snapshot.columns import report_agencies
from ..state import State, TaskState, base_due, deadline_in_force, report_items, window
from ..text import vn_sort_key

#: how far ahead "due this week" looks, and how many month-ends the overdue trend shows
WEEK = 7
#: the reports an agency's page lists (its latest; it says how many there are in all)
LATEST = 50
TREND_MONTHS = 12


class Facts:
    """The records of one build as of `as_of`, each view worked out when first used."""

    def __init__(self, repo: Repository, as_of: date, touches: dict[str, list[Touch]]) -> None:
        self.repo, self.records, self.as_of, self.touches = repo, repo.records, as_of, touches

    def prepare(self) -> None:
        """Work out now what the pages of every share read (the shares are made in forked
        processes: each would work it out again).  Each agency's reports are left to the
        process that makes the agencies' pages (record_pages.RecordPages.all: one, but for
        a root of very few tasks)."""
        for name in ("by_task", "by_lead", "by_support", "by_directive", "overdue",
                     "agencies", "directives", "_entries", "report_agencies",
                     "_files"):  # fmt: skip
            getattr(self, name)

    @cached_property
    def states(self) -> list[TaskState]:
        """Every task and recurring instance as of the date (spec §4)."""
        return self.repo.states(self.as_of)

    @cached_property
    def by_task(self) -> dict[str, list[TaskState]]:
        return _grouped(self.states, lambda s: (s.task.id,))

    @cached_property
    def by_lead(self) -> dict[str, list[TaskState]]:
        return _grouped(self.states, lambda s: (s.task.lead,))

    @cached_property
    def by_support(self) -> dict[str, list[TaskState]]:
        return _grouped(self.states, lambda s: s.task.support)

    @cached_property
    def by_directive(self) -> dict[str, list[TaskState]]:
        return _grouped(self.states, lambda s: (s.task.directive,))

    @cached_property
    def overdue(self) -> list[TaskState]:
        """Overdue tasks and instances, most days overdue first."""
        items = [s for s in self.states if s.state is State.OVERDUE]
        return sorted(items, key=lambda s: (-(s.days_overdue or 0), s.id))

    @cached_property
    def due_this_week(self) -> list[TaskState]:
        """Open tasks and instances due from the date to a week after it, soonest first
        (instances whose period begins within the week too)."""
        until = self.as_of + timedelta(days=WEEK)
        duties = {t.id for t in self.records.tasks.values() if t.every is not None}
        ahead = (self.repo.states(self.as_of, only=duties, horizon=window(until), coming=True)
                 if duties else [])  # fmt: skip
        items = [*ahead, *self.states]
        soon = [
            s
            for s in items
            if s.state is State.OPEN
            and s.deadline is not None
            and self.as_of <= s.deadline <= until
        ]
        return sorted(soon, key=lambda s: (s.deadline or date.max, s.id))

    @cached_property
    def agencies(self) -> list[Tally]:
        """Per lead agency, in Vietnamese order of its full name."""
        tallies = stats(self.states, self.records, "agency")
        return sorted(tallies, key=lambda t: vn_sort_key(self.agency_name(t.key)))

    @cached_property
    def groups(self) -> list[Tally]:
        return stats(self.states, self.records, "group")

    @cached_property
    def directives(self) -> dict[str, Tally]:
        return {t.key: t for t in stats(self.states, self.records, "directive")}

    @cached_property
    def standings(self) -> list[Standing]:
        return standings(self.records, self.as_of)

    def reports_of(self, task_id: str) -> list[Filed]:
        """The task's report items dated by the as-of date, oldest first."""
        agencies, until = self.report_agencies, self.as_of.isoformat()
        return [(_day(when), rid, agencies.get(rid, ""), period, status, progress)
                for when, rid, status, progress, period in self._entries.get(task_id, ())
                if str(when) <= until]  # fmt: skip

    @cached_property
    def reports_by_agency(self) -> dict[str, tuple[list[Report], int]]:
        """Each agency's :data:`LATEST` latest reports dated by the as-of date, newest first,
        with their tasks, and how many it has in all.  (Every report made with its tasks
        and sorted took 0.7 s at 200,000 reports, before the processes part.)"""
        until, dated = self.as_of.isoformat(), {}
        for entries in self._entries.values():
            for when, rid, _status, _progress, period in entries:
                if rid not in dated and str(when) <= until:  # (a report's items share its date)
                    dated[rid] = (str(when), period)
        by_agency: dict[str, list[tuple[str, str]]] = defaultdict(list)
        agencies = self.report_agencies
        for rid, (when, _period) in dated.items():
            by_agency[agencies.get(rid, "")].append((when, rid))
        shown: dict[str, Report] = {}
        found: dict[str, tuple[list[Report], int]] = {}
        for agency, reports in by_agency.items():
            latest = [Report(_day(when), rid, agency, dated[rid][1], [])
                      for when, rid in heapq.nlargest(LATEST, reports)]  # fmt: skip
            shown.update((r.id, r) for r in latest)
            found[agency] = (latest, len(reports))
        for task, entries in self._entries.items():
            for _when, rid, _status, _progress, _period in entries:
                report = shown.get(rid)
                if report is not None:
                    report.tasks.append(task)
        for report in shown.values():
            report.tasks.sort()
        return found

    @cached_property
    def report_agencies(self) -> Mapping[str, str]:
        """Each report's agency by report id."""
        return agencies_of_reports(self.repo)

    @cached_property
    def _entries(self) -> Mapping[str, Sequence[tuple[Any, str, str, float | None, str | None]]]:
        """Every task's report items, in date order: the snapshot's, or gathered here."""
        if self.records.report_entries is not None:
            return self.records.report_entries
        return report_items(self.records)

    def file_of(self, record_id: str) -> str | None:
        """The file of a record (a report, say), relative to the records root."""
        found = self._files.get(record_id)
        return found[1] if found is not None else None

    @cached_property
    def _files(self) -> Mapping[str, tuple[str, str]]:
        return self.repo.located()

    @cached_property
    def trend(self) -> list[tuple[date, int]]:
        """How many tasks and instances were overdue at each of the last month-ends, and on
        the as-of date."""
        days = [*month_ends(self.as_of, TREND_MONTHS), self.as_of]
        return list(
            zip(days, overdue_counts(self.states, self.records, self.repo, days), strict=True)
        )

    def agency_name(self, agency_id: str) -> str:
        """The agency's full name (its id when no agency has it)."""
        found = self.records.agencies.get(agency_id)
        return found.name if found is not None else agency_id


def agencies_of_reports(repo: Repository) -> Mapping[str, str]:
    """Each report's agency by report id: where the snapshot says, or from the reports."""
    if repo.records.report_entries is not None and repo.where is not None:
        return repo.where.report_agencies
    return report_agencies(repo.records)


@dataclass(slots=True)
class Report:
    """A report as the site lists it: when, which, by whom, for which period, on what."""

    day: date
    id: str
    agency: str
    period: str | None
    tasks: list[str]


#: one report item on a task: (date, report id, agency, period, status, progress)
Filed = tuple[date, str, str, "str | None", str, "float | None"]
_DAYS: dict[str, date] = {}


def _day(value: date | str) -> date:
    """A report's date: a date already, or ISO text (a snapshot keeps text)."""
    if isinstance(value, date):
        return value
    found = _DAYS.get(value)
    if found is None:
        found = _DAYS[value] = date.fromisoformat(value)
    return found


def _grouped(states: Iterable[TaskState],
             keys: Callable[[TaskState], Iterable[str]]) -> dict[str, list[TaskState]]:  # fmt: skip
    found: dict[str, list[TaskState]] = defaultdict(list)
    for s in states:
        for key in keys(s):
            found[key].append(s)
    return found


def month_ends(as_of: date, count: int) -> list[date]:
    """The last days of the `count` months before the as-of date's month, oldest first."""
    ends, year, month = [], as_of.year, as_of.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        if year < 1:
            break
        ends.append(date(year, month, _monthcal.monthrange(year, month)[1]))
    return ends[::-1]


def overdue_counts(
    states: Sequence[TaskState], records: Records, repo: Repository, days: Sequence[date]
) -> list[int]:
    """How many of `states` (as of a date on or after every day of `days`) were overdue on
    each day: what `task_states` would count on that day, without working out every state
    again (tests/test_site.py holds the two equal).

    A state is overdue on the days of one span: from the day after its deadline (and its
    directive's issue) to the day before it was done (or cancelled).  Its span is two
    searches in the days, and a count per day adds the spans up (12 month-ends of 185,000
    states at 100,000 tasks: 0.3 s, against 1.5 s asking each state about each day).  A
    task whose deadline moved (extensions) is asked day by day."""
    calendar = repo.calendar()
    ordered = sorted(set(days))
    edges = [0] * (len(ordered) + 1)  # (+1 where a span begins, -1 after it ends)
    for s in states:
        task = s.task
        if s.period is None and task.extensions:
            for n, day in enumerate(ordered):
                if _overdue_on(s, day, records, calendar):
                    edges[n] += 1
                    edges[n + 1] -= 1
            continue
        lo, hi = _overdue_span(s, records, calendar, ordered)
        if lo < hi:
            edges[lo] += 1
            edges[hi] -= 1
    on, running = {}, 0
    for day, edge in zip(ordered, edges, strict=False):
        running += edge
        on[day] = running
    return [on[day] for day in days]


def _overdue_span(s: TaskState, records: Records, calendar: WorkCalendar,
                  days: list[date]) -> tuple[int, int]:  # fmt: skip
    """The days (indexes into the sorted `days`) on which `s` was overdue, as
    :func:`_overdue_on` says, for a state whose deadline did not move: [lo, hi)."""
    task = s.task
    deadline = s.deadline if s.period is not None else base_due(task, records, calendar)
    if deadline is None:
        return 0, 0
    lo = bisect_right(days, deadline)  # (overdue from the day after the deadline)
    directive = records.directives.get(task.directive)
    if directive is not None:
        lo = max(lo, bisect_left(days, directive.issued))  # (not before it was assigned)
    done = _done_from(s)
    hi = bisect_left(days, done) if done is not None else len(days)
    cancelled = task.cancelled.date if task.cancelled is not None else None
    if cancelled is not None and (s.period is None or deadline > cancelled):
        hi = min(hi, bisect_left(days, cancelled))  # (an instance due before it stays)
    return lo, hi


def _done_from(s: TaskState) -> date | None:
    """The first day on which :func:`_done_on` says the state done (None: not by its
    as-of date)."""
    task = s.task
    if s.period is None and task.completed is not None:
        first = s.reports.first_done(task.id) if s.reports is not None else None
        return min(task.completed, first) if first is not None else task.completed
    return s.completed


def _overdue_on(s: TaskState, day: date, records: Records, calendar: WorkCalendar) -> bool:
    task = s.task
    directive = records.directives.get(task.directive)
    if directive is not None and directive.issued > day:
        return False  # not yet assigned
    done = _done_on(s, day)
    deadline = (
        s.deadline if s.period is not None else deadline_in_force(task, records, calendar, day)
    )
    if deadline is None or deadline >= day or done is not None:
        return False
    cancelled = task.cancelled.date if task.cancelled and task.cancelled.date <= day else None
    if cancelled is None:
        return True
    return s.period is not None and deadline <= cancelled  # (an instance due before it stays)


def _done_on(s: TaskState, day: date) -> date | None:
    """The task's (or instance's) completion date as known on `day`, if by then: a date
    `completed` by hand, else the first report saying done (spec §4)."""
    task = s.task
    if s.period is None and task.completed is not None:
        if task.completed <= day:
            return task.completed
        first = s.reports.first_done(task.id) if s.reports is not None else None
        return first if first is not None and first <= day else None
    return s.completed if s.completed is not None and s.completed <= day else None
