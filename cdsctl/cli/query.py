"""The query commands over task states and indicators as of a date: `overdue`, `tasks`,
`due`, `stats`, `indicators`."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..diagnostics import EXIT_ERRORS, EXIT_OK, CdsError
from ..i18n import N_, _, n_, shown_date
from .app import command
from .options import (
    AgencyOption,
    AsOfOption,
    AtOption,
    DirectiveOption,
    FormatOption,
    GroupOption,
    InvolvedOption,
    RecordsOption,
    Tabular,
    as_of_date,
    emit,
    query,
    task_columns,
    task_filter,
)
from .pager import NoPagerOption

if TYPE_CHECKING:
    from ..repository import Repository


@command
def overdue(
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    agency: AgencyOption = None,
    involved: InvolvedOption = False,
    directive: DirectiveOption = None,
    group: GroupOption = None,
    min_days: Annotated[int | None, typer.Option(help="Only tasks at least N days late.")] = None,
    fmt: FormatOption = Tabular.table,
    fail_if_any: Annotated[
        bool, typer.Option("--fail-if-any", help="Exit 1 when anything is overdue (for CI).")
    ] = False,
    no_pager: NoPagerOption = False,
) -> None:
    """What is late, who leads it, by how many days: most overdue first.

    Example: cdsctl overdue --as-of 2022-06-30 --agency ND-STTTT --involved
    """
    from ..output.tables import Column
    from ..queries import OVERDUE_STATES, overdue_row, per_agency_totals
    from ..queries import overdue as find_overdue

    day = as_of_date(as_of)
    keep = task_filter(agency, involved, directive, group, min_days=min_days)

    def compute(repo: Repository) -> dict[str, Any]:
        items = find_overdue(repo.states(day, kinds=OVERDUE_STATES), repo.records, keep)
        totals = [(lead, repo.records.agency_name(lead), n, most)
                  for lead, n, most in per_agency_totals(items)]  # fmt: skip
        return {"rows": [overdue_row(s) for s in items], "totals": totals}

    found = query(records, at, f"overdue|{day}|{keep.key()}", compute)
    columns = [*task_columns(), Column(N_("days"), "days_overdue", right=True)]
    totals = []  # (after the table, in the same pager)
    if fmt in (Tabular.table, Tabular.md) and found["rows"]:
        from ..text import one_line

        totals.append("")
        for lead, name, count, most in found["totals"]:
            line = n_(
                "{lead} ({name}): {count} overdue, the oldest by {most} days",
                "{lead} ({name}): {count} overdue, the oldest by {most} days",
                count,
            )
            totals.append(one_line(line.format(lead=lead, name=name, count=count, most=most)))
    title = _("Overdue as of {day}").format(day=shown_date(day))
    emit(fmt, found["rows"], columns, title, totals, paging=not no_pager)
    raise typer.Exit(EXIT_ERRORS if fail_if_any and found["rows"] else EXIT_OK)


@command
def tasks(
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    agency: AgencyOption = None,
    involved: InvolvedOption = False,
    directive: DirectiveOption = None,
    group: GroupOption = None,
    state: Annotated[
        list[str] | None,
        typer.Option(
            help="Only this state (repeat for several): done-on-time, done-late, "
            "overdue, open, no-deadline, cancelled; or by the Vietnamese name: 'quá hạn', qua-han."
        ),
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Words to find, diacritics optional: 'so thong tin'.")
    ] = None,
    fmt: FormatOption = Tabular.table,
    no_pager: NoPagerOption = False,
) -> None:
    """Every task and recurring instance with its state as of a date.

    Example: cdsctl tasks --as-of 2022-06-30 --search "thuong mai dien tu"
    """
    from ..filters import states as parse_states
    from ..output.tables import Column
    from ..queries import in_order, select, task_rows

    states = parse_states(state) if state else None
    day = as_of_date(as_of)
    keep = task_filter(agency, involved, directive, group, states=states, search=search)

    def compute(repo: Repository) -> list[dict[str, Any]]:
        return task_rows(in_order(select(repo.states(day), keep, repo.records)))

    rows = query(records, at, f"tasks|{day}|{keep.key()}", compute, text=search is not None)
    columns = [*task_columns(), Column(N_("state"), "state"),
               Column(N_("days late"), "days_overdue", right=True)]  # fmt: skip
    emit(fmt, rows, columns, _("Tasks as of {day}").format(day=shown_date(day)),
         paging=not no_pager)  # fmt: skip


@command
def due(
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    within: Annotated[str, typer.Option(help="How far ahead: 14d, 2w, 1m.")] = "14d",
    agency: AgencyOption = None,
    involved: InvolvedOption = False,
    directive: DirectiveOption = None,
    group: GroupOption = None,
    fmt: FormatOption = Tabular.table,
    no_pager: NoPagerOption = False,
) -> None:
    """Open tasks due soon: from the as-of date to --within after it, soonest first.

    Recurring duties count with their instances still to come (a monthly report due next
    month), not only those of periods begun by the as-of date.

    Example: cdsctl due --as-of 2022-05-16 --within 2w
    """
    from ..dates.when import WhenError, parse_span, span_end
    from ..queries import DUE_STATES, due_within, task_rows
    from ..state import window

    try:
        span = parse_span(within)
    except WhenError as exc:
        raise CdsError(f"--within: {exc}") from None
    day = as_of_date(as_of)
    until = span_end(day, span)
    keep = task_filter(agency, involved, directive, group)

    def compute(repo: Repository) -> list[dict[str, Any]]:
        states = repo.states(day, horizon=window(until), kinds=DUE_STATES)
        found = due_within(states, repo.records, day, until, keep)
        return task_rows(found)

    rows = query(records, at, f"due|{day}|{until}|{keep.key()}", compute)
    title = _("Due {day} to {until}").format(day=shown_date(day), until=shown_date(until))
    emit(fmt, rows, task_columns(), title, paging=not no_pager)


class By(StrEnum):
    agency = "agency"
    directive = "directive"
    group = "group"


@command
def stats(
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    by: Annotated[By, typer.Option(help="Count per lead agency, directive or group.")] = By.agency,
    fmt: FormatOption = Tabular.table,
    no_pager: NoPagerOption = False,
) -> None:
    """Per agency (or directive, or group): assigned, done on time, late, overdue, open, rates.

    on-time % = done on time / (done + overdue); done % = done / (done + overdue).

    Example: cdsctl stats --as-of 2022-12-31
    """
    from ..output.tables import Column
    from ..queries import stats as tally

    day = as_of_date(as_of)

    def compute(repo: Repository) -> list[dict[str, Any]]:
        return [t.row() for t in tally(repo.states(day), repo.records, by.value)]

    rows = query(records, at, f"stats|{day}|{by.value}", compute)
    numbers = [(N_("assigned"), "assigned"), (N_("on time"), "done_on_time"),
               (N_("late"), "done_late"), (N_("overdue"), "overdue"), (N_("open"), "open"),
               (N_("no deadline"), "no_deadline"), (N_("on-time %"), "on_time_rate"),
               (N_("done %"), "completion_rate")]  # fmt: skip
    header = {By.agency: N_("agency"), By.directive: N_("directive"), By.group: N_("group")}[by]
    columns = [Column(header, "key"), Column(N_("name"), "name", 32),
               *(Column(h, k, right=True) for h, k in numbers)]  # fmt: skip
    title = {By.agency: _("By agency, as of {day}"), By.directive: _("By directive, as of {day}"),
             By.group: _("By group, as of {day}")}[by]  # fmt: skip
    emit(fmt, rows, columns, title.format(day=shown_date(day)), paging=not no_pager)


@command
def indicators(
    records: RecordsOption = None,
    at: AtOption = None,
    as_of: AsOfOption = "today",
    fmt: FormatOption = Tabular.table,
    no_pager: NoPagerOption = False,
) -> None:
    """Each indicator's latest actual, its target, whether it is on track, and its trend.

    The latest actual is that of the latest period known on the as-of date: one whose actual
    is dated by then, or, without a date, whose period has ended.

    Its target is the one for the same period, else the next later one (period in brackets).

    Example: cdsctl indicators --as-of 2023-12-31
    """
    from ..indicators import indicator_rows
    from ..output.indicators import indicator_columns, shown_row

    day = as_of_date(as_of)

    def compute(repo: Repository) -> list[dict[str, Any]]:
        return indicator_rows(repo.records, day)

    rows = query(records, at, f"indicators|{day}", compute)
    shown = rows if fmt is Tabular.json else [shown_row(r) for r in rows]
    title = _("Indicators as of {day}").format(day=shown_date(day))
    emit(fmt, shown, indicator_columns(fmt.value), title, paging=not no_pager)
