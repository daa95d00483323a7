"""Resolved mentions mapped back onto the tokens of their Doc, for the extractors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.doctable import doc_table

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from spacy.tokens import Doc

    from kb.records import EntityRef, MentionRecord


@dataclass(frozen=True)
class Placed:
    """A mention and its tokens [start, end) in the Doc."""

    mention: MentionRecord
    start: int
    end: int

    @property
    def entity(self) -> EntityRef:
        return self.mention.entity

    @property
    def label(self) -> str:
        return self.mention.entity.label


class MentionIndex:
    """Look mentions up by token: which mention covers, starts or ends at a token."""

    def __init__(self, doc: Doc, mentions: Sequence[MentionRecord]):
        # Extractors of one article index the same mentions: the lookups are made once.
        lookups = doc_table(doc).per_items("index", mentions, lambda: _Lookups(doc, mentions))
        self.placed = lookups.placed
        self._at = lookups.at
        self._by_start = lookups.by_start
        self._by_end = lookups.by_end

    def at(self, i: int) -> Placed | None:
        return self._at.get(i)

    def starting_at(self, i: int) -> Placed | None:
        return self._by_start.get(i)

    def ending_at(self, i: int) -> Placed | None:
        return self._by_end.get(i)

    def with_label(self, *labels: str) -> Iterable[Placed]:
        return (p for p in self.placed if p.label in labels)

    @property
    def name_tokens(self) -> frozenset[int]:
        return frozenset(self._at)


class _Lookups:
    """What a MentionIndex looks up, made once (read-only once made)."""

    def __init__(self, doc: Doc, mentions: Sequence[MentionRecord]):
        self.placed: list[Placed] = []
        table = doc_table(doc)
        for mention in mentions:
            ev = mention.evidence
            span = table.char_span(ev.start_char, ev.end_char)
            if span is not None and span[1] > span[0]:
                self.placed.append(Placed(mention, *span))
        self.placed.sort(key=lambda p: (p.start, -p.end))
        self.at: dict[int, Placed] = {}
        for p in self.placed:
            for i in range(p.start, p.end):
                self.at.setdefault(i, p)
        self.by_start = {p.start: p for p in reversed(self.placed)}
        self.by_end = {p.end: p for p in self.placed}
