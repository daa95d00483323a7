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
from typing import TYPE_CHECKING, BinaryIO

from sqlalchemy.exc import DataError

from kb.clean import clean_document, split_for_nlp
from kb.errors import InputError, KBError
from kb.read import iter_documents
from kb.records import (
    Article,
    ArticleAnalysis,
    Evidence,
    FactRecord,
    FigureRecord,
    MentionRecord,
)
from kb.store.open import describe_db_error
from kb.store.writer import ArticleKeys, lookup_states, store_article
from kb.textnorm import word_count

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from sqlalchemy import Engine

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


def analyze_doc(doc: Doc, published_on: dt.date | None = None) -> ArticleAnalysis:
    """Resolve and extract everything from one parsed text."""
    from kb.extract.figures import extract_figures
    from kb.extract.meetings import extract_meetings
    from kb.extract.products import extract_products
    from kb.extract.relations import extract_relations
    from kb.extract.roles import extract_roles
    from kb.resolve.mentions import resolve_mentions

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
    nlp: Language, articles: Sequence[Article]
) -> list[ArticleAnalysis | Exception]:
    """Parse and extract a batch; a failure in one article does not stop the others."""
    chunks = [
        ((text, (index, offset)))
        for index, article in enumerate(articles)
        for offset, text in split_for_nlp(article.text, MAX_CHUNK_CHARS)
    ]
    parts: list[list[ArticleAnalysis]] = [[] for _ in articles]
    failures: dict[int, Exception] = {}
    with nlp.memory_zone():
        for doc, (index, offset) in nlp.pipe(chunks, as_tuples=True, batch_size=NLP_BATCH):
            if index in failures:
                continue
            try:
                analysis = analyze_doc(doc, articles[index].published_on)
                parts[index].append(_shifted(analysis, offset))
            except Exception as exc:  # an extractor bug must not lose the rest of the run
                failures[index] = exc
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


_worker_nlp: Language | None = None


def _init_worker(model: str | None) -> None:
    global _worker_nlp
    _worker_nlp = prepared_pipeline(model)


def _analyze_in_worker(articles: list[Article]) -> list[ArticleAnalysis | Exception]:
    assert _worker_nlp is not None
    return analyze_articles(_worker_nlp, articles)


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
    force: bool = False,
    text_column: str | None = None,
    stdin: BinaryIO | None = None,
    on_error: Callable[[str], None] | None = None,
    on_article: ProgressCallback | None = None,
) -> IngestSummary:
    """Ingest `paths` into the store behind `engine` and say what happened."""
    summary = IngestSummary()
    started = time.perf_counter()

    def report(message: str) -> None:
        summary.failed += 1
        summary.errors.append(message)
        if on_error is not None:
            on_error(message)

    articles = iter_articles(paths, text_column=text_column, stdin=stdin, on_error=report)
    batches = _batched(_pending(engine, articles, force, summary, on_article), NLP_BATCH)
    if workers > 1:
        in_flight: deque[list[Article]] = deque()

        def remember(batch: list[Article]) -> list[Article]:
            in_flight.append(batch)
            return batch

        context = multiprocessing.get_context("spawn")
        with context.Pool(workers, initializer=_init_worker, initargs=(model,)) as pool:
            results = pool.imap(_analyze_in_worker, (remember(b) for b in batches))
            _store_all(
                engine,
                ((in_flight.popleft(), r) for r in results),
                summary,
                force,
                report,
                on_article,
            )
    else:
        nlp = prepared_pipeline(model)
        _store_all(
            engine,
            ((b, analyze_articles(nlp, b)) for b in batches),
            summary,
            force,
            report,
            on_article,
        )
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


def _store_all(
    engine: Engine,
    results: Iterable[tuple[list[Article], list[ArticleAnalysis | Exception]]],
    summary: IngestSummary,
    force: bool,
    report: Callable[[str], None],
    on_article: ProgressCallback | None = None,
) -> None:
    for batch, analyses in results:
        for article, analysis in zip(batch, analyses, strict=True):
            if isinstance(analysis, Exception):
                report(f"{article.origin}: extraction failed: {analysis!r}")
                continue
            try:
                outcome = store_article(
                    engine, article, analysis, extractor_version=EXTRACTOR_VERSION, force=force
                )
            except DataError as exc:  # a value this store refuses: lose this article, not the run
                report(f"{article.origin}: not stored: {describe_db_error(exc)}")
                continue
            words = word_count(article.text)
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if outcome != "unchanged":
                summary.words += words
                summary.mentions += len(analysis.mentions)
                summary.facts += len(analysis.facts)
                summary.figures += len(analysis.figures)
            if on_article is not None:
                on_article(article, words)
