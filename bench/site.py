#!/usr/bin/env python3
"""Time `cdsctl site` on the 100,000-task corpus, the way a committee builds it (issue 14).

    python bench/site.py [--data bench/data/overdue-100000] [--repeat 2]

Each run, in order, best of --repeat: F (parse every record file with yaml.CSafeLoader, the
floor of bench/validate.py); `cdsctl validate` (not timed: the records unchanged since the
day's validate, as in CI); the first build into an empty folder; the same build again (every
page unchanged: nothing written); one task file edited (its title) and the site built again;
the next morning (as-of date + 1 day) built into the same folder.  The folder is on the same
disk as the records (below bench/data/, git-ignored).  Prints a Markdown table with each
time's ratio to F, the peak memory of each build, and how many pages each wrote.  Exit 0;
1 when cdsctl failed or a goal is missed; 2 when cdsctl is missing.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate as v  # (bench/validate.py: the floor F, running cdsctl, the machine)

AS_OF = v.AS_OF
GOAL = 0.5  # issue 14: the 100,000-task corpus in ≤ 0.5 × F
WROTE = re.compile(r"(\d+) (?:written|ghi)")


def build(exe: str, data: Path, out: Path, cache: Path, as_of: str) -> tuple[v.Run, int, float]:
    """One `cdsctl site` run: its result, the pages it wrote, its peak memory in MB."""
    cmd = ["/usr/bin/time", "-f", "%M", exe, "site", "-o", str(out), "--records", str(data),
           "--as-of", as_of, "--lang", "en"]  # fmt: skip
    result = v.run(cmd, cache)
    lines = result.output.strip().splitlines()
    peak = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else float("nan")
    wrote = WROTE.search(result.output)
    return result, int(wrote[1]) if wrote else -1, peak


def edit_one(data: Path) -> tuple[Path, str]:
    """Change the title of the first task file; (the file, its text before)."""
    path = min((data / "tasks").rglob("*.yaml"))
    text = path.read_text("utf-8")
    path.write_text(re.sub(r"^title: ", "title: (sửa) ", text, count=1, flags=re.M), "utf-8")
    return path, text


def measure(exe: str, data: Path, repeat: int) -> tuple[v.Samples, dict[str, list[float]]]:
    samples, extra = v.Samples(), {}
    scratch = Path(tempfile.mkdtemp(prefix="cdsctl-bench-site-", dir=data.parent))
    next_day = (date.fromisoformat(AS_OF) + timedelta(days=1)).isoformat()
    try:
        for i in range(repeat):
            v.note(f"run {i + 1}/{repeat} ...")
            samples.add("F", v.timed(lambda: v.parse_all(data)))
            cache, out = scratch / f"cache-{i}", scratch / f"site-{i}"
            cache.mkdir()
            v.run([exe, "validate", "--records", str(data)], cache, keep_stdout=False)
            steps = [("first", AS_OF), ("again", AS_OF), ("edited", AS_OF), ("next", next_day)]
            for name, day in steps:
                edited = edit_one(data) if name == "edited" else None
                try:
                    result, wrote, peak = build(exe, data, out, cache, day)
                finally:
                    if edited is not None:
                        edited[0].write_text(edited[1], "utf-8")
                samples.check(name, result)
                extra.setdefault(f"{name}:wrote", []).append(wrote)
                extra.setdefault(f"{name}:mb", []).append(peak)
            pages = json.loads((out / ".cdsctl-site.json").read_text("utf-8"))["pages"]
            extra.setdefault("pages", []).append(len(pages))
            extra.setdefault("bytes", []).append(
                sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return samples, extra


ROWS = (
    ("F", "F: `yaml.CSafeLoader`, every record file (floor)"),
    ("first", "`cdsctl site`, first build into an empty folder (after `validate`)"),
    ("again", "the same build again (nothing changed)"),
    ("edited", "one task file edited, built again"),
    ("next", "the next morning (as-of date + 1 day), built again"),
)


def report(samples: v.Samples, extra: dict[str, list[float]]) -> tuple[list[str], bool]:
    floor = samples.best("F") or float("nan")
    lines = ["| measurement | seconds | × F | pages written | peak MB |", "|---|--:|--:|--:|--:|"]
    met = True
    for key, label in ROWS:
        secs = samples.best(key) or float("nan")
        wrote = extra.get(f"{key}:wrote", ["—"])[-1]
        mb = max(extra[f"{key}:mb"]) if f"{key}:mb" in extra else float("nan")
        cells = f"{wrote:,}" if isinstance(wrote, int | float) and key != "F" else "—"
        memory = f"{mb:.0f}" if key != "F" else "—"
        lines.append(f"| {label} | {secs:.2f} | {secs / floor:.2f} | {cells} | {memory} |")
        if key == "first":
            met = secs <= GOAL * floor
    pages = int(extra["pages"][-1]) if extra.get("pages") else 0
    size = extra["bytes"][-1] / 1e6 if extra.get("bytes") else 0.0
    lines += ["", f"- the site: {pages:,} pages, {size:.0f} MB; goal: first build ≤ {GOAL} × F"
              f" ({'met' if met else 'NOT met'})"]  # fmt: skip
    return lines, met


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=v.BENCH / "data" / "overdue-100000",
                   help="records (default: the 100,000-task corpus, made if missing)")  # fmt: skip
    p.add_argument("--tasks", type=int, default=100_000, help="tasks, if made (default 100000)")
    p.add_argument("--reports", type=int, default=200_000, help="reports, if made")
    p.add_argument("--repeat", type=int, default=2, help="runs; the best counts (default 2)")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    exe = v.find_cdsctl()
    if exe is None:
        v.note("cdsctl is not installed (pip install -e .)")
        return 2
    if not v.ensure_data(args.data, args.tasks, args.reports):
        return 2
    start = time.perf_counter()
    samples, extra = measure(exe, args.data, args.repeat)
    lines, met = report(samples, extra)
    print("\n".join([*v.machine(), "", *lines]))
    v.note(f"took {time.perf_counter() - start:.0f} s; children's peak "
           f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")  # fmt: skip
    if samples.failure is not None:
        print(samples.failure.output[-2000:], file=sys.stderr)
        return 1
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
