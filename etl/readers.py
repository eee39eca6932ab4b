"""Reading input files into :class:`RawTable`: every cell as text, every row numbered.

CSV files are decoded as UTF-8 (with or without BOM), then cp1252, then Latin-1; the
delimiter (``,`` ``;`` tab ``|``) is detected from the header line. Excel workbooks are read
with pandas' calamine engine (first sheet, or every sheet whose name is an entity), Parquet
with pyarrow. Nothing is cast here: validation does that and reports what it rejects.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from etl.formats.base import ROW, RawTable, normalise_header

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet")
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = (",", ";", "\t", "|")


class ReadError(ValueError):
    """A file that cannot be read as a table at all."""


def decode(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was decoded with (first of ``ENCODINGS`` that works)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), ("utf-8" if encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any byte string")  # pragma: no cover


def detect_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most fields."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > 0 else ","


def _finish(path: Path, headers: list[str], frame: pd.DataFrame, **info: str | None) -> RawTable:
    """Name columns by normalised header, blank out missing cells, number the rows."""
    headers = [str(header).replace("\ufeff", "").strip() for header in headers]
    normalised = [normalise_header(header) for header in headers]
    # A trailing delimiter makes an unnamed empty column: drop it if it is empty.
    keep = [
        index
        for index, name in enumerate(normalised)
        if name or frame.iloc[:, index].astype(str).str.strip().ne("").any()
    ]
    frame = frame.iloc[:, keep].copy()
    headers = [headers[index] for index in keep]
    normalised = [normalised[index] or f"column_{index + 1}" for index in keep]
    duplicates = sorted({name for name in normalised if normalised.count(name) > 1})
    if duplicates:
        raise ReadError(f"{path.name}: the header repeats column(s) {', '.join(duplicates)}")
    frame.columns = normalised
    for column in normalised:
        frame[column] = frame[column].fillna("").astype(str).str.strip()
    return RawTable(path=path, headers=headers, frame=frame, **info)


def _read_csv_exactly(path: Path, text: str, delimiter: str) -> tuple[list[str], list, list]:
    """Row-by-row reading with the csv module: exact line numbers even when a quoted cell
    holds a line break. Used when the fast path cannot map records to lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ReadError(
            f"{path.name}: not a readable {delimiter!r}-separated file: {error}"
        ) from error
    headers = rows[0]
    width = len(headers)
    records, line_numbers = [], []
    line = 2
    for row in rows[1:]:
        line_span = 1 + sum(cell.count("\n") for cell in row)
        if any(cell.strip() for cell in row):
            if len(row) > width and not any(cell.strip() for cell in row[width:]):
                row = row[:width]
            if len(row) > width:
                raise ReadError(
                    f"{path.name}, row {line}: {len(row)} fields where the header has {width}"
                )
            records.append(row + [""] * (width - len(row)))
            line_numbers.append(line)
        line += line_span
    return headers, records, line_numbers


def read_csv(path: Path) -> RawTable:
    """Read a delimited text file; row numbers are line numbers (header = 1)."""
    text, encoding = decode(path.read_bytes())
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise ReadError(f"{path.name}: the file is empty or its first line is blank")
    delimiter = detect_delimiter(first_line)
    physical_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    try:
        # pandas' C parser is ~10x faster than the csv module on large exports.
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            header=None,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        frame = None
    if frame is not None and len(frame) == physical_lines:
        headers = list(frame.iloc[0])
        body = frame.iloc[1:].reset_index(drop=True)
        body.columns = range(body.shape[1])
        line_numbers = pd.Series(range(2, len(body) + 2), dtype="int64")
        filled = body.apply(lambda column: column.fillna("").str.strip().ne("")).any(axis=1)
        body = body[filled].reset_index(drop=True)
        line_numbers = line_numbers[filled.to_numpy()].reset_index(drop=True)
    else:
        headers, records, numbers = _read_csv_exactly(path, text, delimiter)
        body = pd.DataFrame(records, columns=range(len(headers)), dtype=object)
        line_numbers = pd.Series(numbers, dtype="int64")
    table = _finish(path, headers, body, encoding=encoding, delimiter=delimiter)
    table.frame[ROW] = line_numbers.to_numpy()
    return table


def _cell_text(value: object) -> str:
    """Excel/Parquet cell as text: whole floats without '.0', dates as ISO."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def read_excel(path: Path, sheet: str | int = 0) -> RawTable:
    """Read one sheet of a workbook; row numbers are spreadsheet row numbers."""
    try:
        frame = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine")
    except Exception as error:  # calamine raises several types for damaged files
        raise ReadError(f"{path.name}: not a readable Excel workbook: {error}") from error
    frame = frame.dropna(how="all")
    if frame.empty:
        raise ReadError(f"{path.name}: the sheet is empty")
    header_index = frame.index[0]
    headers = [_cell_text(value) for value in frame.loc[header_index]]
    body = frame.drop(index=header_index)
    rows = body.index + 1  # pandas index is 0-based sheet row
    body = body.map(_cell_text).reset_index(drop=True)
    table = _finish(path, headers, body, sheet=str(sheet))
    table.frame[ROW] = pd.Series(rows, dtype="int64").to_numpy()
    return table


def read_parquet(path: Path) -> RawTable:
    """Read a Parquet file; row numbers count data rows from 2 (as if a header were row 1)."""
    try:
        frame = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several types for damaged files
        raise ReadError(f"{path.name}: not a readable Parquet file: {error}") from error
    headers = [str(column) for column in frame.columns]
    text = pd.DataFrame(
        {
            index: (
                frame[column].astype("string").fillna("").astype(str)
                if frame[column].dtype.kind in "OUSbiu" or str(frame[column].dtype) == "string"
                else frame[column].map(_cell_text)
            )
            for index, column in enumerate(frame.columns)
        }
    )
    table = _finish(path, headers, text)
    table.frame[ROW] = range(2, len(frame) + 2)
    return table


def read_table(path: Path) -> RawTable:
    """Read any supported file into a :class:`RawTable`."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return read_excel(path)
    if suffix == ".parquet":
        return read_parquet(path)
    raise ReadError(
        f"{path.name}: unsupported file type {suffix or '(none)'}; "
        f"expected one of {', '.join(SUPPORTED_SUFFIXES)}"
    )
