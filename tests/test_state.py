"""Task state as of a date D (spec records.md §4): cdsctl.state, table-driven.

Records are built in memory with the small builders below: one directive `D` issued
2022-05-12 (a Thursday) and tasks due 2022-05-20 (a Friday) unless a case says otherwise.
Dates in the tables are ISO text, so a case reads like the YAML it stands for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import pairwise
from typing import Any, NamedTuple

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cdsctl.dates.periods import PERIOD_MONTHS as MONTHS
from cdsctl.dates.workdays import WorkCalendar
from cdsctl.model import (
    Cancellation,
    Directive,
    Extension,
    Records,
    Report,
    ReportItem,
    Source,
    Task,
)
from cdsctl.state import (
    DONE,
    GatheredReports,
    Progress,
    ReportIndex,
    State,
    TaskState,
    base_due,
    deadline_in_force,
    instance_due,
    period_name,
    periods,
    report_items,
    task_states,
)

# -- builders --------------------------------------------------------------------------------

CAL = WorkCalendar()
ISSUED = "2022-05-12"

DONE_ON_TIME = State.DONE_ON_TIME
DONE_LATE = State.DONE_LATE
OVERDUE = State.OVERDUE
OPEN = State.OPEN
NO_DEADLINE = State.NO_DEADLINE
CANCELLED = State.CANCELLED


def d(text: str) -> date:
    return date.fromisoformat(text)


def opt(text: str | None) -> date | None:
    return d(text) if text is not None else None


def directive(id: str = "D", issued: str = ISSUED) -> Directive:
    return Directive(
        id=id,
        type="TB",
        issuer="UBND",
        issued=d(issued),
        title=f"Thông báo {id}",
        source=Source(f"directives/{id}.yaml"),
    )


def ext(due: str, granted: str) -> Extension:
    return Extension(due=d(due), granted=d(granted), by="UBND", reason="Xin gia hạn")


def cancel(on: str) -> Cancellation:
    return Cancellation(date=d(on), reason="Không còn phù hợp", by="UBND")


def task(id: str = "T", *, due: str | None = "2022-05-20", directive: str = "D", **kw: Any) -> Task:
    """A task; `start`, `end`, `completed` may be given as ISO text."""
    for key in ("start", "end", "completed"):
        if isinstance(kw.get(key), str):
            kw[key] = d(kw[key])
    if "extensions" in kw:
        kw["extensions"] = tuple(kw["extensions"])
    return Task(
        id=id,
        directive=directive,
        title=f"Nhiệm vụ {id}",
        lead="STTTT",
        source=Source(f"tasks/{id}.yaml"),
        due=opt(due),
        **kw,
    )


def report(
    on: str,
    task_id: str = "T",
    status: str = "done",
    *,
    period: str | None = None,
    progress: float | None = None,
    id: str | None = None,
    also: Iterable[ReportItem] = (),
) -> Report:
    rid = id or f"BC-{task_id}-{on}-{status}" + (f"-{period}" if period else "")
    items = (ReportItem(task=task_id, status=status, progress=progress), *also)
    return Report(
        id=rid,
        agency="STTTT",
        date=d(on),
        tasks=items,
        source=Source(f"reports/{rid}.yaml"),
        period=period,
    )


def records(*items: Task | Report, directives: Iterable[Directive] | None = None) -> Records:
    """Records holding `items`, and the directive `D` unless `directives` are given."""
    recs = Records()
    recs.directives = {dv.id: dv for dv in (directives or [directive()])}
    for item in items:
        table: dict[str, Any] = recs.tasks if isinstance(item, Task) else recs.reports
        assert item.id not in table, f"duplicate id in a test case: {item.id}"
        table[item.id] = item
    return recs


def states(recs: Records, as_of: str, calendar: WorkCalendar = CAL) -> dict[str, TaskState]:
    out = task_states(recs, d(as_of), calendar)
    by_id = {s.id: s for s in out}
    assert len(by_id) == len(out), "one state per task or instance"
    return by_id


def one(recs: Records, as_of: str, id: str = "T", calendar: WorkCalendar = CAL) -> TaskState:
    got = states(recs, as_of, calendar)
    assert id in got, f"{id} missing from {sorted(got)}"
    return got[id]


class Want(NamedTuple):
    state: State
    deadline: str | None
    completed: str | None = None
    days_overdue: int | None = None
    days_late: int | None = None


def check(got: TaskState, want: Want) -> None:
    assert (got.state, got.deadline, got.completed, got.days_overdue, got.days_late) == (
        want.state,
        opt(want.deadline),
        opt(want.completed),
        want.days_overdue,
        want.days_late,
    )


# -- one-off tasks ---------------------------------------------------------------------------

EXT_A = ext("2022-06-10", granted="2022-05-18")
EXT_B = ext("2022-07-15", granted="2022-06-05")
# the later grant shortens the deadline again: "last granted" is not "latest due"
EXT_LONG = ext("2022-07-31", granted="2022-05-18")
EXT_SHORT = ext("2022-06-15", granted="2022-06-01")

# fmt: off
ONE_OFF = [
    # the deadline itself
    pytest.param(task(), [], "2022-05-19", Want(OPEN, "2022-05-20"), id="before-due-open"),
    pytest.param(task(), [], "2022-05-20", Want(OPEN, "2022-05-20"), id="due-on-as-of-open"),
    pytest.param(task(), [], "2022-05-21", Want(OVERDUE, "2022-05-20", days_overdue=1),
                 id="overdue-1-day"),
    pytest.param(task(), [], "2022-06-30", Want(OVERDUE, "2022-05-20", days_overdue=41),
                 id="overdue-41-days"),
    pytest.param(task(), [], "2023-05-20", Want(OVERDUE, "2022-05-20", days_overdue=365),
                 id="overdue-a-year"),
    # reports
    pytest.param(task(), [report("2022-05-18")], "2022-06-01",
                 Want(DONE_ON_TIME, "2022-05-20", "2022-05-18"), id="done-before-deadline"),
    pytest.param(task(), [report("2022-05-20")], "2022-05-20",
                 Want(DONE_ON_TIME, "2022-05-20", "2022-05-20"), id="done-on-deadline-on-as-of"),
    pytest.param(task(), [report("2022-05-18")], "2022-05-18",
                 Want(DONE_ON_TIME, "2022-05-20", "2022-05-18"), id="done-on-as-of"),
    pytest.param(task(), [report("2022-05-27")], "2022-06-01",
                 Want(DONE_LATE, "2022-05-20", "2022-05-27", days_late=7), id="done-late-7"),
    pytest.param(task(), [report("2022-05-21")], "2022-05-21",
                 Want(DONE_LATE, "2022-05-20", "2022-05-21", days_late=1), id="done-late-1"),
    pytest.param(task(), [report("2022-06-01")], "2022-05-25",
                 Want(OVERDUE, "2022-05-20", days_overdue=5), id="report-after-as-of-ignored"),
    pytest.param(task(), [report("2022-05-19")], "2022-05-18", Want(OPEN, "2022-05-20"),
                 id="report-after-as-of-ignored-open"),
    pytest.param(task(), [report("2022-05-25"), report("2022-05-19")], "2022-06-01",
                 Want(DONE_ON_TIME, "2022-05-20", "2022-05-19"), id="earliest-done-report"),
    pytest.param(task(), [report("2022-05-30"), report("2022-05-25")], "2022-06-01",
                 Want(DONE_LATE, "2022-05-20", "2022-05-25", days_late=5),
                 id="earliest-done-report-late"),
    pytest.param(task(), [report("2022-05-30"), report("2022-05-25")], "2022-05-27",
                 Want(DONE_LATE, "2022-05-20", "2022-05-25", days_late=5),
                 id="earliest-done-report-le-as-of"),
    pytest.param(task(), [report("2022-05-18", status="in-progress")], "2022-06-01",
                 Want(OVERDUE, "2022-05-20", days_overdue=12), id="in-progress-not-done"),
    pytest.param(task(), [report("2022-05-18", status="blocked")], "2022-05-19",
                 Want(OPEN, "2022-05-20"), id="blocked-not-done"),
    pytest.param(task(), [report("2022-05-18", status="not-started")], "2022-05-22",
                 Want(OVERDUE, "2022-05-20", days_overdue=2), id="not-started-not-done"),
    pytest.param(task(), [report("2022-05-15", status="in-progress"), report("2022-05-22")],
                 "2022-06-01", Want(DONE_LATE, "2022-05-20", "2022-05-22", days_late=2),
                 id="in-progress-then-done"),
    pytest.param(task(), [report("2022-05-18"), report("2022-05-25", status="in-progress")],
                 "2022-06-01", Want(DONE_ON_TIME, "2022-05-20", "2022-05-18"),
                 id="done-then-in-progress-stays-done"),
    pytest.param(task(), [report("2022-05-18", task_id="U")], "2022-06-01",
                 Want(OVERDUE, "2022-05-20", days_overdue=12), id="done-report-other-task"),
    pytest.param(task(), [report("2022-05-18", task_id="U",
                                 also=[ReportItem("T", "done", 100)])],
                 "2022-06-01", Want(DONE_ON_TIME, "2022-05-20", "2022-05-18"),
                 id="second-item-of-a-report"),
    pytest.param(task(), [report("2022-05-18", period="2022-05")], "2022-06-01",
                 Want(DONE_ON_TIME, "2022-05-20", "2022-05-18"), id="report-period-on-one-off"),
    # completed by hand
    pytest.param(task(completed="2022-05-19"), [], "2022-06-01",
                 Want(DONE_ON_TIME, "2022-05-20", "2022-05-19"), id="completed-no-reports"),
    pytest.param(task(completed="2022-05-25"), [], "2022-06-01",
                 Want(DONE_LATE, "2022-05-20", "2022-05-25", days_late=5), id="completed-late"),
    pytest.param(task(completed="2022-06-05"), [], "2022-06-01",
                 Want(OVERDUE, "2022-05-20", days_overdue=12), id="completed-after-as-of-ignored"),
    pytest.param(task(completed="2022-06-05"), [report("2022-05-19")], "2022-06-01",
                 Want(DONE_ON_TIME, "2022-05-20", "2022-05-19"),
                 id="completed-after-as-of-report-counts"),
    # "C = the `completed` date, else the earliest date of a report …"
    pytest.param(task(completed="2022-05-25"), [report("2022-05-18")], "2022-06-01",
                 Want(DONE_LATE, "2022-05-20", "2022-05-25", days_late=5),
                 id="completed-wins-over-reports"),
    pytest.param(task(completed="2022-05-19"), [report("2022-05-18", status="in-progress")],
                 "2022-06-01", Want(DONE_ON_TIME, "2022-05-20", "2022-05-19"),
                 id="completed-with-in-progress-report"),
    # extensions
    pytest.param(task(extensions=[ext("2022-06-30", granted="2022-05-30")]), [], "2022-05-25",
                 Want(OVERDUE, "2022-05-20", days_overdue=5), id="extension-after-as-of-ignored"),
    pytest.param(task(extensions=[ext("2022-06-30", granted="2022-05-25")]), [], "2022-05-25",
                 Want(OPEN, "2022-06-30"), id="extension-granted-on-as-of"),
    pytest.param(task(extensions=[EXT_A]), [], "2022-06-01", Want(OPEN, "2022-06-10"),
                 id="extension-before-as-of"),
    pytest.param(task(extensions=[EXT_A]), [], "2022-06-15",
                 Want(OVERDUE, "2022-06-10", days_overdue=5), id="extension-expired"),
    pytest.param(task(extensions=[EXT_A, EXT_B]), [], "2022-06-01", Want(OPEN, "2022-06-10"),
                 id="two-extensions-second-not-yet"),
    pytest.param(task(extensions=[EXT_A, EXT_B]), [], "2022-06-20", Want(OPEN, "2022-07-15"),
                 id="two-extensions-last-wins"),
    pytest.param(task(extensions=[EXT_B, EXT_A]), [], "2022-06-20", Want(OPEN, "2022-07-15"),
                 id="two-extensions-unsorted"),
    pytest.param(task(extensions=[EXT_B, EXT_A]), [], "2022-06-01", Want(OPEN, "2022-06-10"),
                 id="two-extensions-unsorted-second-not-yet"),
    pytest.param(task(extensions=[EXT_SHORT, EXT_LONG]), [], "2022-06-20",
                 Want(OVERDUE, "2022-06-15", days_overdue=5), id="last-granted-not-latest-due"),
    pytest.param(task(extensions=[EXT_SHORT, EXT_LONG]), [], "2022-05-31",
                 Want(OPEN, "2022-07-31"), id="last-granted-not-latest-due-earlier-as-of"),
    pytest.param(task(extensions=[ext("2022-05-31", granted="2022-05-19")]),
                 [report("2022-05-27")], "2022-06-01",
                 Want(DONE_ON_TIME, "2022-05-31", "2022-05-27"), id="done-within-extension"),
    pytest.param(task(extensions=[ext("2022-05-31", granted="2022-05-19")]),
                 [report("2022-06-02")], "2022-06-03",
                 Want(DONE_LATE, "2022-05-31", "2022-06-02", days_late=2),
                 id="done-late-after-extension"),
    # the deadline in force is the one as of D, even for a grant after completion
    pytest.param(task(extensions=[ext("2022-06-10", granted="2022-05-30")]),
                 [report("2022-05-27")], "2022-06-01",
                 Want(DONE_ON_TIME, "2022-06-10", "2022-05-27"),
                 id="extension-granted-after-completion"),
    pytest.param(task(extensions=[ext("2022-06-10", granted="2022-05-30")]),
                 [report("2022-05-27")], "2022-05-29",
                 Want(DONE_LATE, "2022-05-20", "2022-05-27", days_late=7),
                 id="extension-after-completion-not-yet-granted"),
    # cancellation
    pytest.param(task(cancelled=cancel("2022-05-18")), [], "2022-06-01",
                 Want(CANCELLED, "2022-05-20"), id="cancelled-before-as-of"),
    pytest.param(task(cancelled=cancel("2022-06-01")), [], "2022-06-01",
                 Want(CANCELLED, "2022-05-20"), id="cancelled-on-as-of"),
    pytest.param(task(cancelled=cancel("2022-06-02")), [], "2022-06-01",
                 Want(OVERDUE, "2022-05-20", days_overdue=12), id="cancelled-after-as-of-ignored"),
    pytest.param(task(cancelled=cancel("2022-06-02")), [], "2022-05-15",
                 Want(OPEN, "2022-05-20"), id="cancelled-after-as-of-open"),
    pytest.param(task(cancelled=cancel("2022-06-02")), [report("2022-05-18")], "2022-06-01",
                 Want(DONE_ON_TIME, "2022-05-20", "2022-05-18"), id="cancelled-after-as-of-done"),
    # no deadline
    pytest.param(task(due=None), [], "2022-06-01", Want(NO_DEADLINE, None), id="no-deadline"),
    pytest.param(task(due=None), [report("2022-05-18", status="in-progress")], "2023-06-01",
                 Want(NO_DEADLINE, None), id="no-deadline-in-progress"),
    # module reading: done with no deadline is done-on-time
    pytest.param(task(due=None), [report("2022-05-18")], "2022-06-01",
                 Want(DONE_ON_TIME, None, "2022-05-18"), id="no-deadline-done"),
    pytest.param(task(due=None, completed="2022-05-30"), [], "2022-06-01",
                 Want(DONE_ON_TIME, None, "2022-05-30"), id="no-deadline-completed"),
    pytest.param(task(due=None, cancelled=cancel("2022-05-30")), [], "2022-06-01",
                 Want(CANCELLED, None), id="no-deadline-cancelled"),
    pytest.param(task(due=None, extensions=[ext("2022-06-10", granted="2022-05-20")]), [],
                 "2022-06-15", Want(OVERDUE, "2022-06-10", days_overdue=5),
                 id="no-due-but-extension"),
]
# fmt: on


@pytest.mark.parametrize(("t", "reports", "as_of", "want"), ONE_OFF)
def test_one_off(t: Task, reports: list[Report], as_of: str, want: Want) -> None:
    got = one(records(t, *reports), as_of)
    assert (got.id, got.period, got.task, got.as_of) == ("T", None, t, d(as_of))
    check(got, want)


def test_one_off_done_then_cancelled() -> None:
    """A task finished before it was cancelled stays done (state.py's reading: moving D
    forward never undoes "done"); one not finished by then is cancelled."""
    recs = records(task(cancelled=cancel("2022-05-25")), report("2022-05-18"))
    check(one(recs, "2022-05-24"), Want(DONE_ON_TIME, "2022-05-20", "2022-05-18"))
    check(one(recs, "2022-05-25"), Want(DONE_ON_TIME, "2022-05-20", "2022-05-18"))
    late = records(task(cancelled=cancel("2022-05-25")), report("2022-05-26"))
    assert one(late, "2022-05-30").state is CANCELLED


def test_report_items_are_independent() -> None:
    """One report closes one task and leaves the other it mentions in progress."""
    both = report("2022-05-19", "T", "done", id="BC-1", also=[ReportItem("U", "in-progress", 50)])
    got = states(records(task("T"), task("U"), both), "2022-05-21")
    check(got["T"], Want(DONE_ON_TIME, "2022-05-20", "2022-05-19"))
    check(got["U"], Want(OVERDUE, "2022-05-20", days_overdue=1))
    assert got["U"].latest == Progress(d("2022-05-19"), "BC-1", "in-progress", 50)


# -- directives issued after D ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "as_of", "present"),
    [
        pytest.param("2022-05-12", "2022-05-11", False, id="day-before-issue-left-out"),
        pytest.param("2022-05-12", "2022-05-12", True, id="issue-day-present"),
        pytest.param("2022-05-12", "2022-06-30", True, id="later-present"),
        pytest.param("2022-07-01", "2022-06-30", False, id="issued-after-overdue-day-left-out"),
    ],
)
def test_directive_issued_after_as_of(issued: str, as_of: str, present: bool) -> None:
    recs = records(
        task(),
        task("U", directive="E"),
        directives=[directive("D", issued), directive("E", "2022-01-03")],
    )
    got = states(recs, as_of)
    assert ("T" in got) is present
    assert "U" in got  # the other directive's task is unaffected


def test_recurring_task_of_future_directive_left_out() -> None:
    t = task("M", due=None, every="monthly", start="2022-01-01")
    recs = records(t, directives=[directive("D", "2022-05-12")])
    assert states(recs, "2022-05-11") == {}
    assert sorted(states(recs, "2022-05-12")) == [f"M@2022-0{m}" for m in range(1, 6)]


# -- working-day deadlines -------------------------------------------------------------------

TET = directive("D", "2023-01-16")  # Monday before Tết 2023 (20–26/1 off)

WORKING = [
    # 17, 18, 19, 27, 30, 31/1, 1, 2, 3, 6/2
    pytest.param(TET, 10, CAL, "2023-02-06", id="tet-2023-10-days"),
    pytest.param(TET, 3, CAL, "2023-01-19", id="tet-2023-before"),
    pytest.param(TET, 4, CAL, "2023-01-27", id="tet-2023-jumps-the-holiday"),
    # Thursday 12/5/2022: 13, 16, 17, 18, 19
    pytest.param(directive(), 5, CAL, "2022-05-19", id="plain-week"),
    pytest.param(
        directive(),
        5,
        WorkCalendar(days_off=[d("2022-05-16")]),
        "2022-05-20",
        id="repository-day-off",
    ),
    pytest.param(
        directive(),
        5,
        WorkCalendar(days_off=[d("2022-05-16"), d("2022-05-17")]),
        "2022-05-23",
        id="two-repository-days-off",
    ),
    pytest.param(
        directive(),
        5,
        WorkCalendar(days_off=[d("2022-05-14")]),
        "2022-05-19",
        id="day-off-on-a-saturday-changes-nothing",
    ),
    pytest.param(
        directive(),
        5,
        WorkCalendar(days_off=[d("2022-05-20")]),
        "2022-05-19",
        id="day-off-after-deadline-changes-nothing",
    ),
    pytest.param(
        directive(),
        5,
        WorkCalendar(working_days=[d("2022-05-14")]),
        "2022-05-18",
        id="saturday-worked",
    ),
    pytest.param(directive(), 1, CAL, "2022-05-13", id="one-day"),
]


@pytest.mark.parametrize(("dv", "n", "calendar", "deadline"), WORKING)
def test_working_day_deadline(dv: Directive, n: int, calendar: WorkCalendar, deadline: str) -> None:
    t = task(due=None, due_working_days=n)
    recs = records(t, directives=[dv])
    assert base_due(t, recs, calendar) == d(deadline)
    assert deadline_in_force(t, recs, calendar, d(deadline)) == d(deadline)
    assert one(recs, deadline, calendar=calendar).deadline == d(deadline)


@pytest.mark.parametrize(
    ("as_of", "calendar", "want"),
    [
        pytest.param("2023-02-03", CAL, Want(OPEN, "2023-02-06"), id="tet-friday-before"),
        pytest.param("2023-02-06", CAL, Want(OPEN, "2023-02-06"), id="tet-on-deadline-open"),
        pytest.param(
            "2023-02-07",
            CAL,
            Want(OVERDUE, "2023-02-06", days_overdue=1),
            id="tet-day-after-overdue",
        ),
        pytest.param(
            "2023-02-07",
            WorkCalendar(days_off=[d("2023-02-06")]),
            Want(OPEN, "2023-02-07"),
            id="tet-plus-repository-day-off",
        ),
        pytest.param(
            "2023-02-08",
            WorkCalendar(days_off=[d("2023-02-06")]),
            Want(OVERDUE, "2023-02-07", days_overdue=1),
            id="tet-day-off-then-overdue",
        ),
    ],
)
def test_working_day_state_across_tet(as_of: str, calendar: WorkCalendar, want: Want) -> None:
    recs = records(task(due=None, due_working_days=10), directives=[TET])
    check(one(recs, as_of, calendar=calendar), want)


def test_working_day_state_with_repository_day_off() -> None:
    recs = records(task(due=None, due_working_days=5))  # 2022-05-19, or 05-20 with 16/5 off
    check(one(recs, "2022-05-20"), Want(OVERDUE, "2022-05-19", days_overdue=1))
    off = WorkCalendar(days_off=[d("2022-05-16")])
    check(one(recs, "2022-05-20", calendar=off), Want(OPEN, "2022-05-20"))


def test_working_days_then_extension() -> None:
    t = task(due=None, due_working_days=10, extensions=[ext("2023-02-28", granted="2023-02-01")])
    recs = records(t, directives=[TET])
    assert deadline_in_force(t, recs, CAL, d("2023-01-31")) == d("2023-02-06")
    assert deadline_in_force(t, recs, CAL, d("2023-02-01")) == d("2023-02-28")
    assert one(recs, "2023-02-07").state is OPEN


# -- recurring tasks: instances through task_states ------------------------------------------

Inst = tuple[str, State, str, str | None]  # id, state, deadline, completed


def monthly(**kw: Any) -> Task:
    return task("M", due=None, **{"every": "monthly", "due_day": 25, "start": "2023-06-01", **kw})


MONTHLY_REPORTS = [
    report("2023-06-20", "M", period="2023-06"),
    report("2023-07-28", "M", period="2023-07"),
    report("2023-09-25", "M", period="2023-09"),
]

# fmt: off
RECURRING: list[Any] = [
    pytest.param(monthly(), MONTHLY_REPORTS, "2023-10-10", [
        ("M@2023-06", DONE_ON_TIME, "2023-06-25", "2023-06-20"),
        ("M@2023-07", DONE_LATE, "2023-07-25", "2023-07-28"),
        ("M@2023-08", OVERDUE, "2023-08-25", None),
        ("M@2023-09", DONE_ON_TIME, "2023-09-25", "2023-09-25"),
        ("M@2023-10", OPEN, "2023-10-25", None),
    ], id="monthly-one-missing-period"),
    pytest.param(monthly(), MONTHLY_REPORTS, "2023-08-25", [
        ("M@2023-06", DONE_ON_TIME, "2023-06-25", "2023-06-20"),
        ("M@2023-07", DONE_LATE, "2023-07-25", "2023-07-28"),
        ("M@2023-08", OPEN, "2023-08-25", None),
    ], id="monthly-instance-due-on-as-of-open"),
    pytest.param(monthly(), MONTHLY_REPORTS, "2023-07-26", [
        ("M@2023-06", DONE_ON_TIME, "2023-06-25", "2023-06-20"),
        ("M@2023-07", OVERDUE, "2023-07-25", None),
    ], id="monthly-report-after-as-of-ignored"),
    pytest.param(monthly(), MONTHLY_REPORTS, "2023-05-31", [], id="before-start-no-instances"),
    pytest.param(monthly(start="2023-06-10"), [], "2023-06-05", [],
                 id="start-after-as-of-same-month"),
    pytest.param(monthly(), MONTHLY_REPORTS, "2023-06-01", [
        ("M@2023-06", OPEN, "2023-06-25", None),
    ], id="start-day-first-instance"),
    # a done report for another period, or for no period, completes nothing
    pytest.param(monthly(), [report("2023-06-20", "M", period="2023-07"),
                             report("2023-06-21", "M"),
                             report("2023-06-22", "M", period="2023-Q2")], "2023-06-30", [
        ("M@2023-06", OVERDUE, "2023-06-25", None),
    ], id="done-only-by-report-of-that-period"),
    pytest.param(monthly(), [report("2023-06-20", "M", "in-progress", period="2023-06")],
                 "2023-06-30", [("M@2023-06", OVERDUE, "2023-06-25", None)],
                 id="instance-in-progress-not-done"),
    pytest.param(monthly(), [report("2023-07-02", "M", period="2023-06"),
                             report("2023-06-24", "M", period="2023-06")], "2023-07-05", [
        ("M@2023-06", DONE_ON_TIME, "2023-06-25", "2023-06-24"),
        ("M@2023-07", OPEN, "2023-07-25", None),
    ], id="instance-earliest-done-report"),
    # the first period's due day falls before start: that period has no instance
    pytest.param(monthly(start="2023-06-26"), [], "2023-07-31", [
        ("M@2023-07", OVERDUE, "2023-07-25", None),
    ], id="start-after-first-due-day"),
    # end
    pytest.param(monthly(end="2023-08-31"), [], "2023-12-31", [
        ("M@2023-06", OVERDUE, "2023-06-25", None),
        ("M@2023-07", OVERDUE, "2023-07-25", None),
        ("M@2023-08", OVERDUE, "2023-08-25", None),
    ], id="end-no-instances-past-it"),
    pytest.param(monthly(end="2023-08-25"), [], "2023-12-31", [
        ("M@2023-06", OVERDUE, "2023-06-25", None),
        ("M@2023-07", OVERDUE, "2023-07-25", None),
        ("M@2023-08", OVERDUE, "2023-08-25", None),
    ], id="end-on-a-due-day"),
    # module reading: an instance whose due day falls after `end` is not generated
    pytest.param(monthly(end="2023-08-20"), [], "2023-12-31", [
        ("M@2023-06", OVERDUE, "2023-06-25", None),
        ("M@2023-07", OVERDUE, "2023-07-25", None),
    ], id="end-before-due-day"),
    pytest.param(monthly(end="2023-08-31"), [], "2023-07-10", [
        ("M@2023-06", OVERDUE, "2023-06-25", None),
        ("M@2023-07", OPEN, "2023-07-25", None),
    ], id="end-after-as-of"),
    # module reading: `completed` on a recurring task ends the series
    pytest.param(monthly(completed="2023-08-10"), [], "2023-12-31", [
        ("M@2023-06", OVERDUE, "2023-06-25", None),
        ("M@2023-07", OVERDUE, "2023-07-25", None),
    ], id="completed-ends-series"),
    pytest.param(monthly(completed="2023-08-10"), [], "2023-08-05", [
        ("M@2023-06", OVERDUE, "2023-06-25", None),
        ("M@2023-07", OVERDUE, "2023-07-25", None),
        ("M@2023-08", OPEN, "2023-08-25", None),
    ], id="completed-after-as-of-ignored"),
    # quarterly
    pytest.param(task("Q", due=None, every="quarterly", start="2023-01-01"),
                 [report("2023-10-05", "Q", period="2023-Q3")], "2023-12-31", [
        ("Q@2023-Q1", OVERDUE, "2023-03-31", None),
        ("Q@2023-Q2", OVERDUE, "2023-06-30", None),
        ("Q@2023-Q3", DONE_LATE, "2023-09-30", "2023-10-05"),
        ("Q@2023-Q4", OPEN, "2023-12-31", None),
    ], id="quarterly-default-last-month"),
    pytest.param(task("Q", due=None, every="quarterly", due_month=1, start="2023-07-01"),
                 [report("2023-07-31", "Q", period="2023-Q3")], "2023-10-15", [
        ("Q@2023-Q3", DONE_ON_TIME, "2023-07-31", "2023-07-31"),
        ("Q@2023-Q4", OPEN, "2023-10-31", None),
    ], id="quarterly-due-month-1"),
    pytest.param(task("Q", due=None, every="quarterly", due_month=1, due_day=15,
                      start="2023-07-01"), [], "2023-10-16", [
        ("Q@2023-Q3", OVERDUE, "2023-07-15", None),
        ("Q@2023-Q4", OVERDUE, "2023-10-15", None),
    ], id="quarterly-due-month-1-day-15"),
    # half-yearly
    pytest.param(task("H", due=None, every="half-yearly", start="2022-01-01"),
                 [report("2022-06-30", "H", period="2022-H1"),
                  report("2023-01-03", "H", period="2022-H2")], "2023-07-01", [
        ("H@2022-H1", DONE_ON_TIME, "2022-06-30", "2022-06-30"),
        ("H@2022-H2", DONE_LATE, "2022-12-31", "2023-01-03"),
        ("H@2023-H1", OVERDUE, "2023-06-30", None),
        ("H@2023-H2", OPEN, "2023-12-31", None),
    ], id="half-yearly"),
    pytest.param(task("H", due=None, every="half-yearly", due_month=1, due_day=20,
                      start="2023-01-01"), [], "2023-07-20", [
        ("H@2023-H1", OVERDUE, "2023-01-20", None),
        ("H@2023-H2", OPEN, "2023-07-20", None),
    ], id="half-yearly-first-month"),
    # yearly
    pytest.param(task("Y", due=None, every="yearly", due_month=10, due_day=10,
                      start="2022-01-01"), [report("2022-10-10", "Y", period="2022")],
                 "2023-10-11", [
        ("Y@2022", DONE_ON_TIME, "2022-10-10", "2022-10-10"),
        ("Y@2023", OVERDUE, "2023-10-10", None),
    ], id="yearly-10-october"),
    pytest.param(task("Y", due=None, every="yearly", start="2022-01-01"), [], "2023-06-01", [
        ("Y@2022", OVERDUE, "2022-12-31", None),
        ("Y@2023", OPEN, "2023-12-31", None),
    ], id="yearly-default-31-december"),
    # due_day clipped to the month's length
    pytest.param(task("M", due=None, every="monthly", due_day=31, start="2024-01-01"), [],
                 "2024-05-01", [
        ("M@2024-01", OVERDUE, "2024-01-31", None),
        ("M@2024-02", OVERDUE, "2024-02-29", None),
        ("M@2024-03", OVERDUE, "2024-03-31", None),
        ("M@2024-04", OVERDUE, "2024-04-30", None),
        ("M@2024-05", OPEN, "2024-05-31", None),
    ], id="due-day-31-clipped-leap-year"),
    pytest.param(task("M", due=None, every="monthly", due_day=30, start="2023-02-01"), [],
                 "2023-03-01", [
        ("M@2023-02", OVERDUE, "2023-02-28", None),
        ("M@2023-03", OPEN, "2023-03-30", None),
    ], id="due-day-30-clipped-february"),
    # cancelled mid-way: no periods after the one holding the cancellation; there, an
    # instance due after it is cancelled unless done
    pytest.param(task("M", due=None, every="monthly", due_day=25, start="2023-01-01",
                      cancelled=cancel("2023-03-10")),
                 [report("2023-04-20", "M", period="2023-04")], "2023-05-31", [
        ("M@2023-01", OVERDUE, "2023-01-25", None),
        ("M@2023-02", OVERDUE, "2023-02-25", None),
        ("M@2023-03", CANCELLED, "2023-03-25", None),
    ], id="cancelled-mid-way"),
    pytest.param(task("M", due=None, every="monthly", due_day=25, start="2023-01-01",
                      cancelled=cancel("2023-03-25")), [], "2023-04-30", [
        ("M@2023-01", OVERDUE, "2023-01-25", None),
        ("M@2023-02", OVERDUE, "2023-02-25", None),
        ("M@2023-03", OVERDUE, "2023-03-25", None),
    ], id="cancelled-on-a-due-day"),
    pytest.param(task("M", due=None, every="monthly", due_day=25, start="2023-01-01",
                      cancelled=cancel("2023-03-10")), [], "2023-03-05", [
        ("M@2023-01", OVERDUE, "2023-01-25", None),
        ("M@2023-02", OVERDUE, "2023-02-25", None),
        ("M@2023-03", OPEN, "2023-03-25", None),
    ], id="cancelled-after-as-of-ignored"),
]
# fmt: on


@pytest.mark.parametrize(("t", "reports", "as_of", "want"), RECURRING)
def test_recurring(t: Task, reports: list[Report], as_of: str, want: list[Inst]) -> None:
    out = task_states(records(t, *reports), d(as_of), CAL)
    got = [(s.id, s.state, s.deadline, s.completed) for s in out]
    assert got == [(i, st_, d(dl), opt(c)) for i, st_, dl, c in want]
    for s in out:
        assert s.task is t
        assert s.period is not None and s.id == f"{t.id}@{s.period}"


def test_recurring_days_overdue_and_late() -> None:
    got = states(records(monthly(), *MONTHLY_REPORTS), "2023-10-10")
    assert [got[f"M@2023-{m:02d}"].days_overdue for m in range(6, 11)] == [
        None,
        None,
        46,
        None,
        None,
    ]
    assert [got[f"M@2023-{m:02d}"].days_late for m in range(6, 11)] == [None, 3, None, None, None]


def test_recurring_cancelled() -> None:
    """A series cancelled on 10/3: the March instance, done, stays done; none after it."""
    t = task(
        "M",
        due=None,
        every="monthly",
        due_day=25,
        start="2023-01-01",
        cancelled=cancel("2023-03-10"),
    )
    recs = records(t, report("2023-03-20", "M", period="2023-03"))
    got = states(recs, "2023-04-30")
    assert got["M@2023-03"].state is DONE_ON_TIME
    assert "M@2023-04" not in got  # no periods after the cancellation


# -- instance_due, period_name, periods --------------------------------------------------------


@pytest.mark.parametrize(
    ("every", "due_month", "due_day", "year", "index", "due"),
    [
        pytest.param("monthly", None, 25, 2023, 8, "2023-08-25", id="monthly-25"),
        pytest.param("monthly", None, None, 2023, 4, "2023-04-30", id="monthly-default-last"),
        pytest.param("monthly", None, None, 2023, 2, "2023-02-28", id="monthly-default-feb"),
        pytest.param("monthly", None, None, 2024, 2, "2024-02-29", id="monthly-default-feb-leap"),
        pytest.param("monthly", None, 31, 2023, 1, "2023-01-31", id="monthly-31-january"),
        pytest.param("monthly", None, 31, 2023, 4, "2023-04-30", id="monthly-31-clip-30"),
        pytest.param("monthly", None, 31, 2023, 2, "2023-02-28", id="monthly-31-clip-28"),
        pytest.param("monthly", None, 31, 2024, 2, "2024-02-29", id="monthly-31-clip-29"),
        pytest.param("monthly", None, 29, 2023, 2, "2023-02-28", id="monthly-29-clip-28"),
        pytest.param("monthly", None, 1, 2023, 12, "2023-12-01", id="monthly-1"),
        pytest.param("quarterly", None, None, 2023, 3, "2023-09-30", id="q3-default"),
        pytest.param("quarterly", None, None, 2023, 1, "2023-03-31", id="q1-default"),
        pytest.param("quarterly", None, None, 2023, 4, "2023-12-31", id="q4-default"),
        pytest.param("quarterly", 1, None, 2023, 3, "2023-07-31", id="q3-month-1"),
        pytest.param("quarterly", 1, 15, 2023, 3, "2023-07-15", id="q3-month-1-day-15"),
        pytest.param("quarterly", 2, None, 2023, 3, "2023-08-31", id="q3-month-2"),
        pytest.param("quarterly", 2, 31, 2023, 1, "2023-02-28", id="q1-month-2-clip"),
        pytest.param("quarterly", 2, 31, 2024, 1, "2024-02-29", id="q1-month-2-clip-leap"),
        pytest.param("quarterly", None, 31, 2023, 2, "2023-06-30", id="q2-31-clip"),
        pytest.param("half-yearly", None, None, 2023, 1, "2023-06-30", id="h1-default"),
        pytest.param("half-yearly", None, None, 2023, 2, "2023-12-31", id="h2-default"),
        pytest.param("half-yearly", 1, 20, 2023, 2, "2023-07-20", id="h2-month-1"),
        pytest.param("half-yearly", 3, 31, 2023, 2, "2023-09-30", id="h2-month-3-clip"),
        pytest.param("yearly", 10, 10, 2023, 1, "2023-10-10", id="yearly-10-october"),
        pytest.param("yearly", None, None, 2023, 1, "2023-12-31", id="yearly-default"),
        pytest.param("yearly", 2, None, 2024, 1, "2024-02-29", id="yearly-february-leap"),
        pytest.param("yearly", 2, 30, 2100, 1, "2100-02-28", id="yearly-february-2100"),
    ],
)
def test_instance_due(
    every: str, due_month: int | None, due_day: int | None, year: int, index: int, due: str
) -> None:
    t = task("R", due=None, every=every, due_month=due_month, due_day=due_day, start="2022-01-01")
    assert instance_due(t, year, index) == d(due)


@pytest.mark.parametrize(
    ("every", "year", "index", "name"),
    [
        ("monthly", 2022, 5, "2022-05"),
        ("monthly", 2022, 12, "2022-12"),
        ("quarterly", 2022, 2, "2022-Q2"),
        ("quarterly", 2023, 4, "2023-Q4"),
        ("half-yearly", 2022, 1, "2022-H1"),
        ("half-yearly", 2022, 2, "2022-H2"),
        ("yearly", 2022, 1, "2022"),
    ],
)
def test_period_name(every: str, year: int, index: int, name: str) -> None:
    assert period_name(every, year, index) == name


@pytest.mark.parametrize(
    ("every", "first", "last", "names"),
    [
        pytest.param(
            "monthly",
            "2023-11-15",
            "2024-02-01",
            ["2023-11", "2023-12", "2024-01", "2024-02"],
            id="monthly-over-new-year",
        ),
        pytest.param("monthly", "2023-06-01", "2023-06-30", ["2023-06"], id="monthly-one"),
        pytest.param("monthly", "2023-07-01", "2023-06-30", [], id="monthly-none"),
        pytest.param(
            "quarterly",
            "2023-05-01",
            "2024-01-01",
            ["2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"],
            id="quarterly",
        ),
        pytest.param(
            "half-yearly",
            "2022-06-30",
            "2023-07-01",
            ["2022-H1", "2022-H2", "2023-H1", "2023-H2"],
            id="half-yearly",
        ),
        pytest.param("yearly", "2021-12-31", "2023-01-01", ["2021", "2022", "2023"], id="yearly"),
    ],
)
def test_periods(every: str, first: str, last: str, names: list[str]) -> None:
    got = [period_name(every, y, i) for y, i in periods(every, d(first), d(last))]
    assert got == names


# -- latest progress -------------------------------------------------------------------------

PROGRESS_REPORTS = [  # deliberately not in date order
    report("2022-05-25", status="done", progress=100, id="R3"),
    report("2022-05-14", status="in-progress", progress=30, id="R1"),
    report("2022-05-18", status="in-progress", progress=60, id="R2"),
]


@pytest.mark.parametrize(
    ("as_of", "latest"),
    [
        pytest.param("2022-05-13", None, id="no-report-yet"),
        pytest.param("2022-05-14", ("2022-05-14", "R1", "in-progress", 30), id="first-on-as-of"),
        pytest.param("2022-05-20", ("2022-05-18", "R2", "in-progress", 60), id="second"),
        pytest.param("2022-05-24", ("2022-05-18", "R2", "in-progress", 60), id="done-not-yet"),
        pytest.param("2022-06-30", ("2022-05-25", "R3", "done", 100), id="done"),
    ],
)
def test_latest_progress(as_of: str, latest: tuple[str, str, str, float] | None) -> None:
    got = one(records(task(), *PROGRESS_REPORTS), as_of).latest
    want = None if latest is None else Progress(d(latest[0]), *latest[1:])
    assert got == want


def test_latest_is_not_the_completing_report() -> None:
    """A done report then a later in-progress one: done stays, `latest` is the later one."""
    recs = records(
        task(),
        report("2022-05-18", id="R1"),
        report("2022-05-22", status="in-progress", progress=90, id="R2"),
    )
    got = one(recs, "2022-06-01")
    assert (got.state, got.completed) == (DONE_ON_TIME, d("2022-05-18"))
    assert got.latest == Progress(d("2022-05-22"), "R2", "in-progress", 90)


def test_latest_per_instance() -> None:
    recs = records(
        monthly(),
        report("2023-07-10", "M", "in-progress", period="2023-07", progress=50, id="R7"),
        report("2023-08-01", "M", "in-progress", period="2023-08", progress=10, id="R8"),
        report("2023-08-20", "M", "done", period="2023-08", progress=100, id="R8b"),
    )
    got = states(recs, "2023-08-10")
    assert got["M@2023-06"].latest is None
    assert got["M@2023-07"].latest == Progress(d("2023-07-10"), "R7", "in-progress", 50)
    assert got["M@2023-08"].latest == Progress(d("2023-08-01"), "R8", "in-progress", 10)


# -- properties ------------------------------------------------------------------------------

DAY0 = d(ISSUED)
STATUSES = ("not-started", "in-progress", "blocked", "done")
offsets = st.integers(min_value=0, max_value=150)
days = offsets.map(lambda n: DAY0 + timedelta(days=n))


@st.composite
def one_off_records(draw: st.DrawFn, cancellable: bool = True) -> tuple[Task, list[Report]]:
    granted = draw(st.lists(days, unique=True, max_size=3))
    extensions = [Extension(due=draw(days), granted=g) for g in granted]
    cancelled = draw(st.none() | days) if cancellable else None
    t = task(
        due=draw(days).isoformat(),
        extensions=extensions,
        completed=draw(st.none() | days),
        cancelled=None if cancelled is None else Cancellation(cancelled),
    )
    items = draw(
        st.lists(
            st.tuples(days, st.sampled_from(["T", "U"]), st.sampled_from(STATUSES)), max_size=5
        )
    )
    reports = [
        report(on.isoformat(), tid, status, id=f"R{n}") for n, (on, tid, status) in enumerate(items)
    ]
    return t, reports


def spec_state(t: Task, reports: list[Report], as_of: date) -> tuple[State, date, date | None]:
    """Spec §4, written out independently: (state, deadline in force, completion C)."""
    assert t.due is not None
    granted = sorted((e for e in t.extensions if e.granted <= as_of), key=lambda e: e.granted)
    deadline = granted[-1].due if granted else t.due
    if t.completed is not None and t.completed <= as_of:
        c: date | None = t.completed
    else:
        done = [
            r.date
            for r in reports
            if r.date <= as_of
            for i in r.tasks
            if i.task == t.id and i.status == "done"
        ]
        c = min(done, default=None)
    cancelled = t.cancelled is not None and t.cancelled.date <= as_of
    if cancelled and not (c is not None and t.cancelled is not None and c <= t.cancelled.date):
        state = CANCELLED  # a task finished before it was cancelled stays done
    elif c is not None:
        state = DONE_ON_TIME if c <= deadline else DONE_LATE
    else:
        state = OVERDUE if deadline < as_of else OPEN
    return state, deadline, c


@settings(max_examples=400, deadline=None)
@given(case=one_off_records(), as_of=days)
def test_one_off_matches_spec(case: tuple[Task, list[Report]], as_of: date) -> None:
    t, reports = case
    out = task_states(records(t, *reports), as_of, CAL)
    assert [s.id for s in out] == ["T"]  # exactly one state for the task
    got = out[0]
    state, deadline, c = spec_state(t, reports, as_of)
    assert (got.state, got.deadline, got.completed) == (state, deadline, c)
    is_done = got.state in DONE
    assert (got.state is OVERDUE) == (
        not is_done and got.state is not CANCELLED and deadline < as_of
    )
    if got.state is OVERDUE:
        assert got.days_overdue == (as_of - deadline).days > 0
    else:
        assert got.days_overdue is None
    if got.state is DONE_LATE:
        assert c is not None and got.days_late == (c - deadline).days > 0
    else:
        assert got.days_late is None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(case=one_off_records(), first=days, later=offsets)
def test_done_stays_done(case: tuple[Task, list[Report]], first: date, later: int) -> None:
    t, reports = case
    # Spec §4 takes `completed` as C even when a report said done earlier, so a later
    # `completed` can move C past a cancellation: the one case where "done" can be undone.
    if t.cancelled is not None and t.completed is not None:
        t = dataclasses.replace(t, completed=None)
    recs = records(t, *reports)
    before = task_states(recs, first, CAL)[0]
    assume(before.state in DONE)
    after = task_states(recs, first + timedelta(days=later), CAL)[0]
    assert after.state in DONE


@st.composite
def period_cases(draw: st.DrawFn) -> tuple[Task, date, date]:
    every = draw(st.sampled_from(sorted(MONTHS)))
    due_month = draw(st.none() | st.integers(1, MONTHS[every]))
    due_day = draw(st.sampled_from([None, 28, 29, 30, 31]) | st.integers(1, 31))
    first = draw(st.dates(date(1990, 1, 1), date(2060, 12, 31)))
    last = first + timedelta(days=draw(st.integers(0, 3000)))
    t = task("R", due=None, every=every, due_month=due_month, due_day=due_day, start=first)
    return t, first, last


def _month_end(day: date) -> date:
    following = day.replace(day=28) + timedelta(days=4)
    return following - timedelta(days=following.day)


def _index(every: str, day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // MONTHS[every] + 1


@settings(max_examples=300, deadline=None)
@given(case=period_cases())
def test_periods_consecutive_with_increasing_dues(case: tuple[Task, date, date]) -> None:
    t, first, last = case
    assert t.every is not None
    every, per_year = t.every, 12 // MONTHS[t.every]
    got = list(periods(every, first, last))
    assert got[0] == _index(every, first) and got[-1] == _index(every, last)
    months = (last.year - first.year) * 12 + last.month - first.month
    assert len(got) in (months // MONTHS[every] + 1, months // MONTHS[every] + 2)
    for (y1, i1), (y2, i2) in pairwise(got):
        assert (y2, i2) == ((y1, i1 + 1) if i1 < per_year else (y1 + 1, 1))
    names = [period_name(every, y, i) for y, i in got]
    assert len(set(names)) == len(names)
    dues = [instance_due(t, y, i) for y, i in got]
    assert all(a < b for a, b in pairwise(dues))
    for (y, i), due in zip(got, dues, strict=True):
        assert _index(every, due) == (y, i)  # each due day lies in its own period
        assert due.month - (i - 1) * MONTHS[every] == (t.due_month or MONTHS[every])
        assert due.day == min(t.due_day or 31, _month_end(due).day)  # clipped to the month


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_report_items_take_the_tasks_as_any_collection(data: st.DataObject) -> None:
    """A list of task ids (as a caller may pass) gives what a set gives."""
    from cdsctl import repository
    from cdsctl.state import report_items

    from .conftest import SAMPLE

    records = repository.load(SAMPLE, cache_dir=False).records
    ids = data.draw(st.lists(st.sampled_from(sorted(records.tasks)), max_size=12))
    want = report_items(records, None, set(ids))
    for kind in (list, tuple, frozenset, dict.fromkeys):
        assert report_items(records, None, kind(ids)) == want  # type: ignore[operator]


@st.composite
def report_values(draw: st.DrawFn) -> list[tuple[dict[str, Any], Source]]:
    """Reports as validation gives their values: on two tasks, in a few periods (or none),
    some dated the same day, in any order."""
    reports = []
    for n in range(draw(st.integers(min_value=0, max_value=14))):
        items = [{"task": task, "status": draw(st.sampled_from(["done", "in-progress"])),
                  "progress": draw(st.none() | st.floats(0, 100))}
                 for task in draw(st.sets(st.sampled_from(["T1", "T2"]), min_size=1))]  # fmt: skip
        values = {
            "id": f"R{n:02d}",
            "agency": "A",
            "date": draw(days).isoformat(),
            "tasks": items,
            "period": draw(st.sampled_from([None, "2022-05", "2022-06"])),
        }
        reports.append((values, Source(f"reports/R{n:02d}.yaml")))
    return reports


@settings(max_examples=200, deadline=None)
@given(reports=report_values(), as_of=days)
def test_report_index_answers_per_period_as_a_scan_does(
    reports: list[tuple[dict[str, Any], Source]], as_of: date
) -> None:
    """What the states ask of a task's reports by D, per period at once (done_periods, a
    period's last item), is what a scan of the items dated ≤ D finds; the same from the
    reports as loaded (ReportIndex) and as a snapshot keeps them (GatheredReports)."""
    every = report_items(Records(report_values=list(reports)))  # (as a snapshot keeps them)
    gathered = GatheredReports({task: [(e[0].isoformat(), *e[1:]) for e in entries]
                                for task, entries in every.items()}, as_of)  # fmt: skip
    loaded = ReportIndex(Records(report_values=list(reports)), as_of)
    items = sorted(((date.fromisoformat(v["date"]), v["id"], i["status"], i["progress"],
                     v["period"], i["task"]) for v, _ in reports for i in v["tasks"]),
                   key=lambda e: (e[0], e[1]))  # fmt: skip
    for task in ("T1", "T2"):
        mine = [e[:5] for e in items if e[5] == task and e[0] <= as_of]
        for index in (loaded, gathered):
            done = index.done_periods(task)
            for period in (None, "2022-05", "2022-06"):
                first = next((e[0] for e in mine if e[2] == "done" and e[4] == period), None)
                assert done.get(period) == first
                if period is not None:
                    assert index.first_done(task, period) == first
                last = next((e for e in reversed(mine) if period is None or e[4] == period), None)
                got = index.last_item(task, period)
                if got is not None:
                    got = (index._day(got[0]), *got[1:])
                assert got == last
            assert index.first_done(task) == next((e[0] for e in mine if e[2] == "done"), None)


@pytest.fixture(scope="module")
def generated_repo(generated: Any) -> Any:
    from cdsctl.repository import load

    return load(generated, cache_dir=False)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(as_of=st.dates(date(2021, 1, 1), date(2026, 12, 31)),
       kinds=st.sets(st.sampled_from(list(State))),
       ahead=st.none() | st.integers(0, 400),
       coming=st.booleans())  # fmt: skip
def test_states_of_some_kinds_are_those_of_all_kept_by_kind(
    generated_repo: Any, as_of: date, kinds: set[State], ahead: int | None, coming: bool
) -> None:
    """`kinds` leaves out the states of other kinds, and changes none of the rest (one-off
    tasks and recurring instances of 400 generated tasks, with instances still to come)."""
    from cdsctl.state import window

    horizon = window(as_of + timedelta(days=ahead)) if ahead is not None else None
    every = generated_repo.states(as_of, horizon=horizon, coming=coming)
    some = generated_repo.states(as_of, horizon=horizon, coming=coming, kinds=kinds)

    def seen(states: list[Any]) -> list[tuple[Any, ...]]:
        return [(s.id, s.state, s.deadline, s.completed, s.days_overdue, s.days_late)
                for s in states]  # fmt: skip

    assert seen(some) == seen([s for s in every if s.state in kinds])
    assert kinds or not some
