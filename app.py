"""The dashboard's app shell: pages from ``dashboard/pages``, the navbar built from the page
registry, the status banner, and ``server`` for gunicorn (``gunicorn app:server``).

No data is read here: pages and callbacks read the published database on each request.
Everything the browser loads is served by this app (Dash's own scripts, the vendored
Bootstrap and Inter fonts under ``dashboard/assets``), so the dashboard works offline.
"""

from pathlib import Path

import dash

from dashboard import api, callbacks, i18n, runtime, security  # callbacks: registers them
from dashboard.auth import web as auth
from dashboard.components.shell import (
    APP_TITLE,
    INDEX_STRING,
    LocalisedDash,
    navigation_pages,
    shell_layout,
)

HERE = Path(__file__).parent

app = LocalisedDash(
    __name__,
    use_pages=True,
    pages_folder=str(HERE / "dashboard" / "pages"),
    assets_folder=str(HERE / "dashboard" / "assets"),
    serve_locally=True,  # Dash's JS from this server, never from a CDN
    compress=True,  # gzip (flask-compress): the first load is mostly JavaScript
    title=APP_TITLE,
    index_string=INDEX_STRING,
    # Pages render their controls only when data is published, so Dash cannot check every
    # callback against one layout; tests/dashboard/test_app.py does instead.
    suppress_callback_exceptions=True,
)
# The KPI pages' chart callbacks, from each page's CHARTS (Dash has just loaded the pages).
callbacks.pages.register(dash.page_registry)
# A function: the shell (navbar, language switch) is rendered per request, in its language.
app.layout = shell_layout(
    navigation_pages(dash.page_registry), dash.page_container, app.get_relative_path("/")
)
server = app.server
# Each request's language: ?lang= of the page, else the browser's (dashboard/i18n.py).
i18n.install(server)
# Sign-in, roles and the audit log; refuses to start unsigned on a non-loopback address.
auth.install(app)
api.install(app)  # GET /api/v1/kpis and /api/v1/openapi.json (read-only)
# Refuses to serve before any request when the settings are unsafe: sign-in off on a
# non-loopback address, or the unprotected preset 'none' (runtime.settings raises).
auth.refuse_unsafe_start(runtime.settings())
security.protect(app)  # callback input checks, request size cap, CSP and headers

if __name__ == "__main__":
    settings = runtime.settings()
    app.run(host=settings.host, port=settings.port, dev_tools_disable_version_check=True)
