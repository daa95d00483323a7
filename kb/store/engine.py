"""Engines for both stores with the same behaviour: SQLite (WAL, foreign keys, busy
timeout) and PostgreSQL (psycopg 3). Connection failures become one clear StoreError.

Engines that only read open SQLite files read-only, so that reading works where
writing cannot: a read-only file, folder or file system (see sqlite_read_uri).
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from kb.errors import StoreError

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CHECKPOINT_PAGES = 10_000
# A server that is unreachable or never answers is reported instead of waited for forever;
# `?connect_timeout=N` in the URL overrides it.
POSTGRES_CONNECT_TIMEOUT_S = 10


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def sqlite_read_uri(path: Path) -> str:
    """A `file:` URI that opens the SQLite file at `path` read-only (`mode=ro`).

    Reading a WAL database takes its -shm file, which SQLite makes beside the database
    and cannot make in a folder this process may not write (or on a read-only file
    system). There, with no -wal file, `immutable=1` reads the file without one; a
    -wal file holds changes not yet in the database, which an immutable reader would
    miss, so then SQLite reads them through the existing -shm file, and without one
    it cannot read the database at all (StoreError).
    """
    path = path.resolve()
    uri = path.as_uri() + "?mode=ro"
    if os.access(path.parent, os.W_OK):
        return uri
    if not path.with_name(path.name + "-wal").exists():
        return uri + "&immutable=1"
    if not path.with_name(path.name + "-shm").exists():
        raise StoreError(
            f"cannot read database {path}: its -wal file holds changes that SQLite reads "
            "through a -shm file, which it cannot make in a read-only folder; open the "
            "database once where it can be written"
        )
    return uri


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous = NORMAL")
    # With synchronous=NORMAL only checkpoints wait for the disk; at SQLite's default of
    # one every 1000 pages an ingest spent ~10% of its store time in them. Fewer, larger
    # checkpoints also copy a page rewritten by many articles once (the WAL peaks ~40 MB).
    cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
    cursor.close()


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """`PRAGMA journal_mode = WAL`, tried again while the database is locked.

    On a new file still in rollback mode the switch needs an exclusive lock, and when
    several processes open the file at once SQLite can refuse it at once ("database is
    locked") without calling the busy handler, which would only deadlock them. So the
    wait is done here, up to the busy timeout. Once the file is in WAL mode (every later
    open) the switch is a no-op that takes no lock."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.1)


def _set_sqlite_read_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")


def _sqlite_begin_immediate(conn: Any) -> None:
    """Take the write lock at BEGIN so two writers queue on busy_timeout instead of
    failing later with 'database is locked' when a read lock cannot be upgraded."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _read_only_connector(path: Path, connect_args: dict[str, Any]) -> Any:
    def connect() -> sqlite3.Connection:
        # As SQLAlchemy does for files: its pool may hand a connection to another thread.
        return sqlite3.connect(
            sqlite_read_uri(path), uri=True, check_same_thread=False, **connect_args
        )

    return connect


def make_engine(url: str, *, write: bool = True) -> Engine:
    """An engine for `url`. On SQLite, write engines begin transactions IMMEDIATE and
    read engines (`write=False`) open the file read-only, which must exist by then."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL or path: {url!r}") from exc
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None and not path.parent.exists():
            raise StoreError(f"cannot create database {path}: folder {path.parent} does not exist")
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "isolation_level": None}
        if write or path is None:
            engine = create_engine(parsed, connect_args=connect_args)
            event.listen(engine, "connect", _set_sqlite_pragmas)
        else:
            engine = create_engine(parsed, creator=_read_only_connector(path, connect_args))
            event.listen(engine, "connect", _set_sqlite_read_pragmas)
        if write:
            event.listen(engine, "begin", _sqlite_begin_immediate)
        else:
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() in ("", "psycopg2"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        connect_args = (
            {}
            if "connect_timeout" in parsed.query
            else {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
        )
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    raise StoreError(
        f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL"
    )
