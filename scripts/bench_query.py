"""Query benchmark: `kb who-met`, `kb entity` and friends on a synthetic store.

Targets (SPEC "Performance"):
  who-met and entity query time < 50 ms with 1 M facts (SQLite), median of 20;
  PostgreSQL reported beside it; interpreter start-up reported separately;
  `kb export` >= 200k rows/s with flat memory (peak RSS at 1 M rows vs 1/10 of them).

The store is made here, fast: invented names, articles built from one sentence per fact
(so evidence offsets and stored sentences are real), bulk inserts (executemany on SQLite,
COPY on PostgreSQL) into a schema made by the migrations (indexes included). Popularity
is skewed (weight 1/(rank+50)), so the busiest person has a few thousand meetings.

    python scripts/bench_query.py                              # small smoke run
    python scripts/bench_query.py --facts 1000000 --entities 100000
    python scripts/bench_query.py --facts 1000000 --entities 100000 --keep bench/data

Prints a table and writes bench/results/query.json. PostgreSQL runs when
--postgres URL or KB_TEST_POSTGRES_URL names a server (a database kb_bench_query is
made there and dropped afterwards unless --keep).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import bindparam, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from kb import query  # noqa: E402
from kb.config import to_url  # noqa: E402
from kb.store.engine import make_engine  # noqa: E402
from kb.store.schema import ensure_schema  # noqa: E402
from kb.textnorm import fold  # noqa: E402

KB = [sys.executable, "-m", "kb"]
TARGET_MS = 50.0
TYPICAL = 20  # ordinary people and entities asked about, one query each
TARGET_EXPORT_ROWS_PER_S = 200_000
BENCH_DB = "kb_bench_query"

# Invented syllables: no name made from them is a real person or company on purpose.
SYLLABLES = (
    "ka ren vo lin sa mi tor bel da quen fa ri zo mar ul te nav is gro pel "
    "ha yun dor ke sil vra om tu bex lo"
).split()
SURNAME_SYLLABLES = (
    "bran del fis gar hol jen kor lum mes nor pak quil ros sten tav ulm vek wol "
    "yar zen ard bex cul dov eng fel gim hask ilv jor kest lod mirn nols orv pim "
    "quor rask"
).split()
ORG_WORDS = "Systems Motors Labs Energy Networks Robotics Foods Bank Capital Media".split()
PRODUCT_WORDS = "Phone Pad Car Watch Band Hub Cam Drone Book Buds".split()
CITY_ENDINGS = "burg ton vale port field haven".split()
TITLES = ("chief executive", "founder", "chairman", "president", "chief engineer")
METRICS = ("revenue", "shipments", "net profit", "deliveries", "patents", "pre-orders")
RELATIONS = (
    ("met", 30),
    ("holds_role", 15),
    ("makes", 10),
    ("partners_with", 8),
    ("supplies", 8),
    ("invested_in", 7),
    ("founded", 5),
    ("visited", 7),
    ("sued", 3),
    ("acquired", 4),
    ("merged_with", 3),
)
SENTENCES = {
    "met": "{s} met {o} in {place} to discuss new plans.",
    "holds_role": "{s}, {title} of {o}, spoke to reporters.",
    "makes": "{s} unveiled the {o} at a launch event.",
    "partners_with": "{s} signed a partnership with {o}.",
    "supplies": "{s} supplies components to {o}.",
    "invested_in": "{s} invested in {o} this quarter.",
    "founded": "{s} founded {o} a decade ago.",
    "visited": "{s} visited {o} last week.",
    "sued": "{s} filed a lawsuit against {o}.",
    "acquired": "{s} agreed to acquire {o}.",
    "merged_with": "{s} agreed to merge with {o}.",
}
# (subject type, object type) of each relation.
ENDPOINTS = {
    "met": ("PERSON", "PERSON"),
    "holds_role": ("PERSON", "ORG"),
    "makes": ("ORG", "PRODUCT"),
    "visited": ("PERSON", "GPE"),
    "founded": ("PERSON", "ORG"),
}


def _words(syllables: list[str], count: int, parts: int) -> list[str]:
    out: list[str] = []
    n = len(syllables)
    for i in range(count):
        word = "".join(syllables[(i // n**k) % n] for k in range(parts))
        out.append(word.capitalize())
    return out


FIRST_NAMES = _words(SYLLABLES, len(SYLLABLES) ** 2, 2)
SURNAMES = _words(SURNAME_SYLLABLES, len(SURNAME_SYLLABLES) ** 2, 2)


def person_name(i: int) -> str:
    # (i mod F, 7·i + i div F mod S) is unique for i < F·S: every person a distinct name.
    f, s = len(FIRST_NAMES), len(SURNAMES)
    return f"{FIRST_NAMES[i % f]} {SURNAMES[(7 * i + i // f) % s]}"


def org_name(i: int) -> str:
    base = f"{SURNAMES[i % len(SURNAMES)]} {ORG_WORDS[(i // len(SURNAMES)) % len(ORG_WORDS)]}"
    round_ = i // (len(SURNAMES) * len(ORG_WORDS))
    return base if round_ == 0 else f"{base} {round_ + 1}"


def product_name(i: int) -> str:
    word = PRODUCT_WORDS[i % len(PRODUCT_WORDS)]
    return f"{SURNAMES[(i // len(PRODUCT_WORDS)) % len(SURNAMES)]} {word} {i // 1000 + 1}"


def place_name(i: int) -> str:
    ending = CITY_ENDINGS[i % len(CITY_ENDINGS)]
    base = f"{SURNAMES[(i // len(CITY_ENDINGS)) % len(SURNAMES)]}{ending}"
    round_ = i // (len(SURNAMES) * len(CITY_ENDINGS))
    return base if round_ == 0 else f"{base} {round_ + 1}"


@dataclass
class Synthetic:
    """A reproducible synthetic corpus: entities by type, articles made of fact sentences."""

    facts: int
    entities: int
    seed: int = 7
    facts_per_article: int = 10
    extra_mentions_per_article: int = 8
    ids: dict[str, list[int]] = field(default_factory=dict)
    names: dict[int, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        shares = {"PERSON": 0.45, "ORG": 0.30, "PRODUCT": 0.15}
        counts = {t: max(2, int(self.entities * s)) for t, s in shares.items()}
        counts["GPE"] = max(2, self.entities - sum(counts.values()))
        makers = {"PERSON": person_name, "ORG": org_name, "PRODUCT": product_name}
        next_id = 1
        for kind, count in counts.items():
            make = makers.get(kind, place_name)
            self.ids[kind] = list(range(next_id, next_id + count))
            for i in range(count):
                self.names[next_id + i] = (make(i), kind)
            next_id += count
        self.weights = {
            kind: _cumulative([1 / (rank + 50) for rank in range(len(ids))])
            for kind, ids in self.ids.items()
        }

    def maker_of(self, product_id: int) -> int:
        """Each product has one maker, popular makers more products (as picked by weight)."""
        return self.pick(random.Random(product_id), "ORG")[0]

    @property
    def articles(self) -> int:
        return max(1, self.facts // self.facts_per_article)

    def pick(self, rng: random.Random, kind: str, k: int = 1) -> list[int]:
        ids = self.ids[kind]
        return rng.choices(ids, cum_weights=self.weights[kind], k=k)

    def entity_rows(self) -> Iterator[tuple[int, str, str, str]]:
        for entity_id, (name, kind) in self.names.items():
            yield entity_id, fold(name), name, kind

    def batches(self, size: int = 1000) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
        """Rows for articles, mentions, facts and figures, `size` articles at a time."""
        rng = random.Random(self.seed)
        relations = [r for r, _ in RELATIONS]
        relation_weights = _cumulative([w for _, w in RELATIONS])
        start = dt.date(2015, 1, 1)
        days = (dt.date(2025, 12, 31) - start).days
        mention_id = fact_id = figure_id = 0
        made = 0
        for first in range(0, self.articles, size):
            rows: dict[str, list[tuple[Any, ...]]] = {
                "articles": [],
                "mentions": [],
                "facts": [],
                "figures": [],
            }
            for article_id in range(first + 1, min(first + size, self.articles) + 1):
                published = start + dt.timedelta(days=rng.randrange(days))
                n_facts = min(self.facts_per_article, self.facts - made)
                made += n_facts
                body = _ArticleText()
                for relation in rng.choices(relations, cum_weights=relation_weights, k=n_facts):
                    s_kind, o_kind = ENDPOINTS.get(relation, ("ORG", "ORG"))
                    s = self.pick(rng, s_kind)[0]
                    o = self.pick(rng, o_kind)[0]
                    while o == s:
                        o = self.pick(rng, o_kind)[0]
                    if relation == "makes":
                        s = self.maker_of(o)
                    s_name, o_name = self.names[s][0], self.names[o][0]
                    place = self.names[self.pick(rng, "GPE")[0]][0]
                    title = rng.choice(TITLES)
                    sentence = SENTENCES[relation].format(
                        s=s_name, o=o_name, place=place, title=title
                    )
                    sent_start, sent_end = body.add(sentence, [(s, s_name), (o, o_name)])
                    happened = (
                        published - dt.timedelta(days=rng.randrange(10))
                        if rng.random() < 0.3
                        else None
                    )
                    fact_id += 1
                    rows["facts"].append(
                        (
                            fact_id, article_id, relation, s, o,
                            title if relation == "holds_role" else None,
                            ("former" if rng.random() < 0.2 else "current")
                            if relation == "holds_role"
                            else None,
                            place if relation == "met" else None,
                            happened, "asserted", "bench", round(0.5 + rng.random() / 2, 3),
                            sent_start, sent_end, sent_start, sent_end, sentence,
                        )
                    )  # fmt: skip
                extra = self.pick(rng, "ORG", self.extra_mentions_per_article // 2)
                extra += self.pick(rng, "PERSON", self.extra_mentions_per_article // 2)
                for a, b in zip(extra[::2], extra[1::2], strict=False):
                    names = self.names[a][0], self.names[b][0]
                    body.add(f"Analysts also followed {names[0]}.", [(a, names[0])])
                    body.add(f"Shares of {names[1]} moved.", [(b, names[1])])
                if rng.random() < 0.5 and n_facts:
                    org = self.pick(rng, "ORG")[0]
                    value = round(rng.uniform(1, 900), 1)
                    metric = rng.choice(METRICS)
                    raw = f"{value} million"
                    sentence = f"{self.names[org][0]} reported {metric} of {raw}."
                    sent_start, sent_end = body.add(sentence, [(org, self.names[org][0])])
                    figure_id += 1
                    at = sent_start + sentence.index(raw)
                    rows["figures"].append(
                        (
                            figure_id, article_id, org, metric, value * 1e6, None, None,
                            "USD" if metric in ("revenue", "net profit") else None,
                            f"{published.year}-Q{(published.month - 1) // 3 + 1}", "exact",
                            None, None, raw, None, "bench", 0.8,
                            at, at + len(raw), sent_start, sent_end, sentence,
                        )
                    )  # fmt: skip
                article_text = body.text()
                for entity_id, begin, end, sent_start, sent_end in body.mentions:
                    mention_id += 1
                    rows["mentions"].append(
                        (
                            mention_id, article_id, entity_id, article_text[begin:end],
                            self.names[entity_id][1], begin, end, sent_start, sent_end,
                            article_text[sent_start:sent_end],
                        )
                    )  # fmt: skip
                title = body.sentences[0][:70] if body.sentences else "Untitled"
                rows["articles"].append(
                    (
                        article_id, f"{article_id:064x}", f"{article_id:064x}"[::-1],
                        f"bench#{article_id}", "bench.jsonl", 0, None, title, "bench",
                        published, article_text, len(article_text.split()), "bench",
                    )
                )  # fmt: skip
            yield rows


class _ArticleText:
    """An article built sentence by sentence, keeping the offsets of each named entity."""

    def __init__(self) -> None:
        self.sentences: list[str] = []
        self.mentions: list[tuple[int, int, int, int, int]] = []  # entity, span, sentence
        self.offset = 0

    def add(self, sentence: str, spans: list[tuple[int, str]]) -> tuple[int, int]:
        begin, end = self.offset, self.offset + len(sentence)
        for entity_id, surface in spans:
            at = begin + sentence.index(surface)
            self.mentions.append((entity_id, at, at + len(surface), begin, end))
        self.sentences.append(sentence)
        self.offset = end + 1
        return begin, end

    def text(self) -> str:
        return " ".join(self.sentences)


def _cumulative(weights: list[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


COLUMNS = {
    "entities": "id, key, name, type",
    "articles": "id, content_hash, source_hash, source_key, path, item, url, title, source, "
    "published_on, text, word_count, extractor_version",
    "mentions": "id, article_id, entity_id, text, label, start_char, end_char, sent_start, "
    "sent_end, sentence",
    "facts": "id, article_id, relation, subject_id, object_id, title, status, place, "
    "happened_on, modality, extractor, confidence, start_char, end_char, sent_start, sent_end, "
    "sentence",
    "figures": "id, article_id, entity_id, metric, value, value_high, unit, currency, period, "
    "qualifier, change_pct, change_basis, raw_text, as_of, extractor, confidence, "
    "start_char, end_char, sent_start, sent_end, sentence",
    "entity_aliases": "entity_id, alias, key, seen",
    "entity_labels": "entity_id, label, seen",
}


def alias_rows(corpus: Synthetic, counts: Counter[int]) -> Iterator[tuple[Any, ...]]:
    """The name of every entity (seen as often as it is mentioned) and, for a third of the
    people, their surname alone."""
    for entity_id, (name, kind) in corpus.names.items():
        yield entity_id, name, fold(name), counts[entity_id]
        if kind == "PERSON" and entity_id % 3 == 0:
            surname = name.split()[-1]
            yield entity_id, surname, fold(surname), 0


def load(url: str, corpus: Synthetic) -> dict[str, float]:
    """Make the schema (migrations) and bulk-load the corpus; returns seconds and counts."""
    engine = make_engine(url)
    ensure_schema(engine)
    engine.dispose()
    began = time.perf_counter()
    counts: Counter[int] = Counter()
    if url.startswith("sqlite"):
        writer = _SqliteWriter(make_url(url).database or "")
    else:
        writer = _PostgresWriter(url)
    with writer:
        writer.write("entities", corpus.entity_rows())
        for batch in corpus.batches():
            counts.update(row[2] for row in batch["mentions"])
            for table in ("articles", "mentions", "facts", "figures"):
                writer.write(table, batch[table])
        writer.write("entity_aliases", alias_rows(corpus, counts))
        writer.write(
            "entity_labels",
            ((e, kind, counts[e]) for e, (_, kind) in corpus.names.items()),
        )
    return {"load_s": round(time.perf_counter() - began, 1)}


class _SqliteWriter:
    """executemany in one transaction; the migrations' secondary indexes are dropped for
    the load and made again after it (the same SQL), which is several times faster."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA synchronous = OFF")
        self.indexes = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        self.conn.execute("BEGIN")
        for name, _ in self.indexes:
            self.conn.execute(f'DROP INDEX "{name}"')

    def __enter__(self) -> _SqliteWriter:
        return self

    def write(self, table: str, rows: Any) -> None:
        columns = COLUMNS[table]
        marks = ", ".join("?" for _ in columns.split(","))
        self.conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

    def __exit__(self, *exc: object) -> None:
        for _, sql in self.indexes:
            self.conn.execute(sql)
        self.conn.execute("COMMIT")
        self.conn.close()


class _PostgresWriter:
    """COPY per table; secondary indexes dropped for the load and made again after it."""

    def __init__(self, url: str) -> None:
        import psycopg

        plain = make_url(url).set(drivername="postgresql").render_as_string(False)
        self.conn = psycopg.connect(plain)
        self.indexes = self.conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = indexname)"
        ).fetchall()
        for name, _ in self.indexes:
            self.conn.execute(f'DROP INDEX "{name}"')

    def __enter__(self) -> _PostgresWriter:
        return self

    def write(self, table: str, rows: Any) -> None:
        copy_sql = f"COPY {table} ({COLUMNS[table]}) FROM STDIN"
        with self.conn.cursor() as cur, cur.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)

    def __exit__(self, *exc: object) -> None:
        for _, sql in self.indexes:
            self.conn.execute(sql)
        for table in ("entities", "articles", "mentions", "facts", "figures", "entity_aliases"):
            self.conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 1))"
            )
        self.conn.commit()
        self.conn.autocommit = True
        self.conn.execute("VACUUM ANALYZE")
        self.conn.close()


# --- measuring ---------------------------------------------------------------------------


def median_ms(
    work: Callable[[], object], repeat: int, before: Callable[[], None] | None = None
) -> dict[str, float]:
    """Median and slowest of `repeat` runs; `before` runs untimed ahead of each."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def spread_ms(works: list[Callable[[], object]]) -> dict[str, float]:
    """One warm run of each piece of work (different names): median and slowest."""
    for work in works:
        work()
    times = []
    for work in works:
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return {"median_ms": round(statistics.median(times), 2), "max_ms": round(max(times), 2)}


def pick_names(url: str, count: int, seed: int) -> dict[str, Any]:
    """Who to ask about: the busiest person and entity, and `count` ordinary ones."""
    engine = query.reading_engine(url)
    with engine.connect() as conn:
        busiest_person, meetings = conn.execute(
            text(
                "SELECT person_id, count(*) FROM v_meetings GROUP BY person_id "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        ).one()
        busiest_entity, mentions = conn.execute(
            text(
                "SELECT entity_id, count(*) FROM mentions GROUP BY entity_id "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        ).one()
        people = [
            row[0]
            for row in conn.execute(
                text("SELECT DISTINCT subject_id FROM facts WHERE relation = 'met' ORDER BY 1")
            )
        ]
        everyone = [row[0] for row in conn.execute(text("SELECT id FROM entities ORDER BY id"))]
        rng = random.Random(seed)
        typical_people = rng.sample(people, min(count, len(people)))
        typical_entities = rng.sample(everyone, min(count, len(everyone)))
        name_of = dict(
            conn.execute(
                text("SELECT id, name FROM entities WHERE id IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": [busiest_person, busiest_entity, *typical_people, *typical_entities]},
            ).all()
        )
        person_meetings = conn.execute(
            text("SELECT count(*) FROM v_meetings WHERE person_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": typical_people},
        ).scalar_one()
    engine.dispose()
    return {
        "busiest_person": name_of[busiest_person],
        "busiest_person_meetings": meetings,
        "busiest_entity": name_of[busiest_entity],
        "busiest_entity_mentions": mentions,
        "typical_people": [name_of[i] for i in typical_people],
        "typical_people_mean_meetings": round(person_meetings / max(1, len(typical_people)), 1),
        "typical_entities": [name_of[i] for i in typical_entities],
    }


def measure_queries(url: str, names: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Query time in the library (name lookup included) through the engine the CLI reads
    with: on a pooled connection (as within one session), and on a new connection each
    time (as each `kb` process has; its page cache starts empty)."""
    engine = query.reading_engine(url)

    def who_met(name: str) -> Callable[[], object]:
        def run() -> object:
            with engine.connect() as conn:
                person = query.resolve_name(conn, name, prefer_type="PERSON")
                return query.who_met(conn, person.entity_id).rows

        return run

    def entity(name: str) -> Callable[[], object]:
        def run() -> object:
            with engine.connect() as conn:
                found = query.resolve_name(conn, name)
                return query.entity_profile(conn, found.entity_id)

        return run

    def with_conn(work: Callable[[Any], object]) -> Callable[[], object]:
        def run() -> object:
            with engine.connect() as conn:
                return work(conn)

        return run

    busiest = names["busiest_person"]
    surname = busiest.split()[-1]
    results: dict[str, Any] = {
        "who-met busiest person": median_ms(who_met(busiest), repeat),
        "who-met busiest, new connection": median_ms(who_met(busiest), repeat, engine.dispose),
        "who-met busiest, reversed+caps": median_ms(
            who_met(" ".join(reversed(busiest.upper().split()))), repeat
        ),
        "who-met typical people": spread_ms([who_met(n) for n in names["typical_people"]]),
        "entity busiest": median_ms(entity(names["busiest_entity"]), repeat),
        "entity busiest person": median_ms(entity(busiest), repeat),
        "entity busiest, new connection": median_ms(
            entity(names["busiest_entity"]), repeat, engine.dispose
        ),
        "entity typical": spread_ms([entity(n) for n in names["typical_entities"]]),
        "name lookup: prefix": median_ms(
            with_conn(lambda c: query.lookup_name(c, busiest[:-2])), 5
        ),
        "name lookup: surname": median_ms(with_conn(lambda c: query.lookup_name(c, surname)), 5),
        "name lookup: typo": median_ms(
            with_conn(lambda c: query.lookup_name(c, busiest[:-1] + "q")), 5
        ),
        "entities --sort mentions": median_ms(
            with_conn(lambda c: query.list_entities(c, sort="mentions")), 5
        ),
        "entities --sort name": median_ms(
            with_conn(lambda c: query.list_entities(c, sort="name")), 5
        ),
        "entities --sort recent": median_ms(
            with_conn(lambda c: query.list_entities(c, sort="recent")), 5
        ),
        "facts (newest 100)": median_ms(with_conn(lambda c: query.facts(c)), 5),
        "facts --relation met": median_ms(with_conn(lambda c: query.facts(c, relation="met")), 5),
        "facts --subject busiest": median_ms(
            with_conn(
                lambda c: query.facts(c, subject_id=query.resolve_name(c, busiest).entity_id)
            ),
            5,
        ),
        "figures --metric revenue": median_ms(
            with_conn(lambda c: query.figures(c, metric="revenue")), 5
        ),
        "stats": median_ms(with_conn(query.store_stats), 3),
    }
    engine.dispose()
    return results


def _run(args: list[str]) -> float:
    """Wall seconds of one process (which must succeed)."""
    began = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
    return wall


# Runs `kb` and prints its own peak RSS last on stderr. Not ru_maxrss from wait4: Linux
# carries the forking parent's high-water mark (this script's, holding the corpus) into it.
_PEAK_RSS_PROBE = """
import sys
from kb.cli import main
try:
    main(sys.argv[1:])
finally:
    status = open("/proc/self/status").read()
    peak = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    print("peak_rss_kib", peak[0] if peak else "0", file=sys.stderr)
"""


def _run_kb_peak(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one `kb` process."""
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS_PROBE, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"kb {' '.join(args)} failed: {done.stderr[-2000:]}")
    peak_kib = float(done.stderr.strip().splitlines()[-1].split()[1])
    return wall, peak_kib / 1024


def measure_startup(db: str, person: str) -> dict[str, Any]:
    """Process start-up, separately from query time: bare Python, importing the CLI, and a
    whole `kb who-met` run; and whether that run imported spaCy."""
    bare = statistics.median(_run([sys.executable, "-c", "pass"]) for _ in range(5))
    cli = statistics.median(_run([sys.executable, "-c", "import kb.cli"]) for _ in range(5))
    who = statistics.median(
        _run([*KB, "who-met", person, "--db", db, "--format", "json"]) for _ in range(5)
    )
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from kb.cli import main\n"
            "try:\n main(sys.argv[1:])\nexcept SystemExit:\n pass\n"
            "print('spacy' in sys.modules, file=sys.stderr)",
            "who-met", person, "--db", db, "--format", "json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    return {
        "python_bare_ms": round(bare * 1000, 1),
        "import_kb_cli_ms": round(cli * 1000, 1),
        "kb_who_met_process_ms": round(who * 1000, 1),
        "who_met_imports_spacy": probe.stderr.strip().splitlines()[-1] == "True",
    }


def measure_export(db: str, rows: int, workdir: Path) -> dict[str, Any]:
    """`kb export v_relations` to CSV: rows/s over the whole process and after start-up
    (the extra rows over the extra time of a run with a tenth of them), and its peak RSS
    next to that of the tenth (flat memory: about the same)."""
    out = workdir / "export.csv"
    tenth = max(1, rows // 10)
    small_wall, small_rss = _run_kb_peak(
        ["export", "--query", f"SELECT * FROM v_relations LIMIT {tenth}", "--db", db,
         "--out", str(out), "--force"]
    )  # fmt: skip
    wall, rss = _run_kb_peak(["export", "v_relations", "--db", db, "--out", str(out), "--force"])
    with out.open(encoding="utf-8") as written_file:
        written = sum(1 for _ in written_file) - 1
    out.unlink()
    return {
        "rows": written,
        "seconds": round(wall, 2),
        "rows_per_s": round(written / wall),
        "rows_per_s_after_startup": round((written - tenth) / max(1e-9, wall - small_wall)),
        "peak_rss_mb": round(rss, 1),
        "tenth_rows": tenth,
        "tenth_seconds": round(small_wall, 2),
        "tenth_peak_rss_mb": round(small_rss, 1),
        "rss_ratio": round(rss / small_rss, 2),
    }


def postgres_admin_url(cli_value: str | None) -> str | None:
    value = cli_value or os.environ.get("KB_TEST_POSTGRES_URL")
    return to_url(value) if value else None


def make_postgres_db(admin_url: str, name: str) -> str:
    """A new, empty database `name` on the server (an old one of that name is dropped)."""
    drop_postgres_db(admin_url, name)
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_db_url(admin_url, name)


def postgres_db_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_db(admin_url: str, name: str) -> None:
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def bench_store(
    kind: str, url: str, corpus: Synthetic, args: argparse.Namespace, workdir: Path, reuse: bool
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if not reuse:
        print(
            f"[{kind}] loading {corpus.facts:,} facts, {corpus.entities:,} entities …", flush=True
        )
        result.update(load(url, corpus))
    engine = make_engine(url, write=False)
    with engine.connect() as conn:
        result["counts"] = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("articles", "entities", "entity_aliases", "mentions", "facts", "figures")
        }
        result["database_mb"] = round((query.database_size(conn) or 0) / 2**20, 1)
    engine.dispose()
    print(f"[{kind}] measuring queries …", flush=True)
    names = pick_names(url, TYPICAL, corpus.seed)
    result["names"] = {
        k: v for k, v in names.items() if not k.startswith("typical_") or "mean" in k
    }
    result["queries"] = measure_queries(url, names, args.repeat)
    db = url if kind == "postgresql" else make_url(url).database or ""
    if not args.skip_startup:
        result["startup"] = measure_startup(db, names["busiest_person"])
    if not args.skip_export:
        print(f"[{kind}] measuring export …", flush=True)
        result["export"] = measure_export(db, result["counts"]["facts"], workdir)
    return result


def print_table(results: dict[str, Any]) -> None:
    stores = [s for s in ("sqlite", "postgresql") if s in results["stores"]]
    print()
    print(
        f"{'query (library time, ms)':<36}"
        + "".join(f"{s + ' median':>20}{'max':>10}" for s in stores)
    )
    first = results["stores"][stores[0]]["queries"]
    for name in first:
        line = f"{name:<36}"
        for store in stores:
            m = results["stores"][store]["queries"].get(name, {})
            line += (
                f"{m.get('median_ms', float('nan')):>20.2f}{m.get('max_ms', float('nan')):>10.2f}"
            )
        print(line)
    for section in ("startup", "export"):
        if section not in results["stores"][stores[0]]:
            continue
        print()
        print(f"{section:<36}" + "".join(f"{s:>30}" for s in stores))
        for key in results["stores"][stores[0]][section]:
            print(
                f"{key:<36}"
                + "".join(
                    f"{results['stores'][s].get(section, {}).get(key, '')!s:>30}" for s in stores
                )
            )
    print()
    for line in results["verdict"]:
        print(line)


TARGETED = (
    "who-met busiest person",
    "who-met busiest, new connection",
    "who-met typical people",
    "entity busiest",
    "entity busiest person",
    "entity busiest, new connection",
    "entity typical",
)


def verdict(results: dict[str, Any]) -> list[str]:
    """The SPEC's targets on SQLite; PostgreSQL is reported against the same numbers."""
    lines = []
    for store, data in results["stores"].items():
        for name in TARGETED:
            ms = data["queries"][name]["median_ms"]
            mark = ("PASS" if ms < TARGET_MS else "FAIL") if store == "sqlite" else "info"
            lines.append(f"{mark} {store} {name}: {ms} ms (target < {TARGET_MS:g})")
    export = results["stores"]["sqlite"].get("export")
    if export:
        ok = export["rows_per_s_after_startup"] >= TARGET_EXPORT_ROWS_PER_S
        lines.append(
            f"{'PASS' if ok else 'FAIL'} sqlite export: {export['rows_per_s_after_startup']:,} "
            f"rows/s after start-up ({export['rows_per_s']:,} over the whole process; target "
            f">= {TARGET_EXPORT_ROWS_PER_S:,})"
        )
        flat = export["rss_ratio"] <= 1.2
        lines.append(
            f"{'PASS' if flat else 'FAIL'} sqlite export memory: peak RSS {export['peak_rss_mb']}"
            f" MB for {export['rows']:,} rows vs {export['tenth_peak_rss_mb']} MB for a tenth"
        )
    startup = results["stores"]["sqlite"].get("startup")
    if startup:
        ok = not startup["who_met_imports_spacy"]
        lines.append(f"{'PASS' if ok else 'FAIL'} kb who-met does not import spaCy")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--facts", type=int, default=20_000, help="facts in the synthetic store")
    parser.add_argument("--entities", type=int, default=2_000, help="entities in the store")
    parser.add_argument("--repeat", type=int, default=20, help="runs per timed query")
    parser.add_argument("--postgres", metavar="URL", help="server for the PostgreSQL run")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep (and reuse) stores here")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "query.json")
    args = parser.parse_args()

    corpus = Synthetic(args.facts, args.entities)
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_avg_1m_at_start": round(os.getloadavg()[0], 2)},
        "facts": args.facts,
        "entities": args.entities,
        "repeat": args.repeat,
        "stores": {},
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="kb_bench_query_") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        tag = f"{args.facts}f_{args.entities}e"
        sqlite_path = workdir / f"bench_{tag}.db"
        reuse = args.keep is not None and sqlite_path.exists()
        if not reuse:
            for leftover in workdir.glob(f"bench_{tag}.db*"):
                leftover.unlink()
        results["stores"]["sqlite"] = bench_store(
            "sqlite", f"sqlite:///{sqlite_path}", corpus, args, workdir, reuse
        )
        admin = None if args.no_postgres else postgres_admin_url(args.postgres)
        if admin:
            name = f"{BENCH_DB}_{tag}"
            pg_reuse = args.keep is not None and _postgres_has(admin, name)
            url = postgres_db_url(admin, name) if pg_reuse else make_postgres_db(admin, name)
            try:
                results["stores"]["postgresql"] = bench_store(
                    "postgresql", url, corpus, args, workdir, pg_reuse
                )
            finally:
                if args.keep is None:
                    drop_postgres_db(admin, name)
    # Other processes on a small machine slow every number here alike: say how busy it was.
    results["machine"]["load_avg_1m_at_end"] = round(os.getloadavg()[0], 2)
    results["verdict"] = verdict(results)
    print_table(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")


def _postgres_has(admin_url: str, name: str) -> bool:
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        has = found.scalar() is not None
    admin.dispose()
    return has


if __name__ == "__main__":
    main()
