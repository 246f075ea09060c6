"""Rows of query results as text: a terminal table, JSON, CSV or Markdown.

JSON carries every field of every row (spec §5); the other formats show the columns a
command chooses.  Nothing here prints: each function returns the text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

TABULAR = ("table", "json", "csv", "md")


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    key: str
    width: int | None = None  # table and Markdown cut longer text with "…"
    right: bool = False

    def cell(self, row: dict[str, Any], cut: bool = True) -> str:
        value = row.get(self.key)
        if value is None:
            return ""
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        text = str(value)
        if cut and self.width and len(text) > self.width:
            text = text[: self.width - 1].rstrip() + "…"
        return text


def as_json(rows: Sequence[dict[str, Any]]) -> str:
    """Rows as JSON indented by two spaces, text as written (not \\u-escaped).

    The same text json.dumps(indent=2, ensure_ascii=False) gives, made by msgspec: with an
    indent the standard library falls back to its pure-Python encoder, which took 5 s
    for the 100,000 rows of the overdue benchmark (msgspec: ~0.5 s).
    """
    import msgspec

    return msgspec.json.format(msgspec.json.encode(list(rows)), indent=2).decode()


def as_csv(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    writer.writerows([c.cell(row, cut=False) for c in columns] for row in rows)
    return out.getvalue()


def as_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = ["--:" if c.right else "---" for c in columns]
    body = [line([c.cell(row) for c in columns]) for row in rows]
    return "\n".join([line([c.header for c in columns]), line(rule), *body]) + "\n"


def as_table(rows: Sequence[dict[str, Any]], columns: Sequence[Column], title: str | None = None,
             colour: bool = False, width: int = 100) -> str:  # fmt: skip
    """A rich table rendered to text (colour only when asked: on a terminal)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    columns = _fitted(columns, rows, width)
    for c in columns:
        table.add_column(c.header, justify="right" if c.right else "left", no_wrap=True)
    for row in rows:
        table.add_row(*(c.cell(row) for c in columns))
    console = Console(file=io.StringIO(), width=width, color_system="auto" if colour else None,
                      force_terminal=colour, highlight=False)  # fmt: skip
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


def _fitted(columns: Sequence[Column], rows: Sequence[dict[str, Any]],
            width: int) -> list[Column]:  # fmt: skip
    """Columns whose text ones (those with a width) are cut to what the terminal leaves."""
    fixed = [c for c in columns if not c.width]
    used = sum(max([len(c.header), *(len(c.cell(r)) for r in rows)]) for c in fixed)
    used += 3 * (len(columns) - 1)  # " │ " between columns
    texts = [c for c in columns if c.width]
    room = max(12, (width - used) // max(1, len(texts)))
    return [replace(c, width=min(c.width, room)) if c.width else c for c in columns]


def render(fmt: str, rows: Sequence[dict[str, Any]], columns: Sequence[Column],
           title: str | None = None, colour: bool = False, width: int = 100) -> str:  # fmt: skip
    formats: dict[str, Callable[[], str]] = {
        "json": lambda: as_json(rows) + "\n",
        "csv": lambda: as_csv(rows, columns),
        "md": lambda: as_markdown(rows, columns),
        "table": lambda: as_table(rows, columns, title, colour, width),
    }
    return formats[fmt]()
