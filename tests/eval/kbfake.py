"""A hand-made knowledge base for scorer tests: plain SQLite TABLES named like the public
views, with exactly the contract columns of shared/docs/SPEC.md."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, text

CONTRACT: dict[str, tuple[str, ...]] = {
    "v_articles": ("article_id", "title", "source", "url", "published_on", "path", "word_count"),
    "v_entities": (
        "entity_id", "name", "type", "aliases", "mention_count", "article_count",
        "first_seen", "last_seen",
    ),
    "v_mentions": (
        "mention_id", "article_id", "entity_id", "entity_name", "entity_type", "text",
        "sentence", "start_char", "end_char", "published_on",
    ),
    "v_meetings": (
        "person", "person_id", "met", "met_id", "met_on", "place", "article_id",
        "article_title", "evidence", "confidence",
    ),
    "v_roles": (
        "person", "person_id", "organization", "organization_id", "title", "status", "as_of",
        "article_id", "evidence", "confidence",
    ),
    "v_products": ("product", "product_id", "maker", "maker_id", "article_count", "first_seen"),
    "v_figures": (
        "figure_id", "entity", "entity_id", "metric", "value", "unit", "currency", "period",
        "qualifier", "change_pct", "change_basis", "raw_text", "as_of", "article_id",
        "evidence", "confidence",
    ),
    "v_relations": (
        "subject", "subject_type", "relation", "object", "object_type", "happened_on",
        "article_id", "evidence", "confidence",
    ),
}  # fmt: skip


class FakeKB:
    """Insert rows the way the views would show them; each view numbers its ids from 1."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._ids: dict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))
        self.names: dict[int, str] = {}
        self.types: dict[int, str] = {}

    def _insert(self, view: str, **values: Any) -> None:
        columns = ", ".join(values)
        params = ", ".join(f":{c}" for c in values)
        self.conn.execute(text(f"INSERT INTO {view} ({columns}) VALUES ({params})"), values)

    def article(self, path: str | None, title: str = "An article", on: str = "2025-07-20") -> int:
        article_id = next(self._ids["article"])
        self._insert(
            "v_articles",
            article_id=article_id,
            title=title,
            path=path,
            published_on=on,
            word_count=100,
        )
        return article_id

    def entity(
        self, name: str, type_: str, *aliases: str, mentioned_in: tuple[int, ...] = ()
    ) -> int:
        entity_id = next(self._ids["entity"])
        self.names[entity_id], self.types[entity_id] = name, type_
        self._insert(
            "v_entities",
            entity_id=entity_id,
            name=name,
            type=type_,
            aliases="; ".join(dict.fromkeys((name, *aliases))),
            mention_count=len(mentioned_in),
        )
        for article_id in mentioned_in:
            self.mention(article_id, entity_id)
        return entity_id

    def mention(self, article_id: int, entity_id: int, surface: str | None = None) -> None:
        self._insert(
            "v_mentions",
            mention_id=next(self._ids["mention"]),
            article_id=article_id,
            entity_id=entity_id,
            entity_name=self.names[entity_id],
            entity_type=self.types[entity_id],
            text=surface or self.names[entity_id],
        )

    def meeting(self, a: int, b: int, met_on: str | None, article_id: int) -> None:
        for person, met in ((a, b), (b, a)):
            self._insert(
                "v_meetings",
                person=self.names[person],
                person_id=person,
                met=self.names[met],
                met_id=met,
                met_on=met_on,
                article_id=article_id,
                confidence=0.9,
            )

    def role(self, person: int, org: int, title: str | None, article_id: int) -> None:
        self._insert(
            "v_roles",
            person=self.names[person],
            person_id=person,
            organization=self.names[org],
            organization_id=org,
            title=title,
            status="current",
            article_id=article_id,
            confidence=0.9,
        )

    def product(self, product: int, maker: int | None = None) -> None:
        self._insert(
            "v_products",
            product=self.names[product],
            product_id=product,
            maker=self.names[maker] if maker else None,
            maker_id=maker,
            article_count=1,
        )

    def figure(
        self,
        entity: int | None,
        value: float,
        article_id: int,
        *,
        metric: str | None = None,
        unit: str | None = None,
        currency: str | None = None,
        period: str | None = None,
    ) -> None:
        self._insert(
            "v_figures",
            figure_id=next(self._ids["figure"]),
            entity=self.names.get(entity or 0),
            entity_id=entity,
            metric=metric,
            value=value,
            unit=unit,
            currency=currency,
            period=period,
            qualifier="exact",
            raw_text=f"{value:g}",
            article_id=article_id,
            confidence=0.9,
        )

    def relation(self, subject: int, relation: str, obj: int, article_id: int) -> None:
        self._insert(
            "v_relations",
            subject=self.names[subject],
            subject_type=self.types[subject],
            relation=relation,
            object=self.names[obj],
            object_type=self.types[obj],
            article_id=article_id,
            confidence=0.9,
        )


@contextmanager
def fake_kb(path: Path, views: tuple[str, ...] = tuple(CONTRACT)) -> Iterator[FakeKB]:
    """A SQLite file with one table per view (contract columns only), open for writing."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            for view in views:
                conn.execute(text(f"CREATE TABLE {view} ({', '.join(CONTRACT[view])})"))
            yield FakeKB(conn)
    finally:
        engine.dispose()


def write_gold(path: Path, *lines: dict[str, Any] | str) -> Path:
    """A gold file: dicts become JSON lines, strings are written as they are."""
    rendered = [line if isinstance(line, str) else json.dumps(line) for line in lines]
    path.write_text("\n".join(rendered) + "\n", encoding="utf-8")
    return path
