"""Callback of the navbar's user badge: who is signed in (or that sign-in is off) and the
sign-out link, filled per request because the layout is built once at start-up."""

from __future__ import annotations

import dash
from dash import Input, Output, callback

from dashboard import ids, runtime
from dashboard.auth.web import user_badge


@callback(Output(ids.APP_USER, "children"), Input(ids.APP_LOCATION, "pathname"))
def show_signed_in_user(_pathname: str | None) -> list:
    return user_badge(runtime.access(), runtime.settings(), dash.get_relative_path("/"))
