"""Open a store for a command: connect, upgrade an empty or older schema, and turn
driver failures (bad URL, corrupt file, server down, disk full) into one StoreError."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from kb.errors import StoreError
from kb.store.engine import make_engine
from kb.store.schema import ensure_schema, head_revision


def describe_db_error(exc: BaseException) -> str:
    """The driver's own message, first line only, without SQLAlchemy's wrapping."""
    orig = getattr(exc, "orig", None) or exc
    message = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if "file is not a database" in message:
        return "not a SQLite database (the file is corrupt or of another kind)"
    return message


@contextmanager
def translate_db_errors(what: str) -> Iterator[None]:
    try:
        yield
    except StoreError:
        raise
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise StoreError(f"{what}: {describe_db_error(exc)}") from exc
    except CommandError as exc:  # Alembic: a revision it cannot find, e.g. a newer database's
        raise StoreError(
            f"{what}: {exc} (this version of newskb knows revisions up to {head_revision()})"
        ) from exc


def open_store(url: str, *, upgrade: bool = True) -> Engine:
    """A ready engine for `url`; the schema is brought to head unless `upgrade` is False."""
    engine = make_engine(url)
    with translate_db_errors(f"cannot open database {engine.url.render_as_string()}"):
        if upgrade:
            ensure_schema(engine)
        else:
            with engine.connect():
                pass
    return engine
