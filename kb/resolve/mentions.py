"""Doc -> resolved mentions: clean NER spans, recover products, fix labels, link names.

The stage between NER and the extractors. Every MentionRecord's offsets cover
the name only: "Acme CEO Jane Doe" yields ORG "Acme" and PERSON "Jane Doe"
(the title is left for kb.extract.roles); all mentions of one entity in the
article share one EntityRef.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.records import EntityRef, Evidence, MentionRecord
from kb.resolve.headlines import headline_tokens, resegment
from kb.resolve.labels import EVIDENCE_WEIGHT, ORG_HEAD_WORDS, fix_labels
from kb.resolve.linking import Candidate, link_candidates
from kb.resolve.names import (
    clean_surface,
    fold,
    is_plausible_name,
)
from kb.resolve.product_spans import find_product_spans
from kb.resolve.title_groups import TitleGroup, find_title_groups
from kb.resolve.titles import PERSONAL_HONORIFICS, STATUS_MODIFIERS, TITLE_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# OntoNotes labels that name things; numeric and temporal labels are not entities.
NAME_LABELS: frozenset[str] = frozenset(
    {"PERSON", "ORG", "PRODUCT", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART", "LAW",
     "LANGUAGE"}
)  # fmt: skip
_VERBISH_TAGS = {"VBZ", "VBD", "VBP", "VB", "VBG", "VBN", "IN", "CC", "TO", "MD", "RB", "RP",
                 "WDT", "WP", "DT", "PRP", "PRP$", "CD", "POS", "HYPH", ",", ":", "."}  # fmt: skip
_POSSESSIVE = {"'s", "’s", "'", "’"}
_COMMON_WORD_TAGS = {"NNS", "VBZ", "VBD", "VBG", "VB", "VBN", "VBP", "RB", "IN", "DT", "PRP", "MD"}
_PLACE_OR_PERSON = {"PERSON", "GPE", "NORP", "LOC"}
_EDGE_JUNK = {"the", "The", "THE", "a", "an", "A", "An", '"', "'", "“", "”", "‘", "’", "(", ")",
              "[", "]", ",", ".", ";", ":", "-", "–", "—", "'s", "’s", "…"}  # fmt: skip


def resolve_mentions(doc: Doc) -> list[MentionRecord]:
    """Resolved mentions of `doc` in text order (see module docstring)."""
    titles = find_title_groups(doc)
    title_ends = {g.end: g for g in titles}
    cands = _ner_candidates(doc, titles)
    _trim_trailing_verbs(doc, cands)
    cands += _recovered_owners(doc, cands, title_ends)
    cands = resegment(doc, cands, headline_tokens(doc), lambda i, j, lab: _make(doc, i, j, lab))
    cands = _with_products(doc, cands)
    fix_labels(doc, cands, titles)
    cands = [c for c in cands if is_plausible_name(c.text, c.label) and _plausible_tag(doc, c)]
    cands.sort(key=lambda c: (c.start_char, c.end_char))
    entities = link_candidates(cands)
    records = []
    for cand in cands:
        entity = entities[cand.cluster]
        sent = doc[cand.start].sent
        records.append(
            MentionRecord(
                entity=EntityRef(key=entity.key, name=entity.name, label=entity.label),
                text=cand.text,
                label=entity.label,
                evidence=Evidence(
                    start_char=cand.start_char,
                    end_char=cand.end_char,
                    sent_start=sent.start_char,
                    sent_end=sent.end_char,
                ),
            )
        )
    return records


def _make(
    doc: Doc, start: int, end: int, label: str, weight: int = 1, source: str = "ner"
) -> Candidate | None:
    """A candidate for tokens [start, end) with edge junk and possessives trimmed."""
    while start < end and (doc[start].text in _EDGE_JUNK or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].text in _EDGE_JUNK or doc[end - 1].is_space):
        end -= 1
    if start >= end:
        return None
    start_char = doc[start].idx
    raw = doc.text[start_char : doc[end - 1].idx + len(doc[end - 1].text)]
    text = clean_surface(raw)
    offset = raw.find(text) if text else -1
    if offset < 0:
        return None
    start_char += offset
    return Candidate(start, end, start_char, start_char + len(text), text, label, weight, source)


def _ner_candidates(doc: Doc, titles: list[TitleGroup]) -> list[Candidate]:
    title_at = {i: g for g in titles for i in range(g.start, g.end)}
    cands: list[Candidate] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        for seg_start, seg_end in _segments(ent):
            cands += _split_candidate(doc, seg_start, seg_end, ent.label_, title_at)
    return cands


def _segments(ent: Span) -> list[tuple[int, int]]:
    """Split an entity at line breaks: NER sometimes runs across a headline and a body."""
    parts, start = [], ent.start
    for tok in ent:
        if tok.is_space or "\n" in tok.text:
            parts.append((start, tok.i))
            start = tok.i + 1
    parts.append((start, ent.end))
    return [(s, e) for s, e in parts if e > s]


def _split_candidate(
    doc: Doc, start: int, end: int, label: str, title_at: dict[int, TitleGroup]
) -> list[Candidate]:
    """Split "Acme's Jane Doe" at the possessive and "Acme CEO Jane Doe" at the title."""
    out: list[Candidate] = []
    poss = next((i for i in range(start + 1, end - 1) if doc[i].text in _POSSESSIVE), None)
    if poss is not None and _splits_at_possessive(doc, poss, end, label):
        owner = _make(doc, start, poss, "OWNER", source="possessive")
        if owner:
            out.append(owner)
        tail_label = label
        if label != "PERSON" and _looks_like_person(doc, poss + 1, end):
            tail_label = "PERSON"
        return out + _split_candidate(doc, poss + 1, end, tail_label, title_at)
    name_start = _name_start_after_title(doc, start, end, label, title_at)
    if name_start > start:
        group = title_at.get(name_start - 1)
        prefix_end = group.start if group else name_start
        prefix = _make(doc, start, prefix_end, "OWNER", source="title_prefix")
        if prefix and prefix.text.casefold().rstrip(".") not in PERSONAL_HONORIFICS:
            out.append(prefix)
        label = "PERSON"
    cand = _make(doc, name_start, end, label)
    if cand:
        out.append(cand)
    return out


def _splits_at_possessive(doc: Doc, poss: int, end: int, label: str) -> bool:
    """ "Acme's Jane Doe" and "Acme's X5" are two names; "People's Court" is one."""
    if label == "PERSON":
        return True
    tail = doc[poss + 1 : end].text
    return (
        _looks_like_person(doc, poss + 1, end)
        or any(ch.isdigit() for ch in tail)
        or not is_plausible_name(tail, label)
    )


def _name_start_after_title(
    doc: Doc, start: int, end: int, label: str, title_at: dict[int, TitleGroup]
) -> int:
    """First token of the name after a title inside [start, end), else `start`."""
    name_start = start
    for i in range(start, end - 1):
        group = title_at.get(i)
        if group is not None and group.end < end:
            name_start = max(name_start, group.end)
        elif doc[i].text.casefold().rstrip(".") in PERSONAL_HONORIFICS and i == name_start:
            name_start = i + 1
    if name_start == start:
        return start
    if label != "PERSON" and not _looks_like_person(doc, name_start, end):
        return start
    return name_start


def _looks_like_person(doc: Doc, start: int, end: int) -> bool:
    """Two or three capitalized words, none of them an organization word."""
    words = [t for t in doc[start:end] if not t.is_punct]
    return (
        2 <= len(words) <= 3
        and all(t.is_alpha and t.text[:1].isupper() and not t.is_upper for t in words)
        and not any(fold(t.text) in ORG_HEAD_WORDS for t in words)
    )


def _trim_trailing_verbs(doc: Doc, cands: list[Candidate]) -> None:
    """ "Jane Doe Said" -> "Jane Doe": a person's name does not end in a verb or a preposition."""
    for i, cand in enumerate(cands):
        end = cand.end
        while (
            cand.label == "PERSON" and end - cand.start > 1 and doc[end - 1].tag_ in _VERBISH_TAGS
        ):
            end -= 1
        if end != cand.end:
            trimmed = _make(doc, cand.start, end, cand.label, cand.weight, cand.source)
            if trimmed:
                cands[i] = trimmed


def _plausible_tag(doc: Doc, cand: Candidate) -> bool:
    """A one-word name NER found on a plural noun or a verb ("Videos", "Launch") is noise."""
    if cand.end - cand.start != 1 or cand.label == "NORP" or cand.source == "pattern":
        return True
    return doc[cand.start].tag_ not in _COMMON_WORD_TAGS


def _recovered_owners(
    doc: Doc, cands: list[Candidate], title_ends: dict[int, TitleGroup]
) -> list[Candidate]:
    """An untagged proper noun before "'s" or a title before a person is its organization."""
    taken = {i for c in cands for i in range(c.start, c.end)}
    found = []
    for cand in cands:
        if cand.label != "PERSON":
            continue
        end = cand.start
        group = title_ends.get(end)
        if group is not None:
            end = group.start
        if end > 0 and doc[end - 1].text in _POSSESSIVE:
            end -= 1
        elif group is None:
            continue
        start = end
        while start > 0 and _is_loose_name_token(doc[start - 1], taken):
            start -= 1
        if start < end:
            owner = _make(doc, start, end, "OWNER", EVIDENCE_WEIGHT, "recovered")
            if owner:
                found.append(owner)
                taken |= set(range(start, end))
    return found


def _is_loose_name_token(tok: Token, taken: set[int]) -> bool:
    word = fold(tok.text).rstrip(".")
    return (
        tok.i not in taken
        and tok.pos_ == "PROPN"
        and tok.text[:1].isupper()
        and not tok.ent_type_
        and word not in TITLE_WORDS
        and word not in STATUS_MODIFIERS
        and word not in PERSONAL_HONORIFICS
    )


def _with_products(doc: Doc, cands: list[Candidate]) -> list[Candidate]:
    """Add product mentions found by patterns; split off a known brand ("Acme X5" -> Acme)."""
    org_names = {fold(c.text) for c in cands if c.label in {"ORG", "OWNER"}}
    org_tokens = {i for c in cands if c.label in {"ORG", "OWNER"} for i in range(c.start, c.end)}
    org_tokens |= {t.i for t in doc if fold(t.text) in org_names}
    products: list[Candidate] = []
    brands: list[Candidate] = []
    for span in find_product_spans(doc, org_tokens):
        start = span.start
        brand_end = _known_brand_end(doc, span.start, span.model_start, org_names)
        if brand_end:
            owner = _make(doc, span.start, brand_end, "ORG", EVIDENCE_WEIGHT, "brand")
            if owner:
                brands.append(owner)
            if doc[brand_end].text[:1].isalpha():
                start = brand_end
        product = _make(doc, start, span.end, "PRODUCT", EVIDENCE_WEIGHT, "pattern")
        if product:
            products.append(product)
    covered = {i for p in products for i in range(p.start, p.end)}
    covered |= {i for b in brands for i in range(b.start, b.end)}
    kept = []
    for cand in cands:
        overlap = [i for i in range(cand.start, cand.end) if i in covered]
        if not overlap:
            kept.append(cand)
        elif overlap[0] > cand.start:
            left = _make(doc, cand.start, overlap[0], cand.label, cand.weight, cand.source)
            if left:
                kept.append(left)
    return kept + brands + products


def _known_brand_end(doc: Doc, start: int, model_start: int, org_names: set[str]) -> int:
    """End of the longest known organization name at the start of a product name (0: none)."""
    for end in range(model_start, start, -1):
        if fold(doc[start:end].text) in org_names:
            return end
    return 0
