"""Named queries over the views: name lookup, who-met, profiles, lists, stats, graph data.

The corpus is made by hand (invented people and companies, kb.records in, no NLP) and
stored once per module on each store through the writer; the tests only read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from sqlalchemy import Connection, text

from kb import query
from kb.errors import NotFound, UsageError
from kb.graph import meeting_graph
from kb.records import (
    Article,
    ArticleAnalysis,
    EntityRef,
    Evidence,
    FactRecord,
    FigureRecord,
    MentionRecord,
)
from kb.store.engine import make_engine
from kb.store.schema import ensure_schema
from kb.store.writer import store_article
from tests.conftest import STORES, empty_store_url

WEN = EntityRef(key="wen lihua", name="Wen Lihua", label="PERSON")
ANNA = EntityRef(key="anna berg", name="Anna Berg", label="PERSON")
TOM = EntityRef(key="tom ueda", name="Tom Ueda", label="PERSON")
CHEN_WEI = EntityRef(key="chen wei", name="Chen Wei", label="PERSON")
CHEN_JIA = EntityRef(key="chen jia", name="Chen Jia", label="PERSON")
JORDAN_LEE = EntityRef(key="jordan lee", name="Jordan Lee", label="PERSON")
ZOE = EntityRef(key="zoe ørsted", name="Zoë Ørsted", label="PERSON")
NORDWIND = EntityRef(key="nordwind", name="Nordwind", label="ORG")
AERO = EntityRef(key="nordwind aero 3", name="Nordwind Aero 3", label="PRODUCT")
OSLO = EntityRef(key="oslo", name="Oslo", label="GPE")
JORDAN = EntityRef(key="jordan", name="Jordan", label="GPE")


@dataclass
class Doc:
    """One article written out: its text, and what the analysis says about it. Spans are
    given by their surface text and which occurrence of it (0 = first)."""

    title: str
    published_on: dt.date
    text: str
    mentions: list[tuple[EntityRef, str, int]] = field(default_factory=list)
    facts: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)

    def evidence(self, surface: str, nth: int = 0) -> Evidence:
        start = -1
        for _ in range(nth + 1):
            start = self.text.index(surface, start + 1)
        end = start + len(surface)
        sent_start = self.text.rfind(". ", 0, start)
        sent_start = 0 if sent_start == -1 else sent_start + 2
        sent_end = self.text.find(". ", end)
        sent_end = len(self.text) if sent_end == -1 else sent_end + 1
        return Evidence(start_char=start, end_char=end, sent_start=sent_start, sent_end=sent_end)

    def stored(self) -> tuple[Article, ArticleAnalysis]:
        article = Article(
            text=self.text,
            path=f"{self.title}.txt",
            origin=f"{self.title}.txt",
            title=self.title,
            published_on=self.published_on,
        )
        mentions = tuple(
            MentionRecord(entity=ref, text=surface, label=ref.label, evidence=self.evidence(s, n))
            for ref, s, n in self.mentions
            for surface in [s]
        )
        facts = tuple(
            FactRecord(
                evidence=self.evidence(f.pop("span")), extractor="test", **{"confidence": 0.9, **f}
            )
            for f in (dict(f) for f in self.facts)
        )
        figures = tuple(
            FigureRecord(evidence=self.evidence(g["raw_text"]), extractor="test", **g)
            for g in self.figures
        )
        return article, ArticleAnalysis(mentions=mentions, facts=facts, figures=figures)


CORPUS = [
    Doc(
        "Talks in Oslo",
        dt.date(2025, 3, 4),
        "Anna Berg met Tom Ueda in Oslo. Nordwind said the talks went well.",
        mentions=[(ANNA, "Anna Berg", 0), (TOM, "Tom Ueda", 0), (OSLO, "Oslo", 0),
                  (NORDWIND, "Nordwind", 0)],
        facts=[dict(relation="met", subject=ANNA, object=TOM, place="Oslo", confidence=0.9,
                    span="Anna Berg met Tom Ueda")],
    ),
    Doc(
        "Nordwind unveils the Aero 3",
        dt.date(2025, 5, 10),
        "Wen Lihua held talks with Anna Berg in Berlin. Wen Lihua, chief executive of "
        "Nordwind, unveiled the Nordwind Aero 3. Nordwind reported revenue of $1.2 billion "
        "for 2024, up 8% year on year.",
        mentions=[(WEN, "Wen Lihua", 0), (ANNA, "Anna Berg", 0), (WEN, "Wen Lihua", 1),
                  (NORDWIND, "Nordwind", 0), (AERO, "Nordwind Aero 3", 0),
                  (NORDWIND, "Nordwind", 2)],
        facts=[
            dict(relation="met", subject=WEN, object=ANNA, place="Berlin", confidence=0.8,
                 span="Wen Lihua held talks with Anna Berg"),
            dict(relation="holds_role", subject=WEN, object=NORDWIND, title="chief executive",
                 status="current", span="chief executive of Nordwind"),
            dict(relation="makes", subject=NORDWIND, object=AERO, confidence=0.85,
                 span="unveiled the Nordwind Aero 3"),
        ],
        figures=[dict(entity=NORDWIND, metric="revenue", value=1.2e9, currency="USD",
                      period="2024", raw_text="$1.2 billion", change_pct=8.0,
                      change_basis="yoy", confidence=0.9)],
    ),
    Doc(
        "Wen Lihua in Shanghai",
        dt.date(2024, 11, 20),
        "Wen Lihua sat down with Chen Wei on Monday. Chen Jia did not attend. "
        "Tom Ueda joined later.",
        mentions=[(WEN, "Wen Lihua", 0), (CHEN_WEI, "Chen Wei", 0), (CHEN_JIA, "Chen Jia", 0),
                  (TOM, "Tom Ueda", 0)],
        facts=[dict(relation="met", subject=WEN, object=CHEN_WEI, confidence=0.6,
                    happened_on=dt.date(2024, 11, 18), span="Wen Lihua sat down with Chen Wei")],
    ),
    Doc(
        "A visit to Jordan",
        dt.date(2023, 1, 15),
        "Jordan Lee visited Jordan last week. Jordan Lee met Zoë Ørsted in Amman. "
        "Jordan said the trip went well.",
        mentions=[(JORDAN_LEE, "Jordan Lee", 0), (JORDAN, "Jordan", 1),
                  (JORDAN_LEE, "Jordan Lee", 1), (ZOE, "Zoë Ørsted", 0),
                  (JORDAN_LEE, "Jordan", 3)],
        facts=[
            dict(relation="visited", subject=JORDAN_LEE, object=JORDAN, confidence=0.7,
                 span="Jordan Lee visited Jordan"),
            dict(relation="met", subject=JORDAN_LEE, object=ZOE, place="Amman", confidence=0.75,
                 span="Jordan Lee met Zoë Ørsted"),
        ],
    ),
    Doc(
        "Nordwind shipments",
        dt.date(2022, 6, 1),
        "Nordwind shipped 3.5 million units in the fourth quarter.",
        mentions=[(NORDWIND, "Nordwind", 0)],
        figures=[dict(entity=NORDWIND, metric="shipments", value=3.5e6, unit="units",
                      period="2021-Q4", raw_text="3.5 million units", confidence=0.8)],
    ),
    Doc(
        "No meeting",
        dt.date(2025, 6, 1),
        "Anna Berg did not meet Chen Jia in Paris.",
        mentions=[(ANNA, "Anna Berg", 0), (CHEN_JIA, "Chen Jia", 0)],
        facts=[dict(relation="met", subject=ANNA, object=CHEN_JIA, modality="negated",
                    span="Anna Berg did not meet Chen Jia")],
    ),
]  # fmt: skip


def store_corpus(url: str) -> None:
    engine = make_engine(url)
    ensure_schema(engine)
    for doc in CORPUS:
        article, analysis = doc.stored()
        assert store_article(engine, article, analysis, extractor_version="test") == "new"
    engine.dispose()


@pytest.fixture(scope="module", params=STORES)
def corpus_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A store holding CORPUS, made once per module and store kind; tests only read it."""
    with empty_store_url(str(request.param), tmp_path_factory.mktemp("corpus")) as url:
        store_corpus(url)
        yield url


@pytest.fixture
def conn(corpus_url: str) -> Iterator[Connection]:
    engine = make_engine(corpus_url, write=False)
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def entity_id(conn: Connection, name: str) -> int:
    return conn.execute(text("SELECT id FROM entities WHERE name = :n"), {"n": name}).scalar_one()


# --- name lookup ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Wen Lihua", "Wen Lihua"),
        ("wen lihua", "Wen Lihua"),
        ("WEN LIHUA", "Wen Lihua"),
        ("Wen Lihua's", "Wen Lihua"),
        ("Wen Lihua’s", "Wen Lihua"),
        ("  wen   lihua. ", "Wen Lihua"),
        ("Wén Lìhuá", "Wen Lihua"),
        ("Lihua Wen", "Wen Lihua"),
        ("zoe ørsted", "Zoë Ørsted"),
        ("ZOË ØRSTED", "Zoë Ørsted"),
        ("Wen L", "Wen Lihua"),
        ("Nordwind Ae", "Nordwind Aero 3"),
        ("Berg", "Anna Berg"),
        ("ueda", "Tom Ueda"),
        ("Nordwind", "Nordwind"),
        ("Jordan", "Jordan"),
    ],
)
def test_name_lookup_finds_the_entity(conn: Connection, typed: str, expected: str) -> None:
    assert query.resolve_name(conn, typed).name == expected


def test_a_shared_alias_goes_to_the_type_the_command_wants(conn: Connection) -> None:
    assert query.resolve_name(conn, "Jordan").type == "GPE"
    assert query.resolve_name(conn, "Jordan", prefer_type="PERSON").name == "Jordan Lee"


def test_an_ambiguous_name_lists_candidates_with_type_and_mentions(conn: Connection) -> None:
    match = query.lookup_name(conn, "chen")
    assert match.entity is None
    assert {(c.name, c.type, c.mention_count) for c in match.candidates} == {
        ("Chen Wei", "PERSON", 1),
        ("Chen Jia", "PERSON", 2),
    }
    assert match.candidates[0].name == "Chen Jia"  # most mentioned first
    with pytest.raises(NotFound, match=r"(?s)could be 2 entities.*Chen Jia \(PERSON, 2 mentions\)"):
        query.resolve_name(conn, "Chen")


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("Wen Lihau", "Wen Lihua"), ("Anna Breg", "Anna Berg"), ("Nordwnd", "Nordwind")],
)
def test_an_unknown_name_suggests_close_names(conn: Connection, typed: str, suggested: str) -> None:
    match = query.lookup_name(conn, typed)
    assert match.entity is None
    assert match.candidates == []
    assert suggested in [c.name for c in match.suggestions]
    with pytest.raises(NotFound, match=f"no entity named '{typed}'; did you mean: {suggested}"):
        query.resolve_name(conn, typed)


@pytest.mark.parametrize("typed", ["Qxzzyv Plonk", "???", ""])
def test_a_name_nothing_resembles_is_not_found(conn: Connection, typed: str) -> None:
    match = query.lookup_name(conn, typed)
    assert match.entity is None
    assert match.suggestions == []


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("lei", "lei", 0), ("lie", "lei", 1), ("wen lihau", "wen lihua", 1), ("abc", "xyz", 3)],
)
def test_edit_distance_counts_a_swap_as_one(a: str, b: str, distance: int) -> None:
    assert query.edit_distance(a, b, limit=5) == distance


def test_edit_distance_stops_past_its_limit() -> None:
    assert query.edit_distance("kitten", "sitting", limit=1) == 2


# --- who met whom -----------------------------------------------------------------------


def test_who_met_lists_meetings_newest_first_with_evidence(conn: Connection) -> None:
    result = query.who_met(conn, entity_id(conn, "Wen Lihua"))
    rows = result.dicts()
    assert [(r["met"], r["met_on"], r["place"]) for r in rows] == [
        ("Anna Berg", "2025-05-10", "Berlin"),
        ("Chen Wei", "2024-11-18", None),
    ]
    assert rows[0]["evidence"] == "Wen Lihua held talks with Anna Berg in Berlin."
    assert rows[0]["article_title"] == "Nordwind unveils the Aero 3"
    assert rows[1]["confidence"] == pytest.approx(0.6)


def test_who_met_sees_both_sides_and_not_negated_meetings(conn: Connection) -> None:
    rows = query.who_met(conn, entity_id(conn, "Anna Berg")).dicts()
    assert [r["met"] for r in rows] == ["Wen Lihua", "Tom Ueda"]


@pytest.mark.parametrize(
    ("window", "met"),
    [
        (query.Window(since=dt.date(2025, 1, 1)), ["Anna Berg"]),
        (query.Window(until=dt.date(2024, 12, 31)), ["Chen Wei"]),
        (query.Window(since=dt.date(2024, 11, 18), until=dt.date(2024, 11, 18)), ["Chen Wei"]),
        (query.Window(min_confidence=0.7), ["Anna Berg"]),
        (query.Window(since=dt.date(2026, 1, 1)), []),
    ],
)
def test_who_met_window(conn: Connection, window: query.Window, met: list[str]) -> None:
    rows = query.who_met(conn, entity_id(conn, "Wen Lihua"), window).dicts()
    assert [r["met"] for r in rows] == met


def test_who_met_summary_counts_per_person(conn: Connection) -> None:
    rows = query.who_met_summary(conn, entity_id(conn, "Anna Berg")).dicts()
    assert {(r["met"], r["meetings"], r["first_met"], r["last_met"]) for r in rows} == {
        ("Wen Lihua", 1, "2025-05-10", "2025-05-10"),
        ("Tom Ueda", 1, "2025-03-04", "2025-03-04"),
    }


def test_who_met_limit(conn: Connection) -> None:
    assert len(query.who_met(conn, entity_id(conn, "Wen Lihua"), limit=1).rows) == 1


def test_who_met_reads_the_same_rows_as_the_view(conn: Connection) -> None:
    person = entity_id(conn, "Wen Lihua")
    mine = query.who_met(conn, person)
    theirs = conn.execute(
        text(f"SELECT {query.MEETING_COLUMNS} FROM v_meetings WHERE person = 'Wen Lihua'")
    ).all()
    assert sorted(mine.rows) == sorted(tuple(r) for r in theirs)


def test_aliases_of_lists_every_surface_form(conn: Connection) -> None:
    jordan_lee = entity_id(conn, "Jordan Lee")
    assert query.aliases_of(conn, [jordan_lee]) == {jordan_lee: ["Jordan Lee", "Jordan"]}


# --- entity profile ---------------------------------------------------------------------


def test_profile_of_a_person(conn: Connection) -> None:
    profile = query.entity_profile(conn, entity_id(conn, "Wen Lihua"))
    assert profile.summary() == {
        "entity_id": profile.entity_id,
        "name": "Wen Lihua",
        "type": "PERSON",
        "aliases": ["Wen Lihua"],
        "mention_count": 3,
        "article_count": 2,
        "first_seen": "2024-11-20",
        "last_seen": "2025-05-10",
    }
    roles = profile.sections["roles"].dicts()
    assert [(r["title"], r["organization"], r["status"]) for r in roles] == [
        ("chief executive", "Nordwind", "current")
    ]
    assert [r["met"] for r in profile.sections["meetings"].dicts()] == ["Anna Berg", "Chen Wei"]
    assert [r["title"] for r in profile.sections["articles"].dicts()] == [
        "Nordwind unveils the Aero 3",
        "Wen Lihua in Shanghai",
    ]
    co = {r["name"]: r["shared_articles"] for r in profile.sections["co_mentioned"].dicts()}
    assert co == {"Anna Berg": 1, "Nordwind": 1, "Nordwind Aero 3": 1, "Chen Wei": 1,
                  "Chen Jia": 1, "Tom Ueda": 1}  # fmt: skip
    assert profile.totals["meetings"] == 2


def test_profile_of_a_maker_and_of_its_product(conn: Connection) -> None:
    maker = query.entity_profile(conn, entity_id(conn, "Nordwind"))
    assert [(r["product"], r["maker"]) for r in maker.sections["products"].dicts()] == [
        ("Nordwind Aero 3", "Nordwind")
    ]
    assert [r["metric"] for r in maker.sections["figures"].dicts()] == ["revenue", "shipments"]
    assert [r["person"] for r in maker.sections["roles"].dicts()] == ["Wen Lihua"]
    product = query.entity_profile(conn, entity_id(conn, "Nordwind Aero 3"))
    assert [(r["product"], r["maker"]) for r in product.sections["products"].dicts()] == [
        ("Nordwind Aero 3", "Nordwind")
    ]


def test_profile_sections_are_cut_to_the_limit(conn: Connection) -> None:
    profile = query.entity_profile(conn, entity_id(conn, "Nordwind"), limit=1)
    assert len(profile.sections["figures"].rows) == 1
    assert profile.totals["figures"] == 2
    assert len(profile.sections["articles"].rows) == 1
    assert profile.totals["articles"] == 3


@pytest.mark.parametrize("article_count", [None, 1, 10_000])
def test_articles_of_gives_the_same_rows_whichever_way_it_walks(
    conn: Connection, article_count: int | None
) -> None:
    rows = query.articles_of(
        conn, entity_id(conn, "Nordwind"), limit=2, article_count=article_count
    )
    assert [r["published_on"] for r in rows.dicts()] == ["2025-05-10", "2025-03-04"]


def test_profile_of_an_unknown_id(conn: Connection) -> None:
    with pytest.raises(NotFound):
        query.entity_profile(conn, 999_999)


# --- lists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "entity_type", "first"),
    [
        ("mentions", None, ["Nordwind", "Anna Berg"]),
        ("mentions", "person", ["Anna Berg", "Jordan Lee"]),
        ("name", None, ["Anna Berg", "Chen Jia"]),
        ("name", "GPE", ["Jordan", "Oslo"]),
        ("recent", None, ["Anna Berg", "Chen Jia"]),
        ("recent", "ORG", ["Nordwind"]),
    ],
)
def test_list_entities(conn: Connection, sort: str, entity_type: str | None, first: list) -> None:
    result = query.list_entities(conn, entity_type=entity_type, limit=2, sort=sort)  # type: ignore[arg-type]
    assert [r["name"] for r in result.dicts()] == first
    assert result.columns == [c.strip() for c in query.ENTITY_COLUMNS.split(",")]


def test_list_entities_counts_match_the_view(conn: Connection) -> None:
    rows = query.list_entities(conn, limit=100).dicts()
    assert len(rows) == 11
    nordwind = next(r for r in rows if r["name"] == "Nordwind")
    assert (nordwind["mention_count"], nordwind["article_count"]) == (4, 3)
    assert nordwind["aliases"] == "Nordwind"


def test_list_entities_of_an_unknown_type_names_the_known_ones(conn: Connection) -> None:
    with pytest.raises(UsageError, match="types in this store: GPE, ORG, PERSON, PRODUCT"):
        query.list_entities(conn, entity_type="WIDGET")


def test_list_entities_refuses_an_unknown_sort(conn: Connection) -> None:
    with pytest.raises(UsageError, match="unknown sort"):
        query.list_entities(conn, sort="size")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, 7),
        ({"relation": "met"}, 4),
        ({"relation": "holds_role"}, 1),
        ({"min_confidence_of": 0.85}, 3),
    ],
)
def test_facts_filters(conn: Connection, kwargs: dict, expected: int) -> None:
    if "min_confidence_of" in kwargs:
        kwargs = {"window": query.Window(min_confidence=kwargs["min_confidence_of"])}
    assert len(query.facts(conn, **kwargs).rows) == expected


def test_facts_by_subject_and_object(conn: Connection) -> None:
    wen, anna = entity_id(conn, "Wen Lihua"), entity_id(conn, "Anna Berg")
    by_subject = query.facts(conn, subject_id=wen).dicts()
    assert sorted(r["relation"] for r in by_subject) == ["holds_role", "met", "met"]
    assert [r["subject"] for r in query.facts(conn, object_id=anna).dicts()] == ["Wen Lihua"]
    assert query.facts(conn, subject_id=wen, object_id=anna, relation="met").dicts()[0][
        "evidence"
    ] == ("Wen Lihua held talks with Anna Berg in Berlin.")


@pytest.mark.parametrize("relation", [None, "met"])
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_newest_facts_by_cutoff_equal_a_full_sort(
    conn: Connection, relation: str | None, limit: int
) -> None:
    everything = query.facts(conn, relation=relation, limit=None).rows
    assert query.facts(conn, relation=relation, limit=limit).rows == everything[:limit]


def test_facts_newest_first(conn: Connection) -> None:
    dates = [r["happened_on"] for r in query.facts(conn).dicts()]
    assert dates == sorted(dates, reverse=True)


def test_facts_with_an_unknown_relation_names_the_known_ones(conn: Connection) -> None:
    with pytest.raises(
        UsageError, match="relations in this store: holds_role, makes, met, visited"
    ):
        query.facts(conn, relation="mett")


@pytest.mark.parametrize(
    ("kwargs", "metrics"),
    [
        ({}, ["revenue", "shipments"]),
        ({"metric": "REV"}, ["revenue"]),
        ({"metric": "ship"}, ["shipments"]),
        ({"period": "2024"}, ["revenue"]),
        ({"period": "2021"}, ["shipments"]),
        ({"period": "2021-Q4"}, ["shipments"]),
        ({"period": "2021-Q"}, []),
        ({"metric": "100%_"}, []),
    ],
)
def test_figures_filters(conn: Connection, kwargs: dict, metrics: list[str]) -> None:
    assert [r["metric"] for r in query.figures(conn, **kwargs).dicts()] == metrics


def test_figures_of_an_entity_carry_value_and_change(conn: Connection) -> None:
    rows = query.figures(conn, entity_id=entity_id(conn, "Nordwind"), metric="revenue").dicts()
    assert rows[0]["value"] == pytest.approx(1.2e9)
    assert (rows[0]["currency"], rows[0]["change_pct"], rows[0]["change_basis"]) == (
        "USD",
        8.0,
        "yoy",
    )
    assert query.figures(conn, entity_id=entity_id(conn, "Anna Berg")).rows == []


def test_store_stats(conn: Connection) -> None:
    stats = dict(query.store_stats(conn).rows)
    assert stats["articles"] == 6
    assert stats["first_date"] == "2022-06-01"
    assert stats["last_date"] == "2025-06-01"
    assert stats["entities"] == 11
    assert stats["entities.PERSON"] == 7
    assert stats["facts"] == 7
    assert stats["facts.met"] == 4
    assert stats["figures"] == 2
    assert stats["words"] > 50
    assert stats["database_bytes"] > 0


# --- graph data ---------------------------------------------------------------------------


def test_meeting_graph_depth_one(conn: Connection) -> None:
    graph = meeting_graph(conn, entity_id(conn, "Anna Berg"), depth=1)
    assert {(n.name, n.depth) for n in graph.nodes} == {
        ("Anna Berg", 0),
        ("Wen Lihua", 1),
        ("Tom Ueda", 1),
    }
    labels = {e.label for e in graph.edges}
    assert labels == {"2025-05-10", "2025-03-04"}


def test_meeting_graph_depth_two_reaches_who_they_met(conn: Connection) -> None:
    graph = meeting_graph(conn, entity_id(conn, "Anna Berg"), depth=2)
    assert ("Chen Wei", 2) in {(n.name, n.depth) for n in graph.nodes}
    assert len(graph.edges) == 3


def test_meeting_graph_keeps_the_most_met(conn: Connection) -> None:
    graph = meeting_graph(conn, entity_id(conn, "Anna Berg"), depth=2, max_nodes=2)
    assert len(graph.nodes) == 2
    assert graph.left_out == 2


def test_meeting_graph_refuses_depth_three(conn: Connection) -> None:
    with pytest.raises(UsageError):
        meeting_graph(conn, entity_id(conn, "Anna Berg"), depth=3)
