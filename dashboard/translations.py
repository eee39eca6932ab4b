"""Keeps the gettext catalogues in step with the code (``make translations``).

``python -m dashboard.translations`` extracts every message a person reads:

- the code's ``_("...")``, ``N_("...")`` and ``ngettext("...", "...", n)`` strings in
  ``dashboard/`` (Python) and the report template's ``{{ _("...") }}`` (Jinja);
- the KPI registry's texts (names, definitions, numerators, denominators, notes, policy
  references), which are built from templates in Python and so cannot be found by reading
  the code;

writes ``dashboard/locale/messages.pot`` and merges it into each language's
``messages.po`` (new messages empty, vanished ones marked obsolete), then lists what is
still untranslated. ``--check`` changes nothing and exits with 1 when a message has no
translation (the test suite does the same check).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from dashboard.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALE_DIR

PACKAGE = Path(__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract_python(fileobj, keywords, comment_tags, options):
    """Babel extractor for Python that reads the syntax tree, so a ``_("...")`` inside an
    f-string is found too (Babel's own reads tokens, and an f-string is one token before
    Python 3.12). Yields every call of a keyword with its arguments, as Babel's does; Babel
    picks the message arguments (``KEYWORDS``) and skips calls whose message is a variable
    (translated where it is shown, marked with ``N_`` where it is written)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in keywords or not node.args:
            continue
        values = tuple(
            argument.value
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            else None
            for argument in node.args
        )
        yield node.lineno, node.func.id, values[0] if len(values) == 1 else values, []


METHOD_MAP = [
    ("**/locale/**", "ignore"),
    ("**.py", "dashboard.translations:extract_python"),
    ("templates/**.html", "jinja2"),
]
REGISTRY_ATTRIBUTES = ("name", "definition", "numerator", "denominator", "note", "policy_reference")


def code_messages() -> Iterator[tuple[str | tuple[str, str], str, int]]:
    """(message, file, line) of every marked string in the package."""
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PACKAGE,
        METHOD_MAP,
        keywords=KEYWORDS,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        yield message, f"dashboard/{filename}", lineno


def registry_messages() -> Iterator[tuple[str, str, int]]:
    """(text, origin, 0) of every KPI's texts, as the registry builds them."""
    from dashboard.kpis.registry import KPIS

    for kpi in KPIS:
        for attribute in REGISTRY_ATTRIBUTES:
            text = getattr(kpi, attribute)
            if text:
                yield text, f"registry:{kpi.id}.{attribute}", 0


def cli_messages() -> Iterator[tuple[str, str, int]]:
    """(text, origin, 0) of the command line's help (``intl-kpi ... --help``), as click
    holds it (the ETL's commands are written without markers: the ETL never imports the
    dashboard)."""
    from dashboard.cli import help_texts, main

    for text in help_texts(main):
        yield click.unstyle(text), "cli:intl-kpi --help", 0


def template() -> Catalog:
    """The catalogue template: every message, with where it comes from."""
    catalog = Catalog(project="intl-kpi", domain=DOMAIN, fuzzy=False)
    for message, origin, line in [*code_messages(), *registry_messages(), *cli_messages()]:
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        catalog.add(message, locations=[(origin, line)] if line else [(origin, None)])
    return catalog


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(language: str) -> Catalog:
    path = catalogue_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, project="intl-kpi")
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def untranslated(template_catalog: Catalog, catalog: Catalog) -> list[str]:
    """Messages of the template with no (non-fuzzy) translation in ``catalog``."""
    missing = []
    for message in template_catalog:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        if translated is None or translated.fuzzy:
            missing.append(_key(message.id))
            continue
        strings = (
            translated.string if isinstance(translated.string, tuple) else (translated.string,)
        )
        if not all(strings):
            missing.append(_key(message.id))
    return missing


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, omit_header=False)


def languages() -> Iterable[str]:
    return [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]


@click.command()
@click.option("--check", is_flag=True, help="Change nothing; fail when a message is missing.")
def main(check: bool) -> None:
    """Extract the messages and update every language's catalogue."""
    pot = template()
    failed = False
    if not check:
        write(pot, LOCALE_DIR / f"{DOMAIN}.pot")
    for language in languages():
        catalog = read_catalogue(language)
        if not check:
            catalog.update(pot, update_header_comment=False)
            # Babel guesses fuzzy matches for new messages: a guess is no translation.
            write(catalog, catalogue_path(language))
        missing = untranslated(pot, catalog)
        click.echo(f"{language}: {len(pot)} messages, {len(missing)} untranslated")
        for text in missing[:50]:
            click.echo(f"  - {text[:100]!r}")
        failed = failed or bool(missing)
    if check and failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
