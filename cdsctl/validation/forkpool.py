"""The workers of a run with no cache, forked from one child that imports the checking code
while the walk goes on.

A run with no cache walks the root, then checks every file in worker processes.  With
concurrent.futures' pool, the main process first imported the checking code (so that the
workers it forks share it) and the pool itself, then pickled every chunk's task: at 10,000
tasks, 0.15 s on one core before the first file was checked, the other core idle.  Here the
walk forks one child as soon as it has found enough files (load.files.walk's `early`); the
child imports the checking code on the other core while the walk goes on, then forks the
other workers from itself, each with the code imported.  The main process never imports it
(nor concurrent.futures) and sends each worker its chunks through a pipe of its own, two
ahead, as it takes each result.

What a worker cannot deliver is done in the main process: a chunk whose check raised is
checked there again (the exception is raised as it would be without workers), and the
chunks of a worker that died (killed, out of memory) are checked there.  Each worker dies
with its parent (workers.started): the workers with the first child, the first child with
the main process.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import selectors
import signal
import struct
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from .shards import CHUNK
from .workers import PARALLEL_FROM, PER_CORE, check_chunk, started, worker_count

#: a task: its length; a result: the chunk's index, the payload's length, whether it holds
_TASK, _RESULT = struct.Struct("<Q"), struct.Struct("<QQ?")
#: tasks sent to a worker ahead of its results (a task is a few kB: the pipe never fills)
AHEAD = 2


class Forked:
    """The workers one run starts (see the module's doc): :meth:`at` for the walk,
    :meth:`map` for the chunks, :meth:`close` at the end (the walk failed, or the run is
    done)."""

    __slots__ = ("count", "pid", "results", "tasks")

    def __init__(self, jobs: int | None) -> None:
        self.count = worker_count(jobs, PER_CORE * (os.cpu_count() or 1))
        self.pid = 0  # of the first child (0: not started)
        self.tasks: list[int] = []  # the write end of each worker's task pipe
        self.results: list[int] = []  # the read end of each worker's result pipe

    def at(self) -> tuple[int, Callable[[], object]] | None:
        """The walk's `early` argument: start when it has found a chunk for each worker;
        never with one worker (the files are checked here) or without fork."""
        if self.count == 1 or not hasattr(os, "fork"):
            return None
        return max(PARALLEL_FROM, self.count * CHUNK), self.start

    def start(self) -> None:
        main = os.getpid()
        tasks = [os.pipe() for _ in range(self.count)]
        results = [os.pipe() for _ in range(self.count)]
        try:
            pid = os.fork()
        except OSError:  # (then check_files starts its pool)
            for fds in (*tasks, *results):
                os.close(fds[0])
                os.close(fds[1])
            return
        if pid == 0:
            _first_child(main, tasks, results)  # (never returns)
        self.pid = pid
        for (read, write), (rread, rwrite) in zip(tasks, results, strict=True):
            os.close(read)
            os.close(rwrite)
            self.tasks.append(write)
            self.results.append(rread)

    @property
    def running(self) -> bool:
        return self.pid != 0

    def map(self, jobs: list[tuple[Any, ...]]) -> Iterator[bytes]:
        """The payload of each of `jobs` (workers.check_chunk's arguments), in order."""
        pending, total = deque(range(len(jobs))), len(jobs)
        sent: dict[int, deque[int]] = {k: deque() for k in range(self.count)}
        done: dict[int, bytes | None] = {}  # (None: to check here)
        watch = selectors.DefaultSelector()
        for k, fd in enumerate(self.results):
            watch.register(fd, selectors.EVENT_READ, k)

        # (a method, not a function inside this generator: compiled, the generator's scope
        # and such a function hold each other, a cycle that the collector, off for the run,
        # never frees)
        feed = functools.partial(self._feed, jobs, pending, sent, done)
        for k in range(self.count):
            feed(k)
        try:
            for index in range(total):
                while index not in done:
                    if not watch.get_map():  # every worker gone: the rest here
                        done.update((i, None) for i in pending)
                        pending.clear()
                        break
                    for key, _ in watch.select():
                        k = key.data
                        got = _read_result(key.fd)
                        if got is None:  # the worker died: its chunks here
                            watch.unregister(key.fd)
                            done.update((i, None) for i in sent[k])
                            sent[k].clear()
                            continue
                        number, payload = got
                        sent[k].remove(number)
                        done[number] = payload
                        feed(k)
                payload = done.pop(index)
                yield payload if payload is not None else check_chunk(*jobs[index])
        except BaseException:
            watch.close()
            self.close()
            raise
        watch.close()
        self.close(finished=True)

    def _feed(self, jobs: list[tuple[Any, ...]], pending: deque[int], sent: dict[int, deque[int]],
              done: dict[int, bytes | None], k: int) -> None:  # fmt: skip
        """Send worker k chunks of `pending` until it has AHEAD to do."""
        while pending and len(sent[k]) < AHEAD and self.tasks[k] >= 0:
            index = pending.popleft()
            task = pickle.dumps((index, jobs[index]), pickle.HIGHEST_PROTOCOL)
            try:
                _write(self.tasks[k], _TASK.pack(len(task)) + task)
            except OSError:  # it has left (its result pipe tells so next): here
                done[index] = None
                self._let_go(k)
                return
            sent[k].append(index)
        if not pending and not sent[k]:
            self._let_go(k)  # (nothing more for it: it leaves)

    def _let_go(self, k: int) -> None:
        if self.tasks[k] >= 0:
            os.close(self.tasks[k])
            self.tasks[k] = -1

    def close(self, finished: bool = False) -> None:
        """Let the workers go, and wait for the first child: `finished`, once each has
        left by itself (its tasks pipe closed: the first child waits for the others, so
        that none is left for another process to reap); else at once (SIGKILL: the others
        die with it)."""
        if not self.pid:
            return
        for fd in (*self.tasks, *self.results):
            if fd >= 0:
                os.close(fd)
        self.tasks, self.results = [], []
        if not finished:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.pid = 0


def _first_child(main: int, tasks: list[tuple[int, int]], results: list[tuple[int, int]]) -> None:
    """Import the checking code, fork the other workers, and be worker 0."""
    code = 1
    try:
        started(main)
        from . import onefile  # noqa: F401  (before the fork: the workers share it)

        first, me, children = os.getpid(), 0, list[int]()
        for k in range(1, len(tasks)):
            pid = os.fork()
            if pid == 0:
                started(first)
                me, children = k, []
                break
            children.append(pid)
        for k, ((read, write), (rread, rwrite)) in enumerate(zip(tasks, results, strict=True)):
            os.close(write)
            os.close(rread)
            if k != me:
                os.close(read)
                os.close(rwrite)
        _serve(tasks[me][0], results[me][1])
        for pid in children:  # (they die with this process: let them finish first)
            os.waitpid(pid, 0)
        code = 0
    finally:
        os._exit(code)


def _serve(tasks: int, results: int) -> None:
    """Check each chunk that comes through `tasks`, and send its payload through `results`;
    until `tasks` is closed."""
    while (head := _read_exact(tasks, _TASK.size)) is not None:
        task = _read_exact(tasks, _TASK.unpack(head)[0])
        if task is None:
            return
        index, args = pickle.loads(task)
        try:
            payload, ok = check_chunk(*args), True
        except Exception:  # (the main process checks it again, and raises it there)
            payload, ok = b"", False
        _write(results, _RESULT.pack(index, len(payload), ok))
        _write(results, payload)


def _read_result(fd: int) -> tuple[int, bytes | None] | None:
    """A result from a worker's pipe: (chunk, payload or None when its check raised), or
    None at the end (the worker left)."""
    head = _read_exact(fd, _RESULT.size)
    if head is None:
        return None
    index, length, ok = _RESULT.unpack(head)
    payload = _read_exact(fd, length) if length else b""
    if payload is None:
        return None
    return index, payload if ok else None


def _read_exact(fd: int, size: int) -> bytes | None:
    """`size` bytes from `fd`, or None at the end (before all of them)."""
    parts, left = [], size
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts) if len(parts) != 1 else parts[0]


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
