"""Writing records from the command line (issue 11): a committee's first notice entered by
flags from an empty folder, answered by `overdue` and `tasks` as computed by hand; changes
that would add an error refused with every file left as it was; `--commit` commits only what
it wrote; `new task` by questions under a pseudo-terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO, invoke

CDSCTL = Path(os.environ.get("VIRTUAL_ENV", REPO / ".venv")) / "bin" / "cdsctl"


def _ok(*args: str) -> str:
    code, out = invoke(*args)
    assert code == 0, out
    return out


def _agency(root: Path, short: str) -> str:
    """The id init gave the agency of this short name."""
    data = _read((root / "agencies.yaml").read_text(encoding="utf-8"))
    return next(a["id"] for a in data["agencies"] if a.get("short") == short)


def _read(text: str) -> dict[str, Any]:
    """A record as text values (dates as written), as cdsctl reads it."""
    return yaml.load(text, Loader=yaml.BaseLoader)  # type: ignore[no-any-return]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


@pytest.fixture
def notice(tmp_path: Path) -> Path:
    """A new repository with notice 128/TB-UBND: three tasks, two reports, an extension and
    a task done — all by flags, as a secretary would enter them."""
    root = tmp_path / "ho-so"
    _ok("init", str(root), "--province", "Ninh Bình")
    r = ("--records", str(root))
    ubnd, sc, st = (
        _agency(root, "UBND tỉnh"),
        _agency(root, "Sở KH&CN"),
        _agency(root, "Sở Tài chính"),
    )
    _ok(
        "new",
        "directive",
        *r,
        "--number",
        "128/TB-UBND",
        "--issued",
        "12/5/2022",
        "--issuer",
        ubnd,
        "--title",
        "Kết luận của Chủ tịch UBND tỉnh tại phiên họp Ban Chỉ đạo",
    )
    _ok(
        "new",
        "task",
        *r,
        "--directive",
        "128/TB-UBND",
        "--title",
        "Ban hành kế hoạch CĐS 2022",
        "--lead",
        "Sở KH&CN",
        "--due",
        "20/5/2022",
    )
    _ok(
        "new",
        "task",
        *r,
        "--directive",
        "TB-128-2022",
        "--title",
        "Bố trí kinh phí",
        "--lead",
        st,
        "--support",
        sc,
        "--due",
        "30/6/2022",
    )
    _ok(
        "new",
        "task",
        *r,
        "--directive",
        "TB-128-2022",
        "--title",
        "Báo cáo kết quả",
        "--lead",
        sc,
        "--due",
        "31/7/2022",
    )
    _ok("report", "TB-128-2022.1", *r, "--status", "done", "--date", "19/5/2022")
    _ok(
        "report",
        "TB-128-2022.2",
        *r,
        "--status",
        "in-progress",
        "--progress",
        "50",
        "--date",
        "25/6/2022",
    )
    _ok(
        "extend",
        "TB-128-2022.2",
        *r,
        "--to",
        "31/8/2022",
        "--by",
        "215/TB-UBND",
        "--granted",
        "28/6/2022",
        "--reason",
        "Chờ bổ sung dự toán",
    )
    _ok("done", "TB-128-2022.3", *r, "--date", "5/8/2022")
    return root


def test_a_notice_entered_by_flags_validates_and_answers(notice: Path) -> None:
    code, out = invoke("validate", "--records", str(notice), "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    code, out = invoke(
        "overdue", "--records", str(notice), "--as-of", "2022-09-10", "--format", "json"
    )
    rows = json.loads(out)
    # by hand: .1 done 19/5 before 20/5; .3 done 5/8 after 31/7; .2 extended to 31/8, open
    assert [(r["id"], r["deadline"], r["days_overdue"]) for r in rows] == [
        ("TB-128-2022.2", "2022-08-31", 10)
    ]
    code, out = invoke(
        "tasks", "--records", str(notice), "--as-of", "2022-09-10", "--format", "json"
    )
    states = {r["id"]: r["state"] for r in json.loads(out)}
    assert states == {
        "TB-128-2022.1": "done-on-time",
        "TB-128-2022.2": "overdue",
        "TB-128-2022.3": "done-late",
    }


def test_the_files_are_where_the_conventions_put_them(notice: Path) -> None:
    files = set(_snapshot(notice))
    assert {
        "directives/2022/TB-128-2022.yaml",
        "tasks/2022/TB-128-2022.1.yaml",
        "tasks/2022/TB-128-2022.3.yaml",
    } <= files
    reports = sorted(f for f in files if f.startswith("reports/") and f.endswith(".yaml"))
    assert [f.rsplit("/", 1)[-1] for f in reports] == [
        f"BC-{_agency(notice, 'Sở KH&CN')}-2022-05-19.yaml",
        f"BC-{_agency(notice, 'Sở Tài chính')}-2022-06-25.yaml",
    ]
    task = _read((notice / "tasks/2022/TB-128-2022.2.yaml").read_text(encoding="utf-8"))
    assert task["item"] == "2"
    assert task["extensions"] == [
        {
            "due": "2022-08-31",
            "granted": "2022-06-28",
            "by": "215/TB-UBND",
            "reason": "Chờ bổ sung dự toán",
        }
    ]


def test_a_second_report_the_same_day_joins_the_agency_s_report(notice: Path) -> None:
    r = ("--records", str(notice))
    _ok(
        "report",
        "TB-128-2022.3",
        *r,
        "--status",
        "in-progress",
        "--date",
        "19/5/2022",
        "--agency",
        "Sở KH&CN",
    )
    path = next((notice / "reports").rglob("*2022-05-19.yaml"))
    data = _read(path.read_text(encoding="utf-8"))
    assert [i["task"] for i in data["tasks"]] == ["TB-128-2022.1", "TB-128-2022.3"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (
            ("report", "TB-128-2022.9", "--status", "done", "--agency", "UBND tỉnh"),
            "unresolved-reference",
        ),
        (
            (
                "extend",
                "TB-128-2022.1",
                "--to",
                "10/5/2022",
                "--by",
                "215/TB-UBND",
                "--granted",
                "13/5/2022",
            ),
            "extension-order",
        ),
        (
            ("report", "TB-128-2022.1", "--status", "done", "--date", "1/5/2022"),
            "report-before-directive",
        ),
    ],
)
def test_a_change_that_adds_an_error_is_refused(
    notice: Path, args: tuple[str, ...], code: str
) -> None:
    before = _snapshot(notice)
    exit_code, out = invoke(*args, "--records", str(notice))
    assert exit_code == 1, out
    assert _snapshot(notice) == before


@pytest.mark.parametrize(
    ("lang", "words"),
    [([], "chưa ghi gì cả"), (["--lang", "en"], "nothing was written")],  # (init: lang = "vi")
)
def test_a_refusal_names_the_diagnostic(notice: Path, lang: list[str], words: str) -> None:
    args = ["extend", "TB-128-2022.1", "--to", "10/5/2022", "--by", "215/TB-UBND"]
    args += ["--granted", "13/5/2022", "--records", str(notice), *lang]
    env = {**os.environ, "LANG": "C.UTF-8"}
    result = subprocess.run([str(CDSCTL), *args], capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "error extension-order" in result.stderr and words in result.stderr


def test_dry_run_writes_nothing(notice: Path) -> None:
    before = _snapshot(notice)
    out = _ok("done", "TB-128-2022.2", "--records", str(notice), "--date", "1/9/2022", "--dry-run")
    assert "+completed: 2022-09-01" in out
    assert _snapshot(notice) == before


def test_an_existing_record_is_not_overwritten(notice: Path) -> None:
    before = _snapshot(notice)
    code, _ = invoke(
        "new",
        "task",
        "--records",
        str(notice),
        "--directive",
        "TB-128-2022",
        "--title",
        "X",
        "--lead",
        "UBND tỉnh",
        "--id",
        "TB-128-2022.1",
    )
    assert code == 2
    assert _snapshot(notice) == before


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_commit_commits_only_what_was_written(notice: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=notice, capture_output=True, text=True, check=True
        ).stdout

    git("-c", "user.name=t", "-c", "user.email=t@x", "add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "start")
    (notice / "README.md").write_text("đã sửa\n", encoding="utf-8")
    git("add", "README.md")  # staged by someone else: must stay staged, uncommitted
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }
    subprocess.run(
        [
            str(CDSCTL),
            "done",
            "TB-128-2022.2",
            "--date",
            "1/9/2022",
            "--commit",
            "--records",
            str(notice),
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    assert git("log", "-1", "--format=%s") == "Hoàn thành nhiệm vụ TB-128-2022.2 ngày 2022-09-01\n"
    assert git("show", "--name-only", "--format=", "HEAD") == "tasks/2022/TB-128-2022.2.yaml\n"
    assert git("diff", "--cached", "--name-only") == "README.md\n"


def test_new_task_by_questions_on_a_terminal(notice: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        str(CDSCTL),
        ["new", "task", "--records", str(notice), "--lang", "en"],
        encoding="utf-8",
        timeout=30,
        env={**os.environ, "TERM": "dumb"},
        dimensions=(40, 120),
    )
    child.expect("Directive")
    child.sendline("128/TB-UBND")
    child.expect("Task")
    child.sendline("Tổ chức tập huấn chuyển đổi số")
    child.expect("Lead agency")
    child.send("so kh")
    child.send("\t")  # completes "Sở KH&CN", diacritics aside
    child.sendline("")
    child.expect("Supporting")
    child.sendline("")
    child.expect("Deadline")
    child.sendline("15/9/2022")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    data = _read((notice / "tasks/2022/TB-128-2022.4.yaml").read_text(encoding="utf-8"))
    assert data["lead"] == _agency(notice, "Sở KH&CN") and data["due"] == "2022-09-15"
    assert data["title"] == "Tổ chức tập huấn chuyển đổi số"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_sees_only_the_lines_an_edit_must_change(notice: Path) -> None:
    """Each edit, as git diff counts it: added lines only, in the one file edited."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}  # fmt: skip

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=notice, capture_output=True, text=True,
                              check=True, env=env).stdout  # fmt: skip

    git("add", "-A")
    git("commit", "-qm", "start")
    r = ("--records", str(notice))
    for args, file, added in [
        (("done", "TB-128-2022.2", "--date", "1/9/2022"), "tasks/2022/TB-128-2022.2.yaml", 1),
        (("extend", "TB-128-2022.1", "--to", "1/6/2022", "--by", "215/TB-UBND",
          "--granted", "15/5/2022"), "tasks/2022/TB-128-2022.1.yaml", 4),
        (("report", "TB-128-2022.2", "--status", "blocked", "--date", "25/6/2022",
          "--agency", "Sở KH&CN"), "reports/2022/BC-SKHCN-2022-06-25.yaml", None),
        (("report", "TB-128-2022.3", "--status", "in-progress", "--date", "25/6/2022",
          "--agency", "Sở KH&CN"), "reports/2022/BC-SKHCN-2022-06-25.yaml", 2),
    ]:  # fmt: skip
        _ok(*args, *r)
        git("add", "-A")
        numstat = git("diff", "--cached", "--numstat").split()
        if added is not None:
            assert numstat == [str(added), "0", file], (args, numstat)
        git("commit", "-qm", args[0])


def test_cross_codes_are_exactly_those_only_the_rules_across_files_give(
    tmp_path: Path,
) -> None:
    """validation.change keeps the unchanged files' own diagnostics by leaving out
    CROSS_CODES: a file checked alone never gives one, and every other diagnostic of the
    bad corpus comes from a file checked alone."""
    from cdsctl.checks.crossfile import CROSS_CODES
    from cdsctl.i18n import from_wire
    from cdsctl.validation.onefile import check_file_wire
    from cdsctl.validation.pipeline import validate

    corpus = REPO / "tests" / "corpus" / "bad"
    every = validate(corpus, cache_dir=tmp_path).diagnostics
    own = {(d[0], d[4], str(from_wire(d[5])))
           for f in {d.file for d in every} for d in check_file_wire(corpus, f)[1][1]}  # fmt: skip
    assert not {code for _, code, _ in own} & CROSS_CODES
    across = [d for d in every if (d.file, d.code, str(d.message)) not in own]
    assert across and {d.code for d in across} <= CROSS_CODES
