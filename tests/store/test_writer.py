"""Idempotent writes: the same article once, a changed article replaces its facts,
entities are one row per normalized key and votes pick type and name."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.exc import DataError

from kb.records import (
    Article,
    ArticleAnalysis,
    EntityRef,
    Evidence,
    FactRecord,
    FigureRecord,
    MentionRecord,
)
from kb.store import writer
from kb.store.writer import store_article, store_articles

ANNA = EntityRef(key="anna berg", name="Anna Berg", label="PERSON")
TOM = EntityRef(key="tom ueda", name="Tom Ueda", label="PERSON")
NORDWIND = EntityRef(key="nordwind", name="Nordwind", label="ORG")
TEXT = "Anna Berg met Tom Ueda in Oslo. Nordwind said the talks went well."


def mention(ref: EntityRef, text_: str, label: str | None = None) -> MentionRecord:
    start = TEXT.index(text_)
    return MentionRecord(
        entity=ref,
        text=text_,
        label=label or ref.label,
        evidence=Evidence(start_char=start, end_char=start + len(text_), sent_start=0, sent_end=31),
    )


def analysis(extra_label: str | None = None) -> ArticleAnalysis:
    return ArticleAnalysis(
        mentions=(
            mention(ANNA, "Anna Berg"),
            mention(TOM, "Tom Ueda"),
            mention(NORDWIND, "Nordwind"),
            mention(NORDWIND, "Nordwind", extra_label or "ORG"),
        ),
        facts=(
            FactRecord(
                relation="met",
                subject=ANNA,
                object=TOM,
                place="Oslo",
                evidence=Evidence(start_char=0, end_char=22, sent_start=0, sent_end=31),
                extractor="test",
                confidence=0.9,
            ),
        ),
    )


def article(text_: str = TEXT, path: str = "a.txt") -> Article:
    return Article(
        text=text_, path=path, origin=path, title="Talks", published_on=dt.date(2025, 3, 4)
    )


def count(engine, table: str) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_same_article_is_stored_once(engine) -> None:  # type: ignore[no-untyped-def]
    assert store_article(engine, article(), analysis(), extractor_version="1") == "new"
    assert store_article(engine, article(), analysis(), extractor_version="1") == "unchanged"
    assert store_article(engine, article(path="copy.txt"), analysis(), extractor_version="1") == (
        "unchanged"
    )
    assert count(engine, "articles") == 1
    assert count(engine, "mentions") == 4
    assert count(engine, "entities") == 3


def test_meeting_appears_in_both_directions_with_evidence(engine) -> None:  # type: ignore[no-untyped-def]
    store_article(engine, article(), analysis(), extractor_version="1")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT person, met, met_on, place, evidence FROM v_meetings ORDER BY person")
        ).all()
    assert [tuple(r) for r in rows] == [
        ("Anna Berg", "Tom Ueda", "2025-03-04", "Oslo", "Anna Berg met Tom Ueda in Oslo."),
        ("Tom Ueda", "Anna Berg", "2025-03-04", "Oslo", "Anna Berg met Tom Ueda in Oslo."),
    ]


def test_changed_article_replaces_its_facts(engine) -> None:  # type: ignore[no-untyped-def]
    store_article(engine, article(), analysis(), extractor_version="1")
    edited = TEXT.replace("went well", "went very well")
    assert store_article(engine, article(edited), analysis(), extractor_version="1") == "updated"
    assert count(engine, "articles") == 1
    assert count(engine, "mentions") == 4
    assert count(engine, "facts") == 1
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT text FROM articles")).scalar_one()
        seen = conn.execute(
            text("SELECT seen FROM entity_aliases WHERE alias = 'Nordwind'")
        ).scalar_one()
    assert stored == edited
    assert seen == 2  # the old version's votes were taken back


def test_new_extractor_version_re_extracts(engine) -> None:  # type: ignore[no-untyped-def]
    store_article(engine, article(), analysis(), extractor_version="1")
    assert store_article(engine, article(), analysis(), extractor_version="2") == "updated"
    assert store_article(engine, article(), analysis(), extractor_version="2", force=True) == (
        "updated"
    )
    assert count(engine, "mentions") == 4


def test_majority_label_wins(engine) -> None:  # type: ignore[no-untyped-def]
    store_article(engine, article(), analysis(extra_label="PERSON"), extractor_version="1")
    other = article("Nordwind grew. Nordwind hired.", path="b.txt")
    store_article(engine, other, analysis(), extractor_version="1")
    with engine.connect() as conn:
        kind = conn.execute(text("SELECT type FROM entities WHERE key = 'nordwind'")).scalar_one()
        aliases = conn.execute(
            text("SELECT aliases FROM v_entities WHERE name = 'Anna Berg'")
        ).scalar_one()
    assert kind == "ORG"
    assert aliases == "Anna Berg"


def test_mentions_facts_and_figures_store_their_sentence(engine) -> None:  # type: ignore[no-untyped-def]
    story = "Ünïcödé 小米 news 🚀. Anna Berg met Tom Ueda in Oslo. Nordwind earned $5 million."
    sentences = [
        "Ünïcödé 小米 news 🚀.",
        "Anna Berg met Tom Ueda in Oslo.",
        "Nordwind earned $5 million.",
    ]

    def evidence(span: str) -> Evidence:
        start = story.index(span)
        sentence = next(s for s in sentences if span in s)
        sent_start = story.index(sentence)
        return Evidence(
            start_char=start,
            end_char=start + len(span),
            sent_start=sent_start,
            sent_end=sent_start + len(sentence),
        )

    stored = ArticleAnalysis(
        mentions=(
            MentionRecord(entity=ANNA, text="Anna Berg", label="PERSON", evidence=evidence("Anna")),
            MentionRecord(entity=NORDWIND, text="Nordwind", label="ORG", evidence=evidence("Nord")),
        ),
        facts=(
            FactRecord(
                relation="met",
                subject=ANNA,
                object=TOM,
                evidence=evidence("met"),
                extractor="test",
                confidence=0.9,
            ),
        ),
        figures=(
            FigureRecord(
                entity=NORDWIND,
                metric="revenue",
                value=5e6,
                raw_text="$5 million",
                evidence=evidence("$5 million"),
                extractor="test",
                confidence=0.8,
            ),
        ),
    )
    store_article(engine, article(story), stored, extractor_version="1")
    with engine.connect() as conn:
        found = {
            table: sorted(conn.execute(text(f"SELECT sentence FROM {table}")).scalars())
            for table in ("mentions", "facts", "figures")
        }
        evidence_in_views = conn.execute(
            text("SELECT evidence FROM v_relations UNION ALL SELECT evidence FROM v_figures")
        ).scalars()
        assert sorted(evidence_in_views) == [sentences[1], sentences[2]]
    assert found == {
        "mentions": [sentences[1], sentences[2]],
        "facts": [sentences[1]],
        "figures": [sentences[2]],
    }


def test_a_batch_stores_each_article_as_one_by_one_would(engine) -> None:  # type: ignore[no-untyped-def]
    edited = TEXT.replace("went well", "went badly")
    outcomes = store_articles(
        engine,
        [
            (article(), analysis()),
            (article(path="b.txt", text_=TEXT + " More."), analysis()),
            (article(), analysis()),  # the same content again
            (article(path="b.txt", text_=edited), analysis()),  # a new version of b.txt
        ],
        extractor_version="1",
    )
    assert outcomes == ["new", "new", "unchanged", "updated"]
    assert count(engine, "articles") == 2
    assert count(engine, "mentions") == 8
    assert count(engine, "entities") == 3
    with engine.connect() as conn:
        texts = conn.execute(text("SELECT text FROM articles ORDER BY path")).scalars().all()
        seen = conn.execute(text("SELECT seen FROM entity_labels WHERE label = 'ORG'")).scalar_one()
    assert texts == [TEXT, edited]
    assert seen == 4  # the replaced version's votes were taken back


def test_an_article_the_store_refuses_fails_alone_in_a_batch(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real_write = writer._write_analysis

    def refuse_bad(conn, article_id, text_, analysis_):  # type: ignore[no-untyped-def]
        if "refused" in text_:
            raise DataError("INSERT …", {}, Exception("value too long for type"))
        return real_write(conn, article_id, text_, analysis_)

    monkeypatch.setattr(writer, "_write_analysis", refuse_bad)
    outcomes = store_articles(
        engine,
        [
            (article(path="a.txt"), analysis()),
            (article(path="bad.txt", text_=TEXT + " It was refused."), analysis()),
            (article(path="c.txt", text_=TEXT + " More."), analysis()),
        ],
        extractor_version="1",
    )
    assert outcomes[0] == "new"
    assert isinstance(outcomes[1], DataError)
    assert outcomes[2] == "new"
    with engine.connect() as conn:
        paths = conn.execute(text("SELECT path FROM articles ORDER BY path")).scalars().all()
    assert paths == ["a.txt", "c.txt"]
    assert count(engine, "mentions") == 8
