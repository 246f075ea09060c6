"""What a query's records need of each shard of the validation cache, made by the worker
that checks the shard's files while it holds their values, and kept beside the shard as
`view.N` (cdsctl.snapshot.fromshards reads it, for a query run before the snapshot is kept).

A piece holds its shard's tasks as a snapshot's columns (model.task_row: no typed record
made), its reports' items by task (dates, states and periods as text), the ids of its
internal records, the values of its other records, and the names of its files.  A query
made its records from the shards themselves in 2.4 s of CPU at 100,000 tasks and 200,000
reports (each shard's every summary loaded, then each task's whole values with its
description, then its typed record); from the pieces it loads a tenth of that text.

A piece serves only the shard it was made with: it carries the shard's length and CRC-32 as
stored, and a shard written again (after an edit) or damaged has others.  Files with
errors are left out of the records, and which files have errors is known only once the
rules across files have run: a shard holding one is read whole instead
(:func:`Gathered.add` is then called for each of its other files, as the worker did).
"""

from __future__ import annotations

import marshal
import sys
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from ..diagnostics import Severity
from ..model import ROW_FIELDS, SHARED_FIELDS, task_row
from .cache import Store, payload_check
from .shards import shard_number

VIEW = "view"
#: the columns of few distinct values: one object per value in a piece (strings interned:
#: marshal interns them again where it loads them, one object across pieces; tuples
#: shared within the piece)
_SHARED_AT = tuple(i for i, name in enumerate(ROW_FIELDS) if name in SHARED_FIELDS)
_intern = sys.intern
_ERROR = str(Severity.ERROR)  # (as a diagnostic's wire holds it)


def piece_name(shard: str) -> str:
    """The name of the piece of the shard named `shard`."""
    return f"{VIEW}.{shard_number(shard)}"


def isos() -> Callable[[str | None], str | None]:
    """A date's text to its ISO text, as a `date` made of it writes it (None for none or
    empty), through one memo: each distinct day one interned string."""
    memo: dict[str, str] = {}

    def iso(text: str | None) -> str | None:
        if not text:
            return None
        found = memo.get(text)
        if found is None:
            found = memo[text] = _intern(date.fromisoformat(text).isoformat())
        return found

    return iso


class Gathered:
    """The records of a run of files as a query's view needs them (the module's doc); made
    whole by :meth:`piece`.  `texts`: where to keep the tasks' descriptions by id (None:
    left out)."""

    __slots__ = ("_iso", "entries", "internal", "items", "others", "rows", "texts")

    def __init__(self, texts: dict[str, str] | None = None) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.items: list[str] = []  # the task of each report item, in the files' order
        self.entries: list[tuple[Any, ...]] = []  # each report item, as state.Entry
        self.internal: list[str] = []
        self.others: list[tuple[str, str, str | None, Any]] = []
        self.texts = texts
        self._iso = isos()

    def add(self, file: str, summary: Any, blob: bytes | None,
            values: dict[str, Any] | None = None) -> None:  # fmt: skip
        """A file's record from its summary's wire and its values (`values`, else `blob`
        loaded; a report's are its summary's, checks.index.WHOLE_VIEW)."""
        kind, record_id = summary[0], summary[1]
        if kind == "report":
            self.report(record_id, summary[3])
            return
        if values is None:
            values = marshal.loads(blob)  # type: ignore[arg-type]
        if kind != "task":
            self.others.append((file, kind, record_id, values))
            return
        self.rows.append(task_row(values, file, self._iso))
        if self.texts is not None and values.get("description"):
            self.texts[record_id] = values["description"]
        if values.get("visibility") == "internal":
            self.internal.append(record_id)

    def report(self, record_id: str, values: dict[str, Any]) -> None:
        """A report's items, from its summary's values (their short texts are interned
        already: validation.onefile's summaries are)."""
        day, period, items, entries = values["date"], values.get("period"), self.items, self.entries
        for item in values["tasks"]:
            items.append(item["task"])
            entries.append((day, record_id, item["status"], item.get("progress"), period))
        if values.get("visibility") == "internal":
            self.internal.append(record_id)

    def piece(self) -> dict[str, Any]:
        """What was gathered: the tasks as columns (:data:`~cdsctl.model.ROW_FIELDS`), the
        report items' tasks (marshalled: :func:`items`) and entries (state.Entry, dates as
        text), the internal ids, the other records as (file, kind, id, values)."""
        rows = self.rows
        columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in ROW_FIELDS]
        same: Callable[[Any, Any], Any] = {}.setdefault
        for i in _SHARED_AT:
            columns[i] = [_intern(v) if type(v) is str else same(v, v) for v in columns[i]]
        # The items' task ids go marshalled apart, as marshal's first version writes them:
        # not as interned strings (they are, in the summaries), which marshal interns again
        # where it loads them, one lookup each: 344,000 at 100,000 tasks took 0.08 s to
        # load, and 0.02 s so (the records look them up once, by value).
        items = marshal.dumps(self.items, 0)
        return {"tasks": columns, "items": items, "entries": self.entries,
                "internal": self.internal, "others": self.others}  # fmt: skip


def items(piece: dict[str, Any]) -> list[str]:
    """The task of each report item of a piece, in the order of its entries."""
    return marshal.loads(piece["items"])


def write(store: Store, shard: str, payload: bytes, results: list[Any],
          values: dict[str, dict[str, Any]]) -> None:  # fmt: skip
    """Keep the piece of the shard `shard` just written as `payload` (its `results`, each
    task's values in `values` by file where the check had them)."""
    gathered, first, last = Gathered(), None, None
    add, report, task = gathered.add, gathered.report, values.get
    for _, (file, diagnostics, summary, blob) in results:
        if first is None or file < first:
            first = file
        if last is None or file > last:
            last = file
        # (a file with errors of its own is left out of the records: its shard is read)
        if summary is None or (diagnostics and any(d[3] == _ERROR for d in diagnostics)):
            continue
        if summary[0] == "report":
            report(summary[1], summary[3])
        else:
            add(file, summary, blob, task(file))
    store.write(piece_name(shard), {**gathered.piece(), "shard": payload_check(payload),
                                    "span": (first, last)})  # fmt: skip


def read(store: Store, shard: str) -> dict[str, Any] | None:
    """The piece of the shard `shard` as it is stored now, or None (none, damaged, or made
    with another)."""
    piece = store.read(piece_name(shard))
    if not isinstance(piece, dict) or piece.get("shard") != store.check_of(shard):
        return None
    return piece


def may_hold(piece: dict[str, Any], files: Iterable[str]) -> bool:
    """Whether the piece's shard may hold one of `files`: one between the first and the
    last of its files in path order (a shard of a cold run holds every file between; a
    shard that only may is read whole, as one that does)."""
    first, last = piece["span"]
    return first is not None and any(first <= file <= last for file in files)
