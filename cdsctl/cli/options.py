"""What several commands share: their options, and the steps between an option and the
library (the records root, an as-of date, filters, a loaded repository, a stored answer,
rows printed as the chosen format)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..diagnostics import CdsError
from .app import keep, temporary_folder

if TYPE_CHECKING:
    from ..output.tables import Column
    from ..queries import TaskFilter
    from ..repository import Repository

RecordsOption = Annotated[
    Path | None,
    typer.Option(
        "--records",
        help="Records root (default: $CDSCTL_RECORDS, else the nearest folder up with "
        "agencies.yaml, else ./records).",
        show_default=False,
    ),
]


class Format(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class Tabular(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


AsOfOption = Annotated[
    str,
    typer.Option(
        "--as-of",
        help="As of this date: 2022-06-30, 30/6/2022, today, yesterday, +7d, -2w, eom, eoq, eoy.",
    ),
]
AgencyOption = Annotated[
    str | None, typer.Option("--agency", help="Tasks this agency leads (see --involved).")
]
InvolvedOption = Annotated[
    bool, typer.Option("--involved", help="With --agency: also tasks it supports.")
]
DirectiveOption = Annotated[
    str | None, typer.Option("--directive", help="Tasks of this directive.")
]
GroupOption = Annotated[str | None, typer.Option("--group", help="Tasks of this group.")]
FormatOption = Annotated[Tabular, typer.Option("--format", "-f", help="Output format.")]
AtOption = Annotated[
    str | None,
    typer.Option("--at", help="Read the records as committed at this git revision (no checkout)."),
]


def write_output(path: Path, write: Callable[[], None]) -> None:
    """Run `write`, which writes the file `path` of an `--output`/`-o` option: a file that
    cannot be written (a read-only file system, no such folder) is one line, exit 2.

    A device or a FIFO is refused before `write` replaces it with a regular file (`-o
    /dev/full --force` replaced the device, `-o /dev/stdout` the link)."""
    try:
        if path.is_symlink() or (path.exists() and not (path.is_file() or path.is_dir())):
            raise CdsError(f"--output {path}: not a regular file (a link, a device or a FIFO); "
                           "give the name of a file to write")  # fmt: skip
        write()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CdsError(f"--output {path}: cannot write the file: {reason}") from None


def records_root(records: Path | None) -> Path:
    from ..load.files import find_root

    return find_root(records)


def as_of_date(text: str) -> date:
    from ..dates.when import WhenError, parse_when

    try:
        return parse_when(text, date.today())
    except WhenError as exc:
        raise CdsError(f"--as-of: {exc}") from None


def paths_shown(root: Path) -> Callable[[str], str]:
    cwd = Path.cwd()

    def shown(relpath: str) -> str:
        full = root / relpath
        try:
            return str(full.relative_to(cwd))
        except ValueError:
            return str(full)

    return shown


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def root_at(records: Path | None, at: str | None) -> Path:
    """The records root; with `at`, a copy of it as committed at that revision (removed
    when the run ends)."""
    root = records_root(records)
    if at is None:
        return root
    from ..gitstore import export_tree

    exported = export_tree(root, at, temporary_folder("cdsctl-at-"))
    for line in exported.left_out:
        typer.echo(f"cdsctl: --at: {line}", err=True)
    return exported.root


def load_repository(records: Path | None, at: str | None = None) -> Repository:
    """The records (as committed at `at`, if given), validated; files with errors are left
    out, with a warning."""
    from ..repository import load

    repo = load(root_at(records, at), cache_dir=False if at is not None else None)
    keep(repo)
    warn_skipped(len(repo.skipped))
    return repo


def warn_skipped(count: int) -> None:
    if count:
        typer.echo(f"cdsctl: {count} file(s) with errors left out; run `cdsctl validate`",
                   err=True)  # fmt: skip


def query(records: Path | None, at: str | None, key: str,
          compute: Callable[[Repository], Any]) -> Any:  # fmt: skip
    """`compute(repository)`, or its stored answer when the records have not changed
    (:func:`cdsctl.repository.answer`); at a git revision, always computed."""
    from ..repository import answer

    found = answer(root_at(records, at), key, compute, cache=at is None, loaded=keep)
    warn_skipped(found.skipped)
    return found.value


def emit(fmt: Tabular, rows: list[dict[str, Any]], columns: list[Column], title: str) -> None:
    from ..output.tables import render

    colour = fmt is Tabular.table and use_colour()
    width = shutil.get_terminal_size((100, 24)).columns
    typer.echo(render(fmt.value, rows, columns, title, colour, width), nl=False)


def task_filter(agency: str | None, involved: bool, directive: str | None, group: str | None,
            **more: Any) -> TaskFilter:  # fmt: skip
    from ..queries import TaskFilter

    return TaskFilter(agency, involved, directive, group, **more)


def task_columns() -> list[Column]:
    from ..output.tables import Column

    return [Column("id", "id"), Column("title", "title", 40), Column("lead", "lead"),
            Column("deadline", "deadline")]  # fmt: skip
