"""Figures: the numeric facts an article states about its entities.

`extract_figures` reads each sentence once: `kb.extract.numbers` finds the amounts,
periods and relative changes in its text, and the dependency parse decides which
amounts state a figure (not a year, a rank, an age, a duration, a model number),
what is measured (the metric: "smartphone shipments", "registered capital") and
whom it is about (the possessor, "revenue of/for X", the subject of the clause,
else the nearest or the article's main company, with a lower confidence).

A relative change ("up 28.1% year-on-year", "increased by 20% to $5bn") is attached
to the figure it modifies; a change with nothing to attach to is a figure of its
own (its percent, with the change fields set).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import pairwise

import numpy as np
from spacy.attrs import LIKE_NUM, SHAPE
from spacy.tokens import Doc, Span, Token

from kb.doctable import doc_table, sentence_starts
from kb.extract.coref import MentionIndex
from kb.extract.numbers import (
    MAX_UNIT_CHARS,
    AmountMatch,
    ChangeMatch,
    PeriodMatch,
    find_amounts,
    find_changes,
    find_periods,
    parse_qualifier,
    period_as_of,
)
from kb.records import EntityRef, Evidence, FigureRecord, MentionRecord, Qualifier

EXTRACTOR = "figures.v1"

# Labels of mentions a figure can be about; the first set wins over the rest.
OWNER_LABELS = frozenset({"ORG", "PRODUCT", "PERSON", "GPE", "NORP", "FAC", "LOC", "EVENT",
                          "WORK_OF_ART", "LAW"})  # fmt: skip
PREFERRED_OWNER_LABELS = frozenset({"ORG", "PRODUCT", "PERSON"})
# Named things whose names may contain digits ("Apple Watch 5", "Big 12", "Euro 2020").
NAME_LABELS = frozenset({"ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "FAC", "PERSON"})
# Entity labels whose words keep their case inside a metric ("Latin America shipments").
CASED_LABELS = frozenset({"ORG", "PRODUCT", "GPE", "NORP", "LOC", "FAC", "EVENT"})

# A number right after one of these words is a rank, a label, an index or an era, not a figure.
RANK_CUES = frozenset(
    {
        "top", "no", "no.", "nos.", "number", "#", "rank", "ranked", "ranks", "ranking",
        "section", "sec.", "row", "part", "article", "chapter", "page", "p.", "pp.", "room",
        "vol.", "volume", "episode", "ep.", "season", "game", "level", "phase", "gate", "route",
        "highway", "interstate", "flight", "platform", "round", "step", "stage", "model",
        "series", "gen", "generation", "version", "v", "ios", "android", "windows", "category",
        "class", "grade", "tier", "form", "item", "rule", "term", "ward", "district", "zone",
        "block", "lot", "apartment", "suite", "floor", "bay", "pier", "exit", "code", "ticker",
        "fortune", "s&p", "ftse", "russell", "nikkei", "stoxx", "dax", "cac", "csi", "amendment",
        "clause", "paragraph", "psalm", "verse", "day", "week", "act", "bus", "line", "channel",
        "figure", "fig.", "table", "appendix", "annex", "unit", "hall", "booth", "pavilion",
        "terminal", "lane", "street", "avenue", "road", "studio", "matchday", "batch",
        "a.d.", "ad", "b.c.", "bc", "bce", "ce",
    }
)  # fmt: skip
# Words before a count that make it refer back to things already named ("those three phones").
ANAPHORIC_DETERMINERS = frozenset({"the", "these", "those", "all", "both", "each", "every",
                                   "other", "another", "first", "last", "next"})  # fmt: skip
# "in 58 markets", "across 30 countries": where something holds, not a measure of it.
LOCATIVE_PREPS = frozenset({"in", "across", "among", "amongst", "within", "throughout"})
TIME_UNITS = frozenset(
    {
        "year", "month", "week", "day", "hour", "minute", "second", "decade", "century",
        "night", "weekend", "yr", "hr", "min", "sec", "fortnight", "millennium",
    }
)  # fmt: skip
# Nouns after a number that mark a threshold, a multiple or a place, not a measured value.
NOT_MEASURED_NOUNS = frozenset(
    {"mark", "threshold", "milestone", "barrier", "level", "times", "fold", "x", "plus",
     "percentile", "place", "spot", "position", "straight", "consecutive"}
)  # fmt: skip
# Counted nouns that say how something is counted, not what: the metric comes from the clause.
GENERIC_COUNT_NOUNS = frozenset(
    {"unit", "units", "piece", "pieces", "item", "items", "copy", "copies", "set", "sets",
     "pair", "pairs", "yuan", "dollar", "dollars", "euro", "euros", "people", "persons"}
)  # fmt: skip
# Head nouns that only point at the measured thing: "the number of users" -> "users".
POINTER_NOUNS = frozenset(
    {"number", "total", "amount", "count", "sum", "figure", "tally", "quantity", "value",
     "record", "high", "low", "peak"}
)  # fmt: skip
# Words that stand for "the company" of the article.
GENERIC_OWNERS = frozenset(
    {"it", "its", "they", "their", "we", "our", "company", "group", "firm", "corporation",
     "business", "maker", "manufacturer", "automaker", "carmaker", "brand", "giant",
     "startup", "start-up", "conglomerate", "retailer", "lender", "bank", "insurer",
     "operator", "provider", "developer", "vendor", "supplier", "which", "this", "that"}
)  # fmt: skip
PRONOUN_SUBJECTS = frozenset({"it", "this", "that", "which"})
# What a verb measures when its subject is the entity itself: "Acme shipped 5 million units".
VERB_METRICS: dict[str, str] = {
    "ship": "shipments", "sell": "sales", "deliver": "deliveries", "invest": "investment",
    "pump": "investment", "inject": "investment", "pour": "investment", "plow": "investment",
    "plough": "investment", "spend": "spending", "raise": "funding", "earn": "earnings",
    "generate": "revenue", "book": "bookings", "employ": "employees", "hire": "hires",
    "produce": "production", "manufacture": "production", "export": "exports",
    "import": "imports", "borrow": "borrowing", "lend": "lending", "pay": "payment",
    "value": "valuation", "lose": "loss", "owe": "debt", "fine": "fine", "order": "orders",
    "download": "downloads", "install": "installations", "register": "registrations",
    "lay": "layoffs", "target": "target", "budget": "budget", "save": "savings",
    "allocate": "allocation", "commit": "commitment", "donate": "donation", "award": "award",
    "bid": "bid", "offer": "offer", "settle": "settlement",
}  # fmt: skip
# ... and what it measures when the amount is money: "sold for $5m", "costs $999".
MONEY_VERB_METRICS: dict[str, str] = {
    "acquire": "acquisition price", "buy": "acquisition price", "purchase": "purchase price",
    "cost": "price", "price": "price", "retail": "price", "start": "starting price",
    "sell": "sale price", "charge": "charge",
}  # fmt: skip
# Verb metrics that say how a counted noun was counted: "shipped 5m laptops" -> "laptop shipments".
COUNT_VERB_METRICS = frozenset({"shipments", "sales", "deliveries", "production", "exports",
                                "imports", "orders", "downloads"})  # fmt: skip
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
SUBJECT_INHERITING_DEPS = frozenset({"conj", "xcomp", "advcl", "ccomp", "pcomp", "prep"})
PHRASE_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "hmod", "npadvmod"})
PHRASE_PREPS = frozenset({"of", "in", "for", "on", "from"})
OWNER_PREPS = frozenset({"of", "for", "at", "by", "from"})
MAX_PHRASE_TOKENS = 6
# How far back (tokens) "the company" looks for the organization it stands for.
GENERIC_LOOKBACK_TOKENS = 250

# Between a figure and a change that follows it: "42.2 million units, up 28.1%".
_CHANGE_AFTER_FIGURE = re.compile(
    r"^[ \t]*(?:[\w-]+[ \t]*){0,2}?(?:(?:in|during|for|as\s+of)\s+[^,;.]{1,30}?)?[,;(–—-]?[ \t]*"
    r"(?:(?:and|or|which\s+(?:was|is)|representing|marking|reflecting|an?)\s+)?$",
    re.IGNORECASE,
)
# Between a change and the figure it leads to: "increased by 20.3% year-on-year to RMB 26.8 bn".
_CHANGE_BEFORE_FIGURE = re.compile(
    r"^[ \t,]*(?:(?:in|during|for|over|from)\s+[^,;.]{1,30}?[ \t,]+)?"
    r"(?:to|at|reaching|reached|hitting|totaling|totalling|amounting\s+to|standing\s+at)"
    r"[ \t]+(?:(?:a|an|the)\s+)?(?:(?:record|new|all-time|total|high|of)\s+)*$",
    re.IGNORECASE,
)
_CONVERSION_GAP = re.compile(r"\s*[(\[]\s*(?:or|about|around|roughly|approximately|some)?\s*")
_THE_QUARTER = re.compile(r"\b(?:this|the(?:\s+current)?|that)\s+quarter\b", re.IGNORECASE)
_QUARTER = re.compile(r"\d{4}-Q[1-4]")
_AGE_AFTER = re.compile(r"^[\s-]*(?:years?|yrs?|months?)[\s-]*old\b", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\b(?:aged|ages?|age\s+of)\s*$", re.IGNORECASE)
_DURATION_AFTER = re.compile(
    r"^[ \t-]*(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|"
    r"century|nights?|yrs?|hrs?|mins?)\b",
    re.IGNORECASE,
)
# Conjunctions and symbols left at the edges of a phrase when its neighbours were dropped.
_EDGE_JUNK = re.compile(r"^(?:\s|[-/&]|and\b|or\b)+|(?:\s|[-/&]|\band|\bor)+$", re.IGNORECASE)
_YEN_CONTEXT = re.compile(r"\byen\b|\bJapan|\bTokyo|\bJPY\b|\bNikkei\b")
# Docs this long find their number-like tokens with numpy; shorter ones with a loop.
VECTORIZE_FROM_TOKENS = 200
_CONFIDENCE_PENALTY = {"syntax": 0.0, "pronoun": 0.15, "generic": 0.2, "sentence": 0.3,
                       "article": 0.45, "none": 0.55}  # fmt: skip


@dataclass
class _Candidate:
    """An amount of the sentence that states a figure, with what the parse says about it."""

    match: AmountMatch
    span: Span
    counted: Token | None = None
    counted_end: int = 0  # token index after the counted noun and its hyphenated parts
    unit: str | None = None
    qualifier: Qualifier = "exact"
    change: ChangeMatch | None = None
    is_change: bool = False  # the percent of a relative change
    period: str | None = None
    period_as_of: dt.date | None = None
    tokens: set[int] = field(default_factory=set)
    converts: _Candidate | None = None  # "¥50 billion ($7.18 billion)": the amount converted

    @property
    def anchor(self) -> Token:
        return self.counted if self.counted is not None else _number_root(self.span)

    @property
    def end_char(self) -> int:
        """End of the figure's words: its counted noun too when it follows the number closely."""
        if self.counted is not None and 0 <= self.counted.i - self.span.end <= 3:
            last = self.span.doc[self.counted_end - 1]
            return last.idx + len(last)
        return self.span.end_char


class _Mentions:
    """The article's mentions: by token, and in order for a window of tokens."""

    def __init__(self, doc: Doc, mentions: Sequence[MentionRecord]) -> None:
        self.index = MentionIndex(doc, mentions)
        self.ordered = list(self.index.placed())
        self.starts = [start for start, _, _ in self.ordered]

    def at(self, token: Token) -> MentionRecord | None:
        return self.index.at(token)

    def between(self, start: int, end: int) -> list[tuple[int, int, MentionRecord]]:
        """(start, end, mention) of the mentions lying within tokens [start, end)."""
        low = bisect_left(self.starts, start)
        high = bisect_left(self.starts, end)
        return [item for item in self.ordered[low:high] if item[1] <= end]


@dataclass
class _Article:
    """What the figures of every sentence are read against."""

    mentions: _Mentions
    main: EntityRef | None
    published_on: dt.date | None
    quarter: str | None = None  # the quarter last named: what "the quarter" refers to


@dataclass
class _Sentence:
    span: Span
    article: _Article
    reserved: set[int] = field(default_factory=set)  # amounts and periods: never in a metric

    @property
    def mentions(self) -> _Mentions:
        return self.article.mentions

    @property
    def main(self) -> EntityRef | None:
        return self.article.main

    @property
    def published_on(self) -> dt.date | None:
        return self.article.published_on

    @cached_property
    def text(self) -> str:
        return doc_table(self.span.doc).span_text(self.span.start, self.span.end)


def extract_figures(
    doc: Doc, mentions: Sequence[MentionRecord], published_on: dt.date | None
) -> Iterator[FigureRecord]:
    """Every figure the article states, one record per amount, in text order."""
    owners = [
        m for m in mentions if m.entity.label in OWNER_LABELS and not _is_generic_name(m.text)
    ]
    article = _Article(_Mentions(doc, owners), _main_entity(owners), published_on)
    if doc.has_annotation("DEP") or doc.has_annotation("SENT_START"):
        starts = sentence_starts(doc)
    else:
        starts = [0]
    # Only a sentence with a number-like token, or a digit in a token, can state a figure.
    numeric = _numeric_before(doc)
    for start, end in zip(starts, [*starts[1:], len(doc)], strict=True):
        if numeric[end] > numeric[start]:
            yield from _sentence_figures(_Sentence(doc[start:end], article))


def _numeric_before(doc: Doc) -> list[int]:
    """For each token index i (and len(doc)), how many tokens before it are like a number
    or have a digit: read off the lexeme attribute arrays, not Token objects.

    A token has a digit iff its shape has a "d" (`word_shape` writes "d" for what
    `str.isdigit` holds for), except that tokens of 100+ characters have the shape "LONG".
    """
    if len(doc) == 0:
        return [0]
    values = doc.to_array([LIKE_NUM, SHAPE])
    strings = doc.vocab.strings
    if len(doc) < VECTORIZE_FROM_TOKENS:  # numpy's fixed costs exceed a loop's
        rows = values.tolist()
        digit_of = {shape: _shape_digits(strings[shape]) for shape in {shape for _, shape in rows}}
        counts = [0]
        for i, (like_num, shape) in enumerate(rows):
            numeric = like_num or digit_of[shape]
            if numeric is None:
                numeric = any(ch.isdigit() for ch in doc[i].text)
            counts.append(counts[-1] + (1 if numeric else 0))
        return counts
    shapes, shape_of = np.unique(values[:, 1], return_inverse=True)
    digits = [_shape_digits(strings[shape]) for shape in shapes.tolist()]
    numeric = (values[:, 0] != 0) | np.array([bool(d) for d in digits])[shape_of]
    if None in digits:
        long = np.flatnonzero(values[:, 1] == shapes[digits.index(None)])
        for i in long.tolist():
            numeric[i] |= any(ch.isdigit() for ch in doc[i].text)
    return [0, *np.cumsum(numeric).tolist()]


def _shape_digits(shape: str) -> bool | None:
    """Whether a token of this shape has a digit (None: "LONG", its text must tell)."""
    return None if shape == "LONG" else "d" in shape


@lru_cache(maxsize=4096)
def _is_generic_name(text: str) -> bool:
    """ "the Group", "Company": a defined term that stands for a name, not a name."""
    words = re.sub(r"[^\w\s-]", " ", text.lower()).split()
    if words and words[0] == "the":
        words = words[1:]
    return len(words) == 1 and words[0] in GENERIC_OWNERS


def _main_entity(mentions: Sequence[MentionRecord]) -> EntityRef | None:
    """The organization the article names most often (the earliest on a tie)."""
    counts = Counter(m.entity for m in mentions if m.entity.label == "ORG")
    return counts.most_common(1)[0][0] if counts else None


# ---------------------------------------------------------------------------
# Which amounts are figures


def _sentence_figures(context: _Sentence) -> Iterator[FigureRecord]:
    sentence = context.span
    doc = sentence.doc
    text = context.text
    table = doc_table(doc)
    base = sentence.start_char
    periods = _with_quarter_references(find_periods(text, context.published_on), text, context)
    for period in periods:
        tokens = table.char_span(base + period.start, base + period.end)
        if tokens is not None:
            context.reserved.update(range(*tokens))
    candidates: list[_Candidate] = []
    for match in find_amounts(text):
        if any(p.start < match.end and match.start < p.end for p in periods):
            continue
        tokens = table.char_span(base + match.start, base + match.end)
        if tokens is None or tokens[1] <= tokens[0]:
            continue
        candidate = _candidate(match, doc[tokens[0] : tokens[1]], text, context.mentions)
        if candidate is not None:
            candidates.append(candidate)
            context.reserved.update(candidate.tokens)
    if not candidates:
        return
    _link_conversions(candidates, text)
    _attach_changes(candidates, find_changes(text), text)
    _attach_periods(candidates, periods, sentence)
    described: dict[int, tuple[str | None, EntityRef | None, str]] = {}
    for candidate in candidates:
        if candidate.is_change and candidate.change is None:
            continue  # the change of another figure
        original = candidate.converts
        if original is not None and id(original) in described:
            description = described[id(original)]
            candidate.period = candidate.period or original.period
            candidate.change = candidate.change or original.change
        else:
            description = _describe(candidate, context)
        described[id(candidate)] = description
        yield _figure(candidate, context, description)


def _with_quarter_references(
    periods: list[PeriodMatch], text: str, context: _Sentence
) -> list[PeriodMatch]:
    """ "the quarter", "this quarter" in an article that named a quarter: that quarter (an
    earnings story published in August means the second quarter, not the third)."""
    article = context.article
    if article.quarter is not None:
        periods = [p for p in periods if not _THE_QUARTER.fullmatch(text[p.start : p.end])]
        for match in _THE_QUARTER.finditer(text):
            if not any(p.start < match.end() and match.start() < p.end for p in periods):
                periods.append(PeriodMatch(match.start(), match.end(), article.quarter))
        periods.sort(key=lambda p: p.start)
    for period in periods:
        if _QUARTER.fullmatch(period.period):
            article.quarter = period.period
    return periods


def _link_conversions(candidates: list[_Candidate], text: str) -> None:
    """An amount in parentheses right after another one restates it in another currency."""
    for previous, candidate in pairwise(candidates):
        gap = text[previous.match.end : candidate.match.start]
        if (
            _CONVERSION_GAP.fullmatch(gap)
            and previous.match.is_money
            and candidate.match.is_money
            and not previous.is_change
        ):
            candidate.converts = previous


def _candidate(match: AmountMatch, span: Span, text: str, mentions: _Mentions) -> _Candidate | None:
    """The amount as a figure candidate, or None when it is not a figure."""
    before = text[: match.start]
    after = text[match.end :]
    amount = match.amount
    typed = match.is_money or match.is_percent or match.scaled
    bare = not typed and not match.is_measure
    if _AGE_AFTER.match(after) or _AGE_BEFORE.search(before[-12:]):
        return None
    if not (match.is_money or match.is_percent) and _DURATION_AFTER.match(after):
        return None
    if bare and (
        _on_its_own_line(match, text)
        or _is_rank(span, before)
        or _inside_name(span, mentions)
        or _is_model_number(span)
        or _is_apposed_age(span, mentions)
    ):
        return None
    counted = (
        None if match.is_money or match.is_percent or match.is_measure else _counted_noun(span)
    )
    counted_words = _counted_words(counted) if counted is not None else None
    if counted_words is not None and len(counted_words) > MAX_UNIT_CHARS:
        # No noun is that long: junk (and more than the store's unit column).
        counted, counted_words = None, None
    if bare and counted is None and _is_date_or_time(span):
        return None
    if counted is not None:
        if counted.lemma_.lower() in TIME_UNITS or counted.lower_ in NOT_MEASURED_NOUNS:
            return None
        if counted.tag_ == "NNP" and counted.text[:1].isupper():
            return None  # "575 Wilbraham Road", "787 Dreamliner": a name, not a count
        if bare and counted.dep_ == "pobj" and counted.head.lower_ in LOCATIVE_PREPS:
            return None
    if bare:
        if _year_like(amount.value) and (
            counted is None
            or counted.i != span.end
            or _is_date_or_time(span)
            or (amount.value_high is not None and _year_like(amount.value_high))
        ):
            return None
        if match.from_words and (counted is None or amount.value <= 1):
            return None
        if (
            counted is None
            and not _states_a_value(span)
            and (amount.value < 1000 or _governing_verb(_number_root(span)) is None)
        ):
            return None
        if _is_anaphoric(span):
            return None
    counted_end = _hyphenated(counted)[1] if counted is not None else 0
    unit = amount.unit
    if unit is None:
        unit = counted_words
    return _Candidate(
        match=match,
        span=span,
        counted=counted,
        counted_end=counted_end,
        unit=unit,
        qualifier=parse_qualifier(before, after),
        tokens=set(range(span.start, span.end)) | _counted_tokens(counted, counted_end),
    )


def _counted_tokens(counted: Token | None, counted_end: int) -> set[int]:
    return set(range(counted.i, counted_end)) if counted is not None else set()


def _year_like(value: float) -> bool:
    return value.is_integer() and 1800 <= value <= 2100


def _entity_at(token: Token) -> Span:
    """The named-entity span a token is inside (walks the IOB tags, not the entity list)."""
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _is_date_or_time(span: Span) -> bool:
    return any(token.ent_type_ in {"DATE", "TIME", "ORDINAL"} for token in span)


def _on_its_own_line(match: AmountMatch, text: str) -> bool:
    """Page furniture ("1788" between blank lines) rather than prose."""
    before = text[: match.start].rstrip(" \t")
    after = text[match.end :].lstrip(" \t")
    return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))


def _is_rank(span: Span, before: str) -> bool:
    if before.rstrip().endswith(("#", "No.", "no.")):
        return True
    if span.start == 0:
        return False
    doc = span.doc
    word = doc[span.start - 1].lower_.rstrip(":")
    if word in RANK_CUES:
        return True
    return word == "the" and span.start >= 2 and doc[span.start - 2].lower_ == "top"


def _inside_name(span: Span, mentions: _Mentions) -> bool:
    """A number inside a name: "Apple Watch 5", "the Big 12", "Euro 2020"."""
    for token in span:
        mention = mentions.at(token)
        if mention is not None and any(ch.isalpha() for ch in mention.text):
            return True
        if token.ent_type_ in NAME_LABELS and any(t.is_alpha for t in _entity_at(token)):
            return True
    return False


def _is_model_number(span: Span) -> bool:
    """ "Pixel 8", "iPhone 11 Pro", "Kick Six": a number that continues a name."""
    if span.start == 0 or "," in doc_table(span.doc).span_text(span.start, span.end):
        return False
    previous = span.doc[span.start - 1]
    if "\n" in previous.whitespace_ or not previous.is_alpha:
        return False
    name_like = previous.pos_ == "PROPN" or any(ch.isupper() for ch in previous.text)
    if not name_like or (previous.is_sent_start and previous.lower_ in RANK_CUES):
        return False
    first = span[0].text
    return first[:1].isupper() if first[:1].isalpha() else len(first.split(".")[0]) <= 4


def _is_apposed_age(span: Span, mentions: _Mentions) -> bool:
    """ "Ana Ruiz, 54, said": an age set off by commas after a person's name."""
    doc = span.doc
    if span.start < 2 or span.end >= len(doc) or len(span) != 1:
        return False
    if doc[span.start - 1].text != "," or doc[span.end].text not in {",", ")"}:
        return False
    previous = doc[span.start - 2]
    mention = mentions.at(previous)
    if mention is not None:
        return mention.entity.label == "PERSON"
    return previous.ent_type_ == "PERSON"


def _is_anaphoric(span: Span) -> bool:
    """ "those three phones", "the 12 members": a count of things named before."""
    if span.start == 0:
        return False
    return span.doc[span.start - 1].lower_ in ANAPHORIC_DETERMINERS


def _number_root(span: Span) -> Token:
    """The number's own head token: "trillion" in "10.4 trillion won" (not the currency word,
    which the parser may take for a verb)."""
    numeric = [
        t
        for t in span
        if (t.like_num or t.pos_ == "NUM")
        and (t.head is t or not span.start <= t.head.i < span.end)
    ]
    return numeric[-1] if numeric else span.root


def _counted_noun(span: Span) -> Token | None:
    """The noun a bare number counts: "240,000 pre-orders", "more than 40 popular apps"."""
    doc = span.doc
    root = _number_root(span)
    head = root.head
    if (
        head is not root
        and span.end <= head.i <= span.end + 4
        and head.pos_ in {"NOUN", "PROPN"}
        and root.dep_ in {"nummod", "quantmod", "compound", "amod", "nmod", "dep", "npadvmod"}
        and not any(
            (doc[i].is_punct and doc[i].text != "-") or doc[i].is_space
            for i in range(span.end, head.i)
        )
        and "\n" not in doc_table(doc).span_text(span.end - 1, head.i + 1)
    ):
        return head
    # The parser sometimes hangs the number elsewhere: a plural noun right after it counts too.
    position = span.end
    while position < len(doc) and position - span.end < 3:
        token = doc[position]
        if "\n" in doc[position - 1].whitespace_ or token.is_space:
            return None
        if position == span.end and token.lower_ in {"or", "more", "+", "plus", "above"}:
            position += 1
            continue
        if token.tag_ in {"NNS", "NNPS"} or token.lower_ == "people":
            return token
        if token.pos_ not in {"ADJ", "NOUN", "PROPN"} and token.text != "-":
            return None
        position += 1
    return None


def _counted_words(noun: Token) -> str:
    """The unit a counted noun gives: it and the words hyphenated onto it, lower-cased."""
    start, end = _hyphenated(noun)
    return doc_table(noun.doc).span_text(start, end).lower()


def _hyphenated(noun: Token) -> tuple[int, int]:
    """Token range of a noun and the words hyphenated onto it ("pre-orders", "e-bikes")."""
    doc = noun.doc
    start = noun.i
    while (
        start >= 2
        and doc[start - 1].text == "-"
        and not (doc[start - 2].whitespace_ or doc[start - 1].whitespace_)
    ):
        start -= 2
    end = noun.i + 1
    while (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not (doc[end - 1].whitespace_ or doc[end].whitespace_)
    ):
        end += 2
    return start, end


def _states_a_value(span: Span) -> bool:
    """A bare number that the clause presents as a value: "reached 822", "rose to 96"."""
    root = _number_root(span)
    if root.dep_ in {"dobj", "attr", "oprd"}:
        return root.head.pos_ in {"VERB", "AUX"}
    if root.dep_ == "pobj":
        return root.head.lower_ in {"to", "at", "of"} and root.head.head.pos_ in {"VERB", "NOUN"}
    return False


# ---------------------------------------------------------------------------
# Changes and periods


def _attach_changes(candidates: list[_Candidate], changes: list[ChangeMatch], text: str) -> None:
    by_start = {c.match.start: c for c in candidates}
    for change in changes:
        percent = by_start.get(change.amount_start) if change.amount_start is not None else None
        if percent is not None:
            percent.is_change = True
    for change in changes:
        percent = by_start.get(change.amount_start) if change.amount_start is not None else None
        target = _change_target(change, candidates, text)
        if target is not None and change.points and not target.match.is_percent:
            target = None
        if target is not None:
            if target.change is None and not change.points:
                target.change = change
        elif percent is not None and not change.points:
            percent.change = change  # nothing to attach to: the change is the figure
        elif percent is not None:
            percent.is_change = False  # "2 percentage points" on its own is a figure


def _change_target(
    change: ChangeMatch, candidates: list[_Candidate], text: str
) -> _Candidate | None:
    following = [c for c in candidates if c.match.start >= change.end and not c.is_change]
    if following and _CHANGE_BEFORE_FIGURE.match(text[change.end : following[0].match.start]):
        return following[0]
    preceding = [c for c in candidates if c.match.end <= change.start and not c.is_change]
    if preceding:
        nearest = preceding[-1]
        sentence_start = nearest.span.sent.start_char
        gap_start = max(nearest.match.end, nearest.end_char - sentence_start)
        gap = text[gap_start : change.start]
        if nearest.converts is not None:
            gap = gap.lstrip(" )]")  # "¥5bn ($700m), up 5%": the change is the original's
        if gap_start <= change.start and _CHANGE_AFTER_FIGURE.match(gap):
            return nearest.converts or nearest
    return None


def _attach_periods(
    candidates: list[_Candidate], periods: list[PeriodMatch], sentence: Span
) -> None:
    """A period attached to one figure's words is that figure's; the others cover the figures
    of the clause they attach to ("founded in 2010" says nothing of "has 5,000 employees")."""
    if not periods:
        return
    doc = sentence.doc
    table = doc_table(doc)
    base = sentence.start_char
    owned: dict[int, PeriodMatch] = {}
    shared: list[tuple[int, Token | None, PeriodMatch]] = []
    for period in periods:
        tokens = table.char_span(base + period.start, base + period.end)
        if tokens is None or tokens[1] <= tokens[0]:
            continue
        span = doc[tokens[0] : tokens[1]]
        owner = _period_owner(span, candidates)
        if owner is not None:
            owned.setdefault(owner, period)
        else:
            shared.append((span.root.i, _governing_verb(span.root), period))
    for number, candidate in enumerate(candidates):
        chosen = owned.get(number)
        anchor = candidate.anchor
        covering = [item for item in shared if _covers(item[0], item[1], anchor)]
        if chosen is None and covering:
            chosen = min(covering, key=lambda item: abs(item[0] - anchor.i))[2]
        if chosen is not None:
            candidate.period = chosen.period
            candidate.period_as_of = chosen.as_of or period_as_of(chosen.period)


def _covers(period_at: int, verb: Token | None, anchor: Token) -> bool:
    """Whether a period attached to `verb` dates the figure at `anchor`: the verb governs
    the figure, and a period inside one conjunct ("was founded in 2010 and has 5,000
    staff") does not date the next, unless it opens the sentence ("In 2023, it sold ...")."""
    if verb is None:
        return True
    token = anchor
    crossed_conjunct = False
    for _ in range(12):
        if token.i == verb.i:
            return not crossed_conjunct or period_at < verb.i
        if token.head is token:
            return False
        if token.dep_ == "conj" and token.pos_ in {"VERB", "AUX"}:
            crossed_conjunct = True
        token = token.head
    return False


def _period_owner(span: Span, candidates: list[_Candidate]) -> int | None:
    token = span.root
    for _ in range(3):
        head = token.head
        if head is token or head.pos_ in {"VERB", "AUX"}:
            return None
        for number, candidate in enumerate(candidates):
            if head.i in candidate.tokens:
                return number
        token = head
    return None


# ---------------------------------------------------------------------------
# The record


def _figure(
    candidate: _Candidate,
    context: _Sentence,
    description: tuple[str | None, EntityRef | None, str],
) -> FigureRecord:
    sentence = context.span
    match = candidate.match
    amount = match.amount
    metric, owner, how = description
    confidence = 0.9 - _CONFIDENCE_PENALTY[how]
    if metric is None:
        confidence -= 0.1
    if candidate.is_change:
        confidence -= 0.1
    value = amount.value
    currency = amount.currency
    if (
        currency == "CNY"
        and context.text[match.start : match.end].startswith(("¥", "￥"))
        and _YEN_CONTEXT.search(context.text)
    ):
        currency = "JPY"  # "¥" is written for both; the sentence says which
    change_pct = change_basis = None
    if candidate.change is not None:
        change_pct = candidate.change.value
        change_basis = candidate.change.basis
    start = sentence.start_char + match.start
    end = max(sentence.start_char + match.end, candidate.end_char)
    return FigureRecord(
        entity=owner,
        metric=metric,
        value=value,
        value_high=amount.value_high,
        unit=candidate.unit,
        currency=currency,
        period=candidate.period,
        qualifier=candidate.qualifier,
        change_pct=change_pct,
        change_basis=change_basis,
        raw_text=context.text[start - sentence.start_char : end - sentence.start_char],
        as_of=candidate.period_as_of or context.published_on,
        evidence=Evidence(
            start_char=start,
            end_char=end,
            sent_start=sentence.start_char,
            sent_end=sentence.end_char,
        ),
        extractor=EXTRACTOR,
        confidence=round(max(0.05, min(1.0, confidence)), 2),
    )


# ---------------------------------------------------------------------------
# Metric and entity


class _Owners:
    """Mention lookups for one figure: a mention inside the figure's own words is no owner."""

    def __init__(self, mentions: _Mentions, blocked: set[int]) -> None:
        self.mentions = mentions
        self.blocked = blocked

    def at(self, token: Token) -> EntityRef | None:
        if token.i in self.blocked:
            return None
        mention = self.mentions.at(token)
        return None if mention is None else mention.entity

    def in_phrase(self, noun: Token) -> EntityRef | None:
        """The entity a noun phrase names as owner: "Acme's revenue", "revenue of/for/at Acme"."""
        found = self.at(noun)
        if found is not None:
            return found
        for child in noun.children:
            if child.dep_ == "poss":
                found = self.in_subtree(child)
                if found is not None:
                    return found
        for child in noun.lefts:
            if child.dep_ in {"compound", "nmod"}:
                found = self.at(child)
                if found is not None and found.label in PREFERRED_OWNER_LABELS:
                    return found
        for child in noun.rights:
            if child.dep_ == "prep" and child.lower_ in OWNER_PREPS:
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        found = self.in_subtree(obj, preferred_only=True)
                        if found is not None:
                            return found
        return None

    def in_subtree(self, token: Token, preferred_only: bool = False) -> EntityRef | None:
        """The first organization, product or person among a phrase's nominal modifiers."""
        fallback: EntityRef | None = None
        for node in _nominal_subtree(token):
            found = self.at(node)
            if found is None:
                continue
            if found.label in PREFERRED_OWNER_LABELS:
                return found
            fallback = fallback or found
        return None if preferred_only else fallback


def _nominal_subtree(token: Token) -> Iterator[Token]:
    """The token and its nominal modifiers, recursively (not clauses or prepositions)."""
    yield token
    for child in token.children:
        if child.dep_ in {"poss", "compound", "nmod", "amod", "appos", "conj"}:
            yield from _nominal_subtree(child)


def _describe(
    candidate: _Candidate, context: _Sentence
) -> tuple[str | None, EntityRef | None, str]:
    """(metric, entity, how the entity was found) from the parse around the figure."""
    owners = _Owners(context.mentions, candidate.tokens)
    counted = candidate.counted
    if counted is not None and counted.lower_ not in GENERIC_COUNT_NOUNS:
        measured = _measured_by(counted) or counted
        metric_noun: Token | None = measured
        verb = _governing_verb(measured)
    else:
        metric_noun, verb = _metric_noun(candidate.anchor)
    subject = _clause_subject(verb) if verb is not None else None

    owner: EntityRef | None = None
    how = "syntax"
    borrowed_metric: Token | None = None
    for noun in (metric_noun, subject):
        if noun is None or owner is not None:
            continue
        owner = owners.in_phrase(noun) or _appositive_owner(noun, owners)
        if owner is not None:
            how = "syntax"
        elif noun is subject and noun.lower_ in PRONOUN_SUBJECTS:
            owner, borrowed_metric = _antecedent(noun, owners)
            how = "pronoun"
        elif noun.lower_ in GENERIC_OWNERS or _generic_possessor(noun):
            owner = _company_referent(candidate.anchor, owners)
            how = "generic"
    if owner is None:
        owner, how = _fallback_owner(candidate, context)

    exclude = context.reserved | _owner_tokens(owner, context)
    metric = _metric(candidate, metric_noun, verb, subject, borrowed_metric, owners, exclude)
    return metric, owner, how


def _metric(
    candidate: _Candidate,
    metric_noun: Token | None,
    verb: Token | None,
    subject: Token | None,
    borrowed: Token | None,
    owners: _Owners,
    exclude: set[int],
) -> str | None:
    counted = candidate.counted
    lemma = verb.lemma_.lower() if verb is not None else ""
    if candidate.match.is_percent and (share := _share_of(candidate)) is not None:
        phrase = _phrase(share, exclude)
        if phrase:
            return f"share of {phrase}"
    if metric_noun is not None:
        phrase = _phrase(metric_noun, exclude)
        if phrase and metric_noun is counted and VERB_METRICS.get(lemma) in COUNT_VERB_METRICS:
            return f"{counted.lemma_.lower()} {VERB_METRICS[lemma]}"
        if phrase and counted is not None and metric_noun is not counted:
            if counted.lower_ in GENERIC_COUNT_NOUNS or counted.lemma_.lower() in phrase.lower():
                return phrase
            return f"{counted.lemma_.lower()} {phrase}"  # "deliveries of 9m vehicles"
        if phrase:
            return phrase
    for noun in (subject, borrowed):
        if (
            noun is not None
            and noun.pos_ == "NOUN"
            and owners.at(noun) is None
            and noun.lower_ not in GENERIC_OWNERS
        ):
            phrase = _phrase(noun, exclude)
            if phrase:
                return phrase
    if candidate.match.is_money and lemma in MONEY_VERB_METRICS:
        return MONEY_VERB_METRICS[lemma]
    if lemma in VERB_METRICS:
        return VERB_METRICS[lemma]
    if counted is not None:
        return candidate.unit
    return None


def _measured_by(counted: Token) -> Token | None:
    """ "deliveries of 9 million vehicles" -> "deliveries" (not "the number of users")."""
    if counted.dep_ != "pobj" or counted.head.lower_ != "of":
        return None
    governor = counted.head.head
    if governor.pos_ != "NOUN" or governor.lower_ in POINTER_NOUNS:
        return None
    return governor


def _metric_noun(anchor: Token) -> tuple[Token | None, Token | None]:
    """(the noun that names what the amount measures, the verb of its clause)."""
    token = anchor
    for _ in range(4):
        dep = token.dep_
        head = token.head
        if head is token:
            return None, None
        if dep == "pobj" and head.dep_ == "prep":
            governor = head.head
            if governor.pos_ in {"NOUN", "PROPN"} and head.lower_ in {"of", "at", "about"}:
                if governor.lower_ in POINTER_NOUNS or governor.lower_ in GENERIC_COUNT_NOUNS:
                    token = governor
                    continue
                return governor, _governing_verb(governor)
            if governor.pos_ in {"VERB", "AUX"}:
                return None, governor
            token = governor
            continue
        if (
            dep in {"compound", "nmod", "amod", "nummod", "quantmod"}
            and head.pos_ in {"NOUN", "PROPN"}
            and head.i > token.i
        ):
            if head.lower_ in GENERIC_COUNT_NOUNS or head.lower_ in POINTER_NOUNS:
                token = head
                continue
            return head, _governing_verb(head)
        if dep == "appos" and head.pos_ == "NOUN":
            return head, _governing_verb(head)
        if head.pos_ in {"VERB", "AUX"}:
            return None, head
        token = head
    return None, None


def _governing_verb(token: Token) -> Token | None:
    current = token
    for _ in range(5):
        head = current.head
        if head is current:
            return current if current.pos_ in {"VERB", "AUX"} else None
        if head.pos_ in {"VERB", "AUX"}:
            return head
        current = head
    return None


def _clause_subject(verb: Token) -> Token | None:
    """Who or what the clause of `verb` is about; climbs conjuncts, xcomps, participles."""
    current = verb
    for _ in range(6):
        for child in current.children:
            if child.dep_ in SUBJECT_DEPS:
                if child.lower_ in {"which", "that", "who"} and current.dep_ == "relcl":
                    return current.head
                return child
        if current.dep_ in {"acl", "relcl"} and current.head.pos_ in {"NOUN", "PROPN"}:
            return current.head
        if current.dep_ not in SUBJECT_INHERITING_DEPS or current.head is current:
            return None
        current = current.head
    return None


def _generic_possessor(noun: Token) -> bool:
    """ "its revenue", "the company's shipments": owned by the company the text is about."""
    return any(child.dep_ == "poss" and child.lower_ in GENERIC_OWNERS for child in noun.children)


def _appositive_owner(token: Token, owners: _Owners) -> EntityRef | None:
    for child in token.children:
        if child.dep_ == "appos":
            found = owners.at(child)
            if found is not None:
                return found
    return None


def _antecedent(pronoun: Token, owners: _Owners) -> tuple[EntityRef | None, Token | None]:
    """What "it" stands for: the subject of the clause it is said in ("Acme said it would
    spend ..."), else that of the previous sentence (an entity, or a measured noun)."""
    clause = pronoun.head
    for _ in range(4):
        if clause.head is clause:
            break
        clause = clause.head
        if clause.pos_ in {"VERB", "AUX"}:
            outer = _clause_subject(clause)
            if outer is not None and outer is not pronoun and outer.i < pronoun.i:
                found = owners.at(outer) or _appositive_owner(outer, owners)
                if found is not None:
                    return found, None
    sentence = pronoun.sent
    if sentence.start == 0:
        return None, None
    previous = pronoun.doc[sentence.start - 1].sent
    subject = _clause_subject(previous.root)
    if subject is None:
        return None, None
    found = owners.at(subject)
    if found is not None:
        return found, None
    return owners.in_phrase(subject), subject


def _company_referent(anchor: Token, owners: _Owners) -> EntityRef | None:
    """The organization "the company" stands for: the one the previous sentence is about,
    else the one named most often just before (the latest on a tie)."""
    sentence = anchor.sent
    if sentence.start > 0:
        previous = anchor.doc[sentence.start - 1].sent
        subject = _clause_subject(previous.root)
        if subject is not None:
            found = owners.at(subject) or owners.in_phrase(subject)
            if found is not None and found.label == "ORG":
                return found
    counts: Counter[EntityRef] = Counter()
    latest: dict[EntityRef, int] = {}
    for start, _, mention in owners.mentions.between(anchor.i - GENERIC_LOOKBACK_TOKENS, anchor.i):
        if mention.entity.label == "ORG":
            counts[mention.entity] += 1
            latest[mention.entity] = start
    if not counts:
        return None
    return max(counts, key=lambda entity: (counts[entity], latest[entity]))


def _fallback_owner(candidate: _Candidate, context: _Sentence) -> tuple[EntityRef | None, str]:
    """The sentence's nearest organization, product or person, else the article's main one."""
    sentence = context.span
    anchor = candidate.anchor.i
    best: tuple[int, EntityRef] | None = None
    for start, end, mention in context.mentions.between(sentence.start, sentence.end):
        if mention.entity.label not in PREFERRED_OWNER_LABELS:
            continue
        if any(i in candidate.tokens for i in range(start, end)):
            continue
        distance = anchor - end if end <= anchor else (start - anchor) * 2
        if best is None or distance < best[0]:
            best = (distance, mention.entity)
    if best is not None:
        return best[1], "sentence"
    if context.main is not None:
        return context.main, "article"
    return None, "none"


def _owner_tokens(owner: EntityRef | None, context: _Sentence) -> set[int]:
    if owner is None:
        return set()
    sentence = context.span
    return {
        i
        for start, end, mention in context.mentions.between(sentence.start, sentence.end)
        if mention.entity == owner
        for i in range(start, end)
    }


def _share_of(candidate: _Candidate) -> Token | None:
    """ "42 percent of the market" -> "market"."""
    for token in candidate.span:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return obj
    return None


# ---------------------------------------------------------------------------
# Metric phrases


def _phrase(noun: Token, exclude: set[int]) -> str:
    """A short normalized noun phrase: modifiers, the noun, one short prepositional object.

    "Acme's global laptop shipments" -> "global laptop shipments";
    "the number of connected devices" -> "connected devices";
    "revenue of the cloud business" -> "cloud business revenue".
    """
    if noun.lower_ in POINTER_NOUNS:
        inner = _prep_object(noun, "of")
        if inner is not None:
            return _phrase(inner, exclude)
    start, end = _hyphenated(noun)
    words = [t for t in _modifier_tokens(noun, exclude) if t.i < start]
    words.extend(noun.doc[start:end])
    text = _join(words)
    for prep in noun.rights:
        if prep.dep_ != "prep" or prep.lower_ not in PHRASE_PREPS:
            continue
        objects = [c for c in prep.children if c.dep_ == "pobj"]
        if not objects or objects[0].i in exclude:
            continue
        inner_tokens = [
            t for t in objects[0].subtree
            if t.i not in exclude and not _skippable(t) and not _in_parentheses(t)
        ]  # fmt: skip
        if not inner_tokens or len(inner_tokens) > MAX_PHRASE_TOKENS:
            break
        object_text = _join(inner_tokens)
        if not any(ch.isalpha() for ch in object_text):
            break
        if prep.lower_ == "of" and not any(t.pos_ == "ADP" for t in inner_tokens):
            text = f"{object_text} {text}"
        else:
            text = f"{text} {prep.lower_} {object_text}"
        break
    return " ".join(text.split())


def _prep_object(noun: Token, word: str) -> Token | None:
    for prep in noun.rights:
        if prep.dep_ == "prep" and prep.lower_ == word:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def _modifier_tokens(noun: Token, exclude: set[int]) -> list[Token]:
    words: list[Token] = []
    for child in noun.lefts:
        if child.dep_ not in PHRASE_MODIFIER_DEPS:
            continue
        words.extend(
            t for t in child.subtree if t.i < noun.i and t.i not in exclude and not _skippable(t)
        )
    return sorted(set(words), key=lambda t: t.i)


def _skippable(token: Token) -> bool:
    if token.dep_ in {"det", "poss", "case", "predet", "nummod", "quantmod", "relcl", "acl"}:
        return True
    if token.pos_ in {"DET", "PRON", "NUM", "SYM", "AUX", "ADV", "PART", "CCONJ"} and not (
        token.lower_ in {"and", "&"} and token.pos_ == "CCONJ"
    ):
        return not (token.like_num and _glued_to_word(token))
    if token.pos_ == "VERB" and token.tag_ not in {"VBN", "VBG"}:
        return True
    if token.is_punct and token.text not in {"-", "&", "/"}:
        return True
    if token.like_num and _glued_to_word(token):
        return False  # "5G", "4K"
    return token.like_num or token.is_quote or token.is_space


def _glued_to_word(token: Token) -> bool:
    doc = token.doc
    return not token.whitespace_ and token.i + 1 < len(doc) and doc[token.i + 1].is_alpha


def _in_parentheses(token: Token) -> bool:
    """Inside "( … )" within a few tokens: abbreviations and asides stay out of metrics."""
    doc = token.doc
    for i in range(token.i - 1, max(token.sent.start, token.i - 6) - 1, -1):
        if doc[i].text == ")":
            return False
        if doc[i].text == "(":
            return True
    return False


def _join(tokens: list[Token]) -> str:
    """Tokens as written (hyphens kept tight); names keep their case, other words lower-case."""
    parts: list[str] = []
    ordered = sorted(set(tokens), key=lambda t: t.i)
    for position, token in enumerate(ordered):
        word = token.text
        keep_case = (
            token.pos_ == "PROPN"
            or token.ent_type_ in CASED_LABELS
            or any(ch.isupper() for ch in word[1:])
        )
        parts.append(word if keep_case else word.lower())
        following = ordered[position + 1] if position + 1 < len(ordered) else None
        if following is None or following.i != token.i + 1 or token.whitespace_:
            parts.append(" ")
    return _EDGE_JUNK.sub("", "".join(parts))
