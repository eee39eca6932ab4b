"""Simulated people against the README's shared-server command (issue 12): p95 per callback.

``make bench`` runs 50 users for 2 minutes at demo scale 1; not part of the test suite, since
timings depend on the machine (``tests/dashboard/test_bench_users.py`` runs a short version).

The server is the README's shared-server command (``gunicorn --workers 2 --threads 4 ...
app:server``, read from README.md) with ``INTL_KPI_CACHE=redis://...`` on a real
``redis-server`` started on a free port, bound to 127.0.0.1 with sign-in off as the demo
does, on a demo database (``intl-kpi demo --scale S``) or ``--database``.

Each user is a thread that behaves like a person, with a think time of a few seconds between
actions, and sends what Chromium sends for this app (recorded with Playwright on this app:
the same callbacks, in the same waves, with the bodies Dash's renderer builds, and at most 6
requests at once per user, a browser's connections per host):

- opens a page (a first load: ``GET`` the page, ``/_dash-layout``, ``/_dash-dependencies``;
  Dash's scripts are taken as cached by the browser) or moves to another page from the
  navbar (no ``GET``). Then the callbacks fired on a page change: the user badge, status
  banner, navbar collapse, active nav link and the page router (``_pages_content``, which
  renders the page with its filter bar), then the filter bar's callback (from the URL), then
  every chart callback of the page (whose outputs are in the rendered page) and the nav
  links' ``href``;
- changes a filter: a random faculty (or all), cycle, one end of the year range or the
  international basis, from the options the page rendered: the filter bar's callback with
  that control as the changed input, then, when it answered a new selection, every chart
  of the page and the nav links' ``href``;
- now and then downloads a chart's CSV (the ``chart-download`` callback, as a click on the
  CSV button sends it).

Prints a table per callback (output id): count, errors (any answer but 200, and requests
that failed or timed out), median, p95 and max seconds from sending to the last byte, and the
median and p95 of the part spent in a server thread (gunicorn's access log, the only flags
added to the README's command; the rest is waiting for one of the 2 x 4 threads); then the
overall p95, requests per second, the Redis cache's hit share (its ``keyspace_hits`` over
hits and misses: only the chart cache uses this Redis), the wait per action (first request
sent to last answer, what a person waits after a click), the server's tracebacks, the load
averages and the CPU time the simulated users themselves took (they share the machine with
the server). Each request has its own connection (no keep-alive). Exits 1 on any error or
server traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
UPDATE = "/_dash-update-component"
PAGES = ("/", "/diversity", "/mobility", "/networks", "/data")
# Component ids of the app shell and filter bar (dashboard.ids; no dashboard import here, so
# the simulator needs nothing but a running server).
APP_LOCATION = "app-url-location"
PAGES_LOCATION = "_pages_location"
FILTER_LOCATION = "filters-url-location"
FILTER_STATE = "filters-state-store"
CONTROLS = {
    "year_from": "filters-year-from-select",
    "year_to": "filters-year-to-select",
    "faculty": "filters-faculty-dropdown",
    "cycle": "filters-cycle-checklist",
    "basis": "filters-basis-radio",
}
PROGRAMME = "filters-programme-dropdown"
# A browser sends at most this many requests to one host at once (HTTP/1.1).
CONNECTIONS_PER_USER = 6
# What Chromium accepts; the app compresses its answers (flask-compress).
try:
    from backports import zstd as _zstd
except ImportError:  # pragma: no cover (the venv has it through flask-compress)
    _zstd = None
try:
    import brotli as _brotli
except ImportError:  # pragma: no cover
    _brotli = None
ACCEPT_ENCODING = ", ".join(
    ["gzip", "deflate"] + (["br"] if _brotli else []) + (["zstd"] if _zstd else [])
)
# The request header naming a request's callback, for the access log (see shared_server).
NAME_HEADER = "X-Bench-Callback"
# The README's shared-server command when README.md does not have it.
DEFAULT_COMMAND = "gunicorn --workers 2 --threads 4 --timeout 120 --bind 0.0.0.0:8050 app:server"
# Weights of a person's next action.
ACTIONS = {"filter": 0.5, "navigate": 0.3, "download": 0.2}
# Of the navigations, the share that are a first load of the page (a link opened, a reload).
FULL_LOAD_SHARE = 0.25


# --- HTTP ---------------------------------------------------------------------------------


def _decode(raw: bytes, encoding: str | None) -> bytes:
    if not encoding or encoding == "identity":
        return raw
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "deflate":
        return zlib.decompress(raw)
    if encoding == "br" and _brotli:
        return _brotli.decompress(raw)
    if encoding == "zstd" and _zstd:
        return _zstd.decompress(raw)
    raise ValueError(f"cannot decode {encoding}")


@dataclass
class Answer:
    status: int  # -1: no answer (refused, reset, timed out)
    seconds: float
    body: bytes = b""
    error: str = ""

    def json(self) -> Any:
        return json.loads(self.body)


def send(
    base_url: str,
    method: str,
    path: str,
    body: Any = None,
    timeout: float = 120.0,
    name: str = "",
) -> Answer:
    """One request on its own connection, timed from sending to the last byte read; ``name``
    goes in a header that the server's access log records."""
    parts = urlsplit(base_url)
    headers = {"Accept-Encoding": ACCEPT_ENCODING, "Accept": "application/json"}
    if name:
        headers[NAME_HEADER] = name
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(method, path, payload, headers)
        response = connection.getresponse()
        raw = response.read()
        seconds = time.perf_counter() - started
        encoding = response.getheader("Content-Encoding")
    except (OSError, http.client.HTTPException) as error:
        return Answer(-1, time.perf_counter() - started, error=repr(error))
    finally:
        connection.close()
    try:
        return Answer(response.status, seconds, _decode(raw, encoding))
    except (ValueError, OSError, zlib.error) as error:
        return Answer(-1, seconds, error=f"undecodable {encoding} answer: {error!r}")


# --- what the run saw ---------------------------------------------------------------------


@dataclass
class Report:
    """Every request and action of a run."""

    # label -> [(seconds, status)]
    requests: dict[str, list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    # label -> pages it was sent from
    pages: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # (action, page) -> seconds a person waited
    actions: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)
    # label -> seconds in a server thread (from the access log; the rest is waiting for one)
    server: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    started: float = 0.0
    finished: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, label: str, page: str, answer: Answer, what: str = "") -> None:
        with self.lock:
            self.requests[label].append((answer.seconds, answer.status))
            self.pages[label].add(page)
            if answer.status != 200 and len(self.failures) < 30:
                detail = answer.error or answer.body[:200].decode(errors="replace")
                detail = " ".join(detail.split())
                self.failures.append(f"{label} on {page} {what}: {answer.status} {detail}")

    def action(self, kind: str, page: str, seconds: float) -> None:
        with self.lock:
            self.actions[(kind, page)].append(seconds)

    @property
    def total(self) -> int:
        return sum(len(rows) for rows in self.requests.values())

    @property
    def errors(self) -> int:
        return sum(1 for rows in self.requests.values() for _s, status in rows if status != 200)

    def statuses(self) -> Counter:
        return Counter(status for rows in self.requests.values() for _s, status in rows)

    def stats(self, label: str) -> dict[str, float]:
        return summary([seconds for seconds, _status in self.requests[label]])

    def overall(self) -> dict[str, float]:
        return summary([s for rows in self.requests.values() for s, _status in rows])

    def requests_per_second(self) -> float:
        return self.total / max(self.finished - self.started, 1e-9)

    def table(self) -> str:
        lines = [
            f"{'callback (output id)':44} {'pages':24} {'count':>6} {'errors':>6} "
            f"{'median':>7} {'p95':>7} {'max':>7} {'in-thread median':>16} {'p95':>7}"
        ]
        for label in sorted(self.requests, key=lambda item: (_page_order(self.pages[item]), item)):
            rows = self.requests[label]
            measured = self.stats(label)
            errors = sum(1 for _s, status in rows if status != 200)
            pages = ",".join(sorted(self.pages[label], key=_page_index))
            lines.append(
                f"{label[:44]:44} {pages[:24]:24} {len(rows):>6} {errors:>6} "
                f"{measured['median']:>7.3f} {measured['p95']:>7.3f} {measured['max']:>7.3f}"
                + self._server_columns(self.server.get(label, []))
            )
        overall = self.overall()
        lines.append(
            f"{'all requests':44} {'':24} {self.total:>6} {self.errors:>6} "
            f"{overall['median']:>7.3f} {overall['p95']:>7.3f} {overall['max']:>7.3f}"
            + self._server_columns([s for values in self.server.values() for s in values])
        )
        lines.append("")
        lines.append(f"{'action (what a person waits)':44} {'page':24} {'count':>6} "
                     f"{'':>6} {'median':>7} {'p95':>7} {'max':>7}")  # fmt: skip
        for (kind, page), seconds in sorted(
            self.actions.items(), key=lambda item: (item[0][0], _page_index(item[0][1]))
        ):
            measured = summary(seconds)
            lines.append(
                f"{kind:44} {page:24} {len(seconds):>6} {'':>6} {measured['median']:>7.3f} "
                f"{measured['p95']:>7.3f} {measured['max']:>7.3f}"
            )
        return "\n".join(lines)

    @staticmethod
    def _server_columns(values: Sequence[float]) -> str:
        if not values:
            return ""
        measured = summary(values)
        return f" {measured['median']:>16.3f} {measured['p95']:>7.3f}"

    def read_access_log(self, log: Path) -> None:
        """Seconds each named request spent in a server thread (gunicorn's request time)."""
        for line in log.read_text(errors="replace").splitlines():
            microseconds, _status, name = (line.split(" ", 2) + ["", ""])[:3]
            if microseconds.isdigit() and name and name != "-":
                self.server[name].append(int(microseconds) / 1e6)


def summary(values: Sequence[float]) -> dict[str, float]:
    """Median, p95 (nearest rank) and max; zeros for no values."""
    if not values:
        return {"median": 0.0, "p95": 0.0, "max": 0.0}
    ordered = sorted(values)
    rank = max(0, int(-(-0.95 * len(ordered) // 1)) - 1)  # ceil(0.95 n) - 1
    return {"median": statistics.median(ordered), "p95": ordered[rank], "max": ordered[-1]}


def _page_index(page: str) -> int:
    return PAGES.index(page) if page in PAGES else len(PAGES)


def _page_order(pages: set[str]) -> int:
    return -1 if len(pages) > 1 else min((_page_index(p) for p in pages), default=len(PAGES))


# --- the app's callbacks, as the browser's renderer sends them ------------------------------


def _parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def _id_text(component_id: Any) -> str:
    """A component id as Dash writes it in an output string and in changedPropIds."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return component_id


def _outputs(output: str) -> list[dict[str, Any]]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [
        {"id": _parse_id(part.rsplit(".", 1)[0]), "property": part.rsplit(".", 1)[1]}
        for part in parts
    ]


def _components(tree: Any, found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every component's props in a layout, by id text."""
    if isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and "id" in props:
            found[_id_text(props["id"])] = props
        for value in tree.values():
            _components(value, found)
    elif isinstance(tree, list):
        for value in tree:
            _components(value, found)
    return found


def label(output: str) -> str:
    """A short name for a callback: its first output, a chart's name for a chart card."""
    first = _outputs(output)[0]
    component = first["id"]
    if isinstance(component, dict):
        if "chart" in component:
            name = component["chart"]
            if isinstance(name, list):  # pattern-matching (the download)
                return f"{component.get('type')} (csv)"
            return f"chart {name}"
        return f"{component.get('type')}.{first['property']}"
    if output.startswith(".._pages_content"):
        return "_pages_content (page router)"
    if output.startswith(f"..{FILTER_LOCATION}"):
        return "filters (filter bar)"
    return f"{component}.{first['property']}"


@dataclass
class App:
    """What the browser learns from ``/_dash-dependencies`` and ``/_dash-layout``."""

    callbacks: dict[str, dict[str, Any]]
    shell: dict[str, dict[str, Any]]  # the app shell's components (from /_dash-layout)

    @classmethod
    def fetch(cls, base_url: str) -> App:
        dependencies = send(base_url, "GET", "/_dash-dependencies")
        layout = send(base_url, "GET", "/_dash-layout")
        if dependencies.status != 200 or layout.status != 200:
            raise RuntimeError(f"the app did not answer: {dependencies.status} {layout.status}")
        callbacks = {item["output"]: item for item in dependencies.json()}
        return cls(callbacks, _components(layout.json(), {}))

    def with_input(self, *inputs: str) -> list[str]:
        """Callbacks with any of these ``id.property`` inputs."""
        return [
            output
            for output, callback in self.callbacks.items()
            if any(f"{i['id']}.{i['property']}" in inputs for i in callback["inputs"])
        ]

    def one(self, prefix: str) -> str:
        return next(output for output in self.callbacks if output.startswith(prefix))

    @property
    def filters(self) -> str:
        return self.one(f"..{FILTER_LOCATION}.search")

    @property
    def router(self) -> str:
        return self.one(".._pages_content.children")

    @property
    def nav_href(self) -> str:
        return next(o for o in self.with_input(f"{FILTER_LOCATION}.search") if o != self.filters)

    @property
    def download(self) -> str:
        return next(o for o in self.callbacks if '"type":"chart-download"}.data' in o)

    def page_callbacks(self, page: dict[str, dict[str, Any]]) -> list[str]:
        """The callbacks the filter store fires whose outputs are all on this page."""
        return [
            output
            for output, callback in self.callbacks.items()
            if [f"{i['id']}.{i['property']}" for i in callback["inputs"]]
            == [f"{FILTER_STATE}.data"]
            and all(_id_text(o["id"]) in page for o in _outputs(output))
        ]


class Browser:
    """One person's browser tab: the values its components hold, and the requests it sends."""

    def __init__(self, base_url: str, app: App, report: Report, chooser: random.Random) -> None:
        self.base_url = base_url
        self.app = app
        self.report = report
        self.chooser = chooser
        self.pool = ThreadPoolExecutor(CONNECTIONS_PER_USER)
        self.path = "/"
        self.search = ""
        self.page: dict[str, dict[str, Any]] = {}  # components the router rendered
        self.values: dict[tuple[str, str], Any] = {}  # (id text, property) -> value
        self.clicks = 0

    def close(self) -> None:
        self.pool.shutdown(wait=True)

    # values and bodies

    def value(self, component: Any, prop: str) -> Any:
        key = (_id_text(component), prop)
        if key in self.values:
            return self.values[key]
        for components in (self.page, self.app.shell):
            props = components.get(_id_text(component))
            if props is not None and prop in props:
                return props[prop]
        if prop == "id":
            return component
        return None

    def _matching(self, pattern: dict[str, Any]) -> list[Any]:
        """Rendered component ids that an ``ALL`` pattern matches."""
        found = []
        for components in (self.app.shell, self.page):
            for props in components.values():
                component = props["id"]
                if isinstance(component, dict) and component.keys() == pattern.keys():
                    fixed = {k: v for k, v in pattern.items() if not isinstance(v, list)}
                    if all(component[k] == v for k, v in fixed.items()):
                        found.append(component)
        return found

    def _entries(self, declared: Sequence[Mapping[str, str]], overrides: Mapping) -> list[Any]:
        entries: list[Any] = []
        for item in declared:
            component = _parse_id(item["id"])
            if isinstance(component, dict) and ["ALL"] in component.values():
                prop = item["property"]
                entries.append([
                    {"id": c, "property": prop, "value": self.value(c, prop)}
                    for c in self._matching(component)
                ])  # fmt: skip
                continue
            key = (item["id"], item["property"])
            value = overrides[key] if key in overrides else self.value(component, item["property"])
            entries.append({"id": component, "property": item["property"], "value": value})
        return entries

    def body(self, output: str, changed: Sequence[str], **overrides: Any) -> dict[str, Any]:
        """The body Dash's renderer posts for ``output`` (a non-MATCH callback)."""
        callback = self.app.callbacks[output]
        outputs: Any = _outputs(output)
        if len(outputs) == 1 and isinstance(outputs[0]["id"], dict):  # ALL: one per match
            outputs = [{"id": c, "property": outputs[0]["property"]}
                       for c in self._matching(outputs[0]["id"])]  # fmt: skip
        elif not output.startswith(".."):
            outputs = outputs[0]
        values = {tuple(key.rsplit(".", 1)): value for key, value in overrides.items()}
        body = {
            "output": output,
            "outputs": outputs,
            "inputs": self._entries(callback["inputs"], values),
            "changedPropIds": list(changed),
            "parsedChangedPropsIds": list(changed),
        }
        if callback.get("state"):
            body["state"] = self._entries(callback["state"], values)
        return body

    # sending

    def _post(self, output: str, body: dict[str, Any], what: str) -> Answer:
        answer = send(self.base_url, "POST", UPDATE, body, name=label(output))
        self.report.record(label(output), self.path, answer, what)
        return answer

    def wave(self, bodies: Sequence[tuple[str, dict[str, Any]]], what: str) -> list[Answer]:
        """Requests the renderer sends at once (at most 6 at a time), all answered."""
        futures = [self.pool.submit(self._post, output, body, what) for output, body in bodies]
        answers = [future.result() for future in futures]
        for answer in answers:
            if answer.status == 200:
                self._apply(answer)
        return answers

    def _apply(self, answer: Answer) -> None:
        """Keep what a callback answered (Dash leaves ``no_update`` outputs out)."""
        try:
            response = answer.json().get("response", {})
        except ValueError:
            return
        for component, props in response.items():
            for prop, value in props.items():
                self.values[(component, prop)] = value

    def get(self, path: str) -> Answer:
        name = f"GET {urlsplit(path).path}"
        answer = send(self.base_url, "GET", path, name=name)
        self.report.record(name, self.path, answer)
        return answer

    # what a person does

    def open(self, path: str, search: str = "", first_load: bool = True) -> None:
        """Open ``path`` (a first load of the app, or a click on a navbar link)."""
        started = time.perf_counter()
        self.path, self.search = path, search
        if first_load:
            self.values.clear()
            self.get(path + search)
            self.get("/_dash-layout")
            self.get("/_dash-dependencies")
        where = f"{path}{search}"
        self.values[(APP_LOCATION, "pathname")] = path
        self.values[(PAGES_LOCATION, "pathname")] = path
        self.values[(PAGES_LOCATION, "search")] = search
        # 1. The location's callbacks: shell, navbar and the page router.
        changes = {
            output: [f"{PAGES_LOCATION}.pathname", f"{PAGES_LOCATION}.search"]
            if output == self.app.router
            else [f"{APP_LOCATION}.pathname"]
            for output in self.app.with_input(
                f"{APP_LOCATION}.pathname", f"{PAGES_LOCATION}.pathname"
            )
        }
        answers = self.wave([(o, self.body(o, c)) for o, c in changes.items()], where)
        router = answers[list(changes).index(self.app.router)]
        if router.status != 200:
            self.report.action("open (failed)", path, time.perf_counter() - started)
            return
        content = router.json()["response"]["_pages_content"]["children"]
        self.page = _components(content, {})
        for key in [k for k in self.values if k[0] in self.page]:
            del self.values[key]  # new components hold what the router rendered
        # 2. The filter bar, from the URL; 3. the page's charts and the nav links.
        self.values[(FILTER_LOCATION, "search")] = search
        filters = self.wave(
            [(self.app.filters, self.body(self.app.filters, [f"{FILTER_LOCATION}.search"]))],
            where,
        )
        self.search = self.value(FILTER_LOCATION, "search") or ""
        after = [(o, self.body(o, [])) for o in self.app.page_callbacks(self.page)]
        after.append(
            (self.app.nav_href, self.body(self.app.nav_href, [f"{FILTER_LOCATION}.search"]))
        )
        if filters[0].status == 200:
            self.wave(after, where)
        self.report.action("open (first load)" if first_load else "open (navbar)", path,
                           time.perf_counter() - started)  # fmt: skip

    def options(self, component: str) -> list[Any]:
        return [option["value"] for option in self.value(component, "options") or []]

    def change_filter(self) -> None:
        """A random filter control set to another of its options."""
        kind = self.chooser.choice(list(CONTROLS))
        component = CONTROLS[kind]
        current = self.value(component, "value")
        choices = self.options(component)
        if kind == "faculty":
            new: Any = [] if current and self.chooser.random() < 0.3 else (
                [self.chooser.choice(choices)] if choices else []
            )  # fmt: skip
        elif kind == "cycle":
            new = [self.chooser.choice(choices)] if choices and not current else []
        elif kind in ("year_from", "year_to"):
            low = self.value(CONTROLS["year_from"], "value") or (choices[0] if choices else None)
            high = self.value(CONTROLS["year_to"], "value") or (choices[-1] if choices else None)
            if kind == "year_from":
                allowed = [c for c in choices if high is None or c <= high]
            else:
                allowed = [c for c in choices if low is None or c >= low]
            new = self.chooser.choice(allowed) if allowed else current
        else:
            others = [c for c in choices if c != current]
            new = self.chooser.choice(others) if others else current
        started = time.perf_counter()
        self.values[(component, "value")] = new
        store_before = self.value(FILTER_STATE, "data")
        search_before = self.value(FILTER_LOCATION, "search")
        what = f"{kind}={new}"
        filters = self.wave(
            [(self.app.filters, self.body(self.app.filters, [f"{component}.value"]))], what
        )
        if filters[0].status == 200:
            self.search = self.value(FILTER_LOCATION, "search") or ""
            after = []
            if self.value(FILTER_STATE, "data") != store_before:
                after += [(o, self.body(o, [f"{FILTER_STATE}.data"]))
                          for o in self.app.page_callbacks(self.page)]  # fmt: skip
            if self.value(FILTER_LOCATION, "search") != search_before:
                after.append(
                    (self.app.nav_href,
                     self.body(self.app.nav_href, [f"{FILTER_LOCATION}.search"]))
                )  # fmt: skip
            if after:
                self.wave(after, what)
        self.report.action("filter change", self.path, time.perf_counter() - started)

    def charts(self) -> list[str]:
        """Charts whose CSV button can be clicked (an empty chart's button is disabled)."""
        return sorted(
            props["id"]["chart"]
            for props in self.page.values()
            if isinstance(props["id"], dict)
            and props["id"].get("type") == "chart-download-csv"
            and not self.value(props["id"], "disabled")
        )

    def download_csv(self) -> bool:
        """A click on a chart's CSV button; False when the page has none to click."""
        charts = self.charts()
        if not charts:
            return False
        chart = self.chooser.choice(charts)
        self.clicks += 1
        csv = {"chart": chart, "type": "chart-download-csv"}
        excel = {"chart": chart, "type": "chart-download-excel"}
        body = {
            "output": self.app.download,
            "outputs": {"id": {"chart": chart, "type": "chart-download"}, "property": "data"},
            "inputs": [
                {"id": csv, "property": "n_clicks", "value": self.clicks},
                {"id": excel, "property": "n_clicks"},
            ],
            "changedPropIds": [f"{_id_text(csv)}.n_clicks"],
            "parsedChangedPropsIds": [csv],
            "state": [
                {"id": FILTER_STATE, "property": "data", "value": self.value(FILTER_STATE, "data")}
            ],  # fmt: skip
        }
        started = time.perf_counter()
        self.wave([(self.app.download, body)], f"csv {chart}")
        self.report.action("CSV download", self.path, time.perf_counter() - started)
        return True


def run_users(
    base_url: str,
    users: int,
    seconds: float,
    think: tuple[float, float] = (2.0, 6.0),
    seed: int = 12,
    first: Sequence[str] = (),
) -> Report:
    """``users`` people for ``seconds`` (an action under way when the time is up finishes).
    User ``n`` first opens ``PAGES[n % 5]``, so every page is opened when ``users >= 5``, then
    does the ``first`` actions (names of :data:`ACTIONS`, done even when the time is up),
    then random ones."""
    app = App.fetch(base_url)
    report = Report()
    stop_at = time.perf_counter() + seconds

    def act(browser: Browser, action: str, chooser: random.Random) -> None:
        if action == "download" and browser.download_csv():
            return
        if action == "navigate":
            path = chooser.choice([p for p in PAGES if p != browser.path])
            first_load = chooser.random() < FULL_LOAD_SHARE
            browser.open(path, browser.search, first_load=first_load)
        else:
            browser.change_filter()

    def person(number: int) -> None:
        chooser = random.Random(seed * 1000 + number)
        browser = Browser(base_url, app, report, chooser)
        try:
            # People arrive spread over the first think time, not all in one instant.
            time.sleep(chooser.uniform(0, think[1]) if users > 1 else 0)
            browser.open(PAGES[number % len(PAGES)])
            for action in first:
                time.sleep(chooser.uniform(*think))
                act(browser, action, chooser)
            while True:
                time.sleep(chooser.uniform(*think))
                if time.perf_counter() >= stop_at:
                    return
                weights = list(ACTIONS.values())
                act(browser, chooser.choices(list(ACTIONS), weights=weights)[0], chooser)
        except Exception as error:  # noqa: BLE001 (a simulator bug is reported, not hidden)
            with report.lock:
                report.failures.append(f"user {number} stopped: {error!r}")
                report.requests["simulated user crashed"].append((0.0, -2))
        finally:
            browser.close()

    report.started = time.perf_counter()
    threads = [threading.Thread(target=person, args=(n,), daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 600)
    report.finished = time.perf_counter()
    return report


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_server_command(port: int) -> list[str]:
    """The README's shared-server command, bound to 127.0.0.1:``port`` (sign-in off)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"`(gunicorn --workers [^`]*app:server)`", readme)
    words = (found.group(1) if found else DEFAULT_COMMAND).split()
    words[words.index("--bind") + 1] = f"127.0.0.1:{port}"
    words[0] = str(Path(sys.executable).with_name("gunicorn"))
    return words


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway ``redis-server`` on a free port (nothing saved); yields its URL."""
    executable = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(executable).exists():
        raise SystemExit("redis-server is missing: apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


def redis_stats(url: str) -> dict[str, int]:
    import redis

    info = redis.Redis.from_url(url).info("stats")
    return {"hits": int(info["keyspace_hits"]), "misses": int(info["keyspace_misses"])}


@dataclass
class Server:
    base_url: str
    command: list[str]
    log: Path
    access_log: Path


@contextlib.contextmanager
def shared_server(database: Path, cache: str, log: Path) -> Iterator[Server]:
    """The README's shared-server command on a free loopback port, sign-in off."""
    port = free_port()
    command = shared_server_command(port)
    # Only logging added to the README's command: the time each request spent in a worker
    # thread (%(D)s, microseconds), its status and the callback the simulator named.
    access_log = log.with_name("access.log")
    log_flags = ["--access-logfile", str(access_log), "--access-logformat",
               f"%(D)s %(s)s %({{{NAME_HEADER.lower()}}}i)s"]  # fmt: skip
    environment = {
        **os.environ,
        "INTL_KPI_DATABASE": str(database),
        "INTL_KPI_CACHE": cache,
        "INTL_KPI_SIGN_IN": "off",
        "INTL_KPI_HOST": "127.0.0.1",
        "INTL_KPI_PORT": str(port),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            command + log_flags, cwd=ROOT, env=environment, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while send(base_url, "GET", "/_dash-dependencies", timeout=5).status != 200:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield Server(base_url, command, log, access_log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def build_demo(scale: float, folder: Path) -> Path:
    database = folder / "demo.duckdb"
    subprocess.run(
        [sys.executable, "-m", "etl.cli", "demo", "--scale", f"{scale:g}",
         "--output", str(folder / "files"), "--database", str(database)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return database


def tracebacks(log: Path) -> list[str]:
    """The server's tracebacks, each as its last frames and its exception line."""
    text = log.read_text(errors="replace")
    found = []
    for chunk in text.split("Traceback (most recent call last):")[1:]:
        lines = [line for line in chunk.splitlines() if line.strip()]
        end = next((i for i, line in enumerate(lines) if not line.startswith(" ")), len(lines))
        found.append("\n".join(lines[max(0, end - 6) : end + 1]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds")
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale")
    parser.add_argument("--database", type=Path, help="a published database (no demo built)")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(2.0, 6.0), metavar=("MIN", "MAX"),
        help="seconds between a person's actions",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=12)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, redis_server() as cache:
        if arguments.database:
            database, what = arguments.database, str(arguments.database)
        else:
            started = time.perf_counter()
            database = build_demo(arguments.scale, Path(folder))
            what = f"demo scale {arguments.scale:g}"
            print(f"built the {what} in {time.perf_counter() - started:.0f} s", flush=True)
        log = Path(folder) / "server.log"
        with shared_server(database, cache, log) as server:
            print(f"server: INTL_KPI_CACHE={cache} gunicorn {' '.join(server.command[1:])}",
                  flush=True)  # fmt: skip
            load_before = os.getloadavg()
            cpu_before = resource.getrusage(resource.RUSAGE_SELF)
            cache_before = redis_stats(cache)
            report = run_users(
                server.base_url,
                arguments.users,
                arguments.duration,
                tuple(arguments.think),
                arguments.seed,
            )
            cache_after = redis_stats(cache)
            cpu_after = resource.getrusage(resource.RUSAGE_SELF)
            load_after = os.getloadavg()
        errors = tracebacks(log)
        report.read_access_log(server.access_log)
    hits = cache_after["hits"] - cache_before["hits"]
    misses = cache_after["misses"] - cache_before["misses"]
    elapsed = report.finished - report.started
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (
        cpu_before.ru_utime + cpu_before.ru_stime
    )
    overall = report.overall()
    print(f"\n== {arguments.users} users, {arguments.duration:g} s, {what} ==")
    print("seconds per request, from sending to the last byte (in-thread: the part spent in a")
    print("server thread, from gunicorn's access log; the rest is waiting for a free thread)")
    print(report.table())
    print()
    print(f"overall: {report.total} requests in {elapsed:.0f} s = "
          f"{report.requests_per_second():.1f} requests/s; p95 {overall['p95']:.3f} s, "
          f"median {overall['median']:.3f} s; errors {report.errors} "
          f"(statuses {dict(report.statuses())})")  # fmt: skip
    share = hits / (hits + misses) if hits + misses else float("nan")
    print(f"cache (Redis): {hits} hits, {misses} misses, hit share {share:.0%}")
    print(f"server tracebacks: {len(errors)}")
    for traceback, count in Counter(errors).most_common(3):
        print(f"{count} x\n{traceback}")
    for failure in report.failures[:8]:
        print("  failed:", failure)
    print("load average (1, 5, 15 min): before "
          + ", ".join(f"{v:.2f}" for v in load_before) + "; after "
          + ", ".join(f"{v:.2f}" for v in load_after))  # fmt: skip
    print(f"simulated users' own CPU: {client_cpu:.0f} s over {elapsed:.0f} s "
          f"({client_cpu / max(elapsed, 1e-9):.2f} cores)")  # fmt: skip
    print(json.dumps({
        "users": arguments.users, "seconds": arguments.duration, "data": what,
        "requests": report.total, "errors": report.errors,
        "requests_per_second": round(report.requests_per_second(), 2),
        "p95": round(overall["p95"], 4), "cache_hits": hits, "cache_misses": misses,
        "in_thread": {name: summary(values) for name, values in report.server.items()},
        "load_before": load_before, "load_after": load_after,
        "per_callback": {name: {k: round(v, 4) for k, v in report.stats(name).items()}
                         | {"count": len(report.requests[name])} for name in report.requests},
    }))  # fmt: skip
    return 0 if report.errors == 0 and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
