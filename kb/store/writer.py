"""Idempotent writes: an article with its mentions, facts and figures, whole in one transaction.

Safe with several writers on one database: articles are claimed by unique content
and source hashes with INSERT … ON CONFLICT, entities are created by upsert on their
normalized key, counters are incremented in the database (never read-then-write),
rows are touched in sorted key order so PostgreSQL writers do not deadlock, and a
transaction that still hits a deadlock or serialization failure is retried.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from sqlalchemy.sql.expression import Insert

from kb.records import Article, ArticleAnalysis, EntityRef, Evidence
from kb.store.models import (
    Article as ArticleRow,
)
from kb.store.models import (
    Entity,
    EntityAlias,
    EntityLabel,
    Fact,
    Figure,
    Mention,
)
from kb.textnorm import fold, sha256_hex

Outcome = Literal["new", "unchanged", "updated"]
T = TypeVar("T")

RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class ArticleKeys:
    content_hash: str
    source_hash: str

    @classmethod
    def of(cls, article: Article) -> ArticleKeys:
        return cls(article.content_hash, sha256_hex(article.source_key))


@dataclass(frozen=True)
class StoredState:
    """What the database already holds for an article's content or source."""

    article_id: int | None
    same_content: bool
    extractor_version: str | None


def _insert(conn: Connection, table: type) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _counter_upsert(dialect: Any, table: Any, keys: list[str]) -> Any:
    """INSERT that adds to `seen` when the row exists (counters never read-then-write)."""
    stmt = dialect.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=keys, set_={"seen": table.seen + stmt.excluded.seen}
    )


@dataclass(frozen=True)
class _Statements:
    """Every statement of the hot write path, built once per dialect.

    Building SQLAlchemy constructs per article (an upsert's `excluded` alias alone
    proxies every column) cost more than executing them, so these are built once. Those
    run for every article are kept as the driver's own SQL (`str`: named parameters, rows
    as dicts) and go through exec_driver_sql: SQLAlchemy's execute processes each row's
    parameters in Python and renders expanding IN lists per call, which took about a
    third of storing. A list goes in as one parameter (see `list_param`), so one SQL
    text serves every length."""

    claim_article: Any
    create_entities: str
    lock_entities: str
    count_labels: str
    count_aliases: str
    add_mentions: str
    add_facts: str
    add_figures: str
    entity_votes: str
    entity_names: str
    rename_entity: Any
    list_param: Callable[[list[Any]], Any]
    date_param: Callable[[dt.date | None], Any]


_LABEL_VOTE: Any = literal_column("1")
_ALIAS_VOTE: Any = literal_column("0")


def _written_columns(statement: Any) -> list[str] | None:
    """The columns an INSERT writes: all of its table's but a generated id (None for any
    other statement). Driver SQL takes rows as dicts by these names, so a row without one
    of them is an error at once, never a column silently left out."""
    if not isinstance(statement, Insert):
        return None
    return [column.key for column in statement.table.columns if column.key != "id"]


def _in_list(column: Any, name: str, postgres: bool) -> Any:
    """`column` is one of the list passed as parameter `name`: an array on PostgreSQL, a
    JSON array on SQLite (json_each reads it)."""
    if postgres:
        return column == func.any(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(select(literal_column("value")).select_from(func.json_each(bindparam(name))))


def _iso_date(value: dt.date | None) -> str | None:
    """A date as SQLAlchemy's SQLite DATE stores it (its bind processor is skipped here)."""
    return None if value is None else value.isoformat()


def _same(value: Any) -> Any:
    return value


@cache
def _statements(dialect_name: str) -> _Statements:
    postgres = dialect_name == "postgresql"
    dialect: Any = postgresql if postgres else sqlite
    driver = (
        postgresql.psycopg.dialect(paramstyle="pyformat")
        if postgres
        else sqlite.dialect(paramstyle="named")
    )

    def sql(statement: Any) -> str:
        return str(statement.compile(dialect=driver, column_keys=_written_columns(statement)))

    def ids(column: Any) -> Any:
        return _in_list(column, "ids", postgres)

    return _Statements(
        claim_article=dialect.insert(ArticleRow).on_conflict_do_nothing().returning(ArticleRow.id),
        create_entities=sql(dialect.insert(Entity).on_conflict_do_nothing()),
        # Rows are locked in id order, so writers never wait on each other in a cycle.
        lock_entities=sql(
            select(Entity.key, Entity.id, Entity.type, Entity.name)
            .where(_in_list(Entity.key, "keys", postgres))
            .order_by(Entity.id)
            .with_for_update()
        ),
        count_labels=sql(_counter_upsert(dialect, EntityLabel, ["entity_id", "label"])),
        count_aliases=sql(_counter_upsert(dialect, EntityAlias, ["entity_id", "alias"])),
        add_mentions=sql(insert(Mention)),
        add_facts=sql(insert(Fact)),
        add_figures=sql(insert(Figure)),
        # Both counters of the entities in one round trip: (entity, is_label, text, seen).
        entity_votes=sql(
            union_all(
                select(
                    EntityLabel.entity_id, _LABEL_VOTE, EntityLabel.label, EntityLabel.seen
                ).where(ids(EntityLabel.entity_id)),
                select(
                    EntityAlias.entity_id, _ALIAS_VOTE, EntityAlias.alias, EntityAlias.seen
                ).where(ids(EntityAlias.entity_id)),
            )
        ),
        entity_names=sql(select(Entity.id, Entity.type, Entity.name).where(ids(Entity.id))),
        rename_entity=update(Entity)
        .where(Entity.id == bindparam("entity"))
        .values(type=bindparam("new_type"), name=bindparam("new_name")),
        list_param=_same if postgres else json.dumps,
        date_param=_same if postgres else _iso_date,
    )


def lookup_states(conn: Connection, keys: Iterable[ArticleKeys]) -> dict[ArticleKeys, StoredState]:
    """One query for a batch: which articles are stored already, and with which content."""
    keys = list(keys)
    if not keys:
        return {}
    hashes = {k.content_hash for k in keys}
    sources = {k.source_hash for k in keys}
    rows = conn.execute(
        select(
            ArticleRow.id,
            ArticleRow.content_hash,
            ArticleRow.source_hash,
            ArticleRow.extractor_version,
        ).where(ArticleRow.content_hash.in_(hashes) | ArticleRow.source_hash.in_(sources))
    ).all()
    by_content = {r.content_hash: r for r in rows}
    by_source = {r.source_hash: r for r in rows}
    states: dict[ArticleKeys, StoredState] = {}
    for k in keys:
        if (row := by_content.get(k.content_hash)) is not None:
            states[k] = StoredState(row.id, True, row.extractor_version)
        elif (row := by_source.get(k.source_hash)) is not None:
            states[k] = StoredState(row.id, False, row.extractor_version)
        else:
            states[k] = StoredState(None, False, None)
    return states


def with_retry(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run `work` in one transaction, retrying PostgreSQL deadlocks/serialization failures."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            with engine.begin() as conn:
                return work(conn)
        except DBAPIError as exc:
            sqlstate = getattr(exc.orig, "sqlstate", None)
            locked = isinstance(exc, OperationalError) and "locked" in str(exc.orig)
            if attempt == MAX_ATTEMPTS or not (sqlstate in RETRYABLE_SQLSTATES or locked):
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


def store_article(
    engine: Engine,
    article: Article,
    analysis: ArticleAnalysis,
    *,
    extractor_version: str,
    keys: ArticleKeys | None = None,
    force: bool = False,
) -> Outcome:
    """Store `article` and its facts atomically. An older version of the same source, or the
    same content from an older extractor (or any, with `force`), is replaced."""
    article_keys = keys or ArticleKeys.of(article)
    return with_retry(
        engine,
        lambda conn: _store(conn, article, analysis, article_keys, extractor_version, force),
    )


def store_articles(
    engine: Engine,
    items: Sequence[tuple[Article, ArticleAnalysis]],
    *,
    extractor_version: str,
    force: bool = False,
) -> list[Outcome | DataError]:
    """Store analysed articles, each whole in one transaction; an article the database
    refuses (DataError) fails alone, returned in its place.

    On SQLite the articles share one transaction. Its writers take the database-wide
    lock anyway, so nothing waits longer on another writer's order of rows, and a commit
    per article was a quarter of storing (each commit rewrites the index pages the
    previous one wrote). A crash still leaves every article whole: all of the batch or
    none. When one article is refused the batch is rolled back and stored an article per
    transaction, so the others still go in. PostgreSQL keeps a transaction per article:
    there, writers lock entity rows, and a batch would hold the locks of many articles
    taken in no common order, so concurrent writers would deadlock and redo whole batches.
    """
    if len(items) > 1 and engine.dialect.name == "sqlite":
        try:
            return with_retry(
                engine,
                lambda conn: [
                    _store(conn, a, x, ArticleKeys.of(a), extractor_version, force)
                    for a, x in items
                ],
            )
        except DataError:
            pass  # one article is refused: find it by storing them one at a time
    outcomes: list[Outcome | DataError] = []
    for article, analysis in items:
        try:
            outcomes.append(
                store_article(
                    engine, article, analysis, extractor_version=extractor_version, force=force
                )
            )
        except DataError as exc:
            outcomes.append(exc)
    return outcomes


def _store(
    conn: Connection,
    article: Article,
    analysis: ArticleAnalysis,
    keys: ArticleKeys,
    extractor_version: str,
    force: bool,
) -> Outcome:
    values = {
        "content_hash": keys.content_hash,
        "source_hash": keys.source_hash,
        "source_key": article.source_key,
        "path": article.path,
        "item": article.item,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "published_on": article.published_on,
        "text": article.text,
        "word_count": article.word_count,
        "extractor_version": extractor_version,
    }
    claim = _statements(conn.dialect.name).claim_article
    article_id = conn.execute(claim, values).scalar()
    outcome: Outcome = "new"
    if article_id is None:
        existing = conn.execute(
            select(ArticleRow.id, ArticleRow.content_hash, ArticleRow.extractor_version)
            .where(
                (ArticleRow.content_hash == keys.content_hash)
                | (ArticleRow.source_hash == keys.source_hash)
            )
            .order_by((ArticleRow.content_hash == keys.content_hash).desc())
            .with_for_update()
        ).first()
        if existing is None:  # the conflicting row vanished between statements: store it anew
            article_id = conn.execute(claim, values).scalar_one()
        else:
            same_content = existing.content_hash == keys.content_hash
            if same_content and existing.extractor_version == extractor_version and not force:
                return "unchanged"
            article_id = existing.id
            _forget_article_facts(conn, article_id)
            if same_content:  # re-extraction: the article keeps the source it was first seen at
                del values["source_hash"], values["source_key"], values["path"], values["item"]
            conn.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(**values))
            outcome = "updated"
    _write_analysis(conn, article_id, article.text, analysis)
    return outcome


def _forget_article_facts(conn: Connection, article_id: int) -> None:
    """Remove an article's mentions, facts and figures, and take back their votes."""
    for table in (Fact, Figure):
        conn.execute(delete(table).where(table.article_id == article_id))
    label_counts = conn.execute(
        select(Mention.entity_id, Mention.label, func.count())
        .where(Mention.article_id == article_id)
        .group_by(Mention.entity_id, Mention.label)
        .order_by(Mention.entity_id, Mention.label)
    ).all()
    alias_counts = conn.execute(
        select(Mention.entity_id, Mention.text, func.count())
        .where(Mention.article_id == article_id)
        .group_by(Mention.entity_id, Mention.text)
        .order_by(Mention.entity_id, Mention.text)
    ).all()
    for entity_id, label, n in label_counts:
        conn.execute(
            update(EntityLabel)
            .where(EntityLabel.entity_id == entity_id, EntityLabel.label == label)
            .values(seen=EntityLabel.seen - n)
        )
    for entity_id, alias, n in alias_counts:
        conn.execute(
            update(EntityAlias)
            .where(EntityAlias.entity_id == entity_id, EntityAlias.alias == alias)
            .values(seen=EntityAlias.seen - n)
        )
    conn.execute(delete(Mention).where(Mention.article_id == article_id))
    _refresh_entities(conn, sorted({row[0] for row in label_counts}))


def _entity_refs(analysis: ArticleAnalysis) -> dict[str, EntityRef]:
    refs: dict[str, EntityRef] = {}
    for mention in analysis.mentions:
        refs.setdefault(mention.entity.key, mention.entity)
    for fact in analysis.facts:
        refs.setdefault(fact.subject.key, fact.subject)
        if fact.object is not None:
            refs.setdefault(fact.object.key, fact.object)
    for figure in analysis.figures:
        if figure.entity is not None:
            refs.setdefault(figure.entity.key, figure.entity)
    return refs


EntityNames = dict[int, tuple[str, str]]  # entity id -> (type, name)


def upsert_entities(
    conn: Connection, refs: dict[str, EntityRef]
) -> tuple[dict[str, int], EntityNames]:
    """Entity ids by key, creating missing ones (keys are inserted in sorted order), and
    the type and name each entity has now."""
    if not refs:
        return {}, {}
    statements = _statements(conn.dialect.name)
    rows = [{"key": k, "name": refs[k].name, "type": refs[k].label} for k in sorted(refs)]
    conn.exec_driver_sql(statements.create_entities, rows)
    # Lock the rows: two articles touching one entity then re-vote its type and name one
    # after the other, each seeing the other's committed counts (and names, read here).
    found = conn.exec_driver_sql(
        statements.lock_entities, {"keys": statements.list_param(list(refs))}
    ).all()
    ids = {key: entity_id for key, entity_id, _, _ in found}
    return ids, {entity_id: (type_, name) for _, entity_id, type_, name in found}


def _evidence(ev: Evidence, text: str) -> dict[str, int | str]:
    """The evidence columns of a row: offsets into `text`, and the sentence they name."""
    return {
        "start_char": ev.start_char,
        "end_char": ev.end_char,
        "sent_start": ev.sent_start,
        "sent_end": ev.sent_end,
        "sentence": text[ev.sent_start : ev.sent_end],
    }


def _write_analysis(
    conn: Connection, article_id: int, text: str, analysis: ArticleAnalysis
) -> None:
    """Write what was found in the article stored as `article_id` with `text` (which the
    evidence offsets index: each row keeps its sentence, cut from it here)."""
    statements = _statements(conn.dialect.name)
    refs = _entity_refs(analysis)
    ids, names = upsert_entities(conn, refs)
    labels = Counter((ids[m.entity.key], m.label) for m in analysis.mentions)
    aliases = Counter((ids[m.entity.key], m.text) for m in analysis.mentions)
    # A fact's endpoints vote too, so an entity only named in facts still gets a type.
    for ref in refs.values():
        labels.setdefault((ids[ref.key], ref.label), 0)
        aliases.setdefault((ids[ref.key], ref.name), 0)
    if labels:
        conn.exec_driver_sql(
            statements.count_labels,
            [{"entity_id": e, "label": lab, "seen": n} for (e, lab), n in sorted(labels.items())],
        )
    if aliases:
        conn.exec_driver_sql(
            statements.count_aliases,
            [
                {"entity_id": e, "alias": alias, "key": fold(alias), "seen": n}
                for (e, alias), n in sorted(aliases.items())
            ],
        )
    if analysis.mentions:
        conn.exec_driver_sql(
            statements.add_mentions,
            [
                {
                    "article_id": article_id,
                    "entity_id": ids[m.entity.key],
                    "text": m.text,
                    "label": m.label,
                    **_evidence(m.evidence, text),
                }
                for m in analysis.mentions
            ],
        )
    if analysis.facts:
        conn.exec_driver_sql(
            statements.add_facts,
            [
                {
                    "article_id": article_id,
                    "relation": f.relation,
                    "subject_id": ids[f.subject.key],
                    "object_id": ids[f.object.key] if f.object is not None else None,
                    "title": f.title,
                    "status": f.status,
                    "place": f.place,
                    "happened_on": statements.date_param(f.happened_on),
                    "modality": f.modality,
                    "extractor": f.extractor,
                    "confidence": f.confidence,
                    **_evidence(f.evidence, text),
                }
                for f in analysis.facts
            ],
        )
    if analysis.figures:
        conn.exec_driver_sql(
            statements.add_figures,
            [
                {
                    "article_id": article_id,
                    "entity_id": ids[g.entity.key] if g.entity is not None else None,
                    "metric": g.metric,
                    "value": g.value,
                    "value_high": g.value_high,
                    "unit": g.unit,
                    "currency": g.currency,
                    "period": g.period,
                    "qualifier": g.qualifier,
                    "change_pct": g.change_pct,
                    "change_basis": g.change_basis,
                    "raw_text": g.raw_text,
                    "as_of": statements.date_param(g.as_of),
                    "extractor": g.extractor,
                    "confidence": g.confidence,
                    **_evidence(g.evidence, text),
                }
                for g in analysis.figures
            ],
        )
    _refresh_entities(conn, sorted(set(ids.values())), names)


def _refresh_entities(
    conn: Connection, entity_ids: list[int], current: EntityNames | None = None
) -> None:
    """Re-vote type and display name of the touched entities from their counters
    (`current`: their type and name now, where the caller has read them)."""
    if not entity_ids:
        return
    from kb.resolve.votes import best_name, vote_label

    statements = _statements(conn.dialect.name)
    labels: dict[int, dict[str, int]] = {}
    names: dict[int, dict[str, int]] = {}
    for entity_id, is_label, text, seen in conn.exec_driver_sql(
        statements.entity_votes, {"ids": statements.list_param(entity_ids)}
    ):
        (labels if is_label else names).setdefault(entity_id, {})[text] = seen
    if current is None:
        current = {
            row.id: (row.type, row.name)
            for row in conn.exec_driver_sql(
                statements.entity_names, {"ids": statements.list_param(entity_ids)}
            )
        }
    renames = []
    for entity_id in entity_ids:
        wanted = (
            vote_label(labels.get(entity_id, {})) or current[entity_id][0],
            best_name(names.get(entity_id, {})) or current[entity_id][1],
        )
        if wanted != current[entity_id]:
            renames.append({"entity": entity_id, "new_type": wanted[0], "new_name": wanted[1]})
    if renames:
        conn.execute(statements.rename_entity, renames)
