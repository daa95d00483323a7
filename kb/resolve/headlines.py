"""Names in Title-Case or ALL-CAPS lines, where NER runs words together.

"Jane Doe Wins Award From Acme" tags "Jane Doe Wins" as one PERSON. In such
lines a name is kept only where it matches names the article's ordinary
sentences use; pieces of a long span that match are kept, the rest dropped.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from kb.resolve.linking import Candidate
from kb.resolve.names import fold

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from spacy.tokens import Doc

HEADLINE_SHARE = 0.8
MIN_HEADLINE_WORDS = 3


def headline_tokens(doc: Doc) -> frozenset[int]:
    """Indices of tokens in Title-Case lines without final punctuation, or ALL-CAPS sentences."""
    text = doc.text
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    lines: dict[int, list[int]] = {}
    for tok in doc:
        lines.setdefault(bisect_right(line_starts, tok.idx) - 1, []).append(tok.i)
    found: set[int] = set()
    for indices in lines.values():
        line = text[doc[indices[0]].idx : doc[indices[-1]].idx + len(doc[indices[-1]])]
        if not line.rstrip("\"'”’ ").endswith((".", "!", "?")) and _share(
            doc, indices, str.istitle
        ):
            found.update(indices)
    for sent in doc.sents:
        if _share(doc, range(sent.start, sent.end), str.isupper):
            found.update(range(sent.start, sent.end))
    return frozenset(found)


def _share(doc: Doc, indices: Iterable[int], test: Callable[[str], bool]) -> bool:
    words = [doc[i].text for i in indices if doc[i].is_alpha and len(doc[i]) > 2]
    words = [w for w in words if not doc.vocab[w.lower()].is_stop] or words
    hits = sum(1 for w in words if test(w) or w.isupper())
    return len(words) >= MIN_HEADLINE_WORDS and hits >= HEADLINE_SHARE * len(words)


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
            known.setdefault(fold(cand.text), cand.label)
    people = {name for name, label in known.items() if label == "PERSON" and " " in name}
    out: list[Candidate] = []
    for cand in cands:
        headline = cand.start in in_headline
        own = fold(cand.text)
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
    pieces = []
    i = cand.start
    while i < cand.end:
        for j in range(cand.end, i, -1):
            label = known.get(fold(doc[i:j].text))
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
