"""Read stage: paths (files, folders, globs, "-") to RawDocument records.

The reader is chosen by file extension. Nothing here raises for bad input:
every file or record that cannot be read becomes an InputError carrying its
origin and a reason, in place, and reading goes on with the next one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from kb.errors import InputError
from kb.read.csvfiles import read_csv
from kb.read.decode import storable
from kb.read.html import read_html
from kb.read.jsonfiles import read_json, read_jsonl_file
from kb.read.paths import STDIN, describe_os_error, expand_paths
from kb.read.stdin import read_stdin
from kb.read.text import read_text
from kb.records import RawDocument

__all__ = ["iter_documents"]

Reader = Callable[[str, bytes], Iterator[RawDocument | InputError]]

WHOLE_FILE_READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
}
LINE_FORMATS = frozenset({".jsonl", ".ndjson"})


def _read_unknown(path: str, data: bytes) -> Iterator[RawDocument | InputError]:
    extension = os.path.splitext(path)[1] or "(none)"
    yield from read_text(path, data, binary_reason=f"not a text file (extension {extension})")


def _read_file(path: str, text_column: str | None) -> Iterator[RawDocument | InputError]:
    extension = os.path.splitext(path)[1].lower()
    with open(path, "rb") as stream:
        if extension in LINE_FORMATS:
            yield from read_jsonl_file(path, stream)
        elif extension == ".csv":
            yield from read_csv(path, stream, text_column=text_column)
        else:
            reader = WHOLE_FILE_READERS.get(extension, _read_unknown)
            yield from reader(path, stream.read())


def _guarded(
    origin: str, items: Iterator[RawDocument | InputError]
) -> Iterator[RawDocument | InputError]:
    """`items`, with a failure to read turned into a final InputError for `origin`."""
    try:
        yield from items
    except OSError as error:
        yield InputError(origin, describe_os_error(error))
    except Exception as error:  # a parser's bug on odd input must not end the run
        yield InputError(origin, f"could not read ({type(error).__name__}: {error})")


def iter_documents(
    paths: Iterable[str], *, text_column: str | None = None, stdin: BinaryIO | None = None
) -> Iterator[RawDocument | InputError]:
    """Every document under `paths`, in order, with an InputError in place of each bad
    file or record. `text_column` names the CSV text column; `stdin` replaces sys.stdin."""
    for target in expand_paths(paths):
        if isinstance(target, InputError):
            yield _storable(target)
        elif target == STDIN:
            yield from map(_storable, _guarded(STDIN, read_stdin(stdin or sys.stdin.buffer)))
        else:
            yield from map(_storable, _guarded(target, _read_file(target, text_column)))


_STRING_FIELDS = ("text", "origin", "path", "title", "url", "source")


def _storable(item: RawDocument | InputError) -> RawDocument | InputError:
    """`item` with every string as a database can store it (see kb.read.decode.storable)."""
    if isinstance(item, InputError):
        origin = storable(item.origin)
        return item if origin == item.origin else InputError(origin, storable(item.reason))
    changed = {
        name: fixed
        for name in _STRING_FIELDS
        if isinstance(value := getattr(item, name), str) and (fixed := storable(value)) != value
    }
    return item.model_copy(update=changed) if changed else item
