"""`cdsctl show ID` without a walk: one record, the reports on it and its directive read
from their own files, found through the index kept with the snapshot (:mod:`.where`)."""

from __future__ import annotations

import marshal
from pathlib import Path
from typing import Any

from .. import model
from ..dates.workdays import preload
from ..load.files import Stamp
from ..validation.cache import Store, cache_home
from ..validation.gcpause import gc_paused
from ..validation.onefile import check_file, full_record
from . import where
from .where import Where


def found(root: Path, record_id: str) -> tuple[model.Records, list[str], Where] | None:
    """What `show` needs of one record, from its own files, without a walk: where it is,
    the reports on it and its directive come from the index kept with the snapshot
    (cdsctl.snapshot.where), and those files, agencies.yaml and calendar.yaml are read
    again: (the records, the files of the root left out, where each record is).  None when
    the index cannot vouch (a folder or one of those files changed)."""
    store = Store.for_root(cache_home(), root)
    meta = where.read(store, str(root))
    if meta is None:
        return None
    preload(meta.get("holidays"))  # (a deadline in working days: no `holidays` package)
    task_id = record_id.split("@", 1)[0]
    found = where.lookup(store, meta, {task_id, record_id})
    entry = found.get(task_id)
    if entry is not None and entry[0] == "task":
        reports = where.lookup(store, meta, entry[4])
        directive = full_record(root, entry[1]).get("directive")
        if len(reports) != len(entry[4]) or not isinstance(directive, str):
            return None
        found |= reports | where.lookup(store, meta, [directive])
    whole = [(kind, file, stamp, errors) for kind, file, stamp, errors in meta["whole"]]
    records = _read_again(root, meta, [*whole, *(e[:4] for e in found.values())])
    if records is None:
        return None
    ids = {i: (e[0], e[1]) for i, e in found.items()}
    errors = {e[1]: e[3] for e in found.values() if e[3]}
    skipped = list(meta["skipped"])  # (the root's, as a validation gives them)
    return records, skipped, Where(ids, errors, {})


def _read_again(root: Path, meta: dict[str, Any],
                files: list[tuple[str, str, Stamp, int]]) -> model.Records | None:  # fmt: skip
    """Typed records from these files (kind, file, stamp, errors), each read again; those
    with errors left out, as a validation leaves them.  None if one is not as the index
    saw it."""
    records = model.Records()
    with gc_paused():
        for kind, file, stamp, errors in files:
            if not where.unchanged(str(root), file, stamp, meta):
                return None
            if errors:
                continue
            result = check_file(root, file)
            summary = result.summary
            if summary is None or summary.kind != kind:
                return None
            values = summary.values if result.blob is None else marshal.loads(result.blob)
            records.add(summary.kind, summary.id, summary.file, values)
        records.use_agency_ids()
    return records
