"""SQL injection through every CLI argument that reaches a query, and the rules for
`kb export --out`. Payloads go in as names, types, relations, metrics, periods, bound
parameters and view names; the database must be unchanged afterwards and no answer may
be wider than the literal text asks for (LIKE wildcards `%` and `_` match themselves)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

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
from tests.conftest import STORES, empty_store_url
from tests.reliability.helpers import assert_one_clear_error, kb, table_counts
from tests.snapshots import store_snapshot

PAYLOADS = [
    "x'; DROP TABLE articles; --",
    "' OR 1=1 --",
    "' OR '1'='1",
    '" OR ""="',
    "1) OR (1=1",
    "'); DELETE FROM facts; --",
    "x' UNION SELECT name, name, name FROM entities --",
    "%",
    "_",
    "%%",
    "_%",
    "\\",
    "\\%",
    "*",
    ":name",
    "%(name)s",
    "{0}",
    "$1",
    "?",
    "; VACUUM; --",
]

ANNA = EntityRef(key="anna berg", name="Anna Berg", label="PERSON")
TOM = EntityRef(key="tom ueda", name="Tom Ueda", label="PERSON")
OBRIEN = EntityRef(key="o'brien ltd", name="O'Brien Ltd", label="ORG")
PURE = EntityRef(key="pure 100", name="Pure 100", label="PRODUCT")
# (text, mentions, facts as (relation, subject, object, span), figures as (entity, metric,
# period, raw text))
STORIES = [
    (
        "Anna Berg met Tom Ueda in Oslo. Anna Berg is chief executive of O'Brien Ltd.",
        [ANNA, TOM, OBRIEN],
        [
            ("met", ANNA, TOM, "Anna Berg met Tom Ueda"),
            ("holds_role", ANNA, OBRIEN, "chief executive of O'Brien Ltd"),
        ],
        [],
    ),
    (
        "O'Brien Ltd makes the Pure 100. O'Brien Ltd said revenue rose to $2.5 billion in 2024 "
        "and 100% of shipments were sold; its 50_50 margin was 12% in the second quarter.",
        [OBRIEN, PURE],
        [("makes", OBRIEN, PURE, "O'Brien Ltd makes the Pure 100")],
        [
            (OBRIEN, "revenue", "2024", "$2.5 billion"),
            (OBRIEN, "share of shipments sold", "2024", "100%"),
            (OBRIEN, "50_50 margin", "2024-Q2", "12%"),
        ],
    ),
]


def evidence(text: str, surface: str) -> Evidence:
    start = text.index(surface)
    sentence_start = text.rfind(". ", 0, start)
    sentence_start = 0 if sentence_start == -1 else sentence_start + 2
    sentence_end = text.find(". ", start)
    sentence_end = len(text) if sentence_end == -1 else sentence_end + 1
    return Evidence(
        start_char=start,
        end_char=start + len(surface),
        sent_start=sentence_start,
        sent_end=sentence_end,
    )


def store_stories(url: str) -> None:
    engine = make_engine(url)
    ensure_schema(engine)
    for number, (story, refs, facts, figures) in enumerate(STORIES):
        analysis = ArticleAnalysis(
            mentions=tuple(
                MentionRecord(
                    entity=ref, text=ref.name, label=ref.label, evidence=evidence(story, ref.name)
                )
                for ref in refs
            ),
            facts=tuple(
                FactRecord(
                    relation=relation,
                    subject=subject,
                    object=obj,
                    title="chief executive" if relation == "holds_role" else None,
                    status="current" if relation == "holds_role" else None,
                    evidence=evidence(story, span),
                    extractor="test",
                    confidence=0.9,
                )
                for relation, subject, obj, span in facts
            ),
            figures=tuple(
                FigureRecord(
                    entity=entity,
                    metric=metric,
                    value=float(number + 1),
                    period=period,
                    raw_text=raw,
                    evidence=evidence(story, raw),
                    extractor="test",
                    confidence=0.9,
                )
                for entity, metric, period, raw in figures
            ),
        )
        article = Article(
            text=story,
            path=f"story-{number}.txt",
            origin=f"story-{number}.txt",
            title=f"Story {number}",
            published_on=dt.date(2025, 3, number + 1),
        )
        store_article(engine, article, analysis, extractor_version="test")
    engine.dispose()


@pytest.fixture(scope="module", params=STORES)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    with empty_store_url(str(request.param), tmp_path_factory.mktemp("injection")) as url:
        store_stories(url)
        yield url


@pytest.fixture(scope="module")
def untouched(db: str) -> dict:
    """What the store holds before any payload: every later test compares against it."""
    return {"snapshot": store_snapshot(db), "counts": table_counts(db)}


def assert_unchanged(db: str, untouched: dict) -> None:
    assert table_counts(db) == untouched["counts"]
    assert store_snapshot(db) == untouched["snapshot"]


def rows_of(result_stdout: str) -> list[dict]:
    return [json.loads(line) for line in result_stdout.splitlines() if line.strip()]


def run(db: str, *args: str) -> tuple[int, list[dict], str]:
    """Exit code, JSON Lines rows (none when it failed) and stderr of one command."""
    result = kb(*args, "--db", db, "--format", "jsonl")
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code != 0:
        return result.exit_code, [], result.stderr
    return 0, rows_of(result.stdout), result.stderr


EXISTING = set(cli.commands)


def needs(command: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(command not in EXISTING, reason=f"`kb {command}` does not exist")


# --- names -------------------------------------------------------------------------------

NAME_COMMANDS = [
    pytest.param(["who-met", "{}"], marks=needs("who-met"), id="who-met NAME"),
    pytest.param(["who-met", "{}", "--summary"], marks=needs("who-met"), id="who-met --summary"),
    pytest.param(["entity", "{}"], marks=needs("entity"), id="entity NAME"),
    pytest.param(["facts", "--subject", "{}"], marks=needs("facts"), id="facts --subject"),
    pytest.param(["facts", "--object", "{}"], marks=needs("facts"), id="facts --object"),
    pytest.param(["figures", "--entity", "{}"], marks=needs("figures"), id="figures --entity"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("template", NAME_COMMANDS)
def test_a_payload_as_a_name_finds_no_entity_and_changes_nothing(
    db: str, untouched: dict, template: list[str], payload: str
) -> None:
    args = [payload if part == "{}" else part for part in template]
    code, rows, stderr = run(db, *args)
    assert code == 1, rows
    assert "no entity named" in stderr or "could be" in stderr, stderr
    assert_unchanged(db, untouched)


REAL_NAME_COMMANDS = [
    pytest.param(["who-met", "Anna Berg{}"], marks=needs("who-met"), id="who-met NAME"),
    pytest.param(["entity", "Anna Berg{}"], marks=needs("entity"), id="entity NAME"),
    pytest.param(["facts", "--subject", "Anna Berg{}"], marks=needs("facts"), id="facts"),
    pytest.param(["figures", "--entity", "O'Brien Ltd{}"], marks=needs("figures"), id="figures"),
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("template", REAL_NAME_COMMANDS)
def test_a_payload_after_a_real_name_never_widens_the_answer(
    db: str, untouched: dict, template: list[str], payload: str
) -> None:
    """Names are matched loosely (case, accents, punctuation), so the name with a payload
    may still find its entity: then the answer is exactly the plain name's answer."""
    plain = run(db, *[part.format("") for part in template])
    assert plain[0] == 0
    assert plain[1]
    code, rows, stderr = run(db, *[part.format(payload) for part in template])
    if code == 0:
        assert rows == plain[1]
    else:
        assert code == 1
        assert "no entity named" in stderr or "could be" in stderr, stderr
    assert_unchanged(db, untouched)


@needs("graph")
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_as_a_graph_name_draws_nothing_and_changes_nothing(
    db: str, untouched: dict, tmp_path: Path, payload: str
) -> None:
    out = tmp_path / "graph.svg"
    result = kb("graph", payload, "--out", str(out), "--db", db)
    assert_one_clear_error(result, "no entity named")
    assert not out.exists()
    assert_unchanged(db, untouched)


# --- filters -----------------------------------------------------------------------------


@needs("entities")
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_as_an_entity_type_lists_nothing(db: str, untouched: dict, payload: str) -> None:
    code, rows, _ = run(db, "entities", "--type", payload)
    assert rows == []
    assert code in (0, 2)
    assert_unchanged(db, untouched)


@needs("facts")
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_as_a_relation_lists_nothing(db: str, untouched: dict, payload: str) -> None:
    code, rows, _ = run(db, "facts", "--relation", payload)
    assert rows == []
    assert code in (0, 2)
    assert_unchanged(db, untouched)


@needs("figures")
@pytest.mark.parametrize("option", ["--metric", "--period"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_as_a_figure_filter_matches_only_itself(
    db: str, untouched: dict, option: str, payload: str
) -> None:
    code, rows, _ = run(db, "figures", option, payload, "--limit", "0")
    assert code == 0
    column = "metric" if option == "--metric" else "period"
    for row in rows:  # only a figure whose metric holds the payload literally
        if option == "--metric":
            assert payload.casefold() in row[column].casefold(), row
        else:
            assert row[column] == payload or row[column].startswith(f"{payload}-"), row
    assert_unchanged(db, untouched)


@needs("figures")
@pytest.mark.parametrize(
    ("option", "value", "metrics"),
    [
        ("--metric", "%", []),
        ("--metric", "_", ["50_50 margin"]),
        ("--metric", "0_5", ["50_50 margin"]),
        ("--metric", "revenue", ["revenue"]),
        ("--period", "2024", ["50_50 margin", "revenue", "share of shipments sold"]),
        ("--period", "2024-Q2", ["50_50 margin"]),
        ("--period", "2024_Q2", []),
        ("--period", "202%", []),
    ],
)
def test_wildcards_in_figure_filters_match_themselves(
    db: str, option: str, value: str, metrics: list[str]
) -> None:
    code, rows, _ = run(db, "figures", option, value, "--limit", "0")
    assert code == 0
    assert sorted(row["metric"] for row in rows) == sorted(metrics)


# --- bound parameters and view names -----------------------------------------------------


@needs("sql")
@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_payload_bound_as_a_sql_parameter_is_a_value(
    db: str, untouched: dict, payload: str
) -> None:
    result = kb(
        "sql",
        "select count(*) as n from v_entities where name = :who or type = :who",
        "--param",
        "who",
        payload,
        "--db",
        db,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": 0}]
    assert_unchanged(db, untouched)


@needs("export")
@pytest.mark.parametrize("payload", [*PAYLOADS, "v_articles; DROP TABLE articles", "articles"])
def test_a_payload_as_an_export_view_is_refused(
    db: str, untouched: dict, tmp_path: Path, payload: str
) -> None:
    out = tmp_path / "out.csv"
    assert_one_clear_error(kb("export", payload, "--out", str(out), "--db", db))
    assert not out.exists()
    assert_unchanged(db, untouched)


# --- kb export --out ---------------------------------------------------------------------


@needs("export")
def test_export_refuses_to_overwrite_without_force(
    db: str, untouched: dict, tmp_path: Path
) -> None:
    out = tmp_path / "meetings.csv"
    out.write_text("keep me\n", encoding="utf-8")
    assert_one_clear_error(
        kb("export", "v_meetings", "--out", str(out), "--db", db), "exists", "--force"
    )
    assert out.read_text(encoding="utf-8") == "keep me\n"
    forced = kb("export", "v_meetings", "--out", str(out), "--force", "--db", db)
    assert forced.exit_code == 0, forced.output
    assert out.read_text(encoding="utf-8").startswith("person,")
    assert_unchanged(db, untouched)


@needs("export")
def test_export_through_a_symlink_does_not_write_its_target(db: str, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert_one_clear_error(kb("export", "v_articles", "--out", str(link), "--db", db), "exists")
    assert target.read_text(encoding="utf-8") == "precious\n"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere" / "file.csv")
    result = kb("export", "v_articles", "--out", str(dangling), "--db", db)
    if result.exit_code == 0:  # the link itself is replaced, nothing is written through it
        assert not dangling.is_symlink()
        assert not (tmp_path / "nowhere").exists()
    else:
        assert_one_clear_error(result)


@needs("export")
@pytest.mark.parametrize(
    ("out", "fragment"),
    [
        (".", "folder"),
        ("..", "folder"),
        ("missing/dir/out.csv", "does not exist"),
        ("../../../../../../../../nonexistent-root-dir/out.csv", "does not exist"),
        ("", ""),
    ],
)
def test_export_refuses_folders_and_missing_folders(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, fragment: str
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert_one_clear_error(kb("export", "v_articles", "--out", out, "--db", db), fragment)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@needs("export")
def test_export_leaves_no_temporary_file_behind_on_failure(db: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = kb("export", "--query", "select * from no_such_table", "--out", str(out), "--db", db)
    assert_one_clear_error(result)
    assert list(tmp_path.iterdir()) == []


# --- arguments that are not UTF-8 --------------------------------------------------------

UNDECODABLE = "x\udcff"  # what Python makes of the argument bytes b"x\xff"
ARGUMENT_COMMANDS = [
    *NAME_COMMANDS,
    pytest.param(["entities", "--type", "{}"], marks=needs("entities"), id="entities --type"),
    pytest.param(["facts", "--relation", "{}"], marks=needs("facts"), id="facts --relation"),
    pytest.param(["figures", "--metric", "{}"], marks=needs("figures"), id="figures --metric"),
    pytest.param(["figures", "--period", "{}"], marks=needs("figures"), id="figures --period"),
    pytest.param(["sql", "select '{}' as x"], marks=needs("sql"), id="sql QUERY"),
]


@pytest.mark.parametrize("template", ARGUMENT_COMMANDS)
def test_an_argument_that_is_not_utf8_is_one_clear_line(
    db: str, untouched: dict, template: list[str]
) -> None:
    args = [part.replace("{}", UNDECODABLE) for part in template]
    result = kb(*args, "--db", db)
    assert_one_clear_error(result)
    assert_unchanged(db, untouched)
