"""Validating a records root: every file on its own (in worker processes, cached by stamp),
then the rules across files.

:mod:`.pipeline` runs it; :mod:`.onefile` is the unit of work (one file → its diagnostics
and summary); :mod:`.workers` the process pool and the wire format; :mod:`.cache` where
results are kept and when they are trusted; :mod:`.selection` which files a run reports on.
The speed tricks of a run (:mod:`.gcpause`, marshal on the wire) live here and nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pipeline import Validation, validate

__all__ = ["Validation", "validate"]


def __getattr__(name: str) -> Any:
    """`validate` and `Validation`, imported when first asked for: a query answered from
    the cache imports `.cache` alone, not the checking code (≈ 50 ms)."""
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
