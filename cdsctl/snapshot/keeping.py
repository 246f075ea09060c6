"""Keeping a snapshot after a command's output: the records' query view (:mod:`.store`),
where each record is for `show` (:mod:`.where`), and a patched one (:mod:`.patch`).

A query that read or patched the records keeps them for the next one in a process of its
own, once its answer is printed (cdsctl.validation.cache.soon_holding: the snapshot's lock
is taken before the output, so that a command started in between waits for the new one).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import model
from ..validation.cache import Store, release, soon_holding
from ..validation.walking import Walking

if TYPE_CHECKING:
    from .patch import Files, Patched
    from .store import Located
    from .where import Where


def later(store: Store, work: Callable[[], None], note: bytes = b"") -> None:
    """Keep a snapshot after the output, holding its lock from now (cache.soon_holding;
    `note`: what is kept, store.from_shards)."""
    from .store import LOCK

    soon_holding(store, LOCK, work, note)


def keep(root: Path, store: Store, records: model.Records, skipped: list[str], digest: bytes,
          located: Callable[[], Located], files: Callable[[], Files | None],
          walking: Walking | None, agencies: dict[str, str] | None = None) -> None:  # fmt: skip
    """Keep the snapshot of `records` and where each of them is (for `show`; `walking`: the
    walk of the load, whose stamps serve if it made them; `agencies`: each report's, when
    the records hold no reports but their items)."""
    from . import columns
    from . import store as snapshots
    from .where import Where

    where = functools.cache(located)
    if agencies is None:
        agencies = columns.report_agencies(records)
    with snapshots.keeping(store):
        kept = snapshots.save(store, records, skipped, digest, where, files, agencies)
    release(snapshots.LOCK)  # (a query waits for the snapshot, not for what `show` reads)
    if kept:
        ids, errors, whole = where()
        keep_index(root, store, Where(ids, errors, agencies, whole), records, digest, walking)


def keep_index(root: Path, store: Store, where: Where, records: model.Records, digest: bytes,
                walking: Walking | None) -> None:  # fmt: skip
    """Keep where each record is for `cdsctl show` (cdsctl.snapshot.where), with the stamp
    of every file and folder as a walk sees them now (`walking`'s, or a walk here): kept
    only if they are the stamps the records were read with (`digest`).  The first query
    after a change keeps it after its output, so the first `show` after it reads only its
    own files (1.3 s at 100,000 tasks when it had to walk and keep this itself)."""
    from .columns import report_entries

    def reports_on() -> dict[str, list[str]]:
        entries = records.report_entries
        if entries is None:
            entries = report_entries(records)  # type: ignore[assignment]
        return {task: [e[1] for e in items] for task, items in (entries or {}).items()}

    keep_index_of(root, store, lambda: where, reports_on, digest, walking)


def keep_index_of(root: Path, store: Store, where: Callable[[], Where | None],
                  on: Callable[[], dict[str, list[str]]], digest: bytes,
                  walking: Walking | None) -> None:  # fmt: skip
    """:func:`keep_index`, given where each record is and the reports `on` each task when
    asked: only once the index kept is known to be another's, and the walk vouches."""
    from ..load.files import seen_in
    from . import where as index

    if index.current(store, digest):
        return
    if walking is None:
        walking = Walking.here(root)
    stamps = walking.stamps()
    if seen_in(stamps).digest != digest:  # (changed since: the next show walks)
        return
    found = where()
    if found is not None:
        index.save(store, found, on(), stamps, walking.folders, digest)


def keep_patched(root: Path, store: Store, was: bytes, done: Patched, where: Where | None,
                  walking: Walking, text: bool) -> None:  # fmt: skip
    """Keep the patched snapshot after the output (`was`: the digest of the one it was
    patched from)."""
    from . import store as snapshots

    def keep() -> None:  # where each record is, and descriptions: read and patched now
        now = where
        if now is None:
            found = snapshots.where_of(store, was)
            now = done.locate(found) if found is not None else None
        texts = None if text else snapshots.texts_of(store, was)
        if now is None or (texts is None and not text):
            return
        described = done.texts(texts) if texts is not None else None
        with snapshots.keeping(store):
            kept = snapshots.save(store, done.records, done.skipped, done.digest,
                                  lambda: (now.ids, now.errors, now.whole), done.made_of,
                                  now.report_agencies, described)  # fmt: skip
        release(snapshots.LOCK)
        if kept:
            keep_index(root, store, now, done.records, done.digest, walking)

    later(store, keep)
