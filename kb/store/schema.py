"""Bring a database to the schema this code expects, through Alembic only."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from kb.errors import StoreError

ALEMBIC_DIR = Path(__file__).resolve().parents[2] / "alembic"


def alembic_config(engine: Engine | None = None) -> Config:
    if not (ALEMBIC_DIR / "env.py").exists():
        raise StoreError(
            f"migrations not found at {ALEMBIC_DIR}; install newskb from its source tree"
        )
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
        config.attributes["engine"] = engine
    return config


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


# Any constant: PostgreSQL processes that upgrade at once queue on this advisory lock.
_UPGRADE_LOCK_ID = 0x6B62_0001


def ensure_schema(engine: Engine) -> None:
    """Upgrade an empty or older database to head; refuse one newer than this code.

    Several `kb` processes may start on one empty database at once: on PostgreSQL they
    take turns through an advisory lock; on SQLite the migration's BEGIN IMMEDIATE
    makes the second wait and then find the schema made."""
    if current_revision(engine) == head_revision():
        return
    if engine.dialect.name != "postgresql":
        _upgrade_if_needed(engine)
        return
    with engine.connect() as lock:
        lock.execute(text("SELECT pg_advisory_lock(:id)"), {"id": _UPGRADE_LOCK_ID})
        try:
            _upgrade_if_needed(engine)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _UPGRADE_LOCK_ID})
            lock.commit()


# SQLite: how often an upgrade that lost a race with another process is tried again.
_SQLITE_UPGRADE_ATTEMPTS = 5


def _upgrade_if_needed(engine: Engine) -> None:
    for attempt in range(1, _SQLITE_UPGRADE_ATTEMPTS + 1):
        current = current_revision(engine)
        if current == head_revision():
            return
        if current is not None and current not in known_revisions():
            raise StoreError(
                f"database schema {current} is newer than this version of newskb "
                "understands; upgrade newskb"
            )
        try:
            upgrade(engine)
            return
        except (CommandError, OperationalError):
            # Alembic commits each revision on SQLite, so another process upgrading the
            # same new file can move the version between our read and our update (or
            # hold the file for a moment): read it again and go on from there.
            if engine.dialect.name == "postgresql" or attempt == _SQLITE_UPGRADE_ATTEMPTS:
                raise
            time.sleep(0.1 * attempt)
