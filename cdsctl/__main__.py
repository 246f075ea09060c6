"""Entry point.  `--version` is answered before the CLI framework is imported.

Exit codes (docs/validate.md, "Exit codes"): 0 no errors, 1 errors in the records, 2 cdsctl
could not run (a bad option, no records root, an output it cannot write), 3 a bug in cdsctl,
130 interrupted; :mod:`cdsctl.cli.process` and :func:`cdsctl.cli.run` map exceptions to them.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        print(f"cdsctl {__version__}")
        return
    if sys.argv[1:2] == ["__keep-snapshot"]:  # (snapshot.keeper.KEEP: not a user's command)
        from .snapshot.keeper import main as keep

        keep(sys.argv[2:])
        return
    try:
        from .cli.app import run
    except (Exception, KeyboardInterrupt) as exc:  # a broken installation: one line, exit 3
        from .cli import process

        code = process.interrupted() if isinstance(exc, KeyboardInterrupt) else process.bug(exc)
        raise SystemExit(code) from None
    run()


if __name__ == "__main__":
    main()
