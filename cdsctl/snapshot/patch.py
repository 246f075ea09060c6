"""The snapshot of files that changed since it was kept, patched rather than built again.

The first query after an edit used to load every record (a validation's shards and a typed
record per file: ≈ 9 s and 1.3 GB at 305,061 files) although one file changed.  A snapshot
is kept with the files it was made of (:class:`Files`: each file's stamp and the record it
holds), so the next one is made from it: the records of the files whose stamp differs are
taken out and those files read again, and so are the files whose errors came or went (an
edit may break the records that name it: they are left out of queries while they have
errors).  What comes out is what loading every record gives (tests/test_patch.py holds it
for random roots and edits); a change to agencies.yaml or the calendar, more than
:data:`MOST` files changed, or anything not as expected gives way to loading every record.

Which files have errors comes from the validation of the files as they are now: the stored
result of the `validate` run after the edit (with the account of the rules across files,
which names every file's stamp), or a validation run here, in part
(cdsctl.validation.incremental), when none was.
"""

from __future__ import annotations

import bisect
import marshal
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any

from .. import model
from ..load.files import AGENCIES, Stamp, patched_digest
from ..validation.cache import RACY_NS, blake2b
from ..validation.incremental import (  # (MOST: a full load past it)
    MOST,
    FlatStamps,
    differing_files,
)
from .where import Where

#: the files of which every record depends (their change: every record loaded again)
_WHOLE_KINDS = ("agencies", "calendar")
_LETTER = {"agencies": "a", "calendar": "c", "directive": "d", "task": "t", "meeting": "m",
           "indicator": "i", "report": "r"}  # fmt: skip
_KIND = {letter: kind for kind, letter in _LETTER.items()}
_NONE = " "
#: the (kind, id) of the record each file holds
Owners = dict[str, tuple[str, str | None]]


@dataclass(slots=True)
class Files(FlatStamps):
    """The files a snapshot was made of, in path order: their stamps and the record each
    holds: a letter for its kind (" ": none) and its id."""

    kinds: str
    ids: list[str | None]
    #: how many errors each file with errors has (it is left out of queries)
    errors: dict[str, int]

    @classmethod
    def of(cls, names: list[str], flat: array[int], owners: Owners,
           errors: dict[str, int]) -> Files:  # fmt: skip
        """`names` (in path order) with their stamps, each file's (kind, id) and errors."""
        held = [owners.get(name) for name in names]
        kinds = "".join(_LETTER.get(h[0], _NONE) if h else _NONE for h in held)
        return cls(names, flat, kinds, [h[1] if h else None for h in held], errors)

    def to_wire(self) -> dict[str, Any]:
        """All but the names (kept apart: :meth:`from_wire`), with their digest."""
        return {"names": names_digest(self.names), "stamps": self.flat.tobytes(),
                "kinds": self.kinds, "ids": self.ids, "errors": self.errors}  # fmt: skip

    @classmethod
    def from_wire(cls, wire: dict[str, Any], names: list[str]) -> Files:
        flat = array("q")
        flat.frombytes(wire["stamps"])
        found = cls(names, flat, wire["kinds"], wire["ids"], wire["errors"])
        if not len(found.flat) == 4 * len(found.names) == 4 * len(found.ids) == 4 * len(
                found.kinds):  # fmt: skip
            raise ValueError("files of another shape")
        return found

    def holds(self, name: str) -> tuple[str, str | None] | None:
        """(kind, id) of the record the file holds, or None."""
        i = self.at(name)
        if i is None or self.kinds[i] == _NONE:
            return None
        return _KIND[self.kinds[i]], self.ids[i]


def names_digest(names: list[str]) -> bytes:
    """A digest of the names of files, in their order: the names a snapshot was made of are
    read only when they are not those of the files now (a file added or removed), 30 MB
    fewer after an edit at 305,061 files."""
    text = "\n".join(names).encode("utf-8", "surrogatepass")
    return blake2b(text, digest_size=16).digest()


def stamps_of(stamps: dict[str, Stamp]) -> tuple[list[str], array[int]]:
    """A walk's stamps as :class:`Files` keeps them: names in path order, one flat array."""
    names = sorted(stamps)
    return names, array("q", chain.from_iterable(map(stamps.__getitem__, names)))


def differing(old: Files, names: list[str], flat: array[int]) -> tuple[set[str], set[str]]:
    """(the files new or whose stamp differs, those gone) from `old` to `names`/`flat`."""
    if old.names == names:  # (the usual: an edit)
        return set(differing_files(names, old.flat, flat)), set()
    before = {name: i for i, name in enumerate(old.names)}
    changed, seen = set(), set()
    for j, name in enumerate(names):
        i = before.get(name)
        if i is None or old.flat[4 * i : 4 * i + 4] != flat[4 * j : 4 * j + 4]:
            changed.add(name)
        else:
            seen.add(name)
    gone = set(old.names) - seen - changed
    return changed, gone


@dataclass(slots=True)
class Patched:
    """A snapshot made current: its records, the files left out for errors, the files it is
    made of now; and what the files read again held and hold, for making where each record
    is (:meth:`locate`) and the tasks' descriptions (:meth:`texts`) current too: a query
    needs neither, the snapshot kept for the next one does (written after the output)."""

    records: model.Records
    skipped: list[str]
    files: Files | None  # (None once :meth:`let_go`: see :meth:`made_of`)
    #: the digest of the files' stamps now (load.files.digest)
    digest: bytes
    held: dict[str, tuple[str, str | None] | None]  # (kind, id) each file read held before
    owners: Owners  # … and holds now
    usable: model.Records  # the records of the files read again, those without errors
    dropped: dict[str, set[str]]  # the ids taken out, by kind
    packed: bytes = b""

    def let_go(self) -> None:
        """Keep the files it is made of only marshalled while the query computes (at 305,061
        files 28 MB instead of 65 MB of objects: the snapshot kept after the output is the
        only one to want them)."""
        if self.files is None:
            return
        files = self.files
        self.packed, self.files = marshal.dumps((files.to_wire(), files.names)), None

    def made_of(self) -> Files:
        """The files it is made of now."""
        if self.files is None:
            wire, names = marshal.loads(self.packed)
            self.files, self.packed = Files.from_wire(wire, names), b""
        return self.files

    def locate(self, where: Where) -> Where:
        """`where` (the snapshot's before the patch) made current."""
        ids = self.records.agency_ids
        for record_id in self.dropped.get("report", ()):
            where.report_agencies.pop(record_id, None)
        for values, _ in self.usable.report_values:
            agency = values["agency"]
            where.report_agencies.setdefault(values["id"], ids.get(agency, agency))
        files = self.made_of()
        _locate(where, self.held, self.owners, files)
        where.errors = dict(files.errors)
        return where

    def texts(self, texts: dict[str, str]) -> dict[str, str]:
        """The tasks' descriptions (the snapshot's before the patch) made current."""
        for task_id in self.dropped.get("task", ()):
            texts.pop(task_id, None)
        for task in self.usable.tasks.values():
            if task.description:
                texts[task.id] = task.description
        return texts


def patch(root: Path, records: model.Records, old: Files, old_digest: bytes, written_ns: int,
          now: tuple[list[str], array[int]], errors: dict[str, int]) -> Patched | None:  # fmt: skip
    """The snapshot's `records` made of the files `old` (whose stamps' digest is
    `old_digest`, kept at `written_ns`), made current: the files `now` (names and stamps),
    `errors` the count of errors of each file now (a validation of `now`: the caller checks
    that its digest is :attr:`Patched.digest`).  Changes `records`.  None when it cannot be
    patched (see the module's docstring), or a file read here is not as `now` says.  A file
    modified as late as the racy window before `written_ns` is read again whatever its
    stamp (validation.cache: a change within the clock's step can keep it)."""
    names, flat = now
    changed, gone = differing(old, names, flat)
    racy = written_ns - RACY_NS
    changed |= {names[i] for i, mtime in enumerate(flat[1::4]) if mtime >= racy}
    if len(changed) + len(gone) > MOST:
        return None
    before = [(f, stamp) for f in changed | gone if (stamp := old.stamp(f)) is not None]
    current = FlatStamps(names, flat)
    after = [(f, current.stamp_at(bisect.bisect_left(names, f))) for f in changed]
    digest = patched_digest(old_digest, before, after, len(names))
    was = old.errors
    flipped = {f for f in was.keys() ^ errors.keys()
               if (was.get(f, 0) > 0) != (errors.get(f, 0) > 0)}  # fmt: skip
    touched = changed | gone | flipped
    held = {f: old.holds(f) for f in touched}
    if len(touched) > MOST or AGENCIES in touched or any(
            h and h[0] in _WHOLE_KINDS for h in held.values()):  # fmt: skip
        return None
    dropped = _take_out(records, {f: h for f, h in held.items() if h and not was.get(f, 0)})
    fresh, owners = _read(root, sorted(touched - gone), names, flat)
    if fresh is None or any(kind in _WHOLE_KINDS for kind, _ in owners.values()):
        return None
    usable = model.Records()
    for file, (kind, record_id) in owners.items():
        if not errors.get(file, 0) and file in fresh:
            usable.add(kind, record_id, file, fresh[file])
    usable.apply_agency_ids(records.agency_ids)
    try:
        _put_in(records, usable, {k: set(v) for k, v in dropped.items()})
    except _Unpatchable:
        return None
    kinds, ids = _owned(old, names, owners, touched)
    files = Files(names, flat, kinds, ids, {f: n for f, n in errors.items() if n})
    return Patched(records, sorted(files.errors), files, digest, held, owners, usable, dropped)


class _Unpatchable(Exception):
    """What was found is not what a validation leaves: every record is loaded instead."""


def _take_out(records: model.Records,
              usable: dict[str, tuple[str, str | None]]) -> dict[str, set[str]]:  # fmt: skip
    """Take the records these files held (usable ones: queries saw them) out of `records`;
    the ids taken out, by kind (a task, say, put back in under the same id keeps its place;
    a report's items are taken out of its tasks' lists at once)."""
    dropped: dict[str, set[str]] = {}
    for kind, record_id in usable.values():
        if record_id is not None:
            records.internal.discard(record_id)
            dropped.setdefault(kind, set()).add(record_id)
    reports = dropped.get("report")
    entries = records.report_entries
    if reports and entries is not None:
        for task_id, items in list(entries.items()):
            if any(e[1] in reports for e in items):
                kept = [e for e in items if e[1] not in reports]
                if kept:
                    entries[task_id] = kept
                else:
                    del entries[task_id]
    return dropped


def _read(root: Path, files: list[str], names: list[str], flat: array[int]
          ) -> tuple[dict[str, dict[str, Any]] | None, Owners]:  # fmt: skip
    """Each file read again: the values of each with a record (by file), and the (kind, id)
    of each; None if a file is not as its stamp in `names`/`flat` says."""
    from ..validation.onefile import check_file

    values: dict[str, dict[str, Any]] = {}
    owners: dict[str, tuple[str, str | None]] = {}
    for file in files:
        i = bisect.bisect_left(names, file)
        result = check_file(root, file)
        if tuple(result.stamp) != tuple(flat[4 * i : 4 * i + 4]):
            return None, owners
        summary = result.summary
        if summary is None:
            continue
        owners[file] = (summary.kind, summary.id)
        values[file] = summary.values if result.blob is None else marshal.loads(result.blob)
    return values, owners


def _put_in(records: model.Records, usable: model.Records, dropped: dict[str, set[str]]) -> None:
    """The records of the files read again into `records`, where a fresh load puts them:
    each kind's records in path order, each task's report items in date order."""
    for kind, attribute in (("directive", "directives"), ("task", "tasks"),
                            ("meeting", "meetings"), ("indicator", "indicators")):  # fmt: skip
        have: dict[str, Any] = getattr(records, attribute)
        gone = dropped.get(kind, set())
        new: dict[str, Any] = getattr(usable, attribute)
        moved = False
        for record_id, record in new.items():
            if record_id in gone:  # put back under its id: where it was, if in its file
                gone.discard(record_id)
                moved = moved or have[record_id].source.file != record.source.file
            elif record_id in have:  # (two usable holders: a validation never leaves that)
                raise _Unpatchable(record_id)
            else:
                last = next(reversed(have.values()), None)
                moved = moved or (last is not None and last.source.file > record.source.file)
            have[record_id] = record
        for record_id in gone:
            del have[record_id]
        if moved:
            setattr(
                records, attribute, dict(sorted(have.items(), key=lambda kv: kv[1].source.file))
            )
    records.internal |= usable.internal
    entries = records.report_entries
    if entries is None:
        entries = records.report_entries = {}
    days: dict[date, str] = {}
    from ..state import report_items

    touched = set()
    for task_id, items in report_items(usable).items():
        entries.setdefault(task_id, []).extend(
            (days.get(e[0]) or days.setdefault(e[0], e[0].isoformat()), *e[1:]) for e in items
        )
        touched.add(task_id)
    for task_id in touched:
        entries[task_id].sort(key=lambda e: (e[0], e[1]))


def _owned(old: Files, names: list[str], owners: dict[str, tuple[str, str | None]],
           touched: set[str]) -> tuple[str, list[str | None]]:  # fmt: skip
    """Each file's (kind letter, id) now: `old`'s, but for the files read again."""
    if old.names == names:
        kinds, ids = list(old.kinds), list(old.ids)
        for file in touched:
            i = old.at(file)
            if i is not None:
                h = owners.get(file)
                kinds[i], ids[i] = (_LETTER[h[0]], h[1]) if h else (_NONE, None)
        return "".join(kinds), ids
    held = {}
    for file in names:
        if file in touched:
            held[file] = owners.get(file)
        else:
            held[file] = old.holds(file)
    return "".join(_LETTER[h[0]] if h else _NONE for h in held.values()), [
        h[1] if h else None for h in held.values()
    ]


def _locate(
    where: Where,
    held: dict[str, tuple[str, str | None] | None],
    owners: dict[str, tuple[str, str | None]],
    files: Files,
) -> None:
    """Where each record is, for the ids the files read again held or hold: the first
    file in path order that holds it."""
    ids = where.ids
    again: set[str] = set()
    for file, h in held.items():
        if h is not None and h[1] is not None and ids.get(h[1], (None, None))[1] == file:
            del ids[h[1]]
            again.add(h[1])
    for file, (kind, record_id) in owners.items():
        if record_id is None:
            continue
        known = ids.get(record_id)
        if known is None or file < known[1]:
            ids[record_id] = (kind, file)
        again.discard(record_id)
    if again:  # held in a file not read again (a duplicate id): the first holder of it
        firsts = _first_holders(files, again)
        ids.update(firsts)


def _first_holders(files: Files, wanted: Iterable[str]) -> dict[str, tuple[str, str]]:
    wanted = set(wanted)
    found: dict[str, tuple[str, str]] = {}
    for i, record_id in enumerate(files.ids):
        if record_id in wanted and record_id not in found:
            found[record_id] = (_KIND[files.kinds[i]], files.names[i])
    return found
