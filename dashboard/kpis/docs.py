"""README sections generated from the KPI registry and the targets file (``make docs``;
``tests/test_docs.py`` fails when the README is out of date)."""

from __future__ import annotations

from pathlib import Path

from dashboard.kpis.registry import BREAKDOWNS, KPIS, THEMES, UNITS
from dashboard.kpis.suppression import PRESETS
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
    lines.append("Suppression presets (`INTL_KPI_SUPPRESSION`, `--suppression`):")
    lines.append("")
    lines += [f"- `{preset.name}`: {preset.description}" for preset in PRESETS.values()]
    return "\n".join(lines)


def targets_markdown(path: Path = DEFAULT_TARGETS) -> str:
    """The targets file's columns and the default targets it ships with."""
    lines = [
        "The file is `data/targets.csv` (setting `INTL_KPI_TARGETS`); one row per target, "
        "several per KPI allowed. Columns:",
        "",
    ]
    lines += [f"- `{name}`: {help_text}" for name, help_text in FIELDS]
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
