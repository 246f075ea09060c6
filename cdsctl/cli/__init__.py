"""The command line: each command parses options, calls the library, prints, exits.

:mod:`.app` holds the typer app, how failures become exit codes and :func:`run`;
:mod:`.options` what commands share; one module per group of commands registers them:
:mod:`.check` (validate, schema), :mod:`.query` (overdue, tasks, due, stats, indicators),
:mod:`.records` (show, history), :mod:`.render`, :mod:`.calendar`.  :mod:`.process` is
the process around a command (streams, exit 3 for a bug).  Nothing below this package
prints or exits.
"""

from __future__ import annotations

# Each module registers its commands on `app`, and --help lists them in this order.
from . import check  # noqa: F401
from .app import app, run

# isort: split
from . import query  # noqa: F401

# isort: split
from . import records  # noqa: F401

# isort: split
from . import render  # noqa: F401

# isort: split
from . import calendar  # noqa: F401

# isort: split
from . import author, new  # noqa: F401

# isort: split
from . import exporting, importing, review  # noqa: F401

# isort: split
from . import site  # noqa: F401

__all__ = ["app", "run"]
