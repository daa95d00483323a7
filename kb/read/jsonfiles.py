"""JSON (one object or a list of objects) and JSON Lines (one object per line).

JSON Lines is read a line at a time, so a feed of any size streams; a bad line
is reported with its line number and the lines after it are still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

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
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        yield InputError(path, f"invalid JSON: {error.msg} at line {error.lineno}")
        return
    except (ValueError, RecursionError) as error:
        yield InputError(path, _beyond_limits(error))
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
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            yield InputError(origin, f"invalid JSON: {error.msg}")
            continue
        except (ValueError, RecursionError) as error:
            yield InputError(origin, _beyond_limits(error))
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
