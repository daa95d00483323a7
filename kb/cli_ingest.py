"""`kb ingest`: the command that runs the pipeline."""

from __future__ import annotations

import sys

import click

from kb import config
from kb.cli_common import db_option, open_engine


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes that parse, extract and store in parallel (one per core).",
)
@click.option("--force", is_flag=True, help="Re-extract articles that are stored already.")
@click.option("--text-column", metavar="NAME", help="CSV column holding the article text.")
@click.option(
    "--model", metavar="NAME", help="spaCy pipeline (default: $KB_SPACY_MODEL or en_core_web_sm)."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def ingest(
    paths: tuple[str, ...],
    db: str | None,
    workers: int,
    force: bool,
    text_column: str | None,
    model: str | None,
    quiet: bool,
) -> None:
    """Ingest articles from files, folders, globs or '-' (stdin).

    Formats: .txt .md .html .json .jsonl/.ndjson .csv. Unchanged articles are
    skipped; changed ones replace their old facts. Exit code 1 when some inputs
    failed (each is reported as path: reason).

    \b
    Example:
      kb ingest data/ news/*.jsonl --workers 2
    """
    from kb.cli_progress import ingest_progress
    from kb.pipeline import ingest as run_ingest

    engine = open_engine(db)
    model_name = config.spacy_model(model)

    def report_error(message: str) -> None:
        click.echo(f"kb: {message}", err=True)

    with ingest_progress(enabled=not quiet) as on_article:
        summary = run_ingest(
            engine,
            paths,
            model=model_name,
            workers=workers,
            force=force,
            text_column=text_column,
            stdin=sys.stdin.buffer if "-" in paths else None,
            on_error=report_error,
            on_article=on_article,
        )
    click.echo(
        f"articles: {summary.new} new, {summary.unchanged} unchanged, "
        f"{summary.updated} updated, {summary.failed} failed; "
        f"mentions: {summary.mentions}, facts: {summary.facts}, figures: {summary.figures}; "
        f"{summary.words} words in {summary.seconds:.1f}s ({summary.words_per_second:,.0f} words/s)"
    )
    if summary.failed:
        sys.exit(1)


COMMANDS = [ingest]
