"""YAML text → plain data, two ways with one meaning.

* :func:`load_exact` walks PyYAML's C parser events and builds the data itself.  It keeps
  the 1-based line and column of every key and value (:class:`Positions`), and reports
  what the record format forbids — duplicate keys, anchors, aliases, tags, several
  documents — as :class:`Problem` values instead of raising or silently resolving.
  Aliases are never expanded, so an alias bomb costs nothing.
* :func:`load_fast` parses with yaml-rs (Rust, ~8× faster) — in the compiled build, first
  with :mod:`cdsctl.load.blockyaml`, the plain block YAML records are written in, line by
  line — and returns ``None`` whenever the text holds anything on which the two could
  disagree (YAML 1.1 booleans such as ``no``, sexagesimal ``14:00``, octal-looking
  numbers, node properties).  When it returns data, that data equals what
  :func:`load_exact` would build.

Scalars follow YAML 1.1 as PyYAML reads it (``no`` is a boolean), except timestamps,
which stay the text that was written so the date rules can check their form.

Control characters and Unicode non-characters (:data:`BAD_CHARACTER`) are errors wherever
they stand (spec §2).  PyYAML refuses some of them for the whole file, yaml-rs takes them
all: so :func:`load_exact` reports each at its own line and column and parses the text with
a space in its place, and the fast path leaves any such text to it.  A character that an
escape (``"\\x07"``) or a block scalar puts into a value is found by the checks, which
:meth:`Positions.char` places in the source.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml.nodes import ScalarNode

from ..i18n import Msg
from ..messages.hints import describe_character
from . import blockyaml
from .scalarpos import LINE_BREAK, KeyPath, Lines, Span, Where, char_in_scalar
from .syntax import syntax_message

#: the non-characters of the planes above the first: each plane's last two code points
_ASTRAL_NONCHARACTERS = "".join(f"{chr(p << 16 | 0xFFFE)}-{chr(p << 16 | 0xFFFF)}"
                                for p in range(1, 17))  # fmt: skip
#: C1 controls (U+0085 too) and DEL, surrogates, the non-characters U+FDD0–U+FDEF, U+FFFE,
#: U+FFFF and those of the other planes: bad wherever they stand
_ALWAYS_BAD = f"\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff{_ASTRAL_NONCHARACTERS}"


def _any_of(characters: str) -> re.Pattern[str]:
    """A regex finding any of `characters` (a character class's contents).

    Written as the bad characters, not as "anything but the good ones": a class of large
    ranges costs the regex compiler a Python loop over each of their code points (30 ms
    at every start of cdsctl for the three below); these ranges hold 2,200 in all.
    """
    return re.compile(f"[{characters}]")


#: a character no record may hold: C0 controls but tab and line breaks, DEL, C1 controls
#: (U+0085 too), surrogates and the non-characters U+FDD0–U+FDEF, U+FFFE, U+FFFF, …
BAD_CHARACTER = _any_of(f"\x00-\x08\x0b\x0c\x0e-\x1f{_ALWAYS_BAD}")
#: what one-line text may not hold: bad characters and line breaks (U+2028, U+2029 too)
BAD_IN_LINE = _any_of(f"\x00-\x08\x0a-\x1f\u2028\u2029{_ALWAYS_BAD}")
#: what the fast path leaves to the exact loader: bad characters, tabs (PyYAML refuses
#: some where yaml-rs takes them for spaces) and U+2028, U+2029 (line breaks for YAML 1.1)
_FAST_UNSAFE = _any_of(f"\x00-\x09\x0b\x0c\x0e-\x1f\u2028\u2029{_ALWAYS_BAD}")
#: the bytes of UTF-8 text that can start no character of _FAST_UNSAFE: all but control
#: bytes, tab, and the lead bytes of U+0080–U+00BF, U+2000–U+2FFF, U+F000–U+FFFF and the
#: planes above.  A file made only of them needs no regex: `data.translate(None,
#: SAFE_BYTES)` is empty, at a fourth of the regex's cost (≈1 µs for a 600-byte record).
SAFE_BYTES = bytes(b for b in range(256) if b in (10, 13) or 32 <= b < 127 or
                   (b >= 0x80 and b not in (0xC2, 0xE2, 0xEF) and b < 0xF0))  # fmt: skip
#: a colon just before a flow indicator: `[a:]`, `{a :}`, which yaml-rs reads as a key with
#: a null value (so only data holding a null is looked at) and PyYAML refuses
_FLOW_COLON = re.compile(r":[\[\]{},]")


_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"


@dataclass(slots=True)
class Problem:
    """Something the loader found: a catalogue code, a message and where (1-based)."""

    code: str
    message: str
    line: int
    column: int


@dataclass(slots=True)
class Positions:
    """Where each key and value stands, by path (``("tasks", 0, "status")``)."""

    values: dict[KeyPath, Where] = field(default_factory=dict)
    keys: dict[KeyPath, Where] = field(default_factory=dict)
    #: the source text of plain scalars YAML turned into a non-text value (``no`` → False)
    raw: dict[KeyPath, str] = field(default_factory=dict)
    #: where an alias stood (already a diagnostic; its value, None, is not checked again)
    aliases: set[KeyPath] = field(default_factory=set)
    #: text scalars holding a line break or a bad character: where to look for one
    spans: dict[KeyPath, Span] = field(default_factory=dict)
    #: the text parsed (bad characters blanked) and the lines before it (front matter)
    text: str = ""
    offset: int = 0

    def char(self, path: KeyPath, index: int) -> Where | None:
        """Where the `index`-th character of the text value at `path` stands, if known."""
        span = self.spans.get(path)
        if span is None:
            return None
        if span.style == "body":  # raw text: each line break is one
            value = span.value
            line = span.start[0] + value.count("\n", 0, index)
            return (line + 1 + self.offset, index - value.rfind("\n", 0, index))
        found = char_in_scalar(Lines(self.text), span, index)
        return None if found is None else (found[0] + 1 + self.offset, found[1] + 1)

    def find(self, path: KeyPath, at_key: bool = True) -> Where:
        """The position of `path` (its key if asked and known), else of its nearest parent."""
        while True:
            if at_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]


class _Builder:
    """Builds data and positions from parser events; collects problems."""

    def __init__(self, line_offset: int) -> None:
        self.offset = line_offset
        self.pos = Positions()
        self.problems: list[Problem] = []
        self.stack: list[tuple[Any, KeyPath]] = []
        self.pending_key: list[Any] = []
        self.root: Any = None
        self.documents = 0

    def where(self, event: Any) -> Where:
        return (event.start_mark.line + 1 + self.offset, event.start_mark.column + 1)

    def problem(self, code: str, message: str, event: Any) -> None:
        line, col = self.where(event)
        self.problems.append(Problem(code, message, line, col))

    def properties(self, event: Any) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            msg = Msg("YAML anchor '&{anchor}' is not allowed in records", anchor=anchor)
            self.problem("anchor", msg, event)
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!":
            shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
            msg = Msg("explicit YAML tag '{tag}' is not allowed in records", tag=shown)
            self.problem("tag", msg, event)

    def attach(self, value: Any, event: Any) -> KeyPath | None:
        """Put `value` where it belongs and return its path; None when it became a key."""
        if not self.stack:
            self.root = value
            return self.place((), event)
        container, path = self.stack[-1]
        if isinstance(container, list):
            container.append(value)
            return self.place((*path, len(container) - 1), event)
        if not self.pending_key:
            self.key(value, event, container, path)
            return None
        key = self.pending_key.pop()
        if key is _SKIP:
            return _DROPPED
        container[key] = value
        return self.place((*path, key), event)

    def place(self, path: KeyPath, event: Any) -> KeyPath:
        self.pos.values[path] = self.where(event)
        return path

    def key(self, value: Any, event: Any, container: dict[Any, Any], path: KeyPath) -> None:
        if isinstance(value, dict | list):
            self.problem("yaml-syntax", Msg("a mapping or list cannot be a mapping key"), event)
            value = _SKIP
        elif value in container or (*path, value) in self.pos.keys:
            line = self.pos.keys[(*path, value)][0]
            msg = Msg("duplicate key '{key}' (first at line {line})", key=value, line=line)
            self.problem("duplicate-key", msg, event)
            value = _SKIP
        else:
            self.pos.keys[(*path, value)] = self.where(event)
        self.pending_key.append(value)

    def scalar(self, event: Any) -> None:
        self.properties(event)
        value = _scalar_value(event)
        path = self.attach(value, event)
        if path is None:
            return
        if not isinstance(value, str):
            self.pos.raw[path] = event.value
        elif BAD_IN_LINE.search(value) is not None:
            start, end = event.start_mark, event.end_mark
            style = event.style or ""
            self.pos.spans[path] = Span(style, value, (start.line, start.column),
                                        (end.line, end.column))  # fmt: skip

    def start(self, event: Any, container: Any) -> None:
        self.properties(event)
        path = self.attach(container, event)
        if path is None or path is _DROPPED:  # a collection as a key, or a duplicate's value
            path, container = _DROPPED, ({} if isinstance(container, dict) else [])
        self.stack.append((container, path))

    def end(self) -> None:
        self.stack.pop()


_SKIP = object()
#: the path of values nobody will see (under a duplicate key); never looked up
_DROPPED: KeyPath = ("\0dropped",)


def _scalar_value(event: Any) -> Any:
    """YAML 1.1 resolution for plain scalars, as PyYAML; timestamps stay text."""
    if event.style or not event.implicit[0]:  # quoted, block or tagged: text as written
        return event.value
    tag = _RESOLVER.resolve(ScalarNode, event.value, (True, False))
    if tag == _BOOL:
        return _CONSTRUCTOR.bool_values[event.value.lower()]
    if tag == _NULL:
        return None
    node = ScalarNode(tag, event.value)
    if tag == _INT:
        return _CONSTRUCTOR.construct_yaml_int(node)
    if tag == _FLOAT:
        return _CONSTRUCTOR.construct_yaml_float(node)
    return event.value


_HANDLERS = {
    yaml.ScalarEvent: lambda b, e: b.scalar(e),
    yaml.MappingStartEvent: lambda b, e: b.start(e, {}),
    yaml.SequenceStartEvent: lambda b, e: b.start(e, []),
    yaml.MappingEndEvent: lambda b, e: b.end(),
    yaml.SequenceEndEvent: lambda b, e: b.end(),
}


@dataclass(slots=True)
class Loaded:
    data: Any
    positions: Positions
    problems: list[Problem]


def load_exact(text: str, line_offset: int = 0) -> Loaded:
    """Parse `text` keeping every position; never raises on bad YAML."""
    builder = _Builder(line_offset)
    if BAD_CHARACTER.search(text) is not None:
        text = _blank_bad_characters(text, builder)
    builder.pos.text, builder.pos.offset = text, line_offset
    parser = yaml.CSafeLoader(text)
    try:
        _walk(parser, builder)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1
        col = (mark.column + 1) if mark else 1
        message = syntax_message(exc.problem or exc.context or "invalid YAML")
        if exc.context and exc.context_mark and exc.problem:
            start = exc.context_mark.line + 1 + line_offset
            context = syntax_message(exc.context)
            message = Msg("{problem} ({context} that starts at line {line})",
                          problem=message, context=context, line=start)  # fmt: skip
        builder.problems.append(Problem("yaml-syntax", message, line, col))
        return Loaded(None, builder.pos, builder.problems)
    except yaml.YAMLError as exc:  # reader errors: control characters and the like
        message = syntax_message(str(exc).splitlines()[0])
        builder.problems.append(Problem("yaml-syntax", message, 1, 1))
        return Loaded(None, builder.pos, builder.problems)
    finally:
        parser.dispose()
    return Loaded(builder.root, builder.pos, builder.problems)


def _blank_bad_characters(text: str, builder: _Builder) -> str:
    """Report the first bad character of each line and put a space for every one."""
    for number, line in enumerate(LINE_BREAK.split(text)):
        found = BAD_CHARACTER.search(line)
        if found is not None:
            char, more = describe_character(found.group()), len(BAD_CHARACTER.findall(line)) - 1
            message = (Msg("{char} is not allowed in a record; delete it", char=char) if not more
                       else Msg("{char} is not allowed in a record; delete it (and {more} more "
                                "on this line)", char=char, more=more))  # fmt: skip
            where = (number + 1 + builder.offset, found.start() + 1)
            builder.problems.append(Problem("control-character", message, *where))
    return BAD_CHARACTER.sub(" ", text)


def _walk(parser: Any, builder: _Builder) -> None:
    while parser.check_event():
        event = parser.get_event()
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(builder, event)
        elif isinstance(event, yaml.AliasEvent):
            msg = Msg("YAML alias '*{anchor}' is not allowed in records", anchor=event.anchor)
            builder.problem("anchor", msg, event)
            path = builder.attach(None, event)
            if path is not None:
                builder.pos.aliases.add(path)
        elif isinstance(event, yaml.DocumentStartEvent):
            builder.documents += 1
            if builder.documents == 2:
                msg = Msg("a record file holds one YAML document")
                builder.problem("multiple-documents", msg, event)
                return


# -- the fast path ---------------------------------------------------------------------------

# Both pre-screens below run on every file of a cold run, so each pattern starts with a
# character class: the regex engine then skips to the next such character instead of
# trying a match at every position (measured: a fifth of the instructions per file went
# into a pattern that started with `^` or a class).

# A node property (anchor, alias, tag) or a merge key at the start of a node.  Over-matching
# (``**bold**`` in a block scalar) only sends a file down the exact path.


def _may_have_property(text: str) -> bool:
    if not ("&" in text or "*" in text or "!" in text or "<<" in text):
        return False
    return text.startswith(_PROPERTY_START) or _PROPERTY.search(text) is not None


_PROPERTY = re.compile(r"[\s\[{,](?:[&*!][^\s,\]}]|<<)")
_PROPERTY_START = ("&", "*", "!", "<<")
# A whole plain scalar that YAML 1.1 and 1.2 read as different numbers: leading zeros,
# 0b/0o/0x, underscores, exponents (1.1 wants a dot and a signed exponent), signed `.5`;
# after `:`, a flow character, or a line break and a list item's dash.  Its rest is drawn
# from the characters of YAML 1.1's number forms, so that document numbers such as
# `01/BC-BNĐ` (text for both) do not send a file down the exact path.  (A file's first
# line starts with a key: a list item there makes no mapping.)
_NUMBERISH = re.compile(
    r"[\n:\[{,](?:[ \t]*-)?[ \t]*[-+]?"
    r"(?:0[0-9_]|0[bBoOxX]|[0-9][0-9_]*_|[0-9.]*[0-9][eE]|\.[0-9])"
    r"[0-9A-Za-z_.:+-]*[ \t\r]*(?:$|[,\]}#])",
    re.MULTILINE,
)


class Scan(NamedTuple):
    """What :func:`_scan` found in parsed data."""

    #: some text could have been a plain YAML 1.1 non-text scalar (``no``, ``14:00``)
    doubtful: bool
    #: some value is null
    nulls: bool
    #: the keys of mappings holding a number (or a boolean) as their value
    number_keys: frozenset[str] | set[str]
    #: some number is a list item (no key leads to it in the text)
    loose_numbers: bool


#: what may follow `key:` up to a doubtful number: blanks, line breaks and comments first
_NUMBER_AFTER_KEY = re.compile(
    r"(?:[ \t\r\n]|#[^\n]*)*[-+]?"
    r"(?:0[0-9_]|0[bBoOxX]|[0-9][0-9_]*_|[0-9.]*[0-9][eE]|\.[0-9])"
    r"[0-9A-Za-z_.:+-]*[ \t\r]*(?:$|[,\]}#])",
    re.MULTILINE,
)


def _scan(data: Any) -> Scan:
    """Walk parsed data once for what the fast path must doubt (see :class:`Scan`).

    Only collections go on the stack, and a mapping whose keys were all seen before in good
    standing is passed with one set comparison: this runs on every file of a cold run.
    """
    stack, nulls, loose = [data], False, False
    number_keys: set[str] = set()
    while stack:
        container = stack.pop()
        if type(container) is dict:
            if not container.keys() <= _GOOD_KEYS and _doubtful_keys(container):
                return Scan(True, nulls, number_keys, loose)
            for key, item in container.items():
                kind = type(item)
                if kind is str:
                    if item and item[0] in _DOUBTFUL_START:
                        if len(item) == 10 and item[4] == "-" and item[7] == "-":
                            continue  # an ISO date, the commonest: text for both (_doubtful)
                        if _doubtful(item):
                            return Scan(True, nulls, number_keys, loose)
                elif kind is dict or kind is list:
                    stack.append(item)
                elif item is None:
                    nulls = True
                else:  # int, float, bool
                    number_keys.add(key)
            continue
        for item in container:
            kind = type(item)
            if kind is str:
                if item and item[0] in _DOUBTFUL_START and _doubtful(item):
                    return Scan(True, nulls, number_keys, loose)
            elif kind is dict or kind is list:
                stack.append(item)
            elif item is None:
                nulls = True
            else:
                loose = True
    return Scan(False, nulls, number_keys, loose)


#: mapping keys already found to be text for both YAML versions (field names, mostly)
_GOOD_KEYS: set[Any] = set()


def _doubtful_keys(mapping: dict[Any, Any]) -> bool:
    for key in mapping:
        if type(key) is not str or (key and key[0] in _DOUBTFUL_START and _doubtful(key)):
            return True
        if len(_GOOD_KEYS) < 10_000:  # (bounded: keys of unknown fields are anyone's)
            _GOOD_KEYS.add(key)
    return False


#: first characters of YAML 1.1 non-text plain scalars (yes/no/on/off among the letters)
_DOUBTFUL_START = frozenset("0123456789-+.~oOyYnN<=")


def _doubtful(text: str) -> bool:
    """Cheap exits first: text with a space, and ISO dates, are text for both YAML versions."""
    if text[0].isalpha():
        return len(text) <= 3 and text.lower() in ("yes", "no", "on", "off")
    if " " in text or not _NON_TEXT_ALPHABET.fullmatch(text):
        return False  # YAML 1.1 reads nothing with a space or a `/` as a non-text scalar
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        return False  # YYYY-MM-DD: a timestamp for 1.1, text for yaml-rs; both keep the text
    return _ambiguous(text)


#: every character of YAML 1.1's implicit non-text scalars (numbers, booleans, null, `<<`, `=`)
_NON_TEXT_ALPHABET = re.compile(r"[0-9A-Za-z_.:+~<=-]+")
_TEXT_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"})


@functools.lru_cache(maxsize=4096)
def _ambiguous(text: str) -> bool:
    """True when `text`, written plain, is text for yaml-rs but not for YAML 1.1.

    yaml-rs returns a string for a plain scalar only when YAML 1.2 reads it as text, so
    the strings to doubt are those 1.2 reads as text and 1.1 does not (``no``, ``14:00``);
    a quoted ``"3"`` is text in both and needs no second look.
    """
    if _RESOLVER.resolve(ScalarNode, text, (True, False)) in _TEXT_TAGS:
        return False
    try:
        parsed: Any = yaml_rs.loads(f"v: {text}", parse_datetime=False)
        return isinstance(parsed["v"], str)
    except Exception:
        return True


try:  # pragma: no cover - exercised when yaml-rs is installed (it is a dependency)
    import yaml_rs

    _NO_ALIASES = yaml_rs.AliasLimits(
        max_alias_expansions_per_anchor=0, max_replay_stack_depth=0, max_total_replayed_events=0
    )
except ImportError:  # pragma: no cover
    yaml_rs = None  # type: ignore[assignment]


def load_fast(text: str) -> dict[str, Any] | None:
    """A mapping parsed by yaml-rs, or None when only :func:`load_exact` may decide."""
    found = load_fast_scanned(text)
    return found[0] if found is not None else None


#: what :func:`load_fast_scanned` gives
Scanned = tuple[dict[str, Any], bool, bool, tuple[str, ...] | None]


def load_fast_scanned(text: str, screened: bool = False) -> Scanned | None:
    """:func:`load_fast`, whether the data holds a null anywhere, whether its keys and short
    texts are interned already (blockyaml.SHARED_LENGTH: as the summaries keep them,
    cdsctl.validation.onefile), and the top-level keys but whose no text holds a line
    break, no text being blank (None: not known; :func:`cdsctl.checks.fast.fast_check`).

    `screened`: the caller has found no character the fast path must leave to the exact
    loader (no byte outside :data:`SAFE_BYTES` in the file's bytes).
    """
    if not screened and _FAST_UNSAFE.search(text) is not None:
        return None
    if blockyaml.COMPILED:  # (as plain Python it is no faster than what follows)
        found = blockyaml.parse(text)
        if found is not None:
            return found[0], found[1], True, found[2]
    if yaml_rs is None or _may_have_property(text):
        return None
    if text[-1:] != "\n" and ("|" in text or ">" in text):
        return None  # yaml-rs adds a line break to a block scalar that ends the text
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=_NO_ALIASES)
    except Exception:  # any parse problem: the exact loader will explain it
        return None
    if type(data) is not dict:
        return None
    scan = _scan(data)
    if scan.doubtful or _doubtful_numbers(text, scan):
        return None
    if scan.nulls and _FLOW_COLON.search(text) is not None:
        return None  # `[a:]`: an error for YAML 1.1 (PyYAML), a key with a null for yaml-rs
    return data, scan.nulls, False, None


def _doubtful_numbers(text: str, scan: Scan) -> bool:
    """Whether a number in the text may be spelled so that YAML 1.1 reads it otherwise.

    The tokens after each key that holds a number are looked at (a few string searches);
    only when a key is spelled otherwise than `key:` wherever its name occurs (quoted,
    `key :`, `? key`), or a number is a list item, is the whole text searched (a regex,
    ≈ 15 µs on a 1 KB record, and most reports hold a number: `progress`).
    """
    if not scan.number_keys and not scan.loose_numbers:
        return False
    if not scan.loose_numbers:
        found = _doubtful_after_keys(text, scan.number_keys)
        if found is not None:
            return found
    return _NUMBERISH.search(text) is not None


def _doubtful_after_keys(text: str, keys: frozenset[str] | set[str]) -> bool | None:
    """Whether a value after one of `keys` is a doubtful number; None: cannot tell.

    Every place a key's name stands as a word of its own (not inside `in-progress`) must
    be `name:`, and there must be one, else a use of the key may be spelled otherwise
    (`"name":`, `name :`, `? name`, `'it''s':` for the key `it's`) and hide its value.
    """
    if "\\" in text:  # an escape in a double-quoted key could spell its name otherwise
        return None
    for key in keys:
        if not key or "'" in key:  # (a quote in a key may be written doubled)
            return None
        start, seen = 0, False
        while (at := text.find(key, start)) >= 0:
            start = at + len(key)
            if at and text[at - 1] not in _BEFORE_KEY:
                continue  # the end of a longer word
            after = text[start : start + 1]
            if after == ":":
                seen = True
                if _NUMBER_AFTER_KEY.match(text, start + 1):
                    return True
            elif after in _AFTER_NAME:
                return None
            # else: the start of a longer word
        if not seen:
            return None
    return False


#: what may stand just before a key, and just after its name when the name is spelled
#: otherwise than `name:`
_BEFORE_KEY = frozenset(" \t\r\n{[,?\"'")
_AFTER_NAME = frozenset(["", " ", "\t", "\r", "\n", '"', "'", ",", "}", "]", "#"])
