"""A comparable picture of a store's contents, independent of row ids and write order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from kb.store.engine import make_engine

COUNTED = ("articles", "entities", "entity_aliases", "mentions", "facts", "figures")


def store_snapshot(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            snap: dict[str, Any] = {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in COUNTED
            }
            snap["entities_by_key"] = sorted(
                tuple(r) for r in conn.execute(text("SELECT key, type, name FROM entities"))
            )
            snap["aliases"] = sorted(
                tuple(r)
                for r in conn.execute(
                    text(
                        "SELECT e.key, a.alias, a.seen FROM entity_aliases a "
                        "JOIN entities e ON e.id = a.entity_id"
                    )
                )
            )
            snap["relations"] = sorted(
                tuple(r)
                for r in conn.execute(
                    text(
                        "SELECT subject, relation, coalesce(object, ''), evidence FROM v_relations"
                    )
                )
            )
            snap["articles_by_hash"] = sorted(
                r[0] for r in conn.execute(text("SELECT content_hash FROM articles"))
            )
    finally:
        engine.dispose()
    return snap
