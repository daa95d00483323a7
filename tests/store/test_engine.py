"""Engines that only read open SQLite files read-only, and immutable where SQLite could
not make the -shm file a WAL reader needs."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from kb.errors import StoreError
from kb.store import engine as store_engine
from kb.store.engine import make_engine, sqlite_read_uri


def make_db(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
    return path


@pytest.mark.parametrize(
    ("folder_writable", "beside", "expected"),
    [
        (True, [], "?mode=ro"),
        (True, ["-wal", "-shm"], "?mode=ro"),
        (False, [], "?mode=ro&immutable=1"),
        (False, ["-shm"], "?mode=ro&immutable=1"),
        (False, ["-wal", "-shm"], "?mode=ro"),
    ],
)
def test_read_uri_is_immutable_only_in_a_read_only_folder_without_a_wal(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    folder_writable: bool,
    beside: list[str],
    expected: str,
) -> None:
    db = tmp_path / "kb.db"
    db.write_bytes(b"")
    for end in beside:
        db.with_name("kb.db" + end).write_bytes(b"")
    monkeypatch.setattr(store_engine.os, "access", lambda _path, _mode: folder_writable)
    assert sqlite_read_uri(db) == db.resolve().as_uri() + expected


def test_a_wal_without_its_shm_in_a_read_only_folder_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "kb.db"
    db.write_bytes(b"")
    db.with_name("kb.db-wal").write_bytes(b"")
    monkeypatch.setattr(store_engine.os, "access", lambda _path, _mode: False)
    with pytest.raises(StoreError, match="-wal file"):
        sqlite_read_uri(db)


@pytest.mark.parametrize("folder", ["plain", "with space", "odd?#%&=;name", "小米"])
def test_read_uri_opens_any_path(tmp_path: Path, folder: str) -> None:
    db = make_db(tmp_path / folder / "kb.db")
    with contextlib.closing(sqlite3.connect(sqlite_read_uri(db), uri=True)) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_read_engine_reads_and_never_writes(tmp_path: Path) -> None:
    db = make_db(tmp_path / "kb.db")
    engine = make_engine(f"sqlite:///{db}", write=False)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT x FROM t")).scalar_one() == 1
        with pytest.raises(OperationalError, match="readonly database"), engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        engine.dispose()


def test_a_write_engine_sets_its_pragmas(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    with engine.connect() as conn:
        settings = {
            pragma: conn.exec_driver_sql(f"PRAGMA {pragma}").scalar()
            for pragma in ("journal_mode", "synchronous", "foreign_keys", "wal_autocheckpoint")
        }
    engine.dispose()
    assert settings == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "foreign_keys": 1,
        "wal_autocheckpoint": store_engine.SQLITE_CHECKPOINT_PAGES,
    }


class LockedCursor:
    """A cursor whose journal-mode switch is refused `locked` times, then done."""

    def __init__(self, locked: int, message: str = "database is locked") -> None:
        self.locked = locked
        self.message = message
        self.tries = 0

    def execute(self, sql: str) -> None:
        assert sql == "PRAGMA journal_mode = WAL"
        self.tries += 1
        if self.tries <= self.locked:
            raise sqlite3.OperationalError(self.message)


def test_the_switch_to_wal_waits_while_another_process_holds_the_new_file() -> None:
    """Several processes opening one new file at once: SQLite refuses the switch to WAL
    without calling the busy handler (seen about once in 20 such races)."""
    cursor = LockedCursor(locked=3)
    store_engine._switch_to_wal(cursor)  # type: ignore[arg-type]
    assert cursor.tries == 4


def test_the_switch_to_wal_gives_up_at_the_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_engine, "SQLITE_BUSY_TIMEOUT_MS", 50)
    cursor = LockedCursor(locked=10**9)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        store_engine._switch_to_wal(cursor)  # type: ignore[arg-type]
    assert 1 < cursor.tries < 100


def test_the_switch_to_wal_raises_other_errors_at_once() -> None:
    cursor = LockedCursor(locked=1, message="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        store_engine._switch_to_wal(cursor)  # type: ignore[arg-type]
    assert cursor.tries == 1
