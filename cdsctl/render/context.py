"""What a template is given: the variables of docs/templates.md, each computed only when the
template uses it (a minutes template does not pay for the scorecard of every agency).

Every value is plain data (dicts, lists, text, numbers; dates as ISO text), so that a
template reads `task.title` and `task["title"]` alike and filters turn dates into their
Vietnamese forms.  The record named by `ID` is given whole, as written (long text and the
Markdown body included); its references come resolved (agency names, the directive, the
tasks with their state as of the as-of date).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from ..checks.index import Summary
from ..dates.periods import PERIOD_MONTHS
from ..diagnostics import CdsError
from ..queries import stats
from ..repository import Repository, full_record
from ..state import DONE, State, TaskState, add_months, window
from ..text import vn_sort_key
from .filters import STATE_NAMES

#: how far ahead `due_soon` looks
DUE_SOON_DAYS = 14


class Sources:
    """The records and choices one rendering reads, each worked out once, when first used."""

    def __init__(self, repo: Repository, as_of: date, record_id: str | None = None,
                 period: str | None = None) -> None:  # fmt: skip
        self.repo, self.records, self.as_of = repo, repo.records, as_of
        self.record_id, self.period_code = record_id, period

    # -- the records ---------------------------------------------------------------------

    @cached_property
    def summaries(self) -> dict[str, Summary]:
        return {s.id: s for s in self.repo.validation.summaries if s.id is not None}

    def whole(self, record_id: str) -> dict[str, Any]:
        """A record as written, every field and its body, with `kind` and `file`."""
        summary = self.summaries.get(record_id)
        if summary is None:
            raise CdsError(f"no record has the id '{record_id}'")
        data = dict(full_record(self.repo.root, summary.file))
        data["file"] = summary.file
        return data

    def named(self, kind: str) -> dict[str, Any]:
        """The record named by ID, which must be of `kind` (or, for a meeting, the meeting a
        named directive concludes, and the other way round)."""
        if self.record_id is None:
            raise CdsError(f"this template shows a {kind}: give its id (cdsctl render NAME ID)")
        summary = self.summaries.get(self.record_id)
        if summary is None:
            raise CdsError(f"no record has the id '{self.record_id}'")
        if summary.kind != kind:
            raise CdsError(f"'{self.record_id}' is a {summary.kind}; this template shows a {kind}")
        return self.whole(self.record_id)

    def agency(self, agency_id: str | None) -> dict[str, Any] | None:
        if agency_id is None:
            return None
        found = self.records.agencies.get(agency_id)
        if found is None:
            return {"id": agency_id, "name": agency_id, "short": agency_id}
        return {"id": found.id, "name": found.name, "short": found.short or found.name}

    # -- task states -----------------------------------------------------------------------

    @cached_property
    def states(self) -> list[TaskState]:
        """Every task and recurring instance as of the as-of date, and the instances to come
        within DUE_SOON_DAYS (for `due_soon`)."""
        horizon = window(self.as_of + timedelta(days=DUE_SOON_DAYS))
        return self.repo.states(self.as_of, horizon=horizon)

    @cached_property
    def begun(self) -> list[TaskState]:
        """The states of tasks and instances that have begun by the as-of date."""
        return [s for s in self.states if s.period is None or s.deadline is None
                or s.state is not State.OPEN or _begun(s, self.as_of)]  # fmt: skip

    def task(self, s: TaskState) -> dict[str, Any]:
        """One task (or recurring instance) as documents show it."""
        t, latest = s.task, s.latest
        directive = self.records.directives.get(t.directive)
        return {
            "id": s.id, "task": t.id, "period": s.period, "item": t.item, "title": t.title,
            "lead": t.lead, "lead_name": self._name(t.lead), "support": list(t.support),
            "support_names": [self._name(a) for a in t.support], "report_to": t.report_to,
            "report_to_name": self._name(t.report_to) if t.report_to else None,
            "directive": t.directive,
            "directive_number": directive.number if directive else None,
            "group": t.group, "deadline": _iso(s.deadline), "completed": _iso(s.completed),
            "state": str(s.state), "state_name": STATE_NAMES[s.state],
            "days_overdue": s.days_overdue, "days_late": s.days_late,
            "last_report": latest.report if latest else None,
            "last_status": latest.status if latest else None,
            "progress": latest.progress if latest else None,
        }  # fmt: skip

    def _name(self, agency_id: str) -> str:
        found = self.records.agencies.get(agency_id)
        return found.name if found else agency_id

    @cached_property
    def overdue_states(self) -> list[TaskState]:
        items = [s for s in self.begun if s.state is State.OVERDUE]
        return sorted(items, key=lambda s: (-(s.days_overdue or 0), s.id))

    def reasons(self, task_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """task id → what reports dated by the as-of date say of it (`note`), latest first."""
        wanted = set(task_ids)
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for summary in self.repo.validation.summaries:
            if summary.kind != "report" or wanted.isdisjoint(summary.references.get(("task",), ())):
                continue
            day = summary.values.get("date")
            if day is None or day > self.as_of.isoformat():
                continue
            report = self.whole(summary.id) if summary.id else {}
            for item in report.get("tasks", ()):
                if item.get("task") in wanted and item.get("note"):
                    found[item["task"]].append({"date": day, "report": summary.id,
                                                "agency": report.get("agency"),
                                                "status": item.get("status"),
                                                "note": item["note"]})  # fmt: skip
        for notes in found.values():
            notes.sort(key=lambda n: (n["date"], n["report"]), reverse=True)
        return dict(found)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _begun(s: TaskState, as_of: date) -> bool:
    """Whether a recurring instance's period has begun by `as_of`."""
    assert s.period is not None and s.deadline is not None
    return period_bounds(s.period)[0] <= as_of


def period_bounds(code: str) -> tuple[date, date]:
    """The first and last day of a period: `2023`, `2023-Q2`, `2023-H1`, `2023-05`."""
    year, _, part = code.partition("-")
    y = int(year)
    if not part:
        first, months = date(y, 1, 1), 12
    elif part[0] in "QH":
        months = PERIOD_MONTHS["quarterly" if part[0] == "Q" else "half-yearly"]
        first = date(y, (int(part[1]) - 1) * months + 1, 1)
    else:
        first, months = date(y, int(part), 1), 1
    return first, add_months(first, months) - timedelta(days=1)


# -- the variables -------------------------------------------------------------------------------


def _as_of(src: Sources) -> str:
    return src.as_of.isoformat()


def _agencies(src: Sources) -> dict[str, dict[str, Any]]:
    return {a: src.agency(a) or {} for a in src.records.agencies}


def _record(src: Sources) -> dict[str, Any]:
    if src.record_id is None:
        raise CdsError("this template shows one record: give its id (cdsctl render NAME ID)")
    return src.whole(src.record_id)


def _meeting(src: Sources) -> dict[str, Any] | None:
    """The meeting named by ID; for a directive, the meeting it concludes (or None)."""
    if src.record_id is not None and src.summaries.get(src.record_id, _NONE).kind == "directive":
        meeting_id = src.whole(src.record_id).get("meeting")
        return _meeting_whole(src, meeting_id) if meeting_id in src.summaries else None
    return _meeting_whole(src, src.named("meeting")["id"])


def _meeting_whole(src: Sources, meeting_id: str) -> dict[str, Any]:
    meeting = src.whole(meeting_id)
    for person in meeting.get("attendees", ()):
        if isinstance(person, dict) and person.get("agency"):
            person["agency_name"] = src._name(person["agency"])
    for said in meeting.get("discussion", ()):
        if isinstance(said, dict) and said.get("agency"):
            said["agency_name"] = src._name(said["agency"])
    return meeting


def _directive_id(src: Sources) -> str | None:
    """The directive named by ID, or the one concluding the meeting named by ID."""
    if src.record_id is not None and src.summaries.get(src.record_id, _NONE).kind == "meeting":
        meeting = src.whole(src.record_id)
        if meeting.get("directive") in src.summaries:
            return str(meeting["directive"])
        concluding = sorted(d.id for d in src.records.directives.values()
                            if d.meeting == src.record_id)  # fmt: skip
        return concluding[0] if concluding else None
    return str(src.named("directive")["id"])


def _directive(src: Sources) -> dict[str, Any] | None:
    directive_id = _directive_id(src)
    if directive_id is None:
        return None
    directive = src.whole(directive_id)
    issuer = src.agency(directive.get("issuer"))
    directive["issuer_name"] = issuer["name"] if issuer else None
    directive["issuer_short"] = issuer["short"] if issuer else None
    return directive


def _tasks(src: Sources) -> list[dict[str, Any]]:
    """The tasks of the directive (named, or concluding the named meeting), by item."""
    directive_id = _directive_id(src)
    if directive_id is None:
        return []
    ids = {t.id for t in src.records.tasks.values() if t.directive == directive_id}
    states = [s for s in src.repo.states(src.as_of, ids) if s.period is None]
    rows = []
    for s in sorted(states, key=lambda s: _item_key(s.task.item, s.id)):
        row = src.task(s)
        row["record"] = src.whole(s.task.id)
        row["description"] = row["record"].get("description")
        rows.append(row)
    return rows


def _item_key(item: str | None, fallback: str) -> tuple[Any, ...]:
    """ "2" before "10", "3.a" after "3": items in the order a reader counts them."""
    parts = (item or fallback).replace("-", ".").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def _recipients(src: Sources) -> list[dict[str, Any]]:
    """The agencies a notice goes to (Nơi nhận): its tasks' leads, then supports."""
    seen: dict[str, None] = {}
    for task in _tasks(src):
        seen.setdefault(task["lead"])
        for a in task["support"]:
            seen.setdefault(a)
    return [a for a in (src.agency(i) for i in seen) if a is not None]


def _period(src: Sources) -> dict[str, Any]:
    from .filters import period_name

    code = src.period_code or f"{src.as_of.year}-{src.as_of.month:02d}"
    first, last = period_bounds(code)
    return {"code": code, "name": period_name(code), "start": first.isoformat(),
            "end": last.isoformat()}  # fmt: skip


def _progress(src: Sources) -> dict[str, Any]:
    """Per directive and per agency: what fell due in the period, and how it stands."""
    period = _period(src)
    due = [s for s in src.states
           if s.deadline is not None and period["start"] <= s.deadline.isoformat() <= period["end"]
           and s.state is not State.CANCELLED]  # fmt: skip
    by_directive: dict[str, list[TaskState]] = defaultdict(list)
    by_agency: dict[str, list[TaskState]] = defaultdict(list)
    for s in due:
        by_directive[s.task.directive].append(s)
        by_agency[s.task.lead].append(s)
    directives = []
    for directive_id, items in by_directive.items():
        d = src.records.directives.get(directive_id)
        tasks = [src.task(s) for s in sorted(items, key=_by_deadline)]
        directives.append({"id": directive_id, "number": d.number if d else None,
                           "title": d.title if d else directive_id,
                           "issued": _iso(d.issued) if d else None, **_counts(items),
                           "tasks": tasks})  # fmt: skip
    agencies = [{"agency": src.agency(a), **_counts(items)} for a, items in by_agency.items()]
    directives.sort(key=lambda r: (r["issued"] or "", r["id"]))
    agencies.sort(key=lambda r: vn_sort_key(r["agency"]["name"]))
    return {"period": period, "totals": _counts(due), "directives": directives,
            "agencies": agencies}  # fmt: skip


def _by_deadline(s: TaskState) -> tuple[str, str]:
    return (_iso(s.deadline) or "", s.id)


def _counts(items: list[TaskState]) -> dict[str, Any]:
    n = defaultdict(int, {State(k): 0 for k in State})
    for s in items:
        n[s.state] += 1
    done = sum(n[s] for s in DONE)
    decided = done + n[State.OVERDUE]
    return {"due": len(items), "done_on_time": n[State.DONE_ON_TIME],
            "done_late": n[State.DONE_LATE], "overdue": n[State.OVERDUE],
            "open": n[State.OPEN],
            "completion_rate": round(100 * done / decided, 1) if decided else None}  # fmt: skip


def _overdue(src: Sources) -> list[dict[str, Any]]:
    """Every task overdue as of the as-of date, most overdue first, with what reports said."""
    rows = [src.task(s) for s in src.overdue_states]
    reasons = src.reasons(r["task"] for r in rows)
    for row in rows:
        row["reasons"] = reasons.get(row["task"], [])
    return rows


def _due_soon(src: Sources) -> list[dict[str, Any]]:
    """Open tasks due from the as-of date to DUE_SOON_DAYS after it, soonest first."""
    until = src.as_of + timedelta(days=DUE_SOON_DAYS)
    items = [s for s in src.states if s.state is State.OPEN and s.deadline is not None
             and src.as_of <= s.deadline <= until]  # fmt: skip
    return [src.task(s) for s in sorted(items, key=_by_deadline)]


def _grouped(src: Sources, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_lead: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_lead[row["lead"]].append(row)
    groups = [{"agency": src.agency(lead), "tasks": tasks} for lead, tasks in by_lead.items()]
    return sorted(groups, key=lambda g: (-len(g["tasks"]), vn_sort_key(g["agency"]["name"])))


def _tally_rows(src: Sources, by: str) -> list[dict[str, Any]]:
    return [t.row() for t in stats(src.begun, src.records, by)]


def _scorecard(src: Sources) -> list[dict[str, Any]]:
    rows = _tally_rows(src, "agency")
    for row in rows:
        row["agency"] = src.agency(row["key"])
    return rows


def _directives(src: Sources) -> list[dict[str, Any]]:
    rows = _tally_rows(src, "directive")
    for row in rows:
        d = src.records.directives.get(row["key"])
        row.update(number=d.number if d else None, title=d.title if d else row["key"],
                   issued=_iso(d.issued) if d else None)  # fmt: skip
    return sorted(rows, key=lambda r: (r["issued"] or "", r["key"]))


def _indicators(src: Sources) -> list[dict[str, Any]]:
    from ..indicators import indicator_rows

    return indicator_rows(src.records, src.as_of)


class _NoSummary:
    kind = None


_NONE: Any = _NoSummary()

#: name → how it is computed; docs/templates.md documents each (a test holds the two equal)
VARIABLES: dict[str, Callable[[Sources], Any]] = {
    "as_of": _as_of,
    "agencies": _agencies,
    "record": _record,
    "meeting": _meeting,
    "directive": _directive,
    "tasks": _tasks,
    "recipients": _recipients,
    "period": _period,
    "progress": _progress,
    "overdue": _overdue,
    "due_soon": _due_soon,
    "overdue_by_agency": lambda src: _grouped(src, _overdue(src)),
    "due_soon_by_agency": lambda src: _grouped(src, _due_soon(src)),
    "scorecard": _scorecard,
    "groups": lambda src: _tally_rows(src, "group"),
    "directives": _directives,
    "indicators": _indicators,
}


def context(src: Sources, names: Iterable[str]) -> dict[str, Any]:
    """The variables among `names` (those a template uses); other names are left for the
    template's own `{% set %}` or, when it uses one that exists nowhere, its error."""
    return {name: VARIABLES[name](src) for name in sorted(set(names)) if name in VARIABLES}
