"""Dutch and English: gettext catalogues (Babel), the language of the current request, and
numbers and dates in that language's format.

Text is written in English in the code and translated where it is shown::

    from dashboard.i18n import N_, _

    TITLE = N_("Mobility")  # module level: only marked, still English

    def heading() -> str:
        return _(TITLE)  # translated when shown, in the request's language

``_`` translates at call time, so a module-level ``_("...")`` would freeze the text in the
language that happened to be active at import: module-level text uses ``N_`` (a marker the
extractor finds) and is passed through ``_`` where it is shown
(``tests/dashboard/test_i18n.py`` fails on a module-level ``_``).

The catalogue is ``dashboard/locale/nl/LC_MESSAGES/messages.po``, read as it is (no compiled
``.mo`` to forget); ``python -m dashboard.translations`` re-extracts the messages (the code's
``_``/``N_``/``ngettext`` strings and the KPI registry's texts) and updates it.

Which language a request gets (:func:`language_for_request`): ``?lang=`` in the page's URL,
which Dash's own requests carry in their ``Referer`` (the server sends
``Referrer-Policy: same-origin``, so the browser sends the full URL to this server only);
else the browser's ``Accept-Language``; else English. Outside a request (CLI, report, tests)
:func:`use_language` sets it.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import io
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol, get_group_symbol
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
# Languages a person can choose, in the switch's order, each named in itself.
LANGUAGES = {"en": "English", "nl": "Nederlands"}
DEFAULT_LANGUAGE = "en"
# The CLDR locale whose number and date formats each language uses: British English, as the
# interface is written ("programme", "12 November 2025").
FORMAT_LOCALES = {"en": "en_GB", "nl": "nl_NL"}
QUERY_KEY = "lang"
# Longest Accept-Language header read (browsers send ~50 characters; a hostile one is cut).
MAX_ACCEPT_LANGUAGE = 512

_current: ContextVar[str | None] = ContextVar("intl_kpi_language", default=None)


def N_(text: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks ``text`` for the catalogue without translating it (module-level text)."""
    return text


def checked_language(value: object) -> str | None:
    """``value`` if it names a supported language (``'nl'``, ``'NL'``, ``'nl-BE'``)."""
    if not isinstance(value, str) or len(value) > 35:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else None


def current_language() -> str:
    """The language text is shown in now."""
    return _current.get() or DEFAULT_LANGUAGE


def set_language(language: str | None) -> None:
    """Sets the language for the rest of this request or thread (``None``: the default)."""
    _current.set(checked_language(language))


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Shows text in ``language`` within the block (the CLI, the report, tests)."""
    token = _current.set(checked_language(language) or DEFAULT_LANGUAGE)
    try:
        yield current_language()
    finally:
        _current.reset(token)


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language`` (English: the text itself). Fuzzy entries (machine
    guesses awaiting review) are not used."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def _(text: str) -> str:
    """``text`` in the current language (itself when the catalogue lacks it)."""
    if not text:
        return text
    return translations(current_language()).gettext(text)


def lazy(text: str) -> Callable[..., str]:
    """``text`` translated each time it is called (for ``dash.register_page(title=...)``,
    which Dash calls per request)."""

    def translated(**_path_variables: object) -> str:
        return _(text)

    return translated


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the current language."""
    return translations(current_language()).ngettext(singular, plural, count)


# Numbers and dates -----------------------------------------------------------------------


def separators(language: str | None = None) -> tuple[str, str]:
    """The decimal and thousands separators of ``language`` (current by default)."""
    locale = _format_locale(language)
    return get_decimal_symbol(locale), get_group_symbol(locale)


def plotly_separators(language: str | None = None) -> str:
    """plotly's ``layout.separators`` (decimal then thousands): ``'.,'`` or ``',.'``."""
    decimal, group = separators(language)
    return decimal + group


def localise_number_text(text: str, language: str | None = None) -> str:
    """A number written the Python way (``'12,345.6'``) in the language's format
    (``'12.345,6'`` in Dutch). Rounding stays Python's, so every language shows the same
    digits."""
    decimal, group = separators(language)
    if (decimal, group) == (".", ","):
        return text
    return text.translate(str.maketrans({",": group, ".": decimal}))


def format_number(value: float, decimals: int = 0, grouping: bool = True) -> str:
    """``value`` with ``decimals`` decimals in the current language's format."""
    thousands = "," if grouping else ""
    return localise_number_text(f"{value:{thousands}.{decimals}f}")


def format_percent(value: float, decimals: int = 1) -> str:
    """A percentage given in percent (``23.3``) as ``'23.3%'`` / ``'23,3%'``."""
    return format_number(value, decimals, grouping=False) + "%"


def d3_formatter(specifier: str) -> str:
    """An AG Grid ``valueFormatter`` function writing ``params.value`` with the d3 format
    ``specifier`` in the current language (dash-ag-grid exposes d3-format as ``d3``)."""
    decimal, group = separators()
    locale = f"{{decimal: '{decimal}', thousands: '{group}', grouping: [3], currency: ['', '']}}"
    return (
        f"params.value == null ? '' : d3.formatLocale({locale}).format('{specifier}')(params.value)"
    )


def format_date(value: date, language: str | None = None) -> str:
    """``31 January 2025`` / ``31 januari 2025``."""
    return _babel_format_date(value, format="long", locale=_format_locale(language))


def format_datetime(value: datetime, language: str | None = None) -> str:
    """``31 January 2025, 14:05`` / ``31 januari 2025 14:05`` (no time zone conversion)."""
    return _babel_format_datetime(value, format="d MMMM y HH:mm", locale=_format_locale(language))


def _format_locale(language: str | None) -> str:
    return FORMAT_LOCALES.get(language or current_language(), "en_GB")


def localised_country_name(alpha2: str, language: str | None = None) -> str:
    """A country's short name in the current language (CLDR's, through Babel; English from
    ``etl.countries`` and for codes CLDR lacks)."""
    from etl.countries import country_name

    locale = language or current_language()
    if locale != DEFAULT_LANGUAGE:
        name = _territories(locale).get(alpha2.upper())
        if name:
            return name
    return country_name(alpha2)


@functools.cache
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def format_timestamp(text: str) -> str:
    """A UTC time as the data writes it (``2025-01-31T14:05:09``, ``2025-01-31 14:05 UTC``)
    in the current language: ``31 januari 2025 14:05 UTC``; other text as it is."""
    try:
        moment = datetime.fromisoformat(text.strip().removesuffix("UTC").strip()[:19])
    except ValueError:
        return text[:60]
    return format_datetime(moment) + " UTC"


# Requests --------------------------------------------------------------------------------


def language_from_query(query: str | None) -> str | None:
    """The ``lang`` of a query string (``'?lang=nl&faculty=Law'``), if valid."""
    if not query:
        return None
    for key, value in parse_qsl(query.lstrip("?")[:4096]):
        if key == QUERY_KEY:
            return checked_language(value)
    return None


def language_from_accept(header: str | None) -> str | None:
    """The best supported language of an ``Accept-Language`` header."""
    if not header:
        return None
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header[:MAX_ACCEPT_LANGUAGE].split(",")[:20]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = checked_language(tag)
        if language and quality > 0:
            choices.append((-quality, position, language))
    return min(choices)[2] if choices else None


def language_for_request(request) -> str:
    """The language of a Flask request: ``?lang=`` of the request, then of the page that
    sent it (``Referer``), then ``Accept-Language``, then English."""
    from_url = checked_language(request.args.get(QUERY_KEY))
    if from_url:
        return from_url
    # The sign-in page: the language of the page it leads back to.
    from_next = language_from_query(urlsplit(str(request.args.get("next", ""))[:8192]).query)
    if from_next:
        return from_next
    # Only a language is read from it, so a forged Referer can only change the sender's own
    # language (no origin check: behind a proxy the scheme seen here may differ).
    referrer = request.headers.get("Referer", "")
    if referrer:
        from_page = language_from_query(urlsplit(referrer[:8192]).query)
        if from_page:
            return from_page
    return language_from_accept(request.headers.get("Accept-Language")) or DEFAULT_LANGUAGE


def install(server) -> None:
    """Sets each request's language before it is handled (Flask ``before_request``) and
    forgets it afterwards, so it never carries over to whatever the thread does next (a
    test client runs the app in the caller's thread)."""
    from flask import request

    @server.before_request
    def _language_of_request() -> None:
        set_language(language_for_request(request))

    @server.teardown_request
    def _forget_language(_error: BaseException | None = None) -> None:
        set_language(None)


def html_language() -> str:
    """The ``lang`` attribute of the page (BCP 47)."""
    return str(Locale.parse(current_language()).language)
