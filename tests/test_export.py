"""`cdsctl export`: the tables hold what the library computes, with their types; a user's
files are never lost; several provinces' exports read as one; docs/export.md documents
the schema exactly (every table, column, type and key)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cdsctl.cli import app
from cdsctl.diagnostics import CdsError
from cdsctl.export import write as write_module
from cdsctl.export.province import province_name
from cdsctl.export.tables import LIST, SCHEMA, TABLES
from cdsctl.model import Task
from cdsctl.queries import Tally
from cdsctl.repository import Repository, load
from cdsctl.state import State

from .conftest import REPO, SAMPLE

duckdb = pytest.importorskip("duckdb", reason="needs the export extra: pip install -e '.[dev]'")

AS_OF = date(2022, 12, 31)
DOC = REPO / "docs" / "export.md"


def _export(folder: Path, *args: str) -> tuple[int, str, str]:
    argv = ["export", str(folder), "--records", str(SAMPLE), "--as-of", AS_OF.isoformat()]
    result = CliRunner().invoke(app, [*argv, "--lang", "en", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def repo() -> Repository:
    return load(SAMPLE, cache_dir=False)


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    code, _, err = _export(folder, "--province", "Nam Định")
    assert code == 0, err
    return folder


def _rows(path: Path, order: str = "") -> list[tuple[Any, ...]]:
    query = f"SELECT * FROM read_parquet(?) {order}"
    rows: list[tuple[Any, ...]] = duckdb.execute(query, [str(path)]).fetchall()
    return rows


# -- docs/export.md and the schema ---------------------------------------------------------------


def _documented() -> dict[str, tuple[tuple[str, ...], list[tuple[str, str]]]]:
    """Each table of docs/export.md's "Tables": (its key, its (column, type) rows)."""
    text = DOC.read_text(encoding="utf-8")
    text = text[text.index("\n## Tables") : text.index("\n### Types in Parquet")]
    found = {}
    for part in re.split(r"^### ", text, flags=re.M)[1:]:
        name = re.fullmatch(r"`(\w+)`", part.splitlines()[0].strip())
        assert name, f"docs/export.md: a table heading is not `name`: {part.splitlines()[0]}"
        key = re.search(r"^Key: (.+)\.$", part, re.M)
        assert key, f"docs/export.md: `{name[1]}` has no Key: line"
        columns = re.findall(r"^\| `(\w+)` \| ([A-Z\[\]]+) \|", part, re.M)
        found[name[1]] = (tuple(re.findall(r"`(\w+)`", key[1])), columns)
    return found


def test_the_docs_document_every_table_column_type_and_key() -> None:
    schema = {t.name: (t.key, list(t.columns)) for t in SCHEMA}
    assert _documented() == schema


def test_the_docs_check_sees_the_tables() -> None:
    """Guard the test above against a pattern that finds nothing."""
    documented = _documented()
    assert len(documented) == 9 and ("due", "DATE") in documented["tasks"][1]
    assert ("support", "VARCHAR[]") in documented["tasks"][1]


def test_every_key_is_made_of_columns_and_starts_with_the_province() -> None:
    for table in SCHEMA:
        assert table.key[0] == "province" and set(table.key) <= set(table.names), table.name
        assert table.names[0] == "province" and len(set(table.names)) == len(table.names)


# -- Parquet: what the library computes, typed ----------------------------------------------------


def test_parquet_columns_have_the_schemas_types(parquet: Path) -> None:
    for table in SCHEMA:
        path = parquet / f"{table.name}.parquet"
        described = duckdb.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)])
        assert [(name, kind) for name, kind, *_ in described.fetchall()] == list(table.columns)


def test_task_instances_are_the_librarys_states(parquet: Path, repo: Repository) -> None:
    rows = _rows(parquet / "task_instances.parquet")
    exported = {r[2]: r for r in rows}
    states = repo.states(AS_OF)
    assert len(rows) == len(exported) == len(states) > 0
    for s in states:
        want = ("Nam Định", AS_OF, s.id, s.task.id, s.period, s.state.value, s.deadline,
                s.completed, s.days_overdue, s.days_late)  # fmt: skip
        assert exported[s.id] == want
    assert {r[5] for r in rows} >= {"done-on-time", "done-late", "overdue", "open"}


def test_counts_are_the_records(parquet: Path, repo: Repository) -> None:
    records = repo.records
    reports = records.reports.values()
    tasks = records.tasks.values()
    want = {
        "agencies": len(records.agencies),
        "directives": len(records.directives),
        "tasks": len(tasks),
        "deadlines": sum(len(t.extensions) + _has_base_due(t) for t in tasks),
        "reports": len(reports),
        "report_items": sum(len(r.tasks) for r in reports),
        "indicators": len(records.indicators),
        "measures": sum(len(i.targets) + len(i.actuals) for i in records.indicators.values()),
    }
    for name, count in want.items():
        assert len(_rows(parquet / f"{name}.parquet")) == count > 0, name


def _has_base_due(task: Task) -> bool:
    return task.due is not None or task.due_working_days is not None


def test_tasks_keep_lists_dates_and_numbers(parquet: Path, repo: Repository) -> None:
    names = TABLES["tasks"].names
    rows = {r[1]: dict(zip(names, r, strict=True)) for r in _rows(parquet / "tasks.parquet")}
    for task in repo.records.tasks.values():
        row = rows[task.id]
        assert row["support"] == list(task.support) and row["tags"] == list(task.tags)
        assert (row["due"], row["due_working_days"]) == (task.due, task.due_working_days)
        assert (row["lead"], row["task_group"], row["every_start"]) == (
            task.lead, task.group, task.start)  # fmt: skip
    assert any(r["support"] for r in rows.values()) and any(r["due"] for r in rows.values())


def test_the_on_time_rate_per_province_is_the_librarys(tmp_path: Path, repo: Repository) -> None:
    """Two copies of the records, each named its own way (the folder's name; cdsctl.toml),
    exported at two dates and read together as docs/export.md reads them."""
    names = {}
    copies = (("bcd-ninh-binh", None, AS_OF),
              ("copy", 'province = "Quảng  Ninh"\n', date(2023, 12, 31)))  # fmt: skip
    for folder, toml, day in copies:
        root = tmp_path / "roots" / folder
        shutil.copytree(SAMPLE, root)
        if toml is not None:
            (root / "cdsctl.toml").write_text(toml, encoding="utf-8")
        for fmt in ("parquet", "csv"):
            args = ["export", str(tmp_path / "exports" / folder), "--records", str(root),
                    "--as-of", day.isoformat(), "--format", fmt]  # fmt: skip
            assert CliRunner().invoke(app, args).exit_code == 0
        rate = Tally("all", "all", dict(Counter(s.state for s in repo.states(day)))).on_time_rate
        names["bcd-ninh-binh" if toml is None else "Quảng Ninh"] = rate
    rates = {row[0]: row[4] for row in _docs_query(tmp_path, 0)}
    assert rates == names and len(set(rates.values())) == 2
    tasks = "SELECT province, count(*) FROM read_parquet(?) GROUP BY ALL ORDER BY ALL"
    both = duckdb.execute(tasks, [str(tmp_path / "exports" / "*" / "tasks.parquet")]).fetchall()
    assert both == [("Quảng Ninh", 40), ("bcd-ninh-binh", 40)]
    for i in range(1, len(_sql_blocks())):
        assert _docs_query(tmp_path, i), f"docs/export.md's SQL block {i} finds nothing"


def _sql_blocks() -> list[str]:
    """The DuckDB queries of docs/export.md (Trino's DDL aside)."""
    blocks = re.findall(r"^```sql\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)
    return [b for b in blocks if not b.lstrip().startswith("CREATE")]


def _docs_query(folder: Path, index: int) -> list[tuple[Any, ...]]:
    """The index-th SQL block of docs/export.md, run in `folder` (which holds exports/)."""
    sql = _sql_blocks()[index].replace("'exports/", f"'{folder.as_posix()}/exports/")
    rows: list[tuple[Any, ...]] = duckdb.connect().execute(sql).fetchall()
    return rows


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_holds_what_parquet_holds(tmp_path: Path) -> None:
    folder = tmp_path / "both"
    assert _export(folder)[0] == 0
    assert _export(folder, "--format", "csv")[0] == 0  # (other names: no --force needed)
    for table in SCHEMA:
        path = folder / f"{table.name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == table.names
        columns = ", ".join(f"'{n}': '{'VARCHAR' if k == LIST else k}'" for n, k in table.columns)
        select = ", ".join(f"from_json({n}, '[\"VARCHAR\"]') AS {n}" if k == LIST else n
                           for n, k in table.columns)  # fmt: skip
        from_csv = f"SELECT {select} FROM read_csv($csv, header = true, columns = {{{columns}}})"
        parquet = "SELECT * FROM read_parquet($parquet)"
        paths = {"csv": str(path), "parquet": str(folder / f"{table.name}.parquet")}
        for query in (f"{from_csv} EXCEPT ALL {parquet}", f"{parquet} EXCEPT ALL {from_csv}"):
            assert duckdb.execute(query, paths).fetchall() == [], table.name


def test_csv_lists_are_json_and_missing_values_empty(tmp_path: Path) -> None:
    assert _export(tmp_path / "c", "--format", "csv")[0] == 0
    with (tmp_path / "c" / "tasks.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(isinstance(json.loads(r["support"]), list) for r in rows)
    assert any(json.loads(r["support"]) for r in rows) and any(r["support"] == "[]" for r in rows)
    assert any(r["completed"] == "" for r in rows) and all(r["id"] for r in rows)
    assert not (tmp_path / "c" / "tasks.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_csv_needs_no_duckdb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # (import duckdb raises ImportError)
    assert _export(tmp_path / "c", "--format", "csv")[0] == 0


# -- files: never lost --------------------------------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_an_earlier_export_is_kept_without_force(parquet: Path) -> None:
    before = _snapshot(parquet)
    code, out, err = _export(parquet, "--as-of", "2023-12-31")
    assert code == 2 and out == ""
    assert "--force" in err and "tasks.parquet" in err and len(err.splitlines()) == 1
    assert _snapshot(parquet) == before
    code, out, _ = _export(parquet, "--as-of", "2023-12-31", "--force")
    assert code == 0 and "tasks.parquet" in out and "40 rows" in out
    assert {r[1] for r in _rows(parquet / "task_instances.parquet")} == {date(2023, 12, 31)}
    assert sorted(_snapshot(parquet)) == sorted(before)  # no temporary file left


def test_a_failed_export_leaves_the_earlier_one_whole(
    parquet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _snapshot(parquet)
    real, written = write_module.write_parquet, list[str]()

    def full_disk(connection: Any, table: Any, *args: Any) -> None:
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        written.append(table.name)
        real(connection, table, *args)

    monkeypatch.setattr(write_module, "write_parquet", full_disk)
    code, _, err = _export(parquet, "--force", "--as-of", "2023-12-31")
    assert code == 2 and "No space left on device" in err
    assert _snapshot(parquet) == before


def test_the_same_records_give_the_same_files(parquet: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert _export(again, "--province", "Nam Định")[0] == 0
    assert _snapshot(again) == _snapshot(parquet)


def test_the_folder_is_made_with_its_parents(tmp_path: Path) -> None:
    assert _export(tmp_path / "a" / "b" / "c", "--format", "csv")[0] == 0
    assert len(list((tmp_path / "a" / "b" / "c").glob("*.csv"))) == len(SCHEMA)


def test_a_file_for_a_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x")
    code, _, err = _export(tmp_path / "out")
    assert code == 2 and "not a folder" in err


def test_a_folder_in_a_tables_place_is_refused_even_with_force(tmp_path: Path) -> None:
    (tmp_path / "out" / "tasks.parquet").mkdir(parents=True)
    code, _, err = _export(tmp_path / "out", "--force")
    assert code == 2 and "tasks.parquet" in err


def test_parquet_without_duckdb_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)
    code, out, err = _export(tmp_path / "out")
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "cdsctl: --format parquet needs the export extra: pip install 'cdsctl[export]'"
    ]
    assert not (tmp_path / "out").exists()  # (found before anything was read or made)


# -- the province --------------------------------------------------------------------------------


def test_the_province_option_comes_first(tmp_path: Path) -> None:
    (tmp_path / "cdsctl.toml").write_text('province = "Hà Nội"\n', encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", "  Quảng   Ninh ")
    assert province_name(decomposed, tmp_path, tmp_path) == "Quảng Ninh"
    assert province_name(None, tmp_path, tmp_path) == "Hà Nội"
    assert province_name(None, tmp_path / "elsewhere", tmp_path / "bcd-hue") == "bcd-hue"


@pytest.mark.parametrize(
    "toml", ["province = 34\n", "province = \n", 'province = ""\n', 'province = "a\\nb"\n']
)
def test_a_province_that_is_no_name_is_an_error(tmp_path: Path, toml: str) -> None:
    (tmp_path / "cdsctl.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(CdsError, match="province"):
        province_name(None, tmp_path, tmp_path)


def test_the_province_at_a_revision_is_the_committed_one(tmp_path: Path) -> None:
    root = tmp_path / "bcd-nam-dinh"
    shutil.copytree(SAMPLE, root)
    (root / "cdsctl.toml").write_text('province = "Nam Định"\n', encoding="utf-8")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x", "HOME": str(tmp_path),
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "records"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)
    (root / "cdsctl.toml").write_text('province = "Tỉnh khác"\n', encoding="utf-8")
    for at, want in ((["--at", "HEAD"], "Nam Định"), ([], "Tỉnh khác")):
        out = tmp_path / f"out{len(at)}"
        args = ["export", str(out), "--records", str(root), "--format", "csv", *at]
        assert CliRunner().invoke(app, args).exit_code == 0
        with (out / "agencies.csv").open(encoding="utf-8", newline="") as handle:
            assert {row["province"] for row in csv.DictReader(handle)} == {want}


def test_states_cover_every_state_the_docs_name() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert all(f"`{state.value}`" in text for state in State)


def test_a_repository_made_by_init_names_its_province(tmp_path: Path) -> None:
    """`cdsctl init --province` writes `province` in cdsctl.toml, and export takes it."""
    from cdsctl.authoring.scaffold import init

    root = init(tmp_path / "ho-so", province="Quảng Ninh", git=False).root
    assert province_name(None, root, root) == "Quảng Ninh"
