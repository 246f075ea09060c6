"""The ids of the records and the agencies' names as the last validation found them, kept in
the cache for shell completion: read without walking the root, so a Tab answers at once (the
names may be one run old: a completion offers, the command then checks)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import Store, cache_home

if TYPE_CHECKING:
    from ..checks.index import AnySummary

NAMES = "names"


def names_of(summaries: Iterable[AnySummary]) -> dict[str, list[Any]]:
    """kind → its ids, sorted; "agencies" → [id, short name, name] of each agency."""
    out: dict[str, list[Any]] = {}
    for s in summaries:
        if s.kind == "agencies":
            out["agencies"] = [[a["id"], a.get("short") or "", a.get("name") or ""]
                               for a in s.values.get("agencies", ()) if "id" in a]  # fmt: skip
        elif s.id is not None:
            out.setdefault(s.kind, []).append(s.id)
    for ids in out.values():
        ids.sort()
    return out


def remember(store: Store, summaries: Iterable[AnySummary]) -> None:
    store.write(NAMES, names_of(summaries))


def known_names(root: Path, cache_dir: Path | None = None) -> dict[str, list[Any]]:
    """The names the last validation of `root` kept ({} when none did)."""
    found = Store.for_root(cache_dir or cache_home(), root).read(NAMES)
    return found if isinstance(found, dict) else {}
