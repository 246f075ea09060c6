"""`cdsctl schema KIND`: valid draft 2020-12 schemas that accept every bundled record."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from cdsctl.load.files import walk
from cdsctl.load.reading import read_source
from cdsctl.schema import KINDS, json_schema
from cdsctl.validation.onefile import load_positions

from .conftest import SAMPLE, invoke


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    code, out = invoke("schema", kind)
    assert code == 0
    schema = json.loads(out)
    assert schema == json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert "kind" in schema["required"]


def _sample_records() -> list[tuple[str, dict[str, object]]]:
    out = []
    for relpath in walk(SAMPLE):
        data = load_positions(read_source(SAMPLE / relpath)).data
        out.append((relpath, data))
    return out


@pytest.mark.parametrize(("relpath", "data"), _sample_records(), ids=lambda v: str(v)[:40])
def test_every_sample_record_matches_its_schema(relpath: str, data: dict[str, object]) -> None:
    schema = json_schema(str(data["kind"]))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_rejects_what_validate_rejects() -> None:
    schema = json_schema("task")
    bad = {"kind": "task", "id": "x", "directive": "d", "title": "t", "lead": "L", "due": False}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)


def test_unknown_kind_is_a_usage_error() -> None:
    code, _ = invoke("schema", "taks")
    assert code == 2


def test_optional_null_is_absent_in_the_schema_too() -> None:
    agencies = {"kind": "agencies", "agencies": [{"id": "A", "name": "n", "parent": None}]}
    jsonschema.Draft202012Validator(json_schema("agencies")).validate(agencies)
    task = {"kind": "task", "id": "x", "directive": "d", "title": "t", "lead": None}
    with pytest.raises(jsonschema.ValidationError):  # a required field may not be null
        jsonschema.Draft202012Validator(json_schema("task")).validate(task)


def test_schema_flags_unknown_fields_for_editors() -> None:
    task = {"kind": "task", "id": "x", "directive": "d", "title": "t", "lead": "L", "dead_line": 1}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(json_schema("task")).validate(task)


def _subschemas(node: object) -> list[dict[str, object]]:
    if isinstance(node, list):
        return [s for item in node for s in _subschemas(item)]
    if not isinstance(node, dict):
        return []
    return [node, *(s for value in node.values() for s in _subschemas(value))]


@pytest.mark.parametrize("kind", KINDS)
def test_patterns_use_no_class_escape_that_differs_in_ecma262(kind: str) -> None:
    """`\\d`, `\\w`, `\\s` (and capitals) are Unicode-wide in Python, ASCII in editors; a bare
    `$` also matches before a final line break in Python (tests/test_schema_ecma.py runs
    both engines)."""
    patterns = [s["pattern"] for s in _subschemas(json_schema(kind)) if "pattern" in s]
    for pattern in patterns:
        assert isinstance(pattern, str)
        assert not re.search(r"\\[dDwWsS]", pattern), pattern
        assert pattern.count("$") == pattern.count("$(?!\\n)"), pattern


def test_spec_1_1_fields_are_in_the_schemas() -> None:
    for kind in KINDS:
        assert "visibility" in json_schema(kind)["properties"], kind
    agency = json_schema("agencies")["properties"]["agencies"]["items"]  # (required: no null)
    assert agency["properties"]["visibility"]["anyOf"][0] == {"enum": ["public", "internal"]}
    indicator = json_schema("indicator")["properties"]
    actual = indicator["actuals"]["anyOf"][0]["items"]["properties"]
    target = indicator["targets"]["anyOf"][0]["items"]["properties"]
    assert "date" in actual and "date" not in target
