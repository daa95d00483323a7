"""End to end: hand-made view rows + a small gold file -> exact tp/fp/fn and P/R/F1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from kb.eval import EvalReport, evaluate, render_report
from kb.eval.score import max_matching
from tests.eval.kbfake import FakeKB, fake_kb, write_gold

Build = Callable[[FakeKB], None]


def run(tmp_path: Path, build: Build, *gold: dict[str, Any] | str) -> EvalReport:
    with fake_kb(tmp_path / "kb.db") as kb:
        build(kb)
    engine = create_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    try:
        with engine.connect() as conn:
            return evaluate(conn, write_gold(tmp_path / "gold.jsonl", *gold))
    finally:
        engine.dispose()


def counts(report: EvalReport, kind: str) -> tuple[int, int, int]:
    (score,) = [k for k in report.kinds if k.kind == kind]
    return score.tp, score.fp, score.fn


# --- entities, global --------------------------------------------------------------------


def xiaomi_people(kb: FakeKB) -> None:
    kb.article("seeds/001_a.txt")
    kb.entity("Lei Jun", "PERSON", "Lei")
    kb.entity("Zoë Müller", "PERSON")
    kb.entity("Xiaomi Corporation", "ORG", "Xiaomi Corp.", "Xiaomi")
    kb.entity("Nordwind", "PERSON")  # wrong type
    kb.entity("Tim Cook", "PERSON")  # no gold line names him: never a false hit
    kb.entity("Redmi", "PRODUCT")
    kb.entity("Berlin", "LOC")


def entity(name: str, type_: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "entity", "name": name, "type": type_, **extra}


@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        pytest.param([entity("Lei Jun", "PERSON")], (1, 0, 0), id="exact"),
        pytest.param([entity("ZOE MULLER", "PERSON")], (1, 0, 0), id="case-accents"),
        pytest.param([entity("Xiaomi Group|Xiaomi", "ORG")], (1, 0, 0), id="alternatives-alias"),
        pytest.param([entity("Nordwind", "ORG")], (0, 1, 1), id="wrong-type"),
        pytest.param([entity("Wang Teng", "PERSON")], (0, 0, 1), id="absent"),
        pytest.param([entity("Wang Teng", "PERSON", optional=True)], (0, 0, 0),
                     id="optional-absent"),
        pytest.param([entity("Lei Jun", "PERSON", optional=True)], (1, 0, 0),
                     id="optional-found"),
        pytest.param([entity("Redmi", "ORG", optional=True)], (0, 1, 0),
                     id="optional-wrong-type"),
        pytest.param([entity("Berlin", "GPE")], (0, 1, 1), id="loc-is-not-gpe-globally"),
        pytest.param([entity("Lei Jun", "PERSON"), entity("Lei Jun", "PERSON")], (1, 0, 1),
                     id="one-entity-hits-one-record"),
    ],
)  # fmt: skip
def test_global_entities(
    tmp_path: Path, gold: list[dict[str, Any]], expected: tuple[int, int, int]
) -> None:
    assert counts(run(tmp_path, xiaomi_people, *gold), "entity") == expected


def test_two_kb_entities_for_one_gold_entity_is_a_false_hit(tmp_path: Path) -> None:
    def build(kb: FakeKB) -> None:
        kb.article("a.txt")
        kb.entity("Xiaomi", "ORG")
        kb.entity("Xiaomi Group", "ORG")

    report = run(tmp_path, build, entity("Xiaomi|Xiaomi Group", "ORG"))
    (score,) = report.kinds
    assert (score.tp, score.fp, score.fn, score.repeats) == (1, 1, 0, 0)
    assert (score.precision, score.recall) == (0.5, 1.0)
    assert score.f1 == pytest.approx(2 / 3)


# --- entities, per document ----------------------------------------------------------------


def dw_articles(kb: FakeKB) -> None:
    one = kb.article("/data/dwie/docs/001.txt")
    two = kb.article("/data/dwie/docs/002.txt")
    kb.entity("Germany", "LOC", mentioned_in=(one,))
    kb.entity("Abdelghani Mzoudi", "PERSON", mentioned_in=(one,))
    kb.entity("Mzoudi", "PERSON", mentioned_in=(one,))  # not merged: a false hit
    kb.entity("Hamburg", "GPE", mentioned_in=(one,))  # not in gold: a false hit
    kb.entity("German", "NORP", mentioned_in=(one,))  # not an exhaustive type
    kb.entity("United States", "GPE", "U.S.", mentioned_in=(one,))
    atta = kb.entity("Mohamed Atta", "PERSON")
    kb.mention(one, atta, "Mohammed Atta")  # matched through the mention's surface
    kb.entity("Al Qaeda", "ORG", mentioned_in=(two,))
    kb.entity("Haiti", "GPE", mentioned_in=(two,))


def test_per_document_entities_are_exhaustive(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        dw_articles,
        entity("Germany", "GPE", doc="001"),
        entity("Abdelghani Mzoudi", "PERSON", doc="001", aliases=["Mzoudi"]),
        entity("U.S.", "GPE", doc="001"),
        entity("Mohammed Atta", "PERSON", doc="001"),
        entity("Morocco", "GPE", doc="001"),
        entity("Al Qaeda", "ORG", doc="002"),
    )
    (score,) = report.kinds
    # 001: Germany (LOC~GPE), Mzoudi, U.S., Atta hit; Morocco missed; second Mzoudi and
    # Hamburg are false hits. 002: Al Qaeda hit, Haiti a false hit.
    assert (score.tp, score.fp, score.fn) == (5, 3, 1)
    assert sorted(f.description for f in score.false_hits) == [
        "Haiti (GPE), entity 9",
        "Hamburg (GPE), entity 4",
        "Mzoudi (PERSON), entity 3",
    ]
    assert [(m.doc, m.line) for m in score.misses] == [("001", 5)]


def test_all_per_document_gold_covers_articles_it_does_not_name(tmp_path: Path) -> None:
    def build(kb: FakeKB) -> None:
        one = kb.article("docs/001.txt")
        three = kb.article("docs/003.txt")
        kb.entity("Anna Berg", "PERSON", mentioned_in=(one,))
        kb.entity("Tom Ueda", "PERSON", mentioned_in=(three,))

    report = run(tmp_path, build, entity("Anna Berg", "PERSON", doc="001"))
    assert counts(report, "entity") == (1, 1, 0)
    assert report.kinds[0].false_hits[0].doc == "003"


def test_mixed_gold_scores_only_named_documents(tmp_path: Path) -> None:
    def build(kb: FakeKB) -> None:
        one = kb.article("docs/001.txt")
        three = kb.article("docs/003.txt")
        kb.entity("Anna Berg", "PERSON", mentioned_in=(one,))
        kb.entity("Tom Ueda", "PERSON", mentioned_in=(three,))
        kb.entity("Nordwind", "ORG", mentioned_in=(three,))

    report = run(
        tmp_path,
        build,
        entity("Anna Berg", "PERSON", doc="001"),
        entity("Nordwind", "ORG"),
    )
    assert counts(report, "entity") == (2, 0, 0)


def test_a_document_without_articles_is_a_warning_and_its_gold_is_missed(tmp_path: Path) -> None:
    report = run(tmp_path, dw_articles, entity("Anna Berg", "PERSON", doc="404"))
    # every PERSON/ORG/GPE/LOC entity of 001 (6) and 002 (2) is a false hit
    assert counts(report, "entity") == (0, 8, 1)
    assert report.warnings == [
        "1 document(s) of the gold file have no article in the knowledge base"
        " (their gold facts are misses): 404"
    ]


# --- meetings ----------------------------------------------------------------------------


def meetings(kb: FakeKB) -> None:
    """Facts about Lei Jun: Huang 07-22, Wang 07-17 and 07-18, Cook; one more in 003."""
    digest_1 = kb.article("seeds/000_4bbae2e2.txt", on="2025-07-17")
    digest_2 = kb.article("seeds/000_4bbae2e2.txt", on="2025-07-20")  # a digest: two items
    blog = kb.article("seeds/003_ffee.txt", on="2025-07-25")
    lei = kb.entity("Lei Jun", "PERSON")
    huang = kb.entity("Jensen Huang", "PERSON")
    wang = kb.entity("Wang Chuanfu", "PERSON", "Wang")
    cook = kb.entity("Tim Cook", "PERSON")
    pichai = kb.entity("Sundar Pichai", "PERSON")
    kb.meeting(huang, lei, "2025-07-22", digest_2)  # gold says Lei Jun–Huang on 07-20
    kb.meeting(lei, wang, "2025-07-17", digest_1)
    kb.meeting(lei, wang, "2025-07-18", digest_1)  # same meeting, second date: a repeat
    kb.meeting(lei, cook, "2025-07-20", digest_2)  # not in gold
    kb.meeting(cook, pichai, "2025-07-25", blog)  # other document / nobody gold knows


def meeting(a: str, b: str, date: str | None = None, **extra: Any) -> dict[str, Any]:
    record = {"kind": "meeting", "a": a, "b": b, **extra}
    return record | ({"date": date} if date else {})


@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        pytest.param([meeting("Lei Jun", "Jensen Huang", "2025-07-20")], (1, 3, 0),
                     id="global-either-direction-within-3-days"),
        pytest.param([meeting("Lei Jun", "Jensen Huang", "2025-07-26")], (0, 4, 1),
                     id="global-date-too-far"),
        pytest.param([meeting("Jensen Huang", "Lei Jun")], (1, 3, 0), id="global-no-date"),
        pytest.param([meeting("Sundar Pichai", "Tim Cook")], (1, 1, 0),
                     id="global-scope-is-gold-participants"),
        pytest.param([meeting("Jensen Huang", "Lei Jun", "2025-07-20"),
                      meeting("Wang Chuanfu", "Lei Jun", "2025-07-17")], (2, 1, 0),
                     id="global-repeat-is-not-a-false-hit"),
        pytest.param([meeting("Lei Jun", "Jensen Huang", "2025-07-20", doc="000_4bbae2e2.txt"),
                      meeting("Lei Jun", "Wang Chuanfu", "2025-07-17", doc="000_4bbae2e2.txt"),
                      entity("Lei Jun", "PERSON")],
                     (2, 1, 0), id="per-doc-digest-file-name-mixed-gold"),
        pytest.param([meeting("Lei Jun", "Jensen Huang", "2025-07-20", doc="000_4bbae2e2.txt"),
                      meeting("Lei Jun", "Wang Chuanfu", "2025-07-17", doc="000_4bbae2e2.txt")],
                     (2, 2, 0), id="per-doc-all-per-doc-gold-covers-003"),
        pytest.param([meeting("Lei Jun", "Jensen Huang", doc="000_4bbae2e2"),
                      meeting("Lei Jun", "Wang", doc="000_4bbae2e2"), entity("Lei", "PERSON")],
                     (2, 1, 0), id="per-doc-without-extension-and-containment"),
        pytest.param([meeting("Lei", "Wang Chuanfu Jr", doc="000_4bbae2e2"),
                      meeting("Hu Zhengnan", "Lei Jun", doc="000_4bbae2e2", optional=True)],
                     (1, 3, 0), id="per-doc-optional"),
        pytest.param([meeting("Lei", "Sundar", doc="000_4bbae2e2"),
                      entity("Lei Jun", "PERSON")],
                     (0, 4, 1), id="per-doc-unmatched-rows-are-false-hits"),
    ],
)  # fmt: skip
def test_meetings(
    tmp_path: Path, gold: list[dict[str, Any]], expected: tuple[int, int, int]
) -> None:
    assert counts(run(tmp_path, meetings, *gold), "meeting") == expected


def test_a_meeting_miss_shows_what_the_kb_has(tmp_path: Path) -> None:
    report = run(tmp_path, meetings, meeting("Lei Jun", "Jensen Huang", "2025-07-26"))
    (miss,) = report.kinds[0].misses
    assert miss.line == 1
    assert miss.description == (
        "Lei Jun – Jensen Huang, 2025-07-26"
        " — KB has: Lei Jun – Jensen Huang, 2025-07-22 (article 2)"
    )


# --- roles -------------------------------------------------------------------------------


def roles(kb: FakeKB) -> None:
    one = kb.article("docs/002.txt")
    two = kb.article("docs/003.txt")
    lei = kb.entity("Lei Jun", "PERSON")
    xiaomi = kb.entity("Xiaomi", "ORG", "Xiaomi Corporation")
    kingsoft = kb.entity("Kingsoft", "ORG")
    lu = kb.entity("Lu Weibing", "PERSON")
    preval = kb.entity("Preval", "PERSON")
    haiti = kb.entity("Republic of Haiti", "GPE", "Haiti")
    kb.role(lei, xiaomi, "founder", one)
    kb.role(lei, xiaomi, "Chief Executive Officer", two)  # same pair: one fact, two titles
    kb.role(lei, kingsoft, "chairman", two)  # about Lei Jun, not in gold
    kb.role(lu, xiaomi, "Vice President", one)
    kb.role(preval, haiti, "President", one)


def role(person: str, org: str, title: str | None = None, **extra: Any) -> dict[str, Any]:
    record = {"kind": "role", "person": person, "org": org, **extra}
    return record | ({"title": title} if title else {})


@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        pytest.param([role("Lei Jun", "Xiaomi", "CEO")], (1, 1, 0), id="ceo-chief-executive"),
        pytest.param([role("Lei Jun", "Xiaomi Corporation", "Chairman|founder")], (1, 1, 0),
                     id="title-alternatives"),
        pytest.param([role("Lei Jun", "Xiaomi")], (1, 1, 0), id="no-title"),
        pytest.param([role("Lei Jun", "Xiaomi", "President")], (0, 2, 1), id="wrong-title"),
        pytest.param([role("Lu Weibing", "Xiaomi", "President")], (0, 1, 1),
                     id="vice-president-is-not-president"),
        pytest.param([role("Rene Preval", "Haiti", "head of state", doc="002")], (1, 4, 0),
                     id="per-doc-containment-titles-ignored"),
        pytest.param([role("Lei Jun", "Xiaomi", "CEO", doc="003")], (1, 4, 0),
                     id="per-doc-unmatched-rows-are-false-hits"),
    ],
)  # fmt: skip
def test_roles(tmp_path: Path, gold: list[dict[str, Any]], expected: tuple[int, int, int]) -> None:
    assert counts(run(tmp_path, roles, *gold), "role") == expected


# --- products ------------------------------------------------------------------------------


def products(kb: FakeKB) -> None:
    kb.article("a.txt")
    xiaomi = kb.entity("Xiaomi", "ORG")
    huami = kb.entity("Huami", "ORG")
    kb.product(kb.entity("Xiaomi SU7", "PRODUCT", "SU7"), xiaomi)
    kb.product(kb.entity("Mi Watch", "PRODUCT"), huami)
    kb.product(kb.entity("Apple Watch", "PRODUCT"))
    kb.product(kb.entity("Redmi Note 12", "PRODUCT"), xiaomi)  # no gold line names it


@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        pytest.param([{"kind": "product", "name": "SU7", "maker": "Xiaomi"}], (1, 0, 0),
                     id="name-and-maker"),
        pytest.param([{"kind": "product", "name": "Mi Watch", "maker": "Xiaomi"}], (0, 1, 1),
                     id="wrong-maker"),
        pytest.param([{"kind": "product", "name": "Mi Watch"}], (1, 0, 0), id="maker-optional"),
        pytest.param([{"kind": "product", "name": "Apple Watch", "optional": True},
                      {"kind": "product", "name": "MIUI", "maker": "Xiaomi", "optional": True}],
                     (1, 0, 0), id="optional"),
    ],
)  # fmt: skip
def test_products(
    tmp_path: Path, gold: list[dict[str, Any]], expected: tuple[int, int, int]
) -> None:
    assert counts(run(tmp_path, products, *gold), "product") == expected


# --- figures -------------------------------------------------------------------------------


def figures(kb: FakeKB) -> None:
    one = kb.article("seeds/002_x.txt")
    xiaomi = kb.entity("Xiaomi", "ORG", "Xiaomi Corporation")
    huawei = kb.entity("Huawei", "ORG")
    kb.figure(xiaomi, 42_300_000, one, metric="smartphone shipments", period="2024-Q2")
    kb.figure(xiaomi, 46.6e9, one, metric="smartphone revenue", currency="CNY")
    kb.figure(xiaomi, 14.6, one, metric="market share", unit="%", period="2024-Q2")
    kb.figure(xiaomi, 29_500, one, metric="patents")
    kb.figure(huawei, 42, one, metric="market share", unit="%")  # nobody gold knows


def figure(value: float, **fields: Any) -> dict[str, Any]:
    return {"kind": "figure", "value": value, **fields}


@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        pytest.param([figure(42_200_000, entity="Xiaomi", metric="shipments", unit="units",
                             period="2024-Q2")], (1, 3, 0), id="within-half-percent-all-fields"),
        pytest.param([figure(46.5e9, entity="Xiaomi Corporation", currency="CNY",
                             metric="smartphone revenue")], (1, 3, 0), id="currency"),
        pytest.param([figure(46.5e9, entity="Xiaomi", currency="USD")], (0, 4, 1),
                     id="wrong-currency"),
        pytest.param([figure(14.6, entity="Xiaomi", unit="percent", metric="share")], (1, 3, 0),
                     id="percent"),
        pytest.param([figure(14.6, entity="Xiaomi", period="2025")], (0, 4, 1), id="wrong-period"),
        pytest.param([figure(14.6, entity="Xiaomi", metric="revenue")], (0, 4, 1),
                     id="wrong-metric"),
        pytest.param([figure(29_000, entity="Xiaomi", metric="patents")], (0, 4, 1),
                     id="value-off-by-1.7-percent"),
        pytest.param([figure(29_000, entity="Xiaomi", optional=True)], (0, 4, 0),
                     id="optional-absent"),
        pytest.param([figure(42, entity="Huawei")], (1, 0, 0), id="scope-is-the-gold-entity"),
    ],
)  # fmt: skip
def test_global_figures(
    tmp_path: Path, gold: list[dict[str, Any]], expected: tuple[int, int, int]
) -> None:
    assert counts(run(tmp_path, figures, *gold), "figure") == expected


def sentences(kb: FakeKB) -> None:
    """NewsQuant-like: one sentence per document, some without any quantity in the gold."""
    two = kb.article("docs/002.txt")
    three = kb.article("docs/003.txt")
    five = kb.article("docs/005.txt")
    tickets = kb.entity("GameTime Tickets", "ORG")
    kb.figure(tickets, 6, two, currency="USD")
    kb.figure(None, 40, two, unit="yard")
    kb.figure(None, 3, two)  # not in gold
    kb.figure(None, 1_000_000_000, three, currency="EUR")
    kb.figure(None, 1_305_000_000, three, currency="EUR")
    kb.figure(None, 42, three, unit="%")
    kb.figure(None, 5, five, currency="USD")  # a document with no gold line
    kb.figure(None, 7, five)


@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        pytest.param([figure(6, unit="dollar", entity="tickets price", doc="002"),
                      figure(40, unit="yard", doc="002")],
                     (2, 6, 0), id="entity-not-required-every-figure-counts"),
        pytest.param([figure(1e9, currency="EUR", doc="003"),
                      figure(1.3e9, currency="USD", doc="003")],
                     (1, 3, 1), id="money-only-gold-counts-only-money"),
        pytest.param([figure(1e9, currency="EUR", doc="003"),
                      figure(1.3e9, currency="EUR", doc="003")],
                     (2, 2, 0), id="money-within-half-percent"),
    ],
)  # fmt: skip
def test_per_document_figures(
    tmp_path: Path, gold: list[dict[str, Any]], expected: tuple[int, int, int]
) -> None:
    assert counts(run(tmp_path, sentences, *gold), "figure") == expected


# --- relations -----------------------------------------------------------------------------


def relations(kb: FakeKB) -> None:
    one = kb.article("a.txt")
    xiaomi = kb.entity("Xiaomi", "ORG", "Xiaomi Group")
    leica = kb.entity("Leica", "ORG")
    su7 = kb.entity("SU7", "PRODUCT")
    yu7 = kb.entity("YU7", "PRODUCT")
    qualcomm = kb.entity("Qualcomm", "ORG")
    kb.relation(leica, "partners_with", xiaomi, one)
    kb.relation(xiaomi, "makes", su7, one)
    kb.relation(xiaomi, "makes", yu7, one)  # not in gold
    kb.relation(xiaomi, "sued", qualcomm, one)  # a relation gold does not cover
    kb.relation(qualcomm, "supplies", xiaomi, one)


@pytest.mark.parametrize(
    ("gold", "expected"),
    [
        pytest.param([{"kind": "relation", "subject": "Xiaomi Group", "relation": "partners with",
                       "object": "Leica"}], (1, 0, 0), id="symmetric"),
        pytest.param([{"kind": "relation", "subject": "Xiaomi", "relation": "makes",
                       "object": "SU7"}], (1, 1, 0), id="same-subject-and-relation-in-scope"),
        pytest.param([{"kind": "relation", "subject": "SU7", "relation": "makes",
                       "object": "Xiaomi"}], (0, 0, 1), id="direction-matters"),
    ],
)  # fmt: skip
def test_relations(
    tmp_path: Path, gold: list[dict[str, Any]], expected: tuple[int, int, int]
) -> None:
    assert counts(run(tmp_path, relations, *gold), "relation") == expected


# --- matching ------------------------------------------------------------------------------


def test_matching_is_maximal_not_greedy() -> None:
    # gold 0 fits facts 0 and 1, gold 1 only fact 0: both are hits.
    assert max_matching([[0, 1], [0]], [0, 1]) == {0: 1, 1: 0}
    assert max_matching([[0], [0], [1, 0]], [0, 1, 2]) == {0: 0, 2: 1}


def test_required_records_are_matched_before_optional_ones(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        meetings,
        meeting("Lei Jun", "Jensen Huang", "2025-07-21", optional=True),
        meeting("Lei Jun", "Jensen Huang"),
    )
    assert counts(report, "meeting") == (1, 3, 0)


def test_only_the_views_a_gold_file_needs_are_read(tmp_path: Path) -> None:
    with fake_kb(tmp_path / "kb.db", views=("v_articles", "v_entities")) as kb:
        kb.article("a.txt")
        kb.entity("Anna Berg", "PERSON")
    engine = create_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    with engine.connect() as conn:
        report = evaluate(conn, write_gold(tmp_path / "g.jsonl", entity("Anna Berg", "PERSON")))
    engine.dispose()
    assert counts(report, "entity") == (1, 0, 0)


# --- the whole report --------------------------------------------------------------------


@pytest.fixture
def report(tmp_path: Path) -> EvalReport:
    return run(
        tmp_path,
        meetings,
        "// a small mixed gold file",
        entity("Lei Jun", "PERSON"),
        entity("Jensen Huang", "ORG"),
        meeting("Sundar Pichai", "Tim Cook", "2025-07-26"),
    )


def test_overall_is_the_micro_average(report: EvalReport) -> None:
    assert [(k.kind, k.tp, k.fp, k.fn) for k in report.kinds] == [
        ("entity", 1, 1, 1),
        ("meeting", 1, 1, 0),
    ]
    overall = report.overall
    assert (overall.gold, overall.tp, overall.fp, overall.fn) == (3, 2, 2, 1)
    assert overall.precision == 0.5
    assert overall.recall == pytest.approx(2 / 3)
    assert overall.f1 == pytest.approx(4 / 7)


def test_table_rendering(report: EvalReport) -> None:
    table = render_report(report, "table", show_errors=False)
    assert table.splitlines() == [
        f"gold: {report.gold_file}",
        "kind     gold  optional  tp  fp  fn  repeats  precision  recall     f1",
        "entity      2         0   1   1   1        0      0.500   0.500  0.500",
        "meeting     1         0   1   1   0        0      0.500   1.000  0.667",
        "all         3         0   2   2   1        0      0.500   0.667  0.571",
    ]
    with_errors = render_report(report, "table", show_errors=True).splitlines()[5:]
    assert with_errors == [
        "",
        "misses (1):",
        "  entity   [line 3] Jensen Huang (ORG) — KB has: Jensen Huang (PERSON), entity 2",
        "",
        "false hits (2):",
        "  entity   Jensen Huang (PERSON), entity 2",
        "  meeting  Lei Jun – Tim Cook, 2025-07-20 (article 2)",
    ]


@pytest.mark.parametrize("show_errors", [True, False])
def test_json_rendering(report: EvalReport, show_errors: bool) -> None:
    data = json.loads(render_report(report, "json", show_errors=show_errors))
    assert data["overall"]["tp"] == 2
    assert [k["kind"] for k in data["kinds"]] == ["entity", "meeting"]
    assert ("misses" in data["kinds"][0]) is show_errors
    if show_errors:
        assert data["kinds"][1]["false_hits"] == [
            {
                "kind": "meeting",
                "description": "Lei Jun – Tim Cook, 2025-07-20 (article 2)",
                "doc": None,
                "line": None,
            }
        ]


def test_per_document_products_count_products_mentioned_in_the_document(tmp_path: Path) -> None:
    def build(kb: FakeKB) -> None:
        one = kb.article("docs/001.txt")
        two = kb.article("docs/002.txt")
        maker = kb.entity("Porsche", "ORG")
        kb.product(kb.entity("Taycan", "PRODUCT", mentioned_in=(one,)), maker)
        kb.product(kb.entity("Cayenne", "PRODUCT", mentioned_in=(two,)), maker)

    report = run(
        tmp_path,
        build,
        {"kind": "product", "name": "Taycan", "maker": "Porsche", "doc": "001"},
        {"kind": "product", "name": "Cayenne", "doc": "001"},
    )
    assert counts(report, "product") == (1, 0, 1)


def test_the_real_views_have_every_column_the_scorer_reads(engine: Any, tmp_path: Path) -> None:
    """Runs on the migrated schema (SQLite, and PostgreSQL when configured): nothing found."""
    gold = write_gold(
        tmp_path / "gold.jsonl",
        entity("Anna Berg", "PERSON"),
        entity("Anna Berg", "PERSON", doc="001"),
        meeting("Anna Berg", "Tom Ueda", "2025-07-17"),
        role("Anna Berg", "Nordwind", "CEO"),
        {"kind": "product", "name": "Nordwind One", "maker": "Nordwind"},
        figure(42, entity="Nordwind", metric="revenue", currency="EUR"),
        {"kind": "relation", "subject": "Nordwind", "relation": "makes", "object": "One"},
    )
    with engine.connect() as conn:
        report = evaluate(conn, gold)
    assert [(k.kind, k.tp, k.fp, k.fn) for k in report.kinds] == [
        ("entity", 0, 0, 2),
        ("meeting", 0, 0, 1),
        ("role", 0, 0, 1),
        ("product", 0, 0, 1),
        ("figure", 0, 0, 1),
        ("relation", 0, 0, 1),
    ]
