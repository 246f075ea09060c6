"""Validate a records root: every file on its own (in parallel, cached), then across files.

The cache holds two things (see :mod:`cdsctl.validation.cache` for when it is trusted):
``files``, a manifest of shards holding each file's own result with its stamp, and
``result``, the whole run's diagnostics for a digest of all stamps and the span of days
they hold for (one rule reads the day: checks.crossdates.lead_days).  A root
unchanged since the last run (same files, same stamps, a day in the span) is answered from
``result`` without reading any record; one where some files changed, by checking those and
running the rules across files for the records they concern (:mod:`.incremental`, from the
account ``cross`` a full run keeps).
"""

from __future__ import annotations

import functools
import marshal
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Severity
from ..load.files import NOT_READ, UNKNOWN, Seen, Stamp, digest_count, walk
from ..load.since import Moment, Since, moment, trusted
from .cache import (
    MISSING,
    Store,
    cache_home,
    keeping,
    now_ns,
    racy_bounds,
    soon,
    soon_holding,
    stamps_digest,
    times,
    unchanged,
)
from .gcpause import gc_paused
from .names import remember as remember_names
from .pieces import VIEW, piece_name
from .selection import Selection
from .shards import (
    CHUNK,
    FILES,
    Cached,
    cached_entries,
    give_way,
    shard_name,
    update_shards,
)
from .workers import OnProgress, aside, changed_since, check_files, walked_with_stat

if TYPE_CHECKING:  # imported where used: an unchanged root needs none of the checking code
    from ..checks.index import AnySummary
    from .forkpool import Forked

RESULT = "result"


@dataclass(slots=True)
class Validation:
    """What a validation found: diagnostics (sorted) and the summaries of usable records."""

    root: Path
    diagnostics: list[Diagnostic]
    summaries: list[AnySummary]
    files: int
    checked: int  # files read and parsed in this run (the rest came from the cache)
    #: each usable record's full compact values, marshalled (decoded by queries only);
    #: a report's are its summary's `values` (see checks.index.WHOLE_VIEW)
    blobs: dict[str, bytes] = field(default_factory=dict)
    #: the digest of the stamps of every file this validation saw (cache.stamps_digest),
    #: None without a cache: what stored query answers are keyed to (answers.Answers)
    digest: bytes | None = None

    def usable(self) -> Iterator[tuple[AnySummary, dict[str, Any]]]:
        """Each record without errors of its own, with its full compact values: a
        WHOLE_VIEW kind's are its summary's, the others' travel beside it marshalled
        (decoded here, for queries only; one loop, not a call per record: 305,061 of them)."""
        from ..checks.index import WHOLE_VIEW

        broken = {d.file for d in self.diagnostics if d.severity is Severity.ERROR}
        blobs, loads = self.blobs, marshal.loads
        for summary in self.summaries:
            if summary.file in broken:
                continue
            if summary.kind in WHOLE_VIEW:
                yield summary, summary.values
            else:
                yield summary, loads(blobs[summary.file])

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
    progress: OnProgress | None = None,
    summaries: bool = True,
    stamps: dict[str, Stamp] | None = None,
    cached: Cached | None = None,
    since_ns: int | None = None,
) -> Validation:
    """Check every record under `root`.

    `only`: relative paths (or a :class:`Selection`) whose diagnostics to keep; references
    still resolve against the whole root.  `cache_dir`: None for the default cache, False for none.
    `summaries=False` lets an unchanged root be answered without loading any record; the
    result then holds no summaries (the caller reads its diagnostics).
    `stamps`: the stamps of a walk of `root` (with stat) the caller made just before; used
    instead of walking again; `cached`: the shards, if the caller has just read them;
    `since_ns`: when that walk began (what the cache then says the run began at:
    cache.racy_bounds; unknown: judged by when the cache is written).
    """
    started = now_ns() if stamps is None else since_ns  # (before any file is stat'ed or read)
    today = today or date.today()
    store = None if cache_dir is False else Store.for_root(_cache_dir(cache_dir), root)
    selection = only if isinstance(only, Selection) else Selection(set(only or ()))
    prior = store.read(RESULT) if store is not None else None
    # (the moment, as files are stamped, this run's walk begins at: load.since)
    mark = moment(store.folder) if store is not None and stamps is None else None
    # what changed since the last run, where a walk can tell without every stamp (no
    # summaries wanted: those of every file are read from the shards, by their stamps)
    since = None
    if not summaries and not selection.ids and store is not None:
        since = _changed_since(root, store, prior, mark, jobs)
    # no cache: stamps come from reading the files
    seen: Seen | None = None
    forked: Forked | None = None
    if since is None and stamps is None and isinstance(prior, dict):  # on every core
        racy = racy_bounds(prior)[0]  # (a digest compared only if every stamp is older)
        stamps, seen = walked_with_stat(root, jobs, racy if isinstance(racy, int) else None)
    elif since is None and stamps is None:
        from .forkpool import Forked  # (here: 3 ms of imports no other run needs)

        forked = Forked(jobs)  # (no cache: the workers start while the walk goes on)
        try:
            with gc_paused():  # a tuple per file, no cycles: the collector would only cost time
                stamps = walk(root, stat=False, early=forked.at())
        except BaseException:
            forked.close()
            raise
    # the last run's diagnostics, when no file (nor the day) has changed since it
    known = None
    if since is not None and not since.files and not since.whole:
        known = _known_result(prior, None, today)
    elif stamps is not None and not selection.ids:
        known = _known_result(prior, seen or stamps, today)
    if known is not None and not summaries:
        digest = prior["digest"] if isinstance(prior, dict) else None
        count = since.count if since is not None else len(stamps or ())
        return _selected(Validation(root, known, [], count, 0, digest=digest), only, selection)
    day = today.isoformat()
    fresh, checked = False, 0  # (fresh: the shards were just written by this run)
    if known is None and not selection.ids and isinstance(prior, dict) and store is not None:
        from .incremental import revalidate  # some changed: those, and what they concern

        newest = seen.newest if seen is not None else None
        again, count = None, len(stamps or ())
        if _in_span(prior.get("days"), day):
            with gc_paused():  # (the account: 305,061 holders, tuples and dicts, no cycles)
                again = revalidate(root, store, prior, since or stamps or {}, today, jobs,
                                   progress, newest, keep=summaries, started=started)  # fmt: skip
        if again is None and stamps is not None and len(stamps) < count:  # (let go)
            stamps, seen = walked_with_stat(root, jobs)
        if again is not None:
            diagnostics, digest, span, checked, count, started = again  # (count: all files)
            if checked or digest != prior.get("digest"):
                _remember_result(store, digest, span, diagnostics, started, prior, mark)
            elif mark is not None:  # the result stands, now as of this run's moment (what
                store.write(RESULT, {**prior, CLOCK: mark})  # it reported is not again)
            if not summaries:
                answered = Validation(root, diagnostics, [], count, checked, digest=digest)
                return _selected(answered, only, selection)
            # wanted: the summaries, from the shards just written (no cross-file checks again)
            known, prior, fresh = diagnostics, {"digest": digest}, True
    if stamps is None:  # (the walk told only what changed: every stamp is wanted now)
        stamps, seen = walked_with_stat(root, jobs)
    stamps = in_path_order(stamps)
    from ..checks.crossfile import full_checks

    with gc_paused():  # hundreds of thousands of small tuples and dicts, never in cycles
        try:
            gathered = _file_results(root, stamps, store, jobs, progress, summaries, fresh,
                                     None if fresh else cached, started, forked,
                                     known is None)  # fmt: skip
        finally:
            if forked is not None:  # (done with by the checking, unless it failed first)
                forked.close()
        stamps, found, diagnostics = gathered.stamps, gathered.summaries, gathered.diagnostics
        if known is not None:  # unchanged: the summaries are wanted, the checks ran already
            # (≈ 1.6 s of cross-file checks at 305,061 files, for every query of the day)
            digest = prior["digest"] if isinstance(prior, dict) else None
            answered = Validation(root, known, found, len(stamps), checked + gathered.checked,
                                  gathered.blobs, digest)  # fmt: skip
            return _selected(answered, only, selection)
        broken = {d.file for d in diagnostics if d.severity is Severity.ERROR}
        # (half of the rules on the other core: the workers are done with it)
        findings, span, days = full_checks(found, today, broken, store is not None, aside)
        # (let go of the manifest's hold on `gathered`: a cycle, which the collector, off for
        # the run, would never free: the keeper of the cache, forked after the output, held
        # 50 MB more at 100,000 tasks)
        if gathered.manifest is not None:
            gathered.manifest()
            gathered.manifest = None
        cross = []
        if findings:  # (positions are looked for only then)
            from .onefile import locate_cross

            cross = locate_cross(root, findings)
    diagnostics += [d for d, _ in cross]
    diagnostics.sort(key=Diagnostic.sort_key)
    digest = None
    if store is not None:
        digest = gathered.digest or stamps_digest(stamps)
        _remember_result(store, digest, span, diagnostics, gathered.started_ns, prior,
                         mark if gathered.written_ns >= (started or 0) else None)  # fmt: skip
        from ..checks.account import account
        from .incremental import STATE_LOCK, keep_state, stamp_columns

        shards = gathered.shard_of
        numbers = array("i", [i // CHUNK for i in range(len(stamps))] if shards is None
                        else [shards.get(f, -1) for f in stamps])  # (path order) # fmt: skip
        written, begun = gathered.written_ns, gathered.started_ns
        held, held_stamps = [found], [stamps]

        def keep() -> None:  # (0.7 s at 305,061 files: after the output, from the CLI)
            give_way(store)
            with keeping(store, STATE_LOCK):
                remember_names(store, held[0])  # (shell completion's: 7 ms at 10,000 tasks)
                # What it holds it lets go as soon as it is done with it: after a run that
                # gave the caller no summaries, nothing else holds them, and the memory
                # they took holds what follows (at 100,000 tasks the keeper peaked at
                # 432 MB, with the stamps' dict (58 MB) and the summaries held to the end).
                files, flat = stamp_columns(held_stamps.pop())
                state = account(held.pop(), days)
                keep_state(store, digest, (written, begun), files, flat, numbers, state)

        # (a query started right after reads the shards first: before the command's memory
        # is let go of, and before the account)
        soon(functools.partial(give_way, store, first=True), first=True)
        soon_holding(store, STATE_LOCK, keep)  # (taken now: the next `validate` waits for it)
    about_ids = {d for d, about in cross if not selection.ids.isdisjoint(about)}
    result = Validation(root, diagnostics, found if summaries else [], len(stamps),
                        gathered.checked, gathered.blobs, digest)  # fmt: skip
    return _selected(result, only, selection, about_ids)


def stored(root: Path, seen: dict[str, Stamp] | Seen, today: date | None = None,
           cache_dir: Path | None = None, kept: Any = MISSING
           ) -> tuple[list[Diagnostic], bytes] | None:  # fmt: skip
    """The diagnostics and digest of the last run kept in the cache, if no file has changed
    since (`seen`: a walk of them now) and `today` is in the span of days they hold for;
    `kept`: that run's result as :func:`last_result` read it (read here when not given)."""
    prior = last_result(root, cache_dir) if kept is MISSING else kept
    known = _known_result(prior, seen, today or date.today())
    return (known, prior["digest"]) if known is not None and prior is not None else None


@dataclass(slots=True)
class Whole:
    """The last run's validation read whole from the cache (:func:`read_whole`), not yet
    known to hold for the files now: :meth:`holds` tells, given a walk of them."""

    validation: Validation
    cached: Cached  # the shards read (a validation of changed files takes them, unread again)
    _kept: dict[str, Any]  # the digest and the time to compare a walk with

    def holds(self, seen: dict[str, Stamp] | Seen) -> bool:
        """Whether no file has changed since (the same stamps, none racy)."""
        return unchanged(seen, self._kept)


def read_whole(root: Path, today: date | None = None, cache_dir: Path | None = None
               ) -> Whole | None:  # fmt: skip
    """The validation the last run kept (with the summaries and values of every file), read
    while a walk in another process tells whether the files changed since: the shards are
    taken as they are, their entries not compared one by one with a map of every stamp,
    since the manifest names the digest of the stamps they hold.  None when there is no
    such run (or `today` is out of the span of days its result holds for)."""
    store = Store.for_root(_cache_dir(cache_dir), root)
    last = last_whole(store, today)
    if last is None:
        return None
    prior, _ = last
    with gc_paused():
        cached = cached_entries(store)
        if not cached.entries:
            return None
        gathered = _Gathered(checked=0, want_diagnostics=False)  # (the result's are taken)
        for file in sorted(cached.entries):
            stamp, wire = cached.entries[file]
            gathered.add(file, tuple(stamp), wire)
        known = [Diagnostic.from_wire(d) for d in prior["diagnostics"]]
    found = Validation(root, known, gathered.summaries, len(gathered.stamps), 0, gathered.blobs,
                       prior["digest"])  # fmt: skip
    return Whole(found, cached, whole_times(prior, cached.written_ns, cached.started_ns))


def last_whole(store: Store, today: date | None = None
               ) -> tuple[dict[str, Any], dict[str, Any]] | None:  # fmt: skip
    """The last run's result and the manifest of its shards, when they are of the same
    files and `today` is in the span of days the result holds for (else None)."""
    prior, manifest = store.read(RESULT), store.read(FILES)
    if not isinstance(prior, dict) or not isinstance(manifest, dict):
        return None
    day = (today or date.today()).isoformat()
    if manifest.get("digest") != prior.get("digest") or not _in_span(prior.get("days"), day):
        return None
    return prior, manifest


def whole_times(prior: dict[str, Any], written_ns: int, started_ns: int | None
                ) -> dict[str, Any]:  # fmt: skip
    """What a walk is compared with (cache.unchanged) to vouch for the last run's result
    `prior` and the shards written at `written_ns` by a run begun at `started_ns`."""
    began = prior.get("started_ns")
    started = (min(started_ns, began)
               if started_ns is not None and isinstance(began, int) else None)  # fmt: skip
    return {"digest": prior["digest"], **times(min(written_ns, prior["written_ns"]), started)}


def last_result(root: Path, cache_dir: Path | None = None) -> dict[str, Any] | None:
    """The result the last run kept in the cache, as stored (for :func:`last_run` and
    :func:`stored`: read once when a query asks both)."""
    prior = Store.for_root(_cache_dir(cache_dir), root).read(RESULT)
    return prior if isinstance(prior, dict) else None


def last_run(kept: dict[str, Any] | None) -> tuple[bytes, int] | None:
    """The digest of the files the last run saw, and when it kept its result (`kept`, as
    :func:`last_result` read it)."""
    if kept is None or not isinstance(kept.get("digest"), bytes):
        return None
    return kept["digest"], kept.get("written_ns", 0)


def in_path_order(stamps: dict[str, Stamp]) -> dict[str, Stamp]:
    """`stamps` in path order: itself when it is already (a walk's: a check of the order
    costs a tenth of sorting the items again, 0.07 s at 305,061 files)."""
    paths = list(stamps)
    order = sorted(paths)
    return stamps if order == paths else {path: stamps[path] for path in order}


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


def _known_result(cached: Any, stamps: dict[str, Stamp] | Seen | None, today: date) -> Any:
    """The last run's diagnostics if no file has changed since (`stamps`: the files now;
    None: known unchanged) and `today` is in the span of days they hold for
    (checks.crossfile.cross_checks), else None."""
    if not isinstance(cached, dict) or not _in_span(cached.get("days"), today.isoformat()):
        return None
    if stamps is not None and not unchanged(stamps, cached):
        return None
    return [Diagnostic.from_wire(d) for d in cached["diagnostics"]]


def _in_span(span: Any, day: str) -> bool:
    if not isinstance(span, tuple) or len(span) != 2:
        return False
    first, end = span
    return (first is None or first <= day) and (end is None or day < end)


#: the stored result's holiday calendars (:func:`_remember_result`)
HOLIDAYS = "holidays"
#: the stored result's load.since.moment, taken as its run began
CLOCK = "clock"


def _changed_since(root: Path, store: Store, prior: Any, now: Moment | None, jobs: int | None
                   ) -> Since | None:  # fmt: skip
    """What changed since the run of the stored result `prior` began, where a walk can tell
    without every file's stamp (load.since; `now`: this run's moment); None where it
    cannot, or when it reports no change but another count of files than `prior`'s (then
    the full walk tells)."""
    if not isinstance(prior, dict) or not isinstance(prior.get("digest"), bytes):
        return None
    then = prior.get(CLOCK)
    if not trusted(root, store.folder, then, now):
        return None
    found = changed_since(root, then[0], jobs)  # type: ignore[index]
    if found is not None and not found.files and not found.whole:
        return found if found.count == digest_count(prior["digest"]) else None
    return found


def _remember_result(store: Store, digest: bytes, span: tuple[str | None, str | None],
                     diagnostics: list[Diagnostic], started: int | None,
                     prior: Any = None, mark: Moment | None = None) -> None:  # fmt: skip
    """The run's diagnostics, for these stamps and the days [first, end) of `span`: a new
    day within it is answered without a check (only one rule reads the day).  `started`:
    when the run began reading the files the diagnostics are of (cache.racy_bounds);
    `mark`: the clock's then (load.since: the next run's walk reports what changed since).

    With them, the holiday calendars of the years the rules counted working days in (and
    those `prior`, the result before, held): dates.workdays.years_to_keep."""
    from ..dates.workdays import years_to_keep

    before = prior.get(HOLIDAYS) if isinstance(prior, dict) else None
    clock = {CLOCK: mark} if mark is not None else {}
    store.write(RESULT, {**times(now_ns(), started), "days": span, "digest": digest,
                         "diagnostics": [d.to_wire() for d in diagnostics],
                         HOLIDAYS: years_to_keep(before), **clock})  # fmt: skip


@dataclass(slots=True)
class _Gathered:
    """Every file's own result, in path order."""

    stamps: dict[str, Stamp] = field(default_factory=dict)
    summaries: list[AnySummary] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    blobs: dict[str, bytes] = field(default_factory=dict)
    checked: int = 0
    #: each file's shard (shards.shard_name; None: the n-th file in the n // CHUNK-th), and
    #: when the shards' manifest was written
    shard_of: dict[str, int] | None = field(default_factory=dict)
    written_ns: int = 0
    started_ns: int | None = None  # when the run that wrote the manifest began
    #: the digest of `stamps`, when the manifest was written with it
    digest: bytes | None = None
    want_blobs: bool = True
    #: False: each file's diagnostics are not decoded (the caller has the whole run's)
    want_diagnostics: bool = True
    #: what writes the shards' manifest, when left to the caller (after the rules)
    manifest: Callable[[], None] | None = None
    summary: Callable[[tuple[Any, ...], bool], AnySummary] = field(init=False)

    def __post_init__(self) -> None:
        from ..checks.index import summary_from_wire  # (an unchanged root needs none of it)

        self.summary = summary_from_wire

    def add(self, file: str, stamp: Stamp, wire: tuple[Any, ...]) -> None:
        self.stamps[file] = stamp
        _, diagnostics, summary, blob = wire
        if diagnostics and self.want_diagnostics:
            self.diagnostics.extend(Diagnostic.from_wire(d) for d in diagnostics)
        if summary is not None:
            self.summaries.append(self.summary(summary, self.want_blobs))
        if blob is not None and self.want_blobs:
            self.blobs[file] = blob


def _file_results(
    root: Path,
    stamps: dict[str, Stamp],
    store: Store | None,
    jobs: int | None,
    progress: OnProgress | None,
    want_blobs: bool = True,
    fresh: bool = False,
    read: Cached | None = None,
    started: int | None = None,
    ready: Forked | None = None,
    rules: bool = False,
) -> _Gathered:
    """Each file's own result: from the cache where it may be trusted, else checked now
    (`fresh`: the shards were written by this run, from what it read: no racy window;
    `rules`: the rules across files will run on them next: the shards' manifest is then left
    to the caller, to write after them, while its digest is made on the other core).

    The cache holds each chunk of files' full results in a shard, named in a manifest.  On
    a run with no usable cache the workers write the shards themselves and send the main
    process only what it reads (value blobs only when asked for): it has the two cores to
    share with them.
    """
    if UNKNOWN in stamps.values():
        cached = Cached()
    else:
        cached = read if read is not None else cached_entries(store)
    entries = cached.entries
    fine, coarse = racy_bounds({"written_ns": cached.written_ns, "started_ns": cached.started_ns})
    found = {}  # the racy-clean rule of cache.py, for every file of a partly changed root
    for f, stamp in stamps.items() if entries else ():
        entry = entries.get(f)
        if (
            entry is not None
            and entry[0] == stamp
            and (fresh or stamp[1] < coarse or (stamp[1] < fine and stamp[1] % 1_000_000))
        ):  # (cache.is_racy, written out: a call per file is 0.05 s at 305,061 files)
            found[f] = entry
    todo = [f for f in stamps if f not in found] if found else list(stamps)
    unread = {f: stamps[f] for f in todo if stamps[f][0] <= NOT_READ}
    gathered = _Gathered(checked=len(todo), want_blobs=want_blobs)
    for f, (stamp, wire) in found.items():
        gathered.add(f, tuple(stamp), wire)
    partial = len(todo) < len(stamps)
    shards = store if store is not None and not partial else None  # workers write them
    for chunk in check_files(root, todo, jobs, progress, shards, want_blobs or partial,
                              unread, ready):  # fmt: skip
        for stamp, wire in chunk:
            if partial:  # kept to store everything anew below
                found[wire[0]] = (stamp, wire)
            gathered.add(wire[0], tuple(stamp), wire)
    if partial and todo:  # in path order, as `stamps` (the cached ones came first): the
        # account of the rules across files and the snapshot's files are searched by bisection
        gathered.stamps = {f: gathered.stamps[f] for f in stamps}
    if store is not None and (todo or entries.keys() != stamps.keys()):
        from .incremental import later_start  # (files saved at once before the run)

        if partial:  # some came from the cache: rewrite only the shards that changed
            started = later_start(root, ((f, found[f][0]) for f in todo),
                                  lambda f: found[f][1], started)  # fmt: skip
            shard_of: dict[str, int] = {}
            gathered.shard_of = shard_of
            names = update_shards(store, cached.shards, found, stamps, set(todo), shard_of)
        else:  # the workers wrote them all
            names = [shard_name(n) for n in range(-(-len(todo) // CHUNK))]
            gathered.shard_of = None  # (todo is every file: the n-th is in chunk n // CHUNK)
            started = later_start(root, gathered.stamps.items(), _shard_wires(store, todo),
                                  started)  # fmt: skip
        gathered.started_ns = started
        digest: Callable[[], bytes] = functools.partial(stamps_digest, gathered.stamps)
        if rules and len(gathered.stamps) >= DIGEST_ASIDE_FROM:
            digest = aside(digest)  # (0.13 s at 305,061 files, on the other core)
        manifest = functools.partial(_keep_manifest, store, gathered, names, digest)
        if rules:  # the caller keeps it once the rules have run
            gathered.manifest = manifest
        else:
            manifest()
    else:
        gathered.shard_of = cached.shard_of()
        gathered.written_ns, gathered.started_ns = cached.written_ns, cached.started_ns
    gathered.summaries.sort(key=_by_file)  # path order: the first holder of an id is stable
    return gathered


#: from this many files, a cold run's stamps are summed up (their digest) on the other core
#: while this one runs the rules across files
DIGEST_ASIDE_FROM = 20_000


def _keep_manifest(store: Store, gathered: _Gathered, names: list[str],
                   digest: Callable[[], bytes]) -> None:  # fmt: skip
    """Write the shards' manifest (FILES), with the digest of the stamps, and remove what
    it no longer names."""
    gathered.written_ns, gathered.digest = now_ns(), digest()
    store.write(FILES, {**times(gathered.written_ns, gathered.started_ns), "shards": names,
                        "digest": gathered.digest})  # fmt: skip
    store.remove_except([FILES, RESULT, *names], prefix=f"{FILES}.")
    store.remove_except([piece_name(name) for name in names], prefix=f"{VIEW}.")


def _shard_wires(store: Store, todo: list[str]) -> Callable[[str], tuple[Any, ...] | None]:
    """The wire result of a file as the worker that checked it stored it, in the shard of
    its chunk of `todo` (every file, in order: the n-th in shard n // CHUNK); None if not
    found.  Each shard is read once, and where each file is is found once."""
    shard_of: dict[str, int] = {}
    read: dict[int, Any] = {}

    def wire_of(file: str) -> tuple[Any, ...] | None:
        if not shard_of:
            shard_of.update((f, i // CHUNK) for i, f in enumerate(todo))
        n = shard_of[file]
        if n not in read:
            read[n] = store.read(shard_name(n))
        shard = read[n]
        found = [wire for _, wire in shard if wire[0] == file] if isinstance(shard, list) else []
        return tuple(found[0]) if found else None

    return wire_of


def _by_file(summary: AnySummary) -> str:
    return summary.file
