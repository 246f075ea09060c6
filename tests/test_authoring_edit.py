"""Edits that keep a record file as written (issue 11, requirement 4), and new records.

cdsctl.authoring.edit changes a record's text in place: only the edited key's lines differ,
comments, quoting, key order, line endings, a byte-order mark and a Markdown body stay, and
each edit proves itself by reading its result back with the project's loader.  Checked on
every bundled record, on hand-written files in every layout a person writes, on generated
values and generated records (hypothesis), and on the files it must refuse.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cdsctl.authoring.edit import EditError, append_item, emit_record, set_key
from cdsctl.authoring.emit import literal_lines, plain_ok, quoted, same, verify
from cdsctl.load.reading import source_of
from cdsctl.load.scalarpos import LINE_BREAK
from cdsctl.load.yamltext import Loaded
from cdsctl.validation.onefile import load_positions

from .conftest import SAMPLE
from .test_scalars import record_file

# -- helpers ----------------------------------------------------------------------------------


def loaded(text: str, markdown: bool = False) -> Loaded:
    """The file `text` as the project's loader reads it (a Markdown body as `body`)."""
    return load_positions(source_of(text.encode("utf-8"), markdown))


def data_of(text: str, markdown: bool = False) -> Any:
    found = loaded(text, markdown)
    assert not [p for p in found.problems if p.code != "control-character"], found.problems
    return found.data


def changed(old: str, new: str) -> tuple[int, int, list[str]]:
    """The one stretch of lines that differs: old lines [start, stop) became `added`; every
    line before and after is the same (lines as YAML breaks them: `\\x0b` breaks none)."""
    a, b = LINE_BREAK.split(old), LINE_BREAK.split(new)
    start = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                 min(len(a), len(b)))  # fmt: skip
    same = 0
    while same < min(len(a), len(b)) - start and a[-1 - same] == b[-1 - same]:
        same += 1
    return start, len(a) - same, b[start : len(b) - same]


def top_lines(text: str, markdown: bool) -> dict[str, int]:
    """Each top-level key → the 0-based line of the file where it stands."""
    return {path[0]: where[0] - 1 for path, where in loaded(text, markdown).positions.keys.items()
            if len(path) == 1 and isinstance(path[0], str)}  # fmt: skip


def yaml_end(text: str, markdown: bool) -> int:
    """The 0-based line just after the YAML: the closing `---`, or the end of the file."""
    lines = LINE_BREAK.split(text)
    return lines.index("---", 1) if markdown else len(lines) - (lines[-1] == "")


def expect(old: dict[str, Any], key: str, value: Any, markdown: bool = False) -> dict[str, Any]:
    """`old` with `key` set to `value` (a new key before a Markdown body)."""
    if key in old or not markdown:
        return {**old, key: value}
    body = {"body": old["body"]} if "body" in old else {}
    return {**{k: v for k, v in old.items() if k != "body"}, key: value, **body}


def key_span(lines: dict[str, int], key: str, end: int) -> tuple[int, int]:
    """The lines from `key` up to the next top-level key (or `end`)."""
    start = lines[key]
    return start, min([n for n in lines.values() if n > start] + [end])


# -- every bundled record -----------------------------------------------------------------------

BUNDLED = sorted(p for p in SAMPLE.rglob("*") if p.suffix in (".yaml", ".md")
                 and p.name != "README.md")  # fmt: skip
NEW_VALUES: list[Any] = ["Ghi chú: thêm # không phải chú thích", "2022-06-10", 42, None,
                         {"date": "2022-06-10", "reason": "Hết nhu cầu", "by": "TB-128-2022"},
                         ["A", {"x": "y", "z": [1, 2.5]}]]  # fmt: skip


def _bundled(path: Path) -> tuple[str, bool]:
    return path.read_text(encoding="utf-8"), path.suffix == ".md"


def test_the_sample_holds_records_of_every_shape() -> None:
    assert len(BUNDLED) > 50
    assert any(p.suffix == ".md" for p in BUNDLED)
    assert SAMPLE / "agencies.yaml" in BUNDLED


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(SAMPLE)))
def test_a_new_key_on_a_bundled_record_only_adds_its_lines(path: Path) -> None:
    text, markdown = _bundled(path)
    old, end = data_of(text, markdown), yaml_end(text, markdown)
    for value in NEW_VALUES:
        new = set_key(text, "zz_note", value, markdown=markdown)
        assert data_of(new, markdown) == expect(old, "zz_note", value, markdown)
        start, stop, added = changed(text, new)
        assert (start, stop) == (end, end)
        assert added[0].startswith("zz_note:")
        after = text.splitlines(keepends=True)[end:]  # a Markdown file's `---` and body
        assert new.splitlines(keepends=True)[end + len(added) :] == after


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(SAMPLE)))
def test_replacing_a_bundled_records_value_changes_only_its_lines(path: Path) -> None:
    text, markdown = _bundled(path)
    old, lines, end = data_of(text, markdown), top_lines(text, markdown), yaml_end(text, markdown)
    for key, was in old.items():
        if key not in lines:
            continue  # a Markdown body
        one_line = not isinstance(was, list | dict) and "\n" not in str(was)
        value = f"{was} (sửa)" if one_line else "Giá trị mới"  # (one line: one change)
        new = set_key(text, key, value, markdown=markdown)
        assert data_of(new, markdown) == {**old, key: value}
        start, stop, added = changed(text, new)
        first, limit = key_span(lines, key, end)
        assert start == first and stop <= limit
        assert len(added) == 1 and added[0].startswith(f"{key}: ")
        if not isinstance(was, list | dict):  # a scalar: exactly its lines
            assert all(not line.strip() or line.lstrip().startswith("#")
                       for line in text.splitlines()[stop:limit])  # fmt: skip


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(SAMPLE)))
def test_appending_to_a_bundled_records_lists_only_adds_lines(path: Path) -> None:
    text, markdown = _bundled(path)
    old, lines, end = data_of(text, markdown), top_lines(text, markdown), yaml_end(text, markdown)
    lists = [k for k, v in old.items() if isinstance(v, list) and v]
    for key in lists:
        last = copy.deepcopy(old[key][-1])  # an item like the others
        item = {**last, next(iter(last)): "Mục thêm: mới"} if isinstance(last, dict) else "Mục thêm"
        new = append_item(text, key, item, markdown=markdown)
        assert data_of(new, markdown) == {**old, key: [*old[key], item]}
        start, stop, added = changed(text, new)
        first, limit = key_span(lines, key, end)
        source_line = text.splitlines()[first]
        if source_line.rstrip().endswith("]"):  # a flow list: its line is rewritten
            assert (start, stop) == (first, first + 1)
            assert added == [source_line.rstrip()[:-1] + ", Mục thêm]"]
        else:  # a block list: lines are added, none changed
            assert first < start == stop <= limit
    if not lists:  # then the list is new
        new = append_item(text, "extensions", {"due": "2022-12-31"}, markdown=markdown)
        assert changed(text, new) == (end, end, ["extensions:", "  - due: 2022-12-31"])


# -- hand-written layouts -----------------------------------------------------------------------

COMMENTED = """\
# đầu tệp: ghi chú
kind: task   # loại
id: T-1
title: 'Tiêu đề: có dấu hai chấm'
item: "3"
# trước hạn
due: 2022-05-20  # hạn gốc
support:   # phối hợp
  - A  # một
  # giữa
  - B
# cuối tệp
"""


def test_replacing_a_scalar_keeps_its_comment_and_every_other_line() -> None:
    new = set_key(COMMENTED, "due", "2022-06-30")
    assert new == COMMENTED.replace("due: 2022-05-20  # hạn gốc", "due: 2022-06-30  # hạn gốc")
    new = set_key(COMMENTED, "title", "Tiêu đề mới")
    assert new == COMMENTED.replace("'Tiêu đề: có dấu hai chấm'", "Tiêu đề mới")
    new = set_key(COMMENTED, "item", "3.a")
    assert new == COMMENTED.replace('item: "3"', "item: 3.a")


def test_a_new_key_goes_last_and_an_item_before_the_comments_after_its_list() -> None:
    assert set_key(COMMENTED, "completed", "2022-06-01") == COMMENTED + "completed: 2022-06-01\n"
    new = append_item(COMMENTED, "support", "C")
    assert new == COMMENTED.replace("  - B\n", "  - B\n  - C\n")


def test_a_list_replaced_by_a_scalar_keeps_the_comment_of_its_key() -> None:
    new = set_key(COMMENTED, "support", "X")
    assert new == COMMENTED.replace("support:   # phối hợp\n  - A  # một\n  # giữa\n  - B\n",
                                    "support: X   # phối hợp\n")  # fmt: skip


def test_a_scalar_replaced_by_a_mapping_moves_its_comment_to_the_key() -> None:
    new = set_key(COMMENTED, "due", {"working_days": 10})
    assert new == COMMENTED.replace("due: 2022-05-20  # hạn gốc",
                                    "due:  # hạn gốc\n  working_days: 10")  # fmt: skip
    assert data_of(new)["due"] == {"working_days": 10}


FLOW = """\
kind: task
id: T-1
support: [A, B]   # hai đơn vị
tags: []
via: [
  A,
  B
]
indicators: [dti-rank,]
"""


@pytest.mark.parametrize(("key", "item", "before", "after"), [
    ("support", "C", "support: [A, B]", "support: [A, B, C]"),
    ("support", "Sở TT&TT, tỉnh", "support: [A, B]", 'support: [A, B, "Sở TT&TT, tỉnh"]'),
    ("support", "no", "support: [A, B]", 'support: [A, B, "no"]'),
    ("tags", "số", "tags: []", "tags: [số]"),
    ("via", "C", "  B\n]", "  B, C\n]"),
    ("indicators", "x", "[dti-rank,]", "[dti-rank, x,]"),
])  # fmt: skip
def test_a_flow_list_gets_a_scalar_item_inside_its_brackets(
    key: str, item: str, before: str, after: str
) -> None:
    new = append_item(FLOW, key, item)
    assert new == FLOW.replace(before, after)


def test_a_flow_list_given_a_mapping_item_is_written_in_block_style() -> None:
    new = append_item(FLOW, "support", {"id": "C"})
    assert new == FLOW.replace("support: [A, B]   # hai đơn vị",
                               "support:   # hai đơn vị\n  - A\n  - B\n  - id: C")  # fmt: skip


BLOCKS = """\
kind: meeting
id: HOP-1
summary: |
  Dòng một
    thụt vào
  # không phải chú thích

folded: >-
  một
  hai
agenda:
  - Khai mạc
  - >
    Báo cáo
    tiến độ

  - |+
    giữ dòng trống

# cuối
"""


def test_block_scalars_are_replaced_whole_and_appended_after() -> None:
    old = data_of(BLOCKS)
    new = set_key(BLOCKS, "summary", "Ngắn")
    assert new == BLOCKS.replace("|\n  Dòng một\n    thụt vào\n  # không phải chú thích\n",
                                 "Ngắn\n")  # fmt: skip
    new = set_key(BLOCKS, "folded", "a\nb")
    assert new == BLOCKS.replace(">-\n  một\n  hai\n", "|-\n  a\n  b\n")
    new = append_item(BLOCKS, "agenda", "Bế mạc")
    assert data_of(new)["agenda"] == [*old["agenda"], "Bế mạc"]
    assert new == BLOCKS.replace("giữ dòng trống\n\n", "giữ dòng trống\n\n  - Bế mạc\n")
    new = set_key(BLOCKS, "note", "x")
    assert new == BLOCKS + "note: x\n"


def test_a_block_keeps_its_blank_lines_and_its_lines_of_spaces() -> None:
    text = "kind: task\nid: T-1\nbody: |+\n  văn bản\n\n"
    new = set_key(text, "completed", "2022-06-01")
    assert new == text + "completed: 2022-06-01\n"
    assert data_of(new)["body"] == "văn bản\n\n"
    text = "agenda:\n  - |\n      một\n       \nid: T-1\n"  # (a line of 7 spaces: content)
    assert append_item(text, "agenda", "x") == text.replace("id:", "  - x\nid:")


def test_a_literal_block_that_would_end_the_text_without_a_line_break_is_quoted() -> None:
    assert set_key("a: 1", "b", "x\ny\n") == 'a: 1\nb: "x\\ny\\n"'
    assert set_key("a: 1\n", "b", "x\ny\n") == "a: 1\nb: |\n  x\n  y\n"


UNINDENTED = """\
kind: report
id: BC-1
tasks:
- task: T-1
  status: done
-   task: T-2
    status: blocked
date: 2022-05-20
"""


def test_an_unindented_list_gets_an_unindented_item_in_its_dash_style() -> None:
    new = append_item(UNINDENTED, "tasks", {"task": "T-3", "status": "done", "progress": 100})
    assert new == UNINDENTED.replace("date:", "- task: T-3\n  status: done\n  progress: 100\ndate:")
    new = set_key(UNINDENTED, "attendees", [{"name": "A", "agency": "B"}])
    assert new.endswith("date: 2022-05-20\nattendees:\n- name: A\n  agency: B\n")


INDENTED_4 = """\
kind: meeting
id: HOP-1
chair:
    name: Nguyễn Văn A
attendees:
    -   name: B
        title: Giám đốc
"""


def test_the_files_own_indentation_is_followed() -> None:
    new = append_item(INDENTED_4, "attendees", {"name": "C", "agency": "D"})
    assert new == INDENTED_4 + "    -   name: C\n        agency: D\n"
    new = set_key(INDENTED_4, "secretary", {"name": "E", "title": "F"})
    assert new == INDENTED_4 + "secretary:\n    name: E\n    title: F\n"


def test_crlf_stays_crlf() -> None:
    edits = [(set_key, "completed", {"a": [1, "x\ny"]}), (append_item, "support", "C"),
             (set_key, "support", {"x": "y"}), (set_key, "due", "2022-06-30")]  # fmt: skip
    for edit, key, value in edits:
        new = edit(COMMENTED.replace("\n", "\r\n"), key, value)
        assert "\n" not in new.replace("\r\n", "") and "\r" not in new.replace("\r\n", "")
        assert new.replace("\r\n", "\n") == edit(COMMENTED, key, value)


def test_a_byte_order_mark_stays() -> None:
    text = "\ufeff" + COMMENTED
    new = set_key(text, "due", "2022-06-30")
    assert new == "\ufeff" + set_key(COMMENTED, "due", "2022-06-30")
    assert append_item(text, "support", "C") == "\ufeff" + append_item(COMMENTED, "support", "C")


MARKDOWN = """\
---
# ghi chú đầu
kind: directive
id: TB-1
references:
  - 411/QĐ-TTg
---
# Thông báo

kind: không phải khóa
- không phải danh sách
---
"""


def test_a_markdown_front_matter_is_edited_and_its_body_never() -> None:
    body = MARKDOWN[MARKDOWN.index("---\n# Thông báo") :]
    for markdown in (True, None):
        new = set_key(MARKDOWN, "title", "Kết luận", markdown=markdown)
        assert new == MARKDOWN.replace("---\n# Thông báo", "title: Kết luận\n---\n# Thông báo")
        assert new.endswith(body)
        new = append_item(MARKDOWN, "references", "06/QĐ-TTg", markdown=markdown)
        assert new == MARKDOWN.replace("TTg\n", "TTg\n  - 06/QĐ-TTg\n")
        assert data_of(new, True)["body"] == data_of(MARKDOWN, True)["body"]
    with pytest.raises(EditError, match="body"):
        set_key(MARKDOWN, "body", "x")
    with pytest.raises(EditError, match="not a list"):
        append_item(MARKDOWN, "body", "x")


def test_no_final_line_break_stays_so() -> None:
    text = "kind: task\nid: T-1\nsupport:\n  - A"
    assert set_key(text, "due", "2022-05-20") == text + "\ndue: 2022-05-20"
    assert append_item(text, "support", "B") == text + "\n  - B"
    assert set_key(text, "id", "T-2") == text.replace("T-1", "T-2")
    assert set_key(text, "support", "A") == "kind: task\nid: T-1\nsupport: A"
    assert set_key("a: 1", "a", [1, 2]) == "a:\n  - 1\n  - 2"


@pytest.mark.parametrize("text", ["kind: task\nextensions:\n", "kind: task\nextensions: ~\n",
                                  "kind: task\nextensions:  # chưa có\n"])  # fmt: skip
def test_appending_to_an_empty_key_makes_a_list(text: str) -> None:
    new = append_item(text, "extensions", {"due": "2022-06-30", "by": "TB-1"})
    assert data_of(new)["extensions"] == [{"due": "2022-06-30", "by": "TB-1"}]
    assert new.startswith("kind: task\nextensions:")
    assert ("# chưa có" in new) == ("# chưa có" in text)


def test_a_value_on_the_line_below_its_key_is_replaced() -> None:
    text = "kind: task\ntitle:\n  Một tiêu đề\n  trên hai dòng\nid: T-1\n"
    assert set_key(text, "title", "Mới") == "kind: task\ntitle: Mới\nid: T-1\n"


def test_multi_line_quoted_and_flow_values_are_replaced_whole() -> None:
    text = 'kind: task\ntitle: "một\n  hai"  # c\nsupport: {a: 1,\n  b: 2}\nid: T-1\n'
    new = set_key(set_key(text, "title", "x"), "support", ["A"])
    assert new == "kind: task\ntitle: x  # c\nsupport:\n  - A\nid: T-1\n"


def test_a_yaml_file_may_open_with_a_document_marker() -> None:
    text = "---\nkind: task\nid: T-1\n"
    for markdown in (False, None):
        assert set_key(text, "due", "2022-05-20", markdown=markdown) == text + "due: 2022-05-20\n"


def test_quoted_keys_and_a_key_with_a_space_before_its_colon() -> None:
    text = "\"kind\": task\nid : T-1\n'due': 2022-05-20\n"
    new = set_key(set_key(set_key(text, "kind", "report"), "id", "B"), "due", "2022-06-01")
    assert new == "\"kind\": report\nid : B\n'due': 2022-06-01\n"


# -- refusals -----------------------------------------------------------------------------------

REFUSED = {
    "anchor": "kind: task\nlead: &a STTTT\nsupport: [*a]\n",
    "tag": "kind: task\ndue: !!str 2022-05-20\n",
    "two documents": "kind: task\nid: T-1\n---\nkind: task\n",
    "a list": "- kind: task\n",
    "a scalar": "just text\n",
    "broken YAML": "kind: task\ntitle: [unclosed\n",
    "a duplicate key": "kind: task\nid: A\nid: B\n",
    "a flow mapping": "{kind: task, id: T-1}\n",
    "a complex key": "kind: task\n? id\n: T-1\n",
    "empty": "\n\n",
    "a document end before the new key": "kind: task\nid: T-1\n...\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_cannot_be_edited_safely_is_refused(case: str) -> None:
    text, result = REFUSED[case], []
    for edit in (set_key, append_item):
        with pytest.raises(EditError, match=r"by hand|cannot"):
            result.append(edit(text, "support", "X"))  # (raised: nothing was returned)
        assert not result and text == REFUSED[case]


def test_appending_to_what_is_not_a_list_or_cannot_be_rewritten_is_refused() -> None:
    with pytest.raises(EditError, match="not text"):  # a flow list rewritten in block style
        append_item("kind: x\nactuals: [{3: x}]\n", "actuals", {"value": 1})
    with pytest.raises(EditError, match="holds a mapping, not a list"):
        append_item("kind: task\ndue:\n  working_days: 3\n", "due", "x")
    with pytest.raises(EditError, match=r"tasks/x\.yaml: `title` holds a single value"):
        append_item("kind: task\ntitle: x\n", "title", "x", name="tasks/x.yaml")


def test_the_self_check_refuses_a_result_that_reads_otherwise() -> None:
    with pytest.raises(EditError, match="`b` would read back as something else"):
        verify("a: 1\nb: yes\n", False, {"a": 1, "b": "yes"}, "cannot")
    with pytest.raises(EditError, match="`a` would read back"):
        verify("a: 1\n", False, {"a": 1.0}, "cannot")
    with pytest.raises(EditError, match="not read back"):
        verify("a: [\n", False, {"a": []}, "cannot")


def test_values_of_other_types_are_a_programming_error() -> None:
    with pytest.raises(TypeError):
        set_key("a: 1\n", "b", object())
    with pytest.raises(TypeError):
        emit_record({"a": {1: "x"}})


# -- new records --------------------------------------------------------------------------------


def test_a_new_record_is_written_in_the_bundled_records_style() -> None:
    text = emit_record({
        "kind": "report", "id": "BC-STTTT-2022-06-12", "agency": "STTTT", "date": "2022-06-12",
        "number": "45/BC-STTTT",
        "tasks": [{"task": "TB-128-2022.1", "status": "done", "progress": 100,
                   "note": "Đã ban hành: Kế hoạch 14:00\nDòng hai"}],
        "meeting": {"start": "14:00", "mode": "no"},
    })  # fmt: skip
    assert text == (
        "kind: report\nid: BC-STTTT-2022-06-12\nagency: STTTT\ndate: 2022-06-12\n"
        "number: 45/BC-STTTT\ntasks:\n  - task: TB-128-2022.1\n    status: done\n"
        "    progress: 100\n    note: |-\n      Đã ban hành: Kế hoạch 14:00\n      Dòng hai\n"
        'meeting:\n  start: "14:00"\n  mode: "no"\n'
    )


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "y", "n", "true", "False", "~",
                                  "null", "Null", "14:00", "1:30", "1e3", "1.5", "0x1F", "017",
                                  "08", "1_000", ".inf", ".nan", "-3", "+1", "", " a", "a ",
                                  "a: b", "a #b", "- a", "-", "*a", "&a", "!a", "%a", "@a", "`a",
                                  "'a'", '"a"', "a\tb", "[a]", "{a}", "? a", "|", ">", "#",
                                  "a\u2028b", "a\x85b", "\ufeffa", "<<", "="])  # fmt: skip
def test_yaml_traps_are_quoted(word: str) -> None:
    assert not plain_ok(word)
    text = emit_record({"v": word, "l": [word]})
    assert data_of(text) == {"v": word, "l": [word]}
    assert text.startswith('v: "')


@pytest.mark.parametrize("word", ["2022-05-20", "TB-128-2022.3", "128/TB-UBND", "Sở TT&TT",
                                  "Nguyễn Văn An", "a:b", "a#b", "2022-Q2", "3.a", "dti-rank",
                                  "50%", "Kế hoạch số 122/KH-UBND (sửa đổi)"])  # fmt: skip
def test_ordinary_words_dates_and_ids_stay_plain(word: str) -> None:
    assert plain_ok(word)
    assert emit_record({"v": word}) == f"v: {word}\n"


def test_multi_line_text_is_a_literal_block_when_it_reads_back_exactly() -> None:
    assert literal_lines("một\nhai\n") == ["một", "hai"]
    assert literal_lines("một\n\nhai") == ["một", "", "hai"]
    for text in (" thụt\nhai", "\nđầu trống", "một\n\n", "dấu cách \nhai", "tab\t\nx", "a\r\nb"):
        assert literal_lines(text) is None
        assert emit_record({"v": text}).startswith('v: "')
    assert quoted('a"b\\c\n\x07\u2028\U0001fffe') == '"a\\"b\\\\c\\n\\x07\\u2028\\U0001fffe"'


# -- generated values and records ---------------------------------------------------------------

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ"  # noqa: E501
SPECIAL = " \t\n:#-?'\"|>{}[],&*!%@`~<=.\\/+_0123456789eExX"
WORDS = ["no", "yes", "on", "off", "~", "null", "true", "14:00", "1e3", "0x1F", "2022-05-20",
         "- a", "a: b", "#", "---", "...", "|", ">", ".nan", "-.inf", "0o17", "1_000"]  # fmt: skip
TEXT = st.one_of(
    st.text(st.sampled_from(VIETNAMESE + SPECIAL), max_size=30),
    st.text(max_size=20),
    st.sampled_from(WORDS),
    st.lists(st.sampled_from([*WORDS, "Sở", " ", "\n", ": ", " #"]), max_size=4).map("".join),
)
SCALARS = st.one_of(TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
KEYS = st.one_of(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), TEXT)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)
QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large]
GENERATED = settings(max_examples=300, deadline=None, suppress_health_check=QUIET)


@GENERATED
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=5))
def test_any_new_record_reads_back_exactly(record: dict[str, Any]) -> None:
    assert same(data_of(emit_record(record)), record)


HAND_WRITTEN = [COMMENTED, FLOW, BLOCKS, UNINDENTED, INDENTED_4, COMMENTED.replace("\n", "\r\n"),
                "\ufeff" + COMMENTED, "kind: task\nid: T-1\nsupport:\n  - A", MARKDOWN]  # fmt: skip
HAND_KEYS = ["kind", "id", "support", "zz", "agenda", "summary", "tasks", "references", "chair"]


@GENERATED
@given(st.sampled_from(HAND_WRITTEN), st.sampled_from(HAND_KEYS), VALUES, st.booleans())
def test_any_edit_of_a_hand_written_file_reads_back(
    text: str, key: str, value: Any, append: bool
) -> None:
    markdown = text.startswith("---")
    old = data_of(text, markdown)
    if append and isinstance(old.get(key, []), list):
        new = append_item(text, key, value)
        value = [*(old.get(key) or []), value]
    else:
        new = set_key(text, key, value)
    assert same(data_of(new, markdown), expect(old, key, value, markdown))
    _only_its_lines(text, new, key, markdown)


def _only_its_lines(old: str, new: str, key: str, markdown: bool = False) -> None:
    """Every changed line of `old` lies in `key`'s lines (or after the YAML, for a new key)."""
    if new == old:  # (the value it had)
        return
    lines, end = top_lines(old, markdown), yaml_end(old, markdown)
    first, limit = key_span(lines, key, end) if key in lines else (end, end)
    start, stop, _ = changed(old, new)
    assert first <= start and stop <= limit, (old, new)


@settings(max_examples=150, deadline=None, suppress_health_check=QUIET)
@given(record_file(), st.data())
def test_edits_of_any_generated_record_read_back(record: tuple[str, str], data: Any) -> None:
    """Records of every kind in every style the scalar tests write (quoted, escaped, blocks,
    flow): setting a key, a new key, and appending to a list all read back as intended."""
    _, text = record
    assume("\0" not in text)  # (not a text file)
    found = loaded(text)
    assume(isinstance(found.data, dict) and not [
        p for p in found.problems if p.code != "control-character"])  # fmt: skip
    old = found.data
    key = data.draw(st.sampled_from([*old, "zz_new"]), "key")
    value = data.draw(VALUES, "value")
    new = set_key(text, key, value)
    assert same(loaded(new).data, expect(old, key, value))
    _only_its_lines(text, new, key)
    lists = [k for k, v in old.items() if isinstance(v, list)] or ["zz_list"]
    key = data.draw(st.sampled_from(lists), "list")
    try:
        new = append_item(text, key, value)
    except EditError as exc:  # only a flow list to rewrite holding a key that is no text (`42,3`)
        assert "not text" in str(exc)
        return
    assert same(loaded(new).data, expect(old, key, [*(old.get(key) or []), value]))
    _only_its_lines(text, new, key)
