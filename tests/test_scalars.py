"""One meaning for every scalar, on both parse paths (spec 1.1 §2), and messages that teach.

Records of every kind are generated from :data:`cdsctl.schema.SCHEMAS`, every field in
every form YAML allows (plain, quoted, escaped, block, folded, flow), with odd values drawn
by class: other scripts' digits, spaces and line breaks around a value, control characters
and non-characters, YAML 1.1's numbers (`.nan`, `0x1F`, `017`, `1_000`), booleans and
nulls.  The fast path (yaml-rs + msgspec) and the exact path (PyYAML events + the schema's
checks) must give the same result for each, and adding an unrelated unknown field (which
sends a file down the exact path) must change nothing else.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cdsctl import schema as S
from cdsctl.checks.fast import fast_check
from cdsctl.checks.record import check_record
from cdsctl.dates.iso import DateError, parse_iso, period_proposal
from cdsctl.i18n import from_wire
from cdsctl.load.reading import ReadProblem, read_source
from cdsctl.load.yamltext import load_exact, load_fast
from cdsctl.messages.hints import enum_word, number_proposal
from cdsctl.validation.onefile import _check_exactly, check_file_wire

from .test_fastcheck import _canon_wire

# -- what values are made of -------------------------------------------------------------

REFS = {"agency": "STTTT", "task": "TB-128-2022.1", "directive": "TB-128-2022",
        "meeting": "HOP-2022-05-10", "indicator": "dti-rank"}  # fmt: skip
SHORT = ["Kế hoạch chuyển đổi số năm 2022", "Sở TT&TT", "3.a", "Nguyễn Văn An", "a"]
LONG = ["Dòng một\nDòng hai", "Nội dung báo cáo.", "Đoạn một.\n\nĐoạn hai.\n"]
#: characters no text may hold (spec §2), and the line breaks one-line text may not hold
BAD = ["\x00", "\x07", "\x08", "\x0b", "\x1b", "\x7f", "\x80", "\x85", "\x9f", "\ufdd0",
       "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"]  # fmt: skip
BREAKS = ["\n", "\r", "\u2028", "\u2029"]
#: how other keyboards and scripts write the digits 0-9
DIGITS = {
    "full-width": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "devanagari": "०१२३४५६७८९",
    "thai": "๐๑๒๓๔๕๖๗๘๙",
}
#: plain YAML tokens YAML 1.1 and 1.2 may read apart, or as no text at all
ODD_PLAIN = [".nan", ".NaN", ".inf", "-.inf", "+.inf", "0x1F", "0o17", "017", "08", "1_000",
             "+1", "1e3", "1.5e3", "1.0e+3", ".5", "1.", "42,3", "1:30", "14:00", "yes", "no",
             "on", "off", "y", "n", "~", "null", "true", "2022-05-20", "2022", "0",
             "-3"]  # fmt: skip


@dataclass(frozen=True)
class Scalar:
    text: str
    plain_only: bool = False  # a YAML token (a number), written as it is


@dataclass(frozen=True)
class Seq:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Map:
    pairs: tuple[tuple[str, Any], ...]


Node = Scalar | Seq | Map


def _good_text(t: S.Type) -> list[str]:
    """Values `t` accepts (a few per type)."""
    if isinstance(t, S.Period):
        return ["2022-05", "2022-Q2", "2022-H1", "2022"]
    if isinstance(t, S.Time):
        return ["14:00", "09:30"]
    if isinstance(t, S.Id):
        return ["rec-1"]
    if isinstance(t, S.Ref):
        return [REFS[t.kinds[0]]]
    if isinstance(t, S.DirectiveOrNumber):
        return ["411/QĐ-TTg", "TB-128-2022"]
    if isinstance(t, S.DocNumber):
        return ["128/TB-UBND", "09-NQ/TU", "27/QĐ-UBQGCĐS"]
    if isinstance(t, S.Text):
        return LONG if t.lines else SHORT
    if isinstance(t, S.Date):
        return ["2022-05-20", "2024-02-29"]
    if isinstance(t, S.Enum):
        return list(t.values)
    raise TypeError(t)


def _good_number(t: S.Number) -> list[str]:
    low = 0 if t.minimum is None else t.minimum
    high = 100 if t.maximum is None else t.maximum
    found = [str(int(low)), str(int(high)), str(int((low + high) // 2))]
    return found if t.integer else [*found, "12.5", "-3.25"]


@st.composite
def odd_text(draw: st.DrawFn, good: str) -> str:
    """A member of one class of wrong spellings of `good`."""
    how = draw(st.integers(0, 5))
    if how == 0:
        script = DIGITS[draw(st.sampled_from(sorted(DIGITS)))]
        return good.translate(str.maketrans("0123456789", script)) + ("" if good[0:1].isdigit()
                                                                       else "０")  # fmt: skip
    if how == 1:
        space = draw(st.sampled_from([" ", "\xa0", "\u3000", *BREAKS, "\t"]))
        return draw(st.sampled_from([space + good, good + space, space + good + space]))
    if how in (2, 3):
        at = draw(st.integers(0, len(good)))
        char = draw(st.sampled_from(BAD + BREAKS if how == 2 else BAD))
        return good[:at] + char + good[at:]
    if how == 4:
        return draw(st.sampled_from(["", "  ", "x\u0301", "hoàn thành", "quý I/2024", "01/2024"]))
    return draw(st.sampled_from(ODD_PLAIN))


@st.composite
def node_for(draw: st.DrawFn, t: S.Type, odd: int) -> Node:
    """A value of type `t`; now and then (1 in `odd`) a wrong one."""
    if isinstance(t, S.Struct):
        return draw(struct_node(t, odd))
    if isinstance(t, S.ListOf):
        return Seq(tuple(draw(st.lists(node_for(t.item, odd), max_size=3))))
    if isinstance(t, S.DateOrWorkingDays):
        if draw(st.booleans()):
            return draw(node_for(S.WORKING_DAYS, odd))
        return draw(node_for(S.DATE, odd))
    wrong = odd > 0 and draw(st.sampled_from(range(odd))) == odd // 2  # (0: never)
    if isinstance(t, S.Number):
        good = draw(st.sampled_from(_good_number(t)))
        if wrong:
            return Scalar(draw(st.sampled_from(ODD_PLAIN)), plain_only=draw(st.booleans()))
        return Scalar(good, plain_only=draw(st.sampled_from(range(10))) > 0)
    good = draw(st.sampled_from(_good_text(t)))
    return Scalar(draw(odd_text(good)) if wrong else good)


@st.composite
def struct_node(draw: st.DrawFn, t: S.Struct, odd: int) -> Map:
    pairs = []
    for key, spec in t.fields.items():
        if spec.required or draw(st.integers(0, 2)) > 0:
            pairs.append((key, draw(node_for(spec.type, odd))))
    return Map(tuple(pairs))


# -- writing YAML ------------------------------------------------------------------------

INLINE_STYLES = ["plain", "single", "double", "escaped"]
BLOCK_STYLES = ["|", "|-", "|+", ">", ">-"]
#: a scalar's style: blocks less often (most fields are one line, and a block adds a break)
STYLES = st.sampled_from(INLINE_STYLES * 4 + BLOCK_STYLES)


def _double(text: str, escape_all: bool) -> str:
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif (c.isprintable() and c != "\xa0") or (c not in "\t\r" and not escape_all):
            out.append(c)
        else:
            out.append(f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
                       if ord(c) < 0x10000 else f"\\U{ord(c):08x}")  # fmt: skip
    return '"' + "".join(out) + '"'


def inline(text: str, style: str, pad: str) -> str:
    """A flow scalar: plain only when it could be one (one line, no indicator around it)."""
    one_line = not set(text) & set(BREAKS)  # (a raw line break would end the scalar)
    if (
        style == "plain"
        and text
        and one_line
        and text.strip() == text
        and not (set(text) & set("#:[]{},'\"&*!|>%@`") or text[0] in "-?")
    ):
        return text
    if style in ("single", "plain") and one_line:
        return "'" + text.replace("'", "''") + "'"
    return _double(text, escape_all=style == "escaped")


def block(text: str, header: str, pad: str) -> list[str]:
    lines = re.split("\r\n|[\r\n\u2028\u2029]", text)
    return [header] + [f"{pad}{line}" if line else "" for line in lines]


def scalar_lines(node: Scalar, style: str, pad: str) -> list[str]:
    """The value's source: the first line goes after `key: `, the others below it."""
    if node.plain_only:
        return [node.text]
    if style in BLOCK_STYLES:
        return block(node.text, style, pad)
    return [inline(node.text, style, pad)]


@st.composite
def flow(draw: st.DrawFn, node: Node) -> str:
    if isinstance(node, Scalar):
        if node.plain_only:
            return node.text
        return inline(node.text, draw(st.sampled_from(INLINE_STYLES)), "")
    if isinstance(node, Seq):
        return "[" + ", ".join(draw(flow(item)) for item in node.items) + "]"
    return "{" + ", ".join(f"{k}: {draw(flow(v))}" for k, v in node.pairs) + "}"


@st.composite
def mapping_lines(draw: st.DrawFn, node: Map, indent: int) -> list[str]:
    pad, out = " " * indent, []
    for key, value in node.pairs:
        out += draw(entry_lines(f"{pad}{key}:", value, indent))
    return out


@st.composite
def entry_lines(draw: st.DrawFn, head: str, value: Node, indent: int) -> list[str]:
    """`head` (`key:` or `-`) followed by `value`, in a style drawn for it."""
    inner = " " * (indent + 2)
    if isinstance(value, Scalar):
        first, *rest = scalar_lines(value, draw(STYLES), inner)
        return [f"{head} {first}", *rest]
    empty = not (value.items if isinstance(value, Seq) else value.pairs)
    if empty or draw(st.sampled_from(range(4))) == 0:
        return [f"{head} {draw(flow(value))}"]
    if isinstance(value, Map):
        return [head, *draw(mapping_lines(value, indent + 2))]
    out = [head]
    for item in value.items:
        if isinstance(item, Map) and item.pairs:
            lines = draw(mapping_lines(item, indent + 4))
            out += [f"{inner}- {lines[0].lstrip()}", *lines[1:]]
        else:
            out += draw(entry_lines(f"{inner}-", item, indent + 2))
    return out


#: where each kind's file goes; `agencies` and `calendar` have one file each at the root
HOMES = {"agencies": "agencies.yaml", "calendar": "calendar.yaml"}


@st.composite
def record_file(draw: st.DrawFn, odd: int = 8) -> tuple[str, str]:
    """(relative path, YAML text) of a generated record of any kind."""
    kind = draw(st.sampled_from(sorted(S.SCHEMAS)))
    node = draw(struct_node(S.SCHEMAS[kind], odd))
    if kind == "task" and draw(st.booleans()):  # a one-off task: no recurrence fields
        node = Map(tuple(p for p in node.pairs if p[0] not in ("every", "due_month", "due_day")))
    node = Map(tuple((k, Scalar(kind)) if k == "kind" else (k, v) for k, v in node.pairs))
    relpath = HOMES.get(kind, f"{kind}s/rec-1.yaml")
    return relpath, "\n".join(draw(mapping_lines(node, 0))) + "\n"


def _write(root: Path, relpath: str, text: str) -> None:
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))


def _both_paths(root: Path, relpath: str) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """(check_file_wire's result, the exact path's), canonical; None for no YAML at all."""
    _, wire = check_file_wire(root, relpath)
    try:
        source = read_source(root / relpath)
    except ReadProblem:
        return None
    return _canon_wire(wire), _canon_wire(_check_exactly(source, relpath).to_wire())


QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=QUIET)


@SLOW
@given(record_file())
def test_both_paths_give_the_same_result_for_any_generated_record(
    tmp_path_factory: pytest.TempPathFactory, record: tuple[str, str]
) -> None:
    """Whatever the fast path accepts, the exact path accepts with the same values; whatever
    it leaves, the exact path decides: one result either way."""
    relpath, text = record
    root = tmp_path_factory.mktemp("root")
    _write(root, relpath, text)
    found = _both_paths(root, relpath)
    if found is not None:
        assert found[0] == found[1], text


@SLOW
@given(record_file())
def test_an_unrelated_unknown_field_changes_no_other_diagnostic(
    tmp_path_factory: pytest.TempPathFactory, record: tuple[str, str]
) -> None:
    """The class of `.nan` accepted until an unknown field sent the file down the exact
    path: a file's diagnostics are the same with an extra field, but for its own warning."""
    relpath, text = record
    root = tmp_path_factory.mktemp("root")
    _write(root, relpath, text)
    _, alone = check_file_wire(root, relpath)
    if any(d[4] == "yaml-syntax" for d in alone[1]):
        return  # (an extra line moves where the parser gives up)
    _write(root, relpath, text + "zz_extra_field: 1\n")  # the last line: no line moves
    _, extended = check_file_wire(root, relpath)
    extra = [
        d for d in extended[1] if d[4] == "unknown-field" and "zz_extra_field" in from_wire(d[5])
    ]
    assert len(extra) <= 1, extended[1]  # (none when the record has no kind to check it by)
    others = [d for d in extended[1] if d not in extra]
    assert sorted(others) == sorted(alone[1]), text
    assert _canon_wire((*extended[:1], [], *extended[2:])) == _canon_wire((*alone[:1], [],
                                                                           *alone[2:]))  # fmt: skip


def test_the_generator_reaches_the_fast_path() -> None:
    """The differential tests above are worth what the fast path accepts of what they make:
    most clean generated records must take it."""
    taken, root = [], Path(__import__("tempfile").mkdtemp())

    @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=QUIET)
    @given(record_file(odd=0))
    def clean(record: tuple[str, str]) -> None:
        relpath, text = record
        _write(root, relpath, text)
        _, wire = check_file_wire(root, relpath)
        taken.append(wire[1] == ())

    clean()
    assert sum(taken) >= len(taken) // 5, f"{sum(taken)} of {len(taken)}"  # (about 1 in 3)


# -- control characters, at their own line and column ----------------------------------------

#: one-line fields of each kind, and a long one, to put a character in
FIELDS = [("task", "title", False), ("task", "description", True), ("report", "number", False),
          ("directive", "issued", False), ("meeting", "place", False)]  # fmt: skip
BASE = {
    "task": "kind: task\nid: rec-1\ndirective: TB-128-2022\nlead: STTTT\n",
    "report": "kind: report\nid: rec-1\nagency: STTTT\ndate: 2022-06-21\n"
    "tasks:\n  - task: TB-128-2022.1\n    status: done\n",
    "directive": "kind: directive\nid: rec-1\ntype: TB\nissuer: UBND\ntitle: Kết luận\n",
    "meeting": "kind: meeting\nid: rec-1\ntitle: Họp\ndate: 2022-05-10\nchair: {name: An}\n",
}
GOOD_VALUE = {"title": "Ban hành kế hoạch", "description": "Nội dung", "number": "45/BC-STTTT",
              "issued": "2022-05-12", "place": "Phòng họp số 1"}  # fmt: skip


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 1-based (line, column) of `text`, lines split as YAML 1.1 does;
    a line's end is its line break, "\\n"."""
    lines = re.split("\r\n|[\r\n\u2028\u2029]", text)
    found = lines[line - 1]
    return found[column - 1] if column <= len(found) else "\n"


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FIELDS), st.sampled_from(BAD + BREAKS), st.data(),
       st.sampled_from(INLINE_STYLES + BLOCK_STYLES))  # fmt: skip
def test_a_control_character_is_reported_at_its_own_line_and_column(
    tmp_path_factory: pytest.TempPathFactory, where: tuple[str, str, bool], char: str,
    data: st.DataObject, style: str,
) -> None:  # fmt: skip
    kind, key, long = where
    good = GOOD_VALUE[key]
    at = data.draw(st.integers(1, len(good) - 1))  # inside: at an end it could be stripped
    value = good[:at] + char + good[at:]
    first, *rest = scalar_lines(Scalar(value), style, "  ")
    text = BASE[kind] + f"{key}: {first}\n" + "".join(f"{line}\n" for line in rest)
    root = tmp_path_factory.mktemp("root")
    _write(root, f"{kind}s/rec-1.yaml", text)
    _, wire = check_file_wire(root, f"{kind}s/rec-1.yaml")
    if "\x00" in text:  # a NUL byte: the file is binary, not text
        assert [d[4] for d in wire[1]] == ["binary"]
        return
    assert "yaml-syntax" not in [d[4] for d in wire[1]], (text, wire[1])
    found = [d for d in wire[1] if d[4] == "control-character"]
    read = load_exact(text).data[key]  # YAML may fold a line break into a space
    if char in BAD or (not long and any(b in read for b in BREAKS)):
        assert found, (text, wire[1])
        line, column = found[0][1], found[0][2]
        assert _char_at(text, line, column) in (char, "\\", "\n"), (text, found[0])
    else:
        assert not found, (text, wire[1])


def test_pyyaml_and_yaml_rs_agree_on_every_bad_character() -> None:
    """PyYAML refuses some (`yaml-syntax` at 1:1 for the whole file), yaml-rs takes them
    all: each is now one diagnostic at its place, the same on both paths."""
    for char in BAD:
        text = f"kind: task\ntitle: Kế{char} hoạch\n"
        loaded = load_exact(text)
        assert [(p.code, p.line, p.column) for p in loaded.problems] == [
            ("control-character", 2, 10)
        ], char
        assert loaded.data == {"kind": "task", "title": "Kế  hoạch"}
        assert load_fast(text) is None


# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [".nan", ".NaN", ".inf", "-.inf", "+.inf"])
@pytest.mark.parametrize("field", [("actuals", 0, "value"), ("targets", 0, "value")])
def test_a_non_finite_number_is_an_error_with_a_plain_message(token: str, field: Any) -> None:
    text = f"kind: indicator\nid: i\nname: x\nbetter: higher\n{field[0]}:\n" \
           f"  - period: 2022-05\n    value: {token}\n"  # fmt: skip
    loaded = load_exact(text)
    checked = check_record(loaded.data, "indicators/i.yaml", loaded.positions)
    [finding] = checked.findings
    assert finding.code == "invalid-value" and token in finding.message
    assert "None" not in finding.message
    fast = load_fast(text)  # yaml-rs reads it as YAML 1.1 does; msgspec refuses it
    assert fast is not None and not math.isfinite(fast[field[0]][0]["value"])
    assert fast_check(fast, text, "indicators/i.yaml") is None


@given(st.sampled_from(["0x1F", "0o17", "017", "1_000", "1.0e+3", ".5", "1:30", "0b101"]))
def test_a_number_not_in_plain_digits_is_refused_with_its_value(token: str) -> None:
    text = f"kind: report\nid: r\nagency: A\ndate: 2022-06-21\n" \
           f"tasks:\n  - task: T\n    status: done\n    progress: {token}\n"  # fmt: skip
    loaded = load_exact(text)
    findings = check_record(loaded.data, "reports/r.yaml", loaded.positions).findings
    if isinstance(loaded.data["tasks"][0]["progress"], str):  # YAML 1.1 reads it as text
        assert [f.code for f in findings] == ["type"]
    else:
        [finding] = findings
        value = loaded.data["tasks"][0]["progress"]
        assert finding.code == "invalid-value" and f"write {value}" in finding.message


@given(st.integers(0, 10**6), st.integers(0, 999).map(lambda n: str(n)))
def test_a_decimal_comma_proposes_the_dot(whole: int, fraction: str) -> None:
    assert number_proposal(f"{whole},{fraction}") == f"{whole}.{fraction}"
    ctx = S.Context()
    S.Number(0, 10**7).check(f"{whole},{fraction}", ("progress",), ctx)
    assert f"use a dot: {whole}.{fraction}" in ctx.findings[0].message


@given(st.integers(1000, 10**12))
def test_dotted_thousands_and_other_digits_propose_the_plain_number(n: int) -> None:
    assert number_proposal(f"{n:,}".replace(",", ".")) == str(n)
    for script in DIGITS.values():
        assert number_proposal(str(n).translate(str.maketrans("0123456789", script))) == str(n)


# -- words for the vocabulary ------------------------------------------------------------------

#: how a Vietnamese report writes each word of the vocabulary (an oracle independent of
#: cdsctl.messages.hints.WORDS, with diacritics)
SPOKEN = [
    ("hoàn thành", "done"), ("Đã hoàn thành", "done"), ("đang thực hiện", "in-progress"),
    ("Đang triển khai", "in-progress"), ("chưa thực hiện", "not-started"),
    ("vướng mắc", "blocked"), ("Trực tiếp", "in-person"), ("trực tuyến", "online"),
    ("kết hợp", "hybrid"), ("hằng tháng", "monthly"), ("hàng quý", "quarterly"),
    ("6 tháng", "half-yearly"), ("hằng năm", "yearly"), ("cao hơn", "higher"),
    ("thấp hơn", "lower"), ("Quyết định", "QĐ"), ("In Progress", "in-progress"),
    ("not_started", "not-started"), ("DONE", "done"),
]  # fmt: skip
ENUMS = {v: e for e in (S.STATUSES, S.EVERY, S.DOC_TYPES, ("in-person", "online", "hybrid"),
                        ("higher", "lower")) for v in e}  # fmt: skip


def _bare(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if not unicodedata.combining(c)).replace("đ", "d").replace("Đ", "D")  # fmt: skip


@given(st.sampled_from(SPOKEN), st.sampled_from([str.lower, str.upper, str.title, str]),
       st.booleans(), st.sampled_from(["", " ", "  "]))  # fmt: skip
def test_vietnamese_words_name_the_vocabulary_word(
    spoken: tuple[str, str], case: Any, bare: bool, pad: str
) -> None:
    word, meant = spoken
    written = pad + case(_bare(word) if bare else word) + pad
    values = ENUMS[meant]
    assume(written not in values)  # (`DONE` in lower case is right)
    assert enum_word(written, values) == meant
    ctx = S.Context()
    S.Enum(values).check(written, ("status",), ctx)
    assert ctx.findings[0].message.endswith(f"; write {meant}")


# -- periods ---------------------------------------------------------------------------------

ROMAN = ["I", "II", "III", "IV"]


@st.composite
def spoken_period(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(how a period is written, its canonical form, its kind, its last day)."""
    year = draw(st.integers(1990, 2099))
    kind = draw(st.sampled_from(["month", "quarter", "half-year", "year"]))
    if kind == "month":
        n = draw(st.integers(1, 12))
        form = draw(st.sampled_from(["{n:02d}/{y}", "{n}/{y}", "tháng {n}/{y}",
                                     "Tháng {n} năm {y}", "{y}/{n:02d}", "{n}-{y}"]))  # fmt: skip
        canonical, last = f"{year}-{n:02d}", (year, n)
    elif kind == "quarter":
        n = draw(st.integers(1, 4))
        form = draw(st.sampled_from(["quý {r}/{y}", "Quý {n}/{y}", "Q{n}/{y}", "Q{n}-{y}",
                                     "{r}/{y}", "quý {r} năm {y}", "{y}Q{n}",
                                     "{y}-q{n}"]))  # fmt: skip
        canonical, last = f"{year}-Q{n}", (year, 3 * n)
    elif kind == "half-year":
        n = draw(st.integers(1, 2))
        form = draw(st.sampled_from(["6 tháng {h} năm {y}", "sáu tháng {h} năm {y}", "H{n}/{y}",
                                     "{y}H{n}", "nửa {h} năm {y}"]))  # fmt: skip
        canonical, last = f"{year}-H{n}", (year, 6 * n)
    else:
        n, form, canonical, last = 0, "năm {y}", str(year), (year, 12)
    h = "đầu" if n == 1 else "cuối"
    text = form.format(n=n, y=year, r=ROMAN[n - 1] if kind == "quarter" else "", h=h)
    end = f"{last[0]}-{last[1]:02d}-{calendar.monthrange(*last)[1]:02d}"
    return text, canonical, kind, end


@given(spoken_period())
def test_a_period_written_another_way_proposes_its_form(spoken: tuple[str, str, str, str]) -> None:
    text, canonical, _, _ = spoken
    assert period_proposal(text) == canonical
    ctx = S.Context()
    S.PERIOD.check(text, ("period",), ctx)
    assert ctx.findings[0].message.endswith(f"; write {canonical}")


@given(spoken_period())
def test_a_period_where_a_date_belongs_proposes_its_last_day(
    spoken: tuple[str, str, str, str],
) -> None:
    text, _, kind, end = spoken
    with pytest.raises(DateError) as caught:
        parse_iso(text)
    assert caught.value.code == "date-format"
    assert str(caught.value).endswith(f"; end of {kind}: {end}")


# -- exact formats ---------------------------------------------------------------------------


@given(st.sampled_from(sorted(DIGITS)), st.sampled_from(["date", "period", "time", "number"]),
       st.data())  # fmt: skip
def test_digits_of_other_scripts_are_refused_and_the_ascii_form_proposed(
    script: str, what: str, data: st.DataObject
) -> None:
    good = data.draw(st.sampled_from({"date": ["2022-05-20", "1999-12-31"],
                                      "period": ["2022-05", "2024-Q1", "2023"],
                                      "time": ["14:00", "09:30"],
                                      "number": ["128/TB-UBND"]}[what]))  # fmt: skip
    written = good.translate(str.maketrans("0123456789", DIGITS[script]))
    field = {"date": S.DATE, "period": S.PERIOD, "time": S.TIME, "number": S.DocNumber()}[what]
    ctx = S.Context()
    assert field.check(written, ("x",), ctx) is S.INVALID
    assert ctx.findings[0].message.endswith(f"write {good}"), ctx.findings[0].message


@given(st.sampled_from(["date", "period", "time", "id", "number", "ref"]),
       st.sampled_from([" ", "\n", "\r\n", "\u2028", "\xa0"]), st.booleans())  # fmt: skip
def test_no_space_or_line_break_around_a_formatted_value(
    what: str, space: str, after: bool
) -> None:
    good = {"date": "2022-05-20", "period": "2022-05", "time": "14:00", "id": "TB-1",
            "number": "7/BC-STTTT", "ref": "STTTT"}[what]  # fmt: skip
    field = {"date": S.DATE, "period": S.PERIOD, "time": S.TIME, "id": S.Id(),
             "number": S.DocNumber(), "ref": S.AGENCY}[what]  # fmt: skip
    written = good + space if after else space + good
    ctx = S.Context()
    field.check(written, ("x",), ctx)
    if what == "ref" and space in (" ", "\xa0"):
        assert ctx.references[0][1] == written  # the reference does not resolve: reported later
        return
    assert ctx.findings, written
    if space.strip(" \xa0"):
        assert ctx.findings[0].code == "control-character"
        assert ctx.findings[0].index == (len(good) if after else 0)


# -- the character classes, against the Unicode database, over every code point ---------------

EVERY_CODE_POINT = "".join(map(chr, range(0x110000)))


def _is_bad(c: str) -> bool:
    """Spec §2: control characters but tab and line breaks, surrogates, non-characters."""
    point = ord(c)
    noncharacter = 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE
    control = unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r"
    return control or noncharacter


@pytest.mark.parametrize(("name", "also_bad"), [
    ("BAD_CHARACTER", ""),
    ("BAD_IN_LINE", "\n\r\u2028\u2029"),  # one line: no line break of either YAML
    ("_FAST_UNSAFE", "\t\u2028\u2029"),  # left to the exact loader
])  # fmt: skip
def test_character_classes_find_exactly_the_bad_code_points(name: str, also_bad: str) -> None:
    from cdsctl.load import yamltext as yamlload

    pattern = getattr(yamlload, name)
    found = {m.start() for m in pattern.finditer(EVERY_CODE_POINT)}
    want = {p for p, c in enumerate(EVERY_CODE_POINT) if _is_bad(c) or c in also_bad}
    assert found == want


def test_no_safe_byte_starts_a_character_the_fast_path_leaves_alone() -> None:
    """A UTF-8 text made of SAFE_BYTES holds no character _FAST_UNSAFE finds."""
    from cdsctl.load.yamltext import _FAST_UNSAFE, SAFE_BYTES

    for point in range(0x110000):
        if 0xD800 <= point <= 0xDFFF:
            continue  # (no UTF-8 text holds a surrogate)
        encoded = chr(point).encode()
        if not encoded.translate(None, SAFE_BYTES):
            assert _FAST_UNSAFE.search(chr(point)) is None, hex(point)
