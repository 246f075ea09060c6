"""A snapshot's records made straight from the validation cache's shards, one shard at a
time, when no snapshot is kept yet for the files (by the keeper after `validate`,
cdsctl.snapshot.keeper, or a query or site run before it is done): what
:func:`cdsctl.repository.load` gives a query, without holding every file's summary and
values at once.

A full load holds each of the 305,061 files' summary (the whole values of every report),
the marshalled values of every other record and then the typed records: 1.2 GB at 100,000
tasks and 200,000 reports, 4.2 GB at a million files.  Here each shard's files are made
into what a snapshot keeps (:mod:`.columns`) one shard at a time: a task into its row of
the columns, a report into its items on each task (dates as ISO text, as a decoded
snapshot has them), the few other records kept as values until the end.  A query takes
them from the piece the validation's worker left beside the shard
(cdsctl.validation.pieces), made while it held the values: 1.1 s of CPU at 100,000
tasks, against 2.4 s reading the shards themselves, which it does for a shard without a
piece that serves.  The records are then those of a full load (the same files left out
for errors, the first holder of an id in path order): tests/test_fromshards.py and
tests/test_pieces.py compare them.
"""

from __future__ import annotations

import marshal
import operator
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from .. import model
from ..dates.workdays import preload
from ..diagnostics import Diagnostic, Severity
from ..load.files import Seen, Stamp
from ..load.files import digest as digest_of
from ..model import ROW_FIELDS
from ..validation import pieces
from ..validation.cache import Store, unchanged
from ..validation.gcpause import gc_paused
from ..validation.pipeline import HOLIDAYS, last_whole, whole_times
from . import columns
from .patch import Files
from .where import Where

#: how many shards are read between two looks at whether the walk beside has found a change
#: (then the records are not made whole: a validation will run)
LOOK_EVERY = 64
#: called every LOOK_EVERY shards of a pass (the keeper gives way to a command reading them)
Pause = Callable[[], None] | None


@dataclass(slots=True)
class OfFiles:
    """Every file of the shards, in the shards' order: its stamp, its record's (kind, id)
    (("", None): none), and each report's agency."""

    names: list[str] = field(default_factory=list)
    flat: array[int] = field(default_factory=lambda: array("q"))
    owners: list[tuple[str, str | None]] = field(default_factory=list)
    agencies: dict[str, str] = field(default_factory=dict)  # (as written: ids after aliases)
    _sorted: list[int] | None = None  # the files' places in path order (:meth:`_order`)

    def add(self, file: str, stamp: Any, summary: Any, errors: dict[str, int]) -> None:
        self.names.append(file)
        self.flat.extend(stamp)
        if summary is None:
            self.owners.append(_NONE)
            return
        kind, record_id = summary[0], summary[1]
        self.owners.append((kind, record_id))
        if kind == "report" and file not in errors:
            self.agencies[record_id] = summary[3]["agency"]

    def digest(self) -> bytes:
        """The digest of the stamps read (load.files.digest), made from the columns: a list
        of (file, stamp) would hold each stamp decoded again (65 MB at 305,061 files)."""
        flat = iter(self.flat)
        stamps = zip(flat, flat, flat, flat, strict=True)
        return digest_of(zip(self.names, stamps, strict=True))

    def with_ids(self, agency_ids: dict[str, str]) -> OfFiles:
        """Each report's agency as an id (an alias written in a report named by its id)."""
        if agency_ids:
            self.agencies = {r: agency_ids.get(a, a) for r, a in self.agencies.items()}
        return self

    def where(self, errors: dict[str, int]) -> Where:
        """Where each record is (the first holder of an id in path order)."""
        located: dict[str, tuple[str, str]] = {}
        whole: list[tuple[str, str]] = []
        files, owners = self.names, self.owners
        for i in self._order():
            kind, record_id = owners[i]
            if record_id is not None:
                located.setdefault(record_id, (kind, files[i]))
            elif kind:
                whole.append((kind, files[i]))
        return Where(located, errors, self.agencies, whole)

    def files(self, errors: dict[str, int]) -> Files:
        """The files, in path order (cdsctl.snapshot.patch)."""
        order, files, owners = self._order(), self.names, self.owners
        if order == list(range(len(files))):  # (the usual: the shards of a run are in order)
            names, stamps = files, self.flat
        else:
            names = [files[i] for i in order]
            flat = self.flat
            stamps = array("q", chain.from_iterable(flat[4 * i : 4 * i + 4] for i in order))
        held = {files[i]: owner for i, owner in enumerate(owners) if owner[0]}
        return Files.of(names, stamps, held, errors)

    def _order(self) -> list[int]:
        """The files' places in path order, sorted once for :meth:`where` and :meth:`files`."""
        if self._sorted is None:
            names = self.names
            self._sorted = sorted(range(len(names)), key=names.__getitem__)
        return self._sorted


_NONE = ("", None)


@dataclass(slots=True)
class Made:
    """The records of the last validation's files without errors, as a snapshot holds them,
    and what keeping a snapshot of them needs; :meth:`holds` tells whether they are still
    the files' (given a walk of them now).

    Made `lean`, the tasks have no description and :attr:`of_files` is None: a query needs
    neither (109 MB and 97 MB at 100,000 tasks); the snapshot is kept by a process of its
    own (cdsctl.snapshot.keeper), which reads the shards again for each."""

    records: model.Records
    skipped: list[str]
    digest: bytes
    kept: dict[str, Any]  # the digest and the times a walk is compared with
    errors: dict[str, int]
    shards: list[str]  # the names of the shards read
    of_files: OfFiles | None

    def holds(self, seen: dict[str, Stamp] | Seen) -> bool:
        return unchanged(seen, self.kept)

    def where(self) -> Where:
        """Where each record is; worked out when asked (0.3 s at 305,061 files)."""
        return self._of_files().where(self.errors)

    def _of_files(self) -> OfFiles:
        if self.of_files is None:
            raise ValueError("made lean: without what each file holds")
        return self.of_files


def descriptions(store: Store, shard_names: list[str], errors: dict[str, int],
                 pause: Pause = None) -> dict[str, str] | None:  # fmt: skip
    """The tasks' descriptions by id (of the files without errors: an id's only holder
    there), as a snapshot keeps them apart; None when a shard is missing or damaged.
    `pause`: called every :data:`LOOK_EVERY` shards (the keeper gives way there)."""
    loads, found = marshal.loads, {}
    try:
        with gc_paused():
            for _, file, summary, blob in _files(store, shard_names, pause):
                if summary is not None and summary[0] == "task" and file not in errors:
                    text = loads(blob).get("description")
                    if text:
                        found[summary[1]] = text
    except _Damaged:
        return None
    return found


def files_of(store: Store, shard_names: list[str], errors: dict[str, int],
             pause: Pause = None) -> OfFiles | None:  # fmt: skip
    """What each file of the shards holds (:class:`OfFiles`), each report's agency as an id;
    None when a shard is missing or damaged.  `pause`: as :func:`descriptions`."""
    of_files, registries = OfFiles(), []
    try:
        with gc_paused():
            for stamp, file, summary, blob in _files(store, shard_names, pause):
                of_files.add(file, stamp, summary, errors)
                if summary is not None and summary[0] == "agencies" and file not in errors:
                    registries.append((file, marshal.loads(blob)))
    except _Damaged:
        return None
    records = model.Records()  # (the agencies alone: what an alias stands for)
    for file, values in sorted(registries, key=operator.itemgetter(0)):
        records.add("agencies", None, file, values)
    records.use_agency_ids()
    return of_files.with_ids(records.agency_ids)


class _Damaged(Exception):
    """A shard missing or damaged (:func:`_files`)."""


def _files(store: Store, shard_names: list[str], pause: Pause = None
           ) -> Iterator[tuple[Any, str, Any, bytes]]:  # fmt: skip
    """Each file of the shards in turn, (stamp, file, summary, blob); _Damaged when a shard
    is missing or damaged.  `pause`: called every :data:`LOOK_EVERY` shards."""
    for n, name in enumerate(shard_names):
        if pause is not None and n % LOOK_EVERY == 0:
            pause()
        shard = store.read(name)
        if not isinstance(shard, list):
            raise _Damaged
        for stamp, (file, _, summary, blob) in shard:
            yield stamp, file, summary, blob


@dataclass(frozen=True, slots=True)
class Last:
    """The last validation kept in the cache: its stamps' digest, the times a walk is
    compared with (cache.unchanged), each file with errors and how many, its shards, and
    the holiday calendars its rules worked out (dates.workdays.known_years, or None)."""

    digest: bytes
    kept: dict[str, Any]
    errors: dict[str, int]
    shards: list[str]
    holidays: dict[str, Any] | None = None

    def holds(self, seen: dict[str, Stamp] | Seen) -> bool:
        return unchanged(seen, self.kept)


def last(store: Store) -> Last | None:
    """The last validation kept in `store`, if there is one for today."""
    found = last_whole(store)
    if found is None:
        return None
    prior, manifest = found
    try:
        kept = whole_times(prior, manifest.get("written_ns", 0), manifest.get("started_ns"))
        return Last(prior["digest"], kept, _errors(prior["diagnostics"]), manifest["shards"],
                    prior.get(HOLIDAYS))  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None


def made(store: Store, seen: Callable[[], dict[str, Stamp] | Seen] | None = None,
         done: Callable[[], bool] | None = None, lean: bool = False,
         pause: Pause = None) -> Made | None:  # fmt: skip
    """The records of the validation kept in `store`, or None when there is none for today
    (or a shard is missing or damaged).  `seen`/`done`: a walk under way beside; once it is
    done and tells that files changed since, the shards are read no further (None).
    `lean`: without the tasks' descriptions nor what each file holds (a query needs
    neither; cdsctl.snapshot.keeper reads them apart, with :func:`descriptions` and
    :func:`files_of`).  `pause`: as :func:`descriptions`."""
    found = last(store)
    if found is None:
        return None
    preload(found.holidays)  # (the states then need no `holidays` package)
    with gc_paused():  # hundreds of thousands of small objects, no cycles
        return _made(store, found, seen, done, lean, pause)


def _errors(wires: list[Any]) -> dict[str, int]:
    """How many errors each file with errors has."""
    found: dict[str, int] = {}
    for d in map(Diagnostic.from_wire, wires):
        if d.severity is Severity.ERROR:
            found[d.file] = found.get(d.file, 0) + 1
    return found


def _made(store: Store, validated: Last, seen: Callable[[], dict[str, Stamp] | Seen] | None,
          done: Callable[[], bool] | None, lean: bool, pause: Pause) -> Made | None:  # fmt: skip
    """Each shard's records in turn, from its piece (validation.pieces: lean, and none of
    its files with errors) or else the shard read (an id held twice is an error of the later
    file, checks.crossfile's `duplicate-id`, and files with errors are left out: each
    record here is its id's only holder, wherever its shard is); then the records made of
    them all, the tasks from their columns as a decoded snapshot's."""
    shard_names, errors, kept = validated.shards, validated.errors, validated.kept
    of_files = None if lean else OfFiles()
    texts: dict[str, str] | None = None if lean else {}
    gathered = _All()
    for n, name in enumerate(shard_names):
        if n % LOOK_EVERY == 0:
            if pause is not None:
                pause()
            if seen is not None and done is not None and done() and not unchanged(seen(), kept):
                return None
        piece = pieces.read(store, name) if lean else None
        if piece is not None and not (errors and pieces.may_hold(piece, errors)):
            gathered.take(piece)
            continue
        shard = store.read(name)
        if not isinstance(shard, list):
            return None  # (missing or damaged: as validation.shards.cached_entries)
        read = pieces.Gathered(texts)
        for stamp, (file, _, summary, blob) in shard:
            if of_files is not None:
                of_files.add(file, stamp, summary, errors)
            if summary is not None and file not in errors:
                read.add(file, summary, blob)
        gathered.take(read.piece())
    records = gathered.records(texts)
    if of_files is not None:
        of_files = of_files.with_ids(records.agency_ids)
    return Made(records, sorted(errors), validated.digest, kept, errors, shard_names, of_files)


class _All:
    """The pieces of every shard taken in turn (validation.pieces.Gathered.piece), then made
    into records (:meth:`records`)."""

    def __init__(self) -> None:
        self.columns: list[list[Any]] = [[] for _ in ROW_FIELDS]
        self.entries: defaultdict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.internal: set[str] = set()
        self.others: list[tuple[str, str, str | None, Any]] = []

    def take(self, piece: dict[str, Any]) -> None:
        for column, more in zip(self.columns, piece["tasks"], strict=True):
            column += more
        entries = self.entries
        for task, entry in zip(pieces.items(piece), piece["entries"], strict=True):
            entries[task].append(entry)
        self.internal.update(piece["internal"])
        self.others += piece["others"]

    def records(self, texts: dict[str, str] | None) -> model.Records:
        """The records, in path order as a full load's (the first holder of an id stays),
        each task's report items in date order."""
        by_date_and_id = operator.itemgetter(0, 1)
        for found in self.entries.values():
            if len(found) > 1:
                found.sort(key=by_date_and_id)
        records = model.Records(internal=self.internal, report_entries=dict(self.entries))
        for file, kind, record_id, values in sorted(self.others, key=operator.itemgetter(0)):
            records.add(kind, record_id, file, values)
        records.use_agency_ids()  # (no task yet: their columns name agencies by id below)
        records.tasks = columns.tasks_of(self._in_order(records.agency_ids), columns.days(), texts)
        return records

    def _in_order(self, ids: dict[str, str]) -> dict[str, list[Any]]:
        """The tasks' columns in path order (the shards of a run are; new files after edits
        go to new shards), a tuple of agencies or tags one object per value across shards,
        each agency named by an alias written as its id (`ids`, as Records.use_agency_ids)."""
        found = self.columns
        files = found[_SOURCE]
        if any(a > b for a, b in zip(files, islice(files, 1, None), strict=False)):
            order = sorted(range(len(files)), key=files.__getitem__)
            found = [[column[i] for i in order] for column in found]
        mapped = _AGENCIES_AT if ids else ()  # (made one per value below, as they are mapped)
        same: Callable[[Any, Any], Any] = {}.setdefault
        for i in _TUPLES_AT:
            if i not in mapped:
                found[i] = [same(v, v) for v in found[i]]
        if ids:
            get = ids.get
            by_ids: dict[tuple[str, ...], tuple[str, ...]] = {}
            for i in _AGENCY_AT:
                found[i] = [get(v, v) for v in found[i]]
            known = by_ids.get
            for i in _AGENCIES_AT:  # (one tuple per value: each written once)
                column: list[Any] = []
                add = column.append
                for v in found[i]:  # (a tuple hashed once: 0.04 s at 100,000 tasks)
                    ided = known(v)
                    if ided is None:
                        ided = by_ids[v] = tuple(get(a, a) for a in v)
                    add(ided)
                found[i] = column
        return dict(zip(ROW_FIELDS, found, strict=True))


_SOURCE = ROW_FIELDS.index("source")
_TUPLES_AT = tuple(ROW_FIELDS.index(name) for name in ("support", "via", "tags"))
_AGENCY_AT = tuple(map(ROW_FIELDS.index, model.AGENCY_FIELDS))
_AGENCIES_AT = tuple(map(ROW_FIELDS.index, model.AGENCIES_FIELDS))
