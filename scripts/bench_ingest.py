"""Ingest benchmark: our pipeline against bare spaCy, in ratios measured in one run.

Targets (SPEC "Performance"):
  single process  >= 90 % of bare nlp.pipe words/s (same model, components, texts)
  --workers 2     >= 1.7x one worker
  10k vs 100k short articles: words/s within 15 %, peak RSS within 1.3x
  re-ingest of an unchanged corpus >= 50x faster than the first ingest

The corpus is made here: sentences from data/ (and ../shared/seeds when present),
recombined at random into unique articles, written as JSON Lines. Bare spaCy and our
runs take turns on slices of it, so drift in the machine's speed hits all alike.
Prints a table and writes bench/results/ingest.json.

    python scripts/bench_ingest.py                 # all measures (the scale pair takes long)
    python scripts/bench_ingest.py --skip-scale    # quick: baseline, workers, re-ingest
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.clean import clean_document  # noqa: E402
from kb.read import iter_documents  # noqa: E402
from kb.records import RawDocument  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def sentence_pool() -> list[str]:
    sources = [str(REPO / "data")]
    seeds = REPO.parent / "shared" / "seeds"
    if seeds.is_dir():
        sources.append(str(seeds))
    pool: list[str] = []
    for doc in iter_documents(sources):
        if not isinstance(doc, RawDocument):
            continue
        for article in clean_document(doc):
            for paragraph in article.text.split("\n"):
                pool.extend(s.strip() for s in SENTENCE_END.split(paragraph) if len(s.split()) >= 6)
    return sorted(set(pool))


def make_corpus(path: Path, count: int, words: int, seed: int) -> int:
    """Write `count` unique articles of about `words` words; returns the word total."""
    rng = random.Random(seed)
    pool = sentence_pool()
    seen: set[str] = set()
    total = 0
    with path.open("w", encoding="utf-8") as out:
        while len(seen) < count:
            sentences: list[str] = []
            while sum(len(s.split()) for s in sentences) < words:
                sentences.append(rng.choice(pool))
            text = " ".join(sentences)
            if text in seen:
                continue
            seen.add(text)
            total += len(text.split())
            day = rng.randint(1, 28)
            record = {"title": sentences[0][:60], "date": f"2025-03-{day:02d}", "text": text}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return total


def real_news_corpus(path: Path) -> Path | None:
    """The Deutsche Welle articles of ../shared/eval as JSON Lines, when present."""
    docs = REPO.parent / "shared" / "eval" / "public" / "dwie_dev" / "docs"
    if not docs.is_dir():
        return None
    with path.open("w", encoding="utf-8") as out:
        for doc in sorted(docs.glob("*.txt")):
            text = doc.read_text(encoding="utf-8")
            out.write(json.dumps({"title": doc.stem, "text": text}, ensure_ascii=False) + "\n")
    return path


def texts_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle]


class StageClock:
    """Seconds spent in extraction and in storing during one single-process ingest (the
    rest is spaCy, reading and bookkeeping): where our overhead goes."""

    def __init__(self) -> None:
        self.seconds = {"extract": 0.0, "store": 0.0}

    def __enter__(self) -> StageClock:
        import kb.pipeline

        self._saved = (kb.pipeline.analyze_doc, kb.pipeline.store_batch)
        kb.pipeline.analyze_doc = self._timed("extract", kb.pipeline.analyze_doc)
        kb.pipeline.store_batch = self._timed("store", kb.pipeline.store_batch)
        return self

    def __exit__(self, *exc: object) -> None:
        import kb.pipeline

        kb.pipeline.analyze_doc, kb.pipeline.store_batch = self._saved

    def _timed(self, stage: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - started

        return timed


def run_ingest(corpus: Path, db: Path) -> dict[str, Any]:
    """One single-process ingest of `corpus` into `db` (the re-ingest and scale runs)."""
    from kb.pipeline import ingest, prepared_pipeline
    from kb.store.open import open_store

    prepared_pipeline(None)  # model load and warm-up are start-up, not throughput
    engine = open_store(f"sqlite:///{db}")
    try:
        started = time.perf_counter()
        summary = ingest(engine, [str(corpus)])
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    return run_result(seconds, sum(len(t.split()) for t in texts_of(corpus)), [summary])


def run_result(seconds: float, words: int, summaries: list[Any]) -> dict[str, Any]:
    """What the ingests that took `seconds` in all did, as the results file keeps it."""
    return {
        "seconds": seconds,
        "words": words,
        "words_per_second": words / seconds,
        "new": sum(s.new for s in summaries),
        "unchanged": sum(s.unchanged for s in summaries),
        "failed": sum(s.failed for s in summaries),
    }


def split_corpus(corpus: Path, parts: int, folder: Path) -> list[Path]:
    """`corpus` (JSON Lines) cut into `parts` files of consecutive lines."""
    with corpus.open(encoding="utf-8") as handle:
        lines = handle.readlines()
    size = -(-len(lines) // parts)
    paths = []
    for n in range(parts):
        chunk = lines[n * size : (n + 1) * size]
        if chunk:
            paths.append(folder / f"{corpus.stem}.part{n}.jsonl")
            paths[-1].write_text("".join(chunk), encoding="utf-8")
    return paths


def interleaved_runs(corpus: Path, work: Path, slices: int, tag: str = "") -> dict[str, Any]:
    """Bare `nlp.pipe`, our ingest in one process and our ingest with two workers take
    turns on slices of the corpus, in a rotating order, and each side's times are summed.

    This machine's speed drifts by 10-15% within minutes (a shared VM: two runs of bare
    spaCy a few minutes apart gave 3,874 and 3,170 words/s); with each side run once in
    a row, the drift weighed as much as our code. Taking turns gives every side the same
    share of fast and slow minutes. Start-up (model load, warm-up, worker start) is
    outside the clocks, as before."""
    from kb.nlp import load_pipeline
    from kb.pipeline import NLP_BATCH, WorkerPool, ingest, prepared_pipeline
    from kb.store.open import open_store

    prepared_pipeline(None)
    nlp = load_pipeline(None)
    pool = WorkerPool(2)
    pool.wait_ready()
    stores = {"single": open_store(f"sqlite:///{work / f'{tag}one.db'}"),
              "workers2": open_store(f"sqlite:///{work / f'{tag}two.db'}")}  # fmt: skip
    seconds: dict[str, list[float]] = {"bare": [], "single": [], "workers2": []}
    summaries: dict[str, list[Any]] = {"single": [], "workers2": []}
    clock = StageClock()
    try:
        for n, part in enumerate(split_corpus(corpus, slices, work)):
            sides = ["bare", "single", "workers2"]
            for side in sides[n % 3 :] + sides[: n % 3]:
                if side == "bare":
                    texts = texts_of(part)
                    started = time.perf_counter()
                    with nlp.memory_zone():
                        for _ in nlp.pipe(texts, batch_size=NLP_BATCH):
                            pass
                elif side == "single":
                    with clock:
                        started = time.perf_counter()
                        summaries[side].append(ingest(stores[side], [str(part)]))
                else:
                    started = time.perf_counter()
                    summaries[side].append(ingest(stores[side], [str(part)], pool=pool))
                seconds[side].append(time.perf_counter() - started)
    finally:
        for engine in stores.values():
            engine.dispose()
        pool.close()
    words = sum(len(t.split()) for t in texts_of(corpus))

    def side_result(side: str) -> dict[str, Any]:
        result = run_result(sum(seconds[side]), words, summaries[side])
        return {**result, "seconds_per_slice": seconds[side]}

    single = side_result("single")
    single.update({f"{k}_seconds": v for k, v in clock.seconds.items()})
    return {
        "bare_words_per_second": words / sum(seconds["bare"]),
        "bare_seconds_per_slice": seconds["bare"],
        "single": single,
        "workers2": side_result("workers2"),
    }


def scale_run(count: int, words: int, workdir: Path) -> dict[str, float]:
    """One ingest in a fresh interpreter, so its peak RSS is its own."""
    corpus = workdir / f"scale_{count}.jsonl"
    make_corpus(corpus, count, words, seed=count)
    code = (
        "import json, resource, sys; sys.path.insert(0, sys.argv[3]);"
        "from scripts.bench_ingest import run_ingest; from pathlib import Path;"
        "r = run_ingest(Path(sys.argv[1]), Path(sys.argv[2]));"
        "r['peak_rss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024;"
        "print(json.dumps(r))"
    )
    db = workdir / f"scale_{count}.db"
    out = subprocess.run(
        [sys.executable, "-c", code, str(corpus), str(db), str(REPO)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1500, help="articles for the main runs")
    parser.add_argument("--words", type=int, default=150, help="words per article (main runs)")
    parser.add_argument("--scale-small", type=int, default=10_000)
    parser.add_argument("--scale-large", type=int, default=100_000)
    parser.add_argument("--scale-words", type=int, default=40, help="words per short article")
    parser.add_argument(
        "--slices", type=int, default=6, help="turns that bare spaCy and our runs take"
    )
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "ingest.json")
    args = parser.parse_args()

    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "articles": args.articles,
    }
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus.jsonl"
        make_corpus(corpus, args.articles, args.words, seed=1)

        turns = interleaved_runs(corpus, work, args.slices)
        baseline = turns["bare_words_per_second"]
        single, double = turns["single"], turns["workers2"]
        again = run_ingest(corpus, work / "one.db")
        overhead_ratio = single["words_per_second"] / baseline
        overhead_seconds = single["extract_seconds"] + single["store_seconds"]
        overhead_share = overhead_seconds * baseline / single["words"]
        workers_ratio = double["words_per_second"] / single["words_per_second"]
        reingest_ratio = single["seconds"] / again["seconds"]
        results.update(
            bare_spacy_words_per_second=baseline,
            bare_spacy_seconds_per_slice=turns["bare_seconds_per_slice"],
            slices=args.slices,
            load_average=os.getloadavg(),
            single=single,
            reingest=again,
            workers2=double,
        )
        rows += [
            ("bare nlp.pipe words/s", f"{baseline:,.0f}", "", ""),
            (
                "kb ingest words/s (1 process)",
                f"{single['words_per_second']:,.0f}",
                f"{overhead_ratio:.2f}x of spaCy",
                "PASS" if overhead_ratio >= 0.9 else "FAIL",
            ),
            (
                "  extraction, share of spaCy time",
                f"{single['extract_seconds']:.1f} s",
                f"{single['extract_seconds'] * baseline / single['words']:.1%}",
                "",
            ),
            (
                "  storing, share of spaCy time",
                f"{single['store_seconds']:.1f} s",
                f"{single['store_seconds'] * baseline / single['words']:.1%}",
                "",
            ),
            (
                # SPEC: "our overhead <= 10 %". Read off our own clocks, so it checks the
                # ratio above, which drift in the machine's speed can still move a few %.
                "  extraction + storing, share of spaCy time",
                f"{overhead_seconds:.1f} s",
                f"{overhead_share:.1%}",
                "PASS" if overhead_share <= 0.10 else "FAIL",
            ),
            (
                "kb ingest words/s (--workers 2)",
                f"{double['words_per_second']:,.0f}",
                f"{workers_ratio:.2f}x of 1",
                "PASS" if workers_ratio >= 1.7 else "FAIL",
            ),
            (
                "re-ingest unchanged seconds",
                f"{again['seconds']:.2f}",
                f"{reingest_ratio:.0f}x faster",
                "PASS" if reingest_ratio >= 50 else "FAIL",
            ),
        ]
        ratios = {
            "ingest_vs_spacy": overhead_ratio,
            "extract_and_store_share_of_spacy": overhead_share,
            "workers2_vs_1": workers_ratio,
            "reingest_speedup": reingest_ratio,
        }
        results["ratios"] = ratios
        news = real_news_corpus(work / "news.jsonl")
        if news is not None:
            # Third-party news (longer, less dense than our recombined sentences): the same
            # measure on text nobody here wrote, reported beside the target.
            news_turns = interleaved_runs(news, work, 2, tag="news_")
            news_single = news_turns["single"]
            news_ratio = news_single["words_per_second"] / news_turns["bare_words_per_second"]
            results.update(
                real_news=news_single,
                real_news_bare_words_per_second=news_turns["bare_words_per_second"],
            )
            ratios["real_news_ingest_vs_spacy"] = news_ratio
            rows.append(
                (
                    f"real news ({news_single['new']:.0f} DW articles), 1 process",
                    f"{news_single['words_per_second']:,.0f}",
                    f"{news_ratio:.2f}x of spaCy",
                    "PASS" if news_ratio >= 0.9 else "FAIL",
                )
            )
        if not args.skip_scale:
            small = scale_run(args.scale_small, args.scale_words, work)
            large = scale_run(args.scale_large, args.scale_words, work)
            speed = large["words_per_second"] / small["words_per_second"]
            memory = large["peak_rss_mb"] / small["peak_rss_mb"]
            results.update(scale_small=small, scale_large=large)
            ratios.update(scale_words_per_second=speed, scale_peak_rss=memory)
            rows += [
                (
                    f"{args.scale_small:,} vs {args.scale_large:,} words/s",
                    f"{small['words_per_second']:,.0f} / {large['words_per_second']:,.0f}",
                    f"{speed:.2f}x",
                    "PASS" if abs(1 - speed) <= 0.15 else "FAIL",
                ),
                (
                    f"{args.scale_small:,} vs {args.scale_large:,} peak RSS MB",
                    f"{small['peak_rss_mb']:,.0f} / {large['peak_rss_mb']:,.0f}",
                    f"{memory:.2f}x",
                    "PASS" if memory <= 1.3 else "FAIL",
                ),
            ]
    results["peak_rss_mb_parent"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>22}  {'ratio':>16}  target")
    for name, value, ratio, verdict in rows:
        print(f"{name:<{width}}  {value:>22}  {ratio:>16}  {verdict}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
