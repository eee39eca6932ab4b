"""Dash callback requests built the way the browser's renderer builds them, and simulated users
sending them to a running server while the database is republished (issue 9).

Used by ``test_hostile_input.py`` (forged bodies), ``test_republish.py`` and
``tests/benchmarks/bench_republish.py`` (concurrent users against the threaded dev server and
gunicorn).
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

UPDATE = "/_dash-update-component"


def parse_id(text: str) -> Any:
    """A dependency's component id: a dict for pattern-matching ids, else the string."""
    return json.loads(text) if text.startswith("{") else text


def split_outputs(output: str) -> list[dict[str, Any]]:
    """``'..a.children...b.figure..'`` -> ``[{'id': 'a', 'property': 'children'}, ...]``."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outputs = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        outputs.append({"id": parse_id(component), "property": prop})
    return outputs


def request_body(
    callbacks: Mapping[str, Mapping[str, Any]],
    output: str,
    inputs: Sequence[Any],
    state: Sequence[Any] = (),
    changed: Sequence[str] = (),
) -> dict[str, Any]:
    """The body of the callback request for ``output`` (a key of ``app.callback_map`` or an
    ``output`` of ``/_dash-dependencies``), with these input and state values."""
    callback = callbacks[output]
    outputs = split_outputs(output)

    def entries(declared: Sequence[Mapping[str, str]], values: Sequence[Any]) -> list[Any]:
        return [
            {"id": parse_id(item["id"]), "property": item["property"], "value": value}
            for item, value in zip(declared, values, strict=True)
        ]

    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": entries(callback["inputs"], inputs),
        "state": entries(callback.get("state") or [], state),
        "changedPropIds": list(changed),
    }


def get(base_url: str, path: str, timeout: float = 30) -> tuple[int, bytes]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post_json(base_url: str, path: str, body: Any, timeout: float = 30) -> tuple[int, bytes]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        payload = json.dumps(body).encode()
        connection.request("POST", path, payload, {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(base_url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if get(base_url, "/_dash-dependencies", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"no server answered at {base_url}")
        time.sleep(0.2)


def user_requests(
    base_url: str, state: dict[str, Any], overview: bool = False
) -> list[tuple[str, str, Any]]:
    """What a person's browser asks on the pages: (label, path, body) for three chart cards
    (a network timeline, a mobility chart, the Data page's enrolment chart), the status
    banner and the filter bar, built from the server's own ``/_dash-dependencies``; with
    ``overview`` also the overview cards (about ten times heavier)."""
    status, raw = get(base_url, "/_dash-dependencies")
    assert status == 200
    callbacks = {dependency["output"]: dependency for dependency in json.loads(raw)}

    def chart(prefix: str) -> str:
        return next(key for key in callbacks if f'"chart":"{prefix}","type":"chart-title"' in key)

    filters = next(key for key in callbacks if key.startswith("..filters-url-location.search"))
    requests = [
        ("status banner", request_body(callbacks, "app-status-banner.children", ["/data"])),
        (
            "filter bar",
            request_body(
                callbacks,
                filters,
                ["?from=2018&to=2020", "2018", "2020", [], [], [], "nationality"],
                [state],
                ["filters-url-location.search"],
            ),
        ),
    ]
    for prefix in ("networks-timeline", "mobility-in-out", "data-enrolment"):
        requests.append((prefix, request_body(callbacks, chart(prefix), [state])))
    if overview:
        output = "overview-cards-container.children"
        requests.append(("overview", request_body(callbacks, output, [state])))
    return [(label, UPDATE, body) for label, body in requests]


@dataclass
class LoadResult:
    """What the simulated users saw."""

    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    republished: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def not_ok(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 200)

    def summary(self) -> str:
        ordered = sorted(self.seconds) or [0.0]
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        return (
            f"{self.requests} requests, {self.not_ok} not 200 ({dict(self.statuses)}), "
            f"{self.republished} republishes; seconds median "
            f"{statistics.median(ordered):.3f}, p95 {p95:.3f}, max {ordered[-1]:.3f}"
        )


def simulate_users(
    base_url: str,
    requests: Sequence[tuple[str, str, Any]],
    users: int,
    seconds: float,
    republish: Callable[[], None],
    republishes: int,
) -> LoadResult:
    """``users`` threads send ``requests`` (in random order, no think time) for ``seconds``;
    ``republish`` is called ``republishes`` times, evenly spread over the middle of the run."""
    result = LoadResult()
    stop = threading.Event()

    def user(number: int) -> None:
        chooser = random.Random(number)
        while not stop.is_set():
            label, path, body = chooser.choice(requests)
            started = time.perf_counter()
            try:
                status, raw = post_json(base_url, path, body, timeout=60)
            except OSError as error:  # a reset or refused connection is a failure too
                status, raw = -1, repr(error).encode()
            elapsed = time.perf_counter() - started
            with result.lock:
                result.statuses[status] += 1
                result.seconds.append(elapsed)
                if status != 200 and len(result.failures) < 20:
                    result.failures.append(f"{label}: {status} {raw[:300]!r}")

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for number in range(1, republishes + 1):
        moment = started + seconds * number / (republishes + 1)
        time.sleep(max(0.0, moment - time.monotonic()))
        republish()
        result.republished += 1
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return result
