"""Rules across records (spec 1.1 "Across kinds", cdsctl.checks.crossfile), by generated cases.

Each rule is checked against an oracle written here independently of the code: random
`parent` graphs and `references` graphs against reachability, random extension lists against
"the deadline an extension replaces" read pairwise, random id sets against case-folding,
random report periods against the task's `every`, random typos against a plain edit distance.
The trees are built with `build_tree` and checked by `cdsctl.validation.pipeline.validate` (a few
through the CLI), so the lines reported are checked too.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import cache
from itertools import pairwise, product
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cdsctl.dates.workdays import WorkCalendar
from cdsctl.diagnostics import Diagnostic
from cdsctl.messages.suggest import BRUTE_FORCE_UP_TO, Suggester, distance, one_edit_away
from cdsctl.repository import load
from cdsctl.text import fold
from cdsctl.validation.pipeline import validate
from cdsctl.validation.selection import Selection

from .conftest import AGENCIES, DIRECTIVE, build_tree, invoke, validate_json

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ISSUED = date(2022, 5, 12)  # DIRECTIVE's `issued`
CYCLE = re.compile(r"cycle: (.*?);")


@contextmanager
def tree(files: dict[str, str], agencies: str = AGENCIES) -> Iterator[Path]:
    """A records root of `files` beside conftest's agencies and directive TB-128-2022."""
    with tempfile.TemporaryDirectory() as folder:
        base = {"agencies.yaml": agencies, "directives/TB-128-2022.yaml": DIRECTIVE}
        yield build_tree(Path(folder) / "records", {**base, **files})


def found(root: Path, code: str) -> list[Diagnostic]:
    return [d for d in validate(root, cache_dir=False).diagnostics if d.code == code]


def task(task_id: str, *lines: str, lead: str = "STTTT") -> str:
    head = [f"id: {task_id}", "kind: task", "directive: TB-128-2022", "title: Nhiệm vụ",
            f"lead: {lead}"]  # fmt: skip
    return "\n".join([*head, *lines]) + "\n"


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of `text` that starts with `needle` (stripped)."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith(needle)]
    assert lines, (needle, text)
    return lines[0]


# -- cycles --------------------------------------------------------------------------------


def cyclic_groups(edges: dict[str, set[str]]) -> list[set[str]]:
    """The oracle: groups of nodes that reach each other, and hold a cycle."""
    nodes = set(edges) | {t for ts in edges.values() for t in ts}
    reach = {n: set(edges.get(n, ())) for n in nodes}
    changed = True
    while changed:  # transitive closure, the slow and obvious way
        changed = False
        for n in nodes:
            more = set().union(*(reach[m] for m in reach[n])) - reach[n]
            if more:
                reach[n] |= more
                changed = True
    groups: list[set[str]] = []
    for n in sorted(nodes):
        if n in reach[n] and not any(n in g for g in groups):
            groups.append({m for m in nodes if m in reach[n] and n in reach[m]})
    return groups


def assert_cycles_reported(edges: dict[str, set[str]], reported: list[tuple[list[str], str]],
                           file_of: dict[str, str]) -> None:  # fmt: skip
    """Each cyclic group once, as a real cycle through it, at its least member's file."""
    groups = cyclic_groups(edges)
    assert len(reported) == len(groups), (reported, groups)
    seen: list[set[str]] = []
    for chain, file in reported:
        assert chain[0] == chain[-1], chain
        assert all(b in edges.get(a, ()) for a, b in pairwise(chain)), chain
        group = next(g for g in groups if chain[0] in g)
        assert set(chain) <= group and group not in seen, (chain, group)
        seen.append(group)
        assert chain[0] == min(group) and file == file_of[chain[0]], (chain, file)


def _chains(diagnostics: list[Diagnostic]) -> list[tuple[list[str], str]]:
    out = []
    for d in diagnostics:
        match = CYCLE.search(d.message)
        assert match, d.message
        out.append((match[1].split(" → "), d.file))
    return out


NAMES = [f"T{i}" for i in range(7)]


@SETTINGS
@given(st.lists(st.none() | st.sampled_from(NAMES), min_size=1, max_size=7))
def test_task_parent_cycles_are_each_reported_once(parents: list[str | None]) -> None:
    ids = NAMES[: len(parents)]
    parents = [p if p in ids else None for p in parents]
    files = {f"tasks/{t}.yaml": task(t, *([f"parent: {p}"] if p else []), "due: 2022-12-31")
             for t, p in zip(ids, parents, strict=True)}  # fmt: skip
    with tree(files) as root:
        cycles = found(root, "reference-cycle")
    for d in cycles:
        assert d.line == line_of(files[d.file], "parent:"), d
    edges = {t: {p} for t, p in zip(ids, parents, strict=True) if p}
    assert_cycles_reported(edges, _chains(cycles), {t: f"tasks/{t}.yaml" for t in ids})


@SETTINGS
@given(st.lists(st.sets(st.integers(0, 5), max_size=3), min_size=1, max_size=6))
def test_directive_reference_cycles_are_each_reported_once(targets: list[set[int]]) -> None:
    ids = [f"D{i}" for i in range(len(targets))]
    edges = {ids[i]: {ids[t] for t in ts if t < len(ids)} for i, ts in enumerate(targets)}
    files = {}
    for i, d in enumerate(ids):
        refs = ["references:", "  - 411/QĐ-TTg", *(f"  - {r}" for r in sorted(edges[d]))]
        files[f"directives/{d}.yaml"] = DIRECTIVE.replace("TB-128-2022", d).replace(
            "128/TB-UBND", f"{200 + i}/TB-UBND") + "\n".join(refs) + "\n"  # fmt: skip
    with tree(files) as root:
        cycles = found(root, "reference-cycle")
    chains = _chains(cycles)
    for (chain, _), d in zip(chains, cycles, strict=True):  # at the reference to the next
        assert d.line == line_of(files[d.file], f"- {chain[1]}"), d
    assert_cycles_reported(edges, chains, {d: f"directives/{d}.yaml" for d in ids})


@SETTINGS
@given(st.lists(st.none() | st.integers(0, 5), min_size=1, max_size=6), st.booleans())
def test_agency_parent_cycles_are_each_reported_once(parents: list[int | None],
                                                     by_alias: bool) -> None:  # fmt: skip
    """Also when a `parent` is written as a declared alias (it stands for the agency)."""
    ids = [f"A{i}" for i in range(len(parents))]
    lines = AGENCIES.splitlines()  # UBND issues the directive
    edges: dict[str, set[str]] = {}
    for i, (a, p) in enumerate(zip(ids, parents, strict=True)):
        lines += [f"  - id: {a}", f"    name: Cơ quan {i}", f"    aliases: [Cơ quan số {i}]"]
        if p is not None and p < len(ids):
            lines.append(f"    parent: {f'Cơ quan số {p}' if by_alias else ids[p]}")
            edges[a] = {ids[p]}
    agencies = "\n".join(lines) + "\n"
    with tree({}, agencies=agencies) as root:
        diagnostics = validate(root, cache_dir=False).diagnostics
    cycles = [d for d in diagnostics if d.code == "reference-cycle"]
    chains = _chains(cycles)
    for (chain, _), d in zip(chains, cycles, strict=True):
        start = line_of(agencies, f"- id: {chain[0]}")
        assert d.line == start + 3, d  # its `parent:` line
    assert_cycles_reported(edges, chains, dict.fromkeys(ids, "agencies.yaml"))
    assert {d.code for d in diagnostics} <= {"reference-cycle", "alias-reference"}


def test_a_long_parent_chain_is_no_cycle_and_no_recursion_error(tmp_path: Path) -> None:
    n = 3000
    files = {f"tasks/T{i}.yaml": task(f"T{i}", f"parent: T{i + 1}") for i in range(n)}
    files[f"tasks/T{n}.yaml"] = task(f"T{n}", f"parent: T{n // 2}")  # one cycle at the end
    root = build_tree(tmp_path / "records",
                      {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE,
                       **files})  # fmt: skip
    cycles = found(root, "reference-cycle")
    assert len(cycles) == 1
    chain = _chains(cycles)[0][0]
    assert len(chain) == n - n // 2 + 2 and chain[0] == min(chain), chain[:3]


def test_a_cycle_is_reported_when_any_of_its_members_changed(tmp_path: Path) -> None:
    """`--changed-since` keeps findings about the ids it changed: every member of a cycle."""
    files = {"tasks/A.yaml": task("A", "parent: B"), "tasks/B.yaml": task("B", "parent: C"),
             "tasks/C.yaml": task("C", "parent: A")}  # fmt: skip
    root = build_tree(tmp_path / "records",
                      {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE,
                       **files})  # fmt: skip
    for changed in "ABC":
        selection = Selection({f"tasks/{changed}.yaml"}, {changed})
        kept = validate(root, selection, cache_dir=False).diagnostics
        assert [(d.file, d.code) for d in kept] == [("tasks/A.yaml", "reference-cycle")]
        assert "A → B → C → A" in kept[0].message


# -- extensions and dates against the directive ----------------------------------------------

DAYS = st.integers(-20, 60).map(lambda n: ISSUED + timedelta(days=n))
EXTENSION = st.tuples(DAYS, DAYS)  # (due, granted)


def replaced(base: date | None, extensions: list[tuple[date, date]], i: int) -> date | None:
    """The oracle: the deadline extension `i` replaces is the due of the extension that took
    effect just before it — granted earlier, or the same day and written earlier — else the
    task's own due."""
    before = [(granted, j) for j, (_, granted) in enumerate(extensions)
              if (granted, j) < (extensions[i][1], i)]  # fmt: skip
    return extensions[max(before)[1]][0] if before else base


@cache
def working_days_due(n: int) -> date:
    return WorkCalendar().add_working_days(ISSUED, n)


@SETTINGS
@given(
    st.one_of(st.none(), DAYS, st.integers(1, 40)),
    st.lists(EXTENSION, max_size=4),
    st.none() | DAYS,
    st.none() | DAYS,
)
def test_extensions_and_dates_against_the_directive(
    due: date | int | None, extensions: list[tuple[date, date]],
    completed: date | None, cancelled: date | None,
) -> None:  # fmt: skip
    lines = [] if due is None else [f"due: {due}" if isinstance(due, date) else
                                    f"due: {{working_days: {due}}}"]  # fmt: skip
    if due is None:
        lines += ["every: yearly", "start: 2022-06-01"]
    if extensions:
        lines.append("extensions:")
        lines += [f"  - {{due: {d}, granted: {g}}}" for d, g in extensions]
    lines += [f"completed: {completed}"] if completed else []
    lines += ["cancelled:", f"  date: {cancelled}"] if cancelled else []
    text = task("T", *lines)
    with tree({"tasks/T.yaml": text}) as root:
        diagnostics = validate(root, cache_dir=False).diagnostics
    first = line_of(text, "- {due:") if extensions else 0
    base = working_days_due(due) if isinstance(due, int) else due
    want = set()
    for i, (ext_due, granted) in enumerate(extensions):
        before = replaced(base, extensions, i)
        if before is not None and ext_due <= before:
            want.add(("extension-order", first + i))
        if granted < ISSUED:
            want.add(("date-before-directive", first + i))
    if completed and completed < ISSUED:
        want.add(("date-before-directive", line_of(text, "completed:")))
    if cancelled and cancelled < ISSUED:
        want.add(("date-before-directive", line_of(text, "date:")))
    got = {(d.code, d.line) for d in diagnostics if d.code != "agency-expired"}
    assert got == want, [d.message for d in diagnostics]


def test_extension_message_names_the_deadline_it_replaces() -> None:
    text = task("T", "due: 2022-06-30", "extensions:",
                "  - {due: 2022-07-31, granted: 2022-06-20}",
                "  - {due: 2022-07-15, granted: 2022-06-25}")  # fmt: skip
    with tree({"tasks/T.yaml": text}) as root:
        (d,) = found(root, "extension-order")
    assert d.line == 9 and "2022-07-31 (the extension granted 2022-06-20)" in d.message


# -- ids that differ only by case ------------------------------------------------------------

IDS = st.lists(st.sampled_from(["ubnd", "tb-1", "x.2"]).flatmap(
    lambda word: st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in word)).map(
        "".join)), min_size=1, max_size=7)  # fmt: skip


@SETTINGS
@given(IDS, IDS)
def test_ids_that_differ_only_by_case_are_reported(agency_ids: list[str],
                                                   task_ids: list[str]) -> None:  # fmt: skip
    base = ["UBND", "STTTT", "SCT"]  # conftest's agencies
    agency_ids = [a for a in dict.fromkeys(agency_ids) if a not in base]
    task_ids = [t for t in dict.fromkeys(task_ids) if t not in [*base, *agency_ids]]
    agencies = AGENCIES + "".join(f"  - id: {a}\n    name: Cơ quan {a}\n" for a in agency_ids)
    # each task in a folder of its own: the files must not collide on this file system
    files = {f"tasks/{n}/{t}.yaml": task(t) for n, t in enumerate(task_ids)}
    with tree(files, agencies=agencies) as root:
        got = {(d.file, d.line) for d in found(root, "id-case-collision")}
    holders = [("agencies.yaml", line_of(agencies, f"- id: {a}"), a) for a in base + agency_ids]
    holders += sorted((f, 1, t) for f, t in ((f, f.split("/")[2][:-5]) for f in files))
    seen: set[str] = set()
    want = set()
    for file, line, ident in holders:
        if ident.casefold() in seen:
            want.add((file, line))
        seen.add(ident.casefold())
    assert got == want


# -- reports on recurring tasks ----------------------------------------------------------------

EVERY = ["monthly", "quarterly", "half-yearly", "yearly"]
PERIODS = {"monthly": "2022-07", "quarterly": "2022-Q3", "half-yearly": "2022-H2", "yearly": "2022"}
FORMS = {"monthly": "YYYY-MM", "quarterly": "YYYY-Qn", "half-yearly": "YYYY-Hn", "yearly": "YYYY"}


@SETTINGS
@given(st.lists(st.none() | st.sampled_from(EVERY), min_size=1, max_size=4),
       st.none() | st.sampled_from(EVERY),
       st.lists(st.integers(0, 3), min_size=1, max_size=4))  # fmt: skip
def test_report_items_on_recurring_tasks_need_a_period_of_their_form(
    every: list[str | None], period_of: str | None, items: list[int]
) -> None:
    ids = [f"T{i}" for i in range(len(every))]
    files = {f"tasks/{t}.yaml": task(t, f"every: {e}", "start: 2022-06-01") if e else
             task(t, "due: 2022-12-31") for t, e in zip(ids, every, strict=True)}  # fmt: skip
    items = [i for i in dict.fromkeys(items) if i < len(ids)]
    assume(items)
    period = [f'period: "{PERIODS[period_of]}"'] if period_of else []
    report = "\n".join(
        [
            "id: R",
            "kind: report",
            "agency: STTTT",
            "date: 2022-07-20",
            *period,
            "tasks:",
            *(f"  - {{task: {ids[i]}, status: done}}" for i in items),
        ]
    )
    files["reports/R.yaml"] = report + "\n"  # fmt: skip
    with tree(files) as root:
        got = found(root, "report-period")
    first = line_of(report, "- {task:")
    want = {first + n for n, i in enumerate(items) if every[i] and every[i] != period_of}
    assert {d.line for d in got} == want
    for d in got:
        wanted = every[items[d.line - first]]
        assert wanted is not None and f"`period: {FORMS[wanted]}`" in d.message, d.message


# -- expired leads and report dates (rules that look only at what can be affected) ------------

#: agencies: STTTT ceased on 2022-06-30 (successor SCT) and is known as "Sở TT&TT"; SCT lives
EXPIRING = AGENCIES.replace(
    "    name: Sở Thông tin và Truyền thông\n",
    "    name: Sở Thông tin và Truyền thông\n    aliases: [Sở TT&TT]\n"
    "    until: 2022-06-30\n    successor: SCT\n",
)
LEADS = ["STTTT", "Sở TT&TT", "SCT", "UBND"]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(LEADS), st.sampled_from([None, "2022-06-10"]),
                          st.sampled_from([None, "2022-05-01", "2022-07-01", "2023-01-01"])),
                min_size=1, max_size=5))  # fmt: skip
def test_expired_leads_and_report_dates_against_the_oracle(
    tasks: list[tuple[str, str | None, str | None]],
) -> None:
    """Task i has lead LEADS[…], maybe `completed`, and maybe a report dated that day saying
    it is done.  Oracle: a task led (by id or alias) by STTTT, not completed and not reported
    done, is reported as led by an expired agency; a report dated before the directive's
    issue date (2022-05-12) is reported once, whatever it reports on."""
    files: dict[str, str] = {}
    want_expired, want_early = set(), set()
    for i, (lead, completed, reported) in enumerate(tasks):
        lines = ["due: 2022-12-31", *([f"completed: {completed}"] if completed else [])]
        files[f"tasks/T{i}.yaml"] = task(f"T{i}", *lines, lead=lead)
        if reported:
            files[f"reports/R{i}.yaml"] = (f"id: R{i}\nkind: report\nagency: SCT\n"
                                           f"date: {reported}\ntasks:\n"
                                           f"  - {{task: T{i}, status: done}}\n")  # fmt: skip
            if reported < ISSUED.isoformat():
                want_early.add(f"reports/R{i}.yaml")
        closed = completed is not None or (reported is not None and reported <= "2026-12-04")
        if lead in ("STTTT", "Sở TT&TT") and not closed:
            want_expired.add(f"tasks/T{i}.yaml")
    with tree(files, EXPIRING) as root:
        diagnostics = validate(root, cache_dir=False, today=date(2026, 12, 4)).diagnostics
    got = {(d.code, d.file) for d in diagnostics
           if d.code in ("agency-expired", "report-before-directive")}  # fmt: skip
    assert got == {("agency-expired", f) for f in want_expired} | {
        ("report-before-directive", f) for f in want_early
    }


DAYS_2022 = st.dates(date(2022, 5, 1), date(2023, 3, 1)).map(date.isoformat)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(until=st.none() | DAYS_2022,
       tasks=st.lists(st.tuples(st.sampled_from(LEADS), st.none() | DAYS_2022,
                                st.none() | DAYS_2022, st.none() | DAYS_2022),
                      min_size=1, max_size=4),
       first=st.dates(date(2022, 1, 1), date(2023, 12, 31)),
       second=st.dates(date(2022, 1, 1), date(2023, 12, 31)))  # fmt: skip
def test_the_findings_hold_for_every_day_of_their_span(
    until: str | None,
    tasks: list[tuple[str, str | None, str | None, str | None]],
    first: date,
    second: date,
) -> None:
    """Whatever the agency's `until` and the tasks' completion, cancellation and done
    reports: a day in the span cross_checks gives for a day has the same findings, so the
    stored result of a validation may serve it.  No `until` at all: one span, every day."""
    from cdsctl.checks.crossfile import cross_checks

    files: dict[str, str] = {}
    for i, (lead, completed, cancelled, reported) in enumerate(tasks):
        lines = ["due: 2022-12-31", *([f"completed: {completed}"] if completed else []),
                 *([f"cancelled: {{date: {cancelled}}}"] if cancelled else [])]  # fmt: skip
        files[f"tasks/T{i}.yaml"] = task(f"T{i}", *lines, lead=lead)
        if reported:
            files[f"reports/R{i}.yaml"] = (f"id: R{i}\nkind: report\nagency: SCT\n"
                                           f"date: {reported}\ntasks:\n"
                                           f"  - {{task: T{i}, status: done}}\n")  # fmt: skip
    agencies = (EXPIRING.replace("2022-06-30", until) if until else
                EXPIRING.replace("    until: 2022-06-30\n", ""))  # fmt: skip
    with tree(files, agencies) as root:
        checked = validate(root, cache_dir=False, today=first)
        broken = {d.file for d in checked.errors}
        findings, (start, end) = cross_checks(checked.summaries, first, broken)
        if until is None:
            assert (start, end) == (None, None)
        day = second.isoformat()
        if (start is None or start <= day) and (end is None or day < end):
            assert cross_checks(checked.summaries, second, broken)[0] == findings
        else:  # out of the span: some day between the two changes the answer
            assert start is not None or end is not None


def test_a_report_with_a_bad_period_gets_one_diagnostic(records) -> None:  # type: ignore[no-untyped-def]
    """A record with errors of its own is left to them: no second diagnostic about it."""
    every = task("M", "every: monthly", "start: 2022-06-01")
    report = ("id: R\nkind: report\nagency: STTTT\ndate: 2022-07-20\nperiod: 2022-13\n"
              "tasks:\n  - task: M\n    status: done\n")  # fmt: skip
    root = records({"tasks/M.yaml": every, "reports/R.yaml": report})
    codes = [d.code for d in validate(root, cache_dir=False).diagnostics]
    assert codes == ["invalid-value"]


# -- did you mean ------------------------------------------------------------------------------


@cache
def osa(a: str, b: str) -> int:
    """The oracle's edit distance (insert, delete, replace, swap neighbours), by recursion."""
    if not a or not b:
        return len(a) + len(b)
    best = min(osa(a[1:], b) + 1, osa(a, b[1:]) + 1, osa(a[1:], b[1:]) + (a[0] != b[0]))
    if len(a) > 1 and len(b) > 1 and a[0] == b[1] and a[1] == b[0]:
        best = min(best, osa(a[2:], b[2:]) + 1)
    return best


@given(st.text("abc-", max_size=7), st.text("abc-", max_size=7), st.integers(0, 3))
def test_distance_agrees_with_the_oracle(a: str, b: str, limit: int) -> None:
    assert distance(a, b, limit) == min(osa(a, b), limit + 1)


@settings(max_examples=50, deadline=None)
@given(st.text("abc", min_size=1, max_size=5))
def test_one_edit_away_is_exactly_distance_one(key: str) -> None:
    near = one_edit_away(key, "abc")
    for size in range(len(key) - 1, len(key) + 2):  # every string that could be one edit away
        for other in map("".join, product("abc", repeat=size)):
            assert (other in near) == (osa(key, other) <= 1), other


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("abcd-", min_size=1, max_size=9), min_size=1, max_size=12, unique=True),
       st.text("abcd-", min_size=1, max_size=9))  # fmt: skip
def test_the_nearest_names_are_found(names: list[str], query: str) -> None:
    """Against the oracle: the names at the least distance, within the tolerance (the
    filter that spares measuring the distance to every name must not lose one)."""
    suggester = Suggester(((n, n.upper()) for n in names), str.casefold)
    scores = {n: osa(query, n) for n in names}
    best = min(scores.values())
    limit = TOLERANCE[len(query)] if best else 0
    want = sorted(n.upper() for n in names if scores[n] == best and best <= limit)
    assert suggester.nearest(query.upper()) == want
    assert suggester.closest(query.upper()) == want[:3]


def typo(word: str, kind: int, at: int, char: str) -> str:
    at %= len(word)
    if kind == 0:
        return word[:at] + word[at + 1 :]
    if kind == 1:
        return word[:at] + char + word[at:]
    if kind == 2:
        return word[:at] + char + word[at + 1 :]
    at = min(at, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


AGENCY_IDS = st.lists(st.text("ABCDNST-", min_size=3, max_size=8), min_size=1, max_size=6,
                      unique_by=str.casefold)  # fmt: skip
TOLERANCE = {n: 0 if n <= 2 else 1 if n <= 5 else 2 for n in range(100)}


@SETTINGS
@given(AGENCY_IDS, st.data())
def test_an_agency_id_with_typos_gets_the_nearest_ids(ids: list[str], data: Any) -> None:
    assume(all(re.fullmatch(r"[A-Z][A-Z-]*", i) for i in ids))
    written = data.draw(st.sampled_from(ids))
    for _ in range(data.draw(st.integers(1, 2))):  # one typo or two
        if written:
            written = typo(written, data.draw(st.integers(0, 3)), data.draw(st.integers(0, 9)),
                           data.draw(st.sampled_from("ABCDNST")))  # fmt: skip
    assume(written and written not in ids and re.fullmatch(r"[A-Z][A-Z-]*", written))
    names = {i: f"Phòng số {n} của tỉnh" for n, i in enumerate(ids)}
    agencies = "kind: agencies\nagencies:\n" + "".join(
        f"  - id: {i}\n    name: {names[i]}\n" for i in ids)  # fmt: skip
    with tree({"tasks/T.yaml": task("T", lead=written)}, agencies=agencies) as root:
        (d,) = [d for d in validate(root, cache_dir=False).diagnostics if d.file == "tasks/T.yaml"]
    # the oracle: the ids (case aside; names are far) at the least distance within tolerance
    scores = {i: osa(written.casefold(), i.casefold()) for i in ids}
    best = min(scores.values())
    want = sorted(i for i in ids if scores[i] == best)
    if best == 0:
        assert d.code == "unresolved-reference"
    if best > TOLERANCE[len(written)] or len(want) > 3:  # too far, or no guess
        assert "did you mean" not in d.message, d.message
    else:
        shown = ", ".join(f"{i} ({names[i]})" for i in want)
        assert d.code == "unresolved-reference" and _offered(d.message) == shown, d.message


def _offered(message: str) -> str:
    return message.split("did you mean ", 1)[1].rstrip("?").replace(" or ", ", ")


VOWELS = {"a": "àáảãạ", "o": "ồốổỗộ", "e": "ềếểễệ"}


@SETTINGS
@given(st.sampled_from(["name", "short", "alias"]), st.data())
def test_an_agency_written_by_name_in_other_case_or_without_diacritics(
    which: str, data: Any
) -> None:
    agencies = AGENCIES.replace(
        "    name: Sở Thông tin và Truyền thông\n",
        "    name: Sở Thông tin và Truyền thông\n    short: Sở TT&TT\n    aliases: [Sở TTTT]\n",
    )
    spelt = {"name": "Sở Thông tin và Truyền thông", "short": "Sở TT&TT", "alias": "Sở TTTT"}[which]
    flips = data.draw(st.lists(st.booleans(), min_size=len(spelt), max_size=len(spelt)))
    written = "".join(c.swapcase() if f else c for c, f in zip(spelt, flips, strict=True))
    if data.draw(st.booleans()):
        written = fold(written)  # no diacritics at all
    assume(written != spelt)
    with tree({"tasks/T.yaml": task("T", lead=f'"{written}"')}, agencies=agencies) as root:
        (d,) = validate(root, cache_dir=False).diagnostics
    assert d.code == "unresolved-reference" and d.line == 5
    assert d.message.endswith("did you mean STTTT (Sở Thông tin và Truyền thông)?"), d.message


def test_a_name_written_in_part_offers_the_agencies_it_fits() -> None:
    agencies = AGENCIES + "  - id: HT-SNV\n    name: Sở Nội vụ tỉnh Hà Tĩnh\n"
    with tree({"tasks/T.yaml": task("T", lead="Sở Nội vụ")}, agencies=agencies) as root:
        (d,) = validate(root, cache_dir=False).diagnostics
    assert d.message == ("'Sở Nội vụ' names no agency in the records — did you mean HT-SNV "
                         "(Sở Nội vụ tỉnh Hà Tĩnh)?")  # fmt: skip


def test_directives_and_report_tasks_get_did_you_mean(tmp_path: Path) -> None:
    report = (
        "id: R\nkind: report\nagency: STTTT\ndate: 2022-07-20\n"
        "tasks:\n  - {task: tb-128-2022.1, status: done}\n"
        "  - {task: TB-128-2022.11, status: done}\n  - {task: XYZ, status: done}\n"
    )
    files = {"tasks/TB-128-2022.1.yaml": task("TB-128-2022.1"),
             "tasks/D.yaml": task("D").replace("directive: TB-128-2022", "directive: 128/TB-UBND"),
             "reports/R.yaml": report}  # fmt: skip
    with tree(files) as root:
        messages = {
            (d.file, d.line): d.message for d in validate(root, cache_dir=False).diagnostics
        }
    assert messages[("tasks/D.yaml", 3)].endswith("did you mean TB-128-2022 (128/TB-UBND)?")
    assert messages[("reports/R.yaml", 6)].endswith("did you mean TB-128-2022.1?")
    assert messages[("reports/R.yaml", 7)].endswith("did you mean TB-128-2022.1?")
    assert "did you mean" not in messages[("reports/R.yaml", 8)]


def test_many_names_equally_near_are_no_guess() -> None:
    files = {f"tasks/TB-128-2022.{i}.yaml": task(f"TB-128-2022.{i}") for i in range(1, 6)}
    files["reports/R.yaml"] = ("id: R\nkind: report\nagency: STTTT\ndate: 2022-07-20\n"
                               "tasks:\n  - {task: TB-128-2022.8, status: done}\n")  # fmt: skip
    with tree(files) as root:
        (d,) = validate(root, cache_dir=False).diagnostics
    assert d.message == "'TB-128-2022.8' names no task in the records"


@given(st.integers(0, 10_000), st.integers(0, 3), st.integers(0, 20))
@settings(max_examples=30, deadline=None)
def test_many_ids_are_searched_one_edit_away(n: int, kind: int, at: int) -> None:
    """Above BRUTE_FORCE_UP_TO names a typo is found by generating the names near it."""
    ids = [f"TB-{i}-2022.{i % 7}" for i in range(BRUTE_FORCE_UP_TO + 100)]
    target = ids[n % len(ids)]
    written = typo(target, kind, at, "7")
    assume(written.casefold() not in {i.casefold() for i in ids})
    near = Suggester(((i, i) for i in ids), str.casefold).closest(written)
    assert target in near or len(near) == 3, near
    assert all(osa(written.casefold(), i.casefold()) == 1 for i in near), near


# -- aliases -----------------------------------------------------------------------------------

ALIASED = AGENCIES.replace(
    "    name: Sở Công Thương\n", "    name: Sở Công Thương\n    aliases: [Sở CT, SCT tỉnh]\n"
)


def test_a_declared_alias_is_accepted_and_queries_read_it_as_the_id(tmp_path: Path) -> None:
    files = {"tasks/T.yaml": task("T", "support: [Sở CT]", "due: 2022-06-30", lead="SCT tỉnh")}
    root = build_tree(tmp_path / "records", {"agencies.yaml": ALIASED,
                      "directives/TB-128-2022.yaml": DIRECTIVE, **files})  # fmt: skip
    code, diagnostics = validate_json(root)
    assert code == 0
    assert [(d["code"], d["line"], d["severity"]) for d in diagnostics] == [
        ("alias-reference", 5, "warning"), ("alias-reference", 6, "warning")]  # fmt: skip
    assert "write its id: SCT" in str(diagnostics[0]["message"])
    task_ = load(root, cache_dir=False).records.tasks["T"]
    assert (task_.lead, task_.support) == ("SCT", ("SCT",))
    code, out = invoke("overdue", "--records", str(root), "--as-of", "2022-07-10",
                       "--agency", "SCT", "--format", "json")  # fmt: skip
    assert code == 0 and '"id": "T"' in out, out


def test_an_alias_two_agencies_declare_stands_for_neither(tmp_path: Path) -> None:
    agencies = ALIASED.replace(
        "    name: Sở Thông tin và Truyền thông\n",
        "    name: Sở Thông tin và Truyền thông\n    aliases: [Sở CT]\n",
    )
    with tree({"tasks/T.yaml": task("T", lead="Sở CT")}, agencies=agencies) as root:
        (d,) = validate(root, cache_dir=False).diagnostics
    assert d.code == "unresolved-reference"
    assert d.message.endswith("did you mean SCT (Sở Công Thương) or STTTT (Sở Thông tin và "
                              "Truyền thông)?")  # fmt: skip


# -- through the CLI, and from the cache ----------------------------------------------------

BROKEN_ROOT = {
    "tasks/A.yaml": task("A", "parent: B", "completed: 2022-05-01"),
    "tasks/B.yaml": task("B", "parent: A", "every: monthly", "start: 2022-06-01"),
    "tasks/b2/b.yaml": task("b", "due: 2022-06-30", "extensions:",
                            "  - {due: 2022-06-01, granted: 2022-05-20}"),
    "reports/R.yaml": "id: R\nkind: report\nagency: STTTT\ndate: 2022-07-20\n"
                      "tasks:\n  - {task: B, status: done}\n",
    "tasks/L.yaml": task("L", lead="STTTTT"),
}  # fmt: skip
WANT = {
    ("tasks/A.yaml", "reference-cycle", 6),
    ("tasks/A.yaml", "date-before-directive", 7),
    ("tasks/b2/b.yaml", "id-case-collision", 1),
    ("tasks/b2/b.yaml", "extension-order", 8),
    ("reports/R.yaml", "report-period", 6),
    ("tasks/L.yaml", "unresolved-reference", 5),
}


def test_the_cli_reports_every_rule_with_its_line(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "records", {"agencies.yaml": AGENCIES,
                      "directives/TB-128-2022.yaml": DIRECTIVE, **BROKEN_ROOT})  # fmt: skip
    code, diagnostics = validate_json(root)
    assert code == 1
    assert {(d["file"], d["code"], d["line"]) for d in diagnostics} == WANT
    assert any("did you mean STTTT" in str(d["message"]) for d in diagnostics)


def test_a_warm_cache_gives_the_same_cross_file_diagnostics(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "records", {"agencies.yaml": AGENCIES,
                      "directives/TB-128-2022.yaml": DIRECTIVE, **BROKEN_ROOT})  # fmt: skip
    hour_ago = time.time() - 3600  # older than the cache by more than its racy window
    for path in root.rglob("*.yaml"):
        os.utime(path, (hour_ago, hour_ago))
    cache = tmp_path / "cache"
    cold = validate(root, cache_dir=cache)
    assert cold.checked == len(BROKEN_ROOT) + 2
    warm = validate(root, cache_dir=cache)  # every file's own result from the cache
    assert warm.checked == 0 and warm.diagnostics == cold.diagnostics
    assert {(d.file, d.code, d.line) for d in warm.diagnostics} == WANT
    answered = validate(root, cache_dir=cache, summaries=False)  # the whole result stored
    assert answered.diagnostics == cold.diagnostics
    # one file edited: its summary anew, the others' from the cache
    (root / "tasks/L.yaml").write_text(task("L"), encoding="utf-8")
    os.utime(root / "tasks/L.yaml", (hour_ago + 60, hour_ago + 60))
    partly = validate(root, cache_dir=cache)
    assert partly.checked == 1
    assert {(d.file, d.code, d.line) for d in partly.diagnostics} == WANT - {
        ("tasks/L.yaml", "unresolved-reference", 5)}  # fmt: skip


@pytest.mark.parametrize("rule", sorted({code for _, code, _ in WANT}))
def test_each_rule_is_in_the_catalogue_and_the_docs(rule: str) -> None:
    from cdsctl.diagnostics import CODES

    from .conftest import REPO

    assert rule in CODES
    assert f"`{rule}`" in (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")


def test_the_rules_on_two_cores_find_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large root's first rules run in a forked child beside the others
    (crossfile.ASIDE_FROM, here lowered to this small root): the same findings in the same
    order, the same span and days, and the CLI reports every rule at its line."""
    from cdsctl.checks import crossfile
    from cdsctl.diagnostics import Severity
    from cdsctl.validation import workers

    root = build_tree(tmp_path / "records", {"agencies.yaml": AGENCIES,
                      "directives/TB-128-2022.yaml": DIRECTIVE, **BROKEN_ROOT})  # fmt: skip
    checked = validate(root, cache_dir=False)
    broken = {d.file for d in checked.diagnostics if d.severity is Severity.ERROR}
    one = crossfile.full_checks(checked.summaries, date(2024, 5, 1), broken, kept=True)
    assert one[0]  # (findings of every rule: WANT)
    ran_in: list[int] = []

    def spied(work: Any) -> Any:
        later = workers.aside(lambda: (os.getpid(), work()))

        def result() -> Any:
            pid, found = later()
            ran_in.append(pid)
            return found

        return result

    monkeypatch.setattr(crossfile, "ASIDE_FROM", 0)
    two = crossfile.full_checks(checked.summaries, date(2024, 5, 1), broken, kept=True,
                                aside=spied)  # fmt: skip
    assert ran_in and ran_in[0] != os.getpid()  # (the first rules ran in the child)
    assert two == one
    code, diagnostics = validate_json(root, "--no-cache")
    assert code == 1 and {(d["file"], d["code"], d["line"]) for d in diagnostics} == WANT
