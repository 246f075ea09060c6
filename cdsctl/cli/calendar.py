"""`calendar`: open and overdue deadlines as an iCalendar file for calendar apps."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import command
from .options import (
    AgencyOption,
    AsOfOption,
    AtOption,
    DirectiveOption,
    ForceOption,
    GroupOption,
    InvolvedOption,
    RecordsOption,
    as_of_date,
    load_repository,
    task_filter,
    write_output,
)


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
    force: ForceOption = False,
) -> None:
    """Open and overdue deadlines as an iCalendar (.ics) file for calendar apps.

    One all-day event per task or recurring instance, on its deadline in force; a recurring
    duty's instances still to come are there up to its end (12 months ahead without one).

    Open deadlines carry a reminder at 09:00 three days before.

    Example: cdsctl calendar --agency ND-STTTT --involved -o sttt.ics
    """
    from ..output.files import write_new
    from ..output.ical import CALENDAR_NAME, ical_bytes
    from ..queries import select
    from ..state import through_end

    repo, day = load_repository(records, at), as_of_date(as_of)
    keep = task_filter(agency, involved, directive, group).resolved(repo.records)
    items = select(repo.states(day, horizon=through_end(day)), keep, repo.records)
    lead = keep.agency
    name = f"{CALENDAR_NAME} — {repo.records.agency_name(lead)}" if lead else CALENDAR_NAME
    data = ical_bytes(items, repo.records, day, name)
    if output is None:
        typer.echo(data, nl=False)  # bytes as they are: UTF-8 with CRLF line ends
    else:
        write_output(output, lambda: write_new(output, data, force))
