"""Entry point.  `--version` is answered before the CLI framework is imported."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        print(f"cdsctl {__version__}")
        return
    from .cli import run

    run()


if __name__ == "__main__":
    main()
