"""Migrations keep the data: a store filled at an earlier revision (plain SQL into that
revision's tables) upgrades to head with every row and view answer intact, the latest
revision goes down and up again without losing anything, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from kb.records import Article, ArticleAnalysis, EntityRef, Evidence, MentionRecord
from kb.store import schema
from kb.store.engine import make_engine
from kb.store.writer import store_article

TABLES = ("articles", "entities", "entity_aliases", "entity_labels", "mentions", "facts", "figures")
VIEWS = (
    "v_articles",
    "v_entities",
    "v_mentions",
    "v_meetings",
    "v_roles",
    "v_products",
    "v_figures",
    "v_relations",
)
# Columns a later revision adds and fills from the rows the first one holds: not data a
# downgrade keeps, checked by assert_sentences_stored instead.
ADDED_COLUMNS = frozenset({"sentence"})
TEXT = (
    "Anna Berg met Tom Ueda in Oslo. Anna Berg is chief executive of Nordwind. "
    "Nordwind makes the Aero 3. Nordwind revenue rose 8% to $1.2 billion in 2024."
)
# (name, type, aliases with their counts)
ENTITIES = {
    "anna berg": ("Anna Berg", "PERSON", {"Anna Berg": 2}),
    "tom ueda": ("Tom Ueda", "PERSON", {"Tom Ueda": 1}),
    "nordwind": ("Nordwind", "ORG", {"Nordwind": 3, "Nordwind AG": 0}),
    "aero 3": ("Aero 3", "PRODUCT", {"Aero 3": 1}),
}


def revisions_base_to_head() -> list[str]:
    script = ScriptDirectory.from_config(schema.alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def span(surface: str, nth: int = 0) -> dict[str, int]:
    """Offsets of the nth `surface` in TEXT and of the sentence around it."""
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(surface, start + 1)
    sent_start = TEXT.rfind(". ", 0, start)
    sent_start = 0 if sent_start == -1 else sent_start + 2
    sent_end = TEXT.find(". ", start)
    sent_end = len(TEXT) if sent_end == -1 else sent_end + 1
    return {
        "start_char": start,
        "end_char": start + len(surface),
        "sent_start": sent_start,
        "sent_end": sent_end,
    }


def insert(conn: Connection, table: str, **values: Any) -> int:
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id"
    return int(conn.execute(text(sql), values).scalar_one())


def fill_first_revision(conn: Connection) -> None:
    """One article with entities, aliases, label votes, mentions, facts and a figure, written
    with plain SQL against the tables as revision 0001 made them."""
    article = insert(
        conn,
        "articles",
        content_hash="c" * 64,
        source_hash="s" * 64,
        source_key="https://example.test/nordwind",
        path="feed.jsonl",
        item=0,
        url="https://example.test/nordwind",
        title="Talks in Oslo",
        source="Example Wire",
        published_on="2025-03-04",
        text=TEXT,
        word_count=len(TEXT.split()),
        extractor_version="2025.1",
    )
    ids = {}
    for key, (name, kind, aliases) in ENTITIES.items():
        ids[key] = insert(conn, "entities", key=key, name=name, type=kind)
        for alias, seen in aliases.items():
            insert(
                conn,
                "entity_aliases",
                entity_id=ids[key],
                alias=alias,
                key=alias.lower(),
                seen=seen,
            )
        conn.execute(
            text("INSERT INTO entity_labels (entity_id, label, seen) VALUES (:e, :l, :s)"),
            {"e": ids[key], "l": kind, "s": sum(aliases.values())},
        )
    for key, surface, nth in [
        ("anna berg", "Anna Berg", 0),
        ("tom ueda", "Tom Ueda", 0),
        ("anna berg", "Anna Berg", 1),
        ("nordwind", "Nordwind", 0),
        ("nordwind", "Nordwind", 1),
        ("aero 3", "Aero 3", 0),
        ("nordwind", "Nordwind", 2),
    ]:
        label = ENTITIES[key][1]
        insert(
            conn,
            "mentions",
            article_id=article,
            entity_id=ids[key],
            text=surface,
            label=label,
            **span(surface, nth),
        )
    common = {"article_id": article, "modality": "asserted", "extractor": "rules"}
    insert(
        conn,
        "facts",
        relation="met",
        subject_id=ids["anna berg"],
        object_id=ids["tom ueda"],
        place="Oslo",
        confidence=0.9,
        **common,
        **span("Anna Berg met Tom Ueda"),
    )
    insert(
        conn,
        "facts",
        relation="holds_role",
        subject_id=ids["anna berg"],
        object_id=ids["nordwind"],
        title="chief executive",
        status="current",
        confidence=0.8,
        **common,
        **span("chief executive of Nordwind"),
    )
    insert(
        conn,
        "facts",
        relation="makes",
        subject_id=ids["nordwind"],
        object_id=ids["aero 3"],
        confidence=0.85,
        **common,
        **span("Nordwind makes the Aero 3"),
    )
    insert(
        conn,
        "figures",
        article_id=article,
        entity_id=ids["nordwind"],
        metric="revenue",
        value=1.2e9,
        currency="USD",
        period="2024",
        qualifier="exact",
        change_pct=8.0,
        change_basis="yoy",
        raw_text="$1.2 billion",
        extractor="rules",
        confidence=0.9,
        **span("$1.2 billion"),
    )


def contents(engine: Engine) -> dict[str, Any]:
    """Every table row (without ids and timestamps) and every view answer, comparable."""
    found: dict[str, Any] = {}
    with engine.connect() as conn:
        for table in TABLES:
            result = conn.execute(text(f"SELECT * FROM {table}"))
            keep = [
                c
                for c in result.keys()
                if c not in {"id", "ingested_at", *ADDED_COLUMNS} and not c.endswith("_id")
            ]
            found[table] = sorted(tuple(str(row[c]) for c in keep) for row in result.mappings())
        for view in VIEWS:
            result = conn.execute(text(f"SELECT * FROM {view}"))
            keep = [c for c in result.keys() if not c.endswith("_id")]
            found[view] = sorted(tuple(str(row[c]) for c in keep) for row in result.mappings())
    return found


def rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def assert_views_answer(engine: Engine) -> None:
    """The filled data read through the public views, as users ask for it."""
    assert rows(engine, "SELECT title, published_on, source, path FROM v_articles") == [
        ("Talks in Oslo", "2025-03-04", "Example Wire", "feed.jsonl")
    ]
    assert sorted(rows(engine, "SELECT person, met, met_on, place, evidence FROM v_meetings")) == [
        ("Anna Berg", "Tom Ueda", "2025-03-04", "Oslo", "Anna Berg met Tom Ueda in Oslo."),
        ("Tom Ueda", "Anna Berg", "2025-03-04", "Oslo", "Anna Berg met Tom Ueda in Oslo."),
    ]
    assert rows(engine, "SELECT person, organization, title, status FROM v_roles") == [
        ("Anna Berg", "Nordwind", "chief executive", "current")
    ]
    assert rows(engine, "SELECT product, maker, article_count, first_seen FROM v_products") == [
        ("Aero 3", "Nordwind", 1, "2025-03-04")
    ]
    assert rows(
        engine, "SELECT entity, metric, value, currency, period, change_pct FROM v_figures"
    ) == [("Nordwind", "revenue", 1.2e9, "USD", "2024", 8.0)]
    assert rows(
        engine,
        "SELECT name, type, aliases, mention_count, article_count, first_seen, last_seen "
        "FROM v_entities WHERE name = 'Nordwind'",
    ) == [("Nordwind", "ORG", "Nordwind; Nordwind AG", 3, 1, "2025-03-04", "2025-03-04")]
    assert len(rows(engine, "SELECT * FROM v_mentions")) == 7
    assert len(rows(engine, "SELECT * FROM v_relations")) == 3


def assert_sentences_stored(engine: Engine) -> None:
    """Every mention, fact and figure holds its sentence (0004 fills the old rows)."""
    first, second, third, fourth = (
        "Anna Berg met Tom Ueda in Oslo.",
        "Anna Berg is chief executive of Nordwind.",
        "Nordwind makes the Aero 3.",
        "Nordwind revenue rose 8% to $1.2 billion in 2024.",
    )
    assert sorted(rows(engine, "SELECT relation, sentence FROM facts")) == [
        ("holds_role", second),
        ("makes", third),
        ("met", first),
    ]
    assert rows(engine, "SELECT raw_text, sentence FROM figures") == [("$1.2 billion", fourth)]
    assert sorted(rows(engine, "SELECT text, sentence FROM mentions")) == sorted(
        [
            ("Anna Berg", first),
            ("Tom Ueda", first),
            ("Anna Berg", second),
            ("Nordwind", second),
            ("Nordwind", third),
            ("Aero 3", third),
            ("Nordwind", fourth),
        ]
    )


def store_one_more(engine: Engine) -> None:
    """The writer still works on the upgraded store (ids, sequences, constraints)."""
    ref = EntityRef(key="nordwind", name="Nordwind", label="ORG")
    story = "Nordwind opened an office in Bergen."
    mention = MentionRecord(
        entity=ref,
        text="Nordwind",
        label="ORG",
        evidence=Evidence(start_char=0, end_char=8, sent_start=0, sent_end=len(story)),
    )
    article = Article(text=story, path="more.txt", origin="more.txt")
    analysis = ArticleAnalysis(mentions=(mention,))
    assert store_article(engine, article, analysis, extractor_version="test") == "new"
    stored = "SELECT sentence FROM mentions WHERE text = 'Nordwind' AND sent_start = 0"
    assert rows(engine, stored) == [(story,)]


@pytest.mark.parametrize("start", revisions_base_to_head()[:-1])
def test_upgrade_from_an_earlier_revision_keeps_the_data(empty_url: str, start: str) -> None:
    engine = make_engine(empty_url)
    try:
        schema.upgrade(engine, start)
        with engine.begin() as conn:
            fill_first_revision(conn)
        before = {table: contents(engine)[table] for table in TABLES}
        schema.upgrade(engine, "head")
        assert schema.current_revision(engine) == schema.head_revision()
        after = contents(engine)
        assert {table: after[table] for table in TABLES} == before
        assert_views_answer(engine)
        assert_sentences_stored(engine)
        store_one_more(engine)
        assert rows(engine, "SELECT mention_count FROM v_entities WHERE name = 'Nordwind'") == [
            (4,)
        ]
    finally:
        engine.dispose()


def test_first_revision_filled_then_upgraded_then_latest_down_and_up(empty_url: str) -> None:
    revisions = revisions_base_to_head()
    engine = make_engine(empty_url)
    try:
        schema.upgrade(engine, revisions[0])
        with engine.begin() as conn:
            fill_first_revision(conn)
        schema.upgrade(engine, "head")
        at_head = contents(engine)
        assert_views_answer(engine)

        schema.downgrade(engine, revisions[-2])
        assert schema.current_revision(engine) == revisions[-2]
        assert contents(engine) == at_head
        assert_views_answer(engine)

        schema.upgrade(engine, "head")
        assert schema.current_revision(engine) == revisions[-1]
        assert contents(engine) == at_head
        assert_views_answer(engine)
        assert_sentences_stored(engine)
    finally:
        engine.dispose()


def test_every_step_down_to_the_first_revision_keeps_the_data(empty_url: str) -> None:
    """Every downgrade after 0001 is a view or index change: none may drop rows."""
    revisions = revisions_base_to_head()
    engine = make_engine(empty_url)
    try:
        schema.upgrade(engine, revisions[0])
        with engine.begin() as conn:
            fill_first_revision(conn)
        schema.upgrade(engine, "head")
        at_head = contents(engine)
        for previous in reversed(revisions[:-1]):
            schema.downgrade(engine, previous)
            assert contents(engine) == at_head, previous
            assert_views_answer(engine)
        schema.upgrade(engine, "head")
        assert contents(engine) == at_head
    finally:
        engine.dispose()


def view_rows(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every column of every view row, ids included."""
    with engine.connect() as conn:
        return {
            view: sorted(
                tuple(str(value) for value in row)
                for row in conn.execute(text(f"SELECT * FROM {view}"))
            )
            for view in VIEWS
        }


def test_stored_sentences_leave_every_view_answer_as_it_was(empty_url: str) -> None:
    """0004 reads sentences from the rows and counts v_entities in a grouped join: every
    view answers as under 0003, for an entity with no mentions too, and for rows whose
    sentence is missing (cut from the article as before)."""
    engine = make_engine(empty_url)
    try:
        schema.upgrade(engine, "0003")
        with engine.begin() as conn:
            fill_first_revision(conn)
            only_in_facts = insert(conn, "entities", key="vega", name="Vega", type="ORG")
            conn.execute(
                text(
                    "INSERT INTO facts (article_id, relation, subject_id, object_id, modality, "
                    "extractor, confidence, start_char, end_char, sent_start, sent_end) "
                    "SELECT article_id, 'partners_with', subject_id, :other, modality, "
                    "extractor, 0.5, start_char, end_char, sent_start, sent_end "
                    "FROM facts WHERE relation = 'makes'"
                ),
                {"other": only_in_facts},
            )
        before = view_rows(engine)
        assert ("None", "None") in {(row[6], row[7]) for row in before["v_entities"]}
        schema.upgrade(engine, "0004")
        assert view_rows(engine) == before
        with engine.begin() as conn:
            for table in ("facts", "figures", "mentions"):
                conn.execute(text(f"UPDATE {table} SET sentence = NULL"))
        assert view_rows(engine) == before
    finally:
        engine.dispose()
