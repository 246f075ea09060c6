"""A review written out: plain text for people, Markdown for a pull-request comment, GitHub
Actions workflow commands (an `::error` per violation, then the text), or JSON (the
review's own `row()`).  Each function returns the text; nothing here prints.

Words for people are in the chosen language (`_()`); rule codes, ids, paths and JSON keys
never change with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from ..i18n import N_, _, n_, shown_date, shown_number
from ..text import one_line
from .items import Change, DeadlineMove, RateChange, Review

FORMATS = ("text", "md", "github", "json")

#: the counts a summary shows, in order (keys of Review.counts())
SUMMARY = {
    "tasks_added": N_("Tasks added"), "tasks_closed": N_("Tasks closed"),
    "tasks_cancelled": N_("Tasks cancelled"), "tasks_removed": N_("Tasks removed"),
    "deadlines_moved": N_("Deadlines moved"), "reports_filed": N_("Reports filed"),
    "agencies_added": N_("Agencies added"), "agencies_renamed": N_("Agencies renamed"),
    "agencies_removed": N_("Agencies removed"), "indicators_updated": N_("Indicators updated"),
    "rates_changed": N_("On-time rates changed"), "violations": N_("Rule violations"),
}  # fmt: skip
#: the sections of changes, by kind
SECTIONS = {
    "task": N_("Tasks"), "report": N_("Reports"), "agency": N_("Agencies"),
    "indicator": N_("Indicators"), "directive": N_("Directives"), "meeting": N_("Meetings"),
}  # fmt: skip
WHAT = {
    "added": N_("added"), "removed": N_("removed"), "closed": N_("closed"),
    "cancelled": N_("cancelled"), "reopened": N_("reopened"), "edited": N_("edited"),
    "filed": N_("filed"), "rewritten": N_("rewritten"), "renamed": N_("renamed"),
    "updated": N_("updated"),
}  # fmt: skip


def render(review: Review, fmt: str) -> str:
    """The review as `fmt` (one of :data:`FORMATS`)."""
    writers: dict[str, Callable[[Review], str]] = {
        "text": as_text, "md": as_markdown, "github": as_github, "json": as_json,
    }  # fmt: skip
    return writers[fmt](review)


def as_json(review: Review) -> str:
    return json.dumps(review.row(), ensure_ascii=False, indent=2) + "\n"


# -- words shared by the formats ---------------------------------------------------------------


def range_text(review: Review) -> str:
    """`1a2b3c4d5e6f..9f8e7d6c5b4a`, or `1a2b3c4d5e6f..the work tree`."""
    head = review.head[:12] if review.head else _("the work tree")
    return f"{review.base[:12]}..{head}"


def change_text(change: Change) -> str:
    """What happened to the record, after its id and title: `(2022-06-08)`, `: A → B`…"""
    detail = change.detail
    parts = []
    if change.what == "closed" and detail.get("completed"):
        parts.append(shown_date(detail["completed"]))
    if change.what == "cancelled" and isinstance(detail.get("cancelled"), dict):
        parts.append(shown_date(detail["cancelled"].get("date", "")))
    if change.what == "renamed":
        parts.append(f"{detail.get('old')} → {detail.get('new')}")
    if change.what == "filed":
        tasks = detail.get("tasks") or []
        parts.append(_("{agency}, {date}, on {tasks}").format(
            agency=detail.get("agency"), date=shown_date(detail.get("date")),
            tasks=", ".join(tasks)))  # fmt: skip
    parts.extend(_measure_text(m) for m in detail.get("measures", ()))
    if detail.get("fields"):
        parts.append(_("fields: {fields}").format(fields=", ".join(detail["fields"])))
    if detail.get("moved_from"):
        parts.append(_("moved from {path}").format(path=detail["moved_from"]))
    return "; ".join(parts)


def _measure_text(measure: dict[str, Any]) -> str:
    name = _("target") if measure["list"] == "targets" else _("actual")
    return f"{name} {measure['period']}: {_number(measure['old'])} → {_number(measure['new'])}"


def _number(value: Any) -> str:
    return "—" if value is None else shown_number(value)


def deadline_text(move: DeadlineMove) -> str:
    """`2022-06-20 → 2022-07-15 (+25 days, with an extension)`, and a rewritten due."""
    text = f"{_day(move.old)} → {_day(move.new)}"
    how = _("with an extension") if move.extension else _("without an extension")
    if move.days is not None:
        days = n_("{days:+d} day", "{days:+d} days", abs(move.days)).format(days=move.days)
        how = f"{days}, {how}"
    text += f" ({how})"
    if move.due_old != move.due_new:
        due = f"{_day(move.due_old)} → {_day(move.due_new)}"
        text += "; " + _("due rewritten: {due}").format(due=due)
    return text


def _day(value: str | None) -> str:
    return "—" if value is None else shown_date(value)


def rate_text(rate: RateChange) -> str:
    """`50,0% → 66,7% (+16,7)`."""
    text = f"{_rate(rate.before)} → {_rate(rate.after)}"
    if rate.delta is not None:
        sign = "+" if rate.delta > 0 else ""
        text += f" ({sign}{shown_number(rate.delta)})"
    return text


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{shown_number(value)}%"


def left_out_text(review: Review) -> str | None:
    base, head = len(review.left_out["base"]), len(review.left_out["head"])
    if not base and not head:
        return None
    return _("files with errors left out of the review: {base} at BASE, {head} at HEAD; "
             "run `cdsctl validate`").format(base=base, head=head)  # fmt: skip


def verdict_text(review: Review) -> str:
    count = len(review.violations)
    if not count:
        return _("No rule broken.")
    return n_("{n} rule violation", "{n} rule violations", count).format(n=count)


# -- text ------------------------------------------------------------------------------------


def as_text(review: Review) -> str:
    """For people on a terminal: the range, the violations, then each kind of change."""
    lines = [_("Review of {range}, as of {date}").format(range=range_text(review),
                                                          date=shown_date(review.as_of)),
             verdict_text(review)]  # fmt: skip
    lines += [f"  {v.file}:{v.line}: {v.code} {v.id}: {one_line(v.text())}"
              for v in review.violations]  # fmt: skip
    for kind, title in SECTIONS.items():
        _section(lines, _(title), [_change_line(c) for c in review.of(kind)])
    _section(
        lines,
        _("Deadlines moved"),
        [f"{d.id}  {deadline_text(d)}  {one_line(d.title)}" for d in review.deadlines],
    )
    _section(
        lines,
        _("On-time rate by agency"),
        [f"{one_line(r.name)} ({r.agency})  {rate_text(r)}" for r in review.rates],
    )
    if (left_out := left_out_text(review)) is not None:
        lines.append(left_out)
    return "\n".join(lines) + "\n"


def _section(lines: list[str], title: str, items: list[str]) -> None:
    if items:
        lines.append(f"{title} ({len(items)})")
        lines.extend(f"  {item}" for item in items)


def _change_line(change: Change) -> str:
    said = change_text(change)
    line = f"{_(WHAT[change.what])}  {change.id}  {one_line(change.title)}"
    return f"{line} — {one_line(said)}" if said else line


# -- GitHub Actions --------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """A workflow command's message, as GitHub documents it: `%`, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: also `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(review: Review) -> str:
    """One `::error` per violation (shown on the pull request's diff), then the text."""
    lines = [f"::error file={escape_property(v.file)},line={v.line},"
             f"title={escape_property(v.code)}::{escape_data(f'{v.id}: {v.text()}')}"
             for v in review.violations]  # fmt: skip
    return "".join(line + "\n" for line in lines) + as_text(review)


# -- Markdown (a pull-request comment) -------------------------------------------------------


def md_cell(text: Any) -> str:
    """Text in a Markdown table cell of a GitHub comment: `|` escaped, line breaks as
    `<br>`, `&`, `<`, `>` as entities (a title is never read as HTML)."""
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\r", "<br>").replace("\n", "<br>")


def _table(head: list[str], rows: Iterable[list[Any]], right: Iterable[int] = ()) -> list[str]:
    rules = ["--:" if i in set(right) else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(md_cell(h) for h in head) + " |", "| " + " | ".join(rules) + " |"]
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def _details(summary: str, lines: list[str]) -> list[str]:
    return ["", "<details>", f"<summary>{md_cell(summary)}</summary>", "", *lines, "",
            "</details>"]  # fmt: skip


def as_markdown(review: Review) -> str:
    """A pull-request comment: a heading, the counts, the violations, then a collapsible
    section per kind of change."""
    head = review.head[:12] if review.head else _("the work tree")
    lines = [f"## cdsctl review: `{review.base[:12]}` → {md_cell(head)}", "",
             md_cell(_("As of {date}.").format(date=shown_date(review.as_of))) + " **"
             + md_cell(verdict_text(review)) + "**", ""]  # fmt: skip
    counts = review.counts()
    rows = ([_(label), counts[key]] for key, label in SUMMARY.items()
            if counts[key] or key == "violations")  # fmt: skip
    lines += _table([_("Change"), _("Count")], rows, right=[1])
    if review.violations:
        lines += ["", "### " + md_cell(_("Rule violations")), ""]
        lines += _table([_("Rule"), _("File"), _("Line"), _("Record"), _("Message")],
                        ([v.code, v.file, v.line, v.id, v.text()] for v in review.violations),
                        right=[2])  # fmt: skip
    lines += _markdown_sections(review)
    if (left_out := left_out_text(review)) is not None:
        lines += ["", md_cell(left_out)]
    return "\n".join(lines) + "\n"


def _markdown_sections(review: Review) -> list[str]:
    lines = []
    for kind, title in SECTIONS.items():
        changes = review.of(kind)
        if changes:
            rows = ([_(WHAT[c.what]), c.id, c.title, change_text(c)] for c in changes)
            table = _table([_("Change"), _("Id"), _("Title"), _("Detail")], rows)
            lines += _details(f"{_(title)} ({len(changes)})", table)
    if review.deadlines:
        rows = ([d.id, d.title, deadline_text(d)] for d in review.deadlines)
        table = _table([_("Id"), _("Title"), _("Deadline")], rows)
        title = _("Deadlines moved")
        lines += _details(f"{title} ({len(review.deadlines)})", table)
    if review.rates:
        rows = ([r.name, r.agency, rate_text(r)] for r in review.rates)
        table = _table([_("Agency"), _("Id"), _("On-time rate")], rows)
        title = _("On-time rate by agency")
        lines += _details(f"{title} ({len(review.rates)})", table)
    return lines
