"""Typed SQLAlchemy models. The tables are ours; the public contract is the views
(created by the migrations in alembic/versions, never from this metadata)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

int_pk = Annotated[int, mapped_column(Integer, primary_key=True)]
key_str = Annotated[str, mapped_column(String(512), nullable=False)]
short_str = Annotated[str, mapped_column(String(64), nullable=False)]
opt_text = Annotated[str | None, mapped_column(Text, nullable=True)]
offset = Annotated[int, mapped_column(Integer, nullable=False)]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _article_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), nullable=False, index=True)


class EvidenceColumns:
    """Provenance every fact carries: offsets of the span and of its sentence in articles.text,
    and that sentence's text, stored so the views need not cut it from the article per row
    (NULL only for rows written without it; the views then cut it)."""

    start_char: Mapped[offset]
    end_char: Mapped[offset]
    sent_start: Mapped[offset]
    sent_end: Mapped[offset]
    sentence: Mapped[opt_text]


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int_pk]
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    source_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    source_key: Mapped[str] = mapped_column(Text, nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    item: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    url: Mapped[opt_text]
    title: Mapped[opt_text]
    source: Mapped[opt_text]
    published_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    word_count: Mapped[int] = mapped_column(Integer, nullable=False)
    extractor_version: Mapped[str] = mapped_column(String(32), nullable=False)
    ingested_at: Mapped[dt.datetime] = mapped_column(
        DateTime, nullable=False, server_default=func.current_timestamp()
    )


class Entity(Base):
    __tablename__ = "entities"

    id: Mapped[int_pk]
    key: Mapped[key_str] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    type: Mapped[str] = mapped_column(String(16), nullable=False, index=True)


class EntityAlias(Base):
    """Every surface form seen for an entity; `key` is the lookup form (casefolded, no accents)."""

    __tablename__ = "entity_aliases"
    __table_args__ = (UniqueConstraint("entity_id", "alias"),)

    id: Mapped[int_pk]
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), nullable=False
    )
    alias: Mapped[str] = mapped_column(Text, nullable=False)
    key: Mapped[key_str] = mapped_column(index=True)
    seen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class EntityLabel(Base):
    """How often NER gave each label to an entity: the corpus-level vote picks entities.type."""

    __tablename__ = "entity_labels"

    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True
    )
    label: Mapped[str] = mapped_column(String(16), primary_key=True)
    seen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Mention(EvidenceColumns, Base):
    __tablename__ = "mentions"
    __table_args__ = (
        # An entity's articles and dates, and who is co-mentioned with it, from the index alone.
        Index("ix_mentions_entity_article", "entity_id", "article_id"),
        Index("ix_mentions_article_entity", "article_id", "entity_id"),
    )

    id: Mapped[int_pk]
    # No single-column indexes: the two above lead with each of these columns.
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
    )
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), nullable=False
    )
    text: Mapped[str] = mapped_column(Text, nullable=False)
    label: Mapped[str] = mapped_column(String(16), nullable=False)


class Fact(EvidenceColumns, Base):
    """A subject–relation–object fact; `modality` keeps negated/hypothetical ones out of views."""

    __tablename__ = "facts"
    __table_args__ = (
        Index("ix_facts_relation_subject", "relation", "subject_id"),
        Index("ix_facts_relation_object", "relation", "object_id"),
        Index("ix_facts_subject_id", "subject_id"),
        Index("ix_facts_object_id", "object_id"),
        Index("ix_facts_happened_on", "happened_on"),
        Index("ix_facts_relation_modality", "relation", "modality"),
    )

    id: Mapped[int_pk]
    article_id: Mapped[int] = _article_fk()
    relation: Mapped[str] = mapped_column(String(32), nullable=False)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), nullable=False
    )
    object_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), nullable=True
    )
    title: Mapped[opt_text]
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    place: Mapped[opt_text]
    happened_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    modality: Mapped[str] = mapped_column(String(16), nullable=False, default="asserted")
    extractor: Mapped[short_str]
    confidence: Mapped[float] = mapped_column(Float, nullable=False)


class Figure(EvidenceColumns, Base):
    __tablename__ = "figures"

    id: Mapped[int_pk]
    article_id: Mapped[int] = _article_fk()
    entity_id: Mapped[int | None] = mapped_column(
        ForeignKey("entities.id", ondelete="SET NULL"), nullable=True, index=True
    )
    metric: Mapped[opt_text]
    value: Mapped[float] = mapped_column(Float, nullable=False)
    value_high: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str | None] = mapped_column(String(64), nullable=True)
    currency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    period: Mapped[str | None] = mapped_column(String(16), nullable=True)
    qualifier: Mapped[str] = mapped_column(String(8), nullable=False, default="exact")
    change_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    change_basis: Mapped[str | None] = mapped_column(String(16), nullable=True)
    raw_text: Mapped[str] = mapped_column(Text, nullable=False)
    as_of: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    extractor: Mapped[short_str]
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
