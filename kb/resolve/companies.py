"""Company names NER misses, found by their legal form: "Acme Motor Group Co., Ltd.".

Capitalized words followed by a legal suffix are an organization wherever they
stand; a Matcher finds them so that a name the model skipped (or cut short) is
still a mention.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.matcher import Matcher
from spacy.util import filter_spans

from kb.doctable import doc_table
from kb.resolve.linking import Candidate

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# Suffixes that end a company name (as tokenized: "Co.", "Ltd.", "Inc.").
COMPANY_SUFFIXES: tuple[str, ...] = (
    "Inc", "Inc.", "Corp", "Corp.", "Co.", "Ltd", "Ltd.", "LLC", "L.L.C.", "plc", "PLC", "GmbH",
    "AG", "S.A.", "N.V.", "SE", "SpA", "S.p.A.", "Corporation", "Limited", "Holdings",
)  # fmt: skip
_SUFFIX_SET = frozenset(COMPANY_SUFFIXES)
_NAME_WORD = {"IS_TITLE": True, "IS_ALPHA": True}
PATTERNS: list[list[dict[str, object]]] = [
    [
        {**_NAME_WORD, "OP": "+"},
        {"ORTH": {"IN": list(COMPANY_SUFFIXES)}},
        {"ORTH": ",", "OP": "?"},
        {"ORTH": {"IN": list(COMPANY_SUFFIXES)}, "OP": "?"},
    ],
]
_MATCHERS: dict[int, tuple[Vocab, Matcher]] = {}


def company_matcher(vocab: Vocab) -> Matcher:
    cached = _MATCHERS.get(id(vocab))
    if cached and cached[0] is vocab:
        return cached[1]
    matcher = Matcher(vocab)
    matcher.add("COMPANY", PATTERNS)  # type: ignore[arg-type]
    _MATCHERS[id(vocab)] = (vocab, matcher)
    return matcher


def recovered_companies(
    doc: Doc,
    cands: list[Candidate],
    make: Callable[[int, int, str], Candidate | None],
) -> list[Candidate]:
    """`cands` with company names added; an NER span inside a longer company name gives way."""
    if _SUFFIX_SET.isdisjoint(doc_table(doc).words):
        return cands  # every match ends in a suffix: most articles have none (the Matcher is slow)
    spans = filter_spans(company_matcher(doc.vocab)(doc, as_spans=True))
    found: list[Candidate] = []
    for span in spans:
        if any(c.start <= span.start and span.end <= c.end for c in cands):
            continue  # NER has it already (or something longer)
        cand = make(span.start, span.end, "ORG")
        if cand is not None and len(cand.words) > 1:
            found.append(cand)
    if not found:
        return cands
    covered = {i for c in found for i in range(c.start, c.end)}
    kept = [c for c in cands if not covered & set(range(c.start, c.end))]
    return kept + found
