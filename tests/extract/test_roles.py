"""holds_role: one sentence (or two) of our own and the roles it must give.

Runs the real resolver, since roles depend on titles being split off names.
"""

from __future__ import annotations

import datetime as dt

import pytest
from spacy.language import Language

from kb.extract.roles import extract_roles
from kb.records import FactRecord
from kb.resolve.mentions import resolve_mentions

Role = tuple[str, str, str | None, str]


def roles(nlp: Language, text: str) -> list[FactRecord]:
    doc = nlp(text)
    return list(extract_roles(doc, resolve_mentions(doc), None))


def tuples(facts: list[FactRecord]) -> set[Role]:
    return {
        (f.subject.name, f.object.name if f.object else "", f.title, f.status or "") for f in facts
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # organization + title + name
        (
            "Acme Robotics CEO Maria Lopez said the new plant will open in May.",
            {("Maria Lopez", "Acme Robotics", "CEO", "current")},
        ),
        (
            "The agreement was signed by Contoso President Anna Berg on Friday.",
            {("Anna Berg", "Contoso", "President", "current")},
        ),
        (
            "Harbor Freight Tools CEO Eric Smidt thanked the staff.",
            {("Eric Smidt", "Harbor Freight Tools", "CEO", "current")},
        ),
        (
            "Siemens AG chief executive Roland Busch visited the factory in Erlangen.",
            {("Roland Busch", "Siemens", "CEO", "current")},
        ),
        (
            "Deutsche Telekom board member Claudia Nemat gave a speech.",
            {("Claudia Nemat", "Deutsche Telekom", "Board Member", "current")},
        ),
        (
            "Acme spokesperson Jane Smith said the recall was voluntary.",
            {("Jane Smith", "Acme", "Spokesperson", "current")},
        ),
        (
            "BMW CEO Oliver Zipse and Mercedes-Benz CEO Ola Källenius spoke at the auto show.",
            {
                ("Oliver Zipse", "BMW", "CEO", "current"),
                ("Ola Källenius", "Mercedes-Benz", "CEO", "current"),
            },
        ),
        # status: former, ex-, then-
        (
            "Former Initech CEO Peter Gibbons has joined the board of a startup.",
            {("Peter Gibbons", "Initech", "CEO", "former")},
        ),
        (
            "Umbrella Holdings ex-chairman Albert Wesker was arrested in Berlin.",
            {("Albert Wesker", "Umbrella Holdings", "Chairman", "former")},
        ),
        (
            "Initech's then-CEO Bill Lumbergh approved the layoffs.",
            {("Bill Lumbergh", "Initech", "CEO", "former")},
        ),
        # appositions after the name
        (
            "Maria Lopez, founder and chief executive of Fabrikam, spoke at the fair in Hanover.",
            {
                ("Maria Lopez", "Fabrikam", "Founder", "current"),
                ("Maria Lopez", "Fabrikam", "CEO", "current"),
            },
        ),
        (
            "Li Wei, Partner and Vice President of Globex Corporation, presented the results.",
            {
                ("Li Wei", "Globex Corporation", "Partner", "current"),
                ("Li Wei", "Globex Corporation", "Vice President", "current"),
            },
        ),
        (
            "Kenji Sato, Northwind Traders' chairman, declined to comment on the merger.",
            {("Kenji Sato", "Northwind Traders", "Chairman", "current")},
        ),
        (
            "Ines Moreau, Silvercrest's founder, rang the opening bell.",
            {("Ines Moreau", "Silvercrest", "Founder", "current")},
        ),
        (
            "Zoë Brandt, the chief executive of Kölner Stahl AG, opened the new mill.",
            {("Zoë Brandt", "Kölner Stahl", "CEO", "current")},
        ),
        (
            "Akira Sato, president of the Japan Chess Association, praised the players.",
            {("Akira Sato", "Japan Chess Association", "President", "current")},
        ),
        (
            "Dr. Amara Okafor, chief scientist at Helix Labs, led the study.",
            {("Amara Okafor", "Helix Labs", "Chief Scientist", "current")},
        ),
        (
            "Eva Lind, ex-CFO of Polaris Bank, joined a rival.",
            {("Eva Lind", "Polaris Bank", "CFO", "former")},
        ),
        (
            "Tom Becker, the former chairman of Helios Energy, died on Sunday.",
            {("Tom Becker", "Helios Energy", "Chairman", "former")},
        ),
        # the title and its organization before the name
        (
            "Tesla's chief executive, Elon Musk, said the factory would double output.",
            {("Elon Musk", "Tesla", "CEO", "current")},
        ),
        (
            "The chief executive of Globex, Hank Scorpio, told reporters that sales doubled.",
            {("Hank Scorpio", "Globex", "CEO", "current")},
        ),
        (
            "The Silvercrest founder, Ines Moreau, rang the opening bell.",
            {("Ines Moreau", "Silvercrest", "Founder", "current")},
        ),
        (
            "Acme's chairman and chief executive, Jo Roe, will retire in June.",
            {("Jo Roe", "Acme", "Chairman", "current"), ("Jo Roe", "Acme", "CEO", "current")},
        ),
        # possessive organization without a title
        (
            "Tailspin's Omar Haddad said demand for drones was strong.",
            {("Omar Haddad", "Tailspin", None, "current")},
        ),
        (
            "“We are ready,” said Nordlicht Media’s Lena Berg.",
            {("Lena Berg", "Nordlicht Media", None, "current")},
        ),
        # verbs: be, become, name, appoint, hire, step down, retire, succeed
        (
            "Olivia Chen is the managing director of Stark Capital.",
            {("Olivia Chen", "Stark Capital", "Managing Director", "current")},
        ),
        (
            "Priya Nair will become chief executive of Bluebird Airlines in July.",
            {("Priya Nair", "Bluebird Airlines", "CEO", "current")},
        ),
        (
            "Sofia Rossi was named chief operating officer of Massive Dynamic in March.",
            {("Sofia Rossi", "Massive Dynamic", "COO", "current")},
        ),
        (
            "Marcus Hale, who was named president of Orion Bank in 2019, spoke first.",
            {("Marcus Hale", "Orion Bank", "President", "current")},
        ),
        (
            "Volkswagen named Oliver Blume chief executive in 2022.",
            {("Oliver Blume", "Volkswagen", "CEO", "current")},
        ),
        (
            "Globex Corporation named Li Wei its chief executive on Tuesday.",
            {("Li Wei", "Globex Corporation", "CEO", "current")},
        ),
        (
            "Helios Energy hired Tom Becker as chief financial officer.",
            {("Tom Becker", "Helios Energy", "CFO", "current")},
        ),
        (
            "John Roe stepped down as chief financial officer of Vandelay Industries last year.",
            {("John Roe", "Vandelay Industries", "CFO", "former")},
        ),
        (
            "Rafael Duarte retired as chairman of Banco Atlantico in 2021.",
            {("Rafael Duarte", "Banco Atlantico", "Chairman", "former")},
        ),
        (
            "Peter Holm was succeeded by Maria Lopez as CEO of Wayne Enterprises.",
            {
                ("Peter Holm", "Wayne Enterprises", "CEO", "former"),
                ("Maria Lopez", "Wayne Enterprises", "CEO", "current"),
            },
        ),
        (
            "Clara Vogt replaced Jonas Weber as head of Stadtwerke Bonn.",
            {
                ("Clara Vogt", "Stadtwerke Bonn", "Head", "current"),
                ("Jonas Weber", "Stadtwerke Bonn", "Head", "former"),
            },
        ),
        # the organization from context
        (
            "Kestrel Motors Co., Ltd. was registered in Osaka last week. With Jun Takahashi "
            "as legal representative, the company plans to build batteries.",
            {("Jun Takahashi", "Kestrel Motors", "Legal Representative", "current")},
        ),
        (
            "The board of Tyrell Corporation elected Eldon Tyrell as chairman.",
            {("Eldon Tyrell", "Tyrell Corporation", "Chairman", "current")},
        ),
        # countries: adjective or name before the title, "of" after the name
        (
            "German Chancellor Olaf Scholz said Germany would send more aid.",
            {("Olaf Scholz", "Germany", "Chancellor", "current")},
        ),
        (
            "President Emmanuel Macron of France opened the summit in Nice.",
            {("Emmanuel Macron", "France", "President", "current")},
        ),
        (
            "Chancellor Karl Nehammer of Austria arrived on Monday.",
            {("Karl Nehammer", "Austria", "Chancellor", "current")},
        ),
        (
            "Italian Prime Minister Giorgia Meloni met European leaders in Rome, "
            "the capital of Italy.",
            {("Giorgia Meloni", "Italy", "Prime Minister", "current")},
        ),
        (
            "Barcelona midfielder Pedri was injured on Sunday.",
            {("Pedri", "Barcelona", "Midfielder", "current")},
        ),
        # no role
        ("Maria Lopez met the CEO of Acme in Madrid.", set()),
        ("The chief executive said revenue grew by a third.", set()),
        ("Anna Berg and Tom Becker toured the Globex plant in Austin.", set()),
    ],
)
def test_roles(nlp: Language, text: str, expected: set[Role]) -> None:
    assert tuples(roles(nlp, text)) == expected


def test_role_fact_shape(nlp: Language) -> None:
    text = "Shares fell. Acme Robotics CEO Maria Lopez said the plant will open in May."
    (fact,) = roles(nlp, text)
    assert fact.relation == "holds_role"
    assert fact.subject.label == "PERSON"
    assert fact.object is not None
    assert fact.object.label == "ORG"
    assert fact.extractor == "roles.prefix"
    assert 0 < fact.confidence <= 1
    ev = fact.evidence
    assert text[ev.start_char : ev.end_char] == "Acme Robotics CEO Maria Lopez"
    assert text[ev.sent_start : ev.sent_end].startswith("Acme Robotics CEO")


def test_context_roles_are_less_confident(nlp: Language) -> None:
    direct = roles(nlp, "Acme Robotics CEO Maria Lopez said the plant will open.")
    text = "Helios Energy built a plant. With Maria Lopez as legal representative, the firm grew."
    (inferred,) = roles(nlp, text)
    assert inferred.extractor == "roles.context"
    assert inferred.confidence < direct[0].confidence


@pytest.mark.parametrize(
    ("text", "happened_on"),
    [
        (
            "Sofia Rossi was named chief operating officer of Massive Dynamic on March 3.",
            dt.date(2025, 3, 3),
        ),
        (
            "Rafael Duarte retired as chairman of Banco Atlantico on Tuesday.",
            dt.date(2025, 7, 15),
        ),
        ("Acme Robotics CEO Maria Lopez spoke on Monday.", None),
    ],
)
def test_role_date_from_its_verb(nlp: Language, text: str, happened_on: dt.date | None) -> None:
    doc = nlp(text)
    (fact,) = extract_roles(doc, resolve_mentions(doc), dt.date(2025, 7, 20))
    assert fact.happened_on == happened_on


def test_relation_is_in_the_vocabulary() -> None:
    from kb.extract.relations import RELATIONS
    from kb.extract.roles import RELATION

    assert RELATION in RELATIONS
