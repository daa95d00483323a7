"""Doc -> resolved mentions: clean NER spans, recover products, fix labels, link names.

The stage between NER and the extractors. Every MentionRecord's offsets cover
the name only: "Acme CEO Jane Doe" yields ORG "Acme" and PERSON "Jane Doe"
(the title is left for kb.extract.roles); all mentions of one entity in the
article share one EntityRef whose name is the most complete form.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from kb.doctable import doc_table, sentence_starts
from kb.records import EntityRef, MentionRecord
from kb.resolve.companies import recovered_companies
from kb.resolve.headlines import headline_tokens, resegment
from kb.resolve.labels import EVIDENCE_WEIGHT, ORG_HEAD_WORDS, fix_labels
from kb.resolve.linking import Candidate, link_candidates
from kb.resolve.names import is_person_shaped, is_plausible_name, simple_fold
from kb.resolve.product_spans import find_product_spans
from kb.resolve.repeats import repeated_names
from kb.resolve.spans import OWNER, is_possessive, make_candidate, ner_candidates
from kb.resolve.title_groups import TitleGroup, find_title_groups
from kb.resolve.titles import PERSONAL_HONORIFICS, STATUS_MODIFIERS, TITLE_WORDS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Longest name recovered after a title or glued to a truncated NER span.
MAX_NAME_WORDS = 3
# Tags of one-word "names" that are common words NER got wrong ("Videos", "Subscribe").
_COMMON_WORD_TAGS = {"NNS", "VBZ", "VBD", "VBG", "VB", "VBN", "VBP", "RB", "IN", "DT", "PRP", "MD"}


def resolve_mentions(doc: Doc) -> list[MentionRecord]:
    """Resolved mentions of `doc` in text order (see module docstring)."""
    titles = find_title_groups(doc)
    cands = ner_candidates(doc, titles)

    def make(i: int, j: int, label: str) -> Candidate | None:
        return make_candidate(doc, i, j, label)

    cands = recovered_companies(doc, cands, make)
    cands = _completed_people(doc, cands)
    cands += _recovered_people(doc, cands, titles)
    cands += _recovered_owners(doc, cands, {g.end: g for g in titles})
    text = doc_table(doc).text  # built once: Doc.text walks every token
    cands = resegment(doc, cands, headline_tokens(doc, text), make)
    cands += repeated_names(doc, text, cands, make)
    cands = _with_products(doc, text, cands)
    fix_labels(doc, cands, titles)
    cands = [c for c in cands if is_plausible_name(c.text, c.label) and _plausible_tag(doc, c)]
    cands.sort(key=lambda c: (c.start_char, c.end_char))
    return _records(doc, cands)


def _records(doc: Doc, cands: list[Candidate]) -> list[MentionRecord]:
    refs = [EntityRef(key=e.key, name=e.name, label=e.label) for e in link_candidates(cands)]
    table = doc_table(doc)
    if doc.has_annotation("SENT_START"):
        starts = sentence_starts(doc)
        ends = [*starts[1:], len(doc)]
        sentences = [
            (table.starts[start], table.ends[end - 1])
            for start, end in zip(starts, ends, strict=True)
        ]
    else:
        starts, sentences = [0], [(0, len(table.text))]
    records = []
    for cand in cands:
        sent_start, sent_end = sentences[bisect_right(starts, cand.start) - 1]
        ref = refs[cand.cluster]
        # One validation of the record and its evidence together: cheaper than two.
        record = {
            "entity": ref,
            "text": cand.text,
            "label": ref.label,
            "evidence": {
                "start_char": cand.start_char,
                "end_char": cand.end_char,
                "sent_start": sent_start,
                "sent_end": sent_end,
            },
        }
        records.append(MentionRecord.model_validate(record))
    return records


def _plausible_tag(doc: Doc, cand: Candidate) -> bool:
    """A one-word name NER found on a plural noun or a verb ("Videos", "Launch") is noise."""
    if cand.end - cand.start != 1 or cand.label == "NORP" or cand.source == "pattern":
        return True
    return doc[cand.start].tag_ not in _COMMON_WORD_TAGS


def _completed_people(doc: Doc, cands: list[Candidate]) -> list[Candidate]:
    """ "[Demetris] Christofias": NER stopped early; take the capitalized words that follow."""
    taken = {i for c in cands for i in range(c.start, c.end)}
    out = []
    for cand in cands:
        end = cand.end
        if cand.label == "PERSON":
            while (
                end < len(doc)
                and end - cand.start < MAX_NAME_WORDS
                and _is_loose_person_token(doc[end], taken)
            ):
                end += 1
        longer = None
        if end > cand.end:
            longer = make_candidate(doc, cand.start, end, "PERSON", cand.weight, cand.source)
        out.append(longer or cand)
    return out


def _recovered_people(
    doc: Doc, cands: list[Candidate], titles: list[TitleGroup]
) -> list[Candidate]:
    """ "President Demetris Christofias" that NER missed: a title, then capitalized names."""
    taken = {i for c in cands for i in range(c.start, c.end)}
    found = []
    for group in titles:
        end = group.end
        while (
            end < len(doc)
            and end - group.end < MAX_NAME_WORDS
            and _is_loose_person_token(doc[end], taken)
        ):
            end += 1
        if end == group.end or (end < len(doc) and doc[end].pos_ == "PROPN"):
            continue
        cand = make_candidate(doc, group.end, end, "PERSON", EVIDENCE_WEIGHT, "recovered")
        if cand is not None and is_person_shaped(cand.text) and not _org_named_words(cand):
            found.append(cand)
    return found


def _is_loose_person_token(tok: Token, taken: set[int]) -> bool:
    return (
        tok.i not in taken
        and tok.pos_ == "PROPN"
        and tok.is_title
        and tok.is_alpha
        and not tok.ent_type_
        and simple_fold(tok.text) not in TITLE_WORDS
    )


def _org_named_words(cand: Candidate) -> bool:
    return any(w in ORG_HEAD_WORDS for w in cand.words)


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
        if group is None and end > 0 and doc[end - 1].text == ",":
            group = title_ends.get(end - 1)  # "the Acme founder, Jane Doe"
        if group is not None:
            end = group.start
        if end > 0 and is_possessive(doc[end - 1]):
            end -= 1
        elif group is None:
            continue
        start = end
        while start > 0 and _is_loose_name_token(doc[start - 1], taken):
            start -= 1
        if start < end:
            owner = make_candidate(doc, start, end, OWNER, EVIDENCE_WEIGHT, "recovered")
            if owner:
                found.append(owner)
                taken |= set(range(start, end))
    return found


def _is_loose_name_token(tok: Token, taken: set[int]) -> bool:
    word = simple_fold(tok.text).rstrip(".")
    return (
        tok.i not in taken
        and tok.pos_ == "PROPN"
        and tok.text[:1].isupper()
        and not tok.ent_type_
        and word not in TITLE_WORDS
        and word not in STATUS_MODIFIERS
        and word not in PERSONAL_HONORIFICS
    )


def _with_products(doc: Doc, text: str, cands: list[Candidate]) -> list[Candidate]:
    """Add product mentions found by patterns; split off a known brand ("Acme X5" -> Acme)."""
    org_names = {simple_fold(c.text) for c in cands if c.label in {"ORG", OWNER}}
    org_tokens = _KnownOrgTokens(doc, cands, org_names)
    products: list[Candidate] = []
    brands: list[Candidate] = []
    for span in find_product_spans(doc, org_tokens, text):
        start = span.start
        brand_end = _known_brand_end(doc, span.start, span.model_start, org_names)
        if brand_end:
            owner = make_candidate(doc, span.start, brand_end, "ORG", EVIDENCE_WEIGHT, "brand")
            if owner:
                brands.append(owner)
            if doc[brand_end].text[:1].isalpha():
                start = brand_end
        product = make_candidate(doc, start, span.end, "PRODUCT", EVIDENCE_WEIGHT, "pattern")
        if product:
            products.append(product)
    covered = {i for p in products + brands for i in range(p.start, p.end)}
    kept = []
    for cand in cands:
        overlap = [i for i in range(cand.start, cand.end) if i in covered]
        if not overlap:
            kept.append(cand)
        elif overlap[0] > cand.start:
            left = make_candidate(doc, cand.start, overlap[0], cand.label, cand.weight, cand.source)
            if left:
                kept.append(left)
    return kept + brands + products


class _KnownOrgTokens:
    """Tokens inside ORG names, or spelled like a one-word ORG named elsewhere in the article."""

    def __init__(self, doc: Doc, cands: list[Candidate], org_names: set[str]):
        self.words = doc_table(doc).words
        self.names = org_names
        self.tokens = {i for c in cands if c.label in {"ORG", OWNER} for i in range(c.start, c.end)}

    def __contains__(self, i: object) -> bool:
        if not isinstance(i, int):
            return False
        return i in self.tokens or simple_fold(self.words[i]) in self.names


def _known_brand_end(doc: Doc, start: int, model_start: int, org_names: set[str]) -> int:
    """End of the longest known organization name at the start of a product name (0: none)."""
    table = doc_table(doc)
    for end in range(model_start, start, -1):
        if simple_fold(table.span_text(start, end)) in org_names:
            return end
    return 0
