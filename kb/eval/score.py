"""Score the knowledge base against a gold file: `evaluate(conn, gold_path) -> EvalReport`.

How a score is made (shared/eval/FORMAT.md, with the readings chosen where it is silent):

* **Units.** KB rows are compared as distinct facts: repeating the same fact in several
  sentences or articles is one fact. Entities are one fact per entity (per document for
  per-document gold). A role is one fact per person–organization pair (its titles are a
  set), a meeting one per unordered pair and date, a product one per product–maker pair, a
  figure one per entity/metric/value/unit/currency/period, a relation one per
  subject/relation/object.
* **Matching** is one-to-one and maximal: a gold record is hit by at most one KB fact and a
  KB fact hits at most one gold record (required records are matched before optional ones).
  A found optional record is a hit; an absent one is not a miss.
* **Scope of precision.** A record without `doc` is scored globally against the whole KB,
  and only KB facts whose subject (the view's first name column; either person of a
  meeting; subject *and relation* of a relation) matches a gold record of that kind can be
  false hits. A record with `doc` is scored inside that document, with the per-document
  rules (exhaustive entities of PERSON/ORG/GPE/LOC, all figures, all roles and meetings of
  the document). FORMAT.md gives no per-document rule for products and relations; for them
  the general subject rule applies within the document.
* **Documents.** Gold `doc` "NNN" or "NNN.txt" names every article whose `path` basename,
  with or without its extension, is that name (a digest file gives several articles). When
  every line of the gold file carries `doc`, the file describes a whole document set and
  every article of the KB belongs to some document of it: articles no line names still
  count as documents with no gold facts (FORMAT.md: sentences without quantities "test
  precision"). In a file that mixes global and per-document lines only the named
  documents are scored per document.
* **Repeats.** A second KB fact that agrees with a gold record another fact already hit
  (e.g. the same meeting under two dates both within ±3 days) is a *repeat*: neither hit
  nor false hit, counted apart. Entities are the exception: two KB entities for one gold
  entity is a resolution error, so the second is a false hit.
* **Money-only figure gold.** When every per-document figure line of the file has a
  currency, only KB figures with a currency count in per-document precision (decided per
  file, since a document of such a set may have no figure line at all).
* **Types.** `LOC` counts as `GPE` (and back) only in per-document entity scoring, as
  FORMAT.md says; globally the type must be the gold type (or one of its `|` alternatives).
* **Titles, metrics, units.** A role title "shares a word" after synonyms are made one
  word and filler words ("chief", "senior", "of") are dropped; a figure metric shares a
  content word up to inflection; a count unit ("units") agrees with an empty KB unit.
  See `kb.eval.matching`.
* A ratio whose denominator is zero is reported as 0.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Connection

from kb.eval.gold import (
    KINDS,
    AnyGold,
    EntityGold,
    FigureGold,
    MeetingGold,
    ProductGold,
    RelationGold,
    RoleGold,
    load_gold,
)
from kb.eval.matching import (
    EXHAUSTIVE_ENTITY_TYPES,
    SYMMETRIC_RELATIONS,
    NameForms,
    currencies_agree,
    currency_code,
    dates_agree,
    entity_type_matches,
    metrics_agree,
    periods_agree,
    relation_key,
    titles_agree,
    units_agree,
    values_agree,
)
from kb.eval.views import KBEntity, Snapshot, document_stem, load_snapshot

# --- the report ----------------------------------------------------------------------------


class Finding(BaseModel):
    """One miss (a gold record not found) or one false hit (a KB fact not in the gold)."""

    kind: str
    description: str
    doc: str | None = None
    line: int | None = Field(default=None, description="gold line of a miss")


class KindScore(BaseModel):
    kind: str
    gold: int = Field(description="gold records, optional ones included")
    optional: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    repeats: int = Field(default=0, description="KB facts repeating an already-hit gold record")
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    misses: list[Finding] = Field(default_factory=list)
    false_hits: list[Finding] = Field(default_factory=list)


class EvalReport(BaseModel):
    gold_file: str
    kinds: list[KindScore]
    overall: KindScore
    warnings: list[str] = Field(default_factory=list)


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def _finish(score: KindScore) -> KindScore:
    precision = _ratio(score.tp, score.tp + score.fp)
    recall = _ratio(score.tp, score.tp + score.fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return score.model_copy(update={"precision": precision, "recall": recall, "f1": f1})


# --- KB facts --------------------------------------------------------------------------------


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{int(value):,}" if value.is_integer() else f"{value:,}"


def _articles(article_ids: Sequence[int]) -> str:
    shown = ", ".join(str(a) for a in article_ids[:3])
    more = f" +{len(article_ids) - 3}" if len(article_ids) > 3 else ""
    return f"article{'s' if len(article_ids) > 1 else ''} {shown}{more}"


@dataclass(frozen=True)
class EntityFact:
    entity: KBEntity
    forms: NameForms

    def describe(self) -> str:
        return f"{self.entity.name} ({self.entity.type or '?'}), entity {self.entity.entity_id}"


@dataclass(frozen=True)
class MeetingFact:
    a: KBEntity
    b: KBEntity
    met_on: dt.date | None
    article_ids: tuple[int, ...]

    def describe(self) -> str:
        when = self.met_on.isoformat() if self.met_on else "no date"
        return f"{self.a.name} – {self.b.name}, {when} ({_articles(self.article_ids)})"


@dataclass(frozen=True)
class RoleFact:
    person: KBEntity
    org: KBEntity
    titles: tuple[str, ...]
    article_ids: tuple[int, ...]

    def describe(self) -> str:
        titles = f" as {', '.join(self.titles)}" if self.titles else ""
        return f"{self.person.name} @ {self.org.name}{titles} ({_articles(self.article_ids)})"


@dataclass(frozen=True)
class ProductFact:
    product: KBEntity
    maker: KBEntity | None

    def describe(self) -> str:
        maker = f" by {self.maker.name}" if self.maker else ", no maker"
        return f"{self.product.name}{maker}"


@dataclass(frozen=True)
class FigureFact:
    entity: KBEntity | None
    metric: str | None
    value: float | None
    unit: str | None
    currency: str | None
    period: str | None
    raw_text: str | None
    article_ids: tuple[int, ...]

    def describe(self) -> str:
        parts = [self.entity.name if self.entity else "(no entity)"]
        parts.append(f"{self.metric or '(no metric)'} = {_number(self.value)}")
        parts.extend(p for p in (self.unit, self.currency, self.period) if p)
        raw = f' "{self.raw_text}"' if self.raw_text else ""
        return f"{' '.join(parts)}{raw} ({_articles(self.article_ids)})"


@dataclass(frozen=True)
class RelationFact:
    subject: str
    subject_forms: NameForms
    relation: str
    object: str | None
    object_forms: NameForms
    article_ids: tuple[int, ...]

    def describe(self) -> str:
        where = _articles(self.article_ids)
        return f"{self.subject} {self.relation} {self.object or '?'} ({where})"


# --- scopes and one-to-one matching ------------------------------------------------------------

G = TypeVar("G", bound=AnyGold)
F = TypeVar("F", EntityFact, MeetingFact, RoleFact, ProductFact, FigureFact, RelationFact)


@dataclass
class Scope(Generic[G, F]):
    """Gold records and the KB facts that may hit them or count as false hits."""

    doc: str | None
    gold: list[G]
    facts: list[F]
    agrees: Callable[[G, F], bool]
    related: Callable[[G, F], bool]
    gold_keys: Callable[[G], Iterable[Hashable]] | None = None
    fact_keys: Callable[[F], Iterable[Hashable]] | None = None
    repeats_are_false_hits: bool = False


@dataclass
class ScopeResult:
    tp: int = 0
    repeats: int = 0
    misses: list[Finding] = field(default_factory=list)
    false_hits: list[Finding] = field(default_factory=list)


def max_matching(edges: Sequence[Sequence[int]], order: Iterable[int]) -> dict[int, int]:
    """Maximum bipartite matching gold -> fact (augmenting paths, BFS, no recursion).

    Gold vertices are tried in `order`; one that is matched stays matched, so records
    earlier in the order (the required ones) get the best matching possible.
    """
    gold_to_fact: dict[int, int] = {}
    fact_to_gold: dict[int, int] = {}
    for root in order:
        reached_from: dict[int, int] = {}
        queue = [root]
        seen = {root}
        found: int | None = None
        while queue and found is None:
            next_queue: list[int] = []
            for gold in queue:
                for fact in edges[gold]:
                    if fact in reached_from:
                        continue
                    reached_from[fact] = gold
                    owner = fact_to_gold.get(fact)
                    if owner is None:
                        found = fact
                        break
                    if owner not in seen:
                        seen.add(owner)
                        next_queue.append(owner)
                if found is not None:
                    break
            queue = next_queue
        flip = found
        while flip is not None:
            gold = reached_from[flip]
            previous = gold_to_fact.get(gold)
            gold_to_fact[gold] = flip
            fact_to_gold[flip] = gold
            flip = None if gold == root else previous
    return gold_to_fact


def _describe_gold(record: AnyGold) -> str:
    alt = "|".join
    match record:
        case EntityGold():
            return f"{alt(record.name)} ({alt(record.type)})"
        case MeetingGold():
            when = f", {record.date.isoformat()}" if record.date else ""
            return f"{alt(record.a)} – {alt(record.b)}{when}"
        case RoleGold():
            title = f" as {alt(record.title)}" if record.title else ""
            return f"{alt(record.person)} @ {alt(record.org)}{title}"
        case ProductGold():
            maker = f" by {alt(record.maker)}" if record.maker else ""
            return f"{alt(record.name)}{maker}"
        case FigureGold():
            parts = [alt(record.entity) if record.entity else "(any entity)"]
            parts.append(f"{record.metric or '(any metric)'} = {_number(record.value)}")
            parts.extend(p for p in (record.unit, record.currency, record.period) if p)
            return " ".join(parts)
        case RelationGold():
            return f"{alt(record.subject)} {alt(record.relation)} {alt(record.object)}"
    raise TypeError(f"not a gold record: {record!r}")


def score_scope(kind: str, scope: Scope[G, F]) -> ScopeResult:
    if scope.gold_keys is not None and scope.fact_keys is not None:
        by_key: dict[Hashable, list[int]] = defaultdict(list)
        for index, fact in enumerate(scope.facts):
            for key in set(scope.fact_keys(fact)):
                by_key[key].append(index)
        candidates = [
            sorted({i for key in set(scope.gold_keys(g)) for i in by_key.get(key, ())})
            for g in scope.gold
        ]
    else:
        candidates = [list(range(len(scope.facts)))] * len(scope.gold)
    edges = [
        [i for i in candidates[g] if scope.agrees(record, scope.facts[i])]
        for g, record in enumerate(scope.gold)
    ]
    required_first = sorted(range(len(scope.gold)), key=lambda g: scope.gold[g].optional)
    matched = max_matching(edges, required_first)

    result = ScopeResult(tp=len(matched))
    for g, record in enumerate(scope.gold):
        if g in matched or record.optional:
            continue
        near = [
            scope.facts[i].describe()
            for i in candidates[g]
            if scope.related(record, scope.facts[i])
        ][:2]
        hint = f" — KB has: {'; '.join(near)}" if near else ""
        result.misses.append(
            Finding(
                kind=kind,
                doc=scope.doc,
                line=record.line,
                description=_describe_gold(record) + hint,
            )
        )
    hit = set(matched.values())
    agreeing = {i for targets in edges for i in targets}
    for index, fact in enumerate(scope.facts):
        if index in hit:
            continue
        if index in agreeing and not scope.repeats_are_false_hits:
            result.repeats += 1
        else:
            result.false_hits.append(Finding(kind=kind, doc=scope.doc, description=fact.describe()))
    return result


# --- documents ---------------------------------------------------------------------------------


@dataclass
class Documents:
    """Per-document scoring: document name -> article ids, in a stable order."""

    articles: dict[str, list[int]]
    missing: list[str]


def resolve_documents(records: Sequence[AnyGold], snap: Snapshot) -> Documents:
    by_name: dict[str, list[int]] = defaultdict(list)
    for article in snap.articles.values():
        by_name[article.basename].append(article.article_id)
        if article.stem != article.basename:
            by_name[article.stem].append(article.article_id)
    named = list(dict.fromkeys(r.doc for r in records if r.doc is not None))
    documents: dict[str, list[int]] = {}
    missing: list[str] = []
    for doc in named:
        ids = by_name.get(doc) or by_name.get(document_stem(doc)) or []
        documents[doc] = sorted(set(ids))
        if not ids:
            missing.append(doc)
    if named and all(r.doc is not None for r in records):
        claimed = {i for ids in documents.values() for i in ids}
        for article in sorted(snap.articles.values(), key=lambda a: a.article_id):
            if article.article_id not in claimed:
                documents.setdefault(article.stem, []).append(article.article_id)
    return Documents(documents, missing)


# --- per-kind scopes -----------------------------------------------------------------------


@lru_cache(maxsize=65536)
def forms_of(names: tuple[str, ...]) -> NameForms:
    return NameForms.of(names)


K = TypeVar("K", bound=Hashable)
# entity_id, metric, value, unit, currency, period: what makes two figure rows one fact
FigureKey = tuple[int | None, str | None, float | None, str | None, str | None, str | None]


def _grouped(pairs: Iterable[tuple[K, int]]) -> dict[K, tuple[int, ...]]:
    """Distinct facts -> the articles that state them."""
    groups: dict[K, set[int]] = defaultdict(set)
    for key, article_id in pairs:
        groups[key].add(article_id)
    return {key: tuple(sorted(ids)) for key, ids in groups.items()}


@dataclass
class Scorer:
    """Builds the scopes of every kind from one snapshot of the views."""

    snap: Snapshot
    documents: Documents
    money_only: bool = False

    _by_article: dict[str, dict[int, list[Any]]] = field(default_factory=dict)

    def _rows(self, view: str, doc: str | None) -> list[Any]:
        """Rows of a loaded view (a Snapshot attribute), all or those of one document."""
        rows: list[Any] = getattr(self.snap, view)
        if doc is None:
            return rows
        index = self._by_article.get(view)
        if index is None:
            index = defaultdict(list)
            for row in rows:
                index[row.article_id].append(row)
            self._by_article[view] = index
        return [row for a in self.documents.articles.get(doc, ()) for row in index.get(a, ())]

    # entity

    def entity_scope(self, records: list[EntityGold], doc: str | None) -> Scope:
        if doc is None:
            wanted = set().union(*(forms_of(g.names).keys for g in records))
            facts = [
                EntityFact(e, e.forms) for e in self.snap.entities.values() if e.forms.keys & wanted
            ]
        else:
            texts: dict[int, set[str]] = defaultdict(set)
            for mention in self._rows("mentions", doc):
                texts[mention.entity_id].add(mention.text)
            wanted = set().union(*(forms_of(g.names).keys for g in records))
            facts = []
            for entity_id, surfaces in sorted(texts.items()):
                entity = self.snap.entity(entity_id)
                forms = entity.forms | forms_of(tuple(sorted(surfaces)))
                if entity.type in EXHAUSTIVE_ENTITY_TYPES or forms.keys & wanted:
                    facts.append(EntityFact(entity, forms))
        per_doc = doc is not None

        def names_agree(g: EntityGold, f: EntityFact) -> bool:
            return forms_of(g.names).matches(f.forms)

        def agrees(g: EntityGold, f: EntityFact) -> bool:
            return names_agree(g, f) and entity_type_matches(
                g.types, f.entity.type, loc_as_gpe=per_doc
            )

        return Scope(
            doc,
            records,
            facts,
            agrees,
            names_agree,
            gold_keys=lambda g: forms_of(g.names).keys,
            fact_keys=lambda f: f.forms.keys,
            repeats_are_false_hits=True,
        )

    # meeting

    def meeting_scope(self, records: list[MeetingGold], doc: str | None) -> Scope:
        groups = _grouped(
            ((min(r.person_id, r.met_id), max(r.person_id, r.met_id), r.met_on), r.article_id)
            for r in self._rows("meetings", doc)
        )
        facts = [
            MeetingFact(self.snap.entity(a), self.snap.entity(b), met_on, ids)
            for (a, b, met_on), ids in groups.items()
        ]
        containment = doc is not None
        if doc is None:
            wanted = set().union(
                *(forms_of(g.a_names).keys | forms_of(g.b_names).keys for g in records)
            )
            facts = [f for f in facts if (f.a.forms.keys | f.b.forms.keys) & wanted]

        def pair_agrees(g: MeetingGold, f: MeetingFact) -> bool:
            a, b = forms_of(g.a_names), forms_of(g.b_names)
            c = containment
            forward = a.matches(f.a.forms, containment=c) and b.matches(f.b.forms, containment=c)
            backward = a.matches(f.b.forms, containment=c) and b.matches(f.a.forms, containment=c)
            return forward or backward

        def agrees(g: MeetingGold, f: MeetingFact) -> bool:
            return pair_agrees(g, f) and (g.date is None or dates_agree(g.date, f.met_on))

        if containment:
            return Scope(doc, records, facts, agrees, pair_agrees)
        return Scope(
            doc,
            records,
            facts,
            agrees,
            pair_agrees,
            gold_keys=lambda g: forms_of(g.a_names).keys,
            fact_keys=lambda f: f.a.forms.keys | f.b.forms.keys,
        )

    # role

    def role_scope(self, records: list[RoleGold], doc: str | None) -> Scope:
        titles: dict[tuple[int, int], set[str]] = defaultdict(set)
        pairs = []
        for row in self._rows("roles", doc):
            key = (row.person_id, row.organization_id)
            pairs.append((key, row.article_id))
            if row.title:
                titles[key].add(row.title)
        facts = [
            RoleFact(self.snap.entity(p), self.snap.entity(o), tuple(sorted(titles[(p, o)])), ids)
            for (p, o), ids in _grouped(pairs).items()
        ]
        containment = doc is not None
        if doc is None:
            wanted = set().union(*(forms_of(g.person_names).keys for g in records))
            facts = [f for f in facts if f.person.forms.keys & wanted]

        def pair_agrees(g: RoleGold, f: RoleFact) -> bool:
            return forms_of(g.person_names).matches(
                f.person.forms, containment=containment
            ) and forms_of(g.org_names).matches(f.org.forms, containment=containment)

        def agrees(g: RoleGold, f: RoleFact) -> bool:
            if not pair_agrees(g, f):
                return False
            return containment or not g.all_titles or titles_agree(g.all_titles, f.titles)

        if containment:
            return Scope(doc, records, facts, agrees, pair_agrees)
        return Scope(
            doc,
            records,
            facts,
            agrees,
            pair_agrees,
            gold_keys=lambda g: forms_of(g.person_names).keys,
            fact_keys=lambda f: f.person.forms.keys,
        )

    # product

    def product_scope(self, records: list[ProductGold], doc: str | None) -> Scope:
        rows = self.snap.products
        if doc is not None:
            mentioned = {m.entity_id for m in self._rows("mentions", doc)}
            rows = [r for r in rows if r.product_id in mentioned]
        wanted = set().union(*(forms_of(g.names).keys for g in records))
        facts = []
        for product_id, maker_id in dict.fromkeys((r.product_id, r.maker_id) for r in rows):
            product = self.snap.entity(product_id)
            if product.forms.keys & wanted:
                maker = self.snap.entity(maker_id) if maker_id is not None else None
                facts.append(ProductFact(product, maker))

        def name_agrees(g: ProductGold, f: ProductFact) -> bool:
            return forms_of(g.names).matches(f.product.forms)

        def agrees(g: ProductGold, f: ProductFact) -> bool:
            if not name_agrees(g, f):
                return False
            if g.maker is None:
                return True
            return f.maker is not None and forms_of(g.maker).matches(f.maker.forms)

        return Scope(
            doc,
            records,
            facts,
            agrees,
            name_agrees,
            gold_keys=lambda g: forms_of(g.names).keys,
            fact_keys=lambda f: f.product.forms.keys,
        )

    # figure

    def figure_scope(self, records: list[FigureGold], doc: str | None) -> Scope:
        raw: dict[FigureKey, str | None] = {}
        pairs: list[tuple[FigureKey, int]] = []
        for row in self._rows("figures", doc):
            key = (row.entity_id, row.metric, row.value, row.unit, row.currency, row.period)
            raw.setdefault(key, row.raw_text)
            pairs.append((key, row.article_id))
        facts = []
        for key, ids in _grouped(pairs).items():
            entity_id, metric, value, unit, currency, period = key
            entity = self.snap.entity(entity_id) if entity_id is not None else None
            facts.append(FigureFact(entity, metric, value, unit, currency, period, raw[key], ids))
        if doc is None:
            wanted = set().union(*(forms_of(g.entity or ()).keys for g in records))
            facts = [f for f in facts if f.entity is not None and f.entity.forms.keys & wanted]
            return Scope(
                doc,
                records,
                facts,
                self._figure_agrees,
                self._figure_related,
                gold_keys=lambda g: forms_of(g.entity or ()).keys,
                fact_keys=lambda f: f.entity.forms.keys if f.entity else (),
            )
        if self.money_only:
            facts = [f for f in facts if currency_code(f.currency) is not None]

        def value_agrees(g: FigureGold, f: FigureFact) -> bool:
            return values_agree(g.value, f.value)

        def agrees(g: FigureGold, f: FigureFact) -> bool:
            return value_agrees(g, f) and (
                g.currency is None or currencies_agree(g.currency, f.currency)
            )

        return Scope(doc, records, facts, agrees, value_agrees)

    @staticmethod
    def _figure_entity_agrees(g: FigureGold, f: FigureFact) -> bool:
        return f.entity is not None and forms_of(g.entity or ()).matches(f.entity.forms)

    def _figure_agrees(self, g: FigureGold, f: FigureFact) -> bool:
        return (
            self._figure_entity_agrees(g, f)
            and values_agree(g.value, f.value)
            and (g.unit is None or units_agree(g.unit, f.unit, f.currency))
            and (g.currency is None or currencies_agree(g.currency, f.currency))
            and (g.metric is None or metrics_agree(g.metric, f.metric))
            and (g.period is None or periods_agree(g.period, f.period))
        )

    def _figure_related(self, g: FigureGold, f: FigureFact) -> bool:
        return self._figure_entity_agrees(g, f) and (
            values_agree(g.value, f.value)
            or (g.metric is not None and metrics_agree(g.metric, f.metric))
        )

    # relation

    def relation_scope(self, records: list[RelationGold], doc: str | None) -> Scope:
        named = self.snap.entities_named

        def forms(name: str | None, type_: str | None) -> NameForms:
            if not name:
                return NameForms.of([])
            found = named.get((name, (type_ or "").upper()), [])
            result = NameForms.of([name])
            for entity in found:
                result = result | entity.forms
            return result

        groups = _grouped(
            (
                (r.subject, r.subject_type, relation_key(r.relation), r.object, r.object_type),
                r.article_id,
            )
            for r in self._rows("relations", doc)
        )
        wanted: set[tuple[str, str]] = set()
        for g in records:
            for relation in map(relation_key, g.relation):
                sides = [g.subject, g.object] if relation in SYMMETRIC_RELATIONS else [g.subject]
                wanted.update((key, relation) for side in sides for key in forms_of(side).keys)
        facts = []
        for (subject, subject_type, relation, object_, object_type), ids in groups.items():
            fact = RelationFact(
                subject,
                forms(subject, subject_type),
                relation,
                object_,
                forms(object_, object_type),
                ids,
            )
            if any((key, relation) in wanted for key in fact.subject_forms.keys):
                facts.append(fact)

        def ends_agree(g: RelationGold, f: RelationFact, symmetric: bool) -> bool:
            s, o = forms_of(g.subject), forms_of(g.object)
            forward = s.matches(f.subject_forms) and o.matches(f.object_forms)
            backward = symmetric and s.matches(f.object_forms) and o.matches(f.subject_forms)
            return forward or backward

        def agrees(g: RelationGold, f: RelationFact) -> bool:
            relations = {relation_key(r) for r in g.relation}
            return f.relation in relations and ends_agree(g, f, f.relation in SYMMETRIC_RELATIONS)

        def related(g: RelationGold, f: RelationFact) -> bool:
            return ends_agree(g, f, True)

        return Scope(doc, records, facts, agrees, related)

    def scope(self, kind: str, records: list[AnyGold], doc: str | None) -> Scope:
        builders: dict[str, Callable[[list, str | None], Scope]] = {
            "entity": self.entity_scope,
            "meeting": self.meeting_scope,
            "role": self.role_scope,
            "product": self.product_scope,
            "figure": self.figure_scope,
            "relation": self.relation_scope,
        }
        return builders[kind](records, doc)


# --- the entry point -------------------------------------------------------------------------


def score_records(records: Sequence[AnyGold], snap: Snapshot, gold_file: str) -> EvalReport:
    """Score parsed gold records against a snapshot of the views (pure: no database)."""
    documents = resolve_documents(records, snap)
    per_doc_figures = [r for r in records if isinstance(r, FigureGold) and r.doc is not None]
    scorer = Scorer(
        snap,
        documents,
        money_only=bool(per_doc_figures) and all(r.currency for r in per_doc_figures),
    )
    warnings = []
    if documents.missing:
        shown = ", ".join(documents.missing[:10])
        more = f" and {len(documents.missing) - 10} more" if len(documents.missing) > 10 else ""
        warnings.append(
            f"{len(documents.missing)} document(s) of the gold file have no article in the"
            f" knowledge base (their gold facts are misses): {shown}{more}"
        )
    if not records:
        warnings.append("the gold file has no records")

    kinds: list[KindScore] = []
    for kind in KINDS:
        of_kind = [r for r in records if r.kind == kind]
        if not of_kind:
            continue
        score = KindScore(kind=kind, gold=len(of_kind), optional=sum(r.optional for r in of_kind))
        global_records = [r for r in of_kind if r.doc is None]
        scopes: list[Scope] = []
        if global_records:
            scopes.append(scorer.scope(kind, global_records, None))
        if any(r.doc is not None for r in of_kind):
            by_doc: dict[str, list[AnyGold]] = {doc: [] for doc in documents.articles}
            for record in of_kind:
                if record.doc is not None:
                    by_doc[record.doc].append(record)
            for doc, doc_records in by_doc.items():
                scopes.append(scorer.scope(kind, doc_records, doc))
        for scope in scopes:
            result = score_scope(kind, scope)
            score.tp += result.tp
            score.repeats += result.repeats
            score.misses += result.misses
            score.false_hits += result.false_hits
        score.fn = len(score.misses)
        score.fp = len(score.false_hits)
        score.misses.sort(key=lambda f: f.line or 0)
        kinds.append(_finish(score))

    overall = _finish(
        KindScore(
            kind="all",
            gold=sum(k.gold for k in kinds),
            optional=sum(k.optional for k in kinds),
            tp=sum(k.tp for k in kinds),
            fp=sum(k.fp for k in kinds),
            fn=sum(k.fn for k in kinds),
            repeats=sum(k.repeats for k in kinds),
        )
    )
    return EvalReport(gold_file=gold_file, kinds=kinds, overall=overall, warnings=warnings)


def evaluate(connection: Connection, gold_path: Path) -> EvalReport:
    """Precision, recall and F1 per kind of the KB behind `connection` against a gold file.

    Reads only the public views, each at most once, with plain SELECTs.
    """
    records = load_gold(Path(gold_path))
    kinds: set[str] = {r.kind for r in records}
    need_mentions = any(r.doc is not None and r.kind in ("entity", "product") for r in records)
    snap = load_snapshot(connection, kinds, need_mentions=need_mentions)
    return score_records(records, snap, str(gold_path))
