"""Digests split into dated items; articles that merely mention dates stay whole."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.clean.digest import split_digest

# Three short items in our own words, reused in each layout.
ITEMS = [
    (
        "Port of Valdera Reopens After Storm Damage",
        "Cargo traffic resumed at the port after crews cleared debris from two berths, "
        "officials said, adding that full capacity would return within a week.",
    ),
    (
        "Solar Maker Brightline Doubles Panel Output",
        "Brightline said its new factory had doubled monthly panel output and that it "
        "planned to hire 400 more workers before the end of the year.",
    ),
    (
        "City Council Approves Tram Extension",
        "The council voted 31 to 9 to extend the tram line to the airport, a project "
        "expected to cost 1.2 billion euros and open in 2028.",
    ),
]
CJK_DATES = ["2025年7月29日", "2025年7月25日", "2025年7月20日"]
EXPECTED_CJK = [dt.date(2025, 7, 29), dt.date(2025, 7, 25), dt.date(2025, 7, 20)]


def _bulleted_date_after(bullet: str) -> str:
    blocks = [
        f"  {bullet} {title}\n\n    {body}\n\n    {date}"
        for (title, body), date in zip(ITEMS, CJK_DATES, strict=True)
    ]
    return "Weekly Briefing\n\n" + "\n".join(blocks) + "\n"


def _plain_date_after(dates: list[str]) -> str:
    blocks = [
        f"{title}\n\n{body}\n\n{date}" for (title, body), date in zip(ITEMS, dates, strict=True)
    ]
    return "\n\n".join(blocks)


def _date_before(marker: str, dates: list[str]) -> str:
    blocks = [
        f"{marker}{date}\n{title}\n{body}" for (title, body), date in zip(ITEMS, dates, strict=True)
    ]
    return "Market Digest\n\n" + "\n\n".join(blocks) + "\n"


@pytest.mark.parametrize(
    ("text", "reference", "expected_dates"),
    [
        (_bulleted_date_after("•"), None, EXPECTED_CJK),
        (_bulleted_date_after("-"), None, EXPECTED_CJK),
        (_bulleted_date_after("*"), None, EXPECTED_CJK),
        (_plain_date_after(CJK_DATES), None, EXPECTED_CJK),
        (
            _plain_date_after(["March 3, 2024", "February 28, 2024", "2024-02-20"]),
            None,
            [dt.date(2024, 3, 3), dt.date(2024, 2, 28), dt.date(2024, 2, 20)],
        ),
        (
            _date_before(
                "", ["Posted on Tue, 5 Mar 2024", "Mon, 4 Mar 2024 09:15", "Updated: 1 March 2024"]
            ),
            None,
            [dt.date(2024, 3, 5), dt.date(2024, 3, 4), dt.date(2024, 3, 1)],
        ),
        (
            _date_before("- ", ["12/14/2022", "12/13/2022", "12/12/2022"]),
            None,
            [dt.date(2022, 12, 14), dt.date(2022, 12, 13), dt.date(2022, 12, 12)],
        ),
        (
            _date_before("1. ", ["Jul. 2", "Jul. 1", "June 30"]),
            dt.date(2020, 8, 1),
            [dt.date(2020, 7, 2), dt.date(2020, 7, 1), dt.date(2020, 6, 30)],
        ),
        (
            _plain_date_after(["7月29日", "7月25日", "7月20日"]),
            None,
            [None, None, None],
        ),
    ],
)
def test_digests_split_into_dated_items(
    text: str, reference: dt.date | None, expected_dates: list[dt.date | None]
) -> None:
    items = split_digest(text, reference)
    assert items is not None
    assert [item.title for item in items] == [title for title, _ in ITEMS]
    assert [item.published_on for item in items] == expected_dates
    for item, (title, body) in zip(items, ITEMS, strict=True):
        assert item.text.startswith(title)
        assert body in item.text
        assert item.text.strip().endswith(body)


def test_numbered_headlines_lose_their_numbers() -> None:
    text = "\n\n".join(
        f"{number}. {title}\n{body}\n{date}"
        for number, ((title, body), date) in enumerate(zip(ITEMS, CJK_DATES, strict=True), 1)
    )
    items = split_digest(text)
    assert items is not None
    assert [item.title for item in items] == [title for title, _ in ITEMS]


ARTICLE_WITH_DATES = """Solar Maker Brightline Doubles Panel Output

March 3, 2024

SEVILLE, March 3, 2024 — Brightline said on Sunday its new factory had doubled output since
it opened on January 15, 2024, and that it expected a second line to start by June 30, 2024.

The company first announced the plant on 12 May 2022 and broke ground on 2022-09-01.

Updated: March 4, 2024
"""

SCHEDULE = """Key dates for applicants

March 1, 2025
Portal opens

April 1, 2025
Deadline

May 1, 2025
Results
"""

LONG_SECTIONS = "\n\n".join(
    f"{date}\n\n" + " ".join(["The committee heard more evidence about the tram budget."] * 6)
    for date in ("2024-01-05", "2024-02-05", "2024-03-05")
)

PUBLISHED_THEN_UPDATED = """Tram Extension Approved

Published: March 3, 2024
Updated: March 4, 2024
Last modified: March 5, 2024

The council voted 31 to 9 to extend the tram line to the airport on Sunday.
"""


@pytest.mark.parametrize(
    "text",
    [
        "",
        ITEMS[0][1],
        ARTICLE_WITH_DATES,
        SCHEDULE,
        LONG_SECTIONS,
        PUBLISHED_THEN_UPDATED,
        "\n".join(CJK_DATES),
    ],
)
def test_texts_that_merely_contain_dates_are_not_split(text: str) -> None:
    assert split_digest(text, dt.date(2024, 3, 5)) is None
