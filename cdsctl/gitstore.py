"""The few git calls cdsctl makes, in one place."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import CdsError


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git in `root`; the one place that starts it."""
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except FileNotFoundError:
        raise CdsError("git is not installed") from None


def _git_bytes(root: Path, *args: str) -> bytes:
    """git's output as bytes (file contents are decoded by the caller); CdsError on failure."""
    done = _run(root, *args)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or "failed"
        raise CdsError(f"git {' '.join(args)}: {message}")
    return done.stdout


def _git(root: Path, *args: str) -> str:
    return _git_bytes(root, *args).decode("utf-8", "replace")


@dataclass(frozen=True)
class Changes:
    """What changed below a records root since a revision (paths relative to the root)."""

    changed: list[str]  # added, modified, renamed to, or untracked
    deleted: list[str]  # deleted, or renamed from


def changed_since(root: Path, rev: str) -> Changes:
    changed, deleted = set(), set()
    out = _git(root, "diff", "--name-status", "-z", "--relative", "-M", rev, "--", ".")
    fields = iter(out.split("\0"))
    for status in fields:
        if not status:
            continue
        paths = [next(fields)] + ([next(fields)] if status[0] in "RC" else [])
        if status[0] == "D" or status[0] == "R":
            deleted.add(paths[0])
        if status[0] != "D":
            changed.add(paths[-1])
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    changed.update(p for p in untracked.split("\0") if p)
    return Changes(sorted(changed), sorted(deleted))


def show(root: Path, rev: str, relpath: str) -> str | None:
    """A file's text at `rev` (path relative to `root`), or None where it did not exist."""
    data = show_bytes(root, rev, f"./{relpath}")
    return data.decode("utf-8", "replace") if data is not None else None


def export_tree(root: Path, rev: str, into: Path) -> Path:
    """The records root as committed at `rev`, unpacked below `into` (no checkout: the
    working tree and the index are not touched).  Returns the unpacked root."""
    import io
    import tarfile

    done = _run(root, "archive", "--format=tar", f"{rev}:{prefix(root)}")
    if done.returncode != 0:
        raise CdsError(f"--at {rev}: {done.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(into, filter="data")
    return into


# -- one file's history (cdsctl history) ------------------------------------------------------


def prefix(root: Path) -> str:
    """Where `root` is inside its git work tree (``records/``, or ``""`` at the top).

    :class:`CdsError` when `root` is not in a git work tree.
    """
    return _git_bytes(root, "rev-parse", "--show-prefix").decode("utf-8").strip()


@dataclass(frozen=True)
class FileCommit:
    """One commit that changed a file; paths are relative to the top of the work tree."""

    commit: str
    short: str
    date: str  # author date, strict ISO 8601
    author: str
    subject: str
    status: str  # A added, M modified, D deleted, R renamed (with a similarity score)…
    old_path: str  # the file's path in the commit's first parent
    path: str  # its path in the commit


_FIELDS, _COMMIT = "\x1f", "\x1e"
_LOG_FORMAT = f"--format={_COMMIT}%H{_FIELDS}%h{_FIELDS}%aI{_FIELDS}%an{_FIELDS}%s"


def file_log(root: Path, relpath: str) -> list[FileCommit]:
    """The commits that changed `relpath` (relative to `root`), newest first, across renames.

    Merge commits are left out: their changes are those of the commits they merge.
    """
    args = ["-c", "core.quotePath=false", "log", "--follow", "--no-merges", "--name-status"]
    out = _git_bytes(root, *args, _LOG_FORMAT, "--", relpath).decode("utf-8", "replace")
    commits = (_file_commit(chunk) for chunk in out.split(_COMMIT) if chunk.strip())
    return [c for c in commits if c is not None]


def _file_commit(chunk: str) -> FileCommit | None:
    header, _, rest = chunk.partition("\n")
    statuses = [line.split("\t") for line in rest.splitlines() if "\t" in line]
    if not statuses:
        return None
    commit, short, when, author, subject = header.split(_FIELDS, 4)
    status, *paths = statuses[0]
    return FileCommit(commit, short, when, author, subject, status, paths[0], paths[-1])


def show_bytes(root: Path, rev: str, path: str) -> bytes | None:
    """A file's bytes at `rev` (path relative to the top of the work tree), or None where
    it did not exist (or `rev` does not: the parent of a first commit)."""
    try:
        return _git_bytes(root, "show", f"{rev}:{path}")
    except CdsError:
        return None
