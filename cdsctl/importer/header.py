"""The rules that read the header of a directive: type, number, issue date, issuer, title
and the documents it cites.

The header is the top of a document (Nghị định 30/2020, Art. 8): the issuing body above its
number (`Số: 128/TB-UBND`), the place-and-date line, the type line in capitals and the summary
(trích yếu) below it, or a công văn's `V/v …`; a copy from a portal gives them as fields
(`Số ký hiệu:`, `Ngày ban hành:`).  Rules match the key of the text (:func:`.when.key`) and
return the text as written; the other rules are in :mod:`.patterns`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema import DOC_TYPES
from ..schema.types import VI_LETTERS
from .mentions import head_at
from .when import DATED, PLACE_AND_DATE, dated, key, nfc

# -- document numbers and types ----------------------------------------------------------------

_PART = rf"[0-9{VI_LETTERS}&]+"
#: a number and symbol as printed (on the text, not the key): digits, an optional `/YYYY`,
#: then `/` or `-` and symbol parts that start with a capital: `128/TB-UBND`, `09-NQ/TU`,
#: `86549/UBND-NCKS`, `09/2019/NĐ-CP`, `411/QĐ-TTg`; never a date (`15/10/2021`) nor `4G/5G`
NUMBER = re.compile(rf"(?<![\w/-])[0-9]+(?:/[0-9]{{4}})?[/-](?=[A-ZĐ]){_PART}(?:[-/]{_PART})*")
#: the type names of a type line or a cited document (folded) → the record format's code
TYPE_NAMES = {
    "thong bao": "TB", "cong van": "CV", "ke hoach": "KH", "quyet dinh": "QĐ", "nghi quyet": "NQ",
    "chi thi": "CT", "ket luan": "KL", "chuong trinh": "CTr", "de an": "ĐA", "bien ban": "BB",
    "quy che": "QC", "bao cao": "BC",
}  # fmt: skip
#: type codes of Nghị định 30/2020 (Phụ lục III) that the record format has no code for
_OTHER_CODES = {"QYĐ", "TC", "HD", "PA", "DA", "TTR", "HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM",
                "GGT", "GNP", "PG", "PC", "PB", "NĐ", "TT", "L", "TTLT"}  # fmt: skip
_CODES = {code.upper(): code for code in DOC_TYPES}


def type_of_number(number: str) -> str | None:
    """The type code a number's symbol carries; a symbol without one is a công văn (CV).

    >>> [type_of_number(n) for n in ("128/TB-UBND", "09-NQ/TU", "86549/UBND-NCKS", "5/HD-BCĐ")]
    ['TB', 'NQ', 'CV', None]
    """
    code = re.split(r"[-/]", re.sub(r"^\d+(?:/\d{4})?[-/]", "", number))[0].upper()
    if code in _CODES:
        return _CODES[code]
    return None if code in _OTHER_CODES else "CV"


# -- the header --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """What the top of a directive says about it; each part None when not found."""

    type: str | None
    number: str | None
    issued: str | None
    issuer: str | None
    title: str | None
    references: tuple[str, ...]


#: a type line: the type name in capitals, alone or before the title (`THÔNG BÁO`, `KẾ HOẠCH`)
_TYPE_LINE = re.compile(r"^(" + "|".join(TYPE_NAMES) + r")\b")
#: the summary line of a công văn: `V/v triển khai …`
_VV = re.compile(r"^v/v\b[.:]?\s*")
#: `Số: 128/TB-UBND` at the start of a line or of a column (the number line of the header)
_NUMBER_LINE = re.compile(r"(?:^\s*|\t|\s{3})so\s*[:.]?\s*(?=\d)")
#: a first line that names the document: `Thông báo số 128/TB-UBND ngày …` (a web page's copy)
_NAMED_NUMBER = re.compile(r"^\s*(?:" + "|".join(TYPE_NAMES) + r")\s+so\s*:?\s*")
#: the national title, motto and party line, never the issuer
_MOTTO = re.compile(r"cong hoa xa hoi|doc lap\s*-|dang cong san viet nam|^[-_=*. ]*$")
#: where a title ends: a rule, the opening of the body, an item
_TITLE_END = re.compile(
    r"^(?:[-_=*.…\s]*$|can cu|ngay\s*\d|thuc hien|kinh gui|sang|chieu|vao|tren co so|de |nham"
    r"|so ky hieu|so hieu|ngay ban hanh|co quan ban hanh|nguoi ky"
    r"|hom nay|dieu\s+\d|\d+\.\s|[ivx]+\.\s)"
)
#: columns of a header copied from a table: a tab or three spaces
_COLUMNS = re.compile(r"\t|\s{3,}")


def _first_column(line: str) -> str:
    return _COLUMNS.split(line.strip())[0]


def _type_line(lines: list[str]) -> tuple[int, str] | None:
    """(index, code) of the first type line in capitals among the first 40 lines."""
    for index, line in enumerate(lines[:40]):
        column = _first_column(line)
        found = _TYPE_LINE.match(key(column))
        if found and column[: found.end()].isupper():
            return index, TYPE_NAMES[found.group(1)]
    return None


def _title_end(lines: list[str], start: int, more: bool = False) -> int:
    """The index after the title lines from `start` (up to 4): a line in capitals after the
    first (`more`: after some title already) is the signer's authority, not the title."""
    end = start
    while end < min(len(lines), start + 4):
        column = _first_column(lines[end])
        folded = key(column)
        if not column or _TITLE_END.match(folded) or PLACE_AND_DATE.search(folded):
            break
        if column.isupper() and (more or end > start):
            break
        end += 1
    return end


def _title(lines: list[str], start: int, first: str) -> str | None:
    """The title: `first` and the following lines, until a line that cannot be part of it."""
    parts = [first] if first else []
    parts += [_first_column(line) for line in lines[start : _title_end(lines, start, bool(first))]]
    return " ".join(" ".join(parts).split()) or None


def after_title(lines: list[str]) -> int:
    """The first line after the type line (or `V/v` line) and the title, else 0."""
    typed = _type_line(lines)
    at = typed[0] if typed else _vv_line(lines)
    return 0 if at is None else _title_end(lines, at + 1)


def _vv_line(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines[:40]) if _VV.match(key(line.strip()))), None)


#: the fields of a portal's copy: `Số ký hiệu: 45/TB-BCĐ`, `Ngày ban hành: 30-9-2022`,
#: `Cơ quan ban hành: Ban Chỉ đạo …`
_FIELD = re.compile(r"^\s*(?P<name>so ky hieu|so hieu|ngay ban hanh|co quan ban hanh)\s*:\s*")


def _fields(lines: list[str]) -> dict[str, str]:
    """The portal's fields among the first 15 lines, by folded name, values as written."""
    found = ((f, line) for line in lines[:15] if (f := _FIELD.match(key(line))))
    return {f.group("name"): line[f.end() :].strip() for f, line in found}


def _own_number(lines: list[str], head: int) -> str | None:
    """The directive's number: after `Số:` in the header, else after a first line's
    `Thông báo số`."""
    for line in lines[:head]:
        found = _NUMBER_LINE.search(key(line))
        if found and (number := NUMBER.match(line, found.end())):
            return number.group()
    for line in [line for line in lines[:12] if line.strip()][:3]:
        found = _NAMED_NUMBER.match(key(line))
        if found and (number := NUMBER.match(line, found.end())):
            return number.group()
    return None


def _issued(lines: list[str], head: int, own: str | None) -> str | None:
    """The issue date: the place-and-date line, else the first dated phrase of the head
    that does not follow a cited document's number."""
    for line in lines[: head + 4]:
        if (found := PLACE_AND_DATE.search(key(line))) and (day := dated(found)):
            return day
    for line in lines[:head]:
        for found in DATED.finditer(key(line)):
            cited = NUMBER.search(line[: found.start()].rstrip(" ,"))
            after = cited and line[: found.start()].rstrip(" ,").endswith(cited.group())
            if (not after or (cited and cited.group() == own)) and (day := dated(found)):
                return day
    return None


def _issuer(lines: list[str]) -> str | None:
    """The issuing body: the last body named in capitals at the top (a parent body above it
    is left out), its lines joined: `ỦY BAN NHÂN DÂN` + `TỈNH NAM ĐỊNH`."""
    bodies: list[list[str]] = []
    for line in lines:
        column = _first_column(line)
        folded = key(column)
        if _NUMBER_LINE.match(folded) or _TYPE_LINE.match(folded) or _VV.match(folded):
            break
        cut = _MOTTO.search(folded)
        column = column[: cut.start()].strip(" -_*") if cut else column
        if not column or not column.isupper():
            continue
        if head_at(column, key(column), 0) is not None or not bodies:
            bodies.append([])
        bodies[-1].append(column)
    return " ".join(bodies[-1]) if bodies else None


def read_header(text: str) -> Header:
    """The type, number, issue date, issuer, title and cited documents of a directive.

    >>> h = read_header('''ỦY BAN NHÂN DÂN
    ... TỈNH NAM ĐỊNH
    ... Số: 128/TB-UBND
    ... Nam Định, ngày 12 tháng 5 năm 2022
    ... THÔNG BÁO
    ... Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ban Chỉ đạo chuyển đổi số tỉnh
    ... Thực hiện Nghị quyết số 09-NQ/TU ngày 15/10/2021 và Quyết định số 411/QĐ-TTg…''')
    >>> h.type, h.number, h.issued, h.issuer
    ('TB', '128/TB-UBND', '2022-05-12', 'ỦY BAN NHÂN DÂN TỈNH NAM ĐỊNH')
    >>> h.title, h.references
    ('Kết luận của Chủ tịch UBND tỉnh tại cuộc họp Ban Chỉ đạo chuyển đổi số tỉnh', \
('09-NQ/TU', '411/QĐ-TTg'))
    >>> read_header("Số: 86549/UBND-NCKS\\nV/v đẩy mạnh dịch vụ công trực tuyến").title
    'đẩy mạnh dịch vụ công trực tuyến'
    """
    text = nfc(text)
    lines = text.splitlines()
    typed = _type_line(lines)
    vv = _vv_line(lines)
    head = typed[0] if typed else vv if vv is not None else min(len(lines), 12)
    fields = _fields(lines)
    written = fields.get("so ky hieu") or fields.get("so hieu") or ""
    number = m.group() if (m := NUMBER.match(written)) else _own_number(lines, head)
    code = typed[1] if typed else type_of_number(number) if number else "CV" if vv else None
    if typed:
        column = _first_column(lines[typed[0]])
        name = _TYPE_LINE.match(key(column))
        title = _title(lines, typed[0] + 1, column[name.end() :].strip() if name else "")
    elif vv is not None:
        line = _first_column(lines[vv])
        title = _title(lines, vv + 1, line[_VV.match(key(line)).end() :])  # type: ignore[union-attr]
    else:
        title = None
    cited = dict.fromkeys(m.group() for m in NUMBER.finditer(text) if m.group() != number)
    on = DATED.match(key("ngày " + fields.get("ngay ban hanh", "")))
    issued = (dated(on) if on else None) or _issued(lines, head, number)
    issuer = fields.get("co quan ban hanh") or _issuer(lines[:head])
    return Header(code, number, issued, issuer, title, tuple(cited))
