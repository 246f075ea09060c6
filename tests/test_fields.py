"""Field names (spec 1.1 §2): an unknown field near a real one is an error naming it.

A near miss (a few edits, or only case, diacritics and separators apart) or a synonym
from `cdsctl.messages.fieldnames.SYNONYMS` of a field of the same mapping is
`misspelled-field`, an error;
any other unknown field stays an `unknown-field` warning.  The cases are generated from every
field of every mapping the format has (top level and nested), with an edit-distance oracle
written independently of the checker's.  Also here: the fields spec 1.1 adds (`visibility`,
an actual's `date`) on both parse paths.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cdsctl.checks.fast import fast_check
from cdsctl.load.reading import RecordText
from cdsctl.messages.fieldnames import ELSEWHERE, SYNONYMS, edits
from cdsctl.schema import SCHEMAS, WORKING_DAYS, Context, DateOrWorkingDays, ListOf, Struct, Type
from cdsctl.validation.onefile import load_positions
from cdsctl.validation.pipeline import validate

from .conftest import AGENCIES, DIRECTIVE, SAMPLE, TASK, build_tree


def _structs() -> list[Struct]:
    """Every mapping of the format: the kinds and every struct nested in them."""
    found: dict[int, Struct] = {}

    def visit(t: Type) -> None:
        if isinstance(t, ListOf):
            visit(t.item)
        elif isinstance(t, DateOrWorkingDays):
            visit(WORKING_DAYS)
        elif isinstance(t, Struct) and id(t) not in found:
            found[id(t)] = t
            for f in t.fields.values():
                visit(f.type)

    for struct in SCHEMAS.values():
        visit(struct)
    return list(found.values())


STRUCTS = _structs()
FIELDS = [(s, name) for s in STRUCTS for name in s.fields]


def _finding(struct: Struct, key: str) -> tuple[str, str]:
    """(code, message) of the one finding an unknown `key` gets in `struct` on the exact path."""
    ctx = Context()
    struct.check({key: "x"}, (), ctx)
    found = [(f.code, f.message) for f in ctx.findings if f.path == (key,)]
    assert len(found) == 1, (key, ctx.findings)
    return found[0]


def _named(message: str) -> str:
    return message.rsplit("did you mean '", 1)[1].removesuffix("'?")


# ----------------------------------------------------------------------- the oracle


def _loose(name: str) -> str:
    """Without case, diacritics (đ → d), `_`, `-`, spaces and dots, spelt out again here."""
    bare = "".join(c for c in unicodedata.normalize("NFD", name.lower())
                   if not unicodedata.combining(c))  # fmt: skip
    return "".join(c for c in bare.replace("đ", "d") if c not in "_-. ")


def _neighbours(text: str, alphabet: set[str]) -> set[str]:
    """Every string one edit from `text`: a letter deleted, inserted, changed, or two
    neighbours swapped (inserted and changed letters taken from `alphabet`)."""
    n = range(len(text))
    out = {text[:i] + text[i + 1 :] for i in n}
    out |= {text[:i] + c + text[i:] for i in range(len(text) + 1) for c in alphabet}
    out |= {text[:i] + c + text[i + 1 :] for i in n for c in alphabet}
    return out | {text[:i] + text[i + 1] + text[i] + text[i + 2 :] for i in n[:-1]}


def _within(a: str, b: str, edits: int) -> bool:
    """Whether `b` is at most `edits` (1 or 2) edits from `a`, by searching: edits can be
    undone, so two edits apart means a string one edit from both.  (A letter neither holds
    never helps, so the alphabet is theirs.)"""
    alphabet = set(a) | set(b)
    near = _neighbours(a, alphabet) | {a}
    return b in near or (edits == 2 and bool(near & _neighbours(b, alphabet)))


def _synonym_of(struct: Struct, key: str) -> bool:
    loose = _loose(key)
    return any(name in struct.fields and any(_loose(s) == loose for s in others.split())
               for name, others in SYNONYMS.items())  # fmt: skip


def _elsewhere(struct: Struct, key: str) -> bool:
    return any(_loose(k) == _loose(key) for k in ELSEWHERE.get(struct.name, {}))


@settings(max_examples=200, deadline=None)
@given(st.text("abc", max_size=4), st.text("abc", max_size=4))
def test_edits_counts_the_fewest_edits(a: str, b: str) -> None:
    """fieldnames.edits against a breadth-first search over one-edit neighbours."""
    found, seen, distance = {a}, {a}, 0
    while b not in found:
        distance += 1
        found = set().union(*(_neighbours(x, set(a) | set(b)) for x in found)) - seen
        seen |= found
    assert edits(a, b) == distance


# ------------------------------------------------------------------ generated near misses

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _edit(name: str, draw: st.DrawFn) -> str:
    """One random edit of `name`: a letter left out, added, changed, two neighbours swapped,
    a letter capitalised or given a diacritic, a separator changed."""
    i = draw(st.integers(0, len(name) - 1))
    letter = draw(st.sampled_from(LETTERS))
    edits: dict[str, Callable[[], str]] = {
        "delete": lambda: name[:i] + name[i + 1 :],
        "insert": lambda: name[:i] + letter + name[i:],
        "change": lambda: name[:i] + letter + name[i + 1 :],
        "swap": lambda: name[:i] + name[i + 1 : i + 2] + name[i] + name[i + 2 :],
        "upper": lambda: name[:i] + name[i].upper() + name[i + 1 :],
        "accent": lambda: unicodedata.normalize("NFC", name[: i + 1] + "\u0301" + name[i + 1 :]),
        "separator": lambda: name.replace("_", draw(st.sampled_from(["-", "", " ", "."]))),
        "camel": lambda: "".join(p.title() if n else p for n, p in enumerate(name.split("_"))),
    }
    return edits[draw(st.sampled_from(sorted(edits)))]()


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_one_edit_of_any_field_is_an_error_naming_a_close_field(data: st.DataObject) -> None:
    struct, name = data.draw(st.sampled_from(FIELDS))
    key = _edit(name, data.draw)
    assume(key and key not in struct.fields)
    code, message = _finding(struct, key)
    assert code == "misspelled-field", (struct.name, key, message)
    if _elsewhere(struct, key):
        return
    named = _named(message)
    assert named in struct.fields
    near = _within(_loose(key), _loose(named), 2)
    assert named == name or near or _synonym_of(struct, key), (key, name, named)


LONG_FIELDS = [(s, n) for s, n in FIELDS if len(_loose(n)) > 6]


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_two_edits_of_a_long_field_is_an_error(data: st.DataObject) -> None:
    struct, name = data.draw(st.sampled_from(LONG_FIELDS))
    key = _edit(_edit(name, data.draw), data.draw)
    assume(key and key not in struct.fields)
    code, message = _finding(struct, key)
    assert code == "misspelled-field", (struct.name, key, message)


def _synonym_cases() -> list[tuple[Struct, str, str]]:
    """(mapping, synonym, the field it must name): the first of the synonym's fields the
    mapping has, for every mapping having one."""
    cases = []
    for struct in STRUCTS:
        for name, others in SYNONYMS.items():
            for other in others.split():
                meant = [
                    n for n, o in SYNONYMS.items() if other in o.split() and n in struct.fields
                ]
                if name in struct.fields and other not in struct.fields and meant[0] == name:
                    cases.append((struct, other, name))
    return cases


SYNONYM_CASES = _synonym_cases()


@pytest.mark.parametrize(("struct", "key", "name"), SYNONYM_CASES, ids=lambda v: str(v)[:24])
def test_every_synonym_is_an_error_naming_its_field(struct: Struct, key: str, name: str) -> None:
    if _elsewhere(struct, key):
        pytest.skip("a hint, not a field (test_a_task_status_says_how_a_task_is_closed)")
    for variant in (key, key.upper(), key.replace("_", "-"), unicodedata.normalize("NFD", key)):
        code, message = _finding(struct, variant)
        assert (code, _named(message)) == ("misspelled-field", name), variant


def test_the_synonyms_of_the_issue() -> None:
    task = SCHEMAS["task"]
    for key in ("deadline", "dead_line", "han", "hạn", "han_chot", "due_date", "duedate",
                "thoi_han", "Hạn chót", "DEADLINE"):  # fmt: skip
        assert _finding(task, key) == ("misspelled-field", f"unknown field '{key}': did you "
                                       "mean 'due'?")  # fmt: skip
    assert _named(_finding(task, "chu_tri")[1]) == "lead"
    assert _named(_finding(task, "phoi_hop")[1]) == "support"
    assert _named(_finding(task, "ten")[1]) == "title"
    assert _named(_finding(SCHEMAS["meeting"], "chu_tri")[1]) == "chair"
    assert _named(_finding(SCHEMAS["report"], "ngay")[1]) == "date"
    assert _named(_finding(SCHEMAS["directive"], "ngay")[1]) == "issued"
    assert _named(_finding(SCHEMAS["directive"], "so")[1]) == "number"


def test_every_synonym_names_a_real_field() -> None:
    every_field = {name for struct in STRUCTS for name in struct.fields}
    assert set(SYNONYMS) <= every_field
    assert len(SYNONYM_CASES) > 150


@pytest.mark.parametrize("key", ["status", "trang_thai", "Trạng thái", "state", "progress"])
def test_a_task_status_says_how_a_task_is_closed(key: str) -> None:
    code, message = _finding(SCHEMAS["task"], key)
    assert code == "misspelled-field"
    assert "completed" in message and "report" in message


# --------------------------------------------------------------------- far names: warnings

FAR_CHARS = st.sampled_from(LETTERS + "_đư")


def _far(struct: Struct, key: str) -> bool:
    return (not any(_within(_loose(key), _loose(n), 2) for n in struct.fields)
            and not _synonym_of(struct, key) and not _elsewhere(struct, key))  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(STRUCTS), st.text(FAR_CHARS, min_size=1, max_size=14))
def test_a_name_far_from_every_field_stays_a_warning(struct: Struct, key: str) -> None:
    assume(_far(struct, key))
    assert _finding(struct, key)[0] == "unknown-field", (struct.name, key)


@pytest.mark.parametrize("key", ["ghi_chu", "url", "attachments", "created_by", "lien_ket", "x"])
def test_fields_people_add_on_purpose_stay_warnings(key: str) -> None:
    for kind in ("task", "directive", "report", "meeting"):
        assert _finding(SCHEMAS[kind], key) == ("unknown-field", f"unknown field '{key}'")


# ------------------------------------------------------------------ through the whole pipeline


@settings(max_examples=40, deadline=None)
@given(key=st.sampled_from([*SYNONYMS["due"].split(), "dead_line", "hạn", "Due", "deu", "dues"]))
def test_a_near_miss_in_a_file_is_an_error_at_its_key_on_both_paths(
    tmp_path_factory: pytest.TempPathFactory, key: str
) -> None:
    """The fast path leaves a record with an unknown field to the exact path, which reports
    it: the answer is the same whichever path a file takes."""
    text = TASK.replace("due: 2022-05-20", f"{key}: 2022-05-20")
    assert fast_check(_data(text), text, "tasks/TB-128-2022.1.yaml") is None
    root = _root(tmp_path_factory.mktemp("root"), {"tasks/TB-128-2022.1.yaml": text})
    found = [(d.code, d.line, d.column, str(d.severity)) for d in _diagnostics(root)]
    assert found == [("misspelled-field", 8, 1, "error")]


def test_a_near_miss_in_a_nested_mapping_is_reported_at_its_line(tmp_path: Path) -> None:
    text = TASK + "extensions:\n  - due: 2022-06-30\n    grnted: 2022-05-19\n"
    root = _root(tmp_path, {"tasks/TB-128-2022.1.yaml": text})
    found = [(d.code, d.line, d.column, d.message) for d in _diagnostics(root)]
    message = "unknown field 'grnted' in extensions[0]: did you mean 'granted'?"
    assert ("misspelled-field", 11, 5, message) in found


def _data(text: str) -> dict[str, Any]:
    data = load_positions(RecordText(text)).data
    assert isinstance(data, dict)
    return data


def _root(path: Path, files: dict[str, str]) -> Path:
    base = {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE}
    return build_tree(path, {**base, **files})


def _diagnostics(root: Path) -> list[Any]:
    return list(validate(root, cache_dir=False).diagnostics)


# ------------------------------------------------------------ spec 1.1's new optional fields


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
@pytest.mark.parametrize("visibility", ["public", "internal"])
def test_every_kind_may_carry_visibility(kind: str, visibility: str) -> None:
    assert SCHEMAS[kind].fields["visibility"].required is False
    ctx = Context()
    SCHEMAS[kind].fields["visibility"].type.check(visibility, ("visibility",), ctx)
    assert ctx.findings == []


def test_visibility_on_records_and_agencies_on_both_paths(tmp_path: Path) -> None:
    agencies = "kind: agencies\nvisibility: public\nagencies:\n" + "".join(
        f"  - id: {a}\n    name: Cơ quan {a}\n    visibility: {v}\n"
        for a, v in (("UBND", "public"), ("STTTT", "internal"), ("SCT", "public"))
    )
    task = TASK + "visibility: internal\n"
    data = _data(task)
    assert fast_check(data, task, "tasks/TB-128-2022.1.yaml") is not None  # the fast path
    root = _root(tmp_path, {"agencies.yaml": agencies, "tasks/TB-128-2022.1.yaml": task})
    assert _diagnostics(root) == []
    bad = _root(tmp_path / "bad", {"tasks/TB-128-2022.1.yaml": TASK + "visibility: secret\n"})
    assert [(d.code, d.line) for d in _diagnostics(bad)] == [("invalid-value", 9)]


INDICATOR = """\
kind: indicator
id: kpi
name: Tỷ lệ hồ sơ trực tuyến
better: higher
actuals:
  - period: 2024-Q1
    value: 42.5
    date: {date}
"""


def test_an_actual_may_say_when_it_was_measured(tmp_path: Path) -> None:
    text = INDICATOR.format(date="2024-04-10")
    assert fast_check(_data(text), text, "indicators/kpi.yaml") is not None
    root = _root(tmp_path, {"indicators/kpi.yaml": text})
    assert _diagnostics(root) == []
    bad = _root(tmp_path / "bad", {"indicators/kpi.yaml": INDICATOR.format(date="10/4/2024")})
    assert [(d.code, d.line) for d in _diagnostics(bad)] == [("date-format", 8)]


def test_the_sample_records_stay_valid() -> None:
    assert [d for d in validate(SAMPLE, cache_dir=False).diagnostics] == []


REQUIRED = [(kind, n) for kind, s in SCHEMAS.items() for n, f in s.fields.items() if f.required]


@pytest.mark.parametrize(("kind", "field"), REQUIRED)
def test_a_misspelled_required_field_is_one_error_not_two(kind: str, field: str) -> None:
    """`Lead:` is reported as `lead` misspelled, not also as `lead` missing."""
    ctx = Context()
    SCHEMAS[kind].check({field.upper(): "x"}, (), ctx)
    mine = [(f.code, f.message) for f in ctx.findings if f.path == (field.upper(),)]
    assert mine == [
        ("misspelled-field", f"unknown field '{field.upper()}': did you mean '{field}'?")
    ]
    assert all(f"'{field}' is missing" not in f.message for f in ctx.findings)
