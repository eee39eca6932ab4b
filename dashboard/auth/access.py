"""Who is asking, for the query layer: the one place a request's faculty scope comes from.

Outside a request (the CLI, tests calling query functions directly) there is no user and
nothing is restricted: whoever runs the CLI can read the database file anyway. Inside a
request the answer comes from the sign-in: with sign-in off (only possible on a loopback
address) everyone is the demo analyst; with sign-in on, a request without a signed-in
user sees nothing (the request guard refuses it before it gets here).
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context

from etl.users import ANALYST, Access

DEMO = Access("demo", ANALYST, None, display_name="Demo")
NOBODY = Access("", "", ())


def sign_in_enabled(settings: Any) -> bool:
    return getattr(settings, "sign_in", "off") != "off"


def current_access(settings: Any) -> Access | None:
    """The signed-in user's access, ``DEMO`` with sign-in off, ``None`` outside requests."""
    if not has_request_context():
        return None
    if not sign_in_enabled(settings):
        return DEMO
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        return current_user.access
    return NOBODY


def faculty_scope(settings: Any) -> tuple[str, ...] | None:
    """The faculties the current request may see (``None``: every faculty)."""
    access = current_access(settings)
    return None if access is None else access.faculties
