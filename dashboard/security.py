"""What the server accepts from a browser, and the security headers it answers with.

Callback inputs: every value a callback reads from the browser (the filter store, the URL,
the filter controls, navbar link ids, download clicks) is checked by one function,
:func:`check_input`, against the allow-list :data:`VALIDATORS` before Dash runs the callback.
:func:`check_callback_request` applies it to a whole ``/_dash-update-component`` request (and
checks that the request names a registered callback with its declared inputs), so a forged
request is answered with 400 in milliseconds instead of a 500 or a long computation. The
callbacks call :func:`check_input` (or ``FilterState.from_dict``, the store's validator)
themselves too, so a direct call is checked the same way. Request bodies are capped at
:data:`MAX_REQUEST_BYTES`.

Headers (flask-talisman): a Content-Security-Policy without ``'unsafe-inline'`` or
``'unsafe-eval'`` scripts (Dash's inline scripts are allowed by their hashes,
``Dash.csp_hashes``; plotly.js draws the dashboard's chart types without ``eval``), no
framing (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), ``X-Content-Type-Options:
nosniff`` and ``Referrer-Policy: same-origin``. HSTS is sent on HTTPS requests only.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

import dash
import flask
from flask_talisman import Talisman

from dashboard import ids
from dashboard.filters_state import (
    BASES,
    CYCLES,
    MAX_CHOICES,
    MAX_SEARCH_LENGTH,
    MAX_TEXT_LENGTH,
    FilterState,
    InvalidInput,
    check_texts,
)
from dashboard.i18n import LANGUAGES

MAX_REQUEST_BYTES = 1024 * 1024  # a callback request is a few kB
MAX_PATH_LENGTH = 2048
MAX_CLICKS = 10**9
PAGES_LOCATION = "_pages_location"  # Dash's page router (dash.dash._ID_LOCATION)
UPDATE_COMPONENT = "_dash-update-component"


def _optional_text(value: Any, what: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidInput(f"{what} is not a text of at most {limit} characters")
    return value


def check_search(value: Any) -> str | None:
    """A ``location.search`` string."""
    return _optional_text(value, "the query string", MAX_SEARCH_LENGTH)


def check_pathname(value: Any) -> str | None:
    """A ``location.pathname`` string."""
    return _optional_text(value, "the path", MAX_PATH_LENGTH)


def check_year_choice(value: Any) -> str | None:
    """A year select's value (``'2019'``; unknown years are the filter callback's notice)."""
    if value == "":
        return None
    return _optional_text(value, "a year choice", 16)


def check_choices(key: str) -> Callable[[Any], tuple[str, ...]]:
    """A multi-select's value: a bounded list of short texts."""
    return lambda value: check_texts(value, key)


def check_cycles(value: Any) -> tuple[str, ...]:
    cycles = check_texts(value, "cycles")
    for cycle in cycles:
        if cycle not in CYCLES:
            raise InvalidInput(f"unknown cycle {cycle[:40]!r}")
    return cycles


def check_basis(value: Any) -> str | None:
    if value is None or value in BASES:
        return value
    raise InvalidInput("unknown international basis")


def check_nav_link_id(value: Any) -> dict[str, str]:
    """A navbar link's id (its ``page`` names the registered page it links to)."""
    if (
        not isinstance(value, dict)
        or set(value) != {"type", "page"}
        or value["type"] != ids.nav_link("")["type"]
        or not isinstance(value["page"], str)
        or value["page"] not in dash.page_registry
    ):
        raise InvalidInput("not a navbar link id")
    return value


def check_language_link_id(value: Any) -> dict[str, str]:
    """A language link's id (its ``language`` is one the dashboard speaks)."""
    if (
        not isinstance(value, dict)
        or set(value) != {"type", "language"}
        or value["type"] != ids.language_link("")["type"]
        or value["language"] not in LANGUAGES
    ):
        raise InvalidInput("not a language link id")
    return value


def check_clicks(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < MAX_CLICKS:
        raise InvalidInput("a click count is not a small whole number")
    return value


def check_flag(value: Any) -> bool | None:
    """A true/false property (a collapse's ``is_open``)."""
    if value is not None and not isinstance(value, bool):
        raise InvalidInput("a flag is not true or false")
    return value


# (component id, or a pattern-matching id's "type"; property) -> the check of its value.
VALIDATORS: dict[tuple[str, str], Callable[[Any], Any]] = {
    (ids.FILTER_STATE, "data"): FilterState.from_dict,
    (ids.FILTER_LOCATION, "search"): check_search,
    (ids.APP_LOCATION, "pathname"): check_pathname,
    (PAGES_LOCATION, "pathname"): check_pathname,
    (PAGES_LOCATION, "search"): check_search,
    (ids.FILTER_YEAR_FROM, "value"): check_year_choice,
    (ids.FILTER_YEAR_TO, "value"): check_year_choice,
    (ids.FILTER_FACULTY, "value"): check_choices("faculties"),
    (ids.FILTER_PROGRAMME, "value"): check_choices("programmes"),
    (ids.FILTER_CYCLE, "value"): check_cycles,
    (ids.FILTER_BASIS, "value"): check_basis,
    (ids.nav_link("")["type"], "id"): check_nav_link_id,
    (ids.language_link("")["type"], "id"): check_language_link_id,
    (ids.chart_download_csv("")["type"], "n_clicks"): check_clicks,
    (ids.chart_download_excel("")["type"], "n_clicks"): check_clicks,
    (ids.DATA_WORKBOOK_BUTTON, "n_clicks"): check_clicks,
    (ids.OVERVIEW_REPORT_BUTTON, "n_clicks"): check_clicks,
    (ids.APP_NAVBAR_TOGGLER, "n_clicks"): check_clicks,
    (ids.APP_NAVBAR_COLLAPSE, "is_open"): check_flag,
}


def _component_key(component_id: Any) -> str:
    if isinstance(component_id, str) and len(component_id) <= MAX_TEXT_LENGTH:
        return component_id
    if isinstance(component_id, dict) and all(
        isinstance(key, str) and isinstance(value, str) and len(value) <= MAX_TEXT_LENGTH
        for key, value in component_id.items()
    ):
        return component_id.get("type", "")
    raise InvalidInput("not a component id")


def check_input(component_id: Any, prop: Any, value: Any) -> Any:
    """``value`` of ``component_id.prop`` as a callback may use it (normalised by its check);
    :class:`InvalidInput` when no callback reads that property or the value is not one the
    dashboard's own controls send. The one place callback inputs are validated."""
    check = VALIDATORS.get((_component_key(component_id), prop))
    if check is None:
        raise InvalidInput(f"no callback reads {str(prop)[:40]!r} of this component")
    return check(value)


def _declared(dependency: Mapping[str, str]) -> tuple[Any, bool]:
    """A declared input's id (a dict for a pattern) and whether it matches many (ALL)."""
    raw = dependency["id"]
    if not raw.startswith("{"):
        return raw, False
    pattern = json.loads(raw)
    return pattern, any(value in (["ALL"], ["ALLSMALLER"]) for value in pattern.values())


def _check_entry(entry: Any, declared_id: Any, prop: str) -> None:
    if not isinstance(entry, dict) or entry.get("property") != prop:
        raise InvalidInput("a callback input is not the one the callback declares")
    component_id = entry.get("id")
    if isinstance(declared_id, str):
        if component_id != declared_id:
            raise InvalidInput("a callback input is not the one the callback declares")
    elif not isinstance(component_id, dict) or set(component_id) != set(declared_id):
        raise InvalidInput("a callback input is not the one the callback declares")
    check_input(component_id, prop, entry.get("value"))


def check_callback_request(body: Any, callback_map: Mapping[str, Any]) -> None:
    """A whole callback request: a registered callback, its declared inputs and state in
    order, each value through :func:`check_input`. Raises :class:`InvalidInput`."""
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        raise InvalidInput("not a callback request")
    callback = callback_map.get(body["output"])
    if callback is None:
        raise InvalidInput("no such callback")
    outputs = body.get("outputs")
    if not isinstance(outputs, list | dict):
        raise InvalidInput("a callback request without outputs")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(item, str) for item in changed):
        raise InvalidInput("changedPropIds is not a list of texts")
    for section in ("inputs", "state"):
        declared = callback.get(section) or []
        sent = body.get(section, [])
        if not isinstance(sent, list) or len(sent) != len(declared):
            raise InvalidInput(f"the callback's {section} are not the declared ones")
        for dependency, item in zip(declared, sent, strict=True):
            declared_id, many = _declared(dependency)
            if many:
                if not isinstance(item, list) or len(item) > MAX_CHOICES:
                    raise InvalidInput("a pattern-matching input is not a short list")
                for entry in item:
                    _check_entry(entry, declared_id, dependency["property"])
            else:
                _check_entry(item, declared_id, dependency["property"])


def _invalid_input(error: InvalidInput) -> tuple[flask.Response, int]:
    return flask.jsonify({"error": "invalid callback input", "detail": str(error)}), 400


def _set_up_once(dash_hooks: list[Callable[[], Any]]) -> Callable[[], Any]:
    """Dash's first-request hooks, finished before any request goes on. Dash marks its set-up
    done when it starts, so in a fresh threaded worker the requests arriving during the first
    one's set-up would meet a half-filled ``callback_map`` (a 500 before, "no such callback"
    here)."""
    lock = threading.Lock()
    finished: list[bool] = []

    def set_up() -> Any:
        if finished:
            return _run(dash_hooks)
        with lock:
            answer = _run(dash_hooks)
            finished.append(True)
            return answer

    return set_up


def _run(hooks: list[Callable[[], Any]]) -> Any:
    for hook in hooks:
        answer = hook()
        if answer is not None:
            return answer
    return None


def _is_dash_hook(hook: Callable[..., Any]) -> bool:
    module = getattr(hook, "__module__", "") or ""
    return module == "dash" or module.startswith("dash.")


def content_security_policy(script_hashes: list[str]) -> dict[str, str | list[str]]:
    """The CSP: everything from this server, Dash's inline scripts by hash, no framing.

    Styles allow ``'unsafe-inline'``: Dash components and plotly.js set ``style`` attributes
    and write ``<style>`` rules at run time (a style cannot run code)."""
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def protect(app: dash.Dash) -> Talisman:
    """Install the request checks and security headers on ``app`` (call once, in app.py)."""
    server = app.server
    limit = server.config.get("MAX_CONTENT_LENGTH")
    server.config["MAX_CONTENT_LENGTH"] = min(limit or MAX_REQUEST_BYTES, MAX_REQUEST_BYTES)
    server.register_error_handler(InvalidInput, _invalid_input)
    update_path = app.config.routes_pathname_prefix + UPDATE_COMPONENT

    def check_callback_inputs() -> None:
        if flask.request.method != "POST" or flask.request.path != update_path:
            return
        try:
            body = flask.request.get_json(silent=True)
        except RecursionError:  # deeply nested JSON
            body = None
        check_callback_request(body, app.callback_map)

    # First Dash's own set-up hooks, then this check, then any other hook that reads the
    # request body (sign-in, audit): they only see checked requests.
    hooks = server.before_request_funcs.setdefault(None, [])
    dash_hooks = [hook for hook in hooks if _is_dash_hook(hook)]
    others = [hook for hook in hooks if not _is_dash_hook(hook)]
    hooks[:] = [_set_up_once(dash_hooks), check_callback_inputs, *others]

    talisman = Talisman(
        server,
        force_https=False,  # TLS ends at the reverse proxy; `make run` is plain http
        strict_transport_security=True,  # sent on HTTPS requests only
        session_cookie_secure=False,  # the sign-in settings decide (plain http on 127.0.0.1)
        frame_options="DENY",
        referrer_policy="same-origin",
        content_security_policy=content_security_policy([]),
        content_security_policy_nonce_in=[],
        x_content_type_options=True,
    )
    # The script hashes are filled in on the first request, after Dash has registered its
    # page router's inline (clientside) script.
    hashing = threading.Lock()
    hashed: list[bool] = []

    @server.before_request
    def hash_inline_scripts() -> None:
        if hashed:
            return
        with hashing:
            if not hashed:
                hashes = app.csp_hashes()
                talisman.content_security_policy["script-src"] = ["'self'", *hashes]
                hashed.append(True)

    return talisman
