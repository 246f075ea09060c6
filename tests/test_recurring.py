"""Recurring duties ahead of D: `due` and `calendar` hold the instances still to come.

`due --as-of 2024-04-26 --within 1m` left out the monthly instance due 2024-05-25, and
`calendar` held no future recurring deadline: only the instances of periods begun by D
(spec §4, which `tasks` and `stats` keep) were ever made.  The oracle here knows nothing of
periods: it scans the calendar day by day for the days a duty falls due.
"""

from __future__ import annotations

import calendar as monthcal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar as ICalendar

from cdsctl.dates.workdays import WorkCalendar
from cdsctl.model import Directive, Records, Report, ReportItem, Source, Task
from cdsctl.output.ical import ical_bytes
from cdsctl.queries import due_within
from cdsctl.state import State, add_months, task_states, through_end, window

from .conftest import build_tree, invoke

CAL = WorkCalendar()
ISSUED = date(2015, 1, 1)
MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}


@dataclass(frozen=True)
class Duty:
    every: str
    due_day: int | None
    due_month: int | None
    start: date
    end: date | None
    completed: date | None = None
    done: tuple[tuple[str, date], ...] = ()  # (period, date of a done report)

    def task(self) -> Task:
        return Task("R", "D", "Báo cáo định kỳ", "STTTT", Source("tasks/R.yaml"),
                    every=self.every, due_day=self.due_day, due_month=self.due_month,
                    start=self.start, end=self.end, completed=self.completed)  # fmt: skip

    def records(self) -> Records:
        directive = Directive("D", "TB", "UBND", ISSUED, "Thông báo", Source("directives/D.yaml"))
        reports = {
            f"BC-{i}": report(f"BC-{i}", day, period) for i, (period, day) in enumerate(self.done)
        }
        return Records(directives={"D": directive}, tasks={"R": self.task()},
                       built_reports=reports)  # fmt: skip


def report(report_id: str, day: date, period: str) -> Report:
    done = (ReportItem("R", "done"),)
    return Report(report_id, "STTTT", day, done, Source(f"{report_id}.yaml"), period=period)


# -- the oracle ------------------------------------------------------------------------------


def days(first: date, last: date) -> Iterator[date]:
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def falls_due(duty: Duty, day: date) -> bool:
    """Whether `day` is a due day of the duty's schedule (start and end aside)."""
    months = MONTHS[duty.every]
    if (day.month - 1) % months + 1 != (duty.due_month or months):
        return False
    length = monthcal.monthrange(day.year, day.month)[1]
    return day.day == min(duty.due_day or length, length)


def period_of(every: str, day: date) -> str:
    if every == "monthly":
        return f"{day.year}-{day.month:02d}"
    if every == "quarterly":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if every == "half-yearly":
        return f"{day.year}-H{(day.month - 1) // 6 + 1}"
    return str(day.year)


def oracle(duty: Duty, as_of: date, first: date, last: date) -> list[tuple[str, date]]:
    """(instance id, due) of the open or overdue instances due in [first, last] on D."""
    last = min([last, *limits(duty, as_of)])
    done = {p for p, day in duty.done if day <= as_of}
    return [(f"R@{period_of(duty.every, day)}", day)
            for day in days(max(first, duty.start), last)
            if falls_due(duty, day) and period_of(duty.every, day) not in done]  # fmt: skip


def limits(duty: Duty, as_of: date) -> list[date]:
    """The days the duty ends on D: its `end`, and its `completed` if dated by D."""
    ends = [duty.end] if duty.end is not None else []
    return [*ends, duty.completed] if duty.completed and duty.completed <= as_of else ends


def a_year_after(day: date) -> date:
    length = monthcal.monthrange(day.year + 1, day.month)[1]
    return date(day.year + 1, day.month, min(day.day, length))


# -- generated duties ------------------------------------------------------------------------


@st.composite
def duties(draw: st.DrawFn) -> tuple[Duty, date]:
    """A duty and an as-of date near its start."""
    every = draw(st.sampled_from(sorted(MONTHS)))
    due_month = draw(st.none() | st.integers(1, MONTHS[every]))
    due_day = draw(st.none() | st.sampled_from([1, 15, 28, 29, 30, 31]) | st.integers(1, 31))
    start = draw(st.dates(date(2019, 1, 1), date(2026, 12, 31)))
    end = draw(st.none() | st.integers(0, 1500).map(lambda n: start + timedelta(days=n)))
    as_of = start + timedelta(days=draw(st.integers(-500, 900)))
    completed = draw(st.none() | st.integers(0, 900).map(lambda n: start + timedelta(days=n)))
    periods = sorted({period_of(every, d) for d in days(start, start + timedelta(days=900))})
    done = draw(st.lists(st.tuples(st.sampled_from(periods),
                                   st.dates(start, start + timedelta(days=900))),
                         max_size=3))  # fmt: skip
    return Duty(every, due_day, due_month, start, end, completed, tuple(done)), as_of


@settings(max_examples=200, deadline=None)
@given(case=duties(), span=st.integers(0, 800))
def test_due_holds_every_instance_due_in_the_window(case: tuple[Duty, date], span: int) -> None:
    duty, as_of = case
    until = as_of + timedelta(days=span)
    records = duty.records()
    states = task_states(records, as_of, CAL, horizon=window(until))
    got = [(s.id, s.deadline) for s in due_within(states, records, as_of, until)]
    assert got == oracle(duty, as_of, as_of, until)


@settings(max_examples=200, deadline=None)
@given(case=duties(), span=st.integers(0, 800))
def test_coming_gives_the_instances_still_to_come_alone(case: tuple[Duty, date],
                                                        span: int) -> None:  # fmt: skip
    """`coming`: what a horizon adds to the states of D, no more (the site's week ahead)."""
    duty, as_of = case
    records, horizon = duty.records(), window(as_of + timedelta(days=span))
    known = {s.id for s in task_states(records, as_of, CAL)}
    every = task_states(records, as_of, CAL, horizon=horizon)
    coming = task_states(records, as_of, CAL, horizon=horizon, coming=True)
    assert coming == [s for s in every if s.id not in known]


@settings(max_examples=200, deadline=None)
@given(case=duties())
def test_calendar_holds_instances_to_the_end_or_a_year_ahead(case: tuple[Duty, date]) -> None:
    duty, as_of = case
    records = duty.records()
    states = task_states(records, as_of, CAL, horizon=through_end(as_of))
    shown = [(s.id, s.deadline) for s in states if s.state in (State.OPEN, State.OVERDUE)]
    horizon = duty.end or a_year_after(as_of)
    assert sorted(shown, key=lambda x: x[1]) == oracle(duty, as_of, date.min, horizon)
    events = ICalendar.from_ical(ical_bytes(states, records, as_of)).walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == sorted(
        f"R+{i.split('@')[1]}@cdsctl" for i, _ in shown)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(case=duties())
def test_tasks_keep_the_instances_of_periods_begun_by_d(case: tuple[Duty, date]) -> None:
    """Spec §4 for `tasks` and `stats`: periods begun by D, from `start` (itself ≤ D)."""
    duty, as_of = case
    got = [s.id for s in task_states(duty.records(), as_of, CAL)]
    last = min([as_of + timedelta(days=366), *limits(duty, as_of)])
    begun = [d for d in days(duty.start, last)
             if falls_due(duty, d) and period_start(duty.every, d) <= as_of]  # fmt: skip
    assert got == ([f"R@{period_of(duty.every, d)}" for d in begun] if duty.start <= as_of else [])


def period_start(every: str, day: date) -> date:
    months = MONTHS[every]
    return date(day.year, (day.month - 1) // months * months + 1, 1)


def test_the_issues_case_through_the_command_line(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "root", _yaml_root(Duty("monthly", 25, None,
                                                         date(2024, 1, 1), None)))  # fmt: skip
    code, out = invoke("due", "--records", str(root), "--as-of", "2024-04-26", "--within", "1m",
                       "--format", "csv")  # fmt: skip
    assert code == 0
    assert out.splitlines()[1:] == ["R@2024-05,Báo cáo định kỳ,STTTT,2024-05-25"]
    code, ics = invoke("calendar", "--records", str(root), "--as-of", "2024-04-26")
    uids = [line for line in ics.splitlines() if line.startswith("UID:")]
    assert len(uids) == 4 + 12  # overdue Jan–Mar, open April, and the 12 months ahead
    assert "UID:R+2025-04@cdsctl" in uids and "UID:R+2025-05@cdsctl" not in uids


def _yaml_root(duty: Duty) -> dict[str, str]:
    def line(key: str, value: object) -> str:
        return f"{key}: {value}\n" if value is not None else ""

    task = ("kind: task\nid: R\ndirective: D\ntitle: Báo cáo định kỳ\nlead: STTTT\n"
            + line("every", duty.every) + line("due_day", duty.due_day)
            + line("due_month", duty.due_month) + line("start", duty.start)
            + line("end", duty.end) + line("completed", duty.completed))  # fmt: skip
    reports = {
        f"reports/BC-{i}.yaml": f"kind: report\nid: BC-{i}\nagency: STTTT\ndate: {day}\n"
        f"period: '{period}'\ntasks:\n  - task: R\n    status: done\n"
        for i, (period, day) in enumerate(duty.done)
    }
    return {
        "agencies.yaml": "kind: agencies\nagencies:\n  - id: UBND\n    name: Ủy ban nhân dân\n"
        "  - id: STTTT\n    name: Sở Thông tin và Truyền thông\n",
        "directives/D.yaml": f"kind: directive\nid: D\ntype: TB\nissuer: UBND\n"
        f"issued: {ISSUED}\ntitle: Thông báo\n",
        "tasks/R.yaml": task,
        **reports,
    }


@settings(max_examples=25, deadline=None)
@given(case=duties(), span=st.integers(0, 400))
def test_due_through_the_command_line_matches_the_oracle(case: tuple[Duty, date],
                                                        span: int) -> None:  # fmt: skip
    duty, as_of = case
    with tempfile.TemporaryDirectory() as folder:
        root = build_tree(Path(folder) / "root", _yaml_root(duty))
        code, out = invoke("due", "--records", str(root), "--as-of", as_of.isoformat(),
                           "--within", f"{span}d", "--format", "csv")  # fmt: skip
    assert code == 0, out
    got = [tuple(line.split(",")[::3]) for line in out.splitlines()[1:]]
    until = as_of + timedelta(days=span)
    assert got == [(i, d.isoformat()) for i, d in oracle(duty, as_of, as_of, until)]


def test_add_months_clips_and_stops_at_the_calendars_ends() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 4, 26), 12) == date(2024, 4, 26)
    assert add_months(date(9999, 6, 1), 12) == date.max
    assert add_months(date(1, 6, 1), -12) == date.min
