"""The process: streams it cannot write as asked, `-o` targets it cannot write, `--jobs`
past any sense, a stale cache stamp, workers whose parent died, and exit codes (0 no
errors, 1 errors in the records, 2 cdsctl could not run, 3 a bug, 130 interrupted).

What needs a real process (closed stdout, an encoding, SIGKILL) runs `python -m cdsctl`
in a subprocess with a timeout; the rest runs the CLI in-process.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cdsctl import validate
from cdsctl.cli import app
from cdsctl.validation.cache import Store
from cdsctl.validation.workers import PER_CORE, worker_count

from .conftest import AGENCIES, DIRECTIVE, SAMPLE, TASK, build_tree

PROJECT = Path(__file__).resolve().parent.parent
HOUR_AGO = time.time() - 3600
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, CDSCTL_CACHE_DIR=str(tmp_path / "cache"), **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    env.pop("CDSCTL_DEBUG", None)
    return env


def _cdsctl(*args: str, env: dict[str, str], timeout: float = 120,
            **kwargs: Any) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    return subprocess.run([sys.executable, "-m", "cdsctl", *args], capture_output=True,
                          timeout=timeout, env=env, check=False, **kwargs)  # fmt: skip


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def _with_errors(tmp_path: Path) -> Path:
    """A root whose one task has an error, so validate prints and exits 1."""
    return build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES,
                                          "directives/TB-128-2022.yaml": DIRECTIVE,
                                          "tasks/TB-128-2022.1.yaml": TASK.replace(
                                              "lead: STTTT", "lead: SỞ-XYZ")})  # fmt: skip


# ------------------------------------------------------------------------ output streams


def _close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize(
    "args", [["validate", "--format", "json"], ["validate"], ["tasks", "--as-of", "2022-06-30"]]
)
def test_a_closed_stdout_is_no_crash(tmp_path: Path, args: list[str]) -> None:
    """`cdsctl validate >&-`: the exit code still says whether the records have errors."""
    root = _with_errors(tmp_path)
    proc = _cdsctl(*args, "--records", str(root), env=_env(tmp_path), preexec_fn=_close_stdout)
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stderr, proc.stderr
    assert proc.returncode == (1 if args[0] == "validate" else 0), proc.stderr


ENCODINGS = ["latin-1", "ascii", "cp1252"]


@pytest.fixture(scope="module")
def vietnamese(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One root for every encoding, and each command's UTF-8 output on it (computed once)."""
    tmp = tmp_path_factory.mktemp("encodings")
    return {"root": _with_errors(tmp), "tmp": tmp, "utf-8": {}}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--format", "json"],
        ["validate", "--format", "github"],
        ["tasks", "--as-of", "2022-06-30"],
        ["tasks", "--as-of", "2022-06-30", "--format", "json"],
        ["show", "TB-128-2022.1", "--as-of", "2022-06-30"],
    ],
)
def test_vietnamese_on_a_narrow_encoding_is_written_escaped(
    vietnamese: dict[str, Any], encoding: str, args: list[str]
) -> None:
    """PYTHONIOENCODING=latin-1 (or ascii…): what the encoding cannot hold is written as
    `\\uXXXX`, never a crash; JSON stays JSON, with the same values as in UTF-8."""
    root, tmp, utf8 = vietnamese["root"], vietnamese["tmp"], vietnamese["utf-8"]
    narrow = _cdsctl(*args, "--records", str(root), env=_env(tmp, PYTHONIOENCODING=encoding))
    key = " ".join(args)
    if key not in utf8:
        utf8[key] = _cdsctl(*args, "--records", str(root), env=_env(tmp, PYTHONIOENCODING="utf-8"))
    wide = utf8[key]
    assert b"Traceback" not in narrow.stderr and b"internal error" not in narrow.stderr
    assert narrow.returncode == wide.returncode
    # (click takes an ASCII stream for a misconfigured locale, and writes UTF-8 to it)
    text = narrow.stdout.decode("utf-8" if encoding == "ascii" else encoding)
    assert text.strip()
    if "json" in args:
        assert json.loads(text) == json.loads(wide.stdout.decode("utf-8"))
    elif encoding in ("latin-1", "cp1252"):
        assert "\\u" in text  # the escapes of what the encoding lacks (ở, ư, …)


# --------------------------------------------------------------------------- -o targets

TARGETS = {
    "parent-is-a-file": lambda tmp: tmp / "plain.txt" / "out.ics",
    "a-folder": lambda tmp: tmp,
    "no-such-folder": lambda tmp: tmp / "missing" / "out.ics",
    "read-only-file-system": lambda tmp: Path("/proc/cdsctl-test.ics"),
    "a-fifo": lambda tmp: tmp / "pipe.ics",
    "a-link": lambda tmp: tmp / "link.ics",
    "a-device": lambda tmp: Path(os.devnull),
}


@pytest.mark.parametrize("force", [False, True])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_an_output_that_cannot_be_written_is_one_line_exit_2(
    tmp_path: Path, target: str, force: bool
) -> None:
    (tmp_path / "plain.txt").write_text("keep me", encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.ics")
    (tmp_path / "link.ics").symlink_to(tmp_path / "plain.txt")
    path = TARGETS[target](tmp_path)
    if target == "read-only-file-system" and not Path("/proc/self").is_dir():
        pytest.skip("no /proc")
    before = sorted(p.name for p in tmp_path.iterdir())
    args = ["calendar", "--records", str(SAMPLE), "-o", str(path)] + (["--force"] if force else [])
    proc = _cdsctl(*args, env=_env(tmp_path / "env"), timeout=60)
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("cdsctl: --output"), lines
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "env") == before
    assert (tmp_path / "plain.txt").read_text(encoding="utf-8") == "keep me"
    assert Path(os.devnull).exists() and not Path(os.devnull).is_file()


# ------------------------------------------------------------------------------ --jobs


@given(jobs=st.one_of(st.none(), st.integers(-10, 10**30)), chunks=st.integers(0, 10**6))
def test_worker_count_is_capped(jobs: int | None, chunks: int) -> None:
    count = worker_count(jobs, chunks)
    assert 1 <= count <= max(1, min(chunks, (os.cpu_count() or 1) * PER_CORE))
    if jobs is not None and 1 <= jobs <= chunks and jobs <= (os.cpu_count() or 1) * PER_CORE:
        assert count == jobs


def test_a_huge_jobs_number_is_capped_not_an_overflow(tmp_path: Path) -> None:
    """450 files: enough for worker processes, which `--jobs 10**20` would overflow."""
    tree = {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE}
    for n in range(450):
        tree[f"tasks/TB-128-2022.{n}.yaml"] = TASK.replace("TB-128-2022.1", f"TB-128-2022.{n}")
    root = build_tree(tmp_path / "root", tree)
    for jobs in ("99999999999999999999", "2", "1"):
        result = _invoke("validate", "--records", str(root), "--no-cache", "--jobs", jobs)
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert result.exit_code == 0, result.output


# ---------------------------------------------------------------------- the cache stamp


EDITS = [
    ("2022-05-20", "2022-02-30", "date-invalid"),
    ("lead: STTTT", "lead: SXYZT", "unresolved-reference"),
    ('item: "1"', 'item: "9"', None),
]


@pytest.mark.parametrize(("old", "new", "code"), EDITS)
def test_a_same_size_rewrite_with_its_mtime_put_back_is_checked_again(
    tmp_path: Path, old: str, new: str, code: str | None
) -> None:
    """`touch -d` puts the mtime back; size and inode stay: only the ctime tells."""
    root = build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES,
                                          "directives/TB-128-2022.yaml": DIRECTIVE,
                                          "tasks/TB-128-2022.1.yaml": TASK})  # fmt: skip
    for path in root.rglob("*.yaml"):
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    task, cache = root / "tasks/TB-128-2022.1.yaml", tmp_path / "c"
    assert validate(root, cache_dir=cache).diagnostics == []
    before = task.stat()
    time.sleep(0.05)  # past the ctime's tick
    text = task.read_text(encoding="utf-8").replace(old, new)
    assert len(text.encode()) == before.st_size
    with open(task, "r+", encoding="utf-8") as handle:  # in place: the same inode
        handle.write(text)
    os.utime(task, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = task.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size, before.st_mtime_ns, before.st_ino)  # fmt: skip
    for summaries in (True, False):  # the per-file cache, and the whole-run result
        result = validate(root, cache_dir=cache, summaries=summaries)
        assert [d.code for d in result.diagnostics] == ([code] if code else [])
    assert result.checked == 0  # (the second run trusts what the first re-checked)


# ------------------------------------------------------------------- cache temporaries


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"),
                                     KeyboardInterrupt()])  # fmt: skip
@pytest.mark.parametrize("step", ["write", "replace"])
def test_a_failed_cache_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException, step: str
) -> None:
    store = Store(tmp_path / "store")
    assert store.write("files", [1])

    def fail(*args: Any, **kwargs: Any) -> None:
        raise failure

    if step == "replace":
        monkeypatch.setattr(os, "replace", fail)
    else:
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FailingFile(failure))
    if isinstance(failure, OSError):
        assert store.write("files", [2]) is False
    else:
        with pytest.raises(KeyboardInterrupt):
            store.write("files", [2])
    monkeypatch.undo()
    assert sorted(os.listdir(store.folder)) == ["files"]
    assert store.read("files") == [1]  # the old cache stays


class _FailingFile:
    def __init__(self, failure: BaseException) -> None:
        self.failure = failure

    def __enter__(self) -> _FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def write(self, data: bytes) -> int:
        raise self.failure


def test_temporary_files_a_killed_run_left_are_removed_later(tmp_path: Path) -> None:
    root = build_tree(tmp_path / "root", {"agencies.yaml": AGENCIES})
    cache = tmp_path / "c"
    validate(root, cache_dir=cache)
    (folder,) = cache.iterdir()
    old, fresh = folder / ".files.0.abc123", folder / ".files.1.def456"
    old.write_bytes(b"half")
    fresh.write_bytes(b"being written")
    os.utime(old, (HOUR_AGO - 60, HOUR_AGO - 60))
    # the cache is rewritten whole (every record names the agencies: a full run)
    (root / "agencies.yaml").write_text(AGENCIES + "# sửa\n", encoding="utf-8")
    validate(root, cache_dir=cache)
    assert not old.exists() and fresh.exists()


# ------------------------------------------------------------------ orphaned workers


def _children(pid: int) -> set[int]:
    """The children of every thread of `pid` (a thread that ends while they are read,
    such as a pool's, is passed over)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            with open(task / "children", encoding="ascii") as handle:
                found |= {int(p) for p in handle.read().split()}
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _tree(root: Path, tasks: int) -> Path:
    tree = {"agencies.yaml": AGENCIES, "directives/TB-128-2022.yaml": DIRECTIVE}
    for n in range(tasks):
        task_id = f"TB-128-2022.{n}"
        tree[f"tasks/{n // 500}/{task_id}.yaml"] = TASK.replace("TB-128-2022.1", task_id)
    return build_tree(root, tree)


#: A validate whose workers take 60 s a file: only their parent's death can end them early.
SLOW = """
import sys, time
import cdsctl.validation.onefile as records
def slow(root, relpath):
    time.sleep(60)
records.check_file_wire = slow
sys.argv = ["cdsctl", "validate", "--no-cache", "--jobs", "2", "--records", sys.argv[1]]
from cdsctl.__main__ import main
main()
"""


@linux_only
@pytest.mark.parametrize("slow", [False, True])
def test_workers_exit_when_their_parent_is_killed(tmp_path: Path, slow: bool) -> None:
    root = _tree(tmp_path / "root", 2400)
    env = _env(tmp_path)
    if slow:
        command = [sys.executable, "-c", SLOW, str(root)]
    else:
        command = [sys.executable, "-m", "cdsctl", "validate", "--records", str(root),
                   "--jobs", "2", "--no-cache"]  # fmt: skip
    parent = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and parent.poll() is None:
            workers = _children(parent.pid)
            time.sleep(0.01)
        if len(workers) < 2:
            pytest.skip("the run ended before its workers were seen")
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_running, workers)), [w for w in workers if _running(w)]
    finally:
        if parent.poll() is None:
            parent.kill()


WATCHED = """
import os, sys, time
from cdsctl.validation import workers
workers._killed_with_parent = lambda: False  # the portable fallback only
workers.WATCH_SECONDS = 0.05
main = os.getpid()  # (not the child's getppid(): the parent may be killed before it asks)
child = os.fork()
if child == 0:
    workers.started(main)
    time.sleep(60)
    os._exit(0)
print(child, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_the_portable_watchdog_ends_a_worker_whose_parent_died(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", WATCHED], env=_env(tmp_path),
                              stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(worker)
    finally:
        if parent.poll() is None:
            parent.kill()


def _alive(pid: int) -> bool:
    if Path("/proc").is_dir():
        return _running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --------------------------------------------------------------------------- exit codes

#: (command line, the library function it calls, as module and attribute)
ROOT = ["--records", str(SAMPLE)]
COMMANDS = [
    (["validate", *ROOT], "cdsctl.validation.pipeline", "validate"),
    # (task states: whether the records come from the cache's snapshot or are read)
    (["tasks", "--as-of", "2022-06-30", *ROOT], "cdsctl.repository", "task_states"),
    (["overdue", "--as-of", "2022-06-30", *ROOT], "cdsctl.repository", "task_states"),
    (["stats", "--as-of", "2022-06-30", *ROOT], "cdsctl.repository", "task_states"),
    (["show", "TB-128-2022.1", *ROOT], "cdsctl.repository", "task_states"),
    (["overdue", "--as-of", "2022-06-30", *ROOT], "cdsctl.queries", "overdue_row"),
    (["indicators", *ROOT], "cdsctl.indicators", "indicator_rows"),
    (["calendar", *ROOT], "cdsctl.output.ical", "ical_bytes"),
    (["schema", "task"], "cdsctl.schema", "json_schema"),
]
ERRORS = [ValueError("bad value"), KeyError("directive"), RuntimeError("two\nlines"),
          ZeroDivisionError(), OSError(errno.EACCES, "Permission denied"),
          OverflowError("date value out of range"), AttributeError("x")]  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command=st.sampled_from(COMMANDS), error=st.sampled_from(ERRORS))
def test_an_unexpected_exception_is_exit_3_with_one_line(
    monkeypatch: pytest.MonkeyPatch, command: tuple[list[str], str, str], error: Exception
) -> None:
    args, module, name = command
    monkeypatch.delenv("CDSCTL_DEBUG", raising=False)

    def boom(*a: Any, **k: Any) -> Any:
        raise error

    with monkeypatch.context() as patch:
        patch.setattr(f"{module}.{name}", boom)
        result = CliRunner().invoke(app, args)
    lines = result.stderr.splitlines()
    assert result.exit_code == 3, (result.exit_code, result.output)
    assert len(lines) == 1 and "bug" in lines[0] and "CDSCTL_DEBUG=1" in lines[0], lines
    assert type(error).__name__ in lines[0]
    assert "Traceback" not in result.output


def test_the_traceback_is_shown_with_cdsctl_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*a: Any, **k: Any) -> Any:
        raise ValueError("deep inside")

    monkeypatch.setattr("cdsctl.validation.pipeline.validate", boom)
    monkeypatch.setenv("CDSCTL_DEBUG", "1")
    result = CliRunner().invoke(app, ["validate", "--records", str(SAMPLE)])
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "deep inside" in result.stderr


def test_a_full_disk_is_exit_2_not_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*a: Any, **k: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("cdsctl.validation.pipeline.validate", full)
    result = CliRunner().invoke(app, ["validate", "--records", str(SAMPLE)])
    assert result.exit_code == 2 and "No space left" in result.stderr


def test_ctrl_c_is_exit_130_with_a_short_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*a: Any, **k: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("cdsctl.validation.pipeline.validate", interrupt)
    result = CliRunner().invoke(app, ["validate", "--records", str(SAMPLE)])
    assert result.exit_code == 130 and result.stderr.strip() == "cdsctl: interrupted"


RAISING = """
import sys
import cdsctl.validation.pipeline
def boom(*a, **k):
    raise {error}
cdsctl.validation.pipeline.validate = boom
sys.argv = ["cdsctl", "validate", "--records", sys.argv[1]]
from cdsctl.__main__ import main
main()
"""


@pytest.mark.parametrize(("error", "code"), [("ValueError('x')", 3), ("KeyboardInterrupt", 130),
                                             ("SystemExit(1)", 1)])  # fmt: skip
def test_the_entry_point_maps_exceptions_to_exit_codes(
    tmp_path: Path, error: str, code: int
) -> None:
    """Through `run()` and its os._exit, in a real process."""
    script = RAISING.format(error=error)
    proc = subprocess.run([sys.executable, "-c", script, str(SAMPLE)], capture_output=True,
                          env=_env(tmp_path), timeout=60, check=False)  # fmt: skip
    assert proc.returncode == code, proc.stderr
    assert b"Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) <= 1


# -- the reader of the output leaves (`cdsctl … | head`) -----------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["tasks", "--as-of", "2023-12-31"],
        ["overdue", "--as-of", "2023-12-31", "--format", "json"],
        ["validate", "--records", str(PROJECT / "tests" / "corpus" / "bad")],
        ["schema", "task"],
    ],
)
def test_a_reader_that_leaves_is_exit_141_never_1(tmp_path: Path, args: list[str]) -> None:
    """Class: any command whose output pipe is closed before it writes.  The read end is
    closed before the child writes a byte, so every write fails with EPIPE."""
    if "--records" not in args and args[0] != "schema":
        args = [*args, "--records", str(SAMPLE)]
    child = subprocess.Popen([sys.executable, "-m", "cdsctl", *args], env=_env(tmp_path),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141, err
    assert "Traceback" not in err and "internal error" not in err


_SPIN_BESIDE = """
import os, sys, time
from cdsctl.cli import process

def spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass

os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # (one core for both)

def kept_after_the_output():
    began = time.process_time()
    spin(1.5)
    with open(sys.argv[1], "w") as out:
        out.write(f"{os.getpriority(os.PRIO_PROCESS, 0)} {time.process_time() - began}")

process.in_background([kept_after_the_output])
began = time.process_time()
spin(1.5)  # (the user's next command)
print(time.process_time() - began)
"""


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity here")
def test_the_work_after_the_output_yields_the_core_to_the_next_command(tmp_path: Path) -> None:
    """The child left to keep the cache (its own session, so that Ctrl-C at the prompt is
    not its) gets a core only when nothing else wants it: on Linux a session of its own is
    weighed against the terminal's as a whole (autogroup), whatever its nice value, so the
    two would share a core half and half."""
    told = tmp_path / "child"
    run = subprocess.run([sys.executable, "-c", _SPIN_BESIDE, str(told)], capture_output=True,
                         text=True, timeout=60, check=True)  # fmt: skip
    foreground = float(run.stdout)
    for _ in range(100):
        if told.exists() and told.read_text():
            break
        time.sleep(0.1)
    nice, background = told.read_text().split()
    assert int(nice) == 19
    assert float(background) < 0.25 * foreground, (background, foreground)


def test_the_work_after_the_output_lets_go_of_each_step_once_done() -> None:
    """What only a step held (a stored answer's rows) is freed before the next step (a
    snapshot's) takes more; a step that fails does not stop the next."""
    import weakref

    from cdsctl.validation.cache import done_later

    class Rows(list[int]):
        pass

    rows = Rows(range(10))
    alive = weakref.ref(rows)
    seen: list[bool] = []

    def store_answer(held: Rows = rows) -> None:
        assert len(held) == 10

    def fails() -> None:
        raise OSError("disk full")

    work = [store_answer, fails, lambda: seen.append(alive() is None)]
    del rows, store_answer
    done_later(work)
    assert seen == [True] and work == []


@pytest.mark.parametrize(
    ("steps", "order"),
    [
        (["quick"], ["quick"]),  # a query that only stores its answer: nothing freed
        (["quick", "last"], ["quick", "let go", "last"]),  # (the keeper: here if no exec)
        (["quick", "heavy", "last"], ["quick", "let go", "heavy", "last"]),
        (["heavy", "quick"], ["quick", "let go", "heavy"]),  # (a quick step comes first)
        (["last", "heavy"], ["let go", "heavy", "last"]),
        ([], []),
    ],
)
def test_what_the_command_held_is_let_go_of_before_the_first_step_that_needs_memory(
    steps: list[str], order: list[str]
) -> None:
    """Class: the steps after a command's output (cache.later).  What the command held is
    freed (in a fork, each page freed is a page copied) only before a step that may need
    the memory: not for one that writes an answer (Quick), but for one that becomes another
    program (Last), which keeps the snapshot in this one where it cannot; done once."""
    from cdsctl.validation import cache

    done: list[str] = []
    saved, cache.later = cache.later, []
    try:
        for name in steps:
            step = functools.partial(done.append, name)
            if name == "last":
                cache.soon(cache.Last(step))
            else:
                cache.soon(step, first=name == "quick")
        work, cache.later = cache.later, None
        cache.done_later(work, functools.partial(done.append, "let go"))
    finally:
        cache.later = saved
    assert done == order
