"""What each everyday fact writes: a new record (`cdsctl new`), a report on a task, an
extension, a task done or cancelled.  Each function returns a :class:`~.land.Plan` (the
files' new bytes and the commit message in the committee's words); nothing is written here.

Values are taken as the command line gives them, already read (dates as ISO text, agencies
as ids: cdsctl.filters resolves names); a record's keys follow the record format's order.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import CdsError
from ..i18n import _
from ..load.files import is_markdown
from ..model import Task
from ..repository import Repository
from . import ids
from .edit import append_item, emit_record, set_key
from .land import Plan

#: The everyday words of the committee, for commit messages (always Vietnamese: the
#: repository's history is read by the committee whatever language a command ran in).
STATUS_WORDS = {"done": "hoàn thành", "in-progress": "đang thực hiện", "blocked": "vướng mắc",
                "not-started": "chưa thực hiện"}  # fmt: skip


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """The fields that are given: None, "" and empty lists are left out."""
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}


def taken_ids(repo: Repository) -> set[str]:
    """Every id in the root, agencies included, and their case-folded forms."""
    found = {s.id for s in repo.validation.summaries if s.id}
    found |= set(repo.records.agencies)
    return found | {i.casefold() for i in found}


def _new(repo: Repository, kind: str, record_id: str, day: str | None,
         values: dict[str, Any], message: str) -> Plan:  # fmt: skip
    relpath = ids.record_path(kind, record_id, day)
    record = {"kind": kind, "id": record_id, **_clean(values)}
    data = emit_record(record).encode()
    return Plan(repo.root, creates={relpath: data}, message=message, validation=repo.validation)


def new_directive(repo: Repository, *, type: str, issued: str, issuer: str, title: str,
                  number: str | None = None, signer: dict[str, str] | None = None,
                  meeting: str | None = None, record_id: str | None = None) -> Plan:  # fmt: skip
    """A directive: id from its type, number and year (`TB-128-2022`) unless given."""
    record_id = record_id or ids.unique(ids.directive_id(type, number, issued), taken_ids(repo))
    values = {"type": type, "number": number, "issuer": issuer, "issued": issued,
              "title": title, "signer": _clean(signer or {}) or None,
              "meeting": meeting}  # fmt: skip
    shown = number or record_id
    return _new(repo, "directive", record_id, issued, values, f"Văn bản: {shown} — {title}")


def new_task(repo: Repository, *, directive: str, title: str, lead: str,
             item: str | None = None, record_id: str | None = None,
             **fields: Any) -> Plan:  # fmt: skip
    """A task of `directive`: its item the next free number, its id `DIRECTIVE.ITEM`.
    `fields`: the task's other fields (support, due, every, start, …), as the format names
    them."""
    parent = repo.records.directives.get(directive)
    if parent is None:
        raise CdsError(_("--directive: no directive {id} in the records (or it has errors: "
                         "run cdsctl validate)").format(id=directive))  # fmt: skip
    items = [t.item for t in repo.records.tasks.values() if t.directive == directive]
    item = item or ids.next_item(items)
    record_id = record_id or ids.unique(f"{directive}.{ids.ascii_id(item)}", taken_ids(repo))
    values = {"directive": directive, "item": item, "title": title, "lead": lead, **fields}
    day = parent.issued.isoformat()
    message = f"Nhiệm vụ {record_id}: {title}"
    return _new(repo, "task", record_id, day, values, message)


def new_meeting(repo: Repository, *, title: str, day: str, chair: dict[str, str],
                record_id: str | None = None, **fields: Any) -> Plan:  # fmt: skip
    record_id = record_id or ids.meeting_id(day, taken_ids(repo))
    values = {"title": title, "date": day, **fields, "chair": _clean(chair)}
    return _new(repo, "meeting", record_id, day, values, f"Cuộc họp {day}: {title}")


def new_indicator(repo: Repository, *, name: str, better: str, unit: str | None = None,
                  record_id: str | None = None) -> Plan:  # fmt: skip
    record_id = record_id or ids.unique(ids.slug(name), taken_ids(repo))
    values = {"name": name, "unit": unit, "better": better}
    return _new(repo, "indicator", record_id, None, values, f"Chỉ tiêu: {name}")


# -- facts about a task ------------------------------------------------------------------------


def _task(repo: Repository, task_id: str) -> Task:
    task = repo.records.tasks.get(task_id)
    if task is None:
        raise CdsError(_("no task {id} in the records (or its file has errors: run cdsctl "
                         "validate)").format(id=task_id))  # fmt: skip
    return task


def _task_file(repo: Repository, task_id: str) -> tuple[str, bytes]:
    relpath = _task(repo, task_id).source.file
    return relpath, (repo.root / relpath).read_bytes()


def _edit(repo: Repository, relpath: str, data: bytes, new_text: str, message: str) -> Plan:
    edits = {relpath: (data, new_text.encode())}
    return Plan(repo.root, edits=edits, message=message, validation=repo.validation)


def _text(data: bytes) -> str:
    return data.decode("utf-8")


def _where(relpath: str) -> dict[str, Any]:
    """What an edit is told of the file: whether it is Markdown, and its name for messages."""
    return {"markdown": is_markdown(relpath), "name": relpath}


def _still_open(repo: Repository, task_id: str) -> None:
    """A task done or cancelled is not done or cancelled again (the first date would be lost)."""
    task = repo.records.tasks[task_id]
    if task.completed is not None:
        raise CdsError(_("task {id} is already marked completed on {date}").format(
            id=task_id, date=task.completed.isoformat()))  # fmt: skip
    if task.cancelled is not None:
        raise CdsError(_("task {id} is already cancelled").format(id=task_id))


def done(repo: Repository, task_id: str, *, day: str) -> Plan:
    """`completed: DAY` on the task."""
    relpath, data = _task_file(repo, task_id)
    _still_open(repo, task_id)
    new = set_key(_text(data), "completed", day, **_where(relpath))
    return _edit(repo, relpath, data, new, f"Hoàn thành nhiệm vụ {task_id} ngày {day}")


def cancel(repo: Repository, task_id: str, *, day: str, by: str, reason: str) -> Plan:
    """`cancelled: {date, reason, by}` on the task."""
    relpath, data = _task_file(repo, task_id)
    _still_open(repo, task_id)
    cancelled = {"date": day, "reason": reason, "by": by}
    new = set_key(_text(data), "cancelled", cancelled, **_where(relpath))
    return _edit(repo, relpath, data, new, f"Hủy nhiệm vụ {task_id} theo {by}")


def extend(repo: Repository, task_id: str, *, to: str, by: str, granted: str,
           reason: str | None) -> Plan:  # fmt: skip
    """One more extension: `{due, granted, by, reason}` at the end of `extensions`."""
    relpath, data = _task_file(repo, task_id)
    item = _clean({"due": to, "granted": granted, "by": by, "reason": reason})
    new = append_item(_text(data), "extensions", item, **_where(relpath))
    return _edit(repo, relpath, data, new, f"Gia hạn nhiệm vụ {task_id} đến {to} theo {by}")


def report(repo: Repository, task_id: str, *, agency: str | None, day: str, status: str,
           progress: float | None = None, note: str | None = None, period: str | None = None,
           number: str | None = None) -> Plan:  # fmt: skip
    """A report of `agency` (None: the task's lead) dated `day` on the task: a new report
    record, or one more item in the agency's report of that day.  A task the records lack
    needs `agency`; the check of the change then says the task is missing."""
    if agency is None:
        agency = _task(repo, task_id).lead
    item = _clean({"task": task_id, "status": status, "progress": progress, "note": note})
    record_id = ids.report_id(agency, day)
    words = f"{repo.records.agency_name(agency)} {STATUS_WORDS.get(status, status)}"
    message = f"Báo cáo: {words} nhiệm vụ {task_id}"
    existing = next((s for s in repo.validation.summaries if s.id == record_id), None)
    if existing is None:
        values = {"agency": agency, "date": day, "number": number, "period": period,
                  "tasks": [item]}  # fmt: skip
        return _new(repo, "report", record_id, day, values, message)
    data = (repo.root / existing.file).read_bytes()
    reported = existing.values.get("tasks", ())
    if any(i.get("task") == task_id for i in reported):
        raise CdsError(_("{file} already reports on task {id}: edit that report").format(
            file=existing.file, id=task_id))  # fmt: skip
    new = append_item(_text(data), "tasks", item, **_where(existing.file))
    return _edit(repo, existing.file, data, new, message)
