"""The few git calls cdsctl makes, in one place."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import CdsError


def _git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise CdsError("git is not installed") from None
    if done.returncode != 0:
        raise CdsError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


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
    try:
        return _git(root, "show", f"{rev}:./{relpath}")
    except CdsError:
        return None


def export_tree(root: Path, rev: str, into: Path) -> Path:
    """The records root as committed at `rev`, unpacked below `into` (no checkout: the
    working tree and the index are not touched).  Returns the unpacked root."""
    import io
    import tarfile

    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    try:
        done = subprocess.run(["git", "archive", "--format=tar", f"{rev}:{prefix}"], cwd=root,
                              capture_output=True, check=False)  # fmt: skip
    except FileNotFoundError:
        raise CdsError("git is not installed") from None
    if done.returncode != 0:
        raise CdsError(f"--at {rev}: {done.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(into, filter="data")
    return into
