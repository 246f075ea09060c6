"""A records root loaded for queries: typed records from every file without errors, and
the answers of queries over it, stored while no record file changes (:func:`answer`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import model
from .dates.workdays import WorkCalendar
from .diagnostics import Diagnostic, Severity
from .load.files import Seen, Stamp
from .snapshot import keeping
from .state import Horizon, State, TaskState, task_states
from .validation.answers import Answers
from .validation.cache import MISSING, Store, cache_home, sharing, soon
from .validation.gcpause import gc_paused
from .validation.walking import Walking

if TYPE_CHECKING:  # (imported where used: a query over the snapshot needs none of them)
    from array import array

    from .snapshot.patch import Files, Patched
    from .snapshot.store import Located
    from .snapshot.where import Where
    from .validation.pipeline import Validation

#: one report item on a task as `show` lists it: (ISO date, report id, agency, period,
#: status, progress)
ReportRow = tuple[str, str, str, "str | None", str, "float | None"]


@dataclass(slots=True)
class Repository:
    """Typed records of a root.  From a validation (:func:`load`), or from the snapshot kept
    for the same files (:func:`answer` with `light`): then there is no validation and the
    records hold no reports, only each task's report items (model.Records.report_entries)."""

    root: Path
    records: model.Records
    checked: Validation | None
    #: a snapshot's: the files left out for errors, the digest of the files' stamps, and
    #: where each record is (when asked for: `show`)
    left_out: list[str] | None = None
    digest: bytes | None = None
    where: Where | None = None
    written_ns: int = 0
    #: the records were vouched for by the cache just now (a snapshot that served, a
    #: validation read whole that held): not read in this run, so not read in the racy
    #: window either (what cdsctl.site.inputs_key needs to stand for the files' content)
    settled: bool = False

    @property
    def validation(self) -> Validation:
        """The validation the records come from (a snapshot's repository has none: a
        `light` computation must not ask)."""
        if self.checked is None:
            raise RuntimeError("a repository from a snapshot has no validation")
        return self.checked

    @property
    def skipped(self) -> list[str]:
        """Files left out of queries because they have errors."""
        if self.left_out is not None:
            return self.left_out
        return sorted({d.file for d in self.validation.errors})

    def locate(self, record_id: str) -> tuple[str, str] | None:
        """(kind, file) of the record with this id (the first in path order), or None."""
        if self.where is not None:
            return self.where.ids.get(record_id)
        found = next((s for s in self.validation.summaries if s.id == record_id), None)
        return (found.kind, found.file) if found is not None else None

    def located(self) -> dict[str, tuple[str, str]]:
        """(kind, file) of every record by id (the first in path order): where a snapshot's
        repository says, else from the validation (a dict built now: for many lookups;
        :meth:`locate` answers one)."""
        if self.where is not None:
            return self.where.ids
        found: dict[str, tuple[str, str]] = {}
        for summary in self.validation.summaries:
            if summary.id is not None:
                found.setdefault(summary.id, (summary.kind, summary.file))
        return found

    def errors_in(self, file: str) -> int:
        """How many errors the file has (it is left out of queries when it has any)."""
        if self.where is not None:
            return self.where.errors.get(file, 0)
        return sum(d.file == file for d in self.validation.errors)

    def reports_on(self, task_id: str) -> list[ReportRow]:
        """Every report item on the task, in date order then report id, whatever the date:
        (ISO date, report id, agency, period, status, progress)."""
        entries = self.records.report_entries
        if entries is not None and self.where is not None:
            agencies = self.where.report_agencies
            return [(day, rid, agencies.get(rid, ""), period, status, progress)
                    for day, rid, status, progress, period in entries.get(task_id, ())]  # fmt: skip
        reports = sorted(self.records.reports.values(), key=lambda r: (r.date, r.id))
        return [(r.date.isoformat(), r.id, r.agency, r.period, item.status, item.progress)
                for r in reports for item in r.tasks if item.task == task_id]  # fmt: skip

    def calendar(self) -> WorkCalendar:
        """Vietnamese working days, with the repository's calendar.yaml on top."""
        own = self.records.calendar
        return WorkCalendar(own.days_off, own.working_days)

    def states(self, as_of: date, only: Collection[str] | None = None, horizon: Horizon |
               None = None, coming: bool = False, kinds: Collection[State] | None = None
               ) -> list[TaskState]:  # fmt: skip
        """Every task (or those in `only`) and recurring instance as of `as_of`, with its
        state (spec §4); `horizon`, `coming`: the instances still to come; `kinds`: only
        those in these states (task_states)."""
        with gc_paused():
            return task_states(self.records, as_of, self.calendar(), only, horizon, coming, kinds)


def load(
    root: Path,
    *,
    cache_dir: Path | bool | None = None,
    today: date | None = None,
    stamps: dict[str, Stamp] | None = None,
    walking: Walking | None = None,
) -> Repository:
    """Validate `root` (cached) and build typed records from every file without errors.

    `stamps`: a walk of `root` made just before, if the caller has one (see validate);
    `walking`: one under way, the cache read and the records built meanwhile, used if no
    file changed since the last run (validation.pipeline.read_whole: 1.4 s less and more
    at 305,061 files).
    """
    from .validation.pipeline import read_whole, validate

    whole = repo = None
    if walking is not None and cache_dir is None and stamps is None:
        whole = read_whole(root, today)
    if whole is not None and walking is not None:
        if not walking.done():  # the records built while the walk runs, used if it vouches
            repo = from_validation(root, whole.validation)
        if whole.holds(walking()):
            validation = whole.validation
            repo = repo or from_validation(root, validation)
            repo.settled = True
        else:
            repo = None
    if repo is None:  # (changed: the shards just read are handed on, the files walked with stat)
        stamps = walking.stamps() if walking is not None else stamps
        began = walking.stamps_ns if walking is not None else None
        validation = validate(root, cache_dir=cache_dir, today=today, stamps=stamps,
                              cached=whole.cached if whole is not None else None,
                              since_ns=began)  # fmt: skip
        repo = from_validation(root, validation)
    if validation.digest is not None:  # a cache: keep the query view for later dates
        store = _store(root, cache_dir)
        located = functools.partial(_where, validation)  # (only if the snapshot is new)
        files = functools.partial(_made_of, store, validation, stamps)
        records, skipped, digest = repo.records, repo.skipped, validation.digest
        keeping.later(store, lambda: keeping.keep(root, store, records, skipped, digest, located,
                                                 files, walking))  # fmt: skip
    return repo


def _made_of(store: Store, validation: Validation, stamps: dict[str, Stamp] | None) -> Files | None:
    """The files a validation's records were made of (their stamps from the account of
    the rules across files kept for them, or the walk given to it), and what each holds."""
    from .load.files import Seen, seen_in
    from .snapshot.patch import Files, stamps_of
    from .validation.incremental import kept_files

    assert validation.digest is not None
    found = kept_files(store, Seen(validation.digest, 0))
    if found is None and stamps and seen_in(stamps).digest == validation.digest:
        found = stamps_of(stamps)
    if found is None:
        return None
    owners = {s.file: (s.kind, s.id) for s in validation.summaries}
    return Files.of(*found, owners, error_counts(validation.diagnostics))


def _where(validation: Validation) -> Located:
    """Each record's (kind, file) by id (the first in path order), each file's errors,
    and the records without an id."""
    ids: dict[str, tuple[str, str]] = {}
    whole = []
    for summary in validation.summaries:
        if summary.id is None:
            whole.append((summary.kind, summary.file))
        elif summary.id not in ids:
            ids[summary.id] = (summary.kind, summary.file)
    return ids, error_counts(validation.diagnostics), whole


def error_counts(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    """How many errors each file with errors has (it is left out of queries)."""
    errors: dict[str, int] = {}
    for d in diagnostics:
        if d.severity is Severity.ERROR:
            errors[d.file] = errors.get(d.file, 0) + 1
    return errors


def from_validation(root: Path, validation: Validation) -> Repository:
    """Typed records from every file of `validation` without errors."""
    records = model.Records()
    with gc_paused():  # a typed record per file: many objects, no cycles
        for summary, values in validation.usable():
            records.add(summary.kind, summary.id, summary.file, values)
        records.use_agency_ids()
    validation.blobs = {}  # decoded once: the typed records hold the values now
    return Repository(root, records, validation)


@dataclass(frozen=True, slots=True)
class Answer:
    """A query's answer, and how many files with errors were left out of it."""

    value: Any
    skipped: int


def answer(
    root: Path,
    key: str,
    compute: Callable[[Repository], Any],
    *,
    cache: bool = True,
    loaded: Callable[[Repository], None] | None = None,
    light: bool = False,
    text: bool = False,
) -> Answer:
    """`compute(the repository of root)`, or the answer stored under `key` when no record
    file has changed since it was computed (:class:`cdsctl.validation.answers.Answers`).

    `key` names the question whole: the command, the as-of date and every option that
    changes the answer; `compute`'s result must be made of builtins (it is stored with
    marshal).  `cache=False` neither reads nor stores answers, nor the validation cache.
    `loaded` is called with the repository when one is loaded (a CLI keeps it alive).
    `light`: `compute` reads only what a snapshot holds (:mod:`cdsctl.snapshot`: no
    `validation`, no reports but through task states; descriptions only with `text`), so
    the snapshot of unchanged files may serve instead of a validation.
    """
    if not cache:
        uncached = load(root, cache_dir=False)
        if loaded is not None:
            loaded(uncached)
        return Answer(compute(uncached), len(uncached.skipped))
    # the walk, beside reading the cache: only a digest (a map of every stamp is made only
    # when a validation wants one after all)
    from .validation.workers import walk_children

    answers = Answers(root)
    walking = Walking(root, shares=walk_children(waiting=answers.holds(key)))
    found = answers.find(key, walking)
    if found is not MISSING:
        return Answer(found["value"], found["skipped"])

    def served(early: _Early | None) -> Answer | None:
        """The answer computed from `early`'s records while the walk runs, kept once the
        walk vouches for them (a validation's records: 0.3 s sooner at 305,061 files)."""
        value = _computed(early.repo, compute, loaded, early.vouch) if early else None
        if early is None or early.repo is None or value is None:
            return None
        assert early.repo.digest is not None
        _save(answers, key, value, early.repo.digest, walking)
        return Answer(value["value"], value["skipped"])

    if light and (done := served(_made_beside(root, walking, text=text))) is not None:
        return done
    if light:  # computed from the snapshot while the walk runs, if vouched
        from .snapshot.store import serves
        from .validation.pipeline import last_result

        snapshot = _from_snapshot(root, None, text)
        result = last_result(root) if snapshot is not None else None  # (read once, for all)
        if snapshot is not None and _changed_since(result, snapshot):
            early = _patched_early(root, snapshot, walking, text, result)
            if early is not None:  # an edit and a `validate` since: patched while walking
                if (done := served(early)) is not None:
                    return done
                early = snapshot = None  # (its records were changed: let go of, read again)
                snapshot = _from_snapshot(root, None, text)
        if snapshot is not None:
            stale = _changed_since(result, snapshot) or (
                walking.done() and not serves(snapshot.digest, snapshot.written_ns, walking())
            )
            try:
                if not stale:
                    if loaded is not None:
                        loaded(snapshot)
                    value = {"value": compute(snapshot), "skipped": len(snapshot.skipped)}
            except Exception:  # (an unknown --agency, say: an error only if it is current)
                if serves(snapshot.digest, snapshot.written_ns, walking()):
                    raise
            else:
                if not stale and serves(snapshot.digest, snapshot.written_ns, walking()):
                    assert snapshot.digest is not None
                    _save(answers, key, value, snapshot.digest, walking)
                    return Answer(value["value"], value["skipped"])
            patched = _patched(root, snapshot, walking, text, result)
            if patched is not None:
                if loaded is not None:
                    loaded(patched)
                value = {"value": compute(patched), "skipped": len(patched.skipped)}
                assert patched.digest is not None
                _save(answers, key, value, patched.digest, walking)
                return Answer(value["value"], value["skipped"])
    if light and (done := served(_made_early(root, walking, text=text))) is not None:
        return done
    repo = _validated(root, walking, text=text) if light else load(root, walking=walking)
    if loaded is not None:
        loaded(repo)
    value = {"value": compute(repo), "skipped": len(repo.skipped)}
    digest = repo.checked.digest if repo.checked is not None else repo.digest
    if digest is not None:
        _save(answers, key, value, digest, walking)
    return Answer(value["value"], value["skipped"])


def _computed(repo: Repository | None, compute: Callable[[Repository], Any],
              loaded: Callable[[Repository], None] | None,
              vouch: Callable[[], bool]) -> dict[str, Any] | None:  # fmt: skip
    """`compute(repo)` as an answer, when `vouch()` (asked after it) holds; an exception
    raised by `compute` is raised only then (an unknown --agency, say: an error only if the
    records are current).  `loaded` is given them only then: others are let go of."""
    if repo is None:
        return None
    try:
        value = {"value": compute(repo), "skipped": len(repo.skipped)}
    except Exception:
        if vouch():
            raise
        return None
    if not vouch():
        return None
    if loaded is not None:
        loaded(repo)
    return value


def _save(answers: Answers, key: str, value: dict[str, Any], digest: bytes,
          walking: Walking) -> None:  # fmt: skip
    """Keep the answer after the output (0.1-0.2 s at 100,000 tasks: marshalled, written),
    its racy window counted from when the walk that vouched for its records began."""
    soon(lambda: answers.save(key, value, digest, walking.began_ns), first=True)


def light(root: Path, *, where: bool = False, text: bool = False,
          walking: Walking | None = None) -> Repository:  # fmt: skip
    """The repository of `root` from the snapshot of its files when one is kept for them
    (records as :func:`answer`'s `light` computations see them; `where`: with where each
    record is, for `show`; `text`: with the tasks' descriptions), else loaded (:func:`load`).
    `walking`: a walk of the files begun already."""
    from .snapshot import store as snapshots
    from .validation.pipeline import last_result

    if walking is None:
        walking = Walking(root)  # (a child, while the snapshot is read here)
    if (beside := _made_beside(root, walking, where, text)) is not None and beside.vouch():
        assert beside.repo is not None
        return beside.repo
    found = _from_snapshot(root, None, text, where)
    result = last_result(root) if found is not None else None
    if found is not None and _changed_since(result, found):
        early = _patched_early(root, found, walking, text, result)
        if early is not None and early.repo is not None and early.vouch():
            return early.repo
        if early is not None:
            found = _from_snapshot(root, None, text, where)  # (its records were changed)
    if found is not None and not snapshots.serves(found.digest, found.written_ns, walking()):
        found = _patched(root, found, walking, text, result)
    elif found is not None:
        found.settled = True
    if found is None:
        return _from_shards(root, walking, where, text) or _validated(root, walking, where, text)
    if where and found.where is not None and found.digest is not None:
        from .snapshot import where as index

        store, located, records, digest = _store(root), found.where, found.records, found.digest
        if not index.current(store, digest):  # kept for the next `show`
            soon(lambda: keeping.keep_index(root, store, located, records, digest, walking))
    return found


def _from_shards(root: Path, walking: Walking, where: bool = False, text: bool = False,
                 keep: bool = True) -> Repository | None:  # fmt: skip
    """The records of the last validation as a snapshot holds them, made from its shards
    one at a time (snapshot.fromshards), when the walk vouches that the files are still
    those (`where`, `text`: as :func:`light`); their snapshot and where each one is are
    kept after the output (`keep`).  None when there is no such validation."""
    early = _made_early(root, walking, where, text, keep)
    return early.repo if early is not None and early.vouch() else None


def _made_early(root: Path, walking: Walking, where: bool = False, text: bool = False,
                keep: bool = True) -> _Early | None:  # fmt: skip
    """The records :func:`_from_shards` gives, before the walk tells whether the files are
    still those: `vouch()` asks it, then has them kept (`keep`).  None when there is no such
    validation, or the walk, done meanwhile, tells already that files changed."""
    from .snapshot import fromshards, keeper
    from .validation.shards import READING

    store = _store(root)
    with sharing(store, READING) as hold_on:  # (the work a validation left behind waits)
        found = fromshards.made(store, walking, walking.done, lean=not (where or text))
        if found is not None:  # (and waits for the answer made of them)
            hold_on()
    if found is None or (walking.done() and not found.holds(walking())):
        return None
    made = found
    repo = Repository(root, made.records, None, made.skipped, made.digest,
                      made.where() if where else None)  # fmt: skip

    def vouch() -> bool:
        if not made.holds(walking()):
            return False
        repo.settled = True
        if keep:  # (by a program of its own, from the shards: cdsctl.snapshot.keeper)
            keeper.later(root, store)
        return True

    return _Early(repo, vouch)


def _validated(root: Path, walking: Walking, where: bool = False,
               text: bool = False) -> Repository:  # fmt: skip
    """The records of `root` with no validation of its files for today (a first run, a new
    cdsctl, files changed without `validate`): validated in a child process, as `cdsctl
    validate` does, then made from the shards that keeps, as after `validate` (at 100,000
    tasks a query held the validation and the records made from it at once: 1.1 GB)."""
    from .validation.pipeline import validate
    from .validation.workers import apart

    if not apart(functools.partial(validate, root, summaries=False)):
        validate(root, summaries=False)
    return _from_shards(root, walking, where, text) or load(root, walking=walking)


def _made_beside(root: Path, walking: Walking, where: bool = False,
                 text: bool = False) -> _Early | None:  # fmt: skip
    """The records made from the last validation's shards, as :func:`_made_early`, when
    another process is keeping the snapshot it makes of them (store.from_shards): made here
    too, not waited for (the second query after `validate`, at 100,000 tasks: 8.4 s, as
    long as the first and the keeping together, against 3.5 s)."""
    from .snapshot import store as snapshots

    if not snapshots.from_shards(_store(root)):
        return None
    return _made_early(root, walking, where, text, keep=False)


def one(root: Path, record_id: str) -> Repository | None:
    """What `show` needs of one record, from its own files, without a walk (None when the
    index kept with the snapshot cannot vouch: cdsctl.snapshot.single)."""
    from .snapshot import single

    found = single.found(root, record_id)
    if found is None:
        return None
    records, skipped, where = found
    return Repository(root, records, None, skipped, None, where)


def _store(root: Path, cache_dir: Path | bool | None = None) -> Store:
    return Store.for_root(cache_dir if isinstance(cache_dir, Path) else cache_home(), root)


def _from_snapshot(root: Path, stamps: Callable[[], dict[str, Stamp] | Seen] | None,
                   text: bool, where: bool = False) -> Repository | None:  # fmt: skip
    """The repository of the snapshot kept for the files `stamps()` gives (None: not
    checked here; the caller checks with snapshot.store.serves before it trusts it)."""
    from .snapshot import store as snapshots

    found = snapshots.load(_store(root), stamps, text, where)
    if found is None:
        return None
    return Repository(root, found.records, None, found.skipped, found.digest, found.where,
                      found.written_ns)  # fmt: skip


def _changed_since(result: dict[str, Any] | None, snapshot: Repository) -> bool:
    """Whether a `validate` run after the snapshot was kept saw other files (an edit made
    since: the snapshot is patched, no answer computed from it first); `result`: what the
    last run kept (validation.pipeline.last_result)."""
    from .validation.pipeline import last_run

    run = last_run(result)
    return run is not None and run[0] != snapshot.digest and run[1] > snapshot.written_ns


def _patched(root: Path, stale: Repository, walking: Walking, text: bool,
             result: Any = MISSING, again: bool = True) -> Repository | None:  # fmt: skip
    """The repository of a snapshot kept for other stamps, made current by patching it
    (cdsctl.snapshot.patch: the files that changed read again); kept for the next query.
    `result`: what the last `validate` kept, if read already.  None when it cannot be.
    A snapshot read while a newer one is being written (the files it was made of gone) is
    waited for and used (`again`: once), rather than every record loaded (a build right
    after a build: 2 GB and 41 s)."""
    from .load.files import Seen
    from .snapshot import store as snapshots
    from .snapshot.patch import stamps_of
    from .validation.incremental import kept_files
    from .validation.pipeline import stored, validate

    store = _store(root)
    if stale.digest is None:
        return None
    known = stored(root, walking(), kept=result)
    files = kept_files(store, Seen(known[1], 0)) if known is not None else None
    if known is None or files is None:  # no `validate` since the change: one now, in part
        files = stamps_of(walking.stamps())
        stamps = dict(walking.stamps())
        validation = validate(root, stamps=stamps, summaries=False, since_ns=walking.stamps_ns)
        if validation.digest is None:
            return None
        known = validation.diagnostics, validation.digest
    old = snapshots.made_of(store, stale.digest, files[0])
    if old is None and again:
        snapshots.settled(store)  # (one being kept now: there in a moment)
        if store.read(snapshots.DIGEST) not in (None, stale.digest):
            fresh = _from_snapshot(root, None, text, stale.where is not None)
            if fresh is not None and snapshots.serves(fresh.digest, fresh.written_ns, walking()):
                return fresh
            if fresh is not None:
                return _patched(root, fresh, walking, text, again=False)  # (result: read anew)
    patched = _patch_for(root, stale, stale.digest, old, files, known) if old is not None else None
    if patched is None:
        return None
    done, repo = patched
    keeping.keep_patched(root, store, stale.digest, done, repo.where, walking, text)
    return repo


def _patch_for(root: Path, stale: Repository, was: bytes, old: Files,
               files: tuple[list[str], array[int]], known: tuple[list[Diagnostic], bytes]
               ) -> tuple[Patched, Repository] | None:  # fmt: skip
    """`stale` (made of the files `old`, their digest `was`) patched for the files `files`,
    which a validation saw as `known` says (its diagnostics and digest): None when it
    cannot be, or comes out of other files.  Its files are kept marshalled until the
    snapshot is kept after the output (Patched.let_go)."""
    from .snapshot.patch import patch
    from .validation import cache as kept_later

    done = patch(root, stale.records, old, was, stale.written_ns, files, error_counts(known[0]))
    if done is None or done.digest != known[1]:
        return None
    where = done.locate(stale.where) if stale.where is not None else None
    if kept_later.later is not None:
        done.let_go()
    return done, Repository(root, done.records, None, done.skipped, done.digest, where)


@dataclass(slots=True)
class _Early:
    """A snapshot patched for the files the last `validate` saw, before the walk tells
    whether they are still those (:func:`_patched_early`)."""

    repo: Repository | None  # None: it could not be patched (the snapshot is spoilt)
    vouch: Callable[[], bool]  # whether the walk finds those files: then it is kept


def _patched_early(root: Path, stale: Repository, walking: Walking, text: bool,
                   result: Any) -> _Early | None:  # fmt: skip
    """The snapshot `stale` patched for the files of the last `validate` (`result`), made
    while the walk runs: after an edit and a `validate`, the walk (1.2 s at 305,061 files)
    is the one thing to wait for.  None when nothing was done; `stale`'s records are
    changed otherwise, whatever the outcome (read it again to patch it another way)."""
    from .snapshot import store as snapshots
    from .validation.incremental import kept_files
    from .validation.pipeline import last_run, stored

    run, was = last_run(result), stale.digest
    if run is None or was is None:
        return None
    then = Seen(run[0], 0)  # (the files as that run saw them)
    store = _store(root)
    known = stored(root, then, kept=result)
    files = kept_files(store, then) if known is not None else None
    old = snapshots.made_of(store, was, files[0]) if files is not None else None
    if known is None or files is None or old is None:
        return None
    patched = _patch_for(root, stale, was, old, files, known)
    if patched is None:
        return _Early(None, lambda: False)
    done, repo = patched

    def vouch() -> bool:
        now = stored(root, walking(), kept=result)
        if now is None or now[1] != done.digest:
            return False
        keeping.keep_patched(root, store, was, done, repo.where, walking, text)
        return True

    return _Early(repo, vouch)
