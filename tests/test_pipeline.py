"""The whole pipeline through the CLI, on our sample corpus and on the real seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from kb.cli import cli
from kb.pipeline import analyze_articles, prepared_pipeline
from kb.records import Article
from kb.store.engine import make_engine
from tests.conftest import REPO, SEEDS
from tests.snapshots import store_snapshot

DATA = REPO / "data"


def kb(*args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside the project")
    db = str(tmp_path_factory.mktemp("seeds") / "kb.db")
    kb("ingest", str(SEEDS), "--db", db, "--quiet")
    return db


@pytest.fixture(scope="module")
def data_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("data") / "kb.db")
    kb("ingest", str(DATA), "--db", db, "--quiet")
    return db


def rows(db: str, sql: str) -> list[tuple]:
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        found = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return found


def test_seeds_give_fourteen_dated_articles(seeds_db: str) -> None:
    articles = rows(seeds_db, "SELECT title, published_on FROM v_articles")
    assert len(articles) == 14
    dated = [d for _, d in articles if d]
    assert len(dated) >= 11
    assert all(title for title, _ in articles)


@pytest.mark.parametrize("name", ["Lei Jun", "Jun Lei", "lei jun", "LEI JUN"])
def test_who_met_on_the_seeds(seeds_db: str, name: str) -> None:
    out = json.loads(kb("who-met", name, "--db", seeds_db, "--format", "json"))
    met = {(row["met"], row["met_on"]) for row in out}
    assert ("Jensen Huang", "2025-07-20") in met
    assert ("Wang Chuanfu", "2025-07-17") in met
    assert all(row["evidence"] for row in out)


def test_seed_meetings_have_their_evidence_sentences(seeds_db: str) -> None:
    evidence = dict(rows(seeds_db, "SELECT met, evidence FROM v_meetings WHERE person = 'Lei Jun'"))
    assert "accompanied by" in evidence["Wang Chuanfu"]
    assert "meeting" in evidence["Jensen Huang"]
    assert "\n" not in evidence["Wang Chuanfu"].strip()


def test_no_year_date_or_rank_among_seed_figures(seeds_db: str) -> None:
    figures = rows(seeds_db, "SELECT value, unit, raw_text FROM v_figures")
    assert figures
    for value, unit, raw in figures:
        assert not (unit is None and 1990 <= value <= 2030 and float(value).is_integer()), raw
        assert not raw.lower().startswith(("no.", "top ")), raw


def test_sample_corpus_answers_who_met(data_db: str) -> None:
    out = json.loads(kb("who-met", "Lei Jun", "--db", data_db, "--format", "json"))
    assert {"Jensen Huang", "Wang Chuanfu"} <= {row["met"] for row in out}


def test_reingest_changes_nothing_and_does_no_nlp(data_db: str) -> None:
    before = store_snapshot(f"sqlite:///{data_db}")
    out = kb("ingest", str(DATA), "--db", data_db, "--quiet")
    assert " 0 new" in out
    assert "0 updated" in out
    assert store_snapshot(f"sqlite:///{data_db}") == before


def test_changed_article_replaces_its_facts(tmp_path: Path) -> None:
    source = tmp_path / "news.txt"
    source.write_text(
        "Orbit Tools names a new chief\n\n"
        "Orbit Tools CEO Jane Doe met with Arcadia chairman Tom Ueda in Oslo on May 2, 2024.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "kb.db")
    kb("ingest", str(source), "--db", db, "--quiet")
    assert rows(db, "SELECT met FROM v_meetings WHERE person = 'Jane Doe'") == [("Tom Ueda",)]
    source.write_text(
        "Orbit Tools names a new chief\n\n"
        "Orbit Tools CEO Jane Doe met with Lumen Air founder Ken Sato in Oslo on May 2, 2024.\n",
        encoding="utf-8",
    )
    out = kb("ingest", str(source), "--db", db, "--quiet")
    assert "1 updated" in out
    assert rows(db, "SELECT met FROM v_meetings WHERE person = 'Jane Doe'") == [("Ken Sato",)]
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]


def test_stdin_is_ingested(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    kb(
        "ingest",
        "-",
        "--db",
        db,
        "--quiet",
        input="Nordwind AG chairman Lars Berg held talks with Pia Lund in Bergen on 3 May 2025.\n",
    )
    assert rows(db, "SELECT met FROM v_meetings WHERE person = 'Lars Berg'") == [("Pia Lund",)]


def test_bad_inputs_are_reported_and_good_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(
        "Helio Labs hires\n\nHelio Labs CEO Ana Lima met with Rui Costa in Lisbon.\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (tmp_path / "feed.jsonl").write_text(
        '{"text": "Vela Corp. said revenue rose 12% to $4.5 billion in 2024."}\n{broken\n',
        encoding="utf-8",
    )
    db = str(tmp_path / "kb.db")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path), "--db", db, "--quiet"])
    assert result.exit_code == 1
    assert "empty.txt" in result.output
    assert "binary.txt" in result.output
    assert "feed.jsonl:2" in result.output
    assert "Traceback" not in result.output
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]


def test_extraction_keeps_working_across_memory_zones() -> None:
    """Strings first seen inside one memory zone must not break the next batch (E018)."""
    nlp = prepared_pipeline(None)
    batches = [
        [
            Article(
                text=f"Zyx{i} Corp said shipments of {i}.{i} million units rose {i}%.",
                path="t",
                origin=f"t{i}",
            )
            for i in range(3)
        ]
        for _ in range(3)
    ]
    for batch in batches:
        assert not any(isinstance(r, Exception) for r in analyze_articles(nlp, batch))


@pytest.mark.slow
def test_two_workers_store_what_one_stores(empty_url: str, data_db: str) -> None:
    """Workers store what they extract themselves, concurrently: same rows as one process."""
    kb("ingest", str(DATA), "--db", empty_url, "--quiet", "--workers", "2")
    assert store_snapshot(empty_url) == store_snapshot(f"sqlite:///{data_db}")
    again = kb("ingest", str(DATA), "--db", empty_url, "--quiet", "--workers", "2")
    assert " 0 new," in again


@pytest.mark.slow
def test_with_workers_the_last_version_of_an_article_wins(tmp_path: Path) -> None:
    """Two versions of one URL in one run, in batches that two workers take at once: the
    newer batch must wait for the older one, or the old text could overwrite the new."""
    from kb.pipeline import NLP_BATCH

    url = "https://news.example/acme-results"
    records = [{"text": f"Filler story number {i} about the weather in Lyon."} for i in range(80)]
    records[NLP_BATCH - 1] = {"url": url, "text": "Acme Corp. said sales rose 5% in May."}
    records[NLP_BATCH] = {"url": url, "text": "Acme Corp. said sales rose 7% in May."}
    corpus = tmp_path / "feed.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = str(tmp_path / "kb.db")
    out = kb("ingest", str(corpus), "--db", db, "--quiet", "--workers", "2")
    assert rows(db, f"SELECT text FROM articles WHERE url = '{url}'") == [
        ("Acme Corp. said sales rose 7% in May.",)
    ]
    assert rows(db, "SELECT count(*) FROM articles") == [(79,)]
    assert "79 new, 0 unchanged, 1 updated, 0 failed" in out


def test_workers_refuse_an_in_memory_database() -> None:
    result = CliRunner().invoke(cli, ["ingest", str(DATA), "--db", "sqlite://", "--workers", "2"])
    assert result.exit_code == 2
    assert "in-memory" in result.output


def test_a_started_pool_serves_several_ingests(tmp_path: Path) -> None:
    from kb.pipeline import WorkerPool, ingest
    from kb.store.open import open_store

    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text(json.dumps({"text": "Jane Doe met John Roe in Paris on Monday."}) + "\n")
    two.write_text(json.dumps({"text": "Acme Corp. said sales rose 12% to $4 billion."}) + "\n")
    with WorkerPool(2) as pool:
        pool.wait_ready()
        for corpus in (one, two):
            engine = open_store(f"sqlite:///{tmp_path / corpus.stem}.db")
            summary = ingest(engine, [str(corpus)], pool=pool)
            engine.dispose()
            assert (summary.new, summary.failed) == (1, 0)
