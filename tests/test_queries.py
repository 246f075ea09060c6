"""Query commands over the bundled records: JSON equals the library, rendered output is golden."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl.output.tables import as_json
from cdsctl.queries import TaskFilter, due_within, overdue, overdue_row, stats, task_row
from cdsctl.repository import load
from cdsctl.state import State

from .conftest import SAMPLE, TASK, invoke
from .test_cli import _git

GOLDEN = Path(__file__).parent / "golden"
D = date(2022, 6, 30)


@pytest.fixture(scope="module")
def repo():  # type: ignore[no-untyped-def]
    return load(SAMPLE, cache_dir=False)


def _json(*args: str) -> tuple[int, object]:
    code, out = invoke(*args, "--records", str(SAMPLE), "--format", "json")
    return code, json.loads(out)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; UPDATE_GOLDEN=1 rewrites"


def test_overdue_json_equals_the_library(repo) -> None:  # type: ignore[no-untyped-def]
    code, items = _json("overdue", "--as-of", "2022-06-30")
    expected = [overdue_row(s) for s in overdue(repo.states(D), repo.records)]
    assert code == 0 and items == expected
    assert [i["days_overdue"] for i in items] == sorted(
        [i["days_overdue"] for i in items], reverse=True
    )


@settings(max_examples=200, deadline=None)
@given(deadlines=st.lists(st.tuples(st.dates(date(2020, 1, 1), date(2024, 12, 30)),
                                    st.sampled_from(["T-1", "T-2", "T-10", "Đ-1", "a", "A"])),
                          max_size=30),
       days=st.lists(st.dates(date(2024, 12, 31), date(2025, 1, 2)), min_size=1, max_size=2),
       other=st.sampled_from(list(State)))  # fmt: skip
def test_overdue_is_most_days_overdue_first_then_deadline_then_id(
    deadlines: list[tuple[date, str]], days: list[date], other: State
) -> None:
    """Spec §5's order, however the states are put (one day D, or states of several days,
    mixed with states of other kinds, equal keys among them)."""
    from cdsctl.model import Records
    from cdsctl.state import TaskState

    states = [TaskState(f"{task_id}@{n}" if n % 3 else task_id, None, None,  # type: ignore[arg-type]
                        State.OVERDUE if n % 4 else other, deadline, None, days[n % len(days)])
              for n, (deadline, task_id) in enumerate(deadlines)]  # fmt: skip
    late = [s for s in states if s.state is State.OVERDUE]
    want = sorted(late, key=lambda s: (-(s.days_overdue or 0), s.deadline, s.id))
    assert [(s.id, s.deadline, s.as_of) for s in overdue(states, Records())] == [
        (s.id, s.deadline, s.as_of) for s in want
    ]


def test_overdue_on_the_sample_lists_what_its_data_says_is_late() -> None:
    _, items = _json("overdue", "--as-of", "2022-06-30")
    assert [(i["id"], i["deadline"], i["days_overdue"]) for i in items] == [
        ("TB-128-2022.1", "2022-05-20", 41),  # never reported done by 30/6
        ("TB-128-2022.2", "2022-05-25", 36),  # never reported at all
        ("QN-TB-2022-03.5", "2022-06-10", 20),  # its extension is granted only on 5/7
        ("HD-TB-BCD-2021.3.b", "2022-06-15", 15),
    ]


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["overdue", "--as-of", "2022-06-30", "-f", "md"], "overdue-2022-06-30.md"),
        (["stats", "--as-of", "2022-12-31", "-f", "md"], "stats-2022-12-31.md"),
        (["tasks", "--as-of", "2023-10-10", "--directive", "BD-TB-CDS-2023", "-f", "csv"],
         "tasks-BD-2023-10-10.csv"),
        (["show", "TB-128-2022.4", "--as-of", "2022-06-30"], "show-TB-128-2022.4.txt"),
    ],
)  # fmt: skip
def test_rendered_output_is_golden(args: list[str], name: str) -> None:
    code, out = invoke(*args, "--records", str(SAMPLE))
    assert code == 0
    _golden(name, out)


def test_tasks_json_equals_the_library_and_covers_every_state(repo) -> None:  # type: ignore[no-untyped-def]
    code, items = _json("tasks", "--as-of", "2023-10-10")
    states = repo.states(date(2023, 10, 10))
    assert code == 0
    assert sorted(items, key=lambda i: i["id"]) == sorted(
        (task_row(s) for s in states), key=lambda i: i["id"]
    )
    assert {i["state"] for i in items} == {str(s) for s in State}


@pytest.mark.parametrize("day", [date(2022, 6, 30), date(2023, 10, 10), date(2025, 3, 31)])
@pytest.mark.parametrize("held", ["loaded", "snapshot"])
def test_a_task_rows_last_report_is_the_last_dated_by_then(repo, day: date,
                                                          held: str) -> None:  # type: ignore[no-untyped-def]  # fmt: skip
    """`last_report`, `last_status`, `progress`: the last item on the task (an instance:
    for its period) of the reports dated on or before D, in date order then report id;
    from records loaded (dates) and from a snapshot's (the days as text)."""
    from cdsctl.repository import Repository
    from cdsctl.snapshot import columns

    records = repo.records
    if held == "snapshot":
        records = columns.decode(*columns.encode(records))
    want: dict[tuple[str, str | None], tuple[str, str, float | None]] = {}
    for report in sorted(repo.records.reports.values(), key=lambda r: (r.date, r.id)):
        if report.date <= day:
            for item in report.tasks:
                said = (report.id, item.status, item.progress)
                want[item.task, None] = said
                if report.period is not None:
                    want[item.task, report.period] = said
    states = Repository(SAMPLE, records, None, [], None).states(day)
    found = 0
    for state in states:
        row = task_row(state)
        got = (row["last_report"], row["last_status"], row["progress"])
        assert got == want.get((state.task.id, state.period), (None, None, None)), state.id
        found += row["last_report"] is not None
    assert found > 10


def test_recurring_monthly_with_a_missing_period() -> None:
    _, items = _json("tasks", "--as-of", "2023-10-10", "--search", "hang thang")
    by_id = {i["id"]: i["state"] for i in items}
    assert by_id["BD-TB-CDS-2023.11@2023-08"] == "overdue"
    assert by_id["BD-TB-CDS-2023.11@2023-09"] == "done-on-time"
    assert by_id["BD-TB-CDS-2023.11@2023-10"] == "open"


def test_agency_and_involved_filters(repo) -> None:  # type: ignore[no-untyped-def]
    supports = [a for t in repo.records.tasks.values() for a in t.support]
    agency = max(set(supports), key=supports.count)  # the agency that supports most tasks
    _, led = _json("tasks", "--as-of", "2022-12-31", "--agency", agency)
    _, involved = _json("tasks", "--as-of", "2022-12-31", "--agency", agency, "--involved")
    assert all(i["lead"] == agency for i in led)
    assert all(i["lead"] == agency or agency in i["support"] for i in involved)
    assert len(involved) > len(led)


def test_search_ignores_diacritics() -> None:
    _, plain = _json("tasks", "--as-of", "2022-12-31", "--search", "thuong mai dien tu")
    _, marked = _json("tasks", "--as-of", "2022-12-31", "--search", "thương mại điện tử")
    assert plain and plain == marked
    assert all("thương mại điện tử" in i["title"].lower() for i in plain)


def test_state_filter_and_unknown_state() -> None:
    _, items = _json("tasks", "--as-of", "2022-12-31", "--state", "done-late")
    assert items and {i["state"] for i in items} == {"done-late"}
    code, _ = invoke("tasks", "--records", str(SAMPLE), "--state", "late")
    assert code == 2


def test_due_within(repo) -> None:  # type: ignore[no-untyped-def]
    day = date(2022, 5, 16)
    _, items = _json("due", "--as-of", "2022-05-16", "--within", "2w")
    expected = due_within(repo.states(day), repo.records, day, date(2022, 5, 30))
    assert [i["id"] for i in items] == [s.id for s in expected] == ["TB-128-2022.1",
                                                                     "TB-128-2022.2"]  # fmt: skip


def test_stats_json_equals_the_library(repo) -> None:  # type: ignore[no-untyped-def]
    _, rows = _json("stats", "--as-of", "2022-12-31", "--by", "directive")
    expected = [t.row() for t in stats(repo.states(date(2022, 12, 31)), repo.records, "directive")]
    assert rows == expected
    for row in rows:
        done = row["done_on_time"] + row["done_late"]
        if done + row["overdue"]:
            assert row["completion_rate"] == round(100 * done / (done + row["overdue"]), 1)


def test_fail_if_any_for_scheduled_ci() -> None:
    late, _ = invoke("overdue", "--records", str(SAMPLE), "--as-of", "2022-06-30", "--fail-if-any")
    calm, _ = invoke("overdue", "--records", str(SAMPLE), "--as-of", "2021-12-31", "--fail-if-any")
    assert (late, calm) == (1, 0)


@pytest.mark.parametrize("as_of", ["20/5/2022", "2022-05-20", "20-5-2022"])
def test_as_of_forms_agree(as_of: str) -> None:
    assert _json("overdue", "--as-of", as_of) == _json("overdue", "--as-of", "2022-05-20")


def test_bad_as_of_is_a_usage_error() -> None:
    code, _ = invoke("overdue", "--records", str(SAMPLE), "--as-of", "30/2/2022")
    assert code == 2


def test_show_json_resolves_references() -> None:
    _, found = _json("show", "TB-128-2022.4", "--as-of", "2022-06-30")
    assert isinstance(found, dict)
    assert found["directive"]["number"] == "128/TB-UBND"
    assert found["agencies"]["ND-SCT"].startswith("Sở Công Thương")
    assert [r["counted"] for r in found["reports"]] == [False]  # dated 12/7, after D
    assert [d["counted"] for d in found["deadlines"]] == [True, True]
    code, _ = invoke("show", "NOPE", "--records", str(SAMPLE))
    assert code == 2


def test_at_reads_a_past_revision_without_touching_the_tree(records) -> None:  # type: ignore[no-untyped-def]
    root = records({})
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "due 20/5")
    task = root / "tasks" / "TB-128-2022.1.yaml"
    task.write_text(TASK.replace("2022-05-20", "2022-08-20"), encoding="utf-8")
    now = invoke("overdue", "--records", str(root), "--as-of", "2022-06-30", "-f", "json")
    then = invoke("overdue", "--records", str(root), "--as-of", "2022-06-30", "-f", "json",
                  "--at", "HEAD")  # fmt: skip
    assert json.loads(now[1]) == []
    assert [i["id"] for i in json.loads(then[1])] == ["TB-128-2022.1"]
    assert "2022-08-20" in task.read_text(encoding="utf-8")  # the working tree is as it was


def test_library_filter_keeps_what_it_says(repo) -> None:  # type: ignore[no-untyped-def]
    keep = TaskFilter(agency="ND-SBN")
    assert {s.task.lead for s in overdue(repo.states(D), repo.records, keep)} == {"ND-SBN"}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) >= 1e-4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.text(), JSON_VALUES, max_size=5), max_size=4))
def test_json_rows_are_what_the_standard_library_writes(rows: list[dict[str, object]]) -> None:
    """as_json uses orjson for speed; its text must stay json.dumps(indent=2)'s.

    (Numbers below 1e-4 are the same values in another spelling: Python writes
    1e-05 where orjson writes 0.00001; rows carry no such numbers but user-given values.)"""
    assert as_json(rows) == json.dumps(rows, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("as_of", ["2022-05-31", "2022-06-30", "2023-12-31"])
def test_report_index_is_the_same_from_values_and_from_report_objects(as_of: str) -> None:
    """load() leaves reports as values (building objects is slow); the index built from
    them must equal the one built from Report objects, which reading .reports makes."""
    from cdsctl.state import ReportIndex

    repo = load(SAMPLE, cache_dir=False)
    day = date.fromisoformat(as_of)
    assert repo.records.report_values and not repo.records.built_reports
    from_values = dict(ReportIndex(repo.records, day).by_task)
    ids = {values["id"] for values, _ in repo.records.report_values}
    assert set(repo.records.reports) == ids  # built now
    assert not repo.records.report_values
    from_objects = dict(ReportIndex(repo.records, day).by_task)
    assert from_values == from_objects and from_values


@pytest.mark.parametrize("as_of", ["2022-05-31", "2022-06-30", "2023-12-31"])
def test_states_of_one_task_are_its_states_among_all(as_of: str) -> None:
    """`show` computes the states of one task only; they must be those of the full run."""
    repo = load(SAMPLE, cache_dir=False)
    day = date.fromisoformat(as_of)

    def seen(states: list[Any]) -> list[tuple[Any, ...]]:
        return [(s.id, s.state, s.deadline, s.completed, s.latest) for s in states]

    everything = repo.states(day)
    assert everything
    for task_id in repo.records.tasks:
        alone = repo.states(day, only=[task_id])
        assert seen(alone) == seen([s for s in everything if s.task.id == task_id])


# -- text output: one row per line, every cell shown or visibly cut ----------------------------

_CELL_TEXT = st.lists(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], exclude_characters="│┃")
    | st.sampled_from(["\n", "\r\n", "\u2028", "\x85", "\t", "[red]", ":smile:", "Đ", "ạ"]),
    max_size=30,
).map("".join)


def _shown(value: str) -> str:
    from cdsctl.text import one_line

    return one_line(value).replace("\t", " ").strip()


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries({"id": _CELL_TEXT, "title": _CELL_TEXT,
                                             "deadline": st.dates().map(str),
                                             "days": st.integers(0, 10**6)}),
                     min_size=1, max_size=4),
       width=st.integers(10, 200))  # fmt: skip
def test_every_table_cell_is_shown_or_visibly_cut(rows: list[dict[str, Any]], width: int) -> None:
    from cdsctl.output.tables import Column, as_table

    columns = [Column("id", "id"), Column("title", "title", 40), Column("deadline", "deadline"),
               Column("days", "days", right=True)]  # fmt: skip
    lines = as_table(rows, columns, "Title\nof the table", width=width).splitlines()
    body = [line for line in lines if "│" in line]
    assert len(body) == len(rows)  # one line per row
    for line, row in zip(body, rows, strict=True):
        cells = [c.strip() for c in line.split(" │ ")]
        assert cells[0] == _shown(row["id"])  # key columns are never cut
        assert cells[2:] == [row["deadline"], str(row["days"])]
        title = _shown(row["title"])
        cut = cells[1].removesuffix("…")
        assert cells[1] == title or (cells[1].endswith("…") and title.startswith(cut.strip()))


@pytest.mark.parametrize("columns", [10, 20, 40, 80])
def test_narrow_terminals_keep_deadlines(columns: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's `COLUMNS=20`: the deadline and days cells printed empty."""
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out = invoke("overdue", "--records", str(SAMPLE), "--as-of", "2022-06-30")
    assert code == 0
    rows = [line for line in out.splitlines() if "│" in line]
    assert rows[0].split("│")[-2:] == [" 2022-05-20 ", "   41"]
    assert all(r.split(" │ ")[0].strip().startswith(("TB-", "QN-", "HD-")) for r in rows)


@settings(max_examples=50, deadline=None)
@given(title=_CELL_TEXT)
def test_a_line_break_in_a_value_stays_on_its_row(title: str) -> None:
    """Validation refuses line breaks in one-line fields; the tables hold the line anyway."""
    from cdsctl.output.tables import Column, render

    rows = [{"id": "T-1", "title": title}, {"id": "T-2", "title": "x"}]
    columns = [Column("id", "id"), Column("title", "title")]
    md = render("md", rows, columns).splitlines()
    assert len(md) == 4 and md[2].startswith("| T-1 | ")
    breaks = len(re.findall(r"\r\n|[\n\r\x85\u2028]", title))
    assert md[2].count("⏎") == breaks + title.count("⏎")
    csv_rows = list(csv.reader(io.StringIO(render("csv", rows, columns))))
    assert csv_rows[1] == ["T-1", title]
    assert json.loads(render("json", rows, columns))[0]["title"] == title


_BREAKS = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x85", "\x0b"])


@settings(max_examples=25, deadline=None)
@given(where=st.sampled_from(["id", "lead", "due", "directive", "file"]), before=_BREAKS,
       after=st.text("xy⏎", max_size=3))  # fmt: skip
def test_validate_text_is_one_line_per_problem(where: str, before: str, after: str) -> None:
    import tempfile

    from .conftest import AGENCIES, DIRECTIVE, build_tree

    value = json.dumps(f"A{before}{after}")  # a YAML double-quoted string holding the break
    bad_due = TASK.replace("due: 2022-05-20", "due: 20/05/2022")  # (one problem in the file)
    task = bad_due if where == "file" else "\n".join(
        f"{where}: {value}" if line.startswith(f"{where}:") else line
        for line in TASK.splitlines())  # fmt: skip
    name = f"tasks/T{before}1.yaml" if where == "file" else "tasks/T1.yaml"
    with tempfile.TemporaryDirectory() as folder:
        try:
            root = build_tree(Path(folder), {"agencies.yaml": AGENCIES, "d.yaml": DIRECTIVE,
                                             name: task})  # fmt: skip
        except (OSError, ValueError):
            return  # a name this file system refuses
        _, problems = invoke("validate", "--records", str(root), "--format", "json")
        _, text = invoke("validate", "--records", str(root))
    lines = text.splitlines()
    assert len(lines) == len(json.loads(problems)) > 0
    assert all(re.match(r".+:\d+:\d+: (error|warning) [a-z-]+ ", line) for line in lines)
