"""Interface translations (Babel/gettext): the languages Aula speaks, the current one, ``_``.

Every learner- and author-facing string in Python is written ``_("...")`` (or ``N_("...")``
where it must stay untranslated until used, e.g. a module-level table) and in templates
``{{ _("...") }}`` / ``{% trans %}``; ``make messages`` extracts them into
``locale/messages.pot``, updates ``locale/<lang>/LC_MESSAGES/messages.po`` and compiles the
``.mo`` files, which are committed (``tests/test_i18n.py`` fails when one is stale).

The current language is a context variable: the web sets it per request (``web/language.py``),
the CLI from the environment (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``). Numbers,
money and relative dates are formatted by Babel for that language ("1.234,5 €", "hace 3 días").
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"
"""The language the strings are written in (and the seed course's)."""

_current: ContextVar[str] = ContextVar("aula_language", default=SOURCE_LANGUAGE)


@functools.cache
def interface_languages() -> tuple[str, ...]:
    """English, then every language with a compiled catalog, e.g. ``("en", "es")``."""
    found = sorted(
        folder.name
        for folder in LOCALE_DIR.iterdir()
        if (folder / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
    )
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``lang`` (the strings as written when there is none)."""
    if lang == SOURCE_LANGUAGE or lang not in interface_languages():
        return _gettext.NullTranslations()
    return Translations.load(LOCALE_DIR, [lang], DOMAIN)


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's language: the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``
    that is set (``es_ES.UTF-8`` and ``es:en`` give ``es``), when Aula speaks it; else English."""
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if not value:
            continue
        for part in value.split(":"):
            lang = part.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            if lang in interface_languages():
                return lang
        return SOURCE_LANGUAGE  # the first one set decides, as gettext does ("C" is English)
    return SOURCE_LANGUAGE


def current_language() -> str:
    return _current.get()


def set_language(lang: str) -> None:
    """Make ``lang`` the current language of this context (a request, a CLI run)."""
    _current.set(lang)


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """``with use_language("es"): ...`` and back to the previous language after."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str, /, **variables: Any) -> str:
    """``message`` in the current language; ``%(name)s`` placeholders filled from ``variables``."""
    text = translations(_current.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, /, **variables: Any) -> str:
    """The singular or plural form for ``n`` in the current language; ``%(num)s`` is ``n``."""
    text = translations(_current.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def gettext_raw(message: str) -> str:
    """For Jinja's i18n extension (newstyle): it fills and escapes the placeholders itself."""
    return translations(_current.get()).gettext(message)


def ngettext_raw(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for extraction only; pass it to ``_`` where it is shown."""
    return message


@functools.cache  # a few languages; Locale.parse per call was ~2.5% of a page's CPU
def language_name(lang: str) -> str:
    """A language's name in itself, capitalised: "English", "Español"."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (ValueError, UnknownLocaleError):
        return lang
    return name[:1].upper() + name[1:]


def _locale() -> str:
    return _current.get()


def format_number(value: float, *, digits: int | None = None) -> str:
    """1234.5 -> "1,234.5" in English, "1234,5" in Spanish (Babel: CLDR's rules)."""
    if digits is None:
        return babel_numbers.format_decimal(value, locale=_locale())
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale())


@functools.cache
def _percent_pattern(locale: str, digits: int) -> str:
    pattern: str = Locale.parse(locale).percent_formats[None].pattern.split(";")[0]
    if digits > 0:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return pattern


def format_percent(fraction: float, *, digits: int = 0) -> str:
    """0.8 -> "80%" in English, "80 %" in Spanish."""
    locale = _locale()
    pattern = _percent_pattern(locale, digits)
    return babel_numbers.format_percent(fraction, format=pattern, locale=locale)


def format_money(value: float, currency: str = "USD", *, cents: bool | None = None) -> str:
    """$1,234.50 / 1234,50 US$, 1.234,5 € ... Cents shown under 100 unless ``cents`` says."""
    show_cents = abs(value) < 100 if cents is None else cents
    return babel_numbers.format_currency(
        value,
        currency,
        locale=_locale(),
        currency_digits=show_cents,
        format=None if show_cents else _whole_pattern(),
    )


@functools.cache
def _whole_pattern_for(lang: str) -> str:
    pattern: str = Locale.parse(lang).currency_formats["standard"].pattern
    return pattern.split(";")[0].replace(".00", "")


def _whole_pattern() -> str:
    return _whole_pattern_for(_locale())


def format_ago(moment: dt.datetime, now: dt.datetime | None = None) -> str:
    """A past moment as "3 days ago" / "hace 3 días"; a future one as "in 3 days"."""
    now = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:  # the store's times are UTC
        moment = moment.replace(tzinfo=dt.UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.UTC)
    return babel_dates.format_timedelta(
        moment - now, add_direction=True, threshold=1, locale=_locale()
    )


def format_duration(delta: dt.timedelta) -> str:
    """A length of time: "3 days" / "3 días"."""
    return babel_dates.format_timedelta(delta, threshold=1, locale=_locale())


def format_date(day: dt.date | str, *, style: str = "medium") -> str:
    """A date as the language writes it: "Nov 30, 2026" / "30 nov 2026" (an ISO date string
    is read first; any other text is returned as it is)."""
    if isinstance(day, str):
        try:
            parsed = dt.date.fromisoformat(day)
        except ValueError:
            return day
    else:
        parsed = day
    return babel_dates.format_date(parsed, format=style, locale=_locale())


def format_datetime(moment: dt.datetime, *, style: str = "medium") -> str:
    """A moment in UTC as the language writes it: "Nov 30, 2026, 1:05 PM" / "30 nov 2026, 13:05"."""
    return babel_dates.format_datetime(moment, format=style, tzinfo=dt.UTC, locale=_locale())
