"""The records made from the validation cache's shards (cdsctl.snapshot.fromshards) are a
full load's, as the snapshot keeps them: for the bundled records, for generated ones, for
records with errors, duplicate ids, aliases and internal records, and whatever the order of
the shards and of the files in them (a cache updated after edits puts new files in new
shards)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl import repository
from cdsctl.snapshot import columns, fromshards
from cdsctl.snapshot import store as snapshots
from cdsctl.validation.cache import Store
from cdsctl.validation.shards import FILES

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "records"
OLD = 1_600_000_000  # every file well before the cache's writing (the racy rule)


def aged(root: Path) -> Path:
    for path in root.rglob("*"):
        os.utime(path, (OLD, OLD))
    return root


def awkward(tmp: Path) -> Path:
    """The bundled records with a file with errors, a task id held twice, a report id held
    twice (the second in another folder), an internal task and an alias used as a lead."""
    root = tmp / "records"
    shutil.copytree(BUNDLED, root)
    tasks = sorted((root / "tasks").rglob("*.yaml"))
    reports = sorted((root / "reports").rglob("*.yaml"))
    first = tasks[0].read_text("utf-8")
    (tasks[0].parent / ("zz-" + tasks[0].name)).write_text(first, "utf-8")  # id held twice
    tasks[1].write_text(tasks[1].read_text("utf-8") + "visibility: internal\n", "utf-8")
    tasks[2].write_text(tasks[2].read_text("utf-8").replace("title:", "title: [", 1), "utf-8")
    (root / "reports" / "zz").mkdir()
    shutil.copy(reports[0], root / "reports" / "zz" / reports[0].name)  # report id twice
    return aged(root)


def full_and_made(root: Path, cache: Path) -> tuple[repository.Repository, fromshards.Made]:
    full = repository.load(root, cache_dir=cache)
    made = fromshards.made(Store.for_root(cache, root))
    assert made is not None, "a validation was kept for today"
    return full, made


def assert_same(full: repository.Repository, made: fromshards.Made, cache: Path) -> None:
    assert columns.encode(made.records) == columns.encode(full.records)
    assert made.records.tasks and made.records.report_entries
    assert made.skipped == full.skipped
    assert made.digest == full.validation.digest
    ids, errors, whole = repository._where(full.validation)
    where = made.where()
    assert where.ids == ids
    assert where.errors == errors
    assert where.whole == whole
    assert where.report_agencies == columns.report_agencies(full.records)
    kept = repository._made_of(Store.for_root(cache, full.root), full.validation, None)
    assert made.of_files is not None
    files = made.of_files.files(made.errors)
    assert kept is not None
    assert (files.names, files.flat, files.kinds, files.ids, files.errors) == (
        kept.names, kept.flat, kept.kinds, kept.ids, kept.errors)  # fmt: skip


def check(root: Path, cache: Path) -> fromshards.Made:
    full, made = full_and_made(root, cache)
    assert_same(full, made, cache)
    return made


def test_bundled_records(tmp_path: Path) -> None:
    check(aged(shutil.copytree(BUNDLED, tmp_path / "records")), tmp_path / "cache")


def test_records_with_errors_duplicates_aliases_and_internal(tmp_path: Path) -> None:
    root = awkward(tmp_path)
    made = check(root, tmp_path / "cache")
    assert made.skipped, "a file with errors is left out"
    assert made.records.internal, "the internal task is named"
    assert any(e > 0 for e in made.where().errors.values())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A root of bench/gen.py: 300 tasks and 600 reports, over several shards."""
    out = tmp_path_factory.mktemp("gen") / "root"
    gen = [sys.executable, str(ROOT / "bench" / "gen.py"), str(out)]
    subprocess.run([*gen, "--tasks", "300", "--reports", "600", "--seed", "5"], check=True,
                   capture_output=True)  # fmt: skip
    return aged(out)


def test_generated_records(generated: Path, tmp_path: Path) -> None:
    made = check(generated, tmp_path / "cache")
    assert made.of_files is not None and len(made.of_files.names) > 900


def reorder(store: Store, seed: int) -> None:
    """The shards named in another order, and the files of each shard shuffled."""
    rng = random.Random(seed)
    manifest = store.read(FILES)
    names = list(manifest["shards"])
    rng.shuffle(names)
    for name in names:
        shard = store.read(name)
        rng.shuffle(shard)
        store.write(name, shard)
    store.write(FILES, {**manifest, "shards": names})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(seed=st.integers(0, 2**32 - 1), lean=st.booleans())
def test_any_order_of_shards_and_files(generated: Path, tmp_path: Path, seed: int,
                                       lean: bool) -> None:  # fmt: skip
    cache = tmp_path / f"cache-{seed}-{lean}"
    full = repository.load(generated, cache_dir=cache)
    store = Store.for_root(cache, generated)
    reorder(store, seed)
    made = fromshards.made(store, lean=lean)
    assert made is not None
    if lean:
        assert without_descriptions(made.records) == without_descriptions(full.records)
        assert made.records.report_entries == fromshards.made(store).records.report_entries
    else:
        assert_same(full, made, cache)
    shutil.rmtree(cache)


def without_descriptions(records: Any) -> Any:
    from dataclasses import replace

    return {i: replace(t, description=None) for i, t in records.tasks.items()}


@pytest.mark.parametrize("which", ["bundled", "awkward"])
def test_lean_leaves_out_the_descriptions_and_the_files(tmp_path: Path, which: str) -> None:
    """A lean one (a query's: no descriptions, nothing of each file) holds the records of a
    full load but the tasks' descriptions."""
    if which == "awkward":
        root = awkward(tmp_path)
    else:
        root = aged(shutil.copytree(BUNDLED, tmp_path / "records"))
    cache = tmp_path / "cache"
    full, store = repository.load(root, cache_dir=cache), Store.for_root(cache, root)
    lean = fromshards.made(store, lean=True)
    assert lean is not None and lean.of_files is None
    assert any(t.description for t in full.records.tasks.values())
    assert not any(t.description for t in lean.records.tasks.values())
    assert without_descriptions(lean.records) == without_descriptions(full.records)
    assert lean.records.report_entries == fromshards.made(store).records.report_entries
    with pytest.raises(ValueError, match="lean"):
        lean.where()


def test_equal_values_are_one_object(generated: Path, tmp_path: Path) -> None:
    """A task's agencies, directive and dates, and a report item's date, state and period,
    are one object per value, as in a decoded snapshot (what the records take is bounded by
    the distinct values, not by the tasks)."""
    repository.load(generated, cache_dir=tmp_path)
    made = fromshards.made(Store.for_root(tmp_path, generated), lean=True)
    assert made is not None
    tasks = list(made.records.tasks.values())
    for name in ("lead", "directive", "due"):
        values = [getattr(t, name) for t in tasks if getattr(t, name) is not None]
        assert len({id(v) for v in values}) == len(set(values)) < len(values), name
    items = [e for found in made.records.report_entries.values() for e in found]
    for place in (0, 2):
        assert len({id(e[place]) for e in items}) == len({e[place] for e in items}) < len(items)


def test_a_damaged_shard_gives_none(generated: Path, tmp_path: Path) -> None:
    repository.load(generated, cache_dir=tmp_path)
    store = Store.for_root(tmp_path, generated)
    shard = store.read(FILES)["shards"][1]
    (store.folder / shard).write_bytes(b"not marshal")
    assert fromshards.made(store) is None


def test_no_validation_for_today_gives_none(generated: Path, tmp_path: Path) -> None:
    store = Store.for_root(tmp_path, generated)
    assert fromshards.made(store) is None  # (none kept)
    repository.load(generated, cache_dir=tmp_path)
    result = store.read("result")
    store.write("result", {**result, "days": ("1999-01-01", "1999-01-02")})
    assert fromshards.made(store) is None


# -- through a query -----------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from cdsctl.validation import cache

    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "cache"))
    # (the locks this process holds: a test that leaves its keeping undone leaves them held)
    monkeypatch.setattr(cache, "_held", {})
    monkeypatch.setattr(cache, "_handed", {})
    return awkward(tmp_path)


def overdue(root: Path, day: date) -> list[str]:
    def compute(repo: repository.Repository) -> list[str]:
        return sorted(s.id for s in repo.states(day) if s.state == "overdue")

    return repository.answer(root, f"ids|{day}", compute, light=True).value


def uncached(root: Path, day: date) -> list[str]:
    repo = repository.load(root, cache_dir=False)
    return sorted(s.id for s in repo.states(day) if s.state == "overdue")


def test_the_first_query_after_validate_reads_the_shards(root: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:  # fmt: skip
    from cdsctl.validation.pipeline import validate

    validate(root)
    day, later = date(2024, 6, 30), date(2025, 1, 31)
    want, then = uncached(root, day), uncached(root, later)
    assert want

    def no_full_load(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("every record loaded")

    described = {
        i: t.description for i, t in repository.load(root, cache_dir=False).records.tasks.items()
    }
    monkeypatch.setattr(repository, "load", no_full_load)
    assert overdue(root, day) == want
    store = Store.for_root(Path(os.environ["CDSCTL_CACHE_DIR"]), root)
    assert store.read(snapshots.DIGEST) is not None, "its snapshot is kept"
    kept = repository.light(root, text=True)
    assert (
        kept.checked is None
        and {i: t.description for i, t in kept.records.tasks.items()} == described
    )
    assert repository.one(root, sorted(repository.light(root).records.tasks)[0]) is not None
    assert overdue(root, later) == then  # (from the snapshot kept)


def test_a_file_changed_since_validate_is_read(root: Path) -> None:
    from cdsctl.validation.pipeline import validate

    validate(root)
    task = sorted((root / "tasks").rglob("*.yaml"))[3]
    text = task.read_text("utf-8")
    task.write_text(text.replace("title:", "title: Đổi tên -", 1), "utf-8")
    day = date(2024, 6, 30)
    assert overdue(root, day) == uncached(root, day)
    light = repository.light(root)
    assert light.records.tasks[record_id(task)].title.startswith("Đổi tên -")


@pytest.mark.parametrize("raises", [False, True])
def test_an_answer_made_before_the_walk_tells_of_a_change_is_made_again(
    root: Path, monkeypatch: pytest.MonkeyPatch, raises: bool
) -> None:
    """The answer is computed from the validation's records while the walk runs; when the
    walk then finds a file changed, that answer (or the error it raised: an --agency only the
    new files name, say) is dropped and the answer of the files as they are is given."""
    from cdsctl.validation.pipeline import validate
    from cdsctl.validation.walking import Walking

    validate(root)
    task = sorted((root / "tasks").rglob("*.yaml"))[3]
    task.write_text(task.read_text("utf-8").replace("title:", "title: Đổi tên -", 1), "utf-8")
    monkeypatch.setattr(Walking, "done", lambda self: False)  # (a walk still under way)
    seen: list[str] = []

    def compute(repo: repository.Repository) -> str:
        title = repo.records.tasks[record_id(task)].title
        seen.append(title)
        if raises and not title.startswith("Đổi tên -"):
            raise KeyError("an agency the new files name")
        return title

    kept: list[str] = []  # (what a CLI keeps alive to its end: the current records only)
    found = repository.answer(root, "title", compute, light=True, loaded=lambda repo: kept.append(
        repo.records.tasks[record_id(task)].title)).value  # fmt: skip
    assert found.startswith("Đổi tên -") and found == seen[-1]
    assert len(seen) == 2 and not seen[0].startswith("Đổi tên -"), "made early, then again"
    assert kept == [found], "the records the walk did not vouch for are let go of"
    assert repository.answer(root, "title", compute, light=True).value == found


def record_id(task: Path) -> str:
    import yaml

    return yaml.safe_load(task.read_text("utf-8"))["id"]


def test_the_snapshot_lock_is_held_from_before_the_output(root: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:  # fmt: skip
    """The snapshot is kept after the output; its lock is taken before it, so a command
    started in between waits for the new snapshot instead of reading the old one."""
    import fcntl

    from cdsctl.validation import cache
    from cdsctl.validation.pipeline import validate

    validate(root)
    monkeypatch.setattr(cache, "later", [])
    overdue(root, date(2024, 6, 30))
    store = Store.for_root(Path(os.environ["CDSCTL_CACHE_DIR"]), root)
    fd = os.open(store.folder / snapshots.LOCK, os.O_RDONLY)
    try:
        with pytest.raises(BlockingIOError):  # (another open file: as another process)
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        assert store.read(snapshots.DIGEST) is None
        cache.output_out()  # (as the command does once its output is out)
        for work in cache.later:
            work()
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # free once it is kept
        assert store.read(snapshots.DIGEST) is not None
    finally:
        os.close(fd)
    assert not cache._held.get(snapshots.LOCK)


def _held_elsewhere(store: Store, note: bytes) -> int:
    """The snapshot's lock taken as another process keeping one takes it, with `note`:
    through a file opened apart (a flock belongs to the open file).  Its descriptor."""
    import fcntl

    store.folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(store.folder / snapshots.LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.write(fd, note)
    return fd


def test_a_query_beside_the_keeping_of_the_shards_snapshot_makes_it_too(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second query after `validate`, started while the first one's child keeps the
    snapshot it made from the shards: it makes the records from the shards as well rather
    than waiting for that child (which then holds the lock), and keeps nothing itself."""
    from cdsctl.validation import cache
    from cdsctl.validation.pipeline import validate

    validate(root)
    day = date(2024, 6, 30)
    want = uncached(root, day)
    described = {
        i: t.description for i, t in repository.load(root, cache_dir=False).records.tasks.items()
    }
    store = Store.for_root(Path(os.environ["CDSCTL_CACHE_DIR"]), root)

    def no_wait(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("waited for the snapshot being kept")

    def no_full_load(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("every record loaded")

    monkeypatch.setattr(cache, "settled", no_wait)
    monkeypatch.setattr(repository, "load", no_full_load)
    monkeypatch.setattr(cache, "later", [])
    fd = _held_elsewhere(store, snapshots.SHARDS)
    try:
        assert overdue(root, day) == want
        light = repository.light(root, text=True, where=True)
        assert {i: t.description for i, t in light.records.tasks.items()} == described
        assert light.where is not None and light.settled
        cache.output_out()  # (as the command does once its output is out)
        for work in cache.later:  # (what this process keeps after its output: no snapshot)
            work()
        assert store.read(snapshots.DIGEST) is None
    finally:
        os.close(fd)


def test_a_query_waits_for_a_snapshot_kept_from_elsewhere(root: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:  # fmt: skip
    """A snapshot being kept that is not the shards' (a patched one, say) is waited for."""
    from cdsctl.validation import cache
    from cdsctl.validation.pipeline import validate

    validate(root)
    waited: list[str] = []
    monkeypatch.setattr(cache, "settled", lambda store, lock, timeout: waited.append(lock))
    monkeypatch.setattr(cache, "later", [])  # (what it keeps: after the output, not here)
    fd = _held_elsewhere(Store.for_root(Path(os.environ["CDSCTL_CACHE_DIR"]), root), b"")
    try:
        day = date(2024, 6, 30)
        assert overdue(root, day) == uncached(root, day)
    finally:
        os.close(fd)
    assert waited == [snapshots.LOCK]
    cache.output_out()  # (as the command does once its output is out)
    for work in cache.later:
        work()
    assert not cache._held.get(snapshots.LOCK)


def test_the_keeper_lets_go_of_the_lock_once_the_snapshot_is_kept(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where each record is, for `show`, is kept after the snapshot, the lock let go: a
    query waits for the snapshot only."""
    import fcntl

    from cdsctl.snapshot import keeping
    from cdsctl.validation import cache
    from cdsctl.validation.pipeline import validate

    validate(root)
    monkeypatch.setattr(cache, "later", [])
    overdue(root, date(2024, 6, 30))
    store = Store.for_root(Path(os.environ["CDSCTL_CACHE_DIR"]), root)
    assert (store.folder / snapshots.LOCK).read_bytes() == snapshots.SHARDS
    free: list[bool] = []
    index = keeping.keep_index_of

    def keep_index(*args: Any, **kwargs: Any) -> None:
        fd = os.open(store.folder / snapshots.LOCK, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            free.append(store.read(snapshots.DIGEST) is not None)
        except BlockingIOError:
            free.append(False)
        finally:
            os.close(fd)
        index(*args, **kwargs)

    monkeypatch.setattr(keeping, "keep_index_of", keep_index)
    cache.output_out()  # (as the command does once its output is out)
    for work in cache.later:
        work()
    assert free == [True]
    assert not cache._held.get(snapshots.LOCK)


def test_a_query_with_no_validation_validates_apart_then_reads_the_shards(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No validation kept (a first run, a new cdsctl): the query validates in a child, whose
    memory goes with it, keeping what `validate` keeps (the account an edit's validation
    starts from), then makes its records from the shards; never every record loaded."""
    from cdsctl.validation import cache, workers
    from cdsctl.validation.incremental import STATE_FILES

    day = date(2024, 6, 30)
    want = uncached(root, day)

    def no_full_load(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("every record loaded")

    children: list[bool] = []
    apart = workers.apart

    def counted(work: Any) -> bool:
        children.append(done := apart(work))
        return done

    monkeypatch.setattr(repository, "load", no_full_load)
    monkeypatch.setattr(workers, "apart", counted)
    monkeypatch.setattr(cache, "later", [])  # (as from the CLI: kept after the output)
    assert overdue(root, day) == want
    assert children == [True]
    store = Store.for_root(Path(os.environ["CDSCTL_CACHE_DIR"]), root)
    assert store.read(STATE_FILES) is not None, "the account of the run is kept"
    cache.output_out()  # (as the command does once its output is out)
    for work in cache.later:
        work()
    assert not cache._held.get(snapshots.LOCK)


def test_without_fork_the_query_validates_here(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdsctl.validation import workers

    monkeypatch.setattr(workers, "_in_child", lambda make: None)
    day = date(2024, 6, 30)
    assert overdue(root, day) == uncached(root, day)


def test_apart_runs_the_work_in_a_child(tmp_path: Path) -> None:
    from cdsctl.validation.workers import apart

    mark = tmp_path / "pid"
    assert apart(lambda: mark.write_text(str(os.getpid())))
    assert int(mark.read_text()) != os.getpid()

    def fails() -> None:
        raise ValueError("no")

    assert apart(fails) is False


def test_a_lock_taken_without_a_note_clears_the_note_before(tmp_path: Path) -> None:
    """What a keeper noted is not what the next holder of the lock keeps."""
    import fcntl

    from cdsctl.validation import cache

    store = Store(tmp_path / "cache")
    fd = _held_elsewhere(store, snapshots.SHARDS)
    fcntl.flock(fd, fcntl.LOCK_UN)
    with cache.keeping(store, snapshots.LOCK):
        assert (store.folder / snapshots.LOCK).read_bytes() == b""
    os.close(fd)


# -- the holiday calendars kept with the validation ----------------------------------------------

_STATES_FROM_THE_CACHE = """
import json, sys
from datetime import date
from pathlib import Path
from cdsctl.snapshot import fromshards
from cdsctl.state import task_states
from cdsctl.dates.workdays import WorkCalendar
from cdsctl.validation.cache import Store
root, cache = Path(sys.argv[1]), Path(sys.argv[2])
made = fromshards.made(Store.for_root(cache, root), lean=True)
records = made.records
calendar = WorkCalendar(records.calendar.days_off, records.calendar.working_days)
found = {day: sorted((s.id, s.state, str(s.deadline)) for s in
                     task_states(records, date.fromisoformat(day), calendar))
         for day in sys.argv[3:]}
print(json.dumps({"imported": "holidays" in sys.modules, "states": found}))
"""


def test_a_query_from_the_cache_needs_no_holidays_package(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:  # fmt: skip
    """A validation keeps the holiday calendars of the years its deadlines in working days
    run through (dates.workdays.years_to_keep); records made from its cache, in a new
    process, count those deadlines with them: the same states as a full load, and the
    `holidays` package never imported.  A result kept by another version of the package
    is not taken (test_workdays), and one kept before an edit is carried on."""
    from cdsctl.validation.pipeline import HOLIDAYS, validate

    root, cache = aged(shutil.copytree(BUNDLED, tmp_path / "records")), tmp_path / "cache"
    assert any("working_days" in p.read_text("utf-8") for p in (root / "tasks").rglob("*.yaml"))
    validate(root, cache_dir=cache)
    kept = Store.for_root(cache, root).read("result")[HOLIDAYS]
    assert kept and kept["years"], "the years counted through are kept"
    days = ["2023-06-30", "2024-12-31"]
    ran = subprocess.run([sys.executable, "-c", _STATES_FROM_THE_CACHE, str(root), str(cache),
                          *days], check=True, capture_output=True, text=True)  # fmt: skip
    answer = json.loads(ran.stdout)
    assert answer["imported"] is False
    full = repository.load(root, cache_dir=False)
    for day in days:
        want = sorted((s.id, s.state, str(s.deadline))
                      for s in full.states(date.fromisoformat(day)))  # fmt: skip
        assert [tuple(s) for s in answer["states"][day]] == want
    # an edit elsewhere: the incremental run keeps the years it did not count again
    report = sorted((root / "reports").rglob("*.yaml"))[0]
    report.write_text(report.read_text("utf-8") + "# edited\n", "utf-8")
    from cdsctl.dates import workdays

    monkeypatch.setattr(workdays, "_YEARS", {})  # (as in a new process)
    validate(root, cache_dir=cache)
    assert Store.for_root(cache, root).read("result")[HOLIDAYS]["years"] == kept["years"]


_SHOWN_FROM_THE_INDEX = """
import sys
from pathlib import Path
from cdsctl import repository
from cdsctl.state import base_due
root, task_id = Path(sys.argv[1]), sys.argv[2]
repo = repository.one(root, task_id)
assert repo is not None, "the index kept with the snapshot vouches"
print(base_due(repo.records.tasks[task_id], repo.records, repo.calendar()),
      "holidays" in sys.modules)
"""


def test_show_counts_a_deadline_in_working_days_without_the_package(root: Path) -> None:
    """`show` reads a task from the index kept with the snapshot (snapshot.where), which
    keeps the holiday calendars too: its deadline in working days is counted in a new
    process without importing the `holidays` package, to the day a full load counts."""
    from cdsctl.state import base_due
    from cdsctl.validation.pipeline import validate

    validate(root)
    overdue(root, date(2024, 6, 30))  # (keeps the snapshot and the index)
    full = repository.load(root, cache_dir=False)
    task = next(t for t in full.records.tasks.values() if t.due_working_days is not None)
    want = base_due(task, full.records, full.calendar())
    ran = subprocess.run([sys.executable, "-c", _SHOWN_FROM_THE_INDEX, str(root), task.id],
                         check=True, capture_output=True, text=True)  # fmt: skip
    assert ran.stdout.split() == [str(want), "False"]
