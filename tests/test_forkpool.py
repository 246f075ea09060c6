"""The workers of a run with no cache, forked during the walk (validation.forkpool): they
give what one process gives, on a root with errors; a chunk whose check raises is checked
again here and raises as without workers; a worker that dies leaves its chunks to this
process; and no worker outlives the run."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cdsctl.validation import forkpool, workers
from cdsctl.validation.pipeline import Validation, validate

#: two workers start once the walk has found a chunk for each
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")


@pytest.fixture(scope="module")
def broken(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated root (1,200 record files) with errors of each kind: a file's own, a
    broken reference, a file that is not YAML."""
    root = tmp_path_factory.mktemp("forked") / "root"
    shutil.copytree(generated, root)
    task = sorted((root / "tasks").rglob("*.yaml"))[7]
    task.write_text(task.read_text(encoding="utf-8").replace("lead: ", "lead: NOBODY\nx: "),
                    encoding="utf-8")  # fmt: skip
    report = sorted((root / "reports").rglob("*.yaml"))[300]
    report.write_text("kind: report\nid: [oops\n", encoding="utf-8")
    directive = sorted((root / "directives").rglob("*.yaml"))[2]
    directive.write_bytes(directive.read_bytes() + b"\x01")
    return root


def _run(root: Path, tmp: Path, jobs: int | None) -> Validation:
    shutil.rmtree(tmp, ignore_errors=True)
    return validate(root, cache_dir=tmp, jobs=jobs)


def _same(one: Validation, other: Validation) -> None:
    assert one.diagnostics == other.diagnostics
    assert [s.to_wire() for s in one.summaries] == [s.to_wire() for s in other.summaries]
    assert one.files == other.files


def _forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The first child of each pool started (its pid), as it starts."""
    pids: list[int] = []
    start = forkpool.Forked.start

    def spied(self: forkpool.Forked) -> None:
        start(self)
        pids.append(self.pid)

    monkeypatch.setattr(forkpool.Forked, "start", spied)
    return pids


def _check_chunk_then(monkeypatch: pytest.MonkeyPatch, act: Callable[[list[str]], None]
                      ) -> None:  # fmt: skip
    """Each chunk's check calls `act(chunk)` first (in the workers, forked after this)."""
    check = workers.check_chunk

    def patched(root: Path, chunk: list[str], *args: Any, **kwargs: Any) -> bytes:
        act(chunk)
        return check(root, chunk, *args, **kwargs)

    monkeypatch.setattr(forkpool, "check_chunk", patched)


def test_forked_workers_give_what_one_process_gives(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forks = _forks(monkeypatch)
    alone = _run(broken, tmp_path / "one", jobs=1)
    assert forks == []
    forked = _run(broken, tmp_path / "two", jobs=2)
    assert len(forks) == 1 and forks[0] > 0
    _same(forked, alone)
    assert {d.code for d in forked.diagnostics} >= {"yaml-syntax", "unresolved-reference"}
    # and what it kept serves the next run as one process's does
    _same(validate(broken, cache_dir=tmp_path / "two", jobs=2), alone)


def test_a_chunk_whose_check_raises_raises_here(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(chunk: list[str]) -> None:
        if any(f.startswith("reports/") for f in chunk):
            raise RuntimeError(f"boom in {os.getpid()}")

    _check_chunk_then(monkeypatch, boom)
    forks = _forks(monkeypatch)
    with pytest.raises(RuntimeError, match=f"boom in {os.getpid()}"):
        _run(broken, tmp_path / "c", jobs=2)
    assert len(forks) == 1


def test_a_worker_that_dies_leaves_its_chunks_here(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _run(broken, tmp_path / "one", jobs=1)
    here = os.getpid()

    def die(chunk: list[str]) -> None:  # every worker, at its first report
        if os.getpid() != here and any(f.startswith("reports/") for f in chunk):
            os._exit(9)

    _check_chunk_then(monkeypatch, die)
    forks = _forks(monkeypatch)
    _same(_run(broken, tmp_path / "two", jobs=2), alone)
    assert len(forks) == 1


def test_no_worker_outlives_the_run(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    _check_chunk_then(monkeypatch, lambda chunk: (pids / str(os.getpid())).touch())
    forks = _forks(monkeypatch)
    _run(broken, tmp_path / "c", jobs=2)
    seen = {int(p.name) for p in pids.iterdir()}
    assert len(seen) == 2 and os.getpid() not in seen  # (both workers checked chunks)
    deadline = time.monotonic() + 5
    while (alive := [pid for pid in seen if _running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive
    [first] = forks  # (reaped: not this process's child any more; others may be, from
    with pytest.raises(ChildProcessError):  # other tests' commands)
        os.waitpid(first, os.WNOHANG)


def _running(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting to be reaped by another process does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return "\nState:\tZ" not in status


# -- workers.aside: one piece of work on the other core -----------------------------------------


def test_aside_runs_the_work_in_a_child_and_gives_its_result() -> None:
    later = workers.aside(lambda: (os.getpid(), ["found", ("a", 1)]))
    pid, found = later()
    assert pid != os.getpid() and found == ["found", ("a", 1)]


def test_aside_work_that_fails_there_runs_here_and_raises_as_it_would() -> None:
    here = os.getpid()

    def work() -> int:
        if os.getpid() != here:
            os._exit(3)  # (the child dies without a word)
        raise LookupError("raised here")

    later = workers.aside(work)
    with pytest.raises(LookupError, match="raised here"):
        later()


def test_aside_without_fork_runs_the_work_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(os, "fork", no_fork)
    later = workers.aside(os.getpid)
    assert later() == os.getpid()


def test_a_cold_run_with_its_digest_made_aside_keeps_a_cache_the_next_run_trusts(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large cold run sums up its stamps on the other core while the rules run
    (pipeline.DIGEST_ASIDE_FROM, here lowered to this root), and writes the shards'
    manifest after them: the next run takes every file from the cache and answers alike."""
    from cdsctl.checks import crossfile
    from cdsctl.validation import pipeline

    monkeypatch.setattr(pipeline, "DIGEST_ASIDE_FROM", 0)
    monkeypatch.setattr(crossfile, "ASIDE_FROM", 0)
    one = validate(broken, cache_dir=False, jobs=1)
    cold = _run(broken, tmp_path / "cache", None)
    _same(cold, one)
    warm = validate(broken, cache_dir=tmp_path / "cache")
    assert warm.checked == 0 and warm.digest == cold.digest
    _same(warm, one)


def test_a_run_leaves_no_cycle_behind(broken: Path, tmp_path: Path) -> None:
    """The console run keeps the cyclic collector off (cli.app.run): whatever a run leaves
    in a cycle lives on, into the child that keeps the cache after the output.  The shards'
    manifest, written after the rules, once held a cold run's results that way, and the
    did-you-mean of a broken reference its index (50 MB more at 100,000 tasks).  Cold,
    warm, and after an edit; once before, for what a first import leaves (classes)."""
    import gc

    def runs(root: Path, cache: Path) -> list[int]:
        shutil.copytree(broken, root)
        found = []
        validate(root, cache_dir=cache)  # cold
        found.append(gc.collect())
        validate(root, cache_dir=cache)  # warm
        found.append(gc.collect())
        task = sorted((root / "tasks").rglob("*.yaml"))[3]
        task.write_text(task.read_text(encoding="utf-8") + "x: 1\n", encoding="utf-8")
        validate(root, cache_dir=cache)  # an edit
        found.append(gc.collect())
        return found

    runs(tmp_path / "first", tmp_path / "first-cache")
    gc.collect()
    gc.disable()
    try:
        assert runs(tmp_path / "root", tmp_path / "cache") == [0, 0, 0]
    finally:
        gc.enable()


def test_what_only_a_cold_run_needs_is_not_imported_at_start() -> None:
    """Every command imports the CLI, the pipeline and its workers' module; the forked pool,
    pickle and concurrent.futures only a run with no cache needs (1.5-3 ms of each start)."""
    import subprocess
    import sys

    probe = ("import sys, cdsctl.cli.app, cdsctl.validation.pipeline, "
             "cdsctl.validation.workers, cdsctl.repository; print(sorted(m for m in "
             "('pickle', 'concurrent.futures', 'cdsctl.validation.forkpool') "
             "if m in sys.modules))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)  # fmt: skip
    assert done.stdout.strip() == "[]"
