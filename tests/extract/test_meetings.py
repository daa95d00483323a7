"""Meetings: one sentence (or two) of our own and the `met` facts it must give."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.extract.dates_in_text import resolve_date_text
from kb.extract.meetings import extract_meetings
from kb.records import FactRecord
from tests.extract.conftest import Parse

# A Sunday: "on Tuesday" is 2025-07-15, "yesterday" 2025-07-19.
PUBLISHED = dt.date(2025, 7, 20)


def pair(a: str, b: str) -> frozenset[str]:
    return frozenset({a, b})


def meetings(parse, text: str, modality: str = "asserted") -> list[FactRecord]:
    doc, mentions = parse(text)
    return [f for f in extract_meetings(doc, mentions, PUBLISHED) if f.modality == modality]


def pairs(facts: list[FactRecord]) -> set[frozenset[str]]:
    return {pair(f.subject.name, f.object.name) for f in facts if f.object is not None}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # meeting verbs and phrases
        ("Maria Lopez met Tom Becker in Madrid on Tuesday.", {pair("Maria Lopez", "Tom Becker")}),
        (
            "Chancellor Rafael Duarte met with Premier Paul Whitman at the Finance Ministry.",
            {pair("Rafael Duarte", "Paul Whitman")},
        ),
        (
            "Akira Sato held talks with Lars Eriksen on Monday.",
            {pair("Akira Sato", "Lars Eriksen")},
        ),
        ("Akira Sato and Lars Eriksen held talks in Oslo.", {pair("Akira Sato", "Lars Eriksen")}),
        (
            "Senator Paul Whitman talked with Governor Helen Wright about the budget.",
            {pair("Paul Whitman", "Helen Wright")},
        ),
        ("Mayor Emily Clark hosted Akira Sato at City Hall.", {pair("Emily Clark", "Akira Sato")}),
        (
            "Akira Sato was received by President Jorge Ramirez in Lima.",
            {pair("Akira Sato", "Jorge Ramirez")},
        ),
        (
            "President Jorge Ramirez welcomed Prime Minister Lars Eriksen to the palace.",
            {pair("Jorge Ramirez", "Lars Eriksen")},
        ),
        (
            "Daniel Okafor visited Fatima Ali at her home in Lagos.",
            {pair("Daniel Okafor", "Fatima Ali")},
        ),
        (
            "Kenji Tanaka sat down with Rachel Green over coffee.",
            {pair("Kenji Tanaka", "Rachel Green")},
        ),
        (
            "Claire Dubois accompanied Ahmed Hassan to the trade fair.",
            {pair("Claire Dubois", "Ahmed Hassan")},
        ),
        ("Peter Lang dined with Hannah Cole in Rome.", {pair("Peter Lang", "Hannah Cole")}),
        (
            "Rafael Duarte shook hands with Paul Whitman before the vote.",
            {pair("Rafael Duarte", "Paul Whitman")},
        ),
        (
            "Hannah Cole paid a visit to Peter Lang in hospital.",
            {pair("Hannah Cole", "Peter Lang")},
        ),
        (
            "Sarah Johnson had a meeting with James Miller last Friday.",
            {pair("Sarah Johnson", "James Miller")},
        ),
        (
            "A meeting between Sarah Johnson and James Miller took place in Denver.",
            {pair("Sarah Johnson", "James Miller")},
        ),
        ("Sarah Johnson and James Miller met on March 3.", {pair("Sarah Johnson", "James Miller")}),
        (
            "After talks with Rafael Duarte, Paul Whitman said the dispute was over.",
            {pair("Rafael Duarte", "Paul Whitman")},
        ),
        (
            "Akira Sato, who met Jorge Ramirez on Friday, said the visit went well.",
            {pair("Akira Sato", "Jorge Ramirez")},
        ),
        # tours and accompanying
        (
            "Carlos Mendes gave Priya Nair a tour of the assembly line.",
            {pair("Carlos Mendes", "Priya Nair")},
        ),
        (
            "Laura Chen tours Omar Haddad through the warehouse.",
            {pair("Laura Chen", "Omar Haddad")},
        ),
        (
            "Anna Nowak showed Martin Kowalski around the laboratory.",
            {pair("Anna Nowak", "Martin Kowalski")},
        ),
        (
            "Claire Dubois, accompanied by Ahmed Hassan, toured the shipyard.",
            {pair("Claire Dubois", "Ahmed Hassan")},
        ),
        (
            "Photos show Martin Kowalski inspecting the new Baltic Steel plant, "
            "accompanied by Anna Nowak.",
            {pair("Martin Kowalski", "Anna Nowak")},
        ),
        (
            "Claire Dubois, who was accompanied by Ahmed Hassan, inspected the dam.",
            {pair("Claire Dubois", "Ahmed Hassan")},
        ),
        (
            "Martin Kowalski toured the Baltic Steel mill with Anna Nowak.",
            {pair("Martin Kowalski", "Anna Nowak")},
        ),
        # a meeting as the setting, one person acting on the other
        (
            "During a brief meeting, Tom Becker handed Maria Lopez a signed contract.",
            {pair("Tom Becker", "Maria Lopez")},
        ),
        (
            "At the dinner, Priya Nair told Carlos Mendes about her plans.",
            {pair("Priya Nair", "Carlos Mendes")},
        ),
        (
            "During their talks, Laura Chen demonstrated the new robot, prompting Omar Haddad "
            "to praise its design.",
            {pair("Laura Chen", "Omar Haddad")},
        ),
        # coordination
        (
            "Sarah Johnson met James Miller and Hannah Cole in Chicago.",
            {pair("Sarah Johnson", "James Miller"), pair("Sarah Johnson", "Hannah Cole")},
        ),
        (
            "Sarah Johnson met with James Miller, Hannah Cole and Peter Lang.",
            {
                pair("Sarah Johnson", "James Miller"),
                pair("Sarah Johnson", "Hannah Cole"),
                pair("Sarah Johnson", "Peter Lang"),
            },
        ),
        # pronouns and titles resolved in the article
        (
            "Maria Lopez flew to Berlin on Monday. She met Tom Becker at the chancellery.",
            {pair("Maria Lopez", "Tom Becker")},
        ),
        (
            "Tom Becker arrived late. Maria Lopez greeted him warmly.",
            {pair("Maria Lopez", "Tom Becker")},
        ),
        (
            "Maria Lopez thanked Tom Becker, explaining she had met him in Vienna.",
            {pair("Maria Lopez", "Tom Becker")},
        ),
        (
            "Tom Becker said Maria Lopez met him on Monday.",
            {pair("Maria Lopez", "Tom Becker")},
        ),
        (
            "Acme Robotics CEO Laura Chen spoke at the fair. Later, Minister Omar Haddad met "
            "the Acme Robotics CEO.",
            {pair("Omar Haddad", "Laura Chen")},
        ),
        (
            "President Jorge Ramirez opened the forum. Akira Sato later met the president.",
            {pair("Akira Sato", "Jorge Ramirez")},
        ),
        # not meetings
        ("Maria Lopez praised Tom Becker in a speech.", set()),
        ("Maria Lopez visited Berlin and Vienna last week.", set()),
        ("Maria Lopez criticized Tom Becker's policies.", set()),
        ("Maria Lopez met reporters in Paris.", set()),
        ("During a meeting with investors, Maria Lopez praised Tom Becker.", set()),
        ("Tom Becker gave a talk at the university, and Maria Lopez attended.", set()),
        ("Maria Lopez, who succeeded Tom Becker, met the press on Monday.", set()),
        ("Maria Lopez met with Acme Robotics executives in Boston.", set()),
        ("Maria Lopez called Tom Becker to congratulate him.", set()),
        ("Tom Becker was welcomed by cheering crowds in Nairobi.", set()),
        ("Maria Lopez held talks by phone with Tom Becker on Monday.", set()),
        ("Maria Lopez had a phone conversation with Tom Becker.", set()),
        ("Maria Lopez and Tom Becker met virtually.", set()),
        ("The Acme Robotics founder met Tom Becker.", set()),
    ],
)
def test_meetings_in_sentence(parse: Parse, text: str, expected: set[frozenset[str]]) -> None:
    assert pairs(meetings(parse, text)) == expected


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Maria Lopez did not meet Tom Becker.", "negated"),
        ("Maria Lopez never met Tom Becker.", "negated"),
        ("Maria Lopez declined to meet Tom Becker.", "negated"),
        ("Maria Lopez refused to hold talks with Tom Becker.", "negated"),
        ("Maria Lopez cancelled her meeting with Tom Becker.", "negated"),
        ("Maria Lopez plans to meet Tom Becker next month.", "hypothetical"),
        ("Maria Lopez is expected to meet Tom Becker on Friday.", "hypothetical"),
        ("Maria Lopez could meet Tom Becker in Paris.", "hypothetical"),
        ("Maria Lopez will hold talks with Tom Becker next week.", "hypothetical"),
        ("Maria Lopez is to meet Tom Becker in Berlin.", "hypothetical"),
        ("If Maria Lopez meets Tom Becker, the deal could move forward.", "hypothetical"),
        ("Maria Lopez requested a meeting with Tom Becker.", "hypothetical"),
        ("Ahead of talks with Tom Becker, Maria Lopez said she was hopeful.", "hypothetical"),
        ("A planned meeting between Maria Lopez and Tom Becker was postponed.", "hypothetical"),
        ("The meeting between Maria Lopez and Tom Becker never happened.", "negated"),
        ("Maria Lopez hopes to sit down with Tom Becker soon.", "hypothetical"),
        ("Maria Lopez is meeting Tom Becker next Monday.", "hypothetical"),
    ],
)
def test_negated_and_unreal_meetings_are_flagged_not_asserted(
    parse: Parse, text: str, modality: str
) -> None:
    assert pairs(meetings(parse, text)) == set()
    assert pairs(meetings(parse, text, modality)) == {pair("Maria Lopez", "Tom Becker")}


@pytest.mark.parametrize(
    ("text", "met_on"),
    [
        ("Maria Lopez met Tom Becker on July 3.", dt.date(2025, 7, 3)),
        ("Maria Lopez met Tom Becker last Tuesday.", dt.date(2025, 7, 15)),
        ("Maria Lopez met Tom Becker on Friday in Vienna.", dt.date(2025, 7, 18)),
        ("Maria Lopez met Tom Becker yesterday.", dt.date(2025, 7, 19)),
        ("Maria Lopez held talks with Tom Becker on 3 March 2024.", dt.date(2024, 3, 3)),
        ("Maria Lopez met Tom Becker in May.", None),
        ("Maria Lopez met Tom Becker, who arrived on Friday.", None),
        ("Maria Lopez met Tom Becker.", None),
    ],
)
def test_meeting_date_is_the_one_the_sentence_gives(
    parse: Parse, text: str, met_on: dt.date | None
) -> None:
    (fact,) = meetings(parse, text)
    assert fact.happened_on == met_on


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Maria Lopez met Tom Becker in Vienna.", "Vienna"),
        (
            "Maria Lopez met Tom Becker at the Acme Robotics headquarters.",
            "Acme Robotics headquarters",
        ),
        ("Maria Lopez held talks with Tom Becker at the United Nations.", "United Nations"),
        (
            "Photos show Tom Becker visiting the Baltic Steel factory, accompanied by Maria Lopez.",
            "Baltic Steel factory",
        ),
        ("Maria Lopez met Tom Becker in the afternoon.", None),
        ("Maria Lopez met Tom Becker in 2019.", None),
    ],
)
def test_meeting_place_is_where_the_text_says(parse: Parse, text: str, place: str | None) -> None:
    (fact,) = meetings(parse, text)
    assert fact.place == place


@pytest.mark.parametrize(
    ("text", "extractor", "confidence"),
    [
        ("Maria Lopez met Tom Becker.", "meetings.dep_met", 0.9),
        (
            "Claire Dubois, accompanied by Ahmed Hassan, toured the plant.",
            "meetings.accompanied",
            0.85,
        ),
        (
            "During the meeting, Tom Becker handed Maria Lopez a letter.",
            "meetings.meeting_context",
            0.6,
        ),
        ("Tom Becker arrived. Maria Lopez greeted him.", "meetings.dep_hosted", 0.765),
    ],
)
def test_each_pattern_names_itself_and_its_confidence(
    parse: Parse, text: str, extractor: str, confidence: float
) -> None:
    (fact,) = meetings(parse, text)
    assert (fact.extractor, fact.confidence, fact.relation) == (extractor, confidence, "met")


def test_evidence_spans_the_participants_within_their_sentence(parse: Parse) -> None:
    text = "The summit opened in Rome. Later Maria Lopez met with Tom Becker in a side room."
    doc, mentions = parse(text)
    (fact,) = extract_meetings(doc, mentions, PUBLISHED)
    ev = fact.evidence
    assert text[ev.start_char : ev.end_char] == "Maria Lopez met with Tom Becker"
    assert (
        text[ev.sent_start : ev.sent_end] == "Later Maria Lopez met with Tom Becker in a side room."
    )


def test_one_fact_per_pair_keeps_the_most_confident_statement(parse: Parse) -> None:
    text = (
        "During the talks, Maria Lopez thanked Tom Becker. "
        "Maria Lopez met Tom Becker on Friday in Vienna."
    )
    (fact,) = meetings(parse, text)
    assert (fact.extractor, fact.happened_on, fact.place) == (
        "meetings.dep_met",
        dt.date(2025, 7, 18),
        "Vienna",
    )


def test_a_person_is_never_paired_with_a_company_or_place(parse: Parse) -> None:
    doc, mentions = parse("Maria Lopez met Acme Robotics in Berlin and visited Germany.")
    assert list(extract_meetings(doc, mentions, PUBLISHED)) == []


def test_no_mentions_no_facts(parse: Parse) -> None:
    doc, _ = parse("Maria Lopez met Tom Becker.")
    assert list(extract_meetings(doc, [], PUBLISHED)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("July 3", dt.date(2025, 7, 3)),
        ("3 July", dt.date(2025, 7, 3)),
        ("Jul. 3rd", dt.date(2025, 7, 3)),
        ("July 3, 2024", dt.date(2024, 7, 3)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("7月3日", dt.date(2025, 7, 3)),
        ("December 30", dt.date(2024, 12, 30)),  # a yearless date well after publication
        ("Sunday", dt.date(2025, 7, 20)),
        ("last Sunday", dt.date(2025, 7, 13)),
        ("Thursday night", dt.date(2025, 7, 17)),
        ("next Monday", dt.date(2025, 7, 21)),
        ("yesterday", dt.date(2025, 7, 19)),
        ("today", dt.date(2025, 7, 20)),
        ("last week", None),
        ("earlier this month", None),
        ("2019", None),
        ("February 30", None),
    ],
)
def test_dates_in_text_resolve_against_the_article_date(
    text: str, expected: dt.date | None
) -> None:
    assert resolve_date_text(text, PUBLISHED) == expected


def test_relative_dates_need_an_article_date() -> None:
    assert resolve_date_text("last Tuesday", None) is None
    assert resolve_date_text("July 3", None) is None
    assert resolve_date_text("July 3, 2024", None) == dt.date(2024, 7, 3)
