"""Open a store for a command: connect, upgrade an empty or older schema, and turn
driver failures (bad URL, corrupt file, server down, disk full) into one StoreError.

Commands that write open the store with `open_store`; commands that only read use an
engine that only reads (`open_reader`, or their own passed to `ensure_readable`), so
they work on a read-only file, folder or file system, where the writers fail with one
clear line saying so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from kb.errors import StoreError
from kb.store.engine import is_sqlite, make_engine, sqlite_path
from kb.store.schema import current_revision, ensure_schema, head_revision


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
    """A ready engine for writing to `url`; the schema is brought to head unless
    `upgrade` is False. A SQLite file that cannot be written is refused up front."""
    engine = make_engine(url)
    if is_sqlite(url) and (path := sqlite_path(url)) is not None:
        _refuse_read_only_sqlite(path)
    with translate_db_errors(f"cannot open database {engine.url.render_as_string()}"):
        if upgrade:
            ensure_schema(engine)
        else:
            with engine.connect():
                pass
    return engine


def open_reader(url: str) -> Engine:
    """An engine that only reads `url` (make_engine(url, write=False)), its schema
    checked by ensure_readable."""
    engine = make_engine(url, write=False)
    ensure_readable(url, engine)
    return engine


def ensure_readable(url: str, engine: Engine) -> None:
    """Check the schema revision through `engine`, which only reads; a missing, empty or
    older store is first brought to head through a write engine, as by every command.
    A store at head is never written to, so it may be read-only."""
    path = sqlite_path(url) if is_sqlite(url) else None
    if path is not None and not path.exists():
        current = None  # a read-only connection cannot create the file
    else:
        with translate_db_errors(f"cannot open database {engine.url.render_as_string()}"):
            current = current_revision(engine)
    if current != head_revision():
        open_store(url).dispose()


def _refuse_read_only_sqlite(path: Path) -> None:
    """One clear line instead of SQLite's 'unable to open database file' or 'attempt
    to write a readonly database' halfway: writing needs the file and, for the WAL and
    journal files beside it, its folder."""
    folder = path.parent
    if not folder.is_dir():
        return  # make_engine has said so
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        reason = "it is on a read-only file system"
    elif not os.access(folder, os.W_OK):
        reason = f"its folder {folder} is read-only"
    elif path.exists() and not os.access(path, os.W_OK):
        reason = "the file is read-only"
    else:
        return
    raise StoreError(
        f"cannot write database {path}: {reason} (commands that only read it still work)"
    )
