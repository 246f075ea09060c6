"""The line parser of plain block YAML (cdsctl.load.blockyaml) has the exact loader's meaning.

Whatever :func:`blockyaml.parse` accepts, :func:`load_exact` reads to the same data, types
included (``1`` is not ``True``), with no problem; whatever else it leaves (None).  Tried on
every bundled and generated record, on documents generated from a grammar of the YAML
forms it reads and their near misses (keys and scalars YAML 1.1 reads otherwise, quotes,
flow collections, block scalars with every header, indents off by one, comments), and on
records with random edits.  The compiled build runs every file of a validation through
it (the rest of the suite); here it is also forced on for the pure one.
"""

from __future__ import annotations

import marshal
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdsctl.load import blockyaml
from cdsctl.load.files import walk
from cdsctl.load.reading import read_source
from cdsctl.load.yamltext import load_exact
from cdsctl.validation.onefile import check_file_wire

REPO = Path(__file__).resolve().parent.parent
QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types throughout (``True == 1`` in Python)."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def has_null(data: Any) -> bool:
    if data is None:
        return True
    if type(data) is dict:
        return any(has_null(v) for v in data.values())
    if type(data) is list:
        return any(has_null(v) for v in data)
    return False


def agrees(text: str) -> bool:
    """Whether blockyaml left `text`, or read it as the exact loader does (asserted)."""
    found = blockyaml.parse(text)
    if found is None:
        return False
    exact = load_exact(text)
    assert not exact.problems, (text, found, exact.problems)
    assert same(found[0], exact.data), (text, found[0], exact.data)
    assert found[1] == has_null(exact.data), text
    lines = found[2]  # no text blank, line breaks only under these top-level keys
    for path, value in _texts(found[0]):
        assert value and not value.isspace(), (text, path)
        assert "\n" not in value or lines is None or path in [(key,) for key in lines], text
    return True


def _texts(data: Any, path: tuple[Any, ...] = ()) -> Any:
    """(path, text) of every text value in `data`."""
    if type(data) is dict:
        for key, value in data.items():
            yield from _texts(value, (*path, key))
    elif type(data) is list:
        for n, value in enumerate(data):
            yield from _texts(value, (*path, n))
    elif type(data) is str:
        yield path, data


def _record_texts(root: Path) -> list[tuple[Path, str]]:
    return [(root / f, read_source(root / f).yaml) for f in walk(root)]


def test_every_bundled_and_generated_record_is_read_by_it(generated: Path) -> None:
    """The subset is what records are written in: every record of the bundled repository
    and of bench/gen.py takes it (a record left to yaml-rs costs a cold run 10 µs), and
    reads as the exact loader reads it."""
    texts = _record_texts(REPO / "records") + _record_texts(generated)
    left = [str(path) for path, text in texts if not agrees(text)]
    assert len(texts) > 1000 and not left, left[:5]
    for _, text in texts:  # (the summaries need not intern them again: onefile._shared)
        found = blockyaml.parse(text)
        assert found is not None and not list(_not_interned(found[0]))


def _not_interned(data: Any, key: Any = None) -> Any:
    """The keys and texts of `data` that should be interned and are not: every key, every
    text up to blockyaml.SHARED_LENGTH but an id."""
    if type(data) is dict:
        for k, v in data.items():
            if k is not sys.intern(k):
                yield k
            yield from _not_interned(v, k)
    elif type(data) is list:
        for item in data:
            yield from _not_interned(item)
    elif (
        type(data) is str
        and len(data) <= blockyaml.SHARED_LENGTH
        and key != "id"
        and (data is not sys.intern(data))
    ):
        yield data


# -- documents from a grammar -------------------------------------------------------------

#: keys and plain scalars as records write them, and what YAML 1.1 reads otherwise or what
#: is no plain scalar; each choice below takes an odd one now and then (ODDS)
KEYS = ["kind", "id", "title", "a", "b_c", "x-y", "_k", "K2", "n", "y"]
ODD_KEYS = ["yes", "on", "NO", "null", "~", "2022", "1", "a b", '"q"', "'q'", "Đề", "k:x", "?k",
            "-k", "<<", "=", "a#b", "#a", "[a]", "{a}", "&a", "*a", "!a"]  # fmt: skip
PLAIN = ["a", "\u3000x", "Kế hoạch", "STTTT", "not-started", "90", "0", "-3", "-0", "1.5",
         "0.5", "-2.25",
         "2023-02-10", "303/BC-STTTT", "Đề án 06", "10%", "a#b", "a:b", "http://x.vn", "y",
         "nULL", "yes", "No", "~", "a'b", 'a"b', "1,5", "1-2"]  # fmt: skip
ODD_PLAIN = ["\u00a0", "+5", "00.5", "01", "010", "08", "0x1F", "0o17", "0b11", "1_000", "1e3",
             "1.5e3",
             ".5", "1.", "-.5", ".inf", ".nan", "1:30", "14:00", "12:00:00", "ON", "off",
             "True", "FALSE", "n", "null", "Null", "NULL", "2023-2-10", "20230-02-10",
             "2023-02-10T10:00:00", "2023-02-10 10:00", "2023/02/10", "1.2.3", "a #b", "a: b",
             "a:", "-a", "- a", "-", "--", "---", "...", "?x", "? x", ":x", "|", "|-", ">",
             "&a", "*a", "!t", "%x", "@x", "`x", "<<", "=", "<a", "a  b", "a ", "'q'", '"q"',
             "[x]", "[x, y]", "{x: 1}", "{x}", "#", "# c", "a,b", "a]", "a}", "\\",
             "a\\nb"]  # fmt: skip
ALPHABET = "ab0159 -:#.,'\"[]{}|>&*!%@`?~\\Đ"
INDICATORS = ["|", "|-", "|", "|-", "| # c"]
ODD_INDICATORS = ["|+", "|2", "|-2", ">", ">-", "|  ", "|x", "|#"]


#: one odd choice in this many, where a document has dozens of choices
ODDS = 40


def _mostly(rng: random.Random, usual: list[Any], odd: list[Any]) -> Any:
    return rng.choice(odd if rng.randrange(ODDS) == 0 else usual)


def _scalar(rng: random.Random) -> str:
    if rng.randrange(ODDS) == 0:
        return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 7)))
    return str(_mostly(rng, PLAIN, ODD_PLAIN))


def _scalar_form(rng: random.Random) -> str:
    """A scalar as written after `key:` or `- `: plain, quoted (well or badly), a comment."""
    text = _scalar(rng)
    form = _mostly(rng, ["plain", "plain", "single", "double"], ["raw-single", "raw-double"])
    if form == "single":
        text = "'" + text.replace("'", "''") + "'" if rng.randrange(ODDS) else "''"
    elif form == "double":
        text = '"' + text.replace("\\", "").replace('"', "") + '"'
    elif form == "raw-single":
        text = f"'{text}'"
    elif form == "raw-double":
        text = f'"{text}"'
    return text + _mostly(rng, ["", "", " ", " # c"], ["  ", "# c", " #", "#"])


def _flow(rng: random.Random) -> str:
    items = [_scalar(rng) for _ in range(rng.randint(0, 4))]
    comma = _mostly(rng, [", ", ","], [" , ", ",  ", ",,"])
    if rng.random() < 0.5:
        keys = rng.sample(KEYS, len(items)) if rng.randrange(ODDS) else [
            _mostly(rng, KEYS, ODD_KEYS) for _ in items]  # fmt: skip
        inner = comma.join(f"{k}{_mostly(rng, [': '], [':', ' : ', ':  '])}{v}"
                           for k, v in zip(keys, items, strict=True))  # fmt: skip
        text = "{" + inner + _mostly(rng, [""], [",", " "]) + "}"
    else:
        quoted = [f"'{i}'" if rng.random() < 0.5 and "'" not in i else i for i in items]
        text = "[" + comma.join(quoted) + _mostly(rng, [""], [",", " "]) + "]"
    return text + _mostly(rng, ["", " # c"], [" ", "x", "#c"])


def _block(rng: random.Random, indent: int) -> list[str]:
    """A block scalar's header and lines, under something at `indent`."""
    margin = indent + _mostly(rng, [1, 2], [0, 3])
    lines = [_mostly(rng, INDICATORS, ODD_INDICATORS)]
    for _ in range(_mostly(rng, [1, 2, 3, 4], [0])):
        kind = _mostly(rng, ["text", "text", "text", "empty", "deeper"], ["spaces", "less"])
        if kind == "empty":
            lines.append("")
        elif kind == "spaces":
            lines.append(" " * rng.randint(1, margin + 2))
        else:
            extra = {"text": 0, "deeper": 2, "less": -1}[kind]
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8)))
            lines.append(" " * max(0, margin + extra) + (_scalar(rng) if kind == "text" else text))
    return lines


def _mapping(rng: random.Random, indent: int, depth: int) -> list[str]:
    lines: list[str] = []
    keys = rng.sample(KEYS, rng.randint(1, 4))
    for key in keys:
        if rng.randrange(ODDS) == 0:
            key = rng.choice(ODD_KEYS + keys)  # (a key twice)
        pad = " " * max(0, indent + _mostly(rng, [0], [1, -1]))
        sep = _mostly(rng, [": "], [":  ", ":", " : "])
        lines.extend(_entry(rng, pad + key + sep, len(pad), depth))
        if rng.randrange(10) == 0:
            lines.append(_mostly(rng, ["", "# c", " " * indent + "# c"], ["  ", " #"]))
    return lines


def _entry(rng: random.Random, head: str, indent: int, depth: int) -> list[str]:
    """`head` (`key: ` or `- `) and its value, on this line and maybe the next ones."""
    choices = ["scalar", "scalar", "flow", "block", "empty"]
    if depth > 0:
        choices += ["map", "list", "list"]
    kind = rng.choice(choices)
    if kind == "scalar":
        lines = [head + _scalar_form(rng)]
        if rng.randrange(ODDS) == 0:  # a plain scalar over two lines, or a stray line
            lines.append(" " * (indent + rng.randint(0, 3)) + _scalar(rng))
        return lines
    if kind == "flow":
        return [head + _flow(rng)]
    if kind == "block":
        block = _block(rng, indent)
        return [head + block[0], *block[1:]]
    if kind == "empty":
        return [head.rstrip(" ") + _mostly(rng, [""], [" # c"])]
    deeper = indent + _mostly(rng, [2, 4], [1, 3])
    if kind == "map":
        return [head.rstrip(" "), *_mapping(rng, deeper, depth - 1)]
    at = indent if rng.random() < 0.5 else deeper  # a list at its key's indent, or deeper
    lines = [head.rstrip(" ")]
    for _ in range(rng.randint(1, 3)):
        dash = " " * at + _mostly(rng, ["- "], ["-  ", "-", "-- "])
        if rng.random() < 0.5:
            item = _mapping(rng, len(dash), depth - 1)
            lines.extend([dash + item[0].lstrip(" "), *item[1:]])
        else:
            lines.extend(_entry(rng, dash, at, depth - 1))
    return lines


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A document of the grammar above, its choices made by a random generator that
    hypothesis seeds (uniform: hypothesis's own draws lean to their bounds, which made
    nearly every document odd)."""
    rng = random.Random(draw(st.integers(0, 2**64)))
    lines = _mapping(rng, 0, 2)
    if rng.randrange(10) == 0:
        lines.insert(0, _mostly(rng, ["# c", ""], ["---", "%YAML 1.1\n---"]))
    return "\n".join(lines) + _mostly(rng, ["\n"], ["\n\n", "", "\n# end\n", "\n  \n"])


@settings(max_examples=4000, deadline=None, suppress_health_check=QUIET)
@given(documents())
def test_whatever_it_reads_the_exact_loader_reads_alike(text: str) -> None:
    agrees(text)


def test_the_grammar_reaches_it() -> None:
    """The test above is worth what the parser accepts of what the grammar makes: a good
    share of the documents, nested ones among them."""
    taken: list[tuple[bool, bool]] = []

    @settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=QUIET)
    @given(documents())
    def run(text: str) -> None:
        taken.append((agrees(text), text.count("\n ") > 0))

    run()
    read = [nested for ok, nested in taken if ok]
    assert len(read) >= len(taken) // 5, f"{len(read)} of {len(taken)}"
    assert sum(read) >= len(read) // 4, f"{sum(read)} nested of {len(read)}"


# -- records with random edits ------------------------------------------------------------


@settings(max_examples=4000, deadline=None, suppress_health_check=QUIET)
@given(st.randoms(use_true_random=False), st.integers(1, 3))
def test_a_record_with_random_edits_is_read_alike_or_left(rng: random.Random, edits: int) -> None:
    """Any edit of a real record (a character inserted or deleted, a line moved in or out,
    doubled): read as the exact loader reads it, or left to it."""
    texts = EDITABLE
    text = rng.choice(texts)
    for _ in range(edits):
        lines = text.split("\n")
        n = rng.randrange(len(lines))
        how = rng.choice(["insert", "insert", "delete", "indent", "dedent", "double"])
        line = lines[n]
        if how == "insert":
            at = rng.randint(0, len(line))
            lines[n] = line[:at] + rng.choice(ALPHABET + "\n") + line[at:]
        elif how == "delete" and line:
            at = rng.randrange(len(line))
            lines[n] = line[:at] + line[at + 1 :]
        elif how == "indent":
            lines[n] = " " * rng.randint(1, 2) + line
        elif how == "dedent":
            lines[n] = line[rng.randint(1, 2) :] if line.startswith(" ") else line
        elif how == "double":
            lines.insert(n, line)
        text = "\n".join(lines)
    agrees(text)


EDITABLE = [text for _, text in _record_texts(REPO / "records")]


# -- in the pipeline ------------------------------------------------------------------------


@pytest.mark.parametrize("on", [True, False])
def test_a_file_checks_the_same_with_it_or_without(
    generated: Path, on: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file's result (diagnostics, summary, values) is the same whether the subset
    parser is used (the compiled build) or not (plain Python): yaml-rs and its doubts."""
    roots = [REPO / "records", generated]
    files = [(root, p.relative_to(root).as_posix()) for root in roots
             for p, _ in _record_texts(root)]  # fmt: skip
    monkeypatch.setattr(blockyaml, "COMPILED", on)
    first = [_values(check_file_wire(root, relpath)[1]) for root, relpath in files]
    monkeypatch.setattr(blockyaml, "COMPILED", not on)
    assert [_values(check_file_wire(root, relpath)[1]) for root, relpath in files] == first


def _values(wire: tuple[Any, ...]) -> tuple[Any, ...]:
    """A wire result with its blob read back (marshal's bytes tell shared objects apart), no
    diagnostics as one empty list (the fast path's is a tuple)."""
    return (wire[0], list(wire[1]), wire[2], marshal.loads(wire[3]) if wire[3] else None)


HEAD = "kind: task\nid: T.1\ndirective: TB-1-2022\nlead: STTTT\n"


@pytest.mark.parametrize("on", [True, False])
@pytest.mark.parametrize(("text", "wrong"), [
    (HEAD + "title: |\n  Hai\n  dòng\n", True),
    (HEAD + "title: |-\n  Một dòng\n", False),  # (one line once chomped)
    (HEAD + "title: Việc\nsupport: [' ']\n", True),
    (HEAD + "title: \u00a0\n", True),
    (HEAD + "title: ''\n", True),
    (HEAD + "title: Việc\ndescription: |\n  \u00a0\n", True),
    (HEAD + "title: Việc\ndescription: |\n  Hai\n  dòng\n", False),
    ("kind: report\nid: BC-1\nagency: STTTT\ndate: 2022-06-21\ntasks:\n"
     "  - task: TB-1-2022.1\n    status: done\n    note: |\n      Hai\n      dòng\n", False),
    ("kind: report\nid: BC-1\nagency: STTTT\ndate: 2022-06-21\ntasks:\n"
     "  - task: |\n      TB-1-2022.1\n      TB-1-2022.2\n    status: done\n", True),
])  # fmt: skip
def test_text_on_two_lines_or_blank_where_one_line_belongs_is_found_either_way(
    tmp_path: Path, text: str, wrong: bool, on: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """msgspec's check skips the patterns of plain text (one line, not blank) when the
    line parser promises them (checks.fast.LEAN_STRUCTS): a `|` block in a one-line field,
    blank text, are still found, with or without the parser."""
    monkeypatch.setattr(blockyaml, "COMPILED", on)
    relpath = "tasks/T.1.yaml" if "kind: task" in text else "reports/BC-1.yaml"
    (tmp_path / relpath).parent.mkdir(parents=True)
    (tmp_path / relpath).write_text(text, encoding="utf-8")
    found = list(check_file_wire(tmp_path, relpath)[1][1])
    monkeypatch.setattr(blockyaml, "COMPILED", not on)
    assert list(check_file_wire(tmp_path, relpath)[1][1]) == found
    assert bool([d for d in found if d[3] == "error"]) == wrong, found
