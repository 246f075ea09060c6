"""`render`: a document from a template and the records (minutes, notices, progress reports,
digests) as Markdown, HTML or Word."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..diagnostics import CdsError
from ..i18n import _
from .app import command, keep
from .options import (
    AsOfOption,
    AtOption,
    ForceOption,
    RecordsOption,
    as_of_date,
    records_root,
    root_at,
    warn_skipped,
    write_output,
)


class DocFormat(StrEnum):
    md = "md"
    html = "html"
    docx = "docx"


@command
def render(
    template: Annotated[
        str,
        typer.Argument(
            help="A template name (minutes, notice, progress, overdue-digest, "
            "summary) or the path of a template file."
        ),
    ],
    record_id: Annotated[
        str | None,
        typer.Argument(
            metavar="[ID]",
            help="The record it shows: a meeting for minutes, a directive for notice.",
        ),
    ] = None,
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    fmt: Annotated[DocFormat, typer.Option("--format", "-f", help="Output format.")] = DocFormat.md,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (default: standard output; a .docx needs a file).",
        ),
    ] = None,
    force: ForceOption = False,
    period: Annotated[
        str | None,
        typer.Option(
            help="The period of a progress report: 2023-05, 2023-Q2, 2023-H1, 2023 "
            "(default: the month of the as-of date)."
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            help="Look for templates here first (default: $CDSCTL_TEMPLATES, then "
            "templates/ in and beside the records root, then cdsctl's own)."
        ),
    ] = None,
) -> None:
    """Render a document from a template: minutes, notice, progress, overdue-digest, summary.

    Example: cdsctl render minutes ND-HOP-2022-05-10 --format docx -o bien-ban.docx
    """
    from ..output.files import write_new
    from ..render import find, render, search_path

    if fmt is DocFormat.docx and output is None:
        raise CdsError(_("--format docx writes a Word file: give its name with -o FILE"))
    folders = search_path(records_root(records), templates)
    found = find(template, fmt.value, folders)  # (before any record is read)
    rendered = render(root_at(records, at), found, folders, as_of_date(as_of), record_id, period,
                      cache=at is None, loaded=keep)  # fmt: skip
    warn_skipped(rendered.skipped)
    if output is None:
        typer.echo(rendered.data, nl=False)  # bytes as they are (a pipe gets the UTF-8)
    else:
        write_output(output, lambda: write_new(output, rendered.data, force))
