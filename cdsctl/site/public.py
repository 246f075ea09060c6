"""The public view of the records (`cdsctl site --public`): records marked
`visibility: internal` left out, and every mention of them (spec 1.1 §2).

What is left out: every internal record and agency, and what belongs to one — the
directives an internal agency issued, the tasks of an internal directive or led by an
internal agency, the reports of an internal agency (an id such as `BC-QN-SNV-2022-05-25`
often names its agency).
What is removed from the records that stay: references to what was left out (supporting
agencies, `via`, `report_to`, a task's `parent` and `indicators`, a directive's `meeting`
and `references`, a meeting's `directive`, an agency's `parent` and `successor`, report
items on tasks left out).  Free text cannot be rewritten field by field, so every page of
a public site also goes through :meth:`Public.redact`, which blots out the ids, titles and
names of what was left out wherever they still appear (a meeting's minutes naming an
internal task, say).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from .. import model

#: one report item on a task, as records keep them for every date (model.Records)
Entry = tuple[str, str, str, float | None, str | None]

#: what stands where a mention was blotted out
BLOT = "[…]"
#: characters an id is made of (spec §2): a mention of an id is not part of a longer one
_ID_CHAR = r"A-Za-z0-9._-"


@dataclass(frozen=True, slots=True)
class Public:
    """The records a public site shows, and how to blot out what was left out of them."""

    records: model.Records
    #: ids, titles and names of what was left out (empty: nothing is internal)
    hidden: frozenset[str]

    def redact(self, text: str) -> str:
        """`text` with every hidden id, title and name (also as HTML writes it) blotted out."""
        pattern = _pattern(self.hidden)
        return pattern.sub(BLOT, text) if pattern is not None else text


def public(records: model.Records, report_agencies: Mapping[str, str]) -> Public:
    """The public view of `records` (`records` itself is not changed); `report_agencies`:
    each report's agency by report id (records from a snapshot hold no reports, only each
    task's report items)."""
    left_out = _left_out(records, report_agencies)
    kept = model.Records(
        agencies={
            k: _agency(a, left_out) for k, a in records.agencies.items() if k not in left_out
        },
        directives={
            k: _directive(d, left_out) for k, d in records.directives.items() if k not in left_out
        },
        tasks={k: _task(t, left_out) for k, t in records.tasks.items() if k not in left_out},
        meetings={
            k: _meeting(m, left_out) for k, m in records.meetings.items() if k not in left_out
        },
        indicators={k: i for k, i in records.indicators.items() if k not in left_out},
        calendar=records.calendar,
        agency_ids=records.agency_ids,
    )
    reports = (_report(r, left_out) for k, r in records.reports.items() if k not in left_out)
    kept.built_reports = {r.id: r for r in reports if r.tasks}
    if records.report_entries is not None:
        kept.report_entries = _entries(records.report_entries, left_out)
    names = _names(records, left_out, report_agencies.keys())
    return Public(kept, frozenset(names))


def _entries(entries: Mapping[str, list[Entry]], out: set[str]) -> dict[str, list[Entry]]:
    """Each task's report items, without the tasks and the reports left out."""
    kept = {task: [e for e in items if e[1] not in out]
            for task, items in entries.items() if task not in out}  # fmt: skip
    return {task: items for task, items in kept.items() if items}


def _left_out(records: model.Records, report_agencies: Mapping[str, str]) -> set[str]:
    """The ids of internal records, and of the tasks and reports that belong to one."""
    out = set(records.internal)
    out.update(d.id for d in records.directives.values() if d.issuer in out)
    out.update(t.id for t in records.tasks.values() if t.directive in out or t.lead in out)
    out.update(report for report, agency in report_agencies.items() if agency in out)
    return out


def _agency(a: model.Agency, out: set[str]) -> model.Agency:
    if a.parent not in out and a.successor not in out:
        return a
    return replace(a, parent=_kept(a.parent, out), successor=_kept(a.successor, out))


def _directive(d: model.Directive, out: set[str]) -> model.Directive:
    references = tuple(r for r in d.references if r not in out)
    if d.meeting not in out and d.issuer not in out and references == d.references:
        return d
    return replace(
        d,
        meeting=_kept(d.meeting, out),
        references=references,
        issuer="" if d.issuer in out else d.issuer,
    )


def _task(t: model.Task, out: set[str]) -> model.Task:
    support, via = _without(t.support, out), _without(t.via, out)
    indicators = _without(t.indicators, out)
    if (t.parent not in out and t.report_to not in out and support == t.support
            and via == t.via and indicators == t.indicators):  # fmt: skip
        return t
    return replace(t, parent=_kept(t.parent, out), report_to=_kept(t.report_to, out),
                   support=support, via=via, indicators=indicators)  # fmt: skip


def _without(ids: tuple[str, ...], out: set[str]) -> tuple[str, ...]:
    return tuple(x for x in ids if x not in out)


def _meeting(m: model.Meeting, out: set[str]) -> model.Meeting:
    return replace(m, directive=None) if m.directive in out else m


def _report(r: model.Report, out: set[str]) -> model.Report:
    items = tuple(i for i in r.tasks if i.task not in out)
    return r if items == r.tasks else replace(r, tasks=items)


def _kept(value: str | None, out: set[str]) -> str | None:
    return None if value in out else value


def _names(records: model.Records, out: set[str], reports: Iterable[str]) -> set[str]:
    """Every id, title and name by which what was left out can be mentioned, except those
    that also name something kept (two agencies both called `Sở Nội vụ` for short)."""
    reports = list(reports)
    hidden = _named(records, lambda k: k in out, reports)
    return {n for n in hidden - _named(records, lambda k: k not in out, reports) if n.strip()}


def _named(records: model.Records, chosen: Callable[[str], bool],
           reports: Iterable[str]) -> set[str]:  # fmt: skip
    names = {
        k
        for kind in (
            records.agencies,
            records.directives,
            records.tasks,
            records.meetings,
            records.indicators,
            reports,
        )
        for k in kind
        if chosen(k)
    }
    for a in records.agencies.values():
        if chosen(a.id):
            names.update(x for x in (a.name, a.short, *a.aliases) if x)
    for kind in (records.directives, records.tasks, records.meetings):
        names.update(r.title for k, r in kind.items() if chosen(k))
    names.update(d.number for k, d in records.directives.items() if chosen(k) and d.number)
    names.update(i.name for k, i in records.indicators.items() if chosen(k))
    return names


_PATTERNS: dict[frozenset[str], re.Pattern[str] | None] = {}


def _pattern(hidden: frozenset[str]) -> re.Pattern[str] | None:
    """One regex for every hidden text, as written and as HTML escapes it, longest first; an
    id only where it is not part of a longer id."""
    if hidden not in _PATTERNS:
        from html import escape

        forms = {form for text in hidden for form in (text, escape(text), escape(text, False))}
        parts = [
            f"(?<![{_ID_CHAR}]){re.escape(f)}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])"
            if re.fullmatch(f"[{_ID_CHAR}]+", f)
            else re.escape(f)
            for f in sorted(forms, key=lambda f: (-len(f), f))
        ]
        _PATTERNS[hidden] = re.compile("|".join(parts)) if parts else None
    return _PATTERNS[hidden]
