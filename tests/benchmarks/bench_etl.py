"""ETL benchmark: demo generation time, load time and throughput, database size and peak
memory, at a given demo scale. Run with `make bench` (SCALES="1 10"); not part of the
test suite, since timings depend on the machine.

Each scale runs `intl-kpi demo` in a fresh process so its peak memory is measured alone.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_scale(scale: float, seed: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.duckdb"
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "etl.cli",
                "demo",
                "--scale",
                str(scale),
                "--seed",
                str(seed),
                "--output",
                str(Path(folder) / "files"),
                "--database",
                str(database),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        total = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        output = completed.stdout
        generated = float(re.search(r"Generated \d+ files in .* \(([\d.]+) s\)", output)[1])
        published = re.search(r"\((\d+) rows in ([\d.]+) s, ([\d,]+) rows/s\)", output)
        input_bytes = sum(p.stat().st_size for p in (Path(folder) / "files").iterdir())
        return {
            "scale": scale,
            "generate_s": generated,
            "load_s": float(published[2]),
            "rows_loaded": int(published[1]),
            "rows_per_s": int(published[3].replace(",", "")),
            "total_s": round(total, 1),
            "input_mib": round(input_bytes / 2**20, 1),
            "database_mib": round(database.stat().st_size / 2**20, 1),
            # ru_maxrss of the largest child so far (KiB on Linux); runs go small to large.
            "peak_rss_mib": round(max(peak_kib, before) / 1024, 0),
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0])
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    results = [run_scale(scale, arguments.seed) for scale in sorted(arguments.scales)]
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
