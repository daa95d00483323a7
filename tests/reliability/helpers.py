"""What the reliability tests share: running `kb` in-process and as a real process, the
shape of a clean failure, a small store written without NLP, and every command that
opens a store."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import text

from kb.cli import cli
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
from tests.conftest import REPO

ANNA = EntityRef(key="anna berg", name="Anna Berg", label="PERSON")
TOM = EntityRef(key="tom ueda", name="Tom Ueda", label="PERSON")
NORDWIND = EntityRef(key="nordwind", name="Nordwind", label="ORG")
STORY = "Anna Berg met Tom Ueda in Oslo. Nordwind reported revenue of $1.2 billion for 2024."


def kb(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


def kb_command() -> list[str]:
    return [sys.executable, "-m", "kb"]


def kb_process(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m kb ARGS` in a real process: what a shell user sees."""
    return subprocess.run(
        [*kb_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=env,
    )


def assert_one_clear_error(result: Result, *fragments: str) -> str:
    """`result` failed the way users should see it: a non-zero exit that is not an internal
    error, exactly one line on stderr, no traceback. Returns that line."""
    assert result.exit_code not in (0, 70), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def assert_clean_outcome(result: Result) -> None:
    """Either it worked or it failed cleanly (for commands a damaged store may still serve)."""
    if result.exit_code != 0:
        assert_one_clear_error(result)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def analysis_of_story() -> tuple[Article, ArticleAnalysis]:
    def evidence(surface: str) -> Evidence:
        start = STORY.index(surface)
        sentence_end = STORY.index(".", start) + 1
        sentence_start = STORY.rfind(". ", 0, start)
        sentence_start = 0 if sentence_start == -1 else sentence_start + 2
        return Evidence(
            start_char=start,
            end_char=start + len(surface),
            sent_start=sentence_start,
            sent_end=sentence_end,
        )

    mentions = tuple(
        MentionRecord(entity=ref, text=ref.name, label=ref.label, evidence=evidence(ref.name))
        for ref in (ANNA, TOM, NORDWIND)
    )
    met = FactRecord(
        relation="met",
        subject=ANNA,
        object=TOM,
        place="Oslo",
        evidence=evidence("Anna Berg met Tom Ueda"),
        extractor="test",
        confidence=0.9,
    )
    revenue = FigureRecord(
        entity=NORDWIND,
        metric="revenue",
        value=1.2e9,
        currency="USD",
        period="2024",
        raw_text="$1.2 billion",
        evidence=evidence("$1.2 billion"),
        extractor="test",
        confidence=0.9,
    )
    article = Article(
        text=STORY,
        path="story.txt",
        origin="story.txt",
        title="Talks in Oslo",
        published_on=dt.date(2025, 3, 4),
    )
    return article, ArticleAnalysis(mentions=mentions, facts=(met,), figures=(revenue,))


def small_store(url: str) -> None:
    """A store at head with one article, its mentions, a meeting and a figure (no NLP)."""
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        article, analysis = analysis_of_story()
        store_article(engine, article, analysis, extractor_version="test")
    finally:
        engine.dispose()


def table_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in (
                    "articles",
                    "entities",
                    "entity_aliases",
                    "entity_labels",
                    "mentions",
                    "facts",
                    "figures",
                    "alembic_version",
                )
            }
    finally:
        engine.dispose()


STORE_COMMANDS = (
    "stats",
    "who-met",
    "entity",
    "entities",
    "facts",
    "figures",
    "graph",
    "sql",
    "export",
    "views",
    "eval",
    "db current",
    "db upgrade",
    "ingest",
)


def store_command(tmp_path: Path, name: str) -> list[str]:
    """Arguments that `name` (one of STORE_COMMANDS, all of which open the store) accepts,
    without --db; files it reads are written to `tmp_path`, files it writes go there."""
    story = tmp_path / "story.txt"
    story.write_text(STORY + "\n", encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"kind": "entity", "name": "Anna Berg", "type": "PERSON"}\n')
    return {
        "stats": ["stats"],
        "who-met": ["who-met", "Anna Berg"],
        "entity": ["entity", "Nordwind"],
        "entities": ["entities"],
        "facts": ["facts"],
        "figures": ["figures"],
        "graph": ["graph", "Anna Berg", "--out", str(tmp_path / "graph.svg")],
        "sql": ["sql", "select count(*) from v_articles"],
        "export": ["export", "v_articles", "--out", str(tmp_path / "articles.csv")],
        "views": ["views"],
        "eval": ["eval", str(gold)],
        "db current": ["db", "current"],
        "db upgrade": ["db", "upgrade"],
        "ingest": ["ingest", str(story), "--quiet"],
    }[name]
