"""Did-you-mean: the known names closest to one that names nothing.

A :class:`Suggester` holds every way a record may be named (an id; for an agency also its
name, short name and aliases; for a directive its number), each normalised by a `fold`
function (case-insensitive for ids, also diacritic-insensitive for names), and answers
with the ids whose names are nearest to a name that resolved to nothing: equal once
folded, else within a few typing mistakes (:func:`distance`).

Suggestions are looked for only for names that resolve to nothing, so none of this runs on
a clean records root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

#: at most this many suggestions are offered
MOST = 3
#: above this many names, only names one edit away are looked for (by generating them),
#: instead of measuring the distance to every name (~20 µs each)
BRUTE_FORCE_UP_TO = 5000


def distance(a: str, b: str, limit: int) -> int:
    """Edits from `a` to `b` — insert, delete or replace a character, or swap two neighbours
    (optimal string alignment) — or `limit + 1` as soon as it is sure to be more than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        row = [i]
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (char != other))
            if i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            row.append(cost)
        if min(row) > limit:
            return limit + 1
        before, previous = previous, row
    return min(previous[-1], limit + 1)


def tolerance(key: str) -> int:
    """How many typing mistakes a name of this length may hold and still be recognised."""
    if len(key) <= 2:
        return 0
    return 1 if len(key) <= 5 else 2


def one_edit_away(key: str, alphabet: str) -> set[str]:
    """Every string one edit (of :func:`distance`) away from `key`, over `alphabet`."""
    splits = [(key[:i], key[i:]) for i in range(len(key) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    out |= {a + c + b for a, b in splits for c in alphabet}
    return out


class Suggester:
    """Names (folded by `fold`) → the ids they stand for; the closest ids to a name."""

    def __init__(self, names: Iterable[tuple[str, str]], fold: Callable[[str], str]) -> None:
        self.fold = fold
        self.ids: dict[str, set[str]] = {}
        for name, record_id in names:
            self.ids.setdefault(fold(name), set()).add(record_id)
        self._alphabet: str | None = None
        self._pairs: dict[str, frozenset[str]] | None = None
        self._answers: dict[str, list[str]] = {}

    def closest(self, name: str) -> list[str]:
        """The ids named exactly `name` once folded, else those nearest within
        :func:`tolerance`; sorted, the first :data:`MOST`."""
        return self.nearest(name)[:MOST]

    def nearest(self, name: str) -> list[str]:
        """:meth:`closest`, all of them: more than :data:`MOST` equally near are no guess
        (`TB-128-2022.8` is one digit from each of the directive's other tasks)."""
        if name not in self._answers:
            self._answers[name] = sorted(self._closest(self.fold(name)))
        return self._answers[name]

    def _closest(self, key: str) -> set[str]:
        if key in self.ids:
            return self.ids[key]
        limit = tolerance(key)
        if limit == 0:
            return set()
        if len(self.ids) > BRUTE_FORCE_UP_TO:
            return self._one_edit_away(key)
        scored = [(distance(key, known, limit), known) for known in self._near(key, limit)]
        best = min((d for d, _ in scored), default=limit + 1)
        if best > limit:
            return set()
        return set().union(*(self.ids[known] for d, known in scored if d == best))

    def _near(self, key: str, limit: int) -> list[str]:
        """The names that may be within `limit` edits of `key`: an edit changes at most
        three of a name's pairs of neighbouring letters (a swap), so a name that differs
        from `key` in more than `3 × limit` of them is not (a set test in C, where the
        distance costs ~20 µs a name in Python)."""
        if self._pairs is None:
            self._pairs = {known: _pairs(known) for known in self.ids}
        size, pairs, slack = len(key), _pairs(key), 3 * limit
        return [known for known, theirs in self._pairs.items()
                if abs(len(known) - size) <= limit and len(pairs - theirs) <= slack
                and len(theirs - pairs) <= slack]  # fmt: skip

    def _one_edit_away(self, key: str) -> set[str]:
        if self._alphabet is None:
            self._alphabet = "".join(sorted(set().union(*map(set, self.ids))))
        near = one_edit_away(key, self._alphabet)
        return set().union(*(self.ids[k] for k in near if k in self.ids))

    def words(self, name: str, most: int | None = MOST) -> list[str]:
        """The ids one of whose names holds every word of `name` (folded), for a name
        written in part ("Sở Nội vụ" for "Sở Nội vụ tỉnh Hà Tĩnh"); sorted, the first
        `most` (None: all)."""
        wanted = set(self.fold(name).split())
        if len(wanted) < 2:
            return []
        found = {i for known, ids in self.ids.items() if wanted <= set(known.split()) for i in ids}
        return sorted(found)[:most]


def _pairs(text: str) -> frozenset[str]:
    """The pairs of neighbouring characters of `text`."""
    return frozenset(map(str.__add__, text, text[1:]))


def either(names: list[str]) -> str:
    """`A`, `A or B`, `A, B or C` (a :class:`cdsctl.i18n.Msg`: `hoặc` in Vietnamese)."""
    from ..i18n import Msg

    if len(names) == 1:
        return names[0]
    return Msg("{names} or {last}", names=", ".join(names[:-1]), last=names[-1])
