"""Where a character inside a YAML scalar stands in the source: through escapes
(``"\\x07"``), folded and literal blocks, and line breaks as YAML 1.1 counts them.

A check finds a bad character in a value (a control character an escape spelt, a line break
a block scalar added); the diagnostic must point at it in the file, not at the value's start.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

Where = tuple[int, int]
#: where a value stands in a record's data: its keys and list indexes from the top (here,
#: not in yamltext, so that the rules across files name it without importing the YAML loaders)
KeyPath = tuple[str | int, ...]
#: what YAML 1.1 (PyYAML) takes for a line break in the text
LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")


class Span(NamedTuple):
    """A scalar's value and where it stands: its style (``|``, ``>``, ``'``, ``"``, "" for
    plain, "body" for a Markdown body) and its start and end, 0-based (line, column)."""

    style: str
    value: str
    start: Where
    end: Where


#: a backslash escape of a double-quoted scalar
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_SHORT_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v",
                  "f": "\f", "r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0",
                  "L": "\u2028", "P": "\u2029"}  # fmt: skip


class Lines:
    """A text's lines as YAML 1.1 splits them, and 0-based (line, column) ↔ offset."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LINE_BREAK.split(text)
        self.starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]

    def offset(self, where: Where) -> int:
        line = min(where[0], len(self.starts) - 1)
        return min(self.starts[line] + where[1], len(self.text))

    def where(self, offset: int) -> Where:
        line = bisect.bisect_right(self.starts, offset) - 1
        return (line, offset - self.starts[line])


def char_in_scalar(src: Lines, span: Span, index: int) -> Where | None:
    """The 0-based (line, column) of `span.value[index]` in the source: exact for an escape,
    a character standing as it is, a literal block's line breaks, a block's final line break
    and a blank line's; None when unsure."""
    char = span.value[index]
    begin, end = src.offset(span.start), src.offset(span.end)
    if span.style == '"':
        found = _escape_of(src.text, begin, end, char)
        if found is not None:
            return src.where(found)
    if char not in "\n\r":  # (U+2028, U+2029 and control characters stay as they stand)
        found = src.text.find(char, begin, end)
        return None if found < 0 else src.where(found)
    return _line_break_in_scalar(src.lines, span, index)


def _line_break_in_scalar(lines: list[str], span: Span, index: int) -> Where | None:
    if span.style == "|":  # each line break of the value ends a line of the block
        breaks = sum(span.value.count(c, 0, index) for c in "\n\u2028\u2029")
        line = span.start[0] + 1 + breaks
        return (line, len(lines[line])) if line < len(lines) else None
    content = _content_lines(lines, span)
    found = _after_line(lines, content, span, index)
    if found is not None:
        return found
    breaks = span.value.count("\n", 0, index)
    blank = [n for n in content if not lines[n].strip()]  # folding keeps these as breaks
    return (blank[breaks], 0) if breaks < len(blank) else None


def _after_line(lines: list[str], content: list[int], span: Span, index: int) -> Where | None:
    """The end of the source line whose text comes just before the line break at `index`:
    each line's text is looked for in the value in turn (folding changes only the breaks)."""
    at = 0
    for number in content:
        line = lines[number]
        start = span.start[1] if number == span.start[0] else 0
        part = line[start:].strip(" \t").strip("'\"|>-+").strip(" \t")
        if not part:
            continue
        found = span.value.find(part, at)
        if found < 0 or found > index:
            return None
        at = found + len(part)
        if at == index:
            return (number, line.rindex(part) + len(part))
    return None


def _content_lines(lines: list[str], span: Span) -> list[int]:
    """The numbers of the lines a scalar's content may stand on (a block's after its header)."""
    first = span.start[0] + (1 if span.style in ("|", ">") else 0)
    last = span.end[0] - (1 if span.end[1] == 0 else 0)
    found = list(range(first, min(last, len(lines) - 1) + 1))
    if span.style in ("|", ">"):
        while found and not lines[found[-1]].strip():
            found.pop()
    return found


def _escape_of(text: str, begin: int, end: int, char: str) -> int | None:
    """The offset of the first escape writing `char` in a double-quoted scalar."""
    for m in _ESCAPE.finditer(text, begin, end):
        code = m[1]
        decoded = chr(int(code[1:], 16)) if len(code) > 1 else _SHORT_ESCAPES.get(code)
        if decoded == char:
            return m.start()
    return None
