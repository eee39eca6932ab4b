"""Sign-in as the server enforces it (Flask test client, no browser): pages and callbacks
refused without sign-in, the sign-in form (CSRF, throttling, audit), sessions ending when a
user is removed, and a faculty manager of Law who crafts callback and download requests
for other faculties getting nothing of theirs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dashboard import ids, runtime
from dashboard.auth import web
from dashboard.auth.audit import read_audit_log
from dashboard.auth.web import UnsafeStart, check_start, download_request, is_loopback
from dashboard.components.chart import chart_outputs
from dashboard.filters_state import FilterState
from etl.settings import Settings
from etl.users import UserStore

ROOT = Path(__file__).parents[2]
PASSWORD = "a long test password"
KEY = "k" * 64
STAFF_CHART = "diversity-staff"  # staff in all three faculties of the fixture database


@pytest.fixture(scope="module")
def server():
    import app

    return app.server


@pytest.fixture
def signed_in_mode(published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Sign-in on, users in tmp_path: ann (Law), bob (board), cat (analyst), dan (admin)."""
    monkeypatch.setenv("INTL_KPI_SIGN_IN", "local")
    monkeypatch.setenv("INTL_KPI_USERS", str(tmp_path / "users.json"))
    monkeypatch.setenv("INTL_KPI_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.setenv("INTL_KPI_SECRET_KEY", "test secret key, not for production")
    monkeypatch.setenv("INTL_KPI_LOGIN_ATTEMPTS", "3")
    runtime.settings.cache_clear()
    store = UserStore(tmp_path / "users.json")
    store.add("ann", "faculty_manager", PASSWORD, faculty="Law")
    store.add("bob", "board", PASSWORD)
    store.add("cat", "analyst", PASSWORD)
    store.add("dan", "admin", PASSWORD)
    yield store
    runtime.settings.cache_clear()


def _audit(tmp_path: Path) -> list[dict[str, Any]]:
    return read_audit_log(tmp_path / "audit.jsonl")


def _csrf(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, name: str, password: str = PASSWORD, next_url: str = "/"):
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": _csrf(client),
              "next": next_url},
    )  # fmt: skip


def _id_text(component_id: Any) -> str:
    if isinstance(component_id, dict):
        return json.dumps(component_id, separators=(",", ":"), sort_keys=True)
    return component_id


def chart_request(client, prefix: str, state: Any):
    """What the browser posts when the filter store changes, for one chart card."""
    outputs = [
        {"id": output.component_id, "property": output.component_property}
        for output in chart_outputs(prefix)
    ]
    output = "...".join(f"{_id_text(o['id'])}.{o['property']}" for o in outputs)
    return client.post(
        "/_dash-update-component",
        json={
            "output": f"..{output}..",
            "outputs": outputs,
            "inputs": [{"id": ids.FILTER_STATE, "property": "data", "value": state}],
            "changedPropIds": [f"{ids.FILTER_STATE}.data"],
            "state": [],
        },
    )


def download_body(prefix: str, state: Any, kind: str = "csv") -> dict[str, Any]:
    button = ids.chart_download_csv(prefix) if kind == "csv" else ids.chart_download_excel(prefix)
    other = ids.chart_download_excel(prefix) if kind == "csv" else ids.chart_download_csv(prefix)
    target = ids.chart_download(prefix)
    key = json.dumps(button, separators=(",", ":"), sort_keys=True)
    return {
        "output": '{"chart":["MATCH"],"type":"chart-download"}.data',
        "outputs": {"id": target, "property": "data"},
        "inputs": [
            {"id": button, "property": "n_clicks", "value": 1},
            {"id": other, "property": "n_clicks", "value": None},
        ],
        "changedPropIds": [f"{key}.n_clicks"],
        "state": [{"id": ids.FILTER_STATE, "property": "data", "value": state}],
    }


def _file_rows(response) -> list[str]:
    """The data lines of a downloaded CSV (the data sheet's time stamp left out)."""
    (download,) = response.get_json()["response"].values()
    content = download["data"]["content"]
    return [line for line in content.splitlines() if "generated" not in line.lower()]


def _rows(response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    data = response.get_json()["response"]
    table = next(value for key, value in data.items() if '"chart-table-rows"' in key)
    return table["data"]


# --- refused without sign-in ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/mobility", "/data", "/diversity?faculty=Science"])
def test_pages_redirect_to_sign_in(server, signed_in_mode, path):
    response = server.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/_dash-layout"),
        ("get", "/_dash-dependencies"),
        ("get", "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4.min.js"),
    ],
)
def test_dash_routes_answer_401_without_sign_in(server, signed_in_mode, method, path):
    response = getattr(server.test_client(), method)(path, json={} if method == "post" else None)
    assert response.status_code == 401
    assert response.get_json()["error"] == "sign-in required"


def test_callbacks_and_downloads_without_sign_in_answer_401(server, signed_in_mode):
    client = server.test_client()
    state = FilterState(2019, 2020).to_dict()
    response = chart_request(client, STAFF_CHART, state)
    assert response.status_code == 401 and "chart-table-rows" not in response.get_data(as_text=True)
    body = download_body(STAFF_CHART, state)
    assert client.post("/_dash-update-component", json=body).status_code == 401


def test_assets_and_the_sign_in_page_stay_public(server, signed_in_mode):
    client = server.test_client()
    assert client.get("/assets/vendor/bootstrap.min.css").status_code == 200
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.get_data(as_text=True)


# --- the sign-in form ---------------------------------------------------------------------


def test_signing_in_opens_the_pages_and_is_audited(server, signed_in_mode, tmp_path):
    client = server.test_client()
    response = sign_in(client, "ann", next_url="/mobility?from=2019")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mobility?from=2019"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/mobility").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    (line,) = [e for e in _audit(tmp_path) if e["event"] == "sign_in"]
    assert line["user"] == "ann" and line["role"] == "faculty_manager"
    assert line["ip"] == "127.0.0.1" and re.match(r"\d{4}-\d\d-\d\dT", line["time"])


def test_a_wrong_password_is_refused_and_audited(server, signed_in_mode, tmp_path):
    client = server.test_client()
    response = sign_in(client, "ann", "wrong password!")
    assert response.status_code == 401
    assert "Wrong user name or password" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    response = sign_in(client, "nobody", PASSWORD)
    assert response.status_code == 401
    failures = [e for e in _audit(tmp_path) if e["event"] == "sign_in_failed"]
    assert [(e["user"], e["ip"]) for e in failures] == [
        ("ann", "127.0.0.1"),
        ("nobody", "127.0.0.1"),
    ]
    assert all(
        "password" not in json.dumps(e).replace('"method": "password"', "") for e in failures
    )


def test_the_form_needs_its_csrf_token(server, signed_in_mode):
    client = server.test_client()
    client.get("/login")
    response = client.post("/login", data={"username": "ann", "password": PASSWORD})
    assert response.status_code == 400
    response = client.post(
        "/login", data={"username": "ann", "password": PASSWORD, "csrf_token": "forged"}
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_repeated_failures_block_the_name_even_with_the_right_password(
    server, signed_in_mode, tmp_path
):
    client = server.test_client()
    for _ in range(3):  # INTL_KPI_LOGIN_ATTEMPTS=3
        assert sign_in(client, "bob", "guess guess guess").status_code == 401
    response = sign_in(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert _audit(tmp_path)[-1]["event"] == "sign_in_refused"
    # Another user from elsewhere is not locked out by bob's failures.
    other = server.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert sign_in(other, "cat").status_code == 302


def test_only_local_paths_are_followed_after_sign_in(server, signed_in_mode):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = sign_in(server.test_client(), "cat", next_url=target)
        assert response.headers["Location"] == "/", target


def test_sign_out_ends_the_session(server, signed_in_mode, tmp_path):
    client = server.test_client()
    sign_in(client, "cat")
    assert client.get("/").status_code == 200
    assert client.get("/logout").status_code == 302
    assert client.get("/").status_code == 302
    assert _audit(tmp_path)[-1]["event"] == "sign_out"


def test_removing_a_user_or_changing_the_password_ends_their_sessions(server, signed_in_mode):
    first, second = server.test_client(), server.test_client()
    sign_in(first, "ann")
    sign_in(second, "bob")
    signed_in_mode.set_password("ann", "a brand new password")
    signed_in_mode.remove("bob")
    assert first.get("/").status_code == 302
    assert second.get("/").status_code == 302


def test_the_navbar_says_who_is_signed_in(server, signed_in_mode):
    from dashboard.callbacks.auth import show_signed_in_user

    client = server.test_client()
    sign_in(client, "ann")
    with server.test_request_context("/"):
        # Outside the client's session: no user, nothing to show but a sign-out link.
        assert "Sign out" in str(show_signed_in_user("/"))
    response = client.post(
        "/_dash-update-component",
        json={
            "output": f"{ids.APP_USER}.children",
            "outputs": {"id": ids.APP_USER, "property": "children"},
            "inputs": [{"id": ids.APP_LOCATION, "property": "pathname", "value": "/"}],
            "changedPropIds": [f"{ids.APP_LOCATION}.pathname"],
        },
    )
    text = json.dumps(response.get_json())
    assert "ann (faculty manager, Law)" in text and '"href": "/logout"' in text


# --- a faculty manager of Law cannot reach other faculties ---------------------------------------


def test_a_law_manager_gets_laws_numbers_for_no_faculty(server, signed_in_mode):
    manager, analyst = server.test_client(), server.test_client()
    sign_in(manager, "ann")
    sign_in(analyst, "cat")
    years = FilterState(2019, 2020)
    response = chart_request(manager, STAFF_CHART, years.to_dict())
    title = next(v for k, v in response.get_json()["response"].items() if "chart-title" in k)
    assert "faculty Law" in json.dumps(title), "the title names what is shown"
    mine = _rows(response)
    law = FilterState(2019, 2020, faculties=("Law",)).to_dict()
    assert mine and mine == _rows(chart_request(analyst, STAFF_CHART, law))
    everyone = _rows(chart_request(analyst, STAFF_CHART, years.to_dict()))
    assert everyone != mine, "the university differs from Law in the fixture"


# Charts where Science has numbers and Law has none or others (fixture database).
SCIENCE_CHARTS = ("mobility-in-out", "mobility-participation", "mobility-cee", "mobility-staff")


@pytest.mark.parametrize(
    "state",
    [
        {"year_from": 2019, "year_to": 2020, "faculties": ["Science"]},
        {"year_from": 2019, "year_to": 2020, "faculties": ["Science", "Law"]},
        {"year_from": 2019, "year_to": 2020, "faculties": ["Humanities"], "programmes": []},
        {"year_from": 2019, "year_to": 2020, "programmes": ["50002"]},  # Physics (Science)
        {"year_from": 2019, "year_to": 2020, "faculties": ["science"]},
        {"year_from": 2019, "year_to": 2020},  # no faculty: "all of mine"
        None,
    ],
)
def test_a_law_manager_crafting_other_faculties_gets_only_law(server, signed_in_mode, state):
    """Whatever the posted selection, the answer is Law's (or nothing), never Science's."""
    manager, analyst = server.test_client(), server.test_client()
    sign_in(manager, "ann")
    sign_in(analyst, "cat")
    years = (2019, 2020) if state else (None, None)
    law = FilterState(*years, faculties=("Law",)).to_dict()
    science = FilterState(*years, faculties=("Science",)).to_dict()
    differ = 0
    for prefix in SCIENCE_CHARTS:
        law_rows = _rows(chart_request(analyst, prefix, law))
        science_rows = _rows(chart_request(analyst, prefix, science))
        differ += science_rows != law_rows
        response = chart_request(manager, prefix, state)
        if response.status_code == 200:
            rows = _rows(response)
            assert rows in ([], law_rows), prefix
            assert not science_rows or rows != science_rows, prefix
        else:  # refused by input validation: also fine, as long as nothing leaks
            assert response.status_code in (204, 400, 403), response.status_code
    assert differ == len(SCIENCE_CHARTS), "the fixture must tell Law and Science apart"


def test_a_law_manager_downloads_only_law(server, signed_in_mode, tmp_path):
    manager, analyst = server.test_client(), server.test_client()
    sign_in(manager, "ann")
    sign_in(analyst, "cat")
    chart = "mobility-in-out"  # Science has mobility in the fixture, Law none

    def download(client, state):
        return client.post("/_dash-update-component", json=download_body(chart, state))

    science = FilterState(2019, 2020, faculties=("Science",)).to_dict()
    years = FilterState(2019, 2020).to_dict()
    science_file = _file_rows(download(analyst, science))
    assert any(line.strip() for line in science_file)
    for state in (science, years, {"faculties": ["Science"], "programmes": ["50002"]}):
        response = download(manager, state)
        # Nothing to download (204) or Law's figures: never Science's.
        assert response.status_code in (200, 204, 400, 403)
        if response.status_code == 200:
            assert _file_rows(response) != science_file
            theirs = download(analyst, {**state, "faculties": ["Law"], "programmes": []})
            if theirs.status_code == 200:
                assert _file_rows(response) == _file_rows(theirs)
    staff = [(who, download_body(STAFF_CHART, state)) for who, state in ((manager, years),)]
    for client, body in staff:
        assert client.post("/_dash-update-component", json=body).status_code == 200
    downloads = [e for e in _audit(tmp_path) if e["event"] == "download"]
    assert downloads, "every download is audited"
    assert all(e["chart"] in (chart, STAFF_CHART) and e["format"] == "csv" for e in downloads)
    mine = [e for e in downloads if e["user"] == "ann"]
    assert mine and all(e["role"] == "faculty_manager" and e["ip"] == "127.0.0.1" for e in mine)
    assert mine[-1]["selection"] == years and mine[-1]["chart"] == STAFF_CHART
    assert {e["user"] for e in downloads} == {"ann", "cat"}
    assert science in [e["selection"] for e in downloads if e["user"] == "cat"]


def test_an_admin_may_not_download(server, signed_in_mode, tmp_path):
    client = server.test_client()
    sign_in(client, "dan")
    body = download_body(STAFF_CHART, FilterState(2019, 2020).to_dict(), "excel")
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 403
    line = _audit(tmp_path)[-1]
    assert (line["event"], line["user"], line["role"], line["format"]) == (
        "download_refused", "dan", "admin", "excel"
    )  # fmt: skip


def test_the_board_sees_every_faculty_and_may_download(server, signed_in_mode):
    board, analyst = server.test_client(), server.test_client()
    sign_in(board, "bob")
    sign_in(analyst, "cat")
    state = FilterState(2019, 2020).to_dict()
    assert _rows(chart_request(board, STAFF_CHART, state)) == _rows(
        chart_request(analyst, STAFF_CHART, state)
    )
    assert (
        board.post("/_dash-update-component", json=download_body(STAFF_CHART, state)).status_code
        == 200
    )


def test_download_requests_are_recognised():
    body = download_body("mobility-rate", {"year_from": 2019}, "excel")
    assert download_request(body) == {
        "chart": "mobility-rate", "format": "excel", "selection": {"year_from": 2019}
    }  # fmt: skip
    assert (
        download_request({"outputs": [{"id": ids.chart_title("x"), "property": "children"}]})
        is None
    )
    assert download_request("not a dict") is None


# --- sign-in off: the demo on this machine only ------------------------------------------------


def test_with_sign_in_off_only_this_machine_is_answered(server, published):
    local = server.test_client()
    assert local.get("/").status_code == 200
    remote = server.test_client()
    remote.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert remote.get("/").status_code == 403
    response = chart_request(remote, STAFF_CHART, FilterState(2019, 2020).to_dict())
    assert response.status_code == 403


def test_with_sign_in_off_the_navbar_says_so(server, published):
    from dashboard.callbacks.auth import show_signed_in_user

    with server.test_request_context("/"):
        assert "Demo (analyst) — sign-in off" in str(show_signed_in_user("/"))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("127.0.0.2", True), ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
     ("example.org", False), ("", False)],
)  # fmt: skip
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def _settings(**values: str) -> Settings:
    return Settings.from_env({f"INTL_KPI_{k.upper()}": v for k, v in values.items()})


@pytest.mark.parametrize(
    ("argv", "environ", "refused"),
    [
        (["gunicorn", "app:server"], {}, False),  # gunicorn's default 127.0.0.1:8000
        (["gunicorn", "--bind", "0.0.0.0:8050", "app:server"], {}, True),
        (["gunicorn", "--bind=0.0.0.0:8050", "app:server"], {}, True),
        (["gunicorn", "-b", "127.0.0.1:8050", "-b", "[::]:8050", "app:server"], {}, True),
        (["gunicorn", "-b127.0.0.1:8050", "app:server"], {}, False),
        (["gunicorn", "app:server"], {"GUNICORN_CMD_ARGS": "--bind 10.0.0.1:80"}, True),
        (["gunicorn", "--bind", "unix:/run/intl-kpi.sock", "app:server"], {}, False),
    ],
)
def test_gunicorn_binds_are_checked(argv, environ, refused, tmp_path):
    settings = _settings()
    if refused:
        with pytest.raises(UnsafeStart, match="INTL_KPI_SIGN_IN"):
            check_start(settings, argv, environ, under_gunicorn=True)
        signed = _settings(sign_in="local", secret_key=KEY, audit_log=f"{tmp_path}/a.jsonl")
        check_start(signed, argv, environ, under_gunicorn=True)
    else:
        check_start(settings, argv, environ, under_gunicorn=True)


def test_the_host_setting_is_checked(tmp_path):
    check_start(_settings(), ["app.py"], {}, under_gunicorn=False)
    with pytest.raises(UnsafeStart, match="0.0.0.0"):
        check_start(_settings(host="0.0.0.0"), ["app.py"], {}, under_gunicorn=False)
    signed = _settings(
        host="0.0.0.0", sign_in="oidc", secret_key=KEY, audit_log=f"{tmp_path}/a.jsonl"
    )
    check_start(signed, ["app.py"], {}, under_gunicorn=False)
    assert (tmp_path / "a.jsonl").exists(), "the audit log is opened at start"
    unwritable = _settings(sign_in="local", secret_key=KEY, audit_log=f"{tmp_path}/a.jsonl/x")
    with pytest.raises(OSError):
        check_start(unwritable, ["app.py"], {}, under_gunicorn=False)


def test_python_app_py_on_all_addresses_refuses_to_start(tmp_path: Path):
    environment = {
        "PATH": "/usr/bin:/bin",
        "INTL_KPI_HOST": "0.0.0.0",
        "INTL_KPI_DATABASE": str(tmp_path / "intl_kpi.duckdb"),
    }
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=environment, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr and "INTL_KPI_SIGN_IN=local" in result.stderr


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path: Path):
    settings = Settings.from_env(
        {"INTL_KPI_SIGN_IN": "local"}, database=tmp_path / "db" / "intl_kpi.duckdb"
    )
    key = web.secret_key(settings)
    stored = tmp_path / "db" / "secret_key"
    assert len(key) == 64 and stored.read_text() == key
    assert stored.stat().st_mode & 0o077 == 0
    web._KEYS.clear()
    assert web.secret_key(settings) == key, "kept across restarts"
    assert web.secret_key(_settings(secret_key="from the setting")) == "from the setting"
    assert list((tmp_path / "db").iterdir()) == [stored], "no temporary file left behind"


def test_the_demo_needs_no_writable_folder(tmp_path: Path):
    settings = Settings.from_env({}, database=tmp_path / "absent" / "intl_kpi.duckdb")
    assert len(web.secret_key(settings)) == 64
    assert not (tmp_path / "absent").exists()


def test_sign_in_without_a_storable_key_refuses_to_start(tmp_path: Path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    (folder / "secret_key").write_text("short")
    settings = Settings.from_env({"INTL_KPI_SIGN_IN": "local"}, database=folder / "x.duckdb")
    with pytest.raises(web.SecretKeyMissing, match="INTL_KPI_SECRET_KEY"):
        check_start(settings, ["app.py"], {}, under_gunicorn=False)


def test_gunicorn_on_all_addresses_refuses_to_start(tmp_path: Path):
    """The README's shared-server command without sign-in: the workers refuse to boot."""
    environment = {"PATH": "/usr/bin:/bin", "INTL_KPI_DATABASE": str(tmp_path / "x.duckdb")}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [str(gunicorn), "--workers", "1", "--bind", "0.0.0.0:0", "app:server"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Refusing to start" in result.stderr


def _data_page_ids(server, user: str, store: UserStore) -> set[str]:
    from flask_login import login_user

    from dashboard.pages.data import layout

    with server.test_request_context("/data"):
        record = store.get(user)
        login_user(web.SignedInUser(f"local|{user}|{record.password_changed_at}", record.access))
        page = layout()
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list | tuple):
            for child in node:
                walk(child)
        elif hasattr(node, "to_plotly_json"):
            if isinstance(getattr(node, "id", None), str):
                found.add(node.id)
            walk(getattr(node, "children", None))

    walk(page)
    return found


def test_the_data_page_details_are_not_for_a_faculty_manager(server, signed_in_mode):
    analyst = _data_page_ids(server, "cat", signed_in_mode)
    assert {ids.DATA_LOADS_GRID, ids.DATA_TABLES_GRID, "data-definitions-heading"} <= analyst
    manager = _data_page_ids(server, "ann", signed_in_mode)
    assert {"data-definitions-heading", "data-targets-heading"} <= manager
    assert not {ids.DATA_LOADS_GRID, ids.DATA_TABLES_GRID, "data-facts-heading"} & manager
    # The university-wide enrolment chart: no update for the manager, drawn for the board.
    manager_client, board_client = server.test_client(), server.test_client()
    sign_in(manager_client, "ann")
    sign_in(board_client, "bob")
    state = FilterState(2019, 2020).to_dict()
    assert chart_request(manager_client, ids.DATA_ENROLMENT_CHART, state).status_code == 204
    assert _rows(chart_request(board_client, ids.DATA_ENROLMENT_CHART, state))
    body = download_body(ids.DATA_ENROLMENT_CHART, state)
    assert manager_client.post("/_dash-update-component", json=body).status_code == 204


def test_secrets_stay_out_of_the_settings_repr():
    settings = _settings(secret_key="s3cret-key-value", oidc_client_secret="client-s3cret")
    assert "s3cret-key-value" not in repr(settings) and "client-s3cret" not in repr(settings)
    assert settings.secret_key == "s3cret-key-value"


def test_an_admin_sees_no_figures(server, signed_in_mode):
    client = server.test_client()
    sign_in(client, "dan")
    for prefix in (STAFF_CHART, "mobility-in-out"):
        rows = _rows(chart_request(client, prefix, FilterState(2019, 2020).to_dict()))
        assert not [row for row in rows if row.get("value") not in (None, "")], prefix
