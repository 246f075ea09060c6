"""`cdsctl history ID`: the commits that changed a record and the fields (cdsctl/history.py)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from cdsctl.diagnostics import CdsError
from cdsctl.history import Change, Target, Version, compare, find, history, parse_version
from cdsctl.repository import load

from .conftest import AGENCIES, TASK, invoke

Make = Callable[[dict[str, str | bytes]], Path]
TASK_FILE = "tasks/TB-128-2022.1.yaml"


def _git(repo: Path, *args: str, when: str = "2022-05-12", author: str = "Nguyễn Văn An") -> str:
    env = {"GIT_AUTHOR_DATE": f"{when}T09:00:00+07:00",
           "GIT_COMMITTER_DATE": f"{when}T09:00:00+07:00",
           "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "an@example.vn",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "an@example.vn",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo), "PATH": os.environ["PATH"]}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return done.stdout.decode("utf-8")


def _commit(repo: Path, when: str, message: str, author: str = "Nguyễn Văn An") -> None:
    _git(repo, "add", "-A", when=when)
    _git(repo, "commit", "-qm", message, when=when, author=author)


def _edit(root: Path, relpath: str, old: str, new: str) -> None:
    path = root / relpath
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


EXTENSION = """\
extensions:
  - due: 2022-06-30
    granted: 2022-06-10
    by: TB-128-2022
    reason: Chờ ý kiến góp ý của các sở, ngành
"""


def _task_history(records: Make, repo_at_parent: bool = False) -> Path:
    """A root with four commits on task TB-128-2022.1: created, due moved, extended, done."""
    root = records({})
    repo = root.parent if repo_at_parent else root
    _git(repo, "init", "-q")
    _commit(repo, "2022-05-12", "Nhập Thông báo 128/TB-UBND")
    _edit(root, TASK_FILE, "due: 2022-05-20", "due: 2022-06-15")
    _commit(repo, "2022-05-18", "Lùi hạn nhiệm vụ 1", author="Trần Thị Bình")
    (root / TASK_FILE).write_text(TASK.replace("2022-05-20", "2022-06-15") + EXTENSION, "utf-8")
    _commit(repo, "2022-06-10", "Gia hạn nhiệm vụ 1")
    with (root / TASK_FILE).open("a", encoding="utf-8") as out:
        out.write("completed: 2022-06-28\n")
    _commit(repo, "2022-06-28", "Hoàn thành nhiệm vụ 1")
    return root


EXPECTED = [
    ("2022-06-28", "Nguyễn Văn An", "Hoàn thành nhiệm vụ 1", ["+ completed: 2022-06-28"]),
    ("2022-06-10", "Nguyễn Văn An", "Gia hạn nhiệm vụ 1", ["extensions: added 1"]),
    ("2022-05-18", "Trần Thị Bình", "Lùi hạn nhiệm vụ 1", ["due: 2022-05-20 → 2022-06-15"]),
    ("2022-05-12", "Nguyễn Văn An", "Nhập Thông báo 128/TB-UBND", ["created"]),
]


def _summary(root: Path, record_id: str) -> list[tuple[str, str, str, list[str]]]:
    revisions = history(root, find(load(root).validation.summaries, record_id))
    return [(r.date[:10], r.author, r.subject, [c.text() for c in r.changes]) for r in revisions]


def test_changes_newest_first(records: Make) -> None:
    root = _task_history(records)
    assert _summary(root, "TB-128-2022.1") == EXPECTED


def test_json_changes_carry_old_and_new_values(records: Make) -> None:
    root = _task_history(records)
    revisions = history(root, find(load(root).validation.summaries, "TB-128-2022.1"))
    assert revisions[0].date == "2022-06-28T09:00:00+07:00"
    assert len(revisions[0].commit) == 40 and revisions[0].commit.startswith(revisions[0].short)
    assert revisions[2].changes == [Change("due", "2022-05-20", "2022-06-15")]
    [extension] = revisions[1].changes
    assert (extension.field, extension.old) == ("extensions", None)
    assert extension.new == [{"due": "2022-06-30", "granted": "2022-06-10", "by": "TB-128-2022",
                              "reason": "Chờ ý kiến góp ý của các sở, ngành"}]  # fmt: skip
    assert revisions[3].changes == [Change("(file)", None, TASK_FILE)]


def test_a_renamed_file_is_followed(records: Make) -> None:
    root = _task_history(records)
    (root / "tasks" / "2022").mkdir()
    _git(root, "mv", TASK_FILE, "tasks/2022/TB-128-2022.1.yaml")
    _commit(root, "2022-07-01", "Xếp hồ sơ theo năm")
    summary = _summary(root, "TB-128-2022.1")
    assert summary[0] == ("2022-07-01", "Nguyễn Văn An", "Xếp hồ sơ theo năm",
                          [f"renamed from {TASK_FILE}"])  # fmt: skip
    assert summary[1:] == EXPECTED


def test_a_records_root_inside_a_bigger_repository(records: Make) -> None:
    root = _task_history(records, repo_at_parent=True)
    assert _summary(root, "TB-128-2022.1") == EXPECTED


def test_an_agency_shows_only_its_own_entry(records: Make) -> None:
    root = records({})
    _git(root, "init", "-q")
    _commit(root, "2022-05-12", "Danh mục cơ quan")
    _edit(root, "agencies.yaml", "    name: Sở Công Thương\n",
          "    name: Sở Công Thương\n    short: Sở CT\n")  # fmt: skip
    _commit(root, "2022-05-13", "Tên ngắn Sở Công Thương")
    _edit(root, "agencies.yaml", "    name: Sở Thông tin và Truyền thông\n",
          "    name: Sở Thông tin và Truyền thông\n    until: 2025-02-28\n")  # fmt: skip
    _commit(root, "2022-05-14", "Sở TT&TT hợp nhất")
    assert _summary(root, "STTTT") == [
        ("2022-05-14", "Nguyễn Văn An", "Sở TT&TT hợp nhất", ["+ until: 2025-02-28"]),
        ("2022-05-12", "Nguyễn Văn An", "Danh mục cơ quan", ["created"]),
    ]
    assert [s[3] for s in _summary(root, "SCT")] == [["+ short: Sở CT"], ["created"]]


def test_the_command_table_and_json(records: Make) -> None:
    root = _task_history(records)
    code, out = invoke("history", "TB-128-2022.1", "--records", str(root))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("2022-06-28  Nguyễn Văn An  ") and lines[0].endswith(
        "  Hoàn thành nhiệm vụ 1")  # fmt: skip
    assert lines[1] == "    + completed: 2022-06-28"
    assert "    due: 2022-05-20 → 2022-06-15" in lines
    code, out = invoke("history", "TB-128-2022.1", "--records", str(root), "--format", "json")
    assert code == 0
    library = history(root, find(load(root).validation.summaries, "TB-128-2022.1"))
    assert json.loads(out) == [r.row() for r in library]
    assert set(json.loads(out)[0]) >= {"commit", "date", "author", "subject", "changes"}


def test_an_unknown_id_exits_2(records: Make) -> None:
    root = _task_history(records)
    assert invoke("history", "NO-SUCH-ID", "--records", str(root))[0] == 2
    with pytest.raises(CdsError, match="NO-SUCH-ID"):
        find(load(root).validation.summaries, "NO-SUCH-ID")


def test_a_root_not_in_git_exits_2(records: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    root = records({})
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))
    assert invoke("history", "TB-128-2022.1", "--records", str(root))[0] == 2
    with pytest.raises(CdsError, match="not in a git repository"):
        history(root, Target(TASK_FILE))


def test_a_file_never_committed_has_no_history(records: Make) -> None:
    root = _task_history(records)
    (root / "tasks" / "TB-128-2022.9.yaml").write_text(TASK.replace(".1\n", ".9\n"), "utf-8")
    assert history(root, Target("tasks/TB-128-2022.9.yaml")) == []


# -- describing changes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "text"),
    [(Change("due", "2022-05-20", "2022-06-15"), "due: 2022-05-20 → 2022-06-15"),
     (Change("completed", None, "2022-06-08"), "+ completed: 2022-06-08"),
     (Change("cancelled", {"date": "2022-07-01", "reason": "Không còn phù hợp với tình hình"},
             None), "- cancelled"),
     (Change("cancelled", None, {"date": "2022-07-01", "reason": "Không còn phù hợp, dừng"}),
      "+ cancelled"),
     (Change("title", "Ban hành kế hoạch chuyển đổi số năm 2022 của tỉnh",
             "Ban hành kế hoạch chuyển đổi số năm 2022 và năm 2023"), "title: changed"),
     (Change("item", "3", "3.a"), "item: 3 → 3.a"),
     (Change("support", ["SCT"], ["SCT", "SYT"]), "support: [SCT] → [SCT, SYT]"),
     (Change("extensions", [{"due": "2022-06-30", "reason": "Chờ ý kiến các sở"}],
             [{"due": "2022-06-30", "reason": "Chờ ý kiến các sở"},
              {"due": "2022-07-30", "reason": "Chờ ý kiến Bộ"}]), "extensions: added 1"),
     (Change("extensions", [{"due": "2022-06-30", "reason": "Chờ ý kiến các sở"}], None),
      "extensions: removed 1"),
     (Change("extensions", [{"due": "2022-06-30", "reason": "Chờ ý kiến các sở"}],
             [{"due": "2022-07-15", "reason": "x"}, {"due": "2022-07-30", "reason": "y"}]),
      "extensions: 1 → 2 items"),
     (Change("extensions", [{"due": "2022-06-30", "reason": "Chờ ý kiến các sở"}],
             [{"due": "2022-07-15", "reason": "Chờ ý kiến các sở"}]), "extensions: changed"),
     (Change("body", "Nội dung\ncũ", "Nội dung\nmới"), "body: changed"),
     (Change("(file)", None, "tasks/a.yaml"), "created"),
     (Change("(file)", "tasks/a.yaml", None), "deleted"),
     (Change("(file)", "tasks/a.yaml", "tasks/2022/a.yaml"), "renamed from tasks/a.yaml"),
     (Change("(yaml)", None, "found duplicate key"), "unreadable: found duplicate key"),
     (Change("(yaml)", "found duplicate key", None), "readable again")],
)  # fmt: skip
def test_change_text(change: Change, text: str) -> None:
    assert change.text() == text


def test_a_markdown_record_is_read_with_its_body() -> None:
    old = parse_version("---\nkind: meeting\nid: M1\ntitle: Họp\n---\nNội dung cũ\n".encode(),
                        "meetings/M1.md")  # fmt: skip
    new = parse_version("---\nkind: meeting\nid: M1\ntitle: Họp BCĐ\n---\nNội dung mới\n".encode(),
                        "meetings/M1.md")  # fmt: skip
    texts = [c.text() for c in compare(old, new, "meetings/M1.md", "meetings/M1.md")]
    assert texts == ["title: Họp → Họp BCĐ", "body: changed"]  # a body is multi-line text


def test_an_unreadable_version_is_reported_not_raised() -> None:
    good = parse_version(b"kind: task\nid: T\n", "tasks/T.yaml")
    bad = parse_version(b"kind: task\nid: [T\n", "tasks/T.yaml")
    assert bad.data is None and bad.problem
    assert [c.field for c in compare(good, bad, "t", "t")] == ["(yaml)"]
    assert [c.text() for c in compare(bad, good, "t", "t")] == ["readable again"]
    assert parse_version(b"", "tasks/T.yaml").problem == "the file is empty"


def test_deleting_and_unchanged() -> None:
    good = parse_version(b"kind: task\nid: T\n", "tasks/T.yaml")
    assert compare(good, Version(), "t", "t") == [Change("(file)", "t", None)]
    assert compare(good, good, "t", "t") == []
    assert compare(Version(), Version(), "t", "t") == []


def test_agencies_file_entry() -> None:
    data = AGENCIES.encode()
    entry = parse_version(data, "agencies.yaml", "SCT").data
    assert entry == {"id": "SCT", "name": "Sở Công Thương"}
    assert parse_version(data, "agencies.yaml", "NONE") == Version()


# -- a shallow clone: history cut at its boundary, never "created" -----------------------------

CUT_TEXT = ("history cut here: this is a shallow clone and older commits are not in it "
            "(`git fetch --unshallow` fetches them)")  # fmt: skip


def _clone(source: Path, dest: Path, depth: int | None, repo_at_parent: bool = False) -> Path:
    """A clone of `source`'s repository (shallow with `depth`); its records root."""
    repo = source.parent if repo_at_parent else source
    args = ["clone", "-q", *(["--depth", str(depth)] if depth else []), f"file://{repo}", str(dest)]
    _git(dest.parent, *args)
    return dest / source.name if repo_at_parent else dest


@pytest.mark.parametrize("depth", [1, 2, 3, None])
@pytest.mark.parametrize("repo_at_parent", [False, True])
def test_a_shallow_clone_says_where_the_history_is_cut(
    records: Make, tmp_path: Path, depth: int | None, repo_at_parent: bool
) -> None:
    root = _clone(_task_history(records, repo_at_parent), tmp_path / "clone", depth, repo_at_parent)
    summary = _summary(root, "TB-128-2022.1")
    if depth is None:
        assert summary == EXPECTED  # a full clone: the first commit created the file
    else:
        assert summary == [*EXPECTED[: depth - 1], (*EXPECTED[depth - 1][:3], [CUT_TEXT])]
    code, out = invoke("history", "TB-128-2022.1", "--records", str(root))
    assert code == 0 and ("created" in out) is (depth is None) and (CUT_TEXT in out) is bool(depth)


def test_a_shallow_clone_of_a_single_commit_still_says_created(
    records: Make, tmp_path: Path
) -> None:
    """git lists a true first commit as a shallow boundary too; it has no parent to lose."""
    root = records({})
    _git(root, "init", "-q")
    _commit(root, "2022-05-12", "Nhập Thông báo 128/TB-UBND")
    clone = _clone(root, tmp_path / "clone", 1)
    assert (clone / ".git" / "shallow").read_text().strip()  # git marks it as a boundary
    assert _summary(clone, "TB-128-2022.1") == [EXPECTED[-1]]


def test_a_shallow_boundary_in_json_is_a_pseudo_field(records: Make, tmp_path: Path) -> None:
    root = _clone(_task_history(records), tmp_path / "clone", 1)
    code, out = invoke("history", "TB-128-2022.1", "--records", str(root), "--format", "json")
    assert code == 0
    [revision] = json.loads(out)
    assert revision["changes"] == [{"field": "(shallow)", "old": None, "new": None}]
