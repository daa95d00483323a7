"""`kb sql` / `kb export` / `kb views` are read-only whatever SQL they get: every attack
fails with one clear KBError on both stores and leaves the database as it was."""

from __future__ import annotations

import csv
import gc
import json
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from kb import export, report
from kb.errors import KBError, NotFound, QueryTimeout, ReadOnlyViolation, StoreError, UsageError
from kb.export import export_to_file
from kb.store import readonly
from kb.store.engine import is_sqlite, make_engine
from kb.store.readonly import VIEW_DESCRIPTIONS, list_views, run_readonly, view_query
from kb.store.schema import downgrade, ensure_schema, upgrade
from tests.conftest import STORES, fresh_postgres_database

# Titles that break naive CSV writers or run as spreadsheet formulas.
TRICKY_TITLES = [
    'Comma, "quotes" and more',
    "two\nlines\r\nand a CR",
    "Ünïcödé 小米 ☃ — “smart” quotes",
    "=cmd|' /C calc'!A0",
    "+1",
    "-2",
    "@SUM(A1:A2)",
    "\tstarts with a tab",
    "\rstarts with a CR",
    "a plain title",
]
WORD_COUNTS = [120, 5, 42, 7, 1, -2, 3, 9, 11, 0]
COUNT_TO = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < {n}) "
RUNAWAY_COUNT = (
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT count(*) FROM c"
)


def seed(url: str) -> None:
    """A few articles, entities and mentions through plain SQL, as a user would see them."""
    engine = make_engine(url)
    ensure_schema(engine)
    with engine.begin() as conn:
        for i, (title, words) in enumerate(zip(TRICKY_TITLES, WORD_COUNTS, strict=True), 1):
            conn.execute(
                text(
                    "INSERT INTO articles (id, content_hash, source_hash, source_key, path, item, "
                    "url, title, source, published_on, text, word_count, extractor_version) "
                    "VALUES (:id, :h, :s, :k, :p, 0, NULL, :title, 'test', :day, :body, :words, "
                    "'t1')"
                ),
                {
                    "id": i,
                    "h": f"h{i}",
                    "s": f"s{i}",
                    "k": f"k{i}",
                    "p": f"/news/{i}.txt",
                    "title": title,
                    "day": f"2025-07-{i:02d}",
                    "body": f"Ada Byron met Charles Babbage in London. Story {i}.",
                    "words": words,
                },
            )
        for entity_id, name, kind in [(1, "Ada Byron", "PERSON"), (2, "Charles Babbage", "PERSON")]:
            conn.execute(
                text("INSERT INTO entities (id, key, name, type) VALUES (:id, :k, :n, :t)"),
                {"id": entity_id, "k": name.lower(), "n": name, "t": kind},
            )
        conn.execute(
            text(
                "INSERT INTO mentions (id, article_id, entity_id, text, label, start_char, "
                "end_char, sent_start, sent_end) VALUES "
                "(1, 1, 1, 'Ada Byron', 'PERSON', 0, 9, 0, 40), "
                "(2, 1, 2, 'Charles Babbage', 'PERSON', 14, 29, 0, 40)"
            )
        )
    engine.dispose()


def snapshot(url: str) -> dict[str, Any]:
    """Everything an attack could change: objects, rows, titles, SQLite settings."""
    engine = make_engine(url)
    with engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        state: dict[str, Any] = {
            "tables": tables,
            "views": sorted(inspect(conn).get_view_names()),
            "counts": {
                t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables
            },
            "titles": sorted(conn.execute(text("SELECT title FROM articles")).scalars()),
        }
        if is_sqlite(url):
            for pragma in ("user_version", "journal_mode", "schema_version"):
                state[pragma] = conn.exec_driver_sql(f"PRAGMA {pragma}").scalar()
        else:
            state["schemas"] = sorted(inspect(conn).get_schema_names())
    engine.dispose()
    return state


@pytest.fixture(scope="module", params=STORES)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(store kind, URL) of one seeded database per module: attacks must not change it,
    and each test checks that they did not."""
    kind = str(request.param)
    context: AbstractContextManager[str]
    if kind == "sqlite":
        context = nullcontext(f"sqlite:///{tmp_path_factory.mktemp('readonly') / 'kb.db'}")
    else:
        context = fresh_postgres_database()
    with context as url:
        seed(url)
        yield kind, url


@pytest.fixture
def url(seeded: tuple[str, str]) -> str:
    return seeded[1]


def rows_of(
    url: str, sql: str, params: dict[str, Any] | None = None, **kwargs: Any
) -> list[tuple[Any, ...]]:
    with run_readonly(url, sql, params, **kwargs) as result:
        return list(result)


# --- attacks ----------------------------------------------------------------------

# (id, sql, error on SQLite, error on PostgreSQL); KBError where the store has no such
# statement at all and refuses it as bad SQL. {tmp} is the test's own empty folder.
ATTACKS = [
    (
        "insert",
        "INSERT INTO entities (id, key, name, type) VALUES (99, 'x', 'X', 'ORG')",
        ReadOnlyViolation,
        ReadOnlyViolation,
    ),
    (
        "insert-returning",
        "INSERT INTO entities (id, key, name, type) VALUES (99, 'x', 'X', 'ORG') RETURNING id",
        ReadOnlyViolation,
        ReadOnlyViolation,
    ),
    ("update", "UPDATE articles SET title = 'pwned'", ReadOnlyViolation, ReadOnlyViolation),
    ("delete", "DELETE FROM mentions", ReadOnlyViolation, ReadOnlyViolation),
    ("drop-table", "DROP TABLE articles", ReadOnlyViolation, ReadOnlyViolation),
    ("drop-view", "DROP VIEW v_articles", ReadOnlyViolation, ReadOnlyViolation),
    ("alter", "ALTER TABLE articles ADD COLUMN evil INTEGER", ReadOnlyViolation, ReadOnlyViolation),
    ("create-table", "CREATE TABLE evil (x INTEGER)", ReadOnlyViolation, ReadOnlyViolation),
    (
        "create-temp",
        "CREATE TEMP TABLE evil AS SELECT 1 AS x",
        ReadOnlyViolation,
        ReadOnlyViolation,
    ),
    ("create-view", "CREATE VIEW v_evil AS SELECT 1 AS x", ReadOnlyViolation, ReadOnlyViolation),
    ("select-then-drop", "SELECT 1; DROP TABLE articles", ReadOnlyViolation, ReadOnlyViolation),
    ("select-then-delete", "SELECT 1; DELETE FROM articles;", ReadOnlyViolation, ReadOnlyViolation),
    (
        "subquery-escape",
        "SELECT 1) AS x; DROP TABLE articles; SELECT * FROM (SELECT 1",
        StoreError,
        ReadOnlyViolation,
    ),
    (
        "data-modifying-cte",
        "WITH d AS (DELETE FROM articles RETURNING id) SELECT * FROM d",
        KBError,
        ReadOnlyViolation,
    ),
    ("attach", "ATTACH DATABASE '{tmp}/new.db' AS evil", ReadOnlyViolation, KBError),
    ("attach-uri", "ATTACH 'file:{tmp}/new.db?mode=rwc' AS evil", ReadOnlyViolation, KBError),
    ("vacuum-into", "VACUUM INTO '{tmp}/copy.db'", ReadOnlyViolation, KBError),
    ("vacuum", "VACUUM", ReadOnlyViolation, ReadOnlyViolation),
    ("analyze", "ANALYZE", ReadOnlyViolation, ReadOnlyViolation),
    ("reindex", "REINDEX articles", ReadOnlyViolation, ReadOnlyViolation),
    ("writable-schema", "PRAGMA writable_schema = 1", ReadOnlyViolation, KBError),
    ("journal-mode", "PRAGMA journal_mode = DELETE", ReadOnlyViolation, KBError),
    ("user-version", "PRAGMA user_version = 7", ReadOnlyViolation, KBError),
    ("load-extension", "SELECT load_extension('{tmp}/evil')", ReadOnlyViolation, KBError),
    ("begin", "BEGIN", ReadOnlyViolation, ReadOnlyViolation),
    ("begin-immediate", "BEGIN IMMEDIATE", ReadOnlyViolation, ReadOnlyViolation),
    ("savepoint", "SAVEPOINT s", ReadOnlyViolation, ReadOnlyViolation),
    ("commit", "COMMIT", ReadOnlyViolation, ReadOnlyViolation),
    ("set-read-write", "SET TRANSACTION READ WRITE", KBError, ReadOnlyViolation),
    ("set-read-only-off", "SET transaction_read_only = off", KBError, ReadOnlyViolation),
    ("set-role", "SET ROLE postgres", KBError, ReadOnlyViolation),
    ("reset-role", "RESET ROLE", KBError, ReadOnlyViolation),
    (
        "copy-to-program",
        "COPY (SELECT 1) TO PROGRAM 'touch {tmp}/pwned'",
        KBError,
        ReadOnlyViolation,
    ),
    ("copy-to-file", "COPY articles TO '{tmp}/dump.csv'", KBError, ReadOnlyViolation),
    ("select-for-update", "SELECT * FROM articles FOR UPDATE", KBError, ReadOnlyViolation),
    ("nextval", "SELECT nextval('articles_id_seq')", KBError, ReadOnlyViolation),
    # A superuser login could leave kb_reader with set_config('role', ...) and then read
    # server files through a query planned later; the security-definer function stops it.
    (
        "set-config-role",
        "SELECT set_config('role', session_user, true)",
        KBError,
        ReadOnlyViolation,
    ),
    (
        "set-config-role-then-read-file",
        "SELECT set_config('role', session_user, true), "
        "query_to_xml('SELECT pg_read_file(''/etc/hostname'')', true, false, '')",
        KBError,
        ReadOnlyViolation,
    ),
    ("read-server-file", "SELECT pg_read_file('/etc/hostname')", KBError, ReadOnlyViolation),
    ("large-object-import", "SELECT lo_import('/etc/hostname')", KBError, ReadOnlyViolation),
    (
        "terminate-backend",
        "SELECT pg_terminate_backend(pg_backend_pid())",
        KBError,
        ReadOnlyViolation,
    ),
]


@pytest.mark.parametrize(
    ("sql", "sqlite_error", "postgres_error"),
    [pytest.param(sql, lite, pg, id=name) for name, sql, lite, pg in ATTACKS],
)
def test_attack_fails_cleanly_and_changes_nothing(
    seeded: tuple[str, str],
    tmp_path: Path,
    sql: str,
    sqlite_error: type[KBError],
    postgres_error: type[KBError],
) -> None:
    kind, url = seeded
    before = snapshot(url)
    with pytest.raises(KBError) as caught:
        rows_of(url, sql.replace("{tmp}", str(tmp_path)), timeout_s=5)
    expected = sqlite_error if kind == "sqlite" else postgres_error
    assert isinstance(caught.value, expected), caught.value
    message = str(caught.value)
    assert message
    assert "\n" not in message
    assert "Traceback" not in message
    assert snapshot(url) == before
    assert list(tmp_path.iterdir()) == []  # no ATTACH, VACUUM INTO, COPY or program output


def test_runaway_recursive_query_is_stopped_by_the_time_limit(url: str) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"time limit of 0\.5 s"):
        rows_of(url, RUNAWAY_COUNT, timeout_s=0.5)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT pg_sleep(30)",
        # Changing the timeout from inside the query does not lift the running one.
        "SELECT set_config('statement_timeout', '0', false), pg_sleep(30)",
    ],
)
def test_sleeping_query_is_stopped_by_the_time_limit(seeded: tuple[str, str], sql: str) -> None:
    kind, url = seeded
    if kind == "sqlite":
        pytest.skip("SQLite has no sleep function; the runaway query test covers it")
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        rows_of(url, sql, timeout_s=0.5)
    assert time.monotonic() - started < 5


def test_time_spent_by_the_reader_does_not_count(url: str) -> None:
    """The limit is on the database's work: a slow consumer of a fast query is fine."""
    with run_readonly(
        url, COUNT_TO.format(n=5000) + "SELECT n FROM c", max_rows=None, timeout_s=0.3
    ) as result:
        next(result.rows)
        time.sleep(0.5)
        assert sum(1 for _ in result.rows) == 4999


def test_million_row_result_is_cut_at_the_row_limit(url: str) -> None:
    started = time.monotonic()
    with run_readonly(url, COUNT_TO.format(n=1_000_000) + "SELECT n FROM c") as result:
        rows = list(result)
    assert len(rows) == readonly.DEFAULT_MAX_ROWS == result.row_count
    assert result.truncated
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("total", "max_rows", "returned", "truncated"),
    [(3, 3, 3, False), (4, 3, 3, True), (5, 0, 0, True), (5, None, 5, False), (0, 10, 0, False)],
)
def test_row_limit(
    url: str, total: int, max_rows: int | None, returned: int, truncated: bool
) -> None:
    sql = COUNT_TO.format(n=max(total, 1)) + f"SELECT n FROM c WHERE n <= {total}"
    with run_readonly(url, sql, max_rows=max_rows) as result:
        assert [row[0] for row in result] == list(range(1, returned + 1))
    assert result.truncated is truncated


@pytest.mark.parametrize(
    ("total", "max_rows", "returned", "truncated"),
    [(6, 6, 6, False), (7, 6, 6, True), (7, 5, 5, True), (5, 0, 0, True), (5, None, 5, False)],
)
def test_row_limit_holds_for_batches(
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    total: int,
    max_rows: int | None,
    returned: int,
    truncated: bool,
) -> None:
    monkeypatch.setattr(readonly, "FETCH_BATCH", 2)
    sql = COUNT_TO.format(n=total) + "SELECT n FROM c"
    with run_readonly(url, sql, max_rows=max_rows) as result:
        batches = list(result.batches)
    assert [row[0] for batch in batches for row in batch] == list(range(1, returned + 1))
    assert all(batches), "no empty batch"
    assert result.truncated is truncated
    assert result.row_count == returned


# --- ordinary queries -------------------------------------------------------------


def test_select_returns_columns_and_rows(url: str) -> None:
    with run_readonly(
        url, "SELECT article_id, title FROM v_articles ORDER BY article_id"
    ) as result:
        assert result.columns == ["article_id", "title"]
        rows = list(result)
    assert rows[0] == (1, TRICKY_TITLES[0])
    assert len(rows) == len(TRICKY_TITLES)
    assert not result.truncated


def test_views_and_tables_are_readable(url: str) -> None:
    assert rows_of(url, "SELECT count(*) FROM mentions") == [(2,)]
    assert rows_of(url, "SELECT name FROM v_entities ORDER BY name") == [
        ("Ada Byron",),
        ("Charles Babbage",),
    ]


def test_trailing_semicolon_and_comments_are_fine(url: str) -> None:
    assert rows_of(url, "-- how many?\nSELECT count(*) FROM articles; -- done") == [(10,)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", TRICKY_TITLES[2]), ("x'; DROP TABLE articles; --", None)],
)
def test_named_parameters_are_values_never_sql(url: str, value: str, expected: str | None) -> None:
    sql = "SELECT title FROM v_articles WHERE CAST(article_id AS TEXT) = :id"
    assert rows_of(url, sql, {"id": value}) == ([(expected,)] if expected else [])
    assert rows_of(url, "SELECT :who AS who", {"who": "O'Brien \\ 100%"}) == [("O'Brien \\ 100%",)]


def test_parameter_compares_with_a_number_column(url: str) -> None:
    sql = "SELECT title FROM v_articles WHERE article_id = :id"
    assert rows_of(url, sql, {"id": "2"}) == [(TRICKY_TITLES[1],)]


def test_missing_parameter_is_a_usage_error(url: str) -> None:
    with pytest.raises(UsageError, match=":who"):
        rows_of(url, "SELECT title FROM v_articles WHERE title = :who")


@pytest.mark.parametrize(
    ("sql", "error"),
    [("SELEC 1", StoreError), ("SELECT nope FROM articles", StoreError), ("  ", UsageError)],
)
def test_bad_sql_is_one_clear_line(url: str, sql: str, error: type[KBError]) -> None:
    with pytest.raises(error) as caught:
        rows_of(url, sql)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("max_rows", "timeout_s"), [(-1, 1.0), (10, 0.0), (10, -3.0)])
def test_limits_are_checked(url: str, max_rows: int, timeout_s: float) -> None:
    with pytest.raises(UsageError):
        run_readonly(url, "SELECT 1", max_rows=max_rows, timeout_s=timeout_s)


def test_missing_sqlite_database_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="database not found"):
        run_readonly(f"sqlite:///{missing}", "SELECT 1")
    assert list(tmp_path.iterdir()) == []


def test_sqlite_introspection_pragmas_are_allowed(seeded: tuple[str, str]) -> None:
    kind, url = seeded
    if kind != "sqlite":
        pytest.skip("SQLite PRAGMAs")
    names = [row[1] for row in rows_of(url, "PRAGMA table_info(v_articles)")]
    assert names[:2] == ["article_id", "title"]
    assert rows_of(url, "PRAGMA user_version") == [(0,)]


def test_closing_early_releases_the_connection(url: str) -> None:
    result = run_readonly(url, COUNT_TO.format(n=100_000) + "SELECT n FROM c", max_rows=None)
    assert next(result.rows) == (1,)
    result.close()
    assert list(result.rows) == []
    result.close()


# --- views --------------------------------------------------------------------------


def test_list_views_gives_every_public_view_with_columns_and_description(url: str) -> None:
    views = list_views(url)
    assert [view.name for view in views][: len(VIEW_DESCRIPTIONS)] == list(VIEW_DESCRIPTIONS)
    by_name = {view.name: view for view in views}
    assert {"person", "met", "met_on", "evidence"} <= set(by_name["v_meetings"].columns)
    assert all(view.description for view in views if view.name in VIEW_DESCRIPTIONS)


@pytest.mark.parametrize("name", ["v_nothing", "articles", 'v_articles"; DROP TABLE articles; --'])
def test_view_query_accepts_only_existing_views(url: str, name: str) -> None:
    with pytest.raises(NotFound):
        view_query(url, name)


# --- PostgreSQL role set-up ---------------------------------------------------------


def test_missing_role_or_function_is_a_clear_error(
    seeded: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    kind, url = seeded
    if kind == "sqlite":
        pytest.skip("the reader role exists on PostgreSQL only")
    monkeypatch.setattr(readonly, "READER_ROLE", "kb_reader_that_does_not_exist")
    with pytest.raises(StoreError, match="role kb_reader_that_does_not_exist is missing"):
        run_readonly(url, "SELECT 1")
    monkeypatch.undo()
    monkeypatch.setattr(readonly, "READER_FUNCTION", "kb_readonly.nothing(text, bigint)")
    with pytest.raises(StoreError, match=r"kb_readonly\.nothing"):
        run_readonly(url, "SELECT 1")


def test_read_only_migration_goes_down_and_up(store_url: str) -> None:
    engine = make_engine(store_url)
    downgrade(engine, "0001")
    if not is_sqlite(store_url):
        assert "kb_readonly" not in inspect(engine).get_schema_names()
        with pytest.raises(StoreError, match="missing"):
            run_readonly(store_url, "SELECT 1")
    upgrade(engine)
    engine.dispose()
    assert rows_of(store_url, "SELECT count(*) FROM v_articles") == [(0,)]


# --- export -----------------------------------------------------------------------


def neutralized(title: str) -> str:
    return "'" + title if title.startswith(("=", "+", "-", "@", "\t", "\r")) else title


def test_csv_export_round_trips_and_neutralizes_formulas(url: str, tmp_path: Path) -> None:
    out = tmp_path / "articles.csv"
    summary = export_to_file(url, out, view="v_articles")
    assert summary.rows == len(TRICKY_TITLES)
    assert not summary.truncated
    with out.open(encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    by_id = {int(r["article_id"]): r for r in records}
    for i, (title, words) in enumerate(zip(TRICKY_TITLES, WORD_COUNTS, strict=True), 1):
        assert by_id[i]["title"] == neutralized(title)
        assert by_id[i]["word_count"] == str(words)  # the number -2 stays -2
    assert by_id[6]["title"] == "'-2"  # while the text "-2" is escaped
    assert by_id[1]["published_on"] == "2025-07-01"


def test_csv_export_neutralizes_a_formula_far_past_the_first_batch(
    url: str, tmp_path: Path
) -> None:
    out = tmp_path / "many.csv"
    sql = COUNT_TO.format(n=5000) + (
        "SELECT n, CASE n WHEN 4321 THEN '=1+1' ELSE 'row ' || n END AS label, -n AS minus FROM c"
    )
    assert export_to_file(url, out, query=sql).rows == 5000
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[4321] == ["4321", "'=1+1", "-4321"]
    assert rows[4322] == ["4322", "row 4322", "-4322"]


def test_csv_export_of_a_query_with_parameters(url: str, tmp_path: Path) -> None:
    out = tmp_path / "one.csv"
    sql = "SELECT title, -2 AS number, '-2' AS label FROM v_articles WHERE article_id = :id"
    export_to_file(url, out, query=sql, params={"id": "4"})
    with out.open(encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == [
            ["title", "number", "label"],
            ["'" + TRICKY_TITLES[3], "-2", "'-2"],
        ]


def test_bom_export_reads_back_the_same(url: str, tmp_path: Path) -> None:
    plain, with_bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    export_to_file(url, plain, view="v_articles")
    export_to_file(url, with_bom, view="v_articles", bom=True)
    assert with_bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    with (
        with_bom.open(encoding="utf-8-sig", newline="") as f1,
        plain.open(encoding="utf-8", newline="") as f2,
    ):
        assert list(csv.reader(f1)) == list(csv.reader(f2))


def test_jsonl_export_keeps_text_and_numbers_as_they_are(url: str, tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    export_to_file(url, out, view="v_articles", fmt="jsonl")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["title"] for r in sorted(records, key=lambda r: r["article_id"])] == TRICKY_TITLES
    assert {r["word_count"] for r in records} == set(WORD_COUNTS)


def test_export_refuses_to_overwrite_without_force(url: str, tmp_path: Path) -> None:
    out = tmp_path / "kept.csv"
    out.write_text("precious", encoding="utf-8")
    with pytest.raises(UsageError, match="exists"):
        export_to_file(url, out, view="v_articles")
    assert out.read_text(encoding="utf-8") == "precious"
    export_to_file(url, out, view="v_articles", force=True)
    assert out.read_text(encoding="utf-8").startswith("article_id,")


def test_failed_export_leaves_no_file(url: str, tmp_path: Path) -> None:
    out = tmp_path / "never.csv"
    with pytest.raises(QueryTimeout):
        export_to_file(url, out, query=RUNAWAY_COUNT, timeout_s=0.3)
    with pytest.raises(ReadOnlyViolation):
        export_to_file(url, out, query="DELETE FROM articles")
    with pytest.raises(NotFound):
        export_to_file(url, out, view="v_nothing")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "view name or a query"),
        ({"view": "v_articles", "query": "SELECT 1"}, "not both"),
        ({"view": "v_articles", "fmt": "xlsx"}, "unknown export format"),
    ],
)
def test_export_arguments_are_checked(
    url: str, tmp_path: Path, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        export_to_file(url, tmp_path / "x.csv", **kwargs)


def test_export_into_a_missing_folder_is_refused(url: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        export_to_file(url, tmp_path / "no" / "such" / "x.csv", view="v_articles")


@pytest.mark.parametrize("threshold", [700, 0, 500_000])
def test_export_collects_garbage_rarely_and_puts_the_collector_back(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    """Rows stream with the cycle collector running at most every EXPORT_GC_THRESHOLD
    new objects (left off when it was off, left alone when already rarer), and it runs
    as before afterwards, whether the export succeeded or failed mid-way."""
    seen: list[int] = []

    def write_batches(*args: Any, **kwargs: Any) -> int:
        seen.append(gc.get_threshold()[0])
        count = report.write_batches(*args, **kwargs)
        if len(seen) > 1:
            raise QueryTimeout("stopped mid-way")
        return count

    monkeypatch.setattr(export, "write_batches", write_batches)
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        export_to_file(url, tmp_path / "ok.csv", view="v_articles")
        after_success = gc.get_threshold()
        with pytest.raises(QueryTimeout):
            export_to_file(url, tmp_path / "never.csv", view="v_articles")
        after_failure = gc.get_threshold()
    finally:
        gc.set_threshold(*before)
    during = threshold if threshold in (0, 500_000) else export.EXPORT_GC_THRESHOLD
    assert seen == [during, during]
    assert after_success == after_failure == (threshold, *before[1:])
    assert not (tmp_path / "never.csv").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "total", "peak_mb"),
    # Holding the rows would take ~190 MB for a million and ~37 MB for 200 000;
    # streaming peaks under 1 MB. json/jsonl use fewer rows: tracemalloc is slow.
    [("csv", 1_000_000, 20), ("jsonl", 200_000, 10), ("json", 200_000, 10)],
)
def test_export_streams_with_constant_memory(
    url: str, tmp_path: Path, fmt: str, total: int, peak_mb: int
) -> None:
    out = tmp_path / f"many.{fmt}"
    sql = COUNT_TO.format(n=total) + "SELECT n, 'row ' || n AS label, n * 0.5 AS half FROM c"
    tracemalloc.start()
    try:
        summary = export_to_file(url, out, query=sql, fmt=fmt)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.rows == total
    assert peak < peak_mb * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    with out.open(encoding="utf-8", newline="") as f:
        last = f.read().splitlines()[-2 if fmt == "json" else -1]
    assert str(total) in last
