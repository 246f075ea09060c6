"""Which agency of the registry (`agencies.yaml`) a name in a directive means.

A directive names agencies as people write them: in full ("Sở Thông tin và Truyền thông
tỉnh Nam Định"), short ("Sở TT&TT"), by a declared alias, abbreviated ("VP UBND tỉnh",
"Sở KH&ĐT"), in capitals, without diacritics.  Each name is compared *loosely*
(:func:`loose`): the common abbreviations written out (:data:`ABBREVIATIONS`), diacritics,
case and punctuation aside, and "tỉnh …" at the end left out.  A name that matches no agency
is not guessed: :class:`Registry` says so, and proposes a registry entry for it
(:func:`proposal`), so a ministry or "các sở, ban, ngành" is never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..authoring.ids import ascii_id
from ..text import fold

#: abbreviations of Vietnamese administrative names → the words they stand for (folded);
#: each example is how a directive writes it
ABBREVIATIONS = {
    "tt&tt": "thong tin va truyen thong",  # Sở TT&TT
    "tt-tt": "thong tin va truyen thong",
    "kh&dt": "ke hoach va dau tu",  # Sở KH&ĐT
    "kh&cn": "khoa hoc va cong nghe",  # Sở KH&CN
    "khcn": "khoa hoc va cong nghe",
    "gd&dt": "giao duc va dao tao",  # Sở GD&ĐT
    "gddt": "giao duc va dao tao",
    "ldtb&xh": "lao dong thuong binh va xa hoi",  # Sở LĐTB&XH
    "tn&mt": "tai nguyen va moi truong",  # Sở TN&MT
    "nn&ptnt": "nong nghiep va phat trien nong thon",  # Sở NN&PTNT
    "nn&mt": "nong nghiep va moi truong",  # Sở NN&MT (2025)
    "vhtt&dl": "van hoa the thao va du lich",  # Sở VHTT&DL
    "vh,tt&dl": "van hoa the thao va du lich",
    "gtvt": "giao thong van tai",  # Sở GTVT
    "dt&tg": "dan toc va ton giao",  # Sở DT&TG
    "vp": "van phong",  # VP UBND tỉnh
    "ubnd": "uy ban nhan dan",  # UBND tỉnh
    "hdnd": "hoi dong nhan dan",
    "bcd": "ban chi dao",  # BCĐ CĐS tỉnh
    "cds": "chuyen doi so",
    "pvhcc": "phuc vu hanh chinh cong",  # Trung tâm PVHCC
    "chqs": "chi huy quan su",  # Bộ CHQS tỉnh
    "bchqs": "bo chi huy quan su",
    "ca": "cong an",
    "nhnn": "ngan hang nha nuoc",
}
_WORD = re.compile(r"[^\s,;()]+")
_PROVINCE_TAIL = re.compile(r"\s+(?:tinh|thanh pho)(?:\s+\S+){0,3}$")


def loose(name: str) -> str:
    """`name` for comparison: folded, abbreviations written out, punctuation gone, and a
    trailing "tỉnh …" (the province) dropped.

    >>> loose("Sở TT&TT tỉnh Nam Định")
    'so thong tin va truyen thong'
    >>> loose("VP UBND tỉnh")
    'van phong uy ban nhan dan'
    """
    words = [ABBREVIATIONS.get(w, w) for w in _WORD.findall(fold(name).replace("đ", "d"))]
    text = re.sub(r"[^a-z0-9& ]+", " ", " ".join(words))
    text = " ".join(text.replace("&", " va ").split())
    shorter = _PROVINCE_TAIL.sub("", text)
    return shorter or text


@dataclass(frozen=True)
class Match:
    """What a name resolved to: an agency id, or None with a proposed entry."""

    name: str  # as written in the directive
    id: str | None
    how: str  # "id", "name", "short", "alias", "none"


class Registry:
    """The agencies of a records root, by every name they are known by (loosely)."""

    def __init__(self, agencies: Iterable[tuple[str, str | None, str | None, Iterable[str]]]):
        self.ids: set[str] = set()
        self.by_name: dict[str, tuple[str, str]] = {}
        for agency_id, name, short, aliases in agencies:
            self.ids.add(agency_id)
            for how, text in (("name", name), ("short", short),
                              *(("alias", a) for a in aliases)):  # fmt: skip
                if text:
                    self.by_name.setdefault(loose(text), (agency_id, how))

    def match(self, name: str) -> Match:
        if name in self.ids:
            return Match(name, name, "id")
        found = self.by_name.get(loose(name))
        if found is None:
            return Match(name, None, "none")
        return Match(name, found[0], found[1])


def proposal(name: str, taken: Iterable[str]) -> dict[str, str]:
    """A registry entry for an agency the registry lacks: an id from its initials
    ("Bộ Thông tin và Truyền thông" → `BTTTT`), its name as written."""
    words = [w for w in fold(name).split() if w not in ("va", "cac", "&", "-")]
    base = ascii_id("".join(w[0] for w in words).upper()) or "CQ"
    known, found, n = set(taken), base, 1
    while found in known:
        n += 1
        found = f"{base}{n}"
    return {"id": found, "name": name}
