"""The snapshot in a root's cache folder: written for a digest of every file's stamp, given
back only while the files have those stamps (cache.unchanged: the same digest, none in the
racy window), as the validation cache and stored answers are.  Working days are counted
when a query asks (the `holidays` package's version does not enter the snapshot).

Three files: `snapshot` (the query view, the files left out for errors), `snapshot.text`
(descriptions, read only for a search), both carrying the digest (a text file of other
stamps is not used with a view), and `snapshot.digest`, the digest alone, so that a run
over the same files knows the snapshot is there without reading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..load.files import Stamp
from ..model import Records
from ..validation.cache import Store, now_ns, unchanged
from ..validation.gcpause import gc_paused
from . import columns

VIEW, TEXT, DIGEST = "snapshot", "snapshot.text", "snapshot.digest"


@dataclass(slots=True)
class Snapshot:
    """Typed records of a root as of its files' stamps (`digest`), and the files left out."""

    records: Records
    skipped: list[str]
    digest: bytes


def save(store: Store, records: Records, skipped: list[str], digest: bytes) -> None:
    """Keep the query view of `records` (validated with stamps of `digest`), unless it is
    kept already (a small file names the digest of the one kept: no need to read it)."""
    if store.read(DIGEST) == digest:
        return
    with gc_paused():  # hundreds of thousands of tuples, no cycles
        view, texts = columns.encode(records)
        written = now_ns()
        head = {"digest": digest, "written_ns": written}
        if store.write(TEXT, {**head, "texts": texts}) and store.write(
            VIEW, {**head, "skipped": skipped, "view": view}
        ):
            store.write(DIGEST, digest)


def load(store: Store, stamps: dict[str, Stamp], text: bool = False) -> Snapshot | None:
    """The snapshot, if one was kept for exactly these stamps (None otherwise); `text`:
    with the tasks' descriptions."""
    with gc_paused():  # marshal builds a million objects: the collector would walk them all
        found = store.read(VIEW)
        if not _serves(found, stamps):
            return None
        texts = None
        if text:
            kept = store.read(TEXT)
            if not _serves(kept, stamps) or kept["digest"] != found["digest"]:
                return None
            texts = kept["texts"]
        try:
            records = columns.decode(found["view"], texts)
        except (KeyError, TypeError, ValueError, IndexError):  # another shape: not ours
            return None
    return Snapshot(records, list(found["skipped"]), found["digest"])


def _serves(found: Any, stamps: dict[str, Stamp]) -> bool:
    return isinstance(found, dict) and unchanged(stamps, found)
