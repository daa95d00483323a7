"""Dates written inside article text, resolved against the article's date.

Handles what news prose uses for when something happened: "July 20", "20 July
2025", "Jul. 20th", "2025-07-20", "7月20日", weekdays ("on Tuesday", "last
Tuesday"), "yesterday", "today". Vague periods ("last week", "earlier this
month", "in March") give None: the caller falls back to the article's date.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
WEEKDAYS = {
    name: number
    for number, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
DAY_OFFSETS = {
    "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0, "this evening": 0,
    "yesterday": -1, "last night": -1, "the day before yesterday": -2, "tomorrow": 1,
}  # fmt: skip

_MONTH = r"(?P<month>[a-z]+)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+{_DAY}\b{_YEAR}")
_DAY_MONTH = re.compile(rf"\b{_DAY}(?:\s+of)?\s+{_MONTH}{_YEAR}")
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b")
_CJK = re.compile(r"(?:(?P<year>\d{4})年)?(?P<month>\d{1,2})月(?P<day>\d{1,2})[日号]")
_WEEKDAY = re.compile(r"\b(?:(?P<which>last|this|past|next)\s+)?(?P<weekday>[a-z]+day)\b")
# A yearless date this far after the article date is last year's ("December 30" in January).
FUTURE_TOLERANCE = dt.timedelta(days=60)


def resolve_date_text(text: str, published_on: dt.date | None) -> dt.date | None:
    """The calendar date `text` names, or None when it names none precisely."""
    lowered = " ".join(text.lower().split())
    for pattern in (_ISO, _CJK, _MONTH_DAY, _DAY_MONTH):
        for match in pattern.finditer(lowered):
            found = _calendar_date(match, published_on)
            if found is not None:
                return found
    if published_on is None:
        return None
    for phrase, offset in DAY_OFFSETS.items():
        if re.search(rf"\b{phrase}\b", lowered):
            return published_on + dt.timedelta(days=offset)
    for match in _WEEKDAY.finditer(lowered):
        if match["weekday"] in WEEKDAYS:
            return _weekday_date(WEEKDAYS[match["weekday"]], match["which"], published_on)
    return None


def _calendar_date(match: re.Match[str], published_on: dt.date | None) -> dt.date | None:
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text)
    if month is None:
        return None
    day = int(match["day"])
    if match["year"]:
        year = int(match["year"])
    elif published_on is not None:
        year = published_on.year
    else:
        return None
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    if not match["year"] and published_on is not None and found - published_on > FUTURE_TOLERANCE:
        try:
            found = found.replace(year=year - 1)
        except ValueError:
            return None
    return found


def _weekday_date(weekday: int, which: str | None, published_on: dt.date) -> dt.date:
    """News convention: a bare weekday is the latest one on or before the article date."""
    back = (published_on.weekday() - weekday) % 7
    if which == "next":
        return published_on + dt.timedelta(days=(weekday - published_on.weekday()) % 7 or 7)
    if which in {"last", "past"} and back == 0:
        back = 7
    return published_on - dt.timedelta(days=back)
