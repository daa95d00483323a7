"""Resolved mentions mapped back onto the tokens of their Doc, for the extractors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
        self.doc = doc
        self.placed: list[Placed] = []
        for mention in mentions:
            ev = mention.evidence
            span = doc.char_span(ev.start_char, ev.end_char, alignment_mode="expand")
            if span is not None and len(span):
                self.placed.append(Placed(mention, span.start, span.end))
        self.placed.sort(key=lambda p: (p.start, -p.end))
        self._at: dict[int, Placed] = {}
        for p in self.placed:
            for i in range(p.start, p.end):
                self._at.setdefault(i, p)
        self._by_start = {p.start: p for p in reversed(self.placed)}
        self._by_end = {p.end: p for p in self.placed}

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
