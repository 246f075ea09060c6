"""Commands that write records: init, new (directive, task, report, meeting, indicator),
report, extend, done, cancel.  Each reads its options, asks cdsctl.authoring for a plan,
shows it (`--dry-run`) or lands it: checked with the whole root first, written atomically,
committed with `--commit`."""

from __future__ import annotations

import difflib
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..diagnostics import EXIT_ERRORS
from ..i18n import _
from .app import app, command
from .complete import agency_ids, task_ids
from .options import RecordsOption, as_of_date, load_repository

if TYPE_CHECKING:
    from ..authoring.land import Plan
    from ..repository import Repository

new_app = typer.Typer(
    name="new",
    help="Write a new record (directive, task, report, meeting, indicator): from options, "
    "or by questions on a terminal.",
    no_args_is_help=True,
)
app.add_typer(new_app)


class Status(StrEnum):
    done = "done"
    in_progress = "in-progress"
    blocked = "blocked"
    not_started = "not-started"


DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print what would be written; write nothing.")
]
CommitOption = Annotated[
    bool,
    typer.Option("--commit", help="Commit the change with git (only the files written)."),
]
ForceNewOption = Annotated[bool, typer.Option("--force", help="Replace a file that exists.")]
DateOption = Annotated[
    str, typer.Option("--date", help="The date: 2023-06-12, 12/6/2023, today, yesterday.")
]
TaskArgument = Annotated[
    str, typer.Argument(help="The task's id, e.g. TB-128-2022.3.", autocompletion=task_ids)
]
DocOption = Annotated[
    str, typer.Option("--by", help="The document that decides it: a directive id or a number.")
]


def day_of(text: str, option: str) -> str:
    """A date as people write it (`12/6/2023`, `today`), as ISO text."""
    return as_of_date(text, option).isoformat()


def finish(plan: Plan, *, dry_run: bool, commit: bool = False, force: bool = False) -> None:
    """Show `plan` (dry run) or land it: print what was written, or the diagnostics of a
    refused change (exit 1)."""
    from ..authoring.land import Refused, land

    if dry_run:
        _show_plan(plan)
        return
    try:
        written = land(plan, force=force, commit=commit)
    except Refused as refused:
        from ..output.report import as_text

        for line in as_text(refused.diagnostics, str):
            typer.echo(line, err=True)
        typer.echo(f"cdsctl: {refused}", err=True)
        raise typer.Exit(EXIT_ERRORS) from None
    for relpath in written:
        typer.echo(_("wrote {file}").format(file=relpath))
    if commit:
        typer.echo(_("committed: {message}").format(message=plan.message))


def _show_plan(plan: Plan) -> None:
    for relpath, data in plan.creates.items():
        typer.echo(f"# {relpath}")
        typer.echo(data.decode(), nl=False)
    for relpath, (before, after) in plan.edits.items():
        lines = difflib.unified_diff(before.decode().splitlines(keepends=True),
                                     after.decode().splitlines(keepends=True),
                                     f"a/{relpath}", f"b/{relpath}")  # fmt: skip
        typer.echo("".join(lines), nl=False)


def _agency(repo: Repository, text: str | None, option: str) -> str | None:
    from ..filters import agency_id

    return agency_id(repo.records, text, option) if text else None


# -- the facts of every day ----------------------------------------------------------------------


@command
def done(
    task: TaskArgument,
    day: Annotated[
        str, typer.Option("--date", help="The day it was done (default: today).")
    ] = "today",
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
) -> None:
    """Mark a task done: `completed: DATE` in its file.

    Example: cdsctl done TB-128-2022.3 --date 12/6/2022
    """
    from ..authoring import facts

    repo = load_repository(records)
    finish(facts.done(repo, task, day=day_of(day, "--date")), dry_run=dry_run, commit=commit)


@command
def cancel(
    task: TaskArgument,
    by: DocOption,
    reason: Annotated[str, typer.Option("--reason", help="Why the task is cancelled.")],
    day: Annotated[str, typer.Option("--date", help="The day (default: today).")] = "today",
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
) -> None:
    """Cancel a task (`cancelled: {date, reason, by}`).

    Example: cdsctl cancel TB-128-2022.5 --by 215/TB-UBND --reason "Gộp vào nhiệm vụ 3"
    """
    from ..authoring import facts

    repo = load_repository(records)
    plan = facts.cancel(repo, task, day=day_of(day, "--date"), by=by, reason=reason)
    finish(plan, dry_run=dry_run, commit=commit)


@command
def extend(
    task: TaskArgument,
    to: Annotated[str, typer.Option("--to", help="The new deadline: 30/9/2022, 2022-09-30.")],
    by: DocOption,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is extended.")] = None,
    granted: Annotated[
        str, typer.Option("--granted", help="The day the extension was granted (default: today).")
    ] = "today",
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
) -> None:
    """Extend a task's deadline: one more item in its `extensions`.

    Example: cdsctl extend TB-128-2022.5 --to 30/9/2022 --by 215/TB-UBND --granted 15/6/2022
    """
    from ..authoring import facts

    repo = load_repository(records)
    plan = facts.extend(repo, task, to=day_of(to, "--to"), by=by,
                        granted=day_of(granted, "--granted"), reason=reason)  # fmt: skip
    finish(plan, dry_run=dry_run, commit=commit)


@command
def report(
    task: TaskArgument,
    status: Annotated[Status, typer.Option("--status", help="Where the task stands.")],
    progress: Annotated[
        float | None, typer.Option("--progress", min=0, max=100, help="Per cent done, 0-100.")
    ] = None,
    day: Annotated[
        str, typer.Option("--date", help="The report's date (default: today).")
    ] = "today",
    agency: Annotated[
        str | None,
        typer.Option(
            "--agency", help="The reporting agency (default: the lead).", autocompletion=agency_ids
        ),
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="The period of a recurring task: 2022-05.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note on the task.")] = None,
    number: Annotated[
        str | None, typer.Option("--number", help="The report's number, e.g. 45/BC-STTTT.")
    ] = None,
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
) -> None:
    """Record an agency's report on a task: a new report, or one more item in that
    agency's report of that day.

    Example: cdsctl report TB-128-2022.3 --status done --date 12/6/2022
    """
    from ..authoring import facts

    repo = load_repository(records)
    plan = facts.report(repo, task, agency=_agency(repo, agency, "--agency"),
                        day=day_of(day, "--date"), status=status.value, progress=progress,
                        note=note, period=period, number=number)  # fmt: skip
    finish(plan, dry_run=dry_run, commit=commit)


# -- a new repository ----------------------------------------------------------------------------


@command
def init(
    folder: Annotated[Path, typer.Argument(help="The folder (default: here).")] = Path("."),
    province: Annotated[
        str | None, typer.Option("--province", help="The province, e.g. Quảng Ninh.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Add the missing files to a folder that is not empty.")
    ] = False,
) -> None:
    """Start a records repository: agencies, folders, README, checks on commit, settings.

    Example: cdsctl init ho-so-cds --province "Quảng Ninh"
    """
    from ..authoring.scaffold import init as scaffold

    made = scaffold(folder, province=province, force=force)
    for relpath in made.created:
        typer.echo(_("wrote {file}").format(file=relpath))
    for relpath in made.kept:
        typer.echo(_("kept {file} (it exists)").format(file=relpath))
    typer.echo(_("next: cd {folder} && cdsctl validate").format(folder=folder))
