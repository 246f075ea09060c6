"""`cdsctl import FILE`: draft records from a directive's text (plain text, .docx, PDF), with
a table of what was found and how sure, and what a person must still decide."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..diagnostics import CdsError
from ..i18n import N_, _
from .app import command
from .options import RecordsOption, load_repository, use_colour

if TYPE_CHECKING:
    from ..authoring.land import Plan
    from ..importer.draft import Drafts
    from ..repository import Repository


class ImportFormat(StrEnum):
    text = "text"
    json = "json"


@command
def import_(
    file: Annotated[Path, typer.Argument(help="The directive: .txt, .docx or .pdf (with text).")],
    issuer: Annotated[
        str | None, typer.Option("--issuer", help="The issuing agency, if the text does not say.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the drafts (default: directives/ and tasks/)."),
    ] = None,
    add_agencies: Annotated[
        bool,
        typer.Option("--add-agencies", help="Add the agencies not yet known to agencies.yaml."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the drafts; write nothing.")
    ] = False,
    fmt: Annotated[
        ImportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ImportFormat.text,
    records: RecordsOption = None,
) -> None:
    """Draft a directive and its tasks from the directive's text, for a person to review.

    Example: cdsctl import thong-bao-128.docx --dry-run
    """
    from ..authoring.facts import taken_ids
    from ..authoring.land import check, write
    from ..importer.draft import draft
    from ..importer.source import read_text

    repo = load_repository(records)
    drafts = draft(read_text(file), _registry(repo), taken_ids(repo), _issuer(repo, issuer))
    plan = _plan(repo, drafts, out, add_agencies)
    change = check(plan, allowed={d.relpath for d in drafts.all()})
    if not dry_run:
        write(plan)
    failing = sorted({d.file for d in change.after if d.severity == "error"} & set(plan.creates))
    if fmt is ImportFormat.json:
        typer.echo(json.dumps(_as_json(drafts, plan, failing, dry_run), ensure_ascii=False,
                              indent=2))  # fmt: skip
    else:
        _print(drafts, plan, failing, dry_run)


def _registry(repo: Repository) -> Any:
    from ..importer.agencies import Registry

    agencies = repo.records.agencies.values()
    return Registry((a.id, a.name, a.short, a.aliases) for a in agencies)


def _issuer(repo: Repository, text: str | None) -> str | None:
    from ..filters import agency_id

    return agency_id(repo.records, text, "--issuer") if text else None


def _plan(repo: Repository, drafts: Drafts, out: Path | None, add_agencies: bool) -> Plan:
    from ..authoring.land import Plan

    folder = None if out is None else out.resolve()
    if folder is not None and not folder.is_relative_to(repo.root):
        raise CdsError(
            _(
                "--out {folder}: the drafts go inside the records root {root}, where "
                "they are checked with the other records (a folder whose name starts "
                "with _ keeps them out of queries)"
            ).format(folder=out, root=repo.root)
        )
    creates = {}
    for d in drafts.all():
        if folder is not None:
            d.relpath = (folder / Path(d.relpath).name).relative_to(repo.root).as_posix()
        creates[d.relpath] = d.text().encode()
    edits = {}
    if add_agencies and drafts.proposed:
        edits["agencies.yaml"] = _with_agencies(repo.root / "agencies.yaml", drafts.proposed)
    message = f"Nhập dự thảo {drafts.directive.id} ({len(drafts.tasks)} nhiệm vụ)"
    return Plan(repo.root, creates, edits, message, repo.validation)


def _with_agencies(path: Path, entries: list[dict[str, str]]) -> tuple[bytes, bytes]:
    from ..authoring.edit import append_item

    before = path.read_bytes()
    text = before.decode("utf-8")
    for entry in entries:
        text = append_item(text, "agencies", entry, markdown=False, name="agencies.yaml")
    return before, text.encode()


#: the review table's columns: (header, key)
COLUMNS = [(N_("record"), "record"), (N_("field"), "field"), (N_("value"), "value"),
           (N_("confidence"), "confidence"), (N_("note"), "note")]  # fmt: skip
CONFIDENCE = {"sure": N_("sure"), "likely": N_("likely"), "review": N_("review")}


def _print(drafts: Drafts, plan: Plan, failing: list[str], dry_run: bool) -> None:
    from ..output.tables import Column, render

    if dry_run:
        for relpath, data in plan.creates.items():
            typer.echo(f"# {relpath}\n{data.decode()}")
    rows = [{**f.__dict__, "confidence": _(CONFIDENCE[f.confidence])} for f in drafts.found]
    columns = [Column(_(h), k, 40 if k in ("value", "note") else None) for h, k in COLUMNS]
    typer.echo(render("table", rows, columns, _("What the text says"), use_colour(), 100), nl=False)
    for entry in drafts.proposed:
        typer.echo(_("agency not in agencies.yaml: {name} (proposed id {id}; --add-agencies "
                     "adds it)").format(**entry))  # fmt: skip
    verb = _("would write") if dry_run else _("wrote")
    typer.echo(_("{verb} {n} drafts; {k} need review: {ids}").format(
        verb=verb, n=len(plan.creates), k=len(drafts.needing_review()),
        ids=", ".join(drafts.needing_review()) or "—"))  # fmt: skip
    if failing:
        typer.echo(_("until reviewed, these do not validate: {files}").format(
            files=", ".join(failing)))  # fmt: skip


def _as_json(drafts: Drafts, plan: Plan, failing: list[str], dry_run: bool) -> dict[str, Any]:
    return {
        "written": not dry_run,
        "drafts": [
            {"file": d.relpath, "kind": d.kind, "record": d.record, "text": d.text()}
            for d in drafts.all()
        ],
        "review": [f.__dict__ for f in drafts.found if f.confidence == "review"],
        "found": [f.__dict__ for f in drafts.found],
        "needs_review": drafts.needing_review(),
        "proposed_agencies": drafts.proposed,
        "failing_validation": failing,
    }
