"""Printing diagnostics: text (`file:line:col: severity code message`), JSON (spec §5), GitHub."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from ..diagnostics import Diagnostic, Severity
from ..i18n import _, n_
from ..text import one_line

FORMATS = ("text", "json", "github")
PathShown = Callable[[str], str]


def as_json(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2)


def as_text(diagnostics: Sequence[Diagnostic], shown: PathShown) -> list[str]:
    """One line per problem: a line break in a file name or a quoted value shows as ⏎."""
    return [
        one_line(f"{shown(d.file)}:{d.line}:{d.column}: {d.severity} {d.code} {d.text()}")
        for d in diagnostics
    ]


def as_rich_markup(diagnostics: Sequence[Diagnostic], shown: PathShown) -> list[str]:
    from rich.markup import escape

    colour = {Severity.ERROR: "bold red", Severity.WARNING: "yellow"}
    return [
        f"[bold]{escape(one_line(shown(d.file)))}:{d.line}:{d.column}:[/] "
        f"[{colour[d.severity]}]{d.severity}[/] [cyan]{d.code}[/] {escape(one_line(d.text()))}"
        for d in diagnostics
    ]


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")\
        .replace(":", "%3A").replace(",", "%2C")  # fmt: skip


def as_github(diagnostics: Sequence[Diagnostic], shown: PathShown) -> list[str]:
    """GitHub Actions workflow commands, so errors show on the pull request's diff."""
    lines = []
    for d in diagnostics:
        message = d.text().replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        props = f"file={_escape_property(shown(d.file))},line={d.line},col={d.column}"
        lines.append(f"::{d.severity} {props},title={d.code}::{message}")
    return lines


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """The last line of a check: how many errors and warnings in how many files."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    checked = n_("{n} file", "{n} files", files).format(n=files)
    if not diagnostics:
        return _("{files} checked, no problems").format(files=checked)
    return _("{errors}, {warnings} in {files}").format(
        errors=n_("{n} error", "{n} errors", errors).format(n=errors),
        warnings=n_("{n} warning", "{n} warnings", warnings).format(n=warnings),
        files=checked,
    )
