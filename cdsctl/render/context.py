"""What a template is given: the variables of docs/templates.md, each computed only when the
template uses it (a minutes template does not pay for the scorecard of every agency).

Every value is plain data (dicts, lists, text, numbers; dates as ISO text), so that a
template reads `task.title` and `task["title"]` alike and filters turn dates into their
Vietnamese forms.  The record named by `ID` is given whole, as written (long text and the
Markdown body included); its references come resolved (agency names, the directive, the
tasks with their state as of the as-of date).
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from ..dates.iso import period_span
from ..diagnostics import CdsError
from ..i18n import _
from ..model import Indicator, Task
from ..queries import stats
from ..repository import Repository
from ..state import DONE, State, TaskState, base_due, window
from ..text import vn_sort_key
from ..validation.onefile import full_record
from .filters import STATE_NAMES

#: how far ahead `due_soon` looks
DUE_SOON_DAYS = 14
DUE_SOON_DAYS_DELTA = timedelta(days=DUE_SOON_DAYS)


class Sources:
    """The records and choices one rendering reads, each worked out once, when first used."""

    def __init__(self, repo: Repository, as_of: date, record_id: str | None = None,
                 period: str | None = None,
                 states: list[TaskState] | None = None) -> None:  # fmt: skip
        """`states`: the repository's task states as of `as_of`, when the caller has them
        (a site renders the minutes of every meeting from one set)."""
        self.repo, self.records, self.as_of = repo, repo.records, as_of
        self.record_id, self.period_code = record_id, period
        if states is not None:
            self.__dict__["states"] = states  # (what the cached property would work out)

    # -- the records ---------------------------------------------------------------------

    @cached_property
    def summaries(self) -> dict[str, tuple[str, str]]:
        """(kind, file) of every record by id (a site's repository is a snapshot's)."""
        return self.repo.located()

    def whole(self, record_id: str) -> dict[str, Any]:
        """A record as written, every field and its body, with `kind` and `file`."""
        summary = self.summaries.get(record_id)
        if summary is None:
            raise CdsError(_("no record has the id '{id}'").format(id=record_id))
        data = dict(full_record(self.repo.root, summary[1]))
        data["file"] = summary[1]
        return data

    def named_kind(self) -> str | None:
        """The kind of the record named by ID (None: no ID, or no such record)."""
        summary = self.summaries.get(self.record_id) if self.record_id is not None else None
        return summary[0] if summary is not None else None

    def named(self, kind: str) -> dict[str, Any]:
        """The record named by ID, which must be of `kind` (or, for a meeting, the meeting a
        named directive concludes, and the other way round)."""
        if self.record_id is None:
            raise CdsError(_("this template shows a {kind}: give its id (cdsctl render NAME ID)")
                           .format(kind=_(kind)))  # fmt: skip
        summary = self.summaries.get(self.record_id)
        if summary is None:
            raise CdsError(_("no record has the id '{id}'").format(id=self.record_id))
        if summary[0] != kind:
            raise CdsError(_("'{id}' is a {kind}; this template shows a {wanted}").format(
                id=self.record_id, kind=_(summary[0]), wanted=_(kind)))  # fmt: skip
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
        """Every task, and every instance of a recurring task whose period has begun, as of
        the as-of date."""
        return self.repo.states(self.as_of)

    def states_of(self, ids: set[str]) -> list[TaskState]:
        """The states of the tasks `ids` (and their instances): from :attr:`states` when it
        is worked out already (a site renders every meeting's minutes from one set), else
        worked out for those tasks alone (one document needs a few)."""
        if "states" not in self.__dict__:
            return self.repo.states(self.as_of, ids)
        by_task = self._states_by_task
        return [s for task_id in ids for s in by_task.get(task_id, ())]

    @cached_property
    def _states_by_task(self) -> dict[str, list[TaskState]]:
        found: dict[str, list[TaskState]] = defaultdict(list)
        for s in self.states:
            found[s.task.id].append(s)
        return found

    def tasks_of(self, directive_id: str) -> list[Task]:
        """The tasks of a directive, as the records list them."""
        return self._tasks_by_directive.get(directive_id, [])

    @cached_property
    def _tasks_by_directive(self) -> dict[str, list[Task]]:
        found: dict[str, list[Task]] = defaultdict(list)
        for t in self.records.tasks.values():
            found[t.directive].append(t)
        return found

    def about(self, record_id: str | None) -> Sources:
        """The same sources for another record, sharing what is worked out once for all
        (every record by id, every task's states) rather than each working it out again."""
        self.summaries  # noqa: B018  (worked out here, so that every copy has it)
        if "states" in self.__dict__:
            self._states_by_task  # noqa: B018
            self._tasks_by_directive  # noqa: B018
        other = copy.copy(self)
        other.record_id = record_id
        return other

    @cached_property
    def ahead(self) -> list[TaskState]:
        """:attr:`states`, and the instances to come within DUE_SOON_DAYS (for `due_soon`)."""
        return self.repo.states(self.as_of, horizon=window(self.as_of + DUE_SOON_DAYS_DELTA))

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
        items = [s for s in self.states if s.state is State.OVERDUE]
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


def period_days(code: str) -> tuple[date, date]:
    """The first and last day of the period `--period` names (dates.iso.period_span)."""
    span = period_span(code)
    if span is None:
        raise CdsError(_("--period '{period}': write a month, quarter, half-year or year: "
                         "2023-05, 2023-Q2, 2023-H1, 2023").format(period=code))  # fmt: skip
    return span[1], span[2]


# -- the variables -------------------------------------------------------------------------------


def _as_of(src: Sources) -> str:
    return src.as_of.isoformat()


def agencies_of(src: Sources) -> dict[str, dict[str, Any]]:
    """Every agency by id, `{id, name, short}` (the `agencies` variable; the agency filters
    read it too)."""
    return {a: src.agency(a) or {} for a in src.records.agencies}


def _record(src: Sources) -> dict[str, Any]:
    if src.record_id is None:
        raise CdsError(_("this template shows one record: give its id (cdsctl render NAME ID)"))
    return src.whole(src.record_id)


def _meeting(src: Sources) -> dict[str, Any] | None:
    """The meeting named by ID; for a directive, the meeting it concludes (or None)."""
    if src.named_kind() == "directive":
        meeting_id = src.named("directive").get("meeting")
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
    meeting.update(_meeting_issuer(src, meeting))
    return meeting


def _meeting_issuer(src: Sources, meeting: dict[str, Any]) -> dict[str, Any]:
    """Who issues the minutes (the header's issuing body): the agency the meeting's title
    names in full (the longest, "Ban Chỉ đạo chuyển đổi số tỉnh Nam Định"), else the issuer
    of the directive recording its conclusions, else none."""
    title = str(meeting.get("title") or "")
    named = [a for a in src.records.agencies.values() if a.name and a.name in title]
    issuer = max(named, key=lambda a: len(a.name)).id if named else None
    if issuer is None and meeting.get("directive") in src.records.directives:
        issuer = src.records.directives[meeting["directive"]].issuer
    found = src.agency(issuer)
    return {"issuer": issuer, "issuer_name": found["name"] if found else None,
            "issuer_parent_name": _parent_name(src, issuer)}  # fmt: skip


def _parent_name(src: Sources, agency_id: str | None) -> str | None:
    """The full name of an agency's parent (the body above it in a header), or None."""
    found = src.records.agencies.get(agency_id) if agency_id else None
    return src._name(found.parent) if found and found.parent else None


#: a name's last locality: "… thành phố tỉnh Nam Định" → "Nam Định"
_PLACE = re.compile(r".*(?<!\S)(?:tỉnh|thành phố|thị xã|huyện|quận)\s+([^,]+)$")


def _place(src: Sources, agency_id: str | None) -> str | None:
    """The place of a place-and-date line: the locality an agency's name (or its parent's)
    ends with, "Ủy ban nhân dân tỉnh Nam Định" → "Nam Định"; None when no name says."""
    seen: set[str] = set()
    while agency_id and agency_id not in seen:
        seen.add(agency_id)
        found = src.records.agencies.get(agency_id)
        match = _PLACE.match(found.name) if found else None
        if match:
            return match.group(1).strip()
        agency_id = found.parent if found else None
    return None


def _directive_id(src: Sources) -> str | None:
    """The directive named by ID, or the one concluding the meeting named by ID."""
    if src.named_kind() == "meeting":
        meeting = src.named("meeting")
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
    directive["issuer_parent_name"] = _parent_name(src, directive.get("issuer"))
    directive["place"] = _place(src, directive.get("issuer"))
    directive["recurring"] = _recurring(src, directive_id)
    return directive


def _recurring(src: Sources, directive_id: str) -> list[dict[str, Any]]:
    """The directive's recurring tasks (`every`), as written, by item: `tasks` lists the
    one-off tasks only (a recurring task has instances, not one state)."""
    found = [t for t in src.tasks_of(directive_id) if t.every]
    found.sort(key=lambda t: _item_key(t.item, t.id))
    return [src.whole(t.id) for t in found]


def _tasks(src: Sources) -> list[dict[str, Any]]:
    """The tasks of the directive (named, or concluding the named meeting), by item."""
    directive_id = _directive_id(src)
    if directive_id is None:
        return []
    ids = {t.id for t in src.tasks_of(directive_id)}
    states = [s for s in src.states_of(ids) if s.period is None]
    rows, workdays = [], src.repo.calendar()
    for s in sorted(states, key=lambda s: _item_key(s.task.item, s.id)):
        row = src.task(s)
        row["record"] = src.whole(s.task.id)
        row["description"] = row["record"].get("description")
        row["due"] = _iso(base_due(s.task, src.records, workdays))  # as assigned, unextended
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
    _, first, last = period_span(code) or ("", src.as_of, src.as_of)  # (checked in render)
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
    items = [s for s in src.ahead if s.state is State.OPEN and s.deadline is not None
             and src.as_of <= s.deadline <= until]  # fmt: skip
    rows = []
    for s in sorted(items, key=_by_deadline):
        rows.append(src.task(s))
        rows[-1]["days_left"] = (s.deadline - src.as_of).days if s.deadline else None
    return rows


def _grouped(src: Sources, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_lead: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_lead[row["lead"]].append(row)
    groups = [{"agency": src.agency(lead), "tasks": tasks} for lead, tasks in by_lead.items()]
    return sorted(groups, key=lambda g: (-len(g["tasks"]), vn_sort_key(g["agency"]["name"])))


def _tally_rows(src: Sources, by: str) -> list[dict[str, Any]]:
    return [t.row() for t in stats(src.states, src.records, by)]


def _scorecard(src: Sources) -> list[dict[str, Any]]:
    """Per lead agency, in the Vietnamese order of the full names documents show."""
    rows = _tally_rows(src, "agency")
    for row in rows:
        row["agency"] = src.agency(row["key"])
    return sorted(rows, key=lambda r: vn_sort_key(r["agency"]["name"]))


def _directives(src: Sources) -> list[dict[str, Any]]:
    rows = _tally_rows(src, "directive")
    for row in rows:
        d = src.records.directives.get(row["key"])
        row.update(number=d.number if d else None, title=d.title if d else row["key"],
                   issued=_iso(d.issued) if d else None)  # fmt: skip
    return sorted(rows, key=lambda r: (r["issued"] or "", r["key"]))


def _indicators(src: Sources) -> list[dict[str, Any]]:
    from ..indicators import indicator_rows

    rows = indicator_rows(src.records, src.as_of)
    for row in rows:
        row["series"] = _series(src.records.indicators[row["id"]], src.as_of)
    return rows


def _series(indicator: Indicator, as_of: date) -> list[dict[str, Any]]:
    """The points of a trend chart: each period with a target or an actual known by the
    as-of date, in period order, as `{period, actual, target}` (either may be None)."""
    from ..indicators import known, parse_period

    points: dict[str, dict[str, Any]] = {}
    for kind, measures in (("target", indicator.targets), ("actual", indicator.actuals)):
        for m in measures:
            try:
                period = parse_period(m.period)
            except ValueError:
                continue
            if kind == "target" or known(period, m, as_of):
                point = points.setdefault(m.period, {"period": m.period, "actual": None,
                                                     "target": None})  # fmt: skip
                point[kind] = m.value
    return sorted(points.values(), key=lambda p: parse_period(p["period"]))


#: name → how it is computed; docs/templates.md documents each (a test holds the two equal)
VARIABLES: dict[str, Callable[[Sources], Any]] = {
    "as_of": _as_of,
    "agencies": agencies_of,
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


#: the variables worked out from what a snapshot of the records holds (typed records, each
#: task's report items): a template using only these renders from the snapshot kept for
#: unchanged files; the others read records as written (notes, bodies) through a validation
FROM_SNAPSHOT = frozenset({"as_of", "agencies", "period", "progress", "due_soon",
                           "due_soon_by_agency", "scorecard", "groups", "directives",
                           "indicators"})  # fmt: skip


def gather(src: Sources, names: Iterable[str]) -> dict[str, Any]:
    """The variables among `names` (those a template uses); other names are left for the
    template's own `{% set %}` or, when it uses one that exists nowhere, its error."""
    return {name: VARIABLES[name](src) for name in sorted(set(names)) if name in VARIABLES}
