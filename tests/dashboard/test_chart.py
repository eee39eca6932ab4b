"""The chart card's builders: mandatory graph config, table rows, downloads that hold exactly
the plotted numbers, and a data sheet that says what they are."""

from __future__ import annotations

import base64
import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard import ids
from dashboard.components.chart import (
    ChartColumn,
    ChartContent,
    DataSheet,
    chart_card,
    chart_outputs,
    csv_bytes,
    download_csv,
    download_excel,
    excel_bytes,
    generated_at,
    graph_config,
    render_chart,
    table_columns,
    table_rows,
    trend_sentence,
)
from dashboard.figures.theme import COLORWAY, OKABE_ITO, TEMPLATE

COLUMNS = (
    ChartColumn("academic_year_label", "Academic year", "year"),
    ChartColumn("faculty", "Faculty", "text"),
    ChartColumn("numerator", "International students", "count"),
    ChartColumn("denominator", "All students", "count"),
    ChartColumn("rate", "Share international", "rate"),
    ChartColumn("provisional", "Provisional", "flag"),
)
FRAME = pd.DataFrame(
    {
        "academic_year_label": ["2022-23", "2023-24", "2024-25"],
        "faculty": ["Law", "Law", 'Universität & Co, "quoted"'],
        "numerator": np.array([23, 41, None], dtype="float64"),
        "denominator": [100, 164, 3],
        "rate": [0.23, 0.25, np.nan],
        "provisional": [False, False, True],
    }
)
SHEET = DataSheet(
    measure="International share, master",
    kpi_id="intl_share_master",
    definition="international degree students / all degree students, master",
    numerator="international master students",
    denominator="all master students",
    unit="share",
    filters="2022-23 to 2024-25 · faculty Law · all programmes · master",
    basis="nationality",
    suppression="duo",
    data_version="7",
    published_at="2025-01-31 14:05 UTC",
    generated_at="2025-02-01 09:00 UTC",
    provisional_years=("2024-25",),
    notes=("2024-25 denominator below 5: rate withheld",),
)


def _content(frame: pd.DataFrame = FRAME) -> ChartContent:
    figure = go.Figure(go.Bar(x=frame["academic_year_label"], y=frame["rate"]))
    return ChartContent(
        title="International share, master — 2022-23 to 2024-25 · faculty Law",
        figure=figure,
        frame=frame,
        columns=COLUMNS,
        summary="The share rose from 23.0% in 2022-23 to 25.0% in 2023-24.",
        data_sheet=SHEET,
        empty_message="No master students in this selection.",
        filename="intl-share-master",
    )


def test_graph_config_keeps_everything_on_the_app_host():
    config = graph_config("/kpi/assets/topojson/")
    assert config["showSendToCloud"] is False
    assert config["displaylogo"] is False
    assert config["topojsonURL"] == "/kpi/assets/topojson/"
    assert config["toImageButtonOptions"]["format"] == "png"
    assert "toImage" not in config.get("modeBarButtonsToRemove", [])


def _find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    if children is None:
        return None
    for child in children if isinstance(children, list | tuple) else [children]:
        found = _find(child, component_id)
        if found is not None:
            return found
    return None


def test_the_card_graph_has_the_mandatory_config():
    card = chart_card("intl-share-master", "Heading", topojson_url="/assets/topojson/")
    graph = _find(card, ids.chart_graph("intl-share-master"))
    assert graph.config["showSendToCloud"] is False
    assert graph.config["displaylogo"] is False
    assert graph.config["topojsonURL"] == "/assets/topojson/"
    assert graph.responsive is True
    for make_id in (ids.chart_download_csv, ids.chart_download_excel, ids.chart_download):
        assert _find(card, make_id("intl-share-master")) is not None


def test_render_chart_fills_every_output():
    values = render_chart(_content())
    assert len(values) == len(chart_outputs("any"))
    title, figure, style, empty_text, empty_hidden, columns, rows, summary, *disabled = values
    assert title.startswith("International share, master")
    assert "display" not in style
    assert (empty_text, empty_hidden) == ("", True)
    assert [c["field"] for c in columns] == [c.field for c in COLUMNS]
    assert rows[0]["numerator"] == 23 and rows[2]["numerator"] is None
    assert summary.startswith("The share rose")
    assert disabled == [False, False]
    assert figure.data[0].type == "bar"


def test_an_empty_selection_explains_instead_of_drawing_axes():
    values = render_chart(_content(FRAME.iloc[0:0]))
    _title, figure, style, empty_text, empty_hidden, _cols, rows, summary, *disabled = values
    assert style["display"] == "none"
    assert empty_text == "No master students in this selection."
    assert empty_hidden is False
    assert rows == [] and summary == ""
    assert disabled == [True, True]
    assert go.Figure(figure).layout.xaxis.visible is False


def test_table_rows_are_json_ready():
    rows = table_rows(FRAME, COLUMNS)
    assert rows[2] == {
        "academic_year_label": "2024-25",
        "faculty": 'Universität & Co, "quoted"',
        "numerator": None,
        "denominator": 3,
        "rate": None,
        "provisional": True,
    }
    assert type(rows[0]["denominator"]) is int
    dates = pd.DataFrame({"when": [pd.Timestamp("2025-01-31 14:05")]})
    assert table_rows(dates) == [{"when": "2025-01-31 14:05:00"}]


def test_table_columns_format_by_kind():
    definitions = {d["field"]: d for d in table_columns(COLUMNS)}
    assert definitions["rate"]["type"] == "rightAligned"
    assert "%" in definitions["rate"]["valueFormatter"]["function"]
    assert "valueFormatter" not in definitions["faculty"]
    assert definitions["provisional"]["cellDataType"] == "text"


def test_csv_download_holds_exactly_the_plotted_numbers():
    data = csv_bytes(FRAME, SHEET, COLUMNS)
    assert data.startswith(b"\xef\xbb\xbf# Measure: International share, master\n")
    read = pd.read_csv(io.BytesIO(data), comment="#", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(read, FRAME, check_dtype=False)


def test_csv_data_sheet_lists_what_the_numbers_are():
    text = csv_bytes(FRAME, SHEET, COLUMNS).decode("utf-8-sig")
    header = [line for line in text.splitlines() if line.startswith("# ")]
    for expected in (
        "# KPI id: intl_share_master",
        "# Definition: international degree students / all degree students, master",
        "# Numerator: international master students",
        "# Denominator: all master students",
        "# Filters: 2022-23 to 2024-25 · faculty Law · all programmes · master",
        "# International basis: nationality",
        "# Suppression preset: duo: counts of 1 to 4 are shown as '<5'; rates on such "
        "counts are withheld",
        "# Data version: 7",
        "# Published at: 2025-01-31 14:05 UTC",
        "# Provisional years: 2024-25",
        "# Generated at: 2025-02-01 09:00 UTC",
        "# Note: 2024-25 denominator below 5: rate withheld",
        "# Column rate: Share international",
    ):
        assert expected in header, expected


def test_excel_download_has_data_and_data_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(excel_bytes(FRAME, SHEET, COLUMNS)))
    assert workbook.sheetnames == ["Data", "Data sheet"]
    rows = list(workbook["Data"].iter_rows(values_only=True))
    assert rows[0] == tuple(FRAME.columns)
    assert rows[1] == ("2022-23", "Law", 23, 100, 0.23, False)
    assert rows[3][2] is None and rows[3][4] is None
    sheet = dict(workbook["Data sheet"].iter_rows(min_row=2, values_only=True))
    assert sheet["Filters"] == SHEET.filters
    assert sheet["International basis"] == "nationality"
    assert sheet["Suppression preset"].startswith("duo")
    assert sheet["Data version"] == "7"
    assert sheet["Provisional years"] == "2024-25"


def test_downloads_of_a_card_match_the_builders():
    csv = download_csv(_content())
    assert csv["filename"] == "intl-share-master.csv"
    assert base64.b64decode(csv["content"]) == csv_bytes(FRAME, SHEET, COLUMNS)
    excel = download_excel(_content())
    assert excel["filename"] == "intl-share-master.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(excel["content"])))
    assert workbook["Data"]["E2"].value == 0.23


def test_generated_at_is_utc():
    moment = dt.datetime(2025, 2, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert generated_at(moment) == "2025-02-01 09:00 UTC"


@pytest.mark.parametrize(
    ("points", "kind", "sentence"),
    [
        (
            [("2019-20", 10), ("2020-21", 12)],
            "count",
            "X rose from 10 in 2019-20 to 12 in 2020-21.",
        ),
        (
            [("2019-20", 0.3), ("2020-21", 0.5), ("2021-22", 0.2)],
            "rate",
            "X fell from 30.0% in 2019-20 to 20.0% in 2021-22, peaking at 50.0% in 2020-21.",
        ),
        ([("2019-20", 5), ("2020-21", 5)], "count", "X was 5 in 2019-20 and again in 2020-21."),
        ([("2019-20", None), ("2020-21", 1234)], "count", "X was 1,234 in 2020-21."),
        ([("2019-20", float("nan"))], "count", "X: no values to show."),
    ],
)
def test_trend_sentences(points, kind, sentence):
    assert trend_sentence("X", points, kind) == sentence


def test_the_template_uses_the_okabe_ito_palette():
    template = pio.templates[TEMPLATE]
    assert tuple(template.layout.colorway) == COLORWAY
    assert COLORWAY[0] == OKABE_ITO["blue"]
    assert "Inter" in template.layout.font.family
