"""The snapshot patched after an edit (cdsctl.snapshot.patch) against every record loaded
again without a cache: random roots whose ids collide, refer round and name what is missing
(tests/test_incremental.py's), one to three edits in a row (files changed, added, removed,
broken, in the racy window or not), with or without `validate` before the query.  The
records (as the snapshot keeps them, descriptions included), the files left out for errors
and where each record is must be those of a fresh load; and the patch must be what answers.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl import repository
from cdsctl.load.files import walk
from cdsctl.snapshot import columns
from cdsctl.snapshot import patch as patching
from cdsctl.snapshot.patch import Files, stamps_of
from cdsctl.snapshot.store import made_of, texts_of
from cdsctl.validation.pipeline import validate

from .conftest import build_tree
from .test_incremental import _age, _write, edits, roots


@contextmanager
def cache_in(folder: Path) -> Iterator[None]:
    before = os.environ.get("CDSCTL_CACHE_DIR")
    os.environ["CDSCTL_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        if before is None:
            del os.environ["CDSCTL_CACHE_DIR"]
        else:
            os.environ["CDSCTL_CACHE_DIR"] = before


def seen_as_kept(repo: repository.Repository) -> dict[str, Any]:
    """Everything a query reads of a repository: its records as the snapshot keeps them
    (columns.encode: descriptions and report items included), the files left out and
    where each record is."""
    view, texts = columns.encode(repo.records)
    if repo.where is not None:
        where = repo.where
        ids, errors, whole, agencies = where.ids, where.errors, where.whole, where.report_agencies
    else:
        ids, errors, whole = repository._where(repo.validation)
        agencies = columns.report_agencies(repo.records)
    return {"view": view, "texts": texts, "skipped": repo.skipped, "ids": ids,
            "errors": errors, "whole": sorted(whole), "reports": agencies}  # fmt: skip


def assert_fresh(root: Path, got: repository.Repository) -> None:
    """`got` (from a query) and the snapshot kept for the next one are a fresh load."""
    want = seen_as_kept(repository.load(root, cache_dir=False))
    assert columns.encode(got.records)[0] == want["view"] and got.skipped == want["skipped"]
    kept = repository._from_snapshot(root, None, text=True, where=True)
    assert kept is not None and seen_as_kept(kept) == want
    assert kept.digest is not None
    assert texts_of(repository._store(root), kept.digest) == want["texts"]  # (no task gone)
    assert_files_fresh(root, kept.digest)


def assert_files_fresh(root: Path, digest: bytes) -> None:
    """The files the snapshot of `digest` says it is made of are the files now: what the
    next patch starts from."""
    validation = validate(root, cache_dir=False)
    owners = {s.file: (s.kind, s.id) for s in validation.summaries}
    want = Files.of(*stamps_of(walk(root)), owners, repository.error_counts(validation.diagnostics))
    got = made_of(repository._store(root), digest)
    assert got is not None
    assert (got.names, got.flat, got.kinds, got.ids, got.errors) == (
        want.names, want.flat, want.kinds, want.ids, want.errors)  # fmt: skip


@contextmanager
def patches_counted() -> Iterator[list[bool]]:
    """Whether each patch made the snapshot current (True) or gave way (False)."""
    made: list[bool] = []
    original = patching.patch

    def counted(*args: Any, **kwargs: Any) -> Any:
        found = original(*args, **kwargs)
        made.append(found is not None)
        return found

    patching.patch = counted  # type: ignore[assignment]
    try:
        yield made
    finally:
        patching.patch = original  # type: ignore[assignment]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data())
def test_a_patched_snapshot_is_a_fresh_load(tmp_path_factory: Any, data: Any) -> None:
    root = tmp_path_factory.mktemp("root") / "records"
    files = data.draw(roots())
    build_tree(root, files)
    _age(root)
    with cache_in(root.parent / "cache"), patches_counted() as made:
        repository.light(root)  # every record loaded; the snapshot kept
        for _ in range(data.draw(st.integers(1, 3))):
            edit = data.draw(edits(files))
            _write(root, edit)
            files = {p: t for p, t in {**files, **edit}.items() if t is not None}
            if data.draw(st.booleans()):
                _age(root, edit)
            if data.draw(st.booleans()):  # `validate` after the edit, as CI or a user does
                validate(root, summaries=False)
            text, where = data.draw(st.booleans()), data.draw(st.booleans())
            got = repository.light(root, text=text, where=where)
            want = seen_as_kept(repository.load(root, cache_dir=False))
            if text and where:
                assert seen_as_kept(got) == want
            assert columns.encode(got.records)[0] == want["view"]
            assert got.skipped == want["skipped"]
            kept = repository._from_snapshot(root, None, text=True, where=True)
            assert kept is not None and seen_as_kept(kept) == want  # what the next one reads
            assert kept.digest is not None
            assert_files_fresh(root, kept.digest)
    assert all(made)  # (an edit never to agencies.yaml: every one patched)


def _task(ident: str, lead: str = "STTTT", more: str = "") -> str:
    return (f"kind: task\nid: {ident}\ndirective: D0\ntitle: Nhiệm vụ {ident}\nlead: {lead}\n"
            f"due: 2022-12-31\ndescription: Mô tả {ident}\n{more}")  # fmt: skip


D0 = ("kind: directive\nid: D0\ntype: TB\nnumber: 1/TB-UBND\nissuer: UBND\n"
      "issued: 2022-05-12\ntitle: Thông báo\n")  # fmt: skip
AGENCIES = ("kind: agencies\nagencies:\n  - {id: STTTT, name: Sở Thông tin và Truyền thông}\n"
            "  - {id: SCT, name: Sở Công Thương}\n  - {id: UBND, name: UBND tỉnh}\n")  # fmt: skip


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "records"
    build_tree(root, {"agencies.yaml": AGENCIES, "directives/D0.yaml": D0,
                      **{f"tasks/T{i}.yaml": _task(f"T{i}") for i in range(5)},
                      "reports/R0.yaml": "kind: report\nid: R0\nagency: SCT\ndate: 2022-06-01\n"
                      "tasks:\n  - {task: T1, status: done}\n"})  # fmt: skip
    _age(root)
    with cache_in(tmp_path / "cache"):
        assert repository.light(root).skipped == []
        yield root


@pytest.mark.parametrize("edit", [
    {"tasks/T2.yaml": _task("T2", "SCT")},                        # changed
    {"tasks/T9.yaml": _task("T9")},                               # added (last in path order)
    {"tasks/A0.yaml": _task("A0")},                               # added (first)
    {"tasks/T3.yaml": None},                                      # removed
    {"directives/D0.yaml": None},                                 # every task now names nothing
    {"reports/R0.yaml": None},                                    # T1 no longer done
    {"reports/R1.yaml": "kind: report\nid: R1\nagency: STTTT\ndate: 2022-06-02\n"
                        "tasks:\n  - {task: T2, status: done}\n"},
    {"reports/Q0.yaml": "kind: report\nid: Q0\nagency: STTTT\ndate: 2022-05-20\n"
                        "tasks:\n  - {task: T1, status: in-progress}\n"},  # before R0's
    {"tasks/A0.yaml": _task("T4")},                               # a duplicate id, earlier
    {"tasks/T2.yaml": "kind: task\nid: T2\ntitle: [unclosed\n"},  # broken
])  # fmt: skip
def test_each_kind_of_edit_is_patched(small: Path, edit: dict[str, str | None]) -> None:
    _write(small, edit)
    _age(small, edit)
    validate(small, summaries=False)
    with patches_counted() as made:
        got = repository.light(small)
    assert made == [True]
    assert_fresh(small, got)


def test_a_query_without_validate_patches_after_a_partial_validation(small: Path) -> None:
    _write(small, {"tasks/T2.yaml": _task("T2", more="completed: 2022-06-01\n")})
    _age(small, ["tasks/T2.yaml"])
    with patches_counted() as made:
        got = repository.light(small)
    assert made == [True]
    assert got.records.tasks["T2"].completed is not None


def test_a_snapshot_kept_anew_while_one_is_read_is_used_not_every_record_loaded(
    small: Path,
) -> None:
    """The race of two commands in a row: the second reads the first's snapshot while the
    child keeping a newer one (after the first's output) writes it, and finds the files
    the snapshot it read was made of gone.  It waits for the new snapshot and patches that
    one (repository._patched), rather than loading every record."""
    read_before = repository._from_snapshot(small, None, text=False)  # (what the second read)
    assert read_before is not None
    _write(small, {"tasks/T2.yaml": _task("T2", "SCT")})
    _age(small, ["tasks/T2.yaml"])
    repository.light(small)  # (the first command: patched and kept anew)
    _write(small, {"tasks/T3.yaml": _task("T3", "SCT")})  # (then a file changes again)
    _age(small, ["tasks/T3.yaml"])
    with patches_counted() as made:
        got = repository._patched(small, read_before, repository.Walking(small), False)
    assert got is not None and made == [True]
    assert_fresh(small, got)


def test_after_validate_the_patch_is_made_while_the_walk_runs(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit and a `validate`, the snapshot is patched for the files that run saw
    before the walk of the files is waited for (repository._patched_early), and used once
    the walk finds those files: by `light` and by a query through `answer`."""
    from cdsctl.validation.walking import Walking

    patched_by_then: list[int] = []  # at each wait for the walk: the patches made so far
    current: list[list[bool]] = [[]]
    waited = Walking.__call__

    def walk_waited(self: Walking) -> Any:
        patched_by_then.append(len(current[0]))
        return waited(self)

    monkeypatch.setattr(Walking, "__call__", walk_waited)
    for n, how in enumerate(("light", "answer")):
        _write(small, {"tasks/T2.yaml": _task("T2", ["SCT", "UBND"][n])})
        _age(small, ["tasks/T2.yaml"])
        validate(small, summaries=False)
        patched_by_then.clear()
        with patches_counted() as made:
            current[0] = made
            if how == "light":
                got = repository.light(small)
            else:
                found = repository.answer(small, f"lead{n}", lambda r: r.records.tasks["T2"].lead,
                                          light=True)  # fmt: skip
                assert found.value == "UBND"
        assert made == [True] and patched_by_then[0] == 1, (made, patched_by_then)
        if how == "answer":
            got = repository.light(small)
        assert_fresh(small, got)


def test_a_patch_made_before_the_walk_is_not_used_when_a_file_changed_since_validate(
    small: Path,
) -> None:
    """A file changed after the `validate` (before the query): the patch made for the
    files that run saw is not what the walk finds; the snapshot is read again and patched
    for the files as they are."""
    _write(small, {"tasks/T2.yaml": _task("T2", "SCT")})
    _age(small, ["tasks/T2.yaml"])
    validate(small, summaries=False)
    _write(small, {"tasks/T3.yaml": _task("T3", "UBND")})
    _age(small, ["tasks/T3.yaml"])
    with patches_counted() as made:
        got = repository.light(small)
    assert made == [True, True]  # (the first made before the walk, not used)
    assert got.records.tasks["T3"].lead == "UBND" and got.records.tasks["T2"].lead == "SCT"
    assert_fresh(small, got)


def test_agencies_changed_loads_every_record(small: Path) -> None:
    _write(small, {"agencies.yaml": AGENCIES + "  - {id: SYT, name: Sở Y tế}\n"})
    _age(small, ["agencies.yaml"])
    with patches_counted() as made:
        got = repository.light(small)
    assert made == [False]
    assert "SYT" in got.records.agencies
    assert_fresh(small, got)


def test_a_file_changed_while_patching_gives_way(small: Path, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:  # fmt: skip
    """A file read again that is not as the walk saw it: the patch gives way (every
    record is loaded, as the walk saw them or as they are now); the next query sees it."""
    _write(small, {"tasks/T2.yaml": _task("T2", "SCT")})
    _age(small, ["tasks/T2.yaml"])
    validate(small, summaries=False)
    from cdsctl.validation import onefile

    original = onefile.check_file

    def edited_meanwhile(root: Path, relpath: str) -> Any:
        (root / relpath).write_text(_task("T2", "UBND"), encoding="utf-8")
        return original(root, relpath)

    monkeypatch.setattr(onefile, "check_file", edited_meanwhile)
    with patches_counted() as made:
        got = repository.light(small)
    assert made and not any(made)  # (the one made while walking, and the one after it)
    assert got.records.tasks["T2"].lead in ("SCT", "UBND")
    monkeypatch.setattr(onefile, "check_file", original)
    _age(small, ["tasks/T2.yaml"])
    assert repository.light(small).records.tasks["T2"].lead == "UBND"
    assert_fresh(small, repository.light(small))


def test_the_cli_patches_and_keeps_the_patched_snapshot(tmp_path: Path) -> None:
    """Through the command line, whose child keeps the snapshot after the answer: a query
    after an edit (with `validate` between, and without) answers as a run without cache, and
    the snapshot it keeps (where each record is and descriptions patched in that child) is
    a fresh load, which the next query patches in turn."""
    import json
    import subprocess
    import sys
    import time
    from datetime import date

    from cdsctl.snapshot.store import DIGEST, settled
    from cdsctl.validation.cache import Store

    root = tmp_path / "records"
    build_tree(root, {"agencies.yaml": AGENCIES, "directives/D0.yaml": D0,
                      **{f"tasks/T{i}.yaml": _task(f"T{i}") for i in range(5)}})  # fmt: skip
    _age(root)
    cache = tmp_path / "cache"
    env = {**os.environ, "CDSCTL_CACHE_DIR": str(cache)}
    store = Store.for_root(cache, root)

    def overdue() -> list[str]:
        done = subprocess.run([sys.executable, "-m", "cdsctl", "overdue", "--records", str(root),
                               "--as-of", "2023-01-31", "--format", "json"],
                              env=env, capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return sorted(row["id"] for row in json.loads(done.stdout))

    def uncached() -> list[str]:
        states = repository.load(root, cache_dir=False).states(date(2023, 1, 31))
        return sorted(s.id for s in states if s.state == "overdue")

    def kept(other_than: Any = None) -> Any:
        """The digest of the snapshot kept, once the child has written a new one."""
        for _ in range(300):
            settled(store)
            found = store.read(DIGEST)
            if found is not None and found != other_than:
                return found
            time.sleep(0.1)
        raise AssertionError("no snapshot kept")

    assert overdue() == [f"T{i}" for i in range(5)] == uncached()
    before = kept()
    edits = [({"tasks/T2.yaml": _task("T2", more="completed: 2022-06-01\n")}, True),
             ({"tasks/T5.yaml": _task("T5"), "tasks/T0.yaml": None}, False)]  # fmt: skip
    for edit, validated in edits:
        _write(root, edit)
        _age(root, edit)
        if validated:
            done = subprocess.run([sys.executable, "-m", "cdsctl", "validate", "--records",
                                   str(root)], env=env, capture_output=True)  # fmt: skip
            assert done.returncode == 0
        assert overdue() == uncached()
        before = kept(other_than=before)  # the patched one, written by the child
        with cache_in(cache), patches_counted() as made:
            assert_fresh(root, repository.light(root))
        assert made == []  # (it served as kept: nothing left to patch)
