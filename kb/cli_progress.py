"""The ingest progress bar: articles, words/s and elapsed time on stderr, only on a TTY."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kb.records import Article


@contextmanager
def ingest_progress(*, enabled: bool) -> Iterator[Callable[[Article, int], None] | None]:
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    words = 0
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.completed} articles"),
        TextColumn("{task.fields[rate]:>8,.0f} words/s"),
        TextColumn("{task.fields[current]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=None, rate=0.0, current="")

        def on_article(article: Article, article_words: int) -> None:
            nonlocal words
            words += article_words
            rate = words / max(time.perf_counter() - started, 1e-6)
            title = (article.title or article.origin)[:40]
            progress.update(task, advance=1, rate=rate, current=title)

        yield on_article
