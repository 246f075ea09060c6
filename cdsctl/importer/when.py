"""The rules that read dates in a directive: written dates, deadlines and recurring duties.

Every rule is a compiled regular expression matched against the *key* of the text
(:func:`key`: folded character by character, so it has the same length as the text and a
match in the key is a span of the text as written).  So `hằng`/`hàng`, `Quý`/`Quí`/`quy`,
`đ`/`d` and any case match alike, while what is returned is the text as written (NFC).
Pure functions: no I/O.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from ..text import fold


def nfc(text: str) -> str:
    """`text` in Unicode NFC (Vietnamese pasted from some editors is decomposed), without
    byte order marks."""
    return unicodedata.normalize("NFC", text).replace("\ufeff", "")


@cache
def _fold_char(char: str) -> str:
    if char.isspace():
        return " "
    folded = fold(char)
    return folded if len(folded) == 1 else char


def key(text: str) -> str:
    """`text` (NFC) folded one character at a time: the same length, so spans carry over.

    >>> key("Hằng Quý: Đ")
    'hang quy: d'
    """
    return "".join(_fold_char(c) for c in text)


# -- written dates -----------------------------------------------------------------------------

#: a day and month with an optional year, in the key: `20/5/2022`, `20-5-2022`, `20.5.2022`,
#: `20/5`, `20 tháng 5 năm 2022`, `20 tháng 5`; never the start of a longer number
DMY = (
    r"(?<![\d/.-])(?P<d>\d{1,2})(?:"
    r"\s*[/.-]\s*(?P<m>\d{1,2})(?:\s*[/.-]\s*(?P<y>\d{4}))?(?![\d/])"  # 20/5/2022, 20-5, 20.5
    r"|\s+thang\s+(?P<m2>\d{1,2})(?:\s*(?:,\s*)?(?:nam|/)\s*(?P<y2>\d{4}))?(?!\d)"  # tháng
    r")"
)
#: "ngày" and a date: `ngày 12/5/2022`, `Ngày 30-9-2022`, `ngày 12 tháng 5 năm 2022`
DATED = re.compile(r"\bngay\s*" + DMY)
#: the place-and-date line: `Nam Định, ngày 12 tháng 5 năm 2022` (a place, a comma, a date)
PLACE_AND_DATE = re.compile(r"\b[a-z][a-z ]{1,40},\s*ngay\s+" + DMY)


def iso(year: int, month: int, day: int) -> str | None:
    """The ISO text of a date, or None when there is no such day.

    >>> iso(2022, 5, 20), iso(2022, 2, 30)
    ('2022-05-20', None)
    """
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _year_after(issued: str | None, month: int, day: int) -> int | None:
    """The year of the first day `day`/`month` on or after `issued`, or None without it."""
    if issued is None:
        return None
    start = date.fromisoformat(issued)
    if (month, day) < (start.month, start.day):
        return start.year + 1
    return start.year


def dated(match: re.Match[str], issued: str | None = None) -> str | None:
    """The ISO date a :data:`DMY` match names; a date without a year is the next one from
    `issued` (None without `issued`, or when the day does not exist)."""
    day, month = int(match["d"]), int(match["m"] or match["m2"])
    year_text = match["y"] or match["y2"]  # (the groups of DMY)
    if year_text:
        return iso(int(year_text), month, day)
    if not 1 <= month <= 12:
        return None
    year = _year_after(issued, month, min(day, 28))
    return iso(year, month, day) if year else None


# -- deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase: its date (None when vague or its year unknown), the text as written."""

    due: str | None
    text: str
    vague: bool


#: a verb that may open a deadline phrase: `hoàn thành`, `xong`, `trình`, `gửi`
_VERB = r"(?:(?:hoan thanh(?: xong)?|thuc hien xong|xong|trinh|gui|nop)\s+)?"
#: what makes a date a deadline: `trước (ngày)`, `chậm nhất (là) (ngày)`, `hạn chót`,
#: `đến (hết) ngày`, `hoàn thành (vào) ngày`, `trong ngày`, `thời hạn: …`, `thời gian hoàn
#: thành: …` — a date after "Nghị quyết số 09-NQ/TU ngày" or in the place-and-date line is not,
#: nor the day of a recurring duty (`trước ngày 10/10 hằng năm`)
_BY_DATE = re.compile(
    r"\b" + _VERB + r"(?:truoc|cham nhat(?:\s+(?:la|vao|truoc|den))?|han chot(?:\s+la)?"
    r"|den het|den|(?:hoan thanh|xong)(?:\s+vao)?(?=\s+ngay)|trong(?=\s+ngay)"
    r"|thoi (?:han|gian)[^:.;]{0,30}:\s*(?:truoc)?)\s*(?:ngay\s*)?"
    + DMY
    + r"(?!\s*(?:cua\s+)?(?:hang|moi)\s+(?:thang|qu[yi]|nam))"  # not `ngày 10/10 hằng năm`
)
#: a period that ends a task: `tháng 6/2022`, `tháng 6 năm 2022`, `quý III/2022`, `quý 3 năm
#: 2022`, `Quí IV`, `6 tháng đầu năm 2022`, `6 tháng cuối năm 2022`, `năm 2022`
PERIOD = (
    r"(?:(?:6|sau) thang (?P<half>dau|cuoi) nam(?:\s+(?P<hy>\d{4}))?"
    r"|thang\s+(?P<pm>\d{1,2})(?:\s*(?:/|nam)\s*(?P<py>\d{4}))?(?![\d/])"
    r"|qu[yi]\s+(?P<q>iv|iii|ii|i|[1-4])\b(?:\s*(?:/|nam)\s*(?P<qy>\d{4}))?"
    r"|nam\s+(?P<yy>\d{4}))(?!\d)"
)
#: a period with a marker that makes it a deadline: `trong tháng 6/2022`, `hoàn thành trong quý
#: III/2022`, `xong trong năm 2022`, `trước hết quý II`, `(Quý III/2022)`, `Thời gian: năm 2022`
_BY_PERIOD = re.compile(
    r"(?:\b" + _VERB + r"(?:trong|trong vong|truoc het|cuoi|den het|het)\s*"
    r"|\b(?:hoan thanh|xong)\s+|\bthoi (?:han|gian)[^:.;]{0,30}:\s*|(?P<open>\()\s*)"
    + PERIOD
    + r"(?(open)\s*\))"
)
#: the whole text is one date or period (a table cell): `20/5/2022`, `Quý III/2022`
_ALONE = re.compile(r"^\s*(?:ngay\s*)?(?:" + DMY + "|" + PERIOD + r")\s*[.;)]?\s*$")
#: no date, only haste: `trong thời gian sớm nhất`, `sớm`, `kịp thời`, `thường xuyên`,
#: `khẩn trương`, `liên tục`, `ngay`
_VAGUE = re.compile(
    r"\b(?:(?:hoan thanh|thuc hien|trien khai)\s+)?(?:trong thoi gian som nhat|som nhat(?: co the)?"
    r"|cang som cang tot|som|kip thoi|thuong xuyen|lien tuc|khan truong|ngay lap tuc)\b"
)

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _last_day(year: int, month: int) -> str:
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def _period_end(match: re.Match[str], issued: str | None) -> str | None:
    """The last day of the period a :data:`PERIOD` match names (a year from `issued`)."""
    year_text = _group(match, "hy", "py", "qy", "yy")
    year = int(year_text) if year_text else int(issued[:4]) if issued else None
    if year is None:
        return None
    if match["half"]:
        return _last_day(year, 6 if match["half"] == "dau" else 12)
    if match["pm"]:
        month = int(match["pm"])
        return _last_day(year, month) if 1 <= month <= 12 else None
    if match["q"]:
        quarter = _ROMAN.get(match["q"]) or int(match["q"])
        return _last_day(year, quarter * 3)
    return _last_day(year, 12)


def _group(match: re.Match[str], *names: str) -> str | None:
    """The first of the groups `names` that `match` has and took part."""
    found = match.groupdict()
    return next((found[n] for n in names if found.get(n) is not None), None)


def _resolve(match: re.Match[str], issued: str | None) -> str | None:
    """The ISO date a date or period match means, or None."""
    return dated(match, issued) if _group(match, "d") else _period_end(match, issued)


def deadline(text: str, issued: str | None = None) -> Deadline | None:
    """The first deadline phrase of `text`, or None.

    A date or period after a deadline marker (`trước`, `chậm nhất`, `trong`, `hoàn thành`…);
    a period means its last day; a date without a year is the next such date from `issued`
    (without `issued`: `due` None).  Only when no dated phrase is found does a vague one count.

    >>> deadline("Sở TT&TT hoàn thành trước ngày 20/5/2022.")
    Deadline(due='2022-05-20', text='hoàn thành trước ngày 20/5/2022', vague=False)
    >>> deadline("xong trước ngày 20 tháng 5 năm 2022").due
    '2022-05-20'
    >>> deadline("chậm nhất ngày 15/7/2022").due, deadline("trước 30/9/2022").due
    ('2022-07-15', '2022-09-30')
    >>> deadline("trong tháng 6/2022").due, deadline("trong quý III/2022").due
    ('2022-06-30', '2022-09-30')
    >>> deadline("6 tháng đầu năm 2022").due, deadline("hoàn thành trong năm 2022").due
    ('2022-06-30', '2022-12-31')
    >>> deadline("trước ngày 20/5", issued="2022-05-12").due
    '2022-05-20'
    >>> deadline("Đề nghị các đơn vị triển khai kịp thời")
    Deadline(due=None, text='triển khai kịp thời', vague=True)
    >>> deadline("thực hiện Nghị quyết số 09-NQ/TU ngày 15/10/2021") is None
    True
    """
    text = nfc(text)
    folded = key(text)
    found = [m for rule in (_BY_DATE, _BY_PERIOD, _ALONE) for m in rule.finditer(folded)]
    for match in sorted(found, key=lambda m: m.start()):
        due = _resolve(match, issued)
        if due or not _group(match, "y", "y2", "hy", "py", "qy", "yy"):
            return Deadline(due, text[match.start() : match.end()].strip(), vague=False)
    if vague := _VAGUE.search(folded):
        return Deadline(None, text[vague.start() : vague.end()], vague=True)
    return None


# -- recurring duties --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recurrence:
    """A recurring duty (spec: `every`, `due_day`, `due_month`) and the phrase as written."""

    every: str
    due_day: int | None
    due_month: int | None
    text: str


#: "every": `hằng`, `hàng`, `mỗi`, with an optional `định kỳ` before it
_EACH = r"(?:dinh ky\s+)?(?:hang|moi)\s+"
#: the period words of each `every`: `(định kỳ) hằng/hàng/mỗi tháng`, `hằng quý`, `định kỳ 6
#: tháng`, `6 tháng một lần`, `6 tháng/lần`, `hằng năm`; `6 tháng đầu năm` is a deadline
_EVERY = (
    ("half-yearly", re.compile(
        r"\bdinh ky\s+(?:(?:6|sau) thang|nua nam)\b(?!\s+(?:dau|cuoi))"
        r"|\b(?:6|sau) thang\s*(?:(?:mot|1) lan|/\s*lan)|\b(?:hang|moi)\s+(?:6|sau) thang\b")),
    ("monthly", re.compile(r"\b" + _EACH + r"thang\b")),
    ("quarterly", re.compile(r"\b" + _EACH + r"qu[yi]\b|\bdinh ky\s+qu[yi]\b")),
    ("yearly", re.compile(r"\b" + _EACH + r"nam\b|\bdinh ky\s+nam\b")),
)  # fmt: skip
#: the due day of each period: `(trước) ngày 20 hằng tháng`, `ngày 15 của tháng cuối quý`,
#: `ngày 10/10 hằng năm`, `ngày 10-10 hàng năm`, `ngày 10 tháng 10 hằng năm`, `ngày 15/6` (half)
_DAY = r"\bngay\s+(?P<d>\d{1,2})"
_DUE = {
    "monthly": re.compile(_DAY + r"(?:\s+(?:cua\s+)?(?:hang|moi)\s+thang\b|(?![\d/.-]|\s*thang))"),
    "quarterly": re.compile(
        _DAY + r"\s+(?:cua\s+)?(?:(?:hang|moi)\s+qu[yi]|thang (?P<at>cuoi|dau)(?:\s+(?:cua\s+)?"
        r"(?:moi\s+|hang\s+)?qu[yi]))"
    ),
    "half-yearly": re.compile(_DAY + r"\s*[/-]\s*(?P<m>\d{1,2})(?!\s*[/-]?\s*\d)"),
    "yearly": re.compile(
        _DAY + r"(?:\s*[/-]\s*|\s+thang\s+)(?P<m>\d{1,2})(?!\s*(?:[/-]|nam|,)?\s*\d)"
    ),
}
#: a yearly duty in a month: `trong tháng 12 hằng năm`
_YEARLY_MONTH = re.compile(r"\bthang\s+(?P<m>\d{1,2})\s+(?:hang|moi)\s+nam\b")


def _due(every: str, folded: str) -> tuple[int | None, int | None, re.Match[str] | None]:
    """(due_day, due_month, the match) for a duty of `every` in the key `folded`."""
    match = _DUE[every].search(folded)
    if match is None:
        within = _YEARLY_MONTH.search(folded) if every == "yearly" else None
        return (None, int(within["m"]), within) if within else (None, None, None)
    day = int(match["d"])
    if every == "quarterly":
        return day, 1 if match["at"] == "dau" else None, match
    if every in ("yearly", "half-yearly"):
        month = int(match["m"])
        return day, (month if every == "yearly" else (month - 1) % 6 + 1), match
    return day, None, match


def recurrence(text: str) -> Recurrence | None:
    """The first recurring duty of `text`, with its due day and month when written.

    >>> recurrence("Báo cáo định kỳ hằng tháng")
    Recurrence(every='monthly', due_day=None, due_month=None, text='định kỳ hằng tháng')
    >>> recurrence("báo cáo trước ngày 20 hằng tháng")
    Recurrence(every='monthly', due_day=20, due_month=None, text='trước ngày 20 hằng tháng')
    >>> [recurrence(t).every for t in ("hàng quý", "6 tháng một lần", "hằng năm")]
    ['quarterly', 'half-yearly', 'yearly']
    >>> recurrence("ngày 10-10 hàng năm")
    Recurrence(every='yearly', due_day=10, due_month=10, text='ngày 10-10 hàng năm')
    >>> recurrence("báo cáo định kỳ hằng quý (trước ngày 15 của tháng cuối quý)")
    Recurrence(every='quarterly', due_day=15, due_month=None, text='định kỳ hằng quý (trước \
ngày 15 của tháng cuối quý)')
    >>> recurrence("6 tháng đầu năm 2022") is None
    True
    """
    text = nfc(text)
    folded = key(text)
    found = [(m.start(), every, m) for every, rule in _EVERY if (m := rule.search(folded))]
    if not found:
        return None
    _, every, match = min(found, key=lambda f: f[0])
    day, month, at = _due(every, folded)
    start, end = match.start(), match.end()
    if at is not None:
        before = folded.rfind("truoc", 0, at.start())
        lead = before if before >= 0 and at.start() - before <= 8 else at.start()
        if at.start() <= match.start() < at.end():  # `trước ngày 20 hằng tháng`
            start, end = lead, at.end()
        elif min(abs(at.start() - end), abs(start - at.end())) <= 12:  # `hằng quý (trước …)`
            start, end = min(start, lead), max(end, at.end())
    return Recurrence(every, day, month, _balanced(text, start, end))


def _balanced(text: str, start: int, end: int) -> str:
    """`text[start:end]`, up to the `)` that closes a `(` it opens (within 30 characters)."""
    if text.count("(", start, end) > text.count(")", start, end):
        close = text.find(")", end, end + 30)
        end = close + 1 if close >= 0 else end
    return text[start:end]
