"""Rows of query results as text: a terminal table, JSON, CSV or Markdown.

JSON carries every field of every row (spec §5); the other formats show the columns a
command chooses.  Nothing here prints: each function returns the text.

For people (table, Markdown) a row is one line: a line break inside a value is shown as ⏎
(CSV and JSON keep values as written).  A table never cuts its key columns (id, dates,
numbers): only text columns (those with a width) are cut, with "…", to what the terminal
leaves, but never below :data:`MIN_TEXT`; a terminal narrower than that gets longer lines
(it wraps them) rather than cells left empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..text import one_line

TABULAR = ("table", "json", "csv", "md")
#: the narrowest a text column is cut to
MIN_TEXT = 12


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    key: str
    width: int | None = None  # table and Markdown cut longer text with "…"
    right: bool = False

    def cell(self, row: dict[str, Any], cut: bool = True) -> str:
        """The cell's text; `cut` (for people): on one line, and cut to the width."""
        value = row.get(self.key)
        if value is None:
            return ""
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        text = str(value)
        if cut:
            text = one_line(text).replace("\t", " ")
            if self.width and len(text) > self.width:
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
    """A rich table rendered to text (colour only when asked: on a terminal).

    Cells are plain text, never rich markup (`[red]` in a title is shown as written).
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    columns = _fitted(columns, rows, width)
    cells = [[c.cell(row) for c in columns] for row in rows]
    table = Table(title=Text(one_line(title)) if title else None, title_justify="left",
                  show_edge=False, pad_edge=False)  # fmt: skip
    for c in columns:
        table.add_column(Text(c.header), justify="right" if c.right else "left", no_wrap=True,
                         overflow="ellipsis")  # fmt: skip
    for line in cells:
        table.add_row(*map(Text, line))
    needed = _width([len(c.header) for c in columns], cells)
    console = Console(file=io.StringIO(), width=max(width, needed), force_terminal=colour,
                      color_system="auto" if colour else None, highlight=False)  # fmt: skip
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


def _width(headers: list[int], cells: list[list[str]]) -> int:
    """The width a table of these cells takes: its widest cell per column, " │ " between."""
    from rich.cells import cell_len

    widest = [max([h, *(cell_len(line[i]) for line in cells)]) for i, h in enumerate(headers)]
    return sum(widest) + 3 * (len(widest) - 1)


def _fitted(columns: Sequence[Column], rows: Sequence[dict[str, Any]],
            width: int) -> list[Column]:  # fmt: skip
    """Columns whose text ones (those with a width) are cut to what the terminal leaves."""
    fixed = [c for c in columns if not c.width]
    used = sum(max([len(c.header), *(len(c.cell(r)) for r in rows)]) for c in fixed)
    used += 3 * (len(columns) - 1)  # " │ " between columns
    texts = [c for c in columns if c.width]
    room = max(MIN_TEXT, (width - used) // max(1, len(texts)))
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
