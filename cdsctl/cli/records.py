"""The commands about one record: `show` (with its references resolved) and `history`
(the commits that changed it)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from ..i18n import _
from .app import command
from .options import (
    AsOfOption,
    AtOption,
    RecordsOption,
    as_of_date,
    load_repository,
)


class Shown(StrEnum):
    text = "text"
    json = "json"


@command
def show(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record id, or TASK@PERIOD.")],
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    fmt: Annotated[Shown, typer.Option("--format", "-f", help="Output format.")] = Shown.text,
) -> None:
    """One record with its references resolved: directive, agencies, reports, state, deadlines.

    Example: cdsctl show TB-128-2022.4 --as-of 2022-06-30
    """
    from ..output.show import as_text, describe

    repo, day = load_repository(records, at, light=record_id), as_of_date(as_of)
    found = describe(repo, record_id, day)
    if fmt is Shown.json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo("\n".join(as_text(found, day)))


class HistoryFormat(StrEnum):
    table = "table"
    json = "json"


@command
def history(
    record_id: Annotated[str, typer.Argument(metavar="ID", help="A record or agency id.")],
    records: RecordsOption = None,
    fmt: Annotated[
        HistoryFormat, typer.Option("--format", "-f", help="Output format.")
    ] = HistoryFormat.table,
) -> None:
    """The commits that changed a record, newest first, and the fields each changed.

    The records root must be in git; renamed files are followed.

    Example: cdsctl history TB-128-2022.3
    """
    import json

    from ..history import as_text, find
    from ..history import history as record_history

    repo = load_repository(records)
    revisions = record_history(repo.root, find(repo.validation.summaries, record_id))
    if fmt is HistoryFormat.json:
        typer.echo(json.dumps([r.row() for r in revisions], ensure_ascii=False, indent=2))
    elif revisions:
        typer.echo(as_text(revisions), nl=False)
    else:
        typer.echo(_("{id}: no commits yet").format(id=record_id), err=True)
