"""The records root on disk (spec 1.1 §1): which names are records, links, special files,
folders that cannot be read, names that are not UTF-8, and files that vanish mid-run.

Each class of entry is generated (hypothesis where it fits) and checked against an oracle
written from the spec, not from the code: `_expected_key` says what the walk must find for
one name, `_link_oracle` what it must find for a layout of links.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cdsctl.cli import app
from cdsctl.load import files, reading
from cdsctl.load.files import (
    BAD_NAME,
    BROKEN,
    FOLDER,
    OUTSIDE,
    Seen,
    seen,
    seen_in,
    seen_of_parts,
    seen_of_shares,
    seen_part,
    walk,
    walk_share,
)  # fmt: skip
from cdsctl.validation.pipeline import validate

from .conftest import AGENCIES, DIRECTIVE, TASK, build_tree

PROJECT = Path(__file__).resolve().parent.parent
MEETING = "id: {id}\nkind: meeting\ntitle: Họp\ndate: 2022-08-10\nchair:\n  name: An\n  title: CT\n"
needs_links = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    """A fresh folder per hypothesis example (tmp_path is one per test)."""
    with tempfile.TemporaryDirectory(prefix="cdsctl-fs-") as folder:
        yield Path(folder)


def assert_shares_make_the_walk(root: Path) -> None:
    """A walk shared out (validation.workers.walked_with_stat) finds what one walk finds,
    and the same Seen, whatever the number of shares."""
    whole = walk(root)
    for shares in (1, 2, 3, 5):
        stamps, found = seen_of_shares(walk_share(root, i, shares) for i in range(shares))
        assert (dict(sorted(stamps.items())), found) == (whole, seen(root)), shares
        # a file as new as `hash_before`: no digest (it would not be compared), same stamps
        newest = found.newest
        stamps, unhashed = seen_of_shares(walk_share(root, i, shares, hash_before=newest)
                                          for i in range(shares))  # fmt: skip
        assert (dict(sorted(stamps.items())), unhashed) == (whole, Seen(b"", newest, found.coarse))
        # the walk beside a query (validation.workers.seen_in_child): shares of hashes only
        assert seen_of_parts(seen_part(root, i, shares) for i in range(shares)) == found


def _run(*args: str, cwd: Path | None = None, timeout: float = 60,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """`python -m cdsctl ARGS` in a subprocess, which must finish within `timeout`."""
    full = dict(os.environ if env is None else env)
    full["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), full.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "cdsctl", *args], capture_output=True,
                          timeout=timeout, cwd=cwd, env=full, check=False)  # fmt: skip


def _codes(root: Path) -> dict[str, set[tuple[str, int]]]:
    """file → {(code, line)} of a validation without cache."""
    found: dict[str, set[tuple[str, int]]] = {}
    for d in validate(root, cache_dir=False).diagnostics:
        found.setdefault(d.file, set()).add((d.code, d.line))
    return found


# ------------------------------------------------------------------------------ names

SUFFIXES = ["yaml", "yml", "md", "txt", "json", "yaml.bak", "ya", "mdx", ""]


def _any_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if up else c for c, up in zip(text, flips, strict=True))


@st.composite
def file_names(draw: st.DrawFn) -> bytes:
    """A file name as bytes: a stem (ASCII, Vietnamese, or bytes that are not UTF-8), a
    leading `.` or `_` sometimes, an extension in random case; or README.md in any case."""
    if draw(st.integers(0, 9)) == 0:
        return _any_case(draw, "readme.md").encode()
    kind = draw(st.sampled_from(["ascii", "vietnamese", "bytes"]))
    if kind == "bytes":
        stem = draw(st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b
                                                              and b"\0" not in b))  # fmt: skip
    else:
        alphabet = "abcXYZ019-" + ("ăâđêôơưáàảãạĐ" if kind == "vietnamese" else "")
        stem = draw(st.text(alphabet, min_size=1, max_size=12)).encode()
    lead = draw(st.sampled_from([b"", b"", b"", b".", b"_"]))
    suffix = draw(st.sampled_from(SUFFIXES))
    return lead + stem + (b"." + _any_case(draw, suffix).encode() if suffix else b"")


def _expected_key(name: bytes) -> tuple[str, str] | None:
    """What the walk must find for a regular file `name` at the root: (key, "bad" or "ok"),
    or None for no record (spec 1.1 §1, written out independently of cdsctl.load.files)."""
    if name[:1] in (b".", b"_") or name == b"agencies.yaml":
        return None
    try:
        text = name.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    lower = name.lower()
    if not lower.endswith((b".yaml", b".yml", b".md")) or lower == b"readme.md":
        return None
    if text is None:
        return name.decode("utf-8", "backslashreplace"), "bad"
    return text, "ok"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(file_names(), min_size=1, max_size=8, unique=True))
def test_record_names_in_any_case_and_names_that_are_not_utf8(names: list[bytes]) -> None:
    with _scratch() as tmp:
        root = build_tree(tmp / "root", {"agencies.yaml": AGENCIES})
        made = []
        for name in names:
            try:
                (root / os.fsdecode(name)).write_bytes(MEETING.format(id="x").encode())
            except OSError:  # a name this file system refuses (too long in bytes, say)
                continue
            made.append(name)
        want = dict(filter(None, map(_expected_key, made)))
        assert seen(root) == seen_in(walk(root))  # (what a query compares, made while walking)
        assert_shares_make_the_walk(root)
        for stat in (True, False):
            found = walk(root, stat=stat)
            assert set(found) == {"agencies.yaml", *want}, (made, found)
            for key, kind in want.items():
                assert (found[key] == BAD_NAME) == (kind == "bad"), (key, found[key])
        diagnostics = validate(root, cache_dir=False).diagnostics
        bad = {d.file for d in diagnostics if d.code == "file-name"}
        assert bad == {k for k, v in want.items() if v == "bad"}
        assert all(d.line == 1 for d in diagnostics if d.code == "file-name")
        json.dumps([d.to_dict() for d in diagnostics]).encode("utf-8")  # every path encodes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=st.lists(st.tuples(st.lists(file_names(), min_size=0, max_size=2),
                               st.one_of(st.sampled_from([b"t.yaml", b"r.yml", b"m.md"]),
                                         file_names())),
                     min_size=1, max_size=8))  # fmt: skip
def test_a_walk_that_keeps_hashes_sees_what_a_walk_of_stamps_sees(
    tree: list[tuple[list[bytes], bytes]],
) -> None:
    """seen() hashes each file as it stats it, carrying the folder path's checksums on to
    its files' names (load.files._Walk._see_each): the class is every path, in folders of
    any name (Vietnamese, not UTF-8, hidden), whose digest must be seen_in(walk())'s."""
    with _scratch() as tmp:
        root = build_tree(tmp / "root", {"agencies.yaml": AGENCIES})
        for folders, name in tree:
            where = root.joinpath(*map(os.fsdecode, (b"d" + f for f in folders)))
            try:
                where.mkdir(parents=True, exist_ok=True)
                (where / os.fsdecode(name)).write_bytes(MEETING.format(id="x").encode())
            except OSError:  # a name this file system refuses (or a file where a folder is)
                continue
        assert seen(root) == seen_in(walk(root))
        assert_shares_make_the_walk(root)


def test_a_folder_whose_name_is_not_utf8_is_reported_not_read(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES})
    folder = root / os.fsdecode(b"t\xe0sks")
    try:
        folder.mkdir()
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    (folder / "TB-1.yaml").write_text("kind: nonsense\n", encoding="utf-8")
    assert _codes(root) == {"t\\xe0sks/TB-1.yaml": {("file-name", 1)}}


def test_non_utf8_names_survive_the_cache_and_every_output(tmp_path: Path) -> None:
    """The cache (paths in marshal and in the digest), JSON, text and GitHub output, in a
    subprocess whose stdout is UTF-8; the second run is answered from the cache."""
    root = build_tree(tmp_path / os.fsdecode(b"r\xf4ot"), {"agencies.yaml": AGENCIES})
    try:
        (root / os.fsdecode(b"\xff.yaml")).write_text("kind: meeting\n", encoding="utf-8")
    except OSError:
        pytest.skip("this file system takes only UTF-8 names")
    env = dict(os.environ, CDSCTL_CACHE_DIR=str(tmp_path / "cache"), PYTHONIOENCODING="utf-8")
    runs = [_run("validate", "--records", os.fsdecode(root), "--format", fmt, env=env)
            for fmt in ("json", "json", "text", "github")]  # fmt: skip
    for proc in runs:
        assert proc.returncode == 1, proc.stderr.decode(errors="replace")
        assert b"Traceback" not in proc.stderr
    first, second = (json.loads(p.stdout) for p in runs[:2])
    assert first == second
    assert [(d["file"], d["line"], d["code"]) for d in first] == [("\\xff.yaml", 1, "file-name")]
    assert "rename" in first[0]["message"]
    assert "\\xff.yaml:1:1: error file-name" in runs[2].stdout.decode()


# ------------------------------------------------------------------------------ links

#: where a link may point: (name, target relative to the link's folder's root, kind)
TARGETS = {
    "inside-file": "a/x.yaml",
    "hidden-file": "_hidden/h.yaml",
    "inside-folder": "a",
    "inside-subfolder": "a/b",
    "root": ".",
    "hidden-folder": "_hidden",
    "outside-file": "../out/o.yaml",
    "outside-folder": "../out",
    "dangling": "nowhere.yaml",
}
PLACES = [".", "a", "a/b"]


@st.composite
def link_layouts(draw: st.DrawFn) -> list[tuple[str, str, str, bool]]:
    """Links: (folder, name, target, absolute?); names like records or like folders."""
    count = draw(st.integers(1, 5))
    layout, used = [], set()
    for i in range(count):
        place = draw(st.sampled_from(PLACES))
        record = draw(st.booleans())
        name = f"l{i}" + (draw(st.sampled_from([".yaml", ".YML", ".md"])) if record else "")
        target = draw(st.sampled_from([*TARGETS, "self"]))
        if (place, name) not in used:
            used.add((place, name))
            layout.append((place, name, target, draw(st.booleans())))
    return layout


def _make_links(root: Path, layout: list[tuple[str, str, str, bool]]) -> None:
    for place, name, target, absolute in layout:
        link = root / place / name
        if target == "self":
            dest = str(link) if absolute else name
        elif absolute:
            dest = os.path.normpath(root / TARGETS[target])
        else:
            dest = os.path.relpath(os.path.normpath(root / TARGETS[target]), root / place)
        link.symlink_to(dest)


def _link_oracle(layout: list[tuple[str, str, str, bool]]) -> dict[str, str]:
    """key → "file" (a record read through the link), "outside", "broken"; from spec 1.1
    §1: followed inside the root, an error outside, a folder read once (real folders
    first, then links to folders in path order), loops not followed."""
    want = {"agencies.yaml": "file", "a/x.yaml": "file", "a/b/y.yaml": "file"}
    hidden = []
    for place, name, target, _ in layout:
        key = name if place == "." else f"{place}/{name}"
        record = name.lower().endswith((".yaml", ".yml", ".md"))
        if target in ("inside-file", "hidden-file") and record:
            want[key] = "file"
        elif (target == "outside-file" and record) or target == "outside-folder":
            want[key] = "outside"
        elif target in ("dangling", "self") and record:
            want[key] = "broken"
        elif target == "hidden-folder":
            hidden.append(key)
    if hidden:  # the first link to it in path order reads it, the others are not followed
        want[min(f"{k}/" for k in hidden) + "h.yaml"] = "file"
    return want


@needs_links
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=link_layouts())
def test_links_inside_are_followed_once_and_links_outside_are_errors(
    layout: list[tuple[str, str, str, bool]],
) -> None:
    with _scratch() as tmp:
        root = build_tree(tmp / "root", {"agencies.yaml": AGENCIES,
                                         "a/x.yaml": MEETING.format(id="x"),
                                         "a/b/y.yaml": MEETING.format(id="y"),
                                         "_hidden/h.yaml": MEETING.format(id="h")})  # fmt: skip
        build_tree(tmp / "out", {"o.yaml": MEETING.format(id="o")})
        _make_links(root, layout)
        want = _link_oracle(layout)
        assert seen(root) == seen_in(walk(root))
        assert_shares_make_the_walk(root)
        for stat in (True, False):
            found = walk(root, stat=stat)
            kinds = {k: "outside" if s[0] == OUTSIDE else "broken" if s == BROKEN else "file"
                     for k, s in found.items()}  # fmt: skip
            assert kinds == want, (layout, found)
            assert all(s[0] >= 0 for k, s in found.items() if want[k] == "file" and stat)
        diagnostics = validate(root, cache_dir=False).diagnostics
        outside = {d.file for d in diagnostics if d.code == "link-outside-root"}
        assert outside == {k for k, v in want.items() if v == "outside"}
        assert all(d.line == 1 for d in diagnostics if d.code == "link-outside-root")


@needs_links
def test_a_link_cycle_of_folders_ends(tmp_path: Path) -> None:
    """In a subprocess with a timeout: a walk that followed the loops would never end."""
    root = build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES,
                                          "a/m.yaml": MEETING.format(id="m")})  # fmt: skip
    (root / "a" / "up").symlink_to("..")
    (root / "a" / "again").symlink_to(root / "a")
    (root / "a" / "b").symlink_to("c")
    (root / "a" / "c").symlink_to("b")  # b → c → b: a loop of links
    (root / "_x").mkdir()
    (root / "_x" / "down").symlink_to("../a/up")  # reached only through a link
    (root / "a" / "x").symlink_to("../_x")
    proc = _run("validate", "--records", str(root), "--format", "json", "--no-cache", timeout=60)
    assert (proc.returncode, json.loads(proc.stdout)) == (0, []), proc.stderr


# ------------------------------------------------------------------------- special files


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    if len(os.fsencode(path)) > 100:
        pytest.skip("socket path too long for AF_UNIX")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the file stays


MAKERS = {"fifo": _fifo, "socket": _socket}


@needs_fifo
@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("name", ["tasks/pipe.yaml", "tasks/PIPE.YML", "pipe.Md", "tasks/x.txt"])
def test_special_files_are_skipped_with_a_warning_never_opened(
    tmp_path: Path, kind: str, name: str
) -> None:
    """Through the CLI in a subprocess with a timeout: opening a FIFO would block forever."""
    root = build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES, "tasks/.keep": b""})
    MAKERS[kind](root / name)
    assert_shares_make_the_walk(root)
    env = dict(os.environ, CDSCTL_CACHE_DIR=str(tmp_path / "cache"))
    for _ in range(2):  # cold, then from the cache
        proc = _run("validate", "--records", str(root), "--format", "json", timeout=60, env=env)
        assert proc.returncode == 0, proc.stderr
        found = {(d["file"], d["code"], d["line"], d["severity"]) for d in json.loads(proc.stdout)}
        record = not name.endswith(".txt")
        assert found == ({(name, "special-file", 1, "warning")} if record else set())
    strict = _run("validate", "--records", str(root), "--strict", timeout=60, env=env)
    assert strict.returncode == (1 if record else 0)


@needs_fifo
def test_reading_a_fifo_put_in_place_after_the_walk_does_not_block(tmp_path: Path) -> None:
    """The reader opens non-blocking and refuses what is not a regular file."""
    fifo, folder = tmp_path / "late.yaml", tmp_path / "folder.yaml"
    os.mkfifo(fifo)
    folder.mkdir()
    for path in (fifo, folder):
        with pytest.raises(reading.ReadProblem) as problem:
            reading.read_bytes(path)
        assert problem.value.code == "special-file"


# ----------------------------------------------------------------- folders and races


def test_a_folder_that_cannot_be_listed_is_one_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Tests run as root, for whom no permission stops: the refusal is simulated.)"""
    root = build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES,
                                          "tasks/secret/a.yaml": "kind: task\n",
                                          "tasks/secret/b/c.yaml": "kind: task\n"})  # fmt: skip
    real_open = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("/secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", refuse)
    assert walk(root)["tasks/secret"] == (FOLDER, 13, 0, 0)
    assert_shares_make_the_walk(root)
    found = [
        (d.file, d.line, d.code, d.message) for d in validate(root, cache_dir=False).diagnostics
    ]
    assert found == [("tasks/secret", 1, "unreadable", "cannot read the folder: Permission denied")]


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads all")
def test_a_folder_without_permission_is_one_diagnostic(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES, "tasks/a.yaml": "x: 1\n"})
    (root / "tasks").chmod(0)
    try:
        assert [(d.file, d.code) for d in validate(root, cache_dir=False).diagnostics] == [
            ("tasks", "unreadable")
        ]
    finally:
        (root / "tasks").chmod(0o755)


def _tree(root: Path, folders: int, per_folder: int) -> dict[str, str]:
    tree = {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE}
    for f in range(folders):
        for n in range(per_folder):
            task_id = f"TB-128-2022.{f}{n:03d}"
            tree[f"tasks/f{f}/{task_id}.yaml"] = TASK.replace("TB-128-2022.1", task_id)
    build_tree(root, tree)
    return tree


#: Renames, deletes and recreates files and whole folders in a tight loop, in a process of
#: its own (a thread would wait for the GIL, and rarely hit the moment between listing a
#: folder and opening what it listed).  argv: root, seed; stdin: the tree as JSON.
MUTATOR = """
import json, os, random, shutil, sys
root, rng = sys.argv[1], random.Random(int(sys.argv[2]))
tree = json.load(sys.stdin)
paths = [p for p in tree if p.startswith("tasks/")]
folders = sorted({p.rsplit("/", 1)[0] for p in paths})
def write(path):
    os.makedirs(os.path.dirname(f"{root}/{path}"), exist_ok=True)
    with open(f"{root}/{path}", "w", encoding="utf-8") as out:
        out.write(tree[path])
print("ready", flush=True)
while True:
    action, path = rng.randrange(5), rng.choice(paths)
    full, folder = f"{root}/{path}", f"{root}/{rng.choice(folders)}"
    try:
        if action == 0:  # a rename away and back, as editors save
            os.rename(full, full + ".tmp"); os.rename(full + ".tmp", full)
        elif action == 1:
            os.unlink(full); write(path)
        elif action == 2:  # a whole folder moves away (hidden: `_`) and back
            hidden = os.path.join(os.path.dirname(folder), "_" + os.path.basename(folder))
            os.rename(folder, hidden); os.rename(hidden, folder)
        elif action == 3:  # a folder deleted and made again
            shutil.rmtree(folder)
            for p in paths:
                if f"{root}/{p}".startswith(folder + "/"):
                    write(p)
        else:
            write(path)
    except OSError:
        pass
"""


def _put_back(root: Path, tree: dict[str, str]) -> None:
    """Undo what a killed mutator left half done."""
    for hidden in root.glob("tasks/_*"):
        shutil.rmtree(root / "tasks" / hidden.name[1:], ignore_errors=True)
        hidden.rename(root / "tasks" / hidden.name[1:])
    for temp in root.rglob("*.tmp"):
        temp.unlink()
    build_tree(root, {p: t for p, t in tree.items() if p.startswith("tasks/")})


ALLOWED_WHILE_MUTATING = {"unreadable", "unresolved-reference", "empty", "yaml-syntax",
                          "missing-field", "not-a-mapping"}  # fmt: skip


@pytest.mark.parametrize(("folders", "per_folder", "runs", "jobs"),
                         [(4, 10, 60, "1"), (3, 150, 6, "2")])  # fmt: skip
def test_files_and_folders_vanishing_mid_run_never_crash(
    tmp_path: Path, folders: int, per_folder: int, runs: int, jobs: str
) -> None:
    """Another process renames, deletes and recreates files and folders while validate and
    a query run: every run ends with exit 0 or 1, without an exception.  The second case has
    450 files: the worker processes run too."""
    root = tmp_path / "root"
    tree = _tree(root, folders, per_folder)
    command = [sys.executable, "-c", MUTATOR, str(root), str(folders)]
    pipe = subprocess.PIPE
    mutator = subprocess.Popen(command, stdin=pipe, stdout=pipe, text=True)
    assert mutator.stdin is not None and mutator.stdout is not None
    mutator.stdin.write(json.dumps(tree))
    mutator.stdin.close()
    assert mutator.stdout.readline().strip() == "ready"
    runner = CliRunner()
    try:
        for i in range(runs):
            args = ["validate", "--jobs", jobs, "--format", "json"] if i % 4 else ["tasks"]
            if i % 3 == 0 and args[0] == "validate":
                args.append("--no-cache")
            result = runner.invoke(app, [*args, "--records", str(root)])
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                result.exception, result.output)  # fmt: skip
            assert result.exit_code in (0, 1), result.output
            if args[0] == "validate":
                codes = {d["code"] for d in json.loads(result.stdout)}
                assert codes <= ALLOWED_WHILE_MUTATING, result.stdout
    finally:
        mutator.kill()
        mutator.wait()
    _put_back(root, tree)
    assert validate(root, cache_dir=False).diagnostics == []  # all put back: clean again
