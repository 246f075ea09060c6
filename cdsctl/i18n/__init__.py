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


def shown_date(day: object) -> str:
    """A date for people: `20/5/2022` in Vietnamese, ISO (`2022-05-20`) in English."""
    text = str(day)
    if _State.lang != "vi" or len(text) != 10 or text[4] != "-" or text[7] != "-":
        return text
    return f"{int(text[8:])}/{int(text[5:7])}/{text[:4]}"


def state_name(state: str) -> str:
    """A task state as people read it: the Vietnamese name, or the id in English."""
    return STATES_VI.get(state, state) if _State.lang == "vi" else state
