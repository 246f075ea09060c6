"""More commands: indicators, calendar, history.  Registered on the app of :mod:`cdsctl.cli`
when it imports this module (its last line)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import (
    AgencyOption,
    AsOfOption,
    AtOption,
    DirectiveOption,
    FormatOption,
    GroupOption,
    InvolvedOption,
    RecordsOption,
    Tabular,
    _as_of,
    _emit,
    _filter,
    _repository,
    command,
    write_output,
)

if TYPE_CHECKING:
    from ..output.tables import Column


def _indicator_columns(fmt: Tabular) -> list[Column]:
    """CSV: every field.  Table and Markdown: a few combined cells; the table (80 columns)
    leaves the long names out, they would be cut to a few letters."""
    from ..output.tables import Column

    if fmt is Tabular.csv:
        keys = ["id", "name", "unit", "better", "period", "actual", "target", "target_period",
                "on_track", "previous_period", "previous", "change", "trend"]  # fmt: skip
        return [Column(k, k) for k in keys]
    name = [] if fmt is Tabular.table else [Column("name", "name")]
    return [Column("id", "id"), *name, Column("period", "period"),
            Column("actual", "actual_shown", right=True),
            Column("target", "target_shown", right=True), Column("on track", "on_track_shown"),
            Column("trend", "trend_shown")]  # fmt: skip


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    """A row for people: ``47.9%``, ``20 (2022)`` for a target of another period, ``+6.6
    better``, on track as yes/no; CSV gets ``true``/``false``."""
    on_track, unit, change = row["on_track"], row["unit"], row["change"]
    actual = None if row["actual"] is None else _with_unit(row["actual"], unit)
    target = row["target"]
    if target is not None and row["target_period"] != row["period"]:
        target = f"{target} ({row['target_period']})"
    trend = None if change is None else f"{change:+} {row['trend']}"
    return {**row, "on_track": None if on_track is None else str(on_track).lower(),
            "on_track_shown": {True: "yes", False: "no", None: None}[on_track],
            "actual_shown": actual, "target_shown": target, "trend_shown": trend}  # fmt: skip


def _with_unit(value: float, unit: str | None) -> str:
    if not unit:
        return str(value)
    return f"{value}{unit}" if unit == "%" else f"{value} {unit}"


@command
def indicators(
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    fmt: FormatOption = Tabular.table,
) -> None:
    """Each indicator's latest actual, its target, whether it is on track, and its trend.

    The latest actual is that of the latest period known on the as-of date: one whose actual
    is dated by then, or, without a date, whose period has ended.

    Its target is the one for the same period, else the next later one (period in brackets).

    Example: cdsctl indicators --as-of 2023-12-31
    """
    from ..indicators import indicator_rows

    repo, day = _repository(records, at), _as_of(as_of)
    rows = indicator_rows(repo.records, day)
    shown = rows if fmt is Tabular.json else [_shown(r) for r in rows]
    _emit(fmt, shown, _indicator_columns(fmt), f"Indicators as of {day}")


@command
def calendar(
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    agency: AgencyOption = None,
    involved: InvolvedOption = False,
    directive: DirectiveOption = None,
    group: GroupOption = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (default: standard output)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the --output file.")] = False,
) -> None:
    """Open and overdue deadlines as an iCalendar (.ics) file for calendar apps.

    One all-day event per task or recurring instance, on its deadline in force; a recurring
    duty's instances still to come are there up to its end (12 months ahead without one).

    Open deadlines carry a reminder at 09:00 three days before.

    Example: cdsctl calendar --agency ND-STTTT --involved -o sttt.ics
    """
    from ..output.ical import CALENDAR_NAME, ical_bytes, write_new
    from ..queries import select
    from ..state import through_end

    repo, day = _repository(records, at), _as_of(as_of)
    keep = _filter(agency, involved, directive, group).resolved(repo.records)
    items = select(repo.states(day, horizon=through_end(day)), keep, repo.records)
    lead = keep.agency
    name = f"{CALENDAR_NAME} — {repo.records.agency_name(lead)}" if lead else CALENDAR_NAME
    data = ical_bytes(items, repo.records, day, name)
    if output is None:
        typer.echo(data, nl=False)  # bytes as they are: UTF-8 with CRLF line ends
    else:
        write_output(output, lambda: write_new(output, data, force))


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

    repo = _repository(records)
    revisions = record_history(repo.root, find(repo.validation.summaries, record_id))
    if fmt is HistoryFormat.json:
        typer.echo(json.dumps([r.row() for r in revisions], ensure_ascii=False, indent=2))
    elif revisions:
        typer.echo(as_text(revisions), nl=False)
    else:
        typer.echo(f"{record_id}: no commits yet", err=True)
