"""The snapshot (cdsctl.snapshot) answers exactly as the records do: the same typed records
back, the same task states at every date, and it is used only while the files are the same."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl import repository
from cdsctl.dates.workdays import WorkCalendar
from cdsctl.load.files import walk
from cdsctl.model import Records, Report, Task
from cdsctl.snapshot import columns
from cdsctl.snapshot import store as snapshots
from cdsctl.state import TaskState, task_states

from .test_state import directive, monthly, one_off_records, records

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "records"
CAL = WorkCalendar()


def shown(states: list[TaskState]) -> list[tuple[Any, ...]]:
    """What every query reads of a state (descriptions are read only for a search)."""
    return [(s.id, s.period, s.state, s.deadline, s.completed, s.days_overdue, s.days_late,
             s.latest, dataclasses.replace(s.task, description=None))
            for s in states]  # fmt: skip


def round_trip(recs: Records, text: bool = True) -> Records:
    view, texts = columns.encode(recs)
    return columns.decode(view, texts if text else None)


def dates(first: date, last: date, step: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(0, (last - first).days + 1, step)]


# -- the bundled records -----------------------------------------------------------------------


def test_bundled_records_come_back_whole(tmp_path: Path) -> None:
    repo = repository.load(BUNDLED, cache_dir=tmp_path)
    back = round_trip(repo.records)
    for kind in ("agencies", "directives", "tasks", "meetings", "indicators", "calendar",
                 "agency_ids"):  # fmt: skip
        assert getattr(back, kind) == getattr(repo.records, kind), kind
    assert back.tasks  # (not two empty tables)
    without = round_trip(repo.records, text=False)
    assert all(t.description is None for t in without.tasks.values())
    assert any(t.description for t in repo.records.tasks.values())


def test_bundled_states_equal_at_every_date(tmp_path: Path) -> None:
    """Every task and instance of the bundled records, every 9 days over five years."""
    repo = repository.load(BUNDLED, cache_dir=tmp_path)
    found = snapshots.load(snapshots_store(tmp_path), lambda: walk(BUNDLED))
    assert found is not None, "load() keeps a snapshot"
    snap = repository.Repository(BUNDLED, found.records, None, found.skipped, found.digest)
    checked = 0
    for day in dates(date(2021, 1, 1), date(2026, 12, 31), 9):
        want, got = shown(repo.states(day)), shown(snap.states(day))
        assert got == want, day
        checked += len(want)
    assert checked > 1000


def snapshots_store(cache_dir: Path) -> Any:
    from cdsctl.validation.cache import Store

    return Store.for_root(cache_dir, BUNDLED)


# -- generated records ---------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(one_off_records(), min_size=1, max_size=4),
       recurring=st.lists(st.tuples(st.sampled_from(["monthly", "quarterly", "half-yearly",
                                                      "yearly"]),
                                    st.dates(date(2021, 1, 1), date(2023, 12, 31)),
                                    st.none() | st.integers(1, 31)), max_size=3),
       day=st.dates(date(2021, 1, 1), date(2025, 12, 31)))  # fmt: skip
def test_generated_states_equal(cases: list[tuple[Task, list[Report]]],
                                recurring: list[tuple[str, date, int | None]],
                                day: date) -> None:  # fmt: skip
    """One-off tasks with extensions, completion, cancellation and reports, and recurring
    duties with period reports: the same states from the snapshot's records."""
    items: list[Task | Report] = []
    for n, (task, reports) in enumerate(cases):
        items.append(dataclasses.replace(task, id=f"T{n}"))
        for report in reports:  # (report ids are unique across cases)
            item = dataclasses.replace(report.tasks[0], task=f"T{n}" if report.tasks[0].task ==
                                       "T" else "U")  # fmt: skip
            items.append(dataclasses.replace(report, id=f"{report.id}-{n}", tasks=(item,)))
    for n, (every, start, due_day) in enumerate(recurring):
        items.append(
            dataclasses.replace(
                monthly(every=every, start=start.isoformat(), due_day=due_day), id=f"R{n}"
            )
        )
        items.append(period_report(f"R{n}", start))
    recs = records(*items, directives=[directive(issued="2021-01-01")])
    assert shown(task_states(round_trip(recs), day, CAL)) == shown(task_states(recs, day, CAL))


def period_report(task_id: str, start: date) -> Report:
    """A `done` report on the first period of a duty."""
    from .test_state import report

    month = f"{start.year}-{start.month:02d}"
    return report(start.isoformat(), task_id, "done", period=month, id=f"BC-{task_id}")


def test_generated_root_states_equal(generated: Path, tmp_path: Path) -> None:
    repo = repository.load(generated, cache_dir=tmp_path)
    found = snapshots.load(_store(tmp_path, generated), lambda: walk(generated))
    assert found is not None
    snap = repository.Repository(generated, found.records, None, found.skipped, found.digest)
    kinds = set()
    for day in dates(date(2020, 6, 1), date(2026, 6, 1), 23):
        want = repo.states(day)
        assert shown(snap.states(day)) == shown(want), day
        kinds.update(s.state for s in want)
    assert len(kinds) == 6  # every state met on the way


def _store(cache_dir: Path, root: Path) -> Any:
    from cdsctl.validation.cache import Store

    return Store.for_root(cache_dir, root)


# -- when the snapshot serves ------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "records"
    shutil.copytree(BUNDLED, copy)
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "cache"))
    old = 1_600_000_000  # every file well before the cache's writing (the racy rule)
    for path in copy.rglob("*"):
        os.utime(path, (old, old))
    return copy


def overdue_ids(root: Path, day: date) -> list[str]:
    def compute(repo: repository.Repository) -> list[str]:
        return sorted(s.id for s in repo.states(day) if s.state == "overdue")

    return repository.answer(root, f"ids|{day}", compute, light=True).value


def test_a_new_date_is_answered_from_the_snapshot(root: Path, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:  # fmt: skip
    first = overdue_ids(root, date(2023, 6, 30))
    calls = []
    monkeypatch.setattr(repository, "load", lambda *a, **k: calls.append(1))  # must not run
    later = overdue_ids(root, date(2023, 9, 30))
    assert calls == [] and later and later != first


def test_an_edited_file_is_read_again(root: Path) -> None:
    day = date(2023, 6, 30)
    before = overdue_ids(root, day)
    victim = next(i for i in before if "@" not in i)
    path = next(p for p in root.rglob("*.yaml") if f"id: {victim}\n" in p.read_text())
    text = path.read_text()
    path.write_text(text.replace(f"id: {victim}\n", f"id: {victim}\ncompleted: 2023-01-02\n", 1))
    old = 1_600_000_100
    os.utime(path, (old, old))  # not racy: only the stamp's size and ctime tell the change
    after = overdue_ids(root, date(2023, 7, 1))
    assert victim not in after


def test_a_damaged_snapshot_is_not_trusted(root: Path) -> None:
    want = overdue_ids(root, date(2023, 6, 30))
    folder = next((root.parent / "cache").iterdir())
    view = folder / "snapshot"
    view.write_bytes(view.read_bytes()[:-100])
    assert overdue_ids(root, date(2023, 6, 29)) == overdue_ids_uncached(root, date(2023, 6, 29))
    assert want


def overdue_ids_uncached(root: Path, day: date) -> list[str]:
    def compute(repo: repository.Repository) -> list[str]:
        return sorted(s.id for s in repo.states(day) if s.state == "overdue")

    return repository.answer(root, "x", compute, cache=False).value


def test_show_from_the_snapshot_equals_show_from_the_records(root: Path) -> None:
    """`cdsctl show` of every record of the bundled root (tasks, instances, directives,
    reports, meetings, indicators, agencies) is the same from the snapshot."""
    from cdsctl.output.show import describe

    day = date(2023, 6, 30)
    full = repository.load(root)
    light = repository.light(root, where=True)
    assert light.checked is None and light.where is not None  # (from the snapshot)
    ids = [*full.records.tasks, *full.records.directives, *full.records.meetings,
           *full.records.indicators, "ND-STTTT"]  # fmt: skip
    ids += [s.id for s in full.validation.summaries if s.kind == "report"][:20]
    ids += [s.id for s in full.states(day) if s.period][:5]
    for record_id in ids:
        assert describe(light, record_id, day) == describe(full, record_id, day), record_id
    assert len(ids) > 60


def test_show_without_a_walk_equals_show_from_the_records(root: Path) -> None:
    """repository.one reads only the record's own files (and the reports on it, its
    directive, agencies.yaml, calendar.yaml): `show` of every bundled record is the same."""
    from cdsctl.output.show import describe

    day = date(2024, 3, 31)
    overdue_ids(root, day)  # a query keeps the snapshot, and where each record is
    full = repository.load(root)
    ids = [*full.records.tasks, *full.records.directives, *full.records.meetings,
           *full.records.indicators, "ND-STTTT"]  # fmt: skip
    ids += [s.id for s in full.validation.summaries if s.kind == "report"][:20]
    ids += [s.id for s in full.states(day) if s.period][:5]
    for record_id in ids:
        quick = repository.one(root, record_id)
        assert quick is not None, record_id
        assert describe(quick, record_id, day) == describe(full, record_id, day), record_id
        assert quick.skipped == full.skipped


def test_show_without_a_walk_steps_aside_when_a_folder_or_its_file_changed(root: Path) -> None:
    task = "TB-128-2022.1"
    assert repository.one(root, task) is None  # nothing kept yet
    overdue_ids(root, date(2024, 3, 31))
    assert repository.one(root, task) is not None  # a query keeps where each record is
    path = next(p for p in root.rglob("*.yaml") if f"id: {task}\n" in p.read_text())
    text = path.read_text()
    old = 1_600_000_500  # (not racy: only a stamp that differs tells the change)
    path.write_text(text + "# a note\n")  # edited in place: the folder keeps its stamp
    os.utime(path, (old, old))
    assert repository.one(root, task) is None
    overdue_ids(root, date(2024, 3, 30))  # kept anew for the edited file (the patch)
    assert repository.one(root, task) is not None
    added = root / "reports" / "2099" / "new.yaml"  # a report elsewhere, in a new folder
    added.parent.mkdir()
    added.write_text("kind: report\n")
    for p in (added, added.parent, root / "reports"):
        os.utime(p, (old, old))
    assert repository.one(root, task) is None


@pytest.mark.parametrize("kind", ["task", "directive", "report", "meeting", "indicator"])
def test_show_without_a_walk_passes_over_a_record_without_its_id(root: Path, kind: str) -> None:
    """A record file of any kind that lacks its id (an error: left out of queries) is one
    `show` neither reads nor trusts changed: hypothesis found `show` reading such a task."""
    from cdsctl.output.show import describe

    folder = {"task": "tasks", "directive": "directives", "report": "reports",
              "meeting": "meetings", "indicator": "indicators"}[kind]  # fmt: skip
    lost = root / folder / "no-id.yaml"
    lost.write_text(f"kind: {kind}\ntitle: Không có mã\n", "utf-8")
    old = 1_600_000_000
    os.utime(lost, (old, old))
    os.utime(lost.parent, (old, old))
    day, task = date(2024, 3, 31), "TB-128-2022.1"
    overdue_ids(root, day)  # a query keeps the snapshot, and where each record is
    full = repository.load(root)
    assert f"{folder}/no-id.yaml" in full.skipped
    for record_id in (task, "ND-STTTT", full.records.tasks[task].directive):
        quick = repository.one(root, record_id)
        assert quick is not None, record_id
        assert describe(quick, record_id, day) == describe(full, record_id, day), record_id
    lost.write_text(f"kind: {kind}\nid: X-1\ntitle: Có mã\n", "utf-8")  # in place
    os.utime(lost, (old + 500, old + 500))
    assert repository.one(root, task) is None  # (its stamp changed: the full path)


def test_an_error_from_a_stale_snapshot_is_not_shown(root: Path) -> None:
    """A query computed from the snapshot before the walk vouches for it: an agency added
    since (unknown to the snapshot) must not be an error."""
    from cdsctl.filters import FilterError, agency_id

    overdue_ids(root, date(2023, 6, 30))  # the snapshot is kept
    agencies = root / "agencies.yaml"
    text = agencies.read_text()
    agencies.write_text(text + "  - id: ND-MOI\n    name: Sở Mới tỉnh Nam Định\n")
    os.utime(agencies, (1_600_000_900, 1_600_000_900))

    def compute(repo: repository.Repository) -> str:
        return agency_id(repo.records, "ND-MOI")

    assert repository.answer(root, "moi", compute, light=True).value == "ND-MOI"
    with pytest.raises(FilterError):  # (and a current snapshot's error is the answer)
        repository.answer(root, "none", lambda r: agency_id(r.records, "ND-KHONG"), light=True)


def test_the_cli_keeps_the_snapshot_after_its_answer(root: Path, tmp_path: Path) -> None:
    """The first query after a change answers, then keeps the snapshot in a child process
    of its own: it appears, and the next new date is answered from it, equal to the records."""
    cache = tmp_path / "cache"
    env = {**os.environ, "CDSCTL_CACHE_DIR": str(cache)}
    cdsctl = [sys.executable, "-m", "cdsctl"]

    def overdue(day: str) -> list[dict[str, Any]]:
        args = ["overdue", "--records", str(root), "--as-of", day, "--format", "json"]
        done = subprocess.run([*cdsctl, *args], env=env, capture_output=True, check=True)
        import json

        return json.loads(done.stdout)

    first = overdue("2023-06-30")
    assert first
    import time

    for _ in range(300):  # the child writes it after the answer is out
        if list(cache.glob("*/snapshot.digest")):
            break
        time.sleep(0.1)
    assert list(cache.glob("*/snapshot.digest")), "the snapshot was kept"
    later = overdue("2023-09-30")
    want = overdue_ids_uncached(root, date(2023, 9, 30))
    assert sorted(row["id"] for row in later) == want


# -- `validate` keeps the snapshot; a query waits for one being kept ----------------------------


def test_a_query_waits_for_the_snapshot_being_kept(tmp_path: Path) -> None:
    import time

    from cdsctl.validation.cache import Store

    store = Store(tmp_path / "cache")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a process keeping the snapshot for a second
        try:
            with snapshots.keeping(store):
                os.write(write, b"x")
                time.sleep(1.0)
        finally:
            os._exit(0)
    os.read(read, 1)
    start = time.monotonic()
    snapshots.settled(store)
    waited = time.monotonic() - start
    os.waitpid(pid, 0)
    assert 0.5 < waited < 30
    start = time.monotonic()
    snapshots.settled(store)  # (nobody keeps it now)
    assert time.monotonic() - start < 0.5
