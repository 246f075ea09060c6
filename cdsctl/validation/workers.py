"""Checking files in worker processes: chunks of files, the pool, and what a worker sends
back (marshalled wire tuples, or only "written" when it stored them in a cache shard); and
the child that walks a root beside a query (:func:`seen_in_child`).

Worker processes are tied to the process that started them.

A worker must never outlive the run: `kill -9` of a cold `validate` left its workers
checking files for minutes, holding the records and the cache open.  Each worker asks Linux
to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere, or when that call
is not available, a daemon thread in the worker checks once a second that its parent is
still the one it started with.  Workers ignore Ctrl-C: the main process stops the run and
says so, instead of every worker printing a traceback.
"""

from __future__ import annotations

import functools
import marshal
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..diagnostics import Diagnostic
from ..load.files import (
    Seen,
    Stamp,
    seen_of_parts,
    seen_of_shares,
    seen_part,
    walk_problem,
    walk_share,
)
from ..load.since import Since, since_share
from . import cache
from .cache import Store
from .gcpause import gc_paused
from .shards import CHUNK, shard_name

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

T = TypeVar("T")
#: below this many files to check, worker processes cost more than they save
PARALLEL_FROM = 400
OnProgress = Callable[[int, int], None]

#: more worker processes than this many per core only cost memory and start-up time
PER_CORE = 4
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
WATCH_SECONDS = 1.0


def worker_count(jobs: int | None, chunks: int) -> int:
    """How many workers to start: `jobs` (default: every core), at most PER_CORE a core
    and one per chunk of work, at least one (`--jobs 99999999999999999999` is capped)."""
    cores = os.cpu_count() or 1
    wanted = jobs if jobs is not None and jobs > 0 else cores
    return max(1, min(wanted, cores * PER_CORE, chunks))


def pool(workers: int) -> ProcessPoolExecutor:
    """A process pool whose workers exit when this process dies.  (multiprocessing and
    concurrent.futures are imported here: 9 ms a query, which walks with os.fork alone.)"""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = multiprocessing.get_start_method()
    return ProcessPoolExecutor(max_workers=workers, initializer=started,
                               initargs=(os.getpid(), method))  # fmt: skip


def started(main: int, method: str = "fork") -> None:
    """Run in each worker before any work: ignore Ctrl-C, die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    if not _killed_with_parent():
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    # Did `main` die before the line above? A worker it started itself (fork, spawn) is no
    # longer its child then (a dead process that is not yet reaped would still answer
    # os.kill); one a fork server started (Python 3.14's default) asks whether it runs.
    if os.getppid() != main if method != "forkserver" else not _alive(main):
        os._exit(1)


def _killed_with_parent() -> bool:
    """Ask the kernel for SIGKILL when the parent exits (Linux); False when not possible."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    """The portable fallback: leave as soon as the parent is another process."""
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


# -- checking chunks of files -----------------------------------------------------------------


class Ready(Protocol):
    """Workers started already (validation.forkpool.Forked)."""

    @property
    def running(self) -> bool: ...

    def map(self, jobs: list[tuple[Any, ...]]) -> Iterator[bytes]: ...

    def close(self) -> None: ...


def check_files(root: Path, todo: Sequence[str], jobs: int | None, progress: OnProgress | None,
                 shards: Store | None, blobs: bool, unread: dict[str, Stamp],
                 ready: Ready | None = None) -> Iterator[list[Any]]:  # fmt: skip
    """[(stamp, wire result)] per chunk of `todo`, in order, on all cores when there are many
    (`ready`: the workers, when they were started during the walk).

    With `shards`, chunk n's full results are written to the cache as shard n.  When this
    process wants them whole (`blobs`), it reads them from there and a worker sends only
    that it wrote them: through the pipe, a worker waited ~1.3 ms per chunk for this busy
    process to take its results (2% of a cold overdue run).  Without blobs, the smaller
    results without them come through the pipe (reading and checking whole shards cost
    more than that).
    """
    chunks = [list(todo[i : i + CHUNK]) for i in range(0, len(todo), CHUNK)]
    workers = worker_count(jobs, len(chunks))
    jobs_args = [(root, c, shards, shard_name(n), blobs, _unread(c, unread))
                 for n, c in enumerate(chunks)]  # fmt: skip
    if ready is not None and ready.running:
        if workers > 1 and len(todo) >= PARALLEL_FROM:
            yield from _counted(jobs_args, ready.map(jobs_args), shards, progress)
            return
        ready.close()
    if workers == 1 or len(todo) < PARALLEL_FROM:
        payloads: Iterable[bytes] = (check_chunk(*a) for a in jobs_args)
        yield from _counted(jobs_args, payloads, shards, progress)
        return
    from . import onefile  # noqa: F401  (imported before the fork, workers share it)

    with pool(workers) as running:
        payloads = running.map(check_chunk, *zip(*jobs_args, strict=True))
        yield from _counted(jobs_args, payloads, shards, progress)


def _unread(chunk: list[str], unread: dict[str, Stamp]) -> dict[str, Stamp] | None:
    """The entries of `chunk` the walk marked NOT_READ, if any."""
    return {f: unread[f] for f in chunk if f in unread} or None if unread else None


def _counted(jobs_args: list[tuple[Any, ...]], payloads: Iterable[bytes], shards: Store | None,
             progress: OnProgress | None) -> Iterator[list[Any]]:  # fmt: skip
    done, total = 0, sum(len(args[1]) for args in jobs_args)
    for n, (args, payload) in enumerate(zip(jobs_args, payloads, strict=True)):
        found = shards.read(shard_name(n)) if not payload and shards is not None else None
        if isinstance(found, list):
            yield found
        elif payload:
            yield marshal.loads(payload)
        else:  # the shard went missing since its worker wrote it: check the files again
            root, chunk, *_, unread = args
            yield marshal.loads(check_chunk(root, chunk, None, "", True, unread))
        done += len(args[1])
        if progress:
            progress(done, total)


def check_chunk(root: Path, relpaths: list[str], shards: Store | None, name: str,
                 blobs: bool, unread: dict[str, Stamp] | None = None) -> bytes:  # fmt: skip
    """The marshalled results of `relpaths`; empty when they are in the cache as `name`.

    `unread`: entries the walk marked NOT_READ (a FIFO, a link out of the root…): their
    diagnostic, without opening them."""
    from .onefile import check_file_wire

    with gc_paused():  # the loop allocates much and frees it all, never in cycles
        base = str(root)
        kept: dict[str, Any] | None = {} if shards is not None else None  # (tasks' values)
        if unread:
            results = [_not_read(base, f, unread[f]) if f in unread else
                       check_file_wire(base, f, kept) for f in relpaths]  # fmt: skip
        else:
            results = [check_file_wire(base, relpath, kept) for relpath in relpaths]
        written, whole = False, b""
        if shards is not None:
            whole = marshal.dumps(results)
            written = shards.write_marshalled(name, whole)
            if written:  # (what a query needs of the shard, before the snapshot is kept)
                from . import pieces

                pieces.write(shards, name, whole, results, kept or {})
        if not blobs:  # the main process does not read them: send it the rest
            return marshal.dumps([(stamp, (wire[0], wire[1], _lean(wire[2]), None))
                                  for stamp, wire in results])  # fmt: skip
        if written:
            return b""
        return whole or marshal.dumps(results)


def _lean(summary: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
    """A summary's wire as the main process of a validation reads it (a report's lean)."""
    if summary is None or summary[0] != "report":
        return summary
    from ..checks.index import lean_wire

    return lean_wire(summary)


def _not_read(root: str, relpath: str, stamp: Stamp) -> tuple[Stamp, tuple[Any, ...]]:
    """What a worker sends for an entry the walk marked NOT_READ: its one diagnostic."""
    code, message = walk_problem(root, relpath, stamp)
    return stamp, (relpath, [Diagnostic.make(relpath, 1, 1, code, message).to_wire()], None, None)


# -- a walk beside a query ---------------------------------------------------------------------


def seen_in_child(root: Path, shares: int = 1) -> list[tuple[int, int]] | None:
    """Forked children that walk `root`, each its share (load.files.seen_part), and write
    what they saw to a pipe: each one's (pid, the pipe's read end), or None without fork.
    A child touches nothing of the parent's: it writes some 40 bytes and leaves
    (os._exit), so a query reads the cache on another core meanwhile
    (cdsctl.repository.Walking)."""

    def walked(share: int) -> bytes:
        return marshal.dumps(seen_part(root, share, shares))

    children = [_in_child(functools.partial(walked, i)) for i in range(shares)]
    if None in children:
        for child in children:
            if child is not None:
                _read_child(child)
        return None
    return children  # type: ignore[return-value]


def walk_children(waiting: bool) -> int:
    """How many children walk beside a query (seen_in_child): one per core when the query
    only waits for them (an answer is stored: 305,061 files in 0.45 s on two cores, against
    0.9 s), else one core is left to the query, which reads the snapshot and computes
    meanwhile (two children and the query on two cores took 0.15 s longer than one child)."""
    cores = os.cpu_count() or 1
    return max(1, min(WALK_SHARES, cores - (0 if waiting else 1)))


#: shares of a walk with stat (walked_with_stat): at most this many processes
WALK_SHARES = 4


def walked_with_stat(root: Path, jobs: int | None = None, hash_before: int | None = None
                     ) -> tuple[dict[str, Stamp], Seen]:  # fmt: skip
    """Every file's stamp (unordered) and their :class:`~cdsctl.load.files.Seen`, the walk
    shared out among processes (load.files.walk_share): each share stats the files of its
    folders and hashes them, on its own core (at 305,061 files one process took 1.2 s to
    walk and 0.5 s to hash; two, 0.9 s).  `hash_before`: see walk_share."""
    shares = worker_count(jobs, WALK_SHARES) if hasattr(os, "fork") else 1
    share = functools.partial(walk_share, root, shares=shares, hash_before=hash_before)
    with gc_paused():
        return seen_of_shares(shared_out(shares, share))


def changed_since(root: Path, since_ns: int, jobs: int | None = None) -> Since | None:
    """What changed below `root` since `since_ns` (load.since), the walk shared out as
    :func:`walked_with_stat` shares it; None when a share found what needs the full walk."""
    shares = worker_count(jobs, WALK_SHARES) if hasattr(os, "fork") else 1
    share = functools.partial(_since_wire, root, since_ns, shares=shares)
    with gc_paused():
        parts = shared_out(shares, share)
    if any(part is None for part in parts):
        return None
    found = Since({}, [], 0)
    for files, whole, count in parts:
        found.files.update(files)
        found.whole += whole
        found.count += count
    return found


def _since_wire(root: Path, since_ns: int, share: int, shares: int
                ) -> tuple[dict[str, Stamp], list[str], int] | None:  # fmt: skip
    found = since_share(root, since_ns, share, shares)
    return None if found is None else found.to_wire()


def wait_for_seen(children: list[tuple[int, int]]) -> Seen | None:
    """The Seen the children wrote, or None if one failed (the caller walks itself)."""
    parts = []
    for data in [_read_child(child) for child in children]:  # (every child waited for)
        try:
            hashed, count, newest, coarse = marshal.loads(data or b"")
        except (EOFError, ValueError, TypeError):
            return None
        parts.append((hashed, count, newest, coarse))
    return seen_of_parts(parts)


def shared_out(shares: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(0)`, …, `work(shares - 1)`: share 0 in this process, each other one in a forked
    child that sends its result back marshalled (builtins only) and leaves; the results in
    share order.  Without fork, every share here.  A share that fails in a child is done
    again here, so that its exception (a CdsError, say) is raised as it would be."""
    children = [_in_child(functools.partial(_marshalled, work, i)) for i in range(1, shares)]
    results = [work(0)]
    for i, child in enumerate(children, start=1):
        found = _result_of(child) if child is not None else _FAILED
        results.append(work(i) if found is _FAILED else found)
    return results


_FAILED = object()


def apart(work: Callable[[], object]) -> bool:
    """`work()` in a forked child, waited for: what it leaves behind (the cache it writes)
    is what counts, and the memory it took goes with the child; what it would do after the
    command's output (cache.soon) it does there before it leaves.  False when it did not
    run there to the end (no fork, or it failed: the caller runs it here, to raise as it
    would)."""

    def there() -> bytes:
        cache.later = []  # (the child's own: done once `work` has returned and let go)
        work()
        cache.done_later(cache.later)
        return b"done"

    child = _in_child(there)
    return child is not None and _read_child(child) == b"done"


def aside(work: Callable[[], T]) -> Callable[[], T]:
    """`work()` in a forked child, started now, on another core while this process goes on;
    the function returned waits for it and gives its result (pickled across: small).  Where
    there is no fork, or the child failed, that function runs `work()` here, to raise as
    it would.  The child shares this process's memory as it was when forked (read only)."""
    import pickle  # (here: 1.5 ms of every command's start, which only a cold run needs)

    child = _in_child(lambda: pickle.dumps(work(), pickle.HIGHEST_PROTOCOL))

    def result() -> T:
        data = _read_child(child) if child is not None else None
        if data:
            try:
                return pickle.loads(data)
            except (pickle.UnpicklingError, EOFError, AttributeError, ValueError):
                pass
        return work()

    return result


def _marshalled(work: Callable[[int], Any], share: int) -> bytes:
    return marshal.dumps(work(share))


def _result_of(child: tuple[int, int]) -> Any:
    data = _read_child(child)
    try:
        return marshal.loads(data) if data else _FAILED
    except (EOFError, ValueError, TypeError):
        return _FAILED


def _in_child(make: Callable[[], bytes]) -> tuple[int, int] | None:
    """A forked child that writes `make()` to a pipe and leaves (os._exit, whatever
    happens): (its pid, the pipe's read end), or None without fork."""
    if not hasattr(os, "fork"):
        return None
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return None
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(make())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _read_child(child: tuple[int, int]) -> bytes | None:
    """What the child wrote, once it has left; None if it failed."""
    pid, read = child
    try:
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    return data if status == 0 else None
