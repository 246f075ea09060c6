"""The CLI over the library: exit codes, formats, root discovery, subsets, git."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from cdsctl import __version__, validate
from cdsctl.load.files import find_root

from .conftest import AGENCIES, REPO, REPORT, SAMPLE, TASK, build_tree, invoke, validate_json

BAD_CORPUS = REPO / "tests" / "corpus" / "bad"
LINE = re.compile(r"^\S+:\d+:\d+: (error|warning) [a-z-]+ .+$")


def test_bundled_records_validate_clean() -> None:
    code, out = invoke("validate", "--records", str(SAMPLE))
    assert (code, out) == (0, "")


def test_json_output_equals_the_library_result() -> None:
    code, items = validate_json(BAD_CORPUS, "--no-cache")
    library = validate(find_root(BAD_CORPUS), cache_dir=False)
    assert code == 1
    assert items == [d.to_dict() for d in library.diagnostics]
    assert items, "the bad corpus must produce diagnostics"


def test_text_output_is_file_line_col_severity_code_message() -> None:
    code, out = invoke("validate", "--records", str(BAD_CORPUS))
    lines = out.splitlines()
    assert code == 1 and lines
    assert all(LINE.match(line) for line in lines), [x for x in lines if not LINE.match(x)][:3]
    assert "\x1b[" not in out  # not a terminal: no colour codes


def test_version_and_help() -> None:
    assert invoke("--version") == (0, f"cdsctl {__version__}\n")
    code, out = invoke("--help")
    assert code == 0 and "validate" in out and "schema" in out


def test_version_starts_without_the_cli_framework() -> None:
    script = (
        "import sys; sys.argv=['cdsctl','--version']; from cdsctl.__main__ import main; main();"
    )
    script += "print('typer' in sys.modules, 'yaml' in sys.modules)"
    out = subprocess.run(["python", "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [f"cdsctl {__version__}", "False False"]


def test_subset_reports_only_its_files_but_resolves_against_the_root(records) -> None:  # type: ignore[no-untyped-def]
    bad_elsewhere = TASK.replace("TB-128-2022.1", "TB-128-2022.2").replace("lead: STTTT", "lead: X")
    root = records({"tasks/TB-128-2022.2.yaml": bad_elsewhere})
    code, items = validate_json(root, str(root / "tasks" / "TB-128-2022.1.yaml"))
    assert (code, items) == (0, [])  # its directive and agencies resolve; the other file is silent
    code, items = validate_json(root, str(root / "tasks"))
    assert code == 1 and {i["file"] for i in items} == {"tasks/TB-128-2022.2.yaml"}


def test_a_path_outside_the_root_is_a_usage_error(records, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = records({})
    outside = build_tree(tmp_path / "elsewhere", {"x.yaml": "a: 1\n"}) / "x.yaml"
    code, _ = invoke("validate", "--records", str(root), str(outside))
    assert code == 2


def test_no_records_root_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _ = invoke("validate")
    assert code == 2
    code, _ = invoke("validate", "--records", str(tmp_path))
    assert code == 2


def test_root_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = build_tree(tmp_path / "a", {"agencies.yaml": AGENCIES, "sub/deeper/x.txt": ""})
    b = build_tree(tmp_path / "b", {"agencies.yaml": AGENCIES})
    c = build_tree(tmp_path / "c", {"records/agencies.yaml": AGENCIES})
    assert find_root(b, env={}, cwd=a) == b.resolve()  # --records first
    assert find_root(None, env={"CDSCTL_RECORDS": str(b)}, cwd=a) == b.resolve()
    assert find_root(None, env={}, cwd=a / "sub" / "deeper") == a.resolve()  # walk up
    assert find_root(None, env={}, cwd=c) == (c / "records").resolve()  # ./records


def _git(root: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_DATE": "2022-06-01T10:00:00", "GIT_COMMITTER_DATE": "2022-06-01T10:00:00",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@x", "HOME": str(root), "PATH": "/usr/bin:/bin"}  # fmt: skip
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_changed_since_reports_changed_and_untracked_files_only(records) -> None:  # type: ignore[no-untyped-def]
    root = records({"tasks/old-bad.yaml": "kind: task\nid: old-bad\n"})
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "start")
    task = root / "tasks" / "TB-128-2022.1.yaml"
    task.write_text(task.read_text(encoding="utf-8").replace("2022-05-20", "20/5/2022"), "utf-8")
    (root / "tasks" / "new.yaml").write_text("kind: task\nid: new\n", "utf-8")
    code, items = validate_json(root, "--changed-since", "HEAD")
    assert code == 1
    assert {i["file"] for i in items} == {"tasks/TB-128-2022.1.yaml", "tasks/new.yaml"}


def test_changed_since_a_bad_revision_exits_2(records) -> None:  # type: ignore[no-untyped-def]
    root = records({})
    _git(root, "init", "-q")
    code, _ = invoke("validate", "--records", str(root), "--changed-since", "nope")
    assert code == 2


def test_github_annotations_escape_properties(records) -> None:  # type: ignore[no-untyped-def]
    root = records({"tasks/a,b.yaml": "kind: task\nid: a,b\n"})
    code, out = invoke("validate", "--records", str(root), "--format", "github")
    assert code == 1
    assert "tasks/a%2Cb.yaml,line=2,col=1,title=id-format::" in out
    assert all(line.startswith(("::error ", "::warning ")) for line in out.splitlines())


def test_json_is_an_array_of_spec_fields(records) -> None:  # type: ignore[no-untyped-def]
    root = records({"tasks/x.yaml": "kind: task\nid: x\ndirective: TB-128-2022\ntitle: t\n"})
    code, items = validate_json(root)
    assert code == 1
    assert items == [
        {"file": "tasks/x.yaml", "line": 1, "column": 1, "severity": "error",
         "code": "missing-field", "message": "task: required field 'lead' is missing"},
    ]  # fmt: skip
    assert json.dumps(items, ensure_ascii=False)


def _committed(records) -> Path:  # type: ignore[no-untyped-def]
    root = records({"reports/BC-1.yaml": REPORT})
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "start")
    return root


def test_changed_since_reports_breakage_a_deletion_causes_elsewhere(records) -> None:  # type: ignore[no-untyped-def]
    root = _committed(records)
    (root / "tasks" / "TB-128-2022.1.yaml").unlink()
    code, items = validate_json(root, "--changed-since", "HEAD")
    assert code == 1
    assert [(i["file"], i["code"], i["line"]) for i in items] == [
        ("reports/BC-1.yaml", "unresolved-reference", 6)
    ]


def test_changed_since_reports_tasks_of_a_removed_agency(records) -> None:  # type: ignore[no-untyped-def]
    root = _committed(records)
    agencies = root / "agencies.yaml"
    text = agencies.read_text(encoding="utf-8")
    agencies.write_text(text.replace("  - id: SCT\n    name: Sở Công Thương\n", ""), "utf-8")
    code, items = validate_json(root, "--changed-since", "HEAD")
    assert code == 1
    assert {(i["file"], i["code"]) for i in items} == {
        ("tasks/TB-128-2022.1.yaml", "unresolved-reference")
    }


def test_changed_since_reports_tasks_that_used_a_removed_alias(records) -> None:  # type: ignore[no-untyped-def]
    """An alias is a name references may use (it resolves to its agency): removing it breaks
    the tasks written with it, though no id changed."""
    agencies = AGENCIES.replace(
        "    name: Sở Công Thương\n", "    name: Sở Công Thương\n    aliases: [SCT tỉnh]\n"
    )
    task = TASK.replace("support: [SCT]", "support: [SCT tỉnh]")
    root = records({"agencies.yaml": agencies, "tasks/TB-128-2022.1.yaml": task})
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "start")
    (root / "agencies.yaml").write_text(agencies.replace("    aliases: [SCT tỉnh]\n", ""), "utf-8")
    code, items = validate_json(root, "--changed-since", "HEAD")
    assert code == 1
    assert {(i["file"], i["code"]) for i in items} == {
        ("tasks/TB-128-2022.1.yaml", "unresolved-reference")
    }


def test_jobs_must_be_positive(records) -> None:  # type: ignore[no-untyped-def]
    code, _ = invoke("validate", "--records", str(records({})), "--jobs", "0")
    assert code == 2


@pytest.mark.parametrize(
    ("argv", "built"),
    [
        (["tasks", "--as-of", "2022-06-30"], ["tasks"]),
        (["new", "task", "--help"], ["new"]),
        (["--help"], None),  # (every command: the help lists them)
        ([], None),
        (["taks"], None),  # (a misspelt one: the error offers the near ones)
        (["--lang", "vi", "tasks"], None),
    ],
)
def test_a_run_makes_only_the_command_it_names(
    argv: list[str], built: list[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """typer makes a click command of every registered one before it parses anything (20
    ms a run); a run that names one makes only that one."""
    import importlib

    import typer.main

    app_module = importlib.import_module("cdsctl.cli.app")
    every = sorted(typer.main.get_command(app_module.app).commands)  # type: ignore[attr-defined]
    with app_module._only_invoked(argv):
        made = sorted(typer.main.get_command(app_module.app).commands)  # type: ignore[attr-defined]
    assert made == (built or every)
    assert sorted(typer.main.get_command(app_module.app).commands) == every  # type: ignore[attr-defined]
    monkeypatch.setenv("_CDSCTL_COMPLETE", "bash_complete")  # completion offers them all
    with app_module._only_invoked(["tasks"]):
        assert sorted(typer.main.get_command(app_module.app).commands) == every  # type: ignore[attr-defined]


def test_a_command_run_alone_answers_as_among_all() -> None:
    """Through the console entry point (run(), in a process): a command's help, a group's
    command, and a misspelt command's suggestion."""
    import sys

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "cdsctl", *args], capture_output=True,
                              text=True, timeout=60, check=False)  # fmt: skip

    assert "cdsctl tasks [OPTIONS]" in cli("tasks", "--help").stdout
    assert "cdsctl new task [OPTIONS]" in cli("new", "task", "--help").stdout
    wrong = cli("taks")
    assert wrong.returncode == 2 and "tasks" in wrong.stderr and "No such command" in wrong.stderr
    assert cli("validate", "--records", str(REPO / "records")).returncode == 0


def test_a_command_signature_is_worked_out_when_typer_reads_it() -> None:
    """Evaluating the annotations of every command at import cost 5 ms a run: each
    command's signature (with `--lang` added) is made when typer first reads it, and a run
    that names a command makes only that one's."""
    import importlib
    import inspect
    import subprocess
    import sys

    probe = (
        "import importlib, typer.main\n"
        "app = importlib.import_module('cdsctl.cli.app'); import cdsctl.cli\n"
        "made = lambda: sorted(c.name for c in app.app.registered_commands"
        " if c.callback.__signature__._made is not None)\n"
        "print(made())\n"
        "with app._only_invoked(['stats']):\n"
        "    typer.main.get_command(app.app)\n"
        "print(made())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    assert done.stdout.split("\n")[:2] == ["[]", "['stats']"]
    app_module = importlib.import_module("cdsctl.cli.app")
    for info in app_module.app.registered_commands:
        signature = inspect.signature(info.callback)
        assert list(signature.parameters)[-1] == "lang"
        assert signature.parameters["lang"].annotation is app_module.LangOption
