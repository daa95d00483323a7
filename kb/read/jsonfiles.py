"""JSON (one object or a list of objects) and JSON Lines (one object per line).

JSON Lines is read a line at a time, so a feed of any size streams; a bad line
is reported with its line number and the lines after it are still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from kb.errors import InputError
from kb.read.decode import SAMPLE_BYTES, decode_bytes, guess_records_encoding
from kb.read.fields import record_to_document
from kb.records import RawDocument


def read_json(path: str, data: bytes) -> Iterator[RawDocument | InputError]:
    if not data.strip():
        yield InputError(path, "empty")
        return
    text = decode_bytes(data)
    if text is None:
        yield InputError(path, "binary file")
        return
    value, problem = _load(text, with_line=True)
    if problem is not None:
        yield InputError(path, problem)
        return
    if isinstance(value, dict):
        yield record_to_document(value, origin=path, path=path)
    elif isinstance(value, list):
        if not value:
            yield InputError(path, "empty")
        for index, item in enumerate(value):
            origin = f"{path}[{index}]"
            if isinstance(item, dict):
                yield record_to_document(item, origin=origin, path=path)
            else:
                yield InputError(origin, "not a JSON object")
    else:
        yield InputError(path, "expected a JSON object or a list of objects")


def _load(text: str, *, with_line: bool) -> tuple[Any, str | None]:
    """The parsed value, or why the text is not JSON Python can load."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        where = f" at line {error.lineno}" if with_line else ""
        return None, f"invalid JSON: {error.msg}{where}"
    except (ValueError, RecursionError) as error:
        return None, _beyond_limits(error)


def _beyond_limits(error: ValueError | RecursionError) -> str:
    """Valid JSON that Python will not load: nested past the recursion limit, or an integer
    of more digits than int() takes."""
    if isinstance(error, RecursionError):
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {str(error).split(';')[0]}"


def _decode_line(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")  # the common case, without detection
    except UnicodeDecodeError:
        return decode_bytes(raw)


def read_jsonl(path: str, lines: Iterable[bytes]) -> Iterator[RawDocument | InputError]:
    seen_content = False
    for number, raw in enumerate(lines, 1):
        text = _decode_line(raw) if raw.strip() else ""
        if text is not None and not text.strip():  # blank, or a byte order mark alone
            continue
        seen_content = True
        origin = f"{path}:{number}"
        if text is None:
            yield InputError(origin, "binary data")
            continue
        value, problem = _load(text, with_line=False)
        if problem is not None:
            yield InputError(origin, problem)
            continue
        if isinstance(value, dict):
            yield record_to_document(value, origin=origin, path=path)
        else:
            yield InputError(origin, "not a JSON object")
    if not seen_content:
        yield InputError(path, "empty")


def read_jsonl_file(path: str, stream: BinaryIO) -> Iterator[RawDocument | InputError]:
    """A .jsonl file; a binary file is one error, not one per "line" of it."""
    head = stream.read(SAMPLE_BYTES)
    if head.strip() and guess_records_encoding(head) is None:
        yield InputError(path, "binary file")
        return
    stream.seek(0)
    yield from read_jsonl(path, stream)
