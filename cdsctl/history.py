"""A record's history from git: the commits that changed its file and the fields they changed.

Each commit is compared with its first parent (so history with branches reads right), both
versions parsed with the exact loader.  Top-level fields are compared; lists and mappings
are compared whole and summarised (``extensions: added 1``, ``extensions: 1 → 2 items``).
An agency's history is that of its entry in ``agencies.yaml``: commits that leave the entry
alone are left out.  Three pseudo-fields in parentheses report what is not a field change:
``(file)`` (created, deleted, renamed), ``(yaml)`` (a version that cannot be read) and
``(shallow)``: in a shallow clone the oldest commit there has lost its parents, so git lists
every file as added by it; that commit is said to be where the history is cut, never "created".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import gitstore
from .checks.index import AnySummary
from .diagnostics import CdsError
from .i18n import _
from .load.files import is_markdown
from .load.reading import ReadProblem, source_of
from .load.yamltext import load_exact

FILE, YAML, SHALLOW = "(file)", "(yaml)", "(shallow)"
CUT = ("history cut here: this is a shallow clone and older commits are not in it "
       "(`git fetch --unshallow` fetches them)")  # fmt: skip
SHORT = 40  # longer values (titles, descriptions, bodies) are only said to have changed


@dataclass(frozen=True, slots=True)
class Change:
    """One field that changed: `old`/`new` are None where the field was absent."""

    field: str
    old: Any
    new: Any

    def text(self) -> str:
        """``due: 2022-05-20 → 2022-06-15``, ``+ completed: 2022-06-08``, ``- cancelled``…"""
        if self.field == FILE:
            return _file_text(self.old, self.new)
        if self.field == YAML:
            return f"unreadable: {self.new}" if self.new else "readable again"
        if self.field == SHALLOW:
            return CUT
        if _listish(self.old) and _listish(self.new):
            return f"{self.field}: {_list_change(self.old or [], self.new or [])}"
        return _value_text(self.field, self.old, self.new)

    def row(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class Revision:
    """One commit that changed the record, and how."""

    commit: str
    short: str
    date: str
    author: str
    subject: str
    changes: list[Change] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """One item of `cdsctl history --format json`."""
        return {"commit": self.commit, "short": self.short, "date": self.date,
                "author": self.author, "subject": self.subject,
                "changes": [c.row() for c in self.changes]}  # fmt: skip


# -- describing a change ---------------------------------------------------------------------


def _file_text(old: str | None, new: str | None) -> str:
    if old is None:
        return "created"
    if new is None:
        return "deleted"
    return f"renamed from {old}"


def _listish(value: Any) -> bool:
    return value is None or isinstance(value, list)


def _plain(value: Any) -> str:
    """A value as one line of text: ``true``, ``[A, B]``, ``{due: 2022-06-15}``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(map(_plain, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)


def _short(value: Any) -> str | None:
    """The value as text when it is short and on one line, else None."""
    text = _plain(value)
    return text if len(text) <= SHORT and "\n" not in text else None


def _list_change(old: list[Any], new: list[Any]) -> str:
    """Lists of plain values side by side when short, else what was added or removed."""
    if not any(isinstance(v, dict | list) for v in (*old, *new)):
        before, after = _short(old), _short(new)
        if before is not None and after is not None:
            return f"{before} → {after}"
    grown = len(new) - len(old)
    if grown > 0 and new[: len(old)] == old:
        return f"added {grown}"
    if grown < 0 and old[: len(new)] == new:
        return f"removed {-grown}"
    return "changed" if grown == 0 else f"{len(old)} → {len(new)} items"


def _value_text(name: str, old: Any, new: Any) -> str:
    if old is None:
        shown = _short(new)
        return f"+ {name}: {shown}" if shown is not None else f"+ {name}"
    if new is None:
        return f"- {name}"
    before, after = _short(old), _short(new)
    if before is None or after is None:
        return f"{name}: changed"
    return f"{name}: {before} → {after}"


# -- comparing two versions ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Version:
    """A record as one commit holds it: its fields, or None when absent or unreadable."""

    data: dict[str, Any] | None = None
    problem: str | None = None  # why it could not be read


def field_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Top-level fields that differ, in the new version's order, then those removed."""
    names = [*new, *(k for k in old if k not in new)]
    return [Change(k, old.get(k), new.get(k)) for k in names if old.get(k) != new.get(k)]


def compare(old: Version, new: Version, old_path: str, new_path: str) -> list[Change]:
    """What changed from `old` to `new` (paths are shown for creation and renames)."""
    if new.problem is not None:
        return [Change(YAML, None, new.problem)]
    if new.data is None:
        return [] if old.data is None and old.problem is None else [Change(FILE, old_path, None)]
    if old.problem is not None:
        return [Change(YAML, old.problem, None)]
    if old.data is None:
        return [Change(FILE, None, new_path)]
    moved = [Change(FILE, old_path, new_path)] if old_path != new_path else []
    return moved + field_changes(old.data, new.data)


def parse_version(raw: bytes | None, path: str, agency: str | None = None) -> Version:
    """A file's bytes at one commit as a :class:`Version` (an agency: its entry only)."""
    if raw is None:
        return Version()
    try:
        source = source_of(raw, markdown=is_markdown(path))
    except ReadProblem as exc:
        return Version(problem=str(exc))
    loaded = load_exact(source.yaml, source.offset)
    if not isinstance(loaded.data, dict):
        problem = loaded.problems[0].message if loaded.problems else "not a YAML mapping"
        return Version(problem=problem)
    data = loaded.data if source.body is None else {**loaded.data, "body": source.body}
    return _agency_entry(data, agency) if agency is not None else Version(data)


def _agency_entry(data: dict[str, Any], agency: str) -> Version:
    entries = data.get("agencies")
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and entry.get("id") == agency:
            return Version(entry)
    return Version()


# -- the record's file and its commits -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """Whose history: a record file (relative to the root), or one agency's entry in it."""

    file: str
    agency: str | None = None


def find(summaries: Iterable[AnySummary], record_id: str) -> Target:
    """The file that holds `record_id`; :class:`CdsError` when no record has that id."""
    for summary in summaries:
        if summary.kind == "agencies" and _lists_agency(summary, record_id):
            return Target(summary.file, record_id)
        if summary.id == record_id:
            return Target(summary.file)
    raise CdsError(_("no record or agency has the id '{id}'").format(id=record_id))


def _lists_agency(summary: AnySummary, agency: str) -> bool:
    return any(isinstance(a, dict) and a.get("id") == agency
               for a in summary.values.get("agencies", ()))  # fmt: skip


def history(root: Path, target: Target) -> list[Revision]:
    """The commits that changed the target, newest first, each with its changes."""
    try:
        top = gitstore.prefix(root)
    except CdsError:
        raise CdsError(_("{root} is not in a git repository; history reads git's log").format(
            root=root)) from None  # fmt: skip
    cut = gitstore.shallow_boundary(root)
    commits = gitstore.file_log(root, target.file)
    revisions = (_revision(root, top, target, c, c.commit in cut) for c in commits)
    return [r for r in revisions if r.changes or target.agency is None]


def _revision(root: Path, top: str, target: Target, commit: gitstore.FileCommit,
              cut: bool = False) -> Revision:  # fmt: skip
    """The commit's changes to the target (`cut`: a shallow clone's boundary, whose parent
    is missing, so what it changed cannot be told)."""
    if cut:
        return Revision(commit.commit, commit.short, commit.date, commit.author, commit.subject,
                        [Change(SHALLOW, None, None)])  # fmt: skip
    old_raw = gitstore.show_bytes(root, commit.commit, commit.old_path, parent=True)
    new_raw = gitstore.show_bytes(root, commit.commit, commit.path)
    old = parse_version(old_raw, commit.old_path, target.agency)
    new = parse_version(new_raw, commit.path, target.agency)
    shown_old, shown_new = _below(top, commit.old_path), _below(top, commit.path)
    changes = compare(old, new, shown_old, shown_new)
    return Revision(commit.commit, commit.short, commit.date, commit.author, commit.subject,
                    changes)  # fmt: skip


def _below(top: str, path: str) -> str:
    """A work-tree path relative to the records root when it is inside it."""
    return path[len(top) :] if top and path.startswith(top) else path


def as_text(revisions: list[Revision]) -> str:
    """Like `git log --oneline`, with each change indented below its commit."""
    lines: list[str] = []
    for r in revisions:
        lines.append(f"{r.date[:10]}  {r.author}  {r.short}  {r.subject}")
        texts = [c.text() for c in r.changes] or ["(no field changed: comments or layout)"]
        lines.extend(f"    {t}" for t in texts)
    return "\n".join(lines) + "\n" if lines else ""
