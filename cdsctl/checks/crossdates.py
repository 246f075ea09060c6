"""Rules about dates across records: a report or a task's dates are not before the
directive that assigns it; extensions move a deadline later; reports on recurring tasks name
a period of the task's form; a task still open is not led by an agency that has ceased."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ..dates.periods import PERIOD_FORMS, THE_PERIOD, example_period, period_form
from ..i18n import N_, Msg
from ..load.scalarpos import KeyPath
from .index import CrossFinding, Index

# -- dates across records ----------------------------------------------------------------------


_UNSEEN: Any = object()


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
    """A report is not dated before the directive assigning a task it reports on.

    Each task's directive is looked up once (200,000 reports name 300,000 tasks: ≈ 0.5 s
    saved at that size); roots without reports look up nothing."""
    by_task: dict[str | None, tuple[str, str] | None] = {}
    for report in index.reports():
        when = report.date
        if when is None:
            continue
        for task_id in report.tasks:
            found = by_task.get(task_id, _UNSEEN)
            if found is _UNSEEN:
                found = by_task[task_id] = _directive_issued(index, task_id or "")
            if found and when < found[1]:
                directive, issued = found
                msg = Msg("report dated {date} is before {directive} (issued {issued}), which "
                          "assigns task {task}", date=when, directive=directive, issued=issued,
                          task=task_id)  # fmt: skip
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
                msg = Msg("{what} {date}, before {directive} was issued ({issued}): check "
                          "this date and the directive's `issued`", what=Msg(what), date=when,
                          directive=name, issued=issued)  # fmt: skip
                yield CrossFinding(task.file, path, "date-before-directive", msg, about=name)


def _task_dates(values: dict[str, Any]) -> list[tuple[KeyPath, str | None, str]]:
    """(where, the date or None, what it is) of a task's dates that follow its directive."""
    dated: list[tuple[KeyPath, str | None, str]] = [
        (("completed",), values.get("completed"), N_("completed on")),
        (("cancelled", "date"), values.get("cancelled", {}).get("date"), N_("cancelled on")),
    ]
    dated += [(("extensions", i, "granted"), e.get("granted"), N_("extension granted on"))
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
        replaced, what = deadlines.due(task.values), Msg("the task's due")
        for i in sorted(range(len(extensions)), key=lambda i: extensions[i]["granted"]):
            due = extensions[i]["due"]
            if replaced is not None and due <= replaced:
                msg = Msg("extension due {due} is not after the deadline it replaces, "
                          "{replaced} ({what}): an extension moves the deadline later; check "
                          "its `due` and `granted`", due=due, replaced=replaced,
                          what=what)  # fmt: skip
                yield CrossFinding(task.file, ("extensions", i, "due"), "extension-order", msg,
                                   about=task.values.get("directive"))  # fmt: skip
            replaced = due
            what = Msg("the extension granted {date}", date=extensions[i]["granted"])


def count_working_days(index: Index) -> None:
    """Count every task's deadline given in working days, for what it leaves behind: the
    holiday calendars of the years counted through (dates.workdays), which the validation
    keeps beside its result.  A query made from the validation's cache then counts the
    same deadlines without importing the `holidays` package and asking it again (0.06 s,
    and 0.16 s before dates.workdays loaded Vietnam's calendar alone: then a third of a
    query right after `validate` at 10,000 tasks)."""
    deadlines = None
    for task in index.by_kind.get("task", ()):
        if type(task.values.get("due")) is dict and task.file not in index.broken:
            deadlines = deadlines or _Deadlines(index)
            deadlines.due(task.values)


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
    broken = index.broken
    for report in index.reports():  # most are on one-off tasks: one test in C
        if every.keys().isdisjoint(report.tasks) or report.file in broken:
            continue
        period = report.period
        for i, task_id in enumerate(report.tasks):
            recurs = every.get(task_id) if task_id is not None else None
            if task_id is None or recurs is None or (period and period_form(period) == recurs):
                continue
            msg = _period_message(task_id, recurs, period, report.date)
            yield CrossFinding(report.file, ("tasks", i, "task"), "report-period", msg,
                               about=task_id)  # fmt: skip


def _period_message(task: str, every: str, period: str | None, day: str | None) -> str:
    one, form = PERIOD_FORMS[every]
    example = Msg(" (e.g. {period})", period=example_period(every, day)) if day else ""
    if period is None:
        return Msg("task {task} recurs {every}, but this report has no `period`: add `period: "
                   "{form}`{example}, {the_one} it reports on; without it the report counts "
                   "for no period", task=task, every=every, form=form, example=example,
                   the_one=Msg(THE_PERIOD[every]))  # fmt: skip
    return Msg("task {task} recurs {every}, but this report's period {period} is {other}: a "
               "report on it covers {one}, `period: {form}`{example}; report on tasks that "
               "recur otherwise in a report of their own", task=task, every=every,
               period=period, other=Msg(PERIOD_FORMS[period_form(period)][0]), one=Msg(one),
               form=form, example=example)  # fmt: skip


# -- agencies ----------------------------------------------------------------------------------


def _closed_tasks(index: Index, today: str) -> set[str]:
    closed: set[str] = set()
    for report in index.reports():
        if report.done and (report.date or today) <= today:
            closed.update(report.done_tasks())
    return closed


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
            lead_id = task.values["lead"]
            msg = (Msg("lead '{lead}' ceased to exist on {date}; its successor is {successor}",
                       lead=lead_id, date=until, successor=successor) if successor
                   else Msg("lead '{lead}' ceased to exist on {date} and has no successor",
                            lead=lead_id, date=until))  # fmt: skip
            yield CrossFinding(task.file, ("lead",), "agency-expired", msg, about=lead_id)


def lead_days(index: Index, by_file: Iterable[list[str]]) -> list[str]:
    """The days on which :func:`check_expired_leads` may answer otherwise than the day
    before: the day after each agency's `until`, and, for the tasks such an agency leads,
    the days they were completed, cancelled or reported done (each file's part:
    :func:`lead_days_by_file`).  Between two of them its findings are the same whatever the
    day, so a validation's result serves every day of that span (:func:`day_span`); most
    roots have no `until` and one span, all days."""
    ending = [a.values["until"] for a in index.agencies if a.values.get("until")]
    if not ending:
        return []
    days = {_day_after(until) for until in ending}
    for found in by_file:
        days.update(found)
    return sorted(d for d in days if isinstance(d, str))


def lead_days_by_file(index: Index) -> dict[str, list[str]]:
    """The days each task and report of the index adds to :func:`lead_days` (only
    those adding one): kept per file, so that a few files checked again change only theirs
    (cdsctl.checks.partial)."""
    ending = {a.values["id"] for a in index.agencies if a.values.get("until")}
    if not ending:
        return {}
    names = ending | index.aliases.keys()
    led, found = set(), {}
    for task in index.of_kind("task"):
        if task.values.get("lead") in names:
            led.add(task.id)
            values = task.values
            days = [d for d in (values.get("completed"), values.get("cancelled", {}).get("date"))
                    if d]  # fmt: skip
            if days:
                found[task.file] = days
    for report in index.reports():
        when = report.date
        if when and report.done and not led.isdisjoint(report.done_tasks()):
            found[report.file] = [when]
    return found


def _day_after(day: str) -> str:
    from datetime import date, timedelta

    try:
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    except (ValueError, OverflowError):
        return day  # (a date the record's own checks report; as good as any bound)


def day_span(days: list[str], today: str) -> tuple[str | None, str | None]:
    """[first, end) around `today` between the change days `days` (None: unbounded): the
    days for which the day-dependent rules answer as on `today`."""
    import bisect

    at = bisect.bisect_right(days, today)
    return (days[at - 1] if at else None, days[at] if at < len(days) else None)
