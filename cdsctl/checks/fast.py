"""The happy path's checker: msgspec types compiled from :data:`cdsctl.schema.SCHEMAS`.

:func:`fast_check` answers only "this record is clean, here are its values"; it returns
None at the first doubt, and then :func:`cdsctl.checks.record.check_record` (the one source
of diagnostics) runs.  msgspec validates a record about 8× faster than walking the schema
in Python.  tests/test_fastcheck.py holds the two to the same answers.
"""

from __future__ import annotations

import datetime
import functools
import sys
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union

import msgspec

from ..schema import (
    ID_PATTERN,
    NUMBER_PATTERN,
    NUMBER_RE,
    SCHEMAS,
    WORKING_DAYS,
    Checked,
    Context,
    Date,
    DateOrWorkingDays,
    DirectiveOrNumber,
    DocNumber,
    Enum,
    Id,
    ListOf,
    Number,
    Ref,
    Struct,
    Text,
    Type,
)
from .record import apply_rules

NOT_BLANK = r"\S"
#: one line of text, not blank: no line break (a `|` block adds one at its end).  `\n` is
#: the only line break a value can hold here: yaml-rs turns `\r` and `\r\n` into it, and
#: U+2028, U+2029 and escapes send a file to the exact path (one negated literal: the
#: regex engine's fastest loop, a fifth of what `[^\n\r\u2028\u2029]` costs)
ONE_LINE = r"\A[^\n]*\S[^\n]*\Z"
#: the largest finite number: bounds that keep `.nan` and `.inf` off the fast path
_FINITE = sys.float_info.max


def _annotation(t: Type, name: str, lean: bool = False) -> Any:
    """The msgspec type that accepts exactly what `t.check` accepts without a finding
    (`lean`: for text known to be not blank, and on one line where it must be: see
    :data:`LEAN_STRUCTS`)."""
    if isinstance(t, Text):
        pattern = _text_pattern(t)
        if lean and pattern in (ONE_LINE, NOT_BLANK):
            return str
        return Annotated[str, msgspec.Meta(pattern=pattern)]
    if isinstance(t, Date):
        return datetime.date
    if isinstance(t, Enum):
        return Literal[t.values]
    if isinstance(t, Number):
        return _number(t)
    if isinstance(t, ListOf):
        return list[_annotation(t.item, name, lean)]  # type: ignore[misc]
    if isinstance(t, DateOrWorkingDays):
        return Union[datetime.date, _annotation(WORKING_DAYS, name, lean)]  # noqa: UP007
    if isinstance(t, Struct):
        return _struct(t, name, lean)
    raise TypeError(f"no msgspec type for {t!r}")


def _text_pattern(t: Text) -> str:
    if isinstance(t, Ref | DirectiveOrNumber):
        return ONE_LINE
    if isinstance(t, Id):
        return ID_PATTERN
    if isinstance(t, DocNumber):
        return NUMBER_PATTERN
    return t.pattern or (NOT_BLANK if t.lines else ONE_LINE)


def _number(t: Number) -> Any:
    meta = msgspec.Meta(ge=t.minimum, le=t.maximum)
    if t.integer:
        return Annotated[int, meta]
    low = -_FINITE if t.minimum is None else t.minimum  # (no NaN is ≥ anything)
    finite = msgspec.Meta(ge=low, le=_FINITE if t.maximum is None else t.maximum)
    return Union[Annotated[int, meta], Annotated[float, finite]]  # noqa: UP007


def _struct(t: Struct, name: str, lean: bool = False) -> Any:
    fields: list[Any] = []
    for key, spec in t.fields.items():
        annotation = _annotation(spec.type, f"{name}_{key}", lean)
        fields.append((key, annotation) if spec.required else (key, annotation | None, None))
    return msgspec.defstruct(
        name, fields, kw_only=True, forbid_unknown_fields=True, omit_defaults=True
    )


STRUCTS: dict[str, Any] = {kind: _struct(schema, kind) for kind, schema in SCHEMAS.items()}
#: STRUCTS without the two patterns of plain text (:data:`ONE_LINE`, :data:`NOT_BLANK`), for
#: data whose every text is known not blank, and on one line but under the kind's
#: :data:`MULTILINE` keys (cdsctl.load.blockyaml: a regex a text cost half of a record's
#: msgspec check, 1.5 µs of 3 on a report)
LEAN_STRUCTS: dict[str, Any] = {kind: _struct(schema, f"{kind}_lean", lean=True)
                                for kind, schema in SCHEMAS.items()}  # fmt: skip
#: the top-level keys of each kind whose text may hold line breaks
MULTILINE: dict[str, frozenset[str]] = {
    kind: frozenset(
        k for k, f in schema.fields.items() if isinstance(f.type, Text) and f.type.lines
    )
    for kind, schema in SCHEMAS.items()
}


Compactor = Callable[[Any], None]


def _compactor(t: Type) -> Compactor | None:
    """A function removing in place what compact values leave out (None: nothing to remove).

    In place: the parsed data is this record's own, and popping a key or two is much
    cheaper than building a new dict of the kept ones.
    """
    if isinstance(t, ListOf):
        item = _compactor(t.item)
        return None if item is None else functools.partial(_each, item)
    if isinstance(t, Struct):
        drop = tuple(k for k, f in t.fields.items() if not f.compact)
        inner = tuple((k, c) for k, f in t.fields.items()
                      if f.compact and (c := _compactor(f.type)) is not None)  # fmt: skip
        if not drop and not inner:
            return None
        return functools.partial(_struct_compact, drop, inner)
    return None


def _each(item: Compactor, value: list[Any]) -> None:
    for v in value:
        item(v)


def _struct_compact(drop: tuple[str, ...], inner: tuple[tuple[str, Compactor], ...],
                    value: dict[str, Any]) -> None:  # fmt: skip
    for key in drop:
        value.pop(key, None)
    for key, compact in inner:
        if key in value:
            compact(value[key])


COMPACTORS = {kind: _compactor(schema) for kind, schema in SCHEMAS.items()}


Names = dict[tuple[str, ...], list[str]]
Collector = Callable[[Any, Names], None]


def _collector(t: Type) -> Collector | None:
    """A function gathering the names a value of `t` refers to, by the kinds they may name,
    without their paths (see records.group_references); None: it refers to nothing."""
    if isinstance(t, Ref):
        return functools.partial(add_name, t.kinds)
    if isinstance(t, DirectiveOrNumber):
        return _directive_or_number
    if isinstance(t, ListOf):
        if isinstance(t.item, Ref):  # a list of names: taken whole
            return functools.partial(_names, t.item.kinds)
        item = _collector(t.item)
        return None if item is None else functools.partial(_each_item, item)
    if isinstance(t, Struct):
        fields = tuple((k, c) for k, f in t.fields.items() if (c := _collector(f.type)))
        return functools.partial(_fields, fields) if fields else None
    return None


def add_name(kinds: tuple[str, ...], value: str, out: Names) -> None:
    """Add `value` to the names `out` holds for `kinds` (the grouping summaries keep)."""
    found = out.get(kinds)
    if found is None:
        out[kinds] = [value]
    else:
        found.append(value)


def _names(kinds: tuple[str, ...], value: list[str], out: Names) -> None:
    if not value:
        return
    found = out.get(kinds)
    if found is None:
        out[kinds] = list(value)
    else:
        found.extend(value)


def _directive_or_number(value: str, out: Names) -> None:
    if not NUMBER_RE.match(value):  # an external document number names no record
        add_name(("directive",), value, out)


def _each_item(item: Collector, value: list[Any], out: Names) -> None:
    for v in value:
        item(v, out)


def _fields(fields: tuple[tuple[str, Collector], ...], value: dict[str, Any], out: Names) -> None:
    for key, collect in fields:
        if key in value:
            collect(value[key], out)


COLLECTORS = {kind: _collector(schema) for kind, schema in SCHEMAS.items()}


def fast_check(data: dict[str, Any], text: str, relpath: str, nulls: bool = True,
               lines: tuple[str, ...] | None = None) -> Checked | None:  # fmt: skip
    """A clean record's checked values, or None when only the full checker may decide.

    `nulls=False` promises `data` holds no null: then, once msgspec has accepted it, it is
    already the builtin form (dates are ISO text from yaml-rs) and is used as it is.
    `lines` promises that no text in `data` is blank and none holds a line break but the
    values of these top-level keys (None: no promise).
    """
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in STRUCTS:
        return None
    if "\\" in text or not unicodedata.is_normalized("NFC", text):
        return None  # (a backslash escape could spell text that is not NFC)
    try:
        lean = lines is not None and all(key in MULTILINE[kind] for key in lines)
        converted = msgspec.convert(data, (LEAN_STRUCTS if lean else STRUCTS)[kind])
    except msgspec.ValidationError:
        return None
    # dates become ISO text, as check_record keeps them; nulls (absent fields) are dropped
    values = msgspec.to_builtins(converted) if nulls else data
    ctx = Context()
    record_id = apply_rules(kind, values, data, relpath, ctx)
    if ctx.findings:
        return None
    names: Names = {}
    collect = COLLECTORS[kind]
    if collect is not None:
        collect(values, names)
    compact = COMPACTORS[kind]
    if compact is not None:
        compact(values)
    return Checked(kind, record_id, values, [], [], names)
