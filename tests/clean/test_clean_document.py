"""clean_document: cleaned text, one article per digest item, title/date/source found."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kb.clean import clean_document
from kb.errors import KBError
from kb.records import Article, RawDocument

BODY = (
    "The port authority said on Monday that cargo volumes rose 6 percent in the first "
    "quarter, helped by new shipping lines from West Africa and a busier cruise season."
)


def _doc(text: str, **metadata: Any) -> RawDocument:
    return RawDocument(text=text, origin="in/story.txt", path="in/story.txt", **metadata)


def _one(text: str, *, reference: dt.date | None = None, **metadata: Any) -> Article:
    (article,) = clean_document(_doc(text, **metadata), reference=reference)
    return article


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            f"Port Volumes Climb as New Lines Arrive\n\n{BODY}",
            "Port Volumes Climb as New Lines Arrive",
        ),
        (f"# Port volumes climb\n\n{BODY}", "Port volumes climb"),
        (f"## Port volumes climb ##\n\n{BODY}", "Port volumes climb"),
        (
            f"Shipping\n\nPort Volumes Climb as New Lines Arrive\n\n{BODY}",
            "Port Volumes Climb as New Lines Arrive",
        ),
        (
            f"Port chief: the quiet years are over.\n\n{BODY}",
            "Port chief: the quiet years are over.",
        ),
        (
            f"Home > Business > Shipping\n\nPort Volumes Climb Again\n\n{BODY}",
            "Port Volumes Climb Again",
        ),
        (
            f"March 3, 2024\n\nBy Ana Ruiz\n\nPort Volumes Climb Again\n\n{BODY}",
            "Port Volumes Climb Again",
        ),
        (f"Shipping\n\n{BODY}", "Shipping"),
        (BODY, None),
    ],
)
def test_title_is_the_first_heading_like_line(text: str, title: str | None) -> None:
    assert _one(text).title == title


def test_metadata_title_wins() -> None:
    assert _one(f"Another Heading Here Today\n\n{BODY}", title="Given").title == "Given"


@pytest.mark.parametrize(
    ("text", "reference", "published_on"),
    [
        (f"Port Volumes Climb\n\n2024-03-04\n\n{BODY}", None, dt.date(2024, 3, 4)),
        (f"Port Volumes Climb\n\n12/14/2022 731 Views\n\n{BODY}", None, dt.date(2022, 12, 14)),
        (f"Port Volumes Climb\n\nRIGA, March 4, 2024 — {BODY}", None, dt.date(2024, 3, 4)),
        (f"Port Volumes Climb\n\nOfficials said on Monday (Mar. 4) that {BODY}", None, None),
        (
            f"Port Volumes Climb\n\nOfficials said on Monday (Mar. 4) that {BODY}",
            dt.date(2024, 5, 1),
            dt.date(2024, 3, 4),
        ),
        (f"Port Volumes Climb\n\n{BODY}", dt.date(2024, 5, 1), None),
        ("T\n\na\n\nb\n\nc\n\nd\n\ne\n\nSigned on March 4, 2024.", None, None),
    ],
)
def test_date_comes_from_the_top_of_the_text(
    text: str, reference: dt.date | None, published_on: dt.date | None
) -> None:
    assert _one(text, reference=reference).published_on == published_on


def test_metadata_date_wins_and_anchors_yearless_dates() -> None:
    article = _one(f"Port Volumes Climb\n\n2023-01-01\n\n{BODY}", published_on=dt.date(2024, 3, 4))
    assert article.published_on == dt.date(2024, 3, 4)


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (f"Port Volumes Climb\n\nBy Ana Ruiz\n\n{BODY}", "Ana Ruiz"),
        (f"Port Volumes Climb\n\nBY ANA RUIZ | March 4, 2024\n\n{BODY}", "ANA RUIZ"),
        (f"Port Volumes Climb\n\nSource: Harbour Gazette\n\n{BODY}", "Harbour Gazette"),
        (f"Port Volumes Climb\n\nBy the end of the quarter, volumes rose.\n\n{BODY}", None),
        (f"Port Volumes Climb\n\nby admin\n\n{BODY}", None),
        (f"Port Volumes Climb\n\n{BODY}", None),
    ],
)
def test_source_comes_from_a_byline(text: str, source: str | None) -> None:
    assert _one(text).source == source


def test_metadata_source_and_url_are_kept() -> None:
    article = _one(f"By Ana Ruiz\n\n{BODY}", source="Harbour Gazette", url="https://x.example/a")
    assert (article.source, article.url) == ("Harbour Gazette", "https://x.example/a")


def test_whitespace_is_normalized_and_words_kept() -> None:
    raw = f"  Port Volumes Climb  \r\n\r\n\r\n\r\n\t{BODY}   \r\nSecond  line   stays.\n\n\n"
    assert _one(raw).text == f"Port Volumes Climb\n\n{BODY}\nSecond  line   stays."


def test_boilerplate_is_gone_from_the_stored_text() -> None:
    raw = (
        f"Home > News > Ports\n\nPort Volumes Climb\n\nAdvertisement {BODY}\n\n"
        "Related Posts\n\nSubscribe\n"
    )
    assert _one(raw).text == f"Port Volumes Climb\n\n{BODY}"


def test_only_boilerplate_is_an_error() -> None:
    with pytest.raises(KBError, match="nothing left"):
        clean_document(_doc("Related Posts\n\nSubscribe to Updates\n\n© 2024 Someone"))


DIGEST = f"""Harbour Bulletin

• Port Volumes Climb in First Quarter
{BODY}
Mar. 4

• Cruise Terminal Opens Its Second Pier
The new pier can take two large ships at once, the operator said at the opening.
Mar. 2

• Dock Workers Agree Three-Year Wage Deal
Union members voted to accept a deal that raises pay by 4 percent a year.
Feb. 27
"""


def test_digest_gives_numbered_articles_dated_by_the_document_year() -> None:
    doc = _doc(DIGEST, published_on=dt.date(2024, 3, 5), url="https://x.example/bulletin")
    articles = clean_document(doc)
    assert [a.item for a in articles] == [0, 1, 2]
    assert [a.title for a in articles] == [
        "Port Volumes Climb in First Quarter",
        "Cruise Terminal Opens Its Second Pier",
        "Dock Workers Agree Three-Year Wage Deal",
    ]
    assert [a.published_on for a in articles] == [
        dt.date(2024, 3, 4),
        dt.date(2024, 3, 2),
        dt.date(2024, 2, 27),
    ]
    assert articles[0].text == f"Port Volumes Climb in First Quarter\n{BODY}"
    assert len({a.source_key for a in articles}) == 3
    assert all(a.origin == doc.origin and a.path == doc.path for a in articles)


def test_digest_dates_use_the_reference_when_the_document_has_no_date() -> None:
    articles = clean_document(_doc(DIGEST), reference=dt.date(2023, 12, 31))
    assert articles[0].published_on == dt.date(2023, 3, 4)
