"""Everyday questions: who-met, entities, stats (and, later, entity, facts, figures, graph)."""

from __future__ import annotations

from typing import Any

import click

from kb.cli_common import db_option, emit, format_option, open_engine
from kb.errors import NotFound


def resolve_one(conn: Any, name: str) -> Any:
    """The one entity NAME denotes, or a clear error listing candidates."""
    from kb.query import find_entities

    candidates = find_entities(conn, name)
    if not candidates:
        raise NotFound(f"no entity named {name!r}")
    if len(candidates) > 1 and candidates[0].mention_count == candidates[1].mention_count:
        listing = "; ".join(f"{c.name} ({c.type}, {c.mention_count} mentions)" for c in candidates)
        raise NotFound(f"{name!r} is ambiguous: {listing}")
    return candidates[0]


@click.command("who-met")
@click.argument("name")
@db_option
@format_option
def who_met(name: str, db: str | None, fmt: str) -> None:
    """Everyone NAME has met: date, place, article and evidence sentence.

    NAME matches any alias, in any case, with or without accents, and either
    order of a two-part name.

    \b
    Example:
      kb who-met "Lei Jun"
    """
    from kb.query import who_met as query_who_met

    engine = open_engine(db)
    with engine.connect() as conn:
        person = resolve_one(conn, name)
        result = query_who_met(conn, person.entity_id)
    emit(result.columns, result.rows, fmt, title=f"{person.name} met")


@click.command()
@db_option
@format_option
@click.option("--type", "entity_type", metavar="TYPE", help="PERSON, ORG, PRODUCT, GPE, …")
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
def entities(db: str | None, fmt: str, entity_type: str | None, limit: int) -> None:
    """List entities, most mentioned first.

    \b
    Example:
      kb entities --type ORG --limit 20
    """
    from kb.query import list_entities

    engine = open_engine(db)
    with engine.connect() as conn:
        result = list_entities(conn, entity_type=entity_type, limit=limit)
    emit(result.columns, result.rows, fmt)


@click.command()
@db_option
@format_option
def stats(db: str | None, fmt: str) -> None:
    """Counts: articles, words, entities by type, facts by relation, figures.

    \b
    Example:
      kb stats --format json
    """
    from kb.query import store_stats

    engine = open_engine(db)
    with engine.connect() as conn:
        result = store_stats(conn)
    emit(result.columns, result.rows, fmt)


COMMANDS = [who_met, entities, stats]
