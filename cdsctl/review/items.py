"""What a review finds, as values: each change to a record, each deadline moved, each agency's
on-time rate that changed, each rule broken, and the :class:`Review` that holds them.

Every value has `row()`: builtins only, the JSON `cdsctl review --format json` prints.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..i18n import localized

#: the rules a range of commits must keep, by code
RULES = (
    "due-moved-without-extension",  # a task's `due` changed or removed (spec §3, §4)
    "extension-rewritten",  # an extension granted before the range changed or removed
    "report-rewritten",  # a report's date, period or an item's status changed after it was filed
    "deleted-referenced",  # a record removed that a record of BASE refers to
)

#: what a change did, by the kind of record (the `what` of :class:`Change`)
WHATS = {
    "task": ("added", "closed", "cancelled", "reopened", "edited", "removed"),
    "report": ("filed", "rewritten", "edited", "removed"),
    "agency": ("added", "renamed", "edited", "removed"),
    "indicator": ("added", "updated", "edited", "removed"),
    "directive": ("added", "edited", "removed"),
    "meeting": ("added", "edited", "removed"),
}
PLURALS = {"task": "tasks", "report": "reports", "agency": "agencies",
           "indicator": "indicators", "directive": "directives", "meeting": "meetings"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Change:
    """One thing the range did to one record.

    `file` is relative to the top of the git work tree (HEAD's; BASE's for a record
    removed); `detail` holds what is particular to `what` (builtins): `fields` changed,
    `moved_from` (an earlier path), a task's `completed` or `cancelled` date, an agency's
    `old` and `new` name, an indicator's `measures`, a report's `agency`, `date`, `tasks`."""

    kind: str
    id: str
    what: str
    file: str
    title: str
    detail: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "what": self.what, "file": self.file,
                "title": self.title, "detail": self.detail}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DeadlineMove:
    """A task whose deadline in force (as of the review's date) or own `due` changed.

    `days`: how far the deadline in force moved (later is positive); `extension`: an
    extension was added in the range."""

    id: str
    title: str
    file: str
    old: str | None
    new: str | None
    days: int | None
    extension: bool
    due_old: str | None
    due_new: str | None

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "file": self.file, "old": self.old,
                "new": self.new, "days": self.days, "extension": self.extension,
                "due_old": self.due_old, "due_new": self.due_new}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RateChange:
    """An agency whose on-time rate (queries.Tally.on_time_rate) is not what it was."""

    agency: str
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)

    def row(self) -> dict[str, Any]:
        return {"agency": self.agency, "name": self.name, "before": self.before,
                "after": self.after, "delta": self.delta}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Violation:
    """A rule the range breaks: where (relative to the top of the git work tree, 1-based
    line of the offending key in HEAD's file where there is one), which rule, which record."""

    code: str
    file: str
    line: int
    id: str
    message: str  # an i18n.Msg: English, shown in the reader's language by `text()`

    def text(self) -> str:
        return localized(self.message)

    def row(self) -> dict[str, Any]:
        return {"code": self.code, "file": self.file, "line": self.line, "id": self.id,
                "message": self.text()}  # fmt: skip


@dataclass(slots=True)
class Review:
    """What the commits from `base` to `head` (None: the work tree) do to the records."""

    base: str
    head: str | None
    as_of: str
    changes: list[Change] = field(default_factory=list)
    deadlines: list[DeadlineMove] = field(default_factory=list)
    rates: list[RateChange] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    #: the files with errors on each side, whose records the review leaves out
    left_out: dict[str, list[str]] = field(default_factory=lambda: {"base": [], "head": []})

    def of(self, kind: str, what: str | None = None) -> list[Change]:
        return [c for c in self.changes if c.kind == kind and what in (None, c.what)]

    def counts(self) -> dict[str, int]:
        """How many of each (kind, what), then deadlines moved, rates changed, violations."""
        found = Counter((c.kind, c.what) for c in self.changes)
        counts = {f"{PLURALS[kind]}_{what}": found[kind, what]
                  for kind, whats in WHATS.items() for what in whats}  # fmt: skip
        counts["deadlines_moved"] = sum(d.old != d.new for d in self.deadlines)
        counts["rates_changed"] = len(self.rates)
        counts["violations"] = len(self.violations)
        return counts

    def row(self) -> dict[str, Any]:
        """The whole review as builtins (`cdsctl review --format json`)."""
        return {
            "base": self.base, "head": self.head, "as_of": self.as_of, "counts": self.counts(),
            "violations": [v.row() for v in self.violations],
            "changes": [c.row() for c in self.changes],
            "deadlines": [d.row() for d in self.deadlines],
            "rates": [r.row() for r in self.rates],
            "left_out": {side: list(files) for side, files in self.left_out.items()},
        }  # fmt: skip
