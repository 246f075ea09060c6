"""One side of a review: the records as a commit (or the work tree) holds them.

A side is loaded with the library (:func:`cdsctl.repository.load`), so its typed records,
task states and the files left out for errors are those every query sees.  On top of that
it knows where each record is (every file's summary, also of files with errors), which ids
it holds in files left out (never to be read as "removed"), each record as written (for the
fields a change touched) and the line of a key, for a GitHub annotation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .. import gitstore
from ..history import parse_version
from ..load.files import AGENCIES

if TYPE_CHECKING:
    from ..model import Records
    from ..repository import Repository

AGENCY = "agency"  # the kind of one entry of agencies.yaml


@dataclass(frozen=True, slots=True)
class Located:
    """Where a record is: its kind (`agency` for an entry of agencies.yaml) and its file,
    relative to the records root."""

    kind: str
    file: str


class Side:
    """The records of one side, and how to read each of them as written."""

    def __init__(self, root: Path, repo: Repository) -> None:
        self.root = root
        self.repo = repo
        self.broken = frozenset(repo.skipped)
        self.where: dict[str, Located] = {}
        self.hidden: set[str] = set()
        self.agencies_known = False
        self._files: dict[str, dict[str, Any] | None] = {}
        self._locate()

    def _locate(self) -> None:
        summarised = set()
        for summary in self.repo.validation.summaries:
            summarised.add(summary.file)
            if summary.kind == "agencies":
                self._locate_agencies(summary.file, summary.values.get("agencies", ()))
            elif summary.id is not None:
                self._place(summary.id, Located(summary.kind, summary.file))
        for file in self.broken - summarised:  # unreadable: the id is the file's name
            self.hidden.add(PurePosixPath(file).stem)

    def _locate_agencies(self, file: str, entries: Any) -> None:
        self.agencies_known = file == AGENCIES
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                self._place(entry["id"], Located(AGENCY, file))

    def _place(self, record_id: str, located: Located) -> None:
        if located.file in self.broken:
            self.hidden.add(record_id)
        self.where.setdefault(record_id, located)  # the first holder of an id, as queries

    @property
    def records(self) -> Records:
        return self.repo.records

    def holds(self, record_id: str) -> bool:
        """Whether this side has the record at all (usable or in a file with errors)."""
        return record_id in self.where or record_id in self.hidden

    def usable(self, record_id: str) -> bool:
        """Whether the record is here, in a file without errors (queries see it)."""
        return record_id in self.where and record_id not in self.hidden

    def ids(self, kind: str) -> set[str]:
        """The usable records of `kind`."""
        return {i for i, at in self.where.items() if at.kind == kind and i not in self.hidden}

    def data(self, record_id: str) -> dict[str, Any]:
        """The record as written (its entry, for an agency); empty when it cannot be read."""
        at = self.where.get(record_id)
        whole = self._file(at.file) if at is not None else None
        if whole is None or at is None:
            return {}
        return _entry(whole, record_id) if at.kind == AGENCY else whole

    def _file(self, file: str) -> dict[str, Any] | None:
        if file not in self._files:
            try:
                raw = (self.root / file).read_bytes()
            except OSError:
                raw = None
            self._files[file] = parse_version(raw, file).data
        return self._files[file]

    def line(self, record_id: str, path: tuple[str | int, ...]) -> int:
        """The line of `path` in the record's file (of its entry, for an agency): its key
        where it is written, else the nearest enclosing one."""
        from ..validation.onefile import positions_of

        at = self.where.get(record_id)
        if at is None:
            return 1
        if at.kind == AGENCY:
            path = ("agencies", _entry_index(self._file(at.file), record_id), *path)
        return positions_of(self.root, at.file).find(path)[0]


def _entries(whole: dict[str, Any] | None) -> list[Any]:
    entries = (whole or {}).get("agencies")
    return entries if isinstance(entries, list) else []


def _entry(whole: dict[str, Any], agency: str) -> dict[str, Any]:
    for entry in _entries(whole):
        if isinstance(entry, dict) and entry.get("id") == agency:
            return entry
    return {}


def _entry_index(whole: dict[str, Any] | None, agency: str) -> int:
    for i, entry in enumerate(_entries(whole)):
        if isinstance(entry, dict) and entry.get("id") == agency:
            return i
    return 0


def referrers(side: Side) -> dict[str, list[str]]:
    """Each id → the ids of the records that refer to it (the references validation knows,
    agency aliases read as the ids they stand for; an agency entry's `parent` and
    `successor`); a record referring to itself is left out."""
    from ..checks.index import Index

    summaries = side.repo.validation.summaries
    aliases = Index(summaries).aliases
    found: dict[str, list[str]] = {}
    for summary in summaries:
        for source, name in _references(summary.kind, summary.id, summary.values,
                                        summary.references):  # fmt: skip
            target = aliases.get(name, name)
            if target != source and source not in found.setdefault(target, []):
                found[target].append(source)
    return found


def _references(kind: str, record_id: str | None, values: dict[str, Any],
                grouped: dict[tuple[str, ...], list[str]]) -> list[tuple[str, str]]:  # fmt: skip
    """(referring id, name) of one summary."""
    if kind == "agencies":
        return [(entry["id"], entry[key]) for entry in _entries(values)
                if isinstance(entry, dict) and "id" in entry
                for key in ("parent", "successor") if isinstance(entry.get(key), str)]  # fmt: skip
    if record_id is None:
        return []
    return [(record_id, name) for names in grouped.values() for name in names]


def read(root: Path, commit: gitstore.Commit | None, into: Path) -> Side:
    """The side at `commit` (exported below `into`, read without a cache), or the work tree
    of `root` when `commit` is None."""
    from .. import repository

    if commit is None:
        return Side(root, repository.load(root))
    exported = gitstore.export_tree(root, commit, into)
    return Side(exported.root, repository.load(exported.root, cache_dir=False))
