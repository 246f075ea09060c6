"""`review`: what the commits from BASE to HEAD do to the records, and the rules they break
(cdsctl.review)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from ..diagnostics import EXIT_ERRORS
from .app import command
from .options import AsOfOption, RecordsOption, as_of_date, records_root, warn_skipped


class ReviewFormat(StrEnum):
    text = "text"
    md = "md"
    github = "github"
    json = "json"


@command
def review(
    base: Annotated[
        str, typer.Argument(metavar="BASE", help="The revision to compare from: origin/main.")
    ],
    head: Annotated[
        str | None,
        typer.Argument(
            metavar="[HEAD]",
            help="The revision to compare to (default: the work tree, uncommitted edits too).",
            show_default=False,
        ),
    ] = None,
    records: RecordsOption = None,
    as_of: AsOfOption = "today",
    fmt: Annotated[
        ReviewFormat,
        typer.Option(
            "--format",
            "-f",
            help="text, md (a pull-request comment), github (annotations) or json.",
        ),
    ] = ReviewFormat.text,
) -> None:
    """What the commits from BASE to HEAD do to the records, and the rules they break.

    Lists tasks added, closed and cancelled, deadlines moved, reports filed,
    agencies added or renamed, indicators updated and each agency's on-time
    rate before and after (as of --as-of). Exits 1 when a rule is broken: a
    task's due changed or removed (a deadline moves by a new extension), an
    extension already granted changed or removed, a report's date or a status
    in it rewritten, a record deleted that others refer to.

    Example: cdsctl review origin/main --format md > comment.md
    """
    from ..review.changes import review as review_range
    from ..review.formats import render

    day = as_of_date(as_of)
    found = review_range(records_root(records), base, head, day)
    warn_skipped(len(found.left_out["base"]) + len(found.left_out["head"]))
    typer.echo(render(found, fmt.value), nl=False)
    if found.violations:
        raise typer.Exit(EXIT_ERRORS)
