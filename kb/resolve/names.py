"""Pure name handling: identity keys, surface cleanup, titles before names.

No spaCy here: these functions work on plain strings so that the store, the
query layer and the resolver agree on one normalization.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from kb.resolve.titles import (
    PERSONAL_HONORIFICS,
    STATUS_MODIFIERS,
    TITLE_PHRASES,
    TITLE_WORDS,
)
from kb.textnorm import strip_accents

# Trailing words that name the legal form, not the organization ("Acme Corp." = "Acme").
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    {
        "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited",
        "llc", "llp", "lp", "plc", "ag", "gmbh", "kgaa", "kg", "se", "sa", "sas", "sarl",
        "spa", "srl", "nv", "bv", "ab", "asa", "as", "oy", "oyj", "kk", "pte", "pty", "bhd",
        "group", "holdings", "holding", "sdn", "tbk",
    }
)  # fmt: skip

# Acronyms and words that NER labels as names but that name no one.
GENERIC_TERMS: frozenset[str] = frozenset(
    {
        "ai", "ev", "evs", "iot", "aiot", "5g", "4g", "3g", "6g", "r&d", "ip", "it", "app",
        "apps", "api", "ui", "ux", "vr", "ar", "xr", "pc", "pcs", "tv", "suv", "suvs", "led",
        "oled", "gps", "usb", "sim", "dna", "faq", "pr", "hr", "gdp", "ipo", "esg", "b2b",
        "saas", "cpu", "gpu", "npu", "soc", "os", "llm", "llms", "nft", "ceo", "cfo", "cto",
        "coo", "vp", "yoy", "qoq", "q1", "q2", "q3", "q4", "h1", "h2", "fy", "covid",
        "covid-19", "internet", "web", "cloud", "smartphone", "smartphones",
    }
)  # fmt: skip

MONTHS_AND_DAYS: frozenset[str] = frozenset(
    {
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
        "jul", "aug", "sep", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tomorrow",
    }
)  # fmt: skip

# Abbreviations whose final period belongs to the word.
ABBREVIATIONS: frozenset[str] = frozenset(
    {"jr", "sr", "st", "mt", "ft", "dr", "mr", "mrs", "ms", "prof", "no", "vs"} | LEGAL_SUFFIXES
)

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"',
        "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
        "\u00a0": " ",
    }
)  # fmt: skip
_POSSESSIVE = re.compile(r"(?:'s|s')$|(?<=s)'$", re.IGNORECASE)
_SURROUNDING_QUOTES = "\"'`"
_TRAILING_PUNCT = ",;:!?)]}"
_KEY_PUNCT = re.compile(r"[\"'`()\[\]{},;:!?*]")
_NON_DIGIT_PERIOD = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SPACES = re.compile(r"\s+")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def _single_spaces(text: str) -> str:
    """Each run of whitespace as one space. (A printable text has no whitespace but the
    space: without two in a row there is nothing to do, and the regex is skipped.)"""
    if "  " not in text and text.isprintable():
        return text
    return _SPACES.sub(" ", text)


def _straight_quotes(text: str) -> str:
    """`text` with straight quotes, hyphens and spaces (`str.translate` is slow, and ASCII
    text has nothing to translate)."""
    return text if text.isascii() else text.translate(_QUOTES)


@lru_cache(maxsize=65536)
def simple_fold(text: str) -> str:
    """Casefolded, accent-free, straight-quoted text with single spaces, punctuation kept
    ("Acme Co., Ltd." -> "acme co., ltd."): for comparing words and phrases. Lookup keys,
    which drop punctuation and possessives, are `kb.textnorm.fold`."""
    text = strip_accents(_straight_quotes(text))
    return _single_spaces(text).strip().casefold()


@lru_cache(maxsize=65536)
def clean_surface(text: str) -> str:
    """The name as written, minus quotes, possessive and sentence punctuation.

    >>> clean_surface("Jane Doe\u2019s")
    'Jane Doe'
    >>> clean_surface("Acme Co., Ltd.")
    'Acme Co., Ltd.'
    """
    text = _single_spaces(text.replace("\u00a0", " ")).strip()
    while True:
        before = text
        text = text.strip(_SURROUNDING_QUOTES + "\u2018\u2019\u201c\u201d").strip()
        text = text.rstrip(_TRAILING_PUNCT).strip()
        text = _strip_possessive(text)
        text = _strip_final_period(text)
        if text == before:
            return text


def _strip_possessive(text: str) -> str:
    straight = _straight_quotes(text)
    match = _POSSESSIVE.search(straight)
    if match and match.start() > 0:
        return text[: match.start()].rstrip()
    return text


def _strip_final_period(text: str) -> str:
    if not text.endswith("."):
        return text
    last = text.rsplit(" ", 1)[-1].rstrip(".")
    is_initial = len(last) == 1 and last.isalpha()
    if "." in last or is_initial or last.casefold().strip(",") in ABBREVIATIONS:
        return text
    return text[:-1].rstrip()


def name_tokens(text: str) -> list[str]:
    """Words of a name for comparison: folded, split on spaces and hyphens."""
    return list(_name_tokens(text))


@lru_cache(maxsize=65536)
def _name_tokens(text: str) -> tuple[str, ...]:
    folded = _KEY_PUNCT.sub(" ", simple_fold(_strip_possessive(text.strip())))
    folded = _NON_DIGIT_PERIOD.sub("", folded).replace("-", " ").replace("&", " & ")
    return tuple(folded.split())


def strip_legal_suffixes(tokens: Sequence[str]) -> list[str]:
    """Drop trailing legal-form words, keeping at least one word."""
    kept = list(tokens)
    while len(kept) > 1 and kept[-1] in LEGAL_SUFFIXES:
        kept.pop()
    return kept


@lru_cache(maxsize=65536)
def normalize_key(name: str, label: str) -> str:
    """The corpus-wide identity of a name with this NER label.

    Case, accents, quotes, possessives, periods and a leading "the" never
    matter; for non-persons neither do legal suffixes ("Acme Group" = "Acme").
    A two-word name is order-independent ("Wei Zhang" = "Zhang Wei"), so a
    Chinese name written in either order, or tagged ORG once, is one entity.
    """
    tokens = name_tokens(name)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    if label != "PERSON":
        tokens = strip_legal_suffixes(tokens)
    if len(tokens) == 2 and all(t.isalpha() for t in tokens):
        tokens = sorted(tokens)
    return " ".join(tokens)


def core_tokens(name: str) -> list[str]:
    """Name words without a leading article or legal suffixes: what "complete" counts."""
    return list(_core_tokens(name))


@lru_cache(maxsize=65536)
def _core_tokens(name: str) -> tuple[str, ...]:
    tokens = name_tokens(name)
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return tuple(strip_legal_suffixes(tokens))


def title_length_at(words: Sequence[str], start: int) -> int:
    """How many words starting at `start` form a title phrase (0 when none)."""
    for size in range(min(4, len(words) - start), 0, -1):
        phrase = " ".join(simple_fold(w) for w in words[start : start + size])
        if phrase in TITLE_PHRASES or (size == 1 and phrase in TITLE_WORDS):
            return size
    return 0


def split_title_words(words: Sequence[str]) -> int:
    """Index of the first name word after a leading descriptor (0 when none).

    The descriptor is everything up to the last title word that is followed by
    at least one more word: "Acme founder Jane Doe", "former CEO Jane Doe",
    "Acme's CEO Jane Doe", "Dr. Jane Doe".
    """
    name_start = 0
    i = 0
    while i < len(words) - 1:
        size = title_length_at(words, i)
        if not size and simple_fold(words[i]).rstrip(".") in PERSONAL_HONORIFICS:
            size = 1
        if size and i + size < len(words):
            name_start = i + size
            i += size
            continue
        i += 1
    while name_start < len(words) and simple_fold(words[name_start]) in {"and", "&", ",", "of"}:
        name_start += 1
    return name_start if name_start < len(words) else 0


def split_title(text: str) -> tuple[str | None, str]:
    """Split a leading title or descriptor from a name.

    >>> split_title("Acme CEO Jane Doe")
    ('Acme CEO', 'Jane Doe')
    >>> split_title("Jane Doe")
    (None, 'Jane Doe')
    """
    words = text.split()
    start = split_title_words(words)
    if not start:
        return None, text.strip()
    return " ".join(words[:start]), " ".join(words[start:])


@lru_cache(maxsize=65536)
def normalize_title(text: str) -> str:
    """A canonical title: "chief executive officer" -> "CEO", "ex-chairwoman" -> "Chairman"."""
    words = [w for w in re.split(r"[\s]+", _straight_quotes(text).strip()) if w]
    words = [w.rstrip(".,") for w in words if w.rstrip(".,")]
    while words and _is_status_word(words[0]):
        words = words[1:]
    if words and "-" in words[0] and simple_fold(words[0].split("-", 1)[0]) in STATUS_MODIFIERS:
        words[0] = words[0].split("-", 1)[1]
    phrase = " ".join(simple_fold(w) for w in words)
    for size in range(len(words), 0, -1):
        tail = " ".join(simple_fold(w) for w in words[-size:])
        canonical = TITLE_PHRASES.get(tail) or (TITLE_WORDS.get(tail) if size == 1 else None)
        if canonical and size == len(words):
            return canonical
        if canonical:
            head = " ".join(w[:1].upper() + w[1:] for w in words[:-size])
            return f"{head} {canonical}"
    return " ".join(w[:1].upper() + w[1:] for w in phrase.split()) if phrase else ""


def _is_status_word(word: str) -> bool:
    return simple_fold(word).rstrip("-") in STATUS_MODIFIERS


_CAMEL_ACRONYM = re.compile(r"[a-z][A-Z]{2,}")
_ROMAN_NUMERAL = re.compile(r"^[IVXLC]+$")


@lru_cache(maxsize=65536)
def is_person_shaped(text: str) -> bool:
    """Could this be a person's name? Not with digits, acronyms or "HyperOS"-like words."""
    for word in text.split():
        core = word.strip(".,'’\"-")
        if not core:
            continue
        if any(ch.isdigit() for ch in core) or _CAMEL_ACRONYM.search(core):
            return False
        if core.isupper() and len(core) > 1 and "." not in core and not _ROMAN_NUMERAL.match(core):
            return False
    return True


@lru_cache(maxsize=65536)
def is_plausible_name(text: str, label: str) -> bool:
    """False for strings NER tags as names that cannot be one (titles, dates, junk)."""
    text = text.strip()
    if not text or not _HAS_LETTER.search(text) or "\n" in text:
        return False
    folded = simple_fold(text)
    tokens = folded.split()
    if folded in GENERIC_TERMS or folded in TITLE_WORDS or folded in TITLE_PHRASES:
        return False
    if all(t.strip(".,") in LEGAL_SUFFIXES or t == "the" for t in tokens):
        return False
    if all(t.strip(".,") in MONTHS_AND_DAYS or t.strip(".,").isdigit() for t in tokens):
        return False
    if len(tokens) > 8 or len(folded) < 2:
        return False
    if label == "PRODUCT":
        return any(ch.isupper() or ch.isdigit() for ch in text)
    if not any(ch.isupper() for ch in text):
        return False
    if label == "PERSON":
        return not any(ch.isdigit() for ch in text) and len(folded.replace(".", "")) > 1
    return True
