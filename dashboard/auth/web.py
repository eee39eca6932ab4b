"""Sign-in for the Dash app: the request guard, the sign-in page, single sign-on routes,
session cookies, and the audit of sign-ins and downloads.

:func:`install` hooks everything onto the Flask server under Dash. Every hook reads the
settings in force per request (``dashboard.runtime.settings``), so the same app object
serves sign-in on or off as configured.

- Sign-in off: only clients on the loopback address are answered (the demo on
  ``make run``); everyone is the demo analyst.
- Sign-in on (``local`` or ``oidc``): every route but the sign-in routes and ``/assets/``
  needs a signed-in user. Pages redirect to the sign-in page; Dash's XHR routes
  (``/_dash-update-component`` and friends) answer 401.
- Sessions are Flask's signed cookies (HttpOnly, SameSite=Lax, Secure whenever the request
  came over HTTPS), valid for 8 hours; the sign-in form carries a CSRF token bound to the
  session. Local sessions end when the user is removed or their password changes.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import json
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import dash
from flask import Flask, Response, g, redirect, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from markupsafe import escape

from dashboard import ids, runtime
from dashboard.auth import audit
from dashboard.auth.access import DEMO, current_access, sign_in_enabled
from dashboard.auth.oidc import OidcClients, read_mapping, roles_file, signed_on_claims
from dashboard.auth.throttle import LoginThrottle
from dashboard.i18n import N_, _, html_language
from dashboard.vocabulary import code_label
from etl.users import DOWNLOAD, Access, UserError, UserStore, users_file

SESSION_HOURS = 8
SESSION_COOKIE = "intl_kpi_session"
LOGIN = "login"
LOGOUT = "logout"
OIDC_LOGIN = "auth/oidc/login"
OIDC_CALLBACK = "auth/oidc/callback"
_DOWNLOAD_TYPE = ids.chart_download("")["type"]
LOOPBACK_NAMES = ("localhost",)


def is_loopback(host: str | None) -> bool:
    """Whether an address (or ``localhost``) is this machine only."""
    if not host:
        return False
    host = host.strip().strip("[]")
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- secret key and cookies -------------------------------------------------------------


# With sign-in off no session carries anything worth signing: a key per process will do,
# so the demo never needs a writable database folder.
_PROCESS_KEY = secrets.token_hex(32)
_KEYS: dict[Path, str] = {}


class SecretKeyMissing(RuntimeError):
    """Sign-in is on, no key is set and none can be stored next to the database."""


def secret_key(settings: Any) -> str:
    """The ``INTL_KPI_SECRET_KEY`` setting, else a key generated once into ``secret_key``
    next to the database (owner-only), shared by every worker and kept across restarts."""
    if settings.secret_key:
        return settings.secret_key
    if not sign_in_enabled(settings):
        return _PROCESS_KEY
    path = Path(settings.database).parent / "secret_key"
    if path in _KEYS:
        return _KEYS[path]
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written in full to a private temporary file, then linked into place: a
            # worker that loses the race reads the winner's complete key.
            handle, temporary = tempfile.mkstemp(prefix=".secret_key-", dir=path.parent)
            try:
                with os.fdopen(handle, "w", encoding="ascii") as file:
                    file.write(secrets.token_hex(32))
                with contextlib.suppress(FileExistsError):
                    os.link(temporary, path)
            finally:
                os.unlink(temporary)
        key = path.read_text(encoding="ascii").strip()
    except OSError as error:
        raise SecretKeyMissing(
            f"sign-in needs a session key: set INTL_KPI_SECRET_KEY or make {path.parent} "
            f"writable ({error})"
        ) from error
    if len(key) < 32:
        raise SecretKeyMissing(f"{path} holds no usable key: delete it or set INTL_KPI_SECRET_KEY")
    _KEYS[path] = key
    return key


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions with the key from the settings in force, and the
    Secure flag whenever the request came over HTTPS."""

    def get_signing_serializer(self, app: Flask):  # noqa: ANN201
        app.secret_key = secret_key(runtime.settings())
        return super().get_signing_serializer(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


# --- users ---------------------------------------------------------------------------


class SignedInUser(UserMixin):
    def __init__(self, user_id: str, access: Access) -> None:
        self.id = user_id
        self.access = access


def _local_id(name: str, password_changed_at: str) -> str:
    return f"local|{name}|{password_changed_at}"


def _load_user(user_id: str) -> SignedInUser | None:
    settings = runtime.settings()
    kind, _, rest = user_id.partition("|")
    if kind == "local" and settings.sign_in == "local":
        name, _, changed = rest.partition("|")
        try:
            user = UserStore(users_file(settings)).get(name)
        except UserError:
            return None
        if user is None or user.password_changed_at != changed:
            return None  # removed, or the password changed since: sign in again
        return SignedInUser(user_id, user.access)
    if kind == "oidc" and settings.sign_in == "oidc":
        stored = session.get("oidc_access")
        if not stored or stored.get("name") != rest:
            return None
        faculties = stored.get("faculties")
        return SignedInUser(
            user_id,
            Access(
                stored["name"],
                stored["role"],
                None if faculties is None else tuple(faculties),
                stored.get("display_name", ""),
            ),
        )
    return None


def _client_address() -> str:
    return request.remote_addr or ""


def _audit_fields(access: Access | None) -> dict[str, Any]:
    return {
        "user": access.name if access else None,
        "role": access.role if access else None,
        "ip": _client_address(),
    }


# --- the sign-in page ----------------------------------------------------------------------


def _csrf_token() -> str:
    token = session.get("csrf_token")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf_token"] = token
    return token


def _safe_next(target: str | None, prefix: str) -> str:
    """Only a path on this site (no scheme, no host, no ``//``) is followed after sign-in."""
    if not target:
        return prefix
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return prefix
    if "\\" in target:
        return prefix
    return target


def login_page(
    prefix: str, message: str = "", next_url: str = "", oidc: bool = False, local: bool = True
) -> str:
    """The sign-in page (plain HTML: it works before any Dash script is loaded)."""
    alert = (
        f'<div class="alert alert-danger" role="alert">{escape(_(message))}</div>'
        if message
        else ""
    )
    # Translated outside the f-strings below (the message extractor reads no f-string).
    text = {
        "user": _("User name"),
        "password": _("Password"),
        "sign_in": _("Sign in"),
        "sso": _("Sign in with your institution"),
        "title": _("Sign in · International KPIs"),
        "heading": _("International KPIs"),
    }
    text = {key: str(escape(value)) for key, value in text.items()}
    form = ""
    if local:
        form = f"""
        <form method="post" action="{prefix}{LOGIN}" autocomplete="on">
          <input type="hidden" name="csrf_token" value="{escape(_csrf_token())}">
          <input type="hidden" name="next" value="{escape(next_url)}">
          <div class="mb-3"><label class="form-label" for="username">{text["user"]}</label>
            <input class="form-control" id="username" name="username" required
                   autocomplete="username"></div>
          <div class="mb-3"><label class="form-label" for="password">{text["password"]}</label>
            <input class="form-control" id="password" name="password" type="password" required
                   autocomplete="current-password"></div>
          <button class="btn btn-primary" type="submit">{text["sign_in"]}</button>
        </form>"""
    sso = ""
    if oidc:
        sso = (
            f'<a class="btn btn-primary" id="sign-in-sso" '
            f'href="{prefix}{OIDC_LOGIN}?next={escape(quote(next_url))}">'
            f"{text['sso']}</a>"
        )
    return f"""<!DOCTYPE html>
<html lang="{html_language()}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{text["title"]}</title>
<link rel="stylesheet" href="{prefix}assets/vendor/bootstrap.min.css">
</head><body class="bg-light">
<main class="container mt-5 col-md-6 col-lg-4">
  <h1 class="h3 mb-4">{text["heading"]}</h1>
  {alert}{form}{sso}
</main></body></html>"""


# --- downloads --------------------------------------------------------------------------


def _dash_ids(value: Any) -> list[Any]:
    """Every component id in a Dash callback request's ``outputs``/``inputs``/``state``."""
    found: list[Any] = []
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        if isinstance(entry, list):
            found += _dash_ids(entry)
        elif isinstance(entry, dict) and "id" in entry:
            found.append(entry)
    return found


def download_request(body: Any) -> dict[str, Any] | None:
    """The chart and selection of a chart-download callback request, else ``None``."""
    if not isinstance(body, dict):
        return None
    outputs = _dash_ids(body.get("outputs"))
    whole = {
        # "Download everything": every KPI of the selection in one workbook.
        ids.DATA_WORKBOOK_DOWNLOAD: ("all-kpis", "xlsx"),
        # The board report (Overview page): every targeted KPI of the selection as PDF.
        ids.OVERVIEW_REPORT_DOWNLOAD: ("board-report", "pdf"),
    }
    found = [whole[e["id"]] for e in outputs if isinstance(e["id"], str) and e["id"] in whole]
    if found:
        state = [e for e in _dash_ids(body.get("state")) if e["id"] == ids.FILTER_STATE]
        selection = state[0].get("value") if state else None
        return {"chart": found[0][0], "format": found[0][1], "selection": selection}
    charts = [
        entry["id"].get("chart")
        for entry in outputs
        if isinstance(entry["id"], dict) and entry["id"].get("type") == _DOWNLOAD_TYPE
    ]
    if not charts:
        return None
    selection = None
    triggered = None
    for entry in _dash_ids(body.get("inputs")) + _dash_ids(body.get("state")):
        if entry["id"] == ids.FILTER_STATE:
            selection = entry.get("value")
        elif isinstance(entry["id"], dict) and entry.get("value"):
            value = entry.get("value")
            if isinstance(value, dict) and "data_sheet" in value:
                sheet = value.get("data_sheet") or {}
                selection = selection or sheet.get("selection") or sheet.get("filters")
            elif str(entry["id"].get("type", "")).startswith("chart-download-"):
                triggered = entry["id"]["type"].removeprefix("chart-download-")
    for changed in body.get("changedPropIds") or []:
        if isinstance(changed, str) and '"chart-download-' in changed:
            triggered = changed.split('"chart-download-', 1)[1].split('"', 1)[0]
    return {"chart": charts[0], "format": triggered, "selection": selection}


# --- install ----------------------------------------------------------------------------


def install(app: dash.Dash) -> None:
    """Hook sign-in, the request guard and the audit onto ``app``'s Flask server."""
    server = app.server
    prefix = app.config.routes_pathname_prefix or "/"
    server.session_interface = _SessionInterface()
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        # Lax, not Strict: the single sign-on callback is a top-level redirect from the
        # identity provider and must carry the session that holds its state.
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    login_manager = LoginManager()
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.init_app(server)
    oidc_clients = OidcClients()
    public = {f"{prefix}{LOGIN}", f"{prefix}{OIDC_LOGIN}", f"{prefix}{OIDC_CALLBACK}"}
    assets = f"{prefix}assets/"

    def refuse_unsigned() -> Response:
        is_xhr = request.path.startswith((f"{prefix}_", f"{prefix}api/")) or request.method != "GET"
        if is_xhr:
            return Response(
                json.dumps({"error": "sign-in required", "login": f"{prefix}{LOGIN}"}),
                status=401,
                mimetype="application/json",
            )
        next_url = request.full_path if request.query_string else request.path
        return redirect(f"{prefix}{LOGIN}?next={quote(next_url)}")

    @server.before_request
    def guard() -> Response | None:
        settings = runtime.settings()
        path = request.path
        if not sign_in_enabled(settings):
            if not is_loopback(_client_address()):
                return Response(
                    "Sign-in is off: this dashboard only answers on this machine.",
                    status=403,
                    mimetype="text/plain",
                )
            if path == f"{prefix}{LOGIN}":
                return redirect(prefix)
        elif (
            path not in public and not path.startswith(assets) and not current_user.is_authenticated
        ):
            return refuse_unsigned()
        if path == f"{prefix}_dash-update-component" and request.method == "POST":
            download = download_request(request.get_json(silent=True))
            if download is not None:
                access = current_access(settings)
                if access is None or not access.can(DOWNLOAD):
                    audit.audit(
                        settings, audit.DOWNLOAD_REFUSED, **_audit_fields(access), **download
                    )
                    return Response(
                        json.dumps({"error": "your role may not download"}),
                        status=403,
                        mimetype="application/json",
                    )
                g.audit_download = download
        return None

    @server.after_request
    def audit_download(response: Response) -> Response:
        download = g.pop("audit_download", None)
        if download is not None and response.status_code == 200:
            settings = runtime.settings()
            audit.audit(
                settings, audit.DOWNLOAD, **_audit_fields(current_access(settings)), **download
            )
        return response

    @server.route(f"{prefix}{LOGIN}", methods=["GET", "POST"])
    def login() -> Response | str:
        settings = runtime.settings()
        local = settings.sign_in == "local"
        oidc = settings.sign_in == "oidc"
        if request.method == "GET":
            next_url = _safe_next(request.args.get("next"), prefix)
            if current_user.is_authenticated:
                return redirect(next_url)
            return login_page(prefix, next_url=next_url, oidc=oidc, local=local)
        next_url = _safe_next(request.form.get("next"), prefix)
        if not local:
            return Response("Sign in with your institution.", status=400)
        expected = session.get("csrf_token") or ""
        sent = request.form.get("csrf_token") or ""
        if not expected or not hmac.compare_digest(expected, sent):
            page = login_page(prefix, N_("The form expired; please sign in again."), next_url)
            return Response(page, status=400, mimetype="text/html")
        name = (request.form.get("username") or "").strip()[:64]
        password = request.form.get("password") or ""
        address = _client_address()
        store = UserStore(users_file(settings))
        throttle = LoginThrottle(
            users_file(settings).with_name("login_failures.sqlite"), settings.login_attempts
        )
        fields = {"user": name, "role": None, "ip": address, "method": "password"}
        if throttle.blocked(name, address):
            audit.audit(settings, audit.SIGN_IN_REFUSED, **fields)
            page = login_page(
                prefix, N_("Too many failed sign-ins: try again in 15 minutes."), next_url
            )
            return Response(page, status=429, mimetype="text/html")
        try:
            user = store.verify(name, password)
        except UserError:
            user = None
        if user is None:
            throttle.failed(name, address)
            audit.audit(settings, audit.SIGN_IN_FAILED, **fields)
            page = login_page(prefix, N_("Wrong user name or password."), next_url)
            return Response(page, status=401, mimetype="text/html")
        throttle.succeeded(name)
        session.clear()  # a fresh session: nothing set before sign-in carries over
        session.permanent = True
        login_user(SignedInUser(_local_id(user.name, user.password_changed_at), user.access))
        audit.audit(settings, audit.SIGN_IN, **{**fields, "role": user.role})
        return redirect(next_url)

    @server.route(f"{prefix}{LOGOUT}")
    def logout() -> Response:
        settings = runtime.settings()
        access = current_access(settings) if current_user.is_authenticated else None
        logout_user()
        session.clear()
        if access is not None:
            audit.audit(settings, audit.SIGN_OUT, **_audit_fields(access))
        return redirect(f"{prefix}{LOGIN}" if sign_in_enabled(settings) else prefix)

    @server.route(f"{prefix}{OIDC_LOGIN}")
    def oidc_login() -> Response:
        settings = runtime.settings()
        if settings.sign_in != "oidc":
            return Response("Single sign-on is not configured.", status=404)
        session["oidc_next"] = _safe_next(request.args.get("next"), prefix)
        client = oidc_clients.client(settings)
        callback = settings.oidc_redirect_url or (
            request.host_url.rstrip("/") + f"{prefix}{OIDC_CALLBACK}"
        )
        return client.authorize_redirect(callback)

    @server.route(f"{prefix}{OIDC_CALLBACK}")
    def oidc_callback() -> Response:
        settings = runtime.settings()
        if settings.sign_in != "oidc":
            return Response("Single sign-on is not configured.", status=404)
        fields = {"user": None, "role": None, "ip": _client_address(), "method": "oidc"}
        try:
            client = oidc_clients.client(settings)
            claims = signed_on_claims(client, client.authorize_access_token())
        # Fail closed: a bad signature, state, nonce or an unreachable provider alike.
        except Exception as error:  # noqa: BLE001
            audit.audit(settings, audit.SIGN_IN_FAILED, **fields, reason=str(error)[:200])
            return Response(f"Single sign-on failed: {escape(error)}", status=401)
        try:
            access = read_mapping(roles_file(settings)).access(claims)
        except UserError as error:
            audit.audit(settings, audit.SIGN_IN_FAILED, **fields, reason=str(error)[:200])
            return Response("Sign-on is misconfigured; tell the administrator.", status=500)
        if access is None:
            name = claims.get("email") or claims.get("sub")
            audit.audit(
                settings, audit.SIGN_IN_FAILED, **{**fields, "user": name}, reason="no role"
            )
            return Response(
                "You are signed on, but your account has no role in this dashboard.",
                status=403,
            )
        next_url = session.get("oidc_next") or prefix
        session.clear()
        session.permanent = True
        session["oidc_access"] = {
            "name": access.name,
            "role": access.role,
            "faculties": None if access.faculties is None else list(access.faculties),
            "display_name": access.display_name,
        }
        login_user(SignedInUser(f"oidc|{access.name}", access))
        audit.audit(settings, audit.SIGN_IN, **{**fields, **_audit_fields(access)})
        return redirect(next_url)


def user_badge(access: Access | None, settings: Any, prefix: str = "/") -> list[Any]:
    """The navbar's who-am-I text and sign-out link."""
    from dash import html

    access = access or DEMO
    if not sign_in_enabled(settings):
        text = _("{user} ({role}) — sign-in off").format(
            user=access.label, role=code_label(access.role)
        )
        return [html.Span(text, className="navbar-text")]
    scope = f", {', '.join(access.faculties)}" if access.faculties else ""
    return [
        html.Span(
            f"{access.label} ({code_label(access.role)}{scope})", className="navbar-text me-3"
        ),
        html.A(_("Sign out"), href=f"{prefix}{LOGOUT}", className="btn btn-outline-light btn-sm"),
    ]


# --- refusing to start ----------------------------------------------------------------------


class UnsafeStart(RuntimeError):
    """The dashboard would be reachable from other machines without sign-in."""


def _gunicorn_binds(argv: list[str], environ: dict[str, str]) -> list[str]:
    """``--bind``/``-b`` values of a gunicorn command line (and ``GUNICORN_CMD_ARGS``)."""
    import shlex

    words = list(argv) + shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    binds: list[str] = []
    for index, word in enumerate(words):
        if word in ("-b", "--bind") and index + 1 < len(words):
            binds.append(words[index + 1])
        elif word.startswith("--bind="):
            binds.append(word.removeprefix("--bind="))
        elif word.startswith("-b") and len(word) > 2:
            binds.append(word[2:])
    return binds or ["127.0.0.1:8000"]  # gunicorn's default


def _bind_host(bind: str) -> str:
    if bind.startswith(("unix:", "fd://")):
        return "localhost"  # a socket file or inherited descriptor: a proxy in front decides
    if bind.startswith("["):
        return bind[1 : bind.index("]")]
    return bind.rsplit(":", 1)[0] if bind.count(":") == 1 else bind


def check_start(
    settings: Any, argv: list[str], environ: dict[str, str], under_gunicorn: bool
) -> None:
    """Refuse to start when other machines could reach the dashboard without sign-in:
    the host setting (``python app.py``) or gunicorn's ``--bind`` is not a loopback
    address. Raises :class:`UnsafeStart` with what to do instead."""
    if sign_in_enabled(settings):
        secret_key(settings)  # raises SecretKeyMissing now rather than on the first request
        audit.open_audit_log(settings)  # and an unwritable audit log, too
        return
    hosts = [_bind_host(b) for b in _gunicorn_binds(argv, environ)] if under_gunicorn else []
    hosts.append(settings.host)
    exposed = [host for host in hosts if not is_loopback(host)]
    if exposed:
        raise UnsafeStart(
            f"Refusing to start: the dashboard would listen on {', '.join(exposed)} with "
            "sign-in off, so anyone on the network could read every faculty's figures. "
            "Set INTL_KPI_SIGN_IN=local (users from `intl-kpi users add`) or "
            "INTL_KPI_SIGN_IN=oidc (single sign-on), or listen on 127.0.0.1 only."
        )


def refuse_unsafe_start(settings: Any) -> None:
    """:func:`check_start` for this process (``python app.py`` or gunicorn's ``app:server``)."""
    import sys

    check_start(settings, sys.argv, dict(os.environ), under_gunicorn="gunicorn" in sys.modules)
