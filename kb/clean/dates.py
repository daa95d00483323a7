"""The one date parser: calendar dates in news text, fast.

Most dates in news follow a handful of shapes, so a single compiled regex
finds them in one linear pass. dateparser is much slower and too eager on free
text, so it only sees short strings that look date-like but that the regex did
not understand. Every quantifier in the patterns is bounded, so no input
(1 MB of digits, of spaces, of month names) makes them backtrack badly.

A date without a year ("July 29th", "Jan. 2", "7月29日") takes the year of the
reference date (the article's date); with no reference it is not a date we can
state, so it resolves to None rather than to a guessed year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dateparser

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}

# Title case or upper case only: lower-case "may", "mar" or "dec" are usually not months.
_MONTH = "(?:{})".format(
    "|".join(
        variant
        for name in sorted(MONTHS, key=len, reverse=True)
        for variant in (name.title(), name.upper())
    )
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"[12]\d{3}"
_GAP = r"[ \t\u00a0]{1,3}"
_END_OF_MONTH = r"(?:\.|\b)"

# Every date starts with a digit or a capital: the leading lookahead rejects the
# other positions before trying six alternatives (eight times faster on prose).
_DATE = re.compile(
    rf"""
    (?=[\dA-Z])(?:
    (?<![\d.])(?P<iso_y>{_YEAR})(?P<sep>[-/.])(?P<iso_m>1[0-2]|0?[1-9])(?P=sep)(?P<iso_d>{_DAY})(?!\d)
  | (?:(?P<cjk_y>{_YEAR})\s{{0,2}}年\s{{0,2}})?(?P<cjk_m>1[0-2]|0?[1-9])\s{{0,2}}月\s{{0,2}}
        (?P<cjk_d>{_DAY})\s{{0,2}}[日号號]
  | \b(?P<mdy_m>{_MONTH}){_END_OF_MONTH}{_GAP}(?P<mdy_d>{_DAY}){_ORDINAL}(?![\w])
        (?:,?{_GAP}(?P<mdy_y>{_YEAR})(?!\d))?
  | (?<![\d.])(?P<dmy_d>{_DAY}){_ORDINAL}(?:{_GAP}of)?{_GAP}(?P<dmy_m>{_MONTH}){_END_OF_MONTH}
        (?:,?{_GAP}(?P<dmy_y>{_YEAR})(?!\d))?
  | (?<![\d/.])(?P<num_a>\d{{1,2}})/(?P<num_b>\d{{1,2}})/(?P<num_y>{_YEAR})(?![\d/])
  | (?<![\d.])(?P<dot_d>{_DAY})\.(?P<dot_m>1[0-2]|0?[1-9])\.(?P<dot_y>{_YEAR})(?![\d.])
    )
    """,
    re.VERBOSE,
)

# Only strings like these are worth handing to dateparser.
_DATE_LIKE = re.compile(
    r"\d|年|月|日|昨天|今天|\b(?:yesterday|today|tomorrow|ago|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)
_DATEPARSER_MAX_CHARS = 80
_DATEPARSER_LANGUAGES = ["en", "zh"]
# Two far-apart bases: a result that does not depend on the base is an absolute date.
_PROBE_BASES = (dt.datetime(1990, 3, 15), dt.datetime(2030, 9, 15))

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_RELATIVE = re.compile(
    rf"""\b(?:
        (?P<day_word>today|yesterday|tomorrow)
      | (?:(?P<which>last|next|this\ past|on)\s{{1,3}})?(?P<weekday>{"|".join(_WEEKDAYS)})
      | (?P<count>\d{{1,3}}|{"|".join(_NUMBER_WORDS)})\s{{1,3}}(?P<unit>day|week)s?\s{{1,3}}ago
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A calendar date found in text; `year` is None when the text leaves it out."""

    start: int
    end: int
    year: int | None
    month: int
    day: int

    def resolve(self, reference: dt.date | None = None) -> dt.date | None:
        """The date, taking a missing year from `reference`; None if impossible or unknowable."""
        year = self.year if self.year is not None else reference.year if reference else None
        if year is None:
            return None
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return None


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def _mention(match: re.Match[str]) -> DateMention:
    group = match.groupdict()
    parts: tuple[int | None, int, int]
    if group["iso_y"]:
        parts = (_year(group["iso_y"]), int(group["iso_m"]), int(group["iso_d"]))
    elif group["cjk_m"]:
        parts = (_year(group["cjk_y"]), int(group["cjk_m"]), int(group["cjk_d"]))
    elif group["mdy_m"]:
        parts = (_year(group["mdy_y"]), MONTHS[group["mdy_m"].lower()], int(group["mdy_d"]))
    elif group["dmy_m"]:
        parts = (_year(group["dmy_y"]), MONTHS[group["dmy_m"].lower()], int(group["dmy_d"]))
    elif group["num_a"]:
        first, second = int(group["num_a"]), int(group["num_b"])
        # US order (month first) unless the first number cannot be a month.
        month, day = (second, first) if first > 12 else (first, second)
        parts = (_year(group["num_y"]), month, day)
    else:
        parts = (_year(group["dot_y"]), int(group["dot_m"]), int(group["dot_d"]))
    start, end = match.span()
    return DateMention(start, end, *parts)


def find_dates(text: str) -> list[DateMention]:
    """Every date expression the fast patterns recognise, in text order."""
    mentions = (_mention(match) for match in _DATE.finditer(text))
    # Only "13/14/2022"-style numbers can name a month that does not exist.
    return [mention for mention in mentions if 1 <= mention.month <= 12]


def parse_date(text: str, *, reference: dt.date | None = None) -> dt.date | None:
    """The first date stated in `text` (a date string or a short line), or None."""
    mentions = find_dates(text)
    if mentions:
        return next(
            (date for date in (m.resolve(reference) for m in mentions) if date is not None), None
        )
    if len(text) <= _DATEPARSER_MAX_CHARS and _DATE_LIKE.search(text):
        return _parse_with_dateparser(text.strip(), reference)
    return None


def _parse_with_dateparser(text: str, reference: dt.date | None) -> dt.date | None:
    bases = (
        (dt.datetime(reference.year, reference.month, reference.day),)
        if reference
        else _PROBE_BASES
    )
    results = {
        dateparser.parse(
            text,
            languages=_DATEPARSER_LANGUAGES,
            settings={"RELATIVE_BASE": base, "REQUIRE_PARTS": ["day", "month"]},
        )
        for base in bases
    }
    if len(results) != 1:
        return None
    (result,) = results
    return result.date() if result is not None else None


def resolve_relative(text: str, reference: dt.date) -> dt.date | None:
    """The first relative date in `text` ("yesterday", "last Tuesday", "on Friday",
    "three days ago") as seen from `reference`, the day the text was written.

    A bare or "on" weekday means the most recent such day, today included: that is
    how news reports use it ("said on Thursday").
    """
    match = _RELATIVE.search(text)
    if match is None:
        return None
    if match["day_word"]:
        shift = {"today": 0, "yesterday": -1, "tomorrow": 1}[match["day_word"].lower()]
        return reference + dt.timedelta(days=shift)
    if match["weekday"]:
        target = _WEEKDAYS.index(match["weekday"].lower())
        which = (match["which"] or "on").lower()
        if which == "next":
            return reference + dt.timedelta(days=(target - reference.weekday() - 1) % 7 + 1)
        back = (reference.weekday() - target) % 7
        if which != "on" and back == 0:
            back = 7
        return reference - dt.timedelta(days=back)
    count_text = match["count"].lower()
    count = _NUMBER_WORDS.get(count_text) or int(count_text)
    days = count * (7 if match["unit"].lower() == "week" else 1)
    return reference - dt.timedelta(days=days)
