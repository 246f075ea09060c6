"""The record format (spec §2–§3) as data: one description per kind.

The same description drives three things, so they cannot drift apart:
the per-file checks (:meth:`Type.check`), the normalised "compact" values handed to
queries, and the JSON Schema that editors use (:func:`json_schema`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .dates import DateError, parse_iso
from .yamlload import Path

INVALID: Any = object()  # what a check returns for a value that is unusable

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$"
ID_RE = re.compile(ID_PATTERN)
_PART = r"(?:[^\W_]|&)+"
NUMBER_PATTERN = rf"^\d+(?:/\d{{4}})?[/-]{_PART}(?:[-/]{_PART})*$"
NUMBER_RE = re.compile(NUMBER_PATTERN)
PERIOD_PATTERN = r"^\d{4}(?:-(?:0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$"
TIME_PATTERN = r"^(?:[01]?\d|2[0-3]):[0-5]\d$"


@dataclass(slots=True)
class Finding:
    """A problem inside one record, located by path; turned into a Diagnostic later."""

    code: str
    path: Path
    message: str
    at_key: bool = True


#: A value that names another record: (kinds it may name, the id named, where it stands).
#: A plain tuple, so summaries stay builtins that cross processes and the cache cheaply.
Reference = tuple[tuple[str, ...], str, Path]


class Context:
    """What a check of one record collects: findings and references."""

    def __init__(self, raw: dict[Path, str] | None = None, skip: set[Path] | None = None) -> None:
        self.findings: list[Finding] = []
        self.references: list[Reference] = []
        self.raw = raw or {}
        self.skip = skip or set()  # values already reported by the loader (aliases)

    def add(self, code: str, path: Path, message: str, at_key: bool = True) -> Any:
        self.findings.append(Finding(code, path, message, at_key))
        return INVALID


def field_name(path: Path) -> str:
    """`tasks[2].status` for ("tasks", 2, "status")."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "record"


def describe(value: Any, raw: str | None) -> str:
    """How YAML read a non-text value, for messages: `the boolean false (written no)`."""
    if isinstance(value, bool):
        kind = f"the boolean {str(value).lower()}"
    elif value is None:
        kind = "null"
    elif isinstance(value, int | float):
        kind = f"the number {value}"
    elif isinstance(value, list):
        return "a list"
    elif isinstance(value, dict):
        return "a mapping"
    else:
        return repr(value)
    plain = raw is None or raw.lower() in (str(value).lower(), "null", "~")
    return kind if plain else f"{kind} (written `{raw}`)"


class Type:
    """A field type: checks and normalises a value, and describes itself as JSON Schema."""

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def wrong(self, value: Any, path: Path, ctx: Context, expected: str) -> Any:
        raw = ctx.raw.get(path)
        found, hint = describe(value, raw), ""
        if isinstance(value, bool) and raw:
            found = f"the boolean {str(value).lower()}"
            hint = f': YAML 1.1 reads a bare `{raw}` as a boolean; quote it: "{raw}"'
        elif isinstance(value, int | float) and expected == "text":
            hint = f': quote it: "{raw or value}"'
        return ctx.add("type", path, f"{field_name(path)} must be {expected}, not {found}{hint}")


@dataclass(frozen=True)
class Text(Type):
    pattern: str | None = None
    what: str = "text"

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, path, ctx, "text")
        if not value.strip():
            return ctx.add("invalid-value", path, f"{field_name(path)} is empty")
        if not unicodedata.is_normalized("NFC", value):
            ctx.add("not-nfc", path, f"{field_name(path)} is not in Unicode NFC", at_key=False)
            value = unicodedata.normalize("NFC", value)
        if self.pattern and not re.match(self.pattern, value):
            return ctx.add(
                "invalid-value", path, f"{field_name(path)}: '{value}' is not {self.what}"
            )
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.pattern:
            out["pattern"] = self.pattern
        return out


@dataclass(frozen=True)
class Id(Text):
    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        value = Text.check(self, value, path, ctx)
        if value is not INVALID and not ID_RE.match(value):
            return ctx.add("id-format", path, f"id '{value}' does not match {ID_PATTERN}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": ID_PATTERN}


@dataclass(frozen=True)
class Ref(Text):
    """An id of a record of one of `kinds`; resolved across the whole root later."""

    kinds: tuple[str, ...] = ()

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
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
    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        value = Text.check(self, value, path, ctx)
        if value is not INVALID and not NUMBER_RE.match(value):
            msg = f"'{value}' is not a document number such as 128/TB-UBND or 09-NQ/TU"
            return ctx.add("doc-number", path, msg)
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": NUMBER_PATTERN}


@dataclass(frozen=True)
class DirectiveOrNumber(Text):
    """A directive id in the records, or an external document number."""

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        value = Text.check(self, value, path, ctx)
        if value is not INVALID and not NUMBER_RE.match(value):
            ctx.references.append((("directive",), value, path))
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "description": "a directive id or a document number"}


@dataclass(frozen=True)
class Date(Type):
    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, path, ctx, "a date (YYYY-MM-DD)")
        try:
            parse_iso(value)
            return value  # ISO text: compares chronologically, stays a builtin
        except DateError as exc:
            return ctx.add(exc.code, path, f"{field_name(path)}: {exc}", at_key=False)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@dataclass(frozen=True)
class Enum(Type):
    values: tuple[str, ...]

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, str):
            return self.wrong(value, path, ctx, "one of " + ", ".join(self.values))
        if value not in self.values:
            allowed = ", ".join(self.values)
            msg = f"{field_name(path)}: '{value}' is not one of {allowed}"
            return ctx.add("invalid-value", path, msg, at_key=False)
        return value

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Number(Type):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        allowed = int if self.integer else int | float
        if isinstance(value, bool) or not isinstance(value, allowed):
            return self.wrong(value, path, ctx, "a whole number" if self.integer else "a number")
        low = self.minimum if self.minimum is not None else value
        high = self.maximum if self.maximum is not None else value
        if not low <= value <= high:
            msg = f"{field_name(path)}: {value} is outside {self.minimum}–{self.maximum}"
            return ctx.add("invalid-value", path, msg, at_key=False)
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


@dataclass(frozen=True)
class ListOf(Type):
    item: Type

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, list):
            return self.wrong(value, path, ctx, "a list")
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

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, path, ctx, f"a mapping ({self.name})")
        out: dict[str, Any] = {}
        for key, item in value.items():
            spec = self.fields.get(key) if isinstance(key, str) else None
            if spec is None:
                where = f" in {field_name(path)}" if path else ""
                ctx.add("unknown-field", (*path, key), f"unknown field '{key}'{where}")
                continue
            if (item is None and not spec.required) or (*path, key) in ctx.skip:
                continue  # `parent: null` (spec §3) is absent; an alias is reported already
            checked = spec.type.check(item, (*path, key), ctx)
            if checked is not INVALID and spec.compact:
                out[key] = checked
        for key, spec in self.fields.items():
            if spec.required and key not in value:
                ctx.add("missing-field", path, f"{self.name}: required field '{key}' is missing")
        return out

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {k: _described(f) for k, f in self.fields.items()},
            # stricter than `validate` (which warns): an editor should flag `dead_line` at once
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

    def check(self, value: Any, path: Path, ctx: Context) -> Any:
        if isinstance(value, dict):
            return WORKING_DAYS.check(value, path, ctx)
        return Date().check(value, path, ctx)

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [Date().schema(), WORKING_DAYS.schema()]}


WORKING_DAYS = Struct({"working_days": Field(Number(1, 3650, integer=True), required=True)}, "due")

# -- the kinds ---------------------------------------------------------------------------------

AGENCY = Ref(kinds=("agency",))
TEXT = Text()
DATE = Date()
TEXTS = ListOf(TEXT)
PERIOD = Text(PERIOD_PATTERN, "a period such as 2022, 2022-Q2, 2022-H1 or 2022-05")
TIME = Text(TIME_PATTERN, 'a time such as "14:00"')
PERSON = Struct({"name": Field(TEXT), "title": Field(TEXT)}, "person")

DOC_TYPES = ("NQ", "QĐ", "CT", "KH", "TB", "KL", "CV", "CTr", "ĐA", "BB", "QC", "BC")
GROUPS = (
    "nhan-thuc-so", "the-che-so", "ha-tang-so", "du-lieu-so", "nen-tang-so",
    "an-toan-thong-tin", "nhan-luc-so", "chinh-phu-so", "kinh-te-so", "xa-hoi-so",
)  # fmt: skip
STATUSES = ("not-started", "in-progress", "blocked", "done")
EVERY = ("monthly", "quarterly", "half-yearly", "yearly")
KINDS = ("agencies", "directive", "task", "report", "meeting", "indicator", "calendar")


def _common(kind: str) -> dict[str, Field]:
    return {"kind": Field(Enum((kind,)), required=True), "id": Field(Id(), required=True)}


AGENCY_ENTRY = Struct(
    {
        "id": Field(Id(), required=True),
        "name": Field(TEXT, required=True, description="full name"),
        "short": Field(TEXT, description="display name"),
        "aliases": Field(TEXTS, description="other ways people write it"),
        "parent": Field(Ref(kinds=("agency",))),
        "until": Field(DATE, description="last day the agency existed"),
        "successor": Field(Ref(kinds=("agency",)), description="took over its tasks"),
    },
    "agency",
)

EXTENSION = Struct(
    {
        "due": Field(DATE, required=True),
        "granted": Field(DATE, required=True),
        "by": Field(TEXT, description="directive id or text"),
        "reason": Field(TEXT),
    },
    "extension",
)

CANCELLED = Struct(
    {"date": Field(DATE, required=True), "reason": Field(TEXT), "by": Field(TEXT)}, "cancelled"
)

REPORT_ITEM = Struct(
    {
        "task": Field(Ref(kinds=("task",)), required=True),
        "status": Field(Enum(STATUSES), required=True),
        "progress": Field(Number(0, 100)),
        "note": Field(TEXT, compact=False),
    },
    "report item",
)

MEASURE = Struct(
    {"period": Field(PERIOD, required=True), "value": Field(Number(), required=True),
     "source": Field(TEXT)},
    "measurement",
)  # fmt: skip

SCHEMAS: dict[str, Struct] = {
    "agencies": Struct(
        {
            "kind": Field(Enum(("agencies",)), required=True),
            "agencies": Field(ListOf(AGENCY_ENTRY), required=True),
        },
        "agencies",
    ),
    "directive": Struct(
        {
            **_common("directive"),
            "type": Field(Enum(DOC_TYPES), required=True, description="document type code"),
            "number": Field(DocNumber(), description="number and symbol as printed"),
            "issuer": Field(AGENCY, required=True),
            "issued": Field(DATE, required=True),
            "title": Field(TEXT, required=True, description="summary line (trích yếu)"),
            "signer": Field(PERSON),
            "meeting": Field(Ref(kinds=("meeting",))),
            "references": Field(ListOf(DirectiveOrNumber())),
            "body": Field(TEXT, compact=False),
        },
        "directive",
    ),
    "task": Struct(
        {
            **_common("task"),
            "directive": Field(Ref(kinds=("directive",)), required=True),
            "item": Field(TEXT, description='number inside the directive, text: "3.a"'),
            "title": Field(TEXT, required=True),
            "description": Field(TEXT),  # kept: `cdsctl tasks --search` looks in it
            "lead": Field(AGENCY, required=True, description="agency that leads (chủ trì)"),
            "support": Field(ListOf(AGENCY), description="supporting agencies (phối hợp)"),
            "report_to": Field(AGENCY),
            "via": Field(ListOf(AGENCY), description="agencies it reports through"),
            "group": Field(Enum(GROUPS)),
            "tags": Field(TEXTS),
            "parent": Field(Ref(kinds=("task",))),
            "indicators": Field(ListOf(Ref(kinds=("indicator",)))),
            "due": Field(DateOrWorkingDays()),
            "every": Field(Enum(EVERY)),
            "due_day": Field(Number(1, 31, integer=True)),
            "due_month": Field(Number(1, 12, integer=True)),
            "start": Field(DATE),
            "end": Field(DATE),
            "extensions": Field(ListOf(EXTENSION)),
            "completed": Field(DATE),
            "cancelled": Field(CANCELLED),
            "body": Field(TEXT, compact=False),
        },
        "task",
    ),
    "report": Struct(
        {
            **_common("report"),
            "agency": Field(AGENCY, required=True),
            "date": Field(DATE, required=True),
            "number": Field(DocNumber()),
            "period": Field(PERIOD),
            "tasks": Field(ListOf(REPORT_ITEM), required=True),
            "body": Field(TEXT, compact=False),
        },
        "report",
    ),
    "meeting": Struct(
        {
            **_common("meeting"),
            "title": Field(TEXT, required=True),
            "date": Field(DATE, required=True),
            "start": Field(TIME),
            "end": Field(TIME),
            "place": Field(TEXT),
            "mode": Field(Enum(("in-person", "online", "hybrid"))),
            "sites": Field(TEXTS),
            "chair": Field(PERSON, required=True),
            "secretary": Field(PERSON),
            "attendees": Field(
                ListOf(
                    Struct(
                        {"name": Field(TEXT), "title": Field(TEXT), "agency": Field(AGENCY)},
                        "attendee",
                    )
                ),
                compact=False,
            ),
            "agenda": Field(TEXTS, compact=False),
            "discussion": Field(
                ListOf(
                    Struct(
                        {"speaker": Field(TEXT), "agency": Field(AGENCY), "summary": Field(TEXT)},
                        "discussion item",
                    )
                ),
                compact=False,
            ),
            "conclusions": Field(TEXTS, compact=False),
            "directive": Field(Ref(kinds=("directive",))),
            "body": Field(TEXT, compact=False),
        },
        "meeting",
    ),
    "calendar": Struct(  # cdsctl's addition (README): the repository's own days off and on
        {
            "kind": Field(Enum(("calendar",)), required=True),
            "days_off": Field(ListOf(DATE), description="extra days off (moved holidays)"),
            "working_days": Field(ListOf(DATE), description="days worked (swapped Saturdays)"),
        },
        "calendar",
    ),
    "indicator": Struct(
        {
            **_common("indicator"),
            "name": Field(TEXT, required=True),
            "unit": Field(TEXT),
            "better": Field(Enum(("higher", "lower")), required=True),
            "targets": Field(ListOf(MEASURE)),
            "actuals": Field(ListOf(MEASURE)),
        },
        "indicator",
    ),
}


def json_schema(kind: str) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of one record kind, for editors' YAML language servers."""
    body = SCHEMAS[kind].schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://cdsctl.invalid/schema/v1/{kind}.json",
        "title": f"cdsctl record: {kind}",
        **body,
    }


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
