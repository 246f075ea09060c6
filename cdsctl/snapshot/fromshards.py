"""A snapshot's records made straight from the validation cache's shards, one shard at a
time, when no snapshot is kept yet for the files (the first query or site after a
`validate`): what :func:`cdsctl.repository.load` gives a query, without holding every
file's summary and values at once.

A full load holds each of the 305,061 files' summary (the whole values of every report),
the marshalled values of every other record and then the typed records: 1.2 GB at 100,000
tasks and 200,000 reports, 4.2 GB at a million files.  Here each shard's files are made
into what a snapshot keeps (:mod:`.columns`) as the shard is read: a task into its typed
record, a report into its items on each task (dates as ISO text, as a decoded snapshot
has them) and its agency, the few other records kept as values until the end.  The
records are then those of a full load (the same files left out for errors, the first
holder of an id in path order): tests/test_fromshards.py compares the two.
"""

from __future__ import annotations

import marshal
import operator
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from .. import model
from ..diagnostics import Diagnostic, Severity
from ..load.files import Seen, Stamp
from ..load.files import digest as digest_of
from ..validation.cache import Store, unchanged
from ..validation.gcpause import gc_paused
from ..validation.pipeline import last_whole, whole_times
from .patch import Files
from .where import Where

#: how many shards are read between two looks at whether the walk beside has found a change
#: (then the records are not made whole: a validation will run)
LOOK_EVERY = 64


@dataclass(slots=True)
class OfFiles:
    """Every file of the shards, in the shards' order: its stamp, its record's (kind, id)
    (("", None): none), and each report's agency."""

    names: list[str] = field(default_factory=list)
    flat: array[int] = field(default_factory=lambda: array("q"))
    owners: list[tuple[str, str | None]] = field(default_factory=list)
    agencies: dict[str, str] = field(default_factory=dict)  # (as written: ids after aliases)

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


_NONE = ("", None)


@dataclass(slots=True)
class Made:
    """The records of the last validation's files without errors, as a snapshot holds them,
    and what keeping a snapshot of them needs; :meth:`holds` tells whether they are still
    the files' (given a walk of them now).

    Made `lean`, the tasks have no description and :attr:`of_files` is None: a query needs
    neither (109 MB and 97 MB at 100,000 tasks); :meth:`whole` reads the shards again for
    them, in the child that keeps the snapshot after the output."""

    records: model.Records
    skipped: list[str]
    digest: bytes
    kept: dict[str, Any]  # the digest and the times a walk is compared with
    errors: dict[str, int]
    shards: list[str]  # the names of the shards read
    of_files: OfFiles | None
    _sorted: list[int] | None = None  # the files' places in path order (:meth:`_order`)

    def holds(self, seen: dict[str, Stamp] | Seen) -> bool:
        return unchanged(seen, self.kept)

    def whole(self, store: Store) -> bool:
        """Read again what a lean one left out: the tasks' descriptions and :attr:`of_files`.
        False (nothing changed) when the shards no longer hold the files they held (a
        validation after an edit rewrote some since): their stamps' digest differs."""
        if self.of_files is not None:
            return True
        of_files, loads = OfFiles(), marshal.loads
        described: list[tuple[model.Task, str]] = []
        tasks, errors = self.records.tasks, self.errors
        for name in self.shards:
            shard = store.read(name)
            if not isinstance(shard, list):
                return False
            for stamp, wire in shard:
                file, _, summary, blob = wire
                of_files.add(file, stamp, summary, errors)
                if summary is not None and summary[0] == "task" and file not in errors:
                    text = loads(blob).get("description")
                    task = tasks.get(summary[1])
                    if text is not None and task is not None and task.source.file == file:
                        described.append((task, text))
        # (the stamps from of_files' columns: a list of the (file, stamp) read held each
        # stamp decoded from the shards, 65 MB more in the keeper at 305,061 files)
        flat = iter(of_files.flat)
        stamps = zip(flat, flat, flat, flat, strict=True)
        if digest_of(zip(of_files.names, stamps, strict=True)) != self.digest:
            return False
        for task, text in described:
            task.description = text
        self.of_files = _with_ids(of_files, self.records)
        return True

    def where(self) -> Where:
        """Where each record is (the first holder of an id in path order); worked out
        when asked (0.3 s at 305,061 files: a query asks after its output)."""
        located: dict[str, tuple[str, str]] = {}
        whole: list[tuple[str, str]] = []
        of = self._of_files()
        files, owners = of.names, of.owners
        for i in self._order():
            kind, record_id = owners[i]
            if record_id is not None:
                located.setdefault(record_id, (kind, files[i]))
            elif kind:
                whole.append((kind, files[i]))
        return Where(located, self.errors, of.agencies, whole)

    def files(self) -> Files:
        """The files the records were made of, in path order (cdsctl.snapshot.patch)."""
        of = self._of_files()
        order, files, owners = self._order(), of.names, of.owners
        if order == list(range(len(files))):  # (the usual: the shards of a run are in order)
            names, stamps = files, of.flat
        else:
            names = [files[i] for i in order]
            flat = of.flat
            stamps = array("q", chain.from_iterable(flat[4 * i : 4 * i + 4] for i in order))
        held = {files[i]: owner for i, owner in enumerate(owners) if owner[0]}
        return Files.of(names, stamps, held, self.errors)

    def _of_files(self) -> OfFiles:
        if self.of_files is None:
            raise ValueError("made lean: Made.whole() reads the files again")
        return self.of_files

    def _order(self) -> list[int]:
        """The files' places in path order, sorted once for :meth:`where` and :meth:`files`."""
        if self._sorted is None:
            names = self._of_files().names
            self._sorted = sorted(range(len(names)), key=names.__getitem__)
        return self._sorted


def _with_ids(of_files: OfFiles, records: model.Records) -> OfFiles:
    """Each report's agency as an id (an alias written in a report named by its id)."""
    ids = records.agency_ids
    if ids:
        of_files.agencies = {r: ids.get(agency, agency) for r, agency in of_files.agencies.items()}
    return of_files


def made(store: Store, seen: Callable[[], dict[str, Stamp] | Seen] | None = None,
         done: Callable[[], bool] | None = None, lean: bool = False) -> Made | None:  # fmt: skip
    """The records of the validation kept in `store`, or None when there is none for today
    (or a shard is missing or damaged).  `seen`/`done`: a walk under way beside; once it is
    done and tells that files changed since, the shards are read no further (None).
    `lean`: without the tasks' descriptions nor what each file holds (:meth:`Made.whole`)."""
    last = last_whole(store)
    if last is None:
        return None
    prior, manifest = last
    try:
        kept = whole_times(prior, manifest.get("written_ns", 0), manifest.get("started_ns"))
        errors = _errors(prior["diagnostics"])
        names = manifest["shards"]
    except (KeyError, TypeError, ValueError):
        return None
    with gc_paused():  # hundreds of thousands of small objects, no cycles
        return _made(store, names, prior["digest"], errors, kept, seen, done, lean)


def _errors(wires: list[Any]) -> dict[str, int]:
    """How many errors each file with errors has."""
    found: dict[str, int] = {}
    for d in map(Diagnostic.from_wire, wires):
        if d.severity is Severity.ERROR:
            found[d.file] = found.get(d.file, 0) + 1
    return found


def _made(store: Store, shard_names: list[str], digest: bytes, errors: dict[str, int],
          kept: dict[str, Any], seen: Callable[[], dict[str, Stamp] | Seen] | None,
          done: Callable[[], bool] | None, lean: bool) -> Made | None:  # fmt: skip
    """Each shard read in turn: a task made its typed record, a report its items on each
    task at once (an id held twice is an error of the later file, checks.crossfile's
    `duplicate-id`, and files with errors are left out: each report here is its id's only
    holder, wherever its shard is), the other records kept as values."""
    build_task, loads, source = model.task, marshal.loads, model.Source
    of_files = None if lean else OfFiles()
    tasks: list[tuple[str, str, model.Task]] = []
    others: list[tuple[str, str, str | None, dict[str, Any]]] = []
    entries: dict[str, list[tuple[str, str, str, Any, Any]]] = {}
    internal: set[str] = set()
    for n, name in enumerate(shard_names):
        if seen is not None and done is not None and n % LOOK_EVERY == 0:  # noqa: SIM102
            if done() and not unchanged(seen(), kept):
                return None
        shard = store.read(name)
        if not isinstance(shard, list):
            return None  # (missing or damaged: as validation.shards.cached_entries)
        for stamp, wire in shard:
            file, _, summary, blob = wire
            if of_files is not None:
                of_files.add(file, stamp, summary, errors)
            if summary is None or file in errors:
                continue
            kind, record_id, values = summary[0], summary[1], summary[3]
            if kind == "report":  # (its summary's values are all of it: checks.index.WHOLE_VIEW)
                day, period = values["date"], values.get("period")
                for v in values["tasks"]:
                    entry = (day, record_id, v["status"], v.get("progress"), period)
                    entries.setdefault(v["task"], []).append(entry)
                if values.get("visibility") == "internal":
                    internal.add(record_id)
            elif kind == "task":
                values = loads(blob)
                if values.get("visibility") == "internal":
                    internal.add(record_id)
                if lean:
                    values.pop("description", None)
                tasks.append((file, record_id, build_task(values, source(file))))
            else:
                others.append((file, kind, record_id, loads(blob)))
    by_date_and_id = operator.itemgetter(0, 1)
    for found in entries.values():
        if len(found) > 1:
            found.sort(key=by_date_and_id)
    first = operator.itemgetter(0)
    records = model.Records(internal=internal, report_entries=entries)
    for file, kind, record_id, values in sorted(others, key=first):
        records.add(kind, record_id, file, values)
    for _, record_id, task in sorted(tasks, key=first):  # (in path order, as a full load)
        records.tasks[record_id] = task
    records.use_agency_ids()
    if of_files is not None:
        of_files = _with_ids(of_files, records)
    return Made(records, sorted(errors), digest, kept, errors, shard_names, of_files)
