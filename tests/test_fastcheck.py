"""The happy-path checker (msgspec) never calls clean what the full checker would not."""

from __future__ import annotations

import copy
import json
import marshal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl.checks.fast import fast_check
from cdsctl.checks.record import check_record
from cdsctl.load.files import walk
from cdsctl.load.reading import ReadProblem, read_source
from cdsctl.load.yamltext import _scan
from cdsctl.schema import Checked
from cdsctl.validation.onefile import (
    _check_exactly,
    check_file_wire,
    group_references,
    load_positions,
)

from .conftest import REPO, SAMPLE

CORPUS = REPO / "tests" / "corpus" / "bad"


def _records(root: Any) -> list[tuple[str, dict[str, Any], str]]:
    out = []
    for relpath in walk(root):
        try:
            source = read_source(root / relpath)
        except Exception:
            continue
        data = load_positions(source).data
        if isinstance(data, dict):
            out.append((relpath, data, source.yaml + (source.body or "")))
    return out


SAMPLES = _records(SAMPLE)
ALL = SAMPLES + _records(CORPUS)


def _canon(values: Any) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False)  # 3 and 3.0 differ


def _grouped(checked: Checked) -> dict[tuple[str, ...], list[str]]:
    return {kinds: sorted(names) for kinds, names in group_references(checked).items()}


def _holds_none(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_holds_none(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_none(v) for v in value)
    return value is None


def _agree(relpath: str, data: dict[str, Any], text: str) -> None:
    # records.py passes _scan's answer, complete whenever it takes the fast path (the scan
    # stops early only at doubtful text, which goes to the exact path); here it is exact
    nulls = _holds_none(data)
    if not _scan(data).doubtful:
        assert _scan(data).nulls == nulls
    fast = fast_check(copy.deepcopy(data), text, relpath, nulls=nulls)
    if fast is None:
        return
    full = check_record(copy.deepcopy(data), relpath)
    assert full.findings == [], (relpath, full.findings)
    assert (fast.kind, fast.id) == (full.kind, full.id)
    assert _canon(fast.values) == _canon(full.values)
    assert _grouped(fast) == _grouped(full)


@pytest.mark.parametrize(("relpath", "data", "text"), ALL, ids=[r[0] for r in ALL])
def test_fast_and_full_checks_agree_on_every_file(relpath: str, data: Any, text: str) -> None:
    _agree(relpath, data, text)


def test_clean_sample_records_take_the_fast_path() -> None:
    slow = [r for r, data, text in SAMPLES if fast_check(copy.deepcopy(data), text, r) is None]
    assert slow == []


REPLACEMENTS = [
    "", "  ", True, False, None, 3, 3.5, -1, 101, 0, 32, float("nan"), float("inf"), -1e309,
    # (control characters and U+2028 are screened in the text, as NFC is: see EDITS)
    "2022-05-20\n", " 2022-05-20", "２０２２-０５-２０", "2022-Q2\n", "a\nb", "01/2024",
    "2022-5-20", "20/5/2022", "2022-02-30",
    "2022-05-20", "no", "x\u0301", "Sở TT&TT", [], [1], ["a"], {}, {"working_days": 3},
    {"working_days": 0}, {"x": 1}, "monthly", "weekly", "done", "finished", "TB", "KH",
    "128/TB-UBND", "TB/128", "14:00", "25:00", "2022-Q2", "2022-13", "-bad", "a" * 81,
]  # fmt: skip


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*path, i))
    return out


def _mutate(data: dict[str, Any], path: tuple[Any, ...], new: Any, delete: bool) -> None:
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_mutated_records_never_pass_fast_when_the_full_check_objects(draw: st.DataObject) -> None:
    relpath, data, text = draw.draw(st.sampled_from(SAMPLES))
    data = copy.deepcopy(data)
    for _ in range(draw.draw(st.integers(1, 2))):
        paths = _paths(data)
        if not paths:
            break
        path = draw.draw(st.sampled_from(paths))
        new = draw.draw(st.sampled_from(REPLACEMENTS))
        _mutate(data, path, copy.deepcopy(new), delete=draw.draw(st.booleans()))
    if draw.draw(st.booleans()):
        data[draw.draw(st.sampled_from(["dead_line", "title", "due", "every", "x"]))] = "2022-05-20"
    _agree(relpath, data, text)


def _sample_files() -> list[tuple[str, bytes]]:
    return [(relpath, (SAMPLE / relpath).read_bytes()) for relpath in walk(SAMPLE)]


SAMPLE_FILES = _sample_files()
#: snippets inserted into real records: what either checker could read otherwise
EDITS = [
    "017", " 017", "-.5", "no", "14:00", "'", '"', "\n", "\n  ", "- ", "#", ": ", "x",
    "\nprogress: 017", "\ndue: 2022-5-20", "\nlead: SXYZ", "\nx_field: 1", "e\u0301", "~",
    "\nsupport: [ND-CAT, ND-CAT]", "\nextensions: []", "\nevery: monthly", "  ", ",", "]",
    "Đề án 06", "2022-02-30", "\nperiod: 2022-Q5", "\nprogress: 101", "\ncompleted: null",
    "\nindicators: []", "\nvia: []", "\nsupport: []",
    # exact scalars (spec 1.1 §2): control characters, non-characters, other digits, line
    # breaks in one-line text, non-finite and YAML 1.1 numbers
    "\x07", "\x7f", "\x85", "\x9f", "\ufffe", "\ufdd0", "\U0001fffe", "２", "\u2028",
    "\nprogress: .nan", "\nprogress: .inf", "\nprogress: 0x1F", "\nprogress: 1_000",
    "\nperiod: |\n  2023-07", '\nissued: "2022-05-12\\n"', "\ntitle: |\n  x",
    "\ndue: |\n  2022-05-20\n", '\nnumber: "7/BC-STTTT\\n"', "\nstatus: hoàn thành",
]  # fmt: skip


def _canon_wire(wire: tuple[Any, ...]) -> tuple[Any, ...]:
    file, diagnostics, summary, blob = wire
    if summary is not None:
        kind, record_id, _, view, names = summary
        names = {kinds: sorted(found) for kinds, found in names.items()}
        summary = (kind, record_id, _canon(view), names)
    values = _canon(marshal.loads(blob)) if blob is not None else None
    return file, list(diagnostics), summary, values


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_file_checked_on_the_fast_path_gets_the_exact_paths_result(
    tmp_path_factory: pytest.TempPathFactory, draw: st.DataObject
) -> None:
    """End to end, per file: whenever the fast path (yaml-rs + msgspec) accepts an edited
    sample record, the position-keeping path finds the same: no diagnostics, the same
    summary and the same values."""
    relpath, data = draw.draw(st.sampled_from(SAMPLE_FILES))
    text = data.decode("utf-8")
    for _ in range(draw.draw(st.integers(0, 2))):
        at = draw.draw(st.integers(0, len(text)))
        text = text[:at] + draw.draw(st.sampled_from(EDITS)) + text[at:]
    root = tmp_path_factory.mktemp("root")
    (root / relpath).parent.mkdir(parents=True, exist_ok=True)
    (root / relpath).write_text(text, encoding="utf-8")
    _, wire = check_file_wire(root, relpath)
    try:
        source = read_source(root / relpath)
    except ReadProblem:  # no YAML to parse (a .md whose front matter an edit broke)
        return
    exact = _check_exactly(source, relpath).to_wire()
    assert _canon_wire(wire) == _canon_wire(exact), text


# -- summaries share their texts -----------------------------------------------------------------

_TEXT = st.text(max_size=50)
#: keys as YAML reads them in a record with errors: text, numbers, booleans, dates, null
_KEYS = _TEXT | st.integers() | st.booleans() | st.dates() | st.none()
_VIEWS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_KEYS, _VIEWS, max_size=6))
def test_interning_a_view_changes_no_value(view: dict[Any, Any]) -> None:
    from cdsctl.validation.onefile import _interned

    shared = _interned(copy.deepcopy(view))
    assert shared == view
    assert repr(shared) == repr(view)  # (the same types and order too: 1 is not True)


def test_summaries_read_back_share_each_key_and_short_text(tmp_path: Any) -> None:
    """A cold validation holds every file's summary: two reports' summaries, each marshalled
    (a worker's chunk, a shard) and read back apart, hold one string for each key and each
    short text they both have."""
    reports = sorted((SAMPLE / "reports").rglob("*.yaml"))[:2]
    loaded = []
    for path in reports:
        relpath = path.relative_to(SAMPLE).as_posix()
        _, wire = check_file_wire(SAMPLE, relpath)
        loaded.append(marshal.loads(marshal.dumps(wire))[2])
    (kind0, id0, _, view0, names0), (kind1, id1, _, view1, names1) = loaded
    assert kind0 is kind1
    shared_keys = [k for k in view0 if k in view1]
    assert shared_keys and all(k is next(j for j in view1 if j == k) for k in shared_keys)
    item0, item1 = view0["tasks"][0], view1["tasks"][0]
    assert all(k is next(j for j in item1 if j == k) for k in item0 if k in item1)
    assert any(view0[k] == view1[k] for k in ("agency", "date", "kind"))
    for key in ("agency", "date", "kind"):
        if view0[key] == view1[key]:
            assert view0[key] is view1[key]
    assert id0 != id1
    both = [(a, b) for kinds in names0.keys() & names1.keys()
            for a in names0[kinds] for b in names1[kinds] if a == b]  # fmt: skip
    assert both and all(a is b for a, b in both)  # (the names they refer to: one string)


@pytest.mark.parametrize("key", ["2022", "true", "null", "~", "2024-01-01", "1.5", "0x1F", "'t'"])
def test_a_record_with_a_key_yaml_reads_as_no_text_is_summarised(tmp_path: Any, key: str) -> None:
    """Every scalar form YAML may read a key as (a number, a boolean, null, a date), at the
    top or nested: the record is checked (a warning), its summary made, nothing raised."""
    relpath, data = next((r, d) for r, d in SAMPLE_FILES if r.startswith("tasks/"))
    (tmp_path / relpath).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / relpath).write_bytes(data + f"{key}:\n  {key}: x\n".encode())
    _, wire = check_file_wire(tmp_path, relpath)
    assert wire[2] is not None, wire[1]
    marshal.dumps(wire)  # (what a worker sends)
