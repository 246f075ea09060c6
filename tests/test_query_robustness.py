"""Any root `validate` runs on, with or without errors, answers every query without an exception.

Roots are generated from one template per kind whose fields take valid values, values of
the wrong type, values out of range, odd text, dates at the calendar's ends (0001-01-01,
9999-12-31, a directive issued 9999-06-01 with `working_days: 300`, a duty starting
9999-12-01), or are left out.  Every query then runs through the library (each as-of date
and option) and through the command line (`catch_exceptions=False`: an exception fails the
test); a command may refuse with exit 2 and one line, never with a traceback.
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cdsctl.cli import app
from cdsctl.diagnostics import CdsError
from cdsctl.indicators import indicator_rows
from cdsctl.output.ical import ical_bytes
from cdsctl.output.show import describe
from cdsctl.output.tables import Column, render
from cdsctl.queries import (
    TaskFilter,
    due_within,
    in_order,
    overdue,
    overdue_row,
    per_agency_totals,
    select,
    stats,
    task_row,
)
from cdsctl.repository import Repository, load
from cdsctl.state import add_months, through_end, window

AGENCIES = ["UBND", "STTTT", "SCT"]
DIRECTIVES = ["D-1", "D-2"]
TASKS = ["T-1", "T-2", "T-3", "T-4"]
INDICATORS = ["ind-1"]
EDGE_DAYS = ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-01", "9999-06-01",
             "2024-02-29", "2023-12-31"]  # fmt: skip
AS_OF = [date.min, date(2024, 4, 26), date(2031, 1, 1)]

# -- values ----------------------------------------------------------------------------------

odd_text = st.sampled_from(["Nhiệm vụ", "[red]đỏ[/red]", ":smile:", "x" * 300, "|", "—",
                            "２０２２", "Sở\tTT", "a" + "\u0301" * 3])  # fmt: skip
bad_text = st.sampled_from(["", " ", "a\nb", "a\u2028b", "x\x07y", "\ufffe"])
wrong = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.just(1e400), st.just(math.nan),
    st.just([]), st.just({}), st.just(["x"]), st.just({"a": 1}), bad_text,
)  # fmt: skip
iso_days = st.one_of(st.sampled_from(EDGE_DAYS), st.dates(date(2020, 1, 1), date(2026, 12, 31)),
                     st.dates()).map(str)  # fmt: skip
#: a duty's start and end: never long before D, whose thousands of instances only cost time
#: (a monthly duty from 0001 has 119,988 of them on 9999-12-31; test_the_issues_extremes
#: answers at the calendar's ends)
duty_days = st.one_of(st.sampled_from(["9999-12-01", "9999-12-31", "2024-02-29"]),
                      st.dates(date(2020, 1, 1), date(2030, 12, 31))).map(str)  # fmt: skip


def nested(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value inside a list or mapping: valid, or (1 in 40) wrong."""
    return st.integers(0, 39).flatmap(lambda n: wrong if n == 39 else valid)


def ref(ids: list[str]) -> st.SearchStrategy[str]:
    """One of `ids`, now and then (1 in 15) one that names nothing."""
    named = st.sampled_from(ids)
    return st.integers(0, 14).flatmap(lambda n: st.just("NO-SUCH") if n == 14 else named)


period = st.sampled_from(["2024", "2024-Q1", "2024-H2", "2024-05", "0000", "9999-12", "9999",
                          "0001-01", "2024-Q5", "24"])  # fmt: skip

#: a field's values, and whether the record format requires it
Fields = dict[str, tuple[st.SearchStrategy[Any], bool]]


@st.composite
def record(draw: st.DrawFn, fields: Fields) -> dict[str, Any]:
    """A record: clean (required fields and some optional ones, valid values), or, one in
    three, dirty (each field left out, wrong or valid)."""
    dirty = draw(st.sampled_from([False, False, True]))  # (hypothesis favours the first)
    out: dict[str, Any] = {}
    for key, (valid, required) in fields.items():
        roll = draw(st.sampled_from(["valid", "valid", "out", "wrong"])) if dirty else "valid"
        if roll == "out" or (not required and not draw(st.booleans())):
            continue
        out[key] = draw(wrong if roll == "wrong" and key != "kind" else valid)
    return out


def due_value() -> st.SearchStrategy[Any]:
    days = st.integers(1, 3650) | st.sampled_from([0, 300, 3651, -1])
    return iso_days | st.fixed_dictionaries({"working_days": nested(days)})


def task_fields(task_id: str) -> Fields:
    earlier = TASKS[: TASKS.index(task_id)] or ["NO-SUCH"]
    extension = st.fixed_dictionaries({"due": nested(iso_days), "granted": nested(iso_days)})
    return {
        "kind": (st.just("task"), True), "id": (st.just(task_id), True),
        "directive": (ref(DIRECTIVES), True), "title": (odd_text, True),
        "lead": (ref(AGENCIES), True),
        "support": (st.lists(nested(ref(AGENCIES)), max_size=2), False),
        "group": (st.sampled_from(["chinh-phu-so", "kinh-te-so"]), False),
        "parent": (st.sampled_from(earlier), False),
        "due": (due_value(), False),
        "extensions": (st.lists(nested(extension), max_size=2), False),
        "completed": (iso_days, False),
        "cancelled": (st.fixed_dictionaries({"date": nested(iso_days)}), False),
    }  # fmt: skip


def duty_fields(task_id: str) -> Fields:
    fields = task_fields(task_id)
    del fields["due"]
    return {
        **fields,
        "every": (st.sampled_from(["monthly", "quarterly", "half-yearly", "yearly"]), True),
        "due_day": (st.integers(1, 31) | st.sampled_from([0, 32]), False),
        "due_month": (st.integers(1, 12), False),
        "start": (duty_days, True), "end": (duty_days, False),
    }  # fmt: skip


def report_fields(report_id: str) -> Fields:
    item = st.fixed_dictionaries(
        {"task": nested(ref(TASKS)), "status": nested(st.sampled_from(["done", "in-progress"]))},
        optional={"progress": nested(st.integers(0, 100) | st.floats(0, 100))},
    )
    return {
        "kind": (st.just("report"), True), "id": (st.just(report_id), True),
        "agency": (ref(AGENCIES), True), "date": (iso_days, True), "period": (period, False),
        "tasks": (st.lists(item, min_size=1, max_size=2), True),
    }  # fmt: skip


def directive_fields(directive_id: str) -> Fields:
    return {
        "kind": (st.just("directive"), True), "id": (st.just(directive_id), True),
        "type": (st.just("TB"), True), "number": (st.just("128/TB-UBND"), False),
        "issuer": (ref(AGENCIES), True), "issued": (iso_days, True), "title": (odd_text, True),
    }  # fmt: skip


def indicator_fields(indicator_id: str) -> Fields:
    value = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**20), 10**20)
    measure = st.fixed_dictionaries({"period": nested(period), "value": nested(value)},
                                    optional={"date": nested(iso_days)})  # fmt: skip
    return {
        "kind": (st.just("indicator"), True), "id": (st.just(indicator_id), True),
        "name": (odd_text, True), "better": (st.sampled_from(["higher", "lower"]), True),
        "unit": (st.just("%"), False), "targets": (st.lists(measure, max_size=3), False),
        "actuals": (st.lists(measure, max_size=3), False),
    }  # fmt: skip


def agencies_fields() -> Fields:
    names = odd_text | st.just("Sở Nội vụ")
    one = [st.fixed_dictionaries({"id": st.just(a), "name": nested(names)},
                                 optional={"short": nested(names),
                                           "aliases": st.lists(nested(names), max_size=2)})
           for a in AGENCIES]  # fmt: skip
    return {"kind": (st.just("agencies"), True),
            "agencies": (st.tuples(*one).map(list), True)}  # fmt: skip


@st.composite
def roots(draw: st.DrawFn) -> dict[str, Any]:
    """{relative path: record} of a whole root."""
    files: dict[str, Any] = {"agencies.yaml": draw(record(agencies_fields()))}
    for d in DIRECTIVES:
        files[f"directives/{d}.yaml"] = draw(record(directive_fields(d)))
    for t in TASKS:
        fields = draw(st.sampled_from([task_fields, duty_fields]))(t)
        files[f"tasks/{t}.yaml"] = draw(record(fields))
    for n in range(draw(st.integers(0, 3))):
        files[f"reports/R-{n}.yaml"] = draw(record(report_fields(f"R-{n}")))
    for i in INDICATORS:
        files[f"indicators/{i}.yaml"] = draw(record(indicator_fields(i)))
    if draw(st.booleans()):
        files["calendar.yaml"] = {"kind": "calendar", "days_off": draw(
            st.lists(nested(iso_days), max_size=2))}  # fmt: skip
    return files


class NoAliases(yaml.SafeDumper):
    """Each value written out where it is used (records have no YAML anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write(folder: Path, files: dict[str, Any]) -> Path:
    root = folder / "root"
    for relpath, data in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(data, Dumper=NoAliases, allow_unicode=True), encoding="utf-8")
    return root


# -- the library -----------------------------------------------------------------------------

COLUMNS = [Column("id", "id"), Column("title", "title", 40), Column("deadline", "deadline"),
           Column("days", "days_overdue", right=True)]  # fmt: skip


def every_query(repo: Repository, as_of: date) -> None:
    records = repo.records
    states = repo.states(as_of)
    rows = [overdue_row(s) for s in overdue(states, records)]
    per_agency_totals(overdue(states, records))
    rows += [task_row(s) for s in in_order(select(states, TaskFilter(), records))]
    until = add_months(as_of, 120)
    ahead = repo.states(as_of, horizon=window(until))
    rows += [task_row(s) for s in due_within(ahead, records, as_of, until)]
    for by in ("agency", "directive", "group"):
        rows += [t.row() for t in stats(states, records, by)]
    rows += indicator_rows(records, as_of)
    for fmt in ("table", "json", "csv", "md"):
        render(fmt, rows, COLUMNS, "title", width=60)
    ical_bytes(repo.states(as_of, horizon=through_end(as_of)), records, as_of)
    for record_id in shown_ids(repo):
        with contextlib.suppress(CdsError):  # no such record (or instance): a one-line error
            json.dumps(describe(repo, record_id, as_of), default=str)


def shown_ids(repo: Repository) -> list[str]:
    ids = {s.id for s in repo.validation.summaries if isinstance(s.id, str)}
    ids |= set(repo.records.agencies) | {"NO-SUCH", "T-1@2024-05"}
    return sorted(ids)


def test_the_issues_extremes_answer(tmp_path: Path) -> None:
    """The cases the issue names: each answers, none raises."""
    files = {
        "agencies.yaml": {"kind": "agencies", "agencies": [{"id": a, "name": a} for a in AGENCIES]},
        "directives/D-1.yaml": {"kind": "directive", "id": "D-1", "type": "TB",
                                "issuer": "UBND", "issued": "9999-06-01", "title": "T"},
        "tasks/T-1.yaml": {"kind": "task", "id": "T-1", "directive": "D-1", "title": "A",
                           "lead": "STTTT", "due": {"working_days": 300}},
        "tasks/T-2.yaml": {"kind": "task", "id": "T-2", "directive": "D-1", "title": "B",
                           "lead": "STTTT", "every": "monthly", "start": "9999-12-01"},
        "tasks/T-3.yaml": {"kind": "task", "id": "T-3", "directive": "D-1", "title": "C",
                           "lead": "STTTT", "due": "9999-12-31"},
    }  # fmt: skip
    root = write(tmp_path, files)
    repo = load(root, cache_dir=False)
    for as_of in [*AS_OF, date.max]:
        every_query(repo, as_of)
    states = {s.id: s for s in repo.states(date.max, horizon=through_end(date.max))}
    assert states["T-1"].deadline == date.max  # counted past the calendar: its last day
    assert [s.deadline for i, s in states.items() if i.startswith("T-2@")] == [date.max]
    for args in (["due", "--within", "99999y"], ["due", "--as-of", "0001-01-01"],
                 ["calendar", "--as-of", "9999-12-31"], ["tasks", "--as-of", "9999-12-31"],
                 ["overdue", "--as-of", "9999-12-31", "--format", "md"]):  # fmt: skip
        code, out = cli(*args, "--records", str(root))
        assert code == 0, out
    code, out = cli("due", "--records", str(root), "--within", "99999y", "--as-of", "2024-01-01")
    assert "Due 2024-01-01 to 9999-12-31" in out


# -- the command line ------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def one_error_line(code: int, out: str) -> None:
    """Exit 0, or exit 2 with one `cdsctl:` line; never a traceback (it would have raised)."""
    if code == 2:
        assert [line for line in out.splitlines() if line.startswith("cdsctl: ")], out
    else:
        assert code == 0, out


COMMANDS = [["overdue"], ["tasks"], ["due", "--within", "10y"], ["due"], ["stats"],
            ["stats", "--by", "group"], ["indicators"], ["calendar"]]  # fmt: skip
FORMATS = ["table", "json", "csv", "md"]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    files=roots(),
    as_of=st.sampled_from(AS_OF) | st.dates(max_value=date(2040, 1, 1)),
    data=st.data(),
)
def test_any_root_answers_every_query(files: dict[str, Any], as_of: date,
                                      data: st.DataObject) -> None:  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        root = write(Path(folder), files)
        code, _ = cli("validate", "--records", str(root), "--no-cache")
        assert code in (0, 1)
        repo = load(root, cache_dir=False)
        for day in {as_of, *AS_OF}:
            every_query(repo, day)
        for command in COMMANDS:
            args = [*command, "--records", str(root), "--as-of", as_of.isoformat()]
            if command[0] != "calendar":
                args += ["--format", data.draw(st.sampled_from(FORMATS))]
            one_error_line(*cli(*args))
        ids = shown_ids(repo)  # (every one through the library above; a few here)
        for record_id in data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)):
            fmt = data.draw(st.sampled_from(["text", "json"]))
            one_error_line(*cli("show", record_id, "--records", str(root), "--as-of",
                                as_of.isoformat(), "--format", fmt))  # fmt: skip


def test_show_of_a_task_whose_file_has_errors(tmp_path: Path) -> None:
    """The issue's `KeyError: 'directive'`: the record is shown as written, with its errors."""
    files = {
        "agencies.yaml": {"kind": "agencies", "agencies": [{"id": "STTTT", "name": "Sở"}]},
        "tasks/T-1.yaml": {"kind": "task", "id": "T-1", "title": "Không có văn bản giao",
                           "lead": "STTTT", "due": "2024-13-01"},
    }  # fmt: skip
    root = write(tmp_path, files)
    code, out = cli("show", "T-1", "--records", str(root))
    assert code == 0
    shown = [line for line in out.splitlines() if not line.startswith("cdsctl: ")]
    assert shown[:2] == ["T-1 (task, tasks/T-1.yaml)",
                                    "  (2 error(s) in this file: it is left out of queries; run "
                                    "`cdsctl validate`)"]  # fmt: skip
    assert "title: Không có văn bản giao" in out and "STTTT: Sở" in out
    result = CliRunner().invoke(app, ["show", "T-1", "--records", str(root), "--format", "json"])
    found = json.loads(result.stdout)
    assert (found["kind"], found["errors"], found["record"]["due"]) == ("task", 2, "2024-13-01")
