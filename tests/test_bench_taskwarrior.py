"""bench/taskwarrior.py: the tasks Taskwarrior is given, and the rows counted in outputs.

The end-to-end test imports a small generated root into a real Taskwarrior (skipped where
`task` is not installed) and checks that its overdue list is cdsctl's: the date shift and the
end-of-day deadlines are what makes the side-by-side comparison fair.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import taskwarrior as tw  # noqa: E402  (bench/ is not a package)


def state(kind: str, **given: object) -> SimpleNamespace:
    task = SimpleNamespace(
        title="Triển khai IOC",
        directive="KH-01-2024",
        lead="SKHCN",
        tags=("chuyển đổi số", "06"),
        cancelled=given.pop("cancelled", None),
    )
    values = {"deadline": None, "completed": None, "as_of": date(2024, 12, 31)} | given
    return SimpleNamespace(id="KH-01-2024.1", task=task, state=kind, **values)


def test_a_deadline_is_due_at_the_end_of_its_day_moved_by_the_shift() -> None:
    out = tw.tw_task(state("overdue", deadline=date(2024, 12, 30)), None, timedelta(days=2))
    assert out["due"] == "20250101T235959Z"
    assert out["status"] == "pending"
    assert out["entry"] == "20250102T000000Z"  # no directive: the as-of date
    assert out["tags"] == ["06", "chuyển_đổi_số"]
    assert (out["project"], out["lead"], out["cdsid"]) == ("KH-01-2024", "SKHCN", "KH-01-2024.1")


def test_done_is_completed_and_cancelled_is_deleted_with_their_end() -> None:
    done = tw.tw_task(state("done-late", completed=date(2024, 3, 1)), date(2024, 1, 2), timedelta())
    assert (done["status"], done["end"], done["entry"]) == (
        "completed",
        "20240301T000000Z",
        "20240102T000000Z",
    )
    cancel = SimpleNamespace(date=date(2024, 5, 6))
    gone = tw.tw_task(state("cancelled", cancelled=cancel), None, timedelta())
    assert (gone["status"], gone["end"]) == ("deleted", "20240506T000000Z")
    assert "due" not in tw.tw_task(state("no-deadline"), None, timedelta())


def test_rows_are_counted_in_both_tables() -> None:
    task_table = "\nID Age  Due        Description\n-- ---- ---------- -----\n 1 1d a\n 2 1d b\n\n"
    assert tw.rows_task_table(task_table) == 2
    ours = "Overdue\nid ┃ title\n━━━╇━━━\nA  │ a\nB  │ b\nC  │ c\n\nSKHCN: 3 overdue\n"
    assert tw.rows_cdsctl_table(ours) == 3
    assert tw.rows_json('[{"id": 1}, {"id": 2}]') == 2


@pytest.mark.skipif(shutil.which("task") is None, reason="taskwarrior not installed")
def test_taskwarrior_lists_the_tasks_cdsctl_finds_overdue(tmp_path: Path) -> None:
    data = tmp_path / "records"
    gen = [sys.executable, str(BENCH / "gen.py"), str(data), "--tasks", "200", "--reports", "200"]
    subprocess.run(gen, check=True, capture_output=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    today = datetime.now(UTC).date()
    tasks = tw.build_tasks(data, date(2024, 12, 31), cache, today)
    assert tasks.overdue > 0
    assert any(t["status"] == "pending" and "due" in t for t in tasks.tw)
    folder = tmp_path / "records.task"
    assert tw.fresh_taskdata(folder)
    taskwarrior = tw.set_up_taskwarrior(shutil.which("task") or "task", folder, tasks, tmp_path)
    assert isinstance(taskwarrior, tw.Taskwarrior)
    listed = taskwarrior.run(["overdue"], tmp_path / "overdue.txt")
    assert listed.code == 0
    assert tw.rows_task_table(listed.out.read_text()) == tasks.overdue
    exported = taskwarrior.run(["export"], tmp_path / "export.json")
    assert tw.rows_json(exported.out.read_text()) == len(tasks.tw)
    assert tw.fresh_taskdata(folder)  # made by the script: replaced
    (tmp_path / "other").mkdir()
    assert not tw.fresh_taskdata(tmp_path / "other")  # not made by it: left alone
