"""The build steps pyproject.toml cannot declare.

1. The default templates live in the repository's top-level `templates/` folder, and a wheel
   carries them as `cdsctl/templates/`, where `cdsctl.render.lookup.default_folder()` looks
   in an installed cdsctl.  Only `templates/*.j2` and `templates/*.docx` go in, not
   `templates/make_docx.py` (the script that makes the .docx files).  An editable install
   (`pip install -e .`) copies nothing: there `default_folder()` finds the repository's own
   `templates/` beside the package.  The sdist carries `templates/` through MANIFEST.in, so
   a wheel built from it has them too.  tests/test_packaging.py builds a wheel, installs it
   and renders with it.

2. With `CDSCTL_COMPILE=1`, the modules every record file goes through (:data:`COMPILED`:
   reading, parsing, the checks, the cache, the snapshot) are compiled with Cython into C
   extensions, from the same .py files, unchanged (the way pydantic 1 shipped): a cold
   `validate` spends its time in Python's own work on each of hundreds of thousands of
   files, and compiled it does the same work in a fifth less CPU (bench/README.md).  The
   .py files stay in the package beside them; Python imports the compiled module where
   there is one.  It is asked for, not the default: a province's CI installs cdsctl from
   git on every run, and compiling takes a minute or two where its validation takes a
   second; a server that checks hundreds of thousands of records installs it once.  Each
   extension is optional: without Cython (an offline build without build isolation) or a
   C compiler, cdsctl installs as pure Python and behaves the same.  An editable install
   is never compiled: a compiled module would outlive an edit of its source.  .ci/run
   runs the tests against a compiled wheel as well.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
SHIPPED = ("*.j2", "*.docx")

#: the modules compiled (paths from the repository's top, patterns allowed); a package's
#: __init__.py only where it holds code
COMPILED = (
    "cdsctl/load/*.py",
    "cdsctl/checks/*.py",
    "cdsctl/schema/*.py",
    "cdsctl/validation/*.py",
    "cdsctl/snapshot/*.py",
    "cdsctl/dates/*.py",
    "cdsctl/model.py",
    "cdsctl/diagnostics.py",
    "cdsctl/state.py",
)
KEEP_INIT = ("cdsctl/schema/__init__.py",)
#: as Python runs them: annotations are not types to enforce (`dict` would refuse a
#: defaultdict), functions are ordinary Python functions (pickled by name, introspectable)
DIRECTIVES = {"language_level": 3, "annotation_typing": False, "binding": True}


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


class BuildCompiled(build_ext):
    """`build_ext` of :data:`COMPILED`: Cython writes the C files (under build/, not beside
    the sources) only when an extension is really built; never in an editable install."""

    def finalize_options(self) -> None:
        super().finalize_options()
        if self.parallel is None:
            self.parallel = os.cpu_count() or 1

    def run(self) -> None:
        if self.editable_mode or not self.extensions:
            return
        from Cython.Build import cythonize

        cores = os.cpu_count() or 1
        written = cythonize(self.extensions, build_dir="build/cython", quiet=True,
                            nthreads=cores, compiler_directives=DIRECTIVES)  # fmt: skip
        c_files = {extension.name: extension.sources for extension in written}
        for extension in self.extensions:  # (setuptools' own: cythonize's lack its fields)
            extension.sources = c_files[extension.name]
        super().run()


def compiled_modules() -> list[Extension]:
    """An extension per module of :data:`COMPILED` with `CDSCTL_COMPILE=1` and Cython, else
    none."""
    if os.environ.get("CDSCTL_COMPILE", "") in ("", "0"):
        return []
    try:
        import Cython  # noqa: F401
    except ImportError:
        return []
    paths = sorted({p.relative_to(HERE).as_posix() for pattern in COMPILED
                    for p in HERE.glob(pattern)})  # fmt: skip
    paths = [p for p in paths if not p.endswith("/__init__.py") or p in KEEP_INIT]
    names = [p.removesuffix(".py").replace("/", ".") for p in paths]  # (a package: x.__init__)
    return [Extension(name, [path], optional=True) for name, path in zip(names, paths, strict=True)]


if __name__ == "__main__":  # (as setuptools runs it; tests/test_compiled.py imports it)
    setup(
        cmdclass={"build_py": BuildPyWithTemplates, "build_ext": BuildCompiled},
        ext_modules=compiled_modules(),
    )
