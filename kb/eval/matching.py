"""Pure comparisons between a gold value and a knowledge-base value.

Names go through `kb.textnorm.fold` (case, accents, curly quotes, possessives, punctuation)
and are then compared without spaces, so "U.S." ~ "US" and "Wal-Mart" ~ "Walmart".
Containment, used only where FORMAT.md allows it, is by whole words: every word of one
name is a word of the other ("Kerry" ~ "John Kerry", never "Ford" ~ "Stanford").

The title synonym list belongs to the scorer, not to the extractors: sharing the
extractors' vocabulary would let a vocabulary mistake grade itself.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kb.textnorm import fold, strip_accents

DATE_TOLERANCE = dt.timedelta(days=3)
VALUE_TOLERANCE = 0.005
# Per-document entity gold lists every entity of these types (FORMAT.md).
EXHAUSTIVE_ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "LOC"})
_PLACE_TYPES = frozenset({"GPE", "LOC"})


def name_tokens(text: str) -> frozenset[str]:
    return frozenset(fold(text).split())


def name_key(text: str) -> str:
    """Exact-match key of a name: folded, without spaces."""
    return "".join(fold(text).split())


@dataclass(frozen=True)
class NameForms:
    """Every spelling we accept for one name: exact keys and word sets for containment."""

    keys: frozenset[str]
    word_sets: frozenset[frozenset[str]]

    @classmethod
    def of(cls, names: Iterable[str | None]) -> NameForms:
        spelled = [name for name in names if name and name_key(name)]
        return cls(
            keys=frozenset(name_key(name) for name in spelled),
            word_sets=frozenset(name_tokens(name) for name in spelled),
        )

    def __or__(self, other: NameForms) -> NameForms:
        return NameForms(self.keys | other.keys, self.word_sets | other.word_sets)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def matches(self, other: NameForms, *, containment: bool = False) -> bool:
        if self.keys & other.keys:
            return True
        if not containment:
            return False
        return any(
            mine <= theirs or theirs <= mine
            for mine in self.word_sets
            for theirs in other.word_sets
        )


def split_aliases(aliases: str | None) -> list[str]:
    """`v_entities.aliases` is one text joined by '; '."""
    return [part.strip() for part in (aliases or "").split(";") if part.strip()]


def entity_type_matches(
    gold_types: frozenset[str], kb_type: str | None, *, loc_as_gpe: bool
) -> bool:
    kb = (kb_type or "").upper()
    if kb in gold_types:
        return True
    return loc_as_gpe and kb in _PLACE_TYPES and bool(gold_types & _PLACE_TYPES)


# --- titles --------------------------------------------------------------------------------

# Phrases (as folded word tuples) replaced by one canonical word before comparing. Vice
# titles get their own word so that "Vice President" does not pass for "President".
TITLE_SYNONYMS: dict[tuple[str, ...], str] = {
    ("chief", "executive", "officer"): "ceo",
    ("chief", "executive"): "ceo",
    ("chief", "exec"): "ceo",
    ("group", "ceo"): "ceo",
    ("chief", "financial", "officer"): "cfo",
    ("finance", "chief"): "cfo",
    ("chief", "operating", "officer"): "coo",
    ("chief", "technology", "officer"): "cto",
    ("chief", "technical", "officer"): "cto",
    ("chief", "marketing", "officer"): "cmo",
    ("chief", "information", "officer"): "cio",
    ("chief", "product", "officer"): "cpo",
    ("managing", "director"): "md",
    ("general", "manager"): "gm",
    ("vice", "president"): "vice_president",
    ("vp",): "vice_president",
    ("svp",): "vice_president",
    ("evp",): "vice_president",
    ("vice", "chairman"): "vice_chairman",
    ("vice", "chair"): "vice_chairman",
    ("deputy", "chairman"): "vice_chairman",
    ("chairwoman",): "chairman",
    ("chairperson",): "chairman",
    ("chair",): "chairman",
    ("cofounder",): "founder",
    ("spokesman",): "spokesperson",
    ("spokeswoman",): "spokesperson",
    ("boss",): "head",
    ("premier",): "prime_minister",
    ("prime", "minister"): "prime_minister",
}
_LONGEST_TITLE_PHRASE = max(len(phrase) for phrase in TITLE_SYNONYMS)

# Modifiers and function words that two different titles share without meaning the same job.
TITLE_FILLER = frozenset(
    "a an and the of at for in to on with chief officer senior deputy executive acting interim "
    "former ex co new group company corporation board general global".split()
)


def title_words(title: str) -> frozenset[str]:
    """Content words of a job title with synonyms made one word: 'Chief Executive' -> {'ceo'}."""
    words = fold(title).split()
    canonical: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(_LONGEST_TITLE_PHRASE, len(words) - index), 0, -1):
            phrase = tuple(words[index : index + size])
            if phrase in TITLE_SYNONYMS:
                canonical.append(TITLE_SYNONYMS[phrase])
                index += size
                break
        else:
            canonical.append(words[index])
            index += 1
    content = frozenset(word for word in canonical if word not in TITLE_FILLER)
    return content or frozenset(canonical)


def titles_agree(gold_titles: Iterable[str], kb_titles: Iterable[str | None]) -> bool:
    """A gold title (any alternative) shares a content word with a KB title."""
    gold = frozenset().union(*(title_words(title) for title in gold_titles))
    return any(gold & title_words(title) for title in kb_titles if title)


# --- figures -------------------------------------------------------------------------------

METRIC_STOPWORDS = frozenset(
    "a an and the of in on for to by with per from at as its their his her total number "
    "amount".split()
)
_METRIC_SPLIT = re.compile(r"[^\w&-]+")


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _stem(word: str) -> str:
    """A light stemmer, enough for 'deliveries' ~ 'delivered' ~ 'delivery', 'orders' ~ 'ordered'."""
    word = _singular(word)
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] in "ey":
        word = word[:-1]
    return word


def metric_words(metric: str) -> frozenset[str]:
    """Stemmed content words of a metric; 'pre-orders' gives 'preorder', 'pre' and 'order'.

    "Shares a content word" is read up to inflection: 'delivered units' ~ 'deliveries'.
    """
    words: set[str] = set()
    text = strip_accents(unicodedata.normalize("NFKC", metric)).casefold()
    for chunk in _METRIC_SPLIT.split(text):
        parts = [part for part in re.split(r"[-&_]", chunk) if part]
        candidates = [*parts, "".join(parts)] if len(parts) > 1 else parts
        words.update(_stem(word) for word in candidates if word not in METRIC_STOPWORDS)
    return frozenset(word for word in words if len(word) > 1)


def metrics_agree(gold_metric: str, kb_metric: str | None) -> bool:
    return bool(kb_metric) and bool(metric_words(gold_metric) & metric_words(kb_metric or ""))


CURRENCY_ALIASES: dict[str, str] = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "us dollar": "USD", "us dollars": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "pound sterling": "GBP",
    "cny": "CNY", "rmb": "CNY", "yuan": "CNY", "renminbi": "CNY",
    "jpy": "JPY", "yen": "JPY", "inr": "INR", "₹": "INR", "rupee": "INR", "rupees": "INR",
    "hkd": "HKD", "hk$": "HKD", "chf": "CHF", "swiss franc": "CHF", "swiss francs": "CHF",
}  # fmt: skip


def currency_code(currency: str | None) -> str | None:
    if currency is None or not currency.strip():
        return None
    text = " ".join(currency.casefold().split())
    return CURRENCY_ALIASES.get(text, text.upper())


_PERCENT = frozenset({"%", "percent", "per cent", "percentage", "pct", "percentage point"})
# A bare count: gold writes "units", extractors may leave the unit empty.
_COUNT = frozenset({"", "unit", "count", "piece", "item"})


def unit_key(unit: str | None) -> str:
    text = " ".join((unit or "").casefold().split())
    if text in _PERCENT or text.rstrip("s") in _PERCENT:
        return "%"
    words = " ".join(_singular(word) for word in fold(text).split())
    return "" if words in _COUNT else words


def units_agree(gold_unit: str, kb_unit: str | None, kb_currency: str | None) -> bool:
    """Units agree once normalized; a gold unit naming a currency agrees with that currency."""
    if unit_key(gold_unit) == unit_key(kb_unit):
        return True
    gold_currency = CURRENCY_ALIASES.get(" ".join(gold_unit.casefold().split()))
    return gold_currency is not None and gold_currency == currency_code(kb_currency)


def currencies_agree(gold_currency: str, kb_currency: str | None) -> bool:
    return currency_code(gold_currency) == currency_code(kb_currency)


def period_key(period: str | None) -> str:
    return re.sub(r"[\s_/]+", "-", (period or "").strip().upper())


def periods_agree(gold_period: str, kb_period: str | None) -> bool:
    return bool(kb_period) and period_key(gold_period) == period_key(kb_period)


def values_agree(gold_value: float, kb_value: float | None) -> bool:
    """Within 0.5 % of the gold value (exactly zero for a gold zero)."""
    if kb_value is None:
        return False
    return abs(kb_value - gold_value) <= VALUE_TOLERANCE * abs(gold_value) + 1e-9


def dates_agree(gold_date: dt.date, kb_date: dt.date | None) -> bool:
    return kb_date is not None and abs(kb_date - gold_date) <= DATE_TOLERANCE


def relation_key(relation: str) -> str:
    return "_".join(fold(relation).replace("_", " ").split())


# Relations whose direction carries no meaning: gold (A, r, B) matches a KB row (B, r, A).
SYMMETRIC_RELATIONS = frozenset({"met", "partners_with"})
