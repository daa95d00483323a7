"""Later mentions NER missed: "Doe" after "Jane Doe", "Acme Energy" after "Acme Energy Ltd.".

News names someone in full once and then by surname; the small model often
tags the full name and misses the rest. The article's own names are the
gazetteer: an untagged proper noun that spells one of them is a mention too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kb.doctable import doc_table
from kb.resolve.linking import Candidate
from kb.resolve.names import core_tokens, is_person_shaped, simple_fold
from kb.resolve.spans import tokens_spelled

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_NAME_WORDS = 6
_REPEATED_LABELS = {"PERSON", "ORG"}


def repeated_names(
    doc: Doc,
    text: str,
    cands: list[Candidate],
    make: Callable[[int, int, str], Candidate | None],
) -> list[Candidate]:
    """Candidates for untagged tokens that spell a PERSON or ORG named elsewhere in `doc`."""
    known = _known_names(cands)
    if not known:
        return []
    first_words = {words[0] for words in known}
    spelled = {c.text.split()[i] for c in cands if c.text for i in (0, -1)}
    taken = {i for c in cands for i in range(c.start, c.end)}
    found: list[Candidate] = []
    after = 0
    words = doc_table(doc).words
    for i in tokens_spelled(doc, text, spelled):
        word = words[i]
        if i < after or i in taken or simple_fold(word) not in first_words:
            continue
        if not word[:1].isupper():
            continue
        end, label = _longest_known(doc, i, known, taken)
        if label is not None and _stands_alone(doc, i, end, taken):
            cand = make(i, end, label)
            if cand is not None:
                cand.weight, cand.source = 0, "repeat"
                found.append(cand)
            after = end
    return found


def _known_names(cands: list[Candidate]) -> dict[tuple[str, ...], str]:
    known: dict[tuple[str, ...], str] = {}
    for cand in cands:
        words = tuple(simple_fold(w) for w in cand.text.split())
        if cand.label not in _REPEATED_LABELS or not words:
            continue
        if cand.label == "PERSON":
            if len(words) >= 2 and is_person_shaped(cand.text):
                known.setdefault(words, "PERSON")
                known.setdefault(words[-1:], "PERSON")
            continue
        known.setdefault(words, "ORG")
        core = tuple(core_tokens(cand.text))
        if core and len(core) < len(words) and core == words[: len(core)]:
            known.setdefault(core, "ORG")
    return known


def _longest_known(
    doc: Doc, start: int, known: dict[tuple[str, ...], str], taken: set[int]
) -> tuple[int, str | None]:
    limit = min(len(doc), start + MAX_NAME_WORDS)
    # A name ends before the first token taken by another name.
    limit = next((i for i in range(start, limit) if i in taken), limit)
    folded = tuple(simple_fold(word) for word in doc_table(doc).words[start:limit])
    for end in range(limit, start, -1):
        label = known.get(folded[: end - start])
        if label is not None:
            return end, label
    return start + 1, None


def _stands_alone(doc: Doc, start: int, end: int, taken: set[int]) -> bool:
    """Not part of a longer capitalized name ("Doe" in "Doe Run Company")."""
    before = doc[start - 1] if start > 0 and not doc[start].is_sent_start else None
    after = doc[end] if end < len(doc) else None
    return not any(
        t is not None and t.i not in taken and t.pos_ == "PROPN" and t.is_title
        for t in (before, after)
    )
