"""Questions for what a command's options leave out, when a person sits at a terminal
(rich prompts: the allowed values listed, agency names completed with Tab, diacritics
aside); elsewhere (a script, CI) a missing option is one line naming it, exit 2."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..diagnostics import CdsError
from ..i18n import _
from ..text import fold

if TYPE_CHECKING:
    from ..repository import Repository


def interactive() -> bool:
    """Whether questions may be asked: a person at a terminal on both ends."""
    return sys.stdin.isatty() and sys.stdout.isatty()


class Asker:
    """Each method returns the option's value as given, else asks (on a terminal)."""

    def __init__(self, repo: Repository, asking: bool | None = None) -> None:
        self.repo = repo
        self.asking = interactive() if asking is None else asking

    def _missing(self, option: str) -> CdsError:
        return CdsError(_("{option} is missing; give it, or run the command on a terminal to "
                          "be asked").format(option=option))  # fmt: skip

    def _ask(self, question: str, default: str | None = None) -> str:
        from rich.prompt import Prompt

        if default is None:
            return Prompt.ask(question).strip()
        return (Prompt.ask(question, default=default, show_default=False) or "").strip()

    def text(self, value: str | None, option: str, question: str, required: bool = True) -> str:
        if value is not None:
            return value
        if not self.asking:
            if required:
                raise self._missing(option)
            return ""
        while True:
            answer = self._ask(question, None if required else "")
            if answer or not required:
                return answer

    def choice(self, value: str | None, option: str, question: str,
               choices: Sequence[str]) -> str:  # fmt: skip
        if value is not None:
            return _chosen(value, choices, option)
        if not self.asking:
            raise self._missing(option)
        while True:
            answer = self._ask(f"{question} [{', '.join(choices)}]")
            try:
                return _chosen(answer, choices, option)
            except CdsError as exc:
                _say(str(exc))

    def _resolved(self, question: str, resolve: Callable[[str], str],
                  names: Mapping[str, list[str]], required: bool = True) -> str:  # fmt: skip
        with _completion(names):
            while True:
                answer = self._ask(question, None if required else "")
                if not answer and not required:
                    return ""
                try:
                    return resolve(answer)
                except CdsError as exc:
                    _say(str(exc))

    def _agency_names(self) -> dict[str, list[str]]:
        """Each agency's short name (else its id) → every name it is known by."""
        agencies = self.repo.records.agencies.values()
        return {a.short or a.id: [n for n in (a.id, a.short, a.name, *a.aliases) if n]
                for a in agencies}  # fmt: skip

    def agency(self, value: str | None, option: str, question: str) -> str:
        from ..filters import agency_id

        if value is not None:
            return agency_id(self.repo.records, value, option)
        if not self.asking:
            raise self._missing(option)
        self._list_agencies()
        resolve = _answer_to(agency_id, self.repo.records, option=option)
        return self._resolved(question, resolve, self._agency_names())

    def agencies(self, question: str) -> list[str]:
        """Several agencies, comma-separated (each completed with Tab)."""
        from ..filters import agency_id

        def resolve(answer: str) -> str:
            return ",".join(agency_id(self.repo.records, part.strip(), "--support")
                            for part in answer.split(",") if part.strip())  # fmt: skip

        found = self._resolved(question, resolve, self._agency_names(), required=False)
        return [a for a in found.split(",") if a]

    def directive(self, value: str | None) -> str:
        from ..filters import directive_id

        if value is not None:
            return value
        if not self.asking:
            raise self._missing("--directive")
        directives = self.repo.records.directives.values()
        names = {d.number or d.id: [n for n in (d.id, d.number) if n] for d in directives}
        resolve = _answer_to(directive_id, self.repo.records, option="--directive")
        return self._resolved(_("Directive (id or number)"), resolve, names)

    def task(self, value: str | None) -> str:
        if value is not None:
            return value
        if not self.asking:
            raise self._missing("--task")

        def resolve(answer: str) -> str:
            if answer not in self.repo.records.tasks:
                raise CdsError(_("no task {id} in the records").format(id=answer))
            return answer

        return self._resolved(_("Task (id)"), resolve, {t: [t] for t in self.repo.records.tasks})

    def _list_agencies(self) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(_("id"), _("short name"), _("name"), box=None, pad_edge=False)
        for a in sorted(self.repo.records.agencies.values(), key=lambda a: a.id):
            table.add_row(a.id, a.short or "", a.name)
        Console().print(table)


def _answer_to(func: Callable[..., str], *args: object, **kwargs: object) -> Callable[[str], str]:
    """`func` with the records and option given: the answer is its one missing argument."""
    return lambda answer: func(*args, answer, **kwargs)


def _chosen(value: str, choices: Sequence[str], option: str) -> str:
    """One of `choices`, as written or with other case, spaces for hyphens, diacritics."""
    if value in choices:
        return value
    wanted = fold(value).replace(" ", "-")
    for choice in choices:
        if fold(choice).replace(" ", "-") == wanted:
            return choice
    raise CdsError(_("{option}: '{value}' is not one of {choices}").format(
        option=option, value=value, choices=", ".join(choices)))  # fmt: skip


def _say(line: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(f"[red]{line}[/]", markup=True)


class _completion:
    """Tab completes in `input()` (readline): what is typed, diacritics and case aside, is
    matched against every name of each choice (an agency's id, short name, full name,
    aliases) and completed to the choice's one shown name; restored after."""

    def __init__(self, names: Mapping[str, list[str]]) -> None:
        self.names = {shown: [fold(n) for n in known] for shown, known in names.items()}
        self.saved: tuple[object, str] | None = None

    def matches(self, text: str) -> list[str]:
        key = fold(text)
        first = [s for s, known in self.names.items() if any(n.startswith(key) for n in known)]
        inside = [s for s, known in self.names.items()
                  if key and s not in first and any(key in n for n in known)]  # fmt: skip
        return sorted(first) + sorted(inside)

    def complete(self, text: str, state: int) -> str | None:
        found = self.matches(text)
        return found[state] if state < len(found) else None

    def __enter__(self) -> _completion:
        try:
            import readline
        except ImportError:  # (Windows without pyreadline)
            return self
        self.saved = (readline.get_completer(), readline.get_completer_delims())
        readline.set_completer(self.complete)
        readline.set_completer_delims(",")
        readline.parse_and_bind("tab: complete")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            import readline

            completer, delims = self.saved
            readline.set_completer(completer)  # type: ignore[arg-type]
            readline.set_completer_delims(delims)
