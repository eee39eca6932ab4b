"""The read-only HTTP API (``dashboard/api.py``) through Flask's test client, against
``intl-kpi kpis`` on the small fixture database: the same rows cell by cell for a sweep of
selections, 400 with the parameter named for anything it cannot use, 401 JSON without
sign-in, a faculty manager of Law getting Law only, and the OpenAPI document."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest
from click.testing import CliRunner

from dashboard import api, runtime
from dashboard.auth.audit import read_audit_log
from dashboard.kpis.registry import KPIS
from etl.users import UserStore
from tests.dashboard.fixture_database import FIXTURE_SUPPRESSION

try:  # the ``intl-kpi`` entry point with ``kpis`` (dashboard/cli.py once the ETL's is split off)
    from dashboard.cli import main
except ImportError:  # pragma: no cover
    from etl.cli import main

ROOT = Path(__file__).parents[2]
PASSWORD = "a long test password"

# (API query pairs) -> the same selection on the command line.
SWEEP: list[list[tuple[str, str]]] = [
    [],
    [("kpi", "intl_share_master")],
    [("year", "2019-20")],
    [("year", "2016"), ("year", "2019")],
    [("from", "2016"), ("to", "2018-19")],
    [("faculty", "Science")],
    [("faculty", "Law"), ("faculty", "Humanities"), ("cycle", "master")],
    [("programme", "50002"), ("year", "2020")],
    [("cycle", "bachelor"), ("cycle", "phd"), ("basis", "prior_education")],
    [("by", "faculty"), ("from", "2022")],
    [("kpi", "outgoing_students"), ("by", "activity")],
    [("kpi", "intl_share_bachelor"), ("kpi", "intl_share_staff"), ("basis", "both")],
    [("by", "partner_country"), ("faculty", "Science"), ("to", "2017")],
]


@pytest.fixture(scope="module")
def server():
    import app

    return app.server


@pytest.fixture
def settings_env(published: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTL_KPI_TARGETS", str(ROOT / "data" / "targets.csv"))
    for name in ("INTL_KPI_BASIS", "INTL_KPI_HOME_COUNTRY", "INTL_KPI_PROVISIONAL_YEARS"):
        monkeypatch.delenv(name, raising=False)
    runtime.settings.cache_clear()
    return published


@pytest.fixture
def client(server, settings_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("INTL_KPI_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    runtime.settings.cache_clear()
    return server.test_client()


def cli_output(database: Path, pairs: list[tuple[str, str]], output_format: str) -> str:
    arguments = ["kpis", "--database", str(database), "--format", output_format]
    for key, value in pairs:
        arguments += [f"--{key}", value]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    return result.stdout


def get(client, pairs: list[tuple[str, str]], **headers: str):
    return client.get(f"/api/v1/kpis?{urlencode(pairs)}", headers=headers)


def _known_kpis() -> None:
    for pairs in SWEEP:
        for key, value in pairs:
            if key == "kpi":
                assert value in api.BY_NAME["kpi"].enum, value


_known_kpis()


@pytest.mark.parametrize("pairs", SWEEP, ids=lambda pairs: urlencode(pairs) or "everything")
def test_api_agrees_with_the_cli_cell_by_cell(client, settings_env, pairs):
    response = get(client, [*pairs, ("format", "csv")])
    assert response.status_code == 200, response.get_data(as_text=True)
    served = response.get_data(as_text=True)
    printed = cli_output(settings_env, pairs, "csv")
    # Same bytes: same rows, same columns, same order, same neutralised text.
    assert served == printed
    # And as tables, cell by cell (a selection that gives nothing is compared too).
    served_frame = pd.read_csv(io.StringIO(served))
    printed_frame = pd.read_csv(io.StringIO(printed))
    pd.testing.assert_frame_equal(served_frame, printed_frame)
    assert response.headers["X-Rows"] == str(len(printed_frame))
    assert response.headers["X-Suppression-Preset"] == FIXTURE_SUPPRESSION


def test_the_sweep_is_not_empty(client):
    # Most selections of the sweep hold rows: agreement on empty tables proves nothing.
    sizes = [int(get(client, pairs).headers["X-Rows"]) for pairs in SWEEP]
    assert sum(size > 0 for size in sizes) >= len(SWEEP) - 1, sizes


@pytest.mark.parametrize(
    "pairs",
    [[], [("kpi", "intl_share_master"), ("by", "faculty")], [("year", "2024"), ("cycle", "phd")]],
)
def test_json_agrees_with_the_cli(client, settings_env, pairs):
    response = get(client, pairs)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == json.loads(cli_output(settings_env, pairs, "json"))


def test_a_dutch_browser_gets_the_same_answer(client, settings_env):
    """The API is for scripts: a browser's Accept-Language or a page's ?lang=nl (Referer)
    changes nothing (KPI names and status words stay as the CLI writes them)."""
    pairs = [("kpi", "intl_share_master"), ("format", "csv")]
    english = get(client, pairs).get_data(as_text=True)
    dutch = get(
        client,
        pairs,
        **{"Accept-Language": "nl-NL,nl;q=0.9", "Referer": "http://localhost/?lang=nl"},
    ).get_data(as_text=True)
    assert dutch == english == cli_output(settings_env, pairs[:1], "csv")
    assert "International master's students" in dutch


def test_json_rows_by_hand(client):
    # Physics graduates: 5 of 25 credit-mobile = 20.0% in every year (fixture_database).
    rows = get(client, [("kpi", "outgoing_mobility_rate_bachelor"), ("year", "2019-20")]).get_json()
    (row,) = rows
    assert row["academic_year"] == 2019
    assert row["academic_year_label"] == "2019-20"
    assert (row["numerator"], row["denominator"]) == (5, 25)
    assert row["value"] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("suppression=none", "suppression"),  # the preset is the server's: no way to ask
        ("kpi=intl_share_masters", "kpi"),
        ("year=2019-21", "year"),
        ("from=abc", "from"),
        ("to=20190", "to"),
        ("cycle=xyz", "cycle"),
        ("basis=zzz", "basis"),
        ("by=colour", "by"),
        ("format=xml", "format"),
        ("format=json&format=csv", "format"),
        ("basis=both&basis=nationality", "basis"),
        ("kpi=intl_share_master&by=activity", "by"),
        ("faculty=Nope", "faculty"),
        ("programme=99999", "programme"),
        ("faculty=" + "x" * 300, "faculty"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/v1/kpis?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["parameter"] == parameter
    assert body["error"]


def test_empty_values_count_as_not_given(client, settings_env):
    response = client.get(
        "/api/v1/kpis?kpi=&year=&from=&to=&faculty=&programme=&cycle=&by=&format=csv"
    )
    assert response.status_code == 200
    assert response.get_data(as_text=True) == cli_output(settings_env, [], "csv")


def test_a_huge_query_string_is_refused(client):
    response = client.get("/api/v1/kpis?" + "&".join(["faculty=Law"] * 1000))
    assert response.status_code == 400


def test_security_headers_and_no_caching(client):
    response = get(client, [("kpi", "intl_share_master")])
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
    csv_response = get(client, [("format", "csv")])
    assert csv_response.mimetype == "text/csv"
    assert "attachment" in csv_response.headers["Content-Disposition"]


def test_answers_are_audited_like_downloads(client, tmp_path: Path):
    get(client, [("kpi", "intl_share_master"), ("format", "csv")])
    (line,) = [e for e in read_audit_log(tmp_path / "audit.jsonl") if e["event"] == "download"]
    assert line["chart"] == "api/v1/kpis"
    assert line["format"] == "csv"
    assert line["selection"] == {"kpi": ["intl_share_master"], "format": ["csv"]}
    assert line["user"] == "demo"


# --- sign-in and roles -----------------------------------------------------------------------


@pytest.fixture
def signed_in_mode(
    settings_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[UserStore]:
    monkeypatch.setenv("INTL_KPI_SIGN_IN", "local")
    monkeypatch.setenv("INTL_KPI_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("INTL_KPI_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("INTL_KPI_SECRET_KEY", "test secret key, not for production")
    runtime.settings.cache_clear()
    store = UserStore(tmp_path / "users.json")
    store.add("ann", "faculty_manager", PASSWORD, faculty="Law")
    store.add("cat", "analyst", PASSWORD)
    store.add("dan", "admin", PASSWORD)
    yield store
    runtime.settings.cache_clear()


def sign_in(client, name: str) -> None:
    from tests.dashboard.test_auth import sign_in as form_sign_in

    response = form_sign_in(client, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize(
    "path", ["/api/v1/kpis", "/api/v1/kpis?format=csv", "/api/v1/openapi.json"]
)
def test_not_signed_in_is_401_json_not_a_redirect(server, signed_in_mode, path):
    response = server.test_client().get(path)
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == "sign-in required"


def test_a_faculty_manager_of_law_gets_law_only(server, signed_in_mode, settings_env):
    client = server.test_client()
    sign_in(client, "ann")
    response = get(client, [("format", "csv")])
    assert response.status_code == 200, response.get_data(as_text=True)
    served = pd.read_csv(io.StringIO(response.get_data(as_text=True)))
    assert len(served) > 0
    assert set(served["scope"]) == {"faculty Law"}
    # Exactly what the command line gives for Law, less the KPIs a faculty filter does not
    # narrow (networks, university-wide counts): those are not the faculty's to see.
    law = pd.read_csv(io.StringIO(cli_output(settings_env, [("faculty", "Law")], "csv")))
    narrowed = [kpi.id for kpi in KPIS if "faculty" in kpi.filters]
    law = law[law["kpi_id"].isin(narrowed)].reset_index(drop=True)
    pd.testing.assert_frame_equal(served, law)
    assert not set(served["kpi_id"]) & {"active_networks", "partner_agreements"}
    # Broken down by faculty, only Law's group appears.
    by_faculty = get(client, [("by", "faculty")]).get_json()
    assert by_faculty and {row["group"] for row in by_faculty} == {"Law"}
    # Another faculty's figures: refused, naming the parameter.
    other = get(client, [("faculty", "Science")])
    assert other.status_code == 403
    assert other.get_json()["parameter"] == "faculty"
    programme = get(client, [("programme", "50002")])  # Physics, Science
    assert programme.status_code == 403


def test_an_analyst_gets_everything(server, signed_in_mode, settings_env):
    client = server.test_client()
    sign_in(client, "cat")
    response = get(client, [("format", "csv")])
    assert response.status_code == 200
    assert response.get_data(as_text=True) == cli_output(settings_env, [], "csv")


def test_an_admin_may_not_download(server, signed_in_mode, tmp_path: Path):
    client = server.test_client()
    sign_in(client, "dan")
    response = get(client, [])
    assert response.status_code == 403
    refused = [
        e for e in read_audit_log(tmp_path / "audit.jsonl") if e["event"] == "download_refused"
    ]
    assert refused and refused[-1]["user"] == "dan" and refused[-1]["chart"] == "api/v1/kpis"


# --- the OpenAPI document ----------------------------------------------------------------------


def test_openapi_document_structure(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    operation = document["paths"]["/api/v1/kpis"]["get"]
    names = [parameter["name"] for parameter in operation["parameters"]]
    # One source: the document lists exactly the parameters the API accepts.
    assert names == [parameter.name for parameter in api.PARAMETERS]
    assert "suppression" not in names
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    kpi = next(p for p in operation["parameters"] if p["name"] == "kpi")
    assert "intl_share_master" in kpi["schema"]["items"]["enum"]
    row = document["components"]["schemas"]["KpiRow"]
    assert {"academic_year", "academic_year_label", "value"} <= set(row["required"])


def test_openapi_document_is_valid(client):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(client.get("/api/v1/openapi.json").get_json())


def test_every_row_matches_the_documented_schema(client):
    jsonschema = pytest.importorskip("jsonschema")
    document = client.get("/api/v1/openapi.json").get_json()
    schema = document["components"]["schemas"]["KpiRow"]
    rows = get(client, [("year", "2019")]).get_json()
    assert rows
    for row in rows:
        jsonschema.validate(row, schema)
