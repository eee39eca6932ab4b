"""Single sign-on through OpenID Connect (e.g. SURFconext), with a role mapping file.

The dashboard is an OIDC relying party (Authlib): authorisation code flow with PKCE, the
ID token's signature, issuer, audience, expiry and nonce checked by Authlib against the
issuer's published keys. Who gets which role comes from a JSON mapping file next to the
database (``oidc_roles.json``, the ``INTL_KPI_OIDC_ROLES`` setting)::

    {
      "name_claim": "email",
      "scope": "openid profile email eduperson_entitlement",
      "rules": [
        {"claim": "eduperson_entitlement",
         "value": "urn:mace:example.nl:intl-kpi:board", "role": "board"},
        {"claim": "eduperson_entitlement",
         "value": "urn:mace:example.nl:intl-kpi:law", "role": "faculty_manager",
         "faculty": "Law"},
        {"claim": "email", "value": "analyst@example.nl", "role": "analyst"}
      ]
    }

A rule matches when the claim equals the value or, for a list claim, contains it; the
first matching rule wins (order the file from most to least specific). A rule may take
the faculty from a claim instead (``"faculty_claim": "ou"``). Nobody matched: no sign-in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.users import FACULTY_MANAGER, ROLES, Access, UserError, check_role, role_scope

DEFAULT_NAME_CLAIM = "email"
DEFAULT_SCOPE = "openid profile email"


def roles_file(settings: Any) -> Path:
    configured = str(getattr(settings, "oidc_roles_file", "") or "")
    return Path(configured) if configured else Path(settings.database).parent / "oidc_roles.json"


@dataclass(frozen=True)
class Rule:
    claim: str
    value: str
    role: str
    faculty: str | None = None
    faculty_claim: str | None = None


@dataclass(frozen=True)
class RoleMapping:
    rules: tuple[Rule, ...]
    name_claim: str = DEFAULT_NAME_CLAIM

    def access(self, claims: dict[str, Any]) -> Access | None:
        """The access of a signed-on person, or ``None`` when no rule gives them a role."""
        name = claims.get(self.name_claim) or claims.get("sub")
        if not name:
            return None
        for rule in self.rules:
            if not _claim_has(claims.get(rule.claim), rule.value):
                continue
            faculty = rule.faculty
            if rule.faculty_claim:
                value = claims.get(rule.faculty_claim)
                faculty = value[0] if isinstance(value, list) and value else value
                if not isinstance(faculty, str) or not faculty:
                    continue  # no faculty to scope a faculty manager to: not this rule
            display = claims.get("name") or str(name)
            return Access(str(name), rule.role, role_scope(rule.role, faculty), str(display))
        return None


def _claim_has(claim: Any, value: str) -> bool:
    if isinstance(claim, list):
        return value in [str(item) for item in claim]
    return claim is not None and str(claim) == value


def parse_mapping(data: Any, source: str = "role mapping") -> RoleMapping:
    """A :class:`RoleMapping` from the file's JSON; raises ``UserError`` naming the rule."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise UserError(f"{source}: expected an object with a list of 'rules'")
    rules = []
    for number, entry in enumerate(data["rules"], start=1):
        try:
            rule = Rule(**entry)
        except TypeError as error:
            raise UserError(f"{source}: rule {number}: {error}") from error
        if rule.role not in ROLES:
            raise UserError(f"{source}: rule {number}: unknown role {rule.role!r}")
        if rule.role == FACULTY_MANAGER and rule.faculty_claim and not rule.faculty:
            pass  # the faculty comes from the claim at sign-on
        else:
            try:
                check_role(rule.role, rule.faculty)
            except UserError as error:
                raise UserError(f"{source}: rule {number}: {error}") from error
        rules.append(rule)
    return RoleMapping(tuple(rules), str(data.get("name_claim") or DEFAULT_NAME_CLAIM))


def read_mapping(path: Path) -> RoleMapping:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise UserError(f"the sign-on role mapping {path} does not exist") from error
    except ValueError as error:
        raise UserError(f"{path} is not valid JSON: {error}") from error
    return parse_mapping(data, str(path))


def requested_scope(settings: Any) -> str:
    """The scopes asked for: ``"scope"`` in the mapping file (SURFconext sends
    ``eduperson_entitlement`` only when that scope is asked), else openid profile email."""
    try:
        data = json.loads(roles_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return DEFAULT_SCOPE
    scope = data.get("scope") if isinstance(data, dict) else None
    if not isinstance(scope, str) or "openid" not in scope.split():
        return DEFAULT_SCOPE
    return scope


def signed_on_claims(client: Any, token: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims (checked by Authlib), completed by the userinfo endpoint when
    the provider has one (some put group claims only there). The userinfo answer counts
    only for the same subject (OpenID Connect Core 5.3.2)."""
    claims = dict(token.get("userinfo") or {})
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return claims
    info = dict(client.userinfo(token=token))
    if info.get("sub") != claims.get("sub"):
        raise ValueError("the userinfo answer is about another subject")
    return {**info, **claims}


class OidcClients:
    """Authlib's client for the settings in force (re-registered when they change)."""

    NAME = "sso"

    def __init__(self) -> None:
        self._oauth = None
        self._key: tuple[str, str, str, str] | None = None

    def client(self, settings: Any):  # noqa: ANN201 (authlib's FlaskOAuth2App)
        from authlib.integrations.flask_client import OAuth
        from flask import current_app

        issuer = settings.oidc_issuer.rstrip("/")
        scope = requested_scope(settings)
        key = (issuer, settings.oidc_client_id, settings.oidc_client_secret, scope)
        if not issuer or not settings.oidc_client_id:
            raise UserError("INTL_KPI_OIDC_ISSUER and INTL_KPI_OIDC_CLIENT_ID must be set")
        if self._oauth is None or key != self._key:
            oauth = OAuth(current_app._get_current_object())
            oauth.register(
                self.NAME,
                client_id=settings.oidc_client_id,
                client_secret=settings.oidc_client_secret or None,
                server_metadata_url=f"{issuer}/.well-known/openid-configuration",
                client_kwargs={"scope": scope, "code_challenge_method": "S256"},
            )
            self._oauth, self._key = oauth, key
        return self._oauth.create_client(self.NAME)
