"""Draft records from a directive's text: one `directive` and a `task` per assignment, with
what a person must still decide.

The rules of :mod:`.patterns` read the text; :mod:`.agencies` turns the names into registry
ids.  What cannot be resolved is never guessed:

- a lead agency the registry lacks stays in the draft as written, with `# REVIEW:` on its
  line: the draft fails validation (`unresolved-reference`) until a person decides;
- an optional field (a supporting agency, where to report, a vague deadline) it cannot
  resolve becomes a `# REVIEW:` comment line, so the rest of the draft validates;
- every agency the registry lacks is proposed as a registry entry (:attr:`Drafts.proposed`).

:class:`Drafts` holds the records, their files' text and a row per field with how sure the
rule that found it is (:class:`Found`): `sure` (a rule matched, and the agency by name),
`likely` (by a convention of the genre: the first of several agencies named together leads,
a sentence without a subject continues the last lead), `review` (a person decides).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..authoring import ids
from ..authoring.emit import emit_record
from ..text import fold
from . import patterns
from .agencies import Match, Registry, proposal


@dataclass(frozen=True)
class Found:
    """One field of one draft, for the review table."""

    record: str
    field: str
    value: str
    confidence: str  # sure | likely | review
    note: str = ""


@dataclass
class Draft:
    kind: str
    record: dict[str, Any]
    relpath: str
    #: field → `# REVIEW:` text on its line (a required field left as written)
    inline: dict[str, str] = field(default_factory=dict)
    #: `# REVIEW:` lines after the record (optional fields left out)
    notes: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.record["id"])

    def text(self) -> str:
        """The record's YAML with its review comments."""
        lines = emit_record(self.record).splitlines()
        for i, line in enumerate(lines):
            key = line.split(":", 1)[0]
            if not line.startswith(" ") and key in self.inline:
                lines[i] = f"{line}  # REVIEW: {self.inline[key]}"
        lines += [f"# REVIEW: {note}" for note in self.notes]
        return "".join(f"{line}\n" for line in lines)


@dataclass
class Drafts:
    directive: Draft
    tasks: list[Draft]
    found: list[Found]
    proposed: list[dict[str, str]]  # registry entries for the agencies the registry lacks

    def all(self) -> list[Draft]:
        return [self.directive, *self.tasks]

    def needing_review(self) -> list[str]:
        return sorted({f.record for f in self.found if f.confidence == "review"})


class _Builder:
    def __init__(self, registry: Registry, taken: set[str]) -> None:
        self.registry, self.taken = registry, taken
        self.found: list[Found] = []
        self.proposed: dict[str, dict[str, str]] = {}

    def note(self, record: str, name: str, value: object, confidence: str, note: str = "") -> None:
        self.found.append(Found(record, name, "" if value is None else str(value), confidence,
                                note))  # fmt: skip

    def agency(self, name: str) -> Match:
        match = self.registry.match(name)
        if match.id is None and name not in self.proposed:
            taken = self.registry.ids | {p["id"] for p in self.proposed.values()}
            self.proposed[name] = proposal(name, taken)
        return match

    def unknown(self, name: str) -> str:
        entry = self.proposed[name]
        return f"'{name}' is not in agencies.yaml (proposed: id {entry['id']})"


def draft(text: str, registry: Registry, taken: Iterable[str] = (),
          issuer: str | None = None) -> Drafts:  # fmt: skip
    """The drafts of the directive `text`; `taken`: the ids already in the records root."""
    build = _Builder(registry, set(taken))
    header = patterns.read_header(text)
    directive = _directive(build, header, issuer)
    tasks: list[Draft] = []
    lead: str | None = None
    support: tuple[str, ...] = ()  # a heading's supporting agencies, for its sub-items
    for item in patterns.split_items(text):
        found = []
        for assignment in patterns.assignments(item.text, lead):
            lead = assignment.lead or lead
            if _heading(assignment):  # "Sở X, Sở Y:" names who, its sub-items what
                support = assignment.support
            elif assignment.continued and not assignment.support:
                found.append(dataclasses.replace(assignment, support=support))
            else:
                support = ()
                found.append(assignment)
        for n, assignment in enumerate(found, 1):
            suffix = f".{n}" if len(found) > 1 else ""
            tasks.append(_task(build, directive, header, item, assignment, suffix))
    return Drafts(directive, tasks, build.found, list(build.proposed.values()))


def _heading(assignment: patterns.Assignment) -> bool:
    """An agency heading a list of its duties ("Sở Thông tin và Truyền thông:"): it leads the
    sub-items below, and is no task itself."""
    text = assignment.text.strip()
    return text.endswith(":") and len(text.split()) <= 16


def _directive(build: _Builder, header: patterns.Header, issuer: str | None) -> Draft:
    issued = header.issued or "0000-01-01"
    type_code = header.type or "CV"
    record_id = ids.unique(ids.directive_id(type_code, header.number, issued), build.taken)
    build.taken.add(record_id)
    record: dict[str, Any] = {"kind": "directive", "id": record_id, "type": type_code}
    draft = Draft("directive", record, ids.record_path("directive", record_id, header.issued))
    if header.number:
        record["number"] = header.number
    record["issuer"] = issuer or _issuer(build, draft, header)
    record["issued"] = issued
    title = header.title or (header.number or record_id)
    record["title"] = title[:1].upper() + title[1:]  # ("V/v triển khai …": a sentence)
    if header.references:
        record["references"] = list(header.references)
    for name, value, known in (("type", header.type, header.type), ("number", header.number,
                               header.number), ("issued", header.issued, header.issued),
                               ("title", header.title, header.title)):  # fmt: skip
        build.note(record_id, name, value, "sure" if known else "review")
        if not known:
            draft.inline[name] = "not found in the text: write it"
    return draft


def _issuer(build: _Builder, draft: Draft, header: patterns.Header) -> str:
    written = header.issuer or ""
    match = build.agency(written) if written else None
    if match is not None and match.id is not None:
        build.note(draft.id, "issuer", match.id, "sure", f"'{written}' by {match.how}")
        return match.id
    missing = "the issuing agency is not in the text: write its id"
    draft.inline["issuer"] = build.unknown(written) if written else missing
    build.note(draft.id, "issuer", written, "review")
    return written or "?"


def _task(build: _Builder, directive: Draft, header: patterns.Header, item: patterns.Item,
          assignment: patterns.Assignment, suffix: str) -> Draft:  # fmt: skip
    label = item.label or "1"
    record_id = ids.unique(f"{directive.id}.{ids.ascii_id(label)}{suffix}", build.taken)
    build.taken.add(record_id)
    title = _one_line(assignment.text)
    record: dict[str, Any] = {"kind": "task", "id": record_id, "directive": directive.id,
                              "item": label + suffix, "title": title}  # fmt: skip
    draft = Draft("task", record, ids.record_path("task", record_id, header.issued))
    if _one_line(item.text) != record["title"]:
        record["description"] = item.text.strip()
    _lead(build, draft, assignment)
    _support(build, draft, assignment)
    _schedule(build, draft, assignment.text, header.issued, item.text)
    _reporting(build, draft, assignment.text)
    group = patterns.group_of(item.text)
    if group is not None:
        record["group"] = group
        build.note(record_id, "group", group, "likely")
    return draft


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lead(build: _Builder, draft: Draft, assignment: patterns.Assignment) -> None:
    written = assignment.lead
    if written is None:
        draft.record["lead"] = "?"
        draft.inline["lead"] = "no agency leads this in the text: write the lead's id"
        build.note(draft.id, "lead", None, "review")
        return
    match = build.agency(written)
    if match.id is None:
        draft.record["lead"] = written
        draft.inline["lead"] = build.unknown(written)
        build.note(draft.id, "lead", written, "review", "not in agencies.yaml")
        return
    draft.record["lead"] = match.id
    sure = "likely" if assignment.continued else "sure"
    how = "the last lead, continued" if assignment.continued else f"'{written}' by {match.how}"
    build.note(draft.id, "lead", match.id, sure, how)


#: how a directive says "and whoever else it concerns": no agency to add, nothing to review
_WHOEVER = re.compile(r"^cac (?:co quan|don vi|co quan, don vi)(?: co)? lien quan$")


def _support(build: _Builder, draft: Draft, assignment: patterns.Assignment) -> None:
    """The supporting agencies the registry knows; one it does not is a review item, unless
    the lead is one already (a person decides the task's agencies then)."""
    known: list[str] = []
    lead_reviewed = "lead" in draft.inline
    for written in assignment.support:
        if _WHOEVER.match(fold(written).strip(" .;")):
            continue
        match = build.agency(written)
        if match.id is not None and match.id not in known and match.id != draft.record["lead"]:
            known.append(match.id)
        elif match.id is None:
            draft.notes.append(f"support: {build.unknown(written)}")
            if not lead_reviewed:
                build.note(draft.id, "support", written, "review", "not in agencies.yaml")
    if known:
        draft.record["support"] = known
        build.note(draft.id, "support", ", ".join(known), "sure")


def _schedule(build: _Builder, draft: Draft, text: str, issued: str | None,
              item: str = "") -> None:  # fmt: skip
    """`every` or `due` from the assignment's own words; a deadline written once for the
    whole item ("…; Sở Y tế triển khai …; hoàn thành trong năm 2022") when it has none."""
    recurs = patterns.recurrence(text)
    if recurs is not None:
        draft.record["every"] = recurs.every
        for name in ("due_day", "due_month"):
            if getattr(recurs, name) is not None:
                draft.record[name] = getattr(recurs, name)
        draft.record["start"] = issued or "?"
        build.note(draft.id, "every", recurs.every, "sure", recurs.text)
        return
    due = patterns.deadline(text, issued)
    if due is None and item and patterns.recurrence(item) is None:
        due = patterns.deadline(item, issued)
    if due is None:
        build.note(draft.id, "due", None, "sure", "no deadline in the text")
    elif due.due is None or due.vague:
        draft.notes.append(f"due: '{due.text}' is no date: write due: YYYY-MM-DD if one is meant")
        build.note(draft.id, "due", due.text, "review", "vague")
    else:
        draft.record["due"] = due.due
        build.note(draft.id, "due", due.due, "sure", due.text)


def _reporting(build: _Builder, draft: Draft, text: str) -> None:
    duty = patterns.report_duty(text)
    if duty is None:
        return
    if duty.to is not None:
        match = build.agency(duty.to)
        if match.id is not None:
            draft.record["report_to"] = match.id
            build.note(draft.id, "report_to", match.id, "sure", duty.text)
        else:
            draft.notes.append(f"report_to: {build.unknown(duty.to)}")
            build.note(draft.id, "report_to", duty.to, "review")
    via = [m.id for m in map(build.agency, duty.via) if m.id is not None]
    if via:
        draft.record["via"] = via
        build.note(draft.id, "via", ", ".join(via), "sure")
