"""The loader: positions, forbidden YAML features, and the fast path agreeing with the exact one."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl.load.yamltext import load_exact, load_fast

# Plain scalars whose meaning differs between YAML 1.1 and 1.2, or that look like other types.
TRICKY_PLAIN = [
    "no", "yes", "On", "OFF", "y", "n", "true", "False", "~", "null", "NULL",
    "No", "NO", "Yes", "YES", "on", "ON", "off", "Off", "Y", "N", "TRUE", "FALSE", "True",
    "Null", "t", "f", "ok", "1:30", "-1:30", "+5", "0.5", "05", "1.", "-.5", "0o",
    "2022-05-20 10:00:00",
    "14:00", "1:30:00", "017", "0o17", "0x1F", "0b101", "1_000", "1e3", "1.5e3", "+12", "-3",
    ".inf", "-.inf", ".nan", "3", "3.25", "2022-05-20", "2022-5-20", "20/5/2022",
    "Sở TT&TT", "Đề án 06", "a*b", "x!", "=", "<<", "TB-128-2022.1",
    "01/BC-BNĐ", "303/BC-UBND", "2021-Q3", "0.5/1", "1:30/2", "+5x", "0x1G", "017a",
]  # fmt: skip
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


def scalar() -> st.SearchStrategy[str]:
    """YAML source for a scalar: a tricky plain token, or any text double-quoted."""
    quoted = TEXT.map(lambda t: json.dumps(t, ensure_ascii=False))
    return st.one_of(st.sampled_from(TRICKY_PLAIN), quoted, st.sampled_from(TRICKY_PLAIN).map(repr))


KEYS = st.sampled_from(["title", "due", "id", "item", "progress", "no", "yes", "017", "a b", "pro"])


#: ways to write a key: the fast path looks for numbers after `key:` and must notice others
KEY_SPELLINGS = ["{k}:", "{k}:", '"{k}":', "'{k}':", "{k} :"]
#: ways to put a scalar after its key: same line, next line, after a comment
VALUE_PLACES = [" {v}", " {v}", "\n{pad}  {v}", " # note\n{pad}  {v}", " {{x: 1, {k}: {v}}}"]


@st.composite
def block_mapping(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    lines, pad = [], " " * indent
    for key in draw(st.lists(KEYS, min_size=1, max_size=5, unique=True)):
        choice = draw(st.integers(0, 3 if depth < 2 else 1))
        if choice <= 1:
            spelled = draw(st.sampled_from(KEY_SPELLINGS)).format(k=key)
            place = draw(st.sampled_from(VALUE_PLACES))
            lines.append(f"{pad}{spelled}" + place.format(v=draw(scalar()), pad=pad, k=key))
        elif choice == 2:
            items = draw(st.lists(scalar(), max_size=3))
            lines.append(f"{pad}{key}: [{', '.join(items)}]")
        else:
            lines.append(f"{pad}{key}:")
            lines.append(draw(block_mapping(indent + 2, depth + 1)))
    return "\n".join(lines)


@settings(max_examples=400, deadline=None)
@given(block_mapping())
def test_fast_path_agrees_with_the_exact_loader(text: str) -> None:
    exact = load_exact(text + "\n")
    fast = load_fast(text + "\n")
    if fast is not None:
        assert not exact.problems, exact.problems
        assert repr(fast) == repr(exact.data)  # repr: NaN equals itself, 3 differs from 3.0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_exact_loader_never_raises(text: str) -> None:
    loaded = load_exact(text)
    for problem in loaded.problems:
        assert problem.line >= 1 and problem.column >= 1


@pytest.mark.parametrize(
    ("text", "value"),
    [("a: no", False), ("a: 14:00", 840), ("a: '14:00'", "14:00"), ("a: 017", 15),
     ("a: 2022-05-20", "2022-05-20"), ("a: 2022-02-30", "2022-02-30"), ("a: ~", None),
     ("a: 1e3", "1e3"), ("a: |\n  x\n", "x\n")],
)  # fmt: skip
def test_scalars_read_as_yaml_1_1_with_dates_kept_as_text(text: str, value: object) -> None:
    assert load_exact(text).data == {"a": value}


def test_positions_of_keys_and_values() -> None:
    text = "kind: report\ntasks:\n  - task: A\n    status: done\n  - {task: B, status: done}\n"
    loaded = load_exact(text, line_offset=1)
    pos = loaded.positions
    assert pos.keys[("tasks", 0, "status")] == (5, 5)
    assert pos.values[("tasks", 1)] == (6, 5)
    assert pos.values[("tasks", 1, "status")] == (6, 23)
    assert pos.find(("tasks", 1, "missing")) == (6, 5)


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate-key", 3),
        ("a:\n  - {x: 1, x: 2}\n", "duplicate-key", 2),
        ("a: &x 1\nb: *x\n", "anchor", 1),
        ("a: !!python/object/apply:os.system [ls]\n", "tag", 1),
        ("a: !custom 1\n", "tag", 1),
        ("a: 1\n---\nb: 2\n", "multiple-documents", 2),
        ("a: [1\nb: 2\n", "yaml-syntax", 2),
    ],
)
def test_forbidden_yaml_is_a_problem_at_its_line(text: str, code: str, line: int) -> None:
    problems = load_exact(text).problems
    assert (problems[0].code, problems[0].line) == (code, line)
    assert load_fast(text) is None


def test_alias_bomb_is_not_expanded() -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        levels.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    loaded = load_exact("\n".join(levels))
    assert {p.code for p in loaded.problems} == {"anchor"}
    assert load_fast("\n".join(levels)) is None


@pytest.mark.parametrize("token", TRICKY_PLAIN)
@pytest.mark.parametrize(
    "template",
    ["a: {t}\n", "a: [x, {t}]\n", "a:\n  - {t}\n", "{t}: x\n", "a: {t}\r\n", "a:\r\n  - {t}\r\n",
     "a:\n  -   {t}  # c\n", "a: {{b: {t}}}\n", "a: |\n  x\nb: {t}\n"],
)  # fmt: skip
def test_fast_path_agrees_on_every_tricky_token(token: str, template: str) -> None:
    text = template.format(t=token)
    exact, fast = load_exact(text), load_fast(text)
    if fast is not None:
        assert not exact.problems
        assert repr(fast) == repr(exact.data)  # repr: NaN equals itself, 3 differs from 3.0


@pytest.mark.parametrize("number", ["01/BC-BNĐ", "303/BC-UBND", "09-NQ/TU", "2021-Q3", "Đề án 06"])
def test_document_numbers_stay_on_the_fast_path(number: str) -> None:
    """Text for both YAML versions: no reason to parse such a file twice (it was 5% of
    the benchmark's reports, each costing a second, position-keeping parse)."""
    text = f"number: {number}\nprogress: 55\nitems: [{number}, 10]\n"
    assert load_fast(text) == {"number": number, "progress": 55, "items": [number, 10]}


DANGEROUS_NUMBERS = ["017", "08", "-.5", "+.5", "1e3", "0o17", "0x1F", "1_000", "010.5"]


@pytest.mark.parametrize("number", DANGEROUS_NUMBERS)
@pytest.mark.parametrize("spelled", [*sorted(set(KEY_SPELLINGS)), "? progress\n"])
@pytest.mark.parametrize("place", sorted(set(VALUE_PLACES)))
@pytest.mark.parametrize(
    "beside", ["", "status: in-progress\n", "note: progress 5\n", "progress2: 5\n"]
)
def test_a_number_is_looked_at_however_its_key_is_written(
    number: str, spelled: str, place: str, beside: str
) -> None:
    """The fast path looks for doubtful numbers after `key:`; any other spelling of the
    key must make it look at the whole text (or give up), never skip the value."""
    if spelled.startswith("?"):
        entry = spelled + ":" + place.format(v=number, pad="", k="progress")
    else:
        entry = spelled.format(k="progress") + place.format(v=number, pad="", k="progress")
    text = f"kind: report\n{beside}a: 1\n{entry}\n"
    exact, fast = load_exact(text), load_fast(text)
    if fast is not None:
        assert not exact.problems
        assert repr(fast) == repr(exact.data)


@pytest.mark.parametrize(
    "entry",
    ["'pro''gress': 017", "'it''s': 017", "\"pro'gress\": 017", "? |-\n  progress\n: 017",
     "'progress'   : 017", "b: {'progress': 017}", "b: [progress: 017]",
     "b:\n  'pro''gress': 017", "it's: 5\nb:\n  'it''s': 017",
     "progress: 5\nb:\n  \"\\x70rogress\": 017"],
)  # fmt: skip
def test_a_number_under_an_oddly_written_key_is_not_misread(entry: str) -> None:
    """Keys whose text is not their name (escaped quotes, block scalars as keys): the fast
    path must not take 017 for 17 where YAML 1.1 reads 15."""
    text = f"kind: report\na: 1\n{entry}\n"
    exact, fast = load_exact(text), load_fast(text)
    assert not exact.problems, exact.problems
    if fast is not None:
        assert repr(fast) == repr(exact.data)


@pytest.mark.parametrize(
    "text",
    [
        # YAML 1.1 (PyYAML) breaks lines at U+2028, U+2029 and U+0085; YAML 1.2 does not
        *(f"title: Đề án{s}b\n" for s in ("\u2028", "\u2029", "\x85")),
        *(f"a: x{s}progress: 017\n" for s in ("\u2028", "\u2029", "\x85")),
        "a: 75\n\t",  # PyYAML refuses the tab; yaml-rs takes it for a space
        "b: |\n  x",  # a block scalar ending the text: yaml-rs adds a line break
        "b: >\n  x\n\n  ",
    ],
)
def test_texts_the_two_yaml_versions_read_apart_go_to_the_exact_loader(text: str) -> None:
    exact = load_exact("kind: report\n" + text)
    assert load_fast("kind: report\n" + text) is None
    assert exact.data != load_fast_unchecked("kind: report\n" + text) or exact.problems


def load_fast_unchecked(text: str) -> object:
    """What yaml-rs reads, without the fast path's screens (to show the cases above differ)."""
    import yaml_rs

    try:
        return yaml_rs.loads(text, parse_datetime=False)
    except Exception:
        return None


def _sample_texts() -> list[str]:
    from cdsctl.load.files import walk
    from cdsctl.load.reading import read_source

    from .conftest import SAMPLE

    texts = []
    for relpath in walk(SAMPLE):
        try:
            texts.append(read_source(SAMPLE / relpath).yaml)
        except Exception:  # a sample file that is no record is no sample
            continue
    return texts


SAMPLE_TEXTS = _sample_texts()
#: what the insertions below are made of: the spellings the fast path must notice
SNIPPETS = [
    "017", " 017", "0o17", "-.5", "1e3", "1_000", "08", "no", "14:00", "'", '"', "''", "\\",
    "? ", ": ", ": 017", "\n", "\n  ", "\nprogress: 017", "\n  progress: 017", "\n- 017",
    "progress", "progress :", "'progress': 017", "it's", "'it''s': 017", "#", " # c", "- ",
    "\r\n", "\t", "\u2028", "\x85", "&a ", "*a", "!!int ", "<<: ", "{", "}", "[", "]", ",",
    "{progress: 017}", "[017]", "~", "null", "~\n", "Đề án 06", "01/BC-BNĐ", "é", "e\u0301",
    # control characters and non-characters: PyYAML refuses some, yaml-rs takes them all
    "\x07", "\x7f", "\x9f", "\x80", "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\x1b",
    "\u2029", "\xa0", ".nan", ".inf", "\\x07", ":]", "[a:]",
]  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.data())
def test_edited_sample_records_read_the_same_on_both_paths(draw: st.DataObject) -> None:
    """Real records with a few tricky snippets inserted anywhere: whenever the fast path
    accepts the text, it reads what the exact loader reads."""
    text = draw.draw(st.sampled_from(SAMPLE_TEXTS))
    for _ in range(draw.draw(st.integers(1, 3))):
        at = draw.draw(st.integers(0, len(text)))
        text = text[:at] + draw.draw(st.sampled_from(SNIPPETS)) + text[at:]
    fast = load_fast(text)
    if fast is not None:
        exact = load_exact(text)
        assert not exact.problems, (text, exact.problems)
        assert repr(fast) == repr(exact.data), text
