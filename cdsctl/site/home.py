"""The site's overview pages: the home page (overdue count and trend, due this week, the
agencies' scorecard, progress per group, indicators against targets) and one list page per
kind of record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..i18n import _
from ..state import State
from ..text import vn_sort_key
from . import charts
from .facts import Facts
from .html import Stamp, day, esc, group_name, href, link, number, page, rate, section, table, tr
from .record_pages import Page, tally_cards

#: the overdue page lists at most this many (the most overdue); each agency's page lists all
OVERDUE_SHOWN = 500


class OverviewPages:
    """The home page and the list pages of a build."""

    def __init__(self, facts: Facts, stamp: Stamp) -> None:
        self.facts, self.records, self.stamp = facts, facts.records, stamp

    def all(self) -> Iterator[Page]:
        yield self.home()
        yield self.overdue()
        yield self.agencies()
        yield self.directives()
        yield self.indicators()
        yield self.meetings()

    def _agency(self, root: str, agency_id: str) -> str:
        if agency_id in self.records.agencies:
            return link(root, "agency", agency_id, self.facts.agency_name(agency_id))
        return esc(agency_id or "—")

    # -- the home page ---------------------------------------------------------------------

    def home(self) -> Page:
        facts = self.facts
        open_now = sum(s.state is State.OPEN for s in facts.states)
        cards = tally_cards(
            facts.states,
            [
                (tr("due within 7 days"), str(len(facts.due_this_week))),
                (tr("open, within their deadline"), str(open_now)),
            ],
        )
        trend = charts.trend(
            [(_month_label(d, facts), n) for d, n in facts.trend],
            title=_("Overdue tasks at the end of each month"),
        )
        body = (
            cards
            + section(tr("Overdue: the trend"), trend, "trend")
            + section(tr("Due within 7 days"), self._due_soon(), "due")
            + section(tr("Agencies: on-time rate"), self._scorecard(), "agencies")
            + section(tr("Progress by group"), self._groups(), "groups")
            + section(tr("Indicators against their targets"), self._standings(), "indicators")
        )
        return "index.html", page(
            "",
            _("Digital transformation: where the tasks stand"),
            [("", _("Overview"))],
            body,
            self.stamp,
        )

    def _due_soon(self) -> str:
        rows = [
            [
                link("", "task", s.task.id, s.id),
                esc(s.task.title),
                self._agency("", s.task.lead),
                day(s.deadline),
            ]
            for s in self.facts.due_this_week
        ]
        return table(
            [tr("Task"), tr("Title"), tr("Lead"), tr("Deadline")],
            rows,
            empty=_("Nothing falls due this week."),
        )

    def _scorecard(self) -> str:
        tallies = [t for t in self.facts.agencies if t.key in self.records.agencies]
        bars = [
            charts.Bar(self.facts.agency_name(t.key), t.on_time_rate, href("agency", t.key))
            for t in tallies
        ]
        chart = charts.bar_chart(bars, title=_("On-time rate by lead agency"))
        rows = [
            [
                self._agency("", t.key),
                str(t.assigned),
                str(t.counts.get(State.DONE_ON_TIME, 0)),
                str(t.counts.get(State.DONE_LATE, 0)),
                str(t.counts.get(State.OVERDUE, 0)),
                rate(t.on_time_rate),
            ]
            for t in self.facts.agencies
        ]
        return chart + table(
            [
                tr("Agency"),
                tr("Assigned"),
                tr("On time"),
                tr("Late"),
                tr("Overdue"),
                tr("On-time rate"),
            ],
            rows,
            numeric=[1, 2, 3, 4, 5],
        )

    def _groups(self) -> str:
        rows = [
            [
                esc(group_name(t.key)),
                str(t.assigned),
                str(t.counts.get(State.OVERDUE, 0)),
                rate(t.completion_rate),
            ]
            for t in self.facts.groups
        ]
        bars = [charts.Bar(group_name(t.key), t.completion_rate) for t in self.facts.groups]
        chart = charts.bar_chart(bars, title=_("Completion rate by group"))
        return chart + table(
            [tr("Group"), tr("Assigned"), tr("Overdue"), tr("Completion rate")],
            rows,
            numeric=[1, 2, 3],
        )

    def _standings(self, root: str = "") -> str:
        rows = []
        for s in self.facts.standings:
            ind = s.indicator
            on_track = {True: _("on track"), False: _("behind"), None: "—"}[s.on_track]
            rows.append(
                [
                    link(root, "indicator", ind.id, ind.name),
                    esc(s.actual[0].text) if s.actual else "—",
                    number(s.actual[1].value) if s.actual else "—",
                    number(s.target[1].value) if s.target else "—",
                    esc(on_track),
                    esc(_(s.trend)) if s.trend else "—",
                ]
            )
        return table(
            [
                tr("Indicator"),
                tr("Period"),
                tr("Actual"),
                tr("Target"),
                tr("Standing"),
                tr("Since the previous"),
            ],
            rows,
            numeric=[2, 3],
        )

    # -- the list pages --------------------------------------------------------------------

    def overdue(self) -> Page:
        items = self.facts.overdue
        rows = [
            [
                link("", "task", s.task.id, s.id),
                esc(s.task.title),
                self._agency("", s.task.lead),
                day(s.deadline),
                number(s.days_overdue),
            ]
            for s in items[:OVERDUE_SHOWN]
        ]
        note = ""
        if len(items) > OVERDUE_SHOWN:
            line = _("The {shown} most overdue of {count}; each agency page lists all of its own.")
            note = f'<p class="note">{esc(line.format(shown=OVERDUE_SHOWN, count=len(items)))}</p>'
        body = note + table(
            [tr("Task"), tr("Title"), tr("Lead"), tr("Deadline"), tr("Days overdue")],
            rows,
            numeric=[4],
            empty=_("Nothing is overdue."),
        )
        return "overdue.html", page(
            "",
            _("Overdue tasks"),
            [("index.html", _("Overview")), ("", _("Overdue tasks"))],
            body,
            self.stamp,
        )

    def _list(self, folder: str, title: str, body: str) -> Page:
        trail = [("index.html", _("Overview")), ("", title)]
        return f"{folder}/index.html", page("../", title, trail, body, self.stamp)

    def agencies(self) -> Page:
        tallies = {t.key: t for t in self.facts.agencies}
        ordered = sorted(self.records.agencies.values(), key=lambda a: vn_sort_key(a.name))
        rows = []
        for a in ordered:
            t = tallies.get(a.id)
            rows.append(
                [
                    link("../", "agency", a.id, a.name),
                    esc(a.short or ""),
                    str(t.assigned if t else 0),
                    str(t.counts.get(State.OVERDUE, 0) if t else 0),
                    rate(t.on_time_rate if t else None),
                ]
            )
        return self._list(
            "agencies",
            _("Agencies"),
            table(
                [tr("Agency"), tr("Short name"), tr("Leads"), tr("Overdue"), tr("On-time rate")],
                rows,
                numeric=[2, 3, 4],
            ),
        )

    def directives(self) -> Page:
        ordered = sorted(
            self.records.directives.values(), key=lambda d: (d.issued, d.id), reverse=True
        )
        rows = []
        for d in ordered:
            t = self.facts.directives.get(d.id)
            rows.append(
                [
                    link("../", "directive", d.id, d.number or d.id),
                    day(d.issued),
                    esc(d.title),
                    str(t.assigned if t else 0),
                    str(t.counts.get(State.OVERDUE, 0) if t else 0),
                    rate(t.completion_rate if t else None),
                ]
            )
        return self._list(
            "directives",
            _("Directives"),
            table(
                [
                    tr("Number"),
                    tr("Issued"),
                    tr("Summary"),
                    tr("Tasks"),
                    tr("Overdue"),
                    tr("Completion rate"),
                ],
                rows,
                numeric=[3, 4, 5],
            ),
        )

    def indicators(self) -> Page:
        return self._list("indicators", _("Indicators"), self._standings("../"))

    def meetings(self) -> Page:
        ordered = sorted(self.records.meetings.values(), key=lambda m: (m.date, m.id), reverse=True)
        rows = [
            [day(m.date), link("../", "meeting", m.id, m.title), esc(m.place or "")]
            for m in ordered
        ]
        return self._list(
            "meetings",
            _("Meetings"),
            table([tr("Date"), tr("Meeting"), tr("Place")], rows, empty=_("No meeting yet.")),
        )


def _month_label(d: date, facts: Facts) -> str:
    """A month-end of the trend as "6/2023"; the as-of date in full."""
    if d == facts.as_of:
        return day(facts.as_of)
    return f"{d.month}/{d.year}"


__all__ = ["OverviewPages"]
