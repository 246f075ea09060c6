#!/usr/bin/env python3
"""Time the user's day with cdsctl on one large records root, before and after a change.

    python bench/scale.py [--tasks 100000] [--reports 200000] [--data DIR] [--repeat 1]
                          [--before OTHER/venv/bin/cdsctl] [--only SCENARIOS] [--freeze]
    python bench/scale.py --tasks 10000 --reports 20000 --before OTHER/venv/bin/cdsctl
    python bench/scale.py --million

Issue 13 asks that every scale goal have its before/after row, as ratios to F (PyYAML's C
loader over the same files, measured in the same run: see bench/validate.py). A user of a
large repository does not run `validate` cold all day: each morning a new as-of date is asked
(`overdue`, `tasks`, `due`, `stats`, `indicators`), the answer is read as a text table, one
record is looked at (`show`), one file is edited and checked again, and the first `validate`
of a day comes after yesterday's. So for AFTER (default: the cdsctl next to this Python) and,
with --before, BEFORE (another install, e.g. of the code as it was when the work started),
interleaved row by row, with each binary's own cache folder (a new one per binary and run):

1. `validate` cold (empty cache), then 1b. the processes it leaves to run after its output
   (they keep its cache: the account of the rules across files, the snapshot): how long
   until they are done, and the largest peak RSS among them (/proc's VmHWM, sampled);
2. `validate` warm (same cache, same day);
3. the first `validate` of a new day: `validate` under `faketime DAY` (not timed), then
   timed under DAY + 1, records unchanged (DAY after the real today: cdsctl compares the
   faked time its cache was written with the files' real mtimes); a control row times the
   warm `validate` under faketime at the real now, which is what faketime itself costs;
4. `validate` right after appending a comment line to one task file (its bytes are put
   back at the end), as a user edits and checks;
5. queries after a `validate`, records unchanged, each for an as-of date never asked before
   in that cache (2024-12-31, then a day earlier each time): `overdue --format json`,
   `overdue` (text table), `tasks --format json`, `tasks`, `due --format json`, `stats`,
   `indicators`, output to a file (JSON rows and table lines are counted); then `overdue
   --format json` for the same date again (a stored answer);
6. `show ID` (a task that reports name) for a new date;
7. the answer cache: 16 new dates of `overdue --format json`, the size of the cache folder,
   then the time of a 17th new date;
8. `overdue --format json` in an empty cache (no validation kept: a first run);
9. `overdue --format json` started as soon as a cold `validate` (untimed) has answered,
   while what that left behind still keeps the cache (a script running both).

Each time is the wall time of the subprocess; its peak RSS is GNU time's %M (the largest
single process: the main one, not the sum with its workers). Run order: F, then scenarios
8, 9 (each in a cache of its own), 1, 2, 5, 6, 7, 4, 3 (3 last: its fake clock leaves the
cache dated in the future), each
seeing what the earlier ones left in its cache, as a user's day would. The tree AFTER runs
from may be edited meanwhile (a change to any module makes every cache that of other code):
a binary whose code changes leaves the run, its times of that run are set aside, and the run
is made again for it alone; --freeze runs AFTER from a copy of its package made at the start.
--million measures only 1, 2 and `overdue --format json` for a new date (AFTER only) on
bench/data/million (330,000 tasks, 670,000 reports: generated when missing).

Prints machine, load average (start and end: the machine is shared), a Markdown table with
each time's ratio to F and the goals of issue 13 with pass/fail for AFTER. Exit 0, or 1 when
a command failed (the first lines of its output are printed). See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.machinery
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from validate import (  # bench/ is not a package: found through sys.path
    BENCH,
    Samples,
    census,
    child_env,
    compiled,
    describe,
    ensure_data,
    find_cdsctl,
    machine,
    note,
    parse_all,
    timed,
)

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
FAKETIME = "/usr/bin/faketime"
RSS_MARK = "cdsctl-bench-peak-rss-kb "  # GNU time's line on stderr: this, then %M
FIRST_AS_OF = date(2024, 12, 31)  # nothing in gen.py's records is dated later
RACY = 2.1  # seconds: cdsctl does not trust a cache written < 2 s after a file's mtime
ANSWER_DATES = 16  # scenario 7: dates asked before the timed one
RETRIES = 2  # a run again for a binary whose code changed meanwhile (the tree is shared)
MILLION = (330_000, 670_000)  # tasks, reports: ≈ 1,000,000 record files

# --- the rows ---------------------------------------------------------------------------------

QUERIES = {  # row → the command's arguments after `cdsctl`
    "q-overdue-json": ["overdue", "--format", "json"],
    "q-overdue-table": ["overdue"],
    "q-tasks-json": ["tasks", "--format", "json"],
    "q-tasks-table": ["tasks"],
    "q-due-json": ["due", "--format", "json"],
    "q-stats": ["stats"],
    "q-indicators": ["indicators"],
}
#: the queries run right after each other (the second while the first's child keeps its snapshot)
BACK_TO_BACK = ("q-overdue-json", "q-overdue-table")
TABLE_OF = {"q-overdue-table": "q-overdue-json", "q-tasks-table": "q-tasks-json"}
SIZES = ("answers-size", "answers-stored")  # rows in MB, not seconds
ROWS = {  # in the table's order
    "cold": "1. `validate`, cold (empty cache)",
    "warm": "2. `validate`, warm (same cache, same day)",
    "newday-ctl": "3. (control) `validate` warm under `faketime` at the real now",
    "newday": "3. first `validate` of a new day (records unchanged)",
    "edit": "4. `validate` after one edited file",
    "edit-query": "4. `overdue --format json`, new date, the first query after the edit",
    "q-overdue-json": "5. `overdue --format json`, new date (the first query after `validate`)",
    "q-overdue-table": "5. `overdue` (text table), new date, right after the first",
    "q-tasks-json": "5. `tasks --format json`, new date",
    "q-tasks-table": "5. `tasks` (text table), new date",
    "q-due-json": "5. `due --format json`, new date",
    "q-stats": "5. `stats`, new date",
    "q-indicators": "5. `indicators`, new date",
    "q-overdue-same": "5. `overdue --format json`, same date again (stored answer)",
    "show": "6. `show ID`, new date",
    "answers-size": f"7. cache folder after {ANSWER_DATES} dates of `overdue --format json` (MB)",
    "answers-stored": "7. … of which stored answers (MB)",
    "answers-17": f"7. `overdue --format json`, {ANSWER_DATES + 1}th new date",
    "coldquery": "8. `overdue --format json` with no validation kept (a first run, a new cdsctl)",
    "rightafter": "9. `overdue --format json` started right after a cold `validate` ends",
    "cold-after": "1b. (background) the child a cold `validate` leaves: its time, its peak RSS",
}
SCENARIOS = ("cold", "warm", "newday", "edit", "queries", "show", "answers", "coldquery",
             "rightafter")  # 1..9 # fmt: skip
RUN_ORDER = ("coldquery", "rightafter", "cold", "warm", "queries", "show", "answers", "edit",
             "newday")  # fmt: skip


@dataclass(frozen=True)
class Goals:
    name: str
    ratios: dict[str, float]  # row → at most this × F
    rss_mb: float | None = None  # every row's peak RSS
    table_vs_json: float | None = None  # a text table at most this × its JSON


NEW_DATE = (*QUERIES, "answers-17", "edit-query", "rightafter")  # any query for a new date
GOALS_100K = Goals(
    "issue 13 at 100,000 tasks",
    {"cold": 0.25, "newday": 0.05, "edit": 0.03, "show": 0.01} | dict.fromkeys(NEW_DATE, 0.05),
    rss_mb=400,
    table_vs_json=1.3,
)
GOALS_10K = Goals(
    "issue 13 at 10,000 tasks",
    {"cold": 0.35, "warm": 0.1, "show": 0.1} | dict.fromkeys(NEW_DATE, 0.1),
    rss_mb=120,
)
NO_GOALS = Goals("none (issue 13 sets none at this size)", {})


# --- running cdsctl ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Binary:
    name: str  # before / after
    exe: str
    package: Path | None  # the cdsctl package it runs

    def code(self) -> str:
        """A digest of the path, size and mtime of every module, as cdsctl's cache
        fingerprint has: someone else's edit (the tree is shared) changes it, and with it
        makes every cache of this binary that of other code."""
        if self.package is None:
            return ""
        h = hashlib.blake2b(digest_size=8)
        for path in sorted(self.package.rglob("*.py")):
            st = path.stat()
            h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode())
        return h.hexdigest()


def frozen(b: Binary, folder: Path) -> Binary:
    """`b` running from a copy of its package made now, in `folder`: the same interpreter and
    entry point, and code no one edits during the run (the tree is shared). The bytecode is
    copied with the modules (their mtimes kept) and compiled where stale."""
    assert b.package is not None
    with open(b.exe, "rb") as f:
        python = f.readline().decode().removeprefix("#!").strip()
    copy = folder / "cdsctl"
    shutil.copytree(b.package, copy)
    subprocess.run([python, "-m", "compileall", "-q", str(copy)], check=True)
    script = folder / "cdsctl-frozen"
    script.write_text(
        f"#!{python}\nimport sys\nsys.path.insert(0, {str(folder)!r})\n"
        "from cdsctl.__main__ import main\n"
        "if __name__ == '__main__':\n    sys.exit(main())\n"
    )
    script.chmod(0o755)
    return Binary(b.name, str(script), copy)


def package_of(exe: str) -> Path | None:
    """The folder of the cdsctl package that `exe` (a console script) imports."""
    with open(exe, "rb") as f:
        python = f.readline().decode().removeprefix("#!").strip()
    probe = "import cdsctl, pathlib; print(pathlib.Path(cdsctl.__file__).parent)"
    found = subprocess.run(  # (from /: not the cdsctl of the current folder)
        [python, "-c", probe], capture_output=True, text=True, check=False, cwd="/"
    )
    return Path(found.stdout.strip()) if found.returncode == 0 else None


def build_of(package: Path | None) -> str:
    """Whether a package runs compiled modules (setup.py's Cython build) or Python alone."""
    suffixes = importlib.machinery.EXTENSION_SUFFIXES  # (`.so` among them: a set of files)
    found = {p for s in suffixes for p in package.rglob(f"*{s}")} if package is not None else ()
    return f"{len(found)} modules compiled" if found else "pure Python"


@dataclass(frozen=True)
class Run:
    seconds: float
    code: int
    rss_mb: float | None
    err: str


class Failed(Exception):
    def __init__(self, what: str, cmd: Sequence[str], run: Run) -> None:
        super().__init__(what)
        self.what, self.cmd, self.run = what, list(cmd), run


def spawn(
    cmd: Sequence[str], cache: Path | None, out: Path | None = None, day: str | None = None
) -> Run:
    """Run `cmd` (stdout to `out`, else /dev/null): its wall time and peak RSS.

    GNU time forks the command from a small process; a child of this script would report
    this script's own peak when larger (Python spawns with vfork). With `day`, the command
    runs under `faketime DAY` (which leaves file times real here). FAKETIME_DONT_FAKE_MONOTONIC
    is not set: with it, `validate` at 10,000 tasks took 0.5–4.7 s instead of 0.3–0.5 s."""
    env = child_env(cache)
    if day is not None:
        cmd = [FAKETIME, day, *cmd]
    prefix = [GNU_TIME, "-f", RSS_MARK + "%M"] if GNU_TIME else []
    with open(out or os.devnull, "wb") as stdout:
        start = time.perf_counter()
        proc = subprocess.run([*prefix, *cmd], env=env, stdout=stdout, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - start
    lines = proc.stderr.decode("utf-8", "replace").splitlines()
    peaks = [line for line in lines if line.startswith(RSS_MARK)]
    kb = peaks[-1].removeprefix(RSS_MARK).strip() if peaks else ""
    rss = int(kb) / 1024 if kb.isdigit() else None
    err = "\n".join(line for line in lines if not line.startswith(RSS_MARK))
    return Run(seconds, proc.returncode, rss, err)


def rows_in(path: Path, json_output: bool) -> int:
    """Rows of an output: a JSON list's length, or a text table's lines with a column rule."""
    with open(path, "rb") as f:
        if json_output:
            return len(json.load(f))
        return sum(1 for line in f.read().decode("utf-8", "replace").splitlines() if "│" in line)


def folder_mb(folder: Path) -> tuple[float, float]:
    """The sum of the sizes of the files below `folder`, and of those holding stored answers
    (`queries`, `answer.*`), in MB."""
    total = answers = 0
    for here, _, names in os.walk(folder):
        for name in names:
            size = os.path.getsize(os.path.join(here, name))
            total += size
            if name == "queries" or name.startswith("answer."):
                answers += size
    return total / 1e6, answers / 1e6


# --- the records: which file to edit, which task to show ----------------------------------------


def first_file(folder: Path) -> Path:
    """The first `.yaml` file in name order, going down the first folders."""
    while True:
        entries = sorted(folder.iterdir())
        files = [p for p in entries if p.suffix == ".yaml" and p.is_file()]
        if files:
            return files[0]
        folder = next(p for p in entries if p.is_dir() and not p.name.startswith((".", "_")))


def task_with_reports(data: Path) -> str:
    """The first task named by a report (`- task: ID`), reports in name order."""
    for here, subfolders, names in os.walk(data / "reports"):
        subfolders.sort()
        for name in sorted(names):
            for line in Path(here, name).read_text(encoding="utf-8").splitlines():
                key, _, value = line.strip().removeprefix("- ").partition(":")
                if key == "task" and value.strip():
                    return value.strip()
    raise SystemExit(f"no report in {data / 'reports'} names a task")


@dataclass
class Edit:
    """Scenario 4's file: its original bytes, put back at the end of the whole bench."""

    path: Path
    original: bytes
    count: int = 0
    at: float = 0.0  # time.time() of the last edit

    def append(self) -> None:
        self.count += 1
        with open(self.path, "ab") as f:
            f.write(f"# edited {self.count}\n".encode())
        self.at = time.time()

    def restore(self) -> None:
        if self.count:
            self.path.write_bytes(self.original)


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Cache:
    folder: Path
    validated: bool = False  # a `validate` ran in it since the records last changed
    code: str = ""  # the binary's code when it did


@dataclass
class Bench:
    data: Path
    binaries: list[Binary]
    scratch: Path
    edit: Edit
    show_id: str
    queries: tuple[str, ...] = tuple(QUERIES)
    same_date: bool = True
    samples: Samples = field(default_factory=Samples)  # row@binary → seconds
    set_aside: Samples = field(default_factory=Samples)  # the same, the code changed meanwhile
    rss: dict[str, list[float]] = field(default_factory=dict)  # row@binary → MB
    rss_aside: dict[str, list[float]] = field(default_factory=dict)
    kept: dict[str, list[tuple[str, float, float | None]]] = field(default_factory=dict)
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)  # row@binary → as of, rows
    sizes: dict[str, float] = field(default_factory=dict)  # row@binary → MB, the last run's
    dates: dict[str, str] = field(default_factory=dict)  # row → as-of dates, every run
    loads: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # code changes noticed
    caches: dict[str, Cache] = field(default_factory=dict)
    order: list[Binary] = field(default_factory=list)
    stale: set[str] = field(default_factory=set)  # binaries whose code changed in this run
    days_back: Iterator[int] = field(default_factory=itertools.count)
    new_days: Iterator[int] = field(default_factory=itertools.count)
    folders: Iterator[int] = field(default_factory=itertools.count)
    chosen: Sequence[str] = ()  # the scenarios of this run

    # -- helpers --

    def new_date(self, row: str | None) -> str:
        """An as-of date never asked before (recorded under `row` when given)."""
        day = (FIRST_AS_OF - timedelta(days=next(self.days_back))).isoformat()
        if row is not None:
            self.note_date(row, day)
        return day

    def note_date(self, row: str, day: str) -> None:
        self.dates[row] = f"{self.dates[row]}, {day}" if row in self.dates else day

    def new_cache(self, b: Binary) -> Cache:
        folder = self.scratch / f"cache-{next(self.folders)}-{b.name}"
        folder.mkdir()
        self.caches[b.name] = Cache(folder)
        return self.caches[b.name]

    def cdsctl(
        self,
        b: Binary,
        args: Sequence[str],
        row: str | None = None,
        out: Path | None = None,
        day: str | None = None,
    ) -> Run:
        """`cdsctl ARGS --records DATA` in b's cache; timed under `row` when given. When b's
        code changed since its cache was validated or during the command, the time is set
        aside and b's run stops (its cache is that of other code): b's day is run again."""
        cache = self.caches[b.name]
        code = b.code()
        cmd = [b.exe, *args, "--records", str(self.data)]
        quiet([o.exe for o in self.binaries if o.name != b.name])
        result = spawn(cmd, cache.folder, out, day)
        what = f"{b.name}: {row or 'untimed'}"
        note(f"  {what}: {result.seconds:.3f} s, {result.rss_mb or 0:.0f} MB, exit {result.code}")
        if result.code != 0:
            raise Failed(what, cmd, result)
        if row is not None:
            key = f"{row}@{b.name}"
            stale = b.name in self.stale or code != cache.code or b.code() != code
            self.keep(key, result.seconds, result.rss_mb, aside=stale)
            if not stale:  # (until b's run is found stale: see `run`)
                self.kept.setdefault(b.name, []).append((key, result.seconds, result.rss_mb))
            if stale:
                self.events.append(f"{b.name}'s code changed: {row} set aside")
                note(f"  {b.name}'s code changed: this time is set aside, the run stops")
                self.stale.add(b.name)
        return result

    def keep(self, key: str, seconds: float, rss_mb: float | None, aside: bool) -> None:
        samples, rss = (self.set_aside, self.rss_aside) if aside else (self.samples, self.rss)
        samples.add(key, seconds)
        if rss_mb is not None:
            rss.setdefault(key, []).append(rss_mb)

    def set_run_aside(self, b: Binary) -> None:
        """b's times of this run so far, set aside: they are of code b no longer has."""
        for key, seconds, rss_mb in self.kept.pop(b.name, []):
            self.samples.times[key].remove(seconds)
            if not self.samples.times[key]:
                del self.samples.times[key]
            if rss_mb is not None:
                self.rss[key].remove(rss_mb)
                if not self.rss[key]:
                    del self.rss[key]
            self.keep(key, seconds, rss_mb, aside=True)

    def live(self, binaries: list[Binary]) -> list[Binary]:
        return [b for b in binaries if b.name not in self.stale]

    def ready(self, b: Binary) -> bool:
        """A `validate` (not timed) unless one ran in b's cache since the records changed;
        after an edit, once the racy window is over (as a user's next command would be).
        False, and b leaves the run, when b's code changed since its cache was validated."""
        cache = self.caches[b.name]
        if cache.code and cache.code != b.code():
            self.events.append(f"{b.name}'s code changed between two commands")
            note(f"  {b.name}'s code changed: the run stops")
            self.stale.add(b.name)
            return False
        if not cache.validated:
            time.sleep(max(0.0, self.edit.at + RACY - time.time()))
            cache.code = b.code()
            self.cdsctl(b, ["validate"])
            cache.validated = True
        return True

    # -- one run --

    def run(self, i: int, scenarios: Sequence[str]) -> None:
        self.loads.append(loadavg())
        note(f"run {i + 1}: F ... (load {self.loads[-1]})")
        self.samples.add("F", timed(lambda: parse_all(self.data)))
        note(f"  F: {self.samples.times['F'][-1]:.3f} s")
        self.order = self.binaries if i % 2 == 0 else self.binaries[::-1]
        self.kept = {}
        self.day(i, self.order, scenarios)
        for _ in range(RETRIES):
            again = [b for b in self.order if b.name in self.stale]
            if not again:
                break
            for b in again:
                self.set_run_aside(b)
            note(f"run {i + 1} again for {', '.join(b.name for b in again)}: the code changed")
            self.kept = {}
            self.day(i, again, scenarios)
        for b in self.order:
            if b.name in self.stale:  # still: what it measured is set aside (marked †)
                self.set_run_aside(b)

    def day(self, i: int, binaries: list[Binary], scenarios: Sequence[str]) -> None:
        """The scenarios in a user's order, each for every binary in turn, each binary in a
        new cache; a binary whose code changes leaves the run (`stale`)."""
        self.stale -= {b.name for b in binaries}
        self.chosen = scenarios
        for b in binaries:
            self.new_cache(b)
        for name in RUN_ORDER:
            if name in scenarios and self.live(binaries):
                note(f"run {i + 1}: {name} ({', '.join(b.name for b in self.live(binaries))})")
                getattr(self, f"scenario_{name}")(binaries)

    def scenario_coldquery(self, binaries: list[Binary]) -> None:
        day = self.new_date("coldquery")
        for b in self.live(binaries):
            self.new_cache(b).code = b.code()
            out = self.scratch / f"{b.name}-coldquery.out"
            self.cdsctl(b, [*QUERIES["q-overdue-json"], "--as-of", day], "coldquery", out)
            self.rows[f"coldquery@{b.name}"] = day, rows_in(out, True)
            quiet([b.exe])  # (its child keeping the snapshot: not beside the next command)
            self.new_cache(b)  # (the other scenarios begin with an empty cache, as ever)

    def scenario_rightafter(self, binaries: list[Binary]) -> None:
        """A query started as soon as a cold `validate` has answered, as a script runs them:
        what the child `validate` leaves behind has not kept its snapshot yet."""
        day = self.new_date("rightafter")
        for b in self.live(binaries):
            self.new_cache(b).code = b.code()
            self.cdsctl(b, ["validate"])
            out = self.scratch / f"{b.name}-rightafter.out"
            self.cdsctl(b, [*QUERIES["q-overdue-json"], "--as-of", day], "rightafter", out)
            self.rows[f"rightafter@{b.name}"] = day, rows_in(out, True)
            quiet([b.exe])
            self.new_cache(b)

    def scenario_cold(self, binaries: list[Binary]) -> None:
        for b in self.live(binaries):
            cache = self.caches[b.name]
            cache.code = b.code()
            self.cdsctl(b, ["validate"], "cold")
            cache.validated = True
            seconds, rss_mb = background(b.exe)  # (the next command starts once it is done)
            if seconds is not None:
                self.keep(f"cold-after@{b.name}", seconds, rss_mb, aside=b.name in self.stale)

    def scenario_warm(self, binaries: list[Binary]) -> None:
        for b in self.live(binaries):
            if not self.ready(b):
                continue
            self.cdsctl(b, ["validate"], "warm")

    def scenario_queries(self, binaries: list[Binary]) -> None:
        days = {row: self.new_date(row) for row in self.queries}
        first = days[self.queries[0]] if self.queries else ""
        # the first two right after each other, as a user's script runs them: the second
        # starts while the first one's child keeps the snapshot (then the other install's)
        pair = list(BACK_TO_BACK) if self.queries[:2] == BACK_TO_BACK else []
        steps = [[(row, b) for b in binaries for row in pair]]
        steps += [[(row, b) for b in binaries] for row in self.queries[len(pair) :]]
        for step in steps:
            for row, b in step:
                if b not in self.live(binaries) or not self.ready(b):
                    continue
                out = self.scratch / f"{b.name}-{row}.out"
                self.cdsctl(b, [*QUERIES[row], "--as-of", days[row]], row, out)
                self.rows[f"{row}@{b.name}"] = days[row], rows_in(out, "json" in QUERIES[row])
        if self.same_date and self.queries[0] == "q-overdue-json":
            row = "q-overdue-same"
            self.note_date(row, first)
            for b in self.live(binaries):
                out = self.scratch / f"{b.name}-{row}.out"
                self.cdsctl(b, [*QUERIES["q-overdue-json"], "--as-of", first], row, out)
                self.rows[f"{row}@{b.name}"] = first, rows_in(out, True)

    def scenario_show(self, binaries: list[Binary]) -> None:
        day = self.new_date("show")
        for b in self.live(binaries):
            if not self.ready(b):
                continue
            self.cdsctl(b, ["show", self.show_id, "--as-of", day], "show", self.scratch / "show")

    def scenario_answers(self, binaries: list[Binary]) -> None:
        days = [self.new_date(None) for _ in range(ANSWER_DATES + 1)]
        self.note_date("answers", f"{days[0]} … {days[-2]}, then {days[-1]}")
        overdue = QUERIES["q-overdue-json"]
        for b in self.live(binaries):
            if not self.ready(b):
                continue
            out = self.scratch / f"{b.name}-answers.out"
            for day in days[:-1]:
                self.cdsctl(b, [*overdue, "--as-of", day], out=out)
            total, stored = folder_mb(self.caches[b.name].folder)
            self.sizes[f"answers-size@{b.name}"] = total
            self.sizes[f"answers-stored@{b.name}"] = stored
            self.cdsctl(b, [*overdue, "--as-of", days[-1]], "answers-17", out)

    def scenario_edit(self, binaries: list[Binary]) -> None:
        for b in self.live(binaries):
            if not self.ready(b):
                continue
            # The second install's `validate` of the first one's edit has just run: its work
            # after the output (the account) is done before the edit, as for the first one
            # (else the timed run waited for it, and the query after found the file it
            # edited twice in two seconds: 710 MB and 4-5 s, whichever install came second)
            quiet([b.exe])
            self.edit.append()  # then validate at once, as a user does
            for cache in self.caches.values():
                cache.validated = False
            self.cdsctl(b, ["validate"], "edit")
            if "queries" in self.chosen:  # a snapshot was kept before the edit: patched
                day = self.new_date("edit-query")
                out = self.scratch / f"{b.name}-edit-query.out"
                self.cdsctl(b, [*QUERIES["q-overdue-json"], "--as-of", day], "edit-query", out)
                self.rows[f"edit-query@{b.name}"] = day, rows_in(out, True)

    def scenario_newday(self, binaries: list[Binary]) -> None:
        # Days after the real today: cdsctl compares the time its cache was written (faked)
        # with the files' mtimes (real); a day before them would make every file look new.
        day = date.today() + timedelta(days=7 + 2 * next(self.new_days))
        self.note_date("newday", f"{day} then {day + timedelta(days=1)}")
        for b in self.live(binaries):
            if not self.ready(b):
                continue
            now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")  # the same day: what faketime costs
            self.cdsctl(b, ["validate"], "newday-ctl", day=now)
            if b.name in self.stale:
                continue
            self.cdsctl(b, ["validate"], day=day.isoformat())
            self.cdsctl(b, ["validate"], "newday", day=(day + timedelta(days=1)).isoformat())
            self.caches[b.name].validated = False  # dated in the future from now on


def running(exes: Sequence[str]) -> list[str]:
    """The processes (pids) that run one of these cdsctl installs: the program, or a child
    it forked or started again (cdsctl.snapshot.keeper: `python [flags] cdsctl …`)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                argv = handle.read().split(b"\0")
        except OSError:
            continue
        script = next((a for a in argv[1:] if not a.startswith(b"-")), b"")  # (after flags)
        if any(os.fsencode(exe) in (argv[0], script) for exe in exes):  # (not `--before X`)
            found.append(entry.name)
    return found


def alive(pid: str) -> bool:
    """Whether process `pid` still runs (not gone, not a zombie)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def settle(exes: Sequence[str], timeout: float, step: float,
           each: Callable[[list[str]], None] | None = None) -> float | None:  # fmt: skip
    """Wait until no process of these installs runs (:func:`running`), or `timeout`: the
    seconds until then (None: none ran). A process is followed by its pid once seen: one
    that becomes cdsctl again (os.execv, cdsctl.snapshot.keeper) has no command line for an
    instant, and a look then would find none running. `each(pids)`: called at each look."""
    start, seen, last = time.perf_counter(), set(), None
    while time.perf_counter() - start < timeout:
        seen |= set(running(exes))
        pids = sorted(p for p in seen if alive(p))
        if not pids:
            break
        last = time.perf_counter() - start
        if each is not None:
            each(pids)
        time.sleep(step)
    return last


def background(exe: str, timeout: float = 300.0) -> tuple[float | None, float | None]:
    """How long the processes a command of `exe` left behind run once it has answered, and
    the largest peak RSS among them (VmHWM: a fork's counts what it shares with its parent,
    as GNU time's %M does; a program it became by exec counts from its start). (None, None)
    when it left none."""
    peak_kb = 0

    def look(pids: list[str]) -> None:
        nonlocal peak_kb
        for pid in pids:
            try:
                with open(f"/proc/{pid}/status") as handle:
                    for line in handle:
                        if line.startswith("VmHWM:"):
                            peak_kb = max(peak_kb, int(line.split()[1]))
            except (OSError, ValueError):
                continue

    seconds = settle([exe], timeout, 0.02, look)
    return seconds, (peak_kb / 1024 if seconds is not None else None)


def quiet(exes: Sequence[str], timeout: float = 120.0) -> None:
    """Wait until no process of these cdsctl installs runs: the child one leaves behind to
    keep its cache after the output (cdsctl.cli.process.in_background) would otherwise
    share the two cores with the other install's command being timed."""
    settle(exes, timeout, 0.1)


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- reporting --------------------------------------------------------------------------------


def best(bench: Bench, key: str) -> tuple[float | None, float | None, str]:
    """The best time and the peak RSS of a row@binary, from the samples kept, else from those
    set aside (marked †: the binary's code changed meanwhile)."""
    if key in bench.samples.times:
        return bench.samples.best(key), peak(bench.rss, key), ""
    return bench.set_aside.best(key), peak(bench.rss_aside, key), "†"


def peak(rss: dict[str, list[float]], key: str) -> float | None:
    return max(rss[key]) if key in rss else None


def cell_time(bench: Bench, key: str, floor: float) -> tuple[str, str, str]:
    secs, rss, mark = best(bench, key)
    if secs is None:
        return "—", "—", "—"
    peak = "—" if rss is None else f"{rss:.0f}"
    return f"{secs:.3f}{mark}", f"{secs / floor:.3f}{mark}", peak


def goal_cells(bench: Bench, row: str, goals: Goals, floor: float) -> tuple[str, str]:
    """The goal's text, and AFTER's result ('' when the row has no goal or no AFTER time)."""
    parts: list[str] = []
    checks: list[bool] = []
    after, after_rss, mark = best(bench, f"{row}@after")
    if row in goals.ratios:
        parts.append(f"≤ {goals.ratios[row]:g} × F")
        if after is not None:
            checks.append(after <= goals.ratios[row] * floor)
    if goals.table_vs_json and row in TABLE_OF:
        ratios = []
        for name in ("before", "after"):
            table, js = best(bench, f"{row}@{name}")[0], best(bench, f"{TABLE_OF[row]}@{name}")[0]
            if table is not None and js is not None:
                ratios.append(f"{name} {table / js:.2f}")
                if name == "after":
                    checks.append(table <= goals.table_vs_json * js)
        parts.append(f"≤ {goals.table_vs_json:g} × its JSON ({', '.join(ratios)})")
    if goals.rss_mb is not None:
        parts.append(f"RSS ≤ {goals.rss_mb:g} MB")
        if after_rss is not None:
            checks.append(after_rss <= goals.rss_mb)
    if not parts:
        return "—", ""
    if after is None:
        return "; ".join(parts), ""
    return "; ".join(parts), ("pass" if all(checks) else "**FAIL**") + mark


def table(bench: Bench, goals: Goals) -> list[str]:
    floor = bench.samples.best("F") or float("nan")
    lines = [
        "| scenario | before s | before × F | before RSS MB | after s | after × F "
        "| after RSS MB | goal | after |",
        "|---|--:|--:|--:|--:|--:|--:|---|---|",
        f"| F: `yaml.CSafeLoader`, every record file (floor) | {floor:.3f} | 1.000 | | "
        f"{floor:.3f} | 1.000 | | | |",
    ]
    for row, label in ROWS.items():
        keys = [f"{row}@before", f"{row}@after"]
        if row in SIZES:
            if not any(k in bench.sizes for k in keys):
                continue
            size = [f"{bench.sizes[k]:.1f} MB" if k in bench.sizes else "—" for k in keys]
            lines.append(f"| {label} | {size[0]} | | | {size[1]} | | | — | |")
            continue
        if not any(k in bench.samples.times or k in bench.set_aside.times for k in keys):
            continue
        cells = [c for k in keys for c in cell_time(bench, k, floor)]
        goal, result = goal_cells(bench, row, goals, floor)
        lines.append(f"| {label} | {' | '.join(cells)} | {goal} | {result} |")
    return lines


def rows_lines(bench: Bench) -> list[str]:
    """Rows in each query's output, per binary with its as-of date (the last run's); the same
    date with other counts is flagged."""
    out = []
    for row in (*QUERIES, "q-overdue-same"):
        found = {
            n: bench.rows[f"{row}@{n}"] for n in ("before", "after") if f"{row}@{n}" in bench.rows
        }
        if not found:
            continue
        what = "rows" if "json" in row or row == "q-overdue-same" else "table lines with `│`"
        said = ", ".join(f"{n} {count:,} (as of {day})" for n, (day, count) in found.items())
        days, counts = {d for d, _ in found.values()}, {c for _, c in found.values()}
        differ = " **(differ)**" if len(days) == 1 and len(counts) > 1 else ""
        out.append(f"  - {ROWS[row][3:]}: {what}: {said}{differ}")
    return out


def print_report(
    bench: Bench,
    goals: Goals,
    records: tuple[Counter[str], int],
    versions: dict[str, str],
    load_end: str,
) -> None:
    f_only = Samples({"F": bench.samples.times.get("F", [])})
    lines = table(bench, goals)
    print("## cdsctl at scale: before and after (issue 13)\n")
    dates = "; ".join(f"{k}: {v}" for k, v in bench.dates.items())
    print(
        "\n".join(
            [
                *machine(),
                *(f"- {name}: {v}" for name, v in versions.items()),
                *describe(bench.data, *records, f_only),
                f"- load average (1, 5, 15 min) at the start of each run: "
                f"{' | '.join(bench.loads)}; at the end: {load_end} (a shared machine: other "
                "work was running)",
                f"- goals: {goals.name}; times best of the runs, ratios best time / best F, "
                "RSS the largest of the runs",
                *(
                    [
                        f"- scenario 4 edited {bench.edit.path.relative_to(bench.data)} "
                        f"{bench.edit.count} times (restored at the end)"
                    ]
                    if bench.edit.count
                    else []
                ),
                *([f"- scenario 6 shows {bench.show_id}"] if "show" in bench.dates else []),
                f"- as-of dates: {dates or '—'}",
                "- rows in the outputs (the last run's):",
                *rows_lines(bench),
                f"- code changes noticed (the tree is shared: a binary whose code changed leaves "
                f"the run, made again for it alone, up to {RETRIES} times): "
                f"{'; '.join(bench.events) or 'none'}",
                *(
                    ["- †: only a time set aside (the code changed during it) was left"]
                    if any("†" in line for line in lines)
                    else []
                ),
                "",
                *lines,
            ]
        )
    )


# --- command line -----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=100000, help="tasks (default 100000)")
    p.add_argument("--reports", type=int, default=200000, help="reports (default 200000)")
    p.add_argument(
        "--data",
        type=Path,
        help="records root (default: bench/data/overdue-, tw- or scale-TASKS when its "
        ".gen.json matches, else bench/data/scale-TASKS, generated)",
    )
    p.add_argument("--before", help="the cdsctl of the code before the change (optional)")
    p.add_argument("--after", help="the cdsctl measured as AFTER (default: next to python)")
    p.add_argument(
        "--freeze",
        action="store_true",
        help="run AFTER from a copy of its package made at the start (for a tree others edit "
        "meanwhile: each edit makes every cache that of other code)",
    )
    p.add_argument("--repeat", type=int, default=1, help="runs; the best counts (default 1)")
    p.add_argument(
        "--only",
        help="scenarios, comma-separated, by name or number: "
        + ", ".join(f"{i}={n}" for i, n in enumerate(SCENARIOS, 1)),
    )
    p.add_argument(
        "--million",
        action="store_true",
        help="bench/data/million (330,000 tasks, 670,000 reports): validate cold and warm, "
        "overdue --format json for a new date; AFTER only",
    )
    return p.parse_args(argv)


def default_data(tasks: int, reports: int) -> Path:
    for prefix in ("overdue", "tw", "scale"):
        folder = BENCH / "data" / f"{prefix}-{tasks}"
        stamp = folder / ".gen.json"
        if stamp.is_file():
            made = json.loads(stamp.read_text())
            if (made.get("tasks"), made.get("reports"), made.get("seed")) == (tasks, reports, 1):
                return folder
    suffix = "" if reports == 2 * tasks else f"-{reports}"
    return BENCH / "data" / f"scale-{tasks}{suffix}"


def chosen(only: str | None) -> list[str]:
    if not only:
        return list(SCENARIOS)
    names = []
    for word in only.split(","):
        word = word.strip()
        name = SCENARIOS[int(word) - 1] if word.isdigit() else word
        if name not in SCENARIOS:
            raise SystemExit(f"--only: unknown scenario {word!r} (choose from {SCENARIOS})")
        names.append(name)
    return names


def version(exe: str) -> str:
    found = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return found.stdout.strip() or "?"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not getattr(yaml, "__with_libyaml__", False):
        note("PyYAML here has no libyaml: F needs yaml.CSafeLoader")
        return 2
    after = args.after or find_cdsctl()
    if after is None:
        note("cdsctl not found next to this Python nor on PATH")
        return 2
    binaries = [Binary("after", after, package_of(after))]
    if args.before and not args.million:
        binaries.insert(0, Binary("before", args.before, package_of(args.before)))
    tasks, reports = MILLION if args.million else (args.tasks, args.reports)
    data = args.data or (BENCH / "data" / "million" if args.million else None)
    data = (data or default_data(tasks, reports)).resolve()
    if not ensure_data(data, tasks, reports):
        return 2
    scenarios = ["cold", "warm", "queries"] if args.million else chosen(args.only)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the edit is undone
    note(f"census of {data} (also warms the page cache) ...")
    records = census(data)
    files = sum(records[0].values())
    goals = NO_GOALS if files >= 600_000 else GOALS_100K if files >= 150_000 else GOALS_10K
    task_file = first_file(data / "tasks")
    versions = {b.name: f"{version(b.exe)} ({b.exe}; package {b.package}, {build_of(b.package)})"
                for b in binaries}  # fmt: skip
    load_start = loadavg()
    note(f"load average {load_start}; measuring {', '.join(versions)} on {files:,} files")
    failure: Failed | None = None
    with tempfile.TemporaryDirectory(prefix="cdsctl-scale-") as tmp:
        if args.freeze and binaries[-1].package is not None:
            (Path(tmp) / "after-code").mkdir()
            binaries[-1] = frozen(binaries[-1], Path(tmp) / "after-code")
            versions["after"] += f", run from a copy made at the start: {binaries[-1].exe}"
        for b in binaries:
            if b.package is not None:
                compiled(b.package)
        bench = Bench(
            data,
            binaries,
            Path(tmp),
            Edit(task_file, task_file.read_bytes()),
            task_with_reports(data),
        )
        if args.million:
            bench.queries, bench.same_date = ("q-overdue-json",), False
        try:
            for i in range(max(1, args.repeat)):
                bench.run(i, scenarios)
        except Failed as failed:
            failure = failed
        finally:
            bench.edit.restore()
            quiet([b.exe for b in binaries])  # (a child still keeping a cache writes into tmp)
        # Cache folders go only now: on ext4, creating files soon after deleting many is
        # much slower (see bench/validate.py), which would distort the next cold run.
    print_report(bench, goals, records, versions, loadavg())
    if failure is not None:
        run = failure.run
        head = run.err.splitlines()[:20]
        print(f"\n{failure.what}: `{' '.join(failure.cmd)}` exited {run.code}; first lines:\n")
        print("\n".join(["```", *head, "```"]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
