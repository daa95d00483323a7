"""kb.doctable answers what spaCy answers, from offsets read once per Doc."""

from __future__ import annotations

import pytest

from kb.doctable import DocTable, doc_table, prime_doc_table, sentence_starts

TEXTS = [
    "Acme Corp. CEO Jane Doe met Orbit's chairman in Paris on May 2, 2024.",
    "Headline without a stop\n\nFirst paragraph.  Two spaces, a tab\there and\u00a0a no-break.",
    "  Leading spaces, trailing ones   ",
    "Revenue rose 12% to $4.5bn (€4.1bn).\nThe end",
    "x",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_table_matches_spacy(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    table = DocTable(doc)
    assert table.text == doc.text
    assert table.words == [t.text for t in doc]
    for start in range(len(doc) + 1):
        for end in range(start, len(doc) + 1):
            assert table.span_text(start, end) == doc[start:end].text
    for char in range(-1, len(text) + 1):
        expected = next((t.i for t in doc if t.idx <= char < t.idx + len(t.text_with_ws)), -1)
        assert table.token_at(char) == expected


@pytest.mark.parametrize("text", TEXTS[:4])
def test_char_span_is_spacy_expand(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    table = DocTable(doc)
    for start_char in range(len(text)):
        for end_char in range(start_char + 1, len(text) + 1):
            try:
                span = doc.char_span(start_char, end_char, alignment_mode="expand")
            except (IndexError, ValueError):
                with pytest.raises(IndexError):
                    table.char_span(start_char, end_char)
                continue
            expected = None if span is None else (span.start, span.end)
            assert table.char_span(start_char, end_char) == expected, (start_char, end_char)


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_starts(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    assert sentence_starts(doc) == [s.start for s in doc.sents]


def test_primed_text_is_used_only_when_it_is_the_docs(nlp) -> None:  # type: ignore[no-untyped-def]
    text = TEXTS[1]
    doc = nlp(text)
    assert prime_doc_table(doc, text).text is text
    assert doc_table(doc).text is text  # the primed table serves later callers
    wrong = text + " more"
    assert prime_doc_table(doc, wrong).text == doc.text


def test_a_new_doc_gets_a_new_table(nlp) -> None:  # type: ignore[no-untyped-def]
    first, second = nlp(TEXTS[0]), nlp(TEXTS[3])
    assert doc_table(first).text == TEXTS[0]
    assert doc_table(second).text == TEXTS[3]
    assert doc_table(first).text == TEXTS[0]
