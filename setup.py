"""The one build step pyproject.toml cannot declare: the default templates live in the
repository's top-level `templates/` folder, and a wheel carries them as `cdsctl/templates/`,
where `cdsctl.render.lookup.default_folder()` looks in an installed cdsctl.

Only `templates/*.j2` and `templates/*.docx` go in, not `templates/make_docx.py` (the script
that makes the .docx files).  An editable install (`pip install -e .`) copies nothing: there
`default_folder()` finds the repository's own `templates/` beside the package.  The sdist
carries `templates/` through MANIFEST.in, so a wheel built from it has them too.
tests/test_packaging.py builds a wheel, installs it and renders with it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"
SHIPPED = ("*.j2", "*.docx")


class BuildPyWithTemplates(build_py):
    """`build_py`, then `templates/*.j2` and `templates/*.docx` into `cdsctl/templates/`."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib, "cdsctl", "templates")
        shutil.rmtree(target, ignore_errors=True)  # (a template deleted since the last build)
        self.mkpath(str(target))
        for pattern in SHIPPED:
            for source in sorted(TEMPLATES.glob(pattern)):
                self.copy_file(str(source), str(target / source.name))


setup(cmdclass={"build_py": BuildPyWithTemplates})
