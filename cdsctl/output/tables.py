"""Rows of query results as text: a terminal table, JSON, CSV or Markdown.

JSON carries every field of every row (spec §5); the other formats show the columns a
command chooses.  Nothing here prints: each function returns the text (a table also in
pieces, :class:`TextTable`, so that a pager can be fed as the reader goes).

For people (table, Markdown) a row is one line: a line break inside a value is shown as ⏎
(CSV and JSON keep values as written).  A table never cuts its key columns (id, dates,
numbers): only text columns (those with a width) are cut, with "…", to what the terminal
leaves, but never below :data:`MIN_TEXT`; a terminal narrower than that gets longer lines
(it wraps them) rather than cells left empty.

The table is the text rich's Table drew (cdsctl drew it with rich until 84,000 rows took
24 s: rich laid out every cell), byte for byte (tests/test_tables.py keeps rich's as the
reference; the README's examples are that text): the title left-justified and padded to the
table's width (wrapped by rich when longer), headers between " ┃ " (bold on a terminal), a
rule of ━ and ╇, rows between " │ ", no outer edge, every cell padded to its column's width
in terminal cells (:func:`rich.cells.cell_len`: a CJK character takes two, a combining mark
none), a right-aligned cell first losing its trailing spaces, the characters rich's text
drops (a bell, a backspace) dropped.  Here it is plain string work done a column and a block
of rows at a time, a few C loops each (:class:`_Cells`): 84,000 rows take about as long as
their JSON.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice, repeat
from operator import itemgetter
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

    The text json.dumps(indent=2, ensure_ascii=False) gives (but for the spelling of a
    number below 1e-4: 1e-05 is written 0.00001), made by orjson: with an indent the
    standard library falls back to its pure-Python encoder, which took 5 s for the
    100,000 rows of the overdue benchmark.
    """
    return json_bytes(rows).decode()


def json_bytes(rows: Sequence[dict[str, Any]]) -> bytes:
    """:func:`as_json` as UTF-8 bytes (:func:`json_parts` joined)."""
    return b"".join(json_parts(rows))


#: rows made into JSON at a time by :func:`json_parts`
JSON_ROWS = 4096


def json_parts(rows: Sequence[dict[str, Any]], size: int = JSON_ROWS) -> Iterator[bytes]:
    """:func:`as_json`'s text as UTF-8 bytes, `size` rows at a time, for writing straight
    out: the text of 170,921 task rows is 94 MB, and made whole it was held beside the rows.

    orjson indents as it encodes: 0.15 s for those rows, against 0.30 s for msgspec's
    encoding and then its indenting pass (bench/README.md)."""
    import orjson

    dumps, option = orjson.dumps, orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
    if not rows:
        yield b"[]"
        return
    yield b"[\n"
    for start in range(0, len(rows), size):
        chunk = list(rows[start : start + size])
        try:
            part = dumps(chunk, default=_listed, option=option)
        except orjson.JSONEncodeError:  # an integer past 64 bits (a value as a user wrote it)
            import json

            text = json.dumps(chunk, default=_listed, ensure_ascii=False, indent=2)
            part = text.encode("utf-8", "surrogatepass")
        yield (b",\n" if start else b"") + part[2:-2]  # (each part's own "[\n" and "\n]" off)
    yield b"\n]"


def _listed(value: object) -> list[Any]:
    """What orjson cannot write itself, as JSON has it: a set as a list (rows are builtins,
    stored with marshal, which keeps sets)."""
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


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
    """The table as one text (colour, the bold headers, only when asked: on a terminal)."""
    return table_lines(rows, columns, title, colour, width).text()


def table_lines(rows: Sequence[dict[str, Any]], columns: Sequence[Column],
                title: str | None = None, colour: bool = False,
                width: int = 100) -> TextTable:  # fmt: skip
    """The table, its rows laid out only as its lines are read (:class:`TextTable`).

    One pass over the rows makes every cell's text and measures it (the widths need every
    row); padding and joining a row's cells wait until its line is read, so a reader who
    leaves early (a pager quit after one screen) costs the rows shown, not the table.
    Cells are plain text, never markup (`[red]` in a title is shown as written).
    """
    if not columns:
        return TextTable([""], [], 0)  # (rich printed an empty line)
    found = _measured(rows, columns)
    room = _room(columns, found, width)
    laid = [_laid(c, f, min(c.width, room) if c.width else None)
            for c, f in zip(columns, found, strict=True)]  # fmt: skip
    table_width = sum(c.width for c in laid) + 3 * (len(laid) - 1)
    on, off = _header_style() if colour else ("", "")
    pad = f"{on} {off}"
    headers = [f"{on}{h}{off}" if h else "" for h in (_pad(c.header, c) for c in laid)]
    head = [*_title(title, table_width), f"{pad}┃{pad}".join(headers),
            "━╇━".join("━" * c.width for c in laid)]  # fmt: skip
    return TextTable(head, laid, len(rows))


class TextTable:
    """A table whose rows are laid out (padded, joined) only as its text is read.

    It keeps each column's cells, in blocks of rows, and how far each is padded: no object
    per row.  `len()` is its number of lines, known before any is made (a pager decides on
    it); :meth:`chunks` makes the text a block of rows at a time, so a reader who leaves early
    (a pager quit after one screen) costs the rows before, not the table; `laid_out` counts
    the rows laid out so far.
    """

    __slots__ = ("_columns", "_rows", "head", "laid_out")

    def __init__(self, head: list[str], columns: list[_Laid], rows: int) -> None:
        self.head = head  # the title's lines, the headers, the rule under them
        self._columns = columns
        self._rows = rows
        self.laid_out = 0

    def __len__(self) -> int:
        return len(self.head) + self._rows

    def __iter__(self) -> Iterator[str]:
        """The lines (without line ends), one row at a time."""
        yield from self.head
        self.laid_out = 0
        for line in map(" │ ".join, zip(*(c.padded_cells() for c in self._columns), strict=True)):
            self.laid_out += 1
            yield line

    def chunks(self) -> Iterator[str]:
        """The text in pieces (the head, then a block of rows each, lines ending with a line
        break).  A block's cells and the separators between them are joined in one go, with
        no string per line (84,000 rows: 20% less time than joining lines)."""
        yield "".join(line + "\n" for line in self.head)
        cells = [c.padded_cells() for c in self._columns]
        step = 2 * len(cells)
        self.laid_out = 0
        for start in range(0, self._rows, _BLOCK):
            n = min(_BLOCK, self._rows - start)
            block = [" │ "] * (step * n)
            for i, column in enumerate(cells):
                block[2 * i :: step] = islice(column, n)
            block[step - 1 :: step] = repeat("\n", n)
            self.laid_out += n
            yield "".join(block)

    def text(self) -> str:
        return "".join(self.chunks())


@dataclass(frozen=True, slots=True)
class _Laid:
    """A column ready to lay out: its width in cells, and its cells in blocks of rows (as
    measured) with how each is padded: `padded`, each value to its padded cell (a column of
    distinct values, :class:`_Cells`); else `pads`, how far `str.ljust`/`rjust` pads each cell
    (its width, plus its characters that take no cell or two); None: to `width`."""

    header: str
    width: int
    right: bool
    blocks: Sequence[Sequence[Any]]
    padded: dict[Any, str] | None = None
    pads: list[int] | None = None

    def padded_cells(self) -> Iterator[str]:
        cells = chain.from_iterable(self.blocks)
        if self.padded is not None:
            return map(self.padded.__getitem__, cells)
        how = str.rjust if self.right else str.ljust
        return map(how, cells, repeat(self.width) if self.pads is None else self.pads)


#: Rows measured (and laid out) at a time: while a block's strings are in the processor's
#: cache, each of its columns is joined, scanned and measured by C loops (map, join, max, a
#: regular expression) rather than cell by cell in Python (the same passes over 84,000 rows'
#: four text columns: 110 ms over whole columns, 45 ms in blocks of 1,000 rows).
_BLOCK = 1000


class _Cells:
    """A column's cells as :meth:`Column.cell` makes them (before the cut), and what scanning
    them found.

    `simple` when every character is printable (or a space) and one cell wide, so lengths are
    widths, and there is no line break, tab or control character; `breaks` when some cell has
    a line break or a tab (then each cell is made on its own, as :meth:`Column.cell` does);
    `spaces` when one has a space (a right-aligned cell loses its trailing ones: only looked
    for in a right-aligned column).

    A table repeats values: a recurring task's instances share a title, an agency leads many
    tasks, a date or a count of days comes back (84,000 overdue rows hold 6,070 titles).  A
    column whose first block repeats its values (text or integers) keeps `distinct`, each value
    to its text: a value is scanned, measured, cut and padded once, and its cells are found in
    a dict.  Else `blocks` hold the cells' texts (an id is a new value on every row).
    """

    __slots__ = ("blocks", "breaks", "distinct", "longest", "numbers", "right", "simple", "spaces")

    def __init__(self, right: bool) -> None:
        self.right = right
        self.blocks: list[Sequence[Any]] = []  # each a block of rows: kept, not copied
        self.distinct: dict[Any, str] | None = None
        self.simple, self.spaces, self.breaks = True, False, False
        self.numbers = False  # distinct values not all text (integers, None)
        self.longest = 0  # in characters, before the cut

    def add(self, values: Sequence[Any]) -> None:
        """The next block of rows' values."""
        if not self.blocks:
            self.distinct = {} if _repeats(values) else None
        if self.distinct is not None and not self._add_distinct(values):
            self.blocks = [list(map(self.distinct.__getitem__, b)) for b in self.blocks]
            self.distinct = None
        if self.distinct is None:
            texts, joined = _texts(values)
            if self._scanned(texts, joined):
                texts = [one_line(t).replace("\t", " ") for t in texts]
                joined = "".join(texts)
            self._measure(texts, joined)
            self.blocks.append(texts)

    def _add_distinct(self, values: Sequence[Any]) -> bool:
        """Add a block to a column of distinct values; False when its values cannot be
        (a list, None, a value neither text nor an integer: their texts are made alike)."""
        assert self.distinct is not None
        try:
            new = list(set(values).difference(self.distinct))
        except TypeError:  # unhashable: a list
            return False
        try:  # (text never equals a value of another type)
            texts, joined = new, "".join(new)
        except TypeError:
            self.numbers = True
        if self.numbers:  # integers and None beside text: 1 == 1.0 == True, their texts differ
            if not set(map(type, values)) <= _DISTINCT_TYPES:
                return False
            texts = [_text(v) for v in new]  # (a deadline or a count of days, or none)
            joined = "".join(texts)
        if self._scanned(texts, joined):
            texts = [one_line(t).replace("\t", " ") for t in texts]
            joined = "".join(texts)
        self._measure(texts, joined)
        self.distinct.update(zip(new, texts, strict=True))
        self.blocks.append(values)
        return True

    def _scanned(self, texts: Sequence[str], joined: str) -> bool:
        """Note what `joined`, the `texts` joined, holds; whether they need one_line."""
        # (ASCII: no scan, Python knows; then a fast look for control characters)
        if _unprintable(joined) if joined.isascii() else _unusual()(joined):
            self.simple = False
            self.breaks = self.breaks or "\t" in joined or one_line(joined) != joined
        return self.breaks

    def _measure(self, texts: Sequence[str], joined: str) -> None:
        if self.right and not self.spaces:
            self.spaces = bool(_SPACE.search(joined))
        self.longest = max(self.longest, max(map(len, texts), default=0))


#: the kinds of value a column of distinct values may hold: no two of them are equal and
#: written differently (an integer is never text, nor None)
_DISTINCT_TYPES = frozenset({str, int, type(None)})


def _repeats(values: Sequence[Any]) -> bool:
    """Whether a column is worth keeping as distinct values, from its first block: they repeat
    (fewer than half are distinct), or they are text other than ASCII, whose scan for
    characters other than one cell wide costs more than finding the values seen before."""
    try:
        if len(set(values)) * 2 <= len(values):
            return True
        return not "".join(values).isascii()
    except TypeError:  # unhashable (a list), or not text
        return False


def _texts(values: Sequence[Any]) -> tuple[Sequence[str], str]:
    """The text of each value as :meth:`Column.cell` makes it (before one_line), and all of
    them joined (for the scans)."""
    try:
        return values, "".join(values)  # (also the check that every value is text)
    except TypeError:
        pass
    kinds = set(map(type, values))
    if type(None) in kinds or any(issubclass(k, list) for k in kinds):
        texts = [v if v.__class__ is str else _text(v) for v in values]
    else:
        texts = list(map(str, values))
    return texts, "".join(texts)


def _unprintable(ascii_text: str) -> bool:
    """Whether ASCII text has a character other than " " to "~" (a control character): bytes
    deleting every printable one leave nothing, 6 times faster than str.isprintable."""
    return bool(ascii_text.encode().translate(None, _PRINTABLE))


_PRINTABLE = bytes(range(0x20, 0x7F))
#: what str.rstrip() strips (Python's whitespace)
_SPACE = re.compile(r"\s")


def _measured(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> list[_Cells]:
    """Every column's cells, made and measured a block of rows at a time."""
    found = [_Cells(c.right) for c in columns]
    keys = [c.key for c in columns]
    for start in range(0, len(rows), _BLOCK):
        for cells, values in zip(found, _values(rows[start : start + _BLOCK], keys), strict=True):
            cells.add(values)
    return found


def _values(rows: Sequence[dict[str, Any]], keys: list[str]) -> list[Sequence[Any]]:
    """Each column's values (None where a row has no such key)."""
    if len(keys) < 2:
        return [[row.get(k) for row in rows] for k in keys]
    try:
        got = list(map(itemgetter(*keys), rows))
    except KeyError:
        got = [tuple(map(row.get, keys)) for row in rows]
    return list(zip(*got, strict=True))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _cut(texts: Iterable[str], width: int) -> list[str]:
    """Each text longer than `width` characters cut with "…" (as :meth:`Column.cell`)."""
    return [t if len(t) <= width else t[: width - 1].rstrip() + "…" for t in texts]


def _room(columns: Sequence[Column], found: list[_Cells], width: int) -> int:
    """The width text columns (those with a width) are cut to: what the terminal leaves after
    the other columns, shared equally, but never below :data:`MIN_TEXT`."""
    used = sum(max(len(c.header), f.longest)
               for c, f in zip(columns, found, strict=True) if not c.width)  # fmt: skip
    used += 3 * (len(columns) - 1)  # " │ " between columns
    return max(MIN_TEXT, (width - used) // max(1, sum(1 for c in columns if c.width)))


def _laid(column: Column, found: _Cells, cut: int | None) -> _Laid:
    """The column cut to `cut` characters (a text column) and measured as rich measured it:
    widths in terminal cells (:func:`cell_len`), of the text before a right-aligned cell
    loses its trailing spaces (rich justified a cell to the right after stripping them).
    The cut adds "…", a simple character."""
    from rich.cells import cell_len

    header, right = _shown(column.header), column.right
    if found.distinct is not None:
        values = list(found.distinct)
        texts = list(found.distinct.values())
        texts = texts if cut is None else _cut(texts, cut)
        texts = texts if found.simple else [_shown(t) for t in texts]
        sizes = _sizes(texts, found.simple)
        width = max(cell_len(header), max(sizes, default=0))
        if right:
            texts = list(map(str.rstrip, texts))
            sizes = _sizes(texts, found.simple)
        how = str.rjust if right else str.ljust
        padded = map(how, texts, [width + len(t) - n for t, n in zip(texts, sizes, strict=True)])
        return _Laid(header, width, right, found.blocks, dict(zip(values, padded, strict=True)))
    blocks = found.blocks
    if cut is not None:
        blocks = [_cut(chain.from_iterable(blocks), cut)]
    if found.simple:  # lengths are widths
        longest = found.longest if cut is None else max(map(len, blocks[0]), default=0)
        if right and found.spaces:
            blocks = [list(map(str.rstrip, chain.from_iterable(blocks)))]
        return _Laid(header, max(cell_len(header), longest), right, blocks)
    cells = [_shown(c) for c in chain.from_iterable(blocks)]
    sizes = _sizes(cells, False)
    width = max(cell_len(header), max(sizes, default=0))
    if right:
        cells = list(map(str.rstrip, cells))
        sizes = _sizes(cells, False)
    pads = [width + len(c) - size for c, size in zip(cells, sizes, strict=True)]
    return _Laid(header, width, right, [cells], pads=pads)


def _sizes(texts: list[str], simple: bool) -> list[int]:
    """Each text's width in terminal cells: its length when simple."""
    from rich.cells import cell_len

    if simple:
        return list(map(len, texts))
    odd = _odd_cells()
    return [cell_len(t) if odd(t) else len(t) for t in texts]


def _pad(text: str, column: _Laid) -> str:
    """One cell (a header) padded to the column's width, as a row's cells are."""
    from rich.cells import cell_len

    text = text.rstrip() if column.right else text
    size = column.width + len(text) - cell_len(text)
    return text.rjust(size) if column.right else text.ljust(size)


#: the control characters rich's Text removed from what it showed (rich.control)
_STRIPPED = dict.fromkeys((7, 8, 11, 12, 13))


def _shown(text: str) -> str:
    return text.translate(_STRIPPED)


@functools.cache
def _one_cell() -> list[tuple[int, int]]:
    """The ranges of characters rich measures one cell wide
    (:func:`rich.cells.get_character_cell_size`), among the blocks tables meet: Latin with
    Vietnamese, Greek, Cyrillic, punctuation, arrows and symbols such as … and ⏎.  Any other
    character is measured by rich itself, one cell at a time (scanning them all: 20 ms)."""
    from rich.cells import get_character_cell_size

    blocks = [(0x20, 0x52F), (0x1E00, 0x1EFF), (0x2000, 0x23FF)]
    spans: list[tuple[int, int]] = []
    for c in (c for a, b in blocks for c in range(a, b + 1)):
        if get_character_cell_size(chr(c)) != 1 or chr(c) in "\u200d\ufe0f":
            continue
        if spans and spans[-1][1] == c - 1:
            spans[-1] = (spans[-1][0], c)
        else:
            spans.append((c, c))
    return spans


def _not_in(spans: list[tuple[int, int]], keep: Callable[[str], bool]) -> re.Pattern[str]:
    """A regular expression for one character outside `spans` or for which `keep` is false."""
    chars = [chr(c) for a, b in spans for c in range(a, b + 1) if keep(chr(c))]
    ranges, start = [], 0
    for i in range(1, len(chars) + 1):  # runs of consecutive characters
        if i == len(chars) or ord(chars[i]) != ord(chars[i - 1]) + 1:
            ranges.append(f"{re.escape(chars[start])}-{re.escape(chars[i - 1])}")
            start = i
    return re.compile(f"[^{''.join(ranges)}]")


@functools.cache
def _odd_cells() -> Callable[[str], re.Match[str] | None]:
    """A search for a character that does not take exactly one cell as rich measures it:
    where a text has none, its length is its width."""
    return _not_in(_one_cell(), lambda c: True).search


@functools.cache
def _unusual() -> Callable[[str], re.Match[str] | None]:
    """A search for a character that is not one cell wide and printable (or a space other
    than a line break or a tab): where a column has none (one scan), its lengths are its
    widths and it has no line break, tab or control character."""
    return _not_in(
        _one_cell(), lambda c: c.isprintable() or (c.isspace() and c not in _BREAKS)
    ).search


#: what ends a line (cdsctl.text.one_line) or is a tab: not simple, though whitespace
_BREAKS = "\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def _title(title: str | None, width: int) -> list[str]:
    """The title's lines, left-justified to the table's width: wrapped at spaces (by rich, as
    its Table did) when it is wider than the table."""
    from rich.cells import cell_len

    text = _shown(one_line(title)) if title else ""
    if not text:
        return []
    if "\t" not in text and len(text) <= width and cell_len(text) <= width:
        return [text + " " * (width - cell_len(text))]
    from rich.console import Console
    from rich.text import Text

    console = Console(file=io.StringIO(), width=width, color_system=None)
    return [line.plain for line in Text(text).wrap(console, width, justify="left",
                                                   overflow="fold")]  # fmt: skip


def _header_style() -> tuple[str, str]:
    """The codes around a header on this terminal (bold, or none: TERM=dumb), asked of rich."""
    from rich.console import Console
    from rich.text import Text

    console = Console(file=io.StringIO(), force_terminal=True, color_system="auto",
                      highlight=False)  # fmt: skip
    console.print(Text("x", style="table.header"), end="")
    on, _, off = console.file.getvalue().partition("x")  # type: ignore[attr-defined]
    return on, off


def render(fmt: str, rows: Sequence[dict[str, Any]], columns: Sequence[Column],
           title: str | None = None, colour: bool = False, width: int = 100) -> str:  # fmt: skip
    formats: dict[str, Callable[[], str]] = {
        "json": lambda: as_json(rows) + "\n",
        "csv": lambda: as_csv(rows, columns),
        "md": lambda: as_markdown(rows, columns),
        "table": lambda: as_table(rows, columns, title, colour, width),
    }
    return formats[fmt]()
