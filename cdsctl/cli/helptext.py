"""`--help` and typer's usage errors in the chosen language.

typer builds its commands from English text (each option's `help=`, each command's
docstring) when the app is called; the text is translated when it is shown, from the
catalog (:mod:`cdsctl.i18n`).  So `cdsctl overdue --lang vi --help`, `CDSCTL_LANG=vi cdsctl
--help` and a Vietnamese locale all show Vietnamese, whoever imported the app first (a
test's CliRunner too), and `docs/commands.md` stays English.

* :class:`Group`, the root command's class, chooses the language from the arguments
  (`--lang vi`, `--lang=vi`) and the environment before anything is parsed, gives every
  command :class:`Context`, and translates usage errors (:func:`usage_error`);
* :class:`Context` translates its command's texts while the help is rendered, and typer's
  fixed words (Usage, Options, [default: …]: :data:`TYPER_WORDS`, a small subset of
  `typer.rich_utils`' constants that tests/test_i18n_cli.py holds to typer's output);
* :func:`extract` is pybabel's extraction method for `cdsctl/cli/` (`cdsctl/i18n/babel.cfg`):
  there each `help=` string and each command's docstring is a message without a marker.

In English nothing is touched: the help is typer's own.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

import typer
from typer.core import TyperGroup

from .. import i18n
from ..i18n import N_, _

#: typer.rich_utils' constants shown in help and errors → the message each one is
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {value}]"),
    "RICH_HELP": N_("Try {command} for help."),
    "ABORTED_TEXT": N_("Aborted."),
}
#: the usage line's words (click's defaults; the names of options and commands stay)
USAGE, OPTIONS, COMMAND = N_("Usage:"), N_("[OPTIONS]"), N_("COMMAND [ARGS]...")
#: the help of the options typer gives: --help to every command, shell completion's to the app
TYPER_HELP = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)
_UNSET = object()


class _Swaps:
    """Attributes set for a while, then put back as they were (`with _Swaps() as swaps`)."""

    def __init__(self) -> None:
        self._old: list[tuple[object, str, object]] = []

    def __enter__(self) -> _Swaps:
        return self

    def __exit__(self, *exc: object) -> None:
        for obj, name, old in reversed(self._old):
            if old is _UNSET:
                delattr(obj, name)
            else:
                setattr(obj, name, old)
        self._old.clear()

    def set(self, obj: object, name: str, value: object) -> None:
        self._old.append((obj, name, vars(obj).get(name, _UNSET)))
        setattr(obj, name, value)

    def translate(self, obj: object, name: str) -> None:
        """`obj.name` in the current language, if it is a text the catalog has."""
        text = getattr(obj, name, None)
        if isinstance(text, str) and text and (translated := _(text)) != text:
            self.set(obj, name, translated)


def lang_option(argv: Sequence[str]) -> str | None:
    """The value of the last `--lang` in `argv` (`--lang vi`, `--lang=vi`), if any."""
    found = None
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            found = argv[i + 1]
        elif arg.startswith("--lang="):
            found = arg.removeprefix("--lang=")
    return found


def _speaks_english() -> bool:
    return i18n.current() == i18n.DEFAULT


@contextlib.contextmanager
def typer_words() -> Iterator[None]:
    """typer's fixed words (:data:`TYPER_WORDS`) in the current language meanwhile."""
    if _speaks_english() or not typer.core.HAS_RICH:
        yield
        return
    from typer import rich_utils

    words = {name: _(message) for name, message in TYPER_WORDS.items()}
    words["DEFAULT_STRING"] = words["DEFAULT_STRING"].replace("{value}", "{}")
    words["RICH_HELP"] = words["RICH_HELP"].format(
        command="[blue]'{command_path} {help_option}'[/]"
    )
    with _Swaps() as swaps:
        for name, word in words.items():
            if isinstance(getattr(rich_utils, name, None), str):
                swaps.set(rich_utils, name, word)
        yield


#: click's help formatter (the class a context makes), whose usage line we translate
_HelpFormatter: Any = typer.Context.formatter_class


class _Formatter(_HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _(USAGE) + " " if prefix is None else prefix)


class Context(typer.Context):
    """A command's context: its help (and usage line) in the current language."""

    formatter_class = _Formatter

    def get_help(self) -> str:
        if _speaks_english():
            return super().get_help()
        with _Swaps() as swaps, typer_words():
            command = self.command
            for name in ("help", "short_help", "epilog"):
                swaps.translate(command, name)
            for param in command.get_params(self):
                swaps.translate(param, "help")
            for sub in _subcommands(command, self):
                swaps.translate(sub, "help")
                swaps.translate(sub, "short_help")
            return super().get_help()


def _subcommands(command: Any, ctx: typer.Context | None = None) -> list[Any]:
    if not hasattr(command, "list_commands"):
        return []
    ctx = ctx or typer.Context(command)
    found = (command.get_command(ctx, name) for name in command.list_commands(ctx))
    return [c for c in found if c is not None]


def _every_command(command: Any) -> Iterator[Any]:
    yield command
    for sub in _subcommands(command):
        yield from _every_command(sub)


class Group(TyperGroup):
    """cdsctl's root command: chooses the language of the help and of usage errors."""

    _until_done: contextlib.ExitStack | None = None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = sys.argv[1:] if args is None else list(args)
        before = i18n.chosen()  # (restored after: the library speaks English when called)
        with contextlib.ExitStack() as until_done, _Swaps() as swaps:
            self._until_done = until_done
            until_done.callback(setattr, self, "_until_done", None)
            until_done.callback(i18n.use, *before)
            i18n.use(*i18n.choose(lang_option(argv)))
            for command in _every_command(self):
                if issubclass(Context, command.context_class):
                    swaps.set(command, "context_class", Context)
                if not _speaks_english():
                    swaps.translate(command, "options_metavar")
                    swaps.translate(command, "subcommand_metavar")
            return super().main(args, prog_name, complete_var, standalone_mode,
                                windows_expand_args, **extra)  # fmt: skip

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Any = None, **extra: Any) -> Any:  # fmt: skip
        with self._usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with self._usage_errors():
            return super().invoke(ctx)

    @contextlib.contextmanager
    def _usage_errors(self) -> Iterator[None]:
        """A usage error (exit 2: no such option, a bad value…) in the current language."""
        try:
            yield
        except typer.TyperException as exc:
            shown: Callable[[], str] | None = getattr(exc, "format_message", None)
            if (_speaks_english() or shown is None or getattr(exc, "exit_code", None) != 2
                    or type(exc).__name__ == "NoArgsIsHelpError"):  # fmt: skip
                raise
            translated = usage_error(shown())
            setattr(exc, "format_message", lambda: translated)  # noqa: B010 (an instance's)
            if self._until_done is not None:  # (typer shows it after this returns)
                self._until_done.enter_context(typer_words())
            raise


#: click's usage errors: what each says (a pattern) → the message, its groups as arguments
_USAGE_ERRORS = [
    (r"No such option: (?P<option>\S+)", N_("No such option: {option}")),
    (r"No such command '(?P<name>.*?)'\.", N_("No such command '{name}'.")),
    (r"Missing argument (?P<name>.*?)\.", N_("Missing argument {name}.")),
    (r"Missing option (?P<name>.*?)\.", N_("Missing option {name}.")),
    (r"Option (?P<option>.*) requires an argument\.", N_("Option {option} requires an argument.")),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)",
     N_("Got unexpected extra argument(s): {args}")),
    (r"Missing command\.", N_("Missing command.")),
    (r"Invalid value for (?P<option>.*?): (?P<reason>.*)",
     N_("Invalid value for {option}: {reason}")),
    (r"'(?P<value>.*)' is not one of (?P<choices>.*)\.", N_("'{value}' is not one of {choices}.")),
    (r"(?P<value>.*) is not in the range (?P<range>.*)\.",
     N_("{value} is not in the range {range}.")),
    (r"'(?P<value>.*)' is not a valid (?P<kind>.*)\.", N_("'{value}' is not a valid {kind}.")),
    (r"\(Possible options: (?P<options>.*)\)", N_("(Possible options: {options})")),
    (r"Did you mean (?P<names>.*)\?", N_("Did you mean {names}?")),
    (r"Choose from:", N_("Choose from:")),
]  # fmt: skip


@functools.cache
def _usage_patterns() -> list[tuple[re.Pattern[str], str]]:
    """:data:`_USAGE_ERRORS` compiled, when a usage error comes (not on every run: 3 ms)."""
    return [(re.compile(p, re.DOTALL), m) for p, m in _USAGE_ERRORS]


def usage_error(text: str) -> str:
    """click's usage error `text` in the current language: each known part translated (a
    value is translated too, `reason`), anything else left as it is."""
    for pattern, message in _usage_patterns():
        if m := pattern.match(text):
            groups = {k: usage_error(v) if k == "reason" else v for k, v in m.groupdict().items()}
            rest = text[m.end() :]
            return _(message).format(**groups) + (rest[:1] + usage_error(rest[1:]) if rest else "")
    return text


# -- the catalog ---------------------------------------------------------------------------------


def extract(fileobj: IO[bytes], keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """pybabel's extraction method for `cdsctl/cli/` (`cdsctl/i18n/babel.cfg`): the marked
    messages, as the `python` method finds them, then the help typer shows: each `help=`
    string, and the docstring of each function decorated by `command` or `…_command`."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg == "help":
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield value.lineno, None, value.value, []
        elif isinstance(node, ast.FunctionDef) and any(map(_is_command, node.decorator_list)):
            doc = ast.get_docstring(node, clean=True)
            if doc:
                yield node.lineno, None, doc, []


def _is_command(decorator: ast.expr) -> bool:
    name = ast.unparse(decorator.func if isinstance(decorator, ast.Call) else decorator)
    last = name.rsplit(".", 1)[-1]
    return last == "command" or last.endswith("_command")
