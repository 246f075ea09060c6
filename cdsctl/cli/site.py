"""`site`: a static dashboard of the records for the committee's leaders."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import i18n
from ..i18n import _
from .app import command, keep
from .options import (
    AsOfOption,
    AtOption,
    RecordsOption,
    as_of_date,
    load_repository,
    records_root,
    warn_skipped,
)

if TYPE_CHECKING:
    from ..repository import Repository
    from ..site import Options, Written
    from ..validation.walking import Walking


@command
def site(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="The folder to build the site in (made if missing).",
        ),
    ],
    records: RecordsOption = None,
    as_of: AsOfOption = "today",
    at: AtOption = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Leave out records marked `visibility: internal`, and every mention of them.",
        ),
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            show_default=False,
            help="Where the records' files are on the git host (e.g. https://github.com"
            "/ORG/REPO/blob/main/records): each page links its record's file there.",
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            show_default=False,
            help="The site's name in every page's header (default: the committee's).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Build in a folder holding files cdsctl did not write.")
    ] = False,
) -> None:
    """A static site of the records: open DIR/index.html, or publish DIR on any static host.

    A home page (overdue and its trend, due this week, the agencies' on-time
    rates, progress by group, indicators against targets), a page per agency,
    directive, task, indicator and meeting, and a search box that works
    without a server. Run again into the same folder, only the pages whose
    content changed are written (docs/site.md).

    Example: cdsctl site -o public-site --public --base-url https://github.com/ORG/REPO/blob/main/records
    """
    from .. import site as sites
    from ..gitstore import resolve
    from ..validation.walking import Walking

    day = as_of_date(as_of)
    named = records_root(records)
    commit = resolve(named, at, "--at") if at is not None else None
    options = sites.Options(day, public, base_url, commit, named, title, force, _pages_lang(named))
    walking = Walking(named) if at is None else None
    done = _built_already(named, output, options, walking) if walking is not None else None
    if done is None:
        repo = load_repository(records, at) if walking is None else _snapshot(named, walking)
        done = sites.build(repo, output, options)
    warn_skipped(done.left_out)
    line = _(
        "Built {pages} pages as of {day} in {folder}: {written} written, {removed} removed; "
        "open {index}"
    )
    typer.echo(
        line.format(
            pages=done.pages,
            day=day.isoformat(),
            folder=output,
            written=done.written,
            removed=done.removed,
            index=output / "index.html",
        )
    )


def _pages_lang(root: Path) -> str | None:
    """The pages are in Vietnamese unless --lang, $CDSCTL_LANG or the records' cdsctl.toml
    chose a language (then in that one): the committee reads them, whatever the locale of
    the machine that builds them."""
    if i18n.chosen()[1] or i18n.from_config(root) is not None:
        return None
    return "vi"


def _built_already(root: Path, output: Path, options: Options,
                   walking: Walking) -> Written | None:  # fmt: skip
    """The build in `output` when nothing it was made of changed (site.built_already), told
    by a walk of the records' files, which the build goes on with otherwise."""
    from .. import site as sites
    from ..load.files import Seen, seen_in

    def digest() -> bytes:
        seen = walking()
        return seen.digest if isinstance(seen, Seen) else seen_in(seen).digest

    return sites.built_already(root, output, options, digest)


def _snapshot(root: Path, walking: Walking) -> Repository:
    """The records as the snapshot kept for their files holds them (validated and loaded
    when there is none): a site reads nothing else (docs/site.md, "Speed")."""
    from .. import repository

    repo = repository.light(root, where=True, text=True, walking=walking)
    keep(repo)
    return repo
