"""Single sign-on against a local OpenID Connect provider started by the tests: a tiny Flask
app on 127.0.0.1 that publishes its discovery document and keys, and issues RS256-signed
ID tokens from a freshly generated RSA key (no network beyond loopback). The dashboard's
Authlib client runs the real authorisation-code flow with PKCE against it; the claims are
mapped to a role and faculty by the mapping file, and the faculty scope holds."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from dashboard import ids, runtime
from dashboard.auth.audit import read_audit_log
from dashboard.auth.oidc import parse_mapping
from dashboard.filters_state import FilterState
from etl.users import UserError
from tests.dashboard.test_auth import _rows, chart_request

CLIENT_ID = "intl-kpi-test"
CLIENT_SECRET = "test client secret"
ENTITLEMENT = "urn:mace:example.nl:intl-kpi"
MAPPING = {
    "name_claim": "email",
    "scope": "openid profile email eduperson_entitlement",
    "rules": [
        {"claim": "eduperson_entitlement", "value": f"{ENTITLEMENT}:law",
         "role": "faculty_manager", "faculty": "Law"},
        {"claim": "eduperson_entitlement", "value": f"{ENTITLEMENT}:board", "role": "board"},
        {"claim": "email", "value": "analyst@example.nl", "role": "analyst"},
        {"claim": "eduperson_entitlement", "value": f"{ENTITLEMENT}:manager",
         "role": "faculty_manager", "faculty_claim": "ou"},
    ],
}  # fmt: skip


class Provider:
    """The test double: one client, auto-approving whoever ``claims`` describes."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.signing_key = self.key  # a test may sign with another key
        self.claims: dict[str, Any] = {}
        self.userinfo: dict[str, Any] = {}  # extra claims only the userinfo endpoint gives
        self.tokens: dict[str, str] = {}  # access token -> subject
        self.codes: dict[str, dict[str, Any]] = {}
        self.app = Flask("oidc-test-provider")
        self.url = ""
        app = self.app

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.url,
                authorization_endpoint=f"{self.url}/authorize",
                token_endpoint=f"{self.url}/token",
                jwks_uri=f"{self.url}/jwks",
                userinfo_endpoint=f"{self.url}/userinfo",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            args = request.args
            assert args["client_id"] == CLIENT_ID and args["response_type"] == "code"
            assert args["code_challenge_method"] == "S256"
            code = secrets.token_urlsafe(16)
            self.codes[code] = dict(args)
            query = urlencode({"code": code, "state": args["state"]})
            return redirect(f"{args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            form = request.form
            grant = self.codes.pop(form["code"], None)
            if grant is None or form["redirect_uri"] != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            basic = request.authorization
            if basic is None or (basic.username, basic.password) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            digest = hashlib.sha256(form["code_verifier"].encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if challenge != grant["code_challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
            now = int(time.time())
            claims = {
                "iss": self.url, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                "nonce": grant.get("nonce"), **self.claims,
            }  # fmt: skip
            header = {"alg": "RS256", "kid": "test-key"}
            id_token = jwt.encode(header, claims, self.signing_key)
            access_token = secrets.token_urlsafe(16)
            self.tokens[access_token] = self.claims.get("sub", "")
            return jsonify(
                access_token=access_token, token_type="Bearer", expires_in=300,
                id_token=id_token,
            )  # fmt: skip

        @app.get("/userinfo")
        def userinfo():
            bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if bearer not in self.tokens:
                return jsonify(error="invalid_token"), 401
            return jsonify({"sub": self.tokens[bearer], **self.userinfo})


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    double = Provider()
    server = make_server("127.0.0.1", 0, double.app, threaded=True)
    double.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield double
    server.shutdown()


@pytest.fixture(scope="module")
def server():
    import app

    return app.server


@pytest.fixture
def sso(published, provider, tmp_path, monkeypatch) -> Iterator[Provider]:
    roles = tmp_path / "oidc_roles.json"
    roles.write_text(json.dumps(MAPPING))
    environment = {
        "INTL_KPI_SIGN_IN": "oidc",
        "INTL_KPI_OIDC_ISSUER": provider.url,
        "INTL_KPI_OIDC_CLIENT_ID": CLIENT_ID,
        "INTL_KPI_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "INTL_KPI_OIDC_ROLES": str(roles),
        "INTL_KPI_AUDIT_LOG": str(tmp_path / "audit.jsonl"),
        "INTL_KPI_SECRET_KEY": "test secret key",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    runtime.settings.cache_clear()
    provider.signing_key = provider.key
    provider.userinfo = {}
    yield provider
    runtime.settings.cache_clear()


def sign_on(client, provider: Provider, claims: dict[str, Any], next_url: str = "/"):
    """The browser's round trip: dashboard -> provider -> dashboard callback."""
    provider.claims = claims
    start = client.get(f"/auth/oidc/login?next={next_url}")
    assert start.status_code == 302, start.get_data(as_text=True)
    assert start.headers["Location"].startswith(f"{provider.url}/authorize?")
    approved = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert approved.status_code == 302
    back = urlsplit(approved.headers["Location"])
    assert back.path == "/auth/oidc/callback"
    return client.get(f"{back.path}?{back.query}")


LAW_MANAGER = {"sub": "s1", "email": "ann@example.nl", "name": "Ann Law",
               "eduperson_entitlement": [f"{ENTITLEMENT}:staff", f"{ENTITLEMENT}:law"]}  # fmt: skip


def test_the_sign_in_page_offers_single_sign_on(server, sso):
    client = server.test_client()
    assert client.get("/").status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert "/auth/oidc/login" in page and 'name="password"' not in page


def test_a_law_manager_signs_on_and_sees_only_law(server, sso, tmp_path):
    client = server.test_client()
    response = sign_on(client, sso, LAW_MANAGER, next_url="/mobility")
    assert response.status_code == 302 and response.headers["Location"] == "/mobility"
    assert client.get("/mobility").status_code == 200
    line = read_audit_log(tmp_path / "audit.jsonl")[-1]
    assert (line["event"], line["user"], line["role"], line["method"]) == (
        "sign_in", "ann@example.nl", "faculty_manager", "oidc"
    )  # fmt: skip
    badge = client.post(
        "/_dash-update-component",
        json={
            "output": f"{ids.APP_USER}.children",
            "outputs": {"id": ids.APP_USER, "property": "children"},
            "inputs": [{"id": ids.APP_LOCATION, "property": "pathname", "value": "/"}],
            "changedPropIds": [f"{ids.APP_LOCATION}.pathname"],
        },
    )
    assert "Ann Law (faculty manager, Law)" in json.dumps(badge.get_json())
    science = FilterState(2019, 2020, faculties=("Science",)).to_dict()
    rows = _rows(chart_request(client, "mobility-in-out", science))
    assert not [row for row in rows if row.get("value")], "Science's mobility must not show"


def test_other_claims_map_to_other_roles(server, sso):
    board = server.test_client()
    claims = {"sub": "s2", "email": "bob@example.nl",
              "eduperson_entitlement": f"{ENTITLEMENT}:board"}  # fmt: skip
    assert sign_on(board, sso, claims).status_code == 302
    state = FilterState(2019, 2020, faculties=("Science",)).to_dict()
    assert [row for row in _rows(chart_request(board, "mobility-in-out", state)) if row["value"]]
    analyst = server.test_client()
    assert sign_on(analyst, sso, {"sub": "s3", "email": "analyst@example.nl"}).status_code == 302
    assert analyst.get("/data").status_code == 200


def test_someone_without_a_role_is_refused(server, sso, tmp_path):
    client = server.test_client()
    claims = {"sub": "s4", "email": "student@example.nl", "eduperson_entitlement": []}
    response = sign_on(client, sso, claims)
    assert response.status_code == 403
    assert client.get("/").status_code == 302
    line = read_audit_log(tmp_path / "audit.jsonl")[-1]
    assert (line["event"], line["user"], line["reason"]) == (
        "sign_in_failed", "student@example.nl", "no role"
    )  # fmt: skip


def test_a_token_signed_with_another_key_is_refused(server, sso, tmp_path):
    sso.signing_key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
    client = server.test_client()
    response = sign_on(client, sso, LAW_MANAGER)
    assert response.status_code == 401
    assert client.get("/").status_code == 302
    assert read_audit_log(tmp_path / "audit.jsonl")[-1]["event"] == "sign_in_failed"


def test_a_callback_without_the_flows_state_is_refused(server, sso):
    client = server.test_client()
    response = client.get("/auth/oidc/callback?code=stolen&state=forged")
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_the_mapping_rules():
    mapping = parse_mapping(MAPPING)
    law = mapping.access(LAW_MANAGER)
    assert (law.name, law.role, law.faculties, law.display_name) == (
        "ann@example.nl", "faculty_manager", ("Law",), "Ann Law"
    )  # fmt: skip
    from_claim = mapping.access(
        {"email": "x@example.nl", "eduperson_entitlement": f"{ENTITLEMENT}:manager",
         "ou": ["Science"]}
    )  # fmt: skip
    assert from_claim.faculties == ("Science",)
    # A manager rule without the faculty claim does not match (no unscoped manager).
    assert mapping.access({"email": "y@example.nl",
                           "eduperson_entitlement": f"{ENTITLEMENT}:manager"}) is None  # fmt: skip
    assert mapping.access({"email": "nobody@example.nl"}) is None
    assert mapping.access({"eduperson_entitlement": f"{ENTITLEMENT}:board"}) is None  # no name


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "list of 'rules'"),
        ({"rules": [{"claim": "a", "value": "b", "role": "root"}]}, "unknown role"),
        ({"rules": [{"claim": "a", "value": "b", "role": "faculty_manager"}]}, "needs"),
        ({"rules": [{"claim": "a", "value": "b", "role": "board", "faculty": "Law"}]}, "only"),
        ({"rules": [{"claim": "a", "role": "board"}]}, "rule 1"),
    ],
)
def test_a_bad_mapping_file_is_explained(data, message):
    with pytest.raises(UserError, match=message):
        parse_mapping(data)


def test_a_missing_mapping_file_fails_closed(server, sso, tmp_path, monkeypatch):
    monkeypatch.setenv("INTL_KPI_OIDC_ROLES", str(tmp_path / "missing.json"))
    runtime.settings.cache_clear()
    client = server.test_client()
    response = sign_on(client, sso, LAW_MANAGER)
    assert response.status_code == 500
    assert client.get("/").status_code == 302


def test_the_registered_redirect_url_is_used_behind_a_proxy(server, sso, monkeypatch):
    url = "https://kpi.example.nl/auth/oidc/callback"
    monkeypatch.setenv("INTL_KPI_OIDC_REDIRECT_URL", url)
    runtime.settings.cache_clear()
    start = server.test_client().get("/auth/oidc/login")
    assert start.status_code == 302
    assert f"redirect_uri={url}" in requests.utils.unquote(start.headers["Location"])


def test_claims_from_the_userinfo_endpoint_count(server, sso):
    """SURFconext may send group claims only from its userinfo endpoint."""
    client = server.test_client()
    sso.userinfo = {"eduperson_entitlement": [f"{ENTITLEMENT}:law"]}
    claims = {"sub": "s9", "email": "una@example.nl"}
    start = client.get("/auth/oidc/login")
    assert "eduperson_entitlement" in requests.utils.unquote(start.headers["Location"])
    assert sign_on(client, sso, claims).status_code == 302
    law = FilterState(2019, 2020, faculties=("Science",)).to_dict()
    assert not [r for r in _rows(chart_request(client, "mobility-in-out", law)) if r["value"]]


def test_a_userinfo_answer_about_someone_else_is_refused(server, sso):
    client = server.test_client()
    sso.userinfo = {"sub": "someone-else", "email": "analyst@example.nl"}
    response = sign_on(client, sso, {"sub": "s10", "email": "x@example.nl"})
    assert response.status_code == 401
    assert "another subject" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
