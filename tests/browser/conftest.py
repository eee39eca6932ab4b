"""Real-browser fixtures: the dashboard as ``python app.py`` on a free port, driven by
headless Chromium through Playwright.

Every page a test opens is watched: a request to any host but the app's own, a browser
console error or an uncaught page error fails the test (checked when the page closes), so
"works offline" and "no errors" are checked on every page a test visits. ``look`` writes a
1280x800 full-page screenshot into ``tests/screenshots/`` and runs axe-core, failing on
serious or critical accessibility violations.

Chromium: ``INTL_KPI_CHROMIUM`` or ``chromium`` on the PATH (Debian's package; Playwright's
own browser download is not needed). When it cannot start the tests skip with the reason -
unless ``INTL_KPI_REQUIRE_BROWSER=1`` (set by CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.dashboard.fixture_database import FIXTURE_SUPPRESSION, build_fixture_database

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]
BLOCKING_IMPACTS = ("serious", "critical")
# Known third-party findings that are not failures, each with its reason. Keep this short.
ACCEPTED_VIOLATIONS = {
    # Dash 4's dcc.Dropdown puts an aria-hidden, tabindex=0 <input> before its button as a
    # focus proxy: Tab lands on it and it hands focus straight to the (named) button, so no
    # one stays on a hidden element (test_filters_work_from_the_keyboard checks Tab reaches
    # the button). axe sees the static attributes only.
    ("aria-hidden-focus", ".dash-dropdown-focus-target"),
}
# How long a page may take to settle (first load compiles ~9 MB of JavaScript).
TIMEOUT_MS = 20_000


def _unavailable(reason: str) -> None:
    if os.environ.get("INTL_KPI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (INTL_KPI_REQUIRE_BROWSER=1): {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    """A running ``python app.py``."""

    base_url: str
    host: str
    log: Path
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return self.base_url + path


def _start_app(
    database: Path, log: Path, prefix: str = "/", suppression: str = FIXTURE_SUPPRESSION
) -> AppServer:
    """``python app.py`` on a free port; ``prefix`` mounts it below a path, as behind a
    reverse proxy (Dash reads ``DASH_URL_BASE_PATHNAME``)."""
    port = _free_port()
    env = {
        **os.environ,
        "INTL_KPI_DATABASE": str(database),
        "INTL_KPI_SUPPRESSION": suppression,
        "INTL_KPI_HOST": "127.0.0.1",
        "INTL_KPI_PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    if prefix != "/":
        env["DASH_URL_BASE_PATHNAME"] = prefix
    handle = log.open("w")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}{prefix.rstrip('/')}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}:\n{log.read_text()}")
        with (
            contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError),
            urllib.request.urlopen(base_url + "/_dash-layout", timeout=2) as response,
        ):
            if response.status == 200:
                return AppServer(base_url, f"127.0.0.1:{port}", log, process)
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"app.py did not answer within 60 s:\n{log.read_text()}")


def _stop_app(server: AppServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def fixture_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small published demo database every browser test reads."""
    folder = tmp_path_factory.mktemp("browser-db")
    return build_fixture_database(folder / "intl_kpi.duckdb", folder / "input")


@pytest.fixture(scope="session")
def app_server(fixture_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    server = _start_app(fixture_database, tmp_path_factory.mktemp("app") / "app.log")
    yield server
    _stop_app(server)


@pytest.fixture(scope="session")
def default_preset_app_server(
    fixture_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator:
    """The fixture app under the default disclosure-control preset (round5)."""
    log = tmp_path_factory.mktemp("round5-app") / "app.log"
    server = _start_app(fixture_database, log, suppression="round5")
    yield server
    _stop_app(server)


@pytest.fixture
def default_preset_page(browser, default_preset_app_server: AppServer) -> Iterator:  # noqa: ANN001
    """A fresh page on the fixture app under the default preset."""
    yield from _open_page(browser, default_preset_app_server)


@pytest.fixture(scope="session")
def prefixed_app_server(
    fixture_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator:
    """The app served below ``/kpi/``, as behind a reverse proxy."""
    log = tmp_path_factory.mktemp("prefixed-app") / "app.log"
    server = _start_app(fixture_database, log, prefix="/kpi/")
    yield server
    _stop_app(server)


@pytest.fixture(scope="session")
def empty_app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The app pointed at a database path where nothing is published."""
    folder = tmp_path_factory.mktemp("no-db")
    server = _start_app(folder / "missing.duckdb", folder / "app.log")
    yield server
    _stop_app(server)


def chromium_executable() -> str | None:
    return os.environ.get("INTL_KPI_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:  # pragma: no cover - the test extra installs it
        _unavailable(f"playwright is not installed ({error})")
    executable = chromium_executable()
    if executable is None:
        _unavailable("no Chromium found (install Debian's chromium or set INTL_KPI_CHROMIUM)")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    except Error as error:
        manager.stop()
        _unavailable(f"Chromium at {executable} did not start: {error}")
    yield browser
    browser.close()
    manager.stop()


@dataclass
class Watch:
    """What a page did: every request, every console error and page error."""

    allowed_host: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    transfer: list[tuple[str, int]] = field(default_factory=list)

    def on_request(self, request) -> None:  # noqa: ANN001 (playwright Request)
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.allowed_host:
            self.foreign.append(request.url)

    def on_finished(self, request) -> None:  # noqa: ANN001
        sizes = request.sizes()
        self.transfer.append(
            (request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"])
        )

    def on_console(self, message) -> None:  # noqa: ANN001
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def on_page_error(self, error) -> None:  # noqa: ANN001
        self.errors.append(f"page error: {error}")

    def transfer_bytes(self) -> int:
        return sum(size for _url, size in self.transfer)


def _open_page(browser, server: AppServer, locale: str | None = None) -> Iterator:  # noqa: ANN001
    """A watched page; ``locale`` sets the browser's language (``Accept-Language``)."""
    watch = Watch(server.host)
    context = browser.new_context(
        viewport=VIEWPORT, accept_downloads=True, **({"locale": locale} if locale else {})
    )
    context.set_default_timeout(TIMEOUT_MS)

    def route(route_request) -> None:  # noqa: ANN001
        # Never let a request leave for another host, even if the machine is online.
        if urlsplit(route_request.request.url).netloc == server.host:
            route_request.continue_()
        else:
            route_request.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", watch.on_request)
    page.on("requestfinished", watch.on_finished)
    page.on("console", watch.on_console)
    page.on("pageerror", watch.on_page_error)
    page.watch = watch
    yield page
    context.close()
    problems = [f"request left the app's host: {url}" for url in watch.foreign] + watch.errors
    assert not problems, "\n".join(problems) + f"\n(app log: {server.log})"


@pytest.fixture
def page(browser, app_server: AppServer) -> Iterator:  # noqa: ANN001
    """A fresh page on the fixture app (own context: no cookies or storage shared)."""
    yield from _open_page(browser, app_server)


@pytest.fixture
def dutch_browser_page(browser, app_server: AppServer) -> Iterator:  # noqa: ANN001
    """A fresh page on the fixture app in a browser whose language is Dutch."""
    yield from _open_page(browser, app_server, locale="nl-NL")


@pytest.fixture
def browser_page_factory(browser, app_server: AppServer) -> Iterator:  # noqa: ANN001
    """``make()`` opens another fresh, watched page on the fixture app (``page.base_url``
    is the app's); every page is checked for foreign requests and errors at teardown."""
    opened = []

    def make():  # noqa: ANN202
        pages = _open_page(browser, app_server)
        page = next(pages)
        page.base_url = app_server.base_url
        opened.append(pages)
        return page

    yield make
    for pages in opened:
        with contextlib.suppress(StopIteration):
            next(pages)


@pytest.fixture
def prefixed_page(browser, prefixed_app_server: AppServer) -> Iterator:  # noqa: ANN001
    """A fresh page on the app served below ``/kpi/``."""
    yield from _open_page(browser, prefixed_app_server)


@pytest.fixture
def empty_page(browser, empty_app_server: AppServer) -> Iterator:  # noqa: ANN001
    """A fresh page on the app with no published database."""
    yield from _open_page(browser, empty_app_server)


def accessibility_violations(page) -> list[str]:  # noqa: ANN001
    """axe-core's serious and critical violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        targets = [
            ", ".join(node["target"])
            for node in violation["nodes"]
            if not any(
                violation["id"] == rule and selector in ", ".join(node["target"])
                for rule, selector in ACCEPTED_VIOLATIONS
            )
        ]
        if targets:
            problems.append(
                f"{violation['impact']}: {violation['id']} - {violation['help']} at {targets[:5]}"
            )
    return problems


@pytest.fixture
def look() -> Callable[..., Path]:
    """``look(page, name)``: screenshot into tests/screenshots/<name>.png, then fail on
    serious or critical axe-core violations."""

    def check(page, name: str) -> Path:  # noqa: ANN001
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        problems = accessibility_violations(page)
        assert not problems, f"accessibility violations on {name}:\n" + "\n".join(problems)
        return path

    return check
