"""Read-only SQL for `kb sql`, `kb export` and `kb views`, enforced by the database
itself rather than by inspecting the SQL text, in layers like Datasette's:

SQLite
    a `mode=ro` connection (a missing file is never created; see
    kb.store.engine.sqlite_read_uri for read-only folders), `PRAGMA query_only`, an
    authorizer that allows only reads, SELECT, recursive CTEs, functions other than
    `load_extension` and a few introspection PRAGMAs (so INSERT, DROP, ATTACH, VACUUM
    INTO, BEGIN, PRAGMA writes are refused while the statement is prepared), a limit
    of 0 attached databases, extension loading off, a progress handler that stops the
    query at its time limit, and sqlite3's own refusal of a second statement.
PostgreSQL
    a READ ONLY transaction with `statement_timeout`, `SET LOCAL ROLE kb_reader` (a
    NOLOGIN role with SELECT only, made by migration 0002), and the query run inside
    `kb_readonly.run_query`, a SECURITY DEFINER function owned by kb_reader. A plain
    SET ROLE is not enough when the login is a superuser: the query could call
    `set_config('role', ...)` to switch back; PostgreSQL forbids that inside a
    security-definer function. The query is wrapped as a subquery, so only one
    SELECT / WITH / VALUES / TABLE statement parses, and it is sent with the extended
    protocol, which refuses a second statement as well.

Rows are streamed in batches, never fetched all at once: the caller can write a
million rows with constant memory.
"""

from __future__ import annotations

import math
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql as pg_sql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from kb.errors import NotFound, QueryTimeout, ReadOnlyViolation, StoreError, UsageError
from kb.store.engine import SQLITE_BUSY_TIMEOUT_MS, is_sqlite, sqlite_path, sqlite_read_uri
from kb.store.open import describe_db_error

DEFAULT_MAX_ROWS = 1000
DEFAULT_TIMEOUT_S = 10.0
READER_ROLE = "kb_reader"
READER_FUNCTION = "kb_readonly.run_query(text, bigint)"
FETCH_BATCH = 2000
# The time limit's clock is read every this many SQLite VM steps: a millisecond or two
# of work on a view (a step can be a B-tree search), often enough to stop on time and
# rarely enough that the Python call is lost in the query's cost (every 1000 steps it
# took 1-2% of an export).
SQLITE_PROGRESS_STEPS = 10_000
# Page cache of a read-only connection. SQLite's default 2 MiB misses on nearly every
# entity a view joins, and each miss is a read() from the OS: ~10% of an export of
# v_relations. Bounded, so exports of any size keep flat memory.
SQLITE_READ_CACHE_KIB = 16_384

VIEW_DESCRIPTIONS: dict[str, str] = {
    "v_articles": "One row per stored article: title, source, URL, date, file path, word count.",
    "v_entities": "Canonical entities: type, every alias ('; '-separated), mention and "
    "article counts, first and last seen.",
    "v_mentions": "Every mention of an entity in an article, with its sentence and offsets.",
    "v_meetings": "Who met whom, when and where, with the evidence sentence; one row per "
    "side (A met B and B met A).",
    "v_roles": "Titles people hold or held at organizations (current/former), as of a date.",
    "v_products": "Products with their makers and how many articles mention them.",
    "v_figures": "Numeric figures about entities: metric, absolute value, unit/currency, "
    "period, qualifier, change.",
    "v_relations": "Every asserted fact as subject-relation-object, with date and evidence.",
}

# `:name` placeholders, as SQLAlchemy's text() finds them: not `::` casts, not `a:b`.
_NAMED_PARAM = re.compile(r"(?<![:\w\\]):([A-Za-z_]\w*)")
_SPACE_OR_COMMENT = r"\s+|--[^\n]*(?:\n|$)|/\*.*?\*/"
_ONLY_COMMENTS = re.compile(rf"(?:{_SPACE_OR_COMMENT})*$", re.DOTALL)
# Only to word the error after PostgreSQL refused a statement, never to allow one.
_LEADING_NOISE = re.compile(rf"^(?:{_SPACE_OR_COMMENT}|\()*", re.DOTALL)
_STATEMENT_KEYWORDS = frozenset(
    "abort alter analyze begin call checkpoint close cluster comment commit copy create "
    "deallocate declare delete discard do drop end execute explain fetch grant import insert "
    "listen load lock merge move notify prepare reassign refresh reindex release reset revoke "
    "rollback savepoint security set show start truncate unlisten update vacuum".split()
)

# Authorizer action codes by name: the sqlite3 module's constants for them share
# values with result codes, so they are listed here to name refusals in messages.
_SQLITE_ACTIONS = {
    getattr(sqlite3, f"SQLITE_{name}"): name.replace("_", " ")
    for name in (
        "CREATE_INDEX CREATE_TABLE CREATE_TEMP_INDEX CREATE_TEMP_TABLE CREATE_TEMP_TRIGGER "
        "CREATE_TEMP_VIEW CREATE_TRIGGER CREATE_VIEW DELETE DROP_INDEX DROP_TABLE "
        "DROP_TEMP_INDEX DROP_TEMP_TABLE DROP_TEMP_TRIGGER DROP_TEMP_VIEW DROP_TRIGGER "
        "DROP_VIEW INSERT PRAGMA READ SELECT TRANSACTION UPDATE ATTACH DETACH ALTER_TABLE "
        "REINDEX ANALYZE CREATE_VTABLE DROP_VTABLE FUNCTION SAVEPOINT RECURSIVE"
    ).split()
}
_SQLITE_ALWAYS_ALLOWED = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE}
)
# Functions with side effects beyond the query: loading code, registering tokenizers.
_SQLITE_DENIED_FUNCTIONS = frozenset({"load_extension", "fts3_tokenizer"})
# PRAGMAs whose argument is always a table or index name, never a new setting.
_SQLITE_READ_PRAGMAS = frozenset(
    "table_info table_xinfo table_list index_list index_info index_xinfo foreign_key_list".split()
)
# PRAGMAs that only report when given no argument (`PRAGMA user_version = 7` writes).
_SQLITE_REPORT_PRAGMAS = frozenset(
    "user_version application_id schema_version data_version encoding page_count page_size "
    "compile_options database_list collation_list function_list module_list pragma_list".split()
)


@dataclass(frozen=True)
class ViewInfo:
    name: str
    columns: list[str]
    description: str


class ReadOnlyResult:
    """The columns and a stream of rows of one read-only query.

    Iterate `rows` (or the result itself) to the end, or `batches` (the same rows in
    lists, as fetched: the fast path for exports), never both; or use it as a context
    manager: the connection closes when the rows are exhausted, on `close()` or on exit.
    `truncated` becomes True once iteration stops at `max_rows` while more rows exist;
    `row_count` is how many rows were handed out (whole batches at a time). Errors while
    streaming (a time limit reached mid-way) are raised as KBError subclasses from the
    iteration.
    """

    def __init__(
        self,
        columns: list[str],
        first_batch: list[tuple[Any, ...]],
        fetch: Callable[[int], list[tuple[Any, ...]]],
        close: Callable[[], None],
        max_rows: int | None,
    ) -> None:
        self.columns = columns
        self._pending = first_batch
        self._fetch = fetch
        self._close = close
        self._max_rows = max_rows
        self._fetched = len(first_batch)
        self._closed = False
        self.truncated = False
        self.row_count = 0
        self.batches: Iterator[list[tuple[Any, ...]]] = self._iterate_batches()
        self.rows: Iterator[tuple[Any, ...]] = self._iterate_rows()

    def _iterate_batches(self) -> Iterator[list[tuple[Any, ...]]]:
        try:
            batch = self._pending
            self._pending = []
            while batch and not self._closed:
                if self._max_rows is not None and len(batch) > self._max_rows - self.row_count:
                    # Batches never reach more than one row past the limit: that row
                    # only says there is more.
                    self.truncated = True
                    batch = batch[: self._max_rows - self.row_count]
                    if batch:
                        self.row_count += len(batch)
                        yield batch
                    return
                self.row_count += len(batch)
                yield batch
                if self._closed:
                    return
                batch = self._fetch(self._batch_size())
                self._fetched += len(batch)
        finally:
            self.close()

    def _iterate_rows(self) -> Iterator[tuple[Any, ...]]:
        for batch in self.batches:
            for row in batch:
                if self._closed:
                    return
                yield row

    def _batch_size(self) -> int:
        """Never ask for more than one row past the limit: that row only says 'truncated'."""
        if self._max_rows is None:
            return FETCH_BATCH
        return max(1, min(FETCH_BATCH, self._max_rows + 1 - self._fetched))

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self.rows

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> ReadOnlyResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def run_readonly(
    url: str,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    max_rows: int | None = DEFAULT_MAX_ROWS,
    timeout_s: float | None = DEFAULT_TIMEOUT_S,
) -> ReadOnlyResult:
    """Run one read-only statement on the store at `url` and stream its rows.

    `params` fill `:name` placeholders. `max_rows` None means no row limit;
    `timeout_s` None means no time limit. The time limit counts the database's work
    (including fetching later batches), not the time the caller spends on each row.
    The statement runs and its first batch is fetched before this returns, so most
    errors surface here. Raises ReadOnlyViolation for anything that would write or
    escape, QueryTimeout, UsageError (bad parameters, empty query), StoreError.
    """
    if not sql.strip():
        raise UsageError("empty query: give one SELECT statement")
    if max_rows is not None and max_rows < 0:
        raise UsageError(f"the row limit must be 0 or more, not {max_rows}")
    if timeout_s is not None and not timeout_s > 0:
        raise UsageError(f"the time limit must be more than 0 seconds, not {timeout_s}")
    if is_sqlite(url):
        return _run_sqlite(url, sql, dict(params or {}), max_rows, timeout_s)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise StoreError(f"not a database URL or path: {url!r}") from exc
    if backend == "postgresql":
        return _run_postgres(url, sql, dict(params or {}), max_rows, timeout_s)
    raise StoreError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


def list_views(url: str) -> list[ViewInfo]:
    """The store's views with their columns: the public ones of the spec first, in the
    spec's order, then any others by name. Read through `run_readonly` like user SQL."""
    names = _view_names(url)
    known = [name for name in VIEW_DESCRIPTIONS if name in names]
    ordered = known + sorted(set(names) - set(known))
    views = []
    for name in ordered:
        with run_readonly(url, f"SELECT * FROM {quote_identifier(name)} LIMIT 0") as result:
            views.append(ViewInfo(name, result.columns, VIEW_DESCRIPTIONS.get(name, "")))
    return views


def view_query(url: str, name: str) -> str:
    """`SELECT * FROM <view>` for a view that exists in the store, else NotFound."""
    if name not in _view_names(url):
        raise NotFound(f"no view named {name!r}; `kb views` lists them")
    return f"SELECT * FROM {quote_identifier(name)}"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _view_names(url: str) -> list[str]:
    if is_sqlite(url):
        sql = "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name"
    else:
        sql = (
            "SELECT table_name FROM information_schema.views "
            "WHERE table_schema = current_schema() ORDER BY table_name"
        )
    with run_readonly(url, sql, max_rows=None) as result:
        return [row[0] for row in result]


def _single_line(message: str) -> str:
    return " ".join(message.split())


# --- SQLite -----------------------------------------------------------------------


class _SqliteGuard:
    """The authorizer, the time budget and the error translation of one connection."""

    def __init__(self, timeout_s: float | None) -> None:
        self.timeout_s = timeout_s
        self.remaining = math.inf if timeout_s is None else timeout_s
        self.deadline = math.inf
        self.timed_out = False
        self.refused: list[str] = []

    def authorize(
        self, action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None
    ) -> int:
        if _sqlite_allows(action, arg1, arg2):
            return sqlite3.SQLITE_OK
        self.refused.append(_sqlite_refusal(action, arg1, arg2))
        return sqlite3.SQLITE_DENY

    def on_progress(self) -> int:
        """Called by SQLite every SQLITE_PROGRESS_STEPS VM steps; non-zero interrupts."""
        if time.monotonic() > self.deadline:
            self.timed_out = True
            return 1
        return 0

    def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn` against the time budget and turn driver errors into KBErrors."""
        started = time.monotonic()
        self.deadline = started + self.remaining
        try:
            return fn(*args)
        except (sqlite3.Error, sqlite3.Warning) as exc:
            raise self.translate(exc) from exc
        finally:
            self.remaining -= time.monotonic() - started
            self.deadline = math.inf

    def translate(self, exc: Exception) -> Exception:
        code = getattr(exc, "sqlite_errorcode", None)
        message = describe_db_error(exc)
        if self.refused or code == sqlite3.SQLITE_AUTH:
            what = self.refused[0] if self.refused else "this statement"
            return ReadOnlyViolation(f"read-only query: {what} is not allowed")
        if self.timed_out:
            return QueryTimeout(f"query stopped at its time limit of {self.timeout_s:g} s")
        if code is not None and code & 0xFF == sqlite3.SQLITE_READONLY:
            return ReadOnlyViolation(f"read-only query: {message}")
        if "one statement at a time" in message:
            return ReadOnlyViolation("read-only query: only one statement per call is allowed")
        if "too many attached databases" in message:
            return ReadOnlyViolation("read-only query: ATTACH is not allowed")
        if isinstance(exc, sqlite3.ProgrammingError) and "binding" in message.lower():
            if missing := re.search(r"parameter (:\w+)", message):
                return UsageError(f"query parameters: no value for {missing.group(1)}")
            if "has no name" in message:
                return UsageError("query parameters: use :name placeholders, not ?")
            return UsageError(f"query parameters: {message}")
        if code is not None and code & 0xFF != sqlite3.SQLITE_ERROR:
            return StoreError(f"database error: {message}")  # corrupt, locked, I/O ...
        return StoreError(f"SQL error: {message}")


def _sqlite_allows(action: int, arg1: str | None, arg2: str | None) -> bool:
    if action in _SQLITE_ALWAYS_ALLOWED:
        return True
    if action == sqlite3.SQLITE_FUNCTION:
        return (arg2 or "").lower() not in _SQLITE_DENIED_FUNCTIONS
    if action == sqlite3.SQLITE_PRAGMA:
        pragma = (arg1 or "").lower()
        return pragma in _SQLITE_READ_PRAGMAS or (pragma in _SQLITE_REPORT_PRAGMAS and arg2 is None)
    return False


def _sqlite_refusal(action: int, arg1: str | None, arg2: str | None) -> str:
    """What was refused, in the words of the statement: 'INSERT on entities', 'BEGIN'."""
    what = _SQLITE_ACTIONS.get(action, f"action {action}")
    if action == sqlite3.SQLITE_FUNCTION:
        return f"function {arg2}()"
    if action == sqlite3.SQLITE_TRANSACTION:
        return arg1 or what
    if action == sqlite3.SQLITE_SAVEPOINT:
        return {"BEGIN": "SAVEPOINT", "ROLLBACK": "ROLLBACK TO"}.get(arg1 or "", arg1 or what)
    if action == sqlite3.SQLITE_PRAGMA:
        return f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
    if action == sqlite3.SQLITE_ATTACH:
        return f"ATTACH {arg1!r}" if arg1 else "ATTACH (used by VACUUM)"
    if arg1 in ("sqlite_master", "sqlite_schema", "sqlite_temp_master"):
        # CREATE, DROP and ALTER reach the authorizer first as writes to the schema table.
        return "changing the schema (CREATE, DROP, ALTER)"
    return f"{what} on {arg1}" if arg1 else what


def _run_sqlite(
    url: str,
    sql: str,
    params: dict[str, Any],
    max_rows: int | None,
    timeout_s: float | None,
) -> ReadOnlyResult:
    path = sqlite_path(url)
    if path is None:
        raise StoreError("read-only queries need a database file, not an in-memory database")
    if not path.is_file():
        raise StoreError(f"database not found: {path}")
    guard = _SqliteGuard(timeout_s)
    try:
        conn = sqlite3.connect(
            sqlite_read_uri(path),
            uri=True,
            isolation_level=None,
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {describe_db_error(exc)}") from exc
    try:
        _harden_sqlite(conn, guard, path)
        cursor = guard.call(conn.execute, sql, params)
        columns = [d[0] for d in cursor.description or ()]

        def fetch(size: int) -> list[tuple[Any, ...]]:
            return guard.call(cursor.fetchmany, size)

        first = fetch(_first_batch_size(max_rows))
    except BaseException:
        conn.close()
        raise
    return ReadOnlyResult(columns, first, fetch, conn.close, max_rows)


def _harden_sqlite(conn: sqlite3.Connection, guard: _SqliteGuard, path: Path) -> None:
    try:
        if hasattr(conn, "enable_load_extension"):
            conn.enable_load_extension(False)
        conn.execute("PRAGMA query_only = ON")
        conn.execute(f"PRAGMA cache_size = -{SQLITE_READ_CACHE_KIB}")
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open database {path}: {describe_db_error(exc)}") from exc
    conn.set_authorizer(guard.authorize)
    if guard.timeout_s is not None:
        conn.set_progress_handler(guard.on_progress, SQLITE_PROGRESS_STEPS)


def _first_batch_size(max_rows: int | None) -> int:
    return FETCH_BATCH if max_rows is None else max(1, min(FETCH_BATCH, max_rows + 1))


# --- PostgreSQL -------------------------------------------------------------------

_WRAP_HEAD = "SELECT * FROM (\n"
_WRAP_TAIL = "\n) AS kb_query"
_DESCRIBE_CURSOR = "kb_describe"
_ROWS_CURSOR = "kb_rows"


def _run_postgres(
    url: str,
    sql_text: str,
    params: dict[str, Any],
    max_rows: int | None,
    timeout_s: float | None,
) -> ReadOnlyResult:
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(conninfo, application_name="newskb read-only", connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to database: {_pg_message(exc)}") from exc
    conn.read_only = True
    cursor: psycopg.ServerCursor[Any] | None = None

    def close() -> None:
        try:
            if cursor is not None:
                cursor.close()
            conn.rollback()
        except psycopg.Error:
            pass  # the connection is going away either way; the server rolls back
        finally:
            conn.close()

    try:
        _enter_reader_role(conn, timeout_s)
        query, columns, type_oids = _describe(conn, _inline_params(sql_text, params, conn))
        inner_query, column_list = _typed_columns(conn, query, type_oids)
        cursor = conn.cursor(name=_ROWS_CURSOR)
        cursor.execute(
            pg_sql.SQL(
                "SELECT * FROM kb_readonly.run_query(%s::text, %s::bigint) AS kb_rows({})"
            ).format(column_list),
            [inner_query, None if max_rows is None else max_rows + 1],
        )
        rows_cursor = cursor

        def fetch(size: int) -> list[tuple[Any, ...]]:
            try:
                return rows_cursor.fetchmany(size)
            except psycopg.Error as exc:
                raise _pg_error(exc, timeout_s) from exc

        first = fetch(_first_batch_size(max_rows))
    except psycopg.Error as exc:
        close()
        raise _pg_error(exc, timeout_s) from exc
    except BaseException:
        close()
        raise

    return ReadOnlyResult(columns, first, fetch, close, max_rows)


def _enter_reader_role(conn: psycopg.Connection[Any], timeout_s: float | None) -> None:
    """Time limit and role for the rest of the transaction, with a clear error when
    migration 0002 could not set the role up (the migrating user may not create roles)."""
    found = conn.execute(
        "SELECT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %s), "
        "to_regprocedure(%s) IS NOT NULL",
        [READER_ROLE, READER_FUNCTION],
    ).fetchone()
    role_exists, function_exists = found if found is not None else (False, False)
    if not role_exists:
        raise StoreError(
            f"PostgreSQL role {READER_ROLE} is missing, so read-only queries cannot run: "
            "a user with CREATEROLE must apply migration 0002 (alembic downgrade 0001, "
            "then kb db upgrade)"
        )
    if not function_exists:
        raise StoreError(
            f"function {READER_FUNCTION} is missing: apply migration 0002 as a user "
            f"that belongs to {READER_ROLE} (alembic downgrade 0001, then kb db upgrade)"
        )
    if timeout_s is not None:
        millis = max(1, math.ceil(timeout_s * 1000))
        conn.execute("SELECT set_config('statement_timeout', %s, true)", [f"{millis}ms"])
    try:
        conn.execute(pg_sql.SQL("SET LOCAL ROLE {}").format(pg_sql.Identifier(READER_ROLE)))
    except pg_errors.InsufficientPrivilege as exc:
        raise StoreError(
            f"this database user may not act as {READER_ROLE}: an administrator must run "
            f"GRANT {READER_ROLE} TO <user> ({_pg_message(exc)})"
        ) from exc


def _inline_params(sql_text: str, params: dict[str, Any], conn: psycopg.Connection[Any]) -> str:
    """Replace `:name` with its value as a quoted literal. A literal, unlike a bound
    parameter, travels inside the query text into kb_readonly.run_query; a quoted
    string is of unknown type there, so PostgreSQL infers its type as it would for a
    parameter ('5' compares with an integer column)."""
    if not params:
        return sql_text

    def literal(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            return match.group(0)
        return pg_sql.Literal(params[name]).as_string(conn)

    return _NAMED_PARAM.sub(literal, sql_text)


def _describe(conn: psycopg.Connection[Any], query: str) -> tuple[str, list[str], list[int]]:
    """The query as it will run, its column names and type OIDs, planned as kb_reader but
    not run: the column definition list of the run_query call needs them.

    A ';' followed only by comments ends the statement, as in psql; PostgreSQL's parser
    points at it (so it is a token, not text in a literal), and it is dropped.
    """
    for _ in range(query.count(";") + 1):
        try:
            # A savepoint, so that the role and time limit survive a retry.
            with conn.transaction(), conn.cursor(name=_DESCRIBE_CURSOR) as cursor:
                cursor.execute(pg_sql.SQL(_WRAP_HEAD + query + _WRAP_TAIL))  # type: ignore[arg-type]
                description = cursor.description or []
        except pg_errors.SyntaxError as exc:
            offset = _error_offset(exc, query)
            if (
                offset is None
                or query[offset] != ";"
                or not _ONLY_COMMENTS.match(query, offset + 1)
            ):
                raise _pg_syntax_error(exc, query, offset) from exc
            query = query[:offset] + query[offset + 1 :]
            continue
        if not description:
            raise StoreError("the query returns no columns")
        return query, [c.name for c in description], [c.type_code for c in description]
    raise StoreError("SQL error: the query could not be parsed")


def _error_offset(exc: pg_errors.SyntaxError, query: str) -> int | None:
    """Where in `query` the parser stopped, from the position in the DECLARE statement."""
    position = exc.diag.statement_position
    if not position:
        return None
    offset = int(position) - 1 - len(f'DECLARE "{_DESCRIBE_CURSOR}" CURSOR FOR {_WRAP_HEAD}')
    return offset if 0 <= offset < len(query) else None


def _typed_columns(
    conn: psycopg.Connection[Any], query: str, type_oids: list[int]
) -> tuple[str, pg_sql.Composed]:
    """The query with its columns renamed c1..cn (a result may repeat a name) and the
    column definition list that run_query's `SETOF record` needs. Pseudo-typed columns
    (`void` from pg_sleep(), an anonymous `record`) cannot be declared: they come back
    as text."""
    found = conn.execute(
        "SELECT format_type(u.t, NULL), coalesce(ty.typtype = 'p', true) "
        "FROM unnest(%s::oid[]) WITH ORDINALITY AS u(t, i) "
        "LEFT JOIN pg_catalog.pg_type ty ON ty.oid = u.t ORDER BY u.i",
        [type_oids],
    ).fetchall()
    names = [f"c{i}" for i in range(1, len(found) + 1)]
    declared = ["text" if pseudo else type_name for type_name, pseudo in found]
    # Each column is cast to the declared type: a domain (information_schema's
    # sql_identifier) is described as its base type, and run_query checks exact types.
    select_list = ", ".join(
        f"{name}::{type_name}" for name, type_name in zip(names, declared, strict=True)
    )
    inner_query = f"SELECT {select_list} FROM (\n{query}\n) AS kb_inner({', '.join(names)})"
    column_list = pg_sql.SQL(", ").join(
        pg_sql.SQL("{} {}").format(pg_sql.Identifier(name), pg_sql.SQL(type_name))
        for name, type_name in zip(names, declared, strict=True)
    )
    return inner_query, column_list


def _pg_syntax_error(exc: pg_errors.SyntaxError, query: str, offset: int | None) -> Exception:
    """Name the usual causes of a syntax error in the wrapped query: a second statement
    or a statement that is not a query (INSERT, SET, COPY, BEGIN ...)."""
    message = _pg_message(exc)
    if "multiple commands" in message or (offset is not None and query[offset] == ";"):
        return ReadOnlyViolation("read-only query: only one statement per call is allowed")
    if offset is not None and (name := _NAMED_PARAM.match(query, offset)):
        return UsageError(f"query parameters: no value for :{name.group(1)}")
    keyword = _first_keyword(query)
    if keyword in _STATEMENT_KEYWORDS:
        return ReadOnlyViolation(
            f"read-only query: {keyword.upper()} is not allowed; only "
            "SELECT, WITH ... SELECT, VALUES or TABLE can run here"
        )
    return StoreError(f"SQL error: {message}")


def _first_keyword(query: str) -> str:
    word = re.match(r"[A-Za-z_]+", _LEADING_NOISE.sub("", query))
    return word.group(0).lower() if word else ""


def _pg_error(exc: psycopg.Error, timeout_s: float | None) -> Exception:
    message = _pg_message(exc)
    if isinstance(exc, pg_errors.QueryCanceled):
        limit = f" of {timeout_s:g} s" if timeout_s is not None else ""
        return QueryTimeout(f"query stopped at its time limit{limit}")
    if isinstance(exc, pg_errors.InsufficientPrivilege | pg_errors.ReadOnlySqlTransaction):
        return ReadOnlyViolation(f"read-only query: {message}")
    if isinstance(exc, pg_errors.FeatureNotSupported) and "data-modifying" in message:
        return ReadOnlyViolation(f"read-only query: {message}")
    if exc.sqlstate is None:
        return StoreError(f"database connection failed: {message}")
    return StoreError(f"SQL error: {message}")


def _pg_message(exc: psycopg.Error) -> str:
    """The server's primary message (no DETAIL/CONTEXT lines), or the client's first line."""
    primary = exc.diag.message_primary
    lines = (primary or str(exc)).strip().splitlines()
    return _single_line(lines[0]) if lines else type(exc).__name__
