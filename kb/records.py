"""Records that flow between pipeline stages.

Every stage boundary is a plain, picklable pydantic model so that work can be
shipped to worker processes and tested without a database:

    read  -> RawDocument           (bytes decoded, format parsed, metadata found)
    clean -> Article               (boilerplate gone, one article per digest item)
    nlp + resolve + extract -> ArticleAnalysis (mentions, facts, figures)
    store <- Article + ArticleAnalysis
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kb.textnorm import content_hash, word_count

Modality = Literal["asserted", "negated", "hypothetical"]
Qualifier = Literal["exact", "over", "under", "about", "nearly"]
ChangeBasis = Literal["yoy", "qoq", "mom", "unspecified"]
RoleStatus = Literal["current", "former"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RawDocument(_Record):
    """One readable unit of input before cleaning: a file, a JSON record, a CSV row."""

    text: str
    origin: str = Field(description="where it came from, e.g. 'data/a.txt' or 'feed.jsonl:12'")
    path: str = Field(description="the file path (or '-' for stdin)")
    title: str | None = None
    published_on: dt.date | None = None
    url: str | None = None
    source: str | None = None
    is_markup: bool = False


class Article(_Record):
    """A cleaned article, ready for NLP. `item` numbers articles split from one document."""

    text: str
    path: str
    origin: str
    item: int = 0
    title: str | None = None
    published_on: dt.date | None = None
    url: str | None = None
    source: str | None = None

    @property
    def source_key(self) -> str:
        """Identity of 'the same article' across edits: its URL, else its place in a file."""
        return self.url or f"{self.origin}#{self.item}"

    # Worked out once per article (the model is frozen, so they cannot go stale): the
    # skip-what-is-stored check, the store and the tally all need them, and each reads
    # the whole text.
    @cached_property
    def content_hash(self) -> str:
        """Identity of the content: see kb.textnorm.content_hash."""
        return content_hash(self.text)

    @cached_property
    def word_count(self) -> int:
        return word_count(self.text)


class Evidence(_Record):
    """Character offsets into Article.text: the matched span and its sentence."""

    start_char: int
    end_char: int
    sent_start: int
    sent_end: int


class EntityRef(_Record):
    """A resolved entity as the extractors see it; `key` is its corpus-wide identity."""

    key: str
    name: str
    label: str


class MentionRecord(_Record):
    entity: EntityRef
    text: str
    label: str
    evidence: Evidence


class FactRecord(_Record):
    """A subject–relation–object fact (relation from kb.extract.relations.RELATIONS)."""

    relation: str
    subject: EntityRef
    object: EntityRef | None = None
    title: str | None = None
    status: RoleStatus | None = None
    place: str | None = None
    happened_on: dt.date | None = None
    modality: Modality = "asserted"
    evidence: Evidence
    extractor: str
    confidence: float = Field(ge=0.0, le=1.0)


class FigureRecord(_Record):
    entity: EntityRef | None = None
    metric: str | None = None
    value: float
    value_high: float | None = None
    unit: str | None = None
    currency: str | None = None
    period: str | None = None
    qualifier: Qualifier = "exact"
    change_pct: float | None = None
    change_basis: ChangeBasis | None = None
    raw_text: str
    as_of: dt.date | None = None
    evidence: Evidence
    extractor: str
    confidence: float = Field(ge=0.0, le=1.0)


class ArticleAnalysis(_Record):
    mentions: tuple[MentionRecord, ...] = ()
    facts: tuple[FactRecord, ...] = ()
    figures: tuple[FigureRecord, ...] = ()
