"""Policy targets as data: the targets file the board's office edits.

One row per target (several per KPI are fine: the policy statement's figure and the EU 2030
benchmark, say), each with its scope (university, a faculty, or a programme), comparator,
value in the KPI's unit, kind (``maintain``: a floor to hold; ``reach``: a level to reach by
the target year), target year, baseline year and optional baseline value (empty: the
observed value of the baseline year), a short label and the source sentence.

A malformed file raises :class:`TargetsError` naming the file, the entry (line) and the field.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from dashboard.kpis.registry import REGISTRY

FIELDS = (
    ("kpi_id", "a KPI id from the registry"),
    ("scope", "university, faculty or programme"),
    ("scope_value", "the faculty name or programme code (empty for university)"),
    ("comparator", ">= (at least) or <= (at most)"),
    ("value", "the target value in the KPI's unit (percent as 23, not 0.23)"),
    ("kind", "maintain (a floor or ceiling to hold) or reach (by the target year)"),
    ("target_year", "academic year the target is for, e.g. 2030"),
    ("baseline_year", "academic year progress is measured from"),
    ("baseline_value", "value in the baseline year (empty: the observed value)"),
    ("label", "short name shown on charts, e.g. 'EU 2030'"),
    ("source", "the sentence and document the target comes from"),
)
SCOPES = ("university", "faculty", "programme")
COMPARATORS = (">=", "<=")
KINDS = ("maintain", "reach")


class TargetsError(ValueError):
    """A targets file that cannot be used, with the entry and field at fault."""


@dataclass(frozen=True)
class Target:
    kpi_id: str
    scope: str
    scope_value: str
    comparator: str
    value: float
    kind: str
    target_year: int
    baseline_year: int | None
    baseline_value: float | None
    label: str
    source: str

    def describe(self) -> str:
        """``'≥ 23 (Erasmus Policy Statement 2021-27)'`` style text."""
        number = f"{self.value:g}"
        when = (
            ""
            if self.kind == "maintain"
            else f" by {self.target_year}-{(self.target_year + 1) % 100:02d}"
        )
        symbol = {">=": "≥", "<=": "≤"}[self.comparator]
        return f"{symbol} {number}{when} ({self.label})"

    def met_by(self, value: float) -> bool:
        return value >= self.value if self.comparator == ">=" else value <= self.value


def _number(text: str, path: Path, line: int, field: str, *, integer: bool = False):
    try:
        return int(text) if integer else float(text)
    except ValueError:
        kind = "a whole number (a year)" if integer else "a number"
        raise TargetsError(
            f"{path}, entry on line {line}, field {field!r}: expected {kind}, got {text!r}"
        ) from None


def read_targets(path: Path | str) -> list[Target]:
    """Every target in the file; raises :class:`TargetsError` on the first bad field."""
    path = Path(path)
    if not path.exists():
        raise TargetsError(f"{path}: targets file not found")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name, _help in FIELDS if name not in header]
        if missing:
            raise TargetsError(f"{path}: missing column(s) {', '.join(missing)}")
        targets = []
        for line, row in enumerate(reader, start=2):
            row = {key.strip(): (value or "").strip() for key, value in row.items() if key}
            if not any(row.values()):
                continue
            targets.append(_target(row, path, line))
    return targets


def _target(row: dict[str, str], path: Path, line: int) -> Target:
    def fail(field: str, expected: str) -> TargetsError:
        return TargetsError(
            f"{path}, entry on line {line} ({row.get('kpi_id') or 'no kpi_id'}), field "
            f"{field!r}: expected {expected}, got {row.get(field, '')!r}"
        )

    if row["kpi_id"] not in REGISTRY:
        raise fail("kpi_id", "a KPI id from the registry")
    if row["scope"] not in SCOPES:
        raise fail("scope", " or ".join(SCOPES))
    if row["scope"] != "university" and not row["scope_value"]:
        raise fail("scope_value", f"the {row['scope']} this target is for")
    if row["comparator"] not in COMPARATORS:
        raise fail("comparator", " or ".join(COMPARATORS))
    if row["kind"] not in KINDS:
        raise fail("kind", " or ".join(KINDS))
    if not row["value"]:
        raise fail("value", "a number")
    if not row["target_year"]:
        raise fail("target_year", "a year")
    if not row["label"]:
        raise fail("label", "a short label")
    if not row["source"]:
        raise fail("source", "the source sentence")
    baseline_year = (
        _number(row["baseline_year"], path, line, "baseline_year", integer=True)
        if row["baseline_year"]
        else None
    )
    return Target(
        kpi_id=row["kpi_id"],
        scope=row["scope"],
        scope_value=row["scope_value"] if row["scope"] != "university" else "",
        comparator=row["comparator"],
        value=_number(row["value"], path, line, "value"),
        kind=row["kind"],
        target_year=_number(row["target_year"], path, line, "target_year", integer=True),
        baseline_year=baseline_year,
        baseline_value=(
            _number(row["baseline_value"], path, line, "baseline_value")
            if row["baseline_value"]
            else None
        ),
        label=row["label"],
        source=row["source"],
    )


def targets_for(
    targets: list[Target],
    kpi_id: str,
    faculties: tuple[str, ...] = (),
    programmes: tuple[str, ...] = (),
) -> list[Target]:
    """The targets that apply to a KPI for a selection: the most specific scope that has
    any (one programme, else one faculty, else the university)."""
    own = [t for t in targets if t.kpi_id == kpi_id]
    if len(programmes) == 1:
        chosen = [t for t in own if t.scope == "programme" and t.scope_value == programmes[0]]
        if chosen:
            return chosen
    if len(faculties) == 1:
        chosen = [t for t in own if t.scope == "faculty" and t.scope_value == faculties[0]]
        if chosen:
            return chosen
    return [t for t in own if t.scope == "university"]
