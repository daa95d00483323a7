"""NER spans -> name candidates: trimmed, split at possessives, titles and brackets.

"Acme’s Jane Doe" -> ORG-ish "Acme" + PERSON "Jane Doe"; "Acme CEO Jane Doe"
-> "Acme" + "Jane Doe" (the title stays in the text for the role extractor);
"European Bank (EBRD" -> "European Bank" + "EBRD"; "Jane Doe." -> "Jane Doe".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.doctable import doc_table
from kb.resolve.linking import Candidate
from kb.resolve.names import clean_surface, is_plausible_name, simple_fold
from kb.resolve.titles import PERSONAL_HONORIFICS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Doc, Token

    from kb.resolve.title_groups import TitleGroup

# OntoNotes labels that name things; numeric and temporal labels are not entities.
NAME_LABELS: frozenset[str] = frozenset(
    {"PERSON", "ORG", "PRODUCT", "GPE", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART", "LAW",
     "LANGUAGE"}
)  # fmt: skip
# The owner before "'s" or a title: ORG or place, decided later by the article.
OWNER = "OWNER"
_EDGE_JUNK = {"the", "The", "THE", "a", "an", "A", "An", '"', "'", "“", "”", "‘", "’", "(", ")",
              "[", "]", ",", ".", ";", ":", "-", "–", "—", "'s", "’s", "…", "/"}  # fmt: skip
_TRAILING_TAGS = {"IN", "CC", "TO", "DT", "WDT", "WP", "MD", "RP", "POS", "PRP", "PRP$"}
_VERB_TAGS = {"VBZ", "VBD", "VBP", "VB", "VBG", "VBN", "RB"}
_BREAKS = {"(", ")", "[", "]", "/", ";", "|", "•"}


def is_possessive(token: Token) -> bool:
    """ "'s" after a name, or a bare apostrophe glued to a word ending in s ("Jones'")."""
    return is_possessive_at(token.doc, token.i)


def is_possessive_at(doc: Doc, i: int) -> bool:
    """`is_possessive(doc[i])`, read off the doc's table."""
    table = doc_table(doc)
    word = table.words[i]
    if word.lower() in {"'s", "’s"}:
        return True
    if word in {"'", "’"} and i > 0:
        return table.ends[i - 1] == table.starts[i] and table.words[i - 1].lower().endswith("s")
    return False


def tokens_at(doc: Doc, hits: Iterable[tuple[int, int]]) -> list[int]:
    """Indices of the tokens where the character spans `hits` of doc.text start, in order
    (`hits` are in text order: regex matches, say).

    Scanning the text with a regex and mapping hits to tokens is much cheaper than
    visiting every Token object of a long document.
    """
    table = doc_table(doc)
    found: list[int] = []
    for start, end in hits:
        span = table.char_span(start, end)
        if span is not None and span[1] > span[0] and (not found or found[-1] != span[0]):
            found.append(span[0])
    return found


def tokens_spelled(doc: Doc, text: str, words: Iterable[str]) -> list[int]:
    """Indices of the tokens that start an occurrence of one of `words` (whole words)."""
    table = doc_table(doc)
    found: set[int] = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            end = at + len(word)
            whole = (at == 0 or not text[at - 1].isalnum()) and (
                end == len(text) or not text[end].isalnum()
            )
            if whole:
                span = table.char_span(at, end)
                if span is not None and span[1] > span[0]:
                    found.add(span[0])
            at = text.find(word, end)
    return sorted(found)


def make_candidate(
    doc: Doc, start: int, end: int, label: str, weight: int = 1, source: str = "ner"
) -> Candidate | None:
    """A candidate for tokens [start, end), edge junk and a trailing period trimmed."""
    table = doc_table(doc)
    words = table.words
    while start < end and (words[start] in _EDGE_JUNK or words[start].isspace()):
        start += 1
    while end > start and (words[end - 1] in _EDGE_JUNK or words[end - 1].isspace()):
        end -= 1
    if start >= end:
        return None
    start_char = table.starts[start]
    raw = table.span_text(start, end)
    text = clean_surface(raw)
    offset = raw.find(text) if text else -1
    if offset < 0:
        return None
    start_char += offset
    return Candidate(start, end, start_char, start_char + len(text), text, label, weight, source)


def ner_candidates(doc: Doc, titles: list[TitleGroup]) -> list[Candidate]:
    """Candidates from doc.ents with a naming label, cleaned and split."""
    title_at = {i: g for g in titles for i in range(g.start, g.end)}
    words = doc_table(doc).words
    cands: list[Candidate] = []
    for ent in doc.ents:
        label = ent.label_
        if label not in NAME_LABELS:
            continue
        for start, end in _segments(words, ent.start, ent.end):
            for cand in _split(doc, start, end, label, title_at):
                if not _inside_title(cand, title_at):
                    cands.append(_trimmed(doc, cand))
    return cands


def _segments(words: list[str], ent_start: int, ent_end: int) -> list[tuple[int, int]]:
    """Split an entity (tokens [ent_start, ent_end) of `words`) at line breaks and
    brackets: "Acme (ACM", "Era\\n\\nAcme"."""
    parts, start = [], ent_start
    for i in range(ent_start, ent_end):
        word = words[i]
        if word.isspace() or "\n" in word or word in _BREAKS:
            parts.append((start, i))
            start = i + 1
    parts.append((start, ent_end))
    return [(s, e) for s, e in parts if e > s]


def _split(
    doc: Doc, start: int, end: int, label: str, title_at: dict[int, TitleGroup]
) -> list[Candidate]:
    """Split "Acme's Jane Doe" at the possessive and "Acme CEO Jane Doe" at the title."""
    out: list[Candidate] = []
    poss = next((i for i in range(start + 1, end - 1) if is_possessive_at(doc, i)), None)
    if poss is not None and _splits_at_possessive(doc, poss, end, label):
        owner = make_candidate(doc, start, poss, OWNER, source="possessive")
        if owner:
            out.append(owner)
        tail_label = "PERSON" if looks_like_person(doc, poss + 1, end) else label
        return out + _split(doc, poss + 1, end, tail_label, title_at)
    name_start = _name_start_after_title(doc, start, end, label, title_at)
    if name_start > start:
        group = title_at.get(name_start - 1)
        prefix_end = group.start if group else name_start
        prefix = make_candidate(doc, start, prefix_end, OWNER, source="title_prefix")
        if prefix and simple_fold(prefix.text).rstrip(".") not in PERSONAL_HONORIFICS:
            out.append(prefix)
        label = "PERSON"
    cand = make_candidate(doc, name_start, end, label)
    if cand:
        out.append(cand)
    return out


def _splits_at_possessive(doc: Doc, poss: int, end: int, label: str) -> bool:
    """ "Acme's Jane Doe" and "Acme's X5" are two names; "People's Court" is one."""
    if label == "PERSON":
        return True
    tail = doc_table(doc).span_text(poss + 1, end)
    return (
        looks_like_person(doc, poss + 1, end)
        or any(ch.isdigit() for ch in tail)
        or not is_plausible_name(tail, label)
    )


def _name_start_after_title(
    doc: Doc, start: int, end: int, label: str, title_at: dict[int, TitleGroup]
) -> int:
    """First token of the name after a title inside [start, end), else `start`."""
    words = doc_table(doc).words
    name_start = start
    for i in range(start, end - 1):
        group = title_at.get(i)
        if group is not None and group.end < end:
            name_start = max(name_start, group.end)
        elif i == name_start and simple_fold(words[i]).rstrip(".") in PERSONAL_HONORIFICS:
            name_start = i + 1
    if name_start == start:
        return start
    if label != "PERSON" and not looks_like_person(doc, name_start, end):
        return start
    return name_start


def _inside_title(cand: Candidate, title_at: dict[int, TitleGroup]) -> bool:
    """ "State" in "Secretary of State", "Defense" in "Defense Minister" name no one."""
    return all(i in title_at for i in range(cand.start, cand.end))


def looks_like_person(doc: Doc, start: int, end: int) -> bool:
    """Two or three capitalized words, none of them an organization word."""
    from kb.resolve.labels import ORG_HEAD_WORDS

    words = [t for t in doc[start:end] if not t.is_punct]
    return (
        2 <= len(words) <= 3
        and all(t.is_alpha and t.text[:1].isupper() and not t.is_upper for t in words)
        and not any(simple_fold(t.text) in ORG_HEAD_WORDS for t in words)
    )


def _trimmed(doc: Doc, cand: Candidate) -> Candidate:
    """Drop trailing function words ("OMV of") and, for people, lowercase verbs."""
    end = cand.end
    while end - cand.start > 1:
        tok = doc[end - 1]
        verbish = cand.label == "PERSON" and tok.tag_ in _VERB_TAGS and tok.is_lower
        if tok.tag_ in _TRAILING_TAGS or verbish:
            end -= 1
        else:
            break
    if end == cand.end:
        return cand
    return make_candidate(doc, cand.start, end, cand.label, cand.weight, cand.source) or cand
