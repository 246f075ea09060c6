"""The per-file half of the validation cache: each file's own result (diagnostics, summary,
values) with its stamp, held in shards of :data:`CHUNK` files named in a manifest.

After a one-file edit only the shard holding that file is written again (rewriting every
shard cost ≈ 3 s at 305,061 files); a shard that is missing or damaged makes the whole
manifest untrusted.  Whether an entry may serve is the racy-clean rule of
:mod:`cdsctl.validation.cache`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..load.files import Stamp
from . import cache
from .cache import Store

#: files per shard, and per chunk of work a worker takes
CHUNK = 250
FILES = "files"
#: the lock a command holds shared while it reads the shards or their pieces
#: (cache.sharing), and work in the background beside it gives way to (cache.unshared):
#: a query run right after `validate` reads them beside the account of the rules across
#: files and the keeper of the snapshot (14% slower at 100,000 tasks, 4.4 s, not 3.85,
#: were the keeper and the query both at once)
READING = "shards.lock"
#: how long work in the background waits at most for commands reading the shards
GIVE_WAY_SECONDS = 60.0


def give_way(store: Store, first: bool = False) -> None:
    """Wait while a command reads the shards (:data:`READING`), at most
    :data:`GIVE_WAY_SECONDS`; `first`: the first look of the child left after a command's
    output, which began before the next command could take the lock (cache.give_way)."""
    (cache.give_way if first else cache.unshared)(store, READING, GIVE_WAY_SECONDS)


def shard_name(n: int) -> str:
    return f"{FILES}.{n}"


def shard_number(name: str) -> int:
    suffix = name.rsplit(".", 1)[-1]
    return int(suffix) if suffix.isdigit() else -1


@dataclass(slots=True)
class Cached:
    """What the cache holds of each file, when it was written, and which shard holds what."""

    entries: dict[str, Any] = field(default_factory=dict)  # file → (stamp, wire)
    written_ns: int = 0
    started_ns: int | None = None  # when the run that wrote them began (cache.racy_bounds)
    shards: dict[str, list[str]] = field(default_factory=dict)  # shard name → its files

    def shard_of(self) -> dict[str, int]:
        """Each file's shard number."""
        return {f: shard_number(name) for name, files in self.shards.items() for f in files}


def cached_entries(store: Store | None) -> Cached:
    manifest = store.read(FILES) if store is not None else None
    if store is None or not isinstance(manifest, dict):
        return Cached()
    started = manifest.get("started_ns")
    cached = Cached(written_ns=manifest.get("written_ns", 0),
                    started_ns=started if isinstance(started, int) else None)  # fmt: skip
    try:
        for name in manifest["shards"]:
            shard = store.read(name)
            if not isinstance(shard, list):
                return Cached()  # a shard missing or damaged: trust none of it
            cached.entries.update((wire[0], (stamp, wire)) for stamp, wire in shard)
            cached.shards[name] = [wire[0] for _, wire in shard]
    except (KeyError, TypeError, ValueError, IndexError):
        return Cached()
    return cached


def update_shards(store: Store, shards: dict[str, list[str]], found: dict[str, Any],
                   stamps: dict[str, Stamp], rechecked: set[str],
                   shard_of: dict[str, int]) -> list[str]:  # fmt: skip
    """Rewrite the shards holding a file checked again or gone, put new files in new
    shards, and return the names of all shards now (`shard_of`: filled with each file's
    shard number).  (Rewriting every shard after a one-file edit cost ≈ 3 s at 305,061
    files.)"""
    names, placed = [], set()
    for name, files in shards.items():
        kept = [f for f in files if f in stamps]
        placed.update(kept)
        if kept and (len(kept) < len(files) or not rechecked.isdisjoint(kept)):
            store.write(name, [found[f] for f in kept])
        if kept:
            names.append(name)
            shard_of.update(dict.fromkeys(kept, shard_number(name)))
    new = [f for f in stamps if f not in placed]
    number = 1 + max((shard_number(name) for name in shards), default=-1)
    for i in range(0, len(new), CHUNK):
        names.append(shard_name(number))
        store.write(names[-1], [found[f] for f in new[i : i + CHUNK]])
        shard_of.update(dict.fromkeys(new[i : i + CHUNK], number))
        number += 1
    return names
