"""Figures: the numeric facts an article states about its entities.

`extract_figures` reads each sentence once: `kb.extract.numbers` finds the amounts,
periods and relative changes in its text, and the dependency parse decides which
amounts state a figure (not a year, a rank, an age, a duration or part of a name),
what is measured (the metric: "smartphone shipments", "registered capital") and
whom it is about (the subject of the clause, the possessor, "for X", else the
article's main company with a lower confidence). A relative change ("up 28.1%
year-on-year") is attached to the figure it modifies; a change with nothing to
attach to is a figure of its own (the percent, with its change fields set).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kb.extract.coref import MentionIndex
from kb.extract.numbers import (
    AmountMatch,
    ChangeMatch,
    PeriodMatch,
    find_amounts,
    find_changes,
    find_periods,
    parse_qualifier,
    period_as_of,
)
from kb.records import EntityRef, Evidence, FigureRecord, MentionRecord

EXTRACTOR = "figures.v1"

# Labels of mentions a figure can be about, best first within a clause.
OWNER_LABELS = frozenset({"ORG", "PRODUCT", "PERSON", "GPE", "NORP", "FAC", "LOC", "EVENT",
                          "WORK_OF_ART", "LAW"})  # fmt: skip
PREFERRED_OWNER_LABELS = frozenset({"ORG", "PRODUCT", "PERSON"})
# Named things whose names may contain digits ("Apple Watch 5", "Big 12", "Euro 2020").
NAME_LABELS = frozenset({"ORG", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "FAC", "PERSON"})

# A number right after one of these words is a rank, an index or a label, not a figure.
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
        "terminal", "lane", "street", "avenue", "road", "studio", "squad", "group", "matchday",
    }
)  # fmt: skip
TIME_UNITS = frozenset(
    {
        "year", "month", "week", "day", "hour", "minute", "second", "decade", "century",
        "night", "weekend", "yr", "hr", "min", "sec", "fortnight", "millennium", "term",
    }
)  # fmt: skip
# Nouns after a number that mark a threshold or a multiple, not a measured value.
NOT_MEASURED_NOUNS = frozenset(
    {"mark", "threshold", "milestone", "barrier", "level", "times", "fold", "x", "plus",
     "percentile", "place", "spot", "position"}
)  # fmt: skip
# Counted nouns that say how something is counted, not what: the metric comes from the clause.
GENERIC_COUNT_NOUNS = frozenset(
    {"unit", "units", "piece", "pieces", "item", "items", "time", "copy", "copies", "set",
     "sets", "pair", "pairs", "one", "ones", "yuan", "dollar", "dollars", "euro", "euros"}
)  # fmt: skip
# Head nouns that only point at the measured thing: "the number of users" -> "users".
POINTER_NOUNS = frozenset(
    {"number", "total", "amount", "count", "sum", "figure", "tally", "volume", "quantity",
     "level", "value", "record", "high", "low", "peak", "height"}
)  # fmt: skip
# Nouns and pronouns that stand for "the company" of the article.
GENERIC_OWNERS = frozenset(
    {"it", "its", "they", "their", "we", "our", "company", "group", "firm", "corporation",
     "business", "maker", "manufacturer", "automaker", "carmaker", "brand", "giant",
     "startup", "start-up", "conglomerate", "retailer", "platform", "lender", "bank",
     "insurer", "operator", "provider", "developer", "vendor", "supplier", "which", "that",
     "who", "this"}
)  # fmt: skip
# What a verb of the clause measures when its subject is the entity itself.
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
# The verb metrics that name what a counted noun is counted by: "shipped 5m laptops".
COUNT_VERB_METRICS = frozenset({"shipments", "sales", "deliveries", "production", "exports",
                                "imports", "orders", "downloads"})  # fmt: skip
# Verbs after which "X% of Y" names a share of Y.
SHARE_VERBS = frozenset({"have", "hold", "account", "take", "capture", "control", "make",
                         "represent", "command", "own", "comprise", "constitute"})  # fmt: skip
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
SUBJECT_INHERITING_DEPS = frozenset({"conj", "xcomp", "advcl", "ccomp", "pcomp", "prep"})
MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "advmod", "nummod",
                           "quantmod", "poss", "punct", "case", "det", "predet", "hmod",
                           "nn"})  # fmt: skip
PHRASE_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "hmod", "npadvmod"})
PHRASE_PREPS = frozenset({"of", "in", "for", "on", "from"})
MAX_PHRASE_TOKENS = 8
# Between a figure and a change that follows it: "42.2 million units, up 28.1%".
_CHANGE_AFTER_FIGURE = re.compile(
    r"^(?:[ \t]*[\w-]+){0,2}?[ \t]*[,;(–—-]?[ \t]*"
    r"(?:(?:and|or|which\s+(?:was|is)|representing|marking|reflecting|an?)\s+)?$",
    re.IGNORECASE,
)
# Between a change and the figure it leads to: "increased by 20.3% year-on-year to RMB 26.8 bn".
_CHANGE_BEFORE_FIGURE = re.compile(
    r"^[ \t,]*(?:(?:in|during|for|over|from)\s+[^,;.]{1,30}?[ \t,]+)?"
    r"(?:to|at|reaching|reached|hitting|totaling|totalling|amounting\s+to|standing\s+at|"
    r"or)[ \t]+(?:(?:a|an|the)\s+)?(?:(?:record|new|all-time|total|high|of)\s+)*$",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(r"^[\s-]*(?:years?|yrs?|months?)[\s-]*old\b|^-year-old", re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\b(?:aged|ages?|age\s+of)\s*$", re.IGNORECASE)
_DURATION_AFTER = re.compile(
    r"^[\s-]*(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries|"
    r"century|nights?|yrs?|hrs?|mins?)\b",
    re.IGNORECASE,
)
_TIME_WORDS = re.compile(
    r"\b(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|century|centuries|"
    r"quarters?|annual(?:ly)?|ago|today|tomorrow|yesterday|morning|evening|night|a\.m\.|p\.m\.|"
    r"am|pm|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|spring|summer|autumn|fall|winter)\b",
    re.IGNORECASE,
)


@dataclass
class _Candidate:
    """An amount of the sentence that states a figure, with what the parse says about it."""

    match: AmountMatch
    span: Span
    counted: Token | None = None
    unit: str | None = None
    qualifier: str = "exact"
    change: ChangeMatch | None = None
    is_change: bool = False  # the percent of a relative change
    period: str | None = None
    period_as_of: dt.date | None = None
    tokens: set[int] = field(default_factory=set)

    @property
    def anchor(self) -> Token:
        return self.counted if self.counted is not None else self.span.root

    @property
    def end_char(self) -> int:
        """End of the figure's words, its counted noun included when it follows the number."""
        if self.counted is not None and self.counted.i >= self.span.end:
            if self.counted.i - self.span.end <= 3:
                return self.counted.idx + len(self.counted)
        return self.span.end_char


def extract_figures(
    doc: Doc, mentions: Sequence[MentionRecord], published_on: dt.date | None
) -> Iterator[FigureRecord]:
    """Every figure the article states, one record per amount, in text order."""
    owners = [m for m in mentions if m.entity.label in OWNER_LABELS]
    index = MentionIndex(doc, owners)
    main = _main_entity(owners)
    parsed = doc.has_annotation("DEP")
    sentences = doc.sents if parsed or doc.has_annotation("SENT_START") else [doc[:]]
    for sentence in sentences:
        yield from _sentence_figures(sentence, index, main, published_on, parsed)


def _main_entity(mentions: Sequence[MentionRecord]) -> EntityRef | None:
    """The organization the article names most often (earliest on a tie)."""
    counts = Counter(m.entity for m in mentions if m.entity.label == "ORG")
    if not counts:
        return None
    return counts.most_common(1)[0][0]


# ---------------------------------------------------------------------------
# One sentence


def _sentence_figures(
    sentence: Span,
    index: MentionIndex,
    main: EntityRef | None,
    published_on: dt.date | None,
    parsed: bool,
) -> Iterator[FigureRecord]:
    text = sentence.text
    if not any(ch.isdigit() for ch in text) and not _has_number_word(sentence):
        return
    doc = sentence.doc
    base = sentence.start_char
    periods = find_periods(text, published_on)
    candidates: list[_Candidate] = []
    for match in find_amounts(text):
        if any(p.start < match.end and match.start < p.end for p in periods):
            continue
        span = doc.char_span(base + match.start, base + match.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        candidate = _candidate(match, span, text, index, parsed)
        if candidate is not None:
            candidates.append(candidate)
    if not candidates:
        return
    _attach_changes(candidates, find_changes(text), text)
    _attach_periods(candidates, periods, sentence, published_on)
    for candidate in candidates:
        if candidate.is_change and candidate.change is None:
            continue  # consumed by the figure it modifies
        yield _figure(candidate, sentence, index, main, published_on)


def _has_number_word(sentence: Span) -> bool:
    return any(t.like_num for t in sentence)


def _candidate(
    match: AmountMatch, span: Span, text: str, index: MentionIndex, parsed: bool
) -> _Candidate | None:
    """The amount as a figure candidate, or None when it is not a figure."""
    before = text[: match.start]
    after = text[match.end :]
    amount = match.amount
    typed = match.is_money or match.is_percent or match.scaled
    if _AGE_AFTER.match(after) or _AGE_BEFORE.search(before[-12:]):
        return None
    if not (match.is_money or match.is_percent) and _DURATION_AFTER.match(after):
        return None
    if not typed and not match.is_measure:
        if _is_date_or_time(span) or _is_rank(span, before) or _inside_name(span, index):
            return None
        if _is_apposed_age(span, index):
            return None
    counted = None if match.is_measure else _counted_noun(match, span)
    if counted is not None:
        lemma = counted.lemma_.lower()
        if lemma in TIME_UNITS or counted.lower_ in NOT_MEASURED_NOUNS:
            return None
    if not typed and not match.is_measure:
        if _year_like(amount.value) and amount.value_high is None and counted is None:
            return None
        if _year_like(amount.value) and amount.value_high is not None and _year_like(
            amount.value_high
        ):
            return None
        if match.from_words and (counted is None or amount.value <= 1):
            return None
        if counted is None and amount.value < 1000 and not _states_a_value(span):
            return None
    unit = amount.unit
    if unit is None and counted is not None and not match.is_money:
        unit = _noun_text(counted).lower()
    return _Candidate(
        match=match,
        span=span,
        counted=counted,
        unit=unit,
        qualifier=parse_qualifier(before, after),
        tokens={t.i for t in span} | ({counted.i} if counted is not None else set()),
    )


def _year_like(value: float) -> bool:
    return value.is_integer() and 1800 <= value <= 2100


def _is_date_or_time(span: Span) -> bool:
    for token in span:
        if token.ent_type_ in {"DATE", "TIME"}:
            entity = next((e for e in span.doc.ents if e.start <= token.i < e.end), None)
            if entity is not None and (
                _TIME_WORDS.search(entity.text) or any(_year_like_token(t) for t in entity)
            ):
                return True
        if token.ent_type_ == "ORDINAL":
            return True
    return False


def _year_like_token(token: Token) -> bool:
    return token.text.isdigit() and len(token.text) == 4 and _year_like(float(token.text))


def _is_rank(span: Span, before: str) -> bool:
    doc = span.doc
    if span.start == 0:
        return False
    previous = doc[span.start - 1]
    word = previous.lower_
    if word in RANK_CUES or word.rstrip(":") in RANK_CUES:
        return True
    if word == "the" and span.start >= 2 and doc[span.start - 2].lower_ == "top":
        return True
    return before.rstrip().endswith(("#", "No.", "no."))


def _inside_name(span: Span, index: MentionIndex) -> bool:
    """A number inside a name: "Apple Watch 5", "the Big 12", "Euro 2020"."""
    doc = span.doc
    for token in span:
        mention = index.at(token)
        if mention is not None and any(ch.isalpha() for ch in mention.text):
            return True
        if token.ent_type_ in NAME_LABELS:
            entity = next((e for e in doc.ents if e.start <= token.i < e.end), None)
            if entity is not None and any(t.is_alpha for t in entity):
                return True
    return False


def _is_apposed_age(span: Span, index: MentionIndex) -> bool:
    """"Ana Ruiz, 54, said": an age set off by commas after a person's name."""
    doc = span.doc
    if span.start < 2 or span.end >= len(doc):
        return False
    if doc[span.start - 1].text != "," or doc[span.end].text not in {",", ")"}:
        return False
    previous = doc[span.start - 2]
    mention = index.at(previous)
    is_person = (mention is not None and mention.entity.label == "PERSON") or (
        previous.ent_type_ == "PERSON"
    )
    return is_person and span.root.like_num and len(span) == 1


def _counted_noun(match: AmountMatch, span: Span) -> Token | None:
    """The noun a bare number counts: "240,000 pre-orders", "more than 40 popular apps"."""
    if match.is_money or match.is_percent:
        return None
    doc = span.doc
    root = span.root
    head = root.head
    if (
        head is not root
        and head.i >= span.end
        and head.i - span.end <= 4
        and head.pos_ in {"NOUN", "PROPN"}
        and root.dep_ in {"nummod", "quantmod", "compound", "amod", "nmod", "dep", "npadvmod"}
        and not any(doc[i].is_punct and doc[i].text not in {"-"} for i in range(span.end, head.i))
    ):
        return head
    # The parser sometimes hangs the number elsewhere; a plural noun right after it counts too.
    position = span.end
    while position < len(doc) and position - span.end < 3:
        token = doc[position]
        if token.lower_ in {"or", "more", "+", "plus", "and", "above"} and position == span.end:
            position += 1
            continue
        if token.tag_ in {"NNS", "NNPS"} or token.lower_ == "people":
            return token
        if token.pos_ not in {"ADJ", "NOUN", "PROPN"} and token.text != "-":
            break
        position += 1
    return None


def _noun_text(noun: Token) -> str:
    """The noun with the words hyphenated onto it: "pre-orders", "AI-related patents" -> "patents"."""
    doc = noun.doc
    start = noun.i
    while start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and not (
        doc[start - 1].whitespace_
    ):
        start -= 2
    end = noun.i
    while end + 2 < len(doc) and doc[end + 1].text == "-" and not doc[end].whitespace_ and not (
        doc[end + 1].whitespace_
    ):
        end += 2
    return doc[start : end + 1].text


def _states_a_value(span: Span) -> bool:
    """A bare number that the clause presents as a value: "reached 822", "rose to 96"."""
    root = span.root
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
        target = _change_target(change, candidates, text)
        if target is not None:
            if change.points and not target.match.is_percent:
                target = None
            elif target.change is None and not change.points:
                target.change = change
        if target is None and percent is not None and not change.points:
            percent.change = change  # nothing to attach to: the change is the figure


def _change_target(
    change: ChangeMatch, candidates: list[_Candidate], text: str
) -> _Candidate | None:
    following = [c for c in candidates if c.match.start >= change.end and not c.is_change]
    if following:
        nearest = following[0]
        if _CHANGE_BEFORE_FIGURE.match(text[change.end : nearest.match.start]):
            return nearest
    preceding = [
        c
        for c in candidates
        if c.match.end <= change.start and c.match.start != change.amount_start and not c.is_change
    ]
    if preceding:
        nearest = preceding[-1]
        gap_start = nearest.end_char - nearest.span.sent.start_char
        gap = text[max(nearest.match.end, gap_start) : change.start]
        if _CHANGE_AFTER_FIGURE.match(gap):
            return nearest
    return None


def _attach_periods(
    candidates: list[_Candidate],
    periods: list[PeriodMatch],
    sentence: Span,
    published_on: dt.date | None,
) -> None:
    """A period attached to one figure's words is that figure's; others cover the clause."""
    if not periods:
        return
    doc = sentence.doc
    base = sentence.start_char
    owned: dict[int, PeriodMatch] = {}
    shared: list[tuple[int, PeriodMatch]] = []
    for period in periods:
        span = doc.char_span(base + period.start, base + period.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        owner = _period_owner(span, candidates)
        if owner is not None:
            owned.setdefault(owner, period)
        else:
            shared.append((span.root.i, period))
    for number, candidate in enumerate(candidates):
        period = owned.get(number)
        if period is None and shared:
            anchor = candidate.anchor.i
            period = min(shared, key=lambda item: abs(item[0] - anchor))[1]
        if period is not None:
            candidate.period = period.period
            candidate.period_as_of = period.as_of or period_as_of(period.period)


def _period_owner(span: Span, candidates: list[_Candidate]) -> int | None:
    token = span.root
    for _ in range(3):
        head = token.head
        if head is token:
            return None
        for number, candidate in enumerate(candidates):
            if head.i in candidate.tokens:
                return number
        if head.pos_ in {"VERB", "AUX"}:
            return None
        token = head
    return None


# ---------------------------------------------------------------------------
# Metric and entity


def _figure(
    candidate: _Candidate,
    sentence: Span,
    index: MentionIndex,
    main: EntityRef | None,
    published_on: dt.date | None,
) -> FigureRecord:
    match = candidate.match
    amount = match.amount
    doc = sentence.doc
    metric, owner, how = _describe(candidate, index)
    confidence = 0.9
    if owner is None:
        owner, how = _fallback_owner(candidate, sentence, index, main)
    confidence -= {"syntax": 0.0, "generic": 0.2, "sentence": 0.3, "article": 0.45,
                   "none": 0.55}[how]  # fmt: skip
    if metric is None:
        confidence -= 0.1
    if candidate.is_change:
        confidence -= 0.1
    value = amount.value
    change_pct = None
    change_basis = None
    if candidate.change is not None:
        change_pct = candidate.change.value
        change_basis = candidate.change.basis
        if candidate.is_change:
            value = abs(value)
    start = sentence.start_char + match.start
    end = max(sentence.start_char + match.end, candidate.end_char)
    return FigureRecord(
        entity=owner,
        metric=metric,
        value=value,
        value_high=amount.value_high,
        unit=candidate.unit,
        currency=amount.currency,
        period=candidate.period,
        qualifier=candidate.qualifier,  # type: ignore[arg-type]
        change_pct=change_pct,
        change_basis=change_basis,
        raw_text=doc.text[start:end],
        as_of=candidate.period_as_of or published_on,
        evidence=Evidence(
            start_char=start,
            end_char=end,
            sent_start=sentence.start_char,
            sent_end=sentence.end_char,
        ),
        extractor=EXTRACTOR,
        confidence=round(max(0.05, min(1.0, confidence)), 2),
    )


def _describe(
    candidate: _Candidate, index: MentionIndex
) -> tuple[str | None, EntityRef | None, str]:
    """(metric, entity, how the entity was found) from the parse around the figure."""
    exclude = set(candidate.tokens)
    anchor = candidate.anchor
    counted = candidate.counted
    metric_noun: Token | None = None
    verb: Token | None = None
    if counted is not None and counted.lower_ not in GENERIC_COUNT_NOUNS:
        metric_noun = counted
        verb = _governing_verb(counted)
    else:
        metric_noun, verb = _metric_noun(anchor, candidate)
    share_of = _share_of(candidate) if candidate.match.is_percent else None

    owner: EntityRef | None = None
    how = "none"
    subject = _clause_subject(verb) if verb is not None else None
    if metric_noun is not None:
        owner = _owner_in_phrase(metric_noun, index)
    if owner is None and subject is not None:
        owner, how = _owner_of_subject(subject, index)
        if owner is None and how == "none" and subject is not metric_noun:
            owner = _owner_in_phrase(subject, index)
    if owner is not None and how == "none":
        how = "syntax"
    exclude |= _mention_tokens(owner, index, candidate.span.sent)

    metric: str | None = None
    if share_of is not None:
        metric = "share of " + _phrase(share_of, exclude) if _phrase(share_of, exclude) else None
    elif metric_noun is not None and metric_noun is counted:
        metric = _phrase(metric_noun, exclude)
        verb_metric = VERB_METRICS.get(verb.lemma_.lower()) if verb is not None else None
        if verb_metric in COUNT_VERB_METRICS and metric:
            metric = f"{counted.lemma_.lower()} {verb_metric}"
    elif metric_noun is not None:
        metric = _phrase(metric_noun, exclude)
    if not metric and subject is not None and subject.pos_ in {"NOUN", "PROPN"}:
        if index.at(subject) is None and subject.lower_ not in GENERIC_OWNERS:
            metric = _phrase(subject, exclude)
    if not metric and verb is not None:
        lemma = verb.lemma_.lower()
        if candidate.match.is_money and lemma in MONEY_VERB_METRICS:
            metric = MONEY_VERB_METRICS[lemma]
        else:
            metric = VERB_METRICS.get(lemma)
    if not metric and counted is not None:
        metric = _noun_text(counted).lower()
    return (metric or None), owner, how


def _metric_noun(anchor: Token, candidate: _Candidate) -> tuple[Token | None, Token | None]:
    """(the noun that names what the amount measures, the verb of its clause)."""
    token = anchor
    for _ in range(4):
        dep = token.dep_
        head = token.head
        if head is token:
            return None, None
        if dep == "pobj" and head.dep_ == "prep":
            prep = head.lower_
            owner = head.head
            if owner.pos_ in {"NOUN", "PROPN"} and prep in {"of", "at", "worth", "about"}:
                if owner.lower_ in POINTER_NOUNS:
                    token = owner
                    continue
                return owner, _governing_verb(owner)
            if owner.pos_ in {"VERB", "AUX"}:
                return None, owner
            token = owner
            continue
        if dep in {"compound", "nmod", "amod", "nummod", "quantmod"} and head.pos_ in {
            "NOUN", "PROPN"
        } and head.i > token.i:
            if head.lower_ in GENERIC_COUNT_NOUNS or head.lower_ in POINTER_NOUNS:
                token = head
                continue
            return head, _governing_verb(head)
        if dep == "appos" and head.pos_ in {"NOUN"}:
            return head, _governing_verb(head)
        if head.pos_ in {"VERB", "AUX"}:
            return None, head
        if dep in {"conj", "appos"}:
            token = head
            continue
        if head.pos_ in {"NOUN", "PROPN"} and token.dep_ in {"npadvmod", "advmod"}:
            token = head
            continue
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


def _share_of(candidate: _Candidate) -> Token | None:
    """"42 percent of the market" -> "market"."""
    for token in candidate.span:
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
    return None


def _owner_in_phrase(noun: Token, index: MentionIndex) -> EntityRef | None:
    """The entity a noun phrase names as its owner: "Acme's revenue", "revenue of/for/at Acme"."""
    mention = index.at(noun)
    if mention is not None:
        return mention.entity
    for child in noun.children:
        if child.dep_ == "poss":
            found = _mention_in(child, index)
            if found is not None:
                return found
    for child in noun.children:
        if child.dep_ in {"compound", "nmod"} and child.i < noun.i:
            found = index.at(child)
            if found is not None and found.entity.label in PREFERRED_OWNER_LABELS:
                return found.entity
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in {"of", "for", "at", "by", "from"}:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    found = _mention_in(obj, index, shallow=True)
                    if found is not None:
                        return found
    return None


def _mention_in(token: Token, index: MentionIndex, shallow: bool = False) -> EntityRef | None:
    mention = index.at(token)
    if mention is not None:
        return mention.entity
    children = [c for c in token.children if c.dep_ in {"poss", "compound", "nmod", "appos"}]
    if not shallow:
        children.extend(c for c in token.children if c.dep_ == "prep")
    for child in children:
        found = index.at(child)
        if found is not None:
            return found.entity
    return None


def _owner_of_subject(subject: Token, index: MentionIndex) -> tuple[EntityRef | None, str]:
    referent = index.referent(subject)
    if referent is not None:
        return referent.entity, "syntax"
    if subject.lower_ in GENERIC_OWNERS:
        return None, "generic"
    return None, "none"


def _fallback_owner(
    candidate: _Candidate, sentence: Span, index: MentionIndex, main: EntityRef | None
) -> tuple[EntityRef | None, str]:
    """Nearest organization, product or person of the sentence, else the article's main one."""
    anchor = candidate.anchor.i
    best: tuple[int, EntityRef] | None = None
    for span, mention in index.spans():
        if span.start < sentence.start or span.end > sentence.end:
            continue
        if mention.entity.label not in PREFERRED_OWNER_LABELS:
            continue
        if span.start <= anchor < span.end:
            continue
        distance = anchor - span.end if span.end <= anchor else (span.start - anchor) * 2
        if best is None or distance < best[0]:
            best = (distance, mention.entity)
    if best is not None:
        return best[1], "sentence"
    if main is not None:
        return main, "article"
    return None, "none"


def _mention_tokens(owner: EntityRef | None, index: MentionIndex, sentence: Span) -> set[int]:
    if owner is None:
        return set()
    return {
        t.i
        for span, mention in index.spans()
        if mention.entity == owner and span.start >= sentence.start and span.end <= sentence.end
        for t in span
    }


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
    words = _modifier_tokens(noun, exclude)
    words.append(noun)
    text = _join(words)
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ not in PHRASE_PREPS or prep.i < noun.i:
            continue
        objects = [c for c in prep.children if c.dep_ == "pobj"]
        if not objects or objects[0].i in exclude:
            continue
        obj = objects[0]
        inner_tokens = [
            t for t in obj.subtree
            if t.i not in exclude and not _skippable(t) and t.i - prep.i <= MAX_PHRASE_TOKENS
            and not _in_parentheses(t)
        ]  # fmt: skip
        if not inner_tokens or len(inner_tokens) > MAX_PHRASE_TOKENS - 2:
            continue
        inner = _join(inner_tokens)
        if not inner or not any(ch.isalpha() for ch in inner):
            continue
        text = f"{inner} {text}" if prep.lower_ == "of" else f"{text} {prep.lower_} {inner}"
        break
    return " ".join(text.split())


def _prep_object(noun: Token, word: str) -> Token | None:
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == word:
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def _modifier_tokens(noun: Token, exclude: set[int]) -> list[Token]:
    words: list[Token] = []
    for child in noun.lefts:
        if child.dep_ not in PHRASE_MODIFIER_DEPS and not (
            child.dep_ == "punct" and child.text == "-"
        ):
            continue
        for token in child.subtree:
            if token.i < noun.i and token.i not in exclude and not _skippable(token):
                words.append(token)
    # hyphenated pieces the parser left as separate tokens ("pre" "-" "orders")
    doc = noun.doc
    position = noun.i - 1
    while position >= 1 and doc[position].text == "-" and not doc[position].whitespace_:
        if doc[position - 1].whitespace_:
            break
        for token in (doc[position - 1], doc[position]):
            if token not in words and token.i not in exclude:
                words.append(token)
        position -= 2
    return sorted(set(words), key=lambda t: t.i)


def _skippable(token: Token) -> bool:
    if token.dep_ in {"det", "poss", "case", "predet", "nummod", "quantmod"}:
        return True
    if token.pos_ in {"DET", "PRON", "NUM", "SYM", "AUX", "VERB"} and token.tag_ not in {
        "VBN", "VBG"
    }:
        return True
    if token.is_punct and token.text not in {"-", "&", "/"}:
        return True
    if token.like_num or token.is_quote or token.text in {"’s", "'s"}:
        return True
    return token.pos_ == "ADV"


def _in_parentheses(token: Token) -> bool:
    """Inside "( … )" within a few tokens: abbreviations and asides stay out of metrics."""
    doc = token.doc
    sentence = token.sent
    for i in range(token.i - 1, max(sentence.start, token.i - 6) - 1, -1):
        if doc[i].text == ")":
            return False
        if doc[i].text == "(":
            return True
    return False


def _join(tokens: list[Token]) -> str:
    """Tokens as written (hyphens kept tight), proper names kept, other words lower-cased."""
    parts: list[str] = []
    ordered = sorted(tokens, key=lambda t: t.i)
    for position, token in enumerate(ordered):
        word = token.text
        if not (token.pos_ == "PROPN" or any(ch.isupper() for ch in word[1:])):
            word = word.lower()
        parts.append(word)
        following = ordered[position + 1] if position + 1 < len(ordered) else None
        if following is not None and following.i == token.i + 1 and not token.whitespace_:
            continue
        parts.append(" ")
    return "".join(parts).strip()
