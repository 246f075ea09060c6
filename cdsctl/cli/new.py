"""`cdsctl new directive|task|report|meeting|indicator`: a new record from options, or, on a
terminal, by questions for what the options leave out (:mod:`.ask`: the allowed values
listed, agency names completed with Tab, diacritics aside)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, ParamSpec

import typer

from ..i18n import _
from .app import command
from .ask import Asker
from .author import (
    CommitOption,
    DryRunOption,
    ForceNewOption,
    Status,
    day_of,
    finish,
    new_app,
)
from .complete import agency_ids, directive_ids, task_ids
from .options import RecordsOption, load_repository

P = ParamSpec("P")


def new_command(func: Callable[P, None]) -> Callable[P, None]:
    return command(func, on=new_app)


IdOption = Annotated[
    str | None, typer.Option("--id", help="The record's id (default: by the conventions).")
]


@new_command
def directive(
    number: Annotated[str | None, typer.Option("--number", help="As printed: 128/TB-UBND.")] = None,
    type: Annotated[
        str | None,
        typer.Option("--type", help="Type code: TB, KH, QĐ, … (default: from --number)."),
    ] = None,
    issued: Annotated[str | None, typer.Option("--issued", help="Issue date: 12/5/2022.")] = None,
    issuer: Annotated[
        str | None, typer.Option("--issuer", autocompletion=agency_ids, help="The issuing agency.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Summary line (trích yếu).")] = None,
    signer: Annotated[str | None, typer.Option("--signer", help="Who signed it.")] = None,
    signer_title: Annotated[
        str | None, typer.Option("--signer-title", help="The signer's title.")
    ] = None,
    record_id: IdOption = None,
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
    force: ForceNewOption = False,
) -> None:
    """A directive (conclusion notice, plan, resolution…), id `TB-128-2022` from its number.

    Example: cdsctl new directive --number 128/TB-UBND --issued 12/5/2022 --issuer UBND
    --title "Kết luận của Chủ tịch UBND tỉnh tại phiên họp Ban Chỉ đạo"
    """
    from ..authoring import facts
    from ..checks.record import type_code
    from ..schema import DOC_TYPES

    repo = load_repository(records)
    ask = Asker(repo)
    number = ask.text(number, "--number", _("Number (as printed, e.g. 128/TB-UBND; empty if none)"),
                      required=False)  # fmt: skip
    found = type_code(number) if number else None
    type = ask.choice(type or (found if found in DOC_TYPES else None), "--type",
                      _("Type of document"), DOC_TYPES)  # fmt: skip
    plan = facts.new_directive(
        repo, type=type,
        issued=day_of(ask.text(issued, "--issued", _("Issue date")), "--issued"),
        issuer=ask.agency(issuer, "--issuer", _("Issuing agency")),
        title=ask.text(title, "--title", _("Summary line (trích yếu)")), number=number or None,
        signer={"name": signer or "", "title": signer_title or ""},
        record_id=record_id)  # fmt: skip
    finish(plan, dry_run=dry_run, commit=commit, force=force)


@new_command
def task(
    directive: Annotated[
        str | None,
        typer.Option(
            "--directive",
            autocompletion=directive_ids,
            help="The directive that assigns it (id or number).",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="What is to be done.")] = None,
    lead: Annotated[
        str | None,
        typer.Option("--lead", autocompletion=agency_ids, help="The lead agency (chủ trì)."),
    ] = None,
    support: Annotated[
        list[str] | None,
        typer.Option(
            "--support", autocompletion=agency_ids, help="A supporting agency (phối hợp); repeat."
        ),
    ] = None,
    due: Annotated[str | None, typer.Option("--due", help="Deadline: 20/5/2022.")] = None,
    every: Annotated[
        str | None,
        typer.Option("--every", help="Recurring: monthly, quarterly, half-yearly, yearly."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day of a recurring task.")
    ] = None,
    report_to: Annotated[
        str | None,
        typer.Option("--report-to", autocompletion=agency_ids, help="The agency it reports to."),
    ] = None,
    group: Annotated[str | None, typer.Option("--group", help="The task group.")] = None,
    item: Annotated[
        str | None, typer.Option("--item", help="Its number in the directive (default: the next).")
    ] = None,
    record_id: IdOption = None,
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
    force: ForceNewOption = False,
) -> None:
    """A task of a directive, id `DIRECTIVE.ITEM` with the next free item number.

    Example: cdsctl new task --directive TB-128-2022 --title "…" --lead STTTT --due 30/6/2022
    """
    from ..authoring import facts
    from ..filters import directive_id
    from ..schema import EVERY, GROUPS

    repo = load_repository(records)
    ask = Asker(repo)
    directive = directive_id(repo.records, ask.directive(directive), "--directive")
    title = ask.text(title, "--title", _("Task (what is to be done)"))
    lead = ask.agency(lead, "--lead", _("Lead agency (chủ trì)"))
    if support is None and ask.asking:
        support = ask.agencies(_("Supporting agencies (phối hợp), comma-separated; empty if none"))
    if due is None and every is None and ask.asking:
        due = ask.text(None, "--due", _("Deadline (empty if none)"), required=False) or None
    fields = {
        "support": [ask.agency(s, "--support", "") for s in support or []],
        "report_to": ask.agency(report_to, "--report-to", "") if report_to else None,
        "group": ask.choice(group, "--group", _("Group"), GROUPS) if group else None,
        "due": day_of(due, "--due") if due else None,
        "every": ask.choice(every, "--every", _("Recurring"), EVERY) if every else None,
        "start": day_of(start, "--start") if start else None,
    }
    plan = facts.new_task(repo, directive=directive, title=title, lead=lead, item=item,
                          record_id=record_id, **fields)  # fmt: skip
    finish(plan, dry_run=dry_run, commit=commit, force=force)


@new_command
def report(
    task: Annotated[
        str | None, typer.Option("--task", autocompletion=task_ids, help="The task reported on.")
    ] = None,
    status: Annotated[Status | None, typer.Option("--status", help="Where it stands.")] = None,
    progress: Annotated[float | None, typer.Option("--progress", min=0, max=100)] = None,
    day: Annotated[str, typer.Option("--date", help="The report's date.")] = "today",
    agency: Annotated[
        str | None,
        typer.Option("--agency", autocompletion=agency_ids, help="The reporting agency."),
    ] = None,
    period: Annotated[str | None, typer.Option("--period", help="2022-05, 2022-Q2…")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    number: Annotated[str | None, typer.Option("--number", help="45/BC-STTTT.")] = None,
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
) -> None:
    """An agency's report on a task (as `cdsctl report`).

    Example: cdsctl new report --task TB-128-2022.3 --status done
    """
    from ..authoring import facts

    repo = load_repository(records)
    ask = Asker(repo)
    task = ask.task(task)
    chosen = ask.choice(status.value if status else None, "--status", _("Status"),
                        [s.value for s in Status])  # fmt: skip
    plan = facts.report(repo, task, agency=ask.agency(agency, "--agency", "") if agency else None,
                        day=day_of(day, "--date"), status=chosen, progress=progress, note=note,
                        period=period, number=number)  # fmt: skip
    finish(plan, dry_run=dry_run, commit=commit)


@new_command
def meeting(
    title: Annotated[str | None, typer.Option("--title", help="The meeting's title.")] = None,
    day: Annotated[str | None, typer.Option("--date", help="Its date: 10/5/2022.")] = None,
    chair: Annotated[str | None, typer.Option("--chair", help="Who chairs it (name).")] = None,
    chair_title: Annotated[str | None, typer.Option("--chair-title", help="Their title.")] = None,
    start: Annotated[str | None, typer.Option("--start", help='Start time, "14:00".')] = None,
    place: Annotated[str | None, typer.Option("--place", help="Where.")] = None,
    record_id: IdOption = None,
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
    force: ForceNewOption = False,
) -> None:
    """A meeting of the committee, id `HOP-2022-05-10`.

    Example: cdsctl new meeting --title "Phiên họp quý II" --date 10/5/2022 --chair "Nguyễn Văn A"
    """
    from ..authoring import facts

    repo = load_repository(records)
    ask = Asker(repo)
    title = ask.text(title, "--title", _("Title"))
    when = day_of(ask.text(day, "--date", _("Date")), "--date")
    person = {"name": ask.text(chair, "--chair", _("Chaired by (name)")),
              "title": chair_title or ""}  # fmt: skip
    plan = facts.new_meeting(repo, title=title, day=when, chair=person, record_id=record_id,
                             start=start, place=place)  # fmt: skip
    finish(plan, dry_run=dry_run, commit=commit, force=force)


@new_command
def indicator(
    name: Annotated[str | None, typer.Option("--name", help="Its name.")] = None,
    better: Annotated[str | None, typer.Option("--better", help="higher or lower.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Its unit: %, hạng…")] = None,
    record_id: IdOption = None,
    records: RecordsOption = None,
    dry_run: DryRunOption = False,
    commit: CommitOption = False,
    force: ForceNewOption = False,
) -> None:
    """An indicator the committee tracks (targets and actuals are added later).

    Example: cdsctl new indicator --name "Xếp hạng DTI" --better lower
    """
    from ..authoring import facts

    repo = load_repository(records)
    ask = Asker(repo)
    plan = facts.new_indicator(
        repo, name=ask.text(name, "--name", _("Name")),
        better=ask.choice(better, "--better", _("Better when"), ("higher", "lower")),
        unit=unit, record_id=record_id)  # fmt: skip
    finish(plan, dry_run=dry_run, commit=commit, force=force)
