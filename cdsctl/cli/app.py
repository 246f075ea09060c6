"""The typer app and the life of a console run: how a command's failure becomes an exit
code, what a run keeps until it leaves, and :func:`run`, the console entry point.

Exit codes (docs/validate.md, "Exit codes"): 0 no errors, 1 errors in the records, 2 cdsctl
could not run (a bad option, no records root, an output it cannot write), 3 a bug in cdsctl,
130 interrupted, 141 the reader of the output left.  Errors the user can fix are
:class:`~cdsctl.diagnostics.CdsError`: one line on stderr, exit 2, mapped here only.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import inspect
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec

import typer
from typer.exceptions import TyperException

from .. import __version__, i18n
from ..diagnostics import EXIT_OK, EXIT_USAGE, CdsError
from . import process
from .helptext import Group

if TYPE_CHECKING:
    from tempfile import TemporaryDirectory

P = ParamSpec("P")

app = typer.Typer(
    cls=Group,  # (--help and usage errors in the chosen language: cdsctl.cli.helptext)
    name="cdsctl",
    help="Records, checks and queries for a Digital Transformation Steering Committee "
    "(Ban Chỉ đạo chuyển đổi số).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)


class Lang(StrEnum):
    vi = "vi"
    en = "en"


LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        help="Language of messages and tables: vi or en (default: $CDSCTL_LANG, then lang in "
        "the records' cdsctl.toml, then the locale, then en).",
        show_default=False,
    ),
]


def command(func: Callable[P, None], on: typer.Typer | None = None) -> Callable[P, None]:
    """Register a command (on `app`, or the group `on`) whose user-facing errors print one
    line and exit 2; any other exception is a bug (exit 3), Ctrl-C exit 130 (see
    :mod:`cdsctl.cli.process`).

    Every command also takes `--lang` (cdsctl.i18n), added here to its signature."""

    @functools.wraps(func)
    def wrapper(*args: Any, lang: Lang | None = None, **kwargs: Any) -> None:
        before = i18n.chosen()  # (restored after: the library speaks English when called)
        i18n.use(*i18n.choose(lang.value if lang is not None else None))
        try:
            func(*args, **kwargs)
        except CdsError as exc:
            typer.echo(f"cdsctl: {_error_text(exc)}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        except (typer.Exit, typer.Abort, TyperException):
            raise  # exits and usage errors: typer reports them
        except BrokenPipeError:  # `cdsctl … | head`: the reader left; as a shell reports SIGPIPE
            raise typer.Exit(process.EXIT_BROKEN_PIPE) from None
        except KeyboardInterrupt:
            raise typer.Exit(process.interrupted()) from None
        except Exception as exc:
            raise typer.Exit(process.failed(exc)) from None
        finally:
            i18n.use(*before)

    wrapper.__signature__ = _WithLang(func)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**func.__annotations__, "lang": LangOption}
    # `import_` is the command `import` (a Python keyword cannot name a function)
    (on or app).command(name=func.__name__.rstrip("_").replace("_", "-"))(wrapper)
    return wrapper  # type: ignore[return-value]


class _WithLang(inspect.Signature):
    """A command's signature with `--lang` added, as typer reads it (a __signature__ as
    is), worked out when first read: typer reads only the command a run names
    (:func:`_only_invoked`), and evaluating the annotations of all 25 at import cost 5 ms
    of every run."""

    def __init__(self, func: Callable[..., Any]) -> None:  # (no super(): made when read)
        self._func = func
        self._made: inspect.Signature | None = None

    def _whole(self) -> inspect.Signature:
        if self._made is None:
            signature = inspect.signature(self._func, eval_str=True)
            lang = inspect.Parameter("lang", inspect.Parameter.KEYWORD_ONLY, default=None,
                                     annotation=LangOption)  # fmt: skip
            self._made = signature.replace(parameters=[*signature.parameters.values(), lang])
        return self._made

    @property
    def parameters(self) -> Any:
        return self._whole().parameters

    @property
    def return_annotation(self) -> Any:
        return self._whole().return_annotation


def _error_text(exc: CdsError) -> str:
    """A CdsError's message in the current language (also one made of an i18n.Msg)."""
    message = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
    return i18n.localized(message)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cdsctl {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """cdsctl: the steering committee's records, checked and queried."""


#: --at exports, removed by run() before leaving
_EXPORTS: list[TemporaryDirectory[str]] = []
#: What a console run keeps until it leaves with os._exit (see run()): freeing a loaded
#: repository object by object is wasted work then (≈ 1 s at 300,000 files).
_KEPT: list[object] | None = None


def keep(value: object) -> None:
    """Keep `value` alive until the console run leaves (nothing outside one)."""
    if _KEPT is not None:
        _KEPT.append(value)


def temporary_folder(prefix: str) -> Path:
    """A new empty folder, removed when the run ends."""
    from tempfile import TemporaryDirectory  # (here: 1.2 ms of every start)

    _EXPORTS.append(TemporaryDirectory(prefix=prefix))
    return Path(_EXPORTS[-1].name)


def run() -> None:
    """The console entry point: run the app, flush, and leave without tearing down.

    Freeing every object at interpreter exit cost 0.12-0.16 s after a 20,000-file run;
    nothing is left to do by then (worker pools are closed, files written atomically).
    The cyclic collector stays off for the whole short-lived process: the records make no
    cycles, and each full collection walked every live object (≈ 0.4-1.5 s at 300,000 files).
    """
    global _KEPT
    gc.disable()
    _KEPT = []
    process.prepare_streams()
    from ..validation import cache

    cache.later = []  # (keeping the snapshot waits until the answer is out)
    code = _run_app()
    for export in _EXPORTS:
        export.cleanup()
    code = _flushed(code)
    cache.output_out()
    if cache.later:  # (the child lets go of what only the command held when a step needs it)
        work, cache.later = cache.later, None
        process.in_background(work, _KEPT.clear)
    os._exit(code)


@contextlib.contextmanager
def _only_invoked(argv: list[str]) -> Iterator[None]:
    """The app with only the command `argv` names, when it names one: typer makes a click
    command of every registered one, reading each signature and its type hints, before it
    parses anything (20 ms of each run: 8% of a query at 10,000 tasks).  Anything else
    (help, a misspelt command, shell completion) has every command."""
    name = argv[0] if argv and not argv[0].startswith("-") else None
    commands, groups = app.registered_commands, app.registered_groups
    mine = [c for c in commands if c.name == name]
    theirs = [g for g in groups if _group_name(g) == name]
    if name is None or len(mine) + len(theirs) != 1 or "_CDSCTL_COMPLETE" in os.environ:
        yield
        return
    app.registered_commands, app.registered_groups = mine, theirs
    try:
        yield
    finally:
        app.registered_commands, app.registered_groups = commands, groups


def _group_name(group: Any) -> str | None:
    name = group.name if isinstance(group.name, str) else group.typer_instance.info.name
    return name if isinstance(name, str) else None


def _run_app() -> int:
    """The app's exit code; an exception outside a command too is a bug (exit 3)."""
    try:
        with _only_invoked(sys.argv[1:]):
            app()
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        return process.interrupted()
    except Exception as exc:
        return process.failed(exc)
    return EXIT_OK


def _flushed(code: int) -> int:
    """`code`, or 2 when the output could not be written (`> /dev/full`)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `cdsctl … | head`: the reader left; that is not our error
        pass
    except OSError as exc:
        process.say(f"cdsctl: cannot write the output: {exc.strerror or exc}")
        return EXIT_USAGE
    return code
