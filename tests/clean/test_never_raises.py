"""The text functions take any string without raising."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.clean import clean_text
from kb.clean.boilerplate import strip_boilerplate
from kb.clean.dates import find_dates, parse_date
from kb.clean.digest import split_digest

# Random text salted with the pieces the rules look for.
PIECES = st.sampled_from(
    [
        "\n", "\n\n", "\t", " ", "•", "- ", "1. ", "#", "年", "月", "日", "7", "12", "2025",
        "July", "Jul.", "29th", "/", "-", ".", ",", "Advertisement ", "Subscribe", " Views",
        "Home > ", "<div>", "By ", "Source: ", "\r\n", "\u00a0", "\u2028", "\x00",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(max_size=20), PIECES), max_size=60).map("".join)
REFERENCE = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1)))


@settings(max_examples=300, deadline=None)
@given(TEXT, REFERENCE)
def test_date_functions_never_raise(text: str, reference: dt.date | None) -> None:
    parse_date(text, reference=reference)
    for mention in find_dates(text):
        assert 0 <= mention.start < mention.end <= len(text)
        mention.resolve(reference)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_boilerplate_removal_never_raises_and_never_adds_text(text: str) -> None:
    cleaned = strip_boilerplate(text)
    assert len(cleaned) <= len(text)
    clean_text(text)


@settings(max_examples=300, deadline=None)
@given(TEXT, REFERENCE)
def test_digest_split_never_raises(text: str, reference: dt.date | None) -> None:
    items = split_digest(text, reference)
    assert items is None or len(items) >= 3
