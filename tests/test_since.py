"""The walk that reports only what changed since a moment (cdsctl.load.since), against a
full walk: random trees and random changes (files written, appended to, written at the same
size and touched back to their old times, chmod-ed, removed, added, renamed; folders added,
moved in from outside with files older than the moment, renamed, removed).  The changes it
gives must be exactly the full walk's.  Then `validate` told what changed this way, after
random edits of a records root, against a run with no cache; and when the moment is not
to be trusted (another boot, a clock set, a file system that is not local) or the tree holds
what only the full walk handles (a link, a FIFO named like a record), the full walk.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl.load import since
from cdsctl.load.files import walk
from cdsctl.validation import pipeline
from cdsctl.validation.cache import stamps_digest
from cdsctl.validation.incremental import FlatStamps, since_changes, stamp_columns
from cdsctl.validation.pipeline import validate
from cdsctl.validation.workers import changed_since

from .conftest import build_tree
from .test_incremental import TODAY, _age, _small_root, _wire, _write, edits, validated_root

NEVER_RACY = (2**62, 2**62)
FOLDERS = ["", "a/", "a/b/", "c/", "a/b/d/"]
NAMES = ["x.yaml", "y.yml", "z.md", "w.YAML", "notes.txt", "README.md"]
FILE_OPS = ("write", "append", "same-size", "chmod", "remove", "rename")  # (of a file there)
OPS = [*FILE_OPS, "add", "add-folder", "move-in", "rename-folder", "remove-folder"]


def _moment(folder: Path) -> since.Moment:
    found = since.moment(folder)
    if found is None:
        pytest.skip("no boot id, /proc/uptime or writable folder here: load.since gives way")
    return found


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _folders(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_dir())


def _change(data: Any, root: Path, outside: Path, n: int) -> None:
    """One random change of the tree below `root` (`outside`: folders made before the
    moment, to be moved in)."""
    op = data.draw(st.sampled_from(OPS))
    files, folders = _files(root), _folders(root)

    def pick(seq: list[Any]) -> Any:
        return data.draw(st.sampled_from(seq))

    if op in FILE_OPS and files:
        path = pick(files)
        if op == "write":
            path.write_text(f"id: written {n}\n" * data.draw(st.integers(1, 3)))
        elif op == "append":
            with path.open("a") as f:
                f.write(f"# {n}\n")
        elif op == "same-size":  # the same size, the old times put back: only ctime tells
            before = path.stat()
            text = path.read_bytes()
            path.write_bytes(bytes(reversed(text)) if text else b"")
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        elif op == "chmod":
            path.chmod(0o600 if path.stat().st_mode & 0o044 else 0o644)
        elif op == "remove":
            path.unlink()
        else:
            target = pick([root, *folders]) / f"r{n}-{pick(NAMES)}"
            path.rename(target)
    elif op == "add" or op in FILE_OPS:  # (a file's change with no file there: one added)
        (pick([root, *folders]) / f"n{n}-{pick(NAMES)}").write_text(f"id: new {n}\n")
    elif op == "add-folder":
        made = pick([root, *folders]) / f"f{n}"
        build_tree(made, {"p.yaml": "id: p\n", "q/r.md": "---\nid: r\n---\n"})
    elif op == "move-in":
        staged = [p for p in outside.iterdir() if p.is_dir()]
        if staged:
            pick(staged).rename(pick([root, *folders]) / f"m{n}")
    elif folders:
        folder = pick(folders)
        if op == "rename-folder":
            folder.rename(folder.parent / f"{folder.name}-{n}")
        else:
            shutil.rmtree(folder)


def _tree(data: Any, root: Path) -> None:
    for folder in data.draw(st.lists(st.sampled_from(FOLDERS), min_size=1, unique=True)):
        for name in data.draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True)):
            build_tree(root, {f"{folder}{name}": f"id: {folder}{name}\n"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data(), st.sampled_from([1, 2]))
def test_what_changed_since_a_moment_is_what_a_full_walk_finds_changed(
    tmp_path_factory: Any, monkeypatch: pytest.MonkeyPatch, data: Any, jobs: int
) -> None:
    monkeypatch.setattr(since, "MARGIN_NS", 0)  # (no margin: what it reports is then exact)
    base = tmp_path_factory.mktemp("since")
    root, outside = base / "root", base / "outside"
    root.mkdir()
    _tree(data, root)
    for i in range(2):  # folders with files older than the moment, moved in after it
        build_tree(outside / f"s{i}", {"a.yaml": "id: a\n", "deep/b.yaml": "id: b\n"})
    time.sleep(0.02)  # (past the kernel clock's tick: what follows is after the moment)
    moment = _moment(base / "cache")
    before = walk(root)  # every stamp as of the moment
    time.sleep(0.02)
    for n in range(data.draw(st.integers(0, 4))):
        _change(data, root, outside, n)
    found = changed_since(root, moment[0], jobs)
    assert found is not None
    now = walk(root)
    changes = since_changes(FlatStamps(*stamp_columns(before)), found, NEVER_RACY)
    assert changes is not None
    assert changes.changed == sorted(f for f, s in now.items() if before.get(f) != s)
    assert changes.gone == sorted(set(before) - set(now))
    assert changes.now == {f: now[f] for f in changes.changed}
    assert changes.total == len(now)
    if not changes.changed and not changes.gone:  # (nothing changed: nothing reported)
        assert not found.files or all(before.get(f) == s for f, s in found.files.items())


def test_files_untouched_since_the_moment_are_not_reported(tmp_path: Path) -> None:
    """The walk reports only what changed: not every file (else it would save nothing)."""
    root = build_tree(tmp_path / "root", {f"f{i}/t{j}.yaml": "id: t\n" for i in range(3)
                                          for j in range(5)})  # fmt: skip
    time.sleep(0.02)
    moment = _moment(tmp_path / "cache")
    time.sleep(0.02)
    (root / "f1" / "t2.yaml").write_text("id: t2\n")
    found = since.since_share(root, moment[0] + since.MARGIN_NS)  # (no margin)
    assert found is not None
    assert list(found.files) == ["f1/t2.yaml"] and found.whole == [] and found.count == 15
    (root / "f2" / "new.yaml").write_text("id: n\n")  # a folder's entries changed: all of it
    found = since.since_share(root, moment[0] + since.MARGIN_NS)
    assert found is not None and found.whole == ["f2/"]
    assert sorted(found.files) == ["f1/t2.yaml", *(f"f2/{n}" for n in sorted(
        ["new.yaml", *(f"t{j}.yaml" for j in range(5))]))]  # fmt: skip


@pytest.mark.parametrize("odd", ["link to a folder", "link to a record", "fifo"])
def test_what_only_the_full_walk_handles_gives_way(tmp_path: Path, odd: str) -> None:
    root = build_tree(tmp_path / "root", {"a/t.yaml": "id: t\n", "b/u.yaml": "id: u\n"})
    if odd == "link to a folder":
        (root / "c").symlink_to(root / "a")
    elif odd == "link to a record":
        (root / "b" / "v.yaml").symlink_to(root / "a" / "t.yaml")
    else:
        os.mkfifo(root / "b" / "p.yaml")
    assert since.since_share(root, time.time_ns() + 10**12) is None
    assert changed_since(root, time.time_ns() + 10**12, 2) is None


def test_the_moment_is_trusted_only_on_the_same_boot_with_the_clock_not_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    then = _moment(cache)
    now = _moment(cache)
    assert now[0] >= then[0] and now[1] == then[1]
    if since.file_system(tmp_path) not in since.LOCAL_TYPES:
        pytest.skip(f"{tmp_path} is on {since.file_system(tmp_path)}: never trusted")
    assert since.trusted(tmp_path, cache, then, now)
    assert since.trusted(tmp_path, cache, list(then), now)  # (as marshal may give it)
    assert not since.trusted(tmp_path, cache, (then[0], "another-boot", then[2]), now)
    assert not since.trusted(tmp_path, cache, (then[0], then[1], then[2] + 10**9), now)
    assert not since.trusted(tmp_path, cache, (now[0] + 10**9, then[1], then[2]), now)
    assert not since.trusted(tmp_path, cache, None, now)
    assert not since.trusted(tmp_path, cache, then, None)
    monkeypatch.setattr(since, "file_system", lambda path: "nfs")
    assert not since.trusted(tmp_path, cache, then, now)


def test_the_file_system_of_a_path_is_that_of_its_nearest_mount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "mountinfo"
    table.write_text(
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
        "30 22 0:40 / /mnt/my\\040share rw shared:2 master:1 - cifs //srv/x rw\n"
        "31 22 0:41 / /mnt/my rw - nfs4 srv:/x rw\n"
    )
    monkeypatch.setattr(since, "_MOUNTS", str(table))
    monkeypatch.setattr(os.path, "realpath", lambda path: str(path))
    assert since.file_system(Path("/mnt/my share/records")) == "cifs"
    assert since.file_system(Path("/mnt/my/records")) == "nfs4"
    assert since.file_system(Path("/mnt/myself")) == "ext4"
    assert since.file_system(Path("/")) == "ext4"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(st.data())
def test_validate_told_what_changed_since_answers_as_a_run_without_cache(
    tmp_path_factory: Any, monkeypatch: pytest.MonkeyPatch, data: Any
) -> None:
    """Edits in a row, each followed by `validate` (as `cdsctl validate` runs it), the walk
    reporting only what changed since the run before (no margin: the files it does not
    report are then all the others)."""
    monkeypatch.setattr(since, "MARGIN_NS", 0)
    told: list[object] = []
    monkeypatch.setattr(pipeline, "changed_since", lambda *a: told.append(
        found := changed_since(*a)) or found)  # fmt: skip
    root, cache, files = validated_root(tmp_path_factory, data)
    for _ in range(3):
        time.sleep(0.01)
        edit = data.draw(edits(files))
        _write(root, edit)
        files = {p: t for p, t in {**files, **edit}.items() if t is not None}
        if data.draw(st.booleans()):
            _age(root, edit)
        got = validate(root, cache_dir=cache, today=TODAY, summaries=False)
        want = validate(root, cache_dir=False, today=TODAY)
        assert _wire(got.diagnostics) == _wire(want.diagnostics)
        assert got.files == want.files
        assert got.digest == stamps_digest(walk(root))
    if since.file_system(root) in since.LOCAL_TYPES and since.moment(cache) is not None:
        assert any(isinstance(found, since.Since) for found in told)


def test_an_unchanged_root_is_answered_from_the_walk_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No file changed since the last run: its result, without reading the account."""
    import cdsctl.validation.incremental as incremental

    root = build_tree(tmp_path / "records", _small_root(3))
    _age(root)
    time.sleep(0.02)  # (a change in the moment's tick of the clock is reported)
    first = validate(root, cache_dir=tmp_path / "cache", today=TODAY, summaries=False)
    time.sleep(0.01)
    _moment(tmp_path / "cache")
    if since.file_system(root) not in since.LOCAL_TYPES:
        pytest.skip("not a local file system: the full walk")
    monkeypatch.setattr(since, "MARGIN_NS", 0)
    monkeypatch.setattr(incremental, "revalidate", lambda *a, **k: pytest.fail("revalidated"))
    monkeypatch.setattr(pipeline, "walked_with_stat", lambda *a, **k: pytest.fail("walked"))
    again = validate(root, cache_dir=tmp_path / "cache", today=TODAY, summaries=False)
    assert _wire(again.diagnostics) == _wire(first.diagnostics)
    assert again.files == first.files and again.checked == 0


def test_a_run_that_found_nothing_changed_moves_the_moment_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file reported (changed a moment before the last run began) and found as it was:
    the result stands, now as of this run, so the next run does not compare it again (nor
    read the account to)."""
    import cdsctl.validation.incremental as incremental

    root = build_tree(tmp_path / "records", _small_root(3))
    if since.file_system(root) not in since.LOCAL_TYPES:
        pytest.skip("not a local file system: the full walk")
    _moment(tmp_path)  # (skips where there is none)
    _age(root)
    time.sleep(0.02)
    cache = tmp_path / "cache"
    validate(root, cache_dir=cache, today=TODAY, summaries=False)
    monkeypatch.setattr(since, "MARGIN_NS", 0)
    time.sleep(0.02)
    (root / "tasks/T1.yaml").write_text(_small_root(3)["tasks/T1.yaml"] + "# sửa\n")
    _age(root, ["tasks/T1.yaml"])
    time.sleep(0.02)
    edited = validate(root, cache_dir=cache, today=TODAY, summaries=False)
    assert edited.checked == 1
    time.sleep(0.5)
    monkeypatch.setattr(since, "MARGIN_NS", 10**10)  # every file reported, none changed
    again = validate(root, cache_dir=cache, today=TODAY, summaries=False)
    assert again.checked == 0 and _wire(again.diagnostics) == _wire(edited.diagnostics)
    monkeypatch.setattr(since, "MARGIN_NS", 250_000_000)  # the edit: before the last run
    monkeypatch.setattr(incremental, "revalidate", lambda *a, **k: pytest.fail("revalidated"))
    last = validate(root, cache_dir=cache, today=TODAY, summaries=False)
    assert _wire(last.diagnostics) == _wire(edited.diagnostics) and last.checked == 0
