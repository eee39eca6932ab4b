"""The board summary, change since last year and commentary (issue 13, part 2).

Hand-computed series for the pure functions of ``dashboard.board``; the overview callback
called directly on the fixture database for what the page shows: the summary's counts are
the statuses on the cards, and commentary from the file appears on its card as text.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

import app  # noqa: F401 (the Dash app: asset URLs need it)
from dashboard import board, runtime
from dashboard.callbacks.overview import update_overview
from dashboard.components.overview import change_line, commentary_block
from dashboard.filters_state import FilterState, with_defaults
from dashboard.kpis import query
from dashboard.kpis import status as kpi_status
from dashboard.kpis.table import STATUS, kpi_table
from dashboard.kpis.targets import Target, read_targets
from dashboard.queries.filters import filter_options
from tests.dashboard.fixture_database import FIXTURE_SUPPRESSION

ROOT = Path(__file__).resolve().parents[2]
HEADER = "kpi_id,academic_year,scope,text,author,written_on\n"


def _rows(values: dict[int, float | None], *, suppressed=(), method="graduates") -> pd.DataFrame:
    years = sorted(values)
    return pd.DataFrame(
        {
            query.KPI_ID: ["intl_share_master"] * len(years),
            query.ACADEMIC_YEAR: years,
            query.VALUE: [math.nan if values[y] is None else values[y] for y in years],
            query.SUPPRESSED: [y in suppressed for y in years],
            query.PROVISIONAL: [y == years[-1] for y in years],
            query.METHOD: [method] * len(years),
        }
    )


# --- change since the previous year --------------------------------------------------


def test_change_of_a_share_is_in_percentage_points_with_an_arrow():
    # 2022-23 is provisional: the card's year is 2021-22 (25.5%), compared with 2020-21.
    rows = _rows({2020: 23.0, 2021: 25.5, 2022: 30.0})
    year, value, provisional, _method = board.card_year(rows)
    assert (year, value, provisional) == (2021, 25.5, False)
    change = board.change_since_previous_year(rows, year, "percent")
    assert change.difference == pytest.approx(2.5)
    assert change.value_text == "+2.5 pp"
    assert change.text == "↑ +2.5 pp since 2020-21"
    fall = board.change_since_previous_year(_rows({2020: 23.0, 2021: 21.75}), 2021, "percent")
    assert fall.text == "↓ −1.2 pp since 2020-21"  # -1.25 rounds to 1.2 (banker's)
    flat = board.change_since_previous_year(_rows({2020: 23.0, 2021: 23.0}), 2021, "percent")
    assert flat.direction == "flat" and flat.text == "→ 0.0 pp since 2020-21"


def test_change_of_a_count_is_a_whole_number():
    change = board.change_since_previous_year(_rows({2020: 118, 2021: 122}), 2021, "count")
    assert change.text == "↑ +4 since 2020-21"


def test_change_is_not_available_when_the_previous_year_is_withheld():
    rows = _rows({2020: None, 2021: 25.0}, suppressed=(2020,))
    change = board.change_since_previous_year(rows, 2021, "percent")
    assert change.difference is None and change.direction is None
    assert change.text == "n/a: 2020-21 withheld"
    line = change_line(change)
    assert "n/a: 2020-21 withheld" in str(line) and line.to_plotly_json()["props"][
        "data-change"
    ] == ("none")
    # A first year has nothing to compare with.
    first = board.change_since_previous_year(_rows({2021: 25.0}), 2021, "percent")
    assert first.text == "n/a: 2020-21 not in the data"


def test_change_is_not_available_across_methods():
    rows = pd.concat(
        [
            _rows({2020: 20.0}, method=query.METHOD_PARTICIPATION_FALLBACK),
            _rows({2021: 22.0}),
        ],
        ignore_index=True,
    )
    assert board.change_since_previous_year(rows, 2021, "percent").difference is None


# --- summary groups -----------------------------------------------------------------


def test_at_risk_is_fair_limited_no_change_deterioration_or_missed():
    at_risk = {s for s in kpi_status.STATUSES if board.status_group(s) == board.AT_RISK}
    assert at_risk == {
        kpi_status.FAIR,
        kpi_status.LIMITED,
        kpi_status.NO_CHANGE,
        kpi_status.DETERIORATION,
        kpi_status.MISSED_BY,
    }
    assert board.status_group(kpi_status.ACHIEVED_BY) == board.ACHIEVED
    assert board.status_group(kpi_status.NO_TARGET) is None
    for words in ("fair progress", "limited progress", "no change", "deterioration", "missed"):
        assert words in board.AT_RISK_DEFINITION


def _target(value: float, kind: str, year: int, baseline: int) -> Target:
    return Target("intl_share_master", "university", "", ">=", value, kind, year, baseline,
                  None, "T", "source")  # fmt: skip


def test_summary_counts_each_target_of_each_kpi():
    # 2019: 20%, 2020: 21%, 2021: 25% (complete), 2022 provisional. Scored at 2021:
    # >= 23 to maintain: achieved; >= 30 by 2030 from 2019: needs (30/20)^(1/11) - 1 = 3.8%
    # a year, observed (25/20)^(1/2) - 1 = 11.8% -> on track; >= 25 by 2020: 2020's 21%
    # -> missed by 2020-21.
    rows = _rows({2019: 20.0, 2020: 21.0, 2021: 25.0, 2022: 26.0})
    rows[board.NAME] = "International master's students"
    rows[board.SCOPE] = "university"
    targets = [
        _target(23, "maintain", 2027, 2019),
        _target(30, "reach", 2030, 2019),
        _target(25, "reach", 2020, 2019),
    ]
    (item,) = board.board_kpis(rows, targets, FilterState())
    assert [s.progress.status for s in item.statuses] == [
        kpi_status.ACHIEVED,
        kpi_status.ON_TRACK,
        kpi_status.MISSED_BY,
    ]
    summary = board.summarise([item])
    assert summary.counts() == {"achieved": 1, "on_track": 1, "at_risk": 1, "not_scored": 0}
    assert summary.text == "Of 3 targets: 1 achieved, 1 on track, 1 at risk."


# --- commentary file ----------------------------------------------------------------


def _write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "commentary.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_commentary_file_is_read_with_defaults(tmp_path):
    path = _write(
        tmp_path,
        "# example lines are skipped,,,,,\n"
        'intl_share_master,2023-24,,"Held, again.",A. Jansen,2025-03-14\n'
        "intl_share_master,2023,faculty  Law,Law's own view,B. Smit,2025-03-15\n",
    )
    first, second = board.read_commentary(path)
    assert first == board.Commentary(
        "intl_share_master", 2023, "university", "Held, again.", "A. Jansen", date(2025, 3, 14)
    )
    assert second.scope == "faculty Law"
    assert board.commentary_for([first, second], "intl_share_master", 2023) == [first]
    assert board.commentary_for([first, second], "intl_share_master", 2022) == []
    assert board.read_commentary(tmp_path / "absent.csv") == []


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ("no_such_kpi,2023-24,,text,A,2025-01-01", "kpi_id", "a KPI id"),
        ("intl_share_master,next year,,text,A,2025-01-01", "academic_year", "2023-24"),
        ("intl_share_master,2023-24,department X,text,A,2025-01-01", "scope", "faculty <name>"),
        ("intl_share_master,2023-24,,,A,2025-01-01", "text", "the commentary"),
        ("intl_share_master,2023-24,,text,,2025-01-01", "author", "who wrote it"),
        ("intl_share_master,2023-24,,text,A,14-03-2025", "written_on", "YYYY-MM-DD"),
        ("intl_share_master,2023-24,,%s,A,2025-01-01" % ("x" * 601), "text", "at most 600"),
    ],
)
def test_commentary_errors_name_the_line_and_field(tmp_path, line, field, expected):
    path = _write(tmp_path, "intl_share_master,2023-24,,fine,A,2025-01-01\n" + line + "\n")
    with pytest.raises(board.CommentaryError) as error:
        board.read_commentary(path)
    message = str(error.value)
    assert "entry on line 3" in message and f"field {field!r}" in message
    assert expected in message


def test_commentary_file_errors_on_missing_columns_and_unquoted_commas(tmp_path):
    with pytest.raises(board.CommentaryError, match="missing column.*written_on"):
        board.read_commentary(_write(tmp_path, "", header="kpi_id,academic_year,text,author\n"))
    with pytest.raises(board.CommentaryError, match="line 2: more fields than columns"):
        board.read_commentary(_write(tmp_path, "intl_share_master,2023,,a, b,A,2025-01-01\n"))


def test_the_example_commentary_file_reads():
    entries = board.read_commentary(ROOT / "data" / "commentary.csv", missing_ok=False)
    assert entries
    # Each marked as an example, in its own language.
    marks = {"en": "EXAMPLE", "nl": "VOORBEELD"}
    assert all(entry.text.startswith(marks[entry.language]) for entry in entries)
    assert {entry.language for entry in entries} == {"en", "nl"}


def test_commentary_is_text_never_markup():
    text = '<script>alert(1)</script> <b>bold</b> & "quoted"'
    entry = board.Commentary("intl_share_master", 2023, "university", text, "<i>me</i>",
                             date(2025, 1, 1))  # fmt: skip
    quote = commentary_block(entry).children[0]
    # A string child: React renders it as text, never as HTML.
    assert quote.children.children == text
    assert board.escaped(text) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;"
    )


def test_long_commentary_is_shortened_on_the_card():
    text = "word " * 100
    short = board.short_text(text.strip())
    assert len(short) <= board.CARD_TEXT_LENGTH and short.endswith("word…")
    entry = board.Commentary("intl_share_master", 2023, "university", text.strip(), "A",
                             date(2025, 1, 1))  # fmt: skip
    quote = commentary_block(entry).children[0]
    assert quote.title == text.strip()  # the whole text on hover


# --- the overview page ----------------------------------------------------------------


def _walk(node: Any):
    """Every component (as its plotly JSON props) in a callback's output."""
    if isinstance(node, list | tuple):
        for child in node:
            yield from _walk(child)
        return
    if hasattr(node, "to_plotly_json"):
        node = node.to_plotly_json()
    if isinstance(node, dict) and "props" in node:
        yield node["props"]
        yield from _walk(node["props"].get("children"))


def _card_groups(sections: list) -> dict[str, int]:
    counts: dict[str, int] = {}
    for props in _walk(sections):
        group = props.get("data-summary-group")
        if group:
            counts[group] = counts.get(group, 0) + 1
    return counts


def _summary_counts(sections: list) -> dict[str, int]:
    return {
        props["id"].removeprefix("overview-summary-"): int(props["data-count"])
        for props in _walk(sections)
        if str(props.get("id", "")).startswith("overview-summary-") and "data-count" in props
    }


@pytest.fixture
def commentary(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "commentary.csv"
    path.write_text(HEADER, encoding="utf-8")
    monkeypatch.setenv("INTL_KPI_COMMENTARY", str(path))
    monkeypatch.setenv("INTL_KPI_CACHE", "off")
    runtime.settings.cache_clear()
    yield path
    runtime.settings.cache_clear()


@pytest.mark.parametrize(
    "selection",
    [FilterState(), FilterState(2015, 2020), FilterState(faculties=("Law",))],
    ids=["default", "2015-2020", "Law"],
)
def test_summary_counts_equal_the_statuses_on_the_cards(published, commentary, selection):
    sections = update_overview(selection.to_dict())
    on_cards = _card_groups(sections)
    summary = _summary_counts(sections)
    # Law has no targets of its own: nothing scored, the summary says so.
    assert (sum(summary.values()) > 0) == (not selection.faculties)
    if selection.faculties:
        assert "No targets are set for this selection" in str(sections)
    for group, count in summary.items():
        assert on_cards.get(group, 0) == count, group
    # Every scored status on a card is counted, not-enough-data shown only when present.
    assert sum(on_cards.get(group, 0) for group in board.SUMMARY_GROUPS) == sum(summary.values())


def test_the_first_target_status_is_the_kpi_tables_status(published):
    targets = read_targets(ROOT / "data" / "targets.csv")
    connection = duckdb.connect(str(published), read_only=True)
    try:
        cursor = connection.cursor()
        state = with_defaults(FilterState(), filter_options(cursor))
        context = query.QueryContext(suppression=FIXTURE_SUPPRESSION)
        table = kpi_table(cursor, state, context, targets, kpi_ids=[t.kpi_id for t in targets])
    finally:
        connection.close()
    kpi_ids = list(dict.fromkeys(t.kpi_id for t in targets))
    items = board.board_kpis(table, targets, state, kpi_ids)
    assert [item.kpi_id for item in items] == kpi_ids
    # ects_recognition_rate has no rows in the fixture: no value, not enough data.
    assert [item for item in items if item.year is None][0].statuses[0].group == "not_scored"
    for item in (item for item in items if item.year is not None):
        row = table[
            (table[query.KPI_ID] == item.kpi_id) & (table[query.ACADEMIC_YEAR] == item.year)
        ]
        assert item.statuses[0].progress.status == row[STATUS].iloc[0], item.kpi_id


def test_commentary_appears_on_its_card_and_a_new_file_is_read(published, commentary):
    sections = update_overview(FilterState().to_dict())
    assert "kpi-commentary" not in str(sections)
    # The card's year: the latest complete year in the fixture.
    card_year = next(
        props["children"]
        for props in _walk(sections)
        if props.get("className", "").startswith("kpi-year")
    ).strip()
    commentary.write_text(
        HEADER
        + f"intl_share_master,{card_year},,Held above the floor <again>.,"
        + "A. Jansen (policy officer),2025-03-14\n"
        + "intl_share_master,2001-02,,An old year's note.,B,2002-01-01\n",
        encoding="utf-8",
    )
    text = str(update_overview(FilterState().to_dict()))
    assert "Held above the floor <again>." in text
    assert "A. Jansen (policy officer)" in text and "14 March 2025" in text
    assert "An old year's note" not in text


def test_a_broken_commentary_file_keeps_the_figures_and_names_the_line(published, commentary):
    commentary.write_text(HEADER + "intl_share_master,2023-24,,text,A,March\n", encoding="utf-8")
    sections = update_overview(FilterState().to_dict())
    text = str(sections)
    assert "overview-commentary-error" in text and "line 2" in text and "written_on" in text
    assert "overview-card-intl_share_master" in text


def test_the_print_sparkline_scales_and_draws_series_and_targets():
    import base64

    from dashboard.components.overview import CardData, print_sparkline
    from dashboard.kpis.registry import get_kpi

    rows = _rows({2019: 10.0, 2020: None, 2021: 20.0, 2022: 25.0})
    target = _target(15, "maintain", 2027, 2019)
    data = CardData(get_kpi("intl_share_master"), rows, 2021, 20.0, False,
                    [(target, kpi_status.Progress(kpi_status.ACHIEVED))], "graduates")  # fmt: skip
    image = print_sparkline(data)
    svg = base64.b64decode(image.src.split(",", 1)[1]).decode()
    # Scales with the printed card (no fixed pixel size), lines keep their width.
    assert 'viewBox="0 0 300 70"' in svg and 'preserveAspectRatio="none"' in svg
    # 2020 has no value: 2019 alone is a dot, 2021-2022 a line (x = 4 + 2 x 292/3) ending at
    # the right edge.
    # Range 0 to 25 x 1.05 = 26.25 over 62 px: 25 -> 4 + 62 x (1 - 25/26.25) = 6.95.
    assert '<polyline points="198.67,' in svg and "296.0,6.95" in svg
    assert svg.count("<circle") == 1
    # The target at 15: 4 + 62 x (1 - 15/26.25) = 30.57, dashed.
    assert 'y1="30.57"' in svg and 'stroke-dasharray="4 3"' in svg
    assert image.alt == "" and image.className == "kpi-sparkline-print"
