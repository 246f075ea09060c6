"""The checking commands: `validate` (records against the format; exit 1 on errors) and
`schema` (the JSON Schema of a kind, for editors)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..diagnostics import EXIT_ERRORS, EXIT_OK, Diagnostic, has_errors
from ..i18n import _
from .app import command, keep
from .options import (
    Format,
    RecordsOption,
    paths_shown,
    records_root,
    use_colour,
)

if TYPE_CHECKING:
    from ..validation.selection import Selection


def _selected(root: Path, paths: list[Path], rev: str | None) -> Selection | None:
    from ..validation.selection import Selection, select_changed, select_paths

    if not paths and rev is None:
        return None
    selection = select_paths(root, paths) if paths else Selection()
    if rev is not None:
        changed = select_changed(root, rev)
        selection.files |= changed.files
        selection.ids |= changed.ids
    return selection


def _progress_bar(enabled: bool) -> tuple[Any, Callable[[int, int], None] | None]:
    """A rich progress bar on stderr, only on a terminal and only for large roots."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(console=Console(stderr=True), transient=True)
    task = bar.add_task(_("validating"), total=None)

    def update(done: int, total: int) -> None:
        if total >= 2000:
            bar.start()
            bar.update(task, completed=done, total=total)

    return bar, update


@command
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders to report on (default: all).")
    ] = None,
    records: RecordsOption = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    strict: Annotated[bool, typer.Option(help="Warnings fail too (exit 1).")] = False,
    changed_since: Annotated[
        str | None,
        typer.Option(
            help="Report only files changed since this git revision (and untracked), and "
            "problems about ids they define or removed."
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore and keep no cache.")] = False,
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: all cores).")
    ] = None,
) -> None:
    """Check records against the record format; exit 1 on errors.

    References always resolve against the whole records root, also when only some
    files are reported on.  Example: cdsctl validate --format github --changed-since origin/main
    """
    from ..output import report as output
    from ..validation.pipeline import validate as run_validation

    root = records_root(records)
    only = _selected(root, paths or [], changed_since)
    bar, update = _progress_bar(fmt is Format.text)
    try:
        result = run_validation(root, only, cache_dir=False if no_cache else None, jobs=jobs,
                                progress=update, summaries=False)  # fmt: skip
    finally:
        if bar is not None:
            bar.stop()
    keep(result)
    if not no_cache:  # (the first query after it then reads it: cdsctl.snapshot.keeper)
        from ..snapshot.keeper import after_validate

        after_validate(root, result.digest, result.checked)
    shown = paths_shown(root)
    if fmt is Format.json:
        typer.echo(output.as_json(result.diagnostics))
    elif fmt is Format.github:
        for line in output.as_github(result.diagnostics, shown):
            typer.echo(line)
    else:
        _print_text(result.diagnostics, shown, output.summary(result.diagnostics, result.files))
    failed = has_errors(result.diagnostics, strict)
    raise typer.Exit(EXIT_ERRORS if failed else EXIT_OK)


def _print_text(diagnostics: list[Diagnostic], shown: Callable[[str], str], summary: str) -> None:
    from ..output import report as output

    if use_colour():
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=True)
        for line in output.as_rich_markup(diagnostics, shown):
            console.print(line)
    else:
        for line in output.as_text(diagnostics, shown):
            typer.echo(line)
    if diagnostics or sys.stderr.isatty():
        typer.echo(summary, err=True)


class Kind(StrEnum):
    agencies = "agencies"
    directive = "directive"
    task = "task"
    report = "report"
    meeting = "meeting"
    indicator = "indicator"
    calendar = "calendar"


@command
def schema(kind: Annotated[Kind, typer.Argument(help="Record kind.")]) -> None:
    """Print the JSON Schema (draft 2020-12) of a record kind, for editors.

    Example: cdsctl schema task > .schemas/task.json
    """
    from ..schema import json_schema

    typer.echo(json.dumps(json_schema(kind.value), ensure_ascii=False, indent=2))
