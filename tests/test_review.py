"""`cdsctl review BASE [HEAD]` (cdsctl/review): what a range of commits does to the records,
and the rules it keeps (issue 14).

Each test builds a git repository holding a copy of the bundled `records/` (the first
commit, BASE), makes the commits of its case, and reads the review the library and the CLI
give.  Dates are fixed: states are read as of 2022-12-31.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from copy import deepcopy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdsctl.diagnostics import CdsError
from cdsctl.queries import stats
from cdsctl.repository import load
from cdsctl.review import deadlines
from cdsctl.review.changes import review
from cdsctl.review.formats import as_markdown, escape_data, escape_property, md_cell
from cdsctl.review.items import Review

from .conftest import SAMPLE, invoke

AS_OF = date(2022, 12, 31)
TASK1 = "tasks/2022/TB-128-2022.1.yaml"  # lead ND-SBN, due 2022-05-20, done late (report)
TASK4 = "tasks/2022/TB-128-2022.4.yaml"  # due 2022-06-20, one extension to 2022-07-15
TASK2 = "tasks/2022/TB-128-2022.2.yaml"  # lead ND-SBN, overdue, referred to by nothing
REPORT = "reports/2022/BC-ND-STTTT-2022-06-08.yaml"
MEETING = "meetings/2022/ND-HOP-2022-05-10.yaml"  # the meeting TB-128-2022 concludes
INDICATOR = "indicators/nd-dvctt-rate.yaml"
EXTENSION = """\
extensions:
  - due: 2022-06-30
    granted: 2022-05-18
    by: TB-128-2022
    reason: Chờ ý kiến góp ý của các sở, ngành
"""


class Repo:
    """A git repository whose folder `records/` is a records root, with fixed dates."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.root = top / "records"
        shutil.copytree(SAMPLE, self.root)
        self.git("init", "-q")
        self.base = self.commit("Nhập hồ sơ mẫu", "2022-05-01")

    def git(self, *args: str, when: str = "2022-05-01") -> str:
        env = {"GIT_AUTHOR_DATE": f"{when}T09:00:00+07:00",
               "GIT_COMMITTER_DATE": f"{when}T09:00:00+07:00",
               "GIT_AUTHOR_NAME": "Nguyễn Văn An", "GIT_AUTHOR_EMAIL": "an@example.vn",
               "GIT_COMMITTER_NAME": "Nguyễn Văn An", "GIT_COMMITTER_EMAIL": "an@example.vn",
               "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.top),
               "PATH": os.environ["PATH"]}  # fmt: skip
        done = subprocess.run(["git", *args], cwd=self.top, env=env, check=True,
                              capture_output=True)  # fmt: skip
        return done.stdout.decode("utf-8").strip()

    def commit(self, message: str, when: str = "2022-06-01") -> str:
        self.git("add", "-A", when=when)
        self.git("commit", "-qm", message, when=when)
        return self.git("rev-parse", "HEAD")

    def path(self, relpath: str) -> Path:
        return self.root / relpath

    def edit(self, relpath: str, old: str, new: str) -> None:
        text = self.path(relpath).read_text(encoding="utf-8")
        assert old in text, (relpath, old)
        self.path(relpath).write_text(text.replace(old, new, 1), encoding="utf-8")

    def append(self, relpath: str, text: str) -> None:
        with self.path(relpath).open("a", encoding="utf-8") as out:
            out.write(text)

    def line(self, relpath: str, start: str, after: int = 1) -> int:
        """The 1-based line of the `after`-th line of `relpath` that starts with `start`
        (spaces aside)."""
        lines = self.path(relpath).read_text(encoding="utf-8").splitlines()
        found = [i + 1 for i, line in enumerate(lines) if line.strip().startswith(start)]
        return found[after - 1]

    def review(self, head: str | None = "HEAD") -> Review:
        return review(self.root, self.base, head, AS_OF)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "repo")


def _codes(found: Review) -> list[str]:
    return [v.code for v in found.violations]


def _whats(found: Review, kind: str) -> dict[str, str]:
    return {c.id: c.what for c in found.of(kind)}


# -- the rules -------------------------------------------------------------------------------


def test_a_due_moved_without_an_extension_is_caught_at_its_line(repo: Repo) -> None:
    repo.edit(TASK1, "due: 2022-05-20", "due: 2022-06-20")
    repo.commit("Lùi hạn nhiệm vụ 1")
    found = repo.review()
    [violation] = found.violations
    assert violation.code == "due-moved-without-extension"
    assert (violation.file, violation.id) == (f"records/{TASK1}", "TB-128-2022.1")
    assert violation.line == repo.line(TASK1, "due:") > 1
    assert "2022-05-20" in violation.message and "2022-06-20" in violation.message
    [move] = found.deadlines
    assert (move.old, move.new, move.days, move.extension) == (
        "2022-05-20", "2022-06-20", 31, False)  # fmt: skip
    assert (move.due_old, move.due_new) == ("2022-05-20", "2022-06-20")


def test_a_due_removed_is_caught(repo: Repo) -> None:
    repo.edit(TASK1, "due: 2022-05-20\n", "")
    repo.commit("Bỏ hạn nhiệm vụ 1")
    assert _codes(repo.review()) == ["due-moved-without-extension"]


def test_an_extension_appended_with_the_new_due_passes(repo: Repo) -> None:
    repo.append(TASK1, EXTENSION)
    repo.commit("Gia hạn nhiệm vụ 1")
    found = repo.review()
    assert found.violations == []
    [move] = found.deadlines
    assert (move.old, move.new, move.days, move.extension) == (
        "2022-05-20", "2022-06-30", 41, True)  # fmt: skip
    assert move.due_old == move.due_new == "2022-05-20"
    assert _whats(found, "task") == {"TB-128-2022.1": "edited"}


def test_what_cdsctl_extend_writes_passes(repo: Repo) -> None:
    code, _ = invoke("extend", "TB-128-2022.4", "--to", "2022-08-31", "--by", "TB-128-2022",
                     "--granted", "2022-07-10", "--reason", "Chờ sàn TMĐT",
                     "--records", str(repo.root))  # fmt: skip
    assert code == 0
    repo.commit("Gia hạn lần 2")
    found = repo.review()
    assert found.violations == []
    assert [(d.id, d.old, d.new, d.extension) for d in found.deadlines] == [
        ("TB-128-2022.4", "2022-07-15", "2022-08-31", True)]  # fmt: skip


def test_a_due_moved_beside_a_new_extension_is_still_caught(repo: Repo) -> None:
    """The task's own due stays the directive's (spec §3, §4): an extension added in the
    same range does not make a rewritten due right."""
    repo.edit(TASK1, "due: 2022-05-20", "due: 2022-05-25")
    repo.append(TASK1, EXTENSION)
    repo.commit("Sửa hạn và gia hạn")
    [violation] = repo.review().violations
    assert violation.code == "due-moved-without-extension"
    assert "extension was added too" in violation.message


def test_an_extension_rewritten_is_caught_at_its_line(repo: Repo) -> None:
    repo.edit(TASK4, "  - due: 2022-07-15", "  - due: 2022-07-31")
    repo.commit("Sửa gia hạn")
    [violation] = repo.review().violations
    assert violation.code == "extension-rewritten"
    assert violation.line == repo.line(TASK4, "- due:")
    assert "2022-07-15 → 2022-07-31" in violation.message


def test_an_extension_removed_is_caught(repo: Repo) -> None:
    text = repo.path(TASK4).read_text(encoding="utf-8")
    repo.path(TASK4).write_text(text[: text.index("extensions:")], encoding="utf-8")
    repo.commit("Bỏ gia hạn")
    found = repo.review()
    assert _codes(found) == ["extension-rewritten"]
    assert [(d.old, d.new) for d in found.deadlines] == [("2022-07-15", "2022-06-20")]


def test_an_extensions_reason_edited_is_an_edit_not_a_breach(repo: Repo) -> None:
    repo.edit(TASK4, "cần thêm thời gian", "cần thêm thời gian (sửa lỗi chính tả)")
    repo.commit("Sửa lý do")
    found = repo.review()
    assert found.violations == [] and found.deadlines == []
    assert [(c.id, c.what, c.detail["fields"]) for c in found.of("task")] == [
        ("TB-128-2022.4", "edited", ["extensions"])]  # fmt: skip


def test_a_reports_status_rewritten_is_caught_at_its_line(repo: Repo) -> None:
    repo.edit(REPORT, "    status: in-progress", "    status: done")
    repo.commit("Sửa báo cáo")
    found = repo.review()
    [violation] = found.violations
    assert (violation.code, violation.id) == ("report-rewritten", "BC-ND-STTTT-2022-06-08")
    assert violation.line == repo.line(REPORT, "status:", after=3)
    assert "in-progress" in violation.message and "done" in violation.message
    assert _whats(found, "report") == {"BC-ND-STTTT-2022-06-08": "rewritten"}


def test_a_reports_date_rewritten_is_caught(repo: Repo) -> None:
    repo.edit(REPORT, "date: 2022-06-08", "date: 2022-06-01")
    repo.commit("Sửa ngày báo cáo")
    [violation] = repo.review().violations
    assert violation.code == "report-rewritten"
    assert violation.line == repo.line(REPORT, "date:")


def test_a_reports_note_corrected_is_an_edit(repo: Repo) -> None:
    repo.edit(REPORT, "Còn 5 sở, ngành", "Còn năm sở, ngành")
    repo.commit("Sửa chính tả")
    found = repo.review()
    assert found.violations == []
    assert [(c.what, c.detail["fields"]) for c in found.of("report")] == [("edited", ["tasks"])]


def test_a_report_filed_passes_and_closes_its_task(repo: Repo) -> None:
    repo.path("reports/2022/BC-ND-SBN-2022-06-15.yaml").write_text(
        "kind: report\nid: BC-ND-SBN-2022-06-15\nagency: ND-SBN\ndate: 2022-06-15\n"
        "tasks:\n  - task: TB-128-2022.2\n    status: done\n", encoding="utf-8")  # fmt: skip
    repo.commit("Báo cáo của các sở")
    found = repo.review()
    assert found.violations == []
    [filed] = found.of("report")
    assert (filed.id, filed.what, filed.file) == (
        "BC-ND-SBN-2022-06-15",
        "filed",
        "records/reports/2022/BC-ND-SBN-2022-06-15.yaml",
    )
    assert filed.detail == {"agency": "ND-SBN", "date": "2022-06-15", "tasks": ["TB-128-2022.2"]}
    [closed] = found.of("task", "closed")  # (it was overdue: due 2022-05-25)
    assert closed.id == "TB-128-2022.2"
    assert closed.detail == {"state": "done-late", "completed": "2022-06-15"}
    assert found.counts()["reports_filed"] == 1 and found.counts()["tasks_closed"] == 1


def test_a_record_deleted_that_base_refers_to_is_caught(repo: Repo) -> None:
    repo.path(MEETING).unlink()
    repo.commit("Xóa cuộc họp")
    found = repo.review()
    [violation] = found.violations
    assert (violation.code, violation.id) == ("deleted-referenced", "ND-HOP-2022-05-10")
    assert (violation.file, violation.line) == (f"records/{MEETING}", 1)
    assert "TB-128-2022" in violation.message
    assert _whats(found, "meeting") == {"ND-HOP-2022-05-10": "removed"}
    # the directive now refers to nothing: it has an error at HEAD, left out, not "removed"
    assert found.left_out == {"base": [], "head": ["records/directives/2022/TB-128-2022.yaml"]}
    assert "directive" not in {c.kind for c in found.changes}


def test_an_agency_deleted_that_tasks_lead_is_caught(repo: Repo) -> None:
    text = repo.path("agencies.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: ND-CAT\n")
    end = text.index("  - id:", start + 1)
    repo.path("agencies.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    repo.commit("Xóa Công an tỉnh")
    found = repo.review()
    assert [(v.code, v.id, v.file) for v in found.violations] == [
        ("deleted-referenced", "ND-CAT", "records/agencies.yaml")]  # fmt: skip
    assert "TB-128-2022.8" in found.violations[0].message
    assert _whats(found, "agency") == {"ND-CAT": "removed"}


def test_a_record_deleted_that_nothing_refers_to_passes(repo: Repo) -> None:
    repo.path(TASK2).unlink()
    repo.commit("Xóa nhiệm vụ nhập nhầm")
    found = repo.review()
    assert found.violations == []
    assert _whats(found, "task") == {"TB-128-2022.2": "removed"}
    assert found.of("task")[0].file == f"records/{TASK2}"


# -- what changed ----------------------------------------------------------------------------


def test_an_agency_added_and_one_renamed(repo: Repo) -> None:
    repo.edit("agencies.yaml", "    name: Công an tỉnh Nam Định\n",
              "    name: Công an tỉnh Nam Định (PC06)\n")  # fmt: skip
    repo.append("agencies.yaml", "  - id: ND-SYT\n    name: Sở Y tế tỉnh Nam Định\n")
    repo.commit("Cơ quan")
    found = repo.review()
    assert found.violations == []
    assert _whats(found, "agency") == {"ND-SYT": "added", "ND-CAT": "renamed"}
    [renamed] = found.of("agency", "renamed")
    assert renamed.detail == {"fields": ["name"], "old": "Công an tỉnh Nam Định",
                              "new": "Công an tỉnh Nam Định (PC06)"}  # fmt: skip
    assert found.counts()["agencies_added"] == found.counts()["agencies_renamed"] == 1


def test_a_task_completed_and_one_cancelled(repo: Repo) -> None:
    repo.append(TASK1, "completed: 2022-05-19\n")
    repo.append(TASK2, "cancelled:\n  date: 2022-06-01\n  reason: Không còn phù hợp\n"
                       "  by: TB-128-2022\n")  # fmt: skip
    repo.commit("Đóng nhiệm vụ")
    found = repo.review()
    assert found.violations == []
    assert _whats(found, "task") == {"TB-128-2022.1": "closed", "TB-128-2022.2": "cancelled"}
    closed, cancelled = found.of("task", "closed")[0], found.of("task", "cancelled")[0]
    assert closed.detail == {"state": "done-on-time", "completed": "2022-05-19"}
    assert cancelled.detail["cancelled"]["date"] == "2022-06-01"


def test_the_on_time_rate_change_of_each_agency(repo: Repo) -> None:
    before = {t.key: t.on_time_rate for t in _stats(repo.root)}
    repo.append(TASK1, "completed: 2022-05-19\n")  # ND-SBN: a task done late now on time
    repo.commit("Hoàn thành nhiệm vụ 1")
    after = {t.key: t.on_time_rate for t in _stats(repo.root)}
    found = repo.review()
    rates = {r.agency: (r.before, r.after, r.delta) for r in found.rates}
    assert rates == {k: (before.get(k), after[k], round(after[k] - before[k], 1))
                     for k in after if after[k] != before.get(k)}  # fmt: skip
    assert rates["ND-SBN"] == (0.0, 50.0, 50.0)


def _stats(root: Path) -> list[Any]:
    repo = load(root, cache_dir=False)
    return stats(repo.states(AS_OF), repo.records, "agency")


def test_rates_are_in_vietnamese_order(repo: Repo) -> None:
    from cdsctl.text import vn_sort_key

    for relpath in (TASK2, "tasks/2022/QN-TB-2022-03.3.yaml", "tasks/2022/QN-TB-2022-03.5.yaml"):
        repo.append(relpath, "completed: 2022-05-20\n")  # the three overdue tasks, on time
    repo.edit("agencies.yaml", "short: Các sở, ngành, địa phương", "short: Đơn vị của tỉnh")
    repo.commit("Hoàn thành")
    rates = repo.review().rates
    assert [r.name for r in rates] == ["Đơn vị của tỉnh", "NHNN chi nhánh Quảng Ninh", "Sở TT&TT"]
    names = [r.name for r in rates]  # (in code point order Đ comes after S)
    assert names == sorted(names, key=vn_sort_key) and names != sorted(names)


def test_an_indicator_measure_added_and_a_target_changed(repo: Repo) -> None:
    repo.edit(INDICATOR, "    value: 80\n", "    value: 85\n")
    repo.append(INDICATOR, '  - period: "2024"\n    value: 90.5\n    source: Dữ liệu mẫu\n')
    repo.commit("Cập nhật chỉ tiêu")
    found = repo.review()
    [updated] = found.of("indicator")
    assert (updated.id, updated.what) == ("nd-dvctt-rate", "updated")
    assert updated.detail["measures"] == [
        {"list": "targets", "period": "2023", "old": 80, "new": 85},
        {"list": "actuals", "period": "2024", "old": None, "new": 90.5}]  # fmt: skip
    assert found.counts()["indicators_updated"] == 1


def test_a_file_moved_is_the_same_record(repo: Repo) -> None:
    (repo.root / "tasks/2022/nam-dinh").mkdir()
    repo.git("mv", f"records/{TASK4}", "records/tasks/2022/nam-dinh/TB-128-2022.4.yaml")
    repo.commit("Xếp lại thư mục")
    found = repo.review()
    assert found.violations == [] and found.deadlines == []
    [moved] = found.changes
    assert (moved.id, moved.what, moved.detail) == (
        "TB-128-2022.4",
        "edited",
        {"fields": [], "moved_from": f"records/{TASK4}"},
    )


def test_a_file_with_errors_is_left_out_not_removed(repo: Repo) -> None:
    repo.edit(TASK1, "due: 2022-05-20", "due: 2022-02-30")
    repo.commit("Ngày sai")
    found = repo.review()
    assert found.violations == [] and found.changes == []
    assert found.left_out == {"base": [], "head": [f"records/{TASK1}"]}


def test_a_file_that_cannot_be_read_is_left_out_not_removed(repo: Repo) -> None:
    repo.path(TASK1).write_text("kind: task\nid: [TB-128-2022.1\n", encoding="utf-8")
    repo.path(MEETING).write_bytes(b"\xff\xfe not text")
    repo.commit("Hỏng tệp")
    found = repo.review()
    assert found.violations == [] and found.changes == []
    # (and the records that now refer to nothing: the directive, a report on task 1)
    assert {f"records/{MEETING}", f"records/{TASK1}"} < set(found.left_out["head"])
    assert found.left_out["base"] == []


def test_the_work_tree_is_head_by_default(repo: Repo) -> None:
    repo.edit(TASK1, "due: 2022-05-20", "due: 2022-06-20")  # not committed
    assert _codes(repo.review(head=None)) == ["due-moved-without-extension"]
    assert repo.review().violations == []  # HEAD is still BASE
    assert repo.review(head=None).head is None


def test_a_range_between_two_commits(repo: Repo) -> None:
    repo.append(TASK1, "completed: 2022-05-19\n")
    middle = repo.commit("Hoàn thành")
    repo.edit(TASK1, "due: 2022-05-20", "due: 2022-06-20")
    repo.commit("Lùi hạn")
    assert _codes(review(repo.root, repo.base, middle, AS_OF)) == []
    found = review(repo.root, middle, "HEAD", AS_OF)
    assert _codes(found) == ["due-moved-without-extension"]
    assert found.of("task", "closed") == []


def test_a_bad_revision_is_a_user_error(repo: Repo) -> None:
    with pytest.raises(CdsError, match="BASE"):
        review(repo.root, "no-such-branch", None, AS_OF)
    with pytest.raises(CdsError, match="HEAD"):
        review(repo.root, repo.base, "--output=x", AS_OF)


# -- the command -----------------------------------------------------------------------------


def _cli(repo: Repo, *args: str) -> tuple[int, str]:
    return invoke("review", repo.base, *args, "--records", str(repo.root), "--as-of",
                  "2022-12-31", "--lang", "en")  # fmt: skip


def _breaking(repo: Repo) -> None:
    repo.edit(TASK1, "due: 2022-05-20", "due: 2022-06-20")
    repo.edit(REPORT, "    status: in-progress", "    status: done")
    repo.path(MEETING).unlink()
    repo.append(TASK4, "completed: 2022-07-10\n")
    repo.commit("Nhiều thay đổi")


def test_json_equals_the_librarys_result(repo: Repo) -> None:
    _breaking(repo)
    code, out = _cli(repo, "HEAD", "--format", "json")
    assert code == 1
    assert json.loads(out) == repo.review().row()
    assert sorted(json.loads(out)["counts"].items()) != []
    assert {v["code"] for v in json.loads(out)["violations"]} == {
        "due-moved-without-extension",
        "report-rewritten",
        "deleted-referenced",
    }


def test_every_format_exits_1_on_a_violation_and_0_without(repo: Repo) -> None:
    repo.append(TASK1, EXTENSION)
    repo.commit("Gia hạn")
    for fmt in ("text", "md", "github", "json"):
        assert _cli(repo, "HEAD", "--format", fmt)[0] == 0, fmt
    _breaking(repo)
    for fmt in ("text", "md", "github", "json"):
        assert _cli(repo, "HEAD", "--format", fmt)[0] == 1, fmt


def test_a_bad_revision_or_no_git_exits_2(repo: Repo, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    assert invoke("review", "no-such-branch", "--records", str(repo.root))[0] == 2
    assert invoke("review", repo.base, "--bad", "--records", str(repo.root))[0] == 2
    outside = tmp_path / "outside"
    shutil.copytree(SAMPLE, outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert invoke("review", "HEAD", "--records", str(outside))[0] == 2


def test_github_annotations_name_the_file_and_line(repo: Repo) -> None:
    _breaking(repo)
    code, out = _cli(repo, "HEAD", "--format", "github")
    assert code == 1
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    due_line = repo.line(TASK1, "due:")
    status_line = repo.line(REPORT, "status:", after=3)
    assert annotations[0].startswith(
        f"::error file=records/{MEETING},line=1,title=deleted-referenced::ND-HOP-2022-05-10: "
    )
    report = f"::error file=records/{REPORT},line={status_line},title=report-rewritten::"
    due = f"::error file=records/{TASK1},line={due_line},title=due-moved-without-extension::"
    assert any(a.startswith(report) for a in annotations)
    assert any(a.startswith(due) for a in annotations)
    assert len(annotations) == 3
    assert "Review of " in out  # then the text summary


def test_text_lists_each_kind_of_change(repo: Repo) -> None:
    _breaking(repo)
    code, out = _cli(repo, "HEAD")
    assert code == 1
    assert "3 rule violations" in out
    assert f"records/{TASK1}:{repo.line(TASK1, 'due:')}: due-moved-without-extension" in out
    assert "closed  TB-128-2022.4" in out
    assert "Deadlines moved (1)" in out and "2022-05-20 → 2022-06-20 (+31 days" in out


def test_markdown_is_a_pull_request_comment(repo: Repo) -> None:
    repo.edit(TASK2, "title: ", "title: Nâng cấp | mở rộng <hạ tầng> ")
    _breaking(repo)
    code, out = _cli(repo, "HEAD", "--format", "md")
    assert code == 1
    assert out.startswith(f"## cdsctl review: `{repo.base[:12]}` → ")
    assert "| Rule violations | 3 |" in out
    assert "| Rule | File | Line | Record | Message |" in out
    assert "<details>\n<summary>Tasks (3)</summary>" in out
    assert "Nâng cấp \\| mở rộng &lt;hạ tầng&gt;" in out
    assert out.count("<details>") == out.count("</details>") >= 3


def test_markdown_when_nothing_breaks(repo: Repo) -> None:
    repo.append(TASK1, EXTENSION)
    repo.commit("Gia hạn")
    out = as_markdown(repo.review())
    assert "**No rule broken.**" in out and "### Rule violations" not in out


# -- properties ------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    table = {"%25": "%", "%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
    return re.sub("%(25|0D|0A|3A|2C)", lambda m: table[m.group(0)], text)


@given(st.text())
def test_github_escapes_round_trip_on_one_line(text: str) -> None:
    data, prop = escape_data(text), escape_property(text)
    assert "\n" not in data and "\r" not in data
    assert not {"\n", "\r", ",", ":"} & set(prop)
    assert _unescape(data) == text and _unescape(prop) == text


@given(st.text())
def test_a_markdown_cell_never_ends_its_row(text: str) -> None:
    cell = md_cell(text)
    assert "\n" not in cell and "\r" not in cell
    assert re.search(r"(?<!\\)\|", cell) is None
    assert "<" not in cell.replace("<br>", "")


DAYS = st.dates(date(2022, 5, 1), date(2022, 12, 31)).map(date.isoformat)
EXT = st.fixed_dictionaries({"due": DAYS, "granted": DAYS, "reason": st.sampled_from(["a", "b"])})
EDITS = st.lists(st.one_of(
    st.tuples(st.just("append"), EXT), st.tuples(st.just("due"), DAYS),
    st.tuples(st.just("drop-due")), st.tuples(st.just("ext-due"), st.integers(0, 3), DAYS),
    st.tuples(st.just("ext-granted"), st.integers(0, 3), DAYS),
    st.tuples(st.just("drop-ext"), st.integers(0, 3)),
    st.tuples(st.just("reason"), st.integers(0, 3), st.text(max_size=3)),
), max_size=4)  # fmt: skip


def _apply(task: dict[str, Any], edit: tuple[Any, ...]) -> None:
    exts = task.setdefault("extensions", [])
    kind, *args = edit
    if kind == "append":
        exts.append(dict(args[0]))
    elif kind == "due":
        task["due"] = args[0]
    elif kind == "drop-due":
        task.pop("due", None)
    elif exts and kind in ("ext-due", "ext-granted", "reason"):
        key = {"ext-due": "due", "ext-granted": "granted", "reason": "reason"}[kind]
        exts[args[0] % len(exts)][key] = args[1]
    elif exts and kind == "drop-ext":
        del exts[args[0] % len(exts)]


@settings(max_examples=300)
@given(st.one_of(st.none(), DAYS), st.lists(EXT, max_size=3), EDITS)
def test_deadline_rules_against_an_oracle(due: str | None, exts: list[dict[str, Any]],
                                          edits: list[tuple[Any, ...]]) -> None:  # fmt: skip
    old: dict[str, Any] = {"id": "T", "extensions": exts} | ({"due": due} if due else {})
    new = deepcopy(old)
    for edit in edits:
        _apply(new, edit)
    verdict = deadlines.judge(old, new)
    codes = Counter(f.code for f in verdict.findings)
    # the oracle: a due that was there and is not the same; extensions of BASE (by their
    # dates) missing from HEAD, counted as a multiset
    assert codes["due-moved-without-extension"] == int(due is not None and new.get("due") != due)
    dates = Counter((e["due"], e["granted"]) for e in old["extensions"])
    kept = Counter((e["due"], e["granted"]) for e in new["extensions"])
    assert codes["extension-rewritten"] == sum((dates - kept).values())
    if all(e[0] in ("append", "reason") for e in edits):
        assert verdict.findings == ()
        assert len(verdict.added) == sum(e[0] == "append" for e in edits)
