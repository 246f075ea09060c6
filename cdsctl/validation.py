"""Validate a records root: every file on its own (in parallel, cached), then across files.

The cache holds two things (see :mod:`cdsctl.cache` for when it is trusted):
``files``, each file's own result keyed by its stamp, and ``result``, the whole run's
diagnostics for a set of stamps and a day.  A root unchanged since the last run (same
files, same stamps, same day) is answered from ``result`` without reading any record.
"""

from __future__ import annotations

import gc
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cache import RACY_NS, Store, cache_home, now_ns, trusted
from .diagnostics import Diagnostic, Severity
from .files import Stamp, walk
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
    stamps = walk(root)
    store = None if cache_dir is False else Store.for_root(_cache_dir(cache_dir), root)
    selection = only if isinstance(only, Selection) else Selection(set(only or ()))
    reuse = not summaries and not selection.ids
    known = _known_result(store, stamps, today) if reuse else None
    if known is not None:
        return _selected(Validation(root, known, [], len(stamps), 0), only, selection)
    from .checks.crossfile import run_cross_checks

    results, checked = _file_results(root, stamps, store, jobs, progress)
    found = [r.summary for r in results if r.summary is not None]
    diagnostics = [d for r in results for d in r.diagnostics]
    cross = _locate_cross(root, run_cross_checks(found, today))
    diagnostics += [d for d, _ in cross]
    diagnostics.sort(key=Diagnostic.sort_key)
    if store is not None:
        _remember_result(store, stamps, today, diagnostics)
    about_ids = {d for d, about in cross if about is not None and about in selection.ids}
    result = Validation(root, diagnostics, found, len(stamps), checked)
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


def _all_trusted(stamps: dict[str, Stamp], written_ns: int) -> bool:
    return all(stamp[1] < written_ns - RACY_NS for stamp in stamps.values())


def _known_result(store: Store | None, stamps: dict[str, Stamp], today: date) -> Any:
    """The last run's diagnostics if nothing has changed since (nor the day), else None."""
    cached = store.read(RESULT) if store is not None else None
    if not isinstance(cached, dict) or cached.get("today") != today.isoformat():
        return None
    if cached.get("stamps") != stamps or not _all_trusted(stamps, cached.get("written_ns", 0)):
        return None
    return [Diagnostic.from_wire(d) for d in cached["diagnostics"]]


def _remember_result(store: Store, stamps: dict[str, Stamp], today: date,
                     diagnostics: list[Diagnostic]) -> None:  # fmt: skip
    store.write(RESULT, {"written_ns": now_ns(), "today": today.isoformat(), "stamps": stamps,
                         "diagnostics": [d.to_wire() for d in diagnostics]})  # fmt: skip


def _file_results(
    root: Path,
    stamps: dict[str, Stamp],
    store: Store | None,
    jobs: int | None,
    progress: Progress | None,
) -> tuple[list[FileResult], int]:
    from .records import FileResult

    cached = store.read(FILES) if store is not None else None
    cached = cached if isinstance(cached, dict) else {}
    written = cached.get("written_ns", 0)
    entries: dict[str, Any] = cached.get("files", {})
    wires = {f: entries[f][1] for f, s in stamps.items()
             if f in entries and trusted(s, tuple(entries[f][0]), written)}  # fmt: skip
    todo = [f for f in stamps if f not in wires]
    wires.update(_check_files(root, todo, jobs, progress))
    if store is not None and (todo or entries.keys() != stamps.keys()):
        files = {f: (stamps[f], wires[f]) for f in stamps}
        store.write(FILES, {"written_ns": now_ns(), "files": files})
    return [FileResult.from_wire(wires[f]) for f in stamps], len(todo)


def _check_files(root: Path, todo: Sequence[str], jobs: int | None,
                 progress: Progress | None) -> Iterator[tuple[str, Any]]:  # fmt: skip
    """(file, wire result) for each file in `todo`, on all cores when there are many."""
    workers = jobs or os.cpu_count() or 1
    chunks = [list(todo[i : i + CHUNK]) for i in range(0, len(todo), CHUNK)]
    if workers == 1 or len(todo) < PARALLEL_FROM:
        results: Iterable[list[tuple[Any, ...]]] = (_check_chunk(root, c) for c in chunks)
        yield from _counted(results, len(todo), progress)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = pool.map(_check_chunk, [root] * len(chunks), chunks)
        yield from _counted(results, len(todo), progress)


def _counted(results: Iterable[list[tuple[Any, ...]]], total: int,
             progress: Progress | None) -> Iterator[tuple[str, Any]]:  # fmt: skip
    done = 0
    for chunk in results:
        for wire in chunk:
            yield wire[0], wire
        done += len(chunk)
        if progress:
            progress(done, total)


def _check_chunk(root: Path, relpaths: list[str]) -> list[tuple[Any, ...]]:
    from .records import check_file

    gc.disable()  # the loop allocates much and frees it all, never in cycles
    try:
        return [check_file(root, relpath).to_wire() for relpath in relpaths]
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
