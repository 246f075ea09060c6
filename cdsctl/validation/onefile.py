"""One record file → its diagnostics and a compact summary (what cross-checks and queries need).

This is the unit of work a worker process does and the unit the cache stores.  The
happy path parses with yaml-rs and checks the data; only a file with a problem is
parsed again by the position-aware loader, so every diagnostic carries its line.
"""

from __future__ import annotations

import marshal
import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks.fast import add_name, fast_check
from ..checks.index import (
    WHOLE_VIEW,
    AnySummary,
    CrossFinding,
    Summary,
    cross_view,
    summary_from_wire,
)
from ..checks.record import check_record
from ..diagnostics import Diagnostic
from ..i18n import Msg
from ..load.blockyaml import SHARED_LENGTH
from ..load.files import BROKEN, Stamp, is_markdown, stat_stamp
from ..load.reading import ReadProblem, RecordText, read_bytes, read_source, source_of
from ..load.scalarpos import Span
from ..load.yamltext import (
    BAD_CHARACTER,
    SAFE_BYTES,
    KeyPath,
    Loaded,
    Positions,
    Problem,
    load_exact,
    load_fast_scanned,
)
from ..schema import Checked, Finding


@dataclass(slots=True)
class FileResult:
    file: str
    diagnostics: list[Diagnostic]
    summary: AnySummary | None
    blob: bytes | None = None  # marshal of the record's full compact values
    stamp: Stamp = BROKEN  # of the bytes that were read (not part of the wire form)

    def to_wire(self) -> tuple[Any, ...]:
        """Plain tuples: cheap to send between processes and to store with marshal."""
        summary = self.summary.to_wire() if self.summary is not None else None
        return (self.file, [d.to_wire() for d in self.diagnostics], summary, self.blob)

    @classmethod
    def from_wire(cls, wire: tuple[Any, ...]) -> FileResult:
        file, diagnostics, summary, blob = wire
        return cls(file, [Diagnostic.from_wire(d) for d in diagnostics] if diagnostics else [],
                   summary_from_wire(summary) if summary is not None else None, blob)  # fmt: skip


def check_file(root: Path, relpath: str) -> FileResult:
    """Read, parse and check one record file on its own."""
    stamp, wire = check_file_wire(root, relpath)
    result = FileResult.from_wire(wire)
    result.stamp = stamp
    return result


def check_file_wire(root: Path | str, relpath: str, keep: dict[str, Any] | None = None
                    ) -> tuple[Stamp, tuple[Any, ...]]:  # fmt: skip
    """:func:`check_file` as (stamp, wire tuple): what workers send, built directly.
    `keep`: where to keep a task's checked values by file, when they were made here (the
    shard's piece, cdsctl.validation.pieces, then needs not load them again)."""
    path = f"{root}/{relpath}"  # (plain str: pathlib and os.path.join are slow here)
    try:
        data, stamp = read_bytes(path)
    except ReadProblem as problem:
        return stat_stamp(path), _unusable(relpath, problem)
    except OSError as exc:
        message = Msg("cannot read the file: {reason}", reason=exc.strerror or str(exc))
        found = [Diagnostic.make(relpath, 1, 1, "unreadable", message)]
        return stat_stamp(path), FileResult(relpath, found, None).to_wire()
    return stamp, check_bytes_wire(relpath, data, keep)


def _unusable(relpath: str, problem: ReadProblem) -> tuple[Any, ...]:
    message = _empty(relpath, problem.message) if problem.code == "empty" else problem.message
    found = [Diagnostic.make(relpath, problem.line, 1, problem.code, message)]
    return FileResult(relpath, found, None).to_wire()


def _empty(relpath: str, problem: str) -> str:
    """An `empty` file's message, saying what belongs in it."""
    hint = (Msg("agencies.yaml lists the committee's agencies: `kind: agencies`, then "
                "`agencies:` with the id and name of each (cdsctl init writes one)")
            if relpath == "agencies.yaml" else
            Msg("a record starts with `kind:` and `id:` (cdsctl new writes one)"))  # fmt: skip
    return Msg("{problem}; {hint}", problem=problem, hint=hint)


def check_bytes_wire(relpath: str, data: bytes, keep: dict[str, Any] | None = None
                     ) -> tuple[Any, ...]:  # fmt: skip
    """The wire result of a record file `relpath` holding `data` (read, or not yet written);
    `keep`: as :func:`check_file_wire`'s."""
    try:
        source = source_of(data, is_markdown(relpath))
    except ReadProblem as problem:
        return _unusable(relpath, problem)
    # no byte that may start a control character, a tab…: no regex (yamlload.SAFE_BYTES)
    screened = not data.translate(None, SAFE_BYTES)
    scanned = load_fast_scanned(source.yaml, screened)
    if scanned is not None and _body_fits(source, scanned[0], screened):
        fast, nulls, shared, lines = scanned
        text = source.yaml if source.body is None else source.yaml + source.body
        record = _with_body(fast, source)
        if lines is not None and "body" in record:
            lines = (*lines, "body")
        checked = fast_check(record, text, relpath, nulls, lines)
        if checked is not None and checked.kind is not None:  # the happy path
            # (with a null, msgspec gave the values anew: dates as new text)
            view, names = _shared(checked.kind, checked, shared and not nulls)
            kind, record_id = _intern(checked.kind), checked.id
            if keep is not None and kind == "task":
                keep[relpath] = checked.values
            return (relpath, (), (kind, record_id, relpath, view, names), _blob(checked))
    return _check_exactly(source, relpath).to_wire()


def _body_fits(source: RecordText, data: dict[str, Any], screened: bool) -> bool:
    """Whether a Markdown body (if any) may go the fast path: no `body` in the front matter
    as well, no bad character in it."""
    if source.body is None:
        return True
    return "body" not in data and (screened or BAD_CHARACTER.search(source.body) is None)


def _with_body(data: dict[str, Any], source: RecordText) -> dict[str, Any]:
    if source.body is not None and source.body.strip():
        data["body"] = source.body
    return data


def load_positions(source: RecordText) -> Loaded:
    loaded = load_exact(source.yaml, source.offset)
    if isinstance(loaded.data, dict) and source.body is not None and source.body.strip():
        if "body" in loaded.data:
            line, column = loaded.positions.keys.get(("body",), (1, 1))
            msg = Msg("body is given in the front matter and as the Markdown text after it")
            loaded.problems.append(Problem("duplicate-key", msg, line, column))
        else:
            loaded.data["body"] = source.body
            loaded.positions.values[("body",)] = (source.body_line, 1)
            start = (source.body_line - 1 - source.offset, 0)
            loaded.positions.spans[("body",)] = Span("body", source.body, start, start)
    return loaded


def _check_exactly(source: RecordText, relpath: str) -> FileResult:
    loaded = load_positions(source)
    diagnostics = [Diagnostic.make(relpath, p.line, p.column, p.code, p.message)
                   for p in loaded.problems]  # fmt: skip
    if loaded.data is None and not loaded.problems:
        message = _empty(relpath, Msg("the file holds no data"))  # (only comments)
        diagnostics.append(Diagnostic.make(relpath, 1, 1, "empty", message))
    if not isinstance(loaded.data, dict):
        if loaded.data is not None:
            found = Msg("a list") if isinstance(loaded.data, list) else Msg("a single value")
            msg = Msg("a record is a mapping of fields, but the file holds {found}", found=found)
            diagnostics.append(Diagnostic.make(relpath, 1, 1, "not-a-mapping", msg))
        return FileResult(relpath, diagnostics, None)
    checked = check_record(loaded.data, relpath, loaded.positions)
    diagnostics += [locate(relpath, f, loaded.positions) for f in checked.findings]
    return _result(relpath, diagnostics, checked)


def locate(relpath: str, finding: Finding, positions: Positions) -> Diagnostic:
    """The diagnostic of a finding, at its character when it names one, else at its key
    or value."""
    where = None if finding.index is None else positions.char(finding.path, finding.index)
    line, column = where or positions.find(finding.path, finding.at_key)
    return Diagnostic.make(relpath, line, column, finding.code, finding.message)


def _result(relpath: str, diagnostics: list[Diagnostic], checked: Checked | None) -> FileResult:
    if checked is None or checked.kind is None:
        return FileResult(relpath, diagnostics, None)
    view, names = _shared(checked.kind, checked)
    summary = Summary(_intern(checked.kind), checked.id, relpath, view, names)
    return FileResult(relpath, diagnostics, summary, _blob(checked))


def _shared(kind: str, checked: Checked, interned: bool = False
            ) -> tuple[dict[str, Any], dict[tuple[str, ...], list[str]]]:  # fmt: skip
    """A summary's view (:func:`cross_view`) and names (:func:`group_references`), every key
    and short text in them interned: marshal writes an interned string as such, and
    reading it back gives the one string of that text.  A cold validation holds every
    file's summary (a report's whole values): 534 MB at 100,000 tasks and 200,000 reports
    with a string for each key and value of each, 361 MB with them shared.  `interned`:
    the values' are already (cdsctl.load.blockyaml interns them as it reads them), and
    the view is not copied to intern them."""
    view = cross_view(kind, checked.values)
    if not interned:
        view = _interned(view)
    names = {kinds: [_intern(n) if type(n) is str else n for n in found]
             for kinds, found in group_references(checked).items()}  # fmt: skip
    return view, names


_intern = sys.intern


def _interned(view: dict[Any, Any]) -> dict[Any, Any]:
    """`view` with its keys and short texts interned (but its own id: written once).  A
    key need not be text in a record with errors (YAML reads `2022:` as a number)."""
    out = {}
    for key, value in view.items():
        if type(key) is str:
            key = _intern(key)
        kind = type(value)
        if kind is str:
            out[key] = _intern(value) if len(value) <= SHARED_LENGTH and key != "id" else value
        elif kind is list:
            out[key] = [_interned(v) if type(v) is dict else
                        _intern(v) if type(v) is str and len(v) <= SHARED_LENGTH else v
                        for v in value]  # fmt: skip
        elif kind is dict:
            out[key] = _interned(value)
        else:
            out[key] = value
    return out


def group_references(checked: Checked) -> dict[tuple[str, ...], list[str]]:
    """The names a record refers to, by the kinds each may name, without their paths.

    Paths are only needed for a reference that turns out broken, and then
    :func:`reference_paths` finds them again: leaving them out makes a summary a few
    objects instead of three per reference, to build, send, store and decode.
    """
    if checked.names is not None:
        return checked.names
    grouped: dict[tuple[str, ...], list[str]] = {}
    for kinds, name, _ in checked.references:
        add_name(kinds, name, grouped)
    return grouped


def _source(root: Path, relpath: str, data: bytes | None) -> RecordText:
    return read_source(root / relpath) if data is None else source_of(data, is_markdown(relpath))


def reference_paths(
    root: Path, relpath: str, data: bytes | None = None
) -> dict[tuple[tuple[str, ...], str], list[KeyPath]]:
    """Where a file refers to each (kinds, name), in the file's order: the paths
    :func:`group_references` left out.  `data`: the file's bytes, if not to be read."""
    try:
        loaded = load_positions(_source(root, relpath, data))
    except (ReadProblem, OSError):
        return {}
    if not isinstance(loaded.data, dict):
        return {}
    paths: dict[tuple[tuple[str, ...], str], list[KeyPath]] = {}
    for kinds, name, path in check_record(loaded.data, relpath, loaded.positions).references:
        paths.setdefault((kinds, name), []).append(path)
    return paths


def _blob(checked: Checked) -> bytes | None:
    """The record's compact values, marshalled; None where the summary's view holds them."""
    return None if checked.kind in WHOLE_VIEW else marshal.dumps(checked.values)


def positions_of(root: Path, relpath: str, data: bytes | None = None) -> Positions:
    """The positions of a file's keys and values, for diagnostics found across files."""
    try:
        return load_positions(_source(root, relpath, data)).positions
    except (ReadProblem, OSError):
        return Positions()


__all__ = [
    "FileResult", "KeyPath", "Summary", "check_bytes_wire", "check_file", "group_references",
    "locate", "locate_cross", "positions_of", "reference_paths",
]  # fmt: skip


def locate_cross(
    root: Path, findings: list[CrossFinding], changes: Mapping[str, bytes | None] | None = None
) -> list[tuple[Diagnostic, tuple[str, ...]]]:
    """Diagnostics at the lines the findings point to (the files are read again for it, or
    taken from `changes`), each with the ids it is about (a selection holding one of them
    reports it)."""
    by_file: dict[str, list[CrossFinding]] = defaultdict(list)
    for finding in findings:
        by_file[finding.file].append(finding)
    out = []
    for relpath, items in by_file.items():
        data = changes.get(relpath) if changes else None
        positions = positions_of(root, relpath, data)
        uses = reference_paths(root, relpath, data) if any(f.path is None for f in items) else {}
        for f in items:
            path = f.path
            if path is None:  # a broken reference: its next use in this file
                found = uses.get(f.reference, []) if f.reference is not None else []
                path = found.pop(0) if found else ()
            line, column = positions.find(path, f.at_key)
            out.append((Diagnostic.make(relpath, line, column, f.code, f.message), f.abouts()))
    return out


def full_record(root: Path, relpath: str) -> dict[str, Any]:
    """Every field of one record as written (bodies included), for showing and rendering."""
    data = load_positions(read_source(root / relpath)).data
    return data if isinstance(data, dict) else {}
