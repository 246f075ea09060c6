"""The rules across files after an edit, over the records it concerns only
(cdsctl.checks.partial), against a run over every record: random roots of directives, tasks and
reports whose ids collide, refer round, name what is missing or of another kind, lead from a
ceased agency, recur, get extensions and reports; random edits of one to three files (changed,
added, removed, broken).  The findings, their span of days and the account kept for the next
edit must be those of a full run.  Then the same through `validate` and its cache, files on
disk, against a run with no cache.
"""

from __future__ import annotations

import marshal
import os
import time
from array import array
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl.checks.account import CrossState, account
from cdsctl.checks.crossfile import full_checks
from cdsctl.checks.index import AnySummary, summary_from_wire
from cdsctl.checks.partial import (
    GLOBAL,
    LOCAL,
    REFERENCE_CODES,
    Edit,
    recheck_edit,
)
from cdsctl.diagnostics import Severity
from cdsctl.load.files import walk
from cdsctl.validation.cache import stamps_digest
from cdsctl.validation.onefile import check_bytes_wire
from cdsctl.validation.pipeline import read_whole, validate

from .conftest import build_tree
from .test_crossfile import EXPIRING

TODAY = date(2022, 8, 1)
#: a record's id is its file's name: the same name in another folder is a duplicate id, in
#: other letter case a case collision (a file whose id is not its name has an error)
DIRECTIVES = ["D0", "D1", "old/D0", "d1"]
TASKS = ["T0", "T1", "T2", "T3", "old/T0", "t1"]
REPORTS = ["R0", "R1", "R2", "old/R0"]


def _directive(slot: str) -> st.SearchStrategy[str]:
    ident = slot.rsplit("/", 1)[-1]
    return st.builds(
        lambda number, issued, refs: "\n".join([
            "kind: directive", f"id: {ident}", "type: TB", f"number: {number}/TB-UBND",
            "issuer: UBND", f"issued: {issued}", "title: Thông báo kết luận",
            *([f"references: [{', '.join(refs)}]"] if refs else [])]) + "\n",
        st.integers(1, 3),
        st.sampled_from(["2022-05-12", "2022-06-01", "2022-04-01"]),
        st.lists(_mostly(["D0", "D1", "411/QĐ-TTg"], ["D7", "T0"]), max_size=2, unique=True),
    )  # fmt: skip


def _task(slot: str) -> st.SearchStrategy[str]:
    schedule = st.sampled_from(["due: 2022-12-31", "due: {working_days: 10}", "due: 2022-05-20",
                                "every: monthly\nstart: 2022-06-01",
                                "every: quarterly\nstart: 2022-04-01"])  # fmt: skip
    extra = st.sampled_from(["", "", "", "completed: 2022-04-01", "completed: 2022-06-10",
                             "cancelled: {date: 2022-07-01, reason: Trùng}",
                             "extensions:\n  - {due: 2022-12-01, granted: 2022-06-01}",
                             "extensions:\n  - {due: 2023-01-31, granted: 2022-04-01}",
                             ])  # fmt: skip
    ident = slot.rsplit("/", 1)[-1]
    return st.builds(
        lambda directive, lead, parent, when, more: "\n".join([
            "kind: task", f"id: {ident}", f"directive: {directive}", "title: Nhiệm vụ",
            f"lead: {lead}", *([f"parent: {parent}"] if parent else []), when,
            *([more] if more else [])]) + "\n",
        _mostly(["D0", "D1"], ["D7", "T0"]),
        _mostly(["STTTT", "STTTT", "SCT", "UBND"], ["Sở TT&TT", "XX"]),
        _mostly([None, None, None], ["T0", "T1", "T2", "T3", "t1", "T9"]),
        schedule,
        extra,
    )  # fmt: skip


def _report(slot: str) -> st.SearchStrategy[str]:
    ident = slot.rsplit("/", 1)[-1]
    item = st.tuples(_mostly(["T0", "T1", "T2", "T3"], ["t1", "T9", "D0"]),
                     st.sampled_from(["done", "done", "in-progress"]))  # fmt: skip
    return st.builds(
        lambda day, period, items: "\n".join([
            "kind: report", f"id: {ident}", "agency: SCT", f"date: {day}",
            *([f'period: "{period}"'] if period else []), "tasks:",
            *(f"  - {{task: {t}, status: {s}}}" for t, s in items)]) + "\n",
        st.sampled_from(["2022-05-01", "2022-07-20"]),
        st.none() | st.sampled_from(["2022-07", "2022-Q3"]),
        st.lists(item, min_size=1, max_size=3, unique_by=lambda i: i[0]),
    )  # fmt: skip


def _mostly(usual: list[Any], rare: list[Any]) -> st.SearchStrategy[Any]:
    """One of `usual` four times in five, else one of `rare` (what makes a finding): were
    most records wrong, a finding would hide another."""
    return st.one_of(*[st.sampled_from(usual)] * 4, st.sampled_from(rare))


BROKEN = "kind: task\nid: T0\ntitle: [unclosed\n"  # (an error of its own)

SLOTS: dict[str, Any] = {
    **{f"directives/{d}.yaml": _directive(d) for d in DIRECTIVES},
    **{f"tasks/{t}.yaml": _task(t) for t in TASKS},
    **{f"reports/{r}.yaml": _report(r) for r in REPORTS},
}


@st.composite
def roots(draw: Any) -> dict[str, str]:
    files = {"agencies.yaml": EXPIRING if draw(st.integers(0, 3)) else _no_until()}
    for path, text in SLOTS.items():
        if draw(st.integers(0, 3)):  # most slots hold a file
            files[path] = draw(text)
    return files


@st.composite
def edits(draw: Any, files: dict[str, str]) -> dict[str, str | None]:
    """One to three slots: written anew, emptied, or broken."""
    chosen = draw(st.lists(st.sampled_from(sorted(SLOTS)), min_size=1, max_size=3, unique=True))
    out: dict[str, str | None] = {}
    for path in chosen:
        how = draw(st.integers(0, 9))
        out[path] = None if how == 0 else BROKEN if how == 1 else draw(SLOTS[path])
    return out


def _no_until() -> str:
    return EXPIRING.replace("    until: 2022-06-30\n", "")


def summaries_of(files: dict[str, str], whole: bool = False
                 ) -> tuple[dict[str, AnySummary], set[str]]:  # fmt: skip
    """Each file's summary (those that have one) and the files with errors of their own;
    `whole`: a report's with its values, as a query holds it (else as a validation does)."""
    found, broken = {}, set()
    for path, text in sorted(files.items()):
        _, diagnostics, summary, _ = check_bytes_wire(path, text.encode())
        if summary is not None:
            found[path] = summary_from_wire(summary, whole)
        if any(d[3] == Severity.ERROR for d in diagnostics):
            broken.add(path)
    return found, broken


def _key(finding: Any) -> tuple[Any, ...]:
    return (finding.file, finding.code, str(finding.message), finding.path, finding.reference)


def _state(state: CrossState) -> tuple[Any, ...]:
    """The account, with each id's referrers as a sorted list (their order is no answer),
    and the ids held twice but for case (kept from before an edit that keeps the ids)."""
    referrers = {k: sorted(v) for k, v in state.referrers.as_map().items()}
    return (state.holders, referrers, state.links, state.lead_days, state.case_twins())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_an_edit_rechecked_in_part_finds_what_a_full_run_finds(data: Any) -> None:
    files = data.draw(roots())
    edit = data.draw(edits(files))
    whole = data.draw(st.booleans())  # (the rules read a report's summary either way)
    before, broken_before = summaries_of(files, whole)
    after_files = {p: t for p, t in {**files, **edit}.items() if t is not None}
    after, broken_after = summaries_of(after_files, whole)
    prior, _, days = full_checks(before.values(), TODAY, broken_before)
    state = account(before.values(), days)
    want, want_span, days = full_checks(after.values(), TODAY, broken_after)
    want_state = account(after.values(), days)

    def load(wanted: set[str]) -> tuple[list[AnySummary], set[str]]:
        return [after[f] for f in sorted(wanted) if f in after], wanted & broken_after

    changed = Edit([before[f] for f in edit if f in before], [after[f] for f in edit if f in after],
                   set(edit))  # fmt: skip
    reference_files = {f.file for f in prior if f.code in REFERENCE_CODES}
    got, span, new_state, concerned, in_part = recheck_edit(state, changed, load, TODAY,
                                                            reference_files)  # fmt: skip
    kept = [f for f in prior if (f.code in LOCAL and f.file not in concerned)
            or (in_part and f.code in GLOBAL and f.file not in changed.files)]  # fmt: skip
    assert sorted(map(_key, kept + got)) == sorted(map(_key, want))
    assert span == want_span
    assert _state(new_state) == _state(want_state)
    names = sorted({*files, *after_files})  # (as kept: beside every file, not only records')
    wire = marshal.loads(marshal.dumps(new_state.to_wire(names)))
    assert _state(CrossState.from_wire(wire, names)) == _state(want_state)


@st.composite
def kept_edits(draw: Any, files: dict[str, str]) -> dict[str, str | None]:
    """One to three files written anew with the same kind, id and links (a task's `parent`
    and a directive's `references` kept as they were): judged in part (partial.keeps_ids)."""
    chosen = draw(st.lists(st.sampled_from(sorted(files.keys() - {"agencies.yaml"})),
                           min_size=1, max_size=3, unique=True))  # fmt: skip
    out: dict[str, str | None] = {}
    for path in chosen:
        links = [line for line in files[path].splitlines() if line.startswith(_LINKS)]
        text = [line for line in draw(SLOTS[path]).splitlines() if not line.startswith(_LINKS)]
        out[path] = "\n".join([*text, *links]) + "\n"
    return out


_LINKS = ("parent:", "references:")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_an_edit_keeping_ids_and_links_is_judged_in_part_as_a_full_run(data: Any) -> None:
    """Every rule, those that weigh the whole root too, over the records the edit concerns
    and the few the rules look up: the findings a full run gives."""
    files = data.draw(roots().filter(lambda f: len(f) > 1))
    edit = data.draw(kept_edits(files))
    before, broken_before = summaries_of(files)
    after_files = {**files, **edit}
    after, broken_after = summaries_of(after_files)
    prior, _, days = full_checks(before.values(), TODAY, broken_before)
    want, want_span, days = full_checks(after.values(), TODAY, broken_after)

    def load(wanted: set[str]) -> tuple[list[AnySummary], set[str]]:
        return [after[f] for f in sorted(wanted) if f in after], wanted & broken_after

    changed = Edit([before[f] for f in edit if f in before], [after[f] for f in edit if f in after],
                   set(edit))  # fmt: skip
    reference_files = {f.file for f in prior if f.code in REFERENCE_CODES}
    state = account(before.values(), days)
    got, span, _, concerned, in_part = recheck_edit(state, changed, load, TODAY, reference_files)
    assert in_part == (len(changed.old) == len(changed.new) == len(edit))
    kept = [f for f in prior if (f.code in LOCAL and f.file not in concerned)
            or (in_part and f.code in GLOBAL and f.file not in edit)]  # fmt: skip
    assert sorted(map(_key, kept + got)) == sorted(map(_key, want))
    assert span == want_span


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_the_account_takes_records_out_one_by_one_as_in_one_pass(data: Any) -> None:
    """A few changed files' records are taken out of the columns in place, many in one
    pass (checks.account._IN_PLACE): both leave the same account, every other record in
    path order, and put back, the files' records where they were."""
    import cdsctl.checks.account as accounts

    path = st.from_regex(r"[a-z]{1,3}/[a-z0-9]{1,4}\.yaml", fullmatch=True)
    names = sorted(data.draw(st.sets(path, max_size=30)))
    rows = [("task", f"T{i}" if i % 4 else None, name, {"n": i}) for i, name in enumerate(names)]
    gone = data.draw(st.sets(st.sampled_from(names))) if names else set()
    gone |= data.draw(st.sets(st.just("x/none.yaml")))  # (a file holding no record)
    taken = []
    for in_place in (1_000, 0):
        state = accounts.account([], {})
        state.kinds, state.ids, state.files, state.stubs = ([r[k] for r in rows] for k in range(4))
        old, accounts._IN_PLACE = accounts._IN_PLACE, in_place
        try:
            state.take_out(gone)
        finally:
            accounts._IN_PLACE = old
        taken.append(state.holders)
        assert state.holders == [r for r in rows if r[2] not in gone]
        for row in data.draw(st.permutations([r for r in rows if r[2] in gone])):
            state.put(row)
        assert state.holders == rows
    assert taken[0] == taken[1]


def test_a_did_you_mean_judged_in_part_offers_ids_the_edit_does_not_name() -> None:
    """A report edited (its date) still names a task no record holds: the hint is made
    over every record, not only those the edit concerns."""
    files = {**_small_root(2), "reports/R0.yaml": "kind: report\nid: R0\nagency: SCT\n"
             "date: 2022-07-20\ntasks:\n  - {task: T1x, status: done}\n"}  # fmt: skip
    before, _ = summaries_of(files)
    after_files = {**files, "reports/R0.yaml": files["reports/R0.yaml"].replace("07-20", "07-21")}
    after, _ = summaries_of(after_files)
    prior, _, days = full_checks(before.values(), TODAY)
    want = full_checks(after.values(), TODAY)[0]
    assert any("T1" in str(f.message) for f in want if f.code == "unresolved-reference")
    edit = Edit([before["reports/R0.yaml"]], [after["reports/R0.yaml"]], {"reports/R0.yaml"})
    got = recheck_edit(account(before.values(), days), edit,
                       lambda wanted: ([after[f] for f in sorted(wanted) if f in after], set()),
                       TODAY, {f.file for f in prior if f.code in REFERENCE_CODES})  # fmt: skip
    assert got[4]  # (judged in part)
    found = [f for f in got[0] if f.code == "unresolved-reference"]
    assert [str(f.message) for f in found] == [
        str(f.message) for f in want if f.code == "unresolved-reference"
    ]


def test_a_long_cycle_through_an_edited_task_is_found_in_part() -> None:
    """Tasks T0 → T1 → … → T11 → T0 by `parent`: an edit of T0's deadline keeps the cycle,
    reported at T0, though the rules read neither T4 nor T7, and no record they read
    names them (the index holds every link's ends)."""
    files = {"agencies.yaml": EXPIRING, "directives/D0.yaml": D0}
    for i in range(12):
        files[f"tasks/T{i}.yaml"] = _plain_task(i) + f"parent: T{(i + 1) % 12}\n"
    before, _ = summaries_of(files)
    path = "tasks/T0.yaml"
    after, _ = summaries_of({**files, path: files[path].replace("2022-12-31", "2022-11-30")})
    days = full_checks(before.values(), TODAY)[2]
    want = [f for f in full_checks(after.values(), TODAY)[0] if f.code == "reference-cycle"]
    assert [f.file for f in want] == [path]
    got = recheck_edit(
        account(before.values(), days),
        Edit([before[path]], [after[path]], {path}),
        lambda wanted: ([after[f] for f in sorted(wanted)], set()),
        TODAY,
    )
    assert got[4]  # (judged in part)
    assert [_key(f) for f in got[0] if f.code == "reference-cycle"] == list(map(_key, want))


def test_a_report_no_longer_saying_done_leaves_its_task_led_by_a_ceased_agency() -> None:
    """The report is the changed file; the finding is at the task it named (no reference
    between them is broken, so nothing else brings the task in)."""
    files = {"agencies.yaml": EXPIRING, "directives/D0.yaml": D0,
             "tasks/T0.yaml": "kind: task\nid: T0\ndirective: D0\ntitle: Nhiệm vụ\nlead: STTTT\n"
             "due: 2022-12-31\n",
             "reports/R0.yaml": "kind: report\nid: R0\nagency: SCT\ndate: 2022-07-20\ntasks:\n"
             "  - {task: T0, status: done}\n"}  # fmt: skip
    before, _ = summaries_of(files)
    after = {f: s for f, s in before.items() if f != "reports/R0.yaml"}
    prior, _, days = full_checks(before.values(), TODAY)
    assert prior == []
    state = account(before.values(), days)

    def load(wanted: set[str]) -> tuple[list[AnySummary], set[str]]:
        return [after[f] for f in sorted(wanted) if f in after], set()

    edit = Edit([before["reports/R0.yaml"]], [], {"reports/R0.yaml"})
    got = recheck_edit(state, edit, load, TODAY)[0]
    assert [(f.file, f.code) for f in got] == [("tasks/T0.yaml", "agency-expired")]


# -- through validate and its cache ------------------------------------------------------------


def _write(root: Path, files: dict[str, str | None]) -> None:
    for path, text in files.items():
        if text is None:
            (root / path).unlink(missing_ok=True)
        else:
            build_tree(root, {path: text})


def _age(root: Path, paths: Iterable[str] | None = None) -> None:
    """Files (every one by default) a minute old: out of the cache's racy window, as files
    are between runs.  (The others' stamps stay: their ctime would move.)"""
    old = time.time() - 60
    for path in root.rglob("*.yaml") if paths is None else (root / p for p in paths):
        if path.exists():
            os.utime(path, (old, old))


def _decoded(blobs: dict[str, bytes]) -> dict[str, Any]:
    return {file: marshal.loads(blob) for file, blob in blobs.items()}


def _wire(diagnostics: list[Any]) -> list[Any]:
    return [d.to_wire() for d in diagnostics]


def validated_root(tmp_path_factory: Any, data: Any) -> tuple[Path, Path, dict[str, str]]:
    """A random root (its folder, its cache's, its files), every file aged, validated."""
    root = tmp_path_factory.mktemp("root") / "records"
    cache = root.parent / "cache"
    files = data.draw(roots())
    build_tree(root, files)
    _age(root)
    validate(root, cache_dir=cache, today=TODAY, summaries=False)
    return root, cache, files


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data())
def test_validate_after_edits_equals_a_run_without_cache(tmp_path_factory: Any, data: Any) -> None:
    """Three edits in a row, each followed by `validate` with the cache (as `cdsctl validate`
    or as a query, which wants every record too), which must answer as a run without one
    (the lines of findings included)."""
    root, cache, files = validated_root(tmp_path_factory, data)
    racy = False
    for _ in range(3):
        edit = data.draw(edits(files))
        _write(root, edit)
        files = {p: t for p, t in {**files, **edit}.items() if t is not None}
        aged = data.draw(st.booleans())  # else in the racy window: checked again, in part
        if aged:
            _age(root, edit)
        summaries = data.draw(st.booleans())  # (a query wants the records too)
        got = validate(root, cache_dir=cache, today=TODAY, summaries=summaries)
        want = validate(root, cache_dir=False, today=TODAY)
        assert _wire(got.diagnostics) == _wire(want.diagnostics)
        if summaries:
            assert [s.to_wire() for s in got.summaries] == [s.to_wire() for s in want.summaries]
            assert _decoded(got.blobs) == _decoded(want.blobs)  # (marshal: bytes vary)
        written = sum(text is not None for text in edit.values())  # (rewritten: a new stamp)
        assert got.files == want.files
        racy = racy or not aged  # (a file written in the racy window is checked next time too)
        assert got.checked == written if not racy else got.checked >= written
        assert got.digest == stamps_digest(walk(root))  # (patched: what queries are keyed to)
        # a query right after reads every shard whole, while a walk tells they still serve
        whole = read_whole(root, TODAY, cache_dir=cache)
        assert whole is not None
        holds = whole.holds(walk(root))
        if not racy and max(p.stat().st_mtime for p in root.rglob("*.yaml")) < time.time() - 3:
            assert holds
        if holds:
            again = whole.validation
            assert _wire(again.diagnostics) == _wire(want.diagnostics)
            assert [s.to_wire() for s in again.summaries] == [s.to_wire() for s in want.summaries]
            assert again.digest == got.digest
            assert _decoded(again.blobs) == _decoded(want.blobs)  # (marshal's bytes may differ)


@pytest.mark.parametrize("path", ["agencies.yaml", "tasks/T0.yaml", "tasks/T4.yaml"])
def test_an_edit_is_checked_in_part_and_agencies_in_full(
    tmp_path: Path, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited or new task is checked across files in part; an edited agencies.yaml
    (every task names an agency) over every record."""
    import cdsctl.checks.crossfile as crossfile
    import cdsctl.checks.partial as partial

    root = tmp_path / "records"
    files = _small_root(4)
    build_tree(root, files)
    _age(root)
    validate(root, cache_dir=tmp_path / "cache", today=TODAY, summaries=False)
    (root / path).write_text(files.get(path, _plain_task(4)) + "# sửa\n", encoding="utf-8")
    _age(root, [path])
    runs: list[str] = []
    for module, name in ((crossfile, "full_checks"), (partial, "recheck_edit")):
        original = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, name=name, f=original, **k: (
            runs.append(name), f(*a, **k))[1])  # fmt: skip
    got = validate(root, cache_dir=tmp_path / "cache", today=TODAY, summaries=False)
    assert runs == ["full_checks" if path == "agencies.yaml" else "recheck_edit"]
    assert got.checked == 1 and got.files == len(files) + (path not in files)


#: a directive issued on 2022-05-12 (the day TB-128-2022 of conftest is)
D0 = ("kind: directive\nid: D0\ntype: TB\nnumber: 1/TB-UBND\nissuer: UBND\n"
      "issued: 2022-05-12\ntitle: Thông báo\n")  # fmt: skip


def _small_root(tasks: int) -> dict[str, str]:
    """agencies.yaml (STTTT ceased), directive D0 and `tasks` plain tasks T0… on it."""
    return {"agencies.yaml": EXPIRING, "directives/D0.yaml": D0,
            **{f"tasks/T{i}.yaml": _plain_task(i) for i in range(tasks)}}  # fmt: skip


def _plain_task(i: int) -> str:
    return (f"kind: task\nid: T{i}\ndirective: D0\ntitle: Nhiệm vụ\nlead: SCT\n"
            "due: 2022-12-31\n")  # fmt: skip


@pytest.mark.parametrize("damage", ["shard of the edit", "shard of a report on it", "account"])
def test_a_damaged_cache_after_an_edit_gives_a_full_run_not_a_wrong_answer(
    tmp_path: Path, damage: str
) -> None:
    """600 tasks with a report each (shards of 250 files): the edited task's shard, the
    shard of the report the rules read, or the account itself gone.  The answer is a full
    run's (the edit makes T0's report early: a finding at a file in another shard)."""
    from cdsctl.validation.cache import Store
    from cdsctl.validation.incremental import STATE, STATE_FILES

    root = tmp_path / "records"
    files = _small_root(300)
    for i in range(300):
        files[f"reports/R{i}.yaml"] = (f"kind: report\nid: R{i}\nagency: SCT\ndate: 2022-05-20\n"
                                       f"tasks:\n  - {{task: T{i}, status: done}}\n")  # fmt: skip
    build_tree(root, files)
    _age(root)
    cache = tmp_path / "cache"
    validate(root, cache_dir=cache, today=TODAY, summaries=False)
    edited = "directives/D0.yaml"  # issued after the reports: each report is now early
    (root / edited).write_text(files[edited].replace("2022-05-12", "2022-06-01"), "utf-8")
    _age(root, [edited])
    store = Store.for_root(cache, root)
    kept = store.read(STATE_FILES)
    shards = array("i")
    shards.frombytes(kept["shards"])
    shard_of = dict(zip(kept["files"], shards, strict=True))
    gone = {
        "shard of the edit": f"files.{shard_of[edited]}",
        "account": STATE,
        "shard of a report on it": f"files.{shard_of['reports/R99.yaml']}",
    }[damage]
    assert gone == STATE or shard_of[edited] != shard_of["reports/R99.yaml"]
    (store.folder / gone).unlink()
    got = validate(root, cache_dir=cache, today=TODAY, summaries=False)
    want = validate(root, cache_dir=False, today=TODAY)
    assert _wire(got.diagnostics) == _wire(want.diagnostics)
    assert sum(d.code == "report-before-directive" for d in want.diagnostics) == 300


def test_the_cli_keeps_the_account_after_its_output_and_the_next_run_waits_for_it(
    tmp_path: Path,
) -> None:
    """`cdsctl validate` in subprocesses, edits between them at once: each answer is a run's
    without cache, whatever the child keeping the account after the last output is doing;
    once it is done, the account is that of the stored result (the next edit runs in part)."""
    import json
    import subprocess
    import sys

    from cdsctl.validation.cache import Store, settled
    from cdsctl.validation.incremental import STATE, STATE_LOCK

    root = tmp_path / "records"
    files = _small_root(6)
    build_tree(root, files)
    _age(root)
    env = {**os.environ, "CDSCTL_CACHE_DIR": str(tmp_path / "cache")}

    def cli(*args: str) -> list[Any]:
        done = subprocess.run([sys.executable, "-m", "cdsctl", "validate", "--records",
                               str(root), "--format", "json", *args], capture_output=True,
                              env=env, timeout=120, check=False)  # fmt: skip
        assert done.returncode in (0, 1), done.stderr
        return sorted((d["file"], d["line"], d["code"]) for d in json.loads(done.stdout))

    cli()
    edits = [
        ("tasks/T1.yaml", "directive: D0", "directive: D9"),
        ("tasks/T2.yaml", "lead: SCT", "lead: XX"),
        ("tasks/T1.yaml", "directive: D9", "directive: D0"),
    ]
    for path, old, new in edits:
        (root / path).write_text((root / path).read_text("utf-8").replace(old, new), "utf-8")
        assert cli() == cli("--no-cache")
    store = Store.for_root(tmp_path / "cache", root)
    settled(store, STATE_LOCK, 60)
    assert store.read(STATE)["digest"] == store.read("result")["digest"]


def test_the_account_is_kept_with_nothing_else_holding_the_summaries_nor_the_stamps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A validation that gives its caller no summaries (the CLI's, a query's in a child)
    keeps the account after its output from what nothing else holds then: the summaries,
    and the stamps' dict once they are columns.  Their memory then holds the account, and
    the keeper's peak is not theirs plus the account's (432 → 353 MB at 100,000 tasks)."""
    import gc

    from cdsctl.checks import account as kept
    from cdsctl.validation import cache, incremental, pipeline

    root = tmp_path / "records"
    build_tree(root, _small_root(4))
    monkeypatch.setattr(cache, "later", [])
    holders: dict[str, list[Any]] = {}
    real_account, real_columns = kept.account, incremental.stamp_columns

    def account(summaries: Any, days: Any) -> Any:
        holders["summaries"] = [type(r).__name__ for r in gc.get_referrers(summaries)]
        return real_account(summaries, days)

    def columns(stamps: Any) -> Any:
        holders["stamps"] = [type(r).__name__ for r in gc.get_referrers(stamps)]
        return real_columns(stamps)

    monkeypatch.setattr(kept, "account", account)
    monkeypatch.setattr(incremental, "stamp_columns", columns)
    result = pipeline.validate(root, cache_dir=tmp_path / "c", summaries=False)
    assert result.summaries == [] and result.files == 6
    cache.output_out()  # (as the command does once its output is out)
    for work in cache.later:
        work()
    assert holders == {"summaries": [], "stamps": []}  # (only the keeper's own frame)
    assert incremental._read_state(pipeline.Store.for_root(tmp_path / "c", root)) is not None


def _validated_small_root(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A root of six tasks, old enough not to be racy, validated with a cache: (the root,
    its files' texts, the cache folder)."""
    root = tmp_path / "records"
    files = _small_root(6)
    build_tree(root, files)
    _age(root)
    folder = tmp_path / "cache"
    validate(root, cache_dir=folder, today=TODAY, summaries=False)
    return root, files, folder


def test_after_an_edit_the_files_are_kept_before_the_output_and_the_account_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query right after `validate` reads the files the run saw at once (kept before its
    output), not waiting for the account that the work after the output keeps; the next
    `validate` waits for that account (its lock is taken before the output), and finds the
    two kept together."""
    import fcntl

    from cdsctl.validation import cache, incremental
    from cdsctl.validation.cache import Store

    root, files, folder = _validated_small_root(tmp_path)
    path = "tasks/T1.yaml"
    (root / path).write_text(files[path] + "# sửa\n", encoding="utf-8")
    _age(root, [path])
    monkeypatch.setattr(cache, "later", [])
    monkeypatch.setattr(cache, "_held", {})
    got = validate(root, cache_dir=folder, today=TODAY, summaries=False)
    store = Store.for_root(folder, root)
    assert got.digest is not None and cache.later, "the account is left for after the output"
    assert store.read(incremental.STATE_FILES)["digest"] == got.digest
    assert store.read(incremental.STATE)["digest"] != got.digest  # (not yet)
    fd = os.open(store.folder / incremental.STATE_LOCK, os.O_RDONLY)
    try:
        with pytest.raises(BlockingIOError):  # (held from before the output)
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    held = dict(cache._held)
    cache._held.clear()  # (as in another process: the lock is another's)
    began = time.monotonic()
    kept = incremental.kept_files(store, incremental.Seen(got.digest, 0))
    cache._held.update(held)
    assert kept is not None and time.monotonic() - began < 1.0, "read at once, not waited for"
    assert kept[0] == sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    cache.output_out()
    for work in cache.later:
        work()
    assert incremental._read_state(store) is not None
    assert store.read(incremental.STATE)["digest"] == got.digest


def test_a_full_run_over_a_cache_keeps_its_files_in_path_order(tmp_path: Path) -> None:
    """agencies.yaml edited: a full run, most files from the cache and the edited one
    checked again; the account it keeps names its files in path order (the next edit looks
    them up by bisection), and that next edit is answered as a run without cache."""
    from cdsctl.validation.cache import Store
    from cdsctl.validation.incremental import STATE_FILES

    root, files, cache = _validated_small_root(tmp_path)
    for path in ("agencies.yaml", "directives/D0.yaml"):
        (root / path).write_text(files[path] + "# sửa\n", encoding="utf-8")
        _age(root, [path])
        got = validate(root, cache_dir=cache, today=TODAY, summaries=False)
        assert _wire(got.diagnostics) == _wire(
            validate(root, cache_dir=False, today=TODAY).diagnostics
        )
        kept = Store.for_root(cache, root).read(STATE_FILES)["files"]
        assert kept == sorted(kept) and len(kept) == len(files)
