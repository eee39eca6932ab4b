"""Reading input files into :class:`RawTable`: every cell as text, every row numbered.

CSV files are decoded as UTF-8 (with or without BOM), then cp1252, then Latin-1; the
delimiter (``,`` ``;`` tab ``|``) is detected from the header line. Excel workbooks are read
with pandas' calamine engine (first sheet, or every sheet whose name is an entity), Parquet
with pyarrow. Nothing is cast here: validation does that and reports what it rejects.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pa_compute
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from etl.formats.base import ROW, RawTable, normalise_header

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet")
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = (",", ";", "\t", "|")


class ReadError(ValueError):
    """A file that cannot be read as a table at all."""


def _looks_like_another_encoding(data: bytes) -> str | None:
    """Why bytes that are not UTF-8 are not cp1252/Latin-1 text either, or ``None``.

    Latin-1 decodes any byte, so it cannot fail: a file in another encoding would be
    stored as garbled text. Two signs tell such a file from a real cp1252/Latin-1 export:
    control characters (bytes 0x80-0x9F that cp1252 leaves undefined: 0x81, 0x8D, 0x8F,
    0x90, 0x9D), and non-ASCII bytes that come in runs. Western European text has an
    accented letter here and there between ASCII letters ("Düsseldorf", "initiële");
    Shift-JIS, GBK, EUC and other double-byte encodings write every character as two or
    more bytes above 0x80, so nearly all their non-ASCII bytes stand next to another one.
    """
    if b"\x00" in data:
        return "it holds NUL bytes (a binary file, or UTF-16/32 without a byte order mark)"
    undefined = sum(data.count(bytes([byte])) for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
    high = np.frombuffer(data, dtype=np.uint8) >= 0x80
    count = int(high.sum())
    if count < 4 and not undefined:
        return None
    neighbour = np.zeros_like(high)
    neighbour[1:] |= high[:-1]
    neighbour[:-1] |= high[1:]
    paired = int((high & neighbour).sum())
    if undefined or paired > 0.6 * count:
        return (
            f"{count} bytes above 0x7F, {paired} of them in runs"
            + (f", {undefined} undefined in cp1252" if undefined else "")
            + ": it looks like a multi-byte encoding such as Shift-JIS, GBK or EUC"
        )
    return None


def decode(data: bytes, name: str = "file") -> tuple[str, str]:
    """Text and the encoding it was decoded with: UTF-16 with a byte order mark, UTF-8
    (with or without BOM), else cp1252, else Latin-1. Raises :class:`ReadError` for text in
    any other encoding rather than storing it garbled (see ``_looks_like_another_encoding``).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise ReadError(f"{name}: not readable as UTF-16 text: {error}") from error
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as error:
        utf8_error = error
    reason = _looks_like_another_encoding(data)
    if reason is not None:
        raise ReadError(
            f"{name}: the text is not UTF-8, cp1252 or Latin-1 ({reason}; first non-UTF-8 "
            f"byte at offset {utf8_error.start}). Save the file as UTF-8 CSV and load it again."
        )
    for encoding in ENCODINGS[1:]:
        try:
            return data.decode(encoding), encoding
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
        if name or not _is_blank(frame.iloc[:, index]).all()
    ]
    frame = frame.iloc[:, keep].copy()
    headers = [headers[index] for index in keep]
    normalised = [normalised[index] or f"column_{index + 1}" for index in keep]
    duplicates = sorted({name for name in normalised if normalised.count(name) > 1})
    if duplicates:
        raise ReadError(f"{path.name}: the header repeats column(s) {', '.join(duplicates)}")
    frame.columns = normalised
    for column in normalised:
        # Dictionary-encoded columns (the fast CSV path) are stripped and complete already.
        if not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].fillna("").astype(str).str.strip()
    return RawTable(path=path, headers=headers, frame=frame, **info)


def _is_blank(values: pd.Series) -> pd.Series:
    """Cells that are empty once stripped (a categorical column is checked per category)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        blank = np.asarray(values.cat.categories.astype(str).str.strip() == "")
        codes = values.cat.codes.to_numpy()
        return pd.Series(blank[codes] | (codes < 0), index=values.index)
    return values.fillna("").astype(str).str.strip().eq("")


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


@dataclass
class _Scan:
    """What one streaming pass over a file's bytes tells the fast reader."""

    lines: int = 0  # physical lines (a last line without a newline counts)
    quotes: bool = False  # a '"' anywhere: quoted cells may hold line breaks
    lone_cr: bool = False  # a CR not followed by LF (old Mac line ends)
    first_line: bytes = b""


def _scan(path: Path, block_size: int = 1 << 24) -> _Scan:
    scan = _Scan()
    previous = b""
    with path.open("rb") as handle:
        while block := handle.read(block_size):
            if not scan.first_line:
                scan.first_line = block.split(b"\n", 1)[0]
            scan.lines += block.count(b"\n")
            scan.quotes = scan.quotes or b'"' in block
            carriage = block.count(b"\r")
            if carriage or previous == b"\r":
                pairs = block.count(b"\r\n") + (previous == b"\r" and block[:1] == b"\n")
                if block.endswith(b"\r"):
                    carriage -= 1  # decided with the next block's first byte
                if previous == b"\r":
                    carriage += 1
                scan.lone_cr = scan.lone_cr or carriage > pairs
            previous = block[-1:]
    if previous == b"\r":
        scan.lone_cr = True
    if previous not in (b"", b"\n"):
        scan.lines += 1
    return scan


def _read_csv_fast(path: Path) -> RawTable | None:
    """UTF-8 delimited text read by pyarrow's multi-threaded parser straight into
    dictionary-encoded (categorical) columns, without holding the file as Python strings:
    a national export of millions of rows repeats few distinct values per column, so this
    is what keeps a load's memory small. ``None`` when the file needs the exact reader:
    not UTF-8, blank lines or quoted line breaks (row numbers must stay line numbers),
    rows wider than the header, lone CR line ends."""
    scan = _scan(path)
    if scan.lone_cr or not scan.first_line.strip():
        return None
    try:
        header_line = scan.first_line.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        return None
    delimiter = detect_delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter))
    names = [f"f{index}" for index in range(len(headers))]
    try:
        table = pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=scan.quotes, ignore_empty_lines=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None  # not UTF-8, a blank line, a row of another width: the exact reader
    if table.num_rows + 1 != scan.lines:
        return None  # quoted line breaks: rows are no longer lines
    columns: dict[int, pd.Series] = {}
    for index, name in enumerate(names):
        # One column at a time, dropped from the Arrow table once converted.
        column = table[name]
        table = table.drop_columns([name])
        columns[index] = _text_column(column)
        del column
    pa.default_memory_pool().release_unused()
    body = pd.DataFrame(columns)
    line_numbers = np.arange(2, len(body) + 2, dtype="int64")
    blank = np.ones(len(body), dtype=bool)
    for column in body:
        blank &= _is_blank(body[column]).to_numpy()
    if blank.any():
        body = body[~blank].reset_index(drop=True)
        line_numbers = line_numbers[~blank]
    encoding = "utf-8"
    result = _finish(path, headers, body, encoding=encoding, delimiter=delimiter)
    result.frame[ROW] = line_numbers
    return result


def _text_column(values: pa.ChunkedArray) -> pd.Series:
    """An Arrow text column as the pandas column validation reads: stripped, missing as
    ''. Few distinct values (years, codes, countries): categorical. Many (person keys,
    ids): Arrow-backed text; a categorical's index of a million keys costs more than it
    saves."""
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = values.cast(pa.string())
    values = values.combine_chunks().fill_null("")
    encoded = values.dictionary_encode()
    # Whitespace is stripped per distinct value, not per row; only when stripping makes
    # two values one (" DE" and "DE") is the column encoded again.
    stripped = pa_compute.utf8_trim_whitespace(encoded.dictionary)
    if not stripped.equals(encoded.dictionary):
        values = pa_compute.take(stripped, encoded.indices)
        encoded = values.dictionary_encode()
    if len(encoded.dictionary) <= max(len(encoded) // 20, 1000):
        return encoded.to_pandas()
    return values.to_pandas()


def read_csv(path: Path) -> RawTable:
    """Read a delimited text file; row numbers are line numbers (header = 1)."""
    fast = _read_csv_fast(path)
    if fast is not None:
        return fast
    text, encoding = decode(path.read_bytes(), path.name)
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


_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _first_sheet_xml(archive: zipfile.ZipFile) -> str:
    """Path inside an .xlsx of its first worksheet (workbook order, as calamine reads)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = workbook.find(f"{_SHEET_NS}sheets/{_SHEET_NS}sheet")
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for relation in relations:
        if first is not None and relation.get("Id") == first.get(_RELATIONSHIP):
            target = relation.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def uncalculated_formulas(path: Path) -> list[tuple[int, int, str]]:
    """Cells of an .xlsx/.xlsm's first sheet that hold a formula without a cached value:
    (row, 0-based column, formula). Excel stores the last calculated value next to each
    formula; files written by scripts (openpyxl, some exports) often store none, and every
    reader then sees an empty cell."""
    found = []
    try:
        with zipfile.ZipFile(path) as archive, archive.open(_first_sheet_xml(archive)) as sheet:
            for _, element in ElementTree.iterparse(sheet):
                if element.tag != f"{_SHEET_NS}c":
                    continue
                formula = element.find(f"{_SHEET_NS}f")
                value = element.find(f"{_SHEET_NS}v")
                if formula is not None and (value is None or not (value.text or "").strip()):
                    reference = element.get("r", "")
                    letters = re.match(r"[A-Z]+", reference)
                    column = 0
                    for letter in letters.group(0) if letters else "":
                        column = column * 26 + ord(letter) - 64
                    row = int(reference[len(letters.group(0)) :]) if letters else 0
                    found.append((row, column - 1, "=" + (formula.text or "")))
                element.clear()
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return []  # calamine reports a damaged workbook itself
    return found


def _formulas_message(path: Path, frame: pd.DataFrame, formulas: list[tuple[int, int, str]]) -> str:
    """The error for uncalculated formulas, naming row, column (its header) and formula."""
    filled = frame.dropna(how="all")
    header_row = filled.index[0] if not filled.empty else 0

    def header(column: int) -> str:
        name = _cell_text(frame.iat[header_row, column]) if column < frame.shape[1] else ""
        return name or f"column {column + 1}"

    cells = "; ".join(
        f"row {row}, column {header(column)!r}: {formula}" for row, column, formula in formulas[:5]
    )
    more = f" and {len(formulas) - 5} more" if len(formulas) > 5 else ""
    return (
        f"{path.name}: {len(formulas)} cell(s) hold a formula without a calculated value "
        f"({cells}{more}); it would read as empty. Open the workbook in Excel and save it "
        "(or paste the values) before loading."
    )


def read_excel(path: Path, sheet: str | int = 0) -> RawTable:
    """Read one sheet of a workbook; row numbers are spreadsheet row numbers."""
    try:
        frame = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine")
    except Exception as error:  # calamine raises several types for damaged files
        raise ReadError(f"{path.name}: not a readable Excel workbook: {error}") from error
    if sheet == 0 and path.suffix.lower() in (".xlsx", ".xlsm"):
        formulas = uncalculated_formulas(path)
        if formulas:
            raise ReadError(_formulas_message(path, frame, formulas))
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
    """Read a Parquet file; row numbers count data rows from 2 (as if a header were row 1).

    Text, integer and boolean columns go through Arrow as text (categorical when they
    repeat, as for CSV); dates and decimals become text the way Excel cells do."""
    try:
        table = pq.read_table(path)
    except Exception as error:  # pyarrow raises several types for damaged files
        raise ReadError(f"{path.name}: not a readable Parquet file: {error}") from error
    headers = [str(name) for name in table.column_names]
    rows = table.num_rows
    columns: dict[int, pd.Series] = {}
    for index in range(table.num_columns):
        column = table.column(index)
        kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
        if (
            pa.types.is_string(kind)
            or pa.types.is_large_string(kind)
            or pa.types.is_integer(kind)
            or pa.types.is_boolean(kind)
        ):
            columns[index] = _text_column(column)  # booleans as true/false
        else:
            columns[index] = column.to_pandas().map(_cell_text)
    del table
    frame = pd.DataFrame(columns, index=pd.RangeIndex(rows))
    result = _finish(path, headers, frame)
    result.frame[ROW] = range(2, rows + 2)
    return result


def read_table(path: Path) -> RawTable:
    """Read any supported file into a :class:`RawTable` (a header-only file gives an empty
    frame: loading refuses it, see ``etl.formats.detect_format``)."""
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
