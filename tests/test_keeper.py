"""The snapshot kept from the shards by a program of its own (cdsctl.snapshot.keeper): its
files are those a full load keeps, for every kind of root and any order of the shards; it
keeps nothing from shards or files that changed under it; `validate` starts it after its
output, as a fresh `cdsctl` (exec), and the next query reads what it kept."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl import repository
from cdsctl.snapshot import keeper
from cdsctl.snapshot import store as snapshots
from cdsctl.snapshot import where as index
from cdsctl.validation import cache
from cdsctl.validation.cache import Store
from cdsctl.validation.pipeline import validate
from cdsctl.validation.shards import FILES, READING

from .test_fromshards import BUNDLED, aged, awkward, reorder

ROOT = Path(__file__).resolve().parent.parent
#: what the snapshot keeps, file by file
KEPT = (snapshots.VIEW, snapshots.TEXT, snapshots.WHERE, snapshots.FILES, snapshots.NAMES)


@pytest.fixture(autouse=True)
def no_locks_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_held", {})
    monkeypatch.setattr(cache, "_handed", {})


def without_times(value: Any) -> Any:
    return {k: v for k, v in value.items() if k not in ("written_ns", "started_ns")}


def kept_files(store: Store) -> dict[str, Any]:
    """Every file of the snapshot and of `show`'s index, as read back (times aside; the
    holiday years apart: a process keeps every year it has worked out, :func:`years`)."""
    found = {name: without_times(store.read(name)) for name in KEPT}
    found[snapshots.VIEW]["view"].pop("holidays")
    found[snapshots.DIGEST] = store.read(snapshots.DIGEST)
    found[index.META] = without_times(store.read(index.META))
    found[index.META].pop("holidays")  # (the snapshot's: :func:`years`)
    for n in range(index.SHARDS):
        found[f"{index.META}.{n}"] = without_times(store.read(f"{index.META}.{n}") or {})
    return found


def full_and_built(root: Path, tmp: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The snapshot a full load keeps (cdsctl.repository.load) and the keeper's, made from
    a validation's shards alone, each in a cache of its own."""
    full = Store.for_root(tmp / "full", root)
    repository.load(root, cache_dir=tmp / "full")
    built = Store.for_root(tmp / "built", root)
    validate(root, cache_dir=tmp / "built")
    assert built.read(snapshots.DIGEST) is None, "validate keeps no snapshot in the library"
    assert keeper.build(root, built)
    return kept_files(full), kept_files(built)


def generate(out: Path, seed: int) -> Path:
    gen = [sys.executable, str(ROOT / "bench" / "gen.py"), str(out)]
    subprocess.run([*gen, "--tasks", "300", "--reports", "600", "--seed", str(seed)],
                   check=True, capture_output=True)  # fmt: skip
    return aged(out)


@pytest.mark.parametrize("which", ["bundled", "awkward", "generated"])
def test_the_keepers_snapshot_is_a_full_loads(tmp_path: Path, which: str) -> None:
    if which == "bundled":
        root = aged(shutil.copytree(BUNDLED, tmp_path / "records"))
    elif which == "awkward":  # (errors, an id held twice, an alias, an internal task)
        root = awkward(tmp_path)
    else:
        root = generate(tmp_path / "gen", 5)
    full, built = full_and_built(root, tmp_path)
    for name, value in full.items():
        assert built[name] == value, name
    view = built[snapshots.VIEW]["view"]
    assert view["tasks"]["id"] and view["entries"] and built[snapshots.TEXT]["texts"]
    if which == "awkward":
        assert built[snapshots.VIEW]["skipped"] and built[snapshots.WHERE]["errors"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen") / "root", 9)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(seed=st.integers(0, 2**32 - 1))
def test_any_order_of_shards_and_files(generated: Path, tmp_path: Path, seed: int) -> None:
    """A cache updated after edits puts new files in new shards: the keeper's snapshot is
    the same whatever the order of the shards and of the files in them."""
    folder = tmp_path / f"c-{seed}"
    repository.load(generated, cache_dir=folder / "full")
    want = kept_files(Store.for_root(folder / "full", generated))
    validate(generated, cache_dir=folder / "built")
    store = Store.for_root(folder / "built", generated)
    reorder(store, seed)
    assert keeper.build(generated, store)
    assert kept_files(store) == want
    shutil.rmtree(folder)


def built_store(root: Path, tmp: Path) -> Store:
    validate(root, cache_dir=tmp)
    return Store.for_root(tmp, root)


def assert_nothing_kept(store: Store) -> None:
    assert store.read(snapshots.DIGEST) is None and store.read(snapshots.VIEW) is None


def test_nothing_is_kept_from_files_changed_since_the_validation(
    generated: Path, tmp_path: Path
) -> None:
    root = shutil.copytree(generated, tmp_path / "root")
    store = built_store(root, tmp_path / "cache")
    task = sorted((root / "tasks").rglob("*.yaml"))[7]
    task.write_text(task.read_text("utf-8").replace("title:", "title: Đổi -", 1), "utf-8")
    assert not keeper.build(root, store)
    assert_nothing_kept(store)


def test_nothing_is_kept_from_shards_that_are_not_the_files_validated(
    generated: Path, tmp_path: Path
) -> None:
    """A shard that holds another stamp than the validation's (a validation after an edit
    rewrote it, the manifest not yet): their digest differs."""
    store = built_store(generated, tmp_path)
    name = store.read(FILES)["shards"][2]
    (stamp, wire), *rest = store.read(name)
    store.write(name, [([*stamp[:1], stamp[1] + 1, *stamp[2:]], wire), *rest])
    assert not keeper.build(generated, store)
    assert_nothing_kept(store)


@pytest.mark.parametrize("during", ["descriptions", "files_of", "made"])
def test_nothing_is_kept_from_shards_written_again_during_the_passes(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, during: str
) -> None:
    """A validation after an edit may write a shard again while the keeper reads them pass
    by pass: what it read is then not one set of files, and no view is kept."""
    from cdsctl.snapshot import fromshards

    store = built_store(generated, tmp_path)
    name = random.Random(during).choice(store.read(FILES)["shards"])
    step = getattr(fromshards, during)

    def then_rewritten(*args: Any, **kwargs: Any) -> Any:
        found = step(*args, **kwargs)
        store.write(name, store.read(name))  # (the same content, written again)
        return found

    monkeypatch.setattr(fromshards, during, then_rewritten)
    assert not keeper.build(generated, store)
    assert_nothing_kept(store)


@pytest.mark.parametrize("after", ["descriptions", "files_of"])
def test_nothing_is_kept_from_a_shard_damaged_during_the_passes(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: str
) -> None:
    from cdsctl.snapshot import fromshards

    store = built_store(generated, tmp_path)
    name = store.read(FILES)["shards"][1]
    step = getattr(fromshards, after)

    def then_damaged(*args: Any, **kwargs: Any) -> Any:
        found = step(*args, **kwargs)
        (store.folder / name).write_bytes(b"not marshal")
        return found

    monkeypatch.setattr(fromshards, after, then_damaged)
    assert not keeper.build(generated, store)
    assert_nothing_kept(store)


def test_a_snapshot_kept_already_is_not_made_again(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdsctl.snapshot import fromshards

    store = built_store(generated, tmp_path)
    assert keeper.build(generated, store)
    monkeypatch.setattr(fromshards, "descriptions", lambda *a: pytest.fail("read again"))
    assert not keeper.build(generated, store)


def test_a_keeper_started_beside_another_waits_then_finds_it_kept(
    generated: Path, tmp_path: Path
) -> None:
    """Two `validate` runs in a row start two keepers: the second waits for the lock the
    first holds, then finds the snapshot kept and reads nothing."""
    import threading

    from .test_fromshards import _held_elsewhere

    store = built_store(generated, tmp_path)
    fd = _held_elsewhere(store, snapshots.SHARDS)
    result: list[bool] = []
    second = threading.Thread(target=lambda: result.append(keeper.build(generated, store)))
    second.start()
    time.sleep(0.3)
    assert second.is_alive() and not result  # (waiting for the lock)
    store.write(snapshots.DIGEST, store.read("result")["digest"])  # the first one's
    os.close(fd)
    second.join(30)
    assert result == [False] and store.read(snapshots.VIEW) is None


def test_the_keeper_gives_way_to_a_query_reading_the_shards(generated: Path,
                                                              tmp_path: Path) -> None:  # fmt: skip
    """A query run right after `validate` reads the shards beside the keeper: the keeper
    waits until it is done (both at once took 14% longer)."""
    import threading

    store = built_store(generated, tmp_path)
    result: list[bool] = []
    with cache.sharing(store, READING):  # (as a query's open file: another flock)
        keeping = threading.Thread(target=lambda: result.append(keeper.build(generated, store)))
        keeping.start()
        time.sleep(0.3)
        assert keeping.is_alive() and not result
        assert_nothing_kept(store)
    keeping.join(60)
    assert result == [True] and store.read(snapshots.DIGEST) is not None


def test_the_account_of_the_rules_across_files_gives_way_to_a_query(tmp_path: Path) -> None:
    """What a validation leaves for after its output, the account of the rules across files
    first, waits while a query reads the shards (a query right after `validate` reads
    them on a core of its own)."""
    import threading

    from cdsctl.validation.incremental import STATE

    root = aged(shutil.copytree(BUNDLED, tmp_path / "records"))
    store = Store.for_root(tmp_path / "cache", root)
    store.folder.mkdir(parents=True)
    done: list[bool] = []
    with cache.sharing(store, READING):  # (as a query's open file: another flock)
        validating = threading.Thread(target=lambda: done.append(
            validate(root, cache_dir=tmp_path / "cache") is not None))  # fmt: skip
        validating.start()
        time.sleep(0.5)
        assert validating.is_alive() and store.read(STATE) is None
    validating.join(60)
    assert done == [True] and store.read(STATE) is not None


def test_work_that_waited_for_a_reader_waits_for_the_next_one_started_right_after(
    tmp_path: Path,
) -> None:
    """Two queries in a row (a script): the work in the background waited for the first
    one, and does not begin in the moment before the second one takes the lock."""
    import threading

    store = Store(tmp_path)
    events: list[str] = []
    first_held = threading.Event()

    def two_queries() -> None:
        with cache.sharing(store, READING):
            first_held.set()
            time.sleep(0.3)
        time.sleep(0.1)  # (the second command starting up)
        with cache.sharing(store, READING):
            time.sleep(0.3)
            events.append("second done")

    queries = threading.Thread(target=two_queries)
    queries.start()
    first_held.wait(10)
    cache.unshared(store, READING, timeout=30)
    events.append("work begins")
    queries.join(10)
    assert events == ["second done", "work begins"]
    begun = time.monotonic()
    cache.unshared(store, READING, timeout=30)  # (no reader: no wait)
    assert time.monotonic() - begun < cache.GRACE_SECONDS


def test_the_keeper_gives_way_within_each_pass(
    generated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass over the shards takes seconds at 100,000 tasks: the keeper looks whether a
    command reads beside it every few dozen shards, in each pass, not only between them."""
    from cdsctl.snapshot import fromshards

    store = built_store(generated, tmp_path)
    shards = fromshards.last(store).shards  # type: ignore[union-attr]
    assert len(shards) > 1
    looks: list[str] = []
    monkeypatch.setattr(fromshards, "LOOK_EVERY", 1)
    monkeypatch.setattr(keeper, "give_way", lambda store: looks.append("look"))
    for name in ("descriptions", "files_of", "made"):
        real = getattr(fromshards, name)

        def counted(*args: Any, real: Any = real, name: str = name, **kwargs: Any) -> Any:
            looks.append(name)
            return real(*args, **kwargs)

        monkeypatch.setattr(fromshards, name, counted)
    assert keeper.build(generated, store)
    passes = "".join("|" if look != "look" else "." for look in looks)
    assert passes == "." + ("|" + "." * len(shards)) * 3


@pytest.mark.parametrize("disposable", [True, False])
def test_the_child_left_after_the_output_first_waits_for_a_command_started_right_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, disposable: bool) -> None:  # fmt: skip
    """It began before the next command could take its lock: it first gives it the time
    to (cache.GRACE_SECONDS), then waits while it reads.  Work done in the command itself
    (a library call, no child) does not wait."""
    store = Store(tmp_path)
    monkeypatch.setattr(cache, "disposable", disposable)
    slept: list[float] = []
    monkeypatch.setattr(cache.time, "sleep", slept.append)
    with cache.sharing(store, READING):
        cache.give_way(store, READING, timeout=0.0)
    assert (slept[:1] == [cache.GRACE_SECONDS]) is disposable


@pytest.mark.parametrize("command", [True, False])
def test_a_query_holds_the_shards_lock_until_its_output_is_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: bool) -> None:  # fmt: skip
    """In a command with after-output work the lock stays held past the reading, when the
    reader asks, until the output is out (the work a validation left behind waits for the
    whole answer); in a library call it is let go of at once."""
    import fcntl

    store = Store(tmp_path)
    monkeypatch.setattr(cache, "later", [] if command else None)

    def held() -> bool:
        fd = os.open(store.folder / READING, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except BlockingIOError:
            return True
        finally:
            os.close(fd)

    with cache.sharing(store, READING) as hold_on:
        hold_on()
        assert held()
    assert held() is command
    cache.output_out()
    assert not held()


def test_a_query_reads_the_shards_sharing_their_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    from cdsctl.snapshot import fromshards

    root = aged(shutil.copytree(BUNDLED, tmp_path / "records"))
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "cache"))
    validate(root)
    store = Store.for_root(tmp_path / "cache", root)
    made, held = fromshards.made, []

    def made_while_shared(*args: Any, **kwargs: Any) -> Any:
        fd = os.open(store.folder / READING, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(False)
        except BlockingIOError:
            held.append(True)
        finally:
            os.close(fd)
        return made(*args, **kwargs)

    monkeypatch.setattr(fromshards, "made", made_while_shared)
    monkeypatch.setattr(cache, "later", [])  # (the keeper it starts: after the output)
    assert repository.light(root).records.tasks
    assert held == [True]


# -- when `validate` keeps one ------------------------------------------------------------------


CASES = [(None, 0, True), (None, 10**6, True), (b"same", 0, False), (b"other", 3, False),
         (b"other", 10**6, True)]  # fmt: skip


@pytest.mark.parametrize(("kept", "checked", "started"), CASES)
def test_validate_keeps_one_unless_one_is_kept_or_patched_for_less(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: bytes | None, checked: int,
    started: bool,
) -> None:  # fmt: skip
    """None kept: kept. The one of these files kept: nothing. One of other files kept and
    a few files read again (an edit): the next query patches it. Many (a branch switched):
    kept from the shards."""
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path))
    root = tmp_path / "root"
    store = Store.for_root(tmp_path, root)
    if kept is not None:
        store.write(snapshots.DIGEST, kept)
    asked: list[Path] = []
    monkeypatch.setattr(keeper, "later", lambda root, store: asked.append(store.folder))
    keeper.after_validate(root, b"same", checked)
    assert asked == ([store.folder] if started else [])


def test_last_steps_run_after_every_other() -> None:
    """A step that may become another program (cache.Last) runs after the others, whatever
    the order they were asked in."""
    done: list[str] = []
    work: list[Any] = [lambda: done.append("a"), cache.Last(lambda: done.append("last")),
                       lambda: done.append("b")]  # fmt: skip
    work.insert(0, lambda: done.append("first"))
    cache.done_later(work)
    assert done == ["first", "a", "b", "last"] and work == []


# -- the program ----------------------------------------------------------------------------------


def cdsctl(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cdsctl", *args], env=env, text=True,
                          capture_output=True, timeout=300, check=False)  # fmt: skip


def test_the_keepers_program_keeps_it(generated: Path, tmp_path: Path) -> None:
    store = built_store(generated, tmp_path)
    run = cdsctl(keeper.KEEP, str(generated), str(store.folder), "-1", env=dict(os.environ))
    assert run.returncode == 0 and run.stdout == run.stderr == ""
    assert store.read(snapshots.DIGEST) is not None


def test_validate_becomes_the_keeper_after_its_output(tmp_path: Path) -> None:
    """`cdsctl validate` answers; its child then keeps the account of the rules across
    files, and becomes `cdsctl` again (the same interpreter and program) to keep the
    snapshot, which the next query reads."""
    root = aged(shutil.copytree(BUNDLED, tmp_path / "records"))
    env = {**os.environ, "CDSCTL_CACHE_DIR": str(tmp_path / "cache"), "CDSCTL_LANG": "en"}
    run = cdsctl("validate", "--records", str(root), env=env)
    assert run.returncode == 0, run.stderr
    store = Store.for_root(tmp_path / "cache", root)
    digest, deadline = store.read("result")["digest"], time.monotonic() + 60
    while not index.current(store, digest) and time.monotonic() < deadline:
        time.sleep(0.05)  # (the index is kept last, once the lock is let go)
    assert store.read(snapshots.DIGEST) == digest and index.current(store, digest)
    full = Store.for_root(tmp_path / "full", root)
    repository.load(root, cache_dir=full.folder.parent)
    assert kept_files(store) == kept_files(full)
    assert years(store).items() <= years(full).items() and years(store)
    query = cdsctl("overdue", "--records", str(root), "--as-of", "2024-06-30", "--format",
                   "json", env=env)  # fmt: skip
    assert query.returncode == 0 and query.stdout.startswith("[")


def years(store: Store) -> dict[str, Any]:
    """The holiday years a snapshot keeps: those its deadlines in working days reach, and
    any other the process that kept it had worked out (the same, for the same years);
    `show`'s index keeps the same beside it."""
    kept = store.read(snapshots.VIEW)["view"]["holidays"]
    assert store.read(index.META)["holidays"] == kept
    return dict(kept["years"])


def test_the_child_becomes_this_cdsctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In the child left after the output, the keeper is started as this program with the
    lock's file open through the exec; where exec fails, it keeps the snapshot itself."""
    store = Store(tmp_path / "cache")
    run: list[Any] = []

    def execv(path: str, argv: list[str]) -> None:
        run.append((path, argv))
        raise OSError("no exec here")

    monkeypatch.setattr(os, "execv", execv)
    monkeypatch.setattr(keeper, "build", lambda root, store: run.append("built"))
    monkeypatch.setattr(cache, "disposable", True)
    monkeypatch.setattr(cache, "later", [])
    keeper.later(tmp_path, store)
    work = list(cache.later)
    fd = cache._handed.get(snapshots.LOCK)
    cache.done_later(work)
    (path, argv), built = run
    assert path == sys.executable and built == "built"
    assert argv[-4:-1] == [keeper.KEEP, str(tmp_path), str(store.folder)]
    assert int(argv[-1]) >= 0 and fd is None  # (taken when the step runs, passed on)
    assert argv[1:-4] == keeper._this_program()[1:]


@pytest.mark.parametrize("started", ["script", "module"])
def test_this_program_runs_this_cdsctl(monkeypatch: pytest.MonkeyPatch, started: str) -> None:
    """Started as the `cdsctl` script or as `python -m cdsctl`, the keeper runs the same."""
    import cdsctl

    script = Path(sys.executable).parent / "cdsctl"
    if started == "script" and not script.is_file():
        pytest.skip("no cdsctl script beside this Python")
    module = Path(cdsctl.__file__).parent / "__main__.py"
    first = str(script if started == "script" else module)
    monkeypatch.setattr(sys, "argv", [first, "validate"])
    command = keeper._this_program()
    assert command[-1] == (first if started == "script" else "cdsctl")
    found = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == f"cdsctl {cdsctl.__version__}"
