"""Named queries over the public views: the CLI and SQL users read the same rows.

Every function takes an open connection and returns plain data (`Rows`, dataclasses).
User values only ever reach SQL as `:named` parameters; the SQL text itself is built
from fixed fragments. Where a view would be slow to scan whole (ranking 100k entities,
say), a cheap query over the tables picks the ids first and the view gives the values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Engine, bindparam, event, text

from kb.errors import NotFound, UsageError
from kb.store.engine import make_engine
from kb.textnorm import fold

EntitySort = Literal["mentions", "name", "recent"]
ENTITY_SORTS: tuple[EntitySort, ...] = ("mentions", "name", "recent")
CANDIDATES_SHOWN = 10
SUGGESTIONS_SHOWN = 5
SUGGESTION_POOL_LIMIT = 50_000
# SQLite's default page cache (2 MB) is smaller than the pages one profile of a busy
# entity touches twice (its articles' dates); 64 MiB holds them.
SQLITE_READ_CACHE_KIB = 65_536


def reading_engine(url: str) -> Engine:
    """An engine for questions. On SQLite its transactions begin DEFERRED, so a question
    never takes (or waits for) the write lock a running ingest holds, and its page cache
    is big enough that one profile does not read the same pages from disk twice; on
    PostgreSQL its sessions skip parallel workers and JIT (see _postgres_small_queries)."""
    engine = make_engine(url, write=False)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_read_cache)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_small_queries)
    return engine


def _sqlite_read_cache(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA cache_size = -{SQLITE_READ_CACHE_KIB}")


def _postgres_small_queries(dbapi_connection: Any, _record: Any) -> None:
    """A question reads a few thousand rows: starting parallel workers or compiling it
    (JIT) takes longer than running it (who-met of a busy person: 40 ms → 26 ms)."""
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    dbapi_connection.commit()


@dataclass(frozen=True)
class Rows:
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Candidate:
    entity_id: int
    name: str
    type: str
    mention_count: int

    def describe(self) -> str:
        mentions = "mention" if self.mention_count == 1 else "mentions"
        return f"{self.name} ({self.type}, {self.mention_count} {mentions})"


@dataclass(frozen=True)
class NameMatch:
    """What NAME denotes: one `entity`, or the `candidates` it could mean (ambiguous),
    or neither, with `suggestions` of close names (unknown)."""

    query: str
    entity: Candidate | None = None
    candidates: list[Candidate] = field(default_factory=list)
    total: int = 0
    suggestions: list[Candidate] = field(default_factory=list)


def _rows(result: Any) -> Rows:
    return Rows(list(result.keys()), [tuple(row) for row in result])


def _expanding(sql: str, *names: str) -> Any:
    return text(sql).bindparams(*(bindparam(n, expanding=True) for n in names))


# --- name lookup -------------------------------------------------------------------------


def name_keys(name: str) -> list[str]:
    """Lookup keys for a user's NAME: folded, and reversed for a two-part name ('Lihua Wen')."""
    key = fold(name)
    parts = key.split()
    keys = [key] if key else []
    if len(parts) == 2:
        keys.append(f"{parts[1]} {parts[0]}")
    return keys


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours costs 1), or limit + 1 when
    it is larger than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, before[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def _prefix_condition(conn: Connection) -> str:
    """Alias keys matching :pattern (see _pattern). SQLite's GLOB is case-sensitive, so a
    pattern with a fixed start walks the key index; folded keys hold only word characters
    and spaces, none of them special to GLOB."""
    if conn.dialect.name == "sqlite":
        return "key GLOB :pattern"
    return "key LIKE :pattern ESCAPE '\\'"


def _pattern(conn: Connection, glob: str) -> str:
    """A GLOB pattern ('*' for any text) in the form _prefix_condition takes: as is for
    SQLite, as LIKE for PostgreSQL ('_' and '%' escaped, folded keys have no other)."""
    if conn.dialect.name == "sqlite":
        return glob
    escaped = glob.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


def candidates_by_id(conn: Connection, entity_ids: Iterable[int]) -> list[Candidate]:
    """Name, type and mention count of these entities, most mentioned first."""
    ids = sorted(set(entity_ids))
    if not ids:
        return []
    stmt = _expanding(
        """
        SELECT e.id, e.name, e.type,
               (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS mention_count
        FROM entities e WHERE e.id IN :ids
        """,
        "ids",
    )
    found = [Candidate(*row) for row in conn.execute(stmt, {"ids": ids})]
    return sorted(found, key=lambda c: (-c.mention_count, c.name, c.entity_id))


def _exact_alias_matches(conn: Connection, keys: list[str]) -> list[int]:
    stmt = _expanding("SELECT DISTINCT entity_id FROM entity_aliases WHERE key IN :keys", "keys")
    return [row[0] for row in conn.execute(stmt, {"keys": keys})]


def _loose_alias_matches(conn: Connection, key: str, limit: int) -> list[int]:
    """Entities with an alias that starts with `key`, or whose last word is `key` (a surname)."""
    ids: list[int] = []
    for suffix_only in (False, True):
        if suffix_only and " " in key:
            break
        stmt = text(
            f"SELECT DISTINCT entity_id FROM entity_aliases WHERE {_prefix_condition(conn)} "
            "LIMIT :limit"
        )
        pattern = _pattern(conn, f"* {key}" if suffix_only else f"{key}*")
        ids.extend(row[0] for row in conn.execute(stmt, {"pattern": pattern, "limit": limit}))
    return list(dict.fromkeys(ids))


def _pick(
    query: str, candidates: list[Candidate], keys: list[str], prefer_type: str | None
) -> NameMatch:
    """One entity if the candidates leave no doubt: the only one of the type the command
    asks for, or the only one whose own name (not just an alias) is NAME."""
    pool = [c for c in candidates if c.type == prefer_type] or candidates
    if len(pool) > 1:
        pool = [c for c in pool if fold(c.name) in keys] or pool
    if len(pool) == 1:
        return NameMatch(query, entity=pool[0], total=1)
    return NameMatch(query, candidates=pool[:CANDIDATES_SHOWN], total=len(pool))


def suggest_names(conn: Connection, name: str, limit: int = SUGGESTIONS_SHOWN) -> list[Candidate]:
    """Entities with a name within a small edit distance of NAME (typos, swapped letters).

    Only aliases of about NAME's length whose first and last words start with the same
    letters as NAME's (in either order) are compared: a typo in a first letter is not
    found, and the pool stays small enough for a store of a million facts."""
    keys = name_keys(name)
    if not keys:
        return []
    key = keys[0]
    words = key.split()
    max_distance = max(1, min(3, len(key) // 4))
    shortest, longest = max(1, len(key) - max_distance), len(key) + max_distance
    if len(words) > 1:
        first, last = words[0][0], words[-1][0]
        pool_by = [f"{first}* {last}*", f"{last}* {first}*"]
    else:
        pool_by = [f"{key[0]}*"]
    pool: dict[str, set[int]] = {}
    stmt = text(
        f"SELECT key, entity_id FROM entity_aliases WHERE {_prefix_condition(conn)} "
        "AND length(key) BETWEEN :shortest AND :longest LIMIT :limit"
    )
    for glob in pool_by:
        params = {
            "pattern": _pattern(conn, glob),
            "shortest": shortest,
            "longest": longest,
            "limit": SUGGESTION_POOL_LIMIT,
        }
        for alias_key, entity_id in conn.execute(stmt, params):
            pool.setdefault(alias_key, set()).add(entity_id)
    distances: dict[int, int] = {}
    for alias_key, entity_ids in pool.items():
        distance = min(edit_distance(k, alias_key, max_distance) for k in keys)
        if distance <= max_distance:
            for entity_id in entity_ids:
                distances[entity_id] = min(distance, distances.get(entity_id, distance))
    closest = sorted(distances, key=lambda e: distances[e])[: limit * 4]
    ranked = sorted(
        candidates_by_id(conn, closest),
        key=lambda c: (distances[c.entity_id], -c.mention_count, c.name),
    )
    return ranked[:limit]


def lookup_name(conn: Connection, name: str, *, prefer_type: str | None = None) -> NameMatch:
    """What NAME denotes. In order: an alias equal to NAME (any case, accents or
    punctuation, either order of a two-part name), then an alias starting with NAME or
    ending with it as a word (a surname). With `prefer_type` ('PERSON' for who-met), a
    name shared with entities of other types still picks the one of that type."""
    keys = name_keys(name)
    if not keys:
        return NameMatch(name)
    exact = _exact_alias_matches(conn, keys)
    if exact:
        return _pick(name, candidates_by_id(conn, exact), keys, prefer_type)
    loose = _loose_alias_matches(conn, keys[0], limit=500)
    if loose:
        return _pick(name, candidates_by_id(conn, loose), keys, prefer_type)
    return NameMatch(name, suggestions=suggest_names(conn, name))


def describe_no_match(match: NameMatch) -> str:
    """The error text for a NAME that is ambiguous or unknown: candidates, one per line,
    or close names to try."""
    if match.candidates:
        lines = [f"{match.query!r} could be {match.total} entities; say which:"]
        lines += [f"  {c.describe()}" for c in match.candidates]
        if match.total > len(match.candidates):
            lines.append(f"  … and {match.total - len(match.candidates)} more")
        return "\n".join(lines)
    message = f"no entity named {match.query!r}"
    if match.suggestions:
        message += "; did you mean: " + "; ".join(c.describe() for c in match.suggestions) + "?"
    return message


def resolve_name(conn: Connection, name: str, *, prefer_type: str | None = None) -> Candidate:
    """The one entity NAME denotes; NotFound (listing candidates or close names) otherwise."""
    match = lookup_name(conn, name, prefer_type=prefer_type)
    if match.entity is None:
        raise NotFound(describe_no_match(match))
    return match.entity


# --- filters shared by several queries --------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Optional bounds on a date column (ISO text in the views) and on confidence."""

    since: dt.date | None = None
    until: dt.date | None = None
    min_confidence: float | None = None

    def conditions(self, date_column: str) -> tuple[list[str], dict[str, Any]]:
        where: list[str] = []
        params: dict[str, Any] = {}
        if self.since is not None:
            where.append(f"{date_column} >= :since")
            params["since"] = self.since.isoformat()
        if self.until is not None:
            where.append(f"{date_column} <= :until")
            params["until"] = self.until.isoformat()
        if self.min_confidence is not None:
            where.append("confidence >= :min_confidence")
            params["min_confidence"] = self.min_confidence
        return where, params


def _limit_clause(limit: int | None, params: dict[str, Any]) -> str:
    if limit is None:
        return ""
    params["limit"] = limit
    return " LIMIT :limit"


# --- who met whom ------------------------------------------------------------------------

MEETING_COLUMNS = "met, met_id, met_on, place, article_id, article_title, evidence, confidence"


def who_met(
    conn: Connection, person_id: int, window: Window = Window(), *, limit: int | None = None
) -> Rows:
    """Every meeting of the person, newest first: one row per meeting (from v_meetings)."""
    where, params = window.conditions("met_on")
    params["person_id"] = person_id
    sql = (
        f"SELECT {MEETING_COLUMNS} FROM v_meetings "
        f"WHERE {' AND '.join(['person_id = :person_id', *where])} "
        "ORDER BY met_on DESC NULLS LAST, fact_id DESC" + _limit_clause(limit, params)
    )
    return _rows(conn.execute(text(sql), params))


def who_met_summary(
    conn: Connection,
    person_id: int,
    window: Window = Window(),
    *,
    limit: int | None = None,
    order: Literal["count", "recent"] = "count",
) -> Rows:
    """One row per person met: how often, first and last date."""
    where, params = window.conditions("met_on")
    params["person_id"] = person_id
    order_by = {
        "count": "meetings DESC, last_met DESC NULLS LAST, met",
        "recent": "last_met DESC NULLS LAST, meetings DESC, met",
    }[order]
    sql = (
        "SELECT met, met_id, count(*) AS meetings, min(met_on) AS first_met, "
        "max(met_on) AS last_met FROM v_meetings "
        f"WHERE {' AND '.join(['person_id = :person_id', *where])} "
        f"GROUP BY met_id, met ORDER BY {order_by}" + _limit_clause(limit, params)
    )
    return _rows(conn.execute(text(sql), params))


def aliases_of(conn: Connection, entity_ids: Iterable[int]) -> dict[int, list[str]]:
    """Every surface form of these entities, longest first (for highlighting in evidence)."""
    ids = sorted(set(entity_ids))
    if not ids:
        return {}
    stmt = _expanding("SELECT entity_id, alias FROM entity_aliases WHERE entity_id IN :ids", "ids")
    found: dict[int, list[str]] = {i: [] for i in ids}
    for entity_id, alias in conn.execute(stmt, {"ids": ids}):
        found[entity_id].append(alias)
    return {i: sorted(a, key=lambda s: (-len(s), s)) for i, a in found.items()}


ENTITY_COLUMNS = (
    "entity_id, name, type, aliases, mention_count, article_count, first_seen, last_seen"
)


# --- one entity's profile ----------------------------------------------------------------

CO_MENTION_WINDOW = 250


@dataclass(frozen=True)
class EntityProfile:
    """Everything `kb entity` shows. `sections` are named row sets in display order, each
    cut to the profile's limit; `totals` says how many rows each section has in all."""

    entity_id: int
    name: str
    type: str
    aliases: list[str]
    mention_count: int
    article_count: int
    first_seen: str | None
    last_seen: str | None
    sections: dict[str, Rows]
    totals: dict[str, int | None]

    def summary(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "type": self.type,
            "aliases": self.aliases,
            "mention_count": self.mention_count,
            "article_count": self.article_count,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        }


PROFILE_SECTIONS = ("roles", "meetings", "products", "figures", "co_mentioned", "articles")


def entity_profile(conn: Connection, entity_id: int, *, limit: int = 10) -> EntityProfile:
    """The profile of one entity; each section holds at most `limit` rows."""
    head = conn.execute(
        text(f"SELECT {ENTITY_COLUMNS} FROM v_entities WHERE entity_id = :entity_id"),
        {"entity_id": entity_id},
    ).one_or_none()
    if head is None:
        raise NotFound(f"no entity with id {entity_id}")
    roles = roles_of(conn, entity_id)
    meetings = who_met_summary(conn, entity_id, order="recent")
    products, products_total = products_of(conn, entity_id, limit=limit)
    figures_total = conn.execute(
        text("SELECT count(*) FROM v_figures WHERE entity_id = :entity_id"),
        {"entity_id": entity_id},
    ).scalar_one()
    sections = {
        "roles": Rows(roles.columns, roles.rows[:limit]),
        "meetings": Rows(meetings.columns, meetings.rows[:limit]),
        "products": products,
        "figures": figures(conn, entity_id=entity_id, limit=limit),
        "co_mentioned": co_mentioned(conn, entity_id, limit=limit),
        "articles": articles_of(
            conn, entity_id, limit=limit, article_count=int(head.article_count)
        ),
    }
    totals: dict[str, int | None] = {
        "roles": len(roles.rows),
        "meetings": len(meetings.rows),
        "products": products_total,
        "figures": int(figures_total),
        "co_mentioned": None,
        "articles": int(head.article_count),
    }
    return EntityProfile(
        entity_id=head.entity_id,
        name=head.name,
        type=head.type,
        aliases=[a for a in (head.aliases or "").split("; ") if a],
        mention_count=int(head.mention_count),
        article_count=int(head.article_count),
        first_seen=head.first_seen,
        last_seen=head.last_seen,
        sections=sections,
        totals=totals,
    )


def roles_of(conn: Connection, entity_id: int, *, limit: int | None = None) -> Rows:
    """Roles the entity holds (a person) or that are held at it (an organization), one row
    per person, title, organization and status, with the latest date it was stated."""
    params: dict[str, Any] = {"entity_id": entity_id}
    sql = (
        "SELECT person, person_id, title, organization, organization_id, status, "
        "max(as_of) AS as_of, count(*) AS sources FROM ("
        "  SELECT * FROM v_roles WHERE person_id = :entity_id"
        "  UNION ALL"
        "  SELECT * FROM v_roles WHERE organization_id = :entity_id"
        "   AND person_id <> :entity_id"
        ") r GROUP BY person_id, person, title, organization_id, organization, status "
        "ORDER BY as_of DESC NULLS LAST, sources DESC, person, title" + _limit_clause(limit, params)
    )
    return _rows(conn.execute(text(sql), params))


def products_of(conn: Connection, entity_id: int, *, limit: int = 10) -> tuple[Rows, int]:
    """Products the entity makes, or, for a product, its maker(s) (rows of v_products), most
    written about first; and how many there are in all.

    A big maker has hundreds of products: they are ranked by article count straight from
    the mentions index, and v_products is read for the `limit` shown."""
    # Distinct in Python: asked for DISTINCT, SQLite walks every `makes` fact in
    # object order instead of this maker's few.
    made = sorted(
        {
            row[0]
            for row in conn.execute(
                text(
                    "SELECT object_id FROM facts WHERE relation = 'makes' "
                    "AND modality = 'asserted' AND subject_id = :entity_id"
                ),
                {"entity_id": entity_id},
            )
            if row[0] is not None
        }
    )
    columns = "product, product_id, maker, maker_id, article_count, first_seen"
    order = " ORDER BY article_count DESC, product_id, maker_id"
    if not made:
        rows = _rows(
            conn.execute(
                text(
                    f"SELECT {columns} FROM v_products WHERE product_id = :entity_id "
                    f"AND maker_id IS NOT NULL{order}"
                ),
                {"entity_id": entity_id},
            )
        )
        return Rows(rows.columns, rows.rows[:limit]), len(rows.rows)
    top = [
        row[0]
        for row in conn.execute(
            _expanding(
                "SELECT e.id FROM entities e LEFT JOIN mentions m ON m.entity_id = e.id "
                "WHERE e.id IN :made GROUP BY e.id "
                "ORDER BY count(DISTINCT m.article_id) DESC, e.id LIMIT :limit",
                "made",
            ),
            {"made": made, "limit": limit},
        )
    ]
    rows = _rows(
        conn.execute(
            _expanding(
                f"SELECT {columns} FROM v_products WHERE product_id IN :top "
                f"AND maker_id = :entity_id{order}",
                "top",
            ),
            {"top": top, "entity_id": entity_id},
        )
    )
    return rows, len(made)


def co_mentioned(conn: Connection, entity_id: int, *, limit: int = 10) -> Rows:
    """Entities named in the most articles that also name this one, counted over its
    CO_MENTION_WINDOW most recently stored articles (all of them, for most entities)."""
    top = conn.execute(
        text(
            "SELECT m.entity_id, count(DISTINCT m.article_id) AS shared_articles "
            "FROM (SELECT article_id FROM mentions WHERE entity_id = :entity_id "
            "      GROUP BY article_id ORDER BY article_id DESC LIMIT :window) a "
            "JOIN mentions m ON m.article_id = a.article_id "
            "WHERE m.entity_id <> :entity_id "
            "GROUP BY m.entity_id ORDER BY shared_articles DESC, m.entity_id LIMIT :limit"
        ),
        {"entity_id": entity_id, "limit": limit, "window": CO_MENTION_WINDOW},
    ).all()
    columns = ["entity_id", "name", "type", "shared_articles"]
    if not top:
        return Rows(columns, [])
    stmt = _expanding("SELECT id, name, type FROM entities WHERE id IN :ids", "ids")
    named = {row.id: row for row in conn.execute(stmt, {"ids": [i for i, _ in top]})}
    rows = [(i, named[i].name, named[i].type, n) for i, n in top]
    rows.sort(key=lambda r: (-r[3], r[1], r[0]))
    return Rows(columns, rows)


def articles_of(
    conn: Connection, entity_id: int, *, limit: int = 10, article_count: int | None = None
) -> Rows:
    """The newest articles that mention the entity (rows of v_articles).

    For an entity in many articles, walking all articles newest first and stopping at
    `limit` of its own is cheaper than dating every article it is in; for a rare one it is
    the other way round. Both give the same rows."""
    stored = conn.execute(text("SELECT max(id) FROM articles")).scalar() or 0
    mine = (
        "EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = :entity_id AND m.article_id = a.id)"
    )
    if article_count is not None and article_count**2 > limit * stored:
        # Down the published_on index backwards (which both stores can do for this order),
        # then undated articles if that did not fill the page.
        picks = [
            f"SELECT a.id FROM articles a WHERE a.published_on IS NOT NULL AND {mine} "
            "ORDER BY a.published_on DESC, a.id DESC LIMIT :limit",
            f"SELECT a.id FROM articles a WHERE a.published_on IS NULL AND {mine} "
            "ORDER BY a.id DESC LIMIT :limit",
        ]
    else:
        picks = [
            "SELECT a.id FROM articles a WHERE a.id IN "
            "(SELECT article_id FROM mentions WHERE entity_id = :entity_id) "
            "ORDER BY a.published_on DESC NULLS LAST, a.id DESC LIMIT :limit"
        ]
    ids: list[int] = []
    for pick in picks:
        if len(ids) < limit:
            params = {"entity_id": entity_id, "limit": limit - len(ids)}
            ids += [row[0] for row in conn.execute(text(pick), params)]
    stmt = _expanding(
        "SELECT article_id, published_on, title, source, url FROM v_articles "
        "WHERE article_id IN :ids ORDER BY published_on DESC NULLS LAST, article_id DESC",
        "ids",
    )
    return _rows(conn.execute(stmt, {"ids": ids or [-1]}))


# --- lists: entities, facts, figures ------------------------------------------------------


def entity_types(conn: Connection) -> list[str]:
    return [row[0] for row in conn.execute(text("SELECT DISTINCT type FROM entities ORDER BY 1"))]


def list_entities(
    conn: Connection,
    *,
    entity_type: str | None = None,
    limit: int = 50,
    sort: EntitySort = "mentions",
) -> Rows:
    """Entities from v_entities: most mentioned, by name, or most recently seen first.

    The ids are picked with a query over the tables, so that the view's per-entity
    counts are computed for the `limit` rows shown, not for every entity."""
    if sort not in ENTITY_SORTS:
        raise UsageError(f"unknown sort {sort!r}; use one of {', '.join(ENTITY_SORTS)}")
    kind = entity_type.upper() if entity_type else None
    if sort == "recent":
        ids = _recently_seen_ids(conn, kind, limit)
    else:
        type_filter = "WHERE e.type = :type" if kind else ""
        ranking = {
            "mentions": "(SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) DESC, "
            "e.name, e.id",
            "name": "e.name, e.id",
        }[sort]
        ids = [
            row[0]
            for row in conn.execute(
                text(f"SELECT e.id FROM entities e {type_filter} ORDER BY {ranking} LIMIT :limit"),
                {"type": kind, "limit": limit},
            )
        ]
    if not ids:
        if kind and kind not in entity_types(conn):
            known = ", ".join(entity_types(conn)) or "none yet"
            raise UsageError(f"no entities of type {kind!r}; types in this store: {known}")
        return Rows([c.strip() for c in ENTITY_COLUMNS.split(",")], [])
    order = {
        "mentions": "mention_count DESC, name, entity_id",
        "name": "name, entity_id",
        "recent": "last_seen DESC NULLS LAST, name, entity_id",
    }[sort]
    stmt = _expanding(
        f"SELECT {ENTITY_COLUMNS} FROM v_entities WHERE entity_id IN :ids ORDER BY {order}",
        "ids",
    )
    return _rows(conn.execute(stmt, {"ids": ids}))


def _recently_seen_ids(conn: Connection, kind: str | None, limit: int) -> list[int]:
    """Ids of the `limit` entities with the latest last_seen (ties by name).

    Only articles from a cut-off date on are joined to their mentions: every entity last
    seen on or after the cut-off is found with its true last date, and once they number
    `limit` or more no entity seen only earlier can be among the first `limit`. The
    cut-off moves back (more articles) until that holds or every article is in."""
    # CROSS JOIN keeps SQLite from scanning every mention to avoid a sort.
    type_join = "CROSS JOIN entities e" if kind else ""
    type_filter = "AND e.id = m.entity_id AND e.type = :type" if kind else ""
    seen_sql = (
        "SELECT m.entity_id, max(a.published_on) AS last_seen FROM articles a "
        f"CROSS JOIN mentions m {type_join} "
        f"WHERE m.article_id = a.id AND a.published_on >= :cutoff {type_filter} "
        "GROUP BY m.entity_id"
    )
    for cutoff in _date_cutoffs(conn, limit * 4):
        seen = conn.execute(text(seen_sql), {"cutoff": cutoff, "type": kind}).all()
        if len(seen) >= limit:
            return _top_recent(conn, seen, limit)
    type_filter = "WHERE e.type = :type" if kind else ""
    everyone = conn.execute(
        text(
            "SELECT e.id, (SELECT max(a.published_on) FROM mentions m "
            "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = e.id) AS last_seen "
            f"FROM entities e {type_filter}"
        ),
        {"type": kind},
    ).all()
    return _top_recent(conn, everyone, limit)


def _date_cutoffs(conn: Connection, articles: int, until: dt.date | None = None) -> Iterable[Any]:
    """Publication dates that leave `articles`, 4×, 16×, … articles on or after them
    (and on or before `until`), newest first; stops once that would be every article."""
    bound = "AND published_on <= :until" if until is not None else ""
    while True:
        cutoff = conn.execute(
            text(
                f"SELECT published_on FROM articles WHERE published_on IS NOT NULL {bound} "
                "ORDER BY published_on DESC LIMIT 1 OFFSET :offset"
            ),
            {"offset": articles, "until": until},
        ).scalar()
        if cutoff is None:
            return
        yield cutoff
        articles *= 4


def _top_recent(conn: Connection, seen: Sequence[Any], limit: int) -> list[int]:
    last = {entity_id: day for entity_id, day in seen}
    dated = sorted((day for day in last.values() if day is not None), reverse=True)
    threshold = dated[min(limit, len(dated)) - 1] if dated else None
    # Everyone tied at the threshold date stays in, to be ordered by name as v_entities is.
    keep = [e for e, day in last.items() if day is None or threshold is None or day >= threshold]
    stmt = _expanding("SELECT id, name FROM entities WHERE id IN :ids", "ids")
    names = dict(conn.execute(stmt, {"ids": keep or [-1]}).all())
    keep.sort(key=lambda e: (names[e], e))
    keep.sort(key=lambda e: (last[e] is not None, str(last[e] or "")), reverse=True)
    return keep[:limit]


FACT_COLUMNS = (
    "subject, subject_type, relation, object, object_type, happened_on, title, status, place, "
    "confidence, article_id, evidence, fact_id"
)


def relations_in_store(conn: Connection) -> list[str]:
    return [row[0] for row in conn.execute(text("SELECT DISTINCT relation FROM facts ORDER BY 1"))]


def facts(
    conn: Connection,
    *,
    relation: str | None = None,
    subject_id: int | None = None,
    object_id: int | None = None,
    window: Window = Window(),
    limit: int | None = 100,
) -> Rows:
    """Facts from v_relations, newest first, filtered by relation and either end.

    Without a subject or object to narrow them, the newest are found among the facts
    dated from a cut-off on (their own date, or their article's) rather than by sorting
    a million rows; the cut-off moves back until `limit` rows are found."""
    where, params = window.conditions("happened_on")
    if relation is not None:
        where.append("relation = :relation")
        params["relation"] = relation
    if subject_id is not None:
        where.append("subject_id = :subject_id")
        params["subject_id"] = subject_id
    if object_id is not None:
        where.append("object_id = :object_id")
        params["object_id"] = object_id
    order = " ORDER BY happened_on DESC NULLS LAST, fact_id DESC" + _limit_clause(limit, params)
    result: Rows | None = None
    if limit is not None and subject_id is None and object_id is None:
        result = _newest_facts(conn, where, params, order, window.until, limit)
    if result is None:
        filters = f"WHERE {' AND '.join(where)}" if where else ""
        result = _rows(
            conn.execute(text(f"SELECT {FACT_COLUMNS} FROM v_relations {filters}{order}"), params)
        )
    if not result.rows and relation is not None and relation not in relations_in_store(conn):
        known = ", ".join(relations_in_store(conn)) or "none yet"
        raise UsageError(f"no facts with relation {relation!r}; relations in this store: {known}")
    return result


def _newest_facts(
    conn: Connection,
    where: list[str],
    params: dict[str, Any],
    order: str,
    until: dt.date | None,
    limit: int,
) -> Rows | None:
    """The newest `limit` facts, or None when every cut-off left fewer (then the caller
    sorts them all). A fact dates from its own date or, lacking one, its article's; both
    cases are read by index from the cut-off on, so no fact newer than it is missed."""
    own_date = "f.happened_on >= :cutoff"
    article_date = "a.published_on >= :cutoff"
    if until is not None:
        own_date += " AND f.happened_on <= :until_date"
        article_date += " AND a.published_on <= :until_date"
        params = {**params, "until_date": until}
    candidates = (
        f"SELECT f.id FROM facts f WHERE {own_date} "
        "UNION ALL "
        "SELECT f.id FROM articles a CROSS JOIN facts f WHERE f.article_id = a.id "
        f"AND {article_date} AND f.happened_on IS NULL"
    )
    filters = " AND ".join(["fact_id IN (" + candidates + ")", *where])
    stmt = text(f"SELECT {FACT_COLUMNS} FROM v_relations WHERE {filters}{order}")
    for cutoff in _date_cutoffs(conn, limit * 4, until):
        result = _rows(conn.execute(stmt, {**params, "cutoff": cutoff}))
        if len(result.rows) >= limit:
            return result
    return None


FIGURE_COLUMNS = (
    "entity, entity_id, metric, value, unit, currency, period, qualifier, change_pct, "
    "change_basis, raw_text, as_of, confidence, article_id, evidence, figure_id"
)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def figures(
    conn: Connection,
    *,
    entity_id: int | None = None,
    metric: str | None = None,
    period: str | None = None,
    limit: int | None = 100,
) -> Rows:
    """Figures from v_figures, latest first. `metric` matches any part of the metric, in
    any case; `period` matches the period or any period inside it ('2024' → '2024-Q2')."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if entity_id is not None:
        where.append("entity_id = :entity_id")
        params["entity_id"] = entity_id
    if metric:
        where.append("lower(metric) LIKE :metric ESCAPE '\\'")
        params["metric"] = f"%{_escape_like(metric.casefold())}%"
    if period:
        where.append("(period = :period OR period LIKE :period_inside ESCAPE '\\')")
        params["period"] = period
        params["period_inside"] = f"{_escape_like(period)}-%"
    filters = f"WHERE {' AND '.join(where)}" if where else ""
    sql = (
        f"SELECT {FIGURE_COLUMNS} FROM v_figures {filters} "
        "ORDER BY as_of DESC NULLS LAST, figure_id DESC" + _limit_clause(limit, params)
    )
    return _rows(conn.execute(text(sql), params))


# --- the store at a glance --------------------------------------------------------------


def database_size(conn: Connection) -> int | None:
    """Bytes the database takes: SQLite pages (main file), or PostgreSQL's own count."""
    if conn.dialect.name == "sqlite":
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar() or 0
        page_size = conn.exec_driver_sql("PRAGMA page_size").scalar() or 0
        return int(pages) * int(page_size)
    if conn.dialect.name == "postgresql":
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    return None


def store_stats(conn: Connection) -> Rows:
    """One row per measure. Measures are stable dotted keys: `entities.PERSON`,
    `facts.met`, … so that JSON readers can look them up.

    Counts are taken from the tables under the views: every row of mentions, of asserted
    facts and of figures is one row of v_mentions, v_relations and v_figures (their joins
    follow foreign keys), and counting the tables skips those joins."""
    one = conn.execute
    rows: list[tuple[str, Any]] = []
    articles, words, first, last = one(
        text(
            "SELECT count(*), coalesce(sum(word_count), 0), min(published_on), "
            "max(published_on) FROM v_articles"
        )
    ).one()
    rows += [("articles", articles), ("words", words)]
    rows += [("first_date", first), ("last_date", last)]
    by_type = one(
        text("SELECT type, count(*) FROM entities GROUP BY type ORDER BY count(*) DESC, type")
    ).all()
    rows.append(("entities", sum(n for _, n in by_type)))
    rows += [(f"entities.{entity_type}", n) for entity_type, n in by_type]
    rows.append(("mentions", one(text("SELECT count(*) FROM mentions")).scalar_one()))
    by_relation = one(
        text(
            "SELECT relation, count(*) FROM facts WHERE modality = 'asserted' "
            "GROUP BY relation ORDER BY count(*) DESC, relation"
        )
    ).all()
    rows.append(("facts", sum(n for _, n in by_relation)))
    rows += [(f"facts.{relation}", n) for relation, n in by_relation]
    rows.append(("figures", one(text("SELECT count(*) FROM figures")).scalar_one()))
    rows.append(("database_bytes", database_size(conn)))
    return Rows(["measure", "value"], rows)
