"""Rules that need the whole records root: ids, references, dates across records.

The rules read each record's summary (:func:`cross_view`: a few of its values), never its
file.  A rule that reads a record's values skips a record with errors of its own: some of
its values were left out, so the rule would judge an incomplete record (and its list items
could stand at other places than in the file).  Fixing those errors brings the rule back.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Iterator
from datetime import date

from ..i18n import Msg, a_noun, noun, nouns
from .crossdates import (
    check_expired_leads,
    check_extensions,
    check_report_dates,
    check_report_periods,
    check_task_dates,
    count_working_days,
    day_span,
    lead_days,
    lead_days_by_file,
)
from .cycles import check_cycles
from .index import AnySummary, CrossFinding, Index

# -- ids ---------------------------------------------------------------------------------------


def check_duplicates(index: Index, today: str) -> Iterator[CrossFinding]:
    for record_id, entry in index.duplicates:
        first = index.by_id[record_id]
        msg = Msg("id '{id}' is already used by the {kind} in {file}", id=record_id,
                  kind=noun(first.kind), file=first.file)  # fmt: skip
        yield CrossFinding(entry.file, entry.path, "duplicate-id", msg, about=record_id)


def check_case_collisions(index: Index, today: str) -> Iterator[CrossFinding]:
    """Two ids that differ only by letter case (spec 1.1 §2), reported at the later one.

    One set of case-folded ids tells in C whether there is any (≈ 0.05 s at 300,000 ids).
    """
    if len(set(map(str.casefold, index.by_id))) == len(index.by_id):
        return
    first: dict[str, str] = {}
    for record_id, entry in index.by_id.items():
        holder = first.setdefault(record_id.casefold(), record_id)
        if holder != record_id:
            other = index.by_id[holder]
            msg = Msg("id '{id}' differs from '{other}' (the {kind} in {file}) only by letter "
                      "case: they collide on case-insensitive file systems (Windows, macOS); "
                      "give one of them another id", id=record_id, other=holder,
                      kind=noun(other.kind), file=other.file)  # fmt: skip
            yield CrossFinding(entry.file, entry.path, "id-case-collision", msg, about=holder)


# -- references --------------------------------------------------------------------------------


def check_references(index: Index, today: str) -> Iterator[CrossFinding]:
    """Each name a record refers to is the id of a record of a kind it may name.

    The ids of each kind are a set, so a record's names are checked with one subset test
    per kind it refers to (about a million names in a root of 300,000 files).  A name that
    is not an id may be a declared alias of an agency (a warning: write the id), else the
    message offers the ids it may have meant.
    """
    accepted = index.accepted
    for summary in index.summaries:
        for kinds, names in summary.reference_items():
            good = accepted[kinds]
            if good.issuperset(names):
                continue
            for name in names:
                if name not in good:
                    yield _broken_reference(index, summary.file, kinds, name)


def _broken_reference(index: Index, file: str, kinds: tuple[str, ...], name: str) -> CrossFinding:
    target = index.by_id.get(name)
    alias = index.aliases.get(name) if "agency" in kinds else None
    msg: str
    if alias is not None:
        code = "alias-reference"
        msg = Msg("'{name}' is an alias of the agency {id} ({full}); write its id: {id}",
                  name=name, id=alias, full=index.by_id[alias].values.get("name"))  # fmt: skip
    elif target is None:
        code = "unresolved-reference"
        msg = Msg("'{name}' names no {kind} in the records{hint}", name=name, kind=nouns(kinds),
                  hint=index.suggesters.hint(kinds, name))  # fmt: skip
    else:
        code = "wrong-kind-reference"
        msg = Msg("'{name}' is {kind} ({file}), not {wanted}", name=name,
                  kind=a_noun((target.kind,)), file=target.file, wanted=a_noun(kinds))  # fmt: skip
    return CrossFinding(file, None, code, msg, about=name, reference=(kinds, name))


#: the codes only the rules across files give (a file checked on its own never does)
CROSS_CODES = frozenset({
    "duplicate-id", "id-case-collision", "unresolved-reference", "wrong-kind-reference",
    "alias-reference", "reference-cycle", "report-before-directive", "date-before-directive",
    "extension-order", "report-period", "agency-expired",
})  # fmt: skip

#: dates are ISO text here (as in summaries): they compare chronologically
CrossCheck = Callable[[Index, str], Iterator[CrossFinding]]
CROSS_CHECKS: tuple[CrossCheck, ...] = (
    check_duplicates,
    check_case_collisions,
    check_references,
    check_cycles,
    check_report_dates,
    check_task_dates,
    check_extensions,
    check_report_periods,
    check_expired_leads,
)


def run_cross_checks(summaries: Iterable[AnySummary], today: date,
                     broken: Collection[str] = ()) -> list[CrossFinding]:  # fmt: skip
    """Every cross-file finding; `broken`: the files with errors of their own."""
    return cross_checks(summaries, today, broken)[0]


def cross_checks(summaries: Iterable[AnySummary], today: date, broken: Collection[str] = ()
                 ) -> tuple[list[CrossFinding], tuple[str | None, str | None]]:  # fmt: skip
    """Every cross-file finding, and the span of days [first, end) (ISO, None: unbounded)
    for which they are the same as on `today`: only :func:`check_expired_leads` reads the
    day (the rules of one file never do)."""
    findings, span, _ = full_checks(summaries, today, broken)
    return findings, span


def full_checks(summaries: Iterable[AnySummary], today: date, broken: Collection[str] = (),
                kept: bool = False, aside: Aside | None = None
                ) -> tuple[list[CrossFinding], tuple[str | None, str | None],
                           dict[str, list[str]]]:  # fmt: skip
    """:func:`cross_checks`, and the days each file adds to the span (for the account a
    later partial run starts from: cdsctl.checks.partial.account).  `kept`: the result is
    kept, with the holiday calendars of the deadlines counted in working days
    (crossdates.count_working_days: a `validate --no-cache` in CI would count them for
    nothing).  `aside`: where the first rules (:data:`ASIDE`) may run on another core
    meanwhile (cdsctl.validation.workers.aside), on a root of :data:`ASIDE_FROM` records
    or more."""
    index = Index(summaries, broken)
    day = today.isoformat()
    first = None
    if aside is not None and len(index.summaries) >= ASIDE_FROM:
        first = aside(functools.partial(_findings, index, day, CROSS_CHECKS[:ASIDE]))
    findings = _findings(index, day, CROSS_CHECKS[ASIDE if first is not None else 0 :])
    by_file = lead_days_by_file(index)
    if kept:
        count_working_days(index)
    if first is not None:
        findings = first() + findings  # (in the rules' order, as one process finds them)
    return findings, day_span(lead_days(index, by_file.values()), day), by_file


#: runs a function on another core, and gives back what waits for its result
Aside = Callable[[Callable[[], list[CrossFinding]]], Callable[[], list[CrossFinding]]]
#: CROSS_CHECKS[:ASIDE] (ids, references, cycles) take about the time of the others (the
#: dates) at 100,000 tasks: 0.3 s each
ASIDE = 4
#: below this many records one process does it all: a fork costs more than it saves
ASIDE_FROM = 20_000


def _findings(index: Index, day: str, checks: Iterable[CrossCheck]) -> list[CrossFinding]:
    return [finding for check in checks for finding in check(index, day)]
