"""The faculty scope is enforced in the query layer: a faculty manager of Law gets Law's
numbers and nothing else, whatever the selection asks for, from every KPI, breakdown,
the KPI table (what ``intl-kpi kpis`` and the API print) and the filter options.

Reference: the same query run unscoped with the faculty filter set to Law. A KPI without
a faculty dimension (active networks: the university's memberships) returns no rows for
a scoped user rather than university-wide figures."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import runtime
from dashboard.filters_state import FilterOptions, FilterState
from dashboard.kpis import query
from dashboard.kpis.registry import KPIS
from dashboard.kpis.table import kpi_table

LAW = QueryScope = ("Law",)
SCOPED = query.QueryContext(allowed_faculties=LAW)
UNSCOPED = query.QueryContext()


@pytest.fixture(scope="module")
def cursor(fixture_database: Path):
    connection = duckdb.connect(str(fixture_database), read_only=True)
    yield connection.cursor()
    connection.close()


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    columns = [query.ACADEMIC_YEAR, query.GROUP, query.VALUE, query.NUMERATOR, query.DENOMINATOR]
    return frame[columns].reset_index(drop=True)


FACULTY_KPIS = [kpi for kpi in KPIS if "faculty" in kpi.filters]
CASES = [(kpi.id, by) for kpi in FACULTY_KPIS for by in (None, *kpi.breakdowns)]


@pytest.mark.parametrize(("kpi_id", "by"), CASES, ids=[f"{k}-{b}" for k, b in CASES])
def test_a_law_manager_gets_exactly_laws_numbers(cursor, kpi_id, by):
    """No selection means "all of my faculties"; the answer equals Law's, group by group."""
    state = FilterState(2018, 2021)
    scoped = query.kpi_frame(cursor, kpi_id, state, by, SCOPED)
    law = query.kpi_frame(cursor, kpi_id, FilterState(2018, 2021, faculties=LAW), by, UNSCOPED)
    pd.testing.assert_frame_equal(_numbers(scoped), _numbers(law))
    if by == "faculty":
        assert set(scoped[query.GROUP]) <= {"Law"}


@pytest.mark.parametrize("kpi", FACULTY_KPIS, ids=lambda kpi: kpi.id)
@pytest.mark.parametrize("faculties", [("Science",), ("Science", "Law"), ("Humanities",), ("law",)])
def test_a_selection_outside_the_scope_returns_no_rows(cursor, kpi, faculties):
    frame = query.kpi_frame(cursor, kpi.id, FilterState(2018, 2021, faculties), None, SCOPED)
    assert frame.empty


def test_the_unrestricted_figures_do_differ(cursor):
    """The tests above would pass trivially if Law were the whole university."""
    everyone = query.kpi_frame(cursor, "intl_share_staff", FilterState(2019, 2019))
    law = query.kpi_frame(cursor, "intl_share_staff", FilterState(2019, 2019), None, SCOPED)
    assert everyone[query.DENOMINATOR].iloc[0] > law[query.DENOMINATOR].iloc[0] > 0


def test_programmes_of_another_faculty_give_nothing(cursor):
    physics = FilterState(2018, 2021, programmes=("50002",))  # Physics, Science
    frame = query.kpi_frame(cursor, "intl_share_bachelor", physics, "programme", SCOPED)
    assert frame.empty or frame[query.NUMERATOR].fillna(0).eq(0).all()
    assert not (frame[query.GROUP] == "50002").any()


@pytest.mark.parametrize("kpi", [k for k in KPIS if "faculty" not in k.filters], ids=str)
def test_kpis_without_a_faculty_return_no_rows_for_a_scoped_user(cursor, kpi):
    assert not query.kpi_frame(cursor, kpi.id, FilterState(2018, 2021)).empty
    assert query.kpi_frame(cursor, kpi.id, FilterState(2018, 2021), None, SCOPED).empty


def test_an_empty_scope_sees_nothing(cursor):
    nobody = query.QueryContext(allowed_faculties=())
    for kpi in KPIS:
        assert query.kpi_frame(cursor, kpi.id, FilterState(2018, 2021), None, nobody).empty


def test_the_kpi_table_is_scoped_too(cursor):
    """The table behind ``intl-kpi kpis`` (and an API): Science asked, nothing given."""
    state = FilterState(2018, 2021, faculties=("Science",))
    table = kpi_table(cursor, state, SCOPED, [], by="faculty")
    assert table.empty or table[query.VALUE].isna().all()
    law = kpi_table(cursor, FilterState(2018, 2021), SCOPED, [], by="faculty")
    assert not law.empty
    assert set(law[query.GROUP].dropna()) <= {"Law"}


def test_filter_options_offer_only_the_users_faculty(options: FilterOptions):
    scoped = runtime.scoped_options(options, LAW)
    assert scoped.faculties == ("Law",)
    assert scoped.programmes and {p.faculty for p in scoped.programmes} == {"Law"}
    assert runtime.scoped_options(options, None) == options
    assert runtime.scoped_options(options, ()).faculties == ()


def test_outside_a_request_there_is_no_scope(published):
    """The CLI (no request, no user) reads everything: it can open the file anyway."""
    assert runtime.access() is None
    assert runtime.query_context().allowed_faculties is None
