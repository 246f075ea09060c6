"""cdsctl: records, checks and queries for a provincial Digital Transformation Steering Committee.

The library does the work and never prints or exits; :mod:`cdsctl.cli` is a thin layer over it::

    from cdsctl import find_root, validate
    result = validate(find_root("records"))
    for d in result.diagnostics:
        print(d.file, d.line, d.code, d.message)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .load.files import find_root
    from .validation.pipeline import Validation, validate

__all__ = ["Validation", "__version__", "find_root", "validate"]


def __getattr__(name: str) -> Any:  # imports stay lazy so `cdsctl --version` starts fast
    if name == "find_root":
        from .load.files import find_root

        return find_root
    if name in ("validate", "Validation"):
        from .validation import pipeline as module

        return getattr(module, name)
    raise AttributeError(name)
