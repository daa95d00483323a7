"""Shared fixtures: every store-level test runs on SQLite and on PostgreSQL.

PostgreSQL tests need KB_TEST_POSTGRES_URL (CI sets it); each test gets a fresh
database created from that server and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from kb.config import to_url
from kb.store.engine import make_engine
from kb.store.schema import ensure_schema

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
POSTGRES_URL = os.environ.get("KB_TEST_POSTGRES_URL")
STORES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server; dropped on exit."""
    if not POSTGRES_URL:
        pytest.skip(
            "PostgreSQL tests need KB_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1/test)"
        )
    admin_url = make_url(to_url(POSTGRES_URL))
    name = f"kbtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def empty_store_url(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'kb.db'}"
    else:
        with fresh_postgres_database() as url:
            yield url


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_url(store_kind: str, tmp_path: Path) -> Iterator[str]:
    """URL of an empty database (no schema) on each store."""
    with empty_store_url(store_kind, tmp_path) as url:
        yield url


@pytest.fixture
def store_url(empty_url: str) -> str:
    """URL of a database upgraded to head on each store."""
    engine = make_engine(empty_url)
    ensure_schema(engine)
    engine.dispose()
    return empty_url


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    eng = make_engine(store_url)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """The trained pipeline, loaded once per test session."""
    from kb.nlp import load_pipeline

    return load_pipeline(None)
