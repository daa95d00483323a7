"""Standard input ("-"): JSON Lines when its first line is a JSON object, else one text.

Piping a feed (`cat feed.jsonl | kb ingest -`) streams it record by record,
like a .jsonl file; anything else piped in is one plain-text document.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from itertools import chain
from typing import BinaryIO

from kb.errors import InputError
from kb.read.jsonfiles import read_jsonl
from kb.read.paths import STDIN
from kb.read.text import read_text
from kb.records import RawDocument


def _content(line: bytes) -> bytes:
    return line.removeprefix(codecs.BOM_UTF8).strip()


def _is_json_object(line: bytes) -> bool:
    line = _content(line)
    if not line.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:  # also UnicodeDecodeError
        return False


def read_stdin(stream: BinaryIO) -> Iterator[RawDocument | InputError]:
    lines = iter(stream)
    head: list[bytes] = []
    for line in lines:
        head.append(line)
        if _content(line):
            break
    if head and _is_json_object(head[-1]):
        yield from read_jsonl(STDIN, chain(head, lines))
    else:
        yield from read_text(STDIN, b"".join(chain(head, lines)))
