"""Which template file a name means, and where templates are looked for.

`TEMPLATE` is a name (`minutes`) or a path to a template file.  A name is resolved by the
format to `minutes.md.j2`, `minutes.html.j2` or `minutes.docx`, looked for in order in:

1. `--templates DIR` (else `$CDSCTL_TEMPLATES`);
2. `templates/` inside the records root;
3. `templates/` beside the records root (this repository's own layout);
4. the defaults shipped with cdsctl.

So a province overrides any default by copying it into its records' `templates/` folder.
The same folders, in the same order, serve `{% include %}` and `{% extends %}`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import CdsError
from ..i18n import _

FORMATS = ("md", "html", "docx")
SUFFIX = {"md": ".md.j2", "html": ".html.j2", "docx": ".docx"}


@dataclass(frozen=True, slots=True)
class Template:
    """A template file found: its path, the format it writes, and its name (for messages)."""

    path: Path
    format: str
    name: str


def default_folder() -> Path:
    """The templates shipped with cdsctl: inside the installed package, else (a source
    checkout) the repository's top-level `templates/`."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "templates"
    return inside if inside.is_dir() else package.parent / "templates"


def search_path(root: Path, templates: Path | None = None) -> list[Path]:
    """The folders a template name is looked for in, first match wins (module docstring)."""
    chosen = templates or (Path(os.environ["CDSCTL_TEMPLATES"])
                           if os.environ.get("CDSCTL_TEMPLATES") else None)  # fmt: skip
    folders = [chosen, root / "templates", root.parent / "templates", default_folder()]
    seen: list[Path] = []
    for folder in folders:
        if folder is not None and folder.is_dir() and folder.resolve() not in seen:
            seen.append(folder.resolve())
    return seen


def find(name: str, fmt: str, folders: list[Path]) -> Template:
    """The template `name` means in format `fmt` (a path is taken as it is)."""
    given = Path(name)
    if given.suffix in (".j2", ".docx") or os.sep in name or "/" in name:
        if not given.is_file():
            raise CdsError(_("template {name}: no such file").format(name=name))
        return Template(given, _format_of(given, fmt), given.name)
    file = name + SUFFIX[fmt]
    for folder in folders:
        if (folder / file).is_file():
            return Template(folder / file, fmt, file)
    known = sorted({p.name.split(".")[0] for f in folders for p in f.iterdir()
                    if p.name.endswith(SUFFIX[fmt]) and not p.name.startswith("_")})  # fmt: skip
    where = ", ".join(str(f) for f in folders) or _("no templates folder")
    raise CdsError(_("no template '{name}' for --format {format} in {folders}; templates for "
                     "{format}: {known}").format(name=name, format=fmt, folders=where,
                                                 known=", ".join(known) or _("none")))  # fmt: skip


def _format_of(path: Path, asked: str) -> str:
    """A file's format from its name (`x.html.j2` is HTML), else the one asked for."""
    if path.suffix == ".docx":
        return "docx"
    inner = Path(path.stem).suffix.lstrip(".")
    return inner if inner in ("md", "html") else asked
