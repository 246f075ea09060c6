"""The process around a command: its standard streams, and how it ends when something fails.

* Closed standard streams (`cdsctl validate >&-`) are opened on the null device, so a
  write goes nowhere instead of failing, and no file the run opens takes their numbers.
* Text that the output's encoding cannot hold (`PYTHONIOENCODING=latin-1` and Vietnamese)
  is written with backslash escapes (`\\u1ea1`; inside a JSON string, still JSON).
* An exception nobody expected is a bug: one line naming it and how to see the traceback
  (`CDSCTL_DEBUG=1`), exit 3 — never exit 1, which CI reads as "the records have errors".
* Ctrl-C: one line, exit 130 (128 + SIGINT), as shells report it.

Imported by the entry point before anything heavy, so it imports nothing of cdsctl.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
import time
import traceback
from collections.abc import Callable
from typing import TextIO

EXIT_USAGE = 2  # (as diagnostics.EXIT_USAGE: cdsctl could not run)
EXIT_BUG = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader of the output left (`| head`); not exit 1
DEBUG = "CDSCTL_DEBUG"
#: write errors of the system, not of cdsctl: no space, a quota, a file too large, I/O
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


def prepare_streams() -> None:
    """Standard streams that can always be written to (see the module's docstring)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # closed: the lowest free number, which is this one, gets the null device
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    sys.stdout = _writable(sys.stdout, 1)
    sys.stderr = _writable(sys.stderr, 2)


def _writable(stream: TextIO | None, fd: int) -> TextIO:
    """`stream`, or a new one on `fd` if Python found it closed at start-up, writing what its
    encoding cannot hold as backslash escapes."""
    if stream is None:
        encoding = os.environ.get("PYTHONIOENCODING", "").split(":")[0] or "utf-8"
        stream = open(fd, "w", encoding=encoding, errors="backslashreplace", closefd=False)  # noqa: SIM115
    elif isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        stream.reconfigure(errors="backslashreplace")
    return stream


def failed(exc: BaseException) -> int:
    """The exit code of a command that raised `exc`: 2 when the output or a file could not be
    written (a full disk: not a bug), else 3 (:func:`bug`)."""
    if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
        say(f"cdsctl: cannot write: {exc.strerror}" + (f": {exc.filename}" if exc.filename else ""))
        return EXIT_USAGE
    return bug(exc)


def bug(exc: BaseException) -> int:
    """Say that cdsctl has a bug (the traceback only with CDSCTL_DEBUG=1); exit 3."""
    if os.environ.get(DEBUG):
        traceback.print_exception(exc, file=sys.stderr)
    first = (str(exc).strip().splitlines() or [""])[0]
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    say(f"cdsctl: internal error, a bug in cdsctl (not in your records): {what}. "
         f"Run again with {DEBUG}=1 to see the traceback, and report it.")  # fmt: skip
    return EXIT_BUG


def interrupted() -> int:
    say("cdsctl: interrupted")
    return EXIT_INTERRUPTED


def say(line: str) -> None:
    """One line on stderr, if stderr can still be written to (else the exit code says it)."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


#: where Linux weighs processes by session (autogroup) before their nice value: a
#: session's own weight, written as a nice value (sched(7))
AUTOGROUP = "/proc/self/autogroup"


def lowest_priority() -> None:
    """This process gets a core only when nothing else wants it: its nice value at the
    lowest, and, where Linux groups processes by session (autogroup, on by default), its
    session's too.  A child that made a session of its own (os.setsid) is weighed against
    the user's terminal as a whole session, whatever its nice value: the work kept after a
    `validate` took half of a core from the two queries run after it (2.0-2.5 s against
    1.4 at 100,000 tasks).  Nothing where neither can be lowered."""
    with contextlib.suppress(OSError):
        os.nice(19)
    for _ in range(2):  # (Linux takes one such write in a tenth of a second: EAGAIN)
        try:
            with open(AUTOGROUP, "w") as group:
                group.write("19")
            return
        except OSError as error:
            if error.errno != errno.EAGAIN:
                return
            time.sleep(0.1)


def in_background(work: list[Callable[[], object]],
                  let_go: Callable[[], object] | None = None) -> None:  # fmt: skip
    """Run `work` in a child process that outlives this one, once the output is out: the
    user has the answer while the cache is being kept (cdsctl.validation.cache.later).  The child
    holds none of the standard streams (a pipe's reader, `| head` or a script capturing
    the output, sees the end at once), says nothing and leaves by os._exit.  Without fork,
    the work is done here (:func:`cdsctl.validation.cache.done_later`; `let_go`: as it
    says)."""
    from ..validation import cache

    if not hasattr(os, "fork"):
        cache.done_later(work, let_go)
        return
    try:
        pid = os.fork()
    except OSError:
        cache.done_later(work, let_go)
        return
    if pid == 0:  # the child
        try:
            os.setsid()  # (not in the terminal's group: Ctrl-C at the prompt is not ours)
            lowest_priority()  # the user's next command comes first
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            cache.disposable = True  # (a last step may become another program)
            cache.done_later(work, let_go)
        finally:
            os._exit(0)
