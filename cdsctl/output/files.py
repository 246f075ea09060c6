"""Writing an output file a user named (`-o FILE`): atomically, and never over an existing
file without `--force`, so nothing a user wrote is lost to a half-written or mistaken run."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..diagnostics import CdsError
from ..i18n import _


def write_new(path: Path, data: bytes, force: bool = False) -> None:
    """Write `data` to `path` atomically (a temporary file beside it, then a rename).

    An existing file is kept unless `force`; problems are :class:`CdsError`.
    """
    _check_target(path, force)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temp, usual_mode())  # mkstemp makes 0600; give the usual mode
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise CdsError(_("--output {path}: is a folder").format(path=path))
    if not path.parent.is_dir():
        raise CdsError(_("--output {path}: the folder {folder} does not exist").format(
            path=path, folder=path.parent))  # fmt: skip
    if path.exists() and not force:
        raise CdsError(_("--output {path}: the file exists; add --force to overwrite it").format(
            path=path))  # fmt: skip


def usual_mode() -> int:
    """The mode a new file gets from `open` (0666 less the umask); mkstemp gives 0600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
