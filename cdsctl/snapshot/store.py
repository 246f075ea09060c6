"""The snapshot in a root's cache folder: written for a digest of every file's stamp, given
back only while the files have those stamps (cache.unchanged: the same digest, none in the
racy window), as the validation cache and stored answers are.  Working days are counted
when a query asks (the `holidays` package's version does not enter the snapshot).

Six files: `snapshot` (the query view, the files left out for errors), `snapshot.text`
(descriptions, read only for a search), `snapshot.where` (where each record is, for
`show`), `snapshot.files` and `snapshot.names` (the files it was made of: what
:mod:`.patch` starts from), each
carrying the digest (a side file of other stamps is not used with a view), and
`snapshot.digest`, the digest alone, so that a run over the same files knows the
snapshot is there without reading it.

A process keeping the snapshot holds a lock on `snapshot.lock` (:func:`keeping`); a query
that finds it held waits until the snapshot is there (:func:`load`) rather than loading
every record itself beside it: the query before it has them loaded and only writes them
(≈ 3 s at 305,061 files, against ≈ 8 s to load them again).  One kept from a validation's
shards (after `validate`, by :mod:`.keeper`) is noted so in the lock's file
(:func:`from_shards`): a command started meanwhile makes its records from the shards as
the keeper does rather than wait for all of it (a render or site run right after
`validate` would wait longer than that takes: bench/README.md, issue 9).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..load.files import Seen, Stamp
from ..model import Records
from ..validation import cache
from ..validation.cache import Store, now_ns, unchanged
from ..validation.gcpause import gc_paused
from . import columns
from .where import Where

if TYPE_CHECKING:
    from .patch import Files

VIEW, TEXT, WHERE, DIGEST = "snapshot", "snapshot.text", "snapshot.where", "snapshot.digest"
FILES, NAMES = "snapshot.files", "snapshot.names"
LOCK = "snapshot.lock"
#: how long a query waits for a snapshot being kept (at 1,000,000 files: ≈ 20 s)
WAIT_SECONDS = 120.0


def keeping(store: Store) -> AbstractContextManager[None]:
    """Hold the lock of the snapshot being kept (cache.keeping)."""
    return cache.keeping(store, LOCK)


def settled(store: Store, timeout: float = WAIT_SECONDS) -> None:
    """Return once no other process is keeping the snapshot (or after `timeout`)."""
    cache.settled(store, LOCK, timeout)


#: the note of a snapshot being kept from the last validation's shards (:func:`from_shards`)
SHARDS = b"shards"


def from_shards(store: Store) -> bool:
    """Whether another process is keeping the snapshot of the last validation, made from
    its shards: a command made from them too needs not wait for it."""
    return cache.held_for(store, LOCK) == SHARDS


@dataclass(slots=True)
class Snapshot:
    """Typed records of a root as of its files' stamps (`digest`), and the files left out."""

    records: Records
    skipped: list[str]
    digest: bytes
    where: Where | None = None
    written_ns: int = 0

    def serves(self, stamps: dict[str, Stamp] | Seen) -> bool:
        """Whether it was kept for exactly these files (:func:`serves`)."""
        return serves(self.digest, self.written_ns, stamps)


def serves(digest: bytes | None, written_ns: int, stamps: dict[str, Stamp] | Seen) -> bool:
    """Whether a snapshot kept for `digest` at `written_ns` is of these files
    (cache.unchanged: the same stamps, none racy)."""
    return unchanged(stamps, {"digest": digest, "written_ns": written_ns})


#: each record's (kind, file) by id, the errors of each file with errors, and the (kind,
#: file) of the records without an id
Located = tuple[dict[str, tuple[str, str]], dict[str, int], list[tuple[str, str]]]


def save(store: Store, records: Records, skipped: list[str], digest: bytes,
         where: Callable[[], Located], files: Callable[[], Files | None],
         agencies: dict[str, str] | None = None, texts: dict[str, str] | None = None
         ) -> bool:  # fmt: skip
    """Keep the query view of `records` (validated with stamps of `digest`), unless it is
    kept already (a small file names the digest of the one kept: no need to read it).
    `where()`: each record's (kind, file) by id, and the errors of each file; `files()`:
    the files they were made of (None: not known, the snapshot is never patched);
    `agencies`: each report's agency, `texts`: the tasks' descriptions (by default, from
    `records`).  Whether it was written now."""
    if store.read(DIGEST) == digest:
        return False
    with gc_paused():  # hundreds of thousands of tuples, no cycles
        view, described = columns.encode(records)
        texts = described if texts is None else texts
        ids, errors, whole = where()
        made_of = files()
        head = {"digest": digest, "written_ns": now_ns()}
        if agencies is None:
            agencies = columns.report_agencies(records)
        if (store.write(TEXT, {**head, "texts": texts})
                and save_where(store, head, Where(ids, errors, agencies, whole), made_of)
                and store.write(VIEW, {**head, "skipped": skipped, "view": view})):  # fmt: skip
            return store.write(DIGEST, digest)
    return False


def save_where(store: Store, head: dict[str, Any], where: Where, made_of: Files | None) -> bool:
    """Keep, beside a view (`head`: its digest and time), where each record is and the files
    it was made of (None: not known)."""
    return (store.write(WHERE, {**head, "ids": where.ids, "errors": where.errors,
                                "reports": where.report_agencies, "whole": where.whole})
            and store.write(NAMES, {**head, "names": made_of and made_of.names})
            and store.write(FILES, {**head, "files": made_of and made_of.to_wire()}))  # fmt: skip


def made_of(store: Store, digest: bytes, names: list[str] | None = None) -> Files | None:
    """The files the snapshot of `digest` was made of, if it was kept with them; `names`:
    the files now, in path order (their list is used when it is the snapshot's)."""
    from .patch import Files, names_digest  # (a query over the snapshot needs neither)

    kept = _side(store, FILES, digest)
    try:
        wire = kept["files"] if kept else None
        if not wire:
            return None
        if names is None or names_digest(names) != wire["names"]:
            apart = _side(store, NAMES, digest)
            names = apart["names"] if apart else None
        return Files.from_wire(wire, names) if names is not None else None
    except (KeyError, TypeError, ValueError):
        return None


def load(store: Store, stamps: Callable[[], dict[str, Stamp] | Seen] | None,
         text: bool = False, where: bool = False) -> Snapshot | None:  # fmt: skip
    """The snapshot, if one was kept for exactly the stamps `stamps()` gives (None
    otherwise); `text`: with the tasks' descriptions; `where`: with where each record is
    (:class:`Where`).  `stamps` is called once the snapshot is read and decoded: a walk
    running meanwhile (cdsctl.repository) costs only what outlasts that.  Without
    `stamps` the caller checks (:meth:`Snapshot.serves`) before it uses what it got."""
    settled(store)  # (one being kept: it is there in a moment)
    with gc_paused():  # marshal builds a million objects: the collector would walk them all
        found = store.read(VIEW)
        if not isinstance(found, dict):
            return None
        texts = _side(store, TEXT, found["digest"]) if text else None
        located = _side(store, WHERE, found["digest"]) if where else None
        if (text and texts is None) or (where and located is None):
            return None
        try:
            records = columns.decode(found["view"], texts and texts["texts"])
            whereabouts = (Where(located["ids"], located["errors"], located["reports"],
                                 located["whole"]) if located is not None else None)  # fmt: skip
        except (KeyError, TypeError, ValueError, IndexError):  # another shape: not ours
            return None
    kept = Snapshot(records, list(found["skipped"]), found["digest"], whereabouts,
                    found["written_ns"])  # fmt: skip
    return kept if stamps is None or kept.serves(stamps()) else None


def where_of(store: Store, digest: bytes) -> Where | None:
    """Where each record is, as kept with the snapshot of `digest` (None: not kept)."""
    found = _side(store, WHERE, digest)
    if found is None:
        return None
    return Where(found["ids"], found["errors"], found["reports"], found["whole"])


def texts_of(store: Store, digest: bytes) -> dict[str, str] | None:
    """The tasks' descriptions kept with the snapshot of `digest` (None: not kept)."""
    found = _side(store, TEXT, digest)
    return found["texts"] if found is not None else None


def _side(store: Store, name: str, digest: bytes) -> dict[str, Any] | None:
    """A file kept beside the view, if it was written with it (the same digest)."""
    kept = store.read(name)
    return kept if isinstance(kept, dict) and kept.get("digest") == digest else None
