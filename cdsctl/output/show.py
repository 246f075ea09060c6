"""One record with its references resolved: `cdsctl show ID`.

A task comes with its directive, its agencies by name, every report on it, its state as
of D and the history of its deadline; any other record with its fields and the names of
the agencies it mentions.  A record whose file has errors is left out of queries: it is
shown as written (what of it could be read), with the number of errors, never as a task
with a state.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..diagnostics import CdsError
from ..i18n import _, shown_date
from ..model import Task
from ..queries import task_rows
from ..repository import Repository
from ..state import base_due
from ..text import one_line
from ..validation.onefile import full_record


def describe(repo: Repository, record_id: str, as_of: date) -> dict[str, Any]:
    """Everything worth knowing about one record (or a recurring instance `TASK@PERIOD`)."""
    task_id = record_id.split("@", 1)[0]
    if task_id in repo.records.tasks:
        return _task(repo, repo.records.tasks[task_id], record_id, as_of)
    found = repo.locate(record_id)
    if found is not None:
        kind, file = found
        return _other(repo, record_id, kind, file, _as_written(repo, file))
    if record_id in repo.records.agencies:
        agency = repo.records.agencies[record_id]
        return {"kind": "agency", "id": record_id, "file": "agencies.yaml",
                "record": {k: v for k, v in _agency_fields(agency).items() if v}}  # fmt: skip
    raise CdsError(_("no record with id '{id}' (files with errors are left out)").format(
        id=record_id))  # fmt: skip


def _agency_fields(agency: Any) -> dict[str, Any]:
    until = agency.until.isoformat() if agency.until else None
    return {"name": agency.name, "short": agency.short, "parent": agency.parent,
            "until": until, "successor": agency.successor}  # fmt: skip


def _names(repo: Repository, ids: Any) -> dict[str, str]:
    agencies = repo.records.agencies
    return {a: agencies[a].name for a in ids if a in agencies}


def _task(repo: Repository, task: Task, wanted: str, as_of: date) -> dict[str, Any]:
    states = repo.states(as_of, only=[task.id])
    if "@" in wanted:
        states = [s for s in states if s.id == wanted]
        if not states:
            raise CdsError(_("{id}: no such instance as of {day}").format(
                id=wanted, day=shown_date(as_of)))  # fmt: skip
    directive = repo.records.directives.get(task.directive)
    return {
        "kind": "task", "id": wanted, "file": task.source.file, "title": task.title,
        "directive": directive and {"id": directive.id, "number": directive.number,
                                    "title": directive.title,
                                    "issued": directive.issued.isoformat()},
        "agencies": _names(repo, [task.lead, *task.support, task.report_to, *task.via]),
        "record": full_record(repo.root, task.source.file),
        "deadlines": _deadline_history(repo, task, as_of),
        "states": task_rows(states),
        "reports": _reports(repo, task.id, as_of),
    }  # fmt: skip


def _deadline_history(repo: Repository, task: Task, as_of: date) -> list[dict[str, Any]]:
    """The first deadline, then each extension, marking those granted after D."""
    if task.every is not None:
        return [{"every": task.every, "due_day": task.due_day, "due_month": task.due_month,
                 "start": task.start and task.start.isoformat(),
                 "end": task.end and task.end.isoformat()}]  # fmt: skip
    first = base_due(task, repo.records, repo.calendar())
    rows: list[dict[str, Any]] = [{"due": first and first.isoformat(), "granted": None,
                                   "by": task.directive, "working_days": task.due_working_days,
                                   "counted": True}]  # fmt: skip
    for ext in sorted(task.extensions, key=lambda e: e.granted):
        granted = ext.granted.isoformat()
        rows.append({"due": ext.due.isoformat(), "granted": granted, "by": ext.by,
                     "reason": ext.reason, "counted": ext.granted <= as_of})  # fmt: skip
    return rows


def _reports(repo: Repository, task_id: str, as_of: date) -> list[dict[str, Any]]:
    until = as_of.isoformat()
    return [{"id": rid, "date": day, "agency": agency, "period": period, "status": status,
             "progress": progress, "counted": day <= until}
            for day, rid, agency, period, status, progress in repo.reports_on(task_id)]  # fmt: skip


def _as_written(repo: Repository, file: str) -> dict[str, Any]:
    """The record as its file holds it (empty if it cannot be read any more)."""
    try:
        return full_record(repo.root, file)
    except (OSError, ValueError):  # gone, or unreadable, since it was validated
        return {}


def _other(repo: Repository, record_id: str, kind: str, file: str,
           record: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    mentioned = [v for v in _strings(record) if v in repo.records.agencies]
    return {"kind": kind, "id": record_id, "file": file, "record": record,
            "agencies": _names(repo, mentioned), "errors": repo.errors_in(file)}  # fmt: skip


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# -- as text -----------------------------------------------------------------------------------


def as_text(found: dict[str, Any], as_of: date) -> list[str]:
    """What :func:`describe` found, as lines for people (each value on one line)."""
    names = {a: one_line(n) for a, n in found.get("agencies", {}).items()}
    head = f"{found['id']} ({found['kind']}, {found['file']})"
    if "states" not in found:  # not a task, or one whose file has errors
        return [head, *_note(found.get("errors", 0)), *_yaml(found["record"]),
                *(f"  {a}: {n}" for a, n in names.items())]  # fmt: skip
    record, directive = found["record"], found["directive"]
    lines = [head, f"  {one_line(found['title'])}"]
    if directive:
        number = f"{directive['number']}, " if directive["number"] else ""
        lines.append(f"Directive  {directive['id']} ({number}{directive['issued']}): "
                     f"{one_line(directive['title'])}")  # fmt: skip
    lead = record.get("lead", "")
    lines.append(f"Lead       {lead} ({names.get(lead, '?')})")
    for agency in record.get("support") or []:
        lines.append(f"Support    {agency} ({names.get(agency, '?')})")
    lines += _deadline_lines(found["deadlines"])
    lines += [f"As of {as_of}:"] + [_state_line(row) for row in found["states"]]
    lines += ["Reports:", *([_report_line(r) for r in found["reports"]] or ["  none"])]
    return lines


def _note(errors: int) -> list[str]:
    if not errors:
        return []
    return [f"  ({errors} error(s) in this file: it is left out of queries; "
            "run `cdsctl validate`)"]  # fmt: skip


def _yaml(record: dict[str, Any]) -> list[str]:
    import yaml

    return yaml.safe_dump(record, allow_unicode=True, sort_keys=False).rstrip().splitlines()


def _deadline_lines(rows: list[dict[str, Any]]) -> list[str]:
    out = ["Deadlines:"]
    for row in rows:
        if "every" in row:
            out.append(f"  every {row['every']} from {row['start']}"
                       + (f" to {row['end']}" if row["end"] else ""))  # fmt: skip
        elif row["granted"] is None:
            counted = f" ({row['working_days']} working days)" if row["working_days"] else ""
            out.append(f"  {row['due'] or 'none'}  first{counted}")
        else:
            note = "" if row["counted"] else "  (granted after the as-of date: not counted)"
            reason = f": {row['reason']}" if row.get("reason") else ""
            out.append(one_line(f"  {row['due']}  extended on {row['granted']} by "
                                f"{row['by'] or '?'}{reason}{note}"))  # fmt: skip
    return out


def _state_line(row: dict[str, Any]) -> str:
    late = row["days_overdue"] or row["days_late"]
    extra = f", {late} days late" if late else ""
    done = f", done {row['completed']}" if row["completed"] else ""
    return f"  {row['id']}: {row['state']}, deadline {row['deadline'] or 'none'}{done}{extra}"


def _report_line(r: dict[str, Any]) -> str:
    progress = f" {r['progress']:g}%" if r["progress"] is not None else ""
    period = f" [{r['period']}]" if r["period"] else ""
    note = "" if r["counted"] else "  (after the as-of date: not counted)"
    return f"  {r['date']}  {r['id']}  {r['agency']}  {r['status']}{progress}{period}{note}"
