"""Instructions per record file on cdsctl's hot path, counted by valgrind's callgrind.

Wall and CPU times on the shared development machines move by 20-40% from one minute to
the next; an instruction count does not (the same total twice, whatever else runs). This
script counts the instructions `check_file_wire` (read, parse, check, summarise one file:
what each worker does per file in a cold run) takes per file, on a fixed random sample of a
records root, so that a change to the hot path can be judged in one run:

    python bench/instructions.py                      # sample of bench/data/overdue-100000
    python bench/instructions.py --data DIR --files 400 --seed 2

It runs Python under callgrind twice, with 0 and with N files, and divides the difference
by the number of files checked (the N files and a warm-up of 50). It measures the cdsctl
the child Python imports, which is the one in the current folder if there is one: run it
from the root of the checkout. Needs `valgrind` on PATH (Debian: apt-get install
valgrind). Takes about a minute.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / "data" / "overdue-100000"
WARM = 50  # files checked before counting starts to matter: fills caches (lru, known keys)

CHILD = """
import gc, sys
from cdsctl.validation.onefile import check_file_wire
root, listing, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = open(listing, encoding="utf-8").read().split("\\n")[:n]
gc.disable()
for relpath in files[:{warm}] + files:
    check_file_wire(root, relpath)
"""


def _count(data: Path, listing: Path, n: int) -> int:
    script = CHILD.format(warm=WARM if n else 0)
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
           sys.executable, "-c", script, str(data), str(listing), str(n)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : ([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a records root")
    parser.add_argument("--files", type=int, default=400, help="sample size (default 400)")
    parser.add_argument("--seed", type=int, default=2, help="sample seed (default 2)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed", file=sys.stderr)
        return 2
    if not (args.data / "agencies.yaml").is_file():
        print(f"{args.data}: not a records root (make it with bench/gen.py)", file=sys.stderr)
        return 2
    from cdsctl.load.files import walk

    files = sorted(walk(args.data, stat=False))
    sample = random.Random(args.seed).sample(files, min(args.files, len(files)))
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as listing:
        listing.write("\n".join(sample))
        listing.flush()
        base = _count(args.data, Path(listing.name), 0)
        total = _count(args.data, Path(listing.name), len(sample))
    per_file = (total - base) / (len(sample) + WARM)
    print(f"{per_file:,.0f} instructions per file ({len(sample)} files of {args.data})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
