"""Edits of an existing record file's text that keep it as written, and prove it.

:func:`set_key` sets one top-level key, :func:`append_item` appends one item to a top-level
list; :func:`emit_record` (from :mod:`.emit`) writes a whole new record.  They are pure
functions on text: no file is read or written here.

An edit is a targeted text edit, not a re-dump.  The record is parsed with PyYAML's C
parser (the one the loader uses) to find where each top-level key, its `:` and its value
start and end; only the value's text is replaced (a trailing comment on the key's line is
kept), or new lines are inserted: after a list's last item, at that list's indentation and
dash style, or after the last top-level key.  Everything else stays byte for byte:
comments, key order, quoting, blank lines, the line endings (a CRLF file stays CRLF), a
UTF-8 byte-order mark, the final line break or its absence, and a Markdown body.

Then the edit proves itself: the new text, read by the project's loader
(:func:`cdsctl.validation.onefile.load_positions`), must give the old data with exactly the
intended change, types and key order included.  If not — or if the file is not one
mapping, has YAML errors, anchors or aliases, tags, duplicate keys, several documents, or a
top-level flow mapping `{…}` — :class:`EditError` says so and no text is returned.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..i18n import _, localized
from ..load.reading import ReadProblem, source_of
from ..load.scalarpos import LINE_BREAK
from ..validation.onefile import load_positions
from .emit import (
    DEFAULT_STYLE,
    REFUSED,
    EditError,
    Style,
    emit_record,
    inline,
    item_lines,
    key_text,
    plain_value,
    value_lines,
    verify,
)

__all__ = ["EditError", "append_item", "emit_record", "set_key"]

_BOM = "\ufeff"


@dataclass(slots=True)
class _Pair:
    """Where one top-level `key: value` stands in the YAML text (character offsets)."""

    key: Any  # the key as the loader reads it
    colon: int  # just after the `:` that ends the key
    start: int  # where the value's text starts (`colon` for an empty value)
    end: int  # where its content ends: before a trailing comment, a block's blank lines
    after: int  # the first offset after the value where a new line may start
    kind: str  # "empty", "scalar", "block-scalar", "flow", "block"
    sequence: bool = False  # a list
    column: int = 0  # a block collection: its first key's or dash's column
    gap: int = 0  # a block list: from a dash to its first item's text (0: unknown)
    close: int = 0  # a flow list: where its `]` stands
    last: int = -1  # a flow list: where its last item ends (-1: no item)


@dataclass(slots=True)
class _Doc:
    """A record file's text taken apart: the YAML between `prefix` and `suffix`."""

    markdown: bool
    prefix: str  # a byte-order mark, a Markdown file's opening `---` line
    yaml: str
    suffix: str  # a Markdown file's closing `---` line and body
    data: dict[str, Any]  # the record as the loader reads it (a Markdown body as `body`)
    where: str  # "path: " for messages, or ""
    pairs: list[_Pair] = field(default_factory=list)
    column: int = 0  # the top-level keys' column

    def pair(self, key: str) -> _Pair | None:
        return next((p for p in self.pairs if type(p.key) is str and p.key == key), None)

    def text(self, yaml_text: str) -> str:
        return self.prefix + yaml_text + self.suffix

    @property
    def newline(self) -> str:
        """The file's line break: its first one's (CRLF, LF or CR), LF when it has none."""
        found = LINE_BREAK.search(self.prefix + self.yaml + self.suffix)
        return found.group() if found is not None and found.group() in ("\r\n", "\r") else "\n"

    def style(self) -> Style:
        """The file's indentation, from its first block mapping and block list."""
        maps = [p.column - self.column for p in self.pairs if p.kind == "block" and not p.sequence]
        lists = [p for p in self.pairs if p.kind == "block" and p.sequence]
        step = maps[0] if maps and maps[0] > 0 else 0
        seq = lists[0].column - self.column if lists else None
        gap = next((p.gap for p in lists if p.gap >= 2), DEFAULT_STYLE.gap)
        if not step:
            step = seq if seq else DEFAULT_STYLE.step
        return Style(step=step, seq=step if seq is None else seq, gap=gap)


def set_key(text: str, key: str, value: object, *, markdown: bool | None = None,
            name: str = "") -> str:  # fmt: skip
    """The record file `text` with its top-level `key` set to `value`.

    An existing value is replaced where it stands, whatever its form; a new key goes after
    the last top-level key (in a Markdown file, before the closing `---`).  `value` is a
    scalar (str, int, float, bool, None) or a mapping or list of those, nested, written in
    block style with the file's indentation.

    `markdown`: whether `text` is a Markdown file with front matter; None guesses it from a
    first line `---` that another `---` line closes (a `.yaml` file may start with `---` too:
    pass it when the file name is known).  `name` (a path) starts the error messages.
    """
    doc = _parse(text, markdown, name)
    value = plain_value(value)
    if doc.markdown and key == "body" and "body" in doc.data and doc.pair("body") is None:
        raise EditError(doc.where + _("the body of a Markdown record is the text after its "
                                      "front matter; edit it by hand"))  # fmt: skip
    return _proven(doc, key, value, lambda style: _set(doc, key, value, style), f"`{key}`")


def append_item(text: str, key: str, item: object, *, markdown: bool | None = None,
                name: str = "") -> str:  # fmt: skip
    """The record file `text` with `item` appended to its top-level list `key`.

    A block list gets the item after its last one, at the same indentation and dash style; a
    flow list `[a, b]` gets a scalar item inside the brackets, and is rewritten in block
    style for a mapping or list item.  An absent key, or one with no value (`key:`), becomes
    a one-item list as :func:`set_key` adds it.  `markdown` and `name`: as for set_key.
    """
    doc = _parse(text, markdown, name)
    item = plain_value(item)
    pair, old = doc.pair(key), doc.data.get(key)
    if pair is None or old is None:
        if pair is None and key in doc.data:  # a Markdown body
            raise EditError(doc.where + _("`{key}` is not a list; cdsctl cannot append to it")
                            .format(key=key))  # fmt: skip
        edit = functools.partial(_set, doc, key, [item])
        return _proven(doc, key, [item], edit, f"the list `{key}`")
    if not isinstance(old, list):
        found = _("a mapping") if isinstance(old, dict) else _("a single value")
        message = _("`{key}` holds {found}, not a list; cdsctl cannot append to it: edit it "
                    "by hand").format(key=key, found=found)  # fmt: skip
        raise EditError(doc.where + message)
    value = [*old, item]
    return _proven(doc, key, value, functools.partial(_append, doc, pair, item, value),
                   f"the list `{key}`")  # fmt: skip


def _append(doc: _Doc, pair: _Pair, item: Any, value: list[Any], style: Style) -> str:
    """The YAML text with `item` appended to the list of `pair` (`value` once appended)."""
    y = doc.yaml
    if pair.kind == "block" and pair.sequence:
        style = dataclasses.replace(style, gap=pair.gap or style.gap)
        return _insert(y, pair.after, item_lines(item, pair.column, style), doc.newline)
    if pair.kind == "flow" and pair.sequence and not isinstance(item, dict | list):
        if pair.last < 0:
            return y[: pair.close] + inline(item, flow=True) + y[pair.close :]
        return y[: pair.last] + ", " + inline(item, flow=True) + y[pair.last :]
    try:  # the whole list in block style: its old items too
        plain_value(value)
    except TypeError:  # `{3: x}`: a key that is no text
        raise EditError(doc.where + _("the list `{key}` holds what cdsctl cannot write again "
                                      "(a key that is not text); edit it by hand")
                        .format(key=pair.key)) from None  # fmt: skip
    return _replace(doc, pair, value, style)


def _proven(doc: _Doc, key: str, value: Any, edit: Callable[[Style], str], what: str) -> str:
    """The text `edit` makes in the file's style, proven by :func:`_finish`; if it fails with
    literal blocks (`|` at the end of a text without a final line break reads otherwise),
    the same edit with multi-line text double-quoted, else the first failure."""
    style = doc.style()
    try:
        return _finish(doc, key, value, edit(style), what)
    except EditError as exc:
        if not _multi_line(value):
            raise
        first = exc
    try:
        return _finish(doc, key, value, edit(dataclasses.replace(style, literal=False)), what)
    except EditError:
        raise first from None


def _multi_line(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_multi_line(v) for v in value.values())
    if isinstance(value, list):
        return any(_multi_line(v) for v in value)
    return isinstance(value, str) and "\n" in value


# -- taking a file apart ----------------------------------------------------------------------


def _parse(text: str, markdown: bool | None, name: str) -> _Doc:
    """The file `text` taken apart, or :class:`EditError` when it is unsafe to edit."""
    where = f"{name}: " if name else ""
    bom = _BOM if text.startswith(_BOM) else ""
    rest = text[len(bom) :]
    if markdown is None:
        markdown = _has_front_matter(rest)
    try:
        source = source_of(rest.encode("utf-8"), markdown)
    except (ReadProblem, UnicodeEncodeError) as exc:
        raise EditError(where + _("cdsctl cannot edit this file: {reason}").format(
            reason=localized(getattr(exc, "message", str(exc))))) from None  # fmt: skip
    start = len(rest.splitlines(keepends=True)[0]) if markdown else 0
    end = start + len(source.yaml)
    assert rest[start:end] == source.yaml
    loaded = load_positions(source)
    problems = [p for p in loaded.problems if p.code in REFUSED]
    if problems:
        first = problems[0]
        raise EditError(where + _("the record is written in a way cdsctl cannot edit safely "
                                  "({problem}, line {line}); fix or edit it by hand (cdsctl "
                                  "validate shows its problems)")
                        .format(problem=localized(first.message), line=first.line))  # fmt: skip
    if not isinstance(loaded.data, dict):
        raise EditError(where + _("the file does not hold a mapping of fields; cdsctl cannot "
                                  "edit it"))  # fmt: skip
    doc = _Doc(markdown, bom + rest[:start], source.yaml, rest[end:], loaded.data, where)
    _layout(doc, loaded.positions.text)
    return doc


def _has_front_matter(text: str) -> bool:
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return False
    return any(line.rstrip() == "---" for line in lines[1:])


def _events(text: str) -> list[Any]:
    parser = yaml.CSafeLoader(text)
    try:
        found = []
        while parser.check_event():
            found.append(parser.get_event())
        return found
    finally:
        parser.dispose()


def _layout(doc: _Doc, text: str) -> None:
    """Find each top-level pair in `text` (the YAML as parsed: same length as doc.yaml)."""
    events = _events(text)
    i = next(n for n, e in enumerate(events) if isinstance(e, yaml.MappingStartEvent))
    if events[i].flow_style:
        message = _("the record is written as one flow mapping {{…}}; cdsctl cannot edit it "
                    "safely: edit it by hand").format()  # fmt: skip
        raise EditError(doc.where + message)
    doc.column = events[i].start_mark.column
    found, i = [], i + 1
    while not isinstance(events[i], yaml.MappingEndEvent):
        last = _node_end(events, i + 1)
        found.append((events[i], events[i + 1 : last]))
        i = last
    keys = list(doc.data)
    if keys[len(found) :] not in ([], ["body"] if doc.markdown else []):
        raise EditError(doc.where + _("cdsctl could not match the record's keys with its "
                                      "text; edit it by hand"))  # fmt: skip
    doc.pairs = [_pair(doc, text, key, *pair) for key, pair in zip(keys, found, strict=False)]


def _node_end(events: list[Any], i: int) -> int:
    """The index just after the node that starts at `events[i]`."""
    depth = 0
    while True:
        event = events[i]
        i += 1
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        if depth == 0:
            return i


def _pair(doc: _Doc, text: str, key: Any, key_event: Any, value: list[Any]) -> _Pair:
    """Where the top-level `key` (its event) and its value (the value's events) stand."""
    begin = _start(key_event)
    colon = _end(key_event)
    while colon < len(text) and text[colon] in " \t":
        colon += 1
    if text[_line_start(text, begin) : begin].strip(" ") or text[colon : colon + 1] != ":":
        message = _("the key `{key}` is written in a way cdsctl cannot edit safely (`? {key}`); "
                    "edit it by hand").format(key=key)  # fmt: skip
        raise EditError(doc.where + message)
    colon += 1
    first = value[0]
    if isinstance(first, yaml.ScalarEvent):
        return _scalar_pair(text, key, colon, first)
    sequence = isinstance(first, yaml.SequenceStartEvent)
    start = _start(first)
    if first.flow_style:
        end = _end(value[-1])
        pair = _Pair(key, colon, start, end, _next_line(text, end), "flow", sequence)
        children = _children(value)
        pair.close = _start(value[-1])
        last = _node_stop(text, value, children[-1]) if children else None
        pair.last = -1 if last is None else last
        return pair
    end = after = start
    for n in range(1, len(value)):
        stop = _node_stop(text, value, n, inner=True)
        if stop is not None:
            end = max(end, stop)
            after = max(after, _after(text, value[n], stop))
    pair = _Pair(key, colon, start, end, after, "block", sequence, first.start_mark.column)
    if sequence:
        item = value[_children(value)[0]].start_mark
        on_line = LINE_BREAK.search(text, start, item.index) is None
        pair.gap = item.column - pair.column if on_line else 0
    return pair


def _scalar_pair(text: str, key: Any, colon: int, event: Any) -> _Pair:
    """A pair whose value is a scalar: nothing (`key:`), one in a line, or a block."""
    if event.style is None and event.implicit[0] and event.value == "":
        return _Pair(key, colon, colon, colon, _next_line(text, colon), "empty")
    start = _start(event)
    if _is_block_scalar(event):
        end = _ink_end(text, start, _end(event))
        return _Pair(key, colon, start, end, _after(text, event, end), "block-scalar")
    end = _end(event)
    return _Pair(key, colon, start, end, _next_line(text, end), "scalar")


def _children(value: list[Any]) -> list[int]:
    """The indexes (into `value`, a collection's events) of its direct children."""
    found, depth = [], 0
    for n, event in enumerate(value[1:-1], 1):
        if depth == 0 and not isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            found.append(n)
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return found


def _node_stop(text: str, value: list[Any], n: int, inner: bool = False) -> int | None:
    """Where the text of the node at `value[n]` stops (for `inner`: the text of a scalar or
    a flow collection ending there, else None)."""
    event = value[n]
    if _is_block_scalar(event):
        return _ink_end(text, _start(event), _end(event))
    if isinstance(event, yaml.ScalarEvent):
        return _end(event)
    if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
        return _end(event) if _flow_end(value, n) else None
    if inner:
        return None
    return _node_stop(text, value, _node_end(value, n) - 1)


def _is_block_scalar(event: Any) -> bool:
    return isinstance(event, yaml.ScalarEvent) and event.style in ("|", ">")


def _start(event: Any) -> int:
    """Where an event's text starts (a character offset, as Python counts them)."""
    return int(event.start_mark.index)


def _end(event: Any) -> int:
    return int(event.end_mark.index)


def _flow_end(value: list[Any], n: int) -> bool:
    """Whether the end event `value[n]` closes a flow collection."""
    depth = 0
    for event in reversed(value[:n]):
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth += 1
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if depth == 0:
                return bool(event.flow_style)
            depth -= 1
    return False


def _after(text: str, event: Any, stop: int) -> int:
    """Where a new line may start after a node that stops at `stop`: after the line break
    that follows it; for a block scalar that keeps its final blank lines (`|+`), or whose
    last lines hold only spaces (content, when deeper than its indentation), after those."""
    after = _next_line(text, stop)
    if _is_block_scalar(event):
        header = text[_start(event) : _line_end(text, _start(event))]
        tail = text[after : _end(event)]
        if "+" in header.split("#")[0] or tail.strip("\r\n\u2028\u2029"):
            return max(_end(event), after)
    return after


def _line_start(text: str, at: int) -> int:
    found = [m.end() for m in LINE_BREAK.finditer(text, 0, at)]
    return found[-1] if found else 0


def _line_end(text: str, at: int) -> int:
    found = LINE_BREAK.search(text, at)
    return found.start() if found is not None else len(text)


def _next_line(text: str, at: int) -> int:
    found = LINE_BREAK.search(text, at)
    return found.end() if found is not None else len(text)


def _ink_end(text: str, start: int, end: int) -> int:
    """Just after the last character in `text[start:end]` that is not blank."""
    return start + len(text[start:end].rstrip(" \t\r\n\u2028\u2029"))


# -- editing ----------------------------------------------------------------------------------


def _set(doc: _Doc, key: str, value: Any, style: Style) -> str:
    """The YAML text with `key` set to `value`: replaced in place, or added at the end."""
    pair = doc.pair(key)
    if pair is not None:
        return _replace(doc, pair, value, style)
    head, rest = value_lines(value, doc.column, style)
    lines = [f"{' ' * doc.column}{key_text(key)}:{head}", *rest]
    return _insert(doc.yaml, len(doc.yaml), lines, doc.newline)


def _replace(doc: _Doc, pair: _Pair, value: Any, style: Style) -> str:
    """The YAML text with the value of `pair` replaced by `value`.

    A one-line value over a value that starts on the key's line replaces just its text (a
    comment after it stays); otherwise everything from the `:` to the end of the old value's
    last line is rewritten, keeping the comment of the key's line (or of the old scalar).
    """
    y, nl = doc.yaml, doc.newline
    head, rest = value_lines(value, doc.column, style)
    same_line = LINE_BREAK.search(y, pair.colon, pair.start) is None
    if same_line and pair.kind in ("scalar", "flow") and not rest:
        return y[: pair.start] + head[1:] + y[pair.end :]
    if same_line and pair.kind != "block-scalar":
        kept = y[pair.end : _line_end(y, pair.end)]  # after the old scalar: its comment
    else:
        kept = "" if same_line else y[pair.colon : _line_end(y, pair.colon)]
    comment = kept if "#" in kept else ""
    if comment and not comment[0].isspace():
        comment = " " + comment
    new = head + comment + "".join(nl + line for line in rest)
    return y[: pair.colon] + new + y[_line_end(y, pair.end) :]


def _insert(y: str, at: int, lines: list[str], nl: str) -> str:
    """`lines` inserted into `y` at the line start `at` (the end of `y` included, which
    keeps a text without a final line break so)."""
    block = nl.join(lines)
    if at >= len(y) and y and y[-1] not in "\r\n\u2028\u2029":
        return y + nl + block
    return y[:at] + block + nl + y[at:]


def _finish(doc: _Doc, key: str, value: Any, new_yaml: str, what: str) -> str:
    """The new file text, once proven to read as the old data with `key` set to `value`."""
    expected = dict(doc.data)
    if key not in expected:
        yaml_keys = [p.key for p in doc.pairs]
        expected = {k: expected[k] for k in yaml_keys} | {key: value}
        expected |= {k: v for k, v in doc.data.items() if k not in expected}  # the body
    expected[key] = value
    text = doc.text(new_yaml)
    verify(text, doc.markdown, expected, f"{doc.where}cdsctl cannot edit {what} safely: "
           f"the file is written in a way its edit would not read back as intended")  # fmt: skip
    return text
