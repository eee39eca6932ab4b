"""Load benchmark for one big record-level file: peak memory and rows per second of
`intl-kpi load` on an N-row enrolment CSV (default 2 million rows), next to DuckDB's own
`read_csv` of the same file. Run with `make bench` or directly:

    .venv/bin/python tests/benchmarks/bench_load_memory.py --rows 2000000

The CSV is cut from the demo generator's enrolments (etl/demo.py, scaled up until it has
enough rows) and written with every column as text, as a student information system exports
it; the demo's programmes.csv is loaded with it so every programme reference resolves. Each
measured command runs in its own process; its peak RSS is that process's ru_maxrss
(os.wait4), so the benchmark's own memory does not count. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Enrolment rows per unit of demo scale (about 314,000 at scale 1).
ROWS_PER_SCALE = 300_000


def make_input(folder: Path, rows: int, seed: int) -> tuple[Path, Path]:
    """programmes.csv and an enrolments CSV of exactly ``rows`` rows in ``folder`` (reused
    when already there)."""
    import duckdb

    from etl.demo import generate_demo

    folder.mkdir(parents=True, exist_ok=True)
    programmes = folder / "programmes.csv"
    enrolments = folder / f"enrolments_{rows}.csv"
    if programmes.exists() and enrolments.exists():
        return programmes, enrolments
    demo = folder / "demo"
    generate_demo(demo, scale=rows / ROWS_PER_SCALE + 0.2, seed=seed)
    programmes.write_bytes((demo / "programmes.csv").read_bytes())
    source = str(demo / "enrolments.parquet")
    connection = duckdb.connect()
    available = connection.execute("select count(*) from read_parquet(?)", [source]).fetchone()[0]
    if available < rows:
        raise SystemExit(f"the demo made only {available} enrolment rows, not {rows}")
    partial = enrolments.with_suffix(".partial")
    connection.execute(
        f"copy (select * from read_parquet('{source}') limit {int(rows)}) "
        f"to '{partial}' (header, delimiter ',')"
    )
    connection.close()
    partial.rename(enrolments)
    return programmes, enrolments


def measure(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MiB, stdout) of ``command``, run through ``with_peak``."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stdout}\n{stderr}")
    match = re.search(r"^peak_rss_kib=(\d+)$", stderr, re.MULTILINE)
    peak = int(match[1]) / 1024 if match else float("nan")
    return seconds, peak, stdout


# Runs the command given as arguments and prints the child's peak RSS (ru_maxrss, KiB).
_PEAK_WRAPPER = (
    "import os, subprocess, sys\n"
    "process = subprocess.Popen(sys.argv[1:])\n"
    "_, status, usage = os.wait4(process.pid, 0)\n"
    "print(f'peak_rss_kib={usage.ru_maxrss}', file=sys.stderr)\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


def with_peak(command: list[str]) -> list[str]:
    return [sys.executable, "-c", _PEAK_WRAPPER, *command]


def bench_load(programmes: Path, enrolments: Path, rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.duckdb"
        command = [
            sys.executable,
            "-m",
            "etl.cli",
            "load",
            str(programmes),
            str(enrolments),
            "--database",
            str(database),
        ]
        seconds, peak, output = measure(with_peak(command))
        published = re.search(r"\((\d+) rows in ([\d.]+) s, ([\d,]+) rows/s\)", output)
        loaded = query_count(database)
    if loaded != rows:
        raise SystemExit(f"intl-kpi load published {loaded} enrolment rows, not {rows}")
    return {
        "load_s": float(published[2]) if published else round(seconds, 1),
        "process_s": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mib": round(peak),
    }


def query_count(database: Path) -> int:
    import duckdb

    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute("select count(*) from enrolments").fetchone()[0]
    finally:
        connection.close()


_DUCKDB_READ = (
    "import sys, duckdb\n"
    "connection = duckdb.connect(sys.argv[2])\n"
    "connection.execute('set enable_progress_bar = false')\n"
    "connection.execute('create table enrolments as select * from "
    "read_csv(?, all_varchar = true, header = true)', [sys.argv[1]])\n"
    "print(connection.execute('select count(*) from enrolments').fetchone()[0])\n"
)


def bench_duckdb(enrolments: Path, rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-c", _DUCKDB_READ, str(enrolments), f"{folder}/read.duckdb"]
        seconds, peak, output = measure(with_peak(command))
    counted = output.strip().splitlines()[-1]
    if int(counted) != rows:
        raise SystemExit(f"DuckDB read {counted} rows, not {rows}")
    return {
        "process_s": round(seconds, 1),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mib": round(peak),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "intl_kpi_bench_load",
        help="Where the generated input is kept between runs.",
    )
    arguments = parser.parse_args()
    started = time.perf_counter()
    programmes, enrolments = make_input(arguments.workdir, arguments.rows, arguments.seed)
    prepared = time.perf_counter() - started
    result = {
        "rows": arguments.rows,
        "input_mib": round(enrolments.stat().st_size / 2**20, 1),
        "prepare_s": round(prepared, 1),
        "intl_kpi_load": bench_load(programmes, enrolments, arguments.rows),
        "duckdb_read_csv": bench_duckdb(enrolments, arguments.rows),
        "cpu_count": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
