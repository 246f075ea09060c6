"""The rules that read the text of a directive: its header, its items, who is assigned what.

A documented set of rules, not a model: each is a compiled regular expression or a small
function, with examples in its docstring that tests/test_import_patterns*.py check.  Rules
match the *key* of the text (:func:`.when.key`: folded, same length), so `Sở`/`SỞ`/`So`,
`đ`/`d` and `Quý`/`Quí` match alike, and what they return is the text as written (NFC).
Agency names are returned as mentions; which registry entry they mean is :mod:`.agencies`'
job, and where a mention ends is :mod:`.mentions`'.  The rules for the header are in
:mod:`.header`, those for dates, deadlines and recurring duties in :mod:`.when`; this module
gives all of them (:data:`__all__`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .header import TYPE_NAMES, Header, after_title, read_header
from .header import type_of_number as type_of_number
from .mentions import HEAD_WORDS as HEAD_WORDS
from .mentions import VERB, VERBS, ReportDuty, mention, mentions, report_duty
from .when import Deadline, Recurrence, deadline, key, nfc
from .when import recurrence as recurrence

__all__ = [
    "HEAD_WORDS",
    "VERBS",
    "Assignment",
    "Deadline",
    "Header",
    "Item",
    "Recurrence",
    "ReportDuty",
    "assignments",
    "deadline",
    "group_of",
    "read_header",
    "recurrence",
    "report_duty",
    "split_items",
    "type_of_number",
]  # fmt: skip

# -- items -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A numbered (or the one unnumbered) part of the operative text."""

    label: str
    text: str
    line: int


#: the lead-in that opens the operative part: `… kết luận và chỉ đạo như sau:`, `… yêu cầu …
#: như sau:`, `… giao nhiệm vụ cụ thể như sau:`, `… yêu cầu … các nhiệm vụ sau:`, `… Chủ tịch
#: UBND tỉnh yêu cầu:`; else any line
#: ending `như sau:`, or `Điều 1.`
_LEAD_IN = re.compile(
    r"\b(?:ket luan|chi dao|yeu cau|giao|de nghi|trien khai|thuc hien|thong bao)\b"
    r"(?:.*\b(?:nhu sau|sau|cu the)\s*:?|\s*:)\s*$"
)
_ANY_LEAD_IN = re.compile(r"\bnhu sau\s*:\s*$")
_ARTICLE_ONE = re.compile(r"^\s*dieu\s+1\s*[.:]")
#: `Kính gửi:` and its list of addressees, before a letter's body
_DEAR = re.compile(r"^\s*kinh gui\b")
#: the closing block: `Nơi nhận:`, `TL. CHỦ TỊCH`, `KT. CHỦ TỊCH`, `TM. ỦY BAN NHÂN DÂN`,
#: `Trên đây là …`, `… thông báo để các cơ quan, đơn vị biết, thực hiện`
_CLOSING = re.compile(
    r"^\s*(?:noi nhan\b|(?:tl|kt|tm|tuq|q)\.\s*\S|tren day la\b)"
    r"|\bthong bao (?:de|cho)\b.*\b(?:biet|thuc hien)\b"
)
#: the last line of the body ends `./.` or `/.` (the `/.` is left out, the full stop kept)
_LAST = re.compile(r"/\.\s*$")
#: an item's label at the start of a line: `Điều 2.`, `II.`, `1.`, `1.2.`, `3)`, `a)`, `b.`,
#: a `-`, `–`, `•` bullet, a `+` bullet (under a `-`)
_LABEL = re.compile(
    r"^\s*(?:dieu\s+(?P<article>\d+)\s*[.:]\s*|(?P<roman>[ivx]+)\.\s+"
    r"|(?P<num>\d{1,2}(?:\.\d{1,2})*)(?:[.)]\s+|(?<=\d\.\d)\s+|(?<=\d\.\d\d)\s+)"
    r"|(?P<letter>[a-z])[).]\s+|(?P<dash>[-–•*])\s*|(?P<plus>\+)\s*)"
)
_LEVEL = {"roman": 0, "article": 0, "num": 1, "letter": 2, "dash": 3, "plus": 4}


def _operative(lines: list[str]) -> tuple[int, int]:
    """The line range (start, end) of the operative part, between lead-in and closing."""
    folded = [key(line) for line in lines]
    start = next((i + 1 for i, f in enumerate(folded) if _LEAD_IN.search(f)), None)
    start = start or next((i + 1 for i, f in enumerate(folded) if _ANY_LEAD_IN.search(f)), None)
    start = start or next((i for i, f in enumerate(folded) if _ARTICLE_ONE.match(f)), None)
    if start is None:
        dear = next((i for i, f in enumerate(folded) if _DEAR.match(f)), None)
        start = after_title(lines) if dear is None else dear + 1
        while dear is not None and start < len(lines) and _is_addressee(lines[start]):
            start += 1
    end = next((i for i in range(start, len(lines)) if _CLOSING.search(folded[i])), len(lines))
    last = next((i for i in range(start, end) if _LAST.search(lines[i])), None)
    return start, end if last is None else last + 1


def _is_addressee(line: str) -> bool:
    """A line of the `Kính gửi:` list: a bullet, or a name ending `;` or `.`"""
    stripped = line.strip()
    return not stripped or stripped[0] in "-+•" or stripped[-1] in ";,"


def _label(match: re.Match[str], text: str) -> tuple[str, int] | None:
    """(kind, level) of a label match; None when it is not one (`A.` in capitals, `i.` …)."""
    kind = next(k for k in _LEVEL if match.group(k) is not None)
    mark = text[match.start(kind) : match.end(kind)]
    if (kind == "roman" and not mark.isupper()) or (kind == "letter" and not mark.islower()):
        return None
    return kind, _LEVEL[kind]


def _names_only(body: str) -> bool:
    """A bullet that is only an agency's name (`- Sở Tài chính;`): a continuation."""
    stripped = body.strip().rstrip(";,.")
    span = mention(stripped, key(stripped), 0)
    return span is not None and span == (0, len(stripped))


def split_items(text: str) -> list[Item]:
    """The items of the operative part of a directive, in order.

    The part starts after the lead-in (:data:`_LEAD_IN`) or at `Điều 1.`, and ends before the
    closing block (:data:`_CLOSING`) or with the line ending `./.`.  Labels: a section `1.` is
    `"1"` (`1.2.` is `"1.2"`), a Roman section `II.` is `"II"` and its numbered items `"1"`,
    or `"II.1"` when the numbering restarts in each section (:func:`_labels`); `Điều 2.` is
    `"2"` and its numbered items `"2.1"`; `a)` under item 2 is `"2.a"`; each `-` bullet is
    numbered under its parent (`"2.a.1"`, `"2.a.2"`), `+` bullets one level below.  A bullet
    that is only an agency's name (`- Sở Tài chính;`) stays in its parent.  Text before the
    first label (all of a prose letter) is one item labelled `""`, and so is a closing
    paragraph after the last item (:func:`_closing_paragraph`).  The sections of a plan that
    assign nothing (:data:`_NOT_OPERATIVE`) are left out.

    >>> [(i.label, i.text) for i in split_items('''Chủ tịch kết luận và chỉ đạo như sau:
    ... 1. Sở TT&TT chủ trì triển khai.
    ... 2. Giao các đơn vị:
    ... a) Sở Nội vụ rà soát
    ... quy chế.
    ... - Công an tỉnh bảo đảm an ninh mạng.
    ... Nơi nhận:
    ... - Như trên;''')]
    [('1', 'Sở TT&TT chủ trì triển khai.'), ('2', 'Giao các đơn vị:'), ('2.a', 'Sở Nội vụ \
rà soát quy chế.'), ('2.a.1', 'Công an tỉnh bảo đảm an ninh mạng.')]
    """
    lines = nfc(text).splitlines()
    raw = _closing_paragraph(_raw_items(lines, *_operative(lines)))
    kept = _operative_sections(raw)
    labels = _labels([path for path, _, _ in kept])
    return [Item(label, " ".join(" ".join(parts).split()), line)
            for label, (_, parts, line) in zip(labels, kept, strict=True)]  # fmt: skip


#: a raw item: the path of its label ((level, kind, mark) from the section down), its lines
#: and where it starts
_Raw = tuple[tuple[tuple[int, str, str], ...], list[str], int]


def _raw_items(lines: list[str], start: int, end: int) -> list[_Raw]:
    """The items of lines `start`…`end`, each with the path of its label."""
    items: list[_Raw] = []
    path: tuple[tuple[int, str, str], ...] = ()
    count: dict[tuple[tuple[int, str, str], ...], int] = {}
    for index in range(start, end):
        line = _LAST.sub("", lines[index]) if index == end - 1 else lines[index]
        found = _LABEL.match(key(line))
        kind = _label(found, line) if found else None
        body = line[found.end() :] if found and kind else line
        if found is None or kind is None or (kind[1] >= 3 and items and _names_only(body)):
            if items or body.strip():
                items = items or [((), [], index + 1)]
                items[-1][1].append(line.strip())
            continue
        name, level = kind
        path = tuple(p for p in path if p[0] < level)
        count[path] = count.get(path, 0) + 1 if level >= 3 else 0
        mark = str(count[path]) if level >= 3 else line[found.start(name) : found.end(name)]
        path = (*path, (level, name, mark))
        items.append((path, [body.strip()], index + 1))
    return items


def _closing_paragraph(items: list[_Raw]) -> list[_Raw]:
    """The last item without the paragraph after it: a line after a sentence's end that starts
    with a capital is the closing paragraph, an item labelled `""` of its own."""
    if not items or not items[-1][0]:
        return items
    path, parts, line = items[-1]
    for i in range(1, len(parts)):
        before = next((p for p in reversed(parts[:i]) if p), "")
        if parts[i][:1].isupper() and before.endswith((".", ";")):
            return [*items[:-1], (path, parts[:i], line), ((), parts[i:], line + i)]
    return items


#: the sections of a plan that assign nothing: purposes and requirements, targets, funding,
#: the assessment of the past (`I. MỤC ĐÍCH, YÊU CẦU`, `II. CHỈ TIÊU`, `IV. KINH PHÍ`)
_NOT_OPERATIVE = re.compile(
    r"^(?:muc (?:dich|tieu)|yeu cau|(?:cac )?chi tieu|kinh phi|danh gia|ket qua|tinh hinh|can cu)"
)


def _operative_sections(items: list[_Raw]) -> list[_Raw]:
    """`items` without the Roman sections that assign nothing (:data:`_NOT_OPERATIVE`)."""
    dropped = {path[0] for path, parts, _ in items
               if len(path) == 1 and path[0][1] == "roman"
               and _NOT_OPERATIVE.match(key(" ".join(parts)))}  # fmt: skip
    return [item for item in items if not (item[0] and item[0][0] in dropped)]


def _labels(paths: list[tuple[tuple[int, str, str], ...]]) -> list[str]:
    """The labels of the paths: their marks joined by `.`; a Roman section's mark is left out
    of its items' labels when they stay unique without it (numbering that does not restart)."""
    full = [".".join(mark for _, _, mark in path) for path in paths]
    short = [".".join(m for _, k, m in path if k != "roman" or len(path) == 1) for path in paths]
    return short if len(set(short)) == len(short) else full


# -- assignments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """One assignment: the lead and supporting agencies as written, and what is to be done."""

    lead: str | None
    support: tuple[str, ...]
    text: str
    continued: bool


#: words that open a sentence without being its subject: `Đồng thời,`, `Ngoài ra,`, `Trong đó,`
_CONNECTIVE = re.compile(
    r"(?:(?:dong thoi|ngoai ra|ben canh do|trong do|mat khac|sau do|tiep theo|theo do|vi vay"
    r"|do do|cu the|truoc mat)\s*,?\s*)*"
)
#: what gives a task to the agency after it: `Giao (cho)`, `Giao nhiệm vụ cho`, `Yêu cầu`,
#: `Đề nghị` (after an authority: `UBND tỉnh giao`, `Chủ tịch UBND tỉnh yêu cầu`)
_TRIGGER = re.compile(
    r"\s*(?:giao(?:\s+(?:nhiem vu|trach nhiem))?(?:\s+cho)?|yeu cau|de nghi)\b\s*:?\s*"
)
#: a trigger later in a sentence, after a comma: `Về hạ tầng số, giao Sở TT&TT …`
_LATE_TRIGGER = re.compile(
    r"[,:]\s*(?:(?:chu tich\s+)?(?:ubnd|uy ban nhan dan) tinh|ban chi dao|chu tich)?"
    + _TRIGGER.pattern
)
#: what may follow the subject of an assignment: a verb (after `thường xuyên`, `tích cực`…),
#: `được`, `cần`, `phải`, `là`, `:`, `(chủ trì)`
_ACTION = re.compile(
    r"\s*(?::|,?\s*\(?\s*(?:(?:thuong xuyen|tich cuc|quyet liet|som)\s+)?(?:"
    + VERB.pattern
    + r"|(?:duoc|can|phai|la|co nhiem vu)\b))"
)
#: the chair who concludes is no subject of a task: `Chủ tịch UBND tỉnh đánh giá cao …`
_CHAIR = re.compile(r"(?:pho\s+)?(?:chu tich (?:ubnd|uy ban nhan dan) tinh|truong ban chi dao)\b")
#: the supporting agencies: `phối hợp (chặt chẽ) với …`, `với sự phối hợp của …`
_SUPPORT = re.compile(r"\bphoi hop(?:\s+chat che)?(?:\s+(?:voi|cua))?\s+")
#: a sentence that belongs to the assignment before it: `Thời gian hoàn thành: …`,
#: `Hoàn thành trước …`, `Báo cáo kết quả …`, `Tiến độ: …`, `Định kỳ …`, `Hằng quý …`
_ATTACH = re.compile(
    r"\(?\s*(?:thoi (?:gian|han)|tien do|(?:hoan thanh|xong)\s+(?:truoc|trong|cham nhat|ngay)"
    r"|bao cao\b|dinh ky\b|(?:hang|moi)\s+(?:thang|qu[yi]|nam)\b)"
)
#: abbreviations whose full stop does not end a sentence: `TP. Nam Định`, `KT. Chủ tịch`
_ABBREVIATION = re.compile(r"(?:\b(?:tp|tx|kt|tl|tm|tuq|ths|ts|pgs|gs|ong|ba)|\b\w)\.$")


def _heading(text: str) -> int:
    """Where a heading in capitals opening an item ends (`TỔ CHỨC THỰC HIỆN Các đơn vị …`):
    two words or more in capitals; 0 without one."""
    words = list(re.finditer(r"\S+", text))
    count = next((i for i, w in enumerate(words) if not w.group().isupper()), len(words))
    return words[count - 1].end() if count >= 2 else 0


def _sentences(text: str, folded: str) -> list[tuple[int, int]]:
    """The spans of the sentences and `;` clauses of `text` (none split inside brackets)."""
    spans, start, depth = [], _heading(text), 0
    for i, char in enumerate(text[start:], start):
        depth = depth + 1 if char in "([" else max(0, depth - 1) if char in ")]" else depth
        rest = text[i + 1 : i + 4].lstrip() if char in ".!?" else ""
        ends = char in ".!?" and (i + 1 == len(text) or rest[:1].isupper())
        ends = ends and not _ABBREVIATION.search(folded[max(0, i - 6) : i + 1])
        if depth == 0 and (char == ";" or ends):
            spans.append((start, i + 1))
            start = i + 1
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip(" .;") and a < b]


#: sentences that set the scene, not a task: `Thực hiện Nghị quyết số …`, `Căn cứ …`,
#: `Ban hành kèm theo Quyết định này …`, `Quyết định này có hiệu lực …`
_CONTEXT = re.compile(
    r"(?:(?:de\s+)?(?:thuc hien|can cu|trien khai|tren co so)\s+(?:" + "|".join(TYPE_NAMES)
    + r")|ban hanh kem theo|(?:quyet dinh|chi thi) nay co hieu luc)\b"
)  # fmt: skip
#: the closing formula, no task: `… nghiêm túc thực hiện Chỉ thị này`, `… chịu trách nhiệm thi
#: hành Quyết định này`, `… nghiêm túc triển khai thực hiện`
_FORMULA = re.compile(
    r"(?:(?:nghiem tuc|khan truong|chiu trach nhiem)\s+)?(?:trien khai\s+)?(?:thuc hien|thi hanh)"
    r"(?:\s+nghiem)?\s*(?:(?:" + "|".join(TYPE_NAMES) + r") nay)?\s*[./]*$"
)  # fmt: skip


def _clause(text: str, folded: str) -> tuple[str, list[str], int] | None:
    """How a sentence assigns: ("subject" | "trigger" | "continued" | "attach", the mentions
    that lead and support, where they end); None when it assigns nothing (also a sentence that
    sets the scene, :data:`_CONTEXT`, or a closing formula, :data:`_FORMULA`)."""
    pos = _CONNECTIVE.match(folded).end()  # type: ignore[union-attr]
    if _CONTEXT.match(folded, pos) and not _LATE_TRIGGER.search(folded, pos):
        return None
    found = _assigning(text, folded, pos)
    if found and found[1] and _FORMULA.match(folded, _skip_to_verb(folded, found[2])):
        return None
    return found


def _skip_to_verb(folded: str, pos: int) -> int:
    return len(folded) - len(folded[pos:].lstrip(" ,:"))


def _assigning(text: str, folded: str, pos: int) -> tuple[str, list[str], int] | None:
    """The kinds of :func:`_clause`, in order: subject, `Giao`/`Yêu cầu`/`Đề nghị`, a late
    trigger, a sentence about time or report, a verb without subject."""
    pos = _topic_end(text, folded, pos)
    subject, after = mentions(text, folded, pos)
    if subject and (inner := _bracketed(text, folded, after)):
        subject, after = inner[0] + subject[1:], inner[1]
    if subject and (trigger := _TRIGGER.match(folded, after)):
        named, end = mentions(text, folded, trigger.end())
        return ("trigger", named, end) if named else None
    if subject and not _CHAIR.match(folded, pos):
        return ("subject", subject, after) if _ACTION.match(folded, after) else None
    if trigger := _TRIGGER.match(folded, pos):
        named, end = mentions(text, folded, trigger.end())
        if named:
            return "trigger", named, end
        pos = trigger.end()
    late = _LATE_TRIGGER.search(folded, pos)
    named, end = mentions(text, folded, late.end()) if late else ([], 0)
    if named:
        return "trigger", named, end
    if _ATTACH.match(folded, pos):
        return "attach", [], pos
    return ("continued", [], pos) if VERB.match(folded, pos) else None


#: a topic before the subject: `Về thông tin, tuyên truyền Đài Phát thanh … thường xuyên …`
_TOPIC = re.compile(r"ve\s")
_OPEN, _CLOSE = re.compile(r"\s*\(\s*"), re.compile(r"\s*\)")


def _topic_end(text: str, folded: str, pos: int) -> int:
    """Where the subject after a `Về …` topic starts (a capitalised agency), else `pos`."""
    if not _TOPIC.match(folded, pos):
        return pos
    for word in re.finditer(r"\b\w", text[pos : pos + 100]):
        at = pos + word.start()
        if text[at].isupper() and at > pos and mentions(text, folded, at)[0]:
            return at
    return pos


def _bracketed(text: str, folded: str, after: int) -> tuple[list[str], int] | None:
    """The agencies in brackets after a subject, who do the work (`Thường trực Ban Chỉ đạo
    (Sở Thông tin và Truyền thông) theo dõi …`), and where the brackets close."""
    opened = _OPEN.match(folded, after)
    inner, end = mentions(text, folded, opened.end()) if opened else ([], after)
    closed = _CLOSE.match(folded, end) if inner else None
    return (inner, closed.end()) if closed else None


def _support(text: str, folded: str, named: list[str], after: int) -> tuple[str, ...]:
    """The other agencies named with the lead, then those after `phối hợp với`."""
    found = list(named[1:])
    if phoi_hop := _SUPPORT.search(folded, after):
        found += mentions(text, folded, phoi_hop.end())[0]
    return tuple(m for m in dict.fromkeys(found) if not named or m != named[0])


def assignments(item_text: str, previous_lead: str | None = None) -> list[Assignment]:
    """The assignments of an item's text, sentence by sentence.

    A sentence assigns when it starts with agencies and a verb ("Sở TT&TT chủ trì, phối hợp
    với …"; several named together: the first leads, the others support), when `Giao`,
    `Yêu cầu`, `Đề nghị` name the agencies ("UBND tỉnh giao Sở TT&TT …"), or when it starts
    with a verb and no subject ("Chủ trì, phối hợp với … rà soát …", "Khẩn trương …"): then
    it continues the last lead (`previous_lead` at first), and `continued` is True if there
    was one; such a clause after a `;` stays in the assignment before it ("Sở X chủ trì …;
    tập trung …": one assignment).  A sentence about the time or the report ("Thời gian
    hoàn thành: …", "Báo cáo kết quả …"), or any that assigns nothing but names a deadline,
    a report or a recurring
    duty, is added to the text of the assignment before it.

    >>> assignments("Giao Sở TT&TT chủ trì, phối hợp với Sở Tài chính, Sở KH&ĐT và các đơn \
vị liên quan xây dựng Kế hoạch.")
    [Assignment(lead='Sở TT&TT', support=('Sở Tài chính', 'Sở KH&ĐT', 'các đơn vị liên \
quan'), text='Giao Sở TT&TT chủ trì, phối hợp với Sở Tài chính, Sở KH&ĐT và các đơn vị liên \
quan xây dựng Kế hoạch.', continued=False)]
    >>> [(a.lead, a.continued) for a in assignments("Khẩn trương rà soát.", "Công an tỉnh")]
    [('Công an tỉnh', True)]
    """
    text = nfc(item_text)
    folded = key(text)
    found: list[Assignment] = []
    lead = previous_lead
    for start, end in _sentences(text, folded):
        sentence, part = text[start:end].strip(), folded[start:end].strip()
        got = _clause(sentence, part)
        joined = text[:start].rstrip().endswith(";") and got is not None and got[0] == "continued"
        if got is None or joined or (got[0] == "attach" and found):
            if found and (got or _has_schedule(sentence)):
                last = found[-1]
                more = _support(sentence, part, [], 0) if joined else ()
                found[-1] = replace(last, text=f"{last.text} {sentence}",
                                    support=tuple(dict.fromkeys(last.support + more)))  # fmt: skip
            continue
        kind, named, after = got
        if kind == "continued" and _is_heading(sentence):
            continue
        lead = named[0] if named else lead
        support = _support(sentence, part, named, after if named else 0)
        found.append(Assignment(lead, support, sentence, not named and lead is not None))
    return found


def _is_heading(sentence: str) -> bool:
    """A short line (12 syllables at most) without a full stop nor a deadline: a heading
    (`Phát triển kinh tế số và xã hội số`), no task."""
    short = len(sentence.split()) <= 12 and deadline(sentence) is None
    return short and not sentence.rstrip().endswith((".", ";", ")", "!"))


def _has_schedule(sentence: str) -> bool:
    """Whether a sentence names a deadline, a report duty or a recurring duty."""
    return any(rule(sentence) is not None for rule in (deadline, report_duty, recurrence))


# -- task groups -------------------------------------------------------------------------------

#: the keywords of each task group (folded, a regular expression) and their weight: 2 names
#: the group, 1 hints at it.  The group with the highest sum wins; a tie is no group
GROUP_KEYWORDS: dict[str, tuple[tuple[str, int], ...]] = {
    "an-toan-thong-tin": (("an toan thong tin", 2), ("an ninh mang", 2), ("tan cong mang", 2),
                          ("bao mat", 1), ("ma doc", 1)),
    "du-lieu-so": (("co so du lieu", 2), ("du lieu mo", 2), ("du lieu", 1)),
    "ha-tang-so": (("ha tang so", 2), ("4g", 2), ("5g", 2), ("cap quang", 2), ("bang rong", 2),
                   ("song di dong", 2), ("ha tang", 1), ("vien thong", 1)),
    "chinh-phu-so": (("dich vu cong truc tuyen", 2), ("chinh quyen so", 2), ("chinh phu so", 2),
                     ("chinh quyen dien tu", 2), ("chinh phu dien tu", 2), ("dich vu cong", 1),
                     ("mot cua", 1), ("thu tuc hanh chinh", 1)),
    "kinh-te-so": (("kinh te so", 2), ("thuong mai dien tu", 2),
                   ("thanh toan khong dung tien mat", 2), ("doanh nghiep", 1)),
    "nhan-luc-so": (("ky nang so", 2), ("nguon nhan luc", 2), ("tap huan", 2), ("dao tao", 1),
                    ("boi duong", 1)),
    "nhan-thuc-so": (("nhan thuc", 2), ("tuyen truyen", 2)),
    "the-che-so": (("van ban quy pham", 2), ("co che,? chinh sach", 2), ("the che", 2),
                   ("ke hoach(?! va dau tu)", 1), ("quy che", 1), ("quy dinh", 1)),
    "nen-tang-so": (("nen tang so", 2), ("lgsp", 2), ("nen tang", 1)),
    "xa-hoi-so": (("xa hoi so", 2), ("cong dan so", 2), ("to cong nghe so cong dong", 2)),
}  # fmt: skip
_GROUP_RULES = {
    group: tuple((re.compile(rf"\b{word}\b"), weight) for word, weight in words)
    for group, words in GROUP_KEYWORDS.items()
}


def group_of(text: str) -> str | None:
    """The task group (spec `group`) the keywords of `text` name, or None (none, or a tie).

    >>> group_of("Bảo đảm an toàn thông tin, an ninh mạng"), group_of("Họp giao ban")
    ('an-toan-thong-tin', None)
    >>> group_of("Xây dựng kế hoạch phát triển hạ tầng số, phủ sóng 4G/5G")
    'ha-tang-so'
    """
    folded = key(nfc(text))
    scores = {g: sum(w for rule, w in rules if rule.search(folded))
              for g, rules in _GROUP_RULES.items()}  # fmt: skip
    best = max(scores.values())
    winners = [g for g, score in scores.items() if score == best]
    return winners[0] if best > 0 and len(winners) == 1 else None
