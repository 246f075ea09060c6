"""A static site for the committee's leaders (`cdsctl site`): one folder of HTML pages that
opens from `file://` or any static host, with no server and no request leaving it.

:mod:`.facts` works out what the pages show as of a date; :mod:`.home` writes the home and
list pages, :mod:`.record_pages` a page per record, both with the markup of :mod:`.html`
and the inline SVG of :mod:`.charts`; :mod:`.search` makes the index the pages search
without a server; :mod:`.public` leaves out what is internal (`--public`); :mod:`.output`
writes only the pages that changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .. import gitstore, i18n
from ..diagnostics import CdsError
from ..i18n import _
from ..load.files import is_record_path
from ..repository import Repository
from ..validation.gcpause import gc_paused
from . import search
from .facts import Facts, agencies_of_reports
from .home import OverviewPages
from .html import FOLDERS, Stamp, built, href, reset
from .output import Written, current, kept, write
from .public import public as public_view
from .record_pages import COMMITS, RecordPages

ASSETS = Path(__file__).resolve().parent / "assets"
#: more processes than this gain little: the pages of one share are written as they come
MOST_SHARES = 4


@dataclass(frozen=True, slots=True)
class Options:
    """What a build is asked for."""

    as_of: date
    public: bool = False
    base_url: str | None = None
    at: gitstore.Commit | None = None  # the records are an export of this commit…
    git_root: Path | None = None  # …of the records root here (default: the repository's root)
    title: str | None = None
    force: bool = False
    lang: str | None = None  # the pages' language (default: the one chosen for this run)


def build(repo: Repository, folder: Path, options: Options) -> Written:
    """The site of `repo`'s records as of `options.as_of`, written into `folder`."""
    with _in_language(options):
        reset()
        with gc_paused():  # (a build makes millions of strings and tuples, and no cycle)
            return _build(repo, folder, options)


@contextlib.contextmanager
def _in_language(options: Options) -> Iterator[None]:
    before = i18n.chosen()
    if options.lang is not None:
        i18n.use(options.lang)
    try:
        yield
    finally:
        i18n.use(*before)


def _build(repo: Repository, folder: Path, options: Options) -> Written:
    redact = None
    if options.public:
        view = public_view(repo.records, agencies_of_reports(repo))
        repo = Repository(repo.root, view.records, repo.checked, repo.left_out, repo.digest,
                          repo.where, repo.written_ns, repo.settled)  # fmt: skip
        redact = view.redact
    git_root = options.git_root or repo.root
    provenance = _provenance(git_root, options.at)
    said = inputs_said(repo.root, options, provenance)
    key = inputs_key(repo, said)
    if key is not None and (kept := current(folder, key)) is not None:
        return kept  # (the same inputs: the same pages, all there)
    touches = gitstore.touches(git_root, provenance.commit, COMMITS) if provenance else {}
    facts = Facts(repo, options.as_of, touches)
    changed = provenance is not None and any(map(is_record_path, provenance.changed))
    stamp = Stamp(
        options.as_of,
        provenance.commit if provenance else None,
        changed,
        options.base_url,
        options.title or _("Digital Transformation Steering Committee"),
    )
    facts.prepare()  # (what every share reads, worked out once before they part)

    def share(i: int, shares: int) -> Iterator[tuple[str, str]]:
        pages = _pages(repo, facts, stamp, i, shares)
        if redact is None:
            return pages
        return ((p, t if p.startswith("assets/") else redact(t)) for p, t in pages)

    keys = (key, said) if key is not None else None
    return write(folder, share, built(stamp), options.force, shares(), keys, len(repo.skipped))


def inputs_key(repo: Repository, said: str) -> str | None:
    """One value for everything a build reads: the records (the digest of their files'
    stamps) and what else it is made of (:func:`inputs_said`).  The same value: the same
    pages (output.current).  None unless the records were vouched for by the cache
    (Repository.settled): records read in this run may have been read in the racy window,
    where a change can keep a file's stamp, and so its digest."""
    digest = repo.checked.digest if repo.checked is not None else repo.digest
    if digest is None or not repo.settled:
        return None
    return key_of(digest, said)


def key_of(digest: bytes, said: str) -> str:
    return hashlib.blake2b(digest + said.encode(), digest_size=16).hexdigest()


def inputs_said(root: Path, options: Options, provenance: gitstore.Built | None) -> str:
    """One value for what a build reads besides the records: the commit and the files
    changed since, the options, the language, cdsctl's code and assets, the minutes'
    templates and the `holidays` version."""
    from ..dates.workdays import package_version
    from ..render import search_path
    from ..validation.cache import code_fingerprint

    h = hashlib.blake2b(code_fingerprint(), digest_size=16)
    said = (options.as_of.isoformat(), options.public, options.base_url, options.title,
            i18n.current(), package_version(),
            (provenance.commit, provenance.changed) if provenance else None)  # fmt: skip
    h.update(repr(said).encode("utf-8", "surrogatepass"))
    for folder in [ASSETS, *search_path(root)]:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            st = path.stat()
            h.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def built_already(root: Path, folder: Path, options: Options,
                  digest: Callable[[], bytes]) -> Written | None:  # fmt: skip
    """The build in `folder` when it was made from the inputs it would be made of now,
    known without reading a record: what else it reads is the same (:func:`inputs_said`),
    and the records' files have the stamps they had (`digest()`: of a walk of them now,
    asked only then).  At 100,000 tasks: 1.3 s, rather than 6 when the snapshot of the
    build before is still being kept.  A build keeps its key only if its records were
    vouched for by the cache (:func:`inputs_key`), so files with those stamps are those
    records."""
    with _in_language(options):
        said = inputs_said(root, options, _provenance(options.git_root or root, options.at))
    manifest = kept(folder)
    if manifest is None or manifest.get("said") != said:
        return None
    return current(folder, key_of(digest(), said), manifest)


def shares() -> int:
    """How many processes make the pages: with more than one core, one for the overview
    pages, the minutes and the search index, and one per core (at most :data:`MOST_SHARES`)
    for the record pages; the first's work is about a third of one of theirs, and the
    system gives the cores to whichever runs."""
    cores = max(1, min(MOST_SHARES, os.cpu_count() or 1))
    return 1 if cores == 1 else cores + 1


def _provenance(root: Path, at: gitstore.Commit | None) -> gitstore.Built | None:
    try:
        return gitstore.built_from(root, at)
    except CdsError:  # (git missing, or refusing the folder: a site without commits)
        return None


def _pages(repo: Repository, facts: Facts, stamp: Stamp, share: int,
           shares: int) -> Iterator[tuple[str, str]]:  # fmt: skip
    """The pages of share `share` of `shares`: the first makes the overview pages, the
    minutes, the search index and the assets; the others deal out the record pages (one
    share alone makes everything)."""
    if shares == 1 or share > 0:
        yield from RecordPages(facts, stamp).all(max(share - 1, 0), max(shares - 1, 1))
    if share != 0:
        return
    yield from OverviewPages(facts, stamp).all()
    yield from _minutes(repo, facts)
    yield "search-index.js", search.index_script(list(_entries(facts)))
    for asset in sorted(ASSETS.iterdir()):
        if asset.is_file():
            yield f"assets/{asset.name}", asset.read_text("utf-8")


def _minutes(repo: Repository, facts: Facts) -> Iterator[tuple[str, str]]:
    """Each meeting's minutes, as `cdsctl render minutes ID --format html` writes them."""
    if not repo.records.meetings:
        return
    from ..render import find, search_path
    from ..render.context import Sources, agencies_of, gather
    from ..render.engine import text_renderer, variables

    folders = search_path(repo.root)
    template = find("minutes", "html", folders)
    names = variables(template, folders)
    shared = Sources(repo, facts.as_of, states=facts.states)
    render = text_renderer(template, folders, agencies_of(shared))
    for meeting in repo.records.meetings.values():
        src = shared.about(meeting.id)
        yield f"{FOLDERS['meeting']}/{meeting.id}.minutes.html", render(gather(src, names))


def _entries(facts: Facts) -> Iterator[search.Entry]:
    """What the search box finds: every agency, directive, task, indicator and meeting."""
    records = facts.records
    for a in records.agencies.values():
        extra = " ".join(x for x in (a.short, *a.aliases) if x)
        yield search.Entry(_("agency"), a.id, a.name, href("agency", a.id), extra)
    for d in records.directives.values():
        yield search.Entry(_("directive"), d.id, d.title, href("directive", d.id), d.number or "")
    for t in records.tasks.values():
        extra = facts.agency_name(t.lead)
        yield search.Entry(_("task"), t.id, t.title, href("task", t.id), extra)
    for i in records.indicators.values():
        yield search.Entry(_("indicator"), i.id, i.name, href("indicator", i.id))
    for m in records.meetings.values():
        yield search.Entry(_("meeting"), m.id, m.title, href("meeting", m.id))


__all__ = ["Options", "Written", "build"]
