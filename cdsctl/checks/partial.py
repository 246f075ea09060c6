"""The rules across files again after a few record files changed, over the records the change
concerns only, with the same findings as a run over every record.

A run over every record keeps a compact account of the root (:class:`CrossState`): each
record's kind, id, file and the few values a rule reads of a record it names
(:data:`~cdsctl.checks.index.Holder`), who names each id, the links that may close a cycle,
and the days the day-dependent rule turns on.  After an edit, :func:`concerned` gives the
files whose findings may change: the changed ones, those naming an id a changed file holds
or held, one step further (a report on a task of a changed directive), the holders of what
a changed file names (a task a report says is done), and the files with a broken reference
(a did-you-mean may now offer another id).  :func:`needed` adds what the rules read to judge
those.  The rules of one record run over these; the rules that weigh the whole root
(:data:`GLOBAL`: duplicate ids, ids equal but for case, cycles) run over the account, or,
after an edit that :func:`keeps_ids`, at the changed files only (:func:`_recheck_in_part`).
Property tests hold the findings equal to a full run's after random edits.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .crossdates import day_span, lead_days, lead_days_by_file
from .crossfile import CROSS_CHECKS, CROSS_CODES, check_case_collisions, check_duplicates
from .cycles import (
    Link,
    RawLink,
    agency_parents,
    check_cycles,
    cycle_findings,
    raw_links,
    valid_links,
)
from .index import AnySummary, CrossFinding, Holder, Index, stub_of

#: the codes of the rules that weigh the whole root: found anew over the account every time
GLOBAL = frozenset({"duplicate-id", "id-case-collision", "reference-cycle"})
#: found again only at the records a change concerns
LOCAL = CROSS_CODES - GLOBAL
#: findings whose message depends on every id of the root (a did-you-mean)
REFERENCE_CODES = frozenset({"unresolved-reference", "wrong-kind-reference", "alias-reference"})
_GLOBAL_CHECKS = (check_duplicates, check_case_collisions, check_cycles)
_LOCAL_CHECKS = tuple(check for check in CROSS_CHECKS if check not in _GLOBAL_CHECKS)
_AGENCY = ("agency",)

Span = tuple[str | None, str | None]


@dataclass(slots=True)
class CrossState:
    """What the rules across files need to know of the records they do not read again."""

    #: every record (its summary's kind, id, file and :func:`~.index.stub_of`), path order
    holders: list[Holder] = field(default_factory=list)
    #: id → the files whose references name it (references to agencies left out: a change
    #: to agencies.yaml is checked over every record)
    referrers: dict[str, list[str]] = field(default_factory=dict)
    #: file → its record's task `parent` or directive references (:func:`.cycles.raw_links`)
    links: dict[str, list[RawLink]] = field(default_factory=dict)
    #: file → the days its task or report adds (:func:`.crossdates.lead_days_by_file`)
    lead_days: dict[str, list[str]] = field(default_factory=dict)

    def to_wire(self) -> tuple[Any, ...]:
        return (self.holders, self.referrers, self.links, self.lead_days)

    @classmethod
    def from_wire(cls, wire: Any) -> CrossState:
        holders, referrers, links, days = wire
        return cls(holders, referrers, links, days)


def account(summaries: Iterable[AnySummary], lead_days: dict[str, list[str]]) -> CrossState:
    """The account a later :func:`recheck` starts from, of the records of a full run
    (:func:`.crossfile.full_checks`; made once its index is gone: at 305,061 files both at once cost
    200 MB more)."""
    summaries = list(summaries)
    return CrossState([stub_of(s) for s in summaries], _referrers(summaries), _links(summaries),
                      lead_days)  # fmt: skip


def _referrers(summaries: Iterable[AnySummary]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for summary in summaries:
        file = summary.file
        for kinds, names in summary.reference_items():
            if kinds != _AGENCY:
                for name in names:
                    found.setdefault(name, []).append(file)
    return found


def _links(summaries: Iterable[AnySummary]) -> dict[str, list[RawLink]]:
    return {s.file: links for s in summaries if (links := raw_links(s))}


@dataclass(slots=True)
class Edit:
    """Changed record files: their summaries before and after (a file with none: it did not
    parse, or it is new, or gone), and every such file."""

    old: list[AnySummary]
    new: list[AnySummary]
    files: set[str]


class Holdings:
    """Who holds each id, and what each file holds, in the account (made once per run)."""

    def __init__(self, holders: Iterable[Holder]) -> None:
        # (comprehensions and a Counter: a loop over 305,061 holders cost 0.5 s, a list per
        # id 0.3 s)
        self.of_file = {h[2]: h[1] for h in holders if h[1] is not None}
        self.first = {i: f for f, i in reversed(self.of_file.items())}
        self.twice: dict[str, list[str]] = {}  # ids held more than once: every holder
        if len(self.first) < len(self.of_file):
            twice = {i for i, n in Counter(self.of_file.values()).items() if n > 1}
            for f, i in self.of_file.items():
                if i in twice:
                    self.twice.setdefault(i, []).append(f)

    def files_of(self, ids: Iterable[str]) -> set[str]:
        first, twice, ids = self.first, self.twice, list(ids)
        found = {f for i in ids if (f := first.get(i)) is not None}
        found.update(f for i in ids if i in twice for f in twice[i])
        return found

    def ids_of(self, files: Iterable[str]) -> set[str]:
        return {i for f in files if (i := self.of_file.get(f)) is not None}


def updated(state: CrossState, edit: Edit) -> CrossState:
    """The account with the edit's records as they are now (its days not yet: see
    :func:`recheck`)."""
    gone = edit.files
    holders = [h for h in state.holders if h[2] not in gone]
    for summary in edit.new:
        bisect.insort(holders, stub_of(summary), key=_file_of)
    referrers = state.referrers
    for summary in edit.old:
        for kinds, names in summary.reference_items():
            for name in names if kinds != _AGENCY else ():
                files = referrers.get(name)
                if files is not None and summary.file in files:
                    files.remove(summary.file)
                    if not files:
                        del referrers[name]
    for name, files in _referrers(edit.new).items():
        referrers.setdefault(name, []).extend(files)
    links = {f: found for f, found in state.links.items() if f not in gone}
    links.update(_links(edit.new))
    return CrossState(holders, referrers, links, dict(state.lead_days))


def _file_of(holder: Holder) -> str:
    return holder[2]


def concerned(state: CrossState, holdings: Holdings, edit: Edit,
              with_reference_findings: Iterable[str] = ()) -> set[str]:  # fmt: skip
    """The files whose findings of the :data:`LOCAL` rules the edit may change (`state` and
    `holdings`: after the edit; `with_reference_findings`: the files that had a finding of
    :data:`REFERENCE_CODES`)."""
    changed = [*edit.old, *edit.new]
    touched = {s.id for s in changed if s.id is not None}
    first = _naming(state, touched) | holdings.files_of(touched)
    files = set(edit.files) | first | _naming(state, holdings.ids_of(first))
    files |= holdings.files_of(_named(changed))
    files.update(with_reference_findings)
    return files


def needed(state: CrossState, holdings: Holdings, summaries: Iterable[AnySummary]) -> set[str]:
    """The files the rules read to judge the records of `summaries` (the concerned ones):
    what they name, the reports on their tasks (whether a task led by a ceased agency is
    done), the agencies and the calendar."""
    summaries = list(summaries)
    files = holdings.files_of(_named(summaries))
    files |= _naming(state, (s.id for s in summaries if s.kind == "task" and s.id))
    files.update(h[2] for h in state.holders if h[0] in WHOLE_ROOT)
    return files


#: kinds whose change is checked over every record (the agencies every task names, the
#: calendar every deadline in working days is counted with)
WHOLE_ROOT = frozenset({"agencies", "calendar"})


def _naming(state: CrossState, ids: Iterable[str]) -> set[str]:
    referrers = state.referrers
    return {file for i in ids for file in referrers.get(i, ())}


def _named(summaries: Iterable[AnySummary]) -> set[str]:
    return {name for s in summaries for kinds, names in s.reference_items() if kinds != _AGENCY
            for name in names}  # fmt: skip


def recheck(
    state: CrossState,
    loaded: Iterable[AnySummary],
    concerned: Collection[str],
    broken: Collection[str],
    today: date,
) -> tuple[list[CrossFinding], Span]:
    """The findings of the :data:`LOCAL` rules at the `concerned` files and of the
    :data:`GLOBAL` rules everywhere, and their span of days, from the account after the
    edit (:func:`updated`, whose days this brings up to date) and the summaries (as they
    are now) of the files :func:`needed` names."""
    index = Index(sorted(loaded, key=_by_file), broken, state.holders)
    day = today.isoformat()
    findings = [f for check in _LOCAL_CHECKS for f in check(index, day) if f.file in concerned]
    findings += check_duplicates(index, day)
    findings += check_case_collisions(index, day)
    findings += _cycles(index, state)
    return findings, _days(index, state, concerned, day)


def _days(index: Index, state: CrossState, concerned: Collection[str], day: str) -> Span:
    """The account's days brought up to date at the `concerned` files; the span of days
    the findings hold for."""
    days = lead_days_by_file(index)
    for file in concerned:
        if file in days:
            state.lead_days[file] = days[file]
        else:
            state.lead_days.pop(file, None)
    return day_span(lead_days(index, state.lead_days.values()), day)


#: at most this many changed files, each keeping its record's kind, id and links, are
#: judged in part by the rules that weigh the whole root too (:func:`_recheck_in_part`)
FEW = 16


def keeps_ids(edit: Edit) -> bool:
    """Whether every changed file holds a record before and after, of the same kind and id,
    with the same links (:func:`.cycles.raw_links`): then no duplicate id, no ids equal but
    for case and no cycle comes or goes, and the files the edit did not touch keep their
    findings of the :data:`GLOBAL` rules."""
    if not len(edit.old) == len(edit.new) == len(edit.files) <= FEW:
        return False

    def key(summary: AnySummary) -> tuple[Any, ...]:
        return (summary.file, summary.kind, summary.id, raw_links(summary))

    return sorted(map(key, edit.old)) == sorted(map(key, edit.new))


def _recheck_in_part(state: CrossState, holdings: Holdings, loaded: list[AnySummary],
                     concerned: Collection[str], broken: Collection[str], today: date,
                     edit: Edit) -> tuple[list[CrossFinding], Span]:  # fmt: skip
    """:func:`recheck` after an edit that :func:`keeps_ids`, with the :data:`GLOBAL` rules'
    findings at the changed files only, over an index of the records the rules look up
    rather than of every record (0.3 s less at 305,061 files, and each rule's pass over
    every id): those loaded, every holder of an id they hold or name, of an id equal but
    for case to a changed file's, and of the ends of every link that may close a cycle.
    A did-you-mean offers ids from an index of every record, made when one is wanted."""
    ids = {s.id for s in loaded if s.id is not None} | _named(loaded)
    ids.update(end for links in state.links.values() for link in links for end in link[:2])
    ids |= _case_twins(state.holders, {s.id for s in edit.new if s.id is not None})
    files = holdings.files_of(ids)
    files.update(s.file for s in loaded)
    by_file = sorted(loaded, key=_by_file)
    index = Index(by_file, broken, _holders_of(state.holders, files),
                  whole=lambda: Index(by_file, broken, state.holders))  # fmt: skip
    day = today.isoformat()
    findings = [f for check in _LOCAL_CHECKS for f in check(index, day) if f.file in concerned]
    found = [*check_duplicates(index, day), *check_case_collisions(index, day),
             *_cycles(index, state)]  # fmt: skip
    findings += [f for f in found if f.file in edit.files]
    return findings, _days(index, state, concerned, day)


def _case_twins(holders: list[Holder], ids: set[str]) -> set[str]:
    """The ids of `holders` equal but for case to one of `ids` (them too)."""
    held = [h[1] for h in holders if h[1] is not None]
    folded = list(map(str.casefold, held))  # (in C: 0.03 s at 305,061 holders)
    wanted = {i.casefold() for i in ids}
    if all(folded.count(f) <= 1 for f in wanted):
        return set(ids)
    return {i for i, f in zip(held, folded, strict=True) if f in wanted} | ids


def _holders_of(holders: list[Holder], files: Iterable[str]) -> list[Holder]:
    """The holders (in path order, as `holders`) of `files`."""
    out = []
    for file in sorted(files):
        i = bisect.bisect_left(holders, file, key=_file_of)
        if i < len(holders) and holders[i][2] == file:
            out.append(holders[i])
    return out


def _cycles(index: Index, state: CrossState) -> Iterable[CrossFinding]:
    tasks: list[Link] = []
    directives: list[Link] = []
    for file in sorted(state.links):
        for task, link in valid_links(index, file, state.links[file]):
            (tasks if task else directives).append(link)
    return cycle_findings(tasks, agency_parents(index), directives)


def _by_file(summary: AnySummary) -> str:
    return summary.file


#: what :func:`recheck_edit` reads records with: files → (the summaries of those that have
#: one, as they are now; the files among them with errors of their own)
Load = Callable[[set[str]], tuple[list[AnySummary], set[str]]]


def recheck_edit(state: CrossState, edit: Edit, load: Load, today: date,
                 with_reference_findings: Iterable[str] = ()
                 ) -> tuple[list[CrossFinding], Span, CrossState, set[str], bool]:  # fmt: skip
    """After `edit`: the findings of :func:`recheck`, their span, the account as it is now,
    the concerned files (whose earlier findings of the :data:`LOCAL` rules these replace),
    and whether the :data:`GLOBAL` rules' are those at the changed files only (the edit
    :func:`keeps_ids`: the other files' stand), else everywhere (they replace all of them).
    `state` is used up."""
    in_part = keeps_ids(edit)
    state = updated(state, edit)
    holdings = Holdings(state.holders)
    files = concerned(state, holdings, edit, with_reference_findings)
    first, broken = load(files)
    more = needed(state, holdings, first) - files
    second, also = load(more)
    loaded, broken = [*first, *second], broken | also
    if in_part:
        findings, span = _recheck_in_part(state, holdings, loaded, files, broken, today, edit)
    else:
        findings, span = recheck(state, loaded, files, broken, today)
    return findings, span, state, files, in_part
