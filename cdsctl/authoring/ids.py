"""The ids and file paths of new records, by the record format's conventions (spec §3 and
docs/records.md): a directive `TB-128-2022` (type, number, year), its tasks `TB-128-2022.3`
(the next free item), a report `BC-STTTT-2022-06-12` (agency and date), a meeting
`HOP-2022-05-10`, an indicator named by its name (`ty-le-ho-so-truc-tuyen`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable

from ..text import fold

#: where each kind's files live: a folder per kind, a folder per year where records have dates
FOLDERS = {"directive": "directives", "task": "tasks", "report": "reports",
           "meeting": "meetings", "indicator": "indicators"}  # fmt: skip
_NOT_ID = re.compile(r"[^A-Za-z0-9._-]+")
_NUMBER = re.compile(r"^(\d+)(?:/\d{4})?[/-]")


def ascii_id(text: str) -> str:
    """`text` as id characters: diacritics dropped (Đ → D), anything else a `-`."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return _NOT_ID.sub("-", bare.replace("đ", "d").replace("Đ", "D")).strip("-._")


def directive_id(type_code: str, number: str | None, issued: str) -> str:
    """`TB-128-2022` for notice 128/TB-UBND issued in 2022; `KH-2022-05-20` without a number."""
    m = _NUMBER.match(number or "")
    if m is None:
        return f"{ascii_id(type_code)}-{issued}"
    return f"{ascii_id(type_code)}-{m.group(1)}-{issued[:4]}"


def next_item(items: Iterable[str | None]) -> str:
    """The next item number after the highest whole number among `items` (`1` if none)."""
    numbers = [int(i) for i in items if i is not None and i.isdigit()]
    return str(max(numbers, default=0) + 1)


def report_id(agency: str, day: str) -> str:
    return f"BC-{agency}-{day}"


def meeting_id(day: str, taken: Collection[str]) -> str:
    """`HOP-2022-05-10`, or `HOP-2022-05-10-2` when the committee met twice that day."""
    base = f"HOP-{day}"
    n = 1
    found = base
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    return found


def slug(name: str, most: int = 60) -> str:
    """`ty-le-ho-so-truc-tuyen` for "Tỷ lệ hồ sơ trực tuyến": lower case, ASCII, hyphens."""
    return ascii_id(fold(name)).lower()[:most].strip("-._") or "chi-tieu"


def unique(record_id: str, taken: Collection[str]) -> str:
    """`record_id`, or with `-2`, `-3`… until no record has it."""
    found, n = record_id, 1
    while found in taken or found.casefold() in taken:
        n += 1
        found = f"{record_id}-{n}"
    return found


def record_path(kind: str, record_id: str, day: str | None) -> str:
    """`tasks/2022/TB-128-2022.3.yaml`: the kind's folder, the year (if dated), the id."""
    year = f"{day[:4]}/" if day else ""
    return f"{FOLDERS[kind]}/{year}{record_id}.yaml"
