"""What several commands share: their options, and the steps between an option and the
library (the records root, an as-of date, filters, a loaded repository, a stored answer,
rows printed as the chosen format)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import i18n
from ..diagnostics import CdsError
from ..i18n import N_, _
from .app import keep, temporary_folder

if TYPE_CHECKING:
    from ..output.tables import Column, TextTable
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
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite the --output file.")]
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
            raise CdsError(_("--output {path}: not a regular file (a link, a device or a FIFO); "
                             "give the name of a file to write").format(path=path))  # fmt: skip
        write()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CdsError(_("--output {path}: cannot write the file: {reason}").format(
            path=path, reason=reason)) from None  # fmt: skip


def records_root(records: Path | None) -> Path:
    """The records root (and, unless --lang or $CDSCTL_LANG chose, the language its
    cdsctl.toml asks for)."""
    from ..load.files import find_root

    root = find_root(records)
    i18n.use_root(root)
    return root


def as_of_date(text: str, option: str = "--as-of") -> date:
    """The date an option gives as people write it (`30/6/2022`, `today`, `eom`)."""
    from ..dates.when import WhenError, parse_when

    try:
        return parse_when(text, date.today())
    except WhenError as exc:
        raise CdsError(f"{option}: {exc}") from None


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


def load_repository(records: Path | None, at: str | None = None,
                    light: str | None = None) -> Repository:  # fmt: skip
    """The records (as committed at `at`, if given), validated; files with errors are left
    out, with a warning.  `light`: the id of the one record the caller shows; what it
    needs comes from its own files when the cache can vouch for the rest
    (cdsctl.repository.one), else from the snapshot of unchanged files (light)."""
    from .. import repository

    root = root_at(records, at)
    if light is not None and at is None:
        repo = repository.one(root, light) or repository.light(root, where=True)
    else:
        repo = repository.load(root, cache_dir=False if at is not None else None)
    keep(repo)
    warn_skipped(len(repo.skipped))
    return repo


def warn_skipped(count: int) -> None:
    if count:
        line = _("cdsctl: {count} file(s) with errors left out; run `cdsctl validate`")
        typer.echo(line.format(count=count), err=True)


def query(records: Path | None, at: str | None, key: str,
          compute: Callable[[Repository], Any], text: bool = False) -> Any:  # fmt: skip
    """`compute(repository)`, or its stored answer when the records have not changed
    (:func:`cdsctl.repository.answer`); at a git revision, always computed.  `compute`
    reads what a snapshot holds (tasks, directives, agencies, indicators, task states;
    descriptions with `text`), so the snapshot of unchanged files serves a new date."""
    from ..repository import answer

    found = answer(root_at(records, at), key, compute, cache=at is None, loaded=keep,
                   light=True, text=text)  # fmt: skip
    warn_skipped(found.skipped)
    return found.value


#: the row keys holding a date (ISO text): shown in the reader's form in tables
_DATE_KEYS = frozenset({"deadline", "completed", "date", "issued"})


def emit(fmt: Tabular, rows: list[dict[str, Any]], columns: list[Column], title: str,
         footer: Sequence[str] = (), paging: bool = True) -> None:  # fmt: skip
    """Rows printed as `fmt`, then the lines of `footer`.  For people (table, Markdown) the
    headers are in the chosen language, and in Vietnamese states have their names and dates
    read 20/5/2022; CSV and JSON keep ids and ISO dates, whatever the language (programs read
    them).

    On a terminal, output longer than the screen goes through a pager unless `paging` is off
    (--no-pager; :mod:`cdsctl.cli.pager`): the footer with it, in the same pager.  A table is
    laid out as the pager reads it (:class:`cdsctl.output.tables.TextTable`)."""
    from dataclasses import replace
    from itertools import chain

    from ..output.tables import json_parts, render, table_lines
    from . import pager

    if fmt is Tabular.json and not footer and not pager.may_page(paging):
        pager.write_bytes(chain(json_parts(rows), [b"\n"]))  # (made as written: less memory)
        return
    if fmt in (Tabular.table, Tabular.md):
        columns = [replace(c, header=_(c.header)) for c in columns]
        if i18n.current() == "vi":
            rows = [_for_people(row) for row in rows]
    colour = fmt is Tabular.table and use_colour()
    width = shutil.get_terminal_size((100, 24)).columns
    out: list[str | TextTable] = [
        table_lines(rows, columns, title, colour, width) if fmt is Tabular.table
        else render(fmt.value, rows, columns, title, colour, width)
    ]  # fmt: skip
    out.extend(line + "\n" for line in footer)
    pager.show(out, paging)


def _for_people(row: dict[str, Any]) -> dict[str, Any]:
    shown = dict(row)
    for key in _DATE_KEYS.intersection(row):
        if row[key]:
            shown[key] = i18n.shown_date(row[key])
    if row.get("state"):
        shown["state"] = i18n.state_name(row["state"])
    for key, value in row.items():
        if isinstance(value, float):  # 52,1: the decimal comma
            shown[key] = i18n.shown_number(value)
    return shown


def task_filter(agency: str | None, involved: bool, directive: str | None, group: str | None,
            **more: Any) -> TaskFilter:  # fmt: skip
    from ..queries import TaskFilter

    return TaskFilter(agency, involved, directive, group, **more)


def task_columns() -> list[Column]:
    from ..output.tables import Column

    return [Column(N_("id"), "id"), Column(N_("title"), "title", 40), Column(N_("lead"), "lead"),
            Column(N_("deadline"), "deadline")]  # fmt: skip
