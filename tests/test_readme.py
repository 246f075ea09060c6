"""Every console example in the README is what cdsctl really prints (tests/readme.py)."""

from __future__ import annotations

import pytest

from .readme import README, Block, blocks, run

BLOCKS = blocks(README.read_text(encoding="utf-8"))


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 10


@pytest.mark.parametrize("block", BLOCKS, ids=[b.commands[0][:60] for b in BLOCKS])
def test_example_output_is_real(block: Block) -> None:
    assert block.text(run(block)) == block.text(block.outputs), (
        "README example differs from a real run; `python -m tests.readme --update` rewrites it"
    )
