"""The read-only HTTP API: ``GET /api/v1/kpis`` gives what ``intl-kpi kpis`` gives, as JSON or
CSV, and ``GET /api/v1/openapi.json`` describes it.

Same rows: the selection is built as the CLI builds it and the table comes from
``dashboard.kpis.table.kpi_table``, written by ``dashboard.exports`` (the CLI's own JSON and
CSV writers). Same protection: the server's suppression preset (``none`` is refused by
``runtime.settings``, and there is no parameter to ask for another), the signed-in user's
faculty scope from ``runtime.query_context`` and ``runtime.scoped_state``, the download
permission, and an audit line per answer, like a chart download. With sign-in on, the guard
in ``dashboard.auth.web`` answers 401 with JSON before any of this runs.

Parameters come from one table, :data:`PARAMETERS`: it validates a request (an unknown
parameter, a repeated single one or a bad value is a 400 naming the parameter) and it
writes the OpenAPI 3.1 document, so the two cannot disagree.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import dash
import flask
from werkzeug.datastructures import MultiDict

from dashboard import runtime
from dashboard.auth import audit
from dashboard.db import DatabaseMissing
from dashboard.exports import csv_text, json_text
from dashboard.filters_state import (
    BASES,
    CYCLES,
    MAX_CHOICES,
    MAX_SEARCH_LENGTH,
    MAX_TEXT_LENGTH,
    FilterState,
    parse_academic_year,
)
from dashboard.i18n import DEFAULT_LANGUAGE, use_language
from dashboard.kpis import query
from dashboard.kpis.registry import BREAKDOWNS, REGISTRY, UnknownKpi
from dashboard.kpis.table import TABLE_COLUMNS, kpi_table
from etl.users import DOWNLOAD

API_PREFIX = "api/v1/"
KPIS_PATH = "kpis"
OPENAPI_PATH = "openapi.json"
FORMATS = ("json", "csv")
API_VERSION = "1.0.0"
AUDIT_NAME = "api/v1/kpis"  # the "chart" an API answer is audited under


class ApiError(Exception):
    """A request the API refuses: status, message and the parameter at fault."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter

    def response(self) -> flask.Response:
        body: dict[str, Any] = {"error": self.message}
        if self.parameter is not None:
            body["parameter"] = self.parameter
        return _json_response(json.dumps(body, ensure_ascii=False), self.status)


def _year(value: str, name: str) -> int:
    year = parse_academic_year(value)
    if year is None:
        raise ApiError(400, f"{value[:40]!r} is not an academic year (2019 or 2019-20)", name)
    return year


def _one_of(allowed: tuple[str, ...] | list[str]) -> Callable[[str, str], str]:
    def check(value: str, name: str) -> str:
        if value not in allowed:
            raise ApiError(
                400, f"{value[:40]!r} is not one of: {', '.join(allowed)}", parameter=name
            )
        return value

    return check


def _text(value: str, _name: str) -> str:
    return value


@dataclass(frozen=True)
class ApiParameter:
    """One query parameter: its name, whether it may repeat, its schema and its check."""

    name: str
    description: str
    check: Callable[[str, str], Any] = _text
    repeatable: bool = False
    enum: tuple[str, ...] = ()
    pattern: str = ""
    default: str | None = None
    example: str | None = None
    cli_option: str = ""

    def schema(self) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "string", "maxLength": MAX_TEXT_LENGTH}
        if self.enum:
            item = {"type": "string", "enum": list(self.enum)}
        if self.pattern:
            item["pattern"] = self.pattern
        if self.default is not None:
            item["default"] = self.default
        if self.repeatable:
            return {"type": "array", "items": item, "maxItems": MAX_CHOICES}
        return item


YEAR_PATTERN = r"^\d{4}([-/](\d{2}|\d{4}))?$"
PARAMETERS: tuple[ApiParameter, ...] = (
    ApiParameter(
        "kpi",
        "KPI id (repeatable; default: every KPI). The ids are those of the KPI registry.",
        _one_of(list(REGISTRY)),
        repeatable=True,
        enum=tuple(REGISTRY),
        example="intl_share_master",
        cli_option="--kpi",
    ),
    ApiParameter(
        "year",
        "Academic year, 2019 or 2019-20 (repeatable). Earlier years are still used for the "
        "progress status, as on the command line.",
        _year,
        repeatable=True,
        pattern=YEAR_PATTERN,
        example="2019-20",
        cli_option="--year",
    ),
    ApiParameter(
        "from",
        "First academic year of a range.",
        _year,
        pattern=YEAR_PATTERN,
        cli_option="--from",
    ),
    ApiParameter(
        "to", "Last academic year of a range.", _year, pattern=YEAR_PATTERN, cli_option="--to"
    ),
    ApiParameter(
        "faculty",
        "Faculty as loaded (repeatable). A faculty manager sees their own faculty only; "
        "without this parameter they get their faculty, not the university.",
        repeatable=True,
        cli_option="--faculty",
    ),
    ApiParameter(
        "programme", "Programme code (repeatable).", repeatable=True, cli_option="--programme"
    ),
    ApiParameter(
        "cycle",
        "Cycle (repeatable).",
        _one_of(CYCLES),
        repeatable=True,
        enum=CYCLES,
        cli_option="--cycle",
    ),
    ApiParameter(
        "by",
        "Break down by this dimension; KPIs that cannot be broken down that way are left out "
        "unless asked for by id (then 400).",
        _one_of(list(BREAKDOWNS)),
        enum=tuple(BREAKDOWNS),
        cli_option="--by",
    ),
    ApiParameter(
        "basis",
        "International basis (default: the server's INTL_KPI_BASIS setting).",
        _one_of(BASES),
        enum=BASES,
        cli_option="--basis",
    ),
    ApiParameter(
        "format",
        "json: a list of row objects; csv: a header and one line per row (text cells that "
        "start like a spreadsheet formula are prefixed with a quote).",
        _one_of(FORMATS),
        enum=FORMATS,
        default="json",
        cli_option="--format",
    ),
)
BY_NAME = {parameter.name: parameter for parameter in PARAMETERS}


@dataclass(frozen=True)
class ApiRequest:
    """A checked request: the same values ``intl-kpi kpis`` takes."""

    kpi_ids: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    faculties: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    cycles: tuple[str, ...] = ()
    by: str | None = None
    basis: str | None = None
    output_format: str = "json"
    raw: dict[str, list[str]] = field(default_factory=dict)


def parse_request(args: MultiDict, query_string: bytes | str = b"") -> ApiRequest:
    """The request's parameters checked against :data:`PARAMETERS`; raises :class:`ApiError`.
    An empty value (``kpi=``) counts as not given."""
    if len(query_string) > MAX_SEARCH_LENGTH:
        raise ApiError(400, f"the query string is longer than {MAX_SEARCH_LENGTH} characters")
    values: dict[str, list[Any]] = {}
    raw: dict[str, list[str]] = {}
    for name in args:
        parameter = BY_NAME.get(name)
        if parameter is None:
            known = ", ".join(BY_NAME)
            raise ApiError(400, f"unknown parameter {name[:40]!r}; known: {known}", name[:40])
        given = [value for value in args.getlist(name) if value != ""]
        if len(given) > MAX_CHOICES:
            raise ApiError(400, f"more than {MAX_CHOICES} values", name)
        if len(given) > 1 and not parameter.repeatable:
            raise ApiError(400, "given more than once", name)
        checked = []
        for value in given:
            if len(value) > MAX_TEXT_LENGTH:
                raise ApiError(400, f"a value longer than {MAX_TEXT_LENGTH} characters", name)
            checked.append(parameter.check(value, name))
        values[name] = list(dict.fromkeys(checked))
        raw[name] = given

    def single(name: str) -> Any:
        return values[name][0] if values.get(name) else None

    return ApiRequest(
        kpi_ids=tuple(values.get("kpi", ())),
        years=tuple(values.get("year", ())),
        year_from=single("from"),
        year_to=single("to"),
        faculties=tuple(values.get("faculty", ())),
        programmes=tuple(values.get("programme", ())),
        cycles=tuple(values.get("cycle", ())),
        by=single("by"),
        basis=single("basis"),
        output_format=single("format") or "json",
        raw=raw,
    )


def selection_state(request: ApiRequest, default_basis: str) -> FilterState:
    """The selection as ``intl-kpi kpis`` builds it from the same options."""
    first, last = request.year_from, request.year_to
    if request.years:
        # Earlier years stay in the query: progress status is measured from the baseline.
        first, last = None, max(request.years)
    return FilterState(
        year_from=first,
        year_to=last,
        faculties=request.faculties,
        programmes=request.programmes,
        cycles=request.cycles,
        basis=request.basis or default_basis,
    )


def _check_scope(request: ApiRequest, cursor: Any) -> None:
    """Faculties and programmes must be in the data the user may see: 403 for another
    faculty's (a faculty manager), 400 for one the data does not have."""
    if not request.faculties and not request.programmes:
        return
    options = runtime.filter_options(cursor)  # already narrowed to the user's scope
    restricted = runtime.query_context().allowed_faculties is not None
    status, where = (403, "in your faculty scope") if restricted else (400, "in the data")
    for faculty in request.faculties:
        if faculty not in options.faculties:
            raise ApiError(status, f"there is no faculty {faculty[:40]!r} {where}", "faculty")
    codes = {p.code for p in options.programmes}
    for code in request.programmes:
        if code not in codes:
            raise ApiError(status, f"there is no programme {code[:40]!r} {where}", "programme")


def kpi_rows(request: ApiRequest) -> tuple[Any, dict[str, str]]:
    """The KPI table for a checked request, under this request's scope and the server's
    preset, and the published snapshot's facts."""
    from dashboard.queries.status import published_meta

    settings = runtime.settings()
    try:
        cursor = runtime.cursor()
    except DatabaseMissing as error:
        raise ApiError(503, "no data is published yet") from error
    try:
        _check_scope(request, cursor)
        state = runtime.scoped_state(selection_state(request, settings.international_basis))
        context = runtime.query_context()
        try:
            table = kpi_table(
                cursor, state, context, runtime.targets(), request.kpi_ids or None, request.by
            )
        except UnknownKpi as error:
            raise ApiError(400, str(error), "kpi") from error
        except query.UnknownBreakdown as error:
            raise ApiError(400, str(error), "by") from error
        meta = published_meta(cursor)
    finally:
        cursor.close()
    if request.years:
        table = table[table[query.ACADEMIC_YEAR].isin(request.years)].reset_index(drop=True)
    return table, meta


def _json_response(text: str, status: int = 200) -> flask.Response:
    return flask.Response(text, status=status, mimetype="application/json")


def answer_kpis() -> flask.Response:
    """``GET /api/v1/kpis``."""
    settings = runtime.settings()
    who = runtime.access()
    fields = {
        "user": who.name if who else None,
        "role": who.role if who else None,
        "ip": flask.request.remote_addr or "",
    }
    try:
        request = parse_request(flask.request.args, flask.request.query_string)
        if who is not None and not who.can(DOWNLOAD):
            audit.audit(
                settings,
                audit.DOWNLOAD_REFUSED,
                **fields,
                chart=AUDIT_NAME,
                format=request.output_format,
                selection=request.raw,
            )
            raise ApiError(403, "your role may not download figures")
        started = time.perf_counter()
        table, meta = kpi_rows(request)
    except ApiError as error:
        return error.response()
    if request.output_format == "csv":
        response = flask.Response(csv_text(table), mimetype="text/csv")
        response.headers["Content-Disposition"] = 'attachment; filename="kpis.csv"'
    else:
        response = _json_response(json_text(table))
    # Figures depend on who asks: never kept by a shared cache.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Data-Version"] = meta.get("data_version", "")
    response.headers["X-Suppression-Preset"] = settings.suppression
    response.headers["X-Rows"] = str(len(table))
    response.headers["Server-Timing"] = f"kpis;dur={(time.perf_counter() - started) * 1000:.0f}"
    audit.audit(
        settings,
        audit.DOWNLOAD,
        **fields,
        chart=AUDIT_NAME,
        format=request.output_format,
        selection=request.raw,
        rows=len(table),
    )
    return response


# --- the OpenAPI document ------------------------------------------------------------------


def _row_schema() -> dict[str, Any]:
    number = {"type": ["number", "null"]}
    text = {"type": "string"}
    properties: dict[str, Any] = {column: text for column in TABLE_COLUMNS}
    properties.update(
        {
            query.ACADEMIC_YEAR: {
                "type": "integer",
                "description": "First calendar year of the academic year (2015 for 2015-16).",
            },
            "academic_year_label": {"type": "string", "examples": ["2015-16"]},
            query.BREAKDOWN: {"type": ["string", "null"]},
            query.VALUE: {**number, "description": "Null when withheld."},
            query.NUMERATOR: {**number, "description": "Null when withheld."},
            query.DENOMINATOR: number,
            query.SUPPRESSED: {"type": "boolean"},
            query.PROVISIONAL: {"type": "boolean"},
            query.METHOD: {"type": ["string", "null"]},
            query.NOTE: {"type": ["string", "null"]},
        }
    )
    return {
        "type": "object",
        "description": "One KPI, academic year and breakdown group; extra measures of some "
        "KPIs (e.g. participants) follow as further properties.",
        "properties": properties,
        "required": [*TABLE_COLUMNS, "academic_year_label"],
        "additionalProperties": True,
    }


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API, written from :data:`PARAMETERS`."""
    parameters = []
    for parameter in PARAMETERS:
        entry: dict[str, Any] = {
            "name": parameter.name,
            "in": "query",
            "required": False,
            "description": parameter.description
            + (f" Same as `intl-kpi kpis {parameter.cli_option}`." if parameter.cli_option else ""),
            "schema": parameter.schema(),
        }
        if parameter.repeatable:
            entry["style"] = "form"
            entry["explode"] = True
        if parameter.example is not None:
            entry["example"] = [parameter.example] if parameter.repeatable else parameter.example
        parameters.append(entry)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "International KPIs API",
            "version": API_VERSION,
            "description": "Read-only: the KPI table of `intl-kpi kpis` (same rows, same "
            "disclosure control, same faculty scope). The suppression preset is the server's "
            "setting. With sign-in on, send the session cookie of a signed-in user; without "
            "it the API answers 401.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            f"/{API_PREFIX}{KPIS_PATH}": {
                "get": {
                    "operationId": "getKpis",
                    "summary": "The KPI table for a selection",
                    "parameters": parameters,
                    "responses": {
                        "200": {
                            "description": "The KPI rows (an empty list when nothing matches).",
                            "headers": {
                                "X-Data-Version": {
                                    "description": "The published data version.",
                                    "schema": {"type": "string"},
                                },
                                "X-Suppression-Preset": {
                                    "description": "The disclosure-control preset applied.",
                                    "schema": {"type": "string"},
                                },
                            },
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "array",
                                        "items": {"$ref": "#/components/schemas/KpiRow"},
                                    }
                                },
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        "400": _error_response("A parameter is unknown, repeated or invalid."),
                        "401": _error_response("Sign-in is on and the request is not signed in."),
                        "403": _error_response(
                            "The role may not download, or a faculty or programme is outside "
                            "the user's faculty scope."
                        ),
                        "503": _error_response("No data is published yet."),
                    },
                    "security": [{"session": []}],
                }
            },
            f"/{API_PREFIX}{OPENAPI_PATH}": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                    "security": [{"session": []}],
                }
            },
        },
        "components": {
            "schemas": {
                "KpiRow": _row_schema(),
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "parameter": {
                            "type": "string",
                            "description": "The query parameter at fault.",
                        },
                    },
                    "required": ["error"],
                },
            },
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "intl_kpi_session",
                    "description": "The dashboard's session cookie (sign in at /login).",
                }
            },
        },
    }


def install(app: dash.Dash) -> None:
    """Register the API's routes on ``app``'s Flask server (call once, in app.py)."""
    server = app.server
    prefix = app.config.routes_pathname_prefix or "/"

    @server.route(f"{prefix}{API_PREFIX}{KPIS_PATH}", methods=["GET"])
    def api_kpis() -> flask.Response:
        # Exactly what ``intl-kpi kpis`` gives, whatever the caller's Accept-Language: KPI
        # names and status words in English, numbers unformatted (scripts read them).
        with use_language(DEFAULT_LANGUAGE):
            return answer_kpis()

    @server.route(f"{prefix}{API_PREFIX}{OPENAPI_PATH}", methods=["GET"])
    def api_openapi() -> flask.Response:
        # The paths start with "/": the server URL is the mount point without its slash.
        return _json_response(json.dumps(openapi_document(prefix.rstrip("/") or "/"), indent=2))
