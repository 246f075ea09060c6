"""Landing a change to the records: checked with the whole root first, then written
atomically, and committed only when asked.

- The root is validated as if the change were made (cdsctl.validation.change); a change that
  adds an error is refused (:class:`Refused`, with the diagnostics) and nothing is written.
- A new file never replaces one that exists (a hard link of a finished temporary file: the
  name appears whole or not at all) unless `force`; an edited file is replaced by a rename,
  and only if it still holds the bytes the edit was made from.
- With `commit`, git commits exactly the files written (`git commit --only`), whatever else
  was staged; without it nothing touches git.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import CdsError, Diagnostic
from ..i18n import _
from ..output.files import usual_mode

if TYPE_CHECKING:
    from ..validation.change import Change
    from ..validation.pipeline import Validation


@dataclass(slots=True)
class Plan:
    """What a command would write: new files, edits (bytes as read, new bytes), and the
    commit message that says it in the committee's words."""

    root: Path
    creates: dict[str, bytes] = field(default_factory=dict)
    edits: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    message: str = ""
    #: the validation of the root the plan was made from (its diagnostics and summaries)
    validation: Validation | None = None

    def files(self) -> dict[str, bytes]:
        """Each file the plan writes, with its new bytes."""
        return {**self.creates, **{p: new for p, (_, new) in self.edits.items()}}


class Refused(CdsError):
    """A change that would add errors to the records: nothing was written."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(_("the change would add {n} error(s) to the records; nothing was "
                           "written").format(n=len(diagnostics)))  # fmt: skip
        self.diagnostics = diagnostics


def land(plan: Plan, *, force: bool = False, commit: bool = False, today: date | None = None,
         validation: Validation | None = None) -> list[str]:  # fmt: skip
    """Check `plan` with the whole root (`validation`: the root's, if made just before),
    write it, commit it if asked; the files written."""
    check(plan, force=force, today=today, validation=validation)
    return write(plan, force=force, commit=commit)


def check(
    plan: Plan,
    *,
    force: bool = False,
    today: date | None = None,
    validation: Validation | None = None,
    allowed: Collection[str] = (),
) -> Change:
    """The root's diagnostics before and after `plan`; :class:`Refused` when it adds an
    error, except in the files `allowed` (drafts a person reviews: `cdsctl import`)."""
    from ..validation.change import validate_change

    _check_targets(plan, force)
    change = validate_change(plan.root, plan.files(), validation=validation or plan.validation,
                             today=today)  # fmt: skip
    added = [d for d in change.added_errors() if d.file not in allowed]
    if added:
        raise Refused(added)
    return change


def write(plan: Plan, *, force: bool = False, commit: bool = False) -> list[str]:
    """Write `plan`'s files (checked before: :func:`check`), commit them if asked."""
    for relpath, data in plan.creates.items():
        _create(plan.root / relpath, data, force)
    for relpath, (before, after) in plan.edits.items():
        _replace(plan.root / relpath, before, after)
    written = sorted(plan.files())
    if commit:
        from ..gitstore import commit_files

        commit_files(plan.root, written, plan.message)
    return written


def _check_targets(plan: Plan, force: bool) -> None:
    for relpath in plan.creates:
        if (plan.root / relpath).exists() and not force:
            raise CdsError(_("{file} exists already; add --force to replace it").format(
                file=relpath))  # fmt: skip


def _temporary(path: Path, data: bytes, mode: int) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return temp


def _create(path: Path, data: bytes, force: bool) -> None:
    if force:
        temp = _temporary(path, data, usual_mode())
        try:
            os.replace(temp, path)
        finally:
            Path(temp).unlink(missing_ok=True)
    elif not new_file(path, data):
        raise CdsError(_("{file} exists already; add --force to replace it").format(
            file=path.name))  # fmt: skip


def new_file(path: Path, data: bytes) -> bool:
    """Write `path` whole (a temporary file beside it, then linked to its name) unless a
    file, folder or link of that name exists: then leave it and return False."""
    if os.path.lexists(path):
        return False
    temp = _temporary(path, data, usual_mode())
    try:
        return _link(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)


def _link(temp: str, path: Path) -> bool:
    """`temp` under the name `path` if that name is free (False when it is taken)."""
    try:
        os.link(temp, path)  # the name appears with the whole content, or not at all
    except FileExistsError:
        return False
    except OSError:  # no hard links here (FAT, some network shares): claim the name, then fill
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            return False
        os.replace(temp, path)
    return True


def _replace(path: Path, before: bytes, after: bytes) -> None:
    if path.read_bytes() != before:
        raise CdsError(_("{file} changed while cdsctl was editing it; run the command "
                         "again").format(file=path.name))  # fmt: skip
    temp = _temporary(path, after, path.stat().st_mode & 0o7777)
    try:
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
