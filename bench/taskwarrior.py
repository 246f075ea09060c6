#!/usr/bin/env python3
"""Time `cdsctl overdue` side by side with Taskwarrior's `task overdue` on the same tasks.

    python bench/taskwarrior.py [--tasks 10000] [--reports 20000] [--repeat 3] [--data DIR]
                                [--as-of 2024-12-31]

Taskwarrior 2.6 is the peer an analyst would compare cdsctl with: a mature C++ task list whose
`task overdue` prints every late task as a table. This script gives both tools the same tasks
and times, best of --repeat runs, interleaved (one sample of each per run):

- F: PyYAML's C loader over every record file (the floor of bench/validate.py);
- `task overdue`, its whole table (rc.defaultwidth=0: no wrapping, no report limit) to a file;
- `task export`, every task as JSON, to a file;
- `cdsctl overdue --records DATA --as-of D`, its default text table and `--format json`, to a
  file, with a warm validation cache (`cdsctl validate` ran once with the same
  CDSCTL_CACHE_DIR, a new folder under the temp dir) and a NEW as-of date D for every run
  (2024-12-31, 2024-12-30, ...), so that no stored answer is reused;

with each run's peak RSS (GNU time's %M). The records are bench/gen.py's (default
bench/data/tw-10000: 10,000 tasks, 20,000 reports); cdsctl's library works out every task's
state as of --as-of, and each one-off task and recurring instance becomes a Taskwarrior task
(description = title, project = directive, tags, UDAs lead and cdsid; pending with its
deadline as `due`; done: completed with `end`; cancelled: deleted), imported with `task import`
into a fresh TASKDATA (bench/data/NAME.task for records in a folder NAME).

Taskwarrior has no as-of date: it compares with the real now. Rather than fake the clock
(faketime's LD_PRELOAD would also slow the peer down), every date it is given is shifted by
(today - as-of) days, and a deadline D is due at D 23:59:59 UTC (TZ=UTC): late from the next
day, as in cdsctl (a task due at midnight would be overdue on its own day in Taskwarrior). Both
overdue lists then hold the same tasks; both row counts are printed.

Prints a Markdown table with each time's ratio to `task overdue` and to F. Exit 0 when the text
table of `cdsctl overdue` for a new date is faster than `task overdue`, 1 when it is not or a
command failed, 2 when cdsctl or the data is missing; 0 with a note when `task` is not
installed (Debian: apt-get install taskwarrior). See bench/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate import (  # bench/ is not a package: found through sys.path
    BENCH,
    Samples,
    census,
    describe,
    ensure_data,
    find_cdsctl,
    machine,
    note,
    parse_all,
    timed,
)

AS_OF = date(2024, 12, 31)  # nothing in gen.py's records is dated later
MARKER = ".cdsctl-bench"  # in TASKDATA: this script made the folder and may replace it
NAMESPACE = uuid.UUID("6f1d3c3e-2b7a-4c55-9a43-1f7e4f0e8b21")  # uuid5 of each task id
DONE = ("done-on-time", "done-late")
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None  # for peak RSS
TASKRC = """\
# written by bench/taskwarrior.py
data.location={data}
confirmation=off
verbose=label
hooks=off
color=off
detection=off
defaultwidth=0
news.version=2.6.0
uda.lead.type=string
uda.lead.label=Lead
uda.cdsid.type=string
uda.cdsid.label=cdsctl id
"""


# --- the tasks as Taskwarrior sees them ---------------------------------------------------------


def tw_time(day: date, shift: timedelta, clock: str = "000000") -> str:
    """`day` moved by `shift`, in Taskwarrior's JSON date format (UTC)."""
    return f"{(day + shift).strftime('%Y%m%d')}T{clock}Z"


def tw_tag(tag: str) -> str:
    """A cdsctl tag as one Taskwarrior tag (no spaces)."""
    return re.sub(r"\s+", "_", tag.strip())


def tw_task(state: Any, issued: date | None, shift: timedelta) -> dict[str, Any]:
    """One TaskState (a task or a recurring instance) as a Taskwarrior task."""
    task = state.task
    entry = tw_time(issued or state.as_of, shift)
    out: dict[str, Any] = {
        "uuid": str(uuid.uuid5(NAMESPACE, state.id)),
        "description": task.title,
        "project": task.directive,
        "entry": entry,
        "modified": entry,
        "lead": task.lead,
        "cdsid": state.id,
    }
    tags = sorted({tw_tag(t) for t in task.tags if t.strip()})
    if tags:
        out["tags"] = tags
    if state.deadline is not None:  # due at the end of the day: late from the next one
        out["due"] = tw_time(state.deadline, shift, "235959")
    kind = str(state.state)
    if kind in DONE:
        out["status"] = "completed"
        out["end"] = out["modified"] = tw_time(state.completed or state.as_of, shift)
    elif kind == "cancelled":
        day = task.cancelled.date if task.cancelled is not None else state.as_of
        out["status"] = "deleted"
        out["end"] = out["modified"] = tw_time(day, shift)
    else:
        out["status"] = "pending"
    return out


@dataclass(frozen=True)
class Tasks:
    tw: list[dict[str, Any]]
    overdue: int  # cdsctl's overdue count as of the date, from the library
    shift: timedelta


def build_tasks(data: Path, as_of: date, cache: Path, today: date) -> Tasks:
    """Every task and recurring instance as of `as_of`, with dates shifted so it is `today`."""
    from cdsctl.repository import load  # the cdsctl of this venv

    repo = load(data, cache_dir=cache)
    states = repo.states(as_of)
    directives = repo.records.directives
    shift = today - as_of
    tw = []
    for s in states:
        directive = directives.get(s.task.directive)
        tw.append(tw_task(s, directive.issued if directive else None, shift))
    overdue = sum(1 for s in states if str(s.state) == "overdue")
    return Tasks(tw, overdue, shift)


# --- running a command ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    code: int
    rss_mb: float | None  # peak resident set size of the process (None: not measured)
    out: Path  # its standard output
    err: str


def spawn(cmd: Sequence[str], out: Path, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` with stdout to the file `out`: its wall time and peak RSS.

    The peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks the command from
    a small process: a child spawned by this script directly would report this script's own
    peak (Python spawns with vfork, and the kernel keeps the larger of the two at exec).
    """
    err, rss = out.with_suffix(".err"), out.with_suffix(".rss")
    rss.unlink(missing_ok=True)
    prefix = [GNU_TIME, "-f", "%M", "-o", str(rss)] if GNU_TIME else []
    with open(out, "wb") as stdout, open(err, "wb") as stderr:
        start = time.perf_counter()
        code = subprocess.run([*prefix, *cmd], env=env, stdout=stdout, stderr=stderr).returncode
        seconds = time.perf_counter() - start
    peak = rss.read_text().split()[-1] if rss.is_file() else ""
    rss_mb = int(peak) / 1024 if peak.isdigit() else None
    return Run(seconds, code, rss_mb, out, err.read_text("utf-8", "replace"))


def first_lines(run: Run, n: int = 15) -> str:
    text = run.out.read_text("utf-8", "replace") + run.err
    return "\n".join(text.splitlines()[:n])


# --- counting rows ----------------------------------------------------------------------------


def rows_json(text: str) -> int:
    return len(json.loads(text))


def rows_cdsctl_table(text: str) -> int:
    """Rows of cdsctl's text table: its lines with a column rule `│` (headings use `┃`)."""
    return sum(1 for line in text.splitlines() if "│" in line)


def rows_task_table(text: str) -> int:
    """Rows of a Taskwarrior report with verbose=label: the lines after the dashes under the
    headings (defaultwidth=0: one line per task)."""
    lines = [line for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if line.strip() and set(line.replace(" ", "")) == {"-"}:
            return len(lines) - i - 1
    return 0


# --- Taskwarrior ------------------------------------------------------------------------------


@dataclass
class Taskwarrior:
    exe: str
    rc: Path
    data: Path
    imported: float = 0.0  # seconds `task import` took

    def env(self) -> dict[str, str]:
        return {**os.environ, "TASKRC": str(self.rc), "TASKDATA": str(self.data), "TZ": "UTC"}

    def run(self, args: Iterable[str], out: Path) -> Run:
        return spawn([self.exe, *args], out, self.env())


def fresh_taskdata(folder: Path) -> bool:
    """Make `folder` an empty TASKDATA; replace it only if this script made it."""
    if folder.exists():
        if not (folder / MARKER).is_file():
            note(f"{folder} exists and was not made by bench/taskwarrior.py: not touching it")
            return False
        shutil.rmtree(folder)  # a handful of files
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("TASKDATA of bench/taskwarrior.py; replaced on every run\n")
    return True


def set_up_taskwarrior(exe: str, folder: Path, tasks: Tasks, scratch: Path) -> Taskwarrior | Run:
    """A fresh TASKDATA holding `tasks`; the failed run if `task import` failed."""
    tw = Taskwarrior(exe, folder / "taskrc", folder)
    tw.rc.write_text(TASKRC.format(data=folder))
    source = folder / "import.json"
    source.write_text(json.dumps(tasks.tw, ensure_ascii=False, indent=0) + "\n", "utf-8")
    imported = tw.run(["import", str(source)], scratch / "import.out")
    tw.imported = imported.seconds
    if imported.code != 0:
        return imported
    settle = tw.run(["overdue"], scratch / "settle.out")  # first report: gc moves closed tasks
    return settle if settle.code != 0 else tw


# --- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    count: Callable[[str], int] | None  # its output -> rows


MEASURES = (
    Measure("F", "F: `yaml.CSafeLoader`, every record file (floor)", None),
    Measure("task overdue", "`task overdue` (its table)", rows_task_table),
    Measure("task export", "`task export` (JSON, every task)", rows_json),
    Measure("cdsctl table", "`cdsctl overdue`, new date, text table", rows_cdsctl_table),
    Measure("cdsctl json", "`cdsctl overdue`, new date, `--format json`", rows_json),
)


@dataclass
class Results:
    samples: Samples
    rss: dict[str, float]
    rows: dict[str, int]
    dates: dict[str, list[str]]
    failure: tuple[str, Run] | None = None

    def keep(self, key: str, run: Run, count: Callable[[str], int] | None) -> None:
        self.samples.add(key, run.seconds)
        if run.rss_mb is not None:
            self.rss[key] = max(self.rss.get(key, 0.0), run.rss_mb)
        if run.code != 0:
            if self.failure is None:
                self.failure = (key, run)
            return
        if (
            count is not None and key not in self.rows
        ):  # the first run's rows (cdsctl: as of the first date)
            self.rows[key] = count(run.out.read_text("utf-8", "replace"))


def measure(
    tw: Taskwarrior, exe: str, data: Path, cache: Path, as_of: date, repeat: int, scratch: Path
) -> Results:
    """Interleaved: a noisy moment spoils one sample of each measurement, not all of one."""
    results = Results(Samples(), {}, {}, {"cdsctl table": [], "cdsctl json": []})
    env = {**os.environ, "CDSCTL_CACHE_DIR": str(cache)}
    days = (as_of - timedelta(days=n) for n in itertools.count())  # a new date every run

    def cdsctl(fmt: str) -> Run:
        day = next(days).isoformat()
        results.dates[f"cdsctl {fmt}"].append(day)
        cmd = [exe, "overdue", "--records", str(data), "--as-of", day, "--format", fmt]
        return spawn(cmd, scratch / f"cdsctl-{fmt}.txt", env)

    steps: dict[str, Callable[[], Run]] = {
        "task overdue": lambda: tw.run(["overdue"], scratch / "overdue.txt"),
        "cdsctl table": lambda: cdsctl("table"),
        "task export": lambda: tw.run(["export"], scratch / "export.json"),
        "cdsctl json": lambda: cdsctl("json"),
    }
    counts = {m.key: m.count for m in MEASURES}
    for i in range(repeat):
        note(f"run {i + 1}/{repeat} ...")
        results.samples.add("F", timed(lambda: parse_all(data)))
        for key, step in steps.items():
            results.keep(key, step(), counts[key])
    return results


# --- reporting --------------------------------------------------------------------------------


def table(results: Results) -> list[str]:
    best = results.samples.best
    peer = best("task overdue") or float("nan")
    floor = best("F") or float("nan")
    lines = [
        "| measurement | seconds | rows | peak RSS (MB) | × `task overdue` | × F |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for m in MEASURES:
        secs = best(m.key)
        if secs is None:
            lines.append(f"| {m.label} | not run | | | | |")
            continue
        rows = f"{results.rows[m.key]:,}" if m.key in results.rows else "—"
        rss = f"{results.rss[m.key]:.0f}" if m.key in results.rss else "—"
        lines.append(
            f"| {m.label} | {secs:.3f} | {rows} | {rss} | {secs / peer:.2f} | {secs / floor:.2f} |"
        )
    return lines


def version(cmd: Sequence[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (proc.stdout or proc.stderr).strip().splitlines()[0] if proc.returncode == 0 else "?"


def print_report(
    results: Results,
    setup: dict[str, str],
    records: tuple[Any, int],
    data: Path,
) -> None:
    print("## cdsctl overdue vs Taskwarrior\n")
    dates = "; ".join(f"{k}: {', '.join(v)}" for k, v in results.dates.items())
    print(
        "\n".join(
            [
                *machine(),
                *(f"- {k}: {v}" for k, v in setup.items()),
                *describe(data, *records, results.samples),
                f"- cdsctl as-of dates, one per run: {dates} (rows: as of the first)",
                "",
                *table(results),
            ]
        )
    )
    if results.failure is not None:
        key, run = results.failure
        print(f"\n{key} exited {run.code}; its first lines:\n")
        print("\n".join(["```", first_lines(run), "```"]))


def verdict(results: Results) -> int:
    ours, peer = results.samples.best("cdsctl table"), results.samples.best("task overdue")
    if results.failure is not None or ours is None or peer is None:
        return 1
    faster = ours < peer
    print(
        f"\ntarget: `cdsctl overdue` (text table, new date) faster than `task overdue`: "
        f"{ours:.3f} s vs {peer:.3f} s: {'pass' if faster else '**FAIL**'}"
    )
    return 0 if faster else 1


# --- command line -----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=10000, help="tasks to generate (default 10000)")
    p.add_argument("--reports", type=int, default=20000, help="reports (default 20000)")
    p.add_argument("--repeat", type=int, default=3, help="runs; the best counts (default 3)")
    p.add_argument("--data", type=Path, help="records root (default bench/data/tw-TASKS)")
    p.add_argument(
        "--as-of",
        type=date.fromisoformat,
        default=AS_OF,
        help="Taskwarrior's tasks are as of this date; cdsctl's runs are as of it and the "
        "days before it, a new one each run (default 2024-12-31)",
    )
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    task_exe = shutil.which("task")
    if task_exe is None:
        print("skipped: taskwarrior not installed (apt-get install taskwarrior)")
        return 0
    if not getattr(yaml, "__with_libyaml__", False):
        note("PyYAML here has no libyaml: F needs yaml.CSafeLoader")
        return 2
    exe = find_cdsctl()
    if exe is None:
        note("cdsctl not found next to this Python nor on PATH")
        return 2
    data = (args.data or BENCH / "data" / f"tw-{args.tasks}").resolve()
    if not ensure_data(data, args.tasks, args.reports):
        return 2
    records = census(data)  # also warms the page cache
    with tempfile.TemporaryDirectory(prefix="cdsctl-tw-") as tmp:
        scratch = Path(tmp)
        cache = scratch / "cache"
        cache.mkdir()
        env = {**os.environ, "CDSCTL_CACHE_DIR": str(cache)}
        warm = spawn([exe, "validate", "--records", str(data)], scratch / "validate.txt", env)
        note(f"cdsctl validate (warms the cache): {warm.seconds:.1f} s, exit {warm.code}")
        today = datetime.now(UTC).date()
        tasks = build_tasks(data, args.as_of, cache, today)
        folder = BENCH / "data" / f"{data.name}.task"
        if not fresh_taskdata(folder):
            return 2
        tw = set_up_taskwarrior(task_exe, folder, tasks, scratch)
        if isinstance(tw, Run):
            print(f"`task` exited {tw.code}; its first lines:\n\n```\n{first_lines(tw)}\n```")
            return 1
        pending = sum(1 for t in tasks.tw if t["status"] == "pending")
        setup = {
            "versions": f"Taskwarrior {version([task_exe, '--version'])} ({task_exe}); "
            f"{version([exe, '--version'])} ({exe})",
            "dates": f"Taskwarrior compares with the real now, so every date it was given is "
            f"shifted by {tasks.shift.days:,} days ({args.as_of} → {today}, today in UTC; "
            f"TZ=UTC); a deadline D is due at D 23:59:59: late from the next day, as in cdsctl",
            "tasks": f"{len(tasks.tw):,} Taskwarrior tasks (one-off tasks and recurring "
            f"instances as of {args.as_of}; {pending:,} pending) in {folder}; cdsctl's library "
            f"counts {tasks.overdue:,} overdue as of {args.as_of}; `task import` took "
            f"{tw.imported:.1f} s",
        }
        results = measure(tw, exe, data, cache, args.as_of, max(1, args.repeat), scratch)
        print_report(results, setup, records, data)
        return verdict(results)


if __name__ == "__main__":
    sys.exit(main())
