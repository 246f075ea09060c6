"""The record format (spec §2–§3) as data: one description per kind.

The same description drives three things, so they cannot drift apart:
the per-file checks (:meth:`~.types.Type.check`), the normalised "compact" values handed to
queries, and the JSON Schema that editors use (:func:`json_schema`).  The value types the
kinds are made of, and their checks, are in :mod:`.types`; their names are importable from
here too.
"""

from __future__ import annotations

from typing import Any

from ..i18n import N_
from ..model import GROUPS
from .types import (
    DATE_PATTERN,
    ID_PATTERN,
    ID_RE,
    ID_SHAPE,
    INVALID,
    NUMBER_PATTERN,
    NUMBER_RE,
    PERIOD_PATTERN,
    PLAIN_NUMBER,
    TIME_PATTERN,
    VI_LETTERS,
    WORKING_DAYS,
    Checked,
    Context,
    Date,
    DateOrWorkingDays,
    DirectiveOrNumber,
    DocNumber,
    Enum,
    Field,
    Finding,
    Id,
    ListOf,
    Number,
    Period,
    Ref,
    Reference,
    Struct,
    Text,
    Time,
    Type,
    char_ranges,
    check_characters,
    describe,
    field_name,
    vietnamese_letters,
)

# -- the kinds ---------------------------------------------------------------------------------

AGENCY = Ref(kinds=("agency",))
TEXT = Text()
LONG_TEXT = Text(lines=True)  # may hold line breaks
DATE = Date()
TEXTS = ListOf(TEXT)
LONG_TEXTS = ListOf(LONG_TEXT)
PERIOD = Period(PERIOD_PATTERN, N_("a period such as 2022, 2022-Q2, 2022-H1 or 2022-05"))
TIME = Time(TIME_PATTERN, N_('a time such as "14:00"'))
PERSON = Struct({"name": Field(TEXT), "title": Field(TEXT)}, "person")

DOC_TYPES = ("NQ", "QĐ", "CT", "KH", "TB", "KL", "CV", "CTr", "ĐA", "BB", "QC", "BC")
STATUSES = ("not-started", "in-progress", "blocked", "done")
EVERY = ("monthly", "quarterly", "half-yearly", "yearly")
KINDS = ("agencies", "directive", "task", "report", "meeting", "indicator", "calendar")


#: `visibility` (spec 1.1 §2), on every record and on each agency of agencies.yaml:
#: public outputs leave an internal record out, and every mention of it.
VISIBILITY = Field(Enum(("public", "internal")), description="public (the default) or internal")


def _common(kind: str) -> dict[str, Field]:
    return {
        "kind": Field(Enum((kind,)), required=True),
        "id": Field(Id(), required=True),
        "visibility": VISIBILITY,
    }


AGENCY_ENTRY = Struct(
    {
        "id": Field(Id(), required=True),
        "name": Field(TEXT, required=True, description="full name"),
        "short": Field(TEXT, description="display name"),
        "aliases": Field(TEXTS, description="other ways people write it"),
        "parent": Field(Ref(kinds=("agency",))),
        "until": Field(DATE, description="last day the agency existed"),
        "successor": Field(Ref(kinds=("agency",)), description="took over its tasks"),
        "visibility": VISIBILITY,
    },
    "agency",
)

EXTENSION = Struct(
    {
        "due": Field(DATE, required=True),
        "granted": Field(DATE, required=True),
        "by": Field(TEXT, description="directive id or text"),
        "reason": Field(LONG_TEXT),
    },
    "extension",
)

CANCELLED = Struct(
    {"date": Field(DATE, required=True), "reason": Field(LONG_TEXT), "by": Field(TEXT)}, "cancelled"
)

REPORT_ITEM = Struct(
    {
        "task": Field(Ref(kinds=("task",)), required=True),
        "status": Field(Enum(STATUSES), required=True),
        "progress": Field(Number(0, 100)),
        "note": Field(LONG_TEXT, compact=False),
    },
    "report item",
)

MEASURE = Struct(
    {"period": Field(PERIOD, required=True), "value": Field(Number(), required=True),
     "source": Field(TEXT)},
    "target",
)  # fmt: skip
#: an actual also says when it was measured or published (spec 1.1): known from that day on
ACTUAL = Struct(
    {**MEASURE.fields, "date": Field(DATE, description="when it was measured or published")},
    "actual",
)

SCHEMAS: dict[str, Struct] = {
    "agencies": Struct(
        {
            "kind": Field(Enum(("agencies",)), required=True),
            "visibility": VISIBILITY,
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
            "body": Field(LONG_TEXT, compact=False),
        },
        "directive",
    ),
    "task": Struct(
        {
            **_common("task"),
            "directive": Field(Ref(kinds=("directive",)), required=True),
            "item": Field(TEXT, description='number inside the directive, text: "3.a"'),
            "title": Field(TEXT, required=True),
            "description": Field(LONG_TEXT),  # kept: `cdsctl tasks --search` looks in it
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
            "body": Field(LONG_TEXT, compact=False),
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
            "body": Field(LONG_TEXT, compact=False),
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
            "agenda": Field(LONG_TEXTS, compact=False),
            "discussion": Field(
                ListOf(
                    Struct(
                        {
                            "speaker": Field(TEXT),
                            "agency": Field(AGENCY),
                            "summary": Field(LONG_TEXT),
                        },
                        "discussion item",
                    )
                ),
                compact=False,
            ),
            "conclusions": Field(LONG_TEXTS, compact=False),
            "directive": Field(Ref(kinds=("directive",))),
            "body": Field(LONG_TEXT, compact=False),
        },
        "meeting",
    ),
    "calendar": Struct(  # cdsctl's addition (docs/records.md): the repository's own days off and on
        {
            "kind": Field(Enum(("calendar",)), required=True),
            "visibility": VISIBILITY,
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
            "actuals": Field(ListOf(ACTUAL)),
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


__all__ = [
    "ACTUAL",
    "AGENCY",
    "AGENCY_ENTRY",
    "CANCELLED",
    "DATE",
    "DATE_PATTERN",
    "DOC_TYPES",
    "EVERY",
    "EXTENSION",
    "GROUPS",
    "ID_PATTERN",
    "ID_RE",
    "ID_SHAPE",
    "INVALID",
    "KINDS",
    "LONG_TEXT",
    "LONG_TEXTS",
    "MEASURE",
    "NUMBER_PATTERN",
    "NUMBER_RE",
    "PERIOD",
    "PERIOD_PATTERN",
    "PERSON",
    "PLAIN_NUMBER",
    "REPORT_ITEM",
    "SCHEMAS",
    "STATUSES",
    "TEXT",
    "TEXTS",
    "TIME",
    "TIME_PATTERN",
    "VISIBILITY",
    "VI_LETTERS",
    "WORKING_DAYS",
    "Checked",
    "Context",
    "Date",
    "DateOrWorkingDays",
    "DirectiveOrNumber",
    "DocNumber",
    "Enum",
    "Field",
    "Finding",
    "Id",
    "ListOf",
    "Number",
    "Period",
    "Ref",
    "Reference",
    "Struct",
    "Text",
    "Time",
    "Type",
    "char_ranges",
    "check_characters",
    "describe",
    "field_name",
    "json_schema",
    "vietnamese_letters",
]
