"""README sections generated from the KPI registry and the targets file (``make docs``;
``tests/test_docs.py`` fails when the README is out of date)."""

from __future__ import annotations

from pathlib import Path

from dashboard.kpis.registry import BREAKDOWNS, KPIS, THEMES, UNITS
from dashboard.kpis.status import FAIR_RATIO, NO_CHANGE_TOLERANCE, ON_TRACK_RATIO
from dashboard.kpis.suppression import DEFAULT_PRESET, PRESETS
from dashboard.kpis.targets import FIELDS, read_targets

DEFAULT_TARGETS = Path(__file__).resolve().parents[2] / "data" / "targets.csv"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def kpi_markdown_table() -> str:
    """One table per theme: id, name, definition, numerator / denominator, unit, breakdowns."""
    lines: list[str] = []
    for theme, title in THEMES.items():
        lines += [
            f"**{title}**",
            "",
            "| id | name | definition | numerator / denominator | unit | direction "
            "| breakdowns | policy reference |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for kpi in (k for k in KPIS if k.theme == theme):
            fraction = kpi.numerator + (f" / {kpi.denominator}" if kpi.denominator else "")
            direction = {"up": "higher is better", "down": "lower is better"}.get(
                kpi.direction, "neither"
            )
            lines.append(
                f"| `{kpi.id}` | {_cell(kpi.name)} | {_cell(kpi.definition)} | "
                f"{_cell(fraction)} | {UNITS[kpi.unit]} | {direction} | "
                f"{', '.join(kpi.breakdowns)} | {_cell(kpi.policy_reference)} |"
            )
        lines.append("")
    lines.append("Breakdowns (`--by`, and the dashboard's breakdown charts):")
    lines.append("")
    lines += [f"- `{name}`: {label}" for name, label in BREAKDOWNS.items()]
    lines.append("")
    lines.append(
        "Regions of nationality: a country is EEA when it was in the EU or the EEA on the "
        "year's reference date, 1 October Y (the United Kingdom is EEA in 2019-20, rest of "
        "world from 2020-21; Croatia EEA from 2013-14). The dates come from "
        "`etl/reference/eu_membership.csv` (accession and exit dates with their source "
        "pages: Europa 'EU countries', Wikipedia 'Member state of the European Union', the "
        "EU-UK Withdrawal Agreement, EFTA 'EEA Agreement'), loaded into the "
        "`country_membership` table at every publish; continents and UN regions come from "
        "`country_converter`'s data table."
    )
    lines.append("")
    lines.append("Suppression presets (`INTL_KPI_SUPPRESSION`, `--suppression`):")
    lines.append("")
    lines += [
        f"- `{preset.name}`: {preset.description.removeprefix(preset.name + ': ')}"
        + (" (the default)" if preset.name == DEFAULT_PRESET else "")
        for preset in PRESETS.values()
    ]
    lines.append("")
    lines.append('What each preset guarantees is under "Disclosure control" below.')
    return "\n".join(lines)


def status_rules_markdown() -> list[str]:
    """How a progress status is decided (``dashboard.kpis.status``)."""
    on_track, fair, tolerance = ON_TRACK_RATIO * 100, FAIR_RATIO * 100, NO_CHANGE_TOLERANCE * 100
    return [
        "Progress status (after the Open SDG / Statistics Canada method: compound annual growth "
        "observed since the baseline against the growth still required by the target year):",
        "",
        "- `target achieved`: the value meets the target;",
        f"- `on track`: observed growth at least {on_track:g}% of the required growth;",
        f"- `no change`: observed growth within ±{tolerance:g}% a year (the smallest step of "
        "the Open SDG tables), unless that is enough to be on track — a flat series just "
        "under its target is not a deterioration;",
        f"- `fair progress, acceleration needed`: {fair:g}% to {on_track:g}%; "
        f"`limited progress`: 0 to {fair:g}%; `deterioration`: moving away from the target;",
        "- a floor to maintain (`kind` maintain) is achieved while held and a deterioration "
        "once it falls below where the baseline held it; one not yet reached is measured "
        "like a level to reach;",
        "- past its target year a target reads `achieved by <year>` or `missed by <year>`, "
        "judged on the value of the target year (else the latest before it);",
        "- one method only: the graduate mobility rate is scored on its graduate-based years; "
        "a participation-rate fallback year is neither scored nor a baseline;",
        "- scope: a view is scored only against targets of its own scope (the university "
        "without faculty or programme filter, one faculty, one programme); a narrower view "
        "shows the university's target as an unscored reference line, never for a count "
        "(122 nationalities is no yardstick for one programme).",
    ]


def targets_markdown(path: Path = DEFAULT_TARGETS) -> str:
    """The targets file's columns and the default targets it ships with."""
    lines = [
        "The file is `data/targets.csv` (setting `INTL_KPI_TARGETS`); one row per target, "
        "several per KPI allowed. Columns:",
        "",
    ]
    lines += [f"- `{name}`: {help_text}" for name, help_text in FIELDS]
    lines += [
        "- `label_nl`, `source_nl` (optional): the label and source in Dutch, shown to a reader "
        "who reads the dashboard or the report in Dutch (the English ones when empty)"
    ]
    lines += ["", *status_rules_markdown()]
    lines += [
        "",
        "Default targets:",
        "",
        "| KPI | scope | target | kind | baseline | source |",
        "|---|---|---|---|---|---|",
    ]
    for target in read_targets(path):
        scope = target.scope + (f" {target.scope_value}" if target.scope_value else "")
        baseline = str(target.baseline_year or "") + (
            f" ({target.baseline_value:g})" if target.baseline_value is not None else ""
        )
        lines.append(
            f"| `{target.kpi_id}` | {scope} | {_cell(target.describe())} | {target.kind} | "
            f"{baseline} | {_cell(target.source)} |"
        )
    return "\n".join(lines)
