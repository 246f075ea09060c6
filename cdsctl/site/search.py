"""The site's search index: what the search box finds, written as a script (`search-index.js`)
that `assets/search.js` loads, so that searching works from `file://` with no request.

The browser folds the query as :func:`fold` folds text here (tests/test_site_search.py runs
both on the same strings) and keeps the entries whose :func:`haystack` holds every word.

The index is compact, since a site may have 100,000 entries: one array per entry,
`[kind, id, title]`, then `url` and `extra` only when needed.  `kind` is a number into the
`kinds` table, which also gives each kind's usual page, `prefix + id + suffix`; `url` is 0
when an entry's page is that one, else the page itself.  `extra` is a number into the
`extra` table, which holds each folded extra text once (many tasks share a lead agency).
The folded title and id are not stored: the browser folds them itself, once, on first use.

    window.cdsSearchIndex={"kinds":[["task","tasks/",".html"]],"extra":["so noi vu"],
    "entries":[[0,"TB-1.1","Báo cáo quý",0,0],[0,"TB-1.2","Kế hoạch"]]};
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

#: the variable the index script sets (assets/search.js reads it)
VARIABLE = "window.cdsSearchIndex"

# In a script, "</script" or "<!--" ends or confuses an inline one, and U+2028/U+2029 ended a
# string literal before ES2019; lone surrogates cannot be written as UTF-8.
_UNSAFE = re.compile("[<\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True)
class Entry:
    """One thing the search finds: its kind as the page's language names it (`nhiệm vụ`),
    its id, the title shown, its page relative to the site root (`tasks/TB128-01.html`) and
    more text it is found by (agency names, a directive's number)."""

    kind: str
    id: str
    title: str
    url: str
    extra: str = ""


def fold(text: str) -> str:
    """`text` for search without diacritics: no marks, đ → d, lower case, single spaces.

    The same as :func:`cdsctl.text.fold` for Vietnamese, but with `str.lower` where that has
    `casefold`: a browser has only `toLowerCase`, and the two must agree on every string
    (they differ on ß, ligatures and other letters no Vietnamese text holds).

    >>> fold("  Sở Nội   vụ ")
    'so noi vu'
    >>> fold("ĐẮK LẮK")
    'dak lak'
    """
    bare = unicodedata.normalize("NFD", text).translate(_MARKS)
    return " ".join(bare.replace("đ", "d").replace("Đ", "d").lower().split())


class _Marks(dict[int, "int | None"]):
    """What str.translate makes of each character: nothing for a combining mark (Unicode
    category M: what search.js's \\p{M} removes), itself for any other; each character's
    category looked up once (a call per character took 0.9 s of 105,000 entries)."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)).startswith("M") else code
        self[code] = kept
        return kept


_MARKS = _Marks()


def haystack(entry: Entry) -> str:
    """The text an entry is found by, as assets/search.js puts it together."""
    found = fold(f"{entry.title} {entry.id}")
    extra = fold(entry.extra)
    return f"{found} {extra}" if extra else found


def index_script(entries: Sequence[Entry]) -> str:
    """The text of `search-index.js`: the entries, in the order given (the order hits are
    shown in), as a compact structure assigned to `window.cdsSearchIndex`."""
    kinds = _kinds(entries)
    rank = {kind: i for i, (kind, _prefix, _suffix) in enumerate(kinds)}
    extras: dict[str, int] = {}
    rows = []
    for entry in entries:
        row: list[object] = [rank[entry.kind], entry.id, entry.title]
        _kind, prefix, suffix = kinds[rank[entry.kind]]
        url: object = 0 if entry.url == f"{prefix}{entry.id}{suffix}" else entry.url
        extra = fold(entry.extra)
        if extra:
            row += [url, extras.setdefault(extra, len(extras))]
        elif url != 0:
            row.append(url)
        rows.append(row)
    data = {"kinds": kinds, "extra": list(extras), "entries": rows}
    return f"{VARIABLE}={_json(data)};\n"


def _kinds(entries: Sequence[Entry]) -> list[list[str]]:
    """Each kind (in order of first appearance) with the prefix and suffix around the id that
    most of its entries' pages have (ties: the first in sorted order)."""
    shapes: dict[str, Counter[tuple[str, str]]] = {}
    for entry in entries:
        at = entry.url.find(entry.id) if entry.id else -1
        if at >= 0:
            shape = (entry.url[:at], entry.url[at + len(entry.id) :])
            shapes.setdefault(entry.kind, Counter())[shape] += 1
        else:
            shapes.setdefault(entry.kind, Counter())
    found = []
    for kind, counts in shapes.items():
        best = min(counts.items(), key=lambda item: (-item[1], item[0]))[0] if counts else ("", "")
        found.append([kind, *best])
    return found


def _json(data: object) -> str:
    """JSON that is safe as the text of a script: see :data:`_UNSAFE`."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
