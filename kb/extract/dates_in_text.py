"""When something happened, from a date written in the text ("on July 20", "last
Tuesday") and the article's date.

The parsing itself is kb.clean.dates (the one date parser); this adds what an
event date needs on top: a yearless date well after the article date belongs to
the year before ("December 30" in a January article), and vague periods ("last
week", "in March") give None so that the store falls back to the article date.
"""

from __future__ import annotations

import datetime as dt

from kb.clean.dates import find_dates, resolve_relative

# A yearless date this far after the article date is last year's.
FUTURE_TOLERANCE = dt.timedelta(days=60)


def resolve_date_text(text: str, published_on: dt.date | None) -> dt.date | None:
    """The calendar day `text` names, or None when it names none precisely."""
    for mention in find_dates(text):
        found = mention.resolve(published_on)
        if found is None:
            continue
        if mention.year is None and published_on and found - published_on > FUTURE_TOLERANCE:
            try:
                return found.replace(year=found.year - 1)
            except ValueError:  # February 29
                return None
        return found
    return resolve_relative(text, published_on) if published_on else None
