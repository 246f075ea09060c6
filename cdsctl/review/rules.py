"""The rules of a review about facts other than deadlines (those are :mod:`.deadlines`).

- `report-rewritten`: a report is a fact filed on a date (records.md §3, report): once it is
  in BASE, HEAD may not change its `date` or `period`, nor what it says of each task (an
  item's `status`, an item removed or added).  A fix of its text (a note, the number as
  printed, progress) is an edit, listed but allowed.
- `deleted-referenced`: a record of BASE that HEAD no longer holds, while some record of BASE
  refers to it (a task's directive, lead and support agencies, a report's tasks, a
  directive's meeting, an agency's parent or successor: the references validation knows).

Values are records as written (ISO dates as text); nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..i18n import Msg, noun
from .deadlines import Finding

REPORT_REWRITTEN, DELETED_REFERENCED = "report-rewritten", "deleted-referenced"
#: how many referring ids a message names before it counts the rest
NAMED = 3


def report_findings(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Finding]:
    """What HEAD rewrote of a report BASE holds: its date, its period, its items' statuses."""
    found = []
    for key in ("date", "period"):
        if old.get(key) != new.get(key):
            msg = Msg("the report's {field} was rewritten from {old} to {new} after it was "
                      "filed: a report is a fact; file a new report instead", field=key,
                      old=_shown(old.get(key)), new=_shown(new.get(key)))  # fmt: skip
            found.append(Finding(REPORT_REWRITTEN, (key,), msg))
    return found + _items(statuses(old), statuses(new))


def statuses(report: Mapping[str, Any]) -> dict[str, tuple[int, str]]:
    """Each task the report speaks of → (the index of its first item, the status given)."""
    items = report.get("tasks")
    found: dict[str, tuple[int, str]] = {}
    for i, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, Mapping) and isinstance(item.get("task"), str):
            found.setdefault(item["task"], (i, str(item.get("status"))))
    return found


def _items(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]
           ) -> list[Finding]:  # fmt: skip
    found = []
    for task, (_, status) in before.items():
        if task not in after:
            msg = Msg(
                "the item on task {task} (status {status}) was removed from a report "
                "already filed: file a new report instead",
                task=task,
                status=status,
            )
            found.append(Finding(REPORT_REWRITTEN, ("tasks",), msg))
        elif after[task][1] != status:
            msg = Msg("the status on task {task} was rewritten from {old} to {new} after the "
                      "report was filed: file a new report with the new status", task=task,
                      old=status, new=after[task][1])  # fmt: skip
            found.append(Finding(REPORT_REWRITTEN, ("tasks", after[task][0], "status"), msg))
    for task, (j, status) in after.items():
        if task not in before:
            msg = Msg(
                "an item on task {task} (status {status}) was added to a report already "
                "filed: file a new report instead",
                task=task,
                status=status,
            )
            found.append(Finding(REPORT_REWRITTEN, ("tasks", j, "task"), msg))
    return found


def _shown(value: Any) -> str:
    return Msg("(none)") if value is None else str(value)


#: what to do instead of deleting a record of each kind that others refer to
_INSTEAD = {
    "agency": Msg("an agency that ceased keeps its entry, with `until` and `successor`"),
    "task": Msg("a task no longer wanted is cancelled (`cancelled: {date, reason, by}`, "
                "cdsctl cancel)"),
}  # fmt: skip
_OTHERWISE = Msg("change those records first, or keep it")


def deleted_message(kind: str, record_id: str, by: list[str]) -> str:
    """Why deleting `record_id` breaks the records: who refers to it, what to do instead."""
    named = ", ".join(by[:NAMED])
    if len(by) > NAMED:
        named = Msg("{named} and {more} more", named=named, more=len(by) - NAMED)
    return Msg("{kind} {id} was deleted, but records of BASE refer to it ({by}): {instead}",
               kind=noun(kind), id=record_id, by=named,
               instead=_INSTEAD.get(kind, _OTHERWISE))  # fmt: skip
