"""makes: one sentence of our own and the (maker, product) pairs it must give."""

from __future__ import annotations

import pytest
from spacy.language import Language

from kb.extract.products import extract_products
from kb.records import FactRecord
from kb.resolve.mentions import resolve_mentions


def makes(nlp: Language, text: str) -> list[FactRecord]:
    doc = nlp(text)
    return list(extract_products(doc, resolve_mentions(doc), None))


def pairs(facts: list[FactRecord]) -> set[tuple[str, str]]:
    return {(f.subject.name, f.object.name if f.object else "") for f in facts}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # launch verbs: the subject makes the object
        (
            "Samsung unveiled the Galaxy S24 Ultra at an event in San Jose.",
            {("Samsung", "Galaxy S24 Ultra")},
        ),
        ("Apple introduced the iPhone 16 Pro on Monday.", {("Apple", "iPhone 16 Pro")}),
        ("Google released the Pixel 9 in August.", {("Google", "Pixel 9")}),
        ("Sony began selling the PlayStation 5 Pro in November.", {("Sony", "PlayStation 5 Pro")}),
        ("Airbus delivered 40 A320neo jets to airlines in March.", {("Airbus", "A320neo")}),
        (
            "Volkswagen will start producing the ID.4 at its plant in Emden.",
            {("Volkswagen", "ID.4")},
        ),
        ("Fitbit, owned by Google, sells the Charge 6 band.", {("Fitbit", "Charge 6")}),
        (
            "Chinese carmaker Nio launched its ET9 sedan in Shanghai.",
            {("Nio", "ET9")},
        ),
        # possessive maker
        ("Tesla's Model Y was the best-selling car in Europe last year.", {("Tesla", "Model Y")}),
        ("Lenovo’s ThinkPad X1 got a new keyboard.", {("Lenovo", "ThinkPad X1")}),
        # brand prefix that the article names as an organization
        (
            "OnePlus released the OnePlus 12 in India, a phone with a large battery.",
            {("OnePlus", "OnePlus 12")},
        ),
        (
            "The Boeing 737 MAX returned to service after Boeing fixed the software.",
            {("Boeing", "Boeing 737 MAX")},
        ),
        # "from" after the product
        ("The Galaxy Watch 7 from Samsung tracks sleep.", {("Samsung", "Galaxy Watch 7")}),
        # no maker in the sentence, or no product at all
        ("Buyers lined up for the Pixel 9 at stores in Tokyo.", set()),
        ("Revenue rose 5% in Q2 2024, and 5G phones sold well.", set()),
        ("Article 5 of the treaty was discussed at the G20 summit in Rio.", set()),
        ("Bayern won 3-1 against Dortmund on Saturday.", set()),
        ("Shoppers in Berlin bought 10 million phones in 2023.", set()),
        # a supplier is not the maker
        ("Panasonic supplies batteries for Tesla's Model 3.", {("Tesla", "Model 3")}),
    ],
)
def test_makes(nlp: Language, text: str, expected: set[tuple[str, str]]) -> None:
    assert pairs(makes(nlp, text)) == expected


def test_product_fact_shape(nlp: Language) -> None:
    text = "Apple introduced the iPhone 16 Pro on Monday."
    (fact,) = makes(nlp, text)
    assert fact.relation == "makes"
    assert fact.subject.label == "ORG"
    assert fact.object is not None
    assert fact.object.label == "PRODUCT"
    assert fact.extractor == "products.verb"
    ev = fact.evidence
    assert text[ev.start_char : ev.end_char] == "Apple introduced the iPhone 16 Pro"


def test_one_fact_per_pair_per_article(nlp: Language) -> None:
    text = "Tesla's Model Y sold well. Tesla said the Model Y would get a new battery."
    assert len(makes(nlp, text)) == 1


def test_relation_is_in_the_vocabulary() -> None:
    from kb.extract.products import RELATION
    from kb.extract.relations import RELATIONS

    assert RELATION in RELATIONS
