"""Validate a records root: every file on its own (in parallel, cached), then across files."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from .cache import Store, cache_home, now_ns, trusted
from .checks.crossfile import CrossFinding, run_cross_checks
from .diagnostics import Diagnostic
from .files import Stamp, walk
from .records import FileResult, Summary, check_file, positions_of

#: below this many files to check, worker processes cost more than they save
PARALLEL_FROM = 400
CHUNK = 200
Progress = Callable[[int, int], None]


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
        return [d for d in self.diagnostics if d.severity == "error"]


def validate(
    root: Path,
    only: Iterable[str] | None = None,
    *,
    cache_dir: Path | bool | None = None,
    jobs: int | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> Validation:
    """Check every record under `root`.

    `only`: relative paths whose diagnostics to keep (references still resolve against
    the whole root).  `cache_dir`: None for the default cache, False for none.
    """
    today = today or date.today()
    stamps = walk(root)
    store = None if cache_dir is False else Store.for_root(_cache_dir(cache_dir), root)
    results, checked = _file_results(root, stamps, store, jobs, progress)
    summaries = [r.summary for r in results if r.summary is not None]
    diagnostics = [d for r in results for d in r.diagnostics]
    diagnostics += _locate_cross(root, run_cross_checks(summaries, today))
    if only is not None:
        keep = set(only)
        diagnostics = [d for d in diagnostics if d.file in keep]
    diagnostics.sort(key=Diagnostic.sort_key)
    return Validation(root, diagnostics, summaries, len(stamps), checked)


def _cache_dir(cache_dir: Path | bool | None) -> Path:
    return cache_dir if isinstance(cache_dir, Path) else cache_home()


def _file_results(
    root: Path,
    stamps: dict[str, Stamp],
    store: Store | None,
    jobs: int | None,
    progress: Progress | None,
) -> tuple[list[FileResult], int]:
    cached = _read_cache(store)
    written = cached.get("written_ns", 0)
    entries: dict[str, tuple[Stamp, FileResult]] = cached.get("files", {})
    fresh = {f: entries[f][1] for f, s in stamps.items()
             if f in entries and trusted(s, entries[f][0], written)}  # fmt: skip
    todo = [f for f in stamps if f not in fresh]
    for result in _check_files(root, todo, jobs, progress):
        fresh[result.file] = result
    if store is not None and (todo or entries.keys() != stamps.keys()):
        _write_cache(store, stamps, fresh)
    return [fresh[f] for f in stamps], len(todo)


def _read_cache(store: Store | None) -> dict[str, Any]:
    value = store.read("files.pickle") if store is not None else None
    return value if isinstance(value, dict) else {}


def _write_cache(
    store: Store | None, stamps: dict[str, Stamp], results: dict[str, FileResult]
) -> None:
    if store is None:
        return
    files = {f: (stamps[f], results[f]) for f in stamps}
    store.write("files.pickle", {"written_ns": now_ns(), "files": files})


def _check_files(root: Path, todo: Sequence[str], jobs: int | None,
                 progress: Progress | None) -> Iterable[FileResult]:  # fmt: skip
    workers = jobs or os.cpu_count() or 1
    if workers == 1 or len(todo) < PARALLEL_FROM:
        for i, relpath in enumerate(todo, 1):
            yield check_file(root, relpath)
            if progress and i % CHUNK == 0:
                progress(i, len(todo))
        return
    chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
    done = 0
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for results in pool.map(_check_chunk, [root] * len(chunks), chunks):
            yield from results
            done += len(results)
            if progress:
                progress(done, len(todo))


def _check_chunk(root: Path, relpaths: list[str]) -> list[FileResult]:
    return [check_file(root, relpath) for relpath in relpaths]


def _locate_cross(root: Path, findings: list[CrossFinding]) -> list[Diagnostic]:
    by_file: dict[str, list[CrossFinding]] = defaultdict(list)
    for finding in findings:
        by_file[finding.file].append(finding)
    out = []
    for relpath, items in by_file.items():
        positions = positions_of(root, relpath)
        for f in items:
            line, column = positions.find(f.path, f.at_key)
            out.append(Diagnostic.make(relpath, line, column, f.code, f.message))
    return out
