"""The peer ``make bench`` measures this project against: a plain Dash app the way most
university dashboards are written. It reads the published tables into pandas once at
start-up and, in each of 13 Mobility-like chart callbacks, filters them by the selection
(years, faculties, programmes, cycles), aggregates with ``groupby`` and draws with
plotly express. No cache, no disclosure control, no SQL per request.

Also here: the framework's floor, 13 trivial callbacks on the same kind of store (what Dash
itself costs per filter change), and both apps run stand-alone for the browser benchmark:
``python tests/benchmarks/pandas_peer.py DATABASE --port 8061 [--floor]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import plotly.express as px
from dash import Dash, Input, Output, dcc, html

STORE = "peer-state"
CHARTS = 13
CEE = ("BG", "CZ", "EE", "HR", "HU", "LT", "LV", "PL", "RO", "SI", "SK")


def graph_id(index: int) -> str:
    return f"peer-chart-{index}"


@dataclass(frozen=True)
class Tables:
    """The published tables as pandas frames, each with the programme's faculty."""

    enrolments: pd.DataFrame
    graduates: pd.DataFrame
    mobility: pd.DataFrame


def load_tables(database: Path) -> Tables:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        programmes = connection.execute("select programme_code, faculty from programmes").df()
        enrolments = connection.execute(
            "select academic_year, programme_code, cycle, nationality, headcount, "
            "fewer_opportunities from enrolments"
        ).df()
        graduates = connection.execute(
            "select academic_year, programme_code, cycle, headcount, credit_mobile from graduates"
        ).df()
        mobility = connection.execute(
            "select participant, direction, headcount, academic_year, cycle, programme_code, "
            "faculty, activity, partner_country, duration_days, ects_earned, "
            "ects_recognised, fewer_opportunities from mobility"
        ).df()
    finally:
        connection.close()
    return Tables(
        enrolments=enrolments.merge(programmes, on="programme_code", how="left"),
        graduates=graduates.merge(programmes, on="programme_code", how="left"),
        mobility=mobility,
    )


def selected(frame: pd.DataFrame, state: dict[str, Any] | None) -> pd.DataFrame:
    """The rows of ``frame`` in the selection (what every peer callback does first)."""
    state = state or {}
    keep = pd.Series(True, index=frame.index)
    if state.get("year_from") is not None:
        keep &= frame["academic_year"] >= state["year_from"]
    if state.get("year_to") is not None:
        keep &= frame["academic_year"] <= state["year_to"]
    if state.get("faculties"):
        keep &= frame["faculty"].isin(state["faculties"])
    if state.get("programmes"):
        keep &= frame["programme_code"].isin(state["programmes"])
    if state.get("cycles") and "cycle" in frame:
        keep &= frame["cycle"].isin(state["cycles"])
    return frame[keep]


def _per_year(frame: pd.DataFrame, column: str = "headcount") -> pd.DataFrame:
    return frame.groupby("academic_year", as_index=False)[column].sum()


def _rate(numerator: pd.DataFrame, denominator: pd.DataFrame) -> pd.DataFrame:
    joined = _per_year(numerator).merge(_per_year(denominator), on="academic_year", how="right")
    joined["rate"] = 100 * joined["headcount_x"].fillna(0) / joined["headcount_y"]
    return joined


def chart_builders(tables: Tables) -> list[Callable[[dict[str, Any] | None], Any]]:
    """The 13 callbacks' bodies: selection -> figure."""
    students = tables.mobility[tables.mobility["participant"] == "student"]
    outgoing = students[students["direction"] == "outgoing"]
    incoming = students[students["direction"] == "incoming"]
    staff = tables.mobility[tables.mobility["participant"] == "staff"]

    def graduate_rate(state):  # noqa: ANN001, ANN202
        graduates = selected(tables.graduates, state)
        return px.line(_rate(graduates[graduates["credit_mobile"]], graduates),
                       x="academic_year", y="rate")  # fmt: skip

    def participation(state):  # noqa: ANN001, ANN202
        rate = _rate(selected(outgoing, state), selected(tables.enrolments, state))
        return px.line(rate, x="academic_year", y="rate")

    def activities(state):  # noqa: ANN001, ANN202
        frame = selected(outgoing, state)
        grouped = frame.groupby(["academic_year", "activity"], as_index=False)["headcount"].sum()
        return px.bar(grouped, x="academic_year", y="headcount", color="activity")

    def benchmark(state):  # noqa: ANN001, ANN202
        frame = selected(outgoing, state)
        counted = frame[(frame["duration_days"] >= 90) | (frame["ects_earned"] >= 15)]
        grouped = counted.groupby(["academic_year", "cycle"], as_index=False)["headcount"].sum()
        return px.line(grouped, x="academic_year", y="headcount", color="cycle")

    def in_out(state):  # noqa: ANN001, ANN202
        frame = selected(students, state)
        grouped = frame.groupby(["academic_year", "direction"], as_index=False)["headcount"].sum()
        return px.bar(grouped, x="academic_year", y="headcount", color="direction",
                      barmode="group")  # fmt: skip

    def balance(state):  # noqa: ANN001, ANN202
        out = selected(outgoing, state).groupby("partner_country")["headcount"].sum()
        into = selected(incoming, state).groupby("partner_country")["headcount"].sum()
        ratio = (into / out).dropna().sort_values(ascending=False).head(15).reset_index()
        return px.bar(ratio, x="headcount", y="partner_country", orientation="h")

    def destinations(state):  # noqa: ANN001, ANN202
        frame = selected(outgoing, state)
        latest = frame[frame["academic_year"] == frame["academic_year"].max()]
        grouped = latest.groupby("partner_country", as_index=False)["headcount"].sum()
        return px.choropleth(grouped, locations="partner_country", color="headcount")

    def fewer_opportunities(state):  # noqa: ANN001, ANN202
        frame = selected(outgoing, state)
        return px.line(_rate(frame[frame["fewer_opportunities"]], frame),
                       x="academic_year", y="rate")  # fmt: skip

    def blended_virtual(state):  # noqa: ANN001, ANN202
        frame = selected(outgoing, state)
        mixed = frame[frame["activity"].str.contains("blended|virtual", na=False)]
        grouped = mixed.groupby(["academic_year", "activity"], as_index=False)["headcount"].sum()
        return px.bar(grouped, x="academic_year", y="headcount", color="activity")

    def recognition(state):  # noqa: ANN001, ANN202
        frame = selected(outgoing, state)
        sums = frame.groupby("academic_year", as_index=False)[
            ["ects_earned", "ects_recognised"]
        ].sum()
        sums["rate"] = 100 * sums["ects_recognised"] / sums["ects_earned"]
        return px.line(sums, x="academic_year", y="rate")

    def staff_trips(state):  # noqa: ANN001, ANN202
        frame = selected(staff, state)
        grouped = frame.groupby(["academic_year", "direction"], as_index=False)["headcount"].sum()
        return px.line(grouped, x="academic_year", y="headcount", color="direction")

    def cee(state):  # noqa: ANN001, ANN202
        frame = selected(students, state)
        return px.line(_rate(frame[frame["partner_country"].isin(CEE)], frame),
                       x="academic_year", y="rate")  # fmt: skip

    def window(state):  # noqa: ANN001, ANN202
        frame = selected(outgoing, state)
        grouped = frame.groupby("programme_code", as_index=False)["headcount"].sum()
        top = grouped.sort_values("headcount", ascending=False).head(15)
        return px.bar(top, x="headcount", y="programme_code", orientation="h")

    builders = [graduate_rate, participation, activities, benchmark, in_out, balance,
                destinations, fewer_opportunities, blended_virtual, recognition, staff_trips,
                cee, window]  # fmt: skip
    assert len(builders) == CHARTS
    return builders


def _layout() -> html.Div:
    return html.Div(
        [dcc.Store(id=STORE, data={})] + [dcc.Graph(id=graph_id(i)) for i in range(CHARTS)]
    )


def make_peer_app(database: Path) -> Dash:
    """The pandas app: tables read now, 13 chart callbacks."""
    app = Dash(__name__, serve_locally=True)
    app.layout = _layout()
    for index, build in enumerate(chart_builders(load_tables(database))):
        app.callback(Output(graph_id(index), "figure"), Input(STORE, "data"))(build)
    return app


def make_floor_app() -> Dash:
    """13 trivial callbacks: the framework's own cost of a filter change."""
    app = Dash(__name__, serve_locally=True)
    app.layout = html.Div(
        [dcc.Store(id=STORE, data={})] + [html.Div(id=graph_id(i)) for i in range(CHARTS)]
    )
    for index in range(CHARTS):

        def trivial(state: dict[str, Any] | None, index: int = index) -> str:
            return f"chart {index}: {len(state or {})} filters"

        app.callback(Output(graph_id(index), "children"), Input(STORE, "data"))(trivial)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database", type=Path)
    parser.add_argument("--port", type=int, default=8061)
    parser.add_argument("--floor", action="store_true")
    arguments = parser.parse_args()
    app = make_floor_app() if arguments.floor else make_peer_app(arguments.database)
    app.run(host="127.0.0.1", port=arguments.port, debug=False)


if __name__ == "__main__":
    main()
