"""Every console example in the README and docs/*.md is what cdsctl really prints
(tests/readme.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .readme import README, REPO, Block, examples, run

EXAMPLES = examples()


def _id(page: Path, block: Block) -> str:
    command = block.commands[0] if block.commands else "(no command)"
    return f"{page.relative_to(REPO)}: {command[:60]}"


def test_the_pages_have_examples() -> None:
    assert len(EXAMPLES) >= 10
    assert sum(page == README for page, _ in EXAMPLES) >= 3  # one for each kind of user
    assert {page.name for page, _ in EXAMPLES} >= {"validate.md", "queries.md"}
    assert all(block.commands for _, block in EXAMPLES), "a console block without `$ `"


@pytest.mark.parametrize(("page", "block"), EXAMPLES, ids=[_id(p, b) for p, b in EXAMPLES])
def test_example_output_is_real(page: Path, block: Block) -> None:
    assert block.text(run(block)) == block.text(block.outputs), (
        f"an example in {page.relative_to(REPO)} differs from a real run; "
        "`python -m tests.readme --update` rewrites it"
    )
