"""Open and overdue deadlines as an RFC 5545 calendar (one all-day event per deadline).

The `icalendar` package does the escaping (``,`` ``;`` ``\\n``), the 75-octet line folding
that never splits a UTF-8 character, and the CRLF line ends.

* UID: ``TASK-ID@cdsctl``; a recurring instance ``TASK-ID@PERIOD`` becomes
  ``TASK-ID+PERIOD@cdsctl``.  Ids never hold ``+`` (spec §2), so no task can collide with
  another's instance, and the UID is the same on every run: calendar apps update the event
  instead of adding a copy.
* DTSTAMP is the as-of date at 00:00 UTC, not the time of the run, so the same records and
  as-of date give byte-identical output (tests compare two runs).
* One alarm, at 09:00 three days before the deadline (documents.md: many systems warn at
  7, 3 and 1 days; one warning is enough in a calendar).  Only open deadlines carry it:
  an imported overdue task would otherwise pop up a reminder that is already past.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from ..model import Records, Task
from ..state import State, TaskState

PRODID = "-//cdsctl//Ban Chi dao CDS//VI"
CALENDAR_NAME = "Hạn nhiệm vụ chuyển đổi số"
#: 09:00 three days before an all-day event that starts at 00:00 on its deadline
ALARM_BEFORE = timedelta(days=2, hours=15)
SHOWN = frozenset({State.OPEN, State.OVERDUE})


def uid(state: TaskState) -> str:
    """A UID stable across runs: ``TASK-ID@cdsctl``, ``TASK-ID+PERIOD@cdsctl``."""
    if state.period is None:
        return f"{state.task.id}@cdsctl"
    return f"{state.task.id}+{state.period}@cdsctl"


def _agency_name(records: Records, agency_id: str) -> str:
    agency = records.agencies.get(agency_id)
    return f"{agency.name} ({agency_id})" if agency else agency_id


def _directive_line(records: Records, task: Task) -> str:
    directive = records.directives.get(task.directive)
    if directive is None:
        return task.directive
    return f"{directive.number or directive.id} — {directive.title}"


def _state_line(state: TaskState) -> str:
    if state.state is State.OVERDUE:
        return f"quá hạn {state.days_overdue} ngày (overdue), tính đến {state.as_of.isoformat()}"
    return f"đang thực hiện (open), tính đến {state.as_of.isoformat()}"


def description(state: TaskState, records: Records) -> str:
    """The event text: lead, support, directive and state, one per line."""
    task = state.task
    lines = [f"Chủ trì: {_agency_name(records, task.lead)}"]
    if task.support:
        lines.append("Phối hợp: " + "; ".join(_agency_name(records, a) for a in task.support))
    lines.append(f"Văn bản: {_directive_line(records, task)}")
    lines.append(f"Trạng thái: {_state_line(state)}")
    return "\n".join(lines)


def _alarm(summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -ALARM_BEFORE)
    alarm.add("description", f"Còn 3 ngày: {summary}")
    return alarm


def event(state: TaskState, records: Records, stamp: datetime) -> Event:
    """One all-day VEVENT on the deadline in force."""
    if state.deadline is None:
        raise ValueError(f"{state.id} has no deadline")
    summary = f"[{state.id}] {state.task.title}"
    ev = Event()
    ev.add("uid", uid(state))
    ev.add("dtstamp", stamp)
    ev.add("dtstart", state.deadline)
    if state.deadline < date.max:  # (without DTEND an all-day event lasts its one day)
        ev.add("dtend", state.deadline + timedelta(days=1))
    ev.add("summary", summary)
    ev.add("description", description(state, records))
    if state.task.group:
        ev.add("categories", [state.task.group])
    if state.state is State.OPEN:
        ev.add_component(_alarm(summary))
    return ev


def build(states: Iterable[TaskState], records: Records, as_of: date,
          name: str = CALENDAR_NAME) -> Calendar:  # fmt: skip
    """A VCALENDAR of the open and overdue deadlines among `states`, soonest first."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)  # reproducible output
    shown = [s for s in states if s.state in SHOWN and s.deadline is not None]
    for state in sorted(shown, key=lambda s: (s.deadline or date.min, s.id)):
        cal.add_component(event(state, records, stamp))
    return cal


def ical_bytes(states: Iterable[TaskState], records: Records, as_of: date,
               name: str = CALENDAR_NAME) -> bytes:  # fmt: skip
    """The calendar as RFC 5545 bytes: UTF-8, CRLF line ends, folded lines."""
    return bytes(build(states, records, as_of, name).to_ical())
