"""`export`: the records as tables (Parquet or CSV) that the Ministry reads for every
province together."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import _, n_
from .app import command
from .options import AsOfOption, AtOption, RecordsOption, as_of_date, load_repository, records_root


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"


@command
def export(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="The folder to write the tables into (made if missing)."
        ),
    ],
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="parquet (needs the export extra) or csv."),
    ] = ExportFormat.parquet,
    province: Annotated[
        str | None,
        typer.Option(
            "--province",
            help="The value of the province column (default: province in the records' "
            "cdsctl.toml, else the name of the records folder).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the tables of an earlier export in DIR.")
    ] = False,
) -> None:
    """The records as tables for comparing provinces: one file per table in DIR.

    Tables: agencies, directives, tasks, task_instances (each task and
    recurring instance with its state as of the date), deadlines, reports,
    report_items, indicators, measures. Each has a province column, so that
    the exports of many provinces read as one (docs/export.md).

    Example: cdsctl export exports/quang-ninh --province "Quảng Ninh"
    """
    from ..export.province import province_name
    from ..export.tables import build
    from ..export.write import plan, write

    day = as_of_date(as_of)
    target = plan(folder, fmt.value, force)  # (before loading: what stops it, stops it first)
    named = records_root(records)
    repo = load_repository(records, at)
    name = province_name(province, repo.root, named)
    tables = build(repo, name, day)
    files = write(target, tables)
    line = _("Exported {province} as of {day} to {folder}:")
    typer.echo(line.format(province=name, day=day.isoformat(), folder=folder))
    width = max(len(path.name) for path in files.values())
    for table, path in files.items():
        count = len(tables[table])
        rows = n_("{count} row", "{count} rows", count).format(count=count)
        typer.echo(f"  {path.name:<{width}}  {rows}")
