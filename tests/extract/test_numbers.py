"""Number normalization: amounts, qualifiers, periods and changes, as news writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kb.extract.numbers import (
    Amount,
    currency_code,
    find_amounts,
    find_changes,
    parse_amount,
    parse_change,
    parse_number_words,
    parse_period,
    parse_qualifier,
    period_as_of,
)

REFERENCE = dt.date(2024, 8, 20)


@pytest.mark.parametrize(
    ("text", "value", "currency", "unit"),
    [
        # scale words and suffixes
        ("36.4 million", 36_400_000, None, None),
        ("3.6 billion", 3_600_000_000, None, None),
        ("1.2 trillion", 1_200_000_000_000, None, None),
        ("12 thousand", 12_000, None, None),
        ("25k", 25_000, None, None),
        ("7 mn", 7_000_000, None, None),
        ("2.5 lakh", 250_000, None, None),
        ("4 crore", 40_000_000, None, None),
        # currencies before and after the number
        ("38.2 billion yuan", 38_200_000_000, "CNY", None),
        ("RMB38.2bn", 38_200_000_000, "CNY", None),
        ("RMB 12.4 billion", 12_400_000_000, "CNY", None),
        ("¥38.2 billion", 38_200_000_000, "CNY", None),
        ("$6.35 billion", 6_350_000_000, "USD", None),
        ("US$6.35bn", 6_350_000_000, "USD", None),
        ("$US113 trillion", 113_000_000_000_000, "USD", None),
        ("HK$3.2bn", 3_200_000_000, "HKD", None),
        ("€5m", 5_000_000, "EUR", None),
        ("EUR 5 million", 5_000_000, "EUR", None),
        ("£3 million", 3_000_000, "GBP", None),
        ("2.4 million pounds", 2_400_000, "GBP", None),
        ("600 billion yen", 600_000_000_000, "JPY", None),
        ("₩2.1 trillion", 2_100_000_000_000, "KRW", None),
        ("Rs 38,000 crore", 380_000_000_000, "INR", None),
        ("10.5 million Australian dollars", 10_500_000, "AUD", None),
        ("S$800 million", 800_000_000, "SGD", None),
        ("CHF 1.1 billion", 1_100_000_000, "CHF", None),
        # Chinese scales
        ("1.2亿元", 120_000_000, "CNY", None),
        ("3万", 30_000, None, None),
        ("5000万美元", 50_000_000, "USD", None),
        # numbers in words
        ("twenty", 20, None, None),
        ("one million", 1_000_000, None, None),
        ("twenty-five thousand", 25_000, None, None),
        ("a dozen", 12, None, None),
        ("eight euros", 8, "EUR", None),
        # percentages and points
        ("17.4%", 17.4, None, "%"),
        ("19 per cent", 19, None, "%"),
        ("five percent", 5, None, "%"),
        ("1.38pc", 1.38, None, "%"),
        ("2.3 percentage points", 2.3, None, "pp"),
        ("25 basis points", 25, None, "bp"),
        # units of measure and counted nouns
        ("5cm", 5, None, "cm"),
        ("23km/h", 23, None, "km/h"),
        ("256GB", 256, None, "GB"),
        ("640bhp", 640, None, "bhp"),
        ("1.5L", 1.5, None, "litres"),
        ("275 pound-feet", 275, None, "pound-feet"),
        ("41,000 tonnes", 41_000, None, "tonnes"),
        ("5 pounds", 5, None, "pounds"),
        ("$58.24 per barrel", 58.24, "USD", "per barrel"),
        ("$1.25 a share", 1.25, "USD", "per share"),
        ("36.4 million units", 36_400_000, None, "units"),
        ("180,000 pre-orders", 180_000, None, "pre-orders"),
        ("5m users", 5_000_000, None, "users"),
        ("a 100m drop", 100, None, "m"),
        ("$4 billion a year ago", 4_000_000_000, "USD", None),
    ],
)
def test_parse_amount_normalizes_value_currency_and_unit(
    text: str, value: float, currency: str | None, unit: str | None
) -> None:
    amount = parse_amount(text)
    assert amount is not None
    assert amount.value == pytest.approx(value)
    assert amount.currency == currency
    assert amount.unit == unit


@pytest.mark.parametrize(
    ("text", "low", "high", "currency"),
    [
        ("5–6 million", 5_000_000, 6_000_000, None),
        ("RMB 2,000-3,500", 2_000, 3_500, "CNY"),
        ("between $5 and $6 billion", 5_000_000_000, 6_000_000_000, "USD"),
        ("3 to 5 percent", 3, 5, None),
        ("€2bn-€3bn", 2_000_000_000, 3_000_000_000, "EUR"),
    ],
)
def test_parse_amount_keeps_both_ends_of_a_range(
    text: str, low: float, high: float, currency: str | None
) -> None:
    amount = parse_amount(text)
    assert amount is not None
    assert (amount.value, amount.value_high) == (pytest.approx(low), pytest.approx(high))
    assert amount.currency == currency


@pytest.mark.parametrize(
    "text",
    [
        "12S",  # model numbers
        "S24",
        "5G",
        "4K",
        "A350",
        "1810.HK",  # ticker
        "9:35",  # time
        "24/7",  # fraction
        "2-2",  # score
        "3-1",
        "0800-123-4567",  # phone number
        "COVID-19",
        "production-four-door",
    ],
)
def test_codes_times_scores_and_phone_numbers_are_not_amounts(text: str) -> None:
    assert find_amounts(text) == []


HUGE = "9" * 400  # float() makes this inf


@pytest.mark.parametrize(
    "text",
    [
        f"revenue of ${HUGE}",
        f"{HUGE} units",
        f"between 5 and {HUGE} units",
        f"{HUGE[:300]} trillion",
    ],
)
def test_a_number_too_large_for_a_float_is_no_amount(text: str) -> None:
    assert find_amounts(text) == []
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", [f"sales rose {HUGE}% last year", f"up {HUGE}-fold"])
def test_a_change_too_large_for_a_float_is_no_change(text: str) -> None:
    assert find_changes(text) == []


def test_a_counted_word_longer_than_a_unit_can_be_is_no_unit() -> None:
    assert parse_amount(f"5 {'b' * 80}s") == Amount(5.0)
    assert parse_amount(f"5 {'b' * 62}s") == Amount(5.0, unit=f"{'b' * 62}s")


def test_from_to_is_two_amounts_not_a_range() -> None:
    values = [m.amount.value for m in find_amounts("output rose from 20 to 25 units")]
    assert values == [20, 25]


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("more than 12,000 patents", "over"),
        ("over 180,000 pre-orders", "over"),
        ("shipments exceeded 2.7 million units", "over"),
        ("above 10%", "over"),
        ("at least ¥30 billion", "over"),
        ("RMB2,500 or above", "over"),
        ("5 or more devices", "over"),
        ("10,000+ employees", "over"),
        ("less than 5%", "under"),
        ("under $2 billion", "under"),
        ("fewer than 300 stores", "under"),
        ("up to 20 models", "under"),
        ("about 4,500 patents", "about"),
        ("around 35 percent", "about"),
        ("approximately 8,000 applications", "about"),
        ("roughly $1 billion", "about"),
        ("nearly 140,000 cars", "nearly"),
        ("almost half a million", "nearly"),
        ("close to 800 engineers", "nearly"),
        ("12,000 engineers", "exact"),
    ],
)
def test_qualifiers_come_from_the_words_around_the_number(text: str, qualifier: str) -> None:
    amount = parse_amount(text)
    assert amount is not None
    assert amount.qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Q2 2024", "2024-Q2"),
        ("in the second quarter of 2024", "2024-Q2"),
        ("second-quarter 2023", "2023-Q2"),
        ("2Q24", "2024-Q2"),
        ("24Q2", "2024-Q2"),
        ("Q3'23", "2023-Q3"),
        ("2024 Q4", "2024-Q4"),
        ("H1 2025", "2025-H1"),
        ("1H25", "2025-H1"),
        ("the first half of 2025", "2025-H1"),
        ("FY2023", "2023-FY"),
        ("FY24", "2024-FY"),
        ("fiscal 2024", "2024-FY"),
        ("in fiscal year 2022", "2022-FY"),
        ("the first quarter of fiscal 2024", "2024-Q1"),
        ("in 2025", "2025"),
        ("for full-year 2023", "2023"),
        ("in July 2024", "2024-07"),
        ("as of June 30, 2024", "2024-06-30"),
        ("as at 31 December 2023", "2023-12-31"),
        ("as of June 2024", "2024-06"),
        ("at the end of September 2022", "2022-09-30"),
        ("in the quarter ended June 30, 2024", "2024-Q2"),
        ("for the six months ended June 30, 2024", "2024-H1"),
        ("for the year ended March 31, 2024", "2024-FY"),
        ("2024年第二季度", "2024-Q2"),
        ("2024年上半年", "2024-H1"),
        # relative to the article date (2024-08-20)
        ("this year", "2024"),
        ("last year", "2023"),
        ("so far this year", "2024"),
        ("this quarter", "2024-Q3"),
        ("last quarter", "2024-Q2"),
        ("last month", "2024-07"),
        ("in the second quarter", "2024-Q2"),
        ("in the fourth quarter", "2023-Q4"),
        ("the first half", "2024-H1"),
    ],
)
def test_parse_period(text: str, period: str) -> None:
    assert parse_period(text, REFERENCE) == period


@pytest.mark.parametrize(
    "text",
    [
        "this year",
        "in the second quarter",
        "compared with the same period last year",
        "the company was profitable",
        "since 2020",
    ],
)
def test_no_period_without_a_reference_or_a_year(text: str) -> None:
    assert parse_period(text, None) is None


def test_a_comparison_year_is_not_the_period() -> None:
    assert parse_period("up 5% from the same period last year", REFERENCE) is None


def test_as_of_is_the_date_a_period_names() -> None:
    assert period_as_of("2024-06-30") == dt.date(2024, 6, 30)
    assert period_as_of("2024-Q2") is None
    assert period_as_of(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("up 17.4% year-on-year", (17.4, "yoy")),
        ("an increase of 5% quarter-on-quarter", (5.0, "qoq")),
        ("down 3%", (-3.0, "unspecified")),
        ("doubled", (100.0, "unspecified")),
        ("up more than 15-fold from a year earlier", (1400.0, "yoy")),
        ("tripled year over year", (200.0, "yoy")),
        ("halved", (-50.0, "unspecified")),
        ("grew 45% YoY", (45.0, "yoy")),
        ("increased by 14.2% year-on-year to RMB 19.6 billion", (14.2, "yoy")),
        ("a year-on-year increase of 11.3%", (11.3, "yoy")),
        ("year-on-year growth of 31.4%", (31.4, "yoy")),
        ("up by over 35% year-on-year", (35.0, "yoy")),
        ("fell 5 percent from a year earlier", (-5.0, "yoy")),
        ("rose 12% compared with the same period last year", (12.0, "yoy")),
        ("a 3% decline", (-3.0, "unspecified")),
        ("a 20% year-on-year drop", (-20.0, "yoy")),
        ("decreased 4.5% month-on-month", (-4.5, "mom")),
        ("climbed 7% sequentially", (7.0, "qoq")),
        ("slumped 12.5% from the previous quarter", (-12.5, "qoq")),
        ("was 5% higher than a year ago", (5.0, "yoy")),
        ("gained 2 per cent on an annual basis", (2.0, "yoy")),
    ],
)
def test_parse_change(text: str, expected: tuple[float, str]) -> None:
    assert parse_change(text) == (pytest.approx(expected[0]), expected[1])


@pytest.mark.parametrize(
    "text",
    ["discounts of up to 20% on laptops", "revenue reached $5 billion", "rose to 12%"],
)
def test_levels_and_limits_are_not_changes(text: str) -> None:
    assert parse_change(text) is None


def test_a_change_in_percentage_points_is_marked_as_points() -> None:
    (change,) = find_changes("its share rose 1.5 percentage points year-on-year to 19.7%")
    assert change.points
    assert change.value == pytest.approx(1.5)
    assert parse_change("its share rose 1.5 percentage points") is None


@pytest.mark.parametrize(
    ("symbol", "code"),
    [
        ("$", "USD"), ("US$", "USD"), ("HK$", "HKD"), ("RMB", "CNY"), ("¥", "CNY"),
        ("yuan", "CNY"), ("€", "EUR"), ("EUR", "EUR"), ("£", "GBP"), ("yen", "JPY"),
        ("₹", "INR"), ("won", "KRW"), ("NT$", "TWD"), ("A$", "AUD"), ("xyz", None),
    ],
)  # fmt: skip
def test_currency_codes_are_iso(symbol: str, code: str | None) -> None:
    assert currency_code(symbol) == code


@pytest.mark.parametrize(
    ("words", "value"),
    [("seven", 7), ("forty-two", 42), ("three hundred and six", 306), ("two million", 2e6),
     ("a hundred", 100), ("one billion five hundred million", 1.5e9), ("half a million", 5e5),
     ("banana", None)],
)  # fmt: skip
def test_parse_number_words(words: str, value: float | None) -> None:
    assert parse_number_words(words) == value


def test_qualifier_after_the_number() -> None:
    assert parse_qualifier("sold ", " or more units") == "over"
    assert parse_qualifier("priced at ", " or less") == "under"


def test_parse_amount_of_text_without_numbers_is_none() -> None:
    assert parse_amount("no figures here") is None
    assert parse_amount("trillions of dollars") is None


# ---------------------------------------------------------------------------
# Round trip: format a value with a scale and a currency, parse it back.

SCALE_WORDS = {"": 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
SCALE_SUFFIXES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12, "万": 1e4, "亿": 1e8}
PREFIXES = {"$": "USD", "US$": "USD", "HK$": "HKD", "RMB": "CNY", "RMB ": "CNY", "¥": "CNY",
            "€": "EUR", "£": "GBP", "EUR ": "EUR", "₹": "INR", "₩": "KRW"}  # fmt: skip
SUFFIXES = {" yuan": "CNY", " dollars": "USD", " euros": "EUR", " yen": "JPY", "元": "CNY"}


def _digits(value: float, grouped: bool) -> str:
    text = f"{value:,.2f}" if grouped else f"{value:.2f}"
    return text.rstrip("0").rstrip(".")


@given(
    value=st.decimals(min_value="0.01", max_value="99999.99", places=2).map(float),
    grouped=st.booleans(),
    scale=st.sampled_from([*SCALE_WORDS, *SCALE_SUFFIXES]),
    currency=st.sampled_from([None, *PREFIXES, *SUFFIXES]),
)
def test_formatting_then_parsing_gives_the_value_back(
    value: float, grouped: bool, scale: str, currency: str | None
) -> None:
    assume(value > 0)
    factor = SCALE_WORDS.get(scale) or SCALE_SUFFIXES[scale]
    glued = scale in SCALE_SUFFIXES
    # Unambiguous only with a currency: "5m" alone may be metres, "4k" a resolution.
    assume(currency is not None or scale not in {"k", "m"})
    number = _digits(value, grouped) + ("" if glued or not scale else " ") + scale
    if currency in PREFIXES:
        text, expected_currency = currency + number, PREFIXES[currency]
    elif currency in SUFFIXES:
        assume(not (currency == "元" and scale and not glued))
        text, expected_currency = number + currency, SUFFIXES[currency]
    else:
        text, expected_currency = number, None
    amount = parse_amount(f"revenue of {text} last year")
    assert amount is not None, text
    assert amount.value == pytest.approx(float(_digits(value, False)) * factor, rel=1e-9), text
    assert amount.currency == expected_currency, text


def test_amount_is_a_plain_value_object() -> None:
    assert Amount(5.0) == Amount(5.0, None, None, None, "exact")
