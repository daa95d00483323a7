"""Content identity: what makes two texts 'the same article' must never drift, or a
re-ingest of an existing database would store every article again."""

from __future__ import annotations

import pytest

from kb.records import Article
from kb.textnorm import content_hash, normalize_for_hash, word_count

ODD_TEXT = "  Cafe\u0301 opened\u00a0in\tOslo.\n\n\u2003It rained.\u3000 "


def test_the_content_hash_of_a_text_is_pinned() -> None:
    """The hash stored by earlier versions for this text (NFC, whitespace runs as one
    space, ends stripped); a change here orphans every stored article."""
    assert content_hash(ODD_TEXT) == (
        "a0e9b884d1dcc41142815c5df7e4fda77d5c1d211b387072efb9460760c43e13"
    )


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        (ODD_TEXT, "Caf\u00e9 opened in Oslo. It rained."),
        ("a\r\nb\x0bc\x1cd\x85e\u2028f", "a b c d e f"),  # every kind of line break
        ("no change", "no change"),
        (" \n\t ", ""),
        ("a\u200bb", "a\u200bb"),  # a zero-width space is not whitespace
    ],
)
def test_normalizing_for_the_hash(text: str, normal: str) -> None:
    assert normalize_for_hash(text) == normal


def test_an_article_counts_its_words_and_hashes_its_content_once() -> None:
    article = Article(text=ODD_TEXT, path="a.txt", origin="a.txt")
    assert article.content_hash == content_hash(ODD_TEXT)
    assert article.word_count == word_count(ODD_TEXT) == 6
    assert article == Article(text=ODD_TEXT, path="a.txt", origin="a.txt")  # fields only
