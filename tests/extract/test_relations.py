"""Verb- and noun-based relations: a sentence of our own and the facts it must give."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.extract.meetings import MEETING_FRAMES
from kb.extract.relations import RELATION_FRAMES, RELATIONS, extract_relations
from kb.records import FactRecord
from tests.extract.conftest import Parse

PUBLISHED = dt.date(2025, 7, 20)

Triple = tuple[str, str, str]


def relations(parse, text: str, modality: str = "asserted") -> list[FactRecord]:
    doc, mentions = parse(text)
    return [f for f in extract_relations(doc, mentions, PUBLISHED) if f.modality == modality]


def triples(facts: list[FactRecord]) -> set[Triple]:
    return {(f.subject.name, f.relation, f.object.name) for f in facts if f.object is not None}


def test_vocabulary_is_closed_and_documented() -> None:
    assert {"met", "holds_role", "makes"} <= RELATIONS.keys()
    assert {f.relation for f in RELATION_FRAMES + MEETING_FRAMES} <= RELATIONS.keys()
    assert all(name.islower() and " " not in name for name in RELATIONS)
    assert all(description.strip() for description in RELATIONS.values())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # partners_with
        (
            "Siemens partnered with Volvo on electric trucks.",
            {("Siemens", "partners_with", "Volvo")},
        ),
        (
            "Siemens teamed up with Hyundai to build charging stations.",
            {("Siemens", "partners_with", "Hyundai")},
        ),
        (
            "Samsung signed an agreement with Renault on Tuesday.",
            {("Samsung", "partners_with", "Renault")},
        ),
        (
            "Sony and Nintendo have collaborated on a new console.",
            {("Sony", "partners_with", "Nintendo")},
        ),
        (
            "The partnership between Boeing and Airbus covers cockpit software.",
            {("Boeing", "partners_with", "Airbus")},
        ),
        # supplies
        (
            "Norsk Cells supplies batteries to Volta Motors.",
            {("Norsk Cells", "supplies", "Volta Motors")},
        ),
        (
            "Norsk Cells supplies Volta Motors with battery packs.",
            {("Norsk Cells", "supplies", "Volta Motors")},
        ),
        ("Volta Motors is supplied by Norsk Cells.", {("Norsk Cells", "supplies", "Volta Motors")}),
        (
            "Norsk Cells, a supplier to Volta Motors, reported higher sales.",
            {("Norsk Cells", "supplies", "Volta Motors")},
        ),
        # invested_in
        (
            "Sequoia Capital invested $50 million in Norsk Cells.",
            {("Sequoia Capital", "invested_in", "Norsk Cells")},
        ),
        (
            "SoftBank took a 10% stake in Volta Motors last year.",
            {("SoftBank", "invested_in", "Volta Motors")},
        ),
        (
            "SoftBank's investment in Norsk Cells paid off.",
            {("SoftBank", "invested_in", "Norsk Cells")},
        ),
        # founded
        ("Laura Chen founded Norsk Cells in 2012.", {("Laura Chen", "founded", "Norsk Cells")}),
        (
            "Norsk Cells was founded by Laura Chen in Oslo.",
            {("Laura Chen", "founded", "Norsk Cells")},
        ),
        (
            "Volta Motors, co-founded by Omar Haddad in 2015, makes electric vans.",
            {("Omar Haddad", "founded", "Volta Motors")},
        ),
        # visited
        ("Omar Haddad visited Japan last week.", {("Omar Haddad", "visited", "Japan")}),
        (
            "Omar Haddad visited the Volta Motors factory in Ohio.",
            {("Omar Haddad", "visited", "Volta Motors")},
        ),
        ("Omar Haddad's visit to Kenya lasted three days.", {("Omar Haddad", "visited", "Kenya")}),
        ("Laura Chen toured the Siemens plant in Munich.", {("Laura Chen", "visited", "Siemens")}),
        # sued
        ("Bayer sued BASF over a patent.", {("Bayer", "sued", "BASF")}),
        ("BASF was sued by Bayer in March.", {("Bayer", "sued", "BASF")}),
        ("Bayer filed a lawsuit against BASF on Monday.", {("Bayer", "sued", "BASF")}),
        # acquired
        (
            "Unilever acquired Volta Motors for $2 billion.",
            {("Unilever", "acquired", "Volta Motors")},
        ),
        (
            "Volta Motors was bought by Unilever in 2021.",
            {("Unilever", "acquired", "Volta Motors")},
        ),
        (
            "Unilever's acquisition of Norsk Cells was approved.",
            {("Unilever", "acquired", "Norsk Cells")},
        ),
        ("Siemens took over Norsk Cells.", {("Siemens", "acquired", "Norsk Cells")}),
        # merged_with
        ("Renault merged with Volvo.", {("Renault", "merged_with", "Volvo")}),
        ("Renault and Volvo merged in 2020.", {("Renault", "merged_with", "Volvo")}),
        (
            "The merger between Renault and Volvo created a giant.",
            {("Renault", "merged_with", "Volvo")},
        ),
        # none of them
        ("Unilever bought a new phone from Samsung.", set()),
        ("Samsung sued the government over tariffs.", set()),
        ("Sequoia Capital invested heavily in research.", set()),
        ("Laura Chen founded a charity.", set()),
        ("Renault shares fell after Volvo's announcement.", set()),
        ("Omar Haddad met Laura Chen in Oslo.", set()),
        ("Omar Haddad visited the Siemens website.", set()),
    ],
)
def test_relations_in_sentence(parse: Parse, text: str, expected: set[Triple]) -> None:
    assert triples(relations(parse, text)) == expected


@pytest.mark.parametrize(
    ("text", "modality", "expected"),
    [
        (
            "Unilever did not acquire Volta Motors.",
            "negated",
            ("Unilever", "acquired", "Volta Motors"),
        ),
        (
            "Unilever agreed to acquire Volta Motors.",
            "hypothetical",
            ("Unilever", "acquired", "Volta Motors"),
        ),
        ("Bayer plans to sue BASF.", "hypothetical", ("Bayer", "sued", "BASF")),
        ("Bayer threatened to sue BASF.", "hypothetical", ("Bayer", "sued", "BASF")),
        (
            "Analysts floated the idea of a merger between Renault and Volvo.",
            "hypothetical",
            ("Renault", "merged_with", "Volvo"),
        ),
    ],
)
def test_negated_and_unreal_relations_are_flagged(
    parse: Parse, text: str, modality: str, expected: Triple
) -> None:
    assert triples(relations(parse, text)) == set()
    assert triples(relations(parse, text, modality)) == {expected}


def test_symmetric_relation_is_one_fact_per_pair(parse: Parse) -> None:
    text = "Renault merged with Volvo. The merger between Volvo and Renault was approved."
    facts = relations(parse, text)
    assert len(facts) == 1
    assert facts[0].extractor == "relations.dep_merge"


def test_relation_keeps_its_date_and_evidence(parse: Parse) -> None:
    text = "Markets were calm. Bayer filed a lawsuit against BASF on Monday."
    (fact,) = relations(parse, text)
    assert fact.happened_on == dt.date(2025, 7, 14)
    assert text[fact.evidence.start_char : fact.evidence.end_char] == (
        "Bayer filed a lawsuit against BASF"
    )
    assert text[fact.evidence.sent_start : fact.evidence.sent_end] == (
        "Bayer filed a lawsuit against BASF on Monday."
    )
    assert (fact.extractor, fact.confidence) == ("relations.dep_file_suit", 0.8)


@pytest.mark.parametrize(
    "text",
    [
        "On Monday, Acme said it met Orbit on May 2, 2024 and again last week.",
        "The deal closed in March. Talks began two years ago in Berlin on a Friday.",
        "No dates at all in this sentence about Acme and Orbit.",
        "Shares rose 5% on Tuesday, 12 March 2024, after the second quarter of 2023.",
    ],
)
def test_dates_in_lists_what_span_ents_lists(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    """`dates_in` reads a span's own tokens; it must agree with `Span.ents` on any span,
    sentence-aligned or not (an entity running past the span's end stops the list)."""
    from kb.extract.relations import dates_in

    doc = nlp(text)
    spans = list(doc.sents) + [doc[i:j] for i in range(len(doc)) for j in range(i, len(doc) + 1)]
    assert any(e.label_ == "DATE" for e in doc.ents) or "No dates" in text
    for span in spans:
        expected = [(e.start, e.end) for e in span.ents if e.label_ == "DATE"]
        assert [(e.start, e.end) for e in dates_in(span)] == expected
