#!/usr/bin/env python3
"""Time `cdsctl export` for many provinces, and a query across all their exports.

    python bench/export.py [--provinces 20] [--tasks 2000] [--reports 4000] [--repeat 3]

Generates one records root per province with bench/gen.py (seed = the province's number) in
bench/data/export-provinces/P01, P02, … unless it is there already, then measures, best of
--repeat, summed over the provinces: F (parse every record file with yaml.CSafeLoader, the
floor of bench/validate.py), `cdsctl export DIR --records P01 --as-of 2024-12-31` with an
empty cache (cold: validation included) and again with the same cache (warm, --force), and
the CSV export warm; then, on the Parquet files of all provinces, the on-time rate per
province with DuckDB over `read_parquet('…/*/task_instances.parquet')` (docs/export.md).
The province of each export is its folder's name (P01, …). Prints a Markdown table with
each time's ratio to F. Exit 0; 1 when cdsctl failed or a result is wrong; 2 when cdsctl or
DuckDB is missing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate as v  # (bench/validate.py: the floor F, running cdsctl, the machine)

AS_OF = v.AS_OF  # 2024-12-31: nothing in gen.py's records is dated after it
RATE = """
SELECT province,
       count(*) FILTER (state = 'done-on-time') AS on_time,
       count(*) FILTER (state = 'done-late') AS late,
       count(*) FILTER (state = 'overdue') AS overdue,
       round(100 * on_time / nullif(on_time + late + overdue, 0), 1) AS on_time_pct
FROM read_parquet({glob})
GROUP BY province
ORDER BY on_time_pct DESC NULLS LAST, province
"""


def ensure_provinces(data: Path, count: int, tasks: int, reports: int) -> list[Path] | None:
    """P01 … Pnn below `data`, each generated (seed n) unless already there."""
    roots = [data / f"P{n:02d}" for n in range(1, count + 1)]
    for seed, root in enumerate(roots, 1):
        if (root / "agencies.yaml").is_file():
            continue
        v.note(f"generating {root} ({tasks:,} tasks, {reports:,} reports, seed {seed}) ...")
        cmd = [sys.executable, str(v.BENCH / "gen.py"), str(root), "--tasks", str(tasks),
               "--reports", str(reports), "--seed", str(seed)]  # fmt: skip
        if subprocess.run(cmd, stdout=sys.stderr, check=False).returncode != 0:
            return None
    return roots


def export_all(samples: v.Samples, exe: str, roots: list[Path], out: Path, cache: Path) -> None:
    """Every province exported cold, warm, and warm as CSV; each time is one sample per
    province (`NAME:P01`) and summed (`NAME`)."""
    totals = dict.fromkeys(("cold", "warm", "csv"), 0.0)
    for root in roots:
        target, own_cache = out / root.name, cache / root.name
        own_cache.mkdir(parents=True)
        base = [exe, "export", str(target), "--records", str(root), "--as-of", AS_OF]
        for name, extra in (("cold", []), ("warm", ["--force"]), ("csv", ["--format", "csv"])):
            result = v.run([*base, *extra], own_cache)
            samples.check(f"{name}:{root.name}", result)
            totals[name] += result.seconds
    for name, seconds in totals.items():
        samples.add(name, seconds)


def query(samples: v.Samples, out: Path, count: int) -> bool:
    """Time the on-time rate across every province's task_instances.parquet (best of 5);
    whether it answered for every province."""
    import duckdb

    sql = RATE.format(glob=f"'{(out / '*' / 'task_instances.parquet').as_posix()}'")
    answers = []
    for _ in range(5):
        connection = duckdb.connect()
        start = time.perf_counter()
        answers.append(connection.execute(sql).fetchall())
        samples.add("query", time.perf_counter() - start)
        connection.close()
    return all(len(rows) == count for rows in answers)


def _floor(root: Path) -> float:
    return v.timed(lambda: v.parse_all(root))


def measure(exe: str, roots: list[Path], repeat: int) -> tuple[v.Samples, bool, int]:
    """The samples; whether every query answered right; the Parquet bytes of one export."""
    samples, right, size = v.Samples(), True, 0
    with tempfile.TemporaryDirectory(prefix="cdsctl-bench-export-") as scratch:
        for i in range(repeat):
            v.note(f"run {i + 1}/{repeat} ...")
            samples.add("F", sum(_floor(root) for root in roots))
            out = Path(scratch) / f"out-{i}"
            export_all(samples, exe, roots, out, Path(scratch) / f"cache-{i}")
            right = query(samples, out, len(roots)) and right
            size = sum(p.stat().st_size for p in out.glob("*/*.parquet"))
    return samples, right, size


def report(samples: v.Samples, roots: list[Path], size: int) -> list[str]:
    floor = samples.best("F") or float("nan")
    count = len(roots)
    per = {name: statistics.median(samples.best(f"{name}:{r.name}") or 0.0 for r in roots)
           for name in ("cold", "warm", "csv")}  # fmt: skip
    rows = [
        ("F", f"F: `yaml.CSafeLoader`, every record file of the {count} provinces (floor)"),
        ("cold", f"`cdsctl export`, {count} provinces, each with an empty cache"),
        ("warm", f"`cdsctl export --force`, {count} provinces, the same cache again"),
        ("csv", f"`cdsctl export --format csv`, {count} provinces, cache warm"),
        ("query", f"on-time rate per province, DuckDB over {count} task_instances.parquet"),
    ]
    lines = ["| measurement | seconds | × F |", "|---|--:|--:|"]
    for key, label in rows:
        secs = samples.best(key) or float("nan")
        lines.append(f"| {label} | {secs:.3f} | {secs / floor:.2f} |")
    lines += ["", "| one province (median) | seconds |", "|---|--:|"]
    lines += [f"| `cdsctl export`, {name} | {secs:.3f} |" for name, secs in per.items()]
    lines += ["", f"- Parquet written per export of the {count} provinces: {size / 1e6:.1f} MB"]
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--provinces", type=int, default=20, help="provinces (default 20)")
    p.add_argument("--tasks", type=int, default=2000, help="tasks per province (default 2000)")
    p.add_argument("--reports", type=int, default=4000, help="reports each (default 4000)")
    p.add_argument("--repeat", type=int, default=3, help="runs; the best counts (default 3)")
    p.add_argument("--data", type=Path, default=v.BENCH / "data" / "export-provinces",
                   help="the provinces' records (default bench/data/export-provinces)")  # fmt: skip
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    exe = v.find_cdsctl()
    try:
        import duckdb  # noqa: F401
    except ImportError:
        v.note("DuckDB is missing: pip install -e '.[export]'")
        return 2
    if exe is None:
        v.note("cdsctl not found next to this Python nor on PATH")
        return 2
    roots = ensure_provinces(args.data.resolve(), args.provinces, args.tasks, args.reports)
    if roots is None:
        return 2
    censuses = [v.census(root) for root in roots]  # (also warms the page cache)
    files, size = sum(sum(c.values()) for c, _ in censuses), sum(s for _, s in censuses)
    samples, right, parquet = measure(exe, roots, max(1, args.repeat))
    runs = "; ".join(f"{k} " + " ".join(f"{s:.3f}" for s in t)
                     for k, t in samples.times.items() if ":" not in k)  # fmt: skip
    print("## cdsctl export benchmark\n")
    print("\n".join([
        *v.machine(), f"- cdsctl: {exe}",
        f"- records: {len(roots)} provinces, {files:,} files, {size / 1e6:.1f} MB in {args.data}",
        f"- best of {max(1, args.repeat)}; every run (s): {runs}", "",
        *report(samples, roots, parquet),
    ]))  # fmt: skip
    if samples.failure is not None:
        print("\n".join(["", f"`cdsctl` exited {samples.failure.code}:", "```",
                         *samples.failure.output.splitlines()[:20], "```"]))  # fmt: skip
    if not right:
        print("\nThe query did not answer for every province.")
    return 0 if samples.failure is None and right else 1


if __name__ == "__main__":
    sys.exit(main())
