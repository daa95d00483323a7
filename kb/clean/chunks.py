"""Splitting long texts for spaCy, which refuses texts over `nlp.max_length`.

Pieces are cut at the last paragraph break that fits, else the last sentence
end, else the last space, else anywhere; each piece keeps its offset so that
character offsets found in it map back into the whole text.
"""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’)\]]*\s+")
_SPACE = re.compile(r"\s+")


def _last_end(pattern: re.Pattern[str], window: str) -> int:
    """Where the last match of `pattern` in `window` ends, 0 if none."""
    end = 0
    for match in pattern.finditer(window):
        end = match.end()
    return end


def _cut(window: str) -> int:
    """How much of `window` (the text at most one piece long) the next piece takes."""
    paragraph = window.rfind("\n\n")
    if paragraph > 0:
        return paragraph + 2
    return _last_end(_SENTENCE_END, window) or _last_end(_SPACE, window) or len(window)


def split_for_nlp(text: str, max_chars: int) -> list[tuple[int, str]]:
    """(offset, piece) pairs, each piece at most `max_chars` long, with
    `text[offset:offset + len(piece)] == piece`; pieces that are only whitespace are left out."""
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    pieces: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        window = text[start : start + max_chars]
        size = len(window) if start + max_chars >= len(text) else _cut(window)
        piece = text[start : start + size]
        if piece.strip():
            pieces.append((start, piece))
        start += size
    return pieces
