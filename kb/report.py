"""The one output writer: rows -> aligned table, CSV, JSON or JSON Lines.

Every command that prints rows goes through `write_rows` (or `write_batches`, the same
writer fed the rows a fetched batch at a time), so the formats behave the same
everywhere: CSV and JSON Lines are written row by row and JSON as a streamed array, so
exports of millions of rows use constant memory; CSV cells that a spreadsheet would
run as a formula are neutralized; the table is aligned by display width (CJK counts
double) and free of control characters that could drive a terminal.

`export_to_file` joins this writer to the read-only store for `kb export`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import chain, islice
from json.encoder import encode_basestring
from typing import Any, Literal, TextIO, get_args

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kb.errors import UsageError

OutputFormat = Literal["table", "csv", "json", "jsonl"]
ExportFormat = Literal["csv", "json", "jsonl"]
OUTPUT_FORMATS: tuple[str, ...] = get_args(OutputFormat)
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)

TABLE_BUFFER_ROWS = 1000
UTF8_BOM = "\ufeff"

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return hide such a start from a quick look.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
# The csv module writes these as safe_cell would (None as an empty cell), text aside.
_CSV_PLAIN_TYPES = frozenset({str, int, float, type(None)})
_TEXT_OR_NONE = frozenset({str, type(None)})
_NONE = type(None)
_NONE_ONLY = frozenset({_NONE})
_INT_ONLY = frozenset({int})
_FLOAT_ONLY = frozenset({float})
CSV_LINE_END = "\r\n"
# Joins a column's text to look for formulas in one pass. A value that contains it can
# only cause a false alarm (the slow path), never hide a formula.
_CELL_SEPARATOR = "\0"
_FORMULA_AFTER_SEPARATOR = re.compile(
    re.escape(_CELL_SEPARATOR) + "[" + re.escape("".join(FORMULA_PREFIXES)) + "]"
)


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as data, never runs as a formula.

    Text starting with = + - @ tab or CR gets a leading apostrophe (Excel and
    LibreOffice hide it and show the text). Numbers stay numbers, so -2 is still
    -2; only the text "-2" becomes "'-2". Dates become ISO text, None an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def json_value(value: Any) -> Any:
    """A value json.dumps can write: dates as ISO text, Decimal as a number, bytes as
    hex; NaN and infinities (not JSON) as null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if value is None or isinstance(value, str | int | list | dict):
        return value
    return str(value)


def write_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: OutputFormat,
    out: TextIO,
    *,
    bom: bool = False,
    title: str | None = None,
) -> int:
    """Write `rows` under `columns` to `out` in `fmt`; return how many rows were written.

    csv, json and jsonl stream (open files with newline="" for csv). `bom` starts
    csv/jsonl/json output with a UTF-8 byte order mark, which Excel needs to read
    UTF-8. `title` is shown above a table and ignored by the data formats.
    """
    if fmt not in OUTPUT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(OUTPUT_FORMATS)}")
    if fmt == "table":
        return _write_table(columns, rows, out, title)
    # Row by row: output of a slow query or generator appears as its rows come.
    return write_batches(columns, ([row] for row in rows), fmt, out, bom=bom)


def write_batches(
    columns: Sequence[str],
    batches: Iterable[Sequence[Sequence[Any]]],
    fmt: ExportFormat,
    out: TextIO,
    *,
    bom: bool = False,
) -> int:
    """`write_rows` for csv, json and jsonl, given the rows in lists as a database
    cursor fetches them (ReadOnlyResult.batches): `kb export` writes a million rows a
    batch, not a row, at a time."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    if bom:
        out.write(UTF8_BOM)
    if fmt == "csv":
        return _write_csv(columns, batches, out)
    rows = chain.from_iterable(batches)
    if fmt == "jsonl":
        return _write_jsonl(columns, rows, out)
    return _write_json(columns, rows, out)


def truncation_note(shown: int) -> str:
    """The stderr line for output cut at the row limit (`kb sql`, `kb export`)."""
    return f"note: output cut at {shown} rows; raise the row limit to see more"


def safe_csv_rows(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """`rows` as the csv module should write them: safe_cell applied to every cell.

    Checked a column at a time: a column that the csv module already writes as
    safe_cell would (see _plain_column) is left alone, and when every column is, the
    rows come back as they are. That is nearly every column of every export, and the
    check runs at C speed, where a Python call per cell would cost as much as writing
    the CSV. Other columns go through safe_cell cell by cell.
    """
    try:
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    except ValueError:  # rows of different lengths: no columns to check
        return [[safe_cell(value) for value in row] for row in rows]
    unsafe = [i for i, column in enumerate(columns) if not _plain_column(column)]
    if not unsafe:
        return rows
    for i in unsafe:
        columns[i] = list(map(safe_cell, columns[i]))
    return list(zip(*columns, strict=True))


def _plain_column(column: Sequence[Any]) -> bool:
    """True when `column` holds only str, int, float and None (which the csv module
    writes as safe_cell would) and none of its text starts like a formula."""
    try:
        text = _CELL_SEPARATOR.join(column)  # all text: the common case
    except TypeError:
        kinds = set(map(type, column))
        if not kinds <= _CSV_PLAIN_TYPES:
            return False
        if str not in kinds:
            return True
        text = _CELL_SEPARATOR.join(
            filter(None, column)  # None and "" are safe; filter drops them at C speed
            if kinds <= _TEXT_OR_NONE
            else [value for value in column if type(value) is str]
        )
    return not _starts_formula(text)


def csv_text(rows: Sequence[Sequence[Any]]) -> str:
    """The CSV text the csv module writes for `safe_csv_rows(rows)`, built a column at a
    time: the csv module spends ~0.2 µs on every cell, as much as fetching it, while here
    a text column that needs neither a guard nor quotes is used as it is, numbers are
    formatted by one map() per column and each line is one join. Columns of other types,
    rows of different lengths and single columns (where csv quotes an empty line) go
    through the csv module itself."""
    cells = _csv_cells(rows)
    if cells is None:
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator=CSV_LINE_END).writerows(safe_csv_rows(rows))
        return out.getvalue()
    return CSV_LINE_END.join(map(",".join, zip(*cells, strict=True))) + CSV_LINE_END


def _csv_cells(rows: Sequence[Sequence[Any]]) -> list[Sequence[str]] | None:
    """Each column of `rows` as its CSV cells, or None when the csv module must write them.

    The columns are slices of the rows laid end to end: half the time of zip(*rows),
    which steps one iterator per row for every column."""
    width = len(rows[0]) if rows else 0
    if width < 2:  # csv writes an empty line even for no rows, quotes a lone ""
        return None
    if len(set(map(len, rows))) != 1:
        return None
    flat = list(chain.from_iterable(rows))
    cells = []
    for i in range(width):
        rendered = _csv_column(flat[i::width])
        if rendered is None:
            return None
        cells.append(rendered)
    return cells


def _csv_column(column: Sequence[Any]) -> Sequence[str] | None:
    try:
        text = _CELL_SEPARATOR.join(column)  # all text: the common case
    except TypeError:
        kinds = set(map(type, column))
        if not kinds <= _CSV_PLAIN_TYPES:
            return None
        # Numbers are never a formula, never quoted. repr() writes exact ints and floats
        # as str() and the csv module do, at half the cost of str(), a type call.
        if kinds == _INT_ONLY or kinds == _FLOAT_ONLY:
            return list(map(repr, column))
        if kinds == _NONE_ONLY:
            return [""] * len(column)
        if kinds == _TEXT_OR_NONE:  # text with gaps, the next most common
            text = _CELL_SEPARATOR.join(filter(None, column))
            if _starts_formula(text):
                column = [safe_cell(value) for value in column]
                text = _CELL_SEPARATOR.join(column)
            else:
                column = ["" if value is None else value for value in column]
            return _csv_quoted(column, text)
        if str not in kinds:  # numbers and None
            return ["" if value is None else str(value) for value in column]
        column = [safe_cell(v) if type(v) is str else _number_cell(v) for v in column]
        text = _CELL_SEPARATOR.join(column)
        return _csv_quoted(column, text)
    if _starts_formula(text):
        column = list(map(safe_cell, column))
        text = _CELL_SEPARATOR.join(column)
    return _csv_quoted(column, text)


def _starts_formula(text: str) -> bool:
    """Whether a cell of text joined by _CELL_SEPARATOR starts like a formula (or a
    false alarm from a separator inside a value).

    The regex search runs only on text that holds a formula character at all: it stops
    at every separator, while `in` looks for one character at memchr speed, so most
    columns (names, types, labels) are cleared by six `in` tests."""
    if text.startswith(FORMULA_PREFIXES):
        return True
    if not any(map(text.__contains__, FORMULA_PREFIXES)):
        return False
    return _FORMULA_AFTER_SEPARATOR.search(text) is not None


def _csv_quoted(column: Sequence[str], text: str) -> Sequence[str]:
    """`column`'s cells quoted where csv quotes them (a cell holding the delimiter, the
    quote or a line break); `text` holds them all, joined. Four `in` tests, not a regex
    search: a character class makes the regex engine step through every character, 100x
    slower over a column than `in`, and 3x slower on one cell."""
    if not ("," in text or '"' in text or "\n" in text or "\r" in text):
        return column
    return [
        '"' + cell.replace('"', '""') + '"'
        if ("," in cell or '"' in cell or "\n" in cell or "\r" in cell)
        else cell
        for cell in column
    ]


def _number_cell(value: Any) -> str:
    return "" if value is None else str(value)


def _write_csv(
    columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]], out: TextIO
) -> int:
    csv.writer(out, lineterminator=CSV_LINE_END).writerow([safe_cell(name) for name in columns])
    count = 0
    for batch in batches:
        out.write(csv_text(batch))
        count += len(batch)
    return count


def _json_keys(columns: Sequence[str]) -> list[str]:
    """Column names as object keys; a repeated name (SELECT 1 AS a, 2 AS a) gets a
    suffix so that no value is lost."""
    keys: list[str] = []
    seen: set[str] = set()
    for name in columns:
        key, n = name, 1
        while key in seen:
            n += 1
            key = f"{name}_{n}"
        seen.add(key)
        keys.append(key)
    return keys


_encode_json = json.JSONEncoder(ensure_ascii=False, default=str).encode


def _json_scalar(value: Any) -> str:
    """One value as JSON text; str, int and float directly (3x faster than json.dumps of
    a dict per row), everything else through json_value."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if math.isfinite(value) else "null"
    if value is None:
        return "null"
    return _encode_json(json_value(value))


def _json_objects(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    keys = _json_keys(columns)
    if not keys:
        for _ in rows:
            yield "{}"
        return
    prefixes = ["{" + encode_basestring(keys[0]) + ": "]
    prefixes += [", " + encode_basestring(key) + ": " for key in keys[1:]]
    for row in rows:
        yield "".join([p + _json_scalar(v) for p, v in zip(prefixes, row, strict=True)]) + "}"


def _write_jsonl(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    count = 0
    for line in _json_objects(columns, rows):
        out.write(line + "\n")
        count += 1
    return count


def _write_json(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO) -> int:
    count = 0
    out.write("[")
    for line in _json_objects(columns, rows):
        out.write(("\n" if count == 0 else ",\n") + line)
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


# --- table ------------------------------------------------------------------------


def _is_tty(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # 42200000, not 42200000.0 or 4.22e+07
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime | dt.time) else str(value)
    return _CONTROL_CHARS.sub(" ", text)


def _numeric_columns(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[bool]:
    """Right-align a column when every value in it (the buffered ones) is a number."""
    numeric = [True] * len(columns)
    for row in rows:
        for i, value in enumerate(row):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float | Decimal)
            ):
                numeric[i] = False
    return numeric


def _write_table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO, title: str | None
) -> int:
    """Aligned columns. Widths need the rows first, so up to TABLE_BUFFER_ROWS rows are
    held at a time; each further chunk is printed with the widths of the first."""
    if not columns:
        return 0
    iterator = iter(rows)
    chunk = list(islice(iterator, TABLE_BUFFER_ROWS))
    numeric = _numeric_columns(columns, chunk)
    count = 0
    if _is_tty(out):
        console = Console(file=out, highlight=False, soft_wrap=False)
        first = True
        while chunk or first:
            console.print(_rich_table(columns, chunk, numeric, title if first else None, first))
            count += len(chunk)
            first = False
            chunk = list(islice(iterator, TABLE_BUFFER_ROWS))
        return count
    widths = [cell_len(name) for name in columns]
    for row in chunk:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], cell_len(_display(value)))
    if title:
        out.write(title + "\n")
    out.write(_plain_line(columns, widths, [False] * len(columns)) + "\n")
    out.write(_plain_line(["-" * w for w in widths], widths, numeric) + "\n")
    while chunk:
        for row in chunk:
            out.write(_plain_line([_display(v) for v in row], widths, numeric) + "\n")
        count += len(chunk)
        chunk = list(islice(iterator, TABLE_BUFFER_ROWS))
    return count


def _plain_line(cells: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> str:
    parts = []
    for cell, width, align_right in zip(cells, widths, right, strict=True):
        pad = " " * max(0, width - cell_len(cell))
        parts.append(pad + cell if align_right else cell + pad)
    return "  ".join(parts).rstrip()


def _rich_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: Sequence[bool],
    title: str | None,
    show_header: bool,
) -> Table:
    # Text objects, not str: a value like "[bold]" or ":smile:" is data, not markup.
    table = Table(
        title=title,
        box=box.SIMPLE_HEAD,
        header_style="bold cyan",
        show_header=show_header,
        show_edge=False,
    )
    for name, is_numeric in zip(columns, numeric, strict=True):
        table.add_column(Text(name), justify="right" if is_numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(v if isinstance(v, Text) else Text(_display(v)) for v in row))
    return table
