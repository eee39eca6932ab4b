"""The targets file: the default file reads, a malformed file is refused with an error naming
the entry (line) and the field, and the most specific scope wins in ``targets_for``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard.kpis.registry import REGISTRY
from dashboard.kpis.targets import FIELDS, Target, TargetsError, read_targets, targets_for

REPO = Path(__file__).resolve().parents[2]
HEADER = [name for name, _help in FIELDS]
GOOD = {
    "kpi_id": "intl_share_master",
    "scope": "university",
    "scope_value": "",
    "comparator": ">=",
    "value": "23",
    "kind": "maintain",
    "target_year": "2027",
    "baseline_year": "2019",
    "baseline_value": "23",
    "label": "EPS",
    "source": "Erasmus Policy Statement 2021-27",
}


def write_targets(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_default_targets_file_reads():
    targets = read_targets(REPO / "data" / "targets.csv")
    assert targets, "the default file carries the catalogue's references"
    assert {t.kpi_id for t in targets} <= set(REGISTRY)
    master = [t for t in targets if t.kpi_id == "intl_share_master"]
    assert master[0].comparator == ">=" and master[0].value == 23
    assert all(t.source for t in targets)
    # The bachelor graduate rate carries two targets: EU 2030 and the EHEA 2020 benchmark.
    labels = {t.label for t in targets if t.kpi_id == "outgoing_mobility_rate_bachelor"}
    assert len(labels) == 2


def test_good_file(tmp_path: Path):
    path = write_targets(tmp_path / "t.csv", [GOOD, {**GOOD, "baseline_value": ""}])
    first, second = read_targets(path)
    assert first == Target(
        "intl_share_master", "university", "", ">=", 23.0, "maintain", 2027, 2019, 23.0,
        "EPS", "Erasmus Policy Statement 2021-27",
    )  # fmt: skip
    assert second.baseline_value is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kpi_id": "intl_share_masters"}, "kpi_id"),
        ({"comparator": "=>"}, "comparator"),
        ({"comparator": ">"}, "comparator"),
        ({"value": "23%"}, "value"),
        ({"value": ""}, "value"),
        ({"source": ""}, "source"),
        ({"scope": "faculty", "scope_value": ""}, "scope_value"),
        ({"scope": "programme", "scope_value": ""}, "scope_value"),
        ({"scope": "department", "scope_value": "Law"}, "scope"),
        ({"kind": "keep"}, "kind"),
        ({"target_year": "2030-31x"}, "target_year"),
        ({"baseline_year": "2019-20"}, "baseline_year"),
        ({"baseline_value": "n/a"}, "baseline_value"),
        ({"label": ""}, "label"),
    ],
)
def test_malformed_entry_names_line_and_field(tmp_path: Path, change: dict, field: str):
    # Line 1 is the header, line 2 a good entry, line 3 the bad one.
    path = write_targets(tmp_path / "targets.csv", [GOOD, {**GOOD, **change}])
    with pytest.raises(TargetsError) as error:
        read_targets(path)
    message = str(error.value)
    assert "targets.csv" in message
    assert re.search(r"\bline 3\b", message), message
    assert f"'{field}'" in message, message


def test_missing_column_is_named(tmp_path: Path):
    header = [name for name in HEADER if name != "source"]
    path = write_targets(tmp_path / "targets.csv", [GOOD], header=header)
    with pytest.raises(TargetsError, match="missing column.*source"):
        read_targets(path)


def test_missing_file(tmp_path: Path):
    with pytest.raises(TargetsError, match="not found"):
        read_targets(tmp_path / "nothing.csv")


def test_blank_lines_are_skipped(tmp_path: Path):
    path = write_targets(tmp_path / "t.csv", [GOOD, dict.fromkeys(HEADER, ""), GOOD])
    assert len(read_targets(path)) == 2


def make(scope: str, scope_value: str = "", kpi_id: str = "intl_share_master", value=23.0):
    return Target(kpi_id, scope, scope_value, ">=", value, "reach", 2030, 2020, None, scope,
                  "a test")  # fmt: skip


def test_targets_for_scope_own_scope_only():
    # Issue 11, point 7 changed this test (it checked a fallback to the faculty's, then the
    # university's target): a view is scored only against targets of its own scope.
    university = make("university")
    eu = make("university", value=30.0)
    law = make("faculty", "Law", value=40.0)
    m1 = make("programme", "M1", value=50.0)
    other_kpi = make("programme", "M1", kpi_id="intl_share_phd")
    targets = [university, eu, law, m1, other_kpi]
    # One programme with its own target: the programme's.
    assert targets_for(targets, "intl_share_master", ("Law",), ("M1",)) == [m1]
    # A programme without one: none (not its faculty's, not the university's).
    assert targets_for(targets, "intl_share_master", ("Law",), ("M2",)) == []
    assert targets_for(targets, "intl_share_master", ("Science",), ("M2",)) == []
    # One faculty: its own.
    assert targets_for(targets, "intl_share_master", ("Law",)) == [law]
    assert targets_for(targets, "intl_share_master", ("Science",)) == []
    # Several programmes or faculties: no single scope, nothing scored.
    assert targets_for(targets, "intl_share_master", ("Law",), ("M1", "M2")) == []
    assert targets_for(targets, "intl_share_master", ("Law", "Science")) == []
    # Another filter narrowing the KPI (a cycle): no scope either.
    assert targets_for(targets, "intl_share_master", narrowed=True) == []
    assert targets_for(targets, "intl_share_master") == [university, eu]
    # Other KPIs' targets never apply.
    assert targets_for(targets, "intl_share_phd") == []
    assert targets_for(targets, "intl_share_phd", (), ("M1",)) == [other_kpi]
