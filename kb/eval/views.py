"""Load the rows `kb eval` needs from the public views, once, with plain SELECTs.

Only contract columns (shared/docs/SPEC.md, "Public SQL views") are read, so the scorer
works on SQLite and PostgreSQL and against any store that honours the contract.
A view is read only when the gold file has a kind that needs it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, text

from kb.eval.matching import NameForms, split_aliases


@dataclass(frozen=True)
class KBArticle:
    article_id: int
    title: str | None
    path: str | None

    @property
    def basename(self) -> str:
        return re.split(r"[\\/]", self.path or "")[-1]

    @property
    def stem(self) -> str:
        return document_stem(self.basename)


def document_stem(name: str) -> str:
    """File name without its last extension: '000_ab.txt' -> '000_ab', '001' -> '001'."""
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


@dataclass(frozen=True)
class KBEntity:
    entity_id: int
    name: str
    type: str
    forms: NameForms


@dataclass(frozen=True)
class MentionRow:
    article_id: int
    entity_id: int
    text: str


@dataclass(frozen=True)
class MeetingRow:
    person_id: int
    met_id: int
    met_on: dt.date | None
    article_id: int


@dataclass(frozen=True)
class RoleRow:
    person_id: int
    organization_id: int
    title: str | None
    article_id: int


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    maker_id: int | None


@dataclass(frozen=True)
class FigureRow:
    entity_id: int | None
    metric: str | None
    value: float | None
    unit: str | None
    currency: str | None
    period: str | None
    raw_text: str | None
    article_id: int


@dataclass(frozen=True)
class RelationRow:
    subject: str
    subject_type: str | None
    relation: str
    object: str | None
    object_type: str | None
    article_id: int


@dataclass
class Snapshot:
    """The part of the knowledge base a gold file is scored against."""

    articles: dict[int, KBArticle] = field(default_factory=dict)
    entities: dict[int, KBEntity] = field(default_factory=dict)
    mentions: list[MentionRow] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    roles: list[RoleRow] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    figures: list[FigureRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)

    def entity(self, entity_id: int, fallback_name: str = "?") -> KBEntity:
        """The entity of a fact row; a row whose entity is missing still gets a name."""
        found = self.entities.get(entity_id)
        if found is None:
            found = KBEntity(entity_id, fallback_name, "", NameForms.of([fallback_name]))
            self.entities[entity_id] = found
        return found

    @cached_property
    def entities_named(self) -> dict[tuple[str, str], list[KBEntity]]:
        """Entities by (name, type): `v_relations` names its ends without ids."""
        by_name: dict[tuple[str, str], list[KBEntity]] = defaultdict(list)
        for entity in self.entities.values():
            by_name[(entity.name, entity.type)].append(entity)
        return by_name


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _select(conn: Connection, sql: str) -> Iterable[Any]:
    return conn.execute(text(sql))


def load_snapshot(conn: Connection, kinds: set[str], *, need_mentions: bool) -> Snapshot:
    """Read the views the given gold kinds need; every view at most once."""
    snap = Snapshot()
    for article_id, title, path in _select(conn, "SELECT article_id, title, path FROM v_articles"):
        snap.articles[article_id] = KBArticle(article_id, _str(title), _str(path))
    for entity_id, name, type_, aliases in _select(
        conn, "SELECT entity_id, name, type, aliases FROM v_entities"
    ):
        name = str(name or "")
        forms = NameForms.of([name, *split_aliases(_str(aliases))])
        snap.entities[entity_id] = KBEntity(entity_id, name, str(type_ or "").upper(), forms)
    if need_mentions:
        snap.mentions = [
            MentionRow(article_id, entity_id, str(mention_text or ""))
            for article_id, entity_id, mention_text in _select(
                conn, "SELECT DISTINCT article_id, entity_id, text FROM v_mentions"
            )
        ]
    if "meeting" in kinds:
        for person, person_id, met, met_id, met_on, article_id in _select(
            conn, "SELECT person, person_id, met, met_id, met_on, article_id FROM v_meetings"
        ):
            snap.entity(person_id, str(person))
            snap.entity(met_id, str(met))
            snap.meetings.append(MeetingRow(person_id, met_id, _date(met_on), article_id))
    if "role" in kinds:
        for person, person_id, org, org_id, title, article_id in _select(
            conn,
            "SELECT person, person_id, organization, organization_id, title, article_id"
            " FROM v_roles",
        ):
            snap.entity(person_id, str(person))
            snap.entity(org_id, str(org))
            snap.roles.append(RoleRow(person_id, org_id, _str(title), article_id))
    if "product" in kinds:
        for product, product_id, maker, maker_id in _select(
            conn, "SELECT product, product_id, maker, maker_id FROM v_products"
        ):
            snap.entity(product_id, str(product))
            if maker_id is not None:
                snap.entity(maker_id, str(maker))
            snap.products.append(ProductRow(product_id, maker_id))
    if "figure" in kinds:
        for row in _select(
            conn,
            "SELECT entity, entity_id, metric, value, unit, currency, period, raw_text, article_id"
            " FROM v_figures",
        ):
            entity, entity_id, metric, value, unit, currency, period, raw_text, article_id = row
            if entity_id is not None:
                snap.entity(entity_id, str(entity))
            snap.figures.append(
                FigureRow(
                    entity_id,
                    _str(metric),
                    _float(value),
                    _str(unit),
                    _str(currency),
                    _str(period),
                    _str(raw_text),
                    article_id,
                )
            )
    if "relation" in kinds:
        for subject, subject_type, relation, object_, object_type, article_id in _select(
            conn,
            "SELECT subject, subject_type, relation, object, object_type, article_id"
            " FROM v_relations",
        ):
            snap.relations.append(
                RelationRow(
                    str(subject),
                    _str(subject_type),
                    str(relation),
                    _str(object_),
                    _str(object_type),
                    article_id,
                )
            )
    return snap
