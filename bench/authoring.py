#!/usr/bin/env python3
"""Time what a secretary does with the writing commands, on a large records root.

    python bench/authoring.py [--tasks 20000] [--reports 40000] [--repeat 3] [--data DIR]

With the cache warm from a `validate` (not timed), best of --repeat:
F (parse every record file with yaml.CSafeLoader, the floor, as in bench/validate.py);
`complete` — the answer to a Tab after `cdsctl done C` (bash's protocol; the shell waits for
it); `dry-run` — `cdsctl done TASK --dry-run` (load, plan, print; nothing checked);
`done` — `cdsctl done TASK` for real: the whole root validated with the change, then the
file written; `validate after` — the `validate` the CI job runs next (one file changed).
Each `done` marks another task, so every run edits a file and checks a change.
Prints a Markdown table with each time's ratio to F. Exit 0: every target met; 1: missed.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate as v  # (bench/validate.py: data, floor, running cdsctl)

#: targets: (absolute seconds or None, ratio to F or None)
TARGETS = {"complete": (0.3, None), "done": (None, 0.5)}


def _complete(exe: str, data: Path, cache: Path) -> float:
    env = {
        **os.environ,
        "_CDSCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": "cdsctl done C",
        "COMP_CWORD": "2",
        "CDSCTL_RECORDS": str(data),
        "CDSCTL_CACHE_DIR": str(cache),
    }
    start = time.perf_counter()
    done = subprocess.run([exe], env=env, capture_output=True, check=True)
    seconds = time.perf_counter() - start
    if not done.stdout.strip():
        raise SystemExit("completion answered nothing: the cache holds no names")
    return seconds


def _open_tasks(data: Path, count: int) -> list[str]:
    """Task ids to mark done, one per run: tasks whose files have no `completed`."""
    files = sorted((data / "tasks").rglob("*.yaml"))
    random.Random(7).shuffle(files)
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if "completed:" not in text and "cancelled:" not in text and "every:" not in text:
            found.append(path.stem)
        if len(found) == count:
            break
    return found


def measure(data: Path, exe: str, repeat: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}

    def add(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)

    tasks = _open_tasks(data, repeat)
    with tempfile.TemporaryDirectory(prefix="cdsctl-bench-") as scratch:
        cache = Path(scratch) / "cache"
        records = ["--records", str(data)]
        v.run([exe, "validate", *records], cache)  # warm, with the names kept
        for task in tasks:
            add("F", v.timed(lambda: v.parse_all(data)))
            add("complete", _complete(exe, data, cache))
            add("dry-run", _checked(v.run([exe, "done", task, *records, "--dry-run"], cache)))
            add(
                "done",
                _checked(v.run([exe, "done", task, *records, "--date", "2024-12-31"], cache)),
            )
            add("validate after", v.run([exe, "validate", *records], cache).seconds)
    return times


def _checked(result: v.Run) -> float:
    if result.code != 0:
        raise SystemExit(f"cdsctl failed ({result.code}):\n{result.output[-2000:]}")
    return result.seconds


def report(times: dict[str, list[float]], data: Path) -> bool:
    floor = min(times["F"])
    counts, size = v.census(data)
    print(
        f"{sum(counts.values()):,} record files ({size / 1e6:.0f} MB): "
        + ", ".join(f"{n:,} {k}" for k, n in counts.most_common())
    )
    print("\n| measure | best s | × F | target | verdict |\n|---|---:|---:|---|---|")
    ok = True
    for name, samples in times.items():
        best = min(samples)
        absolute, ratio = TARGETS.get(name, (None, None))
        target, passed = "", True
        if absolute is not None:
            target, passed = f"≤ {absolute} s", best <= absolute
        elif ratio is not None:
            target, passed = f"≤ {ratio}×F", best <= ratio * floor
        ok &= passed
        verdict = ("pass" if passed else "MISS") if target else ""
        print(f"| {name} | {best:.3f} | {best / floor:.2f} | {target} | {verdict} |")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--reports", type=int, default=40000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path)
    args = parser.parse_args(argv)
    data = args.data or v.BENCH / "data" / f"authoring-{args.tasks}"
    exe = v.find_cdsctl()
    if exe is None or not v.ensure_data(data, args.tasks, args.reports):
        return 2
    return 0 if report(measure(data, exe, args.repeat), data) else 1


if __name__ == "__main__":
    sys.exit(main())
