"""Dutch and English (dashboard/i18n.py, dashboard/translations.py): every user-facing string
has a Dutch translation with the same placeholders; no text is translated at import; the
request's language comes from ``?lang=``, the page's URL, the sign-in link or the browser;
numbers and dates follow the language; the shell, the overview, a chart, targets, commentary,
the workbook and the PDF report speak Dutch when asked."""

from __future__ import annotations

import ast
import importlib
import io
import re
from pathlib import Path

import dash
import plotly.graph_objects as go
import pytest
from click.testing import CliRunner
from flask import Flask
from pypdf import PdfReader

from dashboard import board, cache, i18n, runtime, translations
from dashboard.i18n import (
    _,
    format_number,
    format_percent,
    format_timestamp,
    language_for_request,
    language_from_accept,
    plotly_separators,
    use_language,
)
from dashboard.kpis.registry import KPIS, UNIT_SPECS, get_kpi
from dashboard.kpis.targets import read_targets

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "dashboard"
TARGETS = ROOT / "data" / "targets.csv"
COMMENTARY = ROOT / "data" / "commentary.csv"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


# --- the catalogue ------------------------------------------------------------------------


def test_every_user_facing_string_has_a_dutch_translation():
    """``python -m dashboard.translations --check``: the code's marked strings (f-strings
    included), the report template's and the KPI registry's, each translated (no fuzzy
    guesses)."""
    template = translations.template()
    assert len(template) > 400
    missing = translations.untranslated(template, translations.read_catalogue("nl"))
    assert not missing, f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_the_check_command_fails_on_a_missing_translation(tmp_path, monkeypatch):
    result = CliRunner().invoke(translations.main, ["--check"])
    assert result.exit_code == 0, result.output
    assert "0 untranslated" in result.output
    # Without the Dutch catalogue every message is missing, and the check says so.
    monkeypatch.setattr(translations, "catalogue_path", lambda _language: tmp_path / "none.po")
    result = CliRunner().invoke(translations.main, ["--check"])
    assert result.exit_code == 1
    assert "untranslated" in result.output


def test_the_extractor_finds_strings_inside_f_strings_and_templates():
    messages = {message for message, _where, _line in translations.code_messages()}
    assert "University reference, not scored" in messages  # only ever inside an f-string
    assert "Board report: international KPIs" in messages  # the report's Jinja template
    registry = {text for text, _where, _line in translations.registry_messages()}
    assert get_kpi("intl_share_master").definition in registry


def test_translations_keep_their_placeholders():
    catalogue = translations.read_catalogue("nl")
    wrong = [
        (message.id, message.string)
        for message in catalogue
        if message.id
        and isinstance(message.id, str)
        and sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string))
    ]
    assert not wrong, wrong[:5]


def _module_level_gettext(path: Path) -> list[int]:
    """Lines where ``_()`` runs at import (module or class body, decorator, default)."""
    found: list[int] = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def visit_FunctionDef(self, node):  # noqa: N802
            for item in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if item is not None:
                    self.visit(item)
            self.depth += 1
            for statement in node.body:
                self.visit(statement)
            self.depth -= 1

        visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

        def visit_Lambda(self, node):  # noqa: N802
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        def visit_Call(self, node):  # noqa: N802
            if self.depth == 0 and isinstance(node.func, ast.Name) and node.func.id == "_":
                found.append(node.lineno)
            self.generic_visit(node)

    Visitor().visit(ast.parse(path.read_text()))
    return found


def test_no_text_is_translated_at_import():
    """A module-level ``_("...")`` would be frozen in whatever language was active when the
    module was imported: such text is marked with ``N_`` and translated where shown."""
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := _module_level_gettext(path))
    }
    assert not offenders, offenders


def test_the_checker_finds_a_module_level_gettext(tmp_path):
    module = tmp_path / "example.py"
    module.write_text(
        "from dashboard.i18n import _\nTITLE = _('Mobility')\n\ndef f():\n    return _('ok')\n"
    )
    assert _module_level_gettext(module) == [2]


# --- the language of a request ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7", "nl"),
        ("en-GB,en;q=0.9,nl;q=0.8", "en"),
        ("de-DE,de;q=0.9,nl;q=0.5", "nl"),
        ("de-DE,fr;q=0.9", None),
        ("en;q=0.2, nl;q=0.8", "nl"),
        ("nl;q=0", None),
        ("nl;q=abc,en", "en"),
        ("", None),
        ("x" * 100_000, None),
        ("nl," * 50_000, "nl"),
    ],
)
def test_the_browser_language(header, expected):
    assert language_from_accept(header) == expected


def _language(path: str = "/", **headers: str) -> str:
    app = Flask(__name__)
    with app.test_request_context(path, headers=headers):
        from flask import request

        return language_for_request(request)


def test_the_language_of_a_request():
    assert _language("/mobility?lang=nl") == "nl"
    assert _language("/mobility?lang=NL-be") == "nl"
    assert _language("/mobility?lang=en", **{"Accept-Language": "nl"}) == "en"
    # Dash's own requests (layout, callbacks) carry the page's URL in their Referer.
    assert _language("/_dash-layout", Referer="http://x/mobility?faculty=Law&lang=nl") == "nl"
    assert _language("/_dash-layout", Referer="http://x/mobility?lang=xx") == "en"
    # The sign-in page: the language of the page it leads back to.
    assert _language("/login?next=/mobility%3Flang%3Dnl") == "nl"
    # No choice in the URL: the browser's language, else English.
    assert _language("/", **{"Accept-Language": "nl-NL,nl;q=0.9"}) == "nl"
    assert _language("/", **{"Accept-Language": "fr-FR"}) == "en"
    assert _language("/?lang=fr", **{"Accept-Language": "nl"}) == "nl"  # unknown: ignored
    assert _language("/?lang=" + "n" * 10_000) == "en"


def test_use_language_restores_the_previous_one():
    assert i18n.current_language() == "en"
    with use_language("nl"):
        assert _("Mobility") == "Mobiliteit"
        with use_language("en"):
            assert _("Mobility") == "Mobility"
        assert i18n.current_language() == "nl"
    assert i18n.current_language() == "en"
    with use_language("xx"):  # not a language: English
        assert _("Mobility") == "Mobility"


# --- numbers and dates --------------------------------------------------------------------


def test_numbers_and_dates_in_each_language():
    assert format_number(12345.678, 1) == "12,345.7"
    assert format_percent(23.25) == "23.2%"  # Python's rounding, in every language
    assert plotly_separators() == ".,"
    assert format_timestamp("2025-01-31T14:05:09") == "31 January 2025 14:05 UTC"
    with use_language("nl"):
        assert format_number(12345.678, 1) == "12.345,7"
        assert format_number(1234567, 0) == "1.234.567"
        assert format_percent(23.25) == "23,2%"
        assert plotly_separators() == ",."
        assert UNIT_SPECS["percent"].text(23.3) == "23,3%"
        assert UNIT_SPECS["count"].text(12345) == "12.345"
        assert UNIT_SPECS["ratio"].text(0.644) == "0,64"
        assert format_timestamp("2025-01-31T14:05:09") == "31 januari 2025 14:05 UTC"
        assert format_timestamp("2025-01-31 14:05 UTC") == "31 januari 2025 14:05 UTC"
        assert i18n.localised_country_name("DE") == "Duitsland"
    assert i18n.localised_country_name("DE") == "Germany"


# --- targets and commentary in two languages ---------------------------------------------


def test_targets_give_their_label_and_source_in_the_readers_language(tmp_path):
    targets = read_targets(TARGETS)
    master = next(t for t in targets if t.kpi_id == "intl_share_master")
    assert master.describe() == "≥ 23 (Erasmus Policy Statement 2021-27)"
    with use_language("nl"):
        assert master.text("source").startswith("Erasmus Policy Statement 2021-2027 van de")
        eu = next(t for t in targets if t.label.startswith("EU 2030"))
        assert eu.describe() == "≥ 23 in 2030-31 (EU 2030 (Europa in beweging))"
    # A file without the translated columns: the field itself, in every language.
    plain = tmp_path / "targets.csv"
    rows = TARGETS.read_text().splitlines()
    header = rows[0].split(",")
    keep = len(header) - 2
    plain.write_text(
        "\n".join([",".join(header[:keep])] + [_first_fields(row, keep) for row in rows[1:]])
    )
    with use_language("nl"):
        first = read_targets(plain)[0]
        assert first.text("source") == first.source
        assert "Leiden University Erasmus Policy Statement" in first.source


def _first_fields(row: str, count: int) -> str:
    import csv

    values = next(csv.reader([row]))[:count]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def test_commentary_in_the_readers_language_else_any():
    entries = board.read_commentary(COMMENTARY)
    english = board.commentary_for(entries, "intl_share_phd", 2023)
    assert [entry.language for entry in english] == ["en"]
    with use_language("nl"):
        dutch = board.commentary_for(entries, "intl_share_phd", 2023)
        assert [entry.language for entry in dutch] == ["nl"]
        assert dutch[0].byline.endswith("14 maart 2025")
        # Only English written: a Dutch reader still sees it.
        only = [e for e in entries if e.language != "nl"]
        assert [e.language for e in board.commentary_for(only, "intl_share_phd", 2023)] == ["en"]


def test_a_commentary_language_that_is_not_one_is_refused(tmp_path):
    path = tmp_path / "commentary.csv"
    path.write_text(
        "kpi_id,academic_year,scope,text,author,written_on,language\n"
        "intl_share_phd,2023-24,university,Text,Me,2025-01-01,de\n"
    )
    with pytest.raises(board.CommentaryError, match=r"line 2.*'language': expected en or nl"):
        board.read_commentary(path)


# --- the dashboard in Dutch ---------------------------------------------------------------


@pytest.fixture(scope="module")
def dash_app(fixture_database: Path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INTL_KPI_DATABASE", str(fixture_database))
        runtime.settings.cache_clear()
        yield importlib.import_module("app").app
    runtime.settings.cache_clear()


def test_the_page_declares_its_language(dash_app):
    client = dash_app.server.test_client()
    dutch = client.get("/mobility?lang=nl").get_data(as_text=True)
    assert '<html lang="nl">' in dutch and "<title>Internationale KPI's</title>" in dutch
    assert '<html lang="en">' in client.get("/mobility").get_data(as_text=True)
    dutch_browser = client.get("/mobility", headers={"Accept-Language": "nl-NL,nl;q=0.9"})
    assert '<html lang="nl">' in dutch_browser.get_data(as_text=True)


def test_the_shell_is_rendered_in_the_pages_language(dash_app):
    client = dash_app.server.test_client()
    layout = client.get("/_dash-layout", headers={"Referer": "http://localhost/?lang=nl"})
    text = layout.get_data(as_text=True)
    assert "Overzicht" in text and "Mobiliteit" in text and "Netwerken" in text
    assert "Overview" not in text
    english = client.get("/_dash-layout").get_data(as_text=True)
    assert "Overview" in english and "Overzicht" not in english
    # Both languages are offered, each named in itself.
    assert "Nederlands" in text and "English" in text


def test_page_titles_follow_the_language(dash_app):
    (title,) = [
        page["title"] for page in dash.page_registry.values() if page["path"] == "/mobility"
    ]
    assert callable(title)
    with use_language("nl"):
        assert title() == "Mobiliteit · Internationale KPI's"
    assert title() == "Mobility · International KPIs"


def test_language_links_keep_the_page_and_its_selection():
    from dashboard.callbacks.shell import filter_search, language_href

    assert language_href("/mobility", "?faculty=Law&lang=en", "nl") == (
        "/mobility?faculty=Law&lang=nl"
    )
    assert language_href("/", "", "en") == "/?lang=en"
    # The navbar's links carry the language to the next page, with the filters.
    assert filter_search("?faculty=Law&lang=nl&tab=x") == "?faculty=Law&lang=nl"


def _text(component) -> str:
    """Every string in a component tree (children and props), joined."""
    import json

    import plotly

    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


def test_the_overview_in_dutch(published, monkeypatch):
    monkeypatch.setenv("INTL_KPI_TARGETS", str(TARGETS))
    monkeypatch.setenv("INTL_KPI_CACHE", "off")
    runtime.settings.cache_clear()
    from dashboard.callbacks.overview import overview_cards

    english = _text(overview_cards({}))
    with use_language("nl"):
        dutch = _text(overview_cards({}))
    assert "Board summary" in english and "Samenvatting voor het bestuur" in dutch
    assert "Board summary" not in dutch
    name = get_kpi("intl_share_master")
    with use_language("nl"):
        assert name.text("name") in dutch
    assert name.name in english and name.name not in dutch
    # Numbers: a percentage with a decimal comma in Dutch, a point in English.
    assert re.search(r"\d+,\d%", dutch) and not re.search(r"\d+\.\d%", dutch)
    assert re.search(r"\d+\.\d%", english)


def test_a_chart_in_dutch(published, monkeypatch):
    monkeypatch.setenv("INTL_KPI_CACHE", "off")
    runtime.settings.cache_clear()
    from dashboard.callbacks.kpi_cards import chart_content
    from dashboard.pages.mobility import CHARTS

    spec = next(chart for chart in CHARTS if chart.prefix == "mobility-activities")
    with use_language("nl"):
        content = chart_content(spec, {})
    figure = go.Figure(content.figure)
    assert figure.layout.separators == ",."
    names = {trace.name for trace in figure.data}
    assert any(name.startswith("studie") for name in names), names
    english = go.Figure(chart_content(spec, {}).figure)
    assert english.layout.separators == ".,"
    assert any(trace.name.startswith("study") for trace in english.data)


def test_the_cache_keeps_languages_apart(published, monkeypatch):
    monkeypatch.setenv("INTL_KPI_CACHE", "memory")
    runtime.settings.cache_clear()
    english = cache.result_key("chart", {}, chart="x")
    with use_language("nl"):
        dutch = cache.result_key("chart", {}, chart="x")
    assert english != dutch


def test_the_workbook_in_dutch(published, monkeypatch):
    monkeypatch.setenv("INTL_KPI_TARGETS", str(TARGETS))
    runtime.settings.cache_clear()
    from dashboard import exports
    from dashboard.filters_state import FilterState

    with runtime.callback_cursor() as cursor, use_language("nl"):
        content = exports.kpi_workbook(
            cursor, FilterState(basis="nationality"), runtime.query_context(), runtime.targets()
        )
    sheets = exports.read_workbook(content)
    assert list(sheets)[:3] == ["Diversiteit", "Mobiliteit", "Netwerken"]
    assert "Definities" in sheets and "Doelen" in sheets and "Gegevensblad" in sheets


# --- the board report ---------------------------------------------------------------------


def test_the_dutch_board_report_holds_the_summary_and_every_overview_kpi(
    published, tmp_path, monkeypatch
):
    from dashboard.cli import main

    monkeypatch.setenv("INTL_KPI_TARGETS", str(TARGETS))
    monkeypatch.setenv("INTL_KPI_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.delenv("INTL_KPI_SUPPRESSION", raising=False)
    runtime.settings.cache_clear()
    output = tmp_path / "board.pdf"
    result = CliRunner().invoke(
        main, ["report", "--lang", "nl", "--database", str(published), "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(output.read_bytes()))
    flat = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    summary = re.search(
        r"Van de (\d+) doelen: (\d+) behaald, (\d+) op koers, (\d+) in gevaar", flat
    )
    assert summary, flat[:600]
    targeted = {target.kpi_id for target in read_targets(TARGETS)}
    with use_language("nl"):
        names = [kpi.text("name") for kpi in KPIS if kpi.id in targeted]
    for name in names:
        assert name in flat, name
    assert "Mobiliteit" in flat and "Dataversie" in flat
    assert "Definition" not in flat and "Board report" not in flat
    assert re.search(r"\d+,\d%", flat)


def test_the_report_command_refuses_a_language_it_does_not_speak(tmp_path):
    from dashboard.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["report", "--lang", "de", "--output", str(tmp_path / "x.pdf")])
    assert result.exit_code != 0
    help_text = " ".join(runner.invoke(main, ["report", "--help"]).output.split())
    assert "nl (Nederlands)" in help_text


# --- the command line's help --------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"INTL_KPI_LANG": "nl"}, "nl"),
        ({"LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"INTL_KPI_LANG": "nl", "LC_ALL": "C"}, "nl"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_command_lines_language(environ, expected):
    from dashboard.cli import cli_language

    assert cli_language(environ) == expected


def test_the_command_line_help_in_dutch_leaves_the_english_one_alone():
    from dashboard.cli import localised, main

    runner = CliRunner()
    dutch = " ".join(runner.invoke(localised(main, "nl"), ["report", "--help"]).output.split())
    english = " ".join(runner.invoke(main, ["report", "--help"]).output.split())
    assert "Write the board report as PDF" in english
    assert "Write the board report as PDF" not in dutch
    with use_language("nl"):
        assert " ".join(_("The PDF file to write.").split()) in dutch
    # Option names and choices stay as they are typed.
    assert "--lang [en|nl]" in dutch and "--output" in dutch
    # The group's own help and a nested command's too.
    top = runner.invoke(localised(main, "nl"), ["--help"]).output
    assert "Internationalisation KPIs: load data" not in top


def test_a_requests_language_does_not_outlive_it(dash_app):
    client = dash_app.server.test_client()
    client.get("/mobility?lang=nl")
    # The test client ran the request in this thread: the language is forgotten after it.
    assert i18n.current_language() == "en"
    assert _("Mobility") == "Mobility"
