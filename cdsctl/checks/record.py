"""Rules that one record can be checked against on its own (spec §2–§3)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..dates.periods import PERIOD_MONTHS
from ..i18n import Msg
from ..load.yamltext import Positions
from ..messages.hints import shown
from ..schema import KINDS, NUMBER_RE, SCHEMAS, Checked, Context

ROOT_FILES = {"agencies": "agencies.yaml", "calendar": "calendar.yaml"}
_NUMBER_PARTS = re.compile(r"^\d+(?:/\d{4})?([/-])(.*)$")


def check_record(data: dict[str, Any], relpath: str, positions: Positions | None = None) -> Checked:
    """Check one record's mapping; `relpath` is its file relative to the root."""
    ctx = Context(positions.raw, positions.aliases) if positions else Context()
    kind = data.get("kind")
    if kind not in KINDS:
        found = shown(kind) if isinstance(kind, str) else Msg("missing")
        ctx.add("unknown-kind", ("kind",) if "kind" in data else (),
                Msg("kind is {found}; expected one of {kinds}", found=found,
                    kinds=", ".join(KINDS)))  # fmt: skip
        return Checked(None, None, {}, ctx.findings, [])
    values = SCHEMAS[kind].check(data, (), ctx)
    record_id = apply_rules(kind, values, data, relpath, ctx)
    return Checked(kind, record_id, values, ctx.findings, ctx.references)


def apply_rules(kind: str, values: dict[str, Any], data: dict[str, Any], relpath: str,
                ctx: Context) -> str | None:  # fmt: skip
    """The rules beyond each field's type, for a record of `kind` whose fields have been
    checked (`values`; `data` as written): where its file stands and is named, and its
    kind's own rules.  Both parse paths apply them (checks.fast too).  Returns its id."""
    check_root_file(kind, relpath, ctx)
    record_id = values.get("id") if kind not in ROOT_FILES else None
    if record_id is not None:
        check_file_name(record_id, relpath, ctx)
    for rule in KIND_RULES.get(kind, ()):
        rule(values, data, ctx)
    return record_id


def check_root_file(kind: str, relpath: str, ctx: Context) -> None:
    """`agencies` and `calendar` live in one file each at the root, and those files hold them."""
    home = ROOT_FILES.get(kind)
    if home is not None and relpath != home:
        msg = Msg("kind: {kind} belongs in {file} at the root", kind=kind, file=home)
        ctx.add("root-file", ("kind",), msg)
    elif home is None and relpath in ROOT_FILES.values():
        msg = Msg("{file} must hold kind: {kind}", file=relpath, kind=relpath.split(".")[0])
        ctx.add("root-file", ("kind",), msg)


def check_file_name(record_id: str, relpath: str, ctx: Context) -> None:
    name = relpath.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    if stem != record_id:
        msg = Msg("id '{id}' differs from the file name '{name}'", id=record_id, name=name)
        ctx.add("id-filename", ("id",), msg)


def type_code(number: str) -> str | None:
    """The type code inside a document number: TB in 128/TB-UBND, NQ in 09-NQ/TU."""
    m = _NUMBER_PARTS.match(number)
    if not m:
        return None
    separator, symbol = m.groups()
    if separator == "/":  # 128/TB-UBND, 09/2019/NĐ-CP: the symbol's first part
        return symbol.split("-")[0].split("/")[0]
    return symbol.split("/")[0]  # Party style 09-NQ/TU: the part before "/"


def _check_directive(values: dict[str, Any], data: dict[str, Any], ctx: Context) -> None:
    number, kind = values.get("number"), values.get("type")
    if not number or not kind or kind == "CV" or not NUMBER_RE.match(number):
        return
    code = type_code(number)
    if code != kind:
        msg = Msg("type is {type} but the number {number} carries the type code {code}",
                  type=kind, number=number, code=code)  # fmt: skip
        ctx.add("doc-type-mismatch", ("type",), msg)


def _check_task_schedule(values: dict[str, Any], data: dict[str, Any], ctx: Context) -> None:
    if "due" in data and "every" in data:
        ctx.add("due-and-every", ("every",), Msg("a task has either due or every, not both"))
    every = values.get("every")
    if "every" in data and "start" not in data:
        ctx.add("missing-field", ("every",), Msg("a recurring task (every) needs a start date"))
    months = PERIOD_MONTHS.get(every or "")
    due_month = values.get("due_month")
    if months and due_month is not None and due_month > months:
        msg = Msg("due_month {month} is past the {months}-month period of '{every}'",
                  month=due_month, months=months, every=every)  # fmt: skip
        ctx.add("invalid-value", ("due_month",), msg)
    start, end = values.get("start"), values.get("end")
    if start is not None and end is not None and end < start:
        ctx.add("invalid-value", ("end",), Msg("end {end} is before start {start}", end=end,
                                               start=start))  # fmt: skip


def _check_calendar(values: dict[str, Any], data: dict[str, Any], ctx: Context) -> None:
    both = set(values.get("days_off", ())) & set(values.get("working_days", ()))
    for day in sorted(both):
        where = ("working_days", data["working_days"].index(day))
        ctx.add("invalid-value", where, Msg("{day} is both a day off and a working day", day=day))


def _check_report(values: dict[str, Any], data: dict[str, Any], ctx: Context) -> None:
    if isinstance(data.get("tasks"), list) and not data["tasks"]:
        ctx.add("invalid-value", ("tasks",), Msg("a report names at least one task"))


Rule = Callable[[dict[str, Any], dict[str, Any], Context], None]
KIND_RULES: dict[str, tuple[Rule, ...]] = {
    "directive": (_check_directive,),
    "task": (_check_task_schedule,),
    "report": (_check_report,),
    "calendar": (_check_calendar,),
}
