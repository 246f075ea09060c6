"""Documents from templates: meeting minutes, conclusion notices, progress reports and
digests, as Markdown, HTML or Word (.docx), for the committee's secretaries.

:mod:`.lookup` finds a template by name (a repository's own templates before the defaults);
:mod:`.context` computes the variables a template uses; :mod:`.filters` writes the forms
Vietnamese documents use; :mod:`.engine` runs the template in Jinja's sandbox.  The result is
bytes for the caller to write (cdsctl.output.files.write_new: atomic, never over a file
without --force).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..repository import Repository, answer
from .context import FROM_SNAPSHOT, VARIABLES, Sources, agencies_of, gather, period_days
from .engine import render_docx, render_text, variables
from .lookup import Template, find, search_path


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered document (UTF-8 text, or a Word file's bytes), and how many record files
    with errors were left out of what it says."""

    data: bytes
    skipped: int


def render(root: Path, template: Template, folders: list[Path], as_of: date,
           record_id: str | None = None, period: str | None = None, *, cache: bool = True,
           loaded: Callable[[Repository], None] | None = None) -> Rendered:  # fmt: skip
    """`template` rendered with the records under `root` as of `as_of`.

    The variables it uses are computed once for a question (those names, the as-of date,
    the record, the period) and kept with the query answers while no record file changes
    (cdsctl.repository.answer): rendering the same summary as HTML, then as Markdown, reads
    no record the second time.  `cache=False` computes everything (and keeps nothing).
    """
    if period is not None:
        period_days(period)  # (a wrong period is refused before any record is read)
    names = sorted(variables(template, folders) & VARIABLES.keys())
    key = f"render|{','.join(names)}|{as_of}|{record_id}|{period}"

    def compute(repo: Repository) -> dict[str, Any]:
        src = Sources(repo, as_of, record_id, period)
        return {"values": gather(src, names), "agencies": agencies_of(src)}

    light = FROM_SNAPSHOT.issuperset(names)
    found = answer(root, key, compute, cache=cache, loaded=loaded, light=light)
    values, agencies = found.value["values"], found.value["agencies"]
    if template.format == "docx":
        data = render_docx(template, folders, values, agencies)
    else:
        data = render_text(template, folders, values, agencies).encode("utf-8")
    return Rendered(data, found.skipped)


__all__ = ["Rendered", "Template", "find", "render", "search_path"]
