"""Documents from templates: meeting minutes, conclusion notices, progress reports and
digests, as Markdown, HTML or Word (.docx), for the committee's secretaries.

:mod:`.lookup` finds a template by name (a repository's own templates before the defaults);
:mod:`.context` computes the variables a template uses; :mod:`.filters` writes the forms
Vietnamese documents use; :mod:`.engine` runs the template in Jinja's sandbox.  The result is
bytes for the caller to write (cdsctl.output.files.write_new: atomic, never over a file
without --force).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..diagnostics import CdsError
from ..repository import Repository
from .context import Sources, context
from .engine import render_docx, render_text, variables
from .lookup import Template, find, search_path

_PERIOD = re.compile(r"[0-9]{4}(?:-(?:0[1-9]|1[0-2]|Q[1-4]|H[12]))?")


def render(repo: Repository, template: Template, folders: list[Path], as_of: date,
           record_id: str | None = None, period: str | None = None) -> bytes:  # fmt: skip
    """`template` rendered with the records of `repo` as of `as_of`: UTF-8 text, or the
    bytes of a Word file."""
    if period is not None and not _PERIOD.fullmatch(period):
        raise CdsError(f"--period {period!r}: write a month, quarter, half-year or year: "
                       "2023-05, 2023-Q2, 2023-H1, 2023")  # fmt: skip
    names = variables(template, folders)
    src = Sources(repo, as_of, record_id, period)
    values = context(src, names)
    agencies = {a.id: {"id": a.id, "name": a.name, "short": a.short or a.name}
                for a in repo.records.agencies.values()}  # fmt: skip
    if template.format == "docx":
        return render_docx(template, folders, values, agencies)
    return render_text(template, folders, values, agencies).encode("utf-8")


__all__ = ["Template", "find", "render", "search_path"]
