"""Answers of queries over records that have not changed since they were last asked.

A query's rows are stored under a key (the command, the as-of date, its options) together
with the digest of every record file's stamp, in the same cache folder as validation.  They
are served only while the digest is the same and no stamp is in the racy window (see
:mod:`cdsctl.validation.cache`); the code fingerprint and the `holidays` version (it decides working
days) are part of the key too.  So an unchanged repository answers the same question
without reading a record.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..load.files import Stamp, walk
from .cache import Store, cache_home, now_ns
from .gcpause import gc_paused

Stamps = dict[str, Stamp]

QUERIES, RESULT = "queries", "result"
KEEP = 16  # answers kept per records root


def _holidays_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("holidays")
    except PackageNotFoundError:
        return "?"


def answer(root: Path, key: str, compute: Callable[[Stamps | None], Any],
           use_cache: bool = True) -> Any:  # fmt: skip
    """The stored answer to `key` if the records are unchanged, else `compute(stamps)` (stored).

    `compute` must validate `root` through the cache (it writes the digest stored here); it
    is given the stamps of the walk that found a stored answer stale (None if there was
    none), so that it need not walk the records again.
    """
    if not use_cache:
        return compute(None)
    store = Store.for_root(cache_home(), root)
    key = f"{key}|holidays={_holidays_version()}"
    cached = store.read(QUERIES)
    cached = cached if isinstance(cached, dict) else {}
    stamps = None
    if key in cached.get("answers", {}):
        from .pipeline import unchanged

        with gc_paused():  # a tuple per file, no cycles
            stamps = walk(root, ordered=False)
        if unchanged(stamps, cached):
            return cached["answers"][key]
    value = compute(stamps)
    result = store.read(RESULT)  # what the validation inside compute() saw
    if isinstance(result, dict) and isinstance(result.get("digest"), bytes):
        same = cached.get("digest") == result["digest"]
        answers = dict(list(cached.get("answers", {}).items())[-(KEEP - 1) :]) if same else {}
        answers[key] = value
        store.write(QUERIES, {"digest": result["digest"], "written_ns": now_ns(),
                              "answers": answers})  # fmt: skip
    return value
