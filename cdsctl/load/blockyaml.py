"""The plain block YAML most records are written in, parsed line by line with one meaning.

A record is nearly always a block mapping of simple keys whose values are plain, quoted or
literal (``|``) text, numbers, dates, one-line flow lists and mappings of those
(``[BCDCDS, "Đề án 06"]``, ``{working_days: 30}``) and block lists of such mappings.
:func:`parse` reads exactly that subset and returns ``None`` for a text holding anything
else (a tag, an anchor, a folded scalar, a plain scalar over several lines, a number YAML
1.1 and 1.2 spell differently, a duplicate key…): yaml-rs then parses it and, when in
doubt, the exact loader decides (:func:`cdsctl.load.yamltext.load_fast_scanned`).

What it returns equals what :func:`cdsctl.load.yamltext.load_exact` builds from the same
text (YAML 1.1 as PyYAML reads it, timestamps kept as the text written), types included:
tests/test_blockyaml.py compares the two on every record of the bundled and generated
repositories and on generated documents.  Plain scalars are resolved here as they are read,
so the second look for YAML 1.1's doubts that yaml-rs's data needs is not needed.

It exists for the compiled build (``CDSCTL_COMPILE=1``, see docs/development.md): it
walks each line's characters by index, which Cython turns into C with the types
``blockyaml.pxd`` gives (6 µs a record, against 15 µs for yaml-rs and the doubts); as
plain Python that walk is no faster than yaml-rs, so :data:`COMPILED` tells the caller
whether to use it.

The caller has screened the text for control characters, tabs and U+2028/U+2029
(``yamltext._FAST_UNSAFE``); a text with a carriage return is left to yaml-rs.
"""

from __future__ import annotations

import re
import sys
from typing import Any

try:
    import cython

    #: whether this module runs compiled (Cython sets it so at compile time)
    COMPILED: bool = bool(cython.compiled)
except ImportError:  # pragma: no cover - Cython is only in the dev and build environments
    COMPILED = False

#: plain scalars YAML 1.1 reads as booleans or null (PyYAML's resolver); keys spelled so
#: are left to the other loaders
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("null", "Null", "NULL", "~"), None),
}
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: keys found simple, each the one interned string of its text (bounded: the keys of
#: unknown fields are anyone's)
_KEYS: dict[str, str] = {}
#: text this long or shorter is interned, but an id's: agencies, statuses, dates, periods
#: recur across records, and a cold validation holds every report's values (its
#: summaries': cdsctl.validation.onefile); longer text (a title, a note) rarely recurs
SHARED_LENGTH = 40
_intern = sys.intern


class _Bail(Exception):
    """Outside the subset: the caller parses the text another way."""


def parse(text: str) -> tuple[dict[str, Any], bool, tuple[str, ...] | None] | None:
    """The mapping `text` holds, whether a value in it is null, and the top-level keys whose
    values hold line breaks (None: a nested one does); or None when the text is not in the
    subset (see the module's docstring).  No text it returns is blank (empty or white
    space only): such a value is left to the others, whose checks say what is wrong."""
    if not text.endswith("\n") or "\r" in text:
        return None
    try:
        return _parse(text.split("\n"))
    except _Bail:
        return None


def _parse(lines: list[str]) -> tuple[dict[str, Any], bool, tuple[str, ...] | None]:
    root: dict[str, Any] = {}
    container: Any  # (a dict, or a list when is_list)
    # The open collection (its indent, itself, whether a list, whether a list at its key's
    # indent), and those around it, innermost last
    top_indent, container, is_list, level = 0, root, False, False
    stack: list[tuple[int, Any, bool, bool]] = []
    nulls = has_pending = nested_lines = False
    line_keys: list[str] = []  # top-level keys of `|` blocks
    pending_owner: Any = None  # a `key:` whose value is on the lines below
    pending_key, pending_indent = "", 0
    i, count = 0, len(lines)
    while i < count:
        line = lines[i]
        i += 1
        n = len(line)
        j = 0
        while j < n and line[j] == " ":
            j += 1
        if j == n:
            if n:
                raise _Bail  # a line of spaces only (a block scalar's business)
            continue
        c = line[j]
        if c == "#":
            continue
        indent = j
        dash = c == "-" and (j + 1 == n or line[j + 1] == " ")
        if has_pending:
            has_pending = False
            if indent > pending_indent or (indent == pending_indent and dash):
                child: Any = [] if dash else {}
                pending_owner[pending_key] = child
                stack.append((top_indent, container, is_list, level))
                top_indent, container, is_list = indent, child, dash
                level = indent == pending_indent
            else:
                pending_owner[pending_key] = None
                nulls = True
        while top_indent > indent:
            top_indent, container, is_list, level = stack.pop()
        if level and top_indent == indent and not dash:  # (the end of a list at its key's indent)
            top_indent, container, is_list, level = stack.pop()
        if top_indent != indent:
            raise _Bail
        if is_list:
            if not dash or j + 1 == n:
                raise _Bail  # `-` alone: its item on the lines below
            j += 2
            while j < n and line[j] == " ":
                j += 1
            if j == n or line[j] == "#":
                raise _Bail
            colon = _key_end(line, j, n)
            if colon < 0:  # a scalar item
                if line[j] == "|":
                    value, i = _literal(line[j:], lines, i, indent)
                    nested_lines = True
                else:
                    value = _value(line, j, n)
                if value is None:
                    nulls = True
                elif type(value) is str and len(value) <= SHARED_LENGTH:
                    value = _intern(value)
                container.append(value)
                continue
            item: dict[str, Any] = {}  # `- key: value`: a mapping, its keys at j
            container.append(item)
            stack.append((top_indent, container, is_list, level))
            top_indent, container, is_list, level = j, item, False, False
            indent = j
        else:
            colon = _key_end(line, j, n)
            if colon < 0:
                raise _Bail
        key = _KEYS.get(line[j:colon]) or _new_key(line[j:colon])
        if key in container:
            raise _Bail
        v = colon + 1
        while v < n and line[v] == " ":
            v += 1
        if v == n or line[v] == "#":
            has_pending, pending_owner, pending_key, pending_indent = True, container, key, indent
            continue
        if line[v] == "|":
            value, i = _literal(line[v:], lines, i, indent)
            if container is root:
                line_keys.append(key)
            else:
                nested_lines = True
        else:
            value = _value(line, v, n)
        if value is None:
            nulls = True
        elif type(value) is str and len(value) <= SHARED_LENGTH and key != "id":
            value = _intern(value)
        container[key] = value
    if has_pending:
        pending_owner[pending_key] = None
        nulls = True
    if not root:
        raise _Bail
    return root, nulls, None if nested_lines else tuple(line_keys)


def _key_end(line: str, j: int, n: int) -> int:
    """Where the `:` ending a key that starts at j stands (followed by a blank or the end of
    the line), or -1."""
    colon = line.find(":", j)
    if colon < 0 or (colon + 1 < n and line[colon + 1] != " "):
        return -1
    return colon


def _new_key(key: str) -> str:
    """A key not met before: itself interned, if simple (else _Bail)."""
    if _SIMPLE_KEY.fullmatch(key) is None or key in _WORDS:
        raise _Bail
    key = _intern(key)
    if len(_KEYS) < 10_000:
        _KEYS[key] = key
    return key


def _value(line: str, v: int, n: int) -> Any:
    """The value written from line[v] (not a blank, not `#`, not `|`) to the line's end."""
    c = line[v]
    if c == '"':
        end = line.find('"', v + 1)
        if end < 0 or line.find("\\", v + 1, end) >= 0:
            raise _Bail
        _end_of_line(line, end + 1, n)
        return _solid(line[v + 1 : end])
    if c == "'":
        end = line.find("'", v + 1)
        while 0 <= end < n - 1 and line[end + 1] == "'":
            end = line.find("'", end + 2)
        if end < 0:
            raise _Bail
        _end_of_line(line, end + 1, n)
        return _solid(line[v + 1 : end].replace("''", "'"))
    if c == "[" or c == "{":
        return _flow(line[v:])
    if c in "-?:,]}&*!>%@`":
        raise _Bail  # an indicator (`- a` and `-a` alike: rare)
    end = line.find(" #", v)
    if end < 0:
        end = n
    while line[end - 1] == " ":
        end -= 1
    if line[end - 1] == ":" or line.find(": ", v, end) >= 0:
        raise _Bail
    return _plain(line[v:end])


def _solid(text: str) -> str:
    """`text`, unless it is blank (_Bail)."""
    if not text or text.isspace():
        raise _Bail
    return text


def _end_of_line(line: str, at: int, n: int) -> None:
    """Only blanks, then a comment, may follow a quoted scalar on its line."""
    j = at
    while j < n and line[j] == " ":
        j += 1
    if j < n and (line[j] != "#" or j == at):
        raise _Bail


def _plain(text: str) -> Any:
    """A plain scalar's value as YAML 1.1 reads it (timestamps as text); _Bail when that
    takes more than this (numbers other than plain decimals, `<<`, `=`)."""
    c = text[0]
    if c not in "yYnNtTfFoO0123456789-+.~<=":  # (what YAML 1.1's resolvers start with)
        if c >= "\x80" and text.isspace():
            raise _Bail  # (a no-break space alone, say: blank)
        return text
    if c in "yYnNtTfFoO~":
        return _WORDS.get(text, text)
    if c == "<" or c == "=" or c == "+":
        raise _Bail
    # A digit, `-` or `.` first: text if a character is none of YAML 1.1's non-text
    # scalars' (a space, a `/`…); else a date, a decimal number, or left to the others
    n, dots, dashes, letters = len(text), 0, 0, 0
    for j in range(n):
        ch = text[j]
        if "0" <= ch <= "9":
            continue
        if ch == ".":
            dots += 1
        elif ch == "-":
            dashes += 1
        elif ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ch in "_:+~<=":
            letters += 1
        else:
            return text
    if letters:
        raise _Bail
    if dashes == 2 and dots == 0 and n == 10 and text[4] == "-" and text[7] == "-":
        return text  # YYYY-MM-DD: a timestamp, kept as the text written
    start = 1 if c == "-" else 0
    if dashes != start or n == start:
        raise _Bail
    whole_end = text.find(".") if dots else n
    if whole_end == start or (text[start] == "0" and whole_end - start > 1):
        raise _Bail  # `-.5`, `.5`, leading zeros
    if not dots:
        return int(text)
    if dots == 1 and whole_end < n - 1:
        return float(text)
    raise _Bail


def _literal(header: str, lines: list[str], i: int, indent: int) -> tuple[str, int]:
    """A literal block scalar (`|` or `|-`) whose content starts at lines[i], under a key or
    list item of `indent`; and the index of the line after it."""
    cut = header.find(" #")
    if cut >= 0:
        header = header[:cut]
    header = header.rstrip(" ")
    if header != "|" and header != "|-":
        raise _Bail  # keep (`|+`), an indentation indicator
    count = len(lines)
    first = lines[i] if i < count else ""
    margin = 0
    while margin < len(first) and first[margin] == " ":
        margin += 1
    if margin <= indent or margin == len(first):
        raise _Bail  # an empty block scalar, or one starting with blank lines
    out = []
    while i < count:
        line = lines[i]
        n = len(line)
        if not n:
            out.append("")
            i += 1
            continue
        j = 0
        while j < margin and j < n and line[j] == " ":
            j += 1
        if j < margin:
            if j == n:
                raise _Bail  # a line of spaces only
            break  # less indented: the block has ended
        if not line[margin:].strip(" "):
            raise _Bail  # a line of spaces only
        out.append(line[margin:])
        i += 1
    while out and not out[-1]:
        out.pop()
    # (the text's last line is the "" after its final line break, never content)
    return _solid("\n".join(out) + ("" if header == "|-" else "\n")), i


def _flow(text: str) -> Any:
    """A flow list (`[a, "b c"]`) or mapping (`{working_days: 30}`) on one line, of plain and
    quoted scalars (no collection in it, no comment inside)."""
    close = "]" if text[0] == "[" else "}"
    end = text.find(close)
    if end < 0:
        raise _Bail
    _end_of_line(text, end + 1, len(text))
    inner = text[1:end]
    if "[" in inner or "{" in inner or "]" in inner or "}" in inner or "#" in inner:
        raise _Bail
    items: Any = [] if close == "]" else {}
    if not inner.strip(" "):
        return items
    for part in _flow_parts(inner):
        if close == "]":
            found = _flow_scalar(part)
            items.append(_intern(found) if type(found) is str and len(found) <= SHARED_LENGTH
                         else found)  # fmt: skip
            continue
        key, sep, value = part.partition(":")
        key = key.strip(" ")
        if not sep or key in items or (value and value[0] != " "):
            raise _Bail
        key = _KEYS.get(key) or _new_key(key)
        found = _flow_scalar(value)
        items[key] = (_intern(found) if type(found) is str and len(found) <= SHARED_LENGTH
                      and key != "id" else found)  # fmt: skip
    return items


def _flow_parts(inner: str) -> list[str]:
    """The items of a flow collection's inside, split at its commas (none in quotes: a
    quote opens a quoted scalar only as an item's or a value's first character)."""
    if '"' not in inner and "'" not in inner:
        return inner.split(",")
    parts, start, at, count, opening = [], 0, 0, len(inner), True
    while at < count:
        char = inner[at]
        if opening and (char == '"' or char == "'"):
            close = inner.find(char, at + 1)
            if close < 0:
                raise _Bail
            at, opening = close + 1, False
            continue
        if char == ",":
            parts.append(inner[start:at])
            start, opening = at + 1, True
        elif char == ":":
            opening = True  # (a value follows: `{key: 'text'}`)
        elif char != " ":
            opening = False
        at += 1
    parts.append(inner[start:])
    return parts


def _flow_scalar(text: str) -> Any:
    text = text.strip(" ")
    if not text:
        raise _Bail  # `[a, ]`, `[a, , b]`, a key without its value
    first = text[0]
    if first == '"' or first == "'":
        value = text[1:-1]
        if len(text) < 2 or text[-1] != first:
            raise _Bail
        if first == '"':
            if '"' in value or "\\" in value:
                raise _Bail
            return _solid(value)
        if "'" in value.replace("''", ""):
            raise _Bail
        return _solid(value.replace("''", "'"))
    if first in "-?:,&*!|>%@`" or ":" in text:
        raise _Bail
    found = _plain(text)
    if found is None:
        raise _Bail  # (a null in a flow collection: rare, and the caller counts nulls)
    return found
