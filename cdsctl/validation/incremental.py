"""`validate` after a few record files changed: those files checked again, the rules across
files run only for the records they concern (cdsctl.checks.partial), and the cache patched
rather than read and written whole.

A run that checks across every record keeps, beside its result, the account the partial
rules start from (``cross``) and each file's stamp and shard (``cross.files``: read on its
own by a query patching the snapshot, cdsctl.snapshot.patch; :func:`keep_state`).  The
next run, when some files' stamps differ, reads that instead of the 1,223 shards of a root
of 305,061 files: it checks the changed files, reads the shards of the few records the rules
need, and keeps the earlier findings of every file the change does not concern.  It gives
way to a full run when the account is not that of the stored result, when more than
:data:`MOST` files changed, or when agencies.yaml or the calendar did (every record names
them).
"""

from __future__ import annotations

import bisect
import marshal
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..diagnostics import Diagnostic, Severity
from ..load.files import AGENCIES, NOT_READ, Seen, Stamp, patched_digest
from ..load.since import Since
from .cache import (
    FINE_RACY_NS,
    RACY_NS,
    Store,
    is_racy,
    keeping,
    now_ns,
    racy_bounds,
    settled,
    soon_holding,
    times,
    unchanged,
)
from .names import NAMES
from .shards import FILES, shard_name, shard_number
from .workers import OnProgress, check_files

if TYPE_CHECKING:
    from ..checks.index import CrossFinding

STATE = "cross"
#: the files the account was kept for, with their stamps and shards (read without it)
STATE_FILES = "cross.files"
#: held while a full run's account is being kept (after its output, by the CLI): the next
#: run waits for it rather than checking every record again
STATE_LOCK = "cross.lock"
WAIT_SECONDS = 60.0
#: more changed files than this are checked in a full run (a branch switched, a pull)
MOST = 2000

Span = tuple[str | None, str | None]


#: when the shards' manifest was written, and when its run began (cache.times)
Times = tuple[int, "int | None"]


def keep_state(store: Store, digest: bytes, written: Times, files: list[str], flat: array[int],
               shards: array[int], state: Any) -> None:  # fmt: skip
    """Keep what :func:`revalidate` starts from: the account of a run across every record
    (checks.account.CrossState), the files it saw with their stamps (:func:`stamp_columns`)
    and each one's shard, in path order; `written`: the times of the shards' manifest it
    goes with."""
    if keep_files(store, digest, written, files, flat, shards):
        keep_account(store, digest, written, files, state)


def keep_files(store: Store, digest: bytes, written: Times, files: list[str], flat: array[int],
               shards: array[int]) -> bool:  # fmt: skip
    """The first half of :func:`keep_state`: the files and their stamps and shards, which a
    query after an edit reads (:func:`kept_files`).  Whether they were written."""
    head = {"digest": digest, **times(*written)}
    return store.write(STATE_FILES, {**head, "files": files, "stamps": flat.tobytes(),
                                     "shards": shards.tobytes()})  # fmt: skip


def keep_account(store: Store, digest: bytes, written: Times, files: list[str],
                 state: Any) -> None:  # fmt: skip
    """The second half of :func:`keep_state`: the account, after its files."""
    store.write(STATE, {"digest": digest, **times(*written), "cross": state.to_wire(files)})


def stamp_columns(stamps: dict[str, Stamp]) -> tuple[list[str], array[int]]:
    """The files of `stamps` and their stamps, four numbers each, flat (as kept)."""
    return list(stamps), array("q", chain.from_iterable(stamps.values()))


def _read_state(store: Store) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(the account, its files) as kept together (the same digest and time), or None."""
    kept, files = store.read(STATE), store.read(STATE_FILES)
    if not isinstance(kept, dict) or not isinstance(files, dict):
        return None
    if (kept.get("digest"), kept.get("written_ns")) != (
        files.get("digest"),
        files.get("written_ns"),
    ):
        return None
    return kept, files


def kept_files(store: Store, seen: dict[str, Stamp] | Seen) -> tuple[list[str], array[int]] | None:
    """The files (in path order) and their stamps (four numbers each, flat) of the account
    kept, if they are the ones `seen` now (cache.unchanged), else None.  Those kept before
    the output of a `validate` after an edit are read at once; others once the work left
    after a run's output has kept them (a cold run's)."""
    kept = store.read(STATE_FILES)  # (not the account itself: 40 MB at 305,061 files)
    if not isinstance(kept, dict) or not unchanged(seen, kept):
        settled(store, STATE_LOCK, WAIT_SECONDS)
        kept = store.read(STATE_FILES)
    if not isinstance(kept, dict) or not unchanged(seen, kept):
        return None
    try:
        found = _Kept.of_wire(kept)
    except (KeyError, TypeError, ValueError):
        return None
    return found.names, found.flat


@dataclass(slots=True)
class FlatStamps:
    """Files in path order with their stamps, four numbers each in one flat array (no
    object per number: 100 MB less than a map of stamps at 305,061 files), looked up by
    bisection: the files of the account kept here, and those a snapshot was made of
    (cdsctl.snapshot.patch.Files)."""

    names: list[str]
    flat: array[int]

    def at(self, name: str) -> int | None:
        """The file's place, or None when it is not one of them."""
        i = bisect.bisect_left(self.names, name)
        return i if i < len(self.names) and self.names[i] == name else None

    def stamp(self, name: str) -> Stamp | None:
        i = self.at(name)
        return None if i is None else self.stamp_at(i)

    def stamp_at(self, i: int) -> Stamp:
        return tuple(self.flat[4 * i : 4 * i + 4])  # type: ignore[return-value]


@dataclass(slots=True)
class _Kept(FlatStamps):
    """The files the account was kept for, with their stamps and shard numbers."""

    shards: array[int]

    @classmethod
    def of_wire(cls, kept: dict[str, Any]) -> _Kept:
        flat, shards = array("q"), array("i")
        flat.frombytes(kept["stamps"])
        shards.frombytes(kept["shards"])
        found = cls(kept["files"], flat, shards)
        if len(flat) != 4 * len(found.names) or len(shards) != len(found.names):
            raise ValueError("an account of another shape")
        return found

    def shard_of(self, file: str) -> int | None:
        i = self.at(file)
        return None if i is None else self.shards[i]

    def differing(self, stamps: dict[str, Stamp]) -> tuple[list[str], list[str], list[str]]:
        """(the kept files whose stamp differs, those gone, the files not kept)."""
        files = self.names
        now = array("q", chain.from_iterable(map(stamps.get, files, repeat(_GONE))))
        differ = differing_files(files, self.flat, now)
        gone = [f for f in differ if f not in stamps]
        changed = [f for f in differ if f in stamps]
        added: list[str] = []
        if len(stamps) > len(files) - len(gone):  # some not kept: which
            kept = set(files)
            added = sorted(f for f in stamps if f not in kept)
        return changed, gone, added

    def patch(self, gone: Iterable[str], now: dict[str, Stamp], shard_of: dict[str, int]) -> None:
        """Without the files `gone`; the stamps `now` (of files kept or new) and their
        shards put in."""
        for file in gone:
            i = self.at(file)
            if i is not None:
                del self.names[i], self.shards[i], self.flat[4 * i : 4 * i + 4]
        for file, stamp in now.items():
            i = self.at(file)
            if i is None:
                i = bisect.bisect_left(self.names, file)
                self.names.insert(i, file)
                self.shards.insert(i, -1)
                self.flat[4 * i : 4 * i] = array("q", stamp)
            self.flat[4 * i : 4 * i + 4] = array("q", stamp)
            self.shards[i] = shard_of.get(file, -1)


_GONE: Stamp = (-9, 0, 0, 0)  # (no walk gives it)
_BLOCK = 1024


def differing_files(files: list[str], before: array[int], now: array[int]) -> list[str]:
    """The files whose stamps differ between two flat arrays of stamps (four numbers each)
    in the order of `files`: blocks compared in C, a block that differs file by file."""
    differ: list[str] = []
    if now != before:
        for start in range(0, len(files), _BLOCK):
            a, b = 4 * start, 4 * min(len(files), start + _BLOCK)
            if now[a:b] != before[a:b]:
                differ += [files[i] for i in range(start, b // 4)
                           if now[4 * i : 4 * i + 4] != before[4 * i : 4 * i + 4]]  # fmt: skip
    return differ


class Revalidated(NamedTuple):
    diagnostics: list[Diagnostic]
    digest: bytes  # of the stamps of every file now
    span: Span  # the days the diagnostics hold for
    checked: int  # files checked again
    files: int  # files in all
    started: int | None  # when the result may say its run began (:func:`later_start`)


class Changes(NamedTuple):
    """The files changed since the account was kept: new, their stamp different, or racy
    (cache.is_racy; path order), their stamps now, those gone, and how many there are now."""

    changed: list[str]
    now: dict[str, Stamp]
    gone: list[str]
    total: int


def _walked_changes(files: _Kept, stamps: dict[str, Stamp], newest: int | None,
                    bounds: tuple[int, int]) -> Changes:  # fmt: skip
    """The changes, from every file's stamp now (`newest`: their newest mtime, if known)."""
    changed, gone, added = files.differing(stamps)
    if newest is None or newest >= bounds[1]:  # and the racily clean (cache.py)
        changed += [f for f, s in stamps.items()
                    if is_racy(s[1], bounds) and files.at(f) is not None]  # fmt: skip
    changed = sorted({*changed, *added})
    return Changes(changed, {f: stamps[f] for f in changed}, gone, len(stamps))


def since_changes(files: FlatStamps, since: Since, bounds: tuple[int, int]) -> Changes | None:
    """The changes, from a walk that reported what changed since the account was kept
    (load.since): a file reported is compared with its stamp kept, a file kept below a
    folder reported whole and not reported is gone.  None when the counts do not agree."""
    names, reported = files.names, since.files
    gone: set[str] = set()
    for prefix in since.whole:  # (the files below it: one range of the sorted names)
        lo = bisect.bisect_left(names, prefix)
        hi = bisect.bisect_left(names, prefix + "\U0010ffff", lo)
        gone.update(f for f in names[lo:hi] if f not in reported)
    changed, added = [], 0
    for f, stamp in reported.items():
        i = files.at(f)
        if i is None:
            added += 1
        elif files.stamp_at(i) == tuple(stamp) and not is_racy(stamp[1], bounds):
            continue
        changed.append(f)
    if len(names) - len(gone) + added != since.count:
        return None
    changed.sort()
    now: dict[str, Stamp] = {f: tuple(reported[f]) for f in changed}  # type: ignore[misc]
    return Changes(changed, now, sorted(gone), since.count)


def revalidate(root: Path, store: Store, prior: dict[str, Any],
               stamps: dict[str, Stamp] | Since, today: date, jobs: int | None,
               progress: OnProgress | None, newest: int | None = None, keep: bool = True,
               started: int | None = None) -> Revalidated | None:  # fmt: skip
    """The root's diagnostics after the files changed since the stored result `prior`
    (whose span holds `today`); None when a full run is wanted (the module's docstring).
    `stamps`: every file's now (`newest`: their newest mtime, if the caller knows it); the
    files checked again get theirs as they were when read, or, without `keep`, the map is
    emptied once the changes are known (100 MB at 305,061 files: what the rest reuses).
    Or what a walk found changed since `prior` (load.since; without `keep`): then none
    may have, and the result is `prior`'s, its digest and span, no file checked.
    `started`: when this run began (cache.racy_bounds)."""
    settled(store, STATE_LOCK, WAIT_SECONDS)
    state, manifest = _read_state(store), store.read(FILES)
    if state is None or not isinstance(manifest, dict):
        return None
    kept, stamped = state
    if kept.get("digest") != prior.get("digest") or kept.get("written_ns") != manifest.get(
        "written_ns"
    ):
        return None
    try:
        files = _Kept.of_wire(stamped)
    except (KeyError, TypeError, ValueError):  # (another shape: not this code's)
        return None
    bounds = racy_bounds(manifest)
    if isinstance(stamps, Since):  # (what changed since the account's run began)
        if stamped.get("started_ns") != prior.get("started_ns"):
            return None
        changes = since_changes(files, stamps, bounds)
        if changes is None:
            return None
        if not changes.changed and not changes.gone:
            return Revalidated([Diagnostic.from_wire(d) for d in prior["diagnostics"]],
                               prior["digest"], prior["days"], 0, changes.total,
                               started)  # fmt: skip
    else:
        changes = _walked_changes(files, stamps, newest, bounds)
    changed, now, gone = changes.changed, changes.now, changes.gone
    if (not changed and not gone) or len(changed) + len(gone) > MOST or AGENCIES in changed:
        return None
    count = changes.total
    if not keep and isinstance(stamps, dict):
        stamps.clear()
        stamps.update(now)
    shards = _Shards(store, files.shard_of)
    old = shards.entries([*changed, *gone])
    if old is None:
        return None
    unread = {f: stamp for f, stamp in now.items() if stamp[0] <= NOT_READ}
    new = {wire[0]: (tuple(stamp), wire)
           for chunk in check_files(root, changed, jobs, progress, None, True, unread)
           for stamp, wire in chunk}  # fmt: skip
    found = _rechecked(root, kept.pop("cross"), files.names, prior, shards, old, new, today)
    if found is None:
        return None
    started = later_start(root, ((f, e[0]) for f, e in new.items()), lambda f: new[f][1],
                          started)  # fmt: skip
    diagnostics, span, state = found
    for f, (stamp, _) in new.items():
        now[f] = stamp
        if isinstance(stamps, dict):
            stamps[f] = stamp
    earlier = [(f, was) for f in [*changed, *gone] if (was := files.stamp(f)) is not None]
    digest = patched_digest(prior["digest"], earlier, [(f, now[f]) for f in changed], count)
    placed = shards.write(new, set(gone), manifest["shards"], digest, started)
    files.patch(gone, {f: now[f] for f in changed}, placed)
    written = shards.written_ns, started

    # The files first, before the output (0.04 s): a query right after reads them at once
    # rather than wait for the account (at 100,000 tasks it waited 0.35-0.45 s for it).
    files_kept = keep_files(store, digest, written, files.names, files.flat, files.shards)

    def account_kept() -> None:  # (0.35 s at 305,061 files: after the output, from the CLI)
        if files_kept:
            with keeping(store, STATE_LOCK):
                keep_account(store, digest, written, files.names, state)
        _patch_names(store, old, new)

    if keep:  # the caller goes on to load every record: the account's memory is wanted back
        account_kept()
    else:  # (its lock taken now: the next `validate` waits for the account)
        soon_holding(store, STATE_LOCK, account_kept)
    return Revalidated(diagnostics, digest, span, len(changed), count, started)


#: at most this many files saved within the racy window of a run's start are read again
#: after it (:func:`later_start`): more is a checkout or a pull, not an edit and its check
RECHECK_MOST = 64
#: and the window is waited out for at most this long (a 2-second one, for a file system
#: keeping whole milliseconds, is not)
RECHECK_WAIT_NS = 150_000_000


def later_start(root: Path, stamps: Iterable[tuple[str, Stamp]],
                wire_of: Callable[[str], tuple[Any, ...] | None], started: int | None
                ) -> int | None:  # fmt: skip
    """When the run that checked the files with these `stamps` (as read; `wire_of`: each
    one's wire result, None if unknown) may say it began: `started`, or a later moment
    when some were saved within the racy window of `started` (cache.racy_bounds: a script's
    edit followed at once by `validate`).  Such a file could change again, unseen, under
    the same stamp; so the next command could not trust the result for it, and would check
    it again, in part, in its own process (3.3 s rather than 1.1 s for the first query
    after such an edit at 100,000 tasks).  Once the window has passed since the newest of
    them, they are read and checked again: if each still has the stamp and the result it
    was checked with, the result holds for the files as they are at that later moment, and
    a change after it gives a stamp its window covers (the clock a file system stamps with
    is the same, at most 10 ms behind).  Else, or when the window is not soon over (or
    they are many: :data:`RECHECK_MOST`), `started` stands."""
    if started is None:
        return None
    # (cache.is_racy, written out: a call per file is 0.05 s at 305,061 files)
    fine, coarse = started - FINE_RACY_NS, started - RACY_NS
    racy = [(f, stamp) for f, stamp in stamps
            if stamp[1] >= coarse and (stamp[1] >= fine or not stamp[1] % 1_000_000)]  # fmt: skip
    if not racy:
        return started
    if len(racy) > RECHECK_MOST or any(stamp[0] <= NOT_READ for _, stamp in racy):
        return started
    until = max(stamp[1] + (RACY_NS if not stamp[1] % 1_000_000 else FINE_RACY_NS)
                for _, stamp in racy)  # fmt: skip
    if until - now_ns() > RECHECK_WAIT_NS:
        return started
    from .onefile import check_file_wire  # (here: a run with no racy file needs none of it)

    wires = [wire_of(f) for f, _ in racy]
    while (later := now_ns()) <= until:
        time.sleep((until - later) / 1e9 + 0.001)
    for (f, stamp), wire in zip(racy, wires, strict=True):
        again, result = check_file_wire(root, f)
        if wire is None or again != tuple(stamp) or not _same_result(result, wire):
            return started
    return later


def _same_result(one: tuple[Any, ...], other: tuple[Any, ...]) -> bool:
    """Whether two wire results of a file (onefile.FileResult) say the same: the blobs of
    values compared decoded (marshal's bytes for equal values differ with their sharing)."""
    if tuple(one[:3]) != tuple(other[:3]) or (one[3] is None) != (other[3] is None):
        return False
    return one[3] is None or one[3] == other[3] or marshal.loads(one[3]) == marshal.loads(other[3])


class _Shards:
    """The shards a partial run reads and rewrites, each read once."""

    def __init__(self, store: Store, shard_of: Callable[[str], int | None]) -> None:
        self.store, self.shard_of = store, shard_of
        self.read: dict[int, list[Any]] = {}
        self.written_ns = 0

    def entries(self, files: Iterable[str]) -> dict[str, tuple[Stamp, Any]] | None:
        """The stored (stamp, wire) of `files` (those stored), None when a shard is missing
        or does not hold what the account says."""
        out = {}
        for f in files:
            n = self.shard_of(f)
            if n is None:
                continue
            if n not in self.read:
                shard = self.store.read(shard_name(n))
                if not isinstance(shard, list):
                    return None
                self.read[n] = shard
            entry = next((e for e in self.read[n] if e[1][0] == f), None)
            if entry is None:
                return None
            out[f] = entry
        return out

    def write(self, new: dict[str, Any], gone: set[str], names: list[str],
              digest: bytes, started: int | None) -> dict[str, int]:  # fmt: skip
        """The shards holding a changed or removed file written anew, new files in a new
        shard, the manifest anew (read: the shards :meth:`entries` read; `digest`: of the
        stamps the shards hold now); each changed or new file's shard."""
        placed = {f: n for f in (*new, *gone) if (n := self.shard_of(f)) is not None}
        for n in set(placed.values()):
            shard = [new.get(wire[0], (stamp, wire)) for stamp, wire in self.read[n]
                     if wire[0] not in gone]  # fmt: skip
            self.store.write(shard_name(n), shard)
        added = [f for f in new if f not in placed]
        if added:
            number = 1 + max((shard_number(name) for name in names), default=-1)
            self.store.write(shard_name(number), [new[f] for f in added])
            placed.update(dict.fromkeys(added, number))
            names = [*names, shard_name(number)]
        self.written_ns = now_ns()
        self.store.write(FILES, {**times(self.written_ns, started), "shards": names,
                                 "digest": digest})  # fmt: skip
        return placed


def _rechecked(root: Path, account: Any, names: list[str], prior: dict[str, Any], shards: _Shards,
               old: dict[str, Any], new: dict[str, Any], today: date
               ) -> tuple[list[Diagnostic], Span, Any] | None:  # fmt: skip
    """The diagnostics after the edit, their span, and the account (CrossState, kept
    beside the files `names`) now."""
    from ..checks.account import CrossState
    from ..checks.index import AnySummary, summary_from_wire
    from ..checks.partial import GLOBAL, LOCAL, REFERENCE_CODES, WHOLE_ROOT, Edit, recheck_edit

    before = [summary_from_wire(wire[2]) for _, wire in old.values() if wire[2] is not None]
    after = [summary_from_wire(wire[2]) for _, wire in new.values() if wire[2] is not None]
    if any(s.kind in WHOLE_ROOT for s in (*before, *after)):
        return None
    edit = Edit(before, after, {*old, *new})
    earlier = [Diagnostic.from_wire(d) for d in prior["diagnostics"]]

    def load(files: set[str]) -> tuple[list[AnySummary], set[str]]:
        stored = shards.entries(f for f in files if f not in edit.files)
        if stored is None:  # a shard gone or not what the account says: judge nothing
            raise _Untrusted
        summaries, broken = [], set()
        for f in files:
            entry = new.get(f) or stored.get(f)
            if entry is None or entry[1][2] is None:
                continue
            summaries.append(summary_from_wire(entry[1][2], whole=False))
            if any(d[3] == Severity.ERROR for d in entry[1][1]):
                broken.add(f)
        return summaries, broken

    state = CrossState.from_wire(account, names)
    references = {d.file for d in earlier if d.code in REFERENCE_CODES}
    try:
        found = recheck_edit(state, edit, load, today, references)
    except _Untrusted:
        return None
    findings, span, state, concerned, in_part = found
    changed = edit.files
    diagnostics = [d for d in earlier if d.file not in changed
                   and (in_part or d.code not in GLOBAL)
                   and not (d.code in LOCAL and d.file in concerned)]  # fmt: skip
    diagnostics += [Diagnostic.from_wire(d) for _, wire in new.values() for d in wire[1]]
    diagnostics += _located(root, findings, earlier, changed)
    diagnostics.sort(key=Diagnostic.sort_key)
    return diagnostics, span, state


class _Untrusted(Exception):
    """The cache does not hold what the account says: a full run is wanted."""


def _located(root: Path, findings: list[CrossFinding], earlier: list[Diagnostic],
             changed: set[str]) -> list[Diagnostic]:  # fmt: skip
    """Each finding as a diagnostic: the earlier one where its file did not change and it
    said the same, else found at its line (its file read again)."""
    from .onefile import locate_cross

    same: dict[tuple[str, str, str], list[Diagnostic]] = {}
    for d in earlier:
        if d.file not in changed:
            same.setdefault((d.file, d.code, str(d.message)), []).append(d)
    out, todo = [], []
    for finding in findings:
        twins = same.get((finding.file, finding.code, str(finding.message)))
        if twins:
            out.append(twins.pop(0))
        else:
            todo.append(finding)
    return out + [d for d, _ in locate_cross(root, todo)]


def _patch_names(store: Store, old: dict[str, Any], new: dict[str, Any]) -> None:
    """The ids kept for shell completion (validation.names), without the changed files'
    old ids and with their new ones."""
    names = store.read(NAMES)
    if not isinstance(names, dict):
        return
    for _, wire in old.values():
        summary = wire[2]
        if summary is not None and summary[1] in names.get(summary[0], ()):
            names[summary[0]].remove(summary[1])
    for _, wire in new.values():
        summary = wire[2]
        if summary is not None and summary[1] is not None:
            names.setdefault(summary[0], []).append(summary[1])
            names[summary[0]].sort()
    store.write(NAMES, names)
