"""The only module that knows the stage order:
read → clean/segment → nlp → resolve → extract → store.

NLP and extraction run in this process (`workers=1`) or in a pool of worker
processes, each loading the pipeline once; the parent reads, skips what is stored
already (before any NLP), and writes one transaction per article.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import TYPE_CHECKING, Any, BinaryIO

from sqlalchemy.exc import DataError

from kb.clean import clean_document, split_for_nlp
from kb.errors import InputError, KBError, UsageError
from kb.read import iter_documents
from kb.records import (
    Article,
    ArticleAnalysis,
    Evidence,
    FactRecord,
    FigureRecord,
    MentionRecord,
)
from kb.store.engine import is_sqlite, sqlite_path
from kb.store.open import describe_db_error, open_store
from kb.store.writer import ArticleKeys, Outcome, lookup_states, store_articles

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from sqlalchemy import Engine

    from kb.nlp import MemoryZones

# Bump when extraction rules change: stored articles from an older version are re-extracted.
EXTRACTOR_VERSION = "2026.11.1"
LOOKUP_BATCH = 64
NLP_BATCH = 32
# spaCy refuses texts over nlp.max_length (E088); we split well below it.
MAX_CHUNK_CHARS = 100_000


@dataclass
class IngestSummary:
    new: int = 0
    unchanged: int = 0
    updated: int = 0
    failed: int = 0
    mentions: int = 0
    facts: int = 0
    figures: int = 0
    words: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0


ProgressCallback = Callable[[Article, int], None]


def analyze_doc(
    doc: Doc, published_on: dt.date | None = None, text: str | None = None
) -> ArticleAnalysis:
    """Resolve and extract everything from one parsed text (`text`: the string `doc` was
    parsed from, where the caller has it)."""
    from kb.doctable import prime_doc_table
    from kb.extract.figures import extract_figures
    from kb.extract.meetings import extract_meetings
    from kb.extract.products import extract_products
    from kb.extract.relations import extract_relations
    from kb.extract.roles import extract_roles
    from kb.resolve.mentions import resolve_mentions

    if text is not None:
        prime_doc_table(doc, text)
    date = published_on
    mentions = resolve_mentions(doc)
    facts: list[FactRecord] = []
    for extractor in (extract_meetings, extract_roles, extract_products, extract_relations):
        facts.extend(extractor(doc, mentions, date))
    figures = list(extract_figures(doc, mentions, date))
    return ArticleAnalysis(mentions=tuple(mentions), facts=tuple(facts), figures=tuple(figures))


def _shift(ev: Evidence, offset: int) -> Evidence:
    return Evidence(
        start_char=ev.start_char + offset,
        end_char=ev.end_char + offset,
        sent_start=ev.sent_start + offset,
        sent_end=ev.sent_end + offset,
    )


def _shifted(analysis: ArticleAnalysis, offset: int) -> ArticleAnalysis:
    if offset == 0:
        return analysis

    def move(record: MentionRecord | FactRecord | FigureRecord):  # type: ignore[no-untyped-def]
        return record.model_copy(update={"evidence": _shift(record.evidence, offset)})

    return ArticleAnalysis(
        mentions=tuple(move(m) for m in analysis.mentions),
        facts=tuple(move(f) for f in analysis.facts),
        figures=tuple(move(g) for g in analysis.figures),
    )


def _merge(parts: Sequence[ArticleAnalysis]) -> ArticleAnalysis:
    if len(parts) == 1:
        return parts[0]
    return ArticleAnalysis(
        mentions=tuple(m for p in parts for m in p.mentions),
        facts=tuple(f for p in parts for f in p.facts),
        figures=tuple(g for p in parts for g in p.figures),
    )


def analyze_articles(
    nlp: Language, articles: Sequence[Article], zones: MemoryZones | None = None
) -> list[ArticleAnalysis | Exception]:
    """Parse and extract a batch; a failure in one article does not stop the others.

    The Docs live in a memory zone of `zones` (one of their own without it)."""
    if zones is None:
        from kb.nlp import MemoryZones

        with MemoryZones(nlp) as own:
            return analyze_articles(nlp, articles, own)
    chunks = [
        (text, (index, offset, text))
        for index, article in enumerate(articles)
        for offset, text in split_for_nlp(article.text, MAX_CHUNK_CHARS)
    ]
    parts: list[list[ArticleAnalysis]] = [[] for _ in articles]
    failures: dict[int, Exception] = {}
    zones.enter()
    for doc, (index, offset, text) in nlp.pipe(chunks, as_tuples=True, batch_size=NLP_BATCH):
        if index in failures:
            continue
        try:
            analysis = analyze_doc(doc, articles[index].published_on, text)
            parts[index].append(_shifted(analysis, offset))
        except Exception as exc:  # an extractor bug must not lose the rest of the run
            failures[index] = exc
    zones.spent(sum(article.word_count for article in articles))
    return [failures.get(i) or _merge(p) for i, p in enumerate(parts)]


# Exercises every extractor once, so each builds its matchers (and registers their
# strings) before any memory zone: strings first added inside a zone are freed when it
# closes, and a matcher that kept their hashes would fail later with spaCy's E018.
WARM_UP_TEXT = (
    "Acme Corp. CEO Jane Doe met with Orbit Inc. chairman John Roe in Paris on May 2, 2024. "
    "Acme said revenue rose 12% year-on-year to $4.5 billion in the second quarter of 2024, "
    "and it unveiled the Acme Phone 5 Pro. Doe visited Orbit's factory, accompanied by Roe."
)


@cache
def prepared_pipeline(model: str | None) -> Language:
    """The loaded pipeline with every extractor warmed up (see WARM_UP_TEXT)."""
    from kb.nlp import load_pipeline

    nlp = load_pipeline(model)
    analyze_doc(nlp(WARM_UP_TEXT), None)
    return nlp


@dataclass(frozen=True)
class Stored:
    """What storing one article did: small, so a worker sends back only this."""

    outcome: Outcome | None  # None: the article failed, see `error`
    error: str | None = None
    words: int = 0
    mentions: int = 0
    facts: int = 0
    figures: int = 0


def store_batch(
    engine: Engine,
    batch: Sequence[Article],
    analyses: Sequence[ArticleAnalysis | Exception],
    force: bool,
) -> list[Stored]:
    """Store the analysed articles of a batch (see store_articles); one that failed
    extraction or that the store refuses fails alone."""
    ready = [
        (article, analysis)
        for article, analysis in zip(batch, analyses, strict=True)
        if not isinstance(analysis, Exception)
    ]
    outcomes = iter(store_articles(engine, ready, extractor_version=EXTRACTOR_VERSION, force=force))
    results: list[Stored] = []
    for article, analysis in zip(batch, analyses, strict=True):
        if isinstance(analysis, Exception):
            results.append(Stored(None, f"{article.origin}: extraction failed: {analysis!r}"))
            continue
        outcome = next(outcomes)
        if isinstance(outcome, DataError):  # a value this store refuses: lose this article
            results.append(
                Stored(None, f"{article.origin}: not stored: {describe_db_error(outcome)}")
            )
            continue
        results.append(
            Stored(
                outcome,
                words=article.word_count,
                mentions=len(analysis.mentions),
                facts=len(analysis.facts),
                figures=len(analysis.figures),
            )
        )
    return results


# Worker processes: each holds a warmed-up pipeline and its own engines, and stores
# what it extracts itself (the store is safe for concurrent writers), so only paths of
# text go out and a few counts come back.
_worker_nlp: Language | None = None
_worker_zones: MemoryZones | None = None  # open between batches: see MemoryZones
_worker_failure: str | None = None
_worker_engines: dict[str, Engine] = {}


def _init_worker(model: str | None, ready: Any) -> None:
    global _worker_nlp, _worker_zones, _worker_failure
    try:
        from kb.nlp import MemoryZones

        _worker_nlp = prepared_pipeline(model)
        _worker_zones = MemoryZones(_worker_nlp)
    except Exception as exc:  # reported once by the parent instead of a respawn loop
        _worker_failure = str(exc) or type(exc).__name__
    ready.put(_worker_failure)


def _ingest_in_worker(url: str, force: bool, batch: list[Article]) -> list[Stored]:
    if _worker_nlp is None:
        raise KBError(f"worker could not load the pipeline: {_worker_failure}")
    engine = _worker_engines.get(url)
    if engine is None:
        engine = _worker_engines[url] = open_store(url, upgrade=False)
    analyses = analyze_articles(_worker_nlp, batch, _worker_zones)
    return store_batch(engine, batch, analyses, force)


class WorkerPool:
    """`workers` processes with the pipeline loaded, reusable across ingests.

    Spawned, not forked: a fork would copy locks held by the parent's threads (the
    progress bar writes to stderr from one)."""

    def __init__(self, workers: int, model: str | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self.workers = workers
        self.model = model
        self._ready = context.SimpleQueue()
        self._started = 0
        self._pool = context.Pool(workers, initializer=_init_worker, initargs=(model, self._ready))

    def wait_ready(self) -> None:
        """Block until every worker has loaded the pipeline (so start-up is not timed
        as throughput); a worker that could not load it is a KBError."""
        while self._started < self.workers:
            failure = self._ready.get()
            self._started += 1
            if failure is not None:
                raise KBError(f"worker could not load the pipeline: {failure}")

    def submit(self, url: str, force: bool, batch: list[Article]) -> AsyncResult[list[Stored]]:
        return self._pool.apply_async(_ingest_in_worker, (url, force, batch))

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _batched(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def iter_articles(
    paths: Sequence[str],
    *,
    text_column: str | None,
    stdin: BinaryIO | None,
    on_error: Callable[[str], None],
) -> Iterator[Article]:
    """Read and clean every input; bad inputs are reported and skipped."""
    for item in iter_documents(paths, text_column=text_column, stdin=stdin):
        if isinstance(item, InputError):
            on_error(str(item))
            continue
        try:
            yield from clean_document(item)
        except KBError as exc:
            on_error(f"{item.origin}: {exc}")


def ingest(
    engine: Engine,
    paths: Sequence[str],
    *,
    model: str | None = None,
    workers: int = 1,
    pool: WorkerPool | None = None,
    force: bool = False,
    text_column: str | None = None,
    stdin: BinaryIO | None = None,
    on_error: Callable[[str], None] | None = None,
    on_article: ProgressCallback | None = None,
) -> IngestSummary:
    """Ingest `paths` into the store behind `engine` and say what happened.

    With `workers` > 1 (or a started `pool`), NLP, extraction and storing run in worker
    processes; this process reads, skips what is stored already and keeps the tally."""
    url = engine.url.render_as_string(hide_password=False)
    if (pool is not None or workers > 1) and is_sqlite(url) and sqlite_path(url) is None:
        raise UsageError("--workers needs a database file or server, not an in-memory one")
    if pool is None and workers > 1:
        with WorkerPool(workers, model) as own_pool:
            return ingest(
                engine,
                paths,
                pool=own_pool,
                force=force,
                text_column=text_column,
                stdin=stdin,
                on_error=on_error,
                on_article=on_article,
            )
    summary = IngestSummary()
    started = time.perf_counter()

    def report(message: str) -> None:
        summary.failed += 1
        summary.errors.append(message)
        if on_error is not None:
            on_error(message)

    def tally(batch: list[Article], results: list[Stored]) -> None:
        for article, stored in zip(batch, results, strict=True):
            if stored.outcome is None:
                report(stored.error or f"{article.origin}: failed")
                continue
            setattr(summary, stored.outcome, getattr(summary, stored.outcome) + 1)
            if stored.outcome != "unchanged":
                summary.words += stored.words
                summary.mentions += stored.mentions
                summary.facts += stored.facts
                summary.figures += stored.figures
            if on_article is not None:
                on_article(article, stored.words)

    articles = iter_articles(paths, text_column=text_column, stdin=stdin, on_error=report)
    batches = _batched(_pending(engine, articles, force, summary, on_article), NLP_BATCH)
    if pool is None:
        from kb.nlp import MemoryZones

        nlp = prepared_pipeline(model)
        with MemoryZones(nlp) as zones:
            for batch in batches:
                analyses = analyze_articles(nlp, batch, zones)
                tally(batch, store_batch(engine, batch, analyses, force))
    else:
        pool.wait_ready()
        in_flight: deque[tuple[list[Article], set[str], AsyncResult[list[Stored]]]] = deque()

        def finish_oldest() -> None:
            done, _, result = in_flight.popleft()
            tally(done, result.get())

        for batch in batches:
            # Another version of an article still in flight (the same URL or path, new
            # content) waits for it: the last one read wins, as in one process.
            sources = {article.source_key for article in batch}
            if any(not sources.isdisjoint(flying) for _, flying, _ in in_flight):
                while in_flight:
                    finish_oldest()
            in_flight.append((batch, sources, pool.submit(url, force, batch)))
            # Two batches per worker keep every worker busy, and reading stays ahead of
            # them by a bounded amount, so memory is flat on any corpus size.
            if len(in_flight) >= 2 * pool.workers:
                finish_oldest()
        while in_flight:
            finish_oldest()
    summary.seconds = time.perf_counter() - started
    return summary


def _pending(
    engine: Engine,
    articles: Iterable[Article],
    force: bool,
    summary: IngestSummary,
    on_article: ProgressCallback | None,
) -> Iterator[Article]:
    """Articles that need NLP: not stored yet, changed, or from an older extractor."""
    seen: set[str] = set()
    for batch in _batched(articles, LOOKUP_BATCH):
        keyed = [(ArticleKeys.of(a), a) for a in batch]
        with engine.connect() as conn:
            states = lookup_states(conn, (k for k, _ in keyed))
        for keys, article in keyed:
            state = states[keys]
            stored = state.same_content and state.extractor_version == EXTRACTOR_VERSION
            if keys.content_hash in seen or (stored and not force):
                summary.unchanged += 1
                if on_article is not None:
                    on_article(article, 0)
                continue
            seen.add(keys.content_hash)
            yield article
