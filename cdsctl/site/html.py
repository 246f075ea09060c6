"""The markup every page of the site shares: the page shell (header, search, footer with
the as-of date and the commit), escaping, links between pages, tables and state badges.

Pages are built as strings here rather than by Jinja: a site of 100,000 tasks is 100,000
pages, and a template's dispatch per value cost more than the rest of the build together.
Every value that comes from a record goes through :func:`esc` (tests/test_site.py puts
`<script>` in titles and names and checks it prints as text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import quote

from ..i18n import N_, _, current, shown_date, shown_number, state_name
from ..state import State

#: the folder of each kind's pages below the site root
FOLDERS = {
    "agency": "agencies",
    "directive": "directives",
    "task": "tasks",
    "indicator": "indicators",
    "meeting": "meetings",
}


#: the task groups of spec §3, as people name them
GROUPS = {
    "nhan-thuc-so": N_("Digital awareness"),
    "the-che-so": N_("Digital institutions"),
    "ha-tang-so": N_("Digital infrastructure"),
    "du-lieu-so": N_("Digital data"),
    "nen-tang-so": N_("Digital platforms"),
    "an-toan-thong-tin": N_("Information security"),
    "nhan-luc-so": N_("Digital workforce"),
    "chinh-phu-so": N_("Digital government"),
    "kinh-te-so": N_("Digital economy"),
    "xa-hoi-so": N_("Digital society"),
}
#: a report item's status (spec §3, report)
STATUSES = {
    "not-started": N_("not started"),
    "in-progress": N_("in progress"),
    "blocked": N_("blocked"),
    "done": N_("done"),
}


def group_name(code: str | None) -> str:
    if not code or code == "—":
        return _("(no group)")
    return _(GROUPS[code]) if code in GROUPS else code


def status_name(status: str) -> str:
    return _(STATUSES[status]) if status in STATUSES else status


def status_html(status: str) -> str:
    """:func:`status_name` escaped for HTML, worked out once per build."""
    found = _STATUSES.get(status)
    if found is None:
        found = _STATUSES[status] = esc(status_name(status))
    return found


def esc(value: object) -> str:
    """Text for HTML (quotes too: it may stand in an attribute).  Most text holds none of
    the five characters: it is given back as it is (a site of 100,000 tasks escapes 2.4
    million strings; html.escape's five replacements each took 0.4 µs, the look 0.15)."""
    text = value if type(value) is str else str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text)
    return text


#: what a build works out once per value (cleared by :func:`reset`, as the language changes):
#: a site of 100,000 tasks shows the same few thousand dates, links and words a million times.
#: One map per kind of value: a task state (a StrEnum) equals its text as a key, so in one
#: map `tr("overdue")` once stood for the badge of State.OVERDUE.
_TEXTS: dict[str, str] = {}
_HREFS: dict[tuple[str, str], str] = {}
_DAYS: dict[date, str] = {}
_BADGES: dict[State, str] = {}
_SHELLS: dict[tuple[str, Stamp], tuple[tuple[str, str], str]] = {}
_STATUSES: dict[str, str] = {}
#: a table's head and the format of its rows, by its headers and its numeric columns
_TABLES: dict[tuple[tuple[str, ...], tuple[int, ...]], tuple[str, Callable[..., str]]] = {}


def reset() -> None:
    """Forget what was worked out for an earlier build (maybe in another language)."""
    for memo in (_TEXTS, _HREFS, _DAYS, _BADGES, _SHELLS, _STATUSES, _TABLES):
        memo.clear()


def tr(message: str) -> str:
    """`_(message)`, escaped for HTML, looked up once per build."""
    found = _TEXTS.get(message)
    if found is None:
        found = _TEXTS[message] = esc(_(message))
    return found


def href(kind: str, record_id: str) -> str:
    """A record's page, relative to the site root."""
    key = (kind, record_id)
    found = _HREFS.get(key)
    if found is None:
        found = _HREFS[key] = f"{FOLDERS[kind]}/{quote(record_id)}.html"
    return found


def link(root: str, kind: str, record_id: str, text: str | None = None) -> str:
    return f'<a href="{root}{href(kind, record_id)}">{esc(text or record_id)}</a>'


def day(value: date | None) -> str:
    if value is None:
        return "—"
    found = _DAYS.get(value)
    if found is None:
        found = _DAYS[value] = shown_date(value.isoformat())
    return found


def number(value: float | int | None, unit: str = "") -> str:
    if value is None:
        return "—"
    shown = shown_number(float(value)) if isinstance(value, float) else str(value)
    if shown.endswith((",0", ".0")):
        shown = shown[:-2]
    return f"{shown}{unit}" if unit in ("%", "") else f"{shown} {unit}"


def rate(value: float | None) -> str:
    return number(value, "%")


def badge(state: State) -> str:
    """A task state as text on its colour (never colour alone)."""
    found = _BADGES.get(state)
    if found is None:
        css = str(state).replace("-", "_")
        found = _BADGES[state] = (
            f'<span class="state state-{css}">{esc(state_name(str(state)))}</span>'
        )
    return found


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Iterable[int] = (),
    empty: str | None = None,
) -> str:
    """A table of cells and headers already made HTML; `numeric`: the columns aligned right."""
    head, one = table_parts(headers, numeric)
    rows = list(rows)
    if any(len(row) != len(headers) for row in rows):
        raise ValueError("a row of another length than the headers")
    return table_of(head, "".join([one(*row) for row in rows]), empty)


def table_parts(headers: Sequence[str],
                numeric: Iterable[int] = ()) -> tuple[str, Callable[..., str]]:  # fmt: skip
    """A table's head, and the format of one row of its cells (each a value: braces in one
    are not read).  Worked out once per build for each kind of table: the pages of 100,000
    tasks hold 137,000 tables and a million rows (one format per row: 2.5 times faster
    than joining cell by cell)."""
    key = (tuple(headers), tuple(numeric))
    found = _TABLES.get(key)
    if found is None:
        right = set(key[1])
        head = "".join(f'<th scope="col"{_num(i, right)}>{h}</th>' for i, h in enumerate(headers))
        one = ("<tr>" + "".join(f"<td{_num(i, right)}>{{}}</td>" for i in range(len(headers)))
               + "</tr>").format  # fmt: skip
        found = _TABLES[key] = (head, one)
    return found


def table_of(head: str, body: str, empty: str | None = None) -> str:
    """A table of the rows `body` under `head` (:func:`table_parts`); `empty`: what to say
    when there is no row."""
    if not body:
        empty = empty or _("Nothing to show.")
        return f'<p class="empty">{esc(empty)}</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _num(index: int, right: set[int]) -> str:
    return ' class="num"' if index in right else ""


def facts_list(pairs: Iterable[tuple[str, str]]) -> str:
    """A definition list of (label, value), both HTML, leaving out empty values."""
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in pairs if v)
    return f'<dl class="facts">{items}</dl>'


def section(title: str, body: str, section_id: str | None = None) -> str:
    """A titled part of a page (`title` is HTML: :func:`tr` of a message, say)."""
    anchor = f' id="{esc(section_id)}"' if section_id else ""
    return f"<section{anchor}><h2>{title}</h2>{body}</section>"


def paragraphs(text: str | None) -> str:
    """Long text as paragraphs (blank lines between them), lines kept."""
    if not text:
        return ""
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]
    return "".join(f"<p>{esc(b).replace(chr(10), '<br>')}</p>" for b in blocks)


@dataclass(frozen=True, slots=True)
class Stamp:
    """What every page says it was built from."""

    as_of: date
    commit: str | None  # None: the records are not in git
    changed: bool  # files differ from the commit (a build of the work tree)
    base_url: str | None  # the git host's address of the records root's files
    title: str  # the site's name


def _nav(root: str) -> str:
    links = [
        ("index.html", _("Overview")),
        ("agencies/index.html", _("Agencies")),
        ("directives/index.html", _("Directives")),
        ("overdue.html", _("Overdue")),
        ("indicators/index.html", _("Indicators")),
        ("meetings/index.html", _("Meetings")),
    ]
    items = "".join(f'<li><a href="{root}{target}">{esc(text)}</a></li>' for target, text in links)
    label = esc(_("Sections"))
    return f'<nav class="main" aria-label="{label}"><ul>{items}</ul></nav>'


def _search() -> str:
    label, hint, none = tr("Search"), tr("id, title or agency"), tr("No match.")
    return (
        f'<form class="search" role="search" onsubmit="return false">'
        f'<label for="q">{label}</label>'
        f'<input id="q" type="search" autocomplete="off" placeholder="{hint}">'
        f'<ol id="hits" aria-live="polite" data-none="{none}"></ol></form>'
    )


def crumbs(root: str, trail: Sequence[tuple[str, str]]) -> str:
    """A breadcrumb: (target relative to the root, text) pairs; the last is this page."""
    parts = [f'<a href="{root}{t}">{esc(text)}</a>' for t, text in trail[:-1]]
    parts.append(f'<span aria-current="page">{esc(trail[-1][1])}</span>')
    label = tr("You are here")
    return f'<nav class="breadcrumb" aria-label="{label}">{" › ".join(parts)}</nav>'


#: where the commit goes in a page's footer: a page is compared with the one written before
#: without it (cdsctl.site.output), so that a page whose content is the same is left as it is
BUILT = "<!--built-->"


def footer(stamp: Stamp) -> str:
    """The as-of date, then :data:`BUILT` for the commit (:func:`built`)."""
    as_of = _("Figures as of {day}").format(day=day(stamp.as_of))
    return f'<footer class="built"><p>{esc(as_of)} · {BUILT} · cdsctl</p></footer>'


def built(stamp: Stamp) -> str:
    """The commit the build read (a link when the git host is known)."""
    if stamp.commit is None:
        return esc(_("built from files not in git"))
    shown = esc(stamp.commit[:12])
    if stamp.base_url:
        shown = f'<a href="{esc(commit_url(stamp.base_url, stamp.commit))}">{shown}</a>'
    text = esc(_("built from commit {commit}")).format(commit=shown)
    if stamp.changed:
        text += " " + esc(_("(with changes not yet committed)"))
    return text


def commit_url(base_url: str, commit: str) -> str:
    """A commit's page on the git host, from the address of the records' files
    (`https://github.com/o/r/blob/main/records` → `https://github.com/o/r/commit/C`)."""
    for marker in ("/blob/", "/tree/", "/-/blob/", "/-/tree/", "/src/branch/"):
        if marker in base_url:
            repo = base_url.split(marker, 1)[0].removesuffix("/-")
            return f"{repo}/commit/{commit}"
    return f"{base_url.rstrip('/')}/commit/{commit}"


def file_link(stamp: Stamp, relpath: str, text: str | None = None) -> str:
    """The record's file (or `text`): a link to it on the git host when `--base-url` is given."""
    shown = f"<code>{esc(relpath)}</code>" if text is None else esc(text)
    if not stamp.base_url:
        return shown
    target = f"{stamp.base_url.rstrip('/')}/{quote(relpath)}"
    return f'<a href="{esc(target)}">{shown}</a>'


def page(root: str, title: str, trail: Sequence[tuple[str, str]], body: str, stamp: Stamp) -> str:
    """A whole page: `root` is the way back to the site root ("" or "../")."""
    top, bottom = _shell(root, stamp)
    return (
        f"{top[0]}{esc(title)}{top[1]}{crumbs(root, trail)}<h1>{esc(title)}</h1>{body}</main>"
        f"{bottom}"
    )


def _shell(root: str, stamp: Stamp) -> tuple[tuple[str, str], str]:
    """What every page at the same depth shares: ((before its title, after it), the end)."""
    found = _SHELLS.get((root, stamp))
    if found is not None:
        return found
    before = (
        f'<!DOCTYPE html>\n<html lang="{current()}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>'
    )
    after = (
        f" · {esc(stamp.title)}</title>"
        f'<link rel="stylesheet" href="{root}assets/site.css">'
        f'<script src="{root}assets/search.js" defer></script></head>'
        f'<body data-root="{root}"><header class="site"><div class="bar">'
        f'<a class="home" href="{root}index.html">{esc(stamp.title)}</a>{_search()}</div>'
        f"{_nav(root)}</header><main>"
    )
    shell = ((before, after), f"{footer(stamp)}</body></html>\n")
    _SHELLS[root, stamp] = shell
    return shell
