"""What every `kb` command shares: the error-to-exit-code group, the --db and
--format options, opening the store, and printing rows through kb.report."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from kb import config
from kb.errors import KBError

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "csv", "json", "jsonl")


class KBClickError(click.ClickException):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]


class KBGroup(click.Group):
    """Turns our errors into one clear line and the error's exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KBError as exc:
            raise KBClickError(str(exc), exc.exit_code) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except SQLAlchemyError as exc:
            from kb.store.open import describe_db_error

            raise KBClickError(f"database error: {describe_db_error(exc)}", 1) from None
        except UnicodeEncodeError as exc:  # bytes of an argument that are not UTF-8 (surrogates)
            text = exc.object if isinstance(exc.object, str) else ""
            raise KBClickError(f"not valid UTF-8 text: {text[:80]!r}", 2) from None
        except OSError as exc:  # the system said no (disk full, read-only file system): not a bug
            where = f"{exc.filename}: " if exc.filename else ""
            raise KBClickError(f"{where}{exc.strerror or exc}", 1) from None
        except Exception as exc:
            if config.debug():
                raise
            raise KBClickError(
                f"internal error: {type(exc).__name__}: {exc} (set KB_DEBUG=1 for a traceback)",
                70,
            ) from None


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        metavar="PATH|URL",
        help="SQLite file or database URL (default: $KB_DATABASE_URL, else ./kb.db).",
    )(func)


def format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(func)


def param_option(func: F) -> F:
    """--param NAME VALUE, repeatable: values reach the query as bound :NAME parameters."""
    return click.option(
        "--param",
        "params",
        nargs=2,
        multiple=True,
        metavar="NAME VALUE",
        help="Bind :NAME in the query to VALUE (repeatable).",
    )(func)


def open_engine(db: str | None, *, upgrade: bool = True):  # type: ignore[no-untyped-def]
    from kb.store.open import open_store

    return open_store(config.database_url(db), upgrade=upgrade)


def open_reader(db: str | None):  # type: ignore[no-untyped-def]
    """For commands that only read: works on a read-only store (kb.store.open)."""
    from kb.store.open import open_reader as open_store_reader

    return open_store_reader(config.database_url(db))


def emit(columns: Sequence[str], rows: Any, fmt: str, *, title: str | None = None) -> int:
    from kb.report import write_rows

    return write_rows(list(columns), rows, fmt, sys.stdout, title=title)  # type: ignore[arg-type]
