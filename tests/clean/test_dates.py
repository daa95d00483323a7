"""Dates in news text: each common form, years from the reference, relative days."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from kb.clean.dates import find_dates, parse_date, resolve_relative

REFERENCE = dt.date(2021, 5, 14)  # a Friday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-29", dt.date(2025, 7, 29)),
        ("2025-7-9", dt.date(2025, 7, 9)),
        ("2025/07/29", dt.date(2025, 7, 29)),
        ("2025-07-29T16:45:00+08:00", dt.date(2025, 7, 29)),
        ("July 29, 2025", dt.date(2025, 7, 29)),
        ("JULY 29, 2025", dt.date(2025, 7, 29)),
        ("Sept. 5 2021", dt.date(2021, 9, 5)),
        ("Dec 1st, 2019", dt.date(2019, 12, 1)),
        ("29 July 2025", dt.date(2025, 7, 29)),
        ("3rd of March, 2021", dt.date(2021, 3, 3)),
        ("Tue, 29 Jul 2025 10:00:00 GMT", dt.date(2025, 7, 29)),
        ("12/14/2022", dt.date(2022, 12, 14)),
        ("3/4/2022", dt.date(2022, 3, 4)),
        ("14/12/2022", dt.date(2022, 12, 14)),
        ("14.12.2022", dt.date(2022, 12, 14)),
        ("2025年7月29日", dt.date(2025, 7, 29)),
        ("2025 年 7 月 9 日", dt.date(2025, 7, 9)),
        ("Posted on Monday, March 1, 2021 at 9:00", dt.date(2021, 3, 1)),
        ("Beijing, Hong Kong, December 14, 2022 —", dt.date(2022, 12, 14)),
    ],
)
def test_full_dates_parse_without_a_reference(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 29th", dt.date(2021, 7, 29)),
        ("Jul. 2", dt.date(2021, 7, 2)),
        ("Jan. 2", dt.date(2021, 1, 2)),
        ("said on Thursday (Jan. 2).", dt.date(2021, 1, 2)),
        ("ON JULY 4, THE PHONES ARRIVE", dt.date(2021, 7, 4)),
        ("29 July", dt.date(2021, 7, 29)),
        ("7月29日", dt.date(2021, 7, 29)),
    ],
)
def test_dates_without_a_year_take_the_reference_year(text: str, expected: dt.date) -> None:
    assert parse_date(text, reference=REFERENCE) == expected
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("March, 3 2021", None, dt.date(2021, 3, 3)),
        ("03-Mar-2021", None, dt.date(2021, 3, 3)),
        ("2 weeks ago", REFERENCE, dt.date(2021, 4, 30)),
        ("2 weeks ago", None, None),
        ("yesterday", None, None),
    ],
)
def test_unusual_forms_fall_back_to_dateparser_only_when_absolute_or_anchored(
    text: str, reference: dt.date | None, expected: dt.date | None
) -> None:
    assert parse_date(text, reference=reference) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "The board met to discuss the merger.",
        "Revenue rose 12.5% to 3/4 of the target.",
        "may 5 people attend",
        "Julia 5 and Marchetti 9 scored.",
        "version 1.2.3 shipped",
        "13/14/2022",
        "February 30, 2021",
        "in 2021",
        "March 2021",
    ],
)
def test_non_dates_and_impossible_dates_give_none(text: str) -> None:
    assert parse_date(text) is None


def test_find_dates_locates_every_date_in_order() -> None:
    text = "Filed 2024-01-05; heard on March 3, 2024 and again 7月8日."
    found = [(text[m.start : m.end], m.year, m.month, m.day) for m in find_dates(text)]
    assert found == [
        ("2024-01-05", 2024, 1, 5),
        ("March 3, 2024", 2024, 3, 3),
        ("7月8日", None, 7, 8),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the talks ended yesterday", dt.date(2021, 5, 13)),
        ("today", REFERENCE),
        ("tomorrow's vote", dt.date(2021, 5, 15)),
        ("the minister said on Tuesday", dt.date(2021, 5, 11)),
        ("on Friday", REFERENCE),
        ("last Friday", dt.date(2021, 5, 7)),
        ("next Monday", dt.date(2021, 5, 17)),
        ("three days ago", dt.date(2021, 5, 11)),
        ("2 weeks ago", dt.date(2021, 4, 30)),
        ("no time words here", None),
    ],
)
def test_relative_dates_resolve_against_the_reference(text: str, expected: dt.date | None) -> None:
    assert resolve_relative(text, REFERENCE) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1" * 1_000_000,
        " " * 1_000_000,
        "July " * 200_000,
        "12/" * 300_000,
        "1 " * 500_000,
        "年月" * 300_000,
        "3\u00a0\u00a0\u00a0" * 200_000,
    ],
)
def test_megabyte_inputs_are_scanned_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    parse_date(text)  # a full find_dates scan, then nothing: too long for dateparser
    assert time.perf_counter() - started < 5
