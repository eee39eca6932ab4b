"""The canonical formats: one per input entity, exactly the columns of ``etl/entities.py``
(headers matched case- and spacing-insensitively, with the documented aliases)."""

from __future__ import annotations

from dataclasses import dataclass

from etl.entities import Entity
from etl.formats.base import ROW, Conversion, LoadOptions, RawTable, normalise_header
from etl.validate import match_columns


@dataclass(frozen=True)
class CanonicalFormat:
    """The university's own export of one entity, in the documented template layout."""

    entity: Entity

    @property
    def name(self) -> str:
        return self.entity.name

    @property
    def title(self) -> str:
        return f"{self.entity.title} (template layout)"

    def missing_headers(self, table: RawTable) -> list[str]:
        mapping, _ = match_columns(self.entity, list(table.frame.columns))
        found = set(mapping.values())
        required = [column.name for column in self.entity.columns if column.required]
        return [name for name in required if name not in found]

    def has_signature(self, table: RawTable) -> bool:
        mapping, _ = match_columns(self.entity, list(table.frame.columns))
        return set(self.entity.signature) <= set(mapping.values())

    def matches_file_name(self, table: RawTable) -> bool:
        stem = normalise_header(table.path.stem)
        return stem == self.entity.name or stem.startswith(self.entity.name + "_")

    def convert(self, table: RawTable, options: LoadOptions) -> Conversion:
        mapping, ignored = match_columns(self.entity, list(table.frame.columns))
        frame = table.frame[[*mapping, ROW]].rename(columns=mapping)
        notes = [f"ignored column(s) not in the template: {', '.join(ignored)}"] if ignored else []
        return Conversion(frames={self.entity.name: frame}, notes=notes)
