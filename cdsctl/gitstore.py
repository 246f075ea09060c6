"""The few git calls cdsctl makes, in one place."""

from __future__ import annotations

import subprocess
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


def changed_since(root: Path, rev: str) -> list[str]:
    """Files below `root` (relative to it) added, changed or untracked since `rev`."""
    changed = _git(root, "diff", "--name-only", "--relative", "--diff-filter=ACMRT", rev, "--", ".")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--", ".")
    return sorted({line for line in (changed + untracked).splitlines() if line})
