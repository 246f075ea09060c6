"""Running a template: Jinja2's sandbox, strict about undefined names, autoescaping HTML, and
every failure as one line naming the template and its line.

A template is text the records repository holds, so it is treated as untrusted: it runs in
`SandboxedEnvironment` (no reaching Python internals: ``{{ ''.__class__.__mro__ }}`` is an
error); an undefined variable is an error, never an empty string (a secretary would sign a
notice with a blank where the deadline should be); HTML output escapes every value (a task
title holding `<script>` prints as text).  `.docx` templates are Word files with Jinja tags,
rendered by docxtpl with the same environment and XML escaping.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from ..diagnostics import CdsError
from ..i18n import _
from .filters import FILTERS, FilterError, make_agency_filters
from .lookup import Template


class TemplateProblem(CdsError):
    """A template that cannot be rendered: one line, exit 2."""


def environment(folders: list[Path], fmt: str,
                agencies: Mapping[str, Mapping[str, Any]]) -> SandboxedEnvironment:  # fmt: skip
    """The sandboxed Jinja environment templates of format `fmt` run in."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader([str(f) for f in folders]),
        undefined=StrictUndefined,
        autoescape=fmt == "html",
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters.update(make_agency_filters(agencies))
    return env


def variables(template: Template, folders: list[Path]) -> set[str]:
    """The names a template (and what it includes or extends) takes from its context."""
    env = environment([template.path.parent, *folders], template.format, {})
    if template.format == "docx":
        DocxTemplate = _docxtpl().DocxTemplate
        with _reported(template):
            found: set[str] = DocxTemplate(str(template.path)).get_undeclared_template_variables(
                env
            )
        return found
    names: set[str] = set()
    todo, seen = [template.path.name], set()
    while todo:
        name = todo.pop()
        if name in seen or name is None:
            continue
        seen.add(name)
        with _reported(template):
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            parsed = env.parse(source, name)
        names |= meta.find_undeclared_variables(parsed)
        todo.extend(t for t in meta.find_referenced_templates(parsed) if t is not None)
    return names


def render_text(template: Template, folders: list[Path], context: dict[str, Any],
                agencies: Mapping[str, Mapping[str, Any]]) -> str:  # fmt: skip
    """A Markdown or HTML template rendered with `context`."""
    return text_renderer(template, folders, agencies)(context)


Context = dict[str, Any]


Agencies = Mapping[str, Mapping[str, Any]]


def text_renderer(template: Template, folders: list[Path],
                  agencies: Agencies) -> Callable[[Context], str]:  # fmt: skip
    """`render_text` for many contexts: the template is compiled once (a site renders the
    minutes of every meeting; compiling took 0.2 s a time)."""
    env = environment([template.path.parent, *folders], template.format, agencies)
    with _reported(template):
        compiled = env.get_template(template.path.name)

    def render(context: dict[str, Any]) -> str:
        with _reported(template):
            text: str = compiled.render(context)
            return text

    return render


def _docxtpl() -> Any:
    try:
        import docxtpl
    except ImportError:  # (an extra: `pip install 'cdsctl[docx]'`)
        raise CdsError(_("--format docx needs the docx extra: pip install 'cdsctl[docx]'")
                       ) from None  # fmt: skip
    return docxtpl


def render_docx(template: Template, folders: list[Path], context: dict[str, Any],
                agencies: Mapping[str, Mapping[str, Any]]) -> bytes:  # fmt: skip
    """A `.docx` template rendered with `context`: the bytes of the Word file."""
    DocxTemplate = _docxtpl().DocxTemplate

    env = environment([template.path.parent, *folders], "docx", agencies)
    out = io.BytesIO()
    with _reported(template):
        document = DocxTemplate(str(template.path))
        document.render(context, jinja_env=env, autoescape=True)
        document.save(out)
    return out.getvalue()


class _reported:
    """Turn what a template raises into one :class:`TemplateProblem` line."""

    def __init__(self, template: Template) -> None:
        self.template = template

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        if exc is None or isinstance(exc, CdsError):
            return
        if isinstance(exc, TemplateError | FilterError | ValueError | TypeError | KeyError):
            raise TemplateProblem(_message(self.template, exc, tb)) from None
        if isinstance(exc, OSError | _docx_errors()):
            raise TemplateProblem(_("template {path}: cannot read it: {reason}").format(
                path=self.template.path, reason=exc)) from None  # fmt: skip


def _docx_errors() -> tuple[type[BaseException], ...]:
    import zipfile

    return (zipfile.BadZipFile,)


def _message(template: Template, exc: BaseException, tb: TracebackType | None) -> str:
    where = template.path.name
    line = exc.lineno if isinstance(exc, TemplateSyntaxError) else _template_line(tb)
    if isinstance(exc, TemplateSyntaxError) and exc.name and exc.name != template.path.name:
        where = exc.name
    what = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if type(exc).__name__ == "SecurityError":
        what = _("{problem} (templates run in a sandbox: they may use the records, not Python "
                 "itself)").format(problem=what)  # fmt: skip
    if line and template.format != "docx":
        return _("template {name}, line {line}: {problem}").format(name=where, line=line,
                                                                   problem=what)  # fmt: skip
    return _("template {name}: {problem}").format(name=where, problem=what)


def _template_line(tb: TracebackType | None) -> int | None:
    """The template line the error happened on: Jinja rewrites the traceback so that a
    template's frames carry its file name and its own line numbers."""
    line = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".j2", ".html", ".md")) or "<template>" in name:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
