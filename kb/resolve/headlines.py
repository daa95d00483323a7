"""Names in Title-Case or ALL-CAPS lines, where NER runs words together.

"Jane Doe Wins Award From Acme" tags "Jane Doe Wins" as one PERSON. In such
lines a name is kept only where it matches names the article's ordinary
sentences use; pieces of a long span that match are kept, the rest dropped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from spacy.lang.en.stop_words import STOP_WORDS

from kb.doctable import doc_table
from kb.resolve.linking import Candidate
from kb.resolve.names import simple_fold

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Doc

HEADLINE_SHARE = 0.8
MIN_HEADLINE_WORDS = 3
_WORD = re.compile(r"[^\W\d_]{3,}")
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
# An upper-case word has three letters in a row that are A-Z or not ASCII: a text without
# such a run has none, so `_share(text, str.isupper)` is False without splitting it into
# words. (Plain ranges: the regex engine tests them much faster than letter categories.)
_MAYBE_UPPER_WORD = re.compile("[A-Z\x80-\U0010ffff]{3}")


def headline_tokens(doc: Doc, text: str) -> frozenset[int]:
    """Tokens in Title-Case lines without final punctuation, or in ALL-CAPS sentences.

    `text` is doc.text (passed in because building it walks every token).
    """
    found: set[int] = set()
    offset = 0
    for line in text.split("\n"):
        stripped = line.rstrip("\"'”’ \t")
        if stripped and not stripped.endswith((".", "!", "?")) and _share(line, _is_capitalized):
            found.update(_tokens_in(doc, offset, offset + len(line)))
        elif stripped and _MAYBE_UPPER_WORD.search(line):
            for match in _SENTENCE.finditer(line):
                sentence = match.group()
                if _MAYBE_UPPER_WORD.search(sentence) and _share(sentence, str.isupper):
                    found.update(_tokens_in(doc, offset + match.start(), offset + match.end()))
        offset += len(line) + 1
    return frozenset(found)


def _is_capitalized(word: str) -> bool:
    return word[0].isupper()


def _share(text: str, test: Callable[[str], bool]) -> bool:
    """Do most longer non-stop words of `text` pass `test`?"""
    words = _WORD.findall(text)
    content = [w for w in words if w.lower() not in STOP_WORDS] or words
    hits = sum(1 for w in content if test(w))
    return len(content) >= MIN_HEADLINE_WORDS and hits >= HEADLINE_SHARE * len(content)


def _tokens_in(doc: Doc, start: int, end: int) -> range:
    span = doc_table(doc).char_span(start, end)
    return range(*span) if span is not None else range(0)


def resegment(
    doc: Doc,
    cands: list[Candidate],
    in_headline: frozenset[int],
    make: Callable[[int, int, str], Candidate | None],
) -> list[Candidate]:
    """Keep headline names the body confirms; cut known names out of run-on spans."""
    known: dict[str, str] = {}
    for cand in cands:
        if cand.start not in in_headline:
            known.setdefault(simple_fold(cand.text), cand.label)
    people = {name for name, label in known.items() if label == "PERSON" and " " in name}
    out: list[Candidate] = []
    for cand in cands:
        headline = cand.start in in_headline
        own = simple_fold(cand.text)
        if own in known and not (headline and _contains_person(own, people)):
            if headline:
                cand.weight = 0  # the body's spelling decides its label
            out.append(cand)
            continue
        if not headline and not (cand.label == "PERSON" and _contains_person(own, people)):
            out.append(cand)
            continue
        out += _known_pieces(doc, cand, known, make)
    return out


def _contains_person(name: str, people: set[str]) -> bool:
    return any(name != p and name.startswith(p + " ") for p in people)


def _known_pieces(
    doc: Doc,
    cand: Candidate,
    known: dict[str, str],
    make: Callable[[int, int, str], Candidate | None],
) -> list[Candidate]:
    table = doc_table(doc)
    pieces = []
    i = cand.start
    while i < cand.end:
        for j in range(cand.end, i, -1):
            label = known.get(simple_fold(table.span_text(i, j)))
            if label is not None:
                piece = make(i, j, label)
                if piece:
                    piece.weight = 0
                    pieces.append(piece)
                i = j
                break
        else:
            i += 1
    return pieces
