"""`validate` after a few record files changed: those files checked again, the rules across
files run only for the records they concern (cdsctl.checks.partial), and the cache patched
rather than read and written whole.

A run that checks across every record keeps, beside its result, the account the partial
rules start from and each file's stamp and shard (``cross``, :func:`keep_state`).  The next
run, when some files' stamps differ, reads that instead of the 1,223 shards of a root of
305,061 files: it checks the changed files, reads the shards of the few records the rules
need, and keeps the earlier findings of every file the change does not concern.  It gives
way to a full run when the account is not that of the stored result, when more than
:data:`MOST` files changed, or when agencies.yaml or the calendar did (every record names
them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Severity
from ..load.files import AGENCIES, NOT_READ, Stamp, patched_digest
from .cache import RACY_NS, Store, now_ns, settled
from .names import NAMES
from .shards import FILES, shard_name, shard_number
from .workers import OnProgress, check_files

if TYPE_CHECKING:
    from ..checks.index import CrossFinding

STATE = "cross"
#: held while a full run's account is being kept (after its output, by the CLI): the next
#: run waits for it rather than checking every record again
STATE_LOCK = "cross.lock"
WAIT_SECONDS = 60.0
#: more changed files than this are checked in a full run (a branch switched, a pull)
MOST = 2000

Span = tuple[str | None, str | None]


def keep_state(store: Store, digest: bytes, written_ns: int, stamps: dict[str, Stamp],
               shards: list[int], state: Any) -> None:  # fmt: skip
    """Keep what :func:`revalidate` starts from: the account of a run across every record
    (checks.partial.CrossState), the stamps it saw and each file's shard (in the order of
    `stamps`)."""
    store.write(STATE, {"digest": digest, "written_ns": written_ns, "files": list(stamps),
                        "stamps": list(stamps.values()), "shards": shards,
                        "cross": state.to_wire()})  # fmt: skip


def revalidate(root: Path, store: Store, prior: dict[str, Any], stamps: dict[str, Stamp],
               today: date, jobs: int | None, progress: OnProgress | None,
               newest: int | None = None
               ) -> tuple[list[Diagnostic], bytes, Span, int] | None:  # fmt: skip
    """The root's diagnostics, the digest of `stamps`, the span of days they hold for and
    the number of files checked, from the stored result `prior` (whose span holds `today`)
    and the files changed since; None when a full run is wanted (the module's docstring).
    `newest`: the newest mtime of `stamps`, if the caller knows it."""
    settled(store, STATE_LOCK, WAIT_SECONDS)
    kept, manifest = store.read(STATE), store.read(FILES)
    if not isinstance(kept, dict) or not isinstance(manifest, dict):
        return None
    if kept.get("digest") != prior.get("digest") or kept.get("written_ns") != manifest.get(
        "written_ns"
    ):
        return None
    try:
        before = dict(zip(kept["files"], kept["stamps"], strict=True))
        shard_of = dict(zip(kept["files"], kept["shards"], strict=True))
    except (KeyError, TypeError, ValueError):  # (another shape: not this code's)
        return None
    racy = manifest["written_ns"] - RACY_NS
    changed = sorted(dict(stamps.items() - before.items()))  # (set operations in C: 0.3 s
    if newest is None or newest >= racy:  # as a loop); and the racily clean (cache.py)
        changed = sorted({*changed, *(f for f, s in stamps.items() if s[1] >= racy)})
    gone = sorted(before.keys() - stamps.keys())
    if (not changed and not gone) or len(changed) + len(gone) > MOST or AGENCIES in changed:
        return None
    shards = _Shards(store, shard_of)
    old = shards.entries([*changed, *gone])
    if old is None:
        return None
    unread = {f: stamps[f] for f in changed if stamps[f][0] <= NOT_READ}
    new = {wire[0]: (tuple(stamp), wire)
           for chunk in check_files(root, changed, jobs, progress, None, True, unread)
           for stamp, wire in chunk}  # fmt: skip
    found = _rechecked(root, kept["cross"], prior, shards, old, new, today)
    if found is None:
        return None
    diagnostics, span, state = found
    for f, (stamp, _) in new.items():
        stamps[f] = stamp
    digest = patched_digest(prior["digest"], [(f, before[f]) for f in [*changed, *gone]
                                              if f in before],
                            [(f, stamps[f]) for f in changed], len(stamps))  # fmt: skip
    shards.write(new, set(gone), manifest["shards"])
    for f in gone:
        del before[f]
    before.update((f, stamps[f]) for f in changed)
    numbers = [shards.shard_of.get(f, -1) for f in before]
    keep_state(store, digest, shards.written_ns, before, numbers, state)
    _patch_names(store, old, new)
    return diagnostics, digest, span, len(changed)


class _Shards:
    """The shards a partial run reads and rewrites, each read once."""

    def __init__(self, store: Store, shard_of: dict[str, int]) -> None:
        self.store, self.shard_of = store, shard_of
        self.read: dict[int, list[Any]] = {}
        self.written_ns = 0

    def entries(self, files: Iterable[str]) -> dict[str, tuple[Stamp, Any]] | None:
        """The stored (stamp, wire) of `files` (those stored), None when a shard is missing
        or does not hold what the account says."""
        out = {}
        for f in files:
            n = self.shard_of.get(f)
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

    def write(self, new: dict[str, Any], gone: set[str], names: list[str]) -> None:
        """The shards holding a changed or removed file written anew, new files in a new
        shard, the manifest anew (read: the shards :meth:`entries` read)."""
        touched = {self.shard_of[f] for f in (*new, *gone) if f in self.shard_of}
        for f in gone:
            del self.shard_of[f]
        for n in touched:
            shard = [new.get(wire[0], (stamp, wire)) for stamp, wire in self.read[n]
                     if wire[0] not in gone]  # fmt: skip
            self.store.write(shard_name(n), shard)
        added = [f for f in new if f not in self.shard_of]
        if added:
            number = 1 + max((shard_number(name) for name in names), default=-1)
            self.store.write(shard_name(number), [new[f] for f in added])
            self.shard_of.update(dict.fromkeys(added, number))
            names = [*names, shard_name(number)]
        self.written_ns = now_ns()
        self.store.write(FILES, {"written_ns": self.written_ns, "shards": names})


def _rechecked(root: Path, account: Any, prior: dict[str, Any], shards: _Shards,
               old: dict[str, Any], new: dict[str, Any], today: date
               ) -> tuple[list[Diagnostic], Span, Any] | None:  # fmt: skip
    """The diagnostics after the edit, their span, and the account (CrossState) now."""
    from ..checks.index import Summary
    from ..checks.partial import (
        GLOBAL,
        LOCAL,
        REFERENCE_CODES,
        WHOLE_ROOT,
        CrossState,
        Edit,
        recheck_edit,
    )  # fmt: skip

    before = [Summary(*wire[2]) for _, wire in old.values() if wire[2] is not None]
    after = [Summary(*wire[2]) for _, wire in new.values() if wire[2] is not None]
    if any(s.kind in WHOLE_ROOT for s in (*before, *after)):
        return None
    edit = Edit(before, after, {*old, *new})
    earlier = [Diagnostic.from_wire(d) for d in prior["diagnostics"]]

    def load(files: set[str]) -> tuple[list[Summary], set[str]]:
        stored = shards.entries(f for f in files if f not in edit.files)
        if stored is None:  # a shard gone or not what the account says: judge nothing
            raise _Untrusted
        summaries, broken = [], set()
        for f in files:
            entry = new.get(f) or stored.get(f)
            if entry is None or entry[1][2] is None:
                continue
            summaries.append(Summary(*entry[1][2]))
            if any(d[3] == Severity.ERROR for d in entry[1][1]):
                broken.add(f)
        return summaries, broken

    state = CrossState.from_wire(account)
    references = {d.file for d in earlier if d.code in REFERENCE_CODES}
    try:
        findings, span, state, concerned = recheck_edit(state, edit, load, today, references)
    except _Untrusted:
        return None
    changed = edit.files
    diagnostics = [d for d in earlier if d.file not in changed and d.code not in GLOBAL
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
