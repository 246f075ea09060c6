"""Output longer than the screen goes through a pager, as git does.

The pager is `$CDSCTL_PAGER`, else `$PAGER`, else `less -FRX` (and `LESS=FRX` when LESS is
unset, as git sets it, so that `PAGER=less` also keeps colours and the screen): the first of
the two variables that is set decides, and empty or `cat` means no pager.  A pager runs only
when standard output is a terminal, `--no-pager` was not given, and the output is longer than
the screen (its lines, long ones counted as the terminal wraps them, against
`shutil.get_terminal_size().lines`): short output never starts `less`.

A command that holds shell syntax (quotes, `$`, a pipe) runs with `sh -c`, else directly.
A pager that cannot be started (not found, or the shell says so: exit 126 or 127; a
pipeline's exit is its last command's) is no error: the output is printed as if there were
none.  The reader quitting early (`q`) is no error either: writing stops (a table lays out
no more rows), the command exits as usual, with no BrokenPipe traceback.  While the pager
runs, Ctrl-C is the pager's (less uses it to stop a search): cdsctl ignores it and waits for
the pager, as git does.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..output.tables import TextTable

NoPagerOption = Annotated[
    bool,
    typer.Option(
        "--no-pager",
        help="Print to the terminal directly, never through a pager ($CDSCTL_PAGER, $PAGER, "
        "else less).",
    ),
]

DEFAULT = "less -FRX"
#: characters that make a pager command shell syntax (git's list, less the space and the tab)
_SHELL = frozenset("|&;<>()$`\\\"'*?[#~=%\n")
#: the exit codes of a shell that could not run the command (not executable, not found)
_NOT_STARTED = (126, 127)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def command(environ: Mapping[str, str] | None = None) -> str | None:
    """The pager command the environment asks for, or None for no pager."""
    environ = os.environ if environ is None else environ
    for name in ("CDSCTL_PAGER", "PAGER"):
        if name in environ:
            value = environ[name].strip()
            return None if value in ("", "cat") else value
    return DEFAULT


def show(parts: Sequence[str | TextTable], paging: bool = True) -> None:
    """Print `parts` on standard output: through the pager when it is a terminal, `paging`
    is on and they are longer than the screen; else (or when no pager can start) directly."""
    pager = command() if paging and _is_terminal() else None
    if pager is not None and _longer_than_screen(parts) and _page(pager, parts):
        return
    for chunk in _chunks(parts):
        typer.echo(chunk, nl=False)


def may_page(paging: bool = True) -> bool:
    """Whether output could go through a pager (a terminal, a pager set, `paging` on)."""
    return paging and _is_terminal() and command() is not None


def write_bytes(data: bytes | Iterable[bytes]) -> None:
    """Bytes (or parts of them, written one by one) straight to standard output, after
    what was written as text; as text where standard output has no byte layer (a test's
    capture)."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    parts = [data] if isinstance(data, bytes) else data
    if buffer is None:
        out.write(b"".join(parts).decode())
        return
    out.flush()
    for part in parts:
        buffer.write(part)
    buffer.flush()


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # no stdout, or a closed one
        return False


def _chunks(parts: Sequence[str | TextTable]) -> Iterator[str]:
    for part in parts:
        if isinstance(part, str):
            yield part
        else:
            yield from part.chunks()


def _longer_than_screen(parts: Sequence[str | TextTable]) -> bool:
    """Whether the output takes the whole screen or more: then its last line would push its
    first one out of sight (the prompt takes a line).  Only output shorter than the screen
    in lines is looked at line by line (a table's lines are counted without making them)."""
    size = shutil.get_terminal_size()
    lines = sum(part.count("\n") if isinstance(part, str) else len(part) for part in parts)
    if lines >= size.lines:
        return True
    from rich.cells import cell_len

    text = "".join(_chunks(parts))
    wrapped = sum(max(1, math.ceil(cell_len(_ANSI.sub("", line)) / max(1, size.columns)))
                  for line in text.splitlines())  # fmt: skip
    return wrapped >= size.lines


def _page(pager: str, parts: Sequence[str | TextTable]) -> bool:
    """Write `parts` to the pager and wait for it; False when it could not be started."""
    found = _argv(pager)
    if found is None:
        return False
    argv, shell = found
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert process.stdin is not None
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    stream = io.TextIOWrapper(process.stdin, encoding=encoding, errors="backslashreplace")
    with _ctrl_c_ignored():
        try:
            for chunk in _chunks(parts):
                stream.write(chunk)
            stream.flush()
        except BrokenPipeError:  # the reader quit (`q`): stop making and writing the rest
            pass
        finally:
            with contextlib.suppress(OSError):
                stream.close()  # (a pager that quit: closing flushes into a broken pipe)
            code = process.wait()
    return not (shell and code in _NOT_STARTED)


def _argv(pager: str) -> tuple[list[str], bool] | None:
    """How to run `pager`, and whether through the shell: so when it holds shell syntax,
    else as a program and its arguments (None when no such program is found)."""
    if _SHELL.intersection(pager):
        return ["/bin/sh", "-c", pager], True
    words = pager.split()
    program = shutil.which(words[0]) if words else None
    return None if program is None else ([program, *words[1:]], False)


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Ctrl-C ignored by cdsctl (the pager, in the same process group, gets it too)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
