"""Pure name handling: keys, surfaces, titles, plausibility (no model needed)."""

from __future__ import annotations

import pytest

from kb.resolve.names import (
    clean_surface,
    is_person_shaped,
    is_plausible_name,
    normalize_key,
    normalize_title,
    split_title,
)


@pytest.mark.parametrize(
    ("a", "b", "label"),
    [
        ("Globex", "Globex Corporation", "ORG"),
        ("Globex", "Globex Group", "ORG"),
        ("Globex", "GLOBEX", "ORG"),
        ("Globex", "Globex’s", "ORG"),
        ("Globex", "Globex's", "ORG"),
        ("Helios Energy", "Helios Energy Holdings Co., Ltd.", "ORG"),
        ("Kölner Stahl", "Kölner Stahl AG", "ORG"),
        ("Bergmann", "Bergmann GmbH", "ORG"),
        ("Tyrell", "Tyrell Corp.", "ORG"),
        ("Tyrell", "Tyrell Inc", "ORG"),
        ("European Union", "the European Union", "ORG"),
        ("Zhang Wei", "Wei Zhang", "PERSON"),
        ("Zhang Wei", "ZHANG WEI", "PERSON"),
        ("Zoë Brandt", "Zoe Brandt", "PERSON"),
        ("Zoë Brandt", "Zoë Brandt’s", "PERSON"),
        ("Chloé Dupont", "chloe  dupont", "PERSON"),
        ("O’Neil", "O'Neil", "PERSON"),
        ("U.S.", "US", "GPE"),
    ],
)
def test_same_key(a: str, b: str, label: str) -> None:
    assert normalize_key(a, label) == normalize_key(b, label)


@pytest.mark.parametrize(
    ("a", "b", "label"),
    [
        ("Globex", "Globex Bank", "ORG"),
        ("Jane Doe", "John Doe", "PERSON"),
        ("Anna Maria Berg", "Berg Anna Maria", "PERSON"),
        ("Acme Group", "Acme", "PERSON"),
    ],
)
def test_different_key(a: str, b: str, label: str) -> None:
    assert normalize_key(a, label) != normalize_key(b, label)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Jane Doe’s", "Jane Doe"),
        ("Jane Doe's", "Jane Doe"),
        ("Jane Doe.", "Jane Doe"),
        ("“Globex”", "Globex"),
        ("Globex,", "Globex"),
        ("Acme Co., Ltd.", "Acme Co., Ltd."),
        ("Sammy Davis Jr.", "Sammy Davis Jr."),
        ("George W.", "George W."),
        ("U.S.", "U.S."),
        ("Lazard Brothers'", "Lazard Brothers"),
        ("  Jane   Doe ", "Jane Doe"),
    ],
)
def test_clean_surface(raw: str, clean: str) -> None:
    assert clean_surface(raw) == clean


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Acme CEO Jane Doe", ("Acme CEO", "Jane Doe")),
        ("Acme founder Jane Doe", ("Acme founder", "Jane Doe")),
        ("former CEO Jane Doe", ("former CEO", "Jane Doe")),
        ("Acme's chief executive Jane Doe", ("Acme's chief executive", "Jane Doe")),
        ("President Jorge Ramirez", ("President", "Jorge Ramirez")),
        ("Dr. Amara Okafor", ("Dr.", "Amara Okafor")),
        ("Vice President Kamala Lee", ("Vice President", "Kamala Lee")),
        ("Jane Doe", (None, "Jane Doe")),
        ("CEO", (None, "CEO")),
    ],
)
def test_split_title(text: str, expected: tuple[str | None, str]) -> None:
    assert split_title(text) == expected


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("chief executive officer", "CEO"),
        ("Chief Executive", "CEO"),
        ("ex-chairwoman", "Chairman"),
        ("former Chairman", "Chairman"),
        ("co-founder", "Co-founder"),
        ("vice-president", "Vice President"),
        ("chief financial officer", "CFO"),
        ("Foreign Minister", "Foreign Minister"),
        ("legal representative", "Legal Representative"),
        ("spokeswoman", "Spokesperson"),
        ("then-CEO", "CEO"),
    ],
)
def test_normalize_title(raw: str, title: str) -> None:
    assert normalize_title(raw) == title


@pytest.mark.parametrize(
    ("text", "label", "plausible"),
    [
        ("Jane Doe", "PERSON", True),
        ("Globex", "ORG", True),
        ("iPhone 16 Pro", "PRODUCT", True),
        ("CEO", "ORG", False),
        ("President", "PERSON", False),
        ("AI", "GPE", False),
        ("EV", "ORG", False),
        ("2024", "ORG", False),
        ("July", "PERSON", False),
        ("the company", "ORG", False),
        ("Group", "ORG", False),
        ("R2D2", "PERSON", False),
        ("", "ORG", False),
    ],
)
def test_is_plausible_name(text: str, label: str, plausible: bool) -> None:
    assert is_plausible_name(text, label) is plausible


@pytest.mark.parametrize(
    ("text", "shaped"),
    [
        ("Jane Doe", True),
        ("Ronan O'Neil", True),
        ("Ian McKellen", True),
        ("Benedict XVI", True),
        ("J.R. Ewing", True),
        ("Globex AI", False),
        ("Acme HyperOS", False),
        ("Model 3", False),
    ],
)
def test_is_person_shaped(text: str, shaped: bool) -> None:
    assert is_person_shaped(text) is shaped
