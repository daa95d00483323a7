"""Our pipeline component: sentences start at line breaks that end headlines and paragraphs."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "first_sentence"),
    [
        (
            "Orbit Tools Names New Chief\n\nJane Doe will lead the firm.",
            "Orbit Tools Names New Chief",
        ),
        (
            "Orbit Tools Names New Chief\nJane Doe will lead the firm.",
            "Orbit Tools Names New Chief",
        ),
        ("Source: Daily Wire\n\nKen Sato hosted Ana Lima in Osaka.", "Source: Daily Wire"),
        ("March 3, 2025\nKen Sato hosted Ana Lima in Osaka.", "March 3, 2025"),
    ],
)
def test_line_breaks_end_headlines_and_datelines(nlp, text: str, first_sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert next(nlp(text).sents).text.strip() == first_sentence


def test_hard_wrapped_prose_stays_one_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The chief executive said on Monday that\nthe company will open two plants.")
    assert len(list(doc.sents)) == 1


def test_a_name_after_a_break_is_not_cut_in_two(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Source: Auto Wire\n\nLars Berg hosted Orbit chairman Ken Sato at the plant.")
    assert ("Lars Berg", "PERSON") in [(e.text, e.label_) for e in doc.ents]
