"""Bytes to text: UTF-8 first, then a detected encoding, and never an exception.

News files arrive in UTF-8 (with or without a BOM), UTF-16 from Windows tools,
and legacy code pages. Text that cannot be decoded exactly is decoded with
replacement characters rather than lost; only what is not text at all (NUL
bytes, control-character soup) is refused, as binary.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

SAMPLE_BYTES = 64 * 1024
# UTF-32 LE starts with the UTF-16 LE mark, so it is tested first.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")
_MAX_CONTROL_SHARE = 0.05
# On short Western text every Latin code page looks equally plausible to the
# detector; Windows-1252 is by far the most common of them (browsers read
# "latin-1" as it too), so it wins any near tie.
_PREFERRED_LEGACY = "cp1252"
_NEAR_TIE = 0.1
# What no database column takes: NUL (PostgreSQL refuses it) and lone surrogates (nothing
# can encode them), from JSON escapes ("\u0000", "\ud800") or undecodable file names.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _mostly_controls(sample: bytes) -> bool:
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * len(sample)


def _mostly_utf8(sample: bytes) -> bool:
    """UTF-8 with a few stray bytes (a bad paste, a cut-off file) is still UTF-8:
    legacy encodings almost never form valid multi-byte sequences by chance."""
    decoded = sample.decode("utf-8", errors="replace")
    invalid = decoded.count("\ufffd")
    return sum(1 for char in decoded if char > "\x7f") - invalid > invalid


def _detected_encoding(sample: bytes) -> str | None:
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return None if _mostly_controls(sample) else "utf-8"
    near_ties = (match for match in matches if match.chaos <= best.chaos + _NEAR_TIE)
    if any(_PREFERRED_LEGACY in match.could_be_from_charset for match in near_ties):
        return _PREFERRED_LEGACY
    return best.encoding


def guess_encoding(sample: bytes) -> str | None:
    """The encoding to read a file with, judged from its first bytes; None if it is binary."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if sample.startswith(mark):
            return encoding
    if b"\x00" in sample:
        return None
    try:
        # Not final: the sample may end in the middle of a character.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "utf-8" if _mostly_utf8(sample) else _detected_encoding(sample)
    return "utf-8"


def guess_records_encoding(sample: bytes) -> str | None:
    """Like guess_encoding, for files of records (JSON Lines, CSV): a stray NUL byte spoils
    one record, which is reported alone, so only control-character soup is binary."""
    encoding = guess_encoding(sample)
    if encoding is not None or _mostly_controls(sample):
        return encoding
    guessed = guess_encoding(sample.replace(b"\x00", b""))
    # A byte order mark that only appears once the NULs are gone is no mark.
    return "utf-8" if guessed is None or guessed.startswith(("utf-16", "utf-32")) else guessed


def decode_bytes(data: bytes) -> str | None:
    """`data` as text, or None if it is binary."""
    encoding = guess_encoding(data)
    return None if encoding is None else data.decode(encoding, errors="replace")


def storable(value: str) -> str:
    """`value` as every store can hold it. An undecodable byte of a file name (which Python
    keeps as a surrogate) becomes a visible `\\xff` escape; other lone surrogates and NUL
    characters become U+FFFD, as undecodable bytes do in text."""
    if not _UNSTORABLE.search(value):
        return value
    value = _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m[0]) - 0xDC00:02x}", value)
    return _UNSTORABLE.sub("\ufffd", value)
