"""Article-level resolution on real parses: spans, labels, titles, products, linking."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kb.records import MentionRecord
from kb.resolve.mentions import resolve_mentions
from kb.resolve.names import normalize_key


def mentions(nlp: Language, text: str) -> list[MentionRecord]:
    return resolve_mentions(nlp(text))


def triples(found: list[MentionRecord]) -> set[tuple[str, str, str]]:
    """(surface, label, entity name) of each mention."""
    return {(m.text, m.label, m.entity.name) for m in found}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title or an organization glued before a name is not part of it
        (
            "Acme CEO Jane Doe opened the plant. Doe said it would hire 500 people.",
            {
                ("Acme", "ORG", "Acme"),
                ("Jane Doe", "PERSON", "Jane Doe"),
                ("Doe", "PERSON", "Jane Doe"),
            },
        ),
        (
            "Former Globex CEO Hank Scorpio said on Tuesday that he had no regrets.",
            {("Globex", "ORG", "Globex"), ("Hank Scorpio", "PERSON", "Hank Scorpio")},
        ),
        # legal suffixes, possessives and case variants are one organization
        (
            "Globex Corporation reported higher sales. Globex's shares rose, "
            "and GLOBEX said more was to come.",
            {
                ("Globex Corporation", "ORG", "Globex"),
                ("Globex", "ORG", "Globex"),
                ("GLOBEX", "ORG", "Globex"),
            },
        ),
        (
            "The contract went to Helios Energy Holdings Ltd. Helios Energy will start in May.",
            {
                ("Helios Energy Holdings Ltd.", "ORG", "Helios Energy"),
                ("Helios Energy", "ORG", "Helios Energy"),
            },
        ),
        # a two-part Chinese name in either order is one person
        (
            "Zhang Wei, the founder of Jade Dragon Group, spoke in Shanghai. "
            "Wei Zhang later met investors.",
            {
                ("Zhang Wei", "PERSON", "Wei Zhang"),
                ("Wei Zhang", "PERSON", "Wei Zhang"),
                ("Jade Dragon Group", "ORG", "Jade Dragon Group"),
                ("Shanghai", "GPE", "Shanghai"),
            },
        ),
        # accents are kept in the text, surnames link to the full name
        (
            "Zoë Brandt joined Kölner Stahl AG in 2020. Brandt now runs the steel unit.",
            {
                ("Zoë Brandt", "PERSON", "Zoë Brandt"),
                ("Brandt", "PERSON", "Zoë Brandt"),
                ("Kölner Stahl AG", "ORG", "Kölner Stahl"),
            },
        ),
        # curly possessive
        (
            "Initech’s engineers built the system, Initech said.",
            {("Initech", "ORG", "Initech")},
        ),
        # "EU" abbreviates the one organization it can stand for
        (
            "The European Union fined the company. The EU said it had acted on complaints.",
            {("European Union", "ORG", "European Union"), ("EU", "ORG", "European Union")},
        ),
        # surname-only mentions pick the right full name
        (
            "Maria Lopez thanked Tom Becker. Lopez and Becker have worked together since 2015.",
            {
                ("Maria Lopez", "PERSON", "Maria Lopez"),
                ("Tom Becker", "PERSON", "Tom Becker"),
                ("Lopez", "PERSON", "Maria Lopez"),
                ("Becker", "PERSON", "Tom Becker"),
            },
        ),
        # products NER misses are recovered by their model-name shape
        (
            "Buyers waited for the Galaxy S24 Ultra, which Samsung will ship in March.",
            {("Galaxy S24 Ultra", "PRODUCT", "Galaxy S24 Ultra"), ("Samsung", "ORG", "Samsung")},
        ),
        # a sentence-final period is not part of the name
        (
            "The award went to Prime Minister Mark Rutte.",
            {("Mark Rutte", "PERSON", "Mark Rutte")},
        ),
        # a legal form makes a company name even where NER misses it
        (
            "Jade Dragon Motor Co., Ltd. was founded in Hangzhou in 2003.",
            {
                ("Jade Dragon Motor Co., Ltd.", "ORG", "Jade Dragon Motor"),
                ("Hangzhou", "GPE", "Hangzhou"),
            },
        ),
        # a Title-Case headline keeps only the names the body confirms
        (
            "Maria Lopez Wins Design Award Against Strong Field\n\n"
            "Maria Lopez, the chief executive of Helios Energy, received the award in Milan. "
            "Lopez thanked her team.",
            {
                ("Maria Lopez", "PERSON", "Maria Lopez"),
                ("Lopez", "PERSON", "Maria Lopez"),
                ("Helios Energy", "ORG", "Helios Energy"),
                ("Milan", "GPE", "Milan"),
            },
        ),
        # "Vienna, Freiburg, London and Copenhagen": a list shares its label
        (
            "She has travelled to Vienna, Freiburg, London and Copenhagen this year.",
            {
                ("Vienna", "GPE", "Vienna"),
                ("Freiburg", "GPE", "Freiburg"),
                ("London", "GPE", "London"),
                ("Copenhagen", "GPE", "Copenhagen"),
            },
        ),
        # "carmaker Nio": a descriptor says the one-word name is a company
        (
            "Chinese carmaker Nio launched its ET9 sedan in Shanghai.",
            {
                ("Chinese", "NORP", "Chinese"),
                ("Nio", "ORG", "Nio"),
                ("ET9", "PRODUCT", "ET9"),
                ("Shanghai", "GPE", "Shanghai"),
            },
        ),
    ],
)
def test_resolved_mentions(nlp: Language, text: str, expected: set[tuple[str, str, str]]) -> None:
    assert triples(mentions(nlp, text)) == expected


def test_offsets_cover_the_name_only(nlp: Language) -> None:
    text = "Shares rose after Acme CEO Jane Doe’s speech."
    found = {m.text: m for m in mentions(nlp, text)}
    person = found["Jane Doe"]
    assert text[person.evidence.start_char : person.evidence.end_char] == "Jane Doe"
    assert text[person.evidence.sent_start : person.evidence.sent_end] == text
    org = found["Acme"]
    assert text[org.evidence.start_char : org.evidence.end_char] == "Acme"


def test_entity_key_is_normalized_name(nlp: Language) -> None:
    for mention in mentions(nlp, "Wei Zhang met Globex Corp. executives in Hamburg."):
        assert mention.entity.key == normalize_key(mention.entity.name, mention.entity.label)


def test_mentions_of_one_entity_share_one_ref(nlp: Language) -> None:
    text = "Tom Becker, who runs Helios Energy, met Maria Lopez. Becker praised her."
    refs = {m.text: m.entity for m in mentions(nlp, text)}
    assert refs["Becker"] == refs["Tom Becker"]
    assert refs["Maria Lopez"] != refs["Tom Becker"]


@pytest.mark.parametrize(
    "text",
    [
        "Revenue rose 5% in Q2 2024, and 5G phones sold well in the third quarter.",
        "Article 5 of the treaty was discussed at the G20 summit.",
        "Bayern won 3-1 against Dortmund on Saturday.",
        "Shoppers in Berlin bought 10 million phones in 2023.",
        "Hamburg beat Bremen 2-1 (Keller 53', Novak 73') in front of 50,000 fans.",
        "Fans paid 300 euros for seats in Section 12 Row 21 of the stadium.",
        "Striker Marco Lang 20 minutes later doubled the lead.",
        "The FTSE 100 fell 1.2% while the DAX 40 edged higher.",
        "She won the Peace Prize of the German Book Trade in 2016.",
    ],
)
def test_no_products_from_numbers(nlp: Language, text: str) -> None:
    assert not [m for m in mentions(nlp, text) if m.label == "PRODUCT"]


def test_titles_are_never_names(nlp: Language) -> None:
    text = "US Secretary of State John Kerry met the CEO in Cairo."
    names = {m.text for m in mentions(nlp, text)}
    assert "John Kerry" in names
    assert not names & {"State", "CEO", "Secretary of State"}
