"""Dashboard and KPI benchmark on a demo database: the time of the full KPI table (what
``intl-kpi kpis`` computes), and the server time of a filter change on every page — each
chart callback of the page run in-process, as a gunicorn worker would run them, for a
sequence of filter selections. Run with ``make bench`` (SCALES="1 10"); not part of the
test suite, since timings depend on the machine.

A database is built per scale with ``intl-kpi demo`` unless ``--database`` names one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Filter selections a person might click through, one after the other.
SELECTIONS = (
    {},
    {"faculties": ["Science"]},
    {"faculties": ["Science"], "cycles": ["master"]},
    {"year_from": 2019, "year_to": 2024},
    {"basis": "both"},
    {"faculties": ["Law", "Humanities"]},
)


def build_demo(scale: float, folder: Path) -> Path:
    database = folder / "bench.duckdb"
    subprocess.run(
        [sys.executable, "-m", "etl.cli", "demo", "--scale", str(scale), "--output",
         str(folder / "files"), "--database", str(database)],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return database


def measure(database: Path, repeats: int) -> dict[str, object]:
    os.environ["INTL_KPI_DATABASE"] = str(database)
    os.environ.setdefault("INTL_KPI_TARGETS", str(ROOT / "data" / "targets.csv"))
    sys.path.insert(0, str(ROOT))
    import app  # noqa: F401 (the Dash app: asset URLs and callbacks need it)
    from dashboard import runtime
    from dashboard.callbacks.kpi_cards import chart_values
    from dashboard.callbacks.overview import update_overview
    from dashboard.charts import DIVERSITY_CHARTS, MOBILITY_CHARTS, NETWORK_CHARTS
    from dashboard.filters_state import FilterState
    from dashboard.kpis.query import QueryContext
    from dashboard.kpis.table import kpi_table

    runtime.settings.cache_clear()
    cursor = runtime.cursor()
    table_times = []
    for _ in range(repeats):
        started = time.perf_counter()
        table = kpi_table(
            cursor, FilterState(), QueryContext.from_settings(runtime.settings()),
            runtime.targets(),
        )  # fmt: skip
        table_times.append(time.perf_counter() - started)
    pages = {
        "overview": [lambda state: update_overview(state)],
        "diversity": [lambda state, s=s: chart_values(s, state) for s in DIVERSITY_CHARTS],
        "mobility": [lambda state, s=s: chart_values(s, state) for s in MOBILITY_CHARTS],
        "networks": [lambda state, s=s: chart_values(s, state) for s in NETWORK_CHARTS],
    }
    results: dict[str, object] = {
        "kpi_table_rows": len(table),
        "kpi_table_seconds_median": statistics.median(table_times),
    }
    for name, callbacks in pages.items():
        page_times, callback_worst = [], 0.0
        for selection in SELECTIONS:
            state = FilterState.from_dict(selection).to_dict()
            # Dash runs a page's callbacks concurrently (one request each); the sum is the
            # server time one worker spends, the slowest is what the person waits for at
            # best with several workers.
            total = 0.0
            for run in callbacks:
                started = time.perf_counter()
                run(state)
                elapsed = time.perf_counter() - started
                total += elapsed
                callback_worst = max(callback_worst, elapsed)
            page_times.append(total)
        results[f"{name}_filter_change_seconds_median"] = statistics.median(page_times)
        results[f"{name}_filter_change_seconds_worst"] = max(page_times)
        results[f"{name}_slowest_callback_seconds"] = callback_worst
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0])
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        print(json.dumps(measure(arguments.database, arguments.repeats)))
        return
    for scale in arguments.scales:
        with tempfile.TemporaryDirectory() as folder:
            database = arguments.database or build_demo(scale, Path(folder))
            # A fresh process per scale: nothing cached from the previous one.
            output = subprocess.run(
                [sys.executable, __file__, "--child", "--database", str(database),
                 "--repeats", str(arguments.repeats)],
                cwd=ROOT, check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            result = json.loads(output.strip().splitlines()[-1])
            label = arguments.database or f"demo scale {scale:g}"
            print(f"{label}: " + json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
