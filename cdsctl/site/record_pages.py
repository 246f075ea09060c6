"""One page per record: each agency, directive, task, indicator and meeting."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from functools import cached_property
from typing import Any

from ..i18n import N_, _, state_name
from ..model import Agency, Directive, Indicator, Meeting, Task
from ..state import State, TaskState
from ..validation.onefile import full_record
from . import charts
from .facts import LATEST, Facts
from .html import (
    FOLDERS,
    Stamp,
    badge,
    day,
    esc,
    facts_list,
    file_link,
    group_name,
    link,
    number,
    page,
    paragraphs,
    rate,
    section,
    status_html,
    table,
    table_of,
    table_parts,
    tr,
)

UP = "../"
#: the words of a task's page
TASK_WORDS = (N_("Directive"), N_("Item"), N_("Lead"), N_("Support"), N_("Reports to"),
              N_("Through"), N_("Group"), N_("Tags"), N_("Part of"), N_("Serves indicators"),
              N_("Record file"), N_("Description"), N_("Deadline"), N_("Periods"),
              N_("Reports"), N_("Changes to its file"))  # fmt: skip
#: the order in which an agency's and a directive's tasks are listed, by state
STATE_ORDER = (
    State.OVERDUE,
    State.OPEN,
    State.NO_DEADLINE,
    State.DONE_LATE,
    State.DONE_ON_TIME,
    State.CANCELLED,
)
#: how many commits a task's page lists, and how many reports an agency's
COMMITS, REPORTS = 10, LATEST
#: the states of a task not yet finished: an agency's page lists those it supports
UNFINISHED = frozenset({State.OVERDUE, State.OPEN, State.NO_DEADLINE})

Page = tuple[str, str]  # (path below the site root, the page's HTML)
#: what making a page costs, in task pages (≈ 85 µs each, made and written, at 100,000
#: tasks): one, and this much per task listed on it (agencies, directives), and this much
#: for reading a directive's file again (its body is not kept).  Measured at 100,000 tasks:
#: an agency's page, 8,600 rows and 1.7 MB, 36 ms; a directive's, 34 rows, 0.32 ms.  With
#: 0.04 a row, the part with the agencies took 9.2 s of CPU and the other 8.0 s
ROW, READ = 0.05, 1.0


def cost(rows: int, read: bool = False) -> float:
    """The work of a page listing `rows` tasks (`read`: and reading its record's file)."""
    return 1.0 + ROW * rows + (READ if read else 0.0)


class RecordPages:
    """The pages of every record of a build."""

    def __init__(self, facts: Facts, stamp: Stamp) -> None:
        self.facts, self.records, self.stamp = facts, facts.records, stamp
        self._links: dict[str, str] = {}
        self._cells: dict[str, tuple[str, str]] = {}
        self._directives: dict[str, tuple[str, tuple[str, str]]] = {}

    def all(self, share: int = 0, shares: int = 1) -> Iterator[Page]:
        """The pages of the `share`-th of `shares` parts of the records: agencies,
        directives, indicators, meetings, then tasks, cut where each part's work is about
        the same (:func:`cost`).  Each process then makes the pages of one folder after
        another, so two rarely create files in the same folder at once: the system lets one
        process at a time add a name to a folder, and at 100,000 tasks the other spun
        waiting for it for an eighth of the build's time when the records were dealt out
        in turn (the share of work each process had did not change; the system's time
        went from 13 to 8 s)."""
        records, facts = self.records, self.facts
        made: list[tuple[Callable[[Any], Page], Iterable[Any], Callable[[Any], float]]] = [
            (self.agency, records.agencies.values(),
             lambda a: cost(len(facts.by_lead.get(a.id, ())) +
                            len(facts.by_support.get(a.id, ())))),
            (self.directive, records.directives.values(),
             lambda d: cost(len(facts.by_directive.get(d.id, ())), read=True)),
            (self.indicator, records.indicators.values(), lambda _: 1.0),
            (self.meeting, records.meetings.values(), lambda _: 1.0),
            (self._task, records.tasks.values(), lambda _: 1.0),
        ]  # fmt: skip
        if shares == 1:
            for make, items, _ in made:
                yield from map(make, items)
            return
        weights = [list(map(weigh, items)) for _, items, weigh in made]
        total = sum(map(sum, weights))
        low, high = total * share / shares, total * (share + 1) / shares
        done = 0.0
        for (make, items, _), weighed in zip(made, weights, strict=True):
            for item, weight in zip(items, weighed, strict=True):
                middle = done + weight / 2
                done += weight
                if low <= middle < high or (middle >= high and share == shares - 1):
                    yield make(item)

    def _task(self, t: Task) -> Page:
        return self.task(t, self.facts.by_task.get(t.id, []))

    def _page(
        self, kind: str, record_id: str, title: str, body: str, parent: tuple[str, str]
    ) -> Page:
        trail = [("index.html", _("Overview")), parent, ("", title)]
        return f"{FOLDERS[kind]}/{record_id}.html", page(UP, title, trail, body, self.stamp)

    def _agency(self, agency_id: str | None) -> str:
        """A link to the agency's page (its id as text when no agency has it)."""
        if not agency_id:
            return "—"
        found = self._links.get(agency_id)
        if found is None:
            if agency_id in self.records.agencies:
                found = link(UP, "agency", agency_id, self.facts.agency_name(agency_id))
            else:
                found = esc(agency_id)
            self._links[agency_id] = found
        return found

    def _task_cells(self, s: TaskState) -> tuple[str, str]:
        """A link to the task's page and its title (each task is in several tables)."""
        found = self._cells.get(s.id)
        if found is None:
            found = self._cells[s.id] = (link(UP, "task", s.task.id, s.id), esc(s.task.title))
        return found

    def _agencies(self, ids: Sequence[str]) -> str:
        return ", ".join(self._agency(a) for a in ids)

    # -- agencies --------------------------------------------------------------------------

    def agency(self, a: Agency) -> Page:
        facts = self.facts
        led = facts.by_lead.get(a.id, [])
        supported = facts.by_support.get(a.id, [])
        about = facts_list(
            [
                (tr("Short name"), esc(a.short or "")),
                (tr("Also written"), esc(", ".join(a.aliases))),
                (tr("Under"), self._agency(a.parent) if a.parent else ""),
                (tr("Existed until"), day(a.until) if a.until else ""),
                (tr("Succeeded by"), self._agency(a.successor) if a.successor else ""),
            ]
        )
        body = (
            about
            + tally_cards(led)
            + section(
                tr("Overdue tasks it leads"),
                self.task_table(
                    sorted(
                        (s for s in led if s.state is State.OVERDUE),
                        key=lambda s: (-(s.days_overdue or 0), s.id),
                    ),
                    lead=False,
                ),
                "overdue",
            )
        )
        for state in STATE_ORDER[1:]:
            chosen = [s for s in led if s.state is state]
            if chosen:
                body += section(
                    tr("Tasks it leads: {state}").format(state=esc(state_name(str(state)))),
                    self.task_table(chosen, lead=False),
                )
        unfinished = [s for s in supported if s.state in UNFINISHED]
        if supported:
            note = tr(
                "{shown} unfinished of the {count} it supports; each task's page has the rest."
            )
            body += section(
                tr("Tasks it supports"),
                f'<p class="note">{note.format(shown=len(unfinished), count=len(supported))}</p>'
                + self.task_table(unfinished),
            )
        body += section(tr("Its reports"), self.report_table(a.id))
        return self._page("agency", a.id, a.name, body, ("agencies/index.html", _("Agencies")))

    def report_table(self, agency_id: str) -> str:
        """The agency's latest reports (:data:`REPORTS` of them), newest first."""
        reports, count = self.facts.reports_by_agency.get(agency_id, ([], 0))
        rows = [[day(r.day), self._report(r.id), esc(r.period or ""),
                 ", ".join(link(UP, "task", t) for t in r.tasks)]
                for r in reports]  # fmt: skip
        shown = table([tr("Date"), tr("Report"), tr("Period"), tr("Tasks")], rows,
                      empty=_("No report yet."))  # fmt: skip
        if count <= REPORTS:
            return shown
        note = tr("The {shown} latest of its {count} reports; each task's page lists its own.")
        return f'<p class="note">{note.format(shown=REPORTS, count=count)}</p>{shown}'

    def _report(self, report_id: str) -> str:
        """A report's id; a link to its file on the git host when `--base-url` is given."""
        file = self.facts.file_of(report_id) if self.stamp.base_url else None
        return file_link(self.stamp, file, report_id) if file else esc(report_id)

    def task_table(self, states: Sequence[TaskState], lead: bool = True) -> str:
        """Tasks (or instances) with their state, deadline and days overdue.  Each row is made
        as its text (the agencies' and directives' pages of 100,000 tasks hold 680,000)."""
        head, one = self._task_tables[lead]
        cells, agency = self._task_cells, self._agency
        ordered = sorted(states, key=_in_order)
        if lead:
            body = "".join([one(*cells(s), agency(s.task.lead), day(s.deadline), badge(s.state),
                                number(s.days_overdue)) for s in ordered])  # fmt: skip
        else:
            body = "".join([one(*cells(s), day(s.deadline), badge(s.state),
                                number(s.days_overdue)) for s in ordered])  # fmt: skip
        return table_of(head, body, _("None."))

    @cached_property
    def _task_tables(self) -> dict[bool, tuple[str, Callable[..., str]]]:
        """The head and row of :meth:`task_table`, with the lead column and without."""
        found = {}
        for lead in (True, False):
            headers = [tr("Task"), tr("Title"), *([tr("Lead")] if lead else []),
                       tr("Deadline"), tr("State"), tr("Days overdue")]  # fmt: skip
            found[lead] = table_parts(headers, numeric=[len(headers) - 1])
        return found

    # -- directives ------------------------------------------------------------------------

    def directive(self, d: Directive) -> Page:
        states = self.facts.by_directive.get(d.id, [])
        text = full_record(self.facts.repo.root, d.source.file)  # (its body: not kept)
        refs = ", ".join(
            link(UP, "directive", r, self._directive_name(r))
            if r in self.records.directives
            else esc(r)
            for r in d.references
        )
        about = facts_list(
            [
                (tr("Number"), esc(d.number or "")),
                (tr("Type"), esc(d.type)),
                (tr("Issued"), day(d.issued)),
                (tr("Issued by"), self._agency(d.issuer)),
                (tr("Signed by"), esc(_person(d.signer))),
                (
                    tr("Concludes the meeting"),
                    link(UP, "meeting", d.meeting, self.records.meetings[d.meeting].title)
                    if d.meeting in self.records.meetings
                    else "",
                ),
                (tr("Refers to"), refs),
                (tr("Record file"), file_link(self.stamp, d.source.file)),
            ]
        )
        body = about + tally_cards(states) + section(tr("Tasks"), self.task_table(states))
        if text.get("body"):
            body += section(tr("Text"), paragraphs(str(text["body"])))
        title = f"{d.number} · {d.title}" if d.number else d.title
        return self._page(
            "directive", d.id, title, body, ("directives/index.html", _("Directives"))
        )

    def _directive_name(self, directive_id: str) -> str:
        d = self.records.directives[directive_id]
        return d.number or d.id

    # -- tasks -----------------------------------------------------------------------------

    def task(self, t: Task, states: list[TaskState]) -> Page:
        records, label = self.records, self._labels
        directive = self._directive_link(t.directive)
        about = facts_list(
            [
                (label["Directive"], directive[0] if directive else ""),
                (label["Item"], esc(t.item or "")),
                (label["Lead"], self._agency(t.lead)),
                (label["Support"], self._agencies(t.support)),
                (label["Reports to"], self._agency(t.report_to) if t.report_to else ""),
                (label["Through"], self._agencies(t.via)),
                (label["Group"], esc(group_name(t.group)) if t.group else ""),
                (label["Tags"], esc(", ".join(t.tags))),
                (label["Part of"], link(UP, "task", t.parent) if t.parent in records.tasks else ""),
                (
                    label["Serves indicators"],
                    ", ".join(
                        link(UP, "indicator", i, records.indicators[i].name)
                        for i in t.indicators
                        if i in records.indicators
                    ),
                ),
                (label["Record file"], file_link(self.stamp, t.source.file)),
            ]
        )
        body = about
        if t.every is None and states:
            s = states[0]
            body += f'<p class="standing">{badge(s.state)} {self._standing(s)}</p>'
        if t.description:
            body += section(label["Description"], paragraphs(t.description))
        body += section(label["Deadline"], self.deadlines(t, states))
        if t.every is not None:
            body += section(label["Periods"], self.task_table(states, lead=False))
        body += section(label["Reports"], self.task_reports(t.id))
        body += section(label["Changes to its file"], self.commits(t.source.file))
        return self._page(
            "task",
            t.id,
            t.title,
            body,
            directive[1] if directive else ("directives/index.html", _("Directives")),
        )

    @cached_property
    def _labels(self) -> dict[str, str]:
        """The words of a task's page, as HTML (:func:`tr`, looked up once here)."""
        return {text: tr(text) for text in TASK_WORDS}

    def _directive_link(self, directive_id: str) -> tuple[str, tuple[str, str]] | None:
        """A link to the directive's page, and its place in a breadcrumb (None: no such
        directive); each directive has twenty tasks."""
        found = self._directives.get(directive_id)
        if found is None and directive_id in self.records.directives:
            name = self._directive_name(directive_id)
            found = self._directives[directive_id] = (
                link(UP, "directive", directive_id, name),
                ("directives/" + f"{directive_id}.html", name),
            )
        return found

    def _standing(self, s: TaskState) -> str:
        if s.state is State.OVERDUE:
            return esc(
                _("{days} days past its deadline of {day}").format(
                    days=s.days_overdue, day=day(s.deadline)
                )
            )
        if s.completed is not None and s.state is not State.CANCELLED:
            return esc(_("done on {day}").format(day=day(s.completed)))
        if s.deadline is not None:
            return esc(_("deadline {day}").format(day=day(s.deadline)))
        return ""

    def deadlines(self, t: Task, states: list[TaskState]) -> str:
        """The deadline as assigned, then each extension: when granted, by whom, why."""
        if t.every is not None:
            every = _("Recurring ({every}) from {day}").format(every=_(t.every), day=day(t.start))
            end = _(", until {day}").format(day=day(t.end)) if t.end else ""
            return f"<p>{esc(every + end)}</p>"
        rows = []
        if t.due is not None or t.due_working_days is not None:
            given = (
                day(t.due)
                if t.due is not None
                else esc(_("{n} working days after issue").format(n=t.due_working_days))
            )
            rows.append([esc(_("assigned")), "—", given, "", ""])
        for e in t.extensions:
            rows.append(
                [
                    esc(_("extended")),
                    day(e.granted),
                    day(e.due),
                    esc(e.by or ""),
                    esc(e.reason or ""),
                ]
            )
        if t.cancelled is not None:
            rows.append(
                [
                    esc(_("cancelled")),
                    day(t.cancelled.date),
                    "",
                    esc(t.cancelled.by or ""),
                    esc(t.cancelled.reason or ""),
                ]
            )
        return table(
            [tr("Step"), tr("Granted"), tr("Deadline"), tr("By"), tr("Reason")],
            rows,
            empty=_("No deadline was set."),
        )

    def task_reports(self, task_id: str) -> str:
        """The task's reports: one row each, made as the row's text (a task's page is made
        100,000 times; the rows as lists of cells were two fifths of its time)."""
        head, one = self._reports_table
        report, agency_link = self._report, self._agency
        body = "".join([one(day(when), report(rid), agency_link(agency), esc(period or ""),
                            status_html(status), rate(progress) if progress is not None else "")
                        for when, rid, agency, period, status, progress
                        in self.facts.reports_of(task_id)])  # fmt: skip
        return table_of(head, body, _("No report yet."))

    @cached_property
    def _reports_table(self) -> tuple[str, Callable[..., str]]:
        return table_parts(
            [tr("Date"), tr("Report"), tr("Agency"), tr("Period"), tr("Status"), tr("Progress")],
            numeric=[5],
        )

    def commits(self, relpath: str) -> str:
        touches = self.facts.touches.get(relpath)
        if touches is None:
            none = tr("No git history for this file.")
            return f'<p class="empty">{none}</p>'
        rows = [[esc(c.date), esc(c.commit[:12]), esc(c.author), esc(c.subject)] for c in touches]
        return table([tr("Date"), tr("Commit"), tr("Author"), tr("Message")], rows)

    # -- indicators and meetings -----------------------------------------------------------

    def indicator(self, i: Indicator) -> Page:
        about = facts_list(
            [
                (tr("Unit"), esc(i.unit or "")),
                (tr("Better"), esc(_("lower") if i.better == "lower" else _("higher"))),
                (tr("Record file"), file_link(self.stamp, i.source.file)),
            ]
        )
        rows = []
        for point in indicator_points(i, self.facts):
            rows.append([esc(point[0]), number(point[1]), number(point[2])])
        body = (
            about
            + indicator_chart(i, self.facts)
            + section(
                tr("Targets and results"),
                table([tr("Period"), tr("Target"), tr("Actual")], rows, numeric=[1, 2]),
            )
        )
        return self._page(
            "indicator", i.id, i.name, body, ("indicators/index.html", _("Indicators"))
        )

    def meeting(self, m: Meeting) -> Page:
        about = facts_list(
            [
                (tr("Date"), day(m.date)),
                (tr("Time"), esc("–".join(x for x in (m.start, m.end) if x))),
                (tr("Place"), esc(m.place or "")),
                (tr("Chaired by"), esc(_person(m.chair))),
                (tr("Secretary"), esc(_person(m.secretary))),
                (
                    tr("Conclusions"),
                    link(UP, "directive", m.directive, self._directive_name(m.directive))
                    if m.directive in self.records.directives
                    else "",
                ),
                (tr("Record file"), file_link(self.stamp, m.source.file)),
            ]
        )
        minutes, alone, title = (
            f"{m.id}.minutes.html",
            tr("Open the minutes on their own"),
            tr("Minutes"),
        )
        frame = (
            f'<p><a href="{esc(minutes)}">{alone}</a></p>'
            f'<iframe class="minutes" src="{esc(minutes)}" title="{title}"></iframe>'
        )
        body = about + section(tr("Minutes"), frame)
        return self._page("meeting", m.id, m.title, body, ("meetings/index.html", _("Meetings")))


def _person(p: object) -> str:
    name, title = getattr(p, "name", None), getattr(p, "title", None)
    return ", ".join(x for x in (title, name) if x)


#: each state's place in :data:`STATE_ORDER`
RANK = {state: n for n, state in enumerate(STATE_ORDER)}


def _in_order(s: TaskState) -> tuple[int, date, str]:
    """By state, then deadline (none last), then id."""
    return (RANK[s.state], s.deadline or date.max, s.id)


def tally_cards(states: Sequence[TaskState], extra: Sequence[tuple[str, str]] = ()) -> str:
    """The key numbers of a set of tasks: overdue, then `extra` cards, then assigned, done,
    the completion and the on-time rate."""
    counts = {state: 0 for state in State}
    for s in states:
        counts[s.state] += 1
    done = counts[State.DONE_ON_TIME] + counts[State.DONE_LATE]
    decided = done + counts[State.OVERDUE]
    on_time = counts[State.DONE_ON_TIME] + counts[State.DONE_LATE] + counts[State.OVERDUE]
    cards = [
        (tr("overdue"), str(counts[State.OVERDUE])),
        *extra,
        (tr("assigned"), str(len(states) - counts[State.CANCELLED])),
        (tr("done"), str(done)),
        (tr("completion rate"), rate(round(100 * done / decided, 1) if decided else None)),
        (
            tr("on-time rate"),
            rate(round(100 * counts[State.DONE_ON_TIME] / on_time, 1) if on_time else None),
        ),
    ]
    return cards_html(cards)


def cards_html(cards: Sequence[tuple[str, str]]) -> str:
    """Key numbers as cards: (label, number), both HTML."""
    items = "".join(
        f'<div class="card"><span class="number">{value}</span>'
        f'<span class="label">{label}</span></div>'
        for label, value in cards
    )
    return f'<div class="cards">{items}</div>'


def indicator_points(i: Indicator, facts: Facts) -> list[tuple[str, float | None, float | None]]:
    """(period, target, actual known by the as-of date), in period order."""
    from ..indicators import known, parse_period

    points: dict[str, list[float | None]] = {}
    for kind, measures in ((0, i.targets), (1, i.actuals)):
        for m in measures:
            try:
                period = parse_period(m.period)
            except ValueError:
                continue
            if kind == 0 or known(period, m, facts.as_of):
                points.setdefault(m.period, [None, None])[kind] = m.value
    ordered = sorted(points, key=parse_period)
    return [(p, points[p][0], points[p][1]) for p in ordered]


def indicator_chart(i: Indicator, facts: Facts) -> str:
    """Actuals against targets over the periods, as a line chart."""
    points = indicator_points(i, facts)
    labels = [p[0] for p in points]
    series = [
        charts.Series(tr("Actual"), [(p, a) for p, _t, a in points if a is not None]),
        charts.Series(tr("Target"), [(p, t) for p, t, _a in points if t is not None], dashed=True),
    ]
    return charts.line_chart(series, title=i.name, unit=i.unit, better=i.better, labels=labels)
