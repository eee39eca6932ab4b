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

from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, current_language, localise_number_text
from dashboard.kpis.registry import REGISTRY

FIELDS = (
    ("kpi_id", "a KPI id from the registry"),
    ("scope", "university (the default when empty or the column is absent), faculty or programme"),
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
# Texts a file may give in another language too, as ``<field>_<language>`` columns
# (``label_nl``, ``source_nl``): shown in that language, the field itself otherwise.
TRANSLATED_FIELDS = ("label", "source")
TRANSLATED_COLUMNS = tuple(
    f"{field}_{language}"
    for field in TRANSLATED_FIELDS
    for language in LANGUAGES
    if language != DEFAULT_LANGUAGE
)
# Columns a file may leave out: every target is then the university's.
OPTIONAL_FIELDS = ("scope", "scope_value", *TRANSLATED_COLUMNS)
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
    # (``label_nl``, text) pairs from the optional translated columns.
    translations: tuple[tuple[str, str], ...] = ()

    def text(self, field: str) -> str:
        """``label`` or ``source`` in the current language (the field when the file gives
        no translation)."""
        wanted = f"{field}_{current_language()}"
        for column, text in self.translations:
            if column == wanted and text:
                return text
        return getattr(self, field)

    def describe(self) -> str:
        """``'≥ 23 (Erasmus Policy Statement 2021-27)'`` style text."""
        number = localise_number_text(f"{self.value:g}")
        when = (
            ""
            if self.kind == "maintain"
            else " "
            + _("by {year}").format(year=f"{self.target_year}-{(self.target_year + 1) % 100:02d}")
        )
        symbol = {">=": "≥", "<=": "≤"}[self.comparator]
        return f"{symbol} {number}{when} ({self.text('label')})"

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
        missing = [
            name for name, _help in FIELDS if name not in header and name not in OPTIONAL_FIELDS
        ]
        if missing:
            raise TargetsError(f"{path}: missing column(s) {', '.join(missing)}")
        targets = []
        for line, row in enumerate(reader, start=2):
            row = {key.strip(): (value or "").strip() for key, value in row.items() if key}
            if not any(row.values()):
                continue
            row = {"scope_value": "", **row, "scope": row.get("scope") or "university"}
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
        translations=tuple(
            (column, row[column]) for column in TRANSLATED_COLUMNS if row.get(column)
        ),
    )


def view_scope(
    faculties: tuple[str, ...] = (),
    programmes: tuple[str, ...] = (),
    *,
    narrowed: bool = False,
) -> tuple[str, str] | None:
    """The (scope, scope_value) a view is scored at: ``("university", "")`` without a
    faculty or programme filter, ``("faculty", name)`` for exactly one faculty,
    ``("programme", code)`` for exactly one programme (whatever faculty is also chosen), and
    ``None`` for any other subset — several units, or another filter that narrows the KPI
    (``narrowed``: a cycle filter, say). Pass only the filters the KPI honours."""
    if narrowed:
        return None
    if programmes:
        return ("programme", programmes[0]) if len(programmes) == 1 else None
    if faculties:
        return ("faculty", faculties[0]) if len(faculties) == 1 else None
    return ("university", "")


@dataclass(frozen=True)
class ScopedTargets:
    """The targets of a view: ``scored`` are its own scope's (status is computed against
    them); ``reference`` are the university's, shown unscored on a narrower view (a
    reference line), never for a count (122 nationalities is no yardstick for one
    programme)."""

    scored: list[Target]
    reference: list[Target]


def scoped_targets(
    targets: list[Target],
    kpi_id: str,
    faculties: tuple[str, ...] = (),
    programmes: tuple[str, ...] = (),
    *,
    narrowed: bool = False,
) -> ScopedTargets:
    """Targets of a KPI for a view (see :func:`view_scope`): a view is scored only against
    targets of its own scope; no target of another scope ever stands in for it."""
    own = [t for t in targets if t.kpi_id == kpi_id]
    scope = view_scope(faculties, programmes, narrowed=narrowed)
    scored = [t for t in own if scope is not None and (t.scope, t.scope_value) == scope]
    if scope == ("university", ""):
        return ScopedTargets(scored, [])
    is_count = REGISTRY[kpi_id].unit_spec.is_count
    reference = [] if is_count else [t for t in own if t.scope == "university"]
    return ScopedTargets(scored, reference)


def targets_for(
    targets: list[Target],
    kpi_id: str,
    faculties: tuple[str, ...] = (),
    programmes: tuple[str, ...] = (),
    *,
    narrowed: bool = False,
) -> list[Target]:
    """The targets a view is scored against: those of its own scope only (one programme,
    one faculty, or the university without either filter)."""
    return scoped_targets(targets, kpi_id, faculties, programmes, narrowed=narrowed).scored
