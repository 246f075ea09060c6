"""User text never becomes a git option (issue 7 §1), and `--at` reads any committed root.

The class: *user text reaching git's argv*.  A revision (`--changed-since`, `--at`) or a path
that starts with `-` must never be read by git as an option (`--output=FILE` writes FILE,
`--exec=…` runs a program).  Every git call site is driven here with generated revisions and
paths that start with `-`, and the files on disk are compared before and after.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cdsctl import gitstore
from cdsctl.cli import app
from cdsctl.diagnostics import CdsError

from .conftest import AGENCIES, DIRECTIVE, SAMPLE, TASK, build_tree

SAFE_DATES = {"GIT_AUTHOR_DATE": "2022-06-01T10:00:00+07:00",
              "GIT_COMMITTER_DATE": "2022-06-01T10:00:00+07:00"}  # fmt: skip
NOT_A_COMMIT = "is not a commit in this repository"
NOT_A_COMMIT_VI = "không phải là một commit của kho này"


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run git in `repo` with a fixed identity and dates (no user or system config)."""
    fixed = {**SAFE_DATES, "GIT_AUTHOR_NAME": "Nguyễn Văn An", "GIT_AUTHOR_EMAIL": "an@example.vn",
             "GIT_COMMITTER_NAME": "Nguyễn Văn An", "GIT_COMMITTER_EMAIL": "an@example.vn",
             "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
             "HOME": str(repo), "PATH": os.environ["PATH"], **(env or {})}  # fmt: skip
    done = subprocess.run(["git", *args], cwd=repo, env=fixed, check=True, capture_output=True)
    return done.stdout.decode("utf-8")


def commit_all(repo: Path, message: str = "ghi hồ sơ") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def snapshot(base: Path) -> dict[str, bytes]:
    """Every file below `base` except git's own, with its bytes (links: their target)."""
    found: dict[str, bytes] = {}
    for folder, dirs, files in os.walk(base):
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if d != ".git" and d not in links]
        for name in files + links:
            path = Path(folder, name)
            key = str(path.relative_to(base))
            found[key] = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
    return found


def run_cli(*args: str) -> tuple[int, str, str]:
    """The CLI's exit code, standard output and standard error; exceptions propagate."""
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


ROOT_FILES = {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE,
              "tasks/TB-128-2022.1.yaml": TASK}  # fmt: skip


@pytest.fixture(scope="module")
def committed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A base folder holding `repo/`, a git repository whose top is a committed records root."""
    base = tmp_path_factory.mktemp("git-safety")
    repo = build_tree(base / "repo", ROOT_FILES)
    git(repo, "init", "-q")
    commit_all(repo)
    return base


# -- the argv builder --------------------------------------------------------------------------

SHA = "0123456789abcdef0123456789abcdef01234567"


@given(st.text(max_size=60))
def test_argv_refuses_an_object_name_that_is_not_a_verified_commit(text: str) -> None:
    if re.fullmatch(r"[0-9a-f]{40}(?:[0-9a-f]{24})?\^?(?::.*)?", text, re.DOTALL):
        assert gitstore._argv("show", objects=[text])[-2:] == ["--end-of-options", text]
    else:
        with pytest.raises(ValueError, match="not verified object names"):
            gitstore._argv("show", objects=[text])


@given(st.text(max_size=30), st.lists(st.text(max_size=30), max_size=3))
def test_argv_puts_every_name_after_end_of_options_and_paths_after_dashes(
    path_tail: str, paths: list[str]
) -> None:
    name = f"{SHA}:{path_tail}"
    argv = gitstore._argv("log", "--follow", objects=[name], paths=paths)
    assert argv[:5] == ["git", "-c", "core.quotePath=false", "log", "--follow"]
    assert argv[5:8] == ["--end-of-options", name, "--"]
    assert argv[8:] == paths
    with pytest.raises(ValueError, match="are not options"):
        gitstore._argv("log", "--follow", "x" + path_tail)  # a name where options go


def test_git_is_started_only_by_gitstore() -> None:
    """The one place that builds git's argv is the only way to start git."""
    package = Path(gitstore.__file__).parent
    starts = re.compile(r"\b(subprocess|os\.system|os\.exec|os\.spawn|Popen)\b")
    starting = {str(p.relative_to(package)) for p in package.rglob("*.py")
                if starts.search(p.read_text(encoding="utf-8"))}  # fmt: skip
    # (pager.py runs the user's pager; snapshot/keeper.py becomes this cdsctl again, with
    # this interpreter: tests/test_keeper.py)
    assert starting == {"gitstore.py", "cli/pager.py", "snapshot/keeper.py"}
    source = Path(gitstore.__file__).read_text(encoding="utf-8")
    assert source.count("subprocess.run(") == 1 and "Popen" not in source


def test_a_user_revision_reaches_only_rev_parse_verify() -> None:
    unverified = gitstore._Unverified("--output=agencies.yaml")
    argv = gitstore._argv("rev-parse", "--verify", "--quiet", objects=[unverified])
    assert argv[-2:] == ["--end-of-options", "--output=agencies.yaml^{commit}"]
    for command in ("show", "archive", "diff", "log"):
        with pytest.raises(ValueError):
            gitstore._argv(command, objects=[unverified])


# -- revisions that look like options ----------------------------------------------------------

#: Options of git commands that write files, run programs or change what is read.
OPTIONS = ["--output=", "-o", "--exec=", "--upload-pack=", "--receiver-pack=", "-c", "--config=",
           "--git-dir=", "--work-tree=", "-O", "--ext-diff", "--textconv", "--no-index",
           "--format=", "--remote=", "-p", "--all", "--", "-"]  # fmt: skip
TARGETS = ["agencies.yaml", "tasks/TB-128-2022.1.yaml", "pwned.txt", "../outside.txt", "x:y"]
TAIL = st.text(st.characters(codec="utf-8", exclude_characters="\0"), max_size=12)

dash_revisions = st.one_of(
    st.builds(str.__add__, st.sampled_from(OPTIONS), st.sampled_from(TARGETS)),
    st.builds(str.__add__, st.sampled_from(OPTIONS), TAIL),
    st.builds(lambda tail: "-" + tail, TAIL),
)

#: Each command that takes a revision, with the arguments before it.
#: where `export --at` writes (outside the repository: the test checks nothing in it changes)
_EXPORT_TO = str(Path(tempfile.mkdtemp(prefix="cdsctl-export-")) / "out")
_SITE_TO = str(Path(tempfile.mkdtemp(prefix="cdsctl-site-")) / "out")
COMMANDS = [["validate", "--changed-since"], ["overdue", "--at"], ["tasks", "--at"],
            ["due", "--at"], ["stats", "--at"], ["show", "TB-128-2022.1", "--at"],
            ["indicators", "--at"], ["calendar", "--at"],
            ["render", "summary", "--at"],
            ["export", _EXPORT_TO, "--force", "--format", "csv", "--at"],
            ["site", "-o", _SITE_TO, "--force", "--at"]]  # fmt: skip


def _with_revision(command: list[str], root: Path, rev: str) -> list[str]:
    *head, option = command
    return [*head, "--records", str(root), f"{option}={rev}"]


def _refused(base: Path, command: list[str], rev: str) -> None:
    before = snapshot(base)
    code, out, err = run_cli(*_with_revision(command, base / "repo", rev))
    assert code == 2, (command, rev, out, err)
    assert err.startswith(f"cdsctl: {command[-1]}: '") and NOT_A_COMMIT in err, err
    assert NOT_A_COMMIT_VI in err and len(err.splitlines()) == 1, err
    assert snapshot(base) == before


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("rev", ["--output=agencies.yaml", "-o", "--exec=touch pwned.txt",
                                 "--output=../outside.txt"])  # fmt: skip
def test_every_command_refuses_a_revision_that_is_an_option(
    committed: Path, command: list[str], rev: str
) -> None:
    _refused(committed, command, rev)


def _review_refused(base: Path, revs: list[str]) -> None:
    """`cdsctl review` takes its revisions as arguments: after `--`, an option-like one reaches
    cdsctl, which must refuse it (exit 2, one line) with nothing written."""
    before = snapshot(base)
    code, out, err = run_cli("review", "--records", str(base / "repo"), "--", *revs)
    assert code == 2, (revs, out, err)
    assert NOT_A_COMMIT in err and NOT_A_COMMIT_VI in err and len(err.splitlines()) == 1, err
    assert snapshot(base) == before


@pytest.mark.parametrize("rev", ["--output=agencies.yaml", "-o", "--exec=touch pwned.txt",
                                 "--output=../outside.txt"])  # fmt: skip
def test_review_refuses_revisions_that_are_options(committed: Path, rev: str) -> None:
    _review_refused(committed, [rev])
    _review_refused(committed, ["HEAD", rev])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dash_revisions)
def test_review_refuses_generated_option_like_revisions(committed: Path, rev: str) -> None:
    _review_refused(committed, [rev])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(COMMANDS), dash_revisions)
def test_generated_option_like_revisions_are_refused(
    committed: Path, command: list[str], rev: str
) -> None:
    _refused(committed, command, rev)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(COMMANDS), st.text(max_size=20))
def test_any_revision_text_is_a_commit_or_a_clear_error(
    committed: Path, command: list[str], rev: str
) -> None:
    before = snapshot(committed)
    code, out, err = run_cli(*_with_revision(command, committed / "repo", rev))
    assert code in (0, 2), (rev, out, err)  # 0: it names a commit (HEAD, @, a prefix)
    if code == 2:
        assert NOT_A_COMMIT in err and len(err.splitlines()) == 1, err
    assert snapshot(committed) == before


def test_the_reported_case_run_as_a_program(tmp_path: Path) -> None:
    """`cdsctl validate --changed-since=--output=agencies.yaml` in a copy of the sample."""
    root = tmp_path / "records"
    build_tree(root, {str(p.relative_to(SAMPLE)): p.read_bytes()
                      for p in SAMPLE.rglob("*") if p.is_file()})  # fmt: skip
    git(root, "init", "-q")
    commit_all(root)
    before = snapshot(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "cdsctl", "validate", "--changed-since=--output=agencies.yaml"],
        cwd=root, capture_output=True, text=True, check=False,
        env={**os.environ, "CDSCTL_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert done.returncode == 2, done
    assert done.stderr == (
        "cdsctl: --changed-since: '--output=agencies.yaml' is not a commit in this repository; "
        "give a branch, a tag or a commit id such as origin/main or HEAD~1 / "
        "'--output=agencies.yaml' không phải là một commit của kho này\n"
    )
    assert done.stdout == ""
    assert snapshot(tmp_path) == before
    assert git(root, "status", "--porcelain") == ""


def test_a_control_character_in_a_revision_is_shown_escaped(committed: Path) -> None:
    code, _, err = run_cli("tasks", "--records", str(committed / "repo"), "--at", "-o\nx\x1b")
    assert code == 2
    assert err.splitlines() == [
        f"cdsctl: --at: '-o\\nx\\x1b' {NOT_A_COMMIT}; give a branch, a tag or a commit id such "
        f"as origin/main or HEAD~1 / '-o\\nx\\x1b' {NOT_A_COMMIT_VI}"
    ]


def test_a_revision_outside_git_is_a_clear_error(
    records: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = records({})
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))
    for command in COMMANDS:
        code, _, err = run_cli(*_with_revision(command, root, "HEAD"))
        assert code == 2
        assert "is not in a git repository" in err and len(err.splitlines()) == 1


def test_good_revisions_still_work(committed: Path) -> None:
    repo = committed / "repo"
    full = git(repo, "rev-parse", "HEAD").strip()
    for rev in ("HEAD", full, full[:10], "HEAD~0", "@"):
        code, _, err = run_cli("tasks", "--records", str(repo), "--at", rev, "-f", "json")
        assert code == 0, err
        code, _, err = run_cli("validate", "--records", str(repo), "--changed-since", rev)
        assert code == 0, err


# -- paths that start with `-` -----------------------------------------------------------------

dash_names = st.builds(
    lambda head, tail: (head + tail).replace("/", "_"),
    st.sampled_from([o for o in OPTIONS if o not in ("--", "-")] + ["-"]),
    st.text(st.characters(codec="ascii", categories=["L", "N"], include_characters="=._-,+"),
            min_size=1, max_size=15),
).filter(lambda name: name not in (".", ".."))  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(dash_names, st.sampled_from(["", "tasks/"]))
def test_every_call_site_takes_a_path_that_starts_with_a_dash(name: str, folder: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        repo = build_tree(base / "repo", ROOT_FILES)
        git(repo, "init", "-q")
        relpath = f"{folder}{name}"
        build_tree(repo, {relpath: "kind: task\n"})
        commit_all(repo)
        _check_call_sites(base, repo, relpath)


def _check_call_sites(base: Path, repo: Path, relpath: str) -> None:
    before = snapshot(base)
    [logged] = gitstore.file_log(repo, relpath)
    assert (logged.path, logged.status) == (relpath, "A")
    assert gitstore.show(repo, logged.commit, relpath) == "kind: task\n"
    assert gitstore.show_bytes(repo, logged.commit, relpath) == b"kind: task\n"
    assert gitstore.show_bytes(repo, logged.commit, relpath, parent=True) is None
    head = gitstore.resolve(repo, "HEAD", "--at")
    assert head == logged.commit
    with tempfile.TemporaryDirectory() as into:
        exported = gitstore.export_tree(repo, "HEAD", Path(into))
        assert (exported.root / relpath).read_text() == "kind: task\n"
        assert exported.left_out == []
    assert snapshot(base) == before
    (repo / relpath).write_text("kind: task\nid: x\n", encoding="utf-8")
    (repo / f"{relpath}.new").write_text("", encoding="utf-8")
    changes = gitstore.changed_since(repo, head)
    assert changes == gitstore.Changes(sorted([relpath, f"{relpath}.new"]), [])
    (repo / relpath).unlink()
    assert gitstore.changed_since(repo, head) == gitstore.Changes([f"{relpath}.new"], [relpath])


@settings(max_examples=25, deadline=None)
@given(dash_names)
def test_a_records_root_in_a_folder_that_starts_with_a_dash(name: str) -> None:
    """prefix(), the archive of `commit:prefix` and history all take the folder's name."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root = build_tree(base / "repo" / name, ROOT_FILES)
        git(base / "repo", "init", "-q")
        commit_all(base / "repo")
        before = snapshot(base)
        assert gitstore.prefix(root) == f"{name}/"
        code, out, err = run_cli("tasks", "--records", str(root), "--at", "HEAD", "-f", "json")
        assert (code, err) == (0, "") and "TB-128-2022.1" in out
        code, out, err = run_cli("history", "TB-128-2022.1", "--records", str(root))
        assert (code, err) == (0, "") and "created" in out
        assert snapshot(base) == before


# -- --at: a root anywhere in the repository, the current directory anywhere -------------------


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """`repo/records/` is the records root; the repository's top holds other things too."""
    inside = {f"records/{k}": v for k, v in ROOT_FILES.items()}
    repo = build_tree(tmp_path / "repo", {"README.md": "# Kho hồ sơ\n", **inside})
    git(repo, "init", "-q")
    commit_all(repo)
    return repo / "records"


def _tasks(root: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("tasks", "--records", str(root), "-f", "json", "--as-of", "2022-06-01", *extra)


@pytest.mark.parametrize("where", ["elsewhere", "untracked", "top", "root", "below root"])
def test_at_reads_a_records_root_inside_the_repository(
    nested: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    cwd = {"elsewhere": tmp_path, "untracked": nested.parent / "scratch", "top": nested.parent,
           "root": nested, "below root": nested / "tasks"}[where]  # fmt: skip
    cwd.mkdir(exist_ok=True)
    monkeypatch.chdir(cwd)
    expected = _tasks(nested)
    assert expected[0] == 0 and "TB-128-2022.1" in expected[1]
    assert _tasks(nested, "--at", "HEAD") == expected
    if where in ("root", "below root"):  # the root found from the current directory
        assert run_cli("tasks", "-f", "json", "--as-of", "2022-06-01", "--at", "HEAD") == expected


def test_at_a_commit_without_the_records_root_is_a_clear_error(nested: Path) -> None:
    repo = nested.parent
    first = git(repo, "rev-parse", "HEAD").strip()
    moved = build_tree(repo / "hồ sơ", {k: v for k, v in ROOT_FILES.items()})
    commit_all(repo, "thêm thư mục mới")
    code, _, err = _tasks(moved, "--at", first)
    assert code == 2
    assert err == f"cdsctl: --at '{first}': the records root hồ sơ is not in commit {first[:12]}\n"


def test_at_an_untracked_records_root_inside_the_repository_is_a_clear_error(nested: Path) -> None:
    fresh = build_tree(nested.parent / "nháp", dict(ROOT_FILES))
    code, _, err = _tasks(fresh, "--at", "HEAD")
    assert code == 2 and "the records root nháp is not in commit" in err


# -- --at and committed symbolic links ---------------------------------------------------------


def test_committed_links_out_of_the_root_are_left_out_with_one_line_each(nested: Path) -> None:
    repo = nested.parent
    (repo / "outside.yaml").write_text(TASK.replace(".1\n", ".7\n"), "utf-8")
    (nested / "tasks" / "absolute.yaml").symlink_to("/etc/passwd")
    (nested / "tasks" / "up.yaml").symlink_to("../../outside.yaml")
    (nested / "tasks" / "same.yaml").symlink_to("TB-128-2022.1.yaml")  # inside: kept
    commit_all(repo, "liên kết")
    code, out, err = _tasks(nested, "--at", "HEAD")
    assert code == 0 and "TB-128-2022.7" not in out
    assert err.splitlines()[:2] == [
        "cdsctl: --at: tasks/absolute.yaml: a symbolic link to '/etc/passwd', outside the "
        "records root (link-outside-root); left out",
        "cdsctl: --at: tasks/up.yaml: a symbolic link to '../../outside.yaml', outside the "
        "records root (link-outside-root); left out",
    ]
    assert "Traceback" not in err


def _tar(links: dict[str, str]) -> bytes:
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w") as archive:
        for name, target in links.items():
            member = tarfile.TarInfo(name)
            member.type, member.linkname = tarfile.SYMTYPE, target
            archive.addfile(member)
    return data.getvalue()


absolute_targets = st.lists(st.sampled_from(["etc", "x"]), max_size=3).map("/".join)
link_targets = st.one_of(
    absolute_targets.map(lambda path: "/" + path),
    st.builds(
        lambda ups, name: "../" * ups + name, st.integers(0, 4), st.sampled_from(["a", "b/c"])
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["l.yaml", "tasks/l.yaml", "a/b/l.yaml"]), link_targets)
def test_a_link_is_left_out_exactly_when_it_leads_out_of_the_export(name: str, target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        into = Path(tmp, "export")
        into.mkdir()
        left_out = gitstore._unpack(_tar({name: target}), into)
        resolved = os.path.normpath(os.path.join(os.path.dirname(name), target))
        leaves = target.startswith("/") or resolved == ".." or resolved.startswith("../")
        assert left_out == ([f"{name}: a symbolic link to '{target}', outside the records "
                             "root (link-outside-root); left out"] if leaves else [])  # fmt: skip
        assert (into / name).is_symlink() is not leaves
        assert snapshot(Path(tmp)) == (
            {} if leaves else {f"export/{name}": target.encode()})  # fmt: skip


def test_resolve_refuses_text_git_cannot_take(committed: Path) -> None:
    for text in ("", "HEAD\0", "\ud800", "a\nb"):
        with pytest.raises(CdsError, match=NOT_A_COMMIT):
            gitstore.resolve(committed / "repo", text, "--at")


def test_every_command_with_a_revision_option_is_covered() -> None:
    """A new command with `--at` or `--changed-since` must join COMMANDS above."""
    import typer.main

    click_app = typer.main.get_command(app)
    with_revisions = {
        name
        for name, cmd in click_app.commands.items()  # type: ignore[attr-defined]
        if any(set(p.opts) & {"--at", "--changed-since"} for p in cmd.params)
    }
    assert with_revisions == {c[0] for c in COMMANDS}
