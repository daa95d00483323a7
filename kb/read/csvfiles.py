"""CSV files: one document per row, text from one column.

The text column is the one the user names, else the first column called like
a text column, else the column whose cells are longest on average (over the
first rows), provided they are long enough to be prose. Rows stream from disk;
news exports have cells of whole articles, so the field size limit is raised.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from itertools import chain, islice
from typing import TYPE_CHECKING, BinaryIO

from kb.errors import InputError
from kb.read.decode import SAMPLE_BYTES, guess_records_encoding
from kb.read.fields import DATE_FIELDS, SOURCE_FIELDS, TITLE_FIELDS, URL_FIELDS, record_to_document
from kb.records import RawDocument

if TYPE_CHECKING:
    from _csv import Reader

TEXT_COLUMNS = ("text", "body", "content", "article")
SAMPLE_ROWS = 100
MIN_AVERAGE_TEXT_CHARS = 30
_METADATA_COLUMNS = (*TITLE_FIELDS, *DATE_FIELDS, *URL_FIELDS, *SOURCE_FIELDS)


def _allow_huge_fields() -> None:
    limit = sys.maxsize
    while True:  # the C long behind the limit is 32 bits on some platforms
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:
            limit //= 2


def _longest_column(rows: list[list[str]], width: int) -> int | None:
    """The column with the longest cells on average, if those look like prose."""
    if not rows:
        return None
    averages = [sum(len(row[i]) for row in rows if i < len(row)) / len(rows) for i in range(width)]
    best = max(range(width), key=averages.__getitem__)
    return best if averages[best] >= MIN_AVERAGE_TEXT_CHARS else None


def _text_column(header: list[str], sample: list[list[str]], requested: str | None) -> int | str:
    """The index of the text column, or the reason there is none."""
    names = [name.strip().lower() for name in header]
    if requested is not None:
        wanted = requested.strip().lower()
        return names.index(wanted) if wanted in names else f"no column named {requested!r}"
    for name in TEXT_COLUMNS:
        if name in names:
            return names.index(name)
    found = _longest_column(sample, len(header))
    if found is None:
        return f"no text column (expected one of {', '.join(TEXT_COLUMNS)})"
    return found


Row = tuple[int, list[str] | csv.Error]


def _numbered_rows(reader: Reader) -> Iterator[Row]:
    """Rows with the line each starts on; a malformed row is yielded as its error."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield start, error
            if reader.line_num < start:  # the reader is stuck: nothing more to read
                return
            continue
        yield start, row


def read_csv(
    path: str, stream: BinaryIO, *, text_column: str | None = None
) -> Iterator[RawDocument | InputError]:
    head = stream.read(SAMPLE_BYTES)
    if not head.strip():
        yield InputError(path, "empty")
        return
    encoding = guess_records_encoding(head)
    if encoding is None:
        yield InputError(path, "binary file")
        return
    stream.seek(0)
    _allow_huge_fields()
    # Closing the wrapper closes `stream` too, which its owner does again harmlessly.
    with io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="") as text:
        yield from _read_rows(path, _numbered_rows(csv.reader(text)), text_column)


def _read_rows(
    path: str, rows: Iterator[Row], text_column: str | None
) -> Iterator[RawDocument | InputError]:
    header = next((row for _, row in rows if isinstance(row, list) and any(row)), None)
    if header is None:
        yield InputError(path, "empty")
        return
    sample = list(islice(rows, SAMPLE_ROWS))
    cells = [row for _, row in sample if not isinstance(row, csv.Error)]
    column = _text_column(header, cells, text_column)
    if isinstance(column, str):
        yield InputError(path, column)
        return
    names = [name.strip().lower() for name in header]
    columns = {name: names.index(name) for name in _METADATA_COLUMNS if name in names}
    columns["text"] = column
    empty = True
    for line, row in chain(sample, rows):
        origin = f"{path}:{line}"
        if isinstance(row, csv.Error):
            empty = False
            yield InputError(origin, f"malformed CSV row: {row}")
        elif any(cell.strip() for cell in row):
            empty = False
            record = {name: row[index] for name, index in columns.items() if index < len(row)}
            yield record_to_document(record, origin=origin, path=path)
    if empty:
        yield InputError(path, "no rows under the header")
