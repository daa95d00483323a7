"""Pure comparisons: names, titles, metrics, units, currencies, values and dates."""

from __future__ import annotations

import datetime as dt

import pytest

from kb.eval.matching import (
    NameForms,
    currencies_agree,
    dates_agree,
    entity_type_matches,
    metrics_agree,
    periods_agree,
    titles_agree,
    units_agree,
    values_agree,
)


@pytest.mark.parametrize(
    ("gold", "kb", "expected"),
    [
        ("Zoë Müller", "ZOE MULLER", True),
        ("Rene Preval", "René Préval", True),
        ("U.S.", "US", True),
        ("Xiaomi's", "Xiaomi", True),
        ("Wal-Mart", "Walmart", True),
        ("O’Neil", "O'Neil", True),
        ("雷军", "雷军", True),
        ("Lei Jun", "Lei", False),
        ("Ford", "Stanford", False),
        ("Xiaomi", "Xiaomi Group", False),
    ],
)
def test_names_match_case_accent_and_punctuation_blind(gold: str, kb: str, expected: bool) -> None:
    assert NameForms.of([gold]).matches(NameForms.of([kb])) is expected


@pytest.mark.parametrize(
    ("gold", "kb", "expected"),
    [
        ("John Kerry", "Kerry", True),
        ("Kerry", "John Kerry", True),
        ("Francois 'Papa Doc' Duvalier", "François Duvalier", True),
        ("Ford", "Stanford University", False),
        ("Xi Jinping", "Xi Yang", False),
    ],
)
def test_containment_is_by_whole_words_and_only_on_request(
    gold: str, kb: str, expected: bool
) -> None:
    gold_forms, kb_forms = NameForms.of([gold]), NameForms.of([kb])
    assert gold_forms.matches(kb_forms, containment=True) is expected
    assert gold_forms.matches(kb_forms) is False


def test_any_alternative_or_alias_matches() -> None:
    gold = NameForms.of(["Xiaomi", "Xiaomi Corporation"])
    assert gold.matches(NameForms.of(["Xiaomi Corp.", "Xiaomi Corporation"]))
    assert not gold.matches(NameForms.of([]))


@pytest.mark.parametrize(
    ("gold", "kb", "loc_as_gpe", "expected"),
    [
        ({"GPE"}, "LOC", True, True),
        ({"LOC"}, "GPE", True, True),
        ({"GPE"}, "LOC", False, False),
        ({"ORG"}, "org", False, True),
        ({"PERSON"}, "ORG", True, False),
        ({"GPE"}, None, True, False),
    ],
)
def test_entity_types(gold: set[str], kb: str | None, loc_as_gpe: bool, expected: bool) -> None:
    assert entity_type_matches(frozenset(gold), kb, loc_as_gpe=loc_as_gpe) is expected


@pytest.mark.parametrize(
    ("gold", "kb", "expected"),
    [
        (["CEO"], "Chief Executive", True),
        (["CEO"], "chief executive officer", True),
        (["Chief Executive"], "CEO", True),
        (["Chairman"], "chairwoman", True),
        (["Chairman"], "Executive Chairman", True),
        (["founder"], "Co-Founder", True),
        (["legal representative"], "Legal Representative", True),
        (["President", "Partner"], "partner", True),
        (["President"], "Vice President", False),
        (["CEO"], "CFO", False),
        (["Chief Executive"], "Chief Financial Officer", False),
        (["Executive Director"], "Executive Chairman", False),
        (["CEO"], None, False),
    ],
)
def test_titles_share_a_content_word_through_synonyms(
    gold: list[str], kb: str | None, expected: bool
) -> None:
    assert titles_agree(gold, [kb]) is expected


@pytest.mark.parametrize(
    ("gold", "kb", "expected"),
    [
        ("smartphone shipments", "shipments", True),
        ("pre-orders", "preorders", True),
        ("pre-orders", "orders", True),
        ("R&D expenditure", "R&D spending", True),
        ("connected IoT devices", "IoT devices connected", True),
        ("delivered units", "deliveries", True),
        ("prices", "price", True),
        ("pre-orders", "ordered", True),
        ("revenue", "shipments", False),
        ("number of patents", "number of users", False),
        ("revenue", None, False),
    ],
)
def test_metrics_share_a_content_word(gold: str, kb: str | None, expected: bool) -> None:
    assert metrics_agree(gold, kb) is expected


@pytest.mark.parametrize(
    ("gold", "kb_unit", "kb_currency", "expected"),
    [
        ("%", "percent", None, True),
        ("percent", "%", None, True),
        ("units", None, None, True),
        ("units", "unit", None, True),
        ("units", "vehicles", None, False),
        ("%", None, None, False),
        ("dollar", None, "USD", True),
        ("euro", None, "USD", False),
        ("miles", "mile", None, True),
    ],
)
def test_units_agree(
    gold: str, kb_unit: str | None, kb_currency: str | None, expected: bool
) -> None:
    assert units_agree(gold, kb_unit, kb_currency) is expected


@pytest.mark.parametrize(
    ("gold", "kb", "expected"),
    [("CNY", "RMB", True), ("USD", "$", True), ("EUR", "eur", True), ("USD", "CNY", False),
     ("USD", None, False)],
)  # fmt: skip
def test_currencies_agree_by_code(gold: str, kb: str | None, expected: bool) -> None:
    assert currencies_agree(gold, kb) is expected


@pytest.mark.parametrize(
    ("gold", "kb", "expected"),
    [
        (42_200_000, 42_400_000, True),  # 0.47 %
        (42_200_000, 42_000_000, True),
        (42_200_000, 42_500_000, False),  # 0.71 %
        (14.6, 14.67, True),
        (14.6, 14.7, False),
        (0, 0, True),
        (0, 0.1, False),
        (100, None, False),
    ],
)
def test_values_agree_within_half_a_percent(gold: float, kb: float | None, expected: bool) -> None:
    assert values_agree(gold, kb) is expected


@pytest.mark.parametrize(
    ("kb", "expected"),
    [("2025-07-17", True), ("2025-07-20", True), ("2025-07-14", True), ("2025-07-21", False),
     ("2025-07-13", False), (None, False)],
)  # fmt: skip
def test_dates_agree_within_three_days(kb: str | None, expected: bool) -> None:
    kb_date = dt.date.fromisoformat(kb) if kb else None
    assert dates_agree(dt.date(2025, 7, 17), kb_date) is expected


@pytest.mark.parametrize(
    ("gold", "kb", "expected"),
    [("2024-Q2", "2024-q2", True), ("2025", "2025", True), ("2025", "2024", False),
     ("2024-Q2", "2024", False), ("2025", None, False)],
)  # fmt: skip
def test_periods_agree_exactly(gold: str, kb: str | None, expected: bool) -> None:
    assert periods_agree(gold, kb) is expected
