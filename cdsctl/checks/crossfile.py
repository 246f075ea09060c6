"""Rules that need the whole records root: ids, references, dates across records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from ..files import AGENCIES
from ..yamlload import Path

if TYPE_CHECKING:
    from ..records import Summary


@dataclass(slots=True)
class CrossFinding:
    file: str
    #: where in the file; None for a broken reference, found again from `reference`
    path: Path | None
    code: str
    message: str
    at_key: bool = False
    #: the id in another record this finding is about (a reference's target, a duplicate id)
    about: str | None = None
    #: (kinds, name) of a broken reference (its n-th finding in a file is its n-th use there)
    reference: tuple[tuple[str, ...], str] | None = None


class Entry(NamedTuple):  # a tuple: 300,000 of them are built per run
    kind: str
    file: str
    path: Path
    values: Any


class Index:
    """Every id in the root, with its kind and place; the first holder of an id wins."""

    def __init__(self, summaries: Iterable[Summary]) -> None:
        self.by_id: dict[str, Entry] = {}
        self.duplicates: list[tuple[str, Entry]] = []
        self.summaries = list(summaries)
        self.by_kind: dict[str, list[Summary]] = defaultdict(list)
        by_id, id_path = self.by_id, ("id",)
        for summary in self.summaries:
            self.by_kind[summary.kind].append(summary)
            if summary.kind == "agencies":
                self._add_agencies(summary)
            elif summary.id is not None:
                if summary.id in by_id:
                    entry = Entry(summary.kind, summary.file, id_path, summary.values)
                    self.duplicates.append((summary.id, entry))
                else:
                    by_id[summary.id] = Entry(summary.kind, summary.file, id_path, summary.values)

    def _add_agencies(self, summary: Summary) -> None:
        for i, agency in enumerate(summary.values.get("agencies", ())):
            if "id" in agency:
                entry = Entry("agency", AGENCIES, ("agencies", i, "id"), agency)
                if agency["id"] in self.by_id:
                    self.duplicates.append((agency["id"], entry))
                else:
                    self.by_id[agency["id"]] = entry

    def of_kind(self, kind: str) -> list[Summary]:
        return self.by_kind.get(kind, [])


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


#: What the checks below read of each kind's values; the rest stays in the cache, unread.
CROSS_FIELDS: dict[str, tuple[str, ...]] = {
    "agencies": ("agencies",),
    "directive": ("issued",),
    "task": ("directive", "lead", "completed", "cancelled", "every", "end"),
}
_ITEM_FIELDS = {"agencies": ("id", "until", "successor")}
#: Kinds whose compact values are small and nearly all read by the checks: their view is
#: the whole of them, and they need no separate value blob (2 of 3 files in a big root).
WHOLE_VIEW = frozenset({"report"})


def cross_view(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The part of a record's values the cross-file checks read (small: cheap to ship)."""
    if kind in WHOLE_VIEW:
        return values
    view = {}
    for key in CROSS_FIELDS.get(kind, ()):
        if key in values:
            value = values[key]
            keep = _ITEM_FIELDS.get(key)
            view[key] = [{k: i[k] for k in keep if k in i} for i in value] if keep else value
    return view


def check_duplicates(index: Index, today: str) -> Iterator[CrossFinding]:
    for record_id, entry in index.duplicates:
        first = index.by_id[record_id]
        msg = f"id '{record_id}' is already used by the {first.kind} in {first.file}"
        yield CrossFinding(entry.file, entry.path, "duplicate-id", msg, about=record_id)


def check_references(index: Index, today: str) -> Iterator[CrossFinding]:
    """Each name a record refers to is the id of a record of a kind it may name.

    The ids of each kind are a set, so a record's names are checked with one subset test
    per kind it refers to (about a million names in a root of 300,000 files).
    """
    by_id, accepted = index.by_id, _AcceptedIds(index)
    for summary in index.summaries:
        for kinds, names in summary.references.items():
            good = accepted[kinds]
            if good.issuperset(names):
                continue
            for name in names:
                if name in good:
                    continue
                target, wanted = by_id.get(name), " or ".join(kinds)
                if target is None:
                    code, msg = "unresolved-reference", f"'{name}' names no {wanted} in the records"
                else:
                    code = "wrong-kind-reference"
                    msg = f"'{name}' is {_a(target.kind)} ({target.file}), not {_a(wanted)}"
                yield CrossFinding(summary.file, None, code, msg, about=name,
                                   reference=(kinds, name))  # fmt: skip


class _AcceptedIds(dict[tuple[str, ...], set[str]]):
    """kinds → the ids of the records of those kinds (made when first asked for)."""

    def __init__(self, index: Index) -> None:
        super().__init__()
        self.by_kind: dict[str, set[str]] = defaultdict(set)
        for record_id, entry in index.by_id.items():
            self.by_kind[entry.kind].add(record_id)

    def __missing__(self, kinds: tuple[str, ...]) -> set[str]:
        ids = set().union(*(self.by_kind.get(kind, ()) for kind in kinds))
        self[kinds] = ids
        return ids


def _issued_by_task(index: Index) -> dict[str, tuple[str, str]]:
    """task id → (its directive, the directive's issue date), for tasks whose both resolve."""
    issued = {}
    for task in index.of_kind("task"):
        directive = index.by_id.get(task.values.get("directive", ""))
        if directive is None or directive.kind != "directive" or task.id is None:
            continue
        if "issued" in directive.values:
            issued[task.id] = (task.values["directive"], directive.values["issued"])
    return issued


def check_report_dates(index: Index, today: str) -> Iterator[CrossFinding]:
    issued_by_task = _issued_by_task(index)
    for report in index.of_kind("report"):
        when: str | None = report.values.get("date")
        if when is None:
            continue
        for item in report.values.get("tasks", ()):
            found = issued_by_task.get(item.get("task", ""))
            if found and when < found[1]:
                directive, issued = found
                msg = (f"report dated {when} is before {directive} (issued {issued}), "
                       f"which assigns task {item['task']}")  # fmt: skip
                yield CrossFinding(report.file, ("date",), "report-before-directive", msg,
                                   about=directive)  # fmt: skip
                break


def _closed_tasks(index: Index, today: str) -> set[str]:
    closed: set[str] = set()
    for report in index.of_kind("report"):
        if report.values.get("date", today) <= today:
            closed.update(i["task"] for i in report.values.get("tasks", ()) if _done(i))
    return closed


def _done(item: dict[str, Any]) -> bool:
    return item.get("status") == "done" and "task" in item


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
    closed: set[str] | None = None
    for task in index.of_kind("task"):
        lead = index.by_id.get(task.values.get("lead", ""))
        until = lead.values.get("until") if lead and lead.kind == "agency" else None
        if until is None or until >= today:
            continue
        closed = _closed_tasks(index, today) if closed is None else closed
        if task.id not in closed and _still_open(task.values, until, today):
            successor = lead.values.get("successor") if lead else None
            after = f"; its successor is {successor}" if successor else " and has no successor"
            lead_id = task.values["lead"]
            msg = f"lead '{lead_id}' ceased to exist on {until}{after}"
            yield CrossFinding(task.file, ("lead",), "agency-expired", msg, about=lead_id)


#: dates are ISO text here (as in summaries): they compare chronologically
CrossCheck = Callable[[Index, str], Iterator[CrossFinding]]
CROSS_CHECKS: tuple[CrossCheck, ...] = (
    check_duplicates,
    check_references,
    check_report_dates,
    check_expired_leads,
)


def run_cross_checks(summaries: Iterable[Summary], today: date) -> list[CrossFinding]:
    index = Index(summaries)
    return [finding for check in CROSS_CHECKS for finding in check(index, today.isoformat())]
