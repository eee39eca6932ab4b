"""The Overview page's "Board report (PDF)" button (dashboard/callbacks/report.py): the
callback returns the selection's board report as a PDF download; through Dash's request
handling it is audited like a chart download, a forged click count is refused (400), and a
faculty manager's report holds their faculty only."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from dashboard import ids, runtime
from dashboard.auth.audit import read_audit_log
from dashboard.callbacks.report import report_download
from dashboard.filters_state import FilterState
from dashboard.report import REPORT_NAME
from tests.dashboard.test_report import TARGETS, overview_kpi_names


@pytest.fixture
def environment(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTL_KPI_TARGETS", str(TARGETS))
    monkeypatch.setenv("INTL_KPI_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("INTL_KPI_COMMENTARY", str(tmp_path / "no-commentary.csv"))
    for name in ("INTL_KPI_BASIS", "INTL_KPI_HOME_COUNTRY", "INTL_KPI_PROVISIONAL_YEARS"):
        monkeypatch.delenv(name, raising=False)
    runtime.settings.cache_clear()
    yield published
    runtime.settings.cache_clear()


@pytest.fixture(scope="module")
def server():
    import app

    return app.server


def pdf_text_of(download: dict[str, Any]) -> str:
    assert download["filename"] == REPORT_NAME
    assert download["type"] == "application/pdf"
    content = base64.b64decode(download["content"])
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def report_request(client, state: Any, clicks: Any = 1):
    return client.post(
        "/_dash-update-component",
        json={
            "output": f"{ids.OVERVIEW_REPORT_DOWNLOAD}.data",
            "outputs": {"id": ids.OVERVIEW_REPORT_DOWNLOAD, "property": "data"},
            "inputs": [{"id": ids.OVERVIEW_REPORT_BUTTON, "property": "n_clicks", "value": clicks}],
            "changedPropIds": [f"{ids.OVERVIEW_REPORT_BUTTON}.n_clicks"],
            "state": [{"id": ids.FILTER_STATE, "property": "data", "value": state}],
        },
    )


def test_the_callback_returns_the_selections_report_as_pdf(environment):
    text = pdf_text_of(report_download(FilterState(basis="nationality").to_dict()))
    assert "Of " in text and " targets: " in text and "at risk" in text
    for name in overview_kpi_names():
        assert name in text, name
    assert "The whole university" in text


def test_the_button_is_audited_like_a_chart_download(server, environment, tmp_path):
    state = FilterState(2019, 2021).to_dict()
    response = report_request(server.test_client(), state)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    (download,) = response.get_json()["response"].values()
    assert "2021-22" in pdf_text_of(download["data"])
    (line,) = [e for e in read_audit_log(tmp_path / "audit.jsonl") if e["event"] == "download"]
    assert line["chart"] == "board-report" and line["format"] == "pdf"
    assert line["selection"] == state


def test_a_forged_click_count_is_refused(server, environment):
    assert report_request(server.test_client(), None, clicks="x").status_code == 400


def test_the_button_is_on_the_overview_page(environment):
    from dashboard.pages import overview

    assert ids.OVERVIEW_REPORT_BUTTON in str(overview.layout())


@pytest.fixture
def signed_in(environment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from etl.users import UserStore
    from tests.dashboard.test_api import PASSWORD

    monkeypatch.setenv("INTL_KPI_SIGN_IN", "local")
    monkeypatch.setenv("INTL_KPI_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("INTL_KPI_SECRET_KEY", "test secret key, not for production")
    runtime.settings.cache_clear()
    store = UserStore(tmp_path / "users.json")
    store.add("ann", "faculty_manager", PASSWORD, faculty="Law")
    store.add("dan", "admin", PASSWORD)
    yield store
    runtime.settings.cache_clear()


def test_a_faculty_managers_report_is_their_faculty(server, signed_in, tmp_path):
    from tests.dashboard.test_api import sign_in

    client = server.test_client()
    sign_in(client, "ann")
    response = report_request(client, FilterState().to_dict())
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    (download,) = response.get_json()["response"].values()
    text = pdf_text_of(download["data"])
    assert "Faculty Law" in text and "The whole university" not in text
    (line,) = [e for e in read_audit_log(tmp_path / "audit.jsonl") if e["event"] == "download"]
    assert line["user"] == "ann" and line["chart"] == "board-report"


def test_a_role_without_download_is_refused(server, signed_in, tmp_path):
    from tests.dashboard.test_api import sign_in

    client = server.test_client()
    sign_in(client, "dan")
    assert report_request(client, None).status_code == 403
    events = [e["event"] for e in read_audit_log(tmp_path / "audit.jsonl")]
    assert "download_refused" in events
