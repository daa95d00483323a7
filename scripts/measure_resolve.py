"""Measure entity resolution, roles and products without a database.

Runs the model + kb.resolve.resolve_mentions + extract_roles + extract_products over

* the seed documents (../shared/seeds/*.txt, read and cleaned by kb.read/kb.clean as
  `kb ingest` does) against ../shared/eval/seeds-dev.jsonl, and
* the DWIE dev set (../shared/eval/public/dwie_dev) against its per-document gold,

merging entities across articles by key as the store does (label by vote_label,
display name by best_name), and prints precision / recall / F1 per kind.

    .venv/bin/python scripts/measure_resolve.py [--show-errors] [--model NAME] [--only seeds|dwie]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kb.eval.matching import name_key, name_tokens
from kb.extract.products import extract_products
from kb.extract.roles import extract_roles
from kb.nlp import load_pipeline
from kb.resolve.mentions import resolve_mentions
from kb.resolve.names import clean_surface
from kb.resolve.votes import best_name, vote_label

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = SHARED / "seeds"
SEED_GOLD = SHARED / "eval" / "seeds-dev.jsonl"
DWIE = SHARED / "eval" / "public" / "dwie_dev"
BULLET = re.compile(r"^\s*[•·▪]\s+", re.MULTILINE)
TITLE_SYNONYMS = {"ceo": {"chief", "executive"}, "chairman": {"chair", "chairperson"}}


@dataclass
class Entity:
    labels: Counter[str] = field(default_factory=Counter)
    aliases: Counter[str] = field(default_factory=Counter)
    docs: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return vote_label(self.labels)

    @property
    def names(self) -> set[str]:
        return {name_key(clean_surface(a)) for a in self.aliases} | {
            name_key(best_name(self.aliases))
        }


@dataclass
class Corpus:
    entities: dict[str, Entity] = field(default_factory=lambda: defaultdict(Entity))
    roles: list[tuple[str, str, str, str | None, str, str]] = field(default_factory=list)
    makes: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(self, doc_id: str, nlp, text: str, published_on: dt.date | None) -> None:  # type: ignore[no-untyped-def]
        doc = nlp(text)
        mentions = resolve_mentions(doc)
        for m in mentions:
            entity = self.entities[m.entity.key]
            entity.labels[m.label] += 1
            entity.aliases[m.text] += 1
            entity.aliases[m.entity.name] += 0
            entity.docs.add(doc_id)
        for fact in extract_roles(doc, mentions, published_on):
            assert fact.object is not None
            self.roles.append(
                (
                    doc_id,
                    fact.subject.key,
                    fact.object.key,
                    fact.title,
                    fact.status or "",
                    fact.extractor,
                )
            )
        for fact in extract_products(doc, mentions, published_on):
            assert fact.object is not None
            self.makes.append((doc_id, fact.subject.key, fact.object.key, fact.extractor))

    def name(self, key: str) -> str:
        return best_name(self.entities[key].aliases)


def alternatives(value: str) -> set[str]:
    return {name_key(v) for v in value.split("|")}


def prf(hits: int, total_gold: int, correct: int, total_kb: int) -> str:
    r = hits / total_gold if total_gold else 0.0
    p = correct / total_kb if total_kb else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P={p:.3f} ({correct}/{total_kb})  R={r:.3f} ({hits}/{total_gold})  F1={f:.3f}"


def title_ok(gold: str | None, title: str | None) -> bool:
    if not gold:
        return True
    words = set(re.findall(r"[a-z]+", (title or "").casefold()))
    for option in gold.split("|"):
        want = set(re.findall(r"[a-z]+", option.casefold()))
        for w in list(want):
            want |= TITLE_SYNONYMS.get(w, set())
        if words & want or ("ceo" in words and {"chief", "executive"} <= want):
            return True
    return False


def read_gold(path: Path) -> list[dict]:  # type: ignore[type-arg]
    lines = path.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    return [json.loads(chunk) for chunk in re.findall(r"\{.*?\}(?=\s*(?:\{|$))", text, re.S)]


def articles_of(path: Path) -> list[tuple[str, str, dt.date | None]]:
    """(id, text, date) of each article in `path`, read and cleaned as `kb ingest` does.

    Without the reader/cleaner (or if they fail) the raw text is used, a bulleted
    digest split into its items.
    """
    try:
        from kb.clean import clean_document
        from kb.read import iter_documents

        found = []
        for raw in iter_documents([str(path)]):
            if isinstance(raw, Exception):
                raise raw
            for article in clean_document(raw):
                found.append((f"{path.stem}#{article.item}", article.text, article.published_on))
        return found
    except Exception:  # the measurement must still run while those stages change
        text = path.read_text(encoding="utf-8")
        items = BULLET.split(text)
        if len(items) > 2:
            return [(f"{path.stem}#{i}", item, None) for i, item in enumerate(items[1:], 1)]
        return [(path.stem, text, None)]


def measure_seeds(nlp, show: bool) -> None:  # type: ignore[no-untyped-def]
    corpus = Corpus()
    for path in sorted(SEEDS.glob("*.txt")):
        for doc_id, text, published_on in articles_of(path):
            corpus.add(doc_id, nlp, text, published_on)
    gold = read_gold(SEED_GOLD)
    ents = corpus.entities

    def find(names: set[str], label: str | None = None) -> list[str]:
        return [
            k for k, e in ents.items() if e.names & names and (label is None or e.label == label)
        ]

    print("== seeds (seeds-dev.jsonl)")
    gold_entities = [g for g in gold if g["kind"] == "entity"]
    hits = sum(1 for g in gold_entities if find(alternatives(g["name"]), g["type"]))
    needed = sum(1 for g in gold_entities if not g.get("optional"))
    hits_needed = sum(
        1
        for g in gold_entities
        if not g.get("optional") and find(alternatives(g["name"]), g["type"])
    )
    touched = {k for g in gold_entities for k in find(alternatives(g["name"]))}
    correct = {k for g in gold_entities for k in find(alternatives(g["name"]), g["type"])}
    print(
        "entity ",
        prf(hits_needed, needed, len(correct), len(touched)),
        f"(optional hits {hits - hits_needed})",
    )
    if show:
        for g in gold_entities:
            if not find(alternatives(g["name"]), g["type"]):
                got = [(ents[k].label, corpus.name(k)) for k in find(alternatives(g["name"]))]
                print("   miss", g["name"], g["type"], "found as", got)
        for k in sorted(touched - correct):
            print("   false", ents[k].label, corpus.name(k), dict(ents[k].labels))

    gold_roles = [g for g in gold if g["kind"] == "role"]
    role_people = {n for g in gold_roles for n in alternatives(g["person"])}

    def role_match(g: dict, row) -> bool:  # type: ignore[no-untyped-def,type-arg]
        _, pk, ok, title, _, _ = row
        return bool(
            ents[pk].names & alternatives(g["person"])
            and ents[ok].names & alternatives(g["org"])
            and title_ok(g.get("title"), title)
        )

    rows = [r for r in corpus.roles if ents[r[1]].names & role_people]
    distinct = {(r[1], r[2], r[3]) for r in rows}
    hit = sum(1 for g in gold_roles if any(role_match(g, r) for r in corpus.roles))
    good = {(r[1], r[2], r[3]) for r in rows if any(role_match(g, r) for g in gold_roles)}
    print("role   ", prf(hit, len(gold_roles), len(good), len(distinct)))
    if show:
        for g in gold_roles:
            if not any(role_match(g, r) for r in corpus.roles):
                print("   miss", g["person"], "@", g["org"], g.get("title"))
        for r in sorted(distinct - good):
            print("   false", corpus.name(r[0]), "@", corpus.name(r[1]), r[2])
        for r in corpus.roles:
            print("   row", r[0], corpus.name(r[1]), "@", corpus.name(r[2]), r[3], r[4], r[5])

    gold_products = [g for g in gold if g["kind"] == "product"]
    products = [k for k, e in ents.items() if e.label == "PRODUCT"]
    makers: dict[str, set[str]] = defaultdict(set)
    for _, mk, pk, _ in corpus.makes:
        makers[pk].add(mk)

    def product_match(g: dict, pk: str) -> bool:  # type: ignore[type-arg]
        if not ents[pk].names & alternatives(g["name"]):
            return False
        return "maker" not in g or any(ents[m].names & alternatives(g["maker"]) for m in makers[pk])

    needed_p = [g for g in gold_products if not g.get("optional")]
    hit_p = sum(1 for g in needed_p if any(product_match(g, pk) for pk in products))
    good_p = [pk for pk in products if any(product_match(g, pk) for g in gold_products)]
    in_gold = [
        pk
        for pk in products
        if any(ents[pk].names & alternatives(g["name"]) for g in gold_products)
    ]
    print("product", prf(hit_p, len(needed_p), len(good_p), len(in_gold)), "(eval-style precision)")
    print(
        "product", prf(hit_p, len(needed_p), len(good_p), len(products)), "(all PRODUCT entities)"
    )
    if show:
        for g in needed_p:
            if not any(product_match(g, pk) for pk in products):
                print("   miss", g["name"], g.get("maker"))
        for pk in products:
            if pk not in good_p:
                print("   extra", corpus.name(pk), [corpus.name(m) for m in makers[pk]])


def measure_dwie(nlp, show: bool) -> None:  # type: ignore[no-untyped-def]
    corpus = Corpus()
    for path in sorted((DWIE / "docs").glob("*.txt")):
        for _, text, published_on in articles_of(path):
            corpus.add(path.stem, nlp, text, published_on)
    gold = read_gold(DWIE / "gold.jsonl")
    ents = corpus.entities
    kinds = {"PERSON", "ORG", "GPE", "LOC"}

    def same_type(a: str, b: str) -> bool:
        return a == b or {a, b} <= {"GPE", "LOC"}

    by_doc: dict[str, list[str]] = defaultdict(list)
    for key, e in ents.items():
        for d in e.docs:
            by_doc[d].append(key)
    print("== dwie_dev (per document)")
    gold_ents = [g for g in gold if g["kind"] == "entity"]
    hits = correct = total = 0
    gold_by_doc: dict[str, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
    for g in gold_ents:
        gold_by_doc[g["doc"]].append(g)
        if any(
            name_key(g["name"]) in ents[k].names and same_type(ents[k].label, g["type"])
            for k in by_doc[g["doc"]]
        ):
            hits += 1
        elif show:
            got = [
                (ents[k].label, corpus.name(k))
                for k in by_doc[g["doc"]]
                if name_key(g["name"]) in ents[k].names
            ]
            print("   miss", g["doc"], g["type"], g["name"], got)
    for doc_id, keys in by_doc.items():
        for k in keys:
            if ents[k].label not in kinds:
                continue
            total += 1
            names = {
                name_key(g["name"])
                for g in gold_by_doc[doc_id]
                if same_type(ents[k].label, g["type"])
            }
            names |= {
                name_key(a)
                for g in gold_by_doc[doc_id]
                if same_type(ents[k].label, g["type"])
                for a in g.get("aliases", [])
            }
            if ents[k].names & names:
                correct += 1
            elif show:
                print("   false", doc_id, ents[k].label, corpus.name(k))
    print("entity ", prf(hits, len(gold_ents), correct, total))

    gold_roles = [g for g in gold if g["kind"] == "role"]

    def contains(ours: Entity, theirs: list[str]) -> bool:
        """Same name, or every word of one is a word of the other (FORMAT.md)."""
        mine = [name_tokens(a) for a in ours.aliases]
        other = [name_tokens(t) for t in theirs]
        return any(a and b and (a <= b or b <= a) for a in mine for b in other)

    def role_match(g: dict, row) -> bool:  # type: ignore[no-untyped-def,type-arg]
        doc_id, pk, ok, _, _, _ = row
        people = [g["person"], *g.get("person_aliases", [])]
        orgs = [g["org"], *g.get("org_aliases", [])]
        return doc_id == g["doc"] and contains(ents[pk], people) and contains(ents[ok], orgs)

    rows = list({(r[0], r[1], r[2]): r for r in corpus.roles}.values())
    hit = sum(1 for g in gold_roles if any(role_match(g, r) for r in rows))
    good = sum(1 for r in rows if any(role_match(g, r) for g in gold_roles if g["doc"] == r[0]))
    print("role   ", prf(hit, len(gold_roles), good, len(rows)))
    if show:
        for r in rows:
            mark = "ok " if any(role_match(g, r) for g in gold_roles if g["doc"] == r[0]) else "BAD"
            print("  ", mark, r[0], corpus.name(r[1]), "@", corpus.name(r[2]), r[3], r[4], r[5])
        for g in gold_roles:
            if not any(role_match(g, r) for r in rows):
                print("   miss", g["doc"], g["person"], "@", g["org"], g.get("title_hint"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--model", default=None)
    parser.add_argument("--only", choices=["seeds", "dwie"])
    args = parser.parse_args()
    nlp = load_pipeline(args.model)
    if args.only in (None, "seeds"):
        measure_seeds(nlp, args.show_errors)
    if args.only in (None, "dwie"):
        measure_dwie(nlp, args.show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
