"""The value types of the record format and how each checks a value: text (one line or
many), ids, references, document numbers, dates, periods, times, enums, numbers, lists and
mappings (:class:`Struct`), each also writing its JSON Schema and its compact value.

:class:`Context` collects what one record's check finds (:class:`Finding`) and the names it
refers to; :class:`Checked` is the result.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..dates.iso import DateError, parse_iso, period_proposal, time_proposal
from ..i18n import Msg, noun
from ..load.yamltext import BAD_CHARACTER, BAD_IN_LINE, KeyPath
from ..messages import fieldnames
from ..messages.hints import describe_character, enum_word, number_hint, plain_form, shown
from ..text import ALPHABET, TONES

INVALID: Any = object()  # what a check returns for a value that is unusable

# -- patterns ------------------------------------------------------------------------------
# Each pattern means the same in Python's `re` (the checks here, and msgspec on the fast path)
# and in ECMA-262, where editors and check-jsonschema evaluate the JSON Schema's `pattern`
# (tests/test_schema_ecma.py holds them to it).  So no `\d`, `\w`, `\W` or `\s`: Python
# gives them every Unicode digit or letter (`\d` takes "２０２２"), ECMA-262 only ASCII (`\W`
# there takes "Đ").  Classes are spelt out instead: ASCII digits `[0-9]`, and
# :data:`VI_LETTERS` for the letters of document symbols.  And no bare `$`: Python's also
# matches before a final line break, ECMA-262's only at the end; `$(?!\n)` is the end in both.
_END = r"$(?!\n)"

#: Vowels that carry tone marks; with :data:`cdsctl.text.ALPHABET` they give every letter.
_VOWELS = "aăâeêioôơuưy"


def vietnamese_letters() -> str:
    """Every letter of Vietnamese outside ASCII, both cases, precomposed (NFC), sorted:
    the letters of the alphabet (ă â đ ê ô ơ ư) and each vowel with each of the five tones."""
    letters = {c for c in ALPHABET if not c.isascii()}
    letters |= {unicodedata.normalize("NFC", v + tone) for v in _VOWELS for tone in TONES}
    letters |= {c.upper() for c in letters}
    return "".join(sorted(letters))


def char_ranges(chars: str) -> str:
    """The inside of a regex class holding exactly `chars`: runs of 3 or more as ranges."""
    codes = sorted({ord(c) for c in chars})
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][-1] + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    return "".join(
        f"{chr(r[0])}-{chr(r[-1])}" if len(r) >= 3 else "".join(map(chr, r)) for r in runs
    )


#: A letter of a Vietnamese document symbol (`QĐ` in `27/QĐ-UBQGCĐS`): ASCII or Vietnamese.
VI_LETTERS = "A-Za-z" + char_ranges(vietnamese_letters())
#: What `id` must match, as the record format writes it (messages show this form).
ID_SHAPE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"
ID_PATTERN = ID_SHAPE.removesuffix("$") + _END
ID_RE = re.compile(ID_PATTERN)
_PART = rf"[0-9{VI_LETTERS}&]+"  # a part of a symbol: letters, digits and `&` (TT&TT)
NUMBER_PATTERN = rf"^[0-9]+(?:/[0-9]{{4}})?[/-]{_PART}(?:[-/]{_PART})*{_END}"
NUMBER_RE = re.compile(NUMBER_PATTERN)
PERIOD_PATTERN = rf"^[0-9]{{4}}(?:-(?:0[1-9]|1[0-2])|-Q[1-4]|-H[12])?{_END}"
TIME_PATTERN = rf"^(?:[01]?[0-9]|2[0-3]):[0-5][0-9]{_END}"
DATE_PATTERN = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}{_END}"


@dataclass(slots=True)
class Finding:
    """A problem inside one record, located by path; turned into a Diagnostic later."""

    code: str
    path: KeyPath
    message: str
    at_key: bool = True
    #: where in the value the problem is (a control character), when it is one character
    index: int | None = None


#: A value that names another record: (kinds it may name, the id named, where it stands).
#: A plain tuple, so summaries stay builtins that cross processes and the cache cheaply.
Reference = tuple[tuple[str, ...], str, KeyPath]


class Context:
    """What a check of one record collects: findings and references."""

    def __init__(
        self, raw: dict[KeyPath, str] | None = None, skip: set[KeyPath] | None = None
    ) -> None:
        self.findings: list[Finding] = []
        self.references: list[Reference] = []
        self.raw = raw or {}
        self.skip = skip or set()  # values already reported by the loader (aliases)

    def add(
        self, code: str, path: KeyPath, message: str, at_key: bool = True, index: int | None = None
    ) -> Any:
        self.findings.append(Finding(code, path, message, at_key, index))
        return INVALID


def field_name(path: KeyPath) -> str:
    """`tasks[2].status` for ("tasks", 2, "status")."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


def describe(value: Any, raw: str | None) -> str:
    """How YAML read a non-text value, for messages: `the boolean false (written no)`."""
    kind: str
    if isinstance(value, bool):
        kind = Msg("the boolean {value}", value=str(value).lower())
    elif value is None:
        kind = Msg("null")
    elif isinstance(value, int | float):
        kind = Msg("the number {value}", value=value)
    elif isinstance(value, list):
        return Msg("a list")
    elif isinstance(value, dict):
        return Msg("a mapping")
    else:
        return shown(str(value))
    plain = raw is None or raw.lower() in (str(value).lower(), "null", "~")
    return kind if plain else Msg("{value} (written `{raw}`)", value=kind, raw=raw)


class Type:
    """A field type: checks and normalises a value, and describes itself as JSON Schema."""

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def wrong(self, value: Any, path: KeyPath, ctx: Context, expected: str, hint: str = "") -> Any:
        """A type finding: `expected` (a :class:`~cdsctl.i18n.Msg`) is what the field holds."""
        raw = ctx.raw.get(path)
        found = describe(value, raw)
        if isinstance(value, bool) and raw:
            found = Msg("the boolean {value}", value=str(value).lower())
            hint = Msg(': YAML 1.1 reads a bare `{raw}` as a boolean; quote it: "{raw}"', raw=raw)
        elif isinstance(value, int | float) and expected == "text":
            hint = Msg(': quote it: "{value}"', value=raw or value)
        msg = Msg("{field} must be {expected}, not {found}{hint}", field=field_name(path),
                  expected=expected, found=found, hint=hint)  # fmt: skip
        return ctx.add("type", path, msg)


def check_characters(value: str, path: KeyPath, ctx: Context, lines: bool = False) -> bool:
    """Whether `value` is free of control characters and non-characters (spec §2), and of
    line breaks unless it is long text (`lines`); else a finding at the character."""
    found = (BAD_CHARACTER if lines else BAD_IN_LINE).search(value)
    if found is None:
        return True
    char, name = found.group(), field_name(path)
    if char in "\n\r\u2028\u2029":
        msg = Msg("{field} holds a line break; keep it on one line (a `|` or `>` block adds one)",
                  field=name)  # fmt: skip
    else:
        msg = Msg("{field} holds {char}; delete it", field=name, char=describe_character(char))
    ctx.add("control-character", path, msg, at_key=False, index=found.start())
    return False


@dataclass(frozen=True)
class Text(Type):
    pattern: str | None = None
    what: str = "text"
    lines: bool = False  # long text, which may hold line breaks (a body, a description)

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, path, ctx, Msg("text"))
        if not value.strip():
            return ctx.add("invalid-value", path, Msg("{field} is empty", field=field_name(path)))
        if not check_characters(value, path, ctx, self.lines):
            return INVALID
        if not unicodedata.is_normalized("NFC", value):
            msg = Msg("{field} is not in Unicode NFC", field=field_name(path))
            ctx.add("not-nfc", path, msg, at_key=False)
            value = unicodedata.normalize("NFC", value)
        if self.pattern and not re.fullmatch(self.pattern, value):
            msg = Msg("{field}: {value} is not {what}{hint}", field=field_name(path),
                      value=shown(value), what=Msg(self.what), hint=self.hint(value))  # fmt: skip
            return ctx.add("invalid-value", path, msg)
        return value

    def proposal(self, value: str) -> str | None:
        """The form of `value` the field wants, if it is only written otherwise."""
        return plain_form(value)

    def hint(self, value: str) -> str:
        """`; write 2024-01` when :meth:`proposal` finds a valid form of `value`."""
        found = self.proposal(value)
        if found is None or found == value or not re.fullmatch(self.pattern or ".+", found):
            return ""
        return Msg("; write {value}", value=found)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.pattern:
            out["pattern"] = self.pattern
        return out


@dataclass(frozen=True)
class Period(Text):
    """A report's or a measurement's period: `2024-05`, `2024-Q2`, `2024-H1`, `2024`."""

    def proposal(self, value: str) -> str | None:
        return period_proposal(value) or plain_form(value)


@dataclass(frozen=True)
class Time(Text):
    """A time of day, `14:00`."""

    def proposal(self, value: str) -> str | None:
        return time_proposal(value) or plain_form(value)


@dataclass(frozen=True)
class Id(Text):
    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        value = Text.check(self, value, path, ctx)
        if value is not INVALID and not ID_RE.fullmatch(value):
            hint = Text(ID_PATTERN).hint(value)
            msg = Msg("id {value} does not match {shape}{hint}", value=shown(value),
                      shape=ID_SHAPE, hint=hint)  # fmt: skip
            return ctx.add("id-format", path, msg)
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": ID_PATTERN}


@dataclass(frozen=True)
class Ref(Text):
    """An id of a record of one of `kinds`; resolved across the whole root later."""

    kinds: tuple[str, ...] = ()

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        value = Text.check(self, value, path, ctx)
        if value is not INVALID:
            ctx.references.append((self.kinds, value, path))
        return value

    def schema(self) -> dict[str, Any]:
        kind = self.kinds[0]
        article = "an" if kind[0] in "aeiou" else "a"
        return {"type": "string", "pattern": ID_PATTERN, "description": f"id of {article} {kind}"}


@dataclass(frozen=True)
class DocNumber(Text):
    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        value = Text.check(self, value, path, ctx)
        if value is not INVALID and not NUMBER_RE.fullmatch(value):
            hint = Text(NUMBER_PATTERN).hint(value)
            msg = Msg("{value} is not a document number such as 128/TB-UBND or 09-NQ/TU{hint}",
                      value=shown(value), hint=hint)  # fmt: skip
            return ctx.add("doc-number", path, msg)
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": NUMBER_PATTERN}


@dataclass(frozen=True)
class DirectiveOrNumber(Text):
    """A directive id in the records, or an external document number."""

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        value = Text.check(self, value, path, ctx)
        if value is not INVALID and not NUMBER_RE.fullmatch(value):
            ctx.references.append((("directive",), value, path))
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "description": "a directive id or a document number"}


@dataclass(frozen=True)
class Date(Type):
    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, path, ctx, Msg("a date (YYYY-MM-DD)"))
        if not check_characters(value, path, ctx):
            return INVALID
        try:
            parse_iso(value)
            return value  # ISO text: compares chronologically, stays a builtin
        except DateError as exc:
            msg = Msg("{field}: {problem}", field=field_name(path), problem=exc.message)
            return ctx.add(exc.code, path, msg, at_key=False)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}


@dataclass(frozen=True)
class Enum(Type):
    values: tuple[str, ...]

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if not isinstance(value, str):
            return self.wrong(
                value, path, ctx, Msg("one of {values}", values=", ".join(self.values))
            )
        if value not in self.values:
            if not check_characters(value, path, ctx):
                return INVALID
            word = enum_word(value, self.values)
            msg = Msg("{field}: {value} is not one of {values}{hint}", field=field_name(path),
                      value=shown(value), values=", ".join(self.values),
                      hint=Msg("; write {value}", value=word) if word else "")  # fmt: skip
            return ctx.add("invalid-value", path, msg, at_key=False)
        return value

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Number(Type):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        allowed = int if self.integer else int | float
        if isinstance(value, bool) or not isinstance(value, allowed):
            hint = number_hint(value) if isinstance(value, str) else ""
            expected = Msg("a whole number") if self.integer else Msg("a number")
            return self.wrong(value, path, ctx, expected, hint)
        problem = self.problem(value, ctx.raw.get(path))
        if problem:
            msg = Msg("{field}: {problem}", field=field_name(path), problem=problem)
            return ctx.add("invalid-value", path, msg, at_key=False)
        return value

    def problem(self, value: float, raw: str | None) -> str | None:
        """What is wrong with a number YAML read: not finite, not written in plain
        digits (`0x1F`, `017`, `1_000`: YAML 1.1 and 1.2 read some apart), out of range."""
        if isinstance(value, float) and not math.isfinite(value):
            what = Msg("not a number") if math.isnan(value) else Msg("infinite")
            return Msg("`{raw}` is {what}; write a number such as 42.3", raw=raw or value,
                       what=what)  # fmt: skip
        if raw is not None and not PLAIN_NUMBER.fullmatch(raw):
            return Msg("`{raw}` is not plain digits (YAML reads it as {value}); write {value}",
                       raw=raw, value=value)  # fmt: skip
        low = -sys.float_info.max if self.minimum is None else self.minimum
        high = sys.float_info.max if self.maximum is None else self.maximum
        if low <= value <= high:
            return None
        if self.minimum is None or self.maximum is None:
            return Msg("{value} is too large a number", value=value)
        return Msg("{value} is outside {low}–{high}", value=value, low=_num(self.minimum),
                   high=_num(self.maximum))  # fmt: skip

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


#: how a number is written in a record: digits, a sign, a decimal point (what YAML 1.1 and
#: 1.2 read alike); 0x1F, 017, 1_000, 1e3, .5 are refused with the number they stand for
PLAIN_NUMBER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?")


def _num(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


@dataclass(frozen=True)
class ListOf(Type):
    item: Type

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if not isinstance(value, list):
            return self.wrong(value, path, ctx, Msg("a list"))
        checked = [self.item.check(v, (*path, i), ctx) for i, v in enumerate(value)
                   if (*path, i) not in ctx.skip]  # fmt: skip
        return [v for v in checked if v is not INVALID]

    def schema(self) -> dict[str, Any]:
        return {"type": "array", "items": self.item.schema()}


@dataclass(frozen=True)
class Field:
    type: Type
    required: bool = False
    description: str = ""
    compact: bool = True  # kept in the compact record queries use (long text is not)


@dataclass(frozen=True)
class Struct(Type):
    fields: dict[str, Field]
    name: str = "mapping"

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, path, ctx, Msg("a mapping ({name})", name=noun(self.name)))
        out: dict[str, Any] = {}
        named: set[str | None] = set()  # fields an unknown key was taken for
        for key, item in value.items():
            spec = self.fields.get(key) if isinstance(key, str) else None
            if spec is None:
                named.add(self.unknown(key, path, ctx))
                continue
            if (item is None and not spec.required) or (*path, key) in ctx.skip:
                continue  # `parent: null` (spec §3) is absent; an alias is reported already
            checked = spec.type.check(item, (*path, key), ctx)
            if checked is not INVALID and spec.compact:
                out[key] = checked
        for key, spec in self.fields.items():
            if spec.required and key not in value and key not in named:  # (said already)
                msg = Msg("{name}: required field '{field}' is missing", name=noun(self.name),
                          field=key)  # fmt: skip
                ctx.add("missing-field", path, msg)
        return out

    def unknown(self, key: Any, path: KeyPath, ctx: Context) -> str | None:
        """An unknown field: an error naming the field meant when it is near one
        (fieldnames.py), else a warning.  Returns the field meant."""
        where = Msg(" in {field}", field=field_name(path)) if path else ""
        meant = fieldnames.meant(key, self.fields, self.name) if isinstance(key, str) else None
        if meant is None:
            msg = Msg("unknown field '{key}'{where}", key=key, where=where)
            ctx.add("unknown-field", (*path, key), msg)
            return None
        msg = Msg("unknown field '{key}'{where}: {meant}", key=key, where=where, meant=meant.words)
        ctx.add("misspelled-field", (*path, key), msg)
        return meant.field

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {k: _described(f) for k, f in self.fields.items()},
            # stricter than `validate`, which only warns of a field far from any (`ghi_chu`)
            "additionalProperties": False,
            "required": [k for k, f in self.fields.items() if f.required],
        }


def _described(f: Field) -> dict[str, Any]:
    out = f.type.schema()
    if not f.required:  # an optional field may be null: it counts as absent
        out = {"anyOf": [out, {"type": "null"}]}
    if f.description:
        out = {**out, "description": f.description}
    return out


@dataclass(frozen=True)
class DateOrWorkingDays(Type):
    """`due`: a date, or `{working_days: N}` counted from the directive's issue date."""

    def check(self, value: Any, path: KeyPath, ctx: Context) -> Any:
        if isinstance(value, dict):
            return WORKING_DAYS.check(value, path, ctx)
        return Date().check(value, path, ctx)

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [Date().schema(), WORKING_DAYS.schema()]}


WORKING_DAYS = Struct({"working_days": Field(Number(1, 3650, integer=True), required=True)}, "due")


@dataclass(slots=True)
class Checked:
    """A record checked on its own: its normalised compact values and what was found."""

    kind: str | None
    id: str | None
    values: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    #: the referenced names by kinds, without paths; the fast path gives only these
    names: dict[tuple[str, ...], list[str]] | None = None
