"""What a message proposes instead of a wrong value: the hints that teach the format.

A civil servant writes `42,3`, `hoàn thành` or `２０２２` (a Vietnamese keyboard's full-width
digits); the checks refuse them, and these functions find the form the record format wants
so that the message can say it: "use a dot: 42.3", "write done".  They run only when a
value is already wrong (never on the happy path), and each returns None when it has no
proposal it is sure of.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from ..i18n import Msg
from ..text import fold

#: Vietnamese (and common English) words for the record format's vocabulary, folded
#: (lower case, no diacritics, single spaces: :func:`cdsctl.text.fold`).
WORDS: dict[str, str] = {
    # report item status
    **dict.fromkeys(["hoan thanh", "da hoan thanh", "xong", "da xong", "hoan tat",
                     "finished", "complete", "completed"], "done"),
    **dict.fromkeys(["dang thuc hien", "dang trien khai", "dang lam", "started",
                     "ongoing", "in process"], "in-progress"),
    **dict.fromkeys(["chua thuc hien", "chua trien khai", "chua bat dau", "chua lam",
                     "todo", "to do"], "not-started"),
    **dict.fromkeys(["vuong mac", "dang vuong mac", "co vuong mac", "kho khan",
                     "bi vuong", "ach tac"], "blocked"),
    # meeting mode
    **dict.fromkeys(["truc tiep", "offline", "in person"], "in-person"),
    **dict.fromkeys(["truc tuyen", "online meeting"], "online"),
    **dict.fromkeys(["ket hop", "truc tiep ket hop truc tuyen",
                     "truc tiep va truc tuyen"], "hybrid"),
    # task recurrence
    **dict.fromkeys(["hang thang", "moi thang", "thang", "month"], "monthly"),
    **dict.fromkeys(["hang quy", "moi quy", "quy", "quarter"], "quarterly"),
    **dict.fromkeys(["6 thang", "hang 6 thang", "sau thang", "nua nam", "6 thang mot lan",
                     "half year", "semiannual", "semi annual"], "half-yearly"),
    **dict.fromkeys(["hang nam", "moi nam", "nam", "year", "annual", "annually"], "yearly"),
    # indicator direction
    **dict.fromkeys(["cao hon", "cang cao cang tot", "tang", "higher is better", "up"],
                    "higher"),
    **dict.fromkeys(["thap hon", "cang thap cang tot", "giam", "lower is better", "down"],
                    "lower"),
    # directive type
    "nghi quyet": "NQ", "quyet dinh": "QĐ", "chi thi": "CT", "ke hoach": "KH",
    "thong bao": "TB", "ket luan": "KL", "cong van": "CV", "chuong trinh": "CTr",
    "de an": "ĐA", "bien ban": "BB", "quy che": "QC", "bao cao": "BC",
}  # fmt: skip


def _folded(text: str) -> str:
    return fold(text.replace("-", " ").replace("_", " "))


def enum_word(value: str, allowed: tuple[str, ...]) -> str | None:
    """The word of `allowed` that `value` means (`Hoàn thành`, `In Progress` → done,
    in-progress), or a near miss of one (`not-stared`); None when there is none."""
    folded = _folded(value)
    for word in allowed:
        if _folded(word) == folded:
            return word
    meant = WORDS.get(folded)
    if meant is not None and meant in allowed:
        return meant
    close = difflib.get_close_matches(value.strip().lower(), allowed, n=1, cutoff=0.75)
    return close[0] if close else None


def plain_form(text: str) -> str:
    """`text` with compatibility forms undone (full-width `２０２２－０５` → `2022-05`),
    every decimal digit as an ASCII one (`٢` → `2`) and no surrounding whitespace."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(str(d) if (d := unicodedata.decimal(c, None)) is not None else c
                       for c in text)  # fmt: skip
    return text.strip()


_DECIMAL_COMMA = re.compile(r"[-+]?[0-9]+,[0-9]+")
_DOT_THOUSANDS = re.compile(r"[-+]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
_COMMA_THOUSANDS = re.compile(r"[-+]?[0-9]{1,3}(?:,[0-9]{3}){2,}")
_SPELLED = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?")


def number_proposal(text: str) -> str | None:
    """The plain number `text` stands for, written as the record format wants it:
    `42,3` → `42.3` (the Vietnamese decimal comma), `1.000.000` → `1000000`, `75%` → `75`,
    `１２` → `12`, `1e3` → `1000`, `0x1F` → `31`; None if it is no number."""
    s = plain_form(text).removesuffix("%").strip()
    if _DECIMAL_COMMA.fullmatch(s) or _DOT_THOUSANDS.fullmatch(s):
        return s.replace(".", "").replace(",", ".").lstrip("+")
    if _COMMA_THOUSANDS.fullmatch(s):
        return s.replace(",", "").lstrip("+")
    try:
        number = float(int(s, 0)) if s[:2].lower() in ("0x", "0o", "0b") else float(s)
    except ValueError:
        return None
    if not _SPELLED.fullmatch(s) and s[:2].lower() not in ("0x", "0o", "0b"):
        return None  # float() also reads "nan", "infinity"
    if not abs(number) < 1e15:
        return None
    return str(int(number)) if number.is_integer() else repr(number)


def number_hint(text: str) -> str:
    """A message's tail proposing the number a text means (see :func:`number_proposal`)."""
    proposal = number_proposal(text)
    if proposal is None:
        return ""
    if _DECIMAL_COMMA.fullmatch(plain_form(text)):
        return Msg(": use a dot: {number}", number=proposal)
    if proposal == text:
        return Msg(": write it without quotes: {number}", number=proposal)
    return Msg(": write {number}", number=proposal)


#: the C0 and C1 control characters' short names, for messages
_CONTROL_NAMES = {0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL",
                  0x85: "NEL", 0x0D: "CR"}  # fmt: skip


def describe_character(char: str) -> str:
    """`the invisible control character U+0007 (BEL)`, `U+FFFE, which is not a character`."""
    code = f"U+{ord(char):04X}"
    if char in "\n\u2028\u2029":
        return Msg("a line break ({code})", code=code) if char != "\n" else Msg("a line break")
    if unicodedata.category(char) == "Cc":
        name = _CONTROL_NAMES.get(ord(char))
        code = f"{code} ({name})" if name else code
        return Msg("the invisible control character {code}", code=code)
    return Msg("{code}, which is not a character", code=code)


def shown(value: str) -> str:
    """`value` quoted for a message on one line: control characters and line breaks escaped."""
    return f"'{value}'" if value.isprintable() else repr(value)
