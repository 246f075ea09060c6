"""What a change to some record files would do, found before it is written: the whole
records root validated as if the change were made (:func:`validate_change`).

A command that writes records (cdsctl.authoring) asks this first and refuses a change that
adds an error, so nothing lands that `cdsctl validate` would reject.  The unchanged files'
own diagnostics and summaries are the validation's (the command loaded the records with
one); only the changed files are checked, from the bytes they would hold, and the rules
across files run on the lot.  Nothing is written: not the records, not the cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..diagnostics import Diagnostic, Severity
from .onefile import check_bytes_wire, locate_cross
from .pipeline import Validation, _by_file, _Gathered, validate


@dataclass(frozen=True, slots=True)
class Change:
    """The root's diagnostics before and after a change."""

    before: list[Diagnostic]
    after: list[Diagnostic]

    def added_errors(self) -> list[Diagnostic]:
        """The errors the change brings: in `after` and not in `before` (compared by file,
        code and message: the lines of an edited file move)."""
        known = {_same(d) for d in self.before}
        return [d for d in self.after
                if d.severity is Severity.ERROR and _same(d) not in known]  # fmt: skip


def _same(d: Diagnostic) -> tuple[str, str, str]:
    return (d.file, d.code, str(d.message))


def validate_change(
    root: Path,
    changes: Mapping[str, bytes | None],
    *,
    validation: Validation | None = None,
    today: date | None = None,
    cache_dir: Path | bool | None = None,
) -> Change:
    """The diagnostics of `root` now and with `changes` (relative path → the file's new
    bytes; None: the file removed).  `validation`: the root's validation just made (with
    summaries), if the caller has one; else one is made (from the cache)."""
    from ..checks.crossfile import CROSS_CODES, run_cross_checks

    today = today or date.today()
    if validation is None:
        validation = validate(root, cache_dir=cache_dir, today=today)
    before = validation.diagnostics
    gathered = _Gathered(want_blobs=False)
    gathered.diagnostics = [
        d for d in before if d.file not in changes and d.code not in CROSS_CODES
    ]
    gathered.summaries = [s for s in validation.summaries if s.file not in changes]
    for relpath, data in changes.items():
        if data is not None:
            gathered.add(relpath, (0, 0, 0, 0), check_bytes_wire(relpath, data))
    gathered.summaries.sort(key=_by_file)  # path order, as a validation has them
    broken = {d.file for d in gathered.diagnostics if d.severity is Severity.ERROR}
    findings = run_cross_checks(gathered.summaries, today, broken)
    after = gathered.diagnostics + [d for d, _ in locate_cross(root, findings, changes)]
    after.sort(key=Diagnostic.sort_key)
    return Change(before, after)
