"""makes facts: which organization makes which product.

    brand       "the Acme X5": the product name starts with, or follows, an ORG mention
    possessive  "Acme's X5", "Acme's new X5 sedan"
    verb        "Acme unveiled the X5", "the X5, built by Acme", "its first watch, dubbed the X5"
    from        "the X5 from Acme"

Each (maker, product) pair is reported once per article, with its best evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kb.records import Evidence, FactRecord, MentionRecord
from kb.resolve.index import MentionIndex, Placed

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

RELATION = "makes"
CONFIDENCE: dict[str, float] = {"brand": 0.9, "possessive": 0.85, "verb": 0.75, "from": 0.7}
MAKING_VERBS: frozenset[str] = frozenset(
    {"unveil", "launch", "release", "introduce", "announce", "debut", "roll", "ship", "make",
     "produce", "manufacture", "sell", "deliver", "showcase", "reveal", "develop", "build",
     "design", "present", "offer", "market", "tease", "preview", "unwrap", "start", "begin",
     "open", "upgrade", "update", "price", "bring", "create", "test", "recall", "rollout"}
)  # fmt: skip
# Dependency arcs to climb from a product to the verb or noun that governs it.
_CLIMB = {"dobj", "pobj", "appos", "conj", "compound", "oprd", "attr", "prep", "acl", "nmod",
          "npadvmod", "dative", "amod", "nsubjpass", "xcomp", "ccomp", "advcl", "cc"}  # fmt: skip
_MAX_CLIMB = 6


def extract_products(
    doc: Doc, mentions: Sequence[MentionRecord], published_on: dt.date | None = None
) -> Iterator[FactRecord]:
    """makes facts of one article; `published_on` is not needed by these patterns."""
    index = MentionIndex(doc, mentions)
    best: dict[tuple[str, str], tuple[str, Placed, Placed]] = {}
    for product in index.with_label("PRODUCT"):
        found = _maker(doc, index, product)
        if found is None:
            continue
        pattern, maker = found
        key = (maker.entity.key, product.entity.key)
        kept = best.get(key)
        if kept is None or CONFIDENCE[pattern] > CONFIDENCE[kept[0]]:
            best[key] = (pattern, maker, product)
    for pattern, maker, product in best.values():
        yield _fact(doc, pattern, maker, product)


def _maker(doc: Doc, index: MentionIndex, product: Placed) -> tuple[str, Placed] | None:
    brand = _brand(index, product)
    if brand is not None:
        return "brand", brand
    root = doc[product.start : product.end].root
    owner = _possessor(index, root)
    if owner is not None:
        return "possessive", owner
    maker = _verb_subject(index, root)
    if maker is not None:
        return "verb", maker
    source = _from_org(index, root) or _org_right_after(doc, index, product)
    if source is not None:
        return "from", source
    return None


def _is_org(placed: Placed | None) -> bool:
    return placed is not None and placed.label == "ORG"


def _brand(index: MentionIndex, product: Placed) -> Placed | None:
    """An ORG right before the product name, or at its start ("Acme X5")."""
    before = index.ending_at(product.start)
    if _is_org(before):
        return before
    inside = [
        p
        for p in index.placed
        if p.start == product.start and p.end < product.end and p.label == "ORG"
    ]
    return inside[0] if inside else None


def _possessor(index: MentionIndex, root: Token) -> Placed | None:
    """ "Acme's X5" or "Acme's new X5 sedan": a possessive ORG on the product or its noun."""
    for token in (root, root.head):
        for child in token.children:
            if child.dep_ == "poss":
                owner = index.at(child.i)
                if _is_org(owner):
                    return owner
        if root.dep_ not in {"compound", "appos", "nmod", "amod"}:
            break
    return None


def _verb_subject(index: MentionIndex, root: Token) -> Placed | None:
    """Climb to a making verb; its subject (or "by" agent) is the maker."""
    token = root
    for _ in range(_MAX_CLIMB):
        if token.dep_ not in _CLIMB or token.head is token:
            break
        token = token.head
        if token.pos_ == "VERB" and token.lemma_ in MAKING_VERBS:
            return _subject_org(index, token)
    return None


def _subject_org(index: MentionIndex, verb: Token) -> Placed | None:
    for child in verb.children:
        candidates = [child]
        if child.dep_ == "agent":
            candidates = [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ not in {"nsubj"}:
            continue
        for token in candidates:
            maker = index.at(token.i)
            if _is_org(maker):
                return maker
    if verb.dep_ in {"conj", "xcomp", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
        return _subject_org(index, verb.head)
    return None


def _from_org(index: MentionIndex, root: Token) -> Placed | None:
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "from":
            for obj in child.children:
                maker = index.at(obj.i)
                if obj.dep_ == "pobj" and _is_org(maker):
                    return maker
    return None


def _org_right_after(doc: Doc, index: MentionIndex, product: Placed) -> Placed | None:
    """ "the X5 from Acme", "the X5, made by Acme" read off the tokens when the parse is off."""
    k = product.end
    if k < len(doc) and doc[k].text == ",":
        k += 1
    if k + 1 < len(doc) and doc[k].lower_ in {"made", "built", "developed", "produced"}:
        k += 1
    if k + 1 >= len(doc) or doc[k].lower_ not in {"from", "by"}:
        return None
    k += 1
    if k < len(doc) and doc[k].lower_ == "the":
        k += 1
    maker = index.starting_at(k)
    return maker if _is_org(maker) else None


def _fact(doc: Doc, pattern: str, maker: Placed, product: Placed) -> FactRecord:
    sent = doc[product.start].sent
    same_sentence = sent.start <= maker.start < sent.end
    start = min(maker.start, product.start) if same_sentence else product.start
    end = max(maker.end, product.end) if same_sentence else product.end
    return FactRecord(
        relation=RELATION,
        subject=maker.entity,
        object=product.entity,
        evidence=Evidence(
            start_char=doc[start].idx,
            end_char=doc[end - 1].idx + len(doc[end - 1]),
            sent_start=sent.start_char,
            sent_end=sent.end_char,
        ),
        extractor=f"products.{pattern}",
        confidence=CONFIDENCE[pattern],
    )
