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


def test_memory_zones_span_batches_and_free_their_strings() -> None:
    """A zone stays open across batches until its word budget is spent, then its strings
    go; extraction works in every zone (strings of the matchers outlive them all)."""
    from kb.nlp import MemoryZones
    from kb.pipeline import analyze_articles, prepared_pipeline
    from kb.records import Article

    nlp = prepared_pipeline(None)
    strings = nlp.vocab.strings

    def batch(word: str) -> list[Article]:
        text = f"Qorvex{word} Corp said sales of its Zent{word} tablets rose 12% in May."
        return [Article(text=text, path="t", origin=word)]

    with MemoryZones(nlp, words=30) as zones:
        first = analyze_articles(nlp, batch("alpha"), zones)
        assert "Qorvexalpha" in strings  # the zone is still open: 13 of 30 words spent
        second = analyze_articles(nlp, batch("beta"), zones)
        assert "Qorvexalpha" in strings
        third = analyze_articles(nlp, batch("gamma"), zones)  # 39 words: the zone closed
        assert "Qorvexalpha" not in strings
        assert "Qorvexgamma" not in strings
        fourth = analyze_articles(nlp, batch("delta"), zones)  # a new zone
        assert "Qorvexdelta" in strings
    assert "Qorvexdelta" not in strings
    results = {"alpha": first, "beta": second, "gamma": third, "delta": fourth}
    for word, result in results.items():
        (analysis,) = result
        assert not isinstance(analysis, Exception)
        assert any(m.text == f"Qorvex{word} Corp" for m in analysis.mentions), analysis.mentions
        assert any(f.value == 12 for f in analysis.figures)
