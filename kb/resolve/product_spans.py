"""Recover product names that NER misses or mislabels, by the shape of model names.

Brand word(s) + model code or number + edition words ("Galaxy S24 Ultra",
"Note 13 Pro", "iPhone 16 Pro"), "Model Y", a lone model code in a product
context ("the S24", "its X5 and X7 models"), brand + device word ("Pixel
Watch"). Patterns only: no list of product or company names.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from spacy.matcher import Matcher

from kb.doctable import doc_table
from kb.resolve.names import MONTHS_AND_DAYS, simple_fold
from kb.resolve.spans import is_possessive, tokens_at
from kb.resolve.titles import PERSONAL_HONORIFICS, TITLE_WORDS

if TYPE_CHECKING:
    from collections.abc import Container, Iterator

    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab

EDITION_WORDS: frozenset[str] = frozenset(
    {"Pro", "Ultra", "Max", "Plus", "Mini", "mini", "Lite", "Air", "SE", "Neo", "Edge", "Fold",
     "Flip", "Turbo", "Prime", "GT", "XL", "FE", "Gen", "MAX", "PRO", "Note", "S", "X", "R",
     "+", "Classic", "Sport", "Performance"}
)  # fmt: skip
DEVICE_WORDS: frozenset[str] = frozenset(
    {"Watch", "Phone", "Pad", "Tab", "Book", "Buds", "Band", "Pods", "Pencil", "Glasses",
     "Laptop", "Tablet", "Speaker", "Router", "Console", "Drone", "Earbuds", "Ring"}
)  # fmt: skip
# Nouns after a bare model code that show it names a product ("the X5 SUV").
PRODUCT_NOUNS: frozenset[str] = frozenset(
    {"car", "cars", "sedan", "suv", "suvs", "phone", "phones", "smartphone", "smartphones",
     "model", "models", "series", "vehicle", "vehicles", "ev", "evs", "laptop", "tablet",
     "chip", "chips", "processor", "jet", "jets", "aircraft", "plane", "planes", "truck",
     "trucks", "watch", "version", "lineup", "edition", "variant", "device", "devices",
     "handset", "handsets", "console", "drone", "coupe", "hatchback", "pickup", "minivan",
     "crossover", "flagship", "launch", "deliveries", "sales", "owners", "prototype"}
)  # fmt: skip
# Capitalized words followed by a number that are not brands ("Article 5", "Top 10").
NOT_BRANDS: frozenset[str] = frozenset(
    {"article", "section", "chapter", "phase", "level", "stage", "round", "page", "flight",
     "route", "highway", "room", "class", "grade", "day", "week", "year", "no", "number",
     "vol", "volume", "episode", "season", "game", "figure", "table", "amendment", "item",
     "top", "fortune", "covid", "euro", "world", "cup", "league", "formula", "terminal",
     "gate", "platform", "district", "zone", "sector", "area", "unit", "block", "building",
     "street", "avenue", "hall", "camp", "resolution", "paragraph", "act", "law", "bill",
     "rule", "decree", "category", "tier", "step", "part", "division", "group", "team",
     "match", "matchday", "race", "lap", "mile", "under", "over", "vision", "agenda",
     "question", "line", "bus", "ward", "gen", "generation", "the", "a", "an", "this",
     "that", "these", "those", "its", "their", "our", "his", "her", "my", "your", "new",
     "latest", "next", "first", "last", "best", "smart", "free", "about", "nearly",
     "some", "all", "only", "just", "by", "in", "on", "at", "for", "from", "to", "with",
     "and", "or", "of", "as", "up", "down", "since", "until", "between", "among", "after",
     "before", "during", "series", "model", "version", "q", "fy", "h", "g", "mr",
     "ms", "dr", "u.s", "us", "uk", "eu", "un", "covid-19", "sars", "mp",
     "psalm", "psalms", "verse", "opus", "symphony", "apollo", "studio", "track", "disc",
     "row", "seat", "index", "ftse", "dax", "asx", "nikkei", "stoxx", "dow", "nasdaq", "cac",
     "sensex", "nifty", "kospi", "ibex", "tsx", "russell"}
    | MONTHS_AND_DAYS
    | PERSONAL_HONORIFICS
    | frozenset(TITLE_WORDS)
)  # fmt: skip
# Codes that look like model names but are standards, periods, units or events.
NOT_MODEL_CODE = re.compile(
    r"^(?:[QH][1-4]|\d{2}Q[1-4]|Q[1-4]\d{2,4}|FY\d+|\d+[GKDPX]|G\d{1,2}|CO2|NO2|"
    r"PM\d+(?:\.\d+)?|MP\d|F1|H\dN\d|(?i:covid-?19|sars-?cov-?2?)|B2[BC]|P2P|"
    r"\d+(?:st|nd|rd|th|s|am|pm|km|kg|mm|cm|m|mph|kW|kWh|kw|kwh|GB|TB|MB|gb|tb|mb|Hz|GHz|"
    r"MHz|mAh|W|V|nm|MP|x|k|bn|mn)|[A-Z]{2,}\d{4}|U\d{2})$"
)
BRAND = r"^(?:[A-Z][A-Za-z]+|[a-z]{1,2}[A-Z][A-Za-z]*|[A-Z]{2,6})$"
MODEL_CODE = r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9.+\-]*$"
NUMBER = r"^\d{1,4}$"
LONE_CODE = r"^(?:[A-Z][A-Za-z]{0,3}[.\-]?\d{1,4}[A-Za-z]{0,4}|\d{1,3}[A-Z]{1,2})$"
MODEL_LETTER = r"^(?:[A-Z]|\d{1,2})$"
_CAMEL = re.compile(r"[a-z][A-Z]|^[a-z]+[A-Z]")
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")
# After a number: a scale, unit, score, time or minute mark, so not a model number.
_SCALE_WORDS = {"million", "billion", "thousand", "trillion", "percent", "%", "per", "-", "–", ":",
                "'", "’", "minute", "minutes", "goals"}  # fmt: skip
_NUMERIC_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"}
_PLACE_ENTS = {"GPE", "NORP", "LOC", "FAC", "DATE", "TIME"}
# What a product name must contain: digits and, as whole words, "Model" and the device
# words. Two scans, merged, are faster than one for both; no \b before the words, so the
# regex engine skips to their first letters (a word found inside a longer one is dropped;
# longest first, so "Tablet" is not "Tab").
_DIGIT_RUNS = re.compile(r"\d+")
_ASCII_DIGIT_RUNS = re.compile(r"[0-9]+")
_ANCHOR_WORDS = re.compile("|".join(sorted({"Model", *DEVICE_WORDS}, key=len, reverse=True)))
_WORD_CHAR = re.compile(r"\w")
_WINDOW_BEFORE, _WINDOW_AFTER = 3, 7
_PRODUCT_DETERMINERS = {"the", "its", "their", "his", "her", "a", "new", "latest", "'s", "’s"}
_COORDINATORS = {"and", ",", "or", "&"}


@dataclass(frozen=True)
class ProductSpan:
    """Tokens [start, end) name a product; [start, model_start) is its brand, if any."""

    start: int
    end: int
    model_start: int


def _edition() -> dict[str, object]:
    return {"TEXT": {"IN": sorted(EDITION_WORDS)}, "OP": "*"}


PATTERNS: dict[str, list[list[dict[str, object]]]] = {
    "BRAND_MODEL": [
        [{"TEXT": {"REGEX": BRAND}}, {"TEXT": {"REGEX": BRAND}, "OP": "?"},
         {"TEXT": {"REGEX": MODEL_CODE}}, _edition(), {"TEXT": {"REGEX": r"^\d$"}, "OP": "?"}],
        [{"TEXT": {"REGEX": BRAND}}, {"TEXT": {"REGEX": BRAND}, "OP": "?"},
         {"TEXT": {"REGEX": NUMBER}}, _edition(), {"TEXT": {"REGEX": r"^\d$"}, "OP": "?"}],
    ],
    "MODEL_LETTER": [
        [{"TEXT": {"REGEX": BRAND}, "OP": "?"}, {"ORTH": "Model"},
         {"TEXT": {"REGEX": MODEL_LETTER}}, _edition()],
    ],
    "LONE_CODE": [[{"TEXT": {"REGEX": LONE_CODE}}, _edition()]],
    "BRAND_DEVICE": [
        [{"TEXT": {"REGEX": BRAND}}, {"TEXT": {"IN": sorted(DEVICE_WORDS)}}, _edition()],
    ],
}  # fmt: skip

_MATCHERS: dict[int, tuple[Vocab, Matcher]] = {}


def product_matcher(vocab: Vocab) -> Matcher:
    cached = _MATCHERS.get(id(vocab))
    if cached and cached[0] is vocab:
        return cached[1]
    matcher = Matcher(vocab)
    for name, patterns in PATTERNS.items():
        matcher.add(name, patterns)  # type: ignore[arg-type]
    _MATCHERS[id(vocab)] = (vocab, matcher)
    return matcher


def find_product_spans(
    doc: Doc, org_tokens: Container[int], text: str | None = None
) -> list[ProductSpan]:
    """Product names in `doc`; `org_tokens` holds tokens of known organizations (brands).

    `text` is doc.text when the caller has it already.
    """
    found: list[ProductSpan] = []
    lone: list[ProductSpan] = []
    for match_id, start, end in _matches(doc, doc.text if text is None else text):
        rule = doc.vocab.strings[match_id]
        span = _accept(doc, rule, start, end, org_tokens)
        if span is None:
            continue
        (lone if rule == "LONE_CODE" else found).append(span)
    accepted = _trim_overlaps(found)
    taken = {i for s in accepted for i in range(s.start, s.end)}
    lone = [s for s in _trim_overlaps(lone) if not taken & set(range(s.start, s.end))]
    accepted += _lone_codes_in_context(doc, lone, accepted, org_tokens)
    return sorted(accepted, key=lambda s: s.start)


def _matches(doc: Doc, text: str) -> Iterator[tuple[int, int, int]]:
    """Matcher hits, run only around tokens a product name must contain (fast on long texts)."""
    matcher = product_matcher(doc.vocab)
    windows: list[list[int]] = []
    for i in tokens_at(doc, _anchors(text)):
        start, end = max(0, i - _WINDOW_BEFORE), min(len(doc), i + _WINDOW_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = end
        else:
            windows.append([start, end])
    words = doc_table(doc).words
    for start, end in windows:
        if not _may_match(words, start, end):
            continue
        for match_id, m_start, m_end in matcher(doc[start:end]):
            yield match_id, start + m_start, start + m_end


def _anchors(text: str) -> Iterator[tuple[int, int]]:
    """Where digits, or "Model" or a device word as a whole word, are in `text`, in order
    (as `\\d+|\\b(?:Model|Watch|…)\\b` finds them: digits and letters never overlap)."""
    runs = _ASCII_DIGIT_RUNS if text.isascii() else _DIGIT_RUNS  # the same on ASCII text
    digits = (match.span() for match in runs.finditer(text))
    words = (
        match.span()
        for match in _ANCHOR_WORDS.finditer(text)
        if not (
            (match.start() and _WORD_CHAR.match(text, match.start() - 1))
            or _WORD_CHAR.match(text, match.end())
        )
    )
    return heapq.merge(digits, words)


def _may_match(words: list[str], start: int, end: int) -> bool:
    """Whether tokens [start, end) hold what a product name of PATTERNS that `_accept`
    keeps cannot do without: a brand word (not one of NOT_BRANDS) before a model code or
    number (not one of NOT_MODEL_CODE, a year) or a device word, "Model" before its
    letter, or a lone code. Most windows (years, amounts) hold none, and the Matcher is
    slow."""
    previous = _word_roles(words[start])
    if previous & _LONE and not previous & _NOT_CODE:
        return True
    for i in range(start + 1, end):
        roles = _word_roles(words[i])
        if roles & _LONE and not roles & _NOT_CODE:
            return True
        if previous & _BRAND and not previous & _NOT_BRAND:
            if (roles & _MODEL and not roles & (_NOT_CODE | _YEAR_LIKE)) or roles & _DEVICE:
                return True
        if previous & _MODEL_WORD and roles & _MODEL_LETTER:
            return True
        previous = roles
    return False


(_BRAND, _MODEL, _LONE, _MODEL_WORD, _MODEL_LETTER, _DEVICE, _NOT_BRAND, _NOT_CODE,
 _YEAR_LIKE) = (1 << n for n in range(9))  # fmt: skip
_ROLE_TESTS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (_BRAND, re.compile(BRAND)),
    (_MODEL, re.compile(MODEL_CODE)),
    (_MODEL, re.compile(NUMBER)),
    (_LONE, re.compile(LONE_CODE)),
    (_MODEL_LETTER, re.compile(MODEL_LETTER)),
)


@lru_cache(maxsize=65536)
def _word_roles(word: str) -> int:
    """The parts of a product name `word` can play in PATTERNS, as bits (the Matcher's own
    tests: REGEX predicates search the token text), and the reasons `_accept` has to
    refuse it as a brand or a model code."""
    roles = sum(bit for bit, pattern in _ROLE_TESTS if pattern.search(word))
    if word == "Model":
        roles |= _MODEL_WORD
    if word in DEVICE_WORDS:
        roles |= _DEVICE
    if simple_fold(word).rstrip(".") in NOT_BRANDS:
        roles |= _NOT_BRAND
    if NOT_MODEL_CODE.match(word):
        roles |= _NOT_CODE
    if word.isdigit() and (_YEAR.match(word) or word.startswith("0")):
        roles |= _YEAR_LIKE
    return roles


def _trim_overlaps(spans: list[ProductSpan]) -> list[ProductSpan]:
    ordered = sorted(spans, key=lambda s: (s.end - s.start, -s.start), reverse=True)
    kept: list[ProductSpan] = []
    used: set[int] = set()
    for span in ordered:
        tokens = set(range(span.start, span.end))
        if not tokens & used:
            kept.append(span)
            used |= tokens
    return kept


def _accept(
    doc: Doc, rule: str, start: int, end: int, org_tokens: Container[int]
) -> ProductSpan | None:
    model = next((i for i in range(start, end) if _is_model_token(doc[i], rule)), None)
    if model is None:
        return None
    if end - 1 > model and doc[end - 1].text.isdigit() and doc[end - 2].text != "Gen":
        end -= 1  # "Galaxy S24 2": the trailing number is not part of the name
    if not _fits_context(doc, end):
        return None
    brand = doc[start:model]
    if any(simple_fold(t.text).rstrip(".") in NOT_BRANDS for t in brand):
        return None
    if rule != "MODEL_LETTER" and any(_is_place_or_person(t, org_tokens) for t in brand):
        return None
    code = doc[model]
    if rule == "BRAND_MODEL" and code.text.isdigit():
        if _YEAR.match(code.text) or code.text.startswith("0") or code.ent_type_ in _NUMERIC_ENTS:
            return None
        if not _numbered_product(doc, start, model, end, org_tokens):
            return None
    if rule in {"BRAND_MODEL", "LONE_CODE"} and NOT_MODEL_CODE.match(code.text):
        return None
    if rule == "BRAND_DEVICE" and not _brand_like(brand[0], org_tokens):
        return None
    if rule == "BRAND_DEVICE" and end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].is_title:
        return None  # "the German Book Trade": the name goes on
    return ProductSpan(start=start, end=end, model_start=model)


def _numbered_product(
    doc: Doc, start: int, model: int, end: int, org_tokens: Container[int]
) -> bool:
    """ "Acme 12", "PlayStation 5", "the Pixel 9", "X 7 Pro" — not "Row 21", "Lang 20"."""
    brand = doc[start:model]
    if any(t.i in org_tokens for t in brand) or end > model + 1:
        return True
    if any(_CAMEL.search(t.text) for t in brand):
        return True
    prev = doc[start - 1] if start > 0 else None
    return prev is not None and (prev.lower_ in _PRODUCT_DETERMINERS or is_possessive(prev))


def _is_place_or_person(token: Token, org_tokens: Container[int]) -> bool:
    if token.i in org_tokens:
        return False
    return token.ent_type_ in _PLACE_ENTS or token.ent_type_ == "PERSON"


def _is_model_token(token: Token, rule: str) -> bool:
    if rule == "MODEL_LETTER":
        return token.text == "Model"
    if rule == "BRAND_DEVICE":
        return token.text in DEVICE_WORDS
    return any(ch.isdigit() for ch in token.text)


def _fits_context(doc: Doc, end: int) -> bool:
    """Not a number with a scale, unit, score or time after it ("10 million", "5G", "2-1")."""
    if end >= len(doc):
        return True
    nxt = doc[end]
    glued = doc[end - 1].whitespace_ == "" and nxt.is_alpha
    return nxt.lower_ not in _SCALE_WORDS and not nxt.like_num and not glued


def _brand_like(token: Token, org_tokens: Container[int]) -> bool:
    return token.i in org_tokens or (token.pos_ == "PROPN" and not token.is_sent_start)


def _lone_codes_in_context(
    doc: Doc, lone: list[ProductSpan], accepted: list[ProductSpan], org_tokens: Container[int]
) -> list[ProductSpan]:
    """Keep a bare code ("S24") only where the text treats it as a product."""
    kept: list[ProductSpan] = []
    pending = list(lone)
    while True:
        starts = {s.start for s in accepted + kept}
        ends = {s.end for s in accepted + kept}
        newly = [s for s in pending if _lone_in_context(doc, s, org_tokens, starts, ends)]
        if not newly:
            return kept
        kept += newly
        pending = [s for s in pending if s not in newly]


def _lone_in_context(
    doc: Doc, span: ProductSpan, org_tokens: Container[int], starts: set[int], ends: set[int]
) -> bool:
    prev = doc[span.start - 1] if span.start else None
    nxt = doc[span.end] if span.end < len(doc) else None
    if prev is not None and (prev.i in org_tokens or prev.lower_ in _PRODUCT_DETERMINERS):
        return True
    if nxt is not None and (nxt.lower_ in PRODUCT_NOUNS or nxt.text in EDITION_WORDS):
        return True
    # Coordinated with a product already found: "the S24 and S25", "X5, X6 and X7".
    before = span.start - 1
    while before >= 0 and doc[before].lower_ in _COORDINATORS:
        before -= 1
    after = span.end
    while after < len(doc) and doc[after].lower_ in _COORDINATORS:
        after += 1
    joined_before = before < span.start - 1 and before + 1 in ends
    joined_after = after > span.end and after in starts
    return joined_before or joined_after
