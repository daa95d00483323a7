"""Site chrome goes; article paragraphs stay word for word."""

from __future__ import annotations

import pytest

from kb.clean.boilerplate import strip_boilerplate

PARAGRAPH = (
    "The regional airline said on Tuesday it would add four routes to coastal cities "
    "this summer, citing strong bookings from families."
)
NEXT_PARAGRAPH = "Fares on the new routes start at 49 euros, a spokeswoman said."


@pytest.mark.parametrize(
    "line",
    [
        "Home > Business > Airlines",
        "News | World | Asia | Markets",
        "Related Posts",
        "RELATED ARTICLES:",
        "recent posts",
        "Subscribe",
        "Subscribe to Updates",
        "Subscribe to our newsletter for weekly updates",
        "Get the latest travel news from Skyward about routes, fares and airports.",
        "Share on Facebook",
        "Facebook Twitter LinkedIn Email",
        "Share this article",
        "Advertisement",
        "ADVERTISEMENT",
        "This website uses cookies to improve your experience. Accept",
        "We use cookies. By continuing to browse you agree.",
        "Copyright © 2024 Skyward Media Ltd.",
        "© 2023 Example Press",
        "All rights reserved.",
        "关于作者",
        "admin administrator",
        "Editor",
        "Tags: airlines, travel, summer",
        "airlines, travel, summer routes, Europe, fares, news",
        "<div class='promo'></div> <div>Enter your email</div>",
        "19014 Views",
        "1788",
        "detailProducts",
        "Careers\tPress room\tInvestors",
        "\tSitemap\t\t",
        "You may also like",
        "Skip to content",
        "Read more",
    ],
)
def test_chrome_lines_are_dropped(line: str) -> None:
    text = f"{PARAGRAPH}\n\n{line}\n\n{NEXT_PARAGRAPH}"
    assert strip_boilerplate(text) == f"{PARAGRAPH}\n\n\n{NEXT_PARAGRAPH}"


@pytest.mark.parametrize(
    "line",
    [
        PARAGRAPH,
        "Airline adds four coastal routes",
        "Airline shares rise 4% after route news",
        "Share prices fell sharply on Friday.",
        "Subscribers to the service grew by a third last year, the company said.",
        "Advertisement revenue rose 8% in the quarter.",
        "The regulator said websites must ask before they accept cookies from advertisers.",
        "Paris, Lyon, Nice and Bordeaux get new flights.",
        "Lagos, Nigeria, March 3, 2024 — The carrier said",
        "2024",
        "iPhone",
        "\tThe indented paragraph keeps its words, tab and all.",
        "Q&A: What the new routes mean for you",
        "Editor's note: this story was updated with fares.",
        "Copyright Office says machine-made images cannot be protected",
    ],
)
def test_article_lines_are_kept(line: str) -> None:
    text = f"{NEXT_PARAGRAPH}\n{line}\n"
    assert strip_boilerplate(text) == text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Advertisement But that was only the start.", "But that was only the start."),
        ("ADVERTISEMENT The second plane lands at noon.", "The second plane lands at noon."),
        ("  Sponsored “We expect more,” she said.", "  “We expect more,” she said."),
        ("12/14/2022 19014 Views", "12/14/2022"),
        ("March 3, 2024 | 1,204 views", "March 3, 2024"),
    ],
)
def test_clutter_glued_to_text_is_cut_off(line: str, expected: str) -> None:
    assert strip_boilerplate(line) == expected


def test_a_line_repeating_the_previous_one_is_dropped() -> None:
    text = "Airline adds four coastal routes\n\nAirline adds four coastal routes\n\n" + PARAGRAPH
    assert strip_boilerplate(text) == "Airline adds four coastal routes\n\n\n" + PARAGRAPH


def test_crlf_input_comes_back_with_newlines() -> None:
    assert strip_boilerplate(f"{PARAGRAPH}\r\nRelated Posts\r\n") == f"{PARAGRAPH}\n"
