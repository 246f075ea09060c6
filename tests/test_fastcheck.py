"""The happy-path checker (msgspec) never calls clean what the full checker would not."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl.checks.record import check_record
from cdsctl.fastcheck import fast_check
from cdsctl.files import read_source, walk
from cdsctl.records import group_references, load_positions
from cdsctl.schema import Checked
from cdsctl.yamlload import _scan

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
    "", "  ", True, False, None, 3, 3.5, -1, 101, 0, 32, "2022-5-20", "20/5/2022", "2022-02-30",
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
