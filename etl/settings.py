"""The one frozen settings object shared by the CLI, the ETL and the dashboard.

Each setting has a name, an environment variable, a default and a help line. Settings are
read from the environment once (``Settings.from_env()``) and passed in, never read again
deep inside the code. ``tests/test_docs.py`` fails when a setting is missing from the README.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    """How one setting is named, defaulted, documented and parsed."""

    name: str
    env: str
    default: str
    help: str
    parse: Callable[[str], Any] = str


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(f"expected a whole number >= 0, got {text!r}")
    return value


def _percentage(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 100:
        raise ValueError(f"expected a percentage between 0 and 100, got {text!r}")
    return value


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}, got {text!r}")
        return value

    return parse


def _cache_backend(text: str) -> str:
    value = text.strip()
    if value.lower() in ("memory", "off"):
        return value.lower()
    if value.startswith(("redis://", "rediss://", "unix://")):
        return value
    raise ValueError(f"expected memory, off or a Redis URL (redis://HOST:PORT/DB), got {text!r}")


def _country(text: str) -> str:
    value = text.strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise ValueError(f"expected an ISO 3166 alpha-2 country code, got {text!r}")
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database",
        "INTL_KPI_DATABASE",
        "data/intl_kpi.duckdb",
        "Path of the published DuckDB database, shared by the CLI and the dashboard.",
        Path,
    ),
    Setting(
        "home_country",
        "INTL_KPI_HOME_COUNTRY",
        "NL",
        "ISO alpha-2 code of the home country; other nationalities count as international.",
        _country,
    ),
    Setting(
        "home_erasmus_code",
        "INTL_KPI_HOME_ERASMUS_CODE",
        "NL LEIDEN01",
        "The institution's own Erasmus code: EC mobility files are read from its point of view.",
    ),
    Setting(
        "home_institution",
        "INTL_KPI_HOME_INSTITUTION",
        "",
        "BRIN code of the home institution (e.g. 21PB); empty means every loaded programme.",
    ),
    Setting(
        "international_basis",
        "INTL_KPI_BASIS",
        "nationality",
        "Default basis for 'international': nationality, prior_education or both.",
        _choice("nationality", "prior_education", "both"),
    ),
    Setting(
        "suppression",
        "INTL_KPI_SUPPRESSION",
        "round5",
        "Disclosure-control preset for everything that leaves the server: round5 (protects "
        "across selections), duo, hesa; none is refused by the dashboard (command line only).",
        _choice("round5", "duo", "hesa", "none"),
    ),
    Setting(
        "provisional_years",
        "INTL_KPI_PROVISIONAL_YEARS",
        "1",
        "How many of the most recent academic years are flagged provisional.",
        _positive_int,
    ),
    Setting(
        "targets_file",
        "INTL_KPI_TARGETS",
        "data/targets.csv",
        "The policy targets file (CSV) the board's office edits.",
        Path,
    ),
    Setting(
        "commentary_file",
        "INTL_KPI_COMMENTARY",
        "data/commentary.csv",
        "The commentary file (CSV) the board's office edits: text shown next to a KPI's value "
        "for an academic year, with who wrote it and when (no file: no commentary).",
        Path,
    ),
    Setting(
        "lock_timeout",
        "INTL_KPI_LOCK_TIMEOUT",
        "600",
        "Seconds a load waits for another running load before it gives up.",
        _positive_int,
    ),
    Setting(
        "shrink_limit",
        "INTL_KPI_SHRINK_LIMIT",
        "20",
        "A load that drops more than this percentage of any year's headcount of a table is "
        "refused (nothing is published) unless it is given --allow-shrink.",
        _percentage,
    ),
    Setting(
        "versions_kept",
        "INTL_KPI_VERSIONS_KEPT",
        "5",
        "How many published versions are kept beside the database for `intl-kpi history` and "
        "`intl-kpi rollback` (0 = none).",
        _positive_int,
    ),
    Setting(
        "host",
        "INTL_KPI_HOST",
        "127.0.0.1",
        "Address the dashboard listens on.",
    ),
    Setting(
        "port",
        "INTL_KPI_PORT",
        "8050",
        "Port the dashboard listens on.",
        _positive_int,
    ),
    Setting(
        "sign_in",
        "INTL_KPI_SIGN_IN",
        "off",
        "Dashboard sign-in: off (only on 127.0.0.1, as a demo analyst), local (users file) "
        "or oidc (single sign-on).",
        _choice("off", "local", "oidc"),
    ),
    Setting(
        "users_file",
        "INTL_KPI_USERS",
        "",
        "Local users file (hashed passwords); empty means users.json next to the database.",
    ),
    Setting(
        "secret_key",
        "INTL_KPI_SECRET_KEY",
        "",
        "Key that signs sign-in cookies; empty means one generated into secret_key next to "
        "the database.",
    ),
    Setting(
        "audit_log",
        "INTL_KPI_AUDIT_LOG",
        "",
        "Audit log of sign-ins and downloads (JSON lines); empty means audit.jsonl next to "
        "the database.",
    ),
    Setting(
        "login_attempts",
        "INTL_KPI_LOGIN_ATTEMPTS",
        "5",
        "Failed sign-ins per user name or address in 15 minutes before sign-in is refused.",
        _positive_int,
    ),
    Setting(
        "oidc_issuer",
        "INTL_KPI_OIDC_ISSUER",
        "",
        "OpenID Connect issuer URL for single sign-on (e.g. https://connect.surfconext.nl).",
    ),
    Setting(
        "oidc_client_id",
        "INTL_KPI_OIDC_CLIENT_ID",
        "",
        "The dashboard's OpenID Connect client id.",
    ),
    Setting(
        "oidc_client_secret",
        "INTL_KPI_OIDC_CLIENT_SECRET",
        "",
        "The dashboard's OpenID Connect client secret.",
    ),
    Setting(
        "oidc_roles_file",
        "INTL_KPI_OIDC_ROLES",
        "",
        "JSON file mapping sign-on claims to a role and faculty; empty means oidc_roles.json "
        "next to the database.",
    ),
    Setting(
        "oidc_redirect_url",
        "INTL_KPI_OIDC_REDIRECT_URL",
        "",
        "Sign-on redirect URL as registered (https://HOST/auth/oidc/callback); empty means "
        "taken from the request (behind a TLS proxy, set it).",
    ),
    Setting(
        "cache",
        "INTL_KPI_CACHE",
        "memory",
        "Where chart results are cached per data version, selection and reader: memory (each "
        "process its own), a Redis URL shared by every worker and machine "
        "(redis://127.0.0.1:6379/0), or off.",
        _cache_backend,
    ),
)


@dataclass(frozen=True)
class Settings:
    """Every setting's parsed value. Build with ``Settings.from_env()``."""

    database: Path
    home_country: str
    home_erasmus_code: str
    home_institution: str
    international_basis: str
    suppression: str
    provisional_years: int
    targets_file: Path
    commentary_file: Path
    lock_timeout: int
    shrink_limit: float
    versions_kept: int
    host: str
    port: int
    sign_in: str
    users_file: str
    secret_key: str = field(repr=False)  # never in logs or tracebacks
    audit_log: str
    login_attempts: int
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str = field(repr=False)
    oidc_roles_file: str
    oidc_redirect_url: str
    cache: str = field(default="memory", repr=False)  # a Redis URL may hold a password

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Read each setting from ``environ`` (default ``os.environ``); ``overrides`` win."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            if setting.name in overrides and overrides[setting.name] is not None:
                values[setting.name] = overrides[setting.name]
                continue
            raw = environ.get(setting.env, setting.default)
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as error:
                raise ValueError(f"setting {setting.env}: {error}") from error
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        return cls(**values)
