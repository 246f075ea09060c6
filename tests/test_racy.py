"""Files saved within the racy window of a `validate` (a script's edit followed at once by the
command, or a save while it runs): the run reads them again once the window has passed
(validation.incremental.later_start) and keeps its result as of that later moment only when
each still holds what was checked.  Random roots, random edits saved at random moments
around the run's start (times below the millisecond, or whole ones as FAT and some network
file systems keep), and a second save while the run waits: the result kept must be that of a
run without a cache whenever the next command trusts it, and it is trusted at once when
nothing changed in the window.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl.load.files import walk
from cdsctl.validation import incremental
from cdsctl.validation.cache import FINE_RACY_NS
from cdsctl.validation.pipeline import last_result, read_whole, validate

from .conftest import build_tree
from .test_crossfile import EXPIRING
from .test_incremental import (
    SLOTS,
    TODAY,
    _decoded,
    _no_until,
    _wire,
    _write,
    edits,
    validated_root,
)

MS = 1_000_000


def _saved_at(path: Path, when: int) -> None:
    os.utime(path, ns=(when, when))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data())
def test_a_result_kept_after_saves_in_the_racy_window_is_trusted_only_when_it_holds(
    tmp_path_factory: Any, monkeypatch: pytest.MonkeyPatch, data: Any
) -> None:
    root, cache, files = validated_root(tmp_path_factory, data)
    edit = data.draw(edits(files))
    if data.draw(st.booleans()):  # (agencies.yaml too: every record names it, a full run)
        edit["agencies.yaml"] = data.draw(st.sampled_from([EXPIRING, _no_until()]))
    _write(root, edit)
    written = [p for p, text in edit.items() if text is not None]
    coarse = False
    for path in written:  # saved from 90 ms before the run to 30 ms into it
        when = time.time_ns() + data.draw(st.integers(-90, 30)) * MS
        whole = data.draw(st.integers(0, 4)) == 0  # (a time in whole milliseconds)
        coarse = coarse or whole
        _saved_at(root / path, when - when % MS if whole else when + 123_457)
    # a second save of one of them while the run waits for the window to pass
    again = data.draw(st.sampled_from(written)) if written and data.draw(st.booleans()) else None
    text = data.draw(SLOTS[again]) if again in SLOTS else None
    meddled: list[str] = []

    def sleep(seconds: float) -> None:
        if again is not None and text is not None and not meddled:
            build_tree(root, {again: text + "# lưu lần hai\n"})
            meddled.append(again)
        time.sleep(seconds)

    monkeypatch.setattr(incremental, "time", SimpleNamespace(sleep=sleep))
    summaries = data.draw(st.booleans())  # (a query wants the records too)
    got = validate(root, cache_dir=cache, today=TODAY, summaries=summaries)
    monkeypatch.undo()
    want = validate(root, cache_dir=False, today=TODAY)  # the files as they are now
    if not meddled:  # (what it read is on disk: the same answer as a run with no cache)
        assert _wire(got.diagnostics) == _wire(want.diagnostics)
    whole = read_whole(root, TODAY, cache_dir=cache)
    assert whole is not None
    holds = whole.holds(walk(root))
    if holds:  # trusted by the next command: it must be right
        assert _wire(whole.validation.diagnostics) == _wire(want.diagnostics)
        assert [s.to_wire() for s in whole.validation.summaries] == [
            s.to_wire() for s in want.summaries]  # fmt: skip
        assert _decoded(whole.validation.blobs) == _decoded(want.blobs)
    if not meddled and not coarse:  # nothing changed in the window: trusted at once
        assert holds
        started = last_result(root, cache)["started_ns"]
        newest = max(os.stat(root / p).st_mtime_ns for p in written) if written else 0
        assert started > newest + FINE_RACY_NS
    if meddled:
        assert not holds
    after = validate(root, cache_dir=cache, today=TODAY)
    assert _wire(after.diagnostics) == _wire(want.diagnostics)
    if holds:
        assert after.checked == 0


def _one_edit(tmp_path: Path) -> tuple[Path, Path, Path]:
    root, cache = tmp_path / "records", tmp_path / "cache"
    build_tree(root, {"agencies.yaml": EXPIRING, "tasks/T0.yaml": _TASK})
    old = time.time_ns() - 60 * 10**9
    for path in root.rglob("*.yaml"):
        _saved_at(path, old)
    validate(root, cache_dir=cache, today=TODAY, summaries=False)
    task = root / "tasks/T0.yaml"
    task.write_text(_TASK.replace("2022-12-31", "2022-11-30"), encoding="utf-8")
    return root, cache, task


_TASK = ("kind: task\nid: T0\ndirective: D0\ntitle: Nhiệm vụ\nlead: STTTT\n"
         "due: 2022-12-31\n")  # fmt: skip


def test_more_files_than_are_read_again_leave_the_result_racy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout or a pull saves many files at once: they are checked again next time rather
    than read twice now (incremental.RECHECK_MOST)."""
    root, cache, task = _one_edit(tmp_path)
    _saved_at(task, time.time_ns() + 123_457)  # (racy however long the run takes to start)
    monkeypatch.setattr(incremental, "RECHECK_MOST", 0)
    assert validate(root, cache_dir=cache, today=TODAY, summaries=False).checked == 1
    assert validate(root, cache_dir=cache, today=TODAY, summaries=False).checked == 1
    monkeypatch.undo()
    validate(root, cache_dir=cache, today=TODAY, summaries=False)  # (checked again, kept)
    assert validate(root, cache_dir=cache, today=TODAY, summaries=False).checked == 0


def test_a_window_not_soon_over_is_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A time in whole milliseconds is racy for 2 s: the run does not wait that long, its
    result stays racy and the next run checks the file again."""
    root, cache, task = _one_edit(tmp_path)
    now = time.time_ns()
    _saved_at(task, now - now % MS)
    waits: list[float] = []
    monkeypatch.setattr(incremental, "time", SimpleNamespace(sleep=waits.append))
    assert validate(root, cache_dir=cache, today=TODAY, summaries=False).checked == 1
    assert waits == []
    assert validate(root, cache_dir=cache, today=TODAY, summaries=False).checked == 1


def test_a_result_that_changed_in_the_window_is_not_moved_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the file holds when read again differs from what was checked (the same stamp: a
    save within the clock's tick): the run keeps its own start, the next checks it again."""
    root, cache, task = _one_edit(tmp_path)
    _saved_at(task, time.time_ns() + 123_457)
    monkeypatch.setattr(incremental, "_same_result", lambda one, other: False)
    assert validate(root, cache_dir=cache, today=TODAY, summaries=False).checked == 1
    monkeypatch.undo()
    assert not read_whole(root, TODAY, cache_dir=cache).holds(walk(root))
    assert validate(root, cache_dir=cache, today=TODAY, summaries=False).checked == 1


@pytest.mark.parametrize("every", [True, False])
def test_a_full_run_reads_its_racy_files_again_too(tmp_path: Path, every: bool) -> None:
    """agencies.yaml changed (every record names it): a full run, of every file (its
    workers wrote the shards: the results compared are read from there) or of those changed
    beside the cache's entries; either keeps its result as of after the window."""
    root, cache, task = _one_edit(tmp_path)
    build_tree(root, {"tasks/T1.yaml": _TASK.replace("T0", "T1")})
    agencies = root / "agencies.yaml"
    agencies.write_text(_no_until(), encoding="utf-8")
    changed = [agencies, task, root / "tasks/T1.yaml"] if every else [agencies]
    if not every:
        for path in (task, root / "tasks/T1.yaml"):
            _saved_at(path, time.time_ns() - 60 * 10**9)
        validate(root, cache_dir=cache, today=TODAY, summaries=False)
        agencies.write_text(EXPIRING, encoding="utf-8")
    else:
        for path in root.rglob("*.yaml"):
            path.write_text(path.read_text(encoding="utf-8") + "# sửa\n", encoding="utf-8")
    for path in changed:
        _saved_at(path, time.time_ns() + 123_457)
    got = validate(root, cache_dir=cache, today=TODAY, summaries=False)
    assert got.checked == (3 if every else 1)
    assert read_whole(root, TODAY, cache_dir=cache).holds(walk(root))
    assert validate(root, cache_dir=cache, today=TODAY, summaries=False).checked == 0
