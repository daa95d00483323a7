"""Plain text, Markdown and files of unknown type: the whole file is one document."""

from __future__ import annotations

from collections.abc import Iterator

from kb.errors import InputError
from kb.read.decode import decode_bytes
from kb.records import RawDocument


def read_text(
    path: str, data: bytes, *, binary_reason: str = "binary file"
) -> Iterator[RawDocument | InputError]:
    if not data.strip():
        yield InputError(path, "empty")
        return
    text = decode_bytes(data)
    if text is None:
        yield InputError(path, binary_reason)
    elif not text.strip():
        yield InputError(path, "empty")
    else:
        yield RawDocument(text=text, origin=path, path=path)
