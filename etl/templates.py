"""Empty input templates and the documentation of every input entity's columns, both
generated from ``etl/entities.py`` (the README's input section comes from here too)."""

from __future__ import annotations

import csv
from pathlib import Path

from etl.entities import ENTITIES, Column, Entity

KIND_TEXT = {
    "text": "text",
    "code": "code",
    "year": "academic year (2019 or 2019-20)",
    "int": "whole number >= 0",
    "decimal": "number >= 0",
    "bool": "yes/no",
    "date": "date (YYYY-MM-DD)",
    "country": "country (ISO code or English/Dutch name)",
    "nationality": "country, or empty/unknown/stateless",
    "choice": "one of the listed values",
    "erasmus_code": "Erasmus code (e.g. D  KONSTAN01)",
}


def _describe(column: Column) -> str:
    text = column.help
    if column.kind == "choice":
        text += f" Values: {', '.join(f'`{c}`' for c in column.choices)}."
    if column.aliases:
        text += f" Also accepted as header: {', '.join(f'`{a}`' for a in column.aliases)}."
    return text


def entity_markdown(entity: Entity, heading: str = "###") -> str:
    """A Markdown section documenting one entity's columns."""
    lines = [
        f"{heading} `{entity.name}` — {entity.title}",
        "",
        entity.description,
        "",
        "| column | required | kind | meaning |",
        "|---|---|---|---|",
    ]
    for column in entity.columns:
        required = "yes" if column.required else ""
        lines.append(
            f"| `{column.name}` | {required} | {KIND_TEXT[column.kind]} | {_describe(column)} |"
        )
    if entity.year_column:
        partition = "".join(f" and {c}" for c in entity.replace_partition)
        lines += [
            "",
            f"Re-loading replaces the rows of the same `{entity.year_column}`{partition}.",
        ]
    else:
        lines += ["", f"Re-loading replaces the rows with the same `{'`, `'.join(entity.key)}`."]
    return "\n".join(lines)


def entities_markdown(heading: str = "###") -> str:
    return "\n\n".join(entity_markdown(entity, heading) for entity in ENTITIES)


def write_templates(folder: Path) -> list[Path]:
    """An empty CSV (header only) per entity, and COLUMNS.md documenting every column."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for entity in ENTITIES:
        path = folder / f"{entity.name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerow(entity.column_names)
        written.append(path)
    columns = folder / "COLUMNS.md"
    columns.write_text(
        "# Input templates\n\nOne CSV per entity (also accepted: XLSX, Parquet; `,` `;` or tab;"
        " UTF-8, Latin-1 or cp1252). Name each file after its entity (`enrolments_2024.csv`)"
        " or keep the header. Load them with `intl-kpi load FOLDER`.\n\n"
        + entities_markdown("##")
        + "\n",
        encoding="utf-8",
    )
    written.append(columns)
    return written
