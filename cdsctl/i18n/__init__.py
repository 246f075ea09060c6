"""The language cdsctl speaks to people: Vietnamese or English, and its message catalogs.

The language is, in order: `--lang`, else `$CDSCTL_LANG`, else `lang` in the records root's
`cdsctl.toml`, else the locale (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`), else English.
Messages are written in English in the code and looked up in a gettext catalog
(`locale/vi/LC_MESSAGES/cdsctl.mo`, compiled from `cdsctl.po` with Babel in development and
shipped in the package); a message with no translation is shown in English.  Machine output
(JSON keys, diagnostic codes, state ids, GitHub annotations) never changes with the language.

The task states' Vietnamese names are the government trackers' own words (:data:`STATES_VI`).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path
from typing import cast

LANGUAGES = ("en", "vi")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "cdsctl"
#: the locale variables, in the order gettext reads them
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

#: each task state as government reports name it (documents.md, "Task states")
STATES_VI = {
    "done-on-time": "hoàn thành đúng hạn",
    "done-late": "hoàn thành quá hạn",
    "overdue": "quá hạn",
    "open": "đang thực hiện trong hạn",
    "no-deadline": "không có thời hạn",
    "cancelled": "đã hủy",
}


class _State:
    """The language chosen for this run, and its catalog (one per process: a CLI run)."""

    lang = DEFAULT
    fixed = False  # chosen by --lang or $CDSCTL_LANG: the root's cdsctl.toml does not change it
    catalog: gettext.NullTranslations = gettext.NullTranslations()


def language_of(value: str | None) -> str | None:
    """`vi`, `vi_VN.UTF-8`, `vi-VN` → `vi`; an English locale → `en`; `C`, `fr_FR`, none → None."""
    if not value:
        return None
    code = value.split(":")[0].split(".")[0].split("@")[0].replace("-", "_").split("_")[0]
    code = code.lower()
    return code if code in LANGUAGES else None


def from_locale(env: Mapping[str, str]) -> str | None:
    """The language the locale variables ask for (`LANGUAGE` may list several)."""
    for name in LOCALE_VARIABLES:
        value = env.get(name)
        if not value:
            continue
        if name == "LANGUAGE":
            for part in value.split(":"):
                if (found := language_of(part)) is not None:
                    return found
            continue
        return language_of(value)  # the first one set decides, as gettext reads them
    return None


def from_config(root: Path) -> str | None:
    """`lang` in the records root's `cdsctl.toml`, if it names a language cdsctl speaks."""
    path = root / "cdsctl.toml"
    if not path.is_file():
        return None
    import tomllib  # (4 ms to import: only when the file is there)

    try:
        with path.open("rb") as handle:
            value = tomllib.load(handle).get("lang")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return language_of(value) if isinstance(value, str) else None


def choose(option: str | None, env: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """(the language, whether it is fixed): `--lang`, `$CDSCTL_LANG`, else the locale (not
    fixed: a records root's `cdsctl.toml` may still choose, see :func:`use_root`)."""
    env = os.environ if env is None else env
    for fixed in (option, env.get("CDSCTL_LANG")):
        if (found := language_of(fixed)) is not None:
            return found, True
    return from_locale(env) or DEFAULT, False


def use(lang: str, fixed: bool = True) -> None:
    """Speak `lang` from now on (loads its catalog: a few milliseconds)."""
    _State.lang, _State.fixed = lang, fixed
    _State.catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def use_root(root: Path) -> None:
    """Let the records root's `cdsctl.toml` choose, unless --lang or $CDSCTL_LANG did."""
    if not _State.fixed and (found := from_config(root)) is not None:
        use(found, fixed=False)


def current() -> str:
    return _State.lang


def chosen() -> tuple[str, bool]:
    """(the current language, whether it is fixed): what :func:`use` takes, to restore it."""
    return _State.lang, _State.fixed


def _(message: str) -> str:
    """`message` in the current language (English when it has no translation)."""
    return _State.catalog.gettext(message)


def N_(message: str) -> str:
    """Marks `message` for the catalog where it is looked up later (a table header)."""
    return message


def n_(singular: str, plural: str, count: int) -> str:
    return _State.catalog.ngettext(singular, plural, count)


class Msg(str):
    """A message in English that keeps its template and arguments, so that it can be shown
    in another language later — after it crossed a process or the cache (:func:`to_wire`).

    It *is* the English text (a `str`): code and tests that read a message read English.
    :func:`localized` gives it in the current language: the template looked up in the
    catalog, each argument that is itself a :class:`Msg` localized too.  Arguments that are
    plain text (a field name, a value as written, a date) are shown as they are.  The
    template is the catalog's message id (`pybabel extract -k Msg`)."""

    template: str
    args: dict[str, object]

    def __new__(cls, template: str, /, **args: object) -> Msg:
        self = super().__new__(cls, template.format(**args) if args else template)
        self.template, self.args = template, args
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (from_wire, (to_wire(self),))


#: what a message is on the wire: the text, or (template, {name: argument on the wire})
Wire = str | tuple[str, dict[str, object]]


def to_wire(message: str) -> Wire:
    """`message` as builtins (marshal and msgspec take them): a plain `str` stays one."""
    if not isinstance(message, Msg):
        return str(message)
    args = {k: to_wire(v) if isinstance(v, str) else v for k, v in message.args.items()}
    return (message.template, args)


def from_wire(wire: object) -> str:
    """The message :func:`to_wire` gave (a :class:`Msg` again, or the text)."""
    if isinstance(wire, str):
        return wire
    template, args = cast(tuple[str, dict[str, object]], wire)
    return Msg(template, **{k: from_wire(v) if isinstance(v, str | tuple | list) else v
                            for k, v in args.items()})  # fmt: skip


def localized(message: str) -> str:
    """`message` in the current language: a :class:`Msg` translated (English when its
    template has no translation), any other text as it is."""
    if not isinstance(message, Msg) or _State.lang == DEFAULT:
        return str(message)
    translated = _State.catalog.gettext(message.template)
    if not message.args:
        return translated  # (as the English: not a format, `'}'` is a brace)
    args = {k: localized(v) if isinstance(v, Msg) else v for k, v in message.args.items()}
    return translated.format(**args)


def templates(message: str) -> list[str]:
    """Every template `message` is made of (its own and its arguments'), for tests."""
    if not isinstance(message, Msg):
        return []
    nested = [t for v in message.args.values() if isinstance(v, str) for t in templates(v)]
    return [message.template, *nested]


#: the record kinds and the mappings inside records, as messages name them
NOUNS = {
    "agency": N_("agency"), "agencies": N_("agencies"), "directive": N_("directive"),
    "task": N_("task"), "report": N_("report"), "meeting": N_("meeting"),
    "indicator": N_("indicator"), "calendar": N_("calendar"), "person": N_("person"),
    "extension": N_("extension"), "cancelled": N_("cancelled"), "report item": N_("report item"),
    "target": N_("target"), "actual": N_("actual"), "attendee": N_("attendee"),
    "discussion item": N_("discussion item"), "due": N_("due"),
}  # fmt: skip


def noun(name: str) -> str:
    """A kind of record or a mapping's name (`task`, `person`) in a message."""
    return Msg(NOUNS[name]) if name in NOUNS else name


def nouns(names: tuple[str, ...] | list[str]) -> str:
    """`agency`, `task or directive`: the kinds a reference may name."""
    out = noun(names[-1])
    for name in reversed(names[:-1]):
        out = Msg("{first} or {rest}", first=noun(name), rest=out)
    return out


def a_noun(names: tuple[str, ...] | list[str]) -> str:
    """`an agency`, `a task or directive` (English articles; the catalog has its own)."""
    if names[0][:1] in "aeiou":
        return Msg("an {noun}", noun=nouns(names))
    return Msg("a {noun}", noun=nouns(names))


def shown_date(day: object) -> str:
    """A date for people: `20/5/2022` in Vietnamese, ISO (`2022-05-20`) in English."""
    text = str(day)
    if _State.lang != "vi" or len(text) != 10 or text[4] != "-" or text[7] != "-":
        return text
    return f"{int(text[8:])}/{int(text[5:7])}/{text[:4]}"


def shown_number(value: float) -> str:
    """A number for people: `52,1` in Vietnamese (a decimal comma), `52.1` in English."""
    text = str(value)
    return text.replace(".", ",") if _State.lang == "vi" and isinstance(value, float) else text


def state_name(state: str) -> str:
    """A task state as people read it: the Vietnamese name, or the id in English."""
    return STATES_VI.get(state, state) if _State.lang == "vi" else state
