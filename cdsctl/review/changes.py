"""A review: the records at BASE and at HEAD compared record by record, by id.

Both sides are read with the library (:mod:`.sides`); a record is matched across them by its
id, so a file renamed or moved is the same record (never "removed" and "added").  Records in
files with errors on either side are left out of the comparison (counted in
:attr:`~.items.Review.left_out`): a record in a file with errors is never read as removed.

What the records say as of the review's date (task states, deadlines in force, on-time
rates) is read for every record; what a change wrote (fields, extensions, report items) only
for the records whose file git says differs (:func:`cdsctl.gitstore.changed_since`,
:func:`cdsctl.gitstore.changed_between`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .. import gitstore
from ..history import field_changes
from ..model import Task
from ..queries import Tally, stats
from ..state import DONE, TaskState, deadline_in_force
from ..text import vn_sort_key
from . import deadlines, rules, sides
from .items import WHATS, Change, DeadlineMove, RateChange, Review, Violation
from .sides import AGENCY, Side

#: the order changes are listed in
KINDS = tuple(WHATS)
#: task fields whose change is said as "closed", "cancelled" or "reopened"
_CLOSING = ("completed", "cancelled")


def review(root: Path, base: str, head: str | None = None, as_of: date | None = None) -> Review:
    """What the commits from `base` to `head` (None: the work tree) do to the records of
    `root`, as of `as_of` (default: today); :class:`CdsError` for a revision that names no
    commit or a root outside git."""
    base_commit = gitstore.resolve(root, base, "BASE")
    head_commit = gitstore.resolve(root, head, "HEAD") if head is not None else None
    touched = _touched(root, base_commit, head_commit)
    where = Where(gitstore.prefix(root), touched, as_of or date.today())
    with tempfile.TemporaryDirectory(prefix="cdsctl-review-") as folder:
        old = sides.read(root, base_commit, Path(folder) / "base")
        new = sides.read(root, head_commit, Path(folder) / "head")
        found = Review(base_commit, head_commit, where.as_of.isoformat())
        compare(old, new, where, found)
    return found


def _touched(root: Path, base: gitstore.Commit, head: gitstore.Commit | None) -> frozenset[str]:
    if head is None:
        changes = gitstore.changed_since(root, base)
    else:
        changes = gitstore.changed_between(root, base, head)
    return frozenset([*changes.changed, *changes.deleted])


@dataclass(frozen=True, slots=True)
class Where:
    """The range's frame: the records root inside the work tree (`records/`, or ""), the
    files (relative to the root) that differ, and the date states are read at."""

    top: str
    touched: frozenset[str]
    as_of: date


def compare(old: Side, new: Side, where: Where, into: Review) -> None:
    """Fill `into` with what changed from `old` to `new`."""
    comparison = _Comparison(old, new, where, into)
    comparison.run()
    into.changes.sort(key=lambda c: (KINDS.index(c.kind), WHATS[c.kind].index(c.what), c.id))
    into.violations.sort(key=lambda v: (v.file, v.line, v.code, v.id))
    into.left_out = {"base": [where.top + f for f in sorted(old.broken)],
                     "head": [where.top + f for f in sorted(new.broken)]}  # fmt: skip


class _Comparison:
    """One comparison: both sides, the frame, and the review it fills."""

    def __init__(self, old: Side, new: Side, where: Where, review: Review) -> None:
        self.old, self.new, self.where, self.review = old, new, where, review
        self.states = (old.repo.states(where.as_of), new.repo.states(where.as_of))
        self.old_states, self.new_states = _one_off(self.states[0]), _one_off(self.states[1])
        self.calendars = (old.repo.calendar(), new.repo.calendar())

    def run(self) -> None:
        for kind in KINDS:
            self._added_and_removed(kind)
            for record_id in sorted(self._common(kind)):
                self._compare(kind, record_id)
        self._deleted_referenced()
        self._rates()

    # -- which records -----------------------------------------------------------------

    def _common(self, kind: str) -> set[str]:
        return self.old.ids(kind) & self.new.ids(kind)

    def _touched(self, record_id: str) -> bool:
        files = {self.old.where[record_id].file, self.new.where[record_id].file}
        return not self.where.touched.isdisjoint(files)

    def _file(self, side: Side, record_id: str) -> str:
        return self.where.top + side.where[record_id].file

    def _change(self, side: Side, kind: str, record_id: str, what: str, **detail: Any) -> None:
        title = _title(kind, side.data(record_id))
        change = Change(kind, record_id, what, self._file(side, record_id), title, detail)
        self.review.changes.append(change)

    def _violation(self, side: Side, record_id: str, finding: deadlines.Finding) -> None:
        line = side.line(record_id, finding.path)
        file = self._file(side, record_id)
        self.review.violations.append(
            Violation(finding.code, file, line, record_id, finding.message)
        )

    # -- records added and removed -------------------------------------------------------

    def _added_and_removed(self, kind: str) -> None:
        old, new = self.old, self.new
        for record_id in sorted(new.ids(kind)):
            if not old.holds(record_id) or _other_kind(old, record_id, kind):
                self._added(kind, record_id)
        for record_id in sorted(old.ids(kind)):
            if self._removed(record_id) or _other_kind(new, record_id, kind):
                self._change(old, kind, record_id, "removed")

    def _added(self, kind: str, record_id: str) -> None:
        if kind != "report":
            self._change(self.new, kind, record_id, "added")
            return
        data = self.new.data(record_id)
        tasks = sorted(rules.statuses(data))
        self._change(self.new, kind, record_id, "filed", agency=data.get("agency"),
                     date=data.get("date"), tasks=tasks)  # fmt: skip

    def _removed(self, record_id: str) -> bool:
        """Whether HEAD no longer holds a record of BASE (an agency: only when HEAD's
        agencies.yaml could be read)."""
        if self.old.where[record_id].kind == AGENCY and not self.new.agencies_known:
            return False
        return not self.new.holds(record_id)

    def _deleted_referenced(self) -> None:
        by = sides.referrers(self.old)
        for record_id, at in sorted(self.old.where.items()):
            if by.get(record_id) and self._removed(record_id):
                message = rules.deleted_message(at.kind, record_id, by[record_id])
                file = self._file(self.old, record_id)  # (gone from HEAD: its first line)
                violation = Violation(rules.DELETED_REFERENCED, file, 1, record_id, message)
                self.review.violations.append(violation)

    # -- records on both sides -----------------------------------------------------------

    def _compare(self, kind: str, record_id: str) -> None:
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        fields: list[str] = []
        extra: dict[str, Any] = {}
        if self._touched(record_id):
            before, after = self.old.data(record_id), self.new.data(record_id)
            fields = [c.field for c in field_changes(before, after)]
            if self.old.where[record_id].file != self.new.where[record_id].file:
                extra["moved_from"] = self._file(self.old, record_id)
        if kind == "task":
            self._task(record_id, before, after, fields, extra)
        elif kind in ("report", "agency", "indicator"):
            getattr(self, f"_{kind}")(record_id, before, after, fields, extra)
        else:
            self._edited(kind, record_id, fields, extra)

    def _edited(self, kind: str, record_id: str, fields: list[str], extra: dict[str, Any],
                what: str = "edited", **detail: Any) -> None:  # fmt: skip
        if fields or extra or what != "edited":
            self._change(self.new, kind, record_id, what, fields=fields, **extra, **detail)

    def _task(self, record_id: str, before: dict[str, Any], after: dict[str, Any],
              fields: list[str], extra: dict[str, Any]) -> None:  # fmt: skip
        """A task on both sides: its deadline rules, closed or cancelled, other edits."""
        verdict = deadlines.judge(before, after)
        self._task_deadline(record_id, bool(verdict.added))
        for finding in verdict.findings:
            self._violation(self.new, record_id, finding)
        was, now = self.old_states.get(record_id), self.new_states.get(record_id)
        what = _closing(before, after, was, now)
        if what is not None:
            self._change(self.new, "task", record_id, what, **_closing_detail(what, after, now))
        rest = [f for f in fields if f not in _CLOSING or _both(f, before, after)]
        if rest or (extra and what is None):
            self._edited("task", record_id, rest, extra)

    def _task_deadline(self, record_id: str, extended: bool) -> None:
        """The task's deadline in force as of the date, and its own `due`, if either moved
        (`extended`: an extension was added in the range)."""
        old_task = self.old.records.tasks.get(record_id)
        new_task = self.new.records.tasks.get(record_id)
        if old_task is None or new_task is None:
            return
        day = self.where.as_of
        before = deadline_in_force(old_task, self.old.records, self.calendars[0], day)
        after = deadline_in_force(new_task, self.new.records, self.calendars[1], day)
        due_old, due_new = _due(old_task), _due(new_task)
        if before == after and due_old == due_new:
            return
        days = (after - before).days if before is not None and after is not None else None
        file = self._file(self.new, record_id)
        move = DeadlineMove(record_id, new_task.title, file, _iso(before), _iso(after), days,
                            extended, due_old, due_new)  # fmt: skip
        self.review.deadlines.append(move)

    def _report(self, record_id: str, before: dict[str, Any], after: dict[str, Any],
                fields: list[str], extra: dict[str, Any]) -> None:  # fmt: skip
        findings = rules.report_findings(before, after)
        for finding in findings:
            self._violation(self.new, record_id, finding)
        self._edited("report", record_id, fields, extra, "rewritten" if findings else "edited")

    def _agency(self, record_id: str, before: dict[str, Any], after: dict[str, Any],
                fields: list[str], extra: dict[str, Any]) -> None:  # fmt: skip
        extra.pop("moved_from", None)  # (agencies.yaml does not move)
        if "name" in fields:
            self._edited("agency", record_id, fields, extra, "renamed",
                         old=before.get("name"), new=after.get("name"))  # fmt: skip
        else:
            self._edited("agency", record_id, fields, extra)

    def _indicator(self, record_id: str, before: dict[str, Any], after: dict[str, Any],
                   fields: list[str], extra: dict[str, Any]) -> None:  # fmt: skip
        measures = [*_measures("targets", before, after), *_measures("actuals", before, after)]
        if measures:
            self._edited("indicator", record_id, fields, extra, "updated", measures=measures)
        else:
            self._edited("indicator", record_id, fields, extra)

    # -- on-time rates ---------------------------------------------------------------------

    def _rates(self) -> None:
        before = _tallies(stats(self.states[0], self.old.records, "agency"))
        after = _tallies(stats(self.states[1], self.new.records, "agency"))
        rates = []
        for key in before.keys() | after.keys():
            was, now = before.get(key), after.get(key)
            rate = (was.on_time_rate if was else None, now.on_time_rate if now else None)
            named = now or was
            if rate[0] != rate[1] and named is not None:
                rates.append(RateChange(key, named.name, *rate))
        self.review.rates = sorted(rates, key=lambda r: (vn_sort_key(r.name), r.agency))


def _other_kind(side: Side, record_id: str, kind: str) -> bool:
    """Whether the side holds the id as a record of another kind (an id reused)."""
    at = side.where.get(record_id)
    return at is not None and at.kind != kind


def _one_off(states: list[TaskState]) -> dict[str, TaskState]:
    return {s.id: s for s in states if s.period is None}


def _tallies(tallies: list[Tally]) -> dict[str, Tally]:
    return {t.key: t for t in tallies}


def _closing(before: dict[str, Any], after: dict[str, Any], was: TaskState | None,
             now: TaskState | None) -> str | None:  # fmt: skip
    """`closed`, `cancelled`, `reopened` or None: what the range did to the task, by its
    closing fields (`completed`, `cancelled` gained or dropped), else `closed` when its state
    as of the date became done (a report filed saying `done`).  A state that went back from
    done with no field dropped is not said: only a report rewritten or removed (said
    elsewhere) or left out for errors (counted) does that."""
    gained = [f for f in _CLOSING if before.get(f) is None and after.get(f) is not None]
    if gained:
        return "cancelled" if "cancelled" in gained else "closed"
    if any(before.get(f) is not None and after.get(f) is None for f in _CLOSING):
        return "reopened"
    if was is not None and now is not None and now.state in DONE and was.state not in DONE:
        return "closed"
    return None


def _closing_detail(what: str, after: dict[str, Any], now: TaskState | None) -> dict[str, Any]:
    """A closed task's completion date (written, else from a report), a cancelled one's
    `cancelled`, and the state as of the date."""
    detail: dict[str, Any] = {"state": str(now.state) if now is not None else None}
    if what == "closed":
        done = now.completed if now is not None else None
        detail["completed"] = after.get("completed") or _iso(done)
    elif what == "cancelled":
        detail["cancelled"] = after.get("cancelled")
    return detail


def _both(key: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a closing field is on both sides (then its change is an edit)."""
    return before.get(key) is not None and after.get(key) is not None


def _due(task: Task) -> str | None:
    """A task's own `due` as written: a date, or a count of working days."""
    if task.due_working_days is not None:
        return deadlines.shown({"working_days": task.due_working_days})
    return _iso(task.due)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _title(kind: str, data: dict[str, Any]) -> str:
    """How people name a record: a task's or meeting's title, an agency's or indicator's
    name, a directive's number, a report's number (else its agency and date)."""
    if kind == "report":
        return str(data.get("number") or f"{data.get('agency', '')} {data.get('date', '')}")
    if kind == "directive" and data.get("number"):
        return f"{data['number']}: {data.get('title', '')}"
    return str(data.get("title") or data.get("name") or "")


def _measures(key: str, before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Each period whose value in `key` (targets, actuals) is added, changed or removed."""
    old, new = _by_period(before.get(key)), _by_period(after.get(key))
    return [{"list": key, "period": p, "old": old.get(p), "new": new.get(p)}
            for p in sorted(old.keys() | new.keys()) if old.get(p) != new.get(p)]  # fmt: skip


def _by_period(measures: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for m in measures if isinstance(measures, list) else ():
        if isinstance(m, dict) and "period" in m:
            found.setdefault(str(m["period"]), m.get("value"))
    return found
