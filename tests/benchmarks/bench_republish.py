"""Republish under load (issue 9), the long version of ``tests/dashboard/test_republish.py``:
50 simulated users (threads sending the browser's callback requests, no think time) against
the threaded dev server (``python app.py``, what ``make run`` starts) and against
``gunicorn --workers 2 --threads 8``, while the ETL republishes the database 3 times
(``intl-kpi rollback``, the atomic publish of a kept version). Prints requests, non-200
answers and latencies per server; exits 1 when any request failed. Run with ``make bench``;
not part of the test suite, since it takes minutes.

A demo database is built with ``intl-kpi demo`` unless ``--database`` names one with a kept
version 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.dashboard.callback_requests import (  # noqa: E402 (after the path is set)
    simulate_users,
    user_requests,
    wait_until_up,
)

STATE = {"year_from": 2019, "year_to": 2024, "faculties": [], "programmes": [], "cycles": [],
         "basis": "nationality"}  # fmt: skip


def build_demo(folder: Path) -> Path:
    database = folder / "bench.duckdb"
    subprocess.run(
        [sys.executable, "-m", "etl.cli", "demo", "--output", str(folder / "files"),
         "--database", str(database)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(kind: str, port: int) -> list[str]:
    if kind == "dev":
        # app.py's own entry point: Flask's threaded development server.
        return [sys.executable, "app.py"]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return [gunicorn, "--workers", "2", "--threads", "8", "--bind", f"127.0.0.1:{port}",
            "--timeout", "120", "app:server"]  # fmt: skip


def run(kind: str, database: Path, users: int, seconds: float, republishes: int) -> bool:
    port = free_port()
    environment = {
        **os.environ,
        "INTL_KPI_DATABASE": str(database),
        "INTL_KPI_HOST": "127.0.0.1",
        "INTL_KPI_PORT": str(port),
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 (read after the server stops)
    process = subprocess.Popen(
        server_command(kind, port), cwd=ROOT, env=environment, stdout=log, stderr=log,
        start_new_session=True,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"

    def republish() -> None:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "etl.cli", "-q", "rollback", "1", "--database", str(database)],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        print(f"  republished in {time.perf_counter() - started:.1f} s", flush=True)

    try:
        wait_until_up(base_url, seconds=120)
        requests = user_requests(base_url, STATE, overview=True)
        result = simulate_users(base_url, requests, users, seconds, republish, republishes)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    log.seek(0)
    output = log.read().decode(errors="replace")
    tracebacks = output.count("Traceback")
    print(f"{kind}: {result.summary()}; server tracebacks: {tracebacks}")
    for failure in result.failures:
        print("  ", failure)
    return result.not_ok == 0 and tracebacks == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="a database with a kept version 1")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--republishes", type=int, default=3)
    parser.add_argument("--servers", nargs="+", default=["dev", "gunicorn"],
                        choices=["dev", "gunicorn"])  # fmt: skip
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = arguments.database or build_demo(Path(folder))
        passed = [
            run(kind, database, arguments.users, arguments.seconds, arguments.republishes)
            for kind in arguments.servers
        ]
    return 0 if all(passed) else 1


if __name__ == "__main__":
    sys.exit(main())
