"""Shell completion of record ids and agencies (bash, zsh, fish: `cdsctl
--install-completion`), answered from the names the last validation kept in the cache
(cdsctl.validation.names): no record is read while a Tab waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


def _names(ctx: typer.Context) -> dict[str, list[Any]]:
    from ..diagnostics import CdsError
    from ..load.files import find_root
    from ..validation.names import known_names

    records = ctx.params.get("records")
    try:
        root = find_root(Path(records) if records else None)
    except CdsError:
        return {}
    return known_names(root)


def _ids(kind: str, ctx: typer.Context, incomplete: str) -> list[str]:
    return [i for i in _names(ctx).get(kind, ()) if i.startswith(incomplete)]


def task_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return _ids("task", ctx, incomplete)


def directive_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return _ids("directive", ctx, incomplete)


def agency_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Agencies whose id starts with what is typed: (id, its short name) to choose from
    (zsh and fish show the name; a name typed in full is taken too, diacritics aside)."""
    agencies = _names(ctx).get("agencies", ())
    return [(i, short or name) for i, short, name in agencies if i.startswith(incomplete)]
