"""Validate a records root: every file on its own (in parallel, cached), then across files.

The cache holds two things (see :mod:`cdsctl.cache` for when it is trusted):
``files``, each file's own result keyed by its stamp, and ``result``, the whole run's
diagnostics for a set of stamps and a day.  A root unchanged since the last run (same
files, same stamps, same day) is answered from ``result`` without reading any record.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import RACY_NS, Store, cache_home, now_ns, trusted
from .diagnostics import Diagnostic, Severity
from .files import UNKNOWN, Stamp, walk
from .selection import Selection

if TYPE_CHECKING:  # imported where used: an unchanged root needs none of the checking code
    from .checks.crossfile import CrossFinding
    from .records import FileResult, Summary

#: below this many files to check, worker processes cost more than they save
PARALLEL_FROM = 400
CHUNK = 250
Progress = Callable[[int, int], None]
FILES, RESULT = "files", "result"


@dataclass(slots=True)
class Validation:
    """What a validation found: diagnostics (sorted) and the summaries of usable records."""

    root: Path
    diagnostics: list[Diagnostic]
    summaries: list[Summary]
    files: int
    checked: int  # files read and parsed in this run (the rest came from the cache)
    #: each usable record's full compact values, marshalled (decoded by queries only)
    blobs: dict[str, bytes] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


def validate(
    root: Path,
    only: Iterable[str] | Selection | None = None,
    *,
    cache_dir: Path | bool | None = None,
    jobs: int | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    summaries: bool = True,
) -> Validation:
    """Check every record under `root`.

    `only`: relative paths (or a :class:`Selection`) whose diagnostics to keep; references
    still resolve against the whole root.  `cache_dir`: None for the default cache, False for none.
    `summaries=False` lets an unchanged root be answered without loading any record.
    """
    today = today or date.today()
    store = None if cache_dir is False else Store.for_root(_cache_dir(cache_dir), root)
    selection = only if isinstance(only, Selection) else Selection(set(only or ()))
    prior = store.read(RESULT) if store is not None else None
    reuse = isinstance(prior, dict) and not summaries and not selection.ids
    # no cache: stamps come from reading the files; a reusable result: order does not matter
    stamps = walk(root, stat=isinstance(prior, dict), ordered=not reuse)
    known = _known_result(prior, stamps, today) if reuse else None
    if known is not None:
        return _selected(Validation(root, known, [], len(stamps), 0), only, selection)
    stamps = dict(sorted(stamps.items()))
    from .checks.crossfile import run_cross_checks

    results, checked = _file_results(root, stamps, store, jobs, progress)
    stamps = {r.file: r.stamp for r in results}
    found = [r.summary for r in results if r.summary is not None]
    diagnostics = [d for r in results for d in r.diagnostics]
    cross = _locate_cross(root, run_cross_checks(found, today))
    diagnostics += [d for d, _ in cross]
    diagnostics.sort(key=Diagnostic.sort_key)
    if store is not None:
        _remember_result(store, stamps, today, diagnostics)
    about_ids = {d for d, about in cross if about is not None and about in selection.ids}
    blobs = {r.file: r.blob for r in results if r.blob is not None} if summaries else {}
    result = Validation(root, diagnostics, found, len(stamps), checked, blobs)
    return _selected(result, only, selection, about_ids)


def _selected(
    result: Validation, only: object, selection: Selection, also: Collection[Diagnostic] = ()
) -> Validation:
    """Keep the diagnostics of selected files, and `also` (findings about selected ids)."""
    if only is not None:
        keep = selection.files
        result.diagnostics = [d for d in result.diagnostics if d.file in keep or d in also]
    return result


def _cache_dir(cache_dir: Path | bool | None) -> Path:
    return cache_dir if isinstance(cache_dir, Path) else cache_home()


def _digest(stamps: dict[str, Stamp]) -> bytes:
    """One value for the whole map of stamps (order-independent).

    Spelled out as text: marshal's bytes are not canonical (they encode object sharing).
    """
    text = "\n".join(f"{f}\0{s[0]}\0{s[1]}\0{s[2]}" for f, s in sorted(stamps.items()))
    return hashlib.blake2b(text.encode(), digest_size=20).digest()


def _known_result(cached: Any, stamps: dict[str, Stamp], today: date) -> Any:
    """The last run's diagnostics if nothing has changed since (nor the day), else None."""
    if not isinstance(cached, dict) or cached.get("today") != today.isoformat():
        return None
    newest = max((stamp[1] for stamp in stamps.values()), default=0)
    if newest >= cached.get("written_ns", 0) - RACY_NS or cached.get("digest") != _digest(stamps):
        return None  # something changed, or may have changed unseen (racy)
    return [Diagnostic.from_wire(d) for d in cached["diagnostics"]]


def _remember_result(store: Store, stamps: dict[str, Stamp], today: date,
                     diagnostics: list[Diagnostic]) -> None:  # fmt: skip
    store.write(RESULT, {"written_ns": now_ns(), "today": today.isoformat(),
                         "digest": _digest(stamps),
                         "diagnostics": [d.to_wire() for d in diagnostics]})  # fmt: skip


def _file_results(
    root: Path,
    stamps: dict[str, Stamp],
    store: Store | None,
    jobs: int | None,
    progress: Progress | None,
) -> tuple[list[FileResult], int]:
    """Each file's own result: from the cache where it may be trusted, else checked now."""
    from .records import FileResult

    cached = store.read(FILES) if store is not None and UNKNOWN not in stamps.values() else None
    cached = cached if isinstance(cached, dict) else {}
    written = cached.get("written_ns", 0)
    entries: dict[str, Any] = cached.get("files", {})
    found = {f: (tuple(entries[f][0]), entries[f][1]) for f, s in stamps.items()
             if f in entries and trusted(s, tuple(entries[f][0]), written)}  # fmt: skip
    todo = [f for f in stamps if f not in found]
    found.update(_check_files(root, todo, jobs, progress))
    if store is not None and (todo or entries.keys() != stamps.keys()):
        store.write(FILES, {"written_ns": now_ns(), "files": {f: found[f] for f in stamps}})
    results = []
    for f in stamps:
        result = FileResult.from_wire(found[f][1])
        result.stamp = found[f][0]
        results.append(result)
    return results, len(todo)


def _check_files(root: Path, todo: Sequence[str], jobs: int | None,
                 progress: Progress | None) -> Iterator[tuple[str, Any]]:  # fmt: skip
    """(file, (stamp, wire result)) for each file in `todo`, on all cores when there are many."""
    workers = jobs or os.cpu_count() or 1
    chunks = [list(todo[i : i + CHUNK]) for i in range(0, len(todo), CHUNK)]
    if workers == 1 or len(todo) < PARALLEL_FROM:
        results: Iterable[list[tuple[Any, ...]]] = (_check_chunk(root, c) for c in chunks)
        yield from _counted(results, len(todo), progress)
        return
    from . import records  # noqa: F401  (imported before the fork, workers share it)

    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_check_chunk, [root] * len(chunks), chunks)
        yield from _counted(results, len(todo), progress)


def _counted(results: Iterable[list[tuple[Any, ...]]], total: int,
             progress: Progress | None) -> Iterator[tuple[str, Any]]:  # fmt: skip
    done = 0
    for chunk in results:
        for stamp, wire in chunk:
            yield wire[0], (stamp, wire)
        done += len(chunk)
        if progress:
            progress(done, total)


def _check_chunk(root: Path, relpaths: list[str]) -> list[tuple[Any, ...]]:
    from .records import check_file

    gc.disable()  # the loop allocates much and frees it all, never in cycles
    try:
        results = [check_file(root, relpath) for relpath in relpaths]
        return [(r.stamp, r.to_wire()) for r in results]
    finally:
        gc.enable()


def _locate_cross(root: Path, findings: list[CrossFinding]) -> list[tuple[Diagnostic, str | None]]:
    from .records import positions_of

    by_file: dict[str, list[CrossFinding]] = defaultdict(list)
    for finding in findings:
        by_file[finding.file].append(finding)
    out = []
    for relpath, items in by_file.items():
        positions = positions_of(root, relpath)
        for f in items:
            line, column = positions.find(f.path, f.at_key)
            out.append((Diagnostic.make(relpath, line, column, f.code, f.message), f.about))
    return out
