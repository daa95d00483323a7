"""Corpus-level label votes, display names and country adjectives (pure)."""

from __future__ import annotations

import pytest

from kb.resolve.places import place_for_demonym
from kb.resolve.votes import best_name, strip_legal_form, vote_label


@pytest.mark.parametrize(
    ("counts", "label"),
    [
        ({"ORG": 5, "PERSON": 2}, "ORG"),
        ({"PERSON": 1, "ORG": 1}, "ORG"),
        ({"GPE": 3, "ORG": 1, "PERSON": 2}, "GPE"),
        ({"PRODUCT": 2}, "PRODUCT"),
        ({"LOC": 1, "GPE": 1}, "GPE"),
    ],
)
def test_vote_label(counts: dict[str, int], label: str) -> None:
    assert vote_label(counts) == label


def test_vote_label_needs_counts() -> None:
    with pytest.raises(ValueError, match="at least one"):
        vote_label({})


@pytest.mark.parametrize(
    ("aliases", "name"),
    [
        ({"Doe": 7, "Jane Doe": 2, "Jane Doe's": 1}, "Jane Doe"),
        ({"Globex": 9, "Globex Corporation": 2, "GLOBEX": 1}, "Globex"),
        ({"Helios Energy Holdings Co., Ltd.": 1}, "Helios Energy Holdings"),
        ({"Wei Zhang": 3, "Zhang Wei": 1, "Zhang": 4}, "Wei Zhang"),
        ({"George W. Bush": 1, "George Bush": 3, "Bush": 9}, "George W. Bush"),
        ({"NORTHWIND": 3, "Northwind": 1}, "Northwind"),
    ],
)
def test_best_name(aliases: dict[str, int], name: str) -> None:
    assert best_name(aliases) == name


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("Acme Co., Ltd.", "Acme"),
        ("Kölner Stahl AG", "Kölner Stahl"),
        ("Tyrell Inc.", "Tyrell"),
        ("Globex Corporation", "Globex Corporation"),
        ("Co", "Co"),
    ],
)
def test_strip_legal_form(name: str, stripped: str) -> None:
    assert strip_legal_form(name) == stripped


@pytest.mark.parametrize(
    ("adjective", "places", "place"),
    [
        ("German", ["Berlin", "Germany"], "Germany"),
        ("Cypriot", ["Cyprus", "EU"], "Cyprus"),
        ("French", ["France", "Paris"], "France"),
        ("American", ["U.S.", "Canada"], "U.S."),
        ("South African", ["South Korea", "South Africa"], "South Africa"),
        ("Austrian", ["Australia", "Austria"], "Austria"),
        ("Italian", ["Germany"], None),
    ],
)
def test_place_for_demonym(adjective: str, places: list[str], place: str | None) -> None:
    assert place_for_demonym(adjective, places) == place
