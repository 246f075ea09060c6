"""Where each record is, for `cdsctl show` without a walk of the whole root.

Kept with the snapshot, after the output of the query (or `show`) that keeps it
(snapshot.keeping.keep_index), from the records and a walk made then: for each id its kind,
file, the file's stamp, its errors (its own and across files) and, for a task, the reports
that name it; in :data:`SHARDS` files by a hash of the id, so one lookup reads a small
file.  Beside it, the stamp of every folder as the walk listed it, and the holiday
calendars of the years the snapshot's deadlines in working days ran through
(dates.workdays.years_to_keep): `show` counts a task's without importing `holidays`.

`show` trusts it only while every folder has its stamp (no file added, removed or renamed
anywhere: a new report on the task would be in a folder that moved) and every file it
reads has its stamp; it then reads those few files again.  What it cannot see without a
walk: an existing file edited in place to name the record anew (a report that gains an
item on it); the next query or validation sees it.  docs/queries.md says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..dates.workdays import years_to_keep
from ..load.files import FolderStamp, Stamp
from ..validation.cache import RACY_NS, Store, blake2b, now_ns
from ..validation.gcpause import gc_paused


@dataclass(slots=True)
class Where:
    """Where each record is (`cdsctl show`): its kind and file by id, the errors of each
    file with errors, each report's agency by report id.  (Here, not beside the snapshot's
    patch that makes one: a query over the snapshot then imports no patching code.)"""

    ids: dict[str, tuple[str, str]]
    errors: dict[str, int]
    report_agencies: dict[str, str]
    #: (kind, file) of the records without an id: agencies.yaml, calendar.yaml, and any
    #: file of a record missing its id (errors: it is left out, as queries leave it)
    whole: list[tuple[str, str]] = field(default_factory=list)


SHARDS = 64
META = "where"
#: a record as the index keeps it: (kind, file, stamp, errors, ids of the reports on it)
Entry = tuple[str, str, Stamp, int, tuple[str, ...]]


def shard_of(record_id: str) -> str:
    number = int.from_bytes(blake2b(record_id.encode(), digest_size=2).digest())
    return f"{META}.{number % SHARDS}"


def save(store: Store, found: Where, on: dict[str, list[str]], stamps: dict[str, Stamp],
         folders: dict[str, FolderStamp], digest: bytes) -> None:  # fmt: skip
    """Keep where each record of `found` is (with, for each task, the reports `on` it),
    for the files of `stamps` and `folders` as one walk saw them."""
    shards: dict[str, dict[str, Entry]] = {}
    with gc_paused():
        for record_id, (kind, file) in found.ids.items():
            stamp = stamps.get(file)
            if stamp is None:
                return  # (a file the walk did not see: nothing to vouch for)
            refs = tuple(on.get(record_id, ())) if kind == "task" else ()
            entry = (kind, file, stamp, found.errors.get(file, 0), refs)
            shards.setdefault(shard_of(record_id), {})[record_id] = entry
        # (a file without an id may have errors too, a task without one: checked, not read)
        whole = [(kind, file, stamps[file], found.errors.get(file, 0))
                 for kind, file in found.whole if file in stamps]  # fmt: skip
        head = {"digest": digest, "written_ns": now_ns()}
        for n in range(SHARDS):
            name = f"{META}.{n}"
            if not store.write(name, {**head, "ids": shards.get(name, {})}):
                return
        skipped = sorted(file for file, count in found.errors.items() if count)
        store.write(META, {**head, "folders": folders, "whole": whole, "skipped": skipped,
                           "holidays": years_to_keep()})  # (for `show`: single.found) # fmt: skip


def current(store: Store, digest: bytes) -> bool:
    """Whether the index kept is the one of these files (`digest`)."""
    meta = store.read(META)
    return isinstance(meta, dict) and meta.get("digest") == digest


def read(store: Store, root: str) -> dict[str, Any] | None:
    """The index's head, if every folder still has the stamp the walk saw (and none so
    close to the index's writing that a change could hide)."""
    meta = store.read(META)
    if not isinstance(meta, dict):
        return None
    before = meta["written_ns"] - RACY_NS
    for folder, stamp in meta["folders"].items():
        try:
            st = os.stat(f"{root}/{folder}", follow_symlinks=False)
        except OSError:
            return None
        if (st.st_mtime_ns, st.st_ino, st.st_ctime_ns) != stamp or stamp[0] >= before:
            return None
    return meta


def lookup(store: Store, meta: dict[str, Any], record_ids: Iterable[str]) -> dict[str, Entry]:
    """The entries of those ids the index holds (written with `meta`)."""
    found: dict[str, Entry] = {}
    shards: dict[str, dict[str, Entry]] = {}
    for record_id in record_ids:
        name = shard_of(record_id)
        if name not in shards:
            kept = store.read(name)
            ok = isinstance(kept, dict) and kept.get("digest") == meta["digest"]
            shards[name] = kept["ids"] if ok else {}
        if record_id in shards[name]:
            found[record_id] = shards[name][record_id]
    return found


def unchanged(root: str, file: str, stamp: Stamp, meta: dict[str, Any]) -> bool:
    """Whether the file still has the stamp the index holds (racy-clean, as the cache)."""
    try:
        st = os.stat(f"{root}/{file}")
    except OSError:
        return False
    now = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    return now == tuple(stamp) and stamp[1] < meta["written_ns"] - RACY_NS
