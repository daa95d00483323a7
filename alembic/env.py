"""Alembic environment: run migrations on the engine newskb hands over, or on
KB_DATABASE_URL / ./kb.db when run as `alembic` from the project root."""

from __future__ import annotations

from alembic import context

from kb.config import database_url
from kb.store.engine import is_sqlite, make_engine
from kb.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url") or database_url()
        engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=is_sqlite(str(engine.url)),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
