"""Loading files into the published database: read -> detect format -> convert to canonical
rows -> validate -> replace the affected rows in a new snapshot -> check -> build the KPI
layer's marts (``etl.store.build_marts``) -> publish.

By default a load with any rejected value publishes nothing, writes a rejects report
(``<file>.rejects.csv``) next to each input file and raises :class:`LoadFailed`; with
``allow_rejects`` the valid rows are published and the rejects are recorded in the load
history. A file replaces only what it covers (see ``etl/scope.py``): per entity, the rows of
its academic years and its faculties (or programmes, or the whole university with
``scope="university"``), or of its keys for entities without a year; every other row is
left byte-identical. Before publishing, the change per entity and year is logged, and a
change that drops more than ``Settings.shrink_limit`` percent of a year's headcount is
refused unless ``allow_shrink`` is given. Each published version is kept
(``Settings.versions_kept``) for ``intl-kpi history`` and ``intl-kpi rollback``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.cells import neutralise_frame
from etl.checks import run_checks
from etl.entities import ENTITIES, Entity
from etl.formats import UnknownFormat, detect_format
from etl.formats.base import Conversion, LoadOptions
from etl.progress import progress
from etl.readers import SUPPORTED_SUFFIXES, ReadError, read_table
from etl.report import REJECT_COLUMNS, FileReport
from etl.schema import SCHEMA_VERSION
from etl.scope import CHANGE_COLUMNS, DEFAULT_SCOPE, change, counts, describe, replace_rows, shrinks
from etl.settings import Settings
from etl.store import MARTS, build_marts, load_lock, new_snapshot, snapshot_versions
from etl.validate import Validated, ValidationContext, empty_rejects, to_database_frame, validate

REPORT_SUFFIX = ".rejects.csv"

logger = logging.getLogger(__name__)


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
    # Rows and headcount before -> after per entity, year and group (etl.scope.CHANGE_COLUMNS)
    changes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CHANGE_COLUMNS))


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
    logger.debug(
        "%s: format %s, %d row(s), sha256 %s",
        path.name,
        report.format,
        report.rows_read,
        report.sha256,
    )
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
    connection: duckdb.DuckDBPyConnection,
    settings: Settings,
    loaded_at: dt.datetime,
    demo: bool,
    kept_versions: list[int] = (),  # type: ignore[assignment]
) -> int:
    meta = dict(connection.execute("select key, value from meta").fetchall())
    # After a rollback the published version is older than the kept ones: a version number
    # is never given to two different contents (the dashboard caches per version).
    version = max([int(meta.get("data_version", 0)), *kept_versions]) + 1
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
    scope: str = DEFAULT_SCOPE,
    allow_shrink: bool = False,
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
        prepared = []
        with progress("Reading", len(files), "file(s)") as step:
            for path in files:
                step.working_on(path.name)
                prepared.append(_prepare(path, options, format_name))
                step.advance(item=path.name)
        with new_snapshot(
            database, fresh=fresh, keep_versions=settings.versions_kept
        ) as connection:
            context = _context_from(connection)
            validated: dict[str, list[tuple[_PreparedFile, Validated]]] = {}
            reject_parts = [item.file_rejects for item in prepared if not item.file_rejects.empty]
            work = [
                (entity, item)
                for entity in ENTITIES
                for item in prepared
                if entity.name in item.conversion.frames
            ]
            with progress("Validating", len(work), "file part(s)") as step:
                for entity, item in work:
                    frame = item.conversion.frames[entity.name]
                    step.working_on(f"{item.path.name}: {entity.name}")
                    result = validate(entity, frame, item.path.name, context)
                    step.advance(item=f"{item.path.name}: {entity.name}")
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
            written = [entity for entity in ENTITIES if validated.get(entity.name)]
            change_parts = []
            with progress("Writing", len(written), "table(s)") as step:
                for entity in written:
                    step.working_on(entity.name)
                    parts = [to_database_frame(v) for _, v in validated[entity.name]]
                    parts = [part for part in parts if not part.empty]
                    if parts:
                        incoming = pd.concat(parts, ignore_index=True)
                        change_parts.append(
                            _replace_and_compare(connection, entity, incoming, load_id, scope)
                        )
                        result.entity_rows[entity.name] = len(incoming)
                    step.advance(item=entity.name)
            if change_parts:
                result.changes = pd.concat(change_parts, ignore_index=True)
            _log_changes(result.changes, fresh)
            refused = shrinks(result.changes, settings.shrink_limit)
            if not refused.empty and not allow_shrink:
                raise LoadFailed(_shrink_message(refused, settings.shrink_limit), result)
            _record_history(connection, load_id, loaded_at, prepared, rejects)
            result.data_version = _write_meta(
                connection, settings, loaded_at, demo, snapshot_versions(database)
            )
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
            # The KPI layer's populations, joined and grouped once here instead of on every
            # dashboard query (etl/sql/marts/).
            with progress("Building marts", len(MARTS), "table(s)") as step:
                build_marts(connection)
                step.advance(len(MARTS))
            logger.info("Publishing data version %s", result.data_version)
        result.published = True
        return result


def _replace_and_compare(
    connection: duckdb.DuckDBPyConnection,
    entity: Entity,
    incoming: pd.DataFrame,
    load_id: int,
    scope: str,
) -> pd.DataFrame:
    """Replace what ``incoming`` covers; return rows and headcount before -> after."""
    years = None
    if entity.year_column is not None:
        years = sorted(int(year) for year in incoming[entity.year_column].dropna().unique())
    before = counts(connection, entity, years)
    connection.register("incoming", incoming)
    try:
        replace_rows(connection, entity, "incoming", load_id, scope)
    finally:
        connection.unregister("incoming")
    return change(entity, before, counts(connection, entity, years))


def _log_changes(changes: pd.DataFrame, fresh: bool) -> None:
    """The change per entity and year, logged before publishing (a new database: debug)."""
    if changes.empty:
        return
    level = logging.DEBUG if fresh else logging.INFO
    if fresh:
        logger.info("New database: %d entity-year(s) written (-v lists them).", len(changes))
    logger.log(level, "Change per table and year (rows, headcount before -> after):")
    for row in changes.itertuples():
        logger.log(level, "  %s", describe(row))


def _shrink_message(refused: pd.DataFrame, limit: float) -> str:
    lines = [f"  - {describe(row)}" for row in refused.itertuples()]
    return (
        f"the load drops more than {limit:g}% of a year's headcount; nothing was published:\n"
        + "\n".join(lines)
        + "\nCheck that the files are complete (a file replaces the years and faculties it "
        "covers, see --scope), or use --allow-shrink if the drop is right."
    )


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
