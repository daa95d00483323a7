"""Text folding shared by every stage that compares names: one definition of
'the same name regardless of case, accents, curly quotes and possessives'."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'"})
_POSSESSIVE = re.compile(r"'s?\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")


def strip_accents(text: str) -> str:
    if text.isascii():  # NFKD leaves ASCII as it is, and none of it is a combining mark
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lookup form of a name: 'Zoë O’Neil’s' -> 'zoe o neil'. Used for alias keys and queries."""
    if not text.isascii():  # the quotes to straighten are not ASCII
        text = text.translate(_QUOTES)
    text = strip_accents(text).casefold()
    text = _POSSESSIVE.sub(" ", text)
    return _NON_WORD.sub(" ", text).strip()


def normalize_for_hash(text: str) -> str:
    """Content identity ignores Unicode form and whitespace layout, nothing else.

    Runs of whitespace become one space and the ends are stripped: split() and strip()
    take the characters `\\s` matches (str.isspace), faster than a regex."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(text: str) -> str:
    return sha256_hex(normalize_for_hash(text))


def word_count(text: str) -> int:
    return len(text.split())
