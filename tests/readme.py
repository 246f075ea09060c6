"""The console examples of README.md and docs/*.md are real: run them, compare, rewrite them.

Each ```console block holds commands (lines starting with `$ `) and their output.  The
commands run with bash in a sandbox holding a copy of `records/` and `tests/corpus/`, with
the venv's `cdsctl` first on PATH, a fresh cache, NO_COLOR and 80 columns.  A comment
`<!-- setup: COMMANDS -->` right before a block runs first, in the same shell, silently.

    python -m tests.readme --update               # rewrite every page's blocks from real runs
    python -m tests.readme --update docs/ci.md    # only these pages
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = REPO / "docs"
BLOCK = re.compile(r"(?:<!-- setup: (?P<setup>.*?) -->\n)?```console\n(?P<body>.*?)```", re.S)
MARK = "\x1fcdsctl-readme-mark\x1f"


@dataclass
class Block:
    start: int  # offsets of the body in the page's text
    end: int
    setup: str
    commands: list[str]
    outputs: list[str]

    def text(self, outputs: list[str]) -> str:
        return "".join(f"$ {c}\n{o}" for c, o in zip(self.commands, outputs, strict=True))


def blocks(text: str) -> list[Block]:
    found = []
    for m in BLOCK.finditer(text):
        commands, outputs = [], []
        for line in m["body"].splitlines(keepends=True):
            if line.startswith("$ "):
                commands.append(line[2:].rstrip("\n"))
                outputs.append("")
            elif outputs:
                outputs[-1] += line
        found.append(Block(m.start("body"), m.end("body"), m["setup"] or "", commands, outputs))
    return found


def pages() -> list[Path]:
    """The pages whose examples are run: the README, then docs/*.md by name."""
    return [README, *sorted(DOCS.glob("*.md"))]


def examples() -> list[tuple[Path, Block]]:
    """Every block of every page, with its page."""
    return [(page, block) for page in pages() for block in blocks(page.read_text("utf-8"))]


def _sandbox() -> Path:
    box = Path(tempfile.mkdtemp(prefix="cdsctl-readme-"))
    shutil.copytree(REPO / "records", box / "records")
    shutil.copytree(REPO / "tests" / "corpus", box / "tests" / "corpus")
    return box


def _env(box: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CDSCTL_", "GIT_"))}
    venv_bin = str(Path(sys.executable).parent)
    env.update(PATH=f"{venv_bin}:{env.get('PATH', '/usr/bin:/bin')}", NO_COLOR="1",
               COLUMNS="80", TERM="dumb", CDSCTL_CACHE_DIR=str(box / ".cache"), HOME=str(box),
               GIT_AUTHOR_NAME="Văn phòng", GIT_AUTHOR_EMAIL="vp@example.invalid",
               GIT_COMMITTER_NAME="Văn phòng", GIT_COMMITTER_EMAIL="vp@example.invalid",
               GIT_AUTHOR_DATE="2022-06-01T09:00:00+07:00",
               GIT_COMMITTER_DATE="2022-06-01T09:00:00+07:00")  # fmt: skip
    return env


def run(block: Block) -> list[str]:
    """The real output of each command of `block`, run in one fresh sandbox."""
    box = _sandbox()
    try:
        script = [f"{{ {block.setup.strip()} ; }} >/dev/null 2>&1"] if block.setup else []
        for command in block.commands:
            script += [f"printf '{MARK}'", f"{{ {command} ; }} 2>&1"]
        done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=box, env=_env(box),
                              capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        parts = done.stdout.replace(str(box), "/tmp/sandbox").split(MARK)[1:]
        return [_tidy(p) for p in parts]
    finally:
        shutil.rmtree(box, ignore_errors=True)


def _tidy(output: str) -> str:
    lines = [line.rstrip() for line in output.splitlines()]
    return "".join(f"{line}\n" for line in lines)


def update(text: str) -> str:
    for block in reversed(blocks(text)):
        text = text[: block.start] + block.text(run(block)) + text[block.end :]
    return text


def main(args: list[str]) -> None:
    if args[:1] != ["--update"]:
        sys.exit(__doc__)
    for page in [Path(a).resolve() for a in args[1:]] or pages():
        old = page.read_text(encoding="utf-8")
        new = update(old)
        if new != old:
            page.write_text(new, encoding="utf-8")
            print(f"rewrote {page.relative_to(REPO)}")


if __name__ == "__main__":
    main(sys.argv[1:])
