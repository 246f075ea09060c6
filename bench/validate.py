#!/usr/bin/env python3
"""Time `cdsctl validate` (or `cdsctl overdue`) against PyYAML's C loader on the same records.

    python bench/validate.py [--tasks 20000] [--reports 0] [--repeat 3] [--data DIR]
    python bench/validate.py --overdue [--tasks 100000] [--reports 200000] [--repeat 3]
    python bench/validate.py --render [--tasks 100000] [--reports 200000] [--repeat 3]

Generates the records with bench/gen.py when DIR holds none, then measures, best of --repeat:
R (read every record file), F (parse every record file with yaml.CSafeLoader, the floor),
cold and warm runs of cdsctl with a fresh / reused CDSCTL_CACHE_DIR, and `cdsctl --version`.
--render times `cdsctl render summary` with the records unchanged since the last validate:
`validate` runs first (not timed), then the first render (cold for rendering: task states,
scorecard and indicators computed) and the same render again.
Prints a Markdown table with each time's ratio to F. Exit 0: every target met; 1: a target
missed or cdsctl failed; 2: cdsctl not found. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
SUFFIXES = (".yaml", ".yml", ".md")
AS_OF = "2024-12-31"
VERSION_TARGET = 0.25  # seconds, absolute


@dataclass(frozen=True)
class Mode:
    name: str
    tasks: int  # default data size
    reports: int
    cold: float  # target, as a ratio to F
    warm: float

    def command(self, exe: str, data: Path) -> list[str]:
        if self.name == "overdue":
            return [exe, "overdue", "--records", str(data), "--as-of", AS_OF, "--format", "json"]
        if self.name == "render":
            return [exe, "render", "summary", "--records", str(data), "--as-of", AS_OF]
        return [exe, "validate", "--records", str(data)]


MODES = {
    "validate": Mode("validate", 20000, 0, 0.5, 0.1),
    "overdue": Mode("overdue", 100000, 200000, 0.6, 0.1),
    # the summary document, with the records unchanged since the last validate (issue 9)
    "render": Mode("render", 100000, 200000, 0.2, 0.2),
}


# --- the records ------------------------------------------------------------------------------


def record_files(root: Path) -> list[str]:
    """Every record file below root, by the rules of records.md section 1."""
    found: list[str] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith((".", "_"))]
        found += [
            os.path.join(folder, n) for n in names if n.endswith(SUFFIXES) and n != "README.md"
        ]
    return found


def front_matter(text: str) -> str:
    """The YAML between a first line `---` and the next line `---` ('' if there is none)."""
    lines = text.split("\n")
    if lines[0].rstrip("\r") != "---":
        return ""
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r") == "---":
            return "\n".join(lines[1:i])
    return ""


def read_all(root: Path) -> int:
    """R: find and read the bytes of every record file."""
    total = 0
    for path in record_files(root):
        with open(path, "rb") as f:
            total += len(f.read())
    return total


def parse_all(root: Path) -> int:
    """F: find, read, decode and parse every record file with PyYAML's C loader."""
    files = record_files(root)
    for path in files:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        if path.endswith(".md"):
            text = front_matter(text)
        yaml.load(text, Loader=yaml.CSafeLoader)
    return len(files)


def census(root: Path) -> tuple[Counter[str], int]:
    """Record files per top-level folder, and their total size (also warms the page cache)."""
    counts: Counter[str] = Counter()
    size = 0
    for path in record_files(root):
        top = Path(path).relative_to(root).parts[0]
        counts["agencies" if top == "agencies.yaml" else top] += 1
        with open(path, "rb") as f:
            size += len(f.read())
    return counts, size


def ensure_data(data: Path, tasks: int, reports: int) -> bool:
    """Generate the records with gen.py unless `data` already holds a records root."""
    if (data / "agencies.yaml").is_file():
        stamp = data / ".gen.json"
        made = json.loads(stamp.read_text()) if stamp.is_file() else {}
        if made and (made.get("tasks"), made.get("reports")) != (tasks, reports):
            note(
                f"note: {data} holds {made.get('tasks')} tasks and {made.get('reports')} "
                f"reports (not {tasks} and {reports}); using it as it is"
            )
        return True
    note(f"generating {data} ({tasks:,} tasks, {reports:,} reports) ...")
    cmd = [
        sys.executable,
        str(BENCH / "gen.py"),
        str(data),
        "--tasks",
        str(tasks),
        "--reports",
        str(reports),
    ]
    return subprocess.run(cmd, stdout=sys.stderr, check=False).returncode == 0


# --- running cdsctl ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    code: int
    output: str


def find_cdsctl() -> str | None:
    """The cdsctl next to this Python (same venv), else the one on PATH."""
    here = Path(sys.executable).parent / ("cdsctl.exe" if os.name == "nt" else "cdsctl")
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which("cdsctl")


def child_env(cache: Path | None = None) -> dict[str, str]:
    """The environment cdsctl runs in: this one, with its cache in `cache`, and the modules'
    compiled forms written and read as an installed cdsctl's are (pip compiles them at
    install).  PYTHONDONTWRITEBYTECODE, set on the development machine, made every run
    compile again the modules changed since the install: about 10 ms of each start (a query
    at 10,000 tasks takes 0.25 s)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cache is not None:
        env["CDSCTL_CACHE_DIR"] = str(cache)
    return env


def compiled(package: Path) -> None:
    """Compile every module of `package` now, as an install does (not on its first run)."""
    import compileall

    compileall.compile_dir(package, quiet=1)


def run(cmd: Sequence[str], cache: Path | None = None, keep_stdout: bool = True) -> Run:
    env = child_env(cache)
    stdout = subprocess.PIPE if keep_stdout else subprocess.DEVNULL
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    output = (proc.stdout or b"").decode(errors="replace") + proc.stderr.decode(errors="replace")
    return Run(seconds, proc.returncode, output)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Samples:
    times: dict[str, list[float]] = field(default_factory=dict)
    failure: Run | None = None  # the first cdsctl run that exited non-zero

    def add(self, name: str, seconds: float) -> None:
        self.times.setdefault(name, []).append(seconds)

    def check(self, name: str, result: Run) -> None:
        self.add(name, result.seconds)
        if result.code != 0 and self.failure is None:
            self.failure = result

    def best(self, name: str) -> float | None:
        return min(self.times[name]) if name in self.times else None


def measure(mode: Mode, data: Path, exe: str | None, repeat: int) -> Samples:
    """Interleave the measurements so that a noisy moment hurts one sample of each, not all."""
    samples = Samples()
    with tempfile.TemporaryDirectory(prefix="cdsctl-bench-") as scratch:
        for i in range(repeat):
            note(f"run {i + 1}/{repeat} ...")
            samples.add("R", timed(lambda: read_all(data)))
            samples.add("F", timed(lambda: parse_all(data)))
            if exe is not None:
                measure_cdsctl(samples, mode, data, exe, Path(scratch) / f"cache-{i}")
    return samples


def measure_cdsctl(samples: Samples, mode: Mode, data: Path, exe: str, cache: Path) -> None:
    # Cache folders are deleted only at the end: on ext4, creating files soon after deleting
    # many is much slower, which would distort the next cold run.
    cache.mkdir()
    cmd = mode.command(exe, data)
    keep = mode.name != "overdue"
    if mode.name == "render":  # the records unchanged since the last validate (not timed)
        samples.add("validate", run([exe, "validate", "--records", str(data)], cache).seconds)
    samples.check("cold", run(cmd, cache, keep_stdout=keep))
    samples.check("warm", run(cmd, cache, keep_stdout=keep))
    samples.check("version", run([exe, "--version"]))


# --- reporting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    ratio_target: float | None = None
    abs_target: float | None = None


def rows(mode: Mode) -> list[Row]:
    cmd = f"`cdsctl {mode.name}`"
    cold, warm = f"cold: {cmd}, empty cache", f"warm: {cmd}, same cache again"
    if mode.name == "render":
        cmd = "`cdsctl render summary`"
        cold, warm = f"{cmd}, first after `validate`", f"{cmd}, again"
    return [
        Row("R", "R: read every record file"),
        Row("F", "F: `yaml.CSafeLoader`, every record file (floor)"),
        Row("cold", cold, ratio_target=mode.cold),
        Row("warm", warm, ratio_target=mode.warm),
        Row("version", "`cdsctl --version`", abs_target=VERSION_TARGET),
    ]


def verdict(row: Row, secs: float, floor: float) -> tuple[str, bool]:
    if row.ratio_target is not None:
        return f"≤ {row.ratio_target:.2f} × F", secs <= row.ratio_target * floor
    if row.abs_target is not None:
        return f"≤ {row.abs_target:.2f} s", secs <= row.abs_target
    return ("floor" if row.key == "F" else "—"), True


def table(mode: Mode, samples: Samples) -> tuple[list[str], bool]:
    floor = samples.best("F") or float("nan")
    lines = ["| measurement | seconds | × F | target | result |", "|---|--:|--:|---|---|"]
    ok = True
    for row in rows(mode):
        secs = samples.best(row.key)
        if secs is None:
            lines.append(f"| {row.label} | not run | | | |")
            continue
        target, passed = verdict(row, secs, floor)
        result = "" if target in ("floor", "—") else ("pass" if passed else "**FAIL**")
        ok = ok and passed
        lines.append(f"| {row.label} | {secs:.3f} | {secs / floor:.2f} | {target} | {result} |")
    return lines, ok


def machine() -> list[str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo() if line.startswith("model name")),
        platform.processor() or "?",
    )
    libyaml = getattr(yaml, "__with_libyaml__", False)
    return [
        f"- machine: {platform.platform()}, {cpu}, nproc {len(os.sched_getaffinity(0))} "
        f"(cpu_count {os.cpu_count()})",
        f"- python: {platform.python_version()} ({sys.executable}); PyYAML {yaml.__version__}"
        f"{' with libyaml' if libyaml else ' WITHOUT libyaml'}",
    ]


def cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


def describe(data: Path, counts: Counter[str], size: int, samples: Samples) -> list[str]:
    parts = ", ".join(f"{n:,} {k}" for k, n in sorted(counts.items()))
    runs = "; ".join(f"{k} " + " ".join(f"{s:.3f}" for s in v) for k, v in samples.times.items())
    return [
        f"- records: {sum(counts.values()):,} files, {size / 1e6:.1f} MB ({parts}) in {data}",
        f"- best of {len(samples.times['F'])}; every run (s): {runs}",
    ]


def print_report(
    mode: Mode, data: Path, samples: Samples, records: tuple[Counter[str], int], exe: str | None
) -> bool:
    lines, ok = table(mode, samples)
    print(f"## cdsctl {mode.name} benchmark\n")
    print(
        "\n".join(
            [
                *machine(),
                f"- cdsctl: {exe or 'not found'}",
                *describe(data, *records, samples),
                "",
                *lines,
            ]
        )
    )
    if samples.failure is not None:
        head = samples.failure.output.splitlines()[:20]
        print(f"\n`cdsctl` exited {samples.failure.code}; its first lines:\n")
        print("\n".join(["```", *head, "```"]))
    return ok and samples.failure is None


# --- command line -----------------------------------------------------------------------------


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--render",
        action="store_true",
        help="time `cdsctl render summary` after a validate (default data as --overdue)",
    )
    p.add_argument(
        "--overdue",
        action="store_true",
        help="time `cdsctl overdue` (default data: 100,000 tasks, 200,000 reports)",
    )
    p.add_argument("--tasks", type=int, help="tasks to generate (default 20000; 100000 overdue)")
    p.add_argument("--reports", type=int, help="reports to generate (default 0; 200000 overdue)")
    p.add_argument("--repeat", type=int, default=3, help="runs; the best counts (default 3)")
    p.add_argument(
        "--data",
        type=Path,
        help="records root (default bench/data/validate-TASKS or overdue-TASKS)",
    )
    return p.parse_args(argv)


def resolve(args: argparse.Namespace) -> tuple[Mode, Path, int, int]:
    mode = MODES["render" if args.render else "overdue" if args.overdue else "validate"]
    tasks = mode.tasks if args.tasks is None else args.tasks
    reports = mode.reports if args.reports is None else args.reports
    suffix = "" if reports == mode.reports else f"-{reports}"
    folder = "overdue" if mode.name == "render" else mode.name  # (the same corpus)
    data = args.data or BENCH / "data" / f"{folder}-{tasks}{suffix}"
    return mode, data.resolve(), tasks, reports


def command_missing(mode: Mode, exe: str | None) -> bool:
    if exe is None or mode.name != "overdue":
        return False
    if run([exe, "overdue", "--help"]).code == 0:
        return False
    print("`cdsctl overdue` does not exist yet: nothing to measure in --overdue mode.")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    mode, data, tasks, reports = resolve(args)
    if not getattr(yaml, "__with_libyaml__", False):
        note("PyYAML here has no libyaml: F needs yaml.CSafeLoader")
        return 2
    exe = find_cdsctl()
    if command_missing(mode, exe):
        return 0
    if not ensure_data(data, tasks, reports):
        return 2
    counts = census(data)
    samples = measure(mode, data, exe, max(1, args.repeat))
    ok = print_report(mode, data, samples, counts, exe)
    if exe is None:
        print("\n`cdsctl` not found next to this Python nor on PATH: only R and F were measured.")
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
