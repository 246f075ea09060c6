"""The validation cache is used when it may be, and never trusted when it may not."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cdsctl import validate
from cdsctl.validation import answers as stored_answers
from cdsctl.validation.cache import Store

from .conftest import AGENCIES, DIRECTIVE, TASK, build_tree

HOUR_AGO = time.time() - 3600


def _root(tmp_path: Path) -> Path:
    root = build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES,
                                          "directives/TB-128-2022.yaml": DIRECTIVE,
                                          "tasks/TB-128-2022.1.yaml": TASK})  # fmt: skip
    for path in root.rglob("*.yaml"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    return root


def _edit(path: Path, old: str, new: str, when: float = HOUR_AGO + 60) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, (when, when))


def test_second_run_reads_nothing_and_says_the_same(tmp_path: Path) -> None:
    root, cache = _root(tmp_path), tmp_path / "c"
    first = validate(root, cache_dir=cache)
    second = validate(root, cache_dir=cache)
    assert (first.checked, second.checked) == (3, 0)
    assert second.diagnostics == first.diagnostics
    assert [s.values for s in second.summaries] == [s.values for s in first.summaries]


def test_a_changed_file_is_checked_again(tmp_path: Path) -> None:
    root, cache = _root(tmp_path), tmp_path / "c"
    validate(root, cache_dir=cache)
    _edit(root / "tasks/TB-128-2022.1.yaml", "2022-05-20", "2022-02-30")
    result = validate(root, cache_dir=cache)
    assert result.checked == 1
    assert [d.code for d in result.diagnostics] == ["date-invalid"]


def test_same_size_same_mtime_edit_in_the_racy_window_is_not_trusted(tmp_path: Path) -> None:
    root, cache = _root(tmp_path), tmp_path / "c"
    task = root / "tasks/TB-128-2022.1.yaml"
    now = time.time()
    os.utime(task, (now, now))  # written in the same tick as the cache
    validate(root, cache_dir=cache)
    stat = task.stat()
    _edit(task, "2022-05-20", "2022-02-30", when=now)  # same size, same mtime
    os.utime(task, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    result = validate(root, cache_dir=cache)
    assert [d.code for d in result.diagnostics] == ["date-invalid"]


@pytest.mark.parametrize("fine", [True, False])
def test_a_file_saved_a_moment_before_the_run_is_racy_only_where_times_are_coarse(
    tmp_path: Path, fine: bool
) -> None:
    """The racy window runs back from when the run began reading (cache.racy_bounds): a
    file saved 0.3 s before `validate` (a person saves, then types the command) is not
    racy where the file system keeps times below the millisecond, so the run's result
    answers the next query at once (pipeline.stored); a time in whole milliseconds (FAT
    keeps 2 s) is racy for 2 s, and the next run checks the file again."""
    from cdsctl.load.files import seen
    from cdsctl.validation.pipeline import stored

    root, cache = _root(tmp_path), tmp_path / "c"
    task = root / "tasks/TB-128-2022.1.yaml"
    validate(root, cache_dir=cache)
    task.write_text(task.read_text(encoding="utf-8") + "# sửa\n", encoding="utf-8")
    saved = time.time_ns() - 300_000_000
    saved = saved + 123_457 if fine else saved - saved % 1_000_000_000  # (fine: not whole ms)
    os.utime(task, ns=(saved, saved))
    assert validate(root, cache_dir=cache).checked == 1
    assert (stored(root, seen(root), cache_dir=cache) is not None) == fine
    assert validate(root, cache_dir=cache).checked == (0 if fine else 1)


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "missing"])
@pytest.mark.parametrize("part", ["files", "files.0"])  # the manifest, a shard
def test_a_corrupt_cache_is_ignored(tmp_path: Path, damage: str, part: str) -> None:
    root, cache = _root(tmp_path), tmp_path / "c"
    validate(root, cache_dir=cache)
    (blob,) = list(cache.rglob(part))
    data = blob.read_bytes()
    broken = {"truncate": data[: len(data) // 2],
              "flip": data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:],
              "garbage": b"\x80\x05not a cache", "missing": None}[damage]  # fmt: skip
    if broken is None:
        blob.unlink()
    else:
        blob.write_bytes(broken)
    _edit(root / "tasks/TB-128-2022.1.yaml", "lead: STTTT", "lead: NOPE")
    result = validate(root, cache_dir=cache)
    assert result.checked == 3
    assert [d.code for d in result.diagnostics] == ["unresolved-reference"]


def test_a_cache_written_by_other_code_is_ignored(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.write("x", {"a": 1})
    assert store.read("x") == {"a": 1}
    other = Store(tmp_path)
    other.fingerprint = b"0" * 16
    assert other.read("x") is None


def test_removed_and_added_files_are_seen(tmp_path: Path) -> None:
    root, cache = _root(tmp_path), tmp_path / "c"
    validate(root, cache_dir=cache)
    (root / "tasks/TB-128-2022.1.yaml").unlink()
    build_tree(root, {"tasks/extra.yaml": "kind: task\nid: extra\n"})
    result = validate(root, cache_dir=cache)
    assert {d.file for d in result.diagnostics} == {"tasks/extra.yaml"}
    assert {s.file for s in result.summaries} == {"agencies.yaml", "directives/TB-128-2022.yaml",
                                                  "tasks/extra.yaml"}  # fmt: skip


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = _root(tmp_path)
    validate(root, cache_dir=False)
    assert not (tmp_path / "c").exists()


def test_a_broken_link_does_not_make_every_run_cold(tmp_path: Path) -> None:
    root, cache = _root(tmp_path), tmp_path / "c"
    (root / "tasks" / "gone.yaml").symlink_to(root / "nowhere.yaml")
    first = validate(root, cache_dir=cache)
    second = validate(root, cache_dir=cache)
    assert (first.checked, second.checked) == (4, 0)
    assert [d.code for d in second.diagnostics] == ["unreadable"]


def test_whole_run_result_is_reused_only_for_the_same_files_and_day(tmp_path: Path) -> None:
    from datetime import date

    root, cache = _root(tmp_path), tmp_path / "c"
    agencies = root / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8")
    text = text.replace("  - id: STTTT\n", "  - id: STTTT\n    until: 2022-12-31\n")
    agencies.write_text(text, encoding="utf-8")
    os.utime(agencies, (HOUR_AGO, HOUR_AGO))
    before = date(2022, 12, 31)
    first = validate(root, cache_dir=cache, today=before, summaries=False)
    again = validate(root, cache_dir=cache, today=before, summaries=False)
    assert (first.checked, again.checked, again.diagnostics) == (3, 0, [])
    later = validate(root, cache_dir=cache, today=date(2023, 1, 1), summaries=False)
    assert [d.code for d in later.diagnostics] == ["agency-expired"]  # the day matters
    assert later.checked == 0  # (the files' own results came from the cache)
    same_span = validate(root, cache_dir=cache, today=date(2023, 5, 1), summaries=False)
    assert same_span.diagnostics == later.diagnostics
    import cdsctl.checks.crossfile as crossfile
    import cdsctl.checks.partial as partial

    def no_checks(*args: Any) -> Any:
        raise AssertionError("a day in the span is answered from the stored result")

    monkey = pytest.MonkeyPatch()
    for module, name in ((crossfile, "full_checks"), (partial, "recheck_edit")):
        monkey.setattr(module, name, no_checks)  # (what a full and a partial run call)
    try:  # a later day, then an earlier one, within the span [2023-01-01, ∞)
        for day in (date(2031, 1, 1), date(2023, 1, 1)):
            again = validate(root, cache_dir=cache, today=day, summaries=False)
            assert [d.code for d in again.diagnostics] == ["agency-expired"]
    finally:
        monkey.undo()
    _edit(root / "tasks/TB-128-2022.1.yaml", "lead: STTTT", "lead: SCT")
    edited = validate(root, cache_dir=cache, today=date(2023, 1, 1), summaries=False)
    assert (edited.checked, edited.diagnostics) == (1, [])


def test_the_stamps_digest_is_canonical() -> None:
    from cdsctl.validation.cache import stamps_digest as _digest

    shared = (10, 20, 30)
    a = {"x.yaml": shared, "y.yaml": shared}  # one object twice (marshal would share it)
    b = {"y.yaml": (10, 20, 30), "x.yaml": (10, 20, 30)}
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest({"x.yaml": shared, "y.yaml": (10, 20, 31)})
    assert _digest({"xy.yaml": shared}) != _digest({"x.yaml": shared, "y.yaml": ()})
    huge = {"x.yaml": (10, 20, 2**64 - 1)}  # inode numbers can pass a signed 64-bit int
    assert _digest(huge) == _digest(dict(huge)) != _digest({"x.yaml": (10, 20, 2**64 - 2)})


def test_query_answers_are_reused_only_while_the_records_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdsctl import repository
    from cdsctl.validation import pipeline

    root = _root(tmp_path)
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "c"))
    calls: list[int] = []
    walks: list[str] = []

    def counted(name: str, real: Any) -> Any:
        def walk(*args: Any, **kwargs: Any) -> Any:
            walks.append(name)
            return real(*args, **kwargs)

        return walk

    from cdsctl.validation import walking

    monkeypatch.setattr(walking, "walk", counted("answers", walking.walk))
    monkeypatch.setattr(pipeline, "walk", counted("validation", pipeline.walk))

    def compute(repo: repository.Repository) -> list[str]:
        calls.append(1)
        return sorted(repo.records.tasks)

    def ask(key: str) -> Any:
        return repository.answer(root, key, compute).value

    assert ask("k") == ["TB-128-2022.1"]
    assert ask("k") == ["TB-128-2022.1"]
    assert len(calls) == 1  # the second came from the cache
    assert ask("other") and len(calls) == 2  # another question
    build_tree(root, {"tasks/TB-128-2022.2.yaml": TASK.replace(".1", ".2")})
    os.utime(root / "tasks/TB-128-2022.2.yaml", (HOUR_AGO, HOUR_AGO))
    assert ask("k") == ["TB-128-2022.1", "TB-128-2022.2"]
    assert len(calls) == 3
    # each question walks the files in a process of its own (beside reading the cache);
    # a map of every stamp is made here only when a validation must check files (the first
    # question, the one after the change), and handed to it, not made again
    assert walks == ["answers"] * 2
    assert repository.answer(root, "k", compute, cache=False).value == ask("k")
    assert len(calls) == 4  # cache=False computes, and stores nothing


def test_stored_answers_are_bounded_oldest_dropped_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most KEEP_ANSWERS answers and ANSWER_BYTES bytes, each in its own file; an answer
    over a quarter of the bytes is not kept; what is dropped is gone from the disk."""
    from cdsctl.load.files import walk
    from cdsctl.validation import cache

    root = _root(tmp_path)
    answers = stored_answers.Answers(root, tmp_path / "c")
    stamps = walk(root)
    digest = cache.stamps_digest(stamps)
    later = int(HOUR_AGO * 10**9) + 10**13  # (not racy)
    monkeypatch.setattr(stored_answers, "now_ns", lambda: later)
    for n in range(stored_answers.KEEP_ANSWERS + 4):
        answers.save(f"q{n}", [n] * 10, digest)
    fresh = stored_answers.Answers(root, tmp_path / "c")
    found = [n for n in range(stored_answers.KEEP_ANSWERS + 4)
             if fresh.find(f"q{n}", lambda: stamps) is not cache.MISSING]  # fmt: skip
    assert found == list(range(4, stored_answers.KEEP_ANSWERS + 4))
    on_disk = [
        p for p in answers.store.folder.iterdir() if p.name.startswith(stored_answers.ANSWER)
    ]
    assert len(on_disk) == stored_answers.KEEP_ANSWERS
    monkeypatch.setattr(stored_answers, "ANSWER_BYTES", 4000)
    answers.save("big", "x" * 1200, digest)  # over a quarter: not kept
    assert stored_answers.Answers(root, tmp_path / "c").find("big", lambda: stamps) is cache.MISSING
    for n in range(8):
        answers.save(f"m{n}", "y" * 900, digest)
    total = sum(p.stat().st_size for p in answers.store.folder.iterdir()
                if p.name.startswith(stored_answers.ANSWER))  # fmt: skip
    assert total <= 4000 + 8 * 200  # (each file's header: magic, fingerprint, checksum)
    assert stored_answers.Answers(root, tmp_path / "c").find("m7", lambda: stamps) == "y" * 900


def test_an_answer_kept_after_the_output_counts_its_window_from_the_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer is written after the output (seconds after the walk that vouched for its
    records); a file changed since that walk began could keep its stamp, so the racy
    window runs from when the walk began, not from when the answer was written."""
    from cdsctl.load.files import walk
    from cdsctl.validation import cache

    root = _root(tmp_path)
    stamps = walk(root)
    newest = max(stamp[1] for stamp in stamps.values())
    digest = cache.stamps_digest(stamps)
    monkeypatch.setattr(stored_answers, "now_ns", lambda: newest + 10 * 10**9)  # written 10 s after

    def found(started: int | None) -> Any:
        answers = stored_answers.Answers(root, tmp_path / f"c{started}")
        answers.save("q", [1], digest, started)
        return stored_answers.Answers(root, tmp_path / f"c{started}").find("q", lambda: stamps)

    assert found(newest + 5 * 10**7) is cache.MISSING  # the walk began 50 ms after the change
    assert found(newest + 5 * 10**9) == [1]  # 5 s after: no change could hide
    assert found(None) == [1]  # (judged by the time it was written, it would have served)


def test_a_query_keeps_its_answer_first_after_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdsctl import repository
    from cdsctl.validation import cache

    root = _root(tmp_path)
    monkeypatch.setenv("CDSCTL_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setattr(cache, "later", [])
    began = cache.now_ns()
    assert repository.answer(root, "k", lambda repo: sorted(repo.records.tasks)).value
    work = list(cache.later)
    assert len(work) > 1  # (the snapshot and the account are kept after it)
    answers = stored_answers.Answers(root, tmp_path / "c")
    assert answers.find("k", lambda: walk_now(root)) is cache.MISSING  # not before the output
    work[0]()
    stored = stored_answers.Answers(root, tmp_path / "c")
    assert stored._read()["started_ns"] >= began
    assert stored.find("k", lambda: walk_now(root))["value"] == ["TB-128-2022.1"]
    for rest in work[1:]:  # (the snapshot kept: its lock, taken before the output, let go)
        rest()
    assert not cache._held.get("snapshot.lock")


def walk_now(root: Path) -> Any:
    from cdsctl.load.files import walk

    return walk(root)


def test_check_file_reads_one_record_on_its_own(tmp_path: Path) -> None:
    from cdsctl.validation.onefile import check_file

    root = _root(tmp_path)
    result = check_file(root, "tasks/TB-128-2022.1.yaml")
    assert result.diagnostics == [] and result.summary is not None
    assert (result.summary.kind, result.summary.id) == ("task", "TB-128-2022.1")
    assert result.stamp[0] == (root / "tasks/TB-128-2022.1.yaml").stat().st_size
    bad = check_file(root, "agencies.yaml".replace("agencies", "nowhere"))
    assert [d.code for d in bad.diagnostics] == ["unreadable"]


def test_a_shard_gone_missing_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Queries read the workers' results from the cache shards they wrote; a shard that
    cannot be read back means checking its files again, not losing them."""
    from cdsctl import repository

    root = _root(tmp_path)
    original = Store.read
    monkeypatch.setattr(
        Store,
        "read",
        lambda self, name: None if name.startswith("files.") else original(self, name),
    )
    repo = repository.load(root, cache_dir=tmp_path / "c")
    assert list(repo.records.tasks) == ["TB-128-2022.1"]
    assert list(repo.records.directives) == ["TB-128-2022"]
    assert repo.validation.diagnostics == []


def test_an_edit_rewrites_only_the_shard_holding_the_file(tmp_path: Path) -> None:
    """Shards hold 250 files each; after one file is edited, one added and one deleted,
    only the shards concerned are written again, and the next run still trusts the rest."""
    from cdsctl.validation.shards import CHUNK

    files = {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE}
    for n in range(1, 2 * CHUNK + 50):  # three shards
        files[f"tasks/TB-128-2022.{n}.yaml"] = TASK.replace("TB-128-2022.1", f"TB-128-2022.{n}")
    root = build_tree(tmp_path / "root", files)
    for path in root.rglob("*.yaml"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    cache = tmp_path / "c"
    assert validate(root, cache_dir=cache, jobs=1).diagnostics == []
    folder = next(cache.iterdir())

    def shards() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in folder.glob("files.*")}

    before = shards()
    assert len(before) == 3
    in_order = sorted(files)  # the shards take the files in path order, CHUNK at a time
    edited, deleted = in_order[CHUNK + 10], in_order[2 * CHUNK + 10]  # shards 1 and 2
    _edit(root / edited, "lead: STTTT", "lead: SXYZ")
    (root / deleted).unlink()
    new = root / "tasks/TB-128-2022.999.yaml"
    new.write_text(TASK.replace("TB-128-2022.1", "TB-128-2022.999"), encoding="utf-8")
    os.utime(new, (HOUR_AGO, HOUR_AGO))
    found = validate(root, cache_dir=cache, jobs=1)
    assert [(d.file, d.code) for d in found.diagnostics] == [(edited, "unresolved-reference")]
    assert found.checked == 2  # the edited file and the new one
    after = shards()
    rewritten = {name for name in before if after.get(name) != before[name]}
    assert rewritten == {"files.1", "files.2"}  # the first shard was left alone
    assert set(after) - set(before) == {"files.3"}  # the new file's own shard
    again = validate(root, cache_dir=cache, jobs=1, today=date(2030, 1, 1))  # no reuse
    assert again.checked == 0 and [d.code for d in again.diagnostics] == ["unresolved-reference"]


def test_the_code_fingerprint_covers_every_module_of_cdsctl(tmp_path: Path) -> None:
    """A stored result or answer is other code's as soon as any module changes, not only
    those beside the cache's own (after the modules moved into subpackages, the fingerprint
    covered validation/ alone, and a changed query served its old answers)."""
    import hashlib
    import os

    import cdsctl
    from cdsctl.validation import cache

    package = Path(cdsctl.__file__).resolve().parent
    assert cache.code_files() == sorted(package.rglob("*.py"))
    assert {p.relative_to(package).parts[0] for p in cache.code_files()} >= {
        "render", "state.py", "queries.py", "checks", "load", "validation"}  # fmt: skip
    made = hashlib.blake2b(f"{cache.FORMAT}:{cdsctl.__version__}".encode(), digest_size=16)
    for path in cache.code_files():  # (what it is: each module's path, size and time)
        st = path.stat()
        made.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}".encode())
    assert cache.code_fingerprint() == made.digest()
    before = Store(tmp_path).fingerprint
    target = package / "queries.py"
    st = target.stat()
    try:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        assert Store(tmp_path).fingerprint != before
    finally:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert Store(tmp_path).fingerprint == before
