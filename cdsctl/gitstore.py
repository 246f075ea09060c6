"""The git calls cdsctl makes, and the one place their command lines are built.

The class of bug this module closes is *user text reaching git's argv*: a revision typed by a
user (``--changed-since``, ``--at``) or a path that starts with ``-`` is read by git as an
option (``--changed-since=--output=agencies.yaml`` once made git overwrite that file).  So:

- every argv is built by :func:`_argv`, and only there (:func:`_run`, the one place git is
  started, takes nothing else): fixed options written in this module (each starts with
  ``-``), then ``--end-of-options``, then object names, then ``--`` and paths;
- a user's revision becomes an object name only through :func:`resolve`, which asks
  ``git rev-parse --verify --end-of-options REV^{commit}`` and returns the full commit id
  (:class:`Commit`); :func:`_argv` refuses any other object name (a full commit id, maybe
  with ``^`` and ``:path``), so no call site can forget.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NewType

from .diagnostics import CdsError
from .i18n import _

#: A full commit id that git has verified; made only by :func:`resolve` or read from git.
Commit = NewType("Commit", str)

#: What may follow ``--end-of-options``: a full commit id, maybe ``^`` (its first parent),
#: maybe ``:path`` (a file or folder in it).  It can never be read as an option.
_OBJECT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\^?(?::.*)?", re.DOTALL)


#: A git command line made by :func:`_argv`: the only thing :func:`_run` takes (mypy checks).
_Argv = NewType("_Argv", list[str])


@dataclass(frozen=True, slots=True)
class _Unverified:
    """A user's revision on its way to ``git rev-parse --verify`` (and nowhere else)."""

    text: str


def _argv(command: str, *options: str, objects: Sequence[str | _Unverified] = (),
          paths: Sequence[str] | None = None) -> _Argv:  # fmt: skip
    """The one builder of a git command line; ValueError (a bug in cdsctl) for anything that
    git could read as an option where it should read a name."""
    if bad := [o for o in options if not o.startswith("-")]:
        raise ValueError(f"git {command}: {bad!r} are not options")
    verifying = command == "rev-parse" and "--verify" in options
    if unsafe := [o for o in objects if not _safe_object(o, verifying)]:
        raise ValueError(f"git {command}: {unsafe!r} are not verified object names")
    argv = ["git", "-c", "core.quotePath=false", command, *options]
    if objects:
        argv += ["--end-of-options", *(_object_text(o) for o in objects)]
    return _Argv(argv if paths is None else [*argv, "--", *paths])


def _safe_object(name: str | _Unverified, verifying: bool) -> bool:
    return verifying if isinstance(name, _Unverified) else bool(_OBJECT.fullmatch(name))


def _object_text(name: str | _Unverified) -> str:
    return name.text + "^{commit}" if isinstance(name, _Unverified) else name


def _run(
    cwd: Path, argv: _Argv, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a command line from :func:`_argv` in `cwd`; the one place git is started."""
    try:
        return subprocess.run(argv, cwd=cwd, capture_output=True, check=False, env=env)
    except FileNotFoundError:
        raise CdsError(_("git is not installed (cdsctl needs it for this command)")) from None


def _git_bytes(cwd: Path, argv: _Argv) -> bytes:
    """git's output as bytes (file contents are decoded by the caller); CdsError on failure."""
    done = _run(cwd, argv)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip() or _("failed")
        raise CdsError(f"git {argv[3]}: {message}")
    return done.stdout


def _git(cwd: Path, argv: _Argv) -> str:
    return _git_bytes(cwd, argv).decode("utf-8", "replace")


# -- revisions a user gives ----------------------------------------------------------------


def shown(text: str, limit: int = 80) -> str:
    """User text quoted on one line: control characters escaped, long text cut."""
    escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return "'" + (escaped if len(escaped) <= limit else escaped[: limit - 1] + "…") + "'"


def _not_a_commit(option: str, text: str) -> CdsError:
    quoted = shown(text)
    return CdsError(
        _("{option}: {revision} is not a commit in this repository; give a branch, a tag or a "
          "commit id such as origin/main or HEAD~1 / {revision} không phải là một commit của "
          "kho này").format(option=option, revision=quoted)
    )  # fmt: skip


def resolve(root: Path, text: str, option: str) -> Commit:
    """The commit a user's revision names (`option` is the option it came with, for the
    message); :class:`CdsError` when it names none or `root` is not in git."""
    toplevel(root, option)
    if not text or "\0" in text or not _encodable(text):
        raise _not_a_commit(option, text)
    done = _run(root, _argv("rev-parse", "--verify", "--quiet", objects=[_Unverified(text)]))
    name = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not _OBJECT.fullmatch(name):
        raise _not_a_commit(option, text)
    return Commit(name)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return False
    return True


def toplevel(root: Path, option: str = "git") -> Path:
    """The top of the git work tree that holds `root`; CdsError when there is none."""
    done = _run(root, _argv("rev-parse", "--show-toplevel"))
    if done.returncode != 0:
        raise CdsError(_("{option}: {root} is not in a git repository (this reads git's history)")
                       .format(option=option, root=root))  # fmt: skip
    return Path(done.stdout.decode("utf-8", "surrogateescape").rstrip("\n"))


# -- --changed-since -------------------------------------------------------------------------


@dataclass(frozen=True)
class Changes:
    """What changed below a records root since a revision (paths relative to the root)."""

    changed: list[str]  # added, modified, renamed to, or untracked
    deleted: list[str]  # deleted, or renamed from


def changed_since(root: Path, commit: Commit) -> Changes:
    """Files below `root` that differ from `commit` in the working tree, or are untracked."""
    changed, deleted = set(), set()
    diff = _argv("diff", "--name-status", "-z", "--relative", "-M", objects=[commit], paths=["."])
    fields = iter(_git(root, diff).split("\0"))
    for status in fields:
        if not status:
            continue
        paths = [next(fields)] + ([next(fields)] if status[0] in "RC" else [])
        if status[0] == "D" or status[0] == "R":
            deleted.add(paths[0])
        if status[0] != "D":
            changed.add(paths[-1])
    untracked = _git(root, _argv("ls-files", "--others", "--exclude-standard", "-z", paths=["."]))
    changed.update(p for p in untracked.split("\0") if p)
    return Changes(sorted(changed), sorted(deleted))


def show(root: Path, commit: Commit, relpath: str) -> str | None:
    """A file's text at `commit` (path relative to `root`), or None where it did not exist."""
    data = _show(root, f"{commit}:./{relpath}")
    return data.decode("utf-8", "replace") if data is not None else None


# -- --at ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Export:
    """A records root as committed, unpacked: where, and the members left out (one line each)."""

    root: Path
    left_out: list[str]


def export_tree(root: Path, rev: str, into: Path) -> Export:
    """The records root as committed at the user's revision `rev`, unpacked below `into` (no
    checkout: the working tree and the index are not touched).

    The root may be a folder anywhere inside the repository, and the current directory
    anywhere at all.  A symbolic link that would point out of `into` is left out and named
    in :attr:`Export.left_out`, the way ``validate`` reports a link leading out of the root.
    """
    commit = resolve(root, rev, "--at")
    where = prefix(root)
    archive = _argv("archive", "--format=tar", objects=[f"{commit}:{where}"])
    done = _run(toplevel(root, "--at"), archive)
    if done.returncode != 0:
        if where:
            raise CdsError(_("--at {revision}: the records root {folder} is not in commit "
                             "{commit}").format(revision=shown(rev), folder=where.rstrip("/"),
                                                commit=commit[:12]))  # fmt: skip
        raise CdsError(_("--at {revision}: the records root is not in commit {commit}").format(
            revision=shown(rev), commit=commit[:12]))  # fmt: skip
    return Export(into, _unpack(done.stdout, into))


def _unpack(tar: bytes, into: Path) -> list[str]:
    """Extract each member with tarfile's 'data' filter; the lines for those it refuses."""
    left_out: list[str] = []
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        for member in archive:
            try:
                archive.extract(member, into, filter="data")
            except tarfile.FilterError as exc:
                left_out.append(_refused(member, exc))
    return left_out


def _refused(member: tarfile.TarInfo, exc: Exception) -> str:
    if member.issym() or member.islnk():
        return _("{name}: a symbolic link to {target}, outside the records root "
                 "(link-outside-root); left out").format(name=member.name,
                                                         target=shown(member.linkname))  # fmt: skip
    return _("{name}: {reason}; left out").format(name=member.name, reason=exc)


# -- one file's history (cdsctl history) ------------------------------------------------------


def prefix(root: Path) -> str:
    """Where `root` is inside its git work tree (``records/``, or ``""`` at the top).

    :class:`CdsError` when `root` is not in a git work tree.
    """
    return _git_bytes(root, _argv("rev-parse", "--show-prefix")).decode("utf-8").strip()


@dataclass(frozen=True)
class FileCommit:
    """One commit that changed a file; paths are relative to the top of the work tree."""

    commit: Commit
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
    log = _argv("log", "--follow", "--no-merges", "--name-status", _LOG_FORMAT, paths=[relpath])
    out = _git_bytes(root, log).decode("utf-8", "replace")
    commits = (_file_commit(chunk) for chunk in out.split(_COMMIT) if chunk.strip())
    return [c for c in commits if c is not None]


def _file_commit(chunk: str) -> FileCommit | None:
    header, _, rest = chunk.partition("\n")
    statuses = [line.split("\t") for line in rest.splitlines() if "\t" in line]
    if not statuses:
        return None
    commit, short, when, author, subject = header.split(_FIELDS, 4)
    status, *paths = statuses[0]
    return FileCommit(Commit(commit), short, when, author, subject, status, paths[0], paths[-1])


def show_bytes(root: Path, commit: Commit, path: str, parent: bool = False) -> bytes | None:
    """A file's bytes at `commit` (or at its first `parent`; path relative to the top of the
    work tree), or None where it did not exist (or the commit did not: a first commit's
    parent)."""
    return _show(root, f"{commit}{'^' if parent else ''}:{path}")


def _show(root: Path, name: str) -> bytes | None:
    try:
        return _git_bytes(root, _argv("show", objects=[name]))
    except CdsError:
        return None


def shallow_boundary(root: Path) -> frozenset[Commit]:
    """The commits of a shallow clone whose parents were cut off (empty when not shallow).

    A commit there looks like a first commit to ``git log``: every file "added".
    """
    answer = _git(root, _argv("rev-parse", "--is-shallow-repository", "--git-common-dir"))
    flag, _, where = answer.partition("\n")
    if flag.strip() != "true":
        return frozenset()
    try:  # the commits whose parents are cut are listed in $GIT_COMMON_DIR/shallow
        listed = (root / where.strip() / "shallow").read_text(encoding="ascii").split()
    except OSError:
        return frozenset()
    return frozenset(Commit(c) for c in listed if _has_parent(root, Commit(c)))


def _has_parent(root: Path, commit: Commit) -> bool:
    """Whether the commit object names a parent (a true first commit names none)."""
    raw = _git(root, _argv("cat-file", "-p", objects=[commit]))
    header = raw.partition("\n\n")[0]
    return any(line.startswith("parent ") for line in header.splitlines())


# -- commits cdsctl makes (`--commit`) -------------------------------------------------------


def commit_files(root: Path, relpaths: Sequence[str], message: str) -> None:
    """Commit exactly the files `relpaths` (relative to `root`, just written) with
    `message`: ``git commit --only`` leaves whatever else is staged staged, uncommitted."""
    toplevel(root, "--commit")
    _git(root, _argv("add", paths=list(relpaths)))
    _git(root, _argv("commit", "--quiet", "--only", f"--message={message}", paths=list(relpaths)))


# -- what a site is built from (`cdsctl site`) --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Built:
    """The commit a records root was read at, and the files below the root (relative to it)
    that differ from it in the work tree (untracked ones too)."""

    commit: Commit
    changed: tuple[str, ...]


def built_from(root: Path, at: Commit | None) -> Built | None:
    """`at`, or the work tree's HEAD and the files below `root` that differ from it; None
    when `root` is not in a git repository (or the repository has no commit yet)."""
    if at is not None:
        return Built(at, ())
    if not inside_work_tree(root):
        return None
    head = _run(root, _argv("rev-parse", "--verify", "--quiet", objects=[_Unverified("HEAD")]))
    if head.returncode != 0:
        return None
    where = prefix(root)
    status = _argv("status", "--porcelain", "-z", "--untracked-files=all", "--no-renames",
                   paths=["."])  # fmt: skip
    entries = _git_bytes(root, status).decode("utf-8", "replace").split("\0")
    changed = tuple(e[3:][len(where) :] for e in entries if e[3:].startswith(where) and e[3:])
    return Built(Commit(head.stdout.decode().strip()), changed)


@dataclass(frozen=True, slots=True)
class Touch:
    """One commit that changed a file, as a site's page lists it."""

    commit: str
    date: str  # author date, YYYY-MM-DD
    author: str
    subject: str


def touches(root: Path, at: Commit, per_file: int) -> dict[str, list[Touch]]:
    """For each file below `root` (its path relative to `root`), the newest `per_file`
    commits up to `at` that changed it, newest first; one `git log` for every file."""
    where = prefix(root)
    log = _argv("log", "--no-merges", "--no-renames", "--name-only", "--date=short",
                f"--format={_COMMIT}%H{_FIELDS}%ad{_FIELDS}%an{_FIELDS}%s",
                objects=[at], paths=["."])  # fmt: skip
    out = _git_bytes(root, log).decode("utf-8", "replace")
    found: dict[str, list[Touch]] = {}
    for chunk in out.split(_COMMIT):
        header, _, names = chunk.partition("\n")
        if not header.strip():
            continue
        touch = Touch(*header.split(_FIELDS, 3))
        for name in names.splitlines():
            if name.startswith(where) and name:
                kept = found.setdefault(name[len(where) :], [])
                if len(kept) < per_file:
                    kept.append(touch)
    return found


# -- a new repository (`cdsctl init`) --------------------------------------------------------

#: what would point git at another repository than the folder's own
_GIT_LOCATIONS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
                  "GIT_OBJECT_DIRECTORY")  # fmt: skip


def _own_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _GIT_LOCATIONS}


def inside_work_tree(folder: Path) -> bool | None:
    """Whether `folder` is inside a git work tree (or a repository's own folder); None when
    git is not installed.  A repository git will not read (`safe.directory`) counts as one:
    a repository is never made inside another."""
    try:
        done = _run(folder, _argv("rev-parse", "--is-inside-work-tree"), _own_env())
    except CdsError:  # git is not installed
        return None
    return done.returncode == 0 or b"safe.directory" in done.stderr


def init_repository(folder: Path) -> str | None:
    """`git init` of `folder` (after `--`: never read as an option); None when done, else
    git's message."""
    try:
        done = _run(folder, _argv("init", "--quiet", paths=[str(folder.absolute())]), _own_env())
    except CdsError as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    return done.stderr.decode("utf-8", "replace").strip() or f"exit {done.returncode}"


# -- two commits compared (`cdsctl review BASE HEAD`) ------------------------------------------


def changed_between(root: Path, base: Commit, head: Commit) -> Changes:
    """Files below `root` that differ from commit `base` to commit `head` (paths relative to
    the root; a rename is the old path deleted and the new one changed)."""
    diff = _argv("diff", "--name-status", "-z", "--relative", "-M", objects=[base, head],
                 paths=["."])  # fmt: skip
    changed, deleted = set(), set()
    fields = iter(_git(root, diff).split("\0"))
    for status in fields:
        if not status:
            continue
        paths = [next(fields)] + ([next(fields)] if status[0] in "RC" else [])
        if status[0] in "DR":
            deleted.add(paths[0])
        if status[0] != "D":
            changed.add(paths[-1])
    return Changes(sorted(changed), sorted(deleted))
