"""What the province of an export is called: the value of its `province` column.

The name is what tells one province's rows from another's once the Ministry reads every
export together, so it is chosen in this order, the first that says wins:

1. `--province` on the command line;
2. `province` in the records root's `cdsctl.toml` (`cdsctl init --province` records it
   there), so that every export of a repository gives the same name;
3. the name of the records root's folder (`bcd-quang-ninh`), which needs no setting.

A name is one line of text, in Unicode NFC (the same province pasted from two editors must
group as one), its runs of spaces made one.
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path

from ..diagnostics import CdsError
from ..i18n import _

CONFIG = "cdsctl.toml"


def province_name(given: str | None, root: Path, folder: Path) -> str:
    """The province: `given`, else `province` in `root`'s cdsctl.toml, else `folder`'s name.

    `root` is the records root as read (with `--at`, the copy of a commit, whose
    cdsctl.toml is the one committed); `folder` is the root as the user named it (a copy's
    folder has a made-up name)."""
    if given is not None:
        return _checked(given, "--province")
    configured = _configured(root)
    if configured is not None:
        return _checked(configured, f"{CONFIG}: province")
    return _checked(folder.resolve().name, "--records")


def _configured(root: Path) -> str | None:
    """`province` in the root's cdsctl.toml, if it has one.  A file that cannot be read is
    an error here (unlike `lang`): the rows of a wrongly named province would pass unseen
    among the Ministry's."""
    path = root / CONFIG
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            value = tomllib.load(handle).get("province")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CdsError(_("{file}: cannot read the province: {reason}; give --province").format(
            file=path, reason=exc)) from None  # fmt: skip
    if value is not None and not isinstance(value, str):
        raise CdsError(_("{file}: province must be text, such as \"Quảng Ninh\"").format(
            file=path))  # fmt: skip
    return value


def _checked(name: str, where: str) -> str:
    text = unicodedata.normalize("NFC", name).strip(" ")
    if not text or any(unicodedata.category(c)[0] == "C" for c in text):
        raise CdsError(_("{where}: the province must be a name on one line, such as Quảng Ninh")
                       .format(where=where))  # fmt: skip
    return " ".join(text.split())
