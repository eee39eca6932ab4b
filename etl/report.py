"""What a load reports back: rejected values, and the per-file summary."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class Reject:
    """One rejected value: where it is, what it was, and what was expected instead."""

    file: str
    row: int  # line number in the file (header = 1) or spreadsheet row number
    column: str
    value: str
    expected: str
    entity: str = ""

    def __str__(self) -> str:
        return (
            f"{self.file}, row {self.row}, column {self.column!r}: "
            f"{self.value!r} — expected {self.expected}"
        )


REJECT_COLUMNS = tuple(f.name for f in fields(Reject))


def write_rejects(path: Path, rejects: Iterable[Reject]) -> Path:
    """Write a rejects report as CSV (one row per rejected value)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=REJECT_COLUMNS)
        writer.writeheader()
        for reject in rejects:
            writer.writerow(asdict(reject))
    return path


@dataclass
class FileReport:
    """Summary of one input file in a load."""

    file: str
    sha256: str
    format: str
    entities: tuple[str, ...] = ()
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    # Rows an importer skipped on purpose (other institution, non-HE action, total rows...),
    # counted by reason: reported, never silent.
    rows_skipped: dict[str, int] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
