"""The CI recipes of docs/ci.md work as written (issue 7 §7).

The pre-commit recipe is taken from docs/ci.md (so the test fails when the page drifts) and
run with the real `pre-commit` on a git repository in tmp_path: a good commit passes, a bad
record fails, and deleting a record that others reference fails, also when no record file is
staged.  The GitHub Actions and GitLab CI recipes are parsed and their triggers checked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from cdsctl.cli import app

from .conftest import AGENCIES, DIRECTIVE, REPO, REPORT, TASK, build_tree

RECIPES = REPO / "docs" / "ci.md"

RECORDS = {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE,
           "tasks/TB-128-2022.1.yaml": TASK, "reports/BC-1.yaml": REPORT}  # fmt: skip


def section(title: str) -> str:
    """The text of docs/ci.md under the heading `title`, up to the next heading of the same
    level or higher."""
    text = RECIPES.read_text(encoding="utf-8")
    heading = re.search(rf"^(#+) {re.escape(title)}\n", text, re.M)
    assert heading, f"docs/ci.md has no heading {title!r}"
    end = re.compile(rf"^#{{1,{len(heading[1])}}} ", re.M).search(text, heading.end())
    return text[heading.end() : end.start() if end else len(text)]


def yaml_blocks(title: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", section(title), re.S)


# -- pre-commit -----------------------------------------------------------------------------


def local_recipe() -> str:
    [recipe] = [b for b in yaml_blocks("pre-commit") if "repo: local" in b]
    return recipe


def inline_entry(option: str) -> str:
    """An `entry: cdsctl validate OPTION …` variant the page's text gives."""
    found = re.findall(rf"`(entry: cdsctl validate {option}[^`]*)`", section("pre-commit"))
    assert len(found) == 1, found
    return found[0]


class Repo:
    """A records repository in tmp_path with pre-commit installed from the page's recipe."""

    def __init__(self, top: Path, root: str, recipe: str) -> None:
        self.top, self.root = top, top / root
        build_tree(self.root, RECORDS)
        (top / ".pre-commit-config.yaml").write_text(recipe, encoding="utf-8")
        self.env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(top.parent), "PRE_COMMIT_HOME": str(top.parent / "pre-commit-home"),
            "CDSCTL_CACHE_DIR": str(top.parent / "cdsctl-cache"), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": "Văn phòng",
            "GIT_AUTHOR_EMAIL": "vp@example.vn", "GIT_COMMITTER_NAME": "Văn phòng",
            "GIT_COMMITTER_EMAIL": "vp@example.vn", "LANG": "C.UTF-8",
            "GIT_AUTHOR_DATE": "2022-06-01T09:00:00+07:00",
            "GIT_COMMITTER_DATE": "2022-06-01T09:00:00+07:00",
        }  # fmt: skip
        self.run("git", "init", "-q")
        self.run(sys.executable, "-m", "pre_commit", "install")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(args, cwd=self.top, env=self.env, capture_output=True, text=True,
                              check=False)  # fmt: skip
        assert done.returncode == 0 or not check, done
        return done

    def commit(self, message: str, *extra: str) -> tuple[bool, str]:
        """`git commit` (which runs the hook): whether it was made, and what it printed."""
        before = self.commits()
        done = self.run("git", "commit", "-qm", message, *extra, check=False)
        made = self.commits() == before + 1
        assert made is (done.returncode == 0), done
        return made, done.stdout + done.stderr

    def commits(self) -> int:
        done = self.run("git", "rev-list", "--count", "--all")
        return int(done.stdout.strip())


TASK_FILE = "tasks/TB-128-2022.1.yaml"
BAD_TASK = TASK.replace("TB-128-2022.1", "TB-128-2022.2").replace("2022-05-20", "20/5/2022")


def _recipes() -> dict[str, tuple[str, str]]:
    """name → (records root inside the repository, .pre-commit-config.yaml)."""
    recipe = local_recipe()
    entry = re.search(r"^(\s*)entry: cdsctl validate\s*$", recipe, re.M)
    assert entry, recipe

    def variant(line: str) -> str:
        return recipe[: entry.start()] + entry[1] + line + recipe[entry.end() :]

    return {"whole root": ("", recipe),
            "subfolder": ("records", variant(inline_entry("--records"))),
            "changed since HEAD": ("", variant(inline_entry("--changed-since")))}  # fmt: skip


@pytest.mark.parametrize("name", list(_recipes()))
def test_the_pre_commit_recipe_guards_every_commit(tmp_path: Path, name: str) -> None:
    root, recipe = _recipes()[name]
    repo = Repo(tmp_path / "repo", root, recipe)
    repo.run("git", "add", "-A")
    first = ("--no-verify",) if "--changed-since" in recipe else ()  # as docs/ci.md says
    made, out = repo.commit("Nhập hồ sơ", *first)
    assert made, out
    _good_commit_passes(repo)
    _bad_record_fails(repo)
    _deleting_a_referenced_record_fails(repo)


def _good_commit_passes(repo: Repo) -> None:
    (repo.root / "tasks" / "TB-128-2022.2.yaml").write_text(
        TASK.replace("TB-128-2022.1", "TB-128-2022.2"), encoding="utf-8")  # fmt: skip
    repo.run("git", "add", "-A")
    made, out = repo.commit("Thêm nhiệm vụ 2")
    assert made and re.search(r"cdsctl validate\.+Passed", out), out


def _bad_record_fails(repo: Repo) -> None:
    (repo.root / "tasks" / "TB-128-2022.2.yaml").write_text(BAD_TASK, encoding="utf-8")
    repo.run("git", "add", "-A")
    made, out = repo.commit("Sửa hạn nhiệm vụ 2")
    assert not made and re.search(r"cdsctl validate\.+Failed", out), out
    assert "TB-128-2022.2.yaml:8:6: error date-format" in out, out
    repo.run("git", "reset", "-q", "--hard")


def _deleting_a_referenced_record_fails(repo: Repo) -> None:
    """No record file is staged, only a deletion: pre-commit still runs the hook."""
    repo.run("git", "rm", "-q", str(repo.root / TASK_FILE))
    made, out = repo.commit("Xóa nhiệm vụ 1")
    assert not made and re.search(r"cdsctl validate\.+Failed", out), out
    assert "reports/BC-1.yaml:6:11: error unresolved-reference 'TB-128-2022.1'" in out, out
    repo.run("git", "reset", "-q", "--hard")


def test_the_recipes_are_valid_pre_commit_configuration(tmp_path: Path) -> None:
    blocks = yaml_blocks("pre-commit")
    assert len(blocks) == 2  # repo: local, and the hook repository pinned to a commit
    for number, block in enumerate(blocks):
        config = tmp_path / f"config-{number}.yaml"
        config.write_text(block, encoding="utf-8")
        _pre_commit(tmp_path, "validate-config", str(config))
    _pre_commit(tmp_path, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml"))


def test_the_hook_repository_runs_the_same_hook_as_the_local_recipe() -> None:
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [local] = yaml.safe_load(local_recipe())["repos"][0]["hooks"]
    same = ("id", "entry", "always_run", "pass_filenames", "require_serial")
    assert {k: hook[k] for k in same} == {k: local[k] for k in same}
    assert (hook["language"], local["language"]) == ("python", "system")
    [repo] = yaml.safe_load(remote_recipe())["repos"]
    assert [h["id"] for h in repo["hooks"]] == [hook["id"]]


def remote_recipe() -> str:
    [remote] = [b for b in yaml_blocks("pre-commit") if "repo: local" not in b]
    return remote


def test_autoupdate_freeze_pins_the_hook_repository_to_a_commit(tmp_path: Path) -> None:
    """The hook-repository recipe, pointed at a local stand-in for the cdsctl repository
    (this repository's hook manifest, no tags): `autoupdate --freeze` writes its commit id."""
    hooks = build_tree(tmp_path / "cdsctl", {".pre-commit-hooks.yaml": (
        REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")})  # fmt: skip
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "hooks"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@x", *args], cwd=hooks,
                       check=True, capture_output=True)  # fmt: skip
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hooks, capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    url = re.search(r"repo: (\S+)", remote_recipe())
    assert url
    config = tmp_path / "records" / ".pre-commit-config.yaml"
    config.parent.mkdir()
    config.write_text(remote_recipe().replace(url[1], str(hooks)), encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=config.parent, check=True)
    _pre_commit(config.parent, "autoupdate", "--freeze")
    [repo] = yaml.safe_load(config.read_text(encoding="utf-8"))["repos"]
    assert repo["rev"] == head


def _pre_commit(cwd: Path, *args: str) -> None:
    env = {**os.environ, "PRE_COMMIT_HOME": str(cwd / "pre-commit-home")}
    done = subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done


# -- GitHub Actions and GitLab CI -------------------------------------------------------------


def _github_workflow() -> dict[Any, Any]:
    [block] = yaml_blocks("GitHub Actions")
    workflow = yaml.safe_load(block)
    assert isinstance(workflow, dict)
    return workflow


def _github_glob(pattern: str) -> re.Pattern[str]:
    """GitHub's branch filter syntax: `**` any characters, `*` any but `/`."""
    parts = re.split(r"(\*\*|\*)", pattern)
    mapped = {"**": ".*", "*": "[^/]*"}
    return re.compile("".join(mapped.get(p, re.escape(p)) for p in parts))


def _runs_on_push(on: dict[str, Any], branch: str) -> bool:
    if "push" not in on:
        return False
    push = on["push"] or {}
    if any(_github_glob(p).fullmatch(branch) for p in push.get("branches-ignore", [])):
        return False
    patterns = push.get("branches", ["**"])
    return any(_github_glob(p).fullmatch(branch) for p in patterns)


def test_the_github_workflow_runs_on_every_branch_and_pull_request() -> None:
    workflow = _github_workflow()
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as true
    assert isinstance(on, dict)
    for branch in ("main", "master", "feature/sửa-hạn", "nhap/2024/q1", "release-1.0"):
        assert _runs_on_push(on, branch), branch
    assert "pull_request" in on
    pull = on["pull_request"] or {}
    assert not {"branches", "branches-ignore", "paths"} & set(pull), pull
    steps = workflow["jobs"]["validate"]["steps"]
    by_event = {s.get("if"): s["run"] for s in steps if "cdsctl validate" in s.get("run", "")}
    assert set(by_event) == {"github.event_name == 'pull_request'",
                             "github.event_name == 'push'"}  # fmt: skip
    assert "--changed-since" in by_event["github.event_name == 'pull_request'"]
    assert steps[0]["with"]["fetch-depth"] == 0  # --changed-since needs the base branch


def test_the_gitlab_job_runs_on_merge_requests_and_every_branch() -> None:
    [block] = yaml_blocks("GitLab CI")
    rules = yaml.safe_load(block)["cdsctl-validate"]["rules"]
    conditions = [(r["if"], r.get("when", "on_success")) for r in rules]
    assert ('$CI_PIPELINE_SOURCE == "merge_request_event"', "on_success") in conditions
    assert ("$CI_COMMIT_BRANCH", "on_success") in conditions  # any branch, not only the default
    assert all("CI_DEFAULT_BRANCH" not in c for c, _ in conditions)


def _validate_options() -> set[str]:
    command = typer.main.get_command(app).commands["validate"]  # type: ignore[attr-defined]
    return {o for p in command.params for o in p.opts}


@pytest.mark.parametrize("title", ["GitHub Actions", "GitLab CI", "pre-commit"])
def test_the_recipes_use_real_options_and_no_missing_tag(title: str) -> None:
    text = "\n".join(yaml_blocks(title))
    used = set(re.findall(r"cdsctl validate((?: --?[a-z-]+(?: [^\s-][^\s]*)?)*)", text))
    options = {o for u in used for o in re.findall(r"--?[a-z-]+", u)}
    assert options <= _validate_options(), options - _validate_options()
    tags = set(subprocess.run(["git", "tag", "-l"], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.split())  # fmt: skip
    pins = re.findall(r"cdsctl\.git@([^\s\"']+)", text) + re.findall(r"rev: (\S+)", text)
    for pin in pins:
        assert pin in tags or not re.fullmatch(r"v?\d+(\.\d+)*", pin), f"no tag {pin}"


# -- the README's workflow: the review on pull requests, the site on pushes to main ----------

README = REPO / "README.md"
SAMPLE = REPO / "records"


def _committee_workflow() -> dict[str, Any]:
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", README.read_text("utf-8"), re.S)
               if "name: committee" in b]  # fmt: skip
    workflow: dict[str, Any] = yaml.safe_load(block)
    return workflow


def _step(job: dict[str, Any], needle: str) -> dict[str, Any]:
    [found] = [s for s in job["steps"] if needle in s.get("run", "")]
    return found


def test_the_committee_workflow_reviews_pull_requests_and_publishes_main() -> None:
    workflow = _committee_workflow()
    on = workflow.get("on", workflow.get(True))
    assert on["push"]["branches"] == ["main"] and "pull_request" in on
    review, site = workflow["jobs"]["review"], workflow["jobs"]["site"]
    assert review["if"] == "github.event_name == 'pull_request'"
    assert site["if"] == "github.event_name == 'push'"
    assert review["permissions"]["pull-requests"] == "write"
    assert {"pages", "id-token"} <= {k for k, v in site["permissions"].items() if v == "write"}
    for job in (review, site):
        assert job["steps"][0]["with"]["fetch-depth"] == 0
    assert "--format md" in _step(review, "cdsctl review")["run"]
    assert "--body-file review.md" in _step(review, "gh pr comment")["run"]
    assert [s["uses"].split("@")[0] for s in site["steps"] if "uses" in s][1:] == [
        "actions/upload-pages-artifact", "actions/deploy-pages"]  # fmt: skip
    assert "-o _site --public" in _step(site, "cdsctl site")["run"]


def _repository(tmp_path: Path) -> Path:
    """The sample records at the top of a repository whose `main` is also `origin/main`."""
    top = tmp_path / "ho-so"
    subprocess.run(["cp", "-r", str(SAMPLE), str(top)], check=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "Thư ký", "GIT_AUTHOR_EMAIL": "tk@example.vn",
           "GIT_COMMITTER_NAME": "Thư ký", "GIT_COMMITTER_EMAIL": "tk@example.vn"}  # fmt: skip
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "Hồ sơ"],
                 ["remote", "add", "origin", str(top)], ["fetch", "-q", "origin"],
                 ["checkout", "-qb", "sua-han"]):  # fmt: skip
        subprocess.run(["git", *args], cwd=top, env=env, check=True)
    return top


def _run_step(
    step: dict[str, Any], top: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """A workflow step's `run` in bash -e, as GitHub runs it, cdsctl from this venv first."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=top, text=True,
                          capture_output=True, env={**os.environ, "PATH": path, **env})  # fmt: skip


def test_the_review_step_writes_the_comment_and_marks_a_broken_rule(tmp_path: Path) -> None:
    top = _repository(tmp_path)
    task = top / "tasks" / "2022" / "TB-128-2022.2.yaml"
    task.write_text(task.read_text("utf-8").replace("due: 2022-05-25", "due: 2022-08-31"), "utf-8")
    output = tmp_path / "github-output"
    step = _step(_committee_workflow()["jobs"]["review"], "cdsctl review")
    done = _run_step(step, top, {"BASE": "main", "GITHUB_OUTPUT": str(output)})
    assert done.returncode == 0, done.stderr
    assert output.read_text("utf-8") == "broken=true\n"
    comment = (top / "review.md").read_text("utf-8")
    assert "due-moved-without-extension" in comment and "<details>" in comment


def test_the_site_step_builds_the_public_site(tmp_path: Path) -> None:
    top = _repository(tmp_path)
    step = _step(_committee_workflow()["jobs"]["site"], "cdsctl site")
    done = _run_step(step, top, {"REPO": "so-tttt/ho-so", "SHA": "0" * 40})
    assert done.returncode == 0, done.stderr
    index = (top / "_site" / "index.html").read_text("utf-8")
    assert "https://github.com/so-tttt/ho-so/commit/" in index
