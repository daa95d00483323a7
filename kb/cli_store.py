"""Commands that manage and read the store directly: db, sql, export, views, eval."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kb import config
from kb.cli_common import KBGroup, db_option, emit, format_option, open_engine
from kb.errors import NotFound, UsageError


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
    from kb.store.open import translate_db_errors

    engine = open_engine(db, upgrade=False)
    with translate_db_errors("cannot read revision"):
        current = schema.current_revision(engine)
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
    help="Seconds before the query is stopped.",
)
@click.option(
    "--param",
    "params",
    nargs=2,
    multiple=True,
    metavar="NAME VALUE",
    help="Bind :NAME in the query to VALUE.",
)
def sql(
    query: str,
    db: str | None,
    fmt: str,
    max_rows: int,
    timeout: float,
    params: tuple[tuple[str, str], ...],
) -> None:
    """Run one read-only SQL query (SELECT) against the views and tables.

    Writes, ATTACH, PRAGMA changes and several statements are refused by the
    database itself; the query is stopped after --timeout seconds.

    \b
    Example:
      kb sql "select name, mention_count from v_entities order by mention_count desc limit 10"
    """
    from kb.store.readonly import run_readonly

    url = config.database_url(db)
    open_engine(db)
    with run_readonly(
        url, query, dict(params), max_rows=max_rows or None, timeout_s=timeout
    ) as result:
        emit(result.columns, result.rows, fmt)
    if result.truncated:
        click.echo(f"kb: output cut at {max_rows} rows; raise --max-rows to see more", err=True)


@click.command()
@click.argument("view", required=False)
@db_option
@click.option("--query", "query", metavar="SQL", help="Export the rows of a read-only query.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write ('-' for stdout).",
)
@click.option(
    "--format", "fmt", type=click.Choice(("csv", "jsonl")), default="csv", show_default=True
)
@click.option("--bom", is_flag=True, help="Start the CSV with a UTF-8 BOM (for Excel).")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option("--timeout", type=click.FloatRange(0.1), default=300.0, show_default=True)
def export(
    view: str | None,
    db: str | None,
    query: str | None,
    out: Path,
    fmt: str,
    bom: bool,
    force: bool,
    timeout: float,
) -> None:
    """Stream a view or a read-only query to CSV (formula-safe) or JSON Lines.

    \b
    Example:
      kb export v_meetings --out meetings.csv
      kb export --query "select * from v_figures where currency = 'USD'" --out usd.csv
    """
    from kb.report import write_rows
    from kb.store.readonly import list_views, run_readonly

    if bool(view) == bool(query):
        raise UsageError("give either a VIEW or --query SQL")
    url = config.database_url(db)
    open_engine(db)
    if view:
        known = {v.name for v in list_views(url)}
        if view not in known:
            raise NotFound(f"no view {view!r}; known views: {', '.join(sorted(known))}")
        query = f"SELECT * FROM {view}"  # the name was checked against the known views
    assert query is not None
    to_stdout = str(out) == "-"
    if not to_stdout and out.exists() and not force:
        raise UsageError(f"{out} exists; use --force to overwrite it")
    with run_readonly(url, query, None, max_rows=None, timeout_s=timeout) as result:
        if to_stdout:
            count = write_rows(result.columns, result.rows, fmt, sys.stdout, bom=bom)  # type: ignore[arg-type]
        else:
            tmp = out.with_name(f".{out.name}.partial")
            try:
                with tmp.open("w", encoding="utf-8", newline="") as handle:
                    count = write_rows(result.columns, result.rows, fmt, handle, bom=bom)  # type: ignore[arg-type]
                tmp.replace(out)
            finally:
                tmp.unlink(missing_ok=True)
    click.echo(f"{count} rows written to {out}", err=True)


@click.command()
@db_option
@format_option
def views(db: str | None, fmt: str) -> None:
    """The public SQL views, their columns and what each holds.

    \b
    Example:
      kb views
    """
    from kb.store.readonly import list_views

    url = config.database_url(db)
    open_engine(db)
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

    engine = open_engine(db)
    with engine.connect() as conn:
        report = evaluate(conn, gold)
    click.echo(render_report(report, fmt, show_errors))  # type: ignore[arg-type]


COMMANDS = [db, sql, export, views, eval_command]
