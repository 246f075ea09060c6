"""Vietnamese text: diacritic-insensitive search and dictionary (alphabetical) order.

:func:`fold` and :func:`matches` serve search: `so thong tin` finds `Sở Thông tin và Truyền
thông`. :func:`vn_sort_key` sorts names the way a Vietnamese reader expects: by the alphabet
:data:`ALPHABET` (so `D` before `Đ`, `a` before `ă` before `â`), with tones (:data:`TONES`) only
breaking ties between names that are spelt with the same letters.

Both work the same on NFC (precomposed) and NFD (decomposed) input.  :func:`one_line` keeps a
value on one line of output.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# The Vietnamese alphabet; f, j, w and z (foreign words only) follow y, in Latin order.
ALPHABET: tuple[str, ...] = tuple("aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz")

# Tone marks in the common dictionary order, which is the tie-break order between letters:
# no tone (ngang) < huyền < hỏi < ngã < sắc < nặng.  A letter without a tone has tone 0;
# a letter with TONES[i] has tone i + 1.
TONES: tuple[str, ...] = (
    "\u0300",  # huyền (grave): à
    "\u0309",  # hỏi (hook above): ả
    "\u0303",  # ngã (tilde): ã
    "\u0301",  # sắc (acute): á
    "\u0323",  # nặng (dot below): ạ
)

# Marks that make a letter of their own (ă â ê ô ơ ư), keyed by (base letter, mark).
_MODIFIED: dict[tuple[str, str], str] = {
    ("a", "\u0306"): "ă",  # breve
    ("a", "\u0302"): "â",  # circumflex
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",  # horn
    ("u", "\u031b"): "ư",
}
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
_TONE_RANK = {mark: rank for rank, mark in enumerate(TONES, start=1)}

# Primary-level classes: space < punctuation and symbols < digits < Vietnamese letters < others.
_SPACE, _OTHER, _DIGIT, _LETTER, _FOREIGN = range(5)

Weight = tuple[int, int]
SortKey = tuple[tuple[Weight, ...], tuple[int, ...], tuple[int, ...], str]


#: what ends a line for a terminal or for str.splitlines(): shown as ⏎ by :func:`one_line`
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
LINE_BREAK_SHOWN = "⏎"


def one_line(text: str) -> str:
    """`text` with each line break shown as ⏎, for output that is one row (or one problem)
    per line: a table cell, a diagnostic.

    >>> one_line("Báo cáo\\nquý I")
    'Báo cáo⏎quý I'
    """
    return _LINE_BREAK.sub(LINE_BREAK_SHOWN, text)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def fold(text: str) -> str:
    """`text` for diacritic-insensitive search: lower case, no marks, đ → d, single spaces.

    >>> fold("  Sở Thông tin   và Truyền thông ")
    'so thong tin va truyen thong'
    """
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not _is_mark(c))
    bare = bare.replace("đ", "d").replace("Đ", "d").casefold()
    return " ".join(bare.split())


def matches(query: str, *texts: str) -> bool:
    """Whether every word of `query` occurs (folded, as a substring) in one of `texts` joined.

    An empty query matches everything.

    >>> matches("so thong tin", "STTTT", "Sở Thông tin và Truyền thông")
    True
    """
    haystack = fold(" ".join(texts))
    return all(word in haystack for word in fold(query).split())


def _clusters(text: str) -> Iterator[tuple[str, str]]:
    """Each base character of the NFD form of `text` with the marks that follow it.

    Whitespace runs become one space and the ends are trimmed; a mark with no base before it
    is a cluster with an empty base.
    """
    decomposed = unicodedata.normalize("NFD", " ".join(text.split()))
    base, marks = "", ""
    for char in decomposed:
        if _is_mark(char):
            marks += char
            continue
        if base or marks:
            yield base, marks
        base, marks = char, ""
    if base or marks:
        yield base, marks


def _letter(base: str, marks: str) -> str:
    """The lower-case Vietnamese letter spelt by `base` and its letter-making mark, if any."""
    lower = "đ" if base in "đĐ" else base.lower()
    for mark in marks:
        modified = _MODIFIED.get((lower, mark))
        if modified:
            return modified
    return lower


def _primary(base: str, marks: str) -> Weight:
    """The weight of one cluster at the first (base-letter) level."""
    if not base:
        return (_OTHER, ord(marks[0]))
    if base.isspace():
        return (_SPACE, 0)
    if base.isdigit():
        return (_DIGIT, unicodedata.digit(base, ord(base)))
    letter = _letter(base, marks)
    if letter in _LETTER_RANK:
        return (_LETTER, _LETTER_RANK[letter])
    return (_FOREIGN if base.isalpha() else _OTHER, ord(letter[0]))


def _tone(marks: str) -> int:
    """The tone of a cluster (0 for none) at the second level: its first tone mark."""
    return next((_TONE_RANK[mark] for mark in marks if mark in _TONE_RANK), 0)


def vn_sort_key(text: str) -> SortKey:
    """A key that sorts `text` in Vietnamese dictionary order.

    A collation in levels, each compared over the whole string before the next is looked at:

    1. the base letters, case-insensitive, by :data:`ALPHABET` (`Ba Ria` < `Băc` < `Binh`),
       with space < punctuation < digits < letters, so `An Lão` < `Anh`;
    2. the tones, by :data:`TONES`: `a` < `à` < `ả` < `ã` < `á` < `ạ`;
    3. case, lower before upper;
    4. the NFC text itself, so that only equal texts have equal keys (a total order).

    Letters are compared one by one: digraphs such as `ch`, `nh`, `th` are not units.
    Digits compare one by one too (`10` < `9`).
    """
    clusters = list(_clusters(text))
    return (
        tuple(_primary(base, marks) for base, marks in clusters),
        tuple(_tone(marks) for _, marks in clusters),
        tuple(int(base != base.lower()) for base, _ in clusters),
        unicodedata.normalize("NFC", text),
    )
