"""The command line: each command parses options, calls the library, prints, exits.

:mod:`.app` holds the typer app, exit codes and :func:`run`; :mod:`.process` the process
around a command (streams, exit 3 for a bug).  Nothing below this package prints or exits.
"""

from __future__ import annotations

from .app import app, run

__all__ = ["app", "run"]
