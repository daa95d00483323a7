"""Commands that manage and read the store directly: db, sql, export, views, eval."""

from __future__ import annotations

from pathlib import Path

import click

from kb import config
from kb.cli_common import (
    KBGroup,
    db_option,
    emit,
    format_option,
    open_engine,
    open_reader,
    param_option,
)


@click.group(cls=KBGroup)
def db() -> None:
    """Schema management (Alembic).

    \b
    Example:
      kb db upgrade --db postgresql://postgres@127.0.0.1/test
    """


@db.command("upgrade")
@db_option
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def db_upgrade(db: str | None, revision: str) -> None:
    """Create or upgrade the schema (tables and public views).

    \b
    Example:
      kb db upgrade --db kb.db
    """
    from kb.store import schema
    from kb.store.open import translate_db_errors

    engine = open_engine(db, upgrade=False)
    with translate_db_errors("upgrade failed"):
        schema.upgrade(engine, revision)
        click.echo(f"database at revision {schema.current_revision(engine)}")


@db.command("current")
@db_option
def db_current(db: str | None) -> None:
    """Print the schema revision of the database (and the newest this code knows).

    \b
    Example:
      kb db current
    """
    from kb.store import schema
    from kb.store.engine import is_sqlite, make_engine, sqlite_path
    from kb.store.open import translate_db_errors

    url = config.database_url(db)
    path = sqlite_path(url) if is_sqlite(url) else None
    current = None
    if path is None or path.exists():  # a missing file is an empty database, not made here
        engine = make_engine(url, write=False)
        with translate_db_errors("cannot read revision"):
            current = schema.current_revision(engine)
        engine.dispose()
    click.echo(f"current: {current or '(empty database)'}")
    click.echo(f"head:    {schema.head_revision()}")


@click.command()
@click.argument("query")
@db_option
@format_option
@click.option(
    "--max-rows",
    type=click.IntRange(0),
    default=1000,
    show_default=True,
    help="Stop after this many rows (0: no limit).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=10.0,
    show_default=True,
    help="Seconds of database work before the query is stopped.",
)
@param_option
def sql(
    query: str,
    db: str | None,
    fmt: str,
    max_rows: int,
    timeout: float,
    params: tuple[tuple[str, str], ...],
) -> None:
    """Run one read-only SQL query against the views and tables.

    Writes, ATTACH, PRAGMA changes and several statements are refused by the
    database itself (a read-only connection and authorizer on SQLite, a
    SELECT-only role on PostgreSQL); the query is stopped after --timeout.

    \b
    Example:
      kb sql "select name, mention_count from v_entities order by mention_count desc limit 10"
      kb sql "select * from v_meetings where person = :who" --param who "Jane Doe"
    """
    from kb.report import truncation_note
    from kb.store.readonly import run_readonly

    url = config.database_url(db)
    open_reader(db).dispose()
    with run_readonly(
        url, query, dict(params), max_rows=max_rows or None, timeout_s=timeout
    ) as result:
        emit(result.columns, result.rows, fmt)
    if result.truncated:
        click.echo(truncation_note(result.row_count), err=True)


@click.command()
@click.argument("view", required=False)
@db_option
@click.option("--query", "query", metavar="SQL", help="Export the rows of a read-only query.")
@param_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write.",
)
@click.option(
    "--format", "fmt", type=click.Choice(("csv", "jsonl", "json")), default="csv", show_default=True
)
@click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 BOM (for Excel).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1),
    default=300.0,
    show_default=True,
    help="Seconds of database work before the export is stopped.",
)
def export(
    view: str | None,
    db: str | None,
    query: str | None,
    params: tuple[tuple[str, str], ...],
    out: Path,
    fmt: str,
    bom: bool,
    force: bool,
    timeout: float,
) -> None:
    """Stream a view or a read-only query to CSV (formula-safe), JSON Lines or JSON.

    Rows stream with constant memory into a temporary file that replaces --out
    only when complete. Text cells starting with = + - @ are neutralized so a
    spreadsheet never runs them.

    \b
    Example:
      kb export v_meetings --out meetings.csv
      kb export --query "select * from v_figures where currency = 'USD'" --out usd.csv
    """
    from kb.export import export_to_file

    url = config.database_url(db)
    open_reader(db).dispose()
    summary = export_to_file(
        url,
        out,
        view=view,
        query=query,
        params=dict(params) or None,
        fmt=fmt,  # type: ignore[arg-type]
        bom=bom,
        force=force,
        timeout_s=timeout,
    )
    click.echo(f"{summary.rows} rows written to {summary.path}", err=True)


@click.command()
@db_option
@format_option
def views(db: str | None, fmt: str) -> None:
    """The public SQL views, their columns and what each holds.

    \b
    Example:
      kb views --format json
    """
    from kb.store.readonly import list_views

    url = config.database_url(db)
    open_reader(db).dispose()
    rows = [(v.name, ", ".join(v.columns), v.description) for v in list_views(url)]
    emit(["view", "columns", "description"], rows, fmt)


@click.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True
)
@click.option("--show-errors", is_flag=True, help="List misses and false hits.")
def eval_command(gold: Path, db: str | None, fmt: str, show_errors: bool) -> None:
    """Precision, recall and F1 of the knowledge base against a gold JSONL file.

    \b
    Example:
      kb eval ../shared/eval/seeds-dev.jsonl --show-errors
    """
    from kb.eval import evaluate, render_report

    engine = open_reader(db)
    with engine.connect() as conn:
        report = evaluate(conn, gold)
    click.echo(render_report(report, fmt, show_errors))  # type: ignore[arg-type]


COMMANDS = [db, sql, export, views, eval_command]
