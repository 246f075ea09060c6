"""Which diagnostics to report when only some files are asked about.

References always resolve against the whole root; a selection only filters what is
reported.  `--changed-since REV` selects the changed files *and* every cross-file finding
about an id those changes define or removed, so deleting a task that reports still name,
or an agency that tasks still lead, fails the check too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import CdsError
from ..i18n import _
from ..load.files import AGENCIES, is_record_name, relative_record_path, walk
from ..load.reading import read_source


@dataclass(slots=True)
class Selection:
    files: set[str] = field(default_factory=set)
    #: ids whose cross-file findings are reported wherever they stand
    ids: set[str] = field(default_factory=set)


def select_paths(root: Path, paths: list[Path]) -> Selection:
    """The record files named, or below the folders named; an error for anything else."""
    selection = Selection()
    for path in paths:
        if path.is_dir():
            inside = relative_record_path(root, path / "x.yaml")
            if inside is None:
                raise CdsError(_("{path}: not a folder inside the records root {root}").format(
                    path=path, root=root))  # fmt: skip
            folder = inside.rsplit("/", 1)[0] + "/" if "/" in inside else ""
            selection.files.update(f for f in walk(root) if f.startswith(folder))
        elif not path.exists():
            raise CdsError(_("{path}: no such file").format(path=path))
        else:
            relpath = relative_record_path(root, path)
            if relpath is None:
                raise CdsError(_("{path}: not a record file inside the records root {root}")
                               .format(path=path, root=root))  # fmt: skip
            selection.files.add(relpath)
    return selection


def select_changed(root: Path, rev: str) -> Selection:
    """Files changed since the user's revision `rev`, and the ids the changed and deleted
    files define; :class:`CdsError` when `rev` names no commit (it never reaches git as an
    option: see :mod:`cdsctl.gitstore`)."""
    from ..gitstore import changed_since, resolve, show

    commit = resolve(root, rev, "--changed-since")
    changes = changed_since(root, commit)
    selection = Selection(set(changes.changed))
    for relpath in changes.changed + changes.deleted:
        name = relpath.rsplit("/", 1)[-1]
        if relpath == AGENCIES:
            selection.ids |= _agency_ids(show(root, commit, AGENCIES)) | _agency_ids(_text(root))
        elif is_record_name(name):  # (in any letter case, spec 1.1 §1)
            selection.ids.add(name.rsplit(".", 1)[0])  # a record's id is its file name
    return selection


def _text(root: Path) -> str | None:
    try:
        return read_source(root / AGENCIES).yaml
    except Exception:
        return None


def _agency_ids(text: str | None) -> set[str]:
    from ..load.yamltext import load_exact

    data = load_exact(text).data if text else None
    entries = data.get("agencies") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return set()
    names: set[str] = set()  # ids, and the aliases references may use (spec 1.1: they resolve)
    for entry in entries:
        if isinstance(entry, dict):
            aliases = entry.get("aliases")
            spelt = [entry.get("id"), *(aliases if isinstance(aliases, list) else [])]
            names.update(name for name in spelt if isinstance(name, str))
    return names
