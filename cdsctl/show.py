"""One record with its references resolved: `cdsctl show ID`.

A task comes with its directive, its agencies by name, every report on it, its state as
of D and the history of its deadline; any other record with its fields and the names of
the agencies it mentions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .diagnostics import CdsError
from .model import Task
from .queries import task_row
from .repository import Repository, full_record
from .state import base_due


def describe(repo: Repository, record_id: str, as_of: date) -> dict[str, Any]:
    """Everything worth knowing about one record (or a recurring instance `TASK@PERIOD`)."""
    task_id = record_id.split("@", 1)[0]
    if task_id in repo.records.tasks:
        return _task(repo, repo.records.tasks[task_id], record_id, as_of)
    for summary in repo.validation.summaries:
        if summary.id == record_id:
            return _other(repo, summary.kind, summary.file, full_record(repo.root, summary.file))
    if record_id in repo.records.agencies:
        agency = repo.records.agencies[record_id]
        return {"kind": "agency", "id": record_id, "file": "agencies.yaml",
                "record": {k: v for k, v in _agency_fields(agency).items() if v}}  # fmt: skip
    raise CdsError(f"no record with id '{record_id}' (files with errors are left out)")


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
            raise CdsError(f"{wanted}: no such instance as of {as_of}")
    directive = repo.records.directives.get(task.directive)
    return {
        "kind": "task", "id": wanted, "file": task.source.file, "title": task.title,
        "directive": directive and {"id": directive.id, "number": directive.number,
                                    "title": directive.title,
                                    "issued": directive.issued.isoformat()},
        "agencies": _names(repo, [task.lead, *task.support, task.report_to, *task.via]),
        "record": full_record(repo.root, task.source.file),
        "deadlines": _deadline_history(repo, task, as_of),
        "states": [task_row(s) for s in states],
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
    rows = []
    for report in sorted(repo.records.reports.values(), key=lambda r: (r.date, r.id)):
        for item in report.tasks:
            if item.task == task_id:
                rows.append({"id": report.id, "date": report.date.isoformat(),
                             "agency": report.agency, "period": report.period,
                             "status": item.status, "progress": item.progress,
                             "counted": report.date <= as_of})  # fmt: skip
    return rows


def _other(repo: Repository, kind: str, file: str, record: dict[str, Any]) -> dict[str, Any]:
    mentioned = [v for v in _strings(record) if v in repo.records.agencies]
    return {"kind": kind, "id": record.get("id"), "file": file, "record": record,
            "agencies": _names(repo, mentioned)}  # fmt: skip


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
