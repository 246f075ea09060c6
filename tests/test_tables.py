"""The text table (cdsctl.output.tables) is byte for byte the table rich drew before it.

cdsctl drew its tables with rich until rich's layout of every cell made 84,000 rows take
24 s (issue 13); the README's and the docs' examples are rich's text, compared verbatim
(test_readme).  :func:`rich_table` below is that old implementation, kept here as the
reference: for generated rows (Vietnamese with and without diacritics, CJK wide characters,
empty cells, None, lists, numbers, text long enough to be cut, titles that wrap, widths from
20 to 200) the new renderer must give the same text, with and without colour.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl.output import tables
from cdsctl.output.tables import MIN_TEXT, Column, as_table, render, table_lines
from cdsctl.text import one_line


def rich_table(
    rows: list[dict[str, Any]],
    columns: list[Column],
    title: str | None = None,
    colour: bool = False,
    width: int = 100,
) -> str:
    """The table as cdsctl drew it with rich (cdsctl.output.tables.as_table until issue 13)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    columns = _rich_fitted(columns, rows, width)
    cells = [[c.cell(row) for c in columns] for row in rows]
    table = Table(
        title=Text(one_line(title)) if title else None,
        title_justify="left",
        show_edge=False,
        pad_edge=False,
    )
    for c in columns:
        table.add_column(
            Text(c.header),
            justify="right" if c.right else "left",
            no_wrap=True,
            overflow="ellipsis",
        )
    for line in cells:
        table.add_row(*map(Text, line))
    needed = _rich_width([len(c.header) for c in columns], cells)
    console = Console(
        file=io.StringIO(),
        width=max(width, needed),
        force_terminal=colour,
        color_system="auto" if colour else None,
        highlight=False,
    )
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined]


def _rich_width(headers: list[int], cells: list[list[str]]) -> int:
    from rich.cells import cell_len

    widest = [max([h, *(cell_len(line[i]) for line in cells)]) for i, h in enumerate(headers)]
    return sum(widest) + 3 * (len(widest) - 1)


def _rich_fitted(columns: list[Column], rows: list[dict[str, Any]], width: int) -> list[Column]:
    fixed = [c for c in columns if not c.width]
    used = sum(max([len(c.header), *(len(c.cell(r)) for r in rows)]) for c in fixed)
    used += 3 * (len(columns) - 1)
    texts = [c for c in columns if c.width]
    room = max(MIN_TEXT, (width - used) // max(1, len(texts)))
    return [replace(c, width=min(c.width, room)) if c.width else c for c in columns]


# -- what the properties draw ------------------------------------------------------------

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợ"
    "ùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ"
)
#: letters, the wide ones (CJK, two cells), spaces (some trailing), marks that take no cell
#: (NFD), punctuation, and what a record may hold that a line of a table cannot
ALPHABET = st.sampled_from(
    [
        *VIETNAMESE,
        *"ABCXYZ0123456789",
        *"中文字国",
        *"  ",
        "\u00a0",
        "\u3000",
        "\u0301",
        "\u0323",
        *",.-/()[]&",
        "…",
        "\n",
        "\r",
        "\t",
        "\u2028",
        "\x07",
        "é",
    ]
)
TEXT = st.text(ALPHABET, max_size=60)
WORDS = st.lists(
    st.text(ALPHABET.filter(lambda c: c not in "\n\r\t\u2028"), min_size=1, max_size=14),
    max_size=12,
).map(" ".join)
#: headers are the catalog's one-line words (a header is never cut: no wide characters)
HEADER = st.text(st.sampled_from([*VIETNAMESE, *"ABCabc %-"]), min_size=1, max_size=12)
VALUE = st.one_of(
    st.none(),
    TEXT,
    WORDS,
    st.integers(-5, 100_000),
    st.floats(-100, 100, allow_nan=False),
    st.lists(st.text(ALPHABET, max_size=8), max_size=3),
    st.just(""),
    st.booleans(),
)
#: a column of one kind, its values often repeated (as a table's are: titles, agencies, days)
KINDS = [
    st.sampled_from(["Báo cáo quý", "Đề án 06", "中文字", "X", " a ", "dài " * 12]),
    TEXT,
    st.integers(0, 3),
    st.sampled_from([0, 1, 1.0, True, -0.0, 0.0]),
    st.none(),
    VALUE,
    st.none() | st.sampled_from(["2022-05-20", "20/5/2022", "", "dài " * 12]),  # a deadline
    st.none() | st.integers(0, 3),  # days overdue
    st.none() | st.integers(0, 3) | st.sampled_from(["1", "0", " "]),
]


@st.composite
def table_cases(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[Column], str | None, int]:
    n = draw(st.integers(1, 6))
    columns = [
        Column(
            draw(HEADER),
            f"k{i}",
            draw(st.sampled_from([None, None, 12, 20, 32, 40])),
            draw(st.booleans()),
        )
        for i in range(n)
    ]
    kinds = {c.key: draw(st.sampled_from(KINDS)) for c in columns}
    rows = draw(st.lists(st.fixed_dictionaries(kinds), max_size=draw(st.sampled_from([3, 8, 20]))))
    title = draw(st.one_of(st.none(), st.just(""), WORDS, TEXT))
    return rows, columns, title, draw(st.integers(20, 200))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_cases())
def test_the_table_is_richs_text(
    table: tuple[list[dict[str, Any]], list[Column], str | None, int],
) -> None:
    rows, columns, title, width = table
    assert as_table(rows, columns, title, False, width) == rich_table(
        rows, columns, title, False, width
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table_cases(), st.integers(1, 4))
def test_rows_measured_in_small_blocks(
    table: tuple[list[dict[str, Any]], list[Column], str | None, int], block: int
) -> None:
    """Rows are measured a block at a time (1,000 rows), and a column whose first block
    repeats its values keeps them distinct until a block cannot (a list, None, 1.0 after 1):
    blocks of a few rows try those turns."""
    rows, columns, title, width = table
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "_BLOCK", block)
        assert as_table(rows, columns, title, False, width) == rich_table(
            rows, columns, title, False, width
        )


def _terminal(mp: pytest.MonkeyPatch, term: str) -> None:
    mp.setenv("TERM", term)
    for name in ("COLORTERM", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "COLUMNS", "LINES"):
        mp.delenv(name, raising=False)


@settings(max_examples=100, deadline=None)
@given(table_cases(), st.sampled_from(["xterm-256color", "xterm", "linux", "screen"]))
def test_in_colour_too(
    table: tuple[list[dict[str, Any]], list[Column], str | None, int], term: str
) -> None:
    rows, columns, title, width = table
    with pytest.MonkeyPatch.context() as mp:
        _terminal(mp, term)
        assert as_table(rows, columns, title, True, width) == rich_table(
            rows, columns, title, True, width
        )


@settings(max_examples=50, deadline=None)
@given(table_cases())
def test_a_dumb_terminal_gets_the_plain_table(
    table: tuple[list[dict[str, Any]], list[Column], str | None, int],
) -> None:
    """TERM=dumb: no codes, and the table as wide as on any terminal.  (Here rich differed:
    on a dumb terminal its console was 80 columns whatever its width, and it cut wider tables
    to fit; that was not kept.)"""
    rows, columns, title, width = table
    with pytest.MonkeyPatch.context() as mp:
        _terminal(mp, "dumb")
        coloured = as_table(rows, columns, title, True, width)
    assert coloured == as_table(rows, columns, title, False, width)
    assert "\x1b" not in coloured or any("\x1b" in str(v) for r in rows for v in r.values())


@settings(max_examples=100, deadline=None)
@given(table_cases(), st.integers(1, 4))
def test_lines_and_pieces_are_the_same_text(
    table: tuple[list[dict[str, Any]], list[Column], str | None, int], block: int
) -> None:
    rows, columns, title, width = table
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "_BLOCK", block)
        made = table_lines(rows, columns, title, False, width)
        text = made.text()
        assert "".join(made.chunks()) == text == render("table", rows, columns, title, False, width)
        assert [line + "\n" for line in made] == text.splitlines(keepends=True)
        assert len(made) == text.count("\n")


def test_a_table_lays_out_only_the_rows_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The widths need every row, but padding and joining a row wait until its text is read:
    a pager's reader who quits after a screen costs a block of rows, not the table."""
    monkeypatch.setattr(tables, "_BLOCK", 100)
    rows = [{"id": f"T-{i}", "title": f"Nhiệm vụ {i % 7}", "days": i} for i in range(10_000)]
    rows[-1]["id"] = "THE-LONGEST-ID-OF-ALL"  # the last row still sets the first column's width
    columns = [Column("id", "id"), Column("title", "title", 40), Column("days", "days", right=True)]
    made = table_lines(rows, columns, "Overdue")
    assert len(made) == 3 + 10_000 and made.laid_out == 0  # (known before any row is made)
    pieces = made.chunks()
    head = next(pieces)
    assert made.laid_out == 0
    first = next(pieces)
    assert made.laid_out == 100
    assert next(pieces) and made.laid_out == 200
    whole = as_table(rows, columns, "Overdue")
    assert whole.startswith(head + first)
    assert head.splitlines()[1].startswith("id                    ┃ title ")
    lines = list(itertools.islice(made, 3 + 5))  # line by line: a row at a time
    assert made.laid_out == 5
    assert lines == whole.splitlines()[:8]


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8)
    | st.floats(min_value=-1e15, max_value=1e15).filter(lambda x: x == 0 or abs(x) >= 1e-4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=6,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.text("ăđệ\"\\\n ab", max_size=5), _JSON_VALUES, max_size=4),
                max_size=12), st.integers(1, 5))  # fmt: skip
def test_json_made_in_parts_is_the_json_of_the_whole(rows: list[dict[str, Any]], size: int) -> None:
    """`--format json` is written a few thousand rows at a time (tables.json_parts): joined,
    the parts are the JSON of all rows at once (the standard library's text; integers past
    64 bits among them), which reads back as the rows."""
    import json

    parts = list(tables.json_parts(rows, size))
    whole = json.dumps(rows, ensure_ascii=False, indent=2).encode()
    assert b"".join(parts) == whole
    assert json.loads(whole) == rows
    assert len(parts) == (1 if not rows else 2 + -(-len(rows) // size))
