"""Worker processes for checking files in parallel, tied to the process that started them.

A worker must never outlive the run: `kill -9` of a cold `validate` left its workers
checking files for minutes, holding the records and the cache open.  Each worker asks Linux
to kill it when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere, or when that call
is not available, a daemon thread in the worker checks once a second that its parent is
still the one it started with.  Workers ignore Ctrl-C: the main process stops the run and
says so, instead of every worker printing a traceback.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

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
    """A process pool whose workers exit when this process dies."""
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
