"""Writing a site into its folder: only the pages whose content changed, each atomically,
and never over files cdsctl did not write.

The folder keeps a manifest (:data:`MANIFEST`): each page cdsctl wrote and a hash of its
content, the commit in its footer left out (:data:`cdsctl.site.html.BUILT`).  Run again, a
build rewrites the pages whose hash differs (and the home page, which always says what the
last build read) and removes the pages it no longer makes; another page whose content is the
same keeps the commit it was built from (its content is that commit's as much as this
one's).  A folder with files and no manifest is somebody else's: cdsctl refuses it unless
`--force`.

A page of the manifest is rewritten in place (:func:`_overwrite`), not through a temporary
file and a rename: on ext4 a rename over a file flushes the new one to the disk at once and
frees the old one's blocks (the next morning's 105,125 pages at 100,000 tasks: 185 µs a
page against 15).  While a build runs, :data:`BUILDING` is in the folder; a build that
finds it trusts no hash of the manifest (the build before was cut short, and a page may hold
what no manifest says) and writes every page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import CdsError
from ..i18n import _
from ..validation.workers import shared_out
from .html import BUILT

MANIFEST = ".cdsctl-site.json"
#: in the folder while a build writes it: the manifest's hashes may not say what the pages hold
BUILDING = ".cdsctl-site.building"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Written:
    """What a build did to its folder."""

    pages: int  # every page the site has
    written: int  # those written now (new or changed)
    removed: int  # pages of the previous build the site no longer has
    left_out: int = 0  # record files with errors left out of it (kept for :func:`current`)


#: the pages written on every build: the home page always says what the last build read
ALWAYS = frozenset({"index.html"})


#: the pages of one share of a build: (path below the folder, text)
Pages = Iterable[tuple[str, str]]


def write(folder: Path, share: Callable[[int, int], Pages], built: str, force: bool,
          shares: int = 1, key: tuple[str, str] | None = None,
          left_out: int = 0) -> Written:  # fmt: skip
    """Write the pages of every share (`share(i, shares)`) whose content changed, and
    :data:`ALWAYS`; `built` replaces :data:`BUILT` in each page written.  The shares after
    the first are made and written in forked processes, one per core (a share must not
    depend on another's).  `key`: a value for everything the pages were made from, and
    one for all of it but the records, kept in the manifest for :func:`current` and
    :func:`kept` (with `left_out`, the record files left out)."""
    empty = not folder.is_dir() or not any(folder.iterdir())  # (no page to look for)
    before = _manifest(folder, force)
    if not (folder / MANIFEST).is_file():  # (so that a build cut short is still ours)
        folder.mkdir(parents=True, exist_ok=True)
        _save(folder, {})
    (folder / BUILDING).touch()

    def one(i: int) -> tuple[dict[str, str], int]:
        return _write_pages(folder, share(i, shares), built, before, empty)

    after: dict[str, str] = {}
    written = 0
    for pages, count in shared_out(shares, one):
        after.update(pages)
        written += count
    removed = [p for p in before if p not in after]
    for relpath in removed:
        (folder / relpath).unlink(missing_ok=True)
    _save(folder, after, key, left_out)
    (folder / BUILDING).unlink(missing_ok=True)
    return Written(len(after), written, len(removed), left_out)


def current(folder: Path, key: str, manifest: dict[str, Any] | None = None) -> Written | None:
    """The build in `folder` when it was made from inputs of `key` (:func:`write`) and each
    of its pages is there: nothing to make (at 100,000 tasks, 15 s to make every page and
    find none changed).  None otherwise.  `manifest`: the folder's, if read already
    (:func:`kept`: 0.1 s at 105,176 pages)."""
    data = manifest if manifest is not None else kept(folder)
    if data is None or data.get("format") != FORMAT or data.get("key") != key:
        return None
    if (folder / BUILDING).exists():
        return None
    pages = data.get("pages")
    base = os.fspath(folder)
    if not isinstance(pages, dict) or not all(os.path.isfile(f"{base}/{p}") for p in pages):
        return None
    left_out = data.get("left_out", 0)
    return Written(len(pages), 0, 0, left_out if isinstance(left_out, int) else 0)


def kept(folder: Path) -> dict[str, Any] | None:
    """The manifest of the build in `folder` as written (None: none, or not readable): its
    pages, and the keys of what it read (:func:`write`; `said`: all but the records)."""
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _save(folder: Path, pages: dict[str, str], key: tuple[str, str] | None = None,
          left_out: int = 0) -> None:  # fmt: skip
    manifest: dict[str, object] = {"format": FORMAT, "pages": dict(sorted(pages.items()))}
    if key is not None:
        manifest["key"], manifest["said"], manifest["left_out"] = *key, left_out
    _replace(folder / MANIFEST, json.dumps(manifest, indent=0).encode("utf-8"))


def _write_pages(folder: Path, pages: Pages, built: str, before: dict[str, str],
                 empty: bool = False) -> tuple[dict[str, str], int]:  # fmt: skip
    """Write the pages whose hash differs from `before`: (each page's hash, how many).
    `empty`: the folder held nothing when the build began (no page there to look for).

    Paths as text and each page encoded once (105,176 pages, 681 MB at 100,000 tasks: a
    Path, a stat and a second encoding per page cost 3 s of the first build's work)."""
    after: dict[str, str] = {}
    made: set[str] = set()
    written = 0
    base, marker, stamp = os.fspath(folder), BUILT.encode(), built.encode("utf-8")
    for relpath, text in pages:
        data = text.encode("utf-8")
        key = _hash(data)
        after[relpath] = key
        target = f"{base}/{relpath}"
        known = before.get(relpath)
        if known == key and relpath not in ALWAYS and os.path.isfile(target):
            continue
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        at = data.rfind(marker) if relpath.endswith(".html") else -1  # (in the footer)
        if at >= 0:
            view = memoryview(data)
            data = b"".join((view[:at], stamp, view[at + len(marker) :]))
        if known is not None and _overwrite(target, data):
            written += 1
            continue
        # (--force: over a file of that name)
        _replace(target, data, known is not None or (not empty and os.path.exists(target)))
        written += 1
    return after, written


def _hash(data: bytes) -> str:
    """A page's hash in the manifest: SHA-256, cut to 128 bits (on a CPU with SHA
    instructions, as x86 ones have had since 2017: 4.3 µs for a page of 6.5 KB here,
    against BLAKE2b's 7.3)."""
    return hashlib.sha256(data).hexdigest()[:32]


def _manifest(folder: Path, force: bool) -> dict[str, str]:
    """The pages of the build before and their hashes (none for a new or empty folder; no
    hash, "", when that build was cut short: :data:`BUILDING`)."""
    if folder.exists() and not folder.is_dir():
        raise CdsError(_("{folder} is a file, not a folder").format(folder=folder))
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") == FORMAT and isinstance(data.get("pages"), dict):
            if (folder / BUILDING).exists():
                return dict.fromkeys(map(str, data["pages"]), "")
            return {str(k): str(v) for k, v in data["pages"].items()}
    except FileNotFoundError:
        pass
    except (OSError, ValueError, AttributeError):
        if not force:
            raise CdsError(
                _(
                    "{file} cannot be read: remove it, or give --force to rebuild the whole site"
                ).format(file=path)
            ) from None
        return {}
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise CdsError(
            _(
                "{folder} holds files that `cdsctl site` did not write: give an empty "
                "or new folder, or --force to write the site among them"
            ).format(folder=folder)
        )
    return {}


def _overwrite(path: str, data: bytes) -> bool:
    """Write `data` over the page at `path` in place; False, nothing done, unless it is a
    regular file of one name (not a link, nor hard-linked elsewhere: a copy made with
    `cp -al` keeps its pages)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # (a FIFO: no wait)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return False
        _write_all(fd, data)
        if info.st_size > len(data):
            os.ftruncate(fd, len(data))
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    finally:
        os.close(fd)
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _cannot_write(path: str | Path, exc: OSError) -> CdsError:
    return CdsError(_("cannot write {file}: {reason}").format(
        file=path, reason=exc.strerror or exc))  # fmt: skip


def _replace(path: str | Path, data: bytes, exists: bool = True) -> None:
    """Write `data` to `path`: a new file directly; an existing one (the manifest, a file
    cdsctl did not write, a page :func:`_overwrite` would not write over) through a
    temporary file beside it and a rename."""
    folder, name = os.path.split(path)
    temp = os.path.join(folder, f".{name}.tmp") if exists else path
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        if exists:
            os.replace(temp, path)
    except OSError as exc:
        if exists:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise _cannot_write(path, exc) from None
