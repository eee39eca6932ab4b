"""Loading files into the published database: read -> detect format -> convert to canonical
rows -> validate -> replace the affected rows in a new snapshot -> check -> publish.

By default a load with any rejected value publishes nothing, writes a rejects report
(``<file>.rejects.csv``) next to each input file and raises :class:`LoadFailed`; with
``allow_rejects`` the valid rows are published and the rejects are recorded in the load
history. Re-loading a corrected file replaces, per entity, the rows of the academic years
(or keys) the file holds instead of adding to them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.cells import neutralise_frame
from etl.checks import run_checks
from etl.entities import ENTITIES, Entity
from etl.formats import UnknownFormat, detect_format
from etl.formats.base import Conversion, LoadOptions
from etl.readers import SUPPORTED_SUFFIXES, ReadError, read_table
from etl.report import REJECT_COLUMNS, FileReport
from etl.schema import SCHEMA_VERSION
from etl.settings import Settings
from etl.store import load_lock, new_snapshot
from etl.validate import Validated, ValidationContext, empty_rejects, to_database_frame, validate

REPORT_SUFFIX = ".rejects.csv"


class LoadFailed(RuntimeError):
    """Nothing was published; ``result`` says why (rejects, failed checks)."""

    def __init__(self, message: str, result: LoadResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class LoadResult:
    """What a load did, file by file."""

    files: list[FileReport]
    rejects: pd.DataFrame
    published: bool = False
    data_version: int | None = None
    report_paths: list[Path] = field(default_factory=list)
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    entity_rows: dict[str, int] = field(default_factory=dict)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files to load: folders expand to their supported files (not reports, not hidden)."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(
                sorted(
                    child
                    for child in path.iterdir()
                    if child.is_file()
                    and child.suffix.lower() in SUPPORTED_SUFFIXES
                    and not child.name.endswith(REPORT_SUFFIX)
                    and not child.name.startswith((".", "~$"))
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    if not files:
        raise FileNotFoundError(
            "no loadable files (CSV, XLSX, Parquet) in " + ", ".join(map(str, paths))
        )
    return files


@dataclass
class _PreparedFile:
    path: Path
    report: FileReport
    conversion: Conversion
    file_rejects: pd.DataFrame


def _file_level_reject(path: Path, error: Exception) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "file": path.name,
                "row": 1,
                "column": "(file)",
                "value": "",
                "expected": str(error),
                "entity": "",
            }
        ]
    )


def _prepare(path: Path, options: LoadOptions, format_name: str | None) -> _PreparedFile:
    report = FileReport(file=path.name, sha256=sha256_of(path), format="unknown")
    try:
        table = read_table(path)
        file_format = detect_format(table, format_name)
        conversion = file_format.convert(table, options)
    except (ReadError, UnknownFormat) as error:
        return _PreparedFile(path, report, Conversion(), _file_level_reject(path, error))
    report.format = file_format.name
    report.rows_read = len(table.frame)
    report.rows_skipped = dict(conversion.skipped)
    report.notes = list(conversion.notes)
    report.entities = tuple(conversion.frames)
    rejects = pd.DataFrame([vars(reject) for reject in conversion.rejects], columns=REJECT_COLUMNS)
    return _PreparedFile(path, report, conversion, rejects)


def _context_from(connection: duckdb.DuckDBPyConnection) -> ValidationContext:
    programmes = {
        code: (cycle, faculty)
        for code, cycle, faculty in connection.execute(
            "select programme_code, cycle, faculty from programmes"
        ).fetchall()
    }
    networks = frozenset(
        code for (code,) in connection.execute("select network_code from networks").fetchall()
    )
    return ValidationContext(programmes=programmes, networks=networks)


def _replace_rows(
    connection: duckdb.DuckDBPyConnection, entity: Entity, incoming: pd.DataFrame, load_id: int
) -> None:
    """Delete the rows the incoming rows replace, then insert them."""
    connection.register("incoming", incoming)
    try:
        if entity.year_column is not None:
            scope = [entity.year_column, *entity.replace_partition]
        else:
            scope = list(entity.key)
        # Identifiers come from etl/entities.py only; values stay in DuckDB.
        matches = " and ".join(f"{entity.name}.{c} is not distinct from n.{c}" for c in scope)
        connection.execute(
            f"delete from {entity.name} using (select distinct {', '.join(scope)} "
            f"from incoming) as n where {matches}"
        )
        columns = ", ".join(entity.column_names)
        connection.execute(
            f"insert into {entity.name} ({columns}, _load_id) select {columns}, ? from incoming",
            [load_id],
        )
    finally:
        connection.unregister("incoming")


def _write_reports(
    prepared: list[_PreparedFile], rejects: pd.DataFrame, fallback: Path
) -> list[Path]:
    """One ``<file>.rejects.csv`` next to each input file that has rejects, or in
    ``fallback`` (the database's folder) when the input folder is not writable. Text
    cells a spreadsheet would run as formulas are neutralised (etl/cells.py)."""
    paths = []
    for item in prepared:
        file_rejects = neutralise_frame(rejects[rejects["file"] == item.path.name])
        if file_rejects.empty:
            continue
        target = item.path.with_name(item.path.name + REPORT_SUFFIX)
        try:
            file_rejects.to_csv(target, index=False)
        except OSError:
            target = fallback / target.name
            fallback.mkdir(parents=True, exist_ok=True)
            file_rejects.to_csv(target, index=False)
        paths.append(target)
    return paths


def _record_history(
    connection: duckdb.DuckDBPyConnection,
    load_id: int,
    loaded_at: dt.datetime,
    prepared: list[_PreparedFile],
    rejects: pd.DataFrame,
) -> None:
    for item in prepared:
        report = item.report
        skipped = sum(report.rows_skipped.values())
        notes = report.notes + [
            f"skipped {n}: {reason}" for reason, n in report.rows_skipped.items()
        ]
        connection.execute(
            "insert into load_history values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                loaded_at,
                report.file,
                str(item.path.resolve()),
                report.sha256,
                report.format,
                ",".join(report.entities),
                report.rows_read,
                report.rows_accepted,
                report.rows_rejected,
                skipped,
                "; ".join(notes),
                "published_with_rejects" if report.rows_rejected else "published",
            ],
        )
    if not rejects.empty:
        frame = rejects.assign(load_id=load_id)[
            ["load_id", "file", "row", "column", "value", "expected"]
        ]
        connection.register("rejected", frame)
        connection.execute("insert into load_rejects select * from rejected")
        connection.unregister("rejected")


def _write_meta(
    connection: duckdb.DuckDBPyConnection, settings: Settings, loaded_at: dt.datetime, demo: bool
) -> int:
    meta = dict(connection.execute("select key, value from meta").fetchall())
    version = int(meta.get("data_version", 0)) + 1
    values = {
        "data_version": str(version),
        "published_at": loaded_at.isoformat(timespec="seconds"),
        "is_demo": "true" if demo or meta.get("is_demo") == "true" else "false",
        "schema_version": str(SCHEMA_VERSION),
        "home_country": settings.home_country,
        "home_erasmus_code": settings.home_erasmus_code,
    }
    for key, value in values.items():
        connection.execute("insert or replace into meta values (?, ?)", [key, value])
    return version


def load_files(
    paths: list[Path],
    settings: Settings,
    *,
    allow_rejects: bool = False,
    format_name: str | None = None,
    institution: str | None = None,
    demo: bool = False,
    fresh: bool = False,
) -> LoadResult:
    """Load ``paths`` (files or folders) and publish a new snapshot; see the module doc."""
    files = expand_paths(paths)
    options = LoadOptions(
        home_country=settings.home_country,
        home_erasmus_code=settings.home_erasmus_code,
        institution=institution or settings.home_institution or None,
    )
    database = Path(settings.database)
    with load_lock(database, settings.lock_timeout):
        prepared = [_prepare(path, options, format_name) for path in files]
        with new_snapshot(database, fresh=fresh) as connection:
            context = _context_from(connection)
            validated: dict[str, list[tuple[_PreparedFile, Validated]]] = {}
            reject_parts = [item.file_rejects for item in prepared if not item.file_rejects.empty]
            for entity in ENTITIES:
                for item in prepared:
                    frame = item.conversion.frames.get(entity.name)
                    if frame is None:
                        continue
                    result = validate(entity, frame, item.path.name, context)
                    validated.setdefault(entity.name, []).append((item, result))
                    if not result.rejects.empty:
                        reject_parts.append(result.rejects)
                    accepted = result.frame
                    if entity.name == "programmes" and not accepted.empty:
                        context.programmes = {
                            **context.programmes,
                            **{
                                code: (cycle, faculty)
                                for code, cycle, faculty in zip(
                                    accepted["programme_code"],
                                    accepted["cycle"],
                                    accepted["faculty"],
                                    strict=True,
                                )
                            },
                        }
                    if entity.name == "networks" and not accepted.empty:
                        context.networks = context.networks | set(accepted["network_code"])
            rejects = (
                pd.concat(reject_parts, ignore_index=True) if reject_parts else empty_rejects()
            )
            result = _summarise(prepared, validated, rejects)
            if not rejects.empty:
                result.report_paths = _write_reports(prepared, rejects, database.parent)
                if not allow_rejects:
                    raise LoadFailed(_rejects_message(result), result)

            loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            load_id = connection.execute(
                "select coalesce(max(load_id), 0) + 1 from load_history"
            ).fetchall()[0][0]
            for entity in ENTITIES:
                parts = [to_database_frame(v) for _, v in validated.get(entity.name, [])]
                parts = [part for part in parts if not part.empty]
                if parts:
                    incoming = pd.concat(parts, ignore_index=True)
                    _replace_rows(connection, entity, incoming, load_id)
                    result.entity_rows[entity.name] = len(incoming)
            _record_history(connection, load_id, loaded_at, prepared, rejects)
            result.data_version = _write_meta(connection, settings, loaded_at, demo)
            findings = run_checks(connection)
            connection.execute("delete from quality_findings")
            if not findings.empty:
                connection.register("findings", findings)
                connection.execute("insert into quality_findings select * from findings")
                connection.unregister("findings")
            result.findings = findings
            errors = findings[findings["severity"] == "error"]
            if not errors.empty:
                raise LoadFailed(
                    "the loaded data fails checks, nothing was published:\n"
                    + "\n".join(
                        f"  - {row.check_name}: {row.failing_rows} row(s) — {row.description}"
                        for row in errors.itertuples()
                    ),
                    result,
                )
        result.published = True
        return result


def _summarise(
    prepared: list[_PreparedFile],
    validated: dict[str, list[tuple[_PreparedFile, Validated]]],
    rejects: pd.DataFrame,
) -> LoadResult:
    """Per-file counts in source rows: read = accepted + rejected + skipped."""
    for item in prepared:
        report = item.report
        file_rejects = rejects[rejects["file"] == item.path.name]
        skipped = sum(report.rows_skipped.values())
        # A reject on row 1 is about the header or the file itself: no row gets in.
        if (file_rejects["row"] == 1).any():
            report.rows_rejected = report.rows_read - skipped
        else:
            report.rows_rejected = int(file_rejects["row"].nunique())
        report.rows_accepted = report.rows_read - report.rows_rejected - skipped
        for entity_name, results in validated.items():
            for owner, outcome in results:
                if owner is item:
                    report.notes.append(f"{entity_name}: {outcome.rows_accepted} row(s) accepted")
                    report.notes.extend(outcome.notes)
    files = [item.report for item in prepared]
    return LoadResult(files=files, rejects=rejects)


def _rejects_message(result: LoadResult) -> str:
    count = len(result.rejects)
    rows = result.rejects.head(20)
    lines = [
        f"  {row.file}, row {row.row}, column {row.column!r}: {row.value!r} — "
        f"expected {row.expected}"
        for row in rows.itertuples()
    ]
    more = f"\n  ... and {count - len(rows)} more" if count > len(rows) else ""
    reports = ", ".join(str(path) for path in result.report_paths)
    return (
        f"{count} rejected value(s); nothing was published (use --allow-rejects to publish "
        f"the valid rows).\n" + "\n".join(lines) + more + f"\nFull report: {reports}"
    )
