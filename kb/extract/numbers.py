"""Numbers as news writes them, normalized: amounts, periods, changes, qualifiers.

Pure text functions (no spaCy): the figure extractor finds candidate spans with
`find_amounts`, `find_periods` and `find_changes` and decides with the parse which
of them state a figure about an entity.

    parse_amount("over ¥50 billion")           -> Amount(50e9, currency="CNY", qualifier="over")
    parse_amount("5–6 million units")          -> Amount(5e6, value_high=6e6, unit="units")
    parse_period("in the second quarter of 2024", None) -> "2024-Q2"
    parse_change("up 28.1% year-on-year")      -> (28.1, "yoy")

Every regex is compiled once, at import, and none nests unbounded repetition.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from kb.clean.dates import MONTHS, find_dates
from kb.records import ChangeBasis, Qualifier

# ---------------------------------------------------------------------------
# Vocabularies

# Symbols and codes written before a number ("US$7.18bn", "RMB 46.5 billion").
CURRENCY_PREFIXES: dict[str, str] = {
    "US$": "USD", "U.S.$": "USD", "US $": "USD", "$US": "USD", "USD": "USD", "$": "USD",
    "HK$": "HKD", "HKD": "HKD", "NT$": "TWD", "TWD": "TWD", "S$": "SGD", "SGD": "SGD",
    "A$": "AUD", "AU$": "AUD", "$A": "AUD", "AUD": "AUD", "C$": "CAD", "CA$": "CAD", "CAD": "CAD",
    "NZ$": "NZD", "NZD": "NZD", "R$": "BRL", "BRL": "BRL", "MX$": "MXN", "MXN": "MXN",
    "RMB": "CNY", "Rmb": "CNY", "CNY": "CNY", "CN¥": "CNY", "¥": "CNY", "￥": "CNY",
    "JP¥": "JPY", "JPY": "JPY", "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP",
    "₹": "INR", "Rs.": "INR", "Rs": "INR", "INR": "INR", "₩": "KRW", "KRW": "KRW",
    "CHF": "CHF", "₽": "RUB", "RUB": "RUB", "₺": "TRY", "TRY": "TRY", "₱": "PHP",
    "฿": "THB", "₫": "VND", "Rp": "IDR", "IDR": "IDR", "RM": "MYR", "MYR": "MYR",
    "SAR": "SAR", "AED": "AED", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "ZAR": "ZAR",
}  # fmt: skip

# Currency names and codes written after a number ("46.5 billion yuan"), lower-cased.
CURRENCY_SUFFIXES: dict[str, str] = {
    "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY", "元": "CNY",
    "人民币": "CNY", "元人民币": "CNY",
    "us dollars": "USD", "u.s. dollars": "USD", "us dollar": "USD", "usd": "USD",
    "dollars": "USD", "dollar": "USD", "美元": "USD",
    "hong kong dollars": "HKD", "hk dollars": "HKD", "hkd": "HKD", "港元": "HKD", "港币": "HKD",
    "australian dollars": "AUD", "aud": "AUD", "canadian dollars": "CAD", "cad": "CAD",
    "singapore dollars": "SGD", "new taiwan dollars": "TWD", "taiwan dollars": "TWD",
    "euros": "EUR", "euro": "EUR", "eur": "EUR", "欧元": "EUR",
    "pounds sterling": "GBP", "sterling": "GBP", "gbp": "GBP", "英镑": "GBP",
    "yen": "JPY", "jpy": "JPY", "日元": "JPY", "won": "KRW", "krw": "KRW",
    "rupees": "INR", "rupee": "INR", "inr": "INR", "rupiah": "IDR", "ringgit": "MYR",
    "baht": "THB", "dong": "VND", "swiss francs": "CHF", "francs": "CHF", "chf": "CHF",
    "roubles": "RUB", "rubles": "RUB", "lira": "TRY", "rand": "ZAR", "reais": "BRL",
    "pesos": "MXN", "dirhams": "AED", "riyals": "SAR",
}  # fmt: skip

# Written after a scaled number only ("5 million pounds"); "5 pounds" is a weight.
SCALED_ONLY_CURRENCIES: dict[str, str] = {"pounds": "GBP", "pound": "GBP"}

SCALES: dict[str, float] = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "mn": 1e6, "mln": 1e6, "mio": 1e6, "bn": 1e9, "bln": 1e9, "tn": 1e12, "trn": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
    "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "亿": 1e8, "万亿": 1e12,
}  # fmt: skip
# Single-letter scales, only glued to the number ("$5bn", "25k", "€3m").
GLUED_SCALES: dict[str, float] = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6, "b": 1e9, "B": 1e9}

PERCENT_UNITS: dict[str, str] = {
    "%": "%", "％": "%", "percent": "%", "per cent": "%", "pct": "%",
    "percentage point": "pp", "percentage points": "pp", "pp": "pp", "ppt": "pp", "ppts": "pp",
    "basis point": "bp", "basis points": "bp", "bps": "bp", "bp": "bp",
}  # fmt: skip
# British shorthand, only glued to the number ("1.38pc").
GLUED_PERCENT = re.compile(r"pc(?![A-Za-z0-9])")

# The longest unit a figure can have (the store's column): a longer "word" is junk.
MAX_UNIT_CHARS = 64

# Units of measure written after a number (spaced or glued), normalized.
MEASURE_UNITS: dict[str, str] = {
    "km/h": "km/h", "kph": "km/h", "kmh": "km/h", "mph": "mph", "rpm": "rpm",
    "km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km",
    "m": "m", "metres": "m", "meters": "m", "metre": "m", "meter": "m",
    "cm": "cm", "centimetres": "cm", "centimeters": "cm", "mm": "mm", "millimetres": "mm",
    "millimeters": "mm", "nm": "nm", "nanometres": "nm", "nanometers": "nm",
    "miles": "miles", "mile": "miles", "yards": "yards", "yard": "yards",
    "feet": "feet", "foot": "feet", "ft": "feet", "inches": "inches", "inch": "inches",
    "pound-feet": "pound-feet", "lb-ft": "pound-feet",
    "kg": "kg", "kilograms": "kg", "kilogrammes": "kg", "g": "g", "grams": "g",
    "tons": "tons", "tonnes": "tonnes", "ton": "tons", "tonne": "tonnes", "t": "tonnes",
    "lbs": "pounds", "lb": "pounds", "ounces": "ounces", "oz": "ounces",
    "litres": "litres", "liters": "litres", "litre": "litres", "liter": "litres", "l": "litres",
    "gallons": "gallons", "barrels": "barrels", "bpd": "barrels per day",
    "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "twh": "TWh", "w": "W", "watts": "W",
    "kw": "kW", "kilowatts": "kW", "mw": "MW", "megawatts": "MW", "gw": "GW",
    "gigawatts": "GW", "mah": "mAh", "v": "V", "volts": "V",
    "hz": "Hz", "khz": "kHz", "mhz": "MHz", "ghz": "GHz",
    "kb": "KB", "mb": "MB", "gb": "GB", "tb": "TB", "pb": "PB", "gbps": "Gbps", "mbps": "Mbps",
    "mp": "MP", "megapixels": "MP", "fps": "fps",
    "hp": "hp", "horsepower": "hp", "bhp": "bhp", "ps": "PS",
    "°c": "°C", "°f": "°F", "degrees celsius": "°C", "degrees fahrenheit": "°F",
    "celsius": "°C", "fahrenheit": "°F", "degrees": "degrees",
    "square metres": "m²", "square meters": "m²", "sq m": "m²", "sqm": "m²", "m²": "m²",
    "square feet": "sq ft", "sq ft": "sq ft", "square kilometres": "km²",
    "square kilometers": "km²", "acres": "acres", "hectares": "hectares",
}  # fmt: skip

# Units that are also common words or letters: only glued to the digits ("300PS").
_GLUED_ONLY_UNITS = frozenset({"ps"})

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


# ---------------------------------------------------------------------------
# Regexes


def _alternation(words: object) -> str:
    """Longest first, so "US$" wins over "$" and "percentage points" over "percentage"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER_WORD = (
    r"(?:"
    + "|".join(sorted([*_ONES, "hundred", *_WORD_SCALES, "dozen"], key=len, reverse=True))
    + r")"
)
_SCALE_WORD = r"(?:hundred|thousand|million|billion|trillion|dozen)"
_WORDS = (
    rf"(?:\b(?:half\s+an?|an?|one)\s+(?={_SCALE_WORD}\b)|(?<![-\w])(?!{_SCALE_WORD}\b))"
    rf"{_NUMBER_WORD}(?:(?:\s+and\s+|[ \t]+|-){_NUMBER_WORD})*\b(?!-\w)"
)
# `_DIGITS` not run on from a number, a code or a decimal point. Written digit first, the
# lookbehind after it, so that the regex engine skips to the digits of a text.
_LONE_DIGITS = r"(?P<digits>\d(?<![0-9_.,:/#+\-]\d)(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?)"
_NUMBER_CORE = re.compile(rf"{_LONE_DIGITS}|(?P<words>{_WORDS})", re.IGNORECASE)
_PREFIX_BEFORE = re.compile(rf"(?:(?<![A-Za-z])(?:{_alternation(CURRENCY_PREFIXES)}))\s?$")
_ASCII_SCALES = [k for k in SCALES if k.isascii()]
_SPACED_SCALE = re.compile(rf"[ \t]*(?P<scale>{_alternation(_ASCII_SCALES)})\b", re.IGNORECASE)
_CJK_SCALE = re.compile(rf"\s?(?P<scale>{_alternation(k for k in SCALES if not k.isascii())})")
_GLUED_WORD_SCALE = re.compile(r"(?P<scale>bn|mn|mln|bln|tn|trn)(?![A-Za-z0-9])", re.IGNORECASE)
_GLUED_LETTER_SCALE = re.compile(r"(?P<scale>[kKmMbB])(?![A-Za-z0-9])")
_MULTI_LETTER_UNITS = [u for u in MEASURE_UNITS if len(u) > 1]
_GLUED_UNIT = re.compile(
    rf"(?P<unit>{_alternation(_MULTI_LETTER_UNITS)})(?![A-Za-z0-9²])", re.IGNORECASE
)
# Single letters are units only in their usual case, glued: "5g", "1.5L", "65W" (not "5G").
_GLUED_LETTER_UNIT = re.compile(r"(?P<unit>[gtLlWV])(?![A-Za-z0-9])")
_SPACED_UNIT = re.compile(
    rf"[ \t](?P<unit>{_alternation(u for u in _MULTI_LETTER_UNITS if u not in _GLUED_ONLY_UNITS)})"
    r"(?![A-Za-z0-9²])",
    re.IGNORECASE,
)
_RANGE_SEP = re.compile(r"[ \t]*(?P<sep>[-–—~]|to\b|and\b)[ \t]*", re.IGNORECASE)
_RANGE_SECOND = re.compile(
    rf"(?:(?P<cur>{_alternation(CURRENCY_PREFIXES)})\s?)?(?P<digits>{_DIGITS})"
)
_BETWEEN_BEFORE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_PERCENT_WORDS = _alternation(k for k in PERCENT_UNITS if k not in {"%", "％"})
_PERCENT_AFTER = re.compile(
    rf"(?:(?P<sign>%|％)|[ \t]?(?P<unit>{_PERCENT_WORDS})\b)", re.IGNORECASE
)
_CURRENCY_AFTER = re.compile(
    rf"[ \t]?(?:(?P<cur>{_alternation(k for k in CURRENCY_SUFFIXES if k.isascii())})\b|"
    rf"(?P<cjk>{_alternation(k for k in CURRENCY_SUFFIXES if not k.isascii())}))",
    re.IGNORECASE,
)
_SCALED_CURRENCY_AFTER = re.compile(
    rf"[ \t](?P<cur>{_alternation(SCALED_ONLY_CURRENCIES)})\b(?:\s+sterling\b)?", re.IGNORECASE
)
_PER_AFTER = re.compile(
    r"\s+(?:per|a|an)\s+(?P<per>share|barrel|ton|tonne|unit|month|year|kwh|hour|ounce|night|"
    r"person|day|week|square\s+(?:foot|metre|meter))\b(?!\s+(?:ago|earlier|before|later)\b)",
    re.IGNORECASE,
)
_GLUED_TAIL = re.compile(r"[A-Za-z0-9]")
# A number run into a time, fraction, phone number, code or CJK date is not an amount.
_NOT_AN_AMOUNT_AFTER = re.compile(
    r"[:/]\d|[-–]\d+[-–]\d|\.[A-Za-z]|[年月日号时点分]|"
    r"\s?(?:[ap]\.m\.|(?i:[ap]m)\b|o['’]clock\b|(?i:GMT|UTC|BST|CET|EST|PST)\b)"
)
_WORD_AFTER = re.compile(r"[ \t]+(?P<word>[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z])")
# Only digits: `_NUMBER_CORE` for a text without a number word (its words cannot match).
_DIGITS_CORE = re.compile(_LONE_DIGITS)
_NUMBER_WORDS = frozenset([*_ONES, "hundred", *_WORD_SCALES, "dozen"])

# Quick rejection: a pattern that cannot match without some word or mark is skipped for a
# text that lacks it. Under IGNORECASE four non-ASCII letters match ASCII ones that
# `str.lower` does not give (İ ı ſ K); a text with one of them skips nothing.
_ODD_FOLDING = re.compile("[\u0130\u0131\u017f\u212a]")
_WORD_RUN = re.compile(r"\w+")
_DECIMAL_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=64)
def _word_runs(text: str) -> frozenset[str] | None:
    """The lower-cased maximal runs of word characters in `text` (None: cannot tell).

    A word that a pattern matches between word boundaries is one of them. Kept for the
    last texts: periods, amounts and changes are looked for in the same sentence."""
    if text.isascii():
        return frozenset(_WORD_RUN.findall(text.lower()))
    if _ODD_FOLDING.search(text):
        return None
    return frozenset(run.lower() for run in _WORD_RUN.findall(text))


def _odd_folding(text: str) -> bool:
    return not text.isascii() and _ODD_FOLDING.search(text) is not None


# Words that can follow a number without being what it counts.
_NOT_COUNTED = frozenset(
    {
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or",
        "but", "as", "than", "that", "which", "who", "is", "are", "was", "were", "be", "been",
        "has", "have", "had", "will", "would", "this", "these", "those", "it", "its", "per",
        "each", "respectively", "more", "less", "over", "under", "about", "up", "down",
        "year-on-year", "yoy", "annually", "globally", "worldwide", "so", "far", "last",
        "next", "new", "since", "after", "before", "during", "into", "plus", "only",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Amount:
    """A normalized quantity: `value` is absolute (42.2 million -> 42_200_000.0)."""

    value: float
    value_high: float | None = None
    unit: str | None = None
    currency: str | None = None
    qualifier: Qualifier = "exact"


@dataclass(frozen=True, slots=True)
class AmountMatch:
    """An amount found in a text: its character span and how it was written."""

    start: int
    end: int
    amount: Amount
    scaled: bool = False  # a scale word or suffix ("million", "bn", "万")
    from_words: bool = False  # written in words ("twenty", "one million")

    @property
    def is_money(self) -> bool:
        return self.amount.currency is not None

    @property
    def is_percent(self) -> bool:
        return self.amount.unit in {"%", "pp", "bp"}

    @property
    def is_measure(self) -> bool:
        return self.amount.unit is not None and not self.is_percent


# ---------------------------------------------------------------------------
# Numbers


def parse_number_words(text: str) -> float | None:
    """'twenty-five' -> 25, 'one million' -> 1e6, 'a dozen' -> 12, 'half a million' -> 5e5."""
    words = text.strip().lower()
    if words.startswith("half "):
        whole = parse_number_words(words[5:])
        return None if whole is None else whole / 2
    total = 0.0
    current = 0.0
    seen = False
    for word in re.split(r"[\s-]+", words):
        if word in {"and", ""}:
            continue
        if word in {"a", "an"}:
            current = current or 1
            continue
        if word in _ONES:
            current += _ONES[word]
        elif word == "dozen":
            current = (current or 1) * 12
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _WORD_SCALES:
            total += (current or 1) * _WORD_SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _digits_value(text: str) -> float:
    return float(text.replace(",", ""))


def find_amounts(text: str) -> list[AmountMatch]:
    """Every number in `text` with its currency, scale, range, percent or unit of measure.

    Model numbers and codes ("12S", "S24", "5G", "4K", "1810.HK"), times ("9:35"),
    fractions ("24/7"), phone numbers and scores ("2-2") are skipped here; whether a
    number states a figure (not a year, a rank, an age) is the caller's decision.
    """
    found: list[AmountMatch] = []
    position = 0
    # A number in words starts with a whole number word ("twenty-five", "a million"):
    # `_WORDS` has it between non-word characters (or after a separator-joined prefix).
    runs = _word_runs(text)
    with_words = runs is None or not runs.isdisjoint(_NUMBER_WORDS)
    for core in (_NUMBER_CORE if with_words else _DIGITS_CORE).finditer(text):
        if core.start() < position:
            continue
        if with_words and core.group("words") is not None:
            match = _word_amount(text, core)
        else:
            match = _digit_amount(text, core)
        if match is not None:
            position = match.end
            if _is_finite(match.amount):  # 400 digits are no amount, whatever float() says
                found.append(match)
    return found


def _is_finite(amount: Amount) -> bool:
    return math.isfinite(amount.value) and (
        amount.value_high is None or math.isfinite(amount.value_high)
    )


def _word_amount(text: str, core: re.Match[str]) -> AmountMatch | None:
    words = core.group("words")
    value = parse_number_words(words)
    if value is None:
        return None
    scaled = any(w in words.lower() for w in _WORD_SCALES)
    amount, end = _amount_suffix(text, core.end(), Amount(value), scaled)
    return AmountMatch(core.start(), end, amount, scaled=scaled, from_words=True)


def _digit_amount(text: str, core: re.Match[str]) -> AmountMatch | None:
    start, end = core.span()
    currency: str | None = None
    prefix = _PREFIX_BEFORE.search(text, max(0, start - 6), start)
    if prefix is not None:
        currency = CURRENCY_PREFIXES[prefix.group(0).strip()]
        start = prefix.start()
    elif start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
        return None  # "S24", "Q2", "H1": a code or a period, not an amount
    if _NOT_AN_AMOUNT_AFTER.match(text, end):
        return None
    value = _digits_value(core.group("digits"))
    suffix = _scale_or_unit(text, end, value, currency)
    if suffix is None:
        return None
    factor, unit, end = suffix
    value *= factor
    scaled = factor != 1.0
    value_high: float | None = None
    if unit is None:
        ranged = _range_after(text, start, end, value, scaled)
        if ranged == _SCORE:
            return None
        if isinstance(ranged, _Range):
            value, value_high, end, scaled, second_currency, unit = ranged
            currency = currency or second_currency
    amount = Amount(value, value_high, unit, currency)
    if unit is None:
        amount, end = _amount_suffix(text, end, amount, scaled)
    elif currency is not None:
        amount, end = _per_suffix(text, end, amount)
    return AmountMatch(start, end, amount, scaled=scaled)


def _scale_or_unit(
    text: str, end: int, value: float, currency: str | None
) -> tuple[float, str | None, int] | None:
    """What is glued to (or follows) the digits: a scale, a unit, or letters of a code (None)."""
    if match := _CJK_SCALE.match(text, end):
        return SCALES[match.group("scale")], None, match.end()
    if match := _GLUED_WORD_SCALE.match(text, end):
        return SCALES[match.group("scale").lower()], None, match.end()
    if match := _GLUED_UNIT.match(text, end):
        return 1.0, MEASURE_UNITS[match.group("unit").lower()], match.end()
    if match := _GLUED_LETTER_SCALE.match(text, end):
        letter = match.group("scale")
        money = currency is not None or _CURRENCY_AFTER.match(text, match.end()) is not None
        if letter in {"k", "K"} and not money and value < 10:
            return None  # "4K", "8K": a resolution, not 4,000
        if letter in {"m", "M"} and not money and not _followed_by_plural(text, match.end()):
            return 1.0, "m", match.end()  # "a 100m drop" is metres; "5m users" is millions
        return GLUED_SCALES[letter], None, match.end()
    if match := _GLUED_LETTER_UNIT.match(text, end):
        return 1.0, MEASURE_UNITS[match.group("unit").lower()], match.end()
    if match := GLUED_PERCENT.match(text, end):
        return 1.0, "%", match.end()
    if _GLUED_TAIL.match(text, end):
        return None  # "12S", "5G", "3D": part of a name or code
    if match := _SPACED_SCALE.match(text, end):
        return SCALES[match.group("scale").lower()], None, match.end()
    return 1.0, None, end


def _followed_by_plural(text: str, position: int) -> bool:
    """ "5m users", "3m people": the word after the number is a plural it counts."""
    after = _WORD_AFTER.match(text, position)
    if after is None:
        return False
    word = after.group("word").lower()
    return word not in _NOT_COUNTED and (word.endswith("s") or word == "people")


class _Range(NamedTuple):
    low: float
    high: float
    end: int
    scaled: bool
    currency: str | None
    unit: str | None


_SCORE = "score"


def _range_after(
    text: str, start: int, position: int, low: float, scaled: bool
) -> _Range | str | None:
    """The high end of "5–6 million", "RMB 3,000-4,000", "between $5 and $6 billion".

    None when no range follows; `_SCORE` when what follows makes the number a score
    ("2-2", "3-1"), not an amount.
    """
    separator = _RANGE_SEP.match(text, position)
    if separator is None:
        return None
    word = separator.group("sep").lower()
    if word == "and" and not _BETWEEN_BEFORE.search(text, max(0, start - 12), start):
        return None
    if word == "to" and _FROM_BEFORE.search(text, max(0, start - 8), start):
        return None
    second = _RANGE_SECOND.match(text, separator.end())
    if second is None or _NOT_AN_AMOUNT_AFTER.match(text, second.end()):
        return None
    high = _digits_value(second.group("digits"))
    suffix = _scale_or_unit(text, second.end(), high, None)
    if suffix is None:
        return None
    factor, unit, end = suffix
    high *= factor
    if not scaled and factor != 1.0:
        low *= factor
        scaled = True
    if high <= low:
        return _SCORE if word not in {"to", "and"} and not scaled else None
    currency = CURRENCY_PREFIXES[second.group("cur")] if second.group("cur") else None
    return _Range(low, high, end, scaled, currency, unit)


def _amount_suffix(text: str, end: int, amount: Amount, scaled: bool) -> tuple[Amount, int]:
    """Percent, currency name or unit of measure written after the number."""
    if match := _PERCENT_AFTER.match(text, end):
        unit_text = match.group("sign") or " ".join(match.group("unit").lower().split())
        return replace(amount, unit=PERCENT_UNITS[unit_text]), match.end()
    if amount.currency is None:
        if match := _CURRENCY_AFTER.match(text, end):
            name = match.group("cur") or match.group("cjk")
            currency = CURRENCY_SUFFIXES[" ".join(name.lower().split())]
            return _per_suffix(text, match.end(), replace(amount, currency=currency))
        if scaled and (match := _SCALED_CURRENCY_AFTER.match(text, end)):
            currency = SCALED_ONLY_CURRENCIES[match.group("cur").lower()]
            return _per_suffix(text, match.end(), replace(amount, currency=currency))
        if match := _SPACED_UNIT.match(text, end):
            return replace(amount, unit=MEASURE_UNITS[match.group("unit").lower()]), match.end()
        return amount, end
    return _per_suffix(text, end, amount)


def _per_suffix(text: str, end: int, amount: Amount) -> tuple[Amount, int]:
    """ "$58 per barrel", "$1.20 a share": a price per something."""
    if match := _PER_AFTER.match(text, end):
        per = " ".join(match.group("per").lower().split())
        return replace(amount, unit=f"per {per}"), match.end()
    return amount, end


# ---------------------------------------------------------------------------
# Qualifiers

_QUALIFIER_WORDS: tuple[tuple[Qualifier, str], ...] = (
    ("nearly", r"nearly|almost|close\s+to|just\s+(?:under|below|shy\s+of)|nigh\s+on"),
    (
        "over",
        r"more\s+than|over|above|exceed(?:ed|ing|s)?|in\s+excess\s+of|at\s+least|"
        r"upwards\s+of|north\s+of|no\s+(?:less|fewer)\s+than|not\s+less\s+than|"
        r"topp(?:ed|ing)|tops|surpass(?:ed|ing|es)?|beyond|over\s+than|just\s+over",
    ),
    (
        "under",
        r"less\s+than|fewer\s+than|under|below|up\s+to|at\s+most|no\s+more\s+than|"
        r"not\s+more\s+than|as\s+(?:many|much)\s+as|a\s+maximum\s+of|south\s+of",
    ),
    (
        "about",
        r"about|around|approximately|approx\.|roughly|circa|c\.|ca\.|some|"
        r"an\s+estimated|estimated|an\s+approximate|or\s+so",
    ),
)
_QUALIFIER_BEFORE: tuple[tuple[Qualifier, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"\b(?:{pattern})\s*$", re.IGNORECASE)) for name, pattern in _QUALIFIER_WORDS
)
_QUALIFIER_AFTER: tuple[tuple[Qualifier, re.Pattern[str]], ...] = (
    (
        "over",
        re.compile(r"^(?:\+|\s*(?:or|and)\s+(?:more|above|higher|over|up)\b|\s*plus\b)", re.I),
    ),
    ("under", re.compile(r"^\s*(?:or|and)\s+(?:less|below|fewer|under|lower)\b", re.I)),
    ("about", re.compile(r"^\s*or\s+so\b", re.I)),
)
QUALIFIER_WINDOW = 28


def parse_qualifier(before: str, after: str = "") -> Qualifier:
    """The qualifier that the words around a number give it ("more than", "nearly", "or more")."""
    tail = before[-QUALIFIER_WINDOW:]
    for name, pattern in _QUALIFIER_BEFORE:
        if pattern.search(tail):
            return name
    head = after[:QUALIFIER_WINDOW]
    for name, pattern in _QUALIFIER_AFTER:
        if pattern.search(head):
            return name
    return "exact"


def parse_amount(text: str) -> Amount | None:
    """The first amount in `text`, with its qualifier and, for counts, the counted noun.

    "more than 29,000 patents" -> Amount(29000.0, unit="patents", qualifier="over").
    """
    matches = find_amounts(text)
    if not matches:
        return None
    match = matches[0]
    amount = match.amount
    qualifier = parse_qualifier(text[: match.start], text[match.end :])
    unit = amount.unit
    if unit is None and amount.currency is None:
        unit = counted_noun(text, match.end)
    return replace(amount, unit=unit, qualifier=qualifier)


def counted_noun(text: str, position: int) -> str | None:
    """The word right after a bare number when it names what is counted ("units", "pre-orders")."""
    after = _WORD_AFTER.match(text, position)
    if after is None:
        return None
    word = after.group("word").lower()
    return None if word in _NOT_COUNTED or len(word) > MAX_UNIT_CHARS else word


# ---------------------------------------------------------------------------
# Periods


@dataclass(frozen=True, slots=True)
class PeriodMatch:
    start: int
    end: int
    period: str
    # The calendar date a figure is reported "as of", when the period is one.
    as_of: dt.date | None = None


_MONTH_NAMES = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_YEAR4 = r"(?:19|20)\d{2}"
_YEAR = rf"(?:{_YEAR4}|'\d{{2}}|’\d{{2}})"
_ORDINAL_PARTS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
                  "fourth": 4, "4th": 4, "final": 4}  # fmt: skip
_QUARTER_WORD = r"(?P<qw>first|1st|second|2nd|third|3rd|fourth|4th|final)"
_HALF_WORD = r"(?P<hw>first|1st|second|2nd|latter)"
_FISCAL = r"(?:fiscal(?:\s+year)?|financial\s+year|FY)"
_DATE = (
    rf"(?:{_MONTH_NAMES}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR4}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAMES}\s+{_YEAR4}"
    rf"|{_YEAR4}-\d{{2}}-\d{{2}}|{_YEAR4}年\d{{1,2}}月\d{{1,2}}[日号]|\d{{1,2}}/\d{{1,2}}/{_YEAR4})"
)
_MONTH_YEAR = rf"(?P<mname>{_MONTH_NAMES})\s+(?:of\s+)?(?P<myear>{_YEAR4})"
_AS_OF = r"(?:as\s+(?:of|at)|by|on|through|until|till|at)"
_END_OF = r"(?:(?:as\s+(?:of|at)\s+|by\s+|at\s+)?the\s+end\s+of)"

_ENDED = r"\s+end(?:ed|ing)\s+(?P<date>" + _DATE + ")"
_OF_YEAR = rf"(?:\s+(?:of\s+)?(?:{_FISCAL}\s*)?(?P<year>{_YEAR}))?"
_SHORT_YEAR = rf"(?:\s*(?:{_FISCAL}\s*)?(?P<year>{_YEAR4}|'\d{{2}}|’\d{{2}})|\b)"
_YEAR_AFTER = (
    r"\b(?:in|for|during|throughout|by|of|over)\s+"
    r"(?:the\s+(?:full\s+|whole\s+|calendar\s+)?year\s+|calendar\s+)?"
    rf"(?P<year>{_YEAR4})\b(?!\s*[-–/]\s*\d)"
)
_AS_OF_MONTH = rf"\bas\s+(?:of|at)\s+{_MONTH_YEAR}"
_RELATIVE = (
    r"\b(?:so\s+far\s+)?(?P<which>this|last|next|the\s+current|the\s+previous|the\s+past)\s+"
    r"(?P<what>year|quarter|month)\b"
)
_PERIOD_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("quarter_ended", r"\b(?:quarter|three[\s-]months?(?:\s+period)?)" + _ENDED),
        ("half_ended", r"\b(?:six[\s-]months?(?:\s+period)?|half[\s-]year)" + _ENDED),
        (
            "year_ended",
            r"\b(?:(?:fiscal|financial)\s+)?(?:year|twelve[\s-]months|12[\s-]months)" + _ENDED,
        ),
        ("end_month", rf"\b{_END_OF}\s+{_MONTH_YEAR}"),
        ("as_of_date", rf"\b{_AS_OF}\s+(?P<date>{_DATE})"),
        ("as_of_month", _AS_OF_MONTH),
        ("quarter", rf"\b(?:the\s+)?{_QUARTER_WORD}[\s-]quarter{_OF_YEAR}"),
        ("quarter", rf"\b(?P<year>{_YEAR4})\s+{_QUARTER_WORD}[\s-]quarter"),
        ("quarter", rf"\b(?-i:Q)(?P<q>[1-4]){_SHORT_YEAR}"),
        ("quarter", rf"(?<![A-Za-z0-9])(?-i:FY)?(?P<year>{_YEAR4})\s?(?-i:Q)(?P<q>[1-4])\b"),
        ("quarter", r"(?<![A-Za-z0-9])(?-i:FY)?(?P<year>\d{2})(?-i:Q)(?P<q>[1-4])\b"),
        ("quarter", r"\b(?P<q>[1-4])(?-i:Q)\s?(?P<year>(?:19|20)\d{2}|\d{2})\b"),
        ("quarter", rf"(?P<year>{_YEAR4})年第(?P<qc>[一二三四])季度"),
        ("half", rf"\b(?:the\s+)?{_HALF_WORD}[\s-]half{_OF_YEAR}"),
        ("half", rf"\b(?-i:H)(?P<h>[12]){_SHORT_YEAR}"),
        ("half", r"\b(?P<h>[12])(?-i:H)\s?(?P<year>(?:19|20)\d{2}|\d{2})\b"),
        ("half", rf"\b(?P<year>{_YEAR4})\s?(?-i:H)(?P<h>[12])\b"),
        ("half", rf"(?P<year>{_YEAR4})年(?P<hc>[上下])半年"),
        ("fiscal", rf"\b(?-i:FY)\s?(?P<year>{_YEAR4}|\d{{2}})\b"),
        ("fiscal", rf"\b(?:fiscal|financial)(?:\s+year)?\s+(?P<year>{_YEAR4})\b"),
        ("month", rf"\b(?:in|for|during|of|throughout)\s+{_MONTH_YEAR}"),
        ("end_year", rf"\b{_END_OF}\s+(?P<year>{_YEAR4})\b"),
        ("year", _YEAR_AFTER),
        ("year", rf"\b(?:full[\s-]year|calendar[\s-]year|calendar)\s+(?P<year>{_YEAR4})\b"),
        ("year", rf"(?P<year>{_YEAR4})年(?!\d)"),
        ("relative", _RELATIVE),
        ("relative", r"\b(?P<what>year)[\s-]to[\s-]date\b"),
    )
)
# What each period pattern cannot match without (cue names, see `_period_cues`): a text
# that lacks a cue skips the patterns that need it.
_PERIOD_NEEDS_TEXT = (
    "ended year4", "ended year4", "ended year4",  # ... ended <date>
    "end month year4",  # end_month
    "datelike year4",  # as_of_date
    "month year4",  # as_of_month
    "quarter", "quarter year4", "Q digit", "Q digit", "Q digit", "Q digit", "cjk year4",
    "half", "H digit", "H digit", "H digit", "cjk year4",
    "FY digit", "fiscal year4",
    "month year4",  # month
    "end year4",  # end_year
    "year4", "calendar year4", "cjk year4",  # year
    "period_word", "date",  # relative
)  # fmt: skip
_CUES = ("digit", "year4", "month", "datelike", "ended", "end", "quarter", "half", "Q", "H", "FY",
         "fiscal", "calendar", "cjk", "period_word", "date")  # fmt: skip
_CUE_BIT = {name: 1 << n for n, name in enumerate(_CUES)}
_PERIOD_NEEDS: tuple[int, ...] = tuple(
    sum(_CUE_BIT[name] for name in needs.split()) for needs in _PERIOD_NEEDS_TEXT
)
assert len(_PERIOD_NEEDS) == len(_PERIOD_PATTERNS)
# Whole words (lower-cased) that a period pattern cannot match without: one of each set.
_PERIOD_WORDS: dict[str, tuple[frozenset[str], ...]] = {
    _AS_OF_MONTH: (frozenset({"as"}), frozenset({"of", "at"})),
    _RELATIVE: (
        frozenset({"this", "last", "next", "current", "previous", "past"}),
        frozenset({"year", "quarter", "month"}),
    ),
}
# Month names start so (and are matched case-sensitively).
_MONTH_PREFIX = re.compile(r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")
_YEAR4_MARK = re.compile(_YEAR4)  # every date and month-year has one
_DATE_MARK = re.compile(r"\d[-/]\d")  # "2024-06-30", "6/30/2024"
_QUARTER_CODE = re.compile(r"Q[1-4]|[1-4]Q")
_HALF_CODE = re.compile(r"H[12]|[12]H")


def _period_cues(text: str) -> int | None:
    """The cues present in `text` as bits of `_CUE_BIT`; None when lower-casing cannot
    tell (every pattern is tried then). Case-sensitive cues read the text as written."""
    if _odd_folding(text):
        return None
    low = text.lower()
    bit = _CUE_BIT
    cues = 0
    if _DECIMAL_DIGIT.search(text):
        cues |= bit["digit"]
        if "Q" in text and _QUARTER_CODE.search(text):
            cues |= bit["Q"]
        if "H" in text and _HALF_CODE.search(text):
            cues |= bit["H"]
        if "FY" in text:
            cues |= bit["FY"]
        if ("-" in text or "/" in text) and _DATE_MARK.search(text):
            cues |= bit["datelike"]
        if ("19" in text or "20" in text) and _YEAR4_MARK.search(text):
            cues |= bit["year4"]
    if _MONTH_PREFIX.search(text):
        cues |= bit["month"] | bit["datelike"]
    if "年" in text:
        cues |= bit["cjk"] | bit["datelike"]
    if "end" in low:
        cues |= bit["end"]
        if "ended" in low or "ending" in low:
            cues |= bit["ended"]
    if "quarter" in low:
        cues |= bit["quarter"] | bit["period_word"]
    if "year" in low or "month" in low:
        cues |= bit["period_word"]
    if "half" in low:
        cues |= bit["half"]
    if "fiscal" in low or "financial" in low:
        cues |= bit["fiscal"]
    if "calendar" in low or "full" in low:
        cues |= bit["calendar"]
    if "date" in low:
        cues |= bit["date"]
    return cues


_CJK_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "上": 1, "下": 2}
# "up 5% from the same period last year": the year named is the comparison, not the period.
_COMPARISON_BEFORE = re.compile(
    r"(?:same\s+(?:period|quarter|month|time)(?:\s+of|\s+in)?|from|than|compared\s+(?:with|to)|"
    r"versus|vs\.?|against|over)\s*$",
    re.IGNORECASE,
)


def find_periods(text: str, reference: dt.date | None) -> list[PeriodMatch]:
    """Every reporting period named in `text`, left to right, longest match first."""
    candidates: list[PeriodMatch] = []
    cues = _period_cues(text)
    runs = _word_runs(text)
    for (kind, pattern), needs in zip(_PERIOD_PATTERNS, _PERIOD_NEEDS, strict=True):
        if cues is not None and needs & ~cues:
            continue  # the text lacks a word or mark the pattern cannot match without
        words = _PERIOD_WORDS.get(pattern.pattern, ())
        if runs is not None and any(runs.isdisjoint(needed) for needed in words):
            continue  # nor a word it needs
        for match in pattern.finditer(text):
            if kind == "relative" and _COMPARISON_BEFORE.search(
                text, max(0, match.start() - 40), match.start()
            ):
                continue
            found = _period_of(kind, match, reference)
            if found is not None:
                candidates.append(PeriodMatch(match.start(), match.end(), *found))
    candidates.sort(key=lambda p: (p.start, -(p.end - p.start)))
    chosen: list[PeriodMatch] = []
    for candidate in candidates:
        if chosen and candidate.start < chosen[-1].end:
            continue
        chosen.append(candidate)
    return chosen


def parse_period(text: str, reference: dt.date | None) -> str | None:
    """The first period `text` names: "Q2 2024" -> "2024-Q2", "as of June 30" -> "2024-06-30"."""
    periods = find_periods(text, reference)
    return periods[0].period if periods else None


def _year_of(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.lstrip("'’")
    year = int(digits)
    if len(digits) == 2:
        year += 2000
    return year


def _date_of(text: str) -> dt.date | None:
    dates = find_dates(text)
    return dates[0].resolve(None) if dates else None


def _month_number(name: str) -> int | None:
    return MONTHS.get(name.rstrip(".").lower())


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _quarter_of(month: int) -> int:
    return (month - 1) // 3 + 1


def _period_of(
    kind: str, match: re.Match[str], reference: dt.date | None
) -> tuple[str, dt.date | None] | None:
    groups = match.groupdict()
    if groups.get("date"):
        date = _date_of(groups["date"])
        if date is None:
            return None
        if kind == "quarter_ended":
            return f"{date.year}-Q{_quarter_of(date.month)}", None
        if kind == "half_ended":
            return f"{date.year}-H{1 if date.month <= 6 else 2}", None
        if kind == "year_ended":
            return (f"{date.year}" if date.month == 12 else f"{date.year}-FY"), None
        return date.isoformat(), date
    if kind in {"end_month", "as_of_month", "month"}:
        month = _month_number(groups["mname"])
        month_year = int(groups["myear"])
        if month is None:
            return None
        if kind == "end_month":
            end = _month_end(month_year, month)
            return end.isoformat(), end
        return f"{month_year}-{month:02d}", None
    if kind == "quarter":
        if groups.get("qc"):
            quarter = _CJK_NUMERALS[groups["qc"]]
        elif groups.get("q"):
            quarter = int(groups["q"])
        else:
            quarter = _ORDINAL_PARTS[groups["qw"].lower()]
        year = _year_of(groups.get("year"))
        if year is None and reference is not None:
            current = _quarter_of(reference.month)
            year = reference.year if quarter <= current else reference.year - 1
        return None if year is None else (f"{year}-Q{quarter}", None)
    if kind == "half":
        if groups.get("hc"):
            half = _CJK_NUMERALS[groups["hc"]]
        elif groups.get("h"):
            half = int(groups["h"])
        else:
            half = 1 if groups["hw"].lower() in {"first", "1st"} else 2
        year = _year_of(groups.get("year"))
        if year is None and reference is not None:
            year = reference.year if half == 1 or reference.month > 6 else reference.year - 1
        return None if year is None else (f"{year}-H{half}", None)
    if kind == "fiscal":
        return f"{_year_of(groups['year'])}-FY", None
    if kind in {"year", "end_year"}:
        return groups["year"], None
    if kind == "relative":
        return _relative_period(groups, reference)
    return None


def _relative_period(
    groups: dict[str, str | None], reference: dt.date | None
) -> tuple[str, dt.date | None] | None:
    if reference is None:
        return None
    which = " ".join((groups.get("which") or "this").lower().split())
    step = {"this": 0, "the current": 0, "last": -1, "the previous": -1, "the past": -1,
            "next": 1}[which]  # fmt: skip
    what = (groups["what"] or "").lower()
    if what == "year":
        return str(reference.year + step), None
    if what == "quarter":
        index = reference.year * 4 + _quarter_of(reference.month) - 1 + step
        return f"{index // 4}-Q{index % 4 + 1}", None
    index = reference.year * 12 + reference.month - 1 + step
    return f"{index // 12}-{index % 12 + 1:02d}", None


def period_as_of(period: str | None) -> dt.date | None:
    """The calendar date a period names, when it names one ("2024-06-30")."""
    if period and re.fullmatch(r"\d{4}-\d{2}-\d{2}", period):
        return dt.date.fromisoformat(period)
    return None


# ---------------------------------------------------------------------------
# Changes


@dataclass(frozen=True, slots=True)
class ChangeMatch:
    """A relative change in a text: "up 28.1% year-on-year" (its percent is `amount_*`)."""

    start: int
    end: int
    value: float  # signed; percentage points when `points`
    basis: ChangeBasis
    amount_start: int | None = None
    amount_end: int | None = None
    points: bool = False


_UP_VERBS = (
    r"up|rose|risen|rise|rises|rising|increased|increases|increasing|increase|grew|grown|grows|"
    r"growing|grow|gained|gains|gaining|jumped|jumps|jumping|surged|surges|surging|climbed|"
    r"climbs|climbing|soared|soars|soaring|advanced|advances|expanded|expands|improved|"
    r"rebounded|spiked|higher|added|boosted|raised|raising|lifted|accelerated"
)
_DOWN_VERBS = (
    r"down|fell|fallen|falls|falling|fall|declined|declines|declining|decline|decreased|"
    r"decreases|decreasing|decrease|dropped|drops|dropping|drop|slid|slides|sliding|slipped|"
    r"slumped|slumps|plunged|plunges|plummeted|tumbled|tumbles|sank|sinks|shrank|shrunk|"
    r"shrinks|contracted|contracts|lower|dipped|dips|eased|eases|lost|loses|cut|cuts|reduced|"
    r"reduces|slowed|retreated|slashed"
)
_UP_NOUNS = (
    r"increase|increases|rise|growth|gain|jump|surge|climb|expansion|improvement|uptick|boost|"
    r"hike|upturn"
)
_DOWN_NOUNS = (
    r"decrease|decline|drop|fall|reduction|contraction|slump|plunge|dip|cut|loss|slide|downturn"
)
# The number starts where a number starts: matching from inside "1,111,111,…" would try
# every comma group and backtrack over the rest (quadratic on long digit runs).
# (The first digit is matched before the lookbehind: the regex engine then skips to digits.)
_CHANGE_PCT = (
    r"(?P<num>\d(?<![\d,.]\d)(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?)\s?"
    r"(?P<unit>%|％|per\s?cent\b|percent\b|pct\b|percentage\s+points?\b|pp\b|ppts?\b)"
)
_CHANGE_QUAL = (
    r"(?:(?:more\s+than|over|about|nearly|almost|around|approximately|roughly|some|just\s+over|"
    r"just\s+under|less\s+than|close\s+to|an?\s+estimated|a\s+further|another|an\s+additional)\s+)?"
)
_ADVERBS = (
    r"(?:\s+(?:sharply|significantly|slightly|strongly|steadily|substantially|by|a\s+further|"
    r"further|another|an\s+additional|only|just|roughly|nearly|almost|about|some))*"
)
_BASIS_BODY = (
    r"(?:year[\s-]*(?:on|over)[\s-]*year|y-?o-?y|y/y|"
    r"(?:from|over|compared\s+(?:with|to)|versus|vs\.?|against|than)\s+(?:the\s+)?"
    r"(?:(?:same|corresponding|year-earlier|year-ago)\s+(?:period|quarter|month|time)"
    r"(?:\s+(?:of|in))?\s*)?"
    r"(?:a\s+year\s+(?:earlier|ago|before)|last\s+year|the\s+previous\s+year|the\s+prior\s+year|"
    r"a\s+year-?(?:earlier|ago)|year-?(?:earlier|ago)(?:\s+(?:period|quarter|levels?))?|"
    r"(?:19|20)\d{2}|the\s+(?:previous|prior|preceding|last)\s+(?:quarter|month)|"
    r"a\s+(?:quarter|month)\s+(?:earlier|ago|before)|last\s+(?:quarter|month))|"
    r"on\s+an?\s+(?:annual|yearly|year-over-year|sequential|quarterly|monthly)\s+basis|"
    r"quarter[\s-]*(?:on|over)[\s-]*quarter|q-?o-?q|q/q|sequentially|"
    r"month[\s-]*(?:on|over)[\s-]*month|(?-i:MoM|MOM)|m/m|m-o-m)"
)


def _basis(name: str) -> str:
    return f"(?P<{name}>{_BASIS_BODY})"


_CHANGE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "up 28.1% year-on-year", "increased by 20.3% year-on-year", "grew 40% YoY"
        rf"\b(?P<dir>{_UP_VERBS}|{_DOWN_VERBS}){_ADVERBS}\s+{_CHANGE_QUAL}{_CHANGE_PCT}"
        rf"(?:\s*,?\s*{_basis('basis')})?",
        # "increased year-on-year by 20%"
        rf"\b(?P<dir>{_UP_VERBS}|{_DOWN_VERBS})\s+{_basis('basis')}\s+(?:by\s+)?"
        rf"{_CHANGE_QUAL}{_CHANGE_PCT}",
        # "a year-on-year increase of 20.7%", "growth of 25.6%", "an increase of 5% q-o-q"
        rf"\b(?:an?\s+)?(?:{_basis('basis')}\s+)?(?P<dirn>{_UP_NOUNS}|{_DOWN_NOUNS})\s+"
        r"(?:rate\s+)?of\s+"
        rf"{_CHANGE_QUAL}{_CHANGE_PCT}(?:\s*,?\s*{_basis('basis2')})?",
        # "a 5% increase", "a 20% year-on-year decline", "5% higher than a year earlier"
        rf"\b(?:an?\s+)?{_CHANGE_QUAL}{_CHANGE_PCT}\s+(?:{_basis('basis')}\s+)?"
        rf"(?P<dirn>{_UP_NOUNS}|{_DOWN_NOUNS}|higher|lower)\b(?:\s*,?\s*{_basis('basis2')})?",
        # "doubled", "more than tripled year-on-year", "up 15-fold"
        rf"\b(?:(?:{_UP_VERBS})\s+)?(?:(?:more\s+than|nearly|almost|about|roughly)\s+)?"
        rf"(?P<mult>doubled|doubling|tripled|tripling|trebled|quadrupled|halved|halving|"
        rf"(?P<fold>\d+(?:\.\d+)?)[-\s]fold)(?:\s+{_basis('basis')})?",
    )
)
# Every change names a percent, points or a multiple: texts without one are skipped at once.
_CHANGE_HINT = re.compile(
    r"%|％|per\s?cent|pct|point|pp|fold|doubl|tripl|trebl|quadrupl|halv", re.I
)
_HINT_MARKS = ("%", "％", "pct", "point", "pp", "fold", "doubl", "tripl", "trebl", "quadrupl",
               "halv")  # fmt: skip
_PER_CENT = re.compile(r"per\s?cent")
_MULTIPLES = {"doubled": 100.0, "doubling": 100.0, "tripled": 200.0, "tripling": 200.0,
              "trebled": 200.0, "quadrupled": 300.0, "halved": -50.0, "halving": -50.0}  # fmt: skip
_DOWN_WORDS = frozenset([*_DOWN_VERBS.split("|"), *_DOWN_NOUNS.split("|")])
# What each of `_CHANGE_PATTERNS` needs: one of these whole words (None: a multiple's stem,
# `_MULTIPLE_HINT`), and a percent (`_CHANGE_PCT`).
_DIRECTION_VERBS = frozenset(f"{_UP_VERBS}|{_DOWN_VERBS}".split("|"))
_DIRECTION_NOUNS = frozenset(f"{_UP_NOUNS}|{_DOWN_NOUNS}".split("|"))
_CHANGE_NEEDS: tuple[tuple[frozenset[str] | None, bool], ...] = (
    (_DIRECTION_VERBS, True),
    (_DIRECTION_VERBS, True),
    (_DIRECTION_NOUNS, True),
    (_DIRECTION_NOUNS | {"higher", "lower"}, True),
    (None, False),
)
assert len(_CHANGE_NEEDS) == len(_CHANGE_PATTERNS)
_PERCENT_HINT = re.compile(_CHANGE_PCT, re.IGNORECASE)
_MULTIPLE_HINT = re.compile(r"doubl|tripl|trebl|quadrupl|halv|fold", re.IGNORECASE)


def _basis_of(text: str | None) -> ChangeBasis:
    if not text:
        return "unspecified"
    lowered = text.lower()
    if "year" in lowered or re.search(r"y-?o-?y|y/y|annual|\d{4}", lowered):
        return "yoy"
    if "quarter" in lowered or re.search(r"q-?o-?q|q/q|sequential", lowered):
        return "qoq"
    return "mom"


def find_changes(text: str) -> list[ChangeMatch]:
    """Every relative change in `text` ("up 5% year-on-year", "a 3% decline", "doubled")."""
    if not _change_hinted(text):
        return []
    runs = _word_runs(text)
    percent = runs is None or _PERCENT_HINT.search(text) is not None
    candidates: list[ChangeMatch] = []
    for number, pattern in enumerate(_CHANGE_PATTERNS):
        words, needs_percent = _CHANGE_NEEDS[number]
        matches = None
        if runs is not None:
            if needs_percent and not percent:
                continue
            if words is not None and runs.isdisjoint(words):
                continue
            if words is None and not _MULTIPLE_HINT.search(text):
                continue
            if number in _VERB_FIRST:
                matches = _matches_at(pattern, text, _direction_verb_starts(text))
        for match in pattern.finditer(text) if matches is None else matches:
            change = _change_of(match)
            if change is not None:
                candidates.append(change)
    candidates.sort(key=lambda c: (c.start, -(c.end - c.start)))
    chosen: list[ChangeMatch] = []
    for candidate in candidates:
        if chosen and candidate.start < chosen[-1].end:
            continue
        chosen.append(candidate)
    return chosen


def _change_hinted(text: str) -> bool:
    """`_CHANGE_HINT.search(text)`, by substring tests where lower-casing tells the same."""
    if _odd_folding(text):
        return _CHANGE_HINT.search(text) is not None
    low = text.lower()
    return any(mark in low for mark in _HINT_MARKS) or (
        "cent" in low and _PER_CENT.search(low) is not None
    )


# The patterns of `_CHANGE_PATTERNS` that start with a direction verb, a whole word.
_VERB_FIRST = frozenset({0, 1})


def _direction_verb_starts(text: str) -> list[int]:
    """Where the words of `_DIRECTION_VERBS` start in `text` (one without odd folding)."""
    return [
        run.start() for run in _WORD_RUN.finditer(text) if run.group().lower() in _DIRECTION_VERBS
    ]


def _matches_at(pattern: re.Pattern[str], text: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that matches only at one of `starts` (and
    never the empty string): tried there only, instead of at every character."""
    end = 0
    for start in starts:
        if start >= end and (match := pattern.match(text, start)) is not None:
            yield match
            end = match.end()


def _change_of(match: re.Match[str]) -> ChangeMatch | None:
    groups = match.groupdict()
    basis = _basis_of(groups.get("basis") or groups.get("basis2"))
    if groups.get("fold"):
        factor = float(groups["fold"])
        if not math.isfinite(factor):
            return None
        return ChangeMatch(match.start(), match.end(), (factor - 1) * 100, basis)
    if groups.get("mult"):
        return ChangeMatch(match.start(), match.end(), _MULTIPLES[groups["mult"].lower()], basis)
    direction = (groups.get("dir") or groups.get("dirn") or "").lower()
    if direction == "up" and re.match(r"up\s+to\b", match.group(0), re.IGNORECASE):
        return None
    value = _digits_value(groups["num"])
    if not math.isfinite(value):
        return None
    if direction in _DOWN_WORDS:
        value = -value
    unit = " ".join(groups["unit"].lower().split())
    points = PERCENT_UNITS.get(unit, "%") == "pp"
    return ChangeMatch(
        match.start(), match.end(), value, basis, match.start("num"), match.end("unit"), points
    )


def parse_change(text: str) -> tuple[float, ChangeBasis] | None:
    """The first percent change in `text`: "down 3%" -> (-3.0, "unspecified")."""
    for change in find_changes(text):
        if not change.points:
            return change.value, change.basis
    return None


# ---------------------------------------------------------------------------
# Currency


def currency_code(symbol: str) -> str | None:
    """ISO 4217 code of a currency symbol, code or name ("HK$" -> "HKD", "yuan" -> "CNY")."""
    cleaned = " ".join(symbol.split())
    return CURRENCY_PREFIXES.get(cleaned) or CURRENCY_SUFFIXES.get(cleaned.lower())
