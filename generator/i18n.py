"""Every word sopbook writes, in the knowledge base's language, from gettext catalogues.

The catalogues are ``generator/locale/<language>/LC_MESSAGES/sopbook.po`` (edited by people, read by
Babel and by any translation tool) and the ``sopbook.mo`` compiled from each (read here by the standard
library's ``gettext``, which costs a millisecond; parsing the ``.po`` with Babel at every start would
cost 30 ms of every ``sopbook lint``). After editing a ``.po`` file, compile it with::

    pybabel compile -d generator/locale -D sopbook

``tests/test_i18n.py`` fails when a ``.mo`` is older than its ``.po`` or when a message lacks a
translation in some language. A message id is a key (``owner``, ``validate.unknown-person``,
``rule.single-owner.doc``); placeholders are ``str.format`` fields (``{value}``). A third language
is a folder with one more ``sopbook.po``: nothing in the code lists the languages.

Messages are written in one language at a time: the door (the MkDocs plugin, a CLI command) calls
``activate(code)`` with the knowledge base's ``language`` before it validates, lints or renders,
and ``_()`` then speaks that language everywhere below it — as Django and Flask-Babel do, because
threading a language argument through the loader, the schema check and every rule would touch
every function for no gain in clarity. The active language is part of every cache key.
"""
from __future__ import annotations

import datetime as dt
import gettext
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from .errors import ConfigError

DOMAIN = "sopbook"
DEFAULT = "ja"
"""The language of a knowledge base that does not say (sopbook is made for Japanese offices first)."""


def _locale_folder() -> Any:
    return resources.files("generator").joinpath("locale")


def _discover() -> tuple[str, ...]:
    folder = _locale_folder()
    found = sorted(entry.name for entry in folder.iterdir()
                   if entry.is_dir() and entry.joinpath("LC_MESSAGES", f"{DOMAIN}.mo").is_file())
    # The default first: MkDocs' Choice lists them in this order in its error message.
    return tuple(sorted(found, key=lambda code: code != DEFAULT))


LANGUAGES: tuple[str, ...] = _discover()
"""The languages with a compiled catalogue, ``ja`` first."""


class MissingMessage(LookupError):
    """A message id that the catalogue of a language does not have: a bug, caught by the tests."""


@cache
def catalogue(code: str) -> dict[str, str]:
    """Message id → text of one language, read from its compiled ``.mo``."""
    path = _locale_folder().joinpath(code, "LC_MESSAGES", f"{DOMAIN}.mo")
    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    # GNUTranslations keeps its table private; the ids and texts are all that is needed here.
    messages: dict[str, str] = {key: value for key, value in translations._catalog.items()  # type: ignore[attr-defined]
                                if isinstance(key, str) and key}
    return messages


@dataclass(frozen=True)
class Language:
    """The words and date style of one language; ``language.label("owner")``, ``language.date(day)``."""

    code: str

    def label(self, key: str, /, **values: object) -> str:
        """The message ``key`` with ``values`` filled in."""
        try:
            text = catalogue(self.code)[key]
        except KeyError:
            raise MissingMessage(f"message {key!r} is missing from the {self.code!r} catalogue") from None
        return text.format(**values)

    __call__ = label

    def has(self, key: str) -> bool:
        return key in catalogue(self.code)

    def date(self, day: dt.date | None) -> str:
        """``2026年4月1日`` in Japanese, ``April 1, 2026`` in English (CLDR's long date); empty for no date."""
        if not day:
            return ""
        return _format_date(day, self.code)

    def duration(self, text: str | None) -> str:
        """``15m`` → ``15分`` / ``15 min``; text in another form is shown as written."""
        if not text or text[-1:] not in ("m", "h", "d"):
            return text or ""
        number = text[:-1]
        try:
            float(number)
        except ValueError:
            return text
        key = {"m": "minutes", "h": "hours", "d": "days"}[text[-1]]
        return self.label(key, n=number)

    def join(self, items: Any) -> str:
        """Items joined the way the language lists them (``、`` in Japanese, ``, `` in English)."""
        return self.label("list_sep").join(str(item) for item in items)


def _format_date(day: dt.date, code: str) -> str:
    from babel.dates import format_date  # imported when a page needs a date: 25 ms a command saves otherwise

    return str(format_date(day, "long", locale=code))


def language(code: str | None) -> Language:
    """The language for a ``language`` option value (``ja`` when unset)."""
    code = (code or DEFAULT).lower()
    if code not in LANGUAGES:
        raise ConfigError(_("config.language", code=code, languages=", ".join(LANGUAGES)))
    return Language(code)


def from_environment() -> str:
    """The language of the user's locale when sopbook has a catalogue for it, else ``ja``.

    For messages written before (or without) a knowledge base's ``language``: no mkdocs.yml, one that
    cannot be read, or one naming a language sopbook lacks. The variables are gettext's, in gettext's
    order (``LANGUAGE``, a colon-separated list, then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``; the first
    set one counts): ``LANG=en_US.UTF-8`` → en, ``ja_JP.UTF-8`` → ja, ``C``, ``POSIX`` or ``fr_FR`` → ja.
    Read here rather than by ``gettext.find``, which takes ``C.UTF-8`` (the locale of CI runners and
    containers) for American English (Python 3.11's locale aliases).
    """
    value = next((os.environ[name] for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
                  if os.environ.get(name)), "")
    for entry in value.split(":"):
        code = entry.partition(".")[0].partition("@")[0]
        if code in ("C", "POSIX"):
            break
        code = code.partition("_")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT


_active = Language(DEFAULT)


def activate(code: str | None) -> Language:
    """Speak ``code`` (the knowledge base's ``language``) from now on; returns it."""
    global _active  # noqa: PLW0603 - the one language of the process, set by the door (see the module docstring)
    _active = language(code)
    return _active


def active() -> Language:
    """The language messages are written in now."""
    return _active


def _(key: str, /, **values: object) -> str:
    """The message ``key`` in the active language, with ``values`` filled in."""
    return _active.label(key, **values)


def in_every_language(key: str, /, **values: object) -> dict[str, str]:
    """Language code → the message ``key``: for what is built once and shown in any language (a report's title)."""
    return {code: Language(code).label(key, **values) for code in LANGUAGES}
