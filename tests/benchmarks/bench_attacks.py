"""Disclosure-control benchmark (``make bench``): the attack suite of ``tests/kpis/attacks.py``
in full on the demo university (every pair of programmes in a faculty), for every preset,
and how far the default preset moves the published figures from the true ones.

    python tests/benchmarks/bench_attacks.py [--database PATH] [--pairs all|next]

Prints, per preset, the exact recoveries of counts of 1 to 4 by attack, and for round5 the
largest change of a share (percentage points) at university and faculty level, and the
2019-20 policy figures of the Erasmus Policy Statement.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dashboard.filters_state import FilterState  # noqa: E402
from dashboard.kpis.query import QueryContext, kpi_frame  # noqa: E402
from dashboard.kpis.registry import KPIS  # noqa: E402
from dashboard.kpis.suppression import PRESETS  # noqa: E402
from tests.kpis.attacks import run_attacks  # noqa: E402

POLICY = {
    "intl_share_master": "23%",
    "intl_share_phd": "42%",
    "nationalities_count": "> 122",
    "intl_share_staff": "25%",
    "intl_share_academic_staff": "39%",
}


def build_demo(folder: Path) -> Path:
    from click.testing import CliRunner

    from etl.cli import main

    database = folder / "demo.duckdb"
    result = CliRunner().invoke(
        main, ["demo", "--output", str(folder / "files"), "--database", str(database)]
    )
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return database


def attacks(cursor: duckdb.DuckDBPyConnection, all_pairs: bool) -> None:
    answers: dict = {}
    print("Exact recoveries of a count of 1-4 on the demo university:")
    for name in PRESETS:
        started = time.perf_counter()
        found = run_attacks(
            cursor, QueryContext(suppression=name), all_pairs=all_pairs, cache=answers
        )
        by_attack = collections.Counter(recovery.attack for recovery in found)
        claim = "protects" if PRESETS[name].protects_across_selections else "no claim"
        print(
            f"  {name:<7} ({claim:<8}) {len(found):>6} recoveries "
            f"{dict(sorted(by_attack.items()))}  [{time.perf_counter() - started:.0f} s]"
        )


def movement(cursor: duckdb.DuckDBPyConnection) -> None:
    """Largest change of a share (pp) that round5 makes, university and faculty level."""
    protected = QueryContext(suppression="round5")
    truth = QueryContext(suppression="none")
    worst: dict[str, tuple[float, str]] = {}
    for kpi in KPIS:
        if kpi.unit != "percent":
            continue
        for by in (None, "faculty") if "faculty" in kpi.breakdowns else (None,):
            shown = kpi_frame(cursor, kpi.id, FilterState(), by, protected)
            true = kpi_frame(cursor, kpi.id, FilterState(), by, truth)
            merged = shown.merge(true, on=["academic_year", "group"], suffixes=("", "_true"))
            change = (merged["value"] - merged["value_true"]).abs()
            level = "university" if by is None else "faculty"
            if change.notna().any():
                position = change.idxmax()
                row = merged.loc[position]
                label = f"{kpi.id} {int(row['academic_year'])} {row['group']}"
                if change.max() > worst.get(level, (-1.0, ""))[0]:
                    worst[level] = (float(change.max()), label)
            withheld = merged["value"].isna() & merged["value_true"].notna()
            if withheld.any():
                worst.setdefault(f"{level} withheld rates", (0.0, ""))
                count, _ = worst[f"{level} withheld rates"]
                worst[f"{level} withheld rates"] = (count + int(withheld.sum()), "")
    print("round5 against the true values (percent KPIs, every year):")
    for level, (value, label) in worst.items():
        unit = "" if "withheld" in level else " pp"
        print(f"  {level:<28} {value:.3f}{unit}  {label}")


def policy_figures(cursor: duckdb.DuckDBPyConnection) -> None:
    print("2019-20 policy figures on the demo, round5 (true value):")
    for kpi_id, reference in POLICY.items():
        shown = kpi_frame(cursor, kpi_id, FilterState(2019, 2019), None, QueryContext())
        true = kpi_frame(
            cursor, kpi_id, FilterState(2019, 2019), None, QueryContext(suppression="none")
        )
        value, true_value = float(shown["value"].iloc[0]), float(true["value"].iloc[0])
        print(f"  {kpi_id:<28} {value:8.2f} ({true_value:.2f})   policy: {reference}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=None)
    parser.add_argument("--pairs", choices=("all", "next"), default="all")
    args = parser.parse_args()
    pd.set_option("display.width", 200)
    np.seterr(all="ignore")
    with tempfile.TemporaryDirectory() as folder:
        database = args.database or build_demo(Path(folder))
        connection = duckdb.connect(str(database), read_only=True)
        cursor = connection.cursor()
        policy_figures(cursor)
        movement(cursor)
        attacks(cursor, all_pairs=args.pairs == "all")
        connection.close()


if __name__ == "__main__":
    main()
