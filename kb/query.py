"""Named queries over the public views: the CLI and SQL users read the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from kb.textnorm import fold


@dataclass(frozen=True)
class Candidate:
    entity_id: int
    name: str
    type: str
    mention_count: int


@dataclass(frozen=True)
class Rows:
    columns: list[str]
    rows: list[Sequence[Any]]


def name_keys(name: str) -> list[str]:
    """Lookup keys for a user's NAME: folded, and reversed for a two-part name ('Jun Lei')."""
    key = fold(name)
    parts = key.split()
    keys = [key]
    if len(parts) == 2:
        keys.append(f"{parts[1]} {parts[0]}")
    return keys


def find_entities(conn: Connection, name: str) -> list[Candidate]:
    """Entities that have NAME (any order of a two-part name) among their aliases."""
    stmt = text(
        """
        SELECT e.id, e.name, e.type,
               (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS mentions
        FROM entities e
        WHERE e.id IN (SELECT entity_id FROM entity_aliases WHERE key IN :keys)
        ORDER BY mentions DESC, e.name
        """
    ).bindparams(bindparam("keys", expanding=True))
    return [Candidate(*row) for row in conn.execute(stmt, {"keys": name_keys(name)})]


def who_met(conn: Connection, entity_id: int) -> Rows:
    result = conn.execute(
        text(
            """
            SELECT met, met_on, place, article_title, evidence, confidence, article_id
            FROM v_meetings WHERE person_id = :entity_id
            ORDER BY met_on DESC, met
            """
        ),
        {"entity_id": entity_id},
    )
    return Rows(list(result.keys()), [tuple(r) for r in result])


def list_entities(conn: Connection, *, entity_type: str | None, limit: int) -> Rows:
    where = "WHERE type = :type" if entity_type else ""
    result = conn.execute(
        text(
            f"""
            SELECT entity_id, name, type, mention_count, article_count, first_seen, last_seen
            FROM v_entities {where}
            ORDER BY mention_count DESC, name LIMIT :limit
            """
        ),
        {"type": entity_type.upper() if entity_type else None, "limit": limit},
    )
    return Rows(list(result.keys()), [tuple(r) for r in result])


def store_stats(conn: Connection) -> Rows:
    """One row per measure: counts of everything, entities by type, facts by relation."""
    rows: list[tuple[str, Any]] = []
    scalar = conn.execute
    rows.append(("articles", scalar(text("SELECT count(*) FROM articles")).scalar_one()))
    rows.append(
        ("words", scalar(text("SELECT coalesce(sum(word_count), 0) FROM articles")).scalar_one())
    )
    first, last = scalar(text("SELECT min(published_on), max(published_on) FROM v_articles")).one()
    rows.append(("first article date", first))
    rows.append(("last article date", last))
    rows.append(("entities", scalar(text("SELECT count(*) FROM entities")).scalar_one()))
    for entity_type, n in scalar(
        text("SELECT type, count(*) FROM entities GROUP BY type ORDER BY count(*) DESC, type")
    ):
        rows.append((f"entities: {entity_type}", n))
    rows.append(("mentions", scalar(text("SELECT count(*) FROM mentions")).scalar_one()))
    rows.append(("facts", scalar(text("SELECT count(*) FROM v_relations")).scalar_one()))
    for relation, n in scalar(
        text(
            "SELECT relation, count(*) FROM v_relations GROUP BY relation "
            "ORDER BY count(*) DESC, relation"
        )
    ):
        rows.append((f"facts: {relation}", n))
    rows.append(("figures", scalar(text("SELECT count(*) FROM figures")).scalar_one()))
    return Rows(["measure", "value"], rows)
