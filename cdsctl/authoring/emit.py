"""YAML text for values cdsctl writes, and the check that the text reads back as them.

Every value is written in block style: mappings as `key: value` lines, lists as `- item`
lines (a mapping item as `- key: v` with its other keys aligned under the first), a
multi-line string as a literal block (`|`, or `|-` without a final line break) when it
reads back exactly so, else double-quoted.  A string is written plain only when the
record loader (YAML 1.1, cdsctl.load.yamltext) *and* YAML 1.2 (yaml-rs) both read the plain
text back as that very string: `no`, `on`, `~`, `null`, `14:00`, `1e3`, `0x1F`, `-3`,
text with `: ` or ` #`, or starting with an indicator (`- `, `*`, `&`, `!`, `%`, `@`, a
quote, a backtick) are double-quoted, with JSON-like escapes (`\\"`, `\\\\`, `\\n`, `\\t`,
`\\xNN`, `\\uNNNN`) that YAML reads the same.  ISO dates (`2022-05-20`) stay plain: the loader
keeps them as text.

:func:`verify` is the proof every writer ends with: the new text parsed by the project's own
loader must give exactly the expected data (types included: `1` is not `1.0` nor `True`),
else :class:`EditError` and nothing is returned.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..diagnostics import CdsError
from ..i18n import _
from ..load.reading import ReadProblem, source_of
from ..load.yamltext import BAD_IN_LINE, load_exact
from ..validation.onefile import load_positions

try:  # pragma: no cover - yaml-rs is a dependency; without it strings are quoted more often
    import yaml_rs
except ImportError:  # pragma: no cover
    yaml_rs = None  # type: ignore[assignment]

#: what the loader reports that makes a file unsafe to edit (or an edit's result wrong);
#: a control character is not among them: the loader reads a space for it, before and after
REFUSED = frozenset({"yaml-syntax", "anchor", "tag", "duplicate-key", "multiple-documents"})


class EditError(CdsError):
    """A record that cdsctl cannot write or edit safely; the message says what and what to do.

    Nothing was written: the functions that raise it return no text.
    """


@dataclass(frozen=True, slots=True)
class Style:
    """How block collections are indented: a nested mapping `step` columns under its key,
    a list's dashes `seq` columns under its key (0: `key:` then `- item` in the same
    column), an item's text `gap` columns after its dash (`- item`: 2)."""

    step: int = 2
    seq: int = 2
    gap: int = 2
    #: multi-line text as a literal block when it can be one (else double-quoted)
    literal: bool = True


DEFAULT_STYLE = Style()

# -- values -----------------------------------------------------------------------------------


def plain_value(value: object) -> Any:
    """`value` as the loader would give it back: str, int, float, bool, None, dicts with text
    keys and lists (a tuple becomes a list, a subclass its base type); TypeError otherwise."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        found: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"a record's keys are text, not {type(key).__name__}: {key!r}")
            found[str(key)] = plain_value(item)
        return found
    if isinstance(value, list | tuple):
        return [plain_value(item) for item in value]
    raise TypeError(f"cdsctl writes text, numbers, booleans, null, mappings and lists, "
                    f"not {type(value).__name__}: {value!r}")  # fmt: skip


def same(a: object, b: object) -> bool:
    """Equal data, types included (`1` differs from `1.0` and from `True`), keys in order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return len(a) == len(b) and all(
            type(x) is type(y) and x == y and same(a[x], b[y]) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a == b


# -- scalars ----------------------------------------------------------------------------------

#: first characters that make a plain scalar mean something else (or that we never risk)
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`<=")
_FLOW_INDICATORS = frozenset(",[]{}")
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _unsafe(c: str) -> bool:
    """A character written escaped in double quotes (and never plain or in a block)."""
    return BAD_IN_LINE.match(c) is not None or c in "\t\ufeff"


def quoted(text: str) -> str:
    """`text` double-quoted, escaping quotes, backslashes and every character that is not
    printable on one line (controls, line breaks, U+2028/U+2029, non-characters, BOM)."""
    out = ['"']
    for c in text:
        if c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif _unsafe(c):
            code = ord(c)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
                       if code < 0x10000 else f"\\U{code:08x}")  # fmt: skip
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def plain_ok(text: str, flow: bool = False) -> bool:
    """Whether `text` may be written plain (inside a flow list `[…]` when `flow`): the
    loader and YAML 1.2 both read it back as exactly this string."""
    if not text or text != text.strip() or any(_unsafe(c) for c in text):
        return False
    if text[0] in _INDICATORS or ": " in text or " #" in text or text.endswith(":"):
        return False
    if text in ("y", "Y", "n", "N"):  # booleans for the YAML 1.1 spec, though not for PyYAML
        return False
    if flow and not _FLOW_INDICATORS.isdisjoint(text):
        return False
    doc, expected = (f"k: [{text}]\n", {"k": [text]}) if flow else (f"k: {text}\n", {"k": text})
    loaded = load_exact(doc)
    if loaded.problems or not same(loaded.data, expected):
        return False
    if yaml_rs is not None:  # YAML 1.2 readers (editors, other tools) must agree: `1e3`
        try:
            return bool(same(yaml_rs.loads(doc, parse_datetime=False), expected))
        except Exception:
            return False
    return True


def literal_lines(text: str) -> list[str] | None:
    """The lines of a literal block (`|`, `|-`) for a multi-line `text`, or None when a
    block could not hold it exactly (leading blank or indented first line, trailing
    spaces, several final line breaks, control characters): then it is double-quoted."""
    if "\n" not in text:
        return None
    core = text[:-1] if text.endswith("\n") else text
    if not core or core.endswith("\n"):
        return None
    lines = core.split("\n")
    if not lines[0] or lines[0][0].isspace():
        return None
    if any(line != line.rstrip() or any(_unsafe(c) for c in line) for line in lines):
        return None
    return lines


def float_text(number: float) -> str:
    """A float as YAML 1.1 reads it back (`1.0e+16`: 1.1 wants a dot and a signed exponent)."""
    if math.isnan(number):
        return ".nan"
    if math.isinf(number):
        return ".inf" if number > 0 else "-.inf"
    text = repr(number).lower()
    if "." not in text and "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def inline(value: Any, flow: bool = False) -> str:
    """A scalar (or an empty mapping or list) on one line."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, str):
        return value if plain_ok(value, flow) else quoted(value)
    if value == {}:
        return "{}"
    if value == []:
        return "[]"
    raise TypeError(f"not a one-line value: {value!r}")


def key_text(key: str) -> str:
    """A mapping key: plain when it is a word that reads back as itself, else quoted."""
    return key if _KEY.fullmatch(key) and plain_ok(key) else quoted(key)


# -- block collections ------------------------------------------------------------------------


def value_lines(value: Any, indent: int, style: Style) -> tuple[str, list[str]]:
    """What follows `key:` on its line (with its leading space), and the lines below it, for
    `value` under a key standing at column `indent`."""
    if isinstance(value, dict) and value:
        return "", mapping_lines(value, indent + style.step, style)
    if isinstance(value, list) and value:
        return "", sequence_lines(value, indent + style.seq, style)
    head, rest = _scalar_lines(value, indent + style.step, style)
    return " " + head, rest


def _scalar_lines(value: Any, content: int, style: Style) -> tuple[str, list[str]]:
    """A scalar's text on its own line, and a literal block's lines indented to `content`."""
    lines = literal_lines(value) if isinstance(value, str) and style.literal else None
    if lines is None:
        return inline(value), []
    pad = " " * content
    return ("|" if value.endswith("\n") else "|-"), [pad + line if line else "" for line in lines]


def mapping_lines(mapping: Mapping[str, Any], indent: int, style: Style) -> list[str]:
    """A non-empty block mapping's lines, its keys at column `indent`."""
    out: list[str] = []
    for key, value in mapping.items():
        head, rest = value_lines(value, indent, style)
        out.append(f"{' ' * indent}{key_text(key)}:{head}")
        out += rest
    return out


def sequence_lines(items: list[Any], indent: int, style: Style) -> list[str]:
    """A non-empty block list's lines, its dashes at column `indent`."""
    out: list[str] = []
    for item in items:
        out += item_lines(item, indent, style)
    return out


def item_lines(item: Any, indent: int, style: Style) -> list[str]:
    """One list item: `- value`, or `- key: v` with its other lines aligned under `key`."""
    dash = " " * indent + "-" + " " * (style.gap - 1)
    inner = indent + style.gap
    if isinstance(item, dict) and item:
        lines = mapping_lines(item, inner, style)
    elif isinstance(item, list) and item:
        lines = sequence_lines(item, inner, style)
    else:
        head, rest = _scalar_lines(item, inner, style)
        return [dash + head, *rest]
    return [dash + lines[0][inner:], *lines[1:]]


# -- the proof --------------------------------------------------------------------------------


def verify(text: str, markdown: bool, expected: dict[str, Any], failure: str) -> None:
    """Raise :class:`EditError` (`failure`, and why) unless `text`, read as a record file by
    the project's loader, gives exactly `expected` (a Markdown body as its `body`)."""
    why = _reading(text, markdown, expected)
    if why is not None:
        raise EditError(
            _("{failure} ({why}); edit the file by hand").format(failure=failure, why=why)
        )


def _reading(text: str, markdown: bool, expected: dict[str, Any]) -> str | None:
    """Why `text` does not read as `expected`, or None when it does."""
    try:
        source = source_of(text.encode("utf-8"), markdown)
    except (ReadProblem, UnicodeEncodeError) as exc:
        return f"the result would not be a record file: {exc}"
    loaded = load_positions(source)
    problems = [p for p in loaded.problems if p.code in REFUSED]
    if problems:
        return f"the result would not read back: {problems[0].message} (line {problems[0].line})"
    data = loaded.data
    if not isinstance(data, dict):
        return "the result would not be a mapping of fields"
    if same(data, expected):
        return None
    keys = [k for k in (*expected, *data) if k not in data or k not in expected
            or not same(data[k], expected[k])]  # fmt: skip
    if keys:
        return f"`{keys[0]}` would read back as something else"
    return "the fields would come back in another order"


def emit_record(data: Mapping[str, object]) -> str:
    """The YAML text of a whole new record: `data`'s keys in their order, block style,
    2-space indentation, lists indented under their key; proven to read back as `data`."""
    record = plain_value(data)
    if not isinstance(record, dict) or not record:
        raise EditError(_("a new record needs at least one field"))
    failure = f"cdsctl cannot write {record.get('id', 'the new record')} as YAML that reads back"
    text = "".join(line + "\n" for line in mapping_lines(record, 0, DEFAULT_STYLE))
    if _reading(text, False, record) is not None:  # then multi-line text double-quoted
        text = "".join(line + "\n" for line in mapping_lines(record, 0, Style(literal=False)))
        verify(text, False, record, failure)
    return text
