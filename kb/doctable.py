"""The text and token offsets of a parsed Doc, read once for every stage that uses them.

Resolution and extraction go from character offsets to tokens and from tokens to text
many times per article. spaCy answers each `Doc.char_span`, `Span.text` and `Token.text`
by building Python objects (`Doc.text` visits every token); a `DocTable` reads the
offsets into lists once and answers the same questions with a bisection or a slice.

A table depends on the tokenization only, which no stage changes, so the table of the
Doc seen last is kept for the next caller. It holds the Doc weakly and no spaCy object:
the Doc and its strings still go with their memory zone.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, cast

import numpy as np
from spacy.attrs import IDX, LENGTH, SENT_START, SPACY

if TYPE_CHECKING:
    from spacy.tokens import Doc

T = TypeVar("T")


class DocTable:
    """`text` is Doc.text; token i is `text[starts[i]:ends[i]]`."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        self._doc = weakref.ref(doc)
        self._made: dict[str, object] = {}
        self._per_items: dict[str, tuple[tuple[object, ...], object]] = {}
        self.length = len(doc)
        if self.length:
            offsets = doc.to_array([IDX, LENGTH, SPACY])
            self.starts: list[int] = offsets[:, 0].tolist()
            self.ends: list[int] = (offsets[:, 0] + offsets[:, 1]).tolist()
            text_length = self.ends[-1] + int(offsets[-1, 2])
        else:
            self.starts, self.ends = [], []
            text_length = 0
        # spaCy keeps every character of the text it was given, so that text is Doc.text
        # (which spaCy builds token by token); a text of another length is not the Doc's.
        self.text: str = text if text is not None and len(text) == text_length else doc.text

    def once(self, key: str, make: Callable[[], T]) -> T:
        """`make()`, made once per table: for what depends on the tokens' texts only."""
        if key not in self._made:
            self._made[key] = make()
        return cast(T, self._made[key])

    def per_items(self, key: str, items: Sequence[object], make: Callable[[], T]) -> T:
        """`make()`, made again only when `items` are not the very objects of the last
        call with this key: the extractors of one article index the same mentions."""
        last = self._per_items.get(key)
        if last is not None:
            seen, value = last
            if len(seen) == len(items) and all(a is b for a, b in zip(seen, items, strict=True)):
                return cast(T, value)
        value = make()
        self._per_items[key] = (tuple(items), value)
        return value

    @cached_property
    def words(self) -> list[str]:
        """Every token's text (`Token.text`)."""
        text = self.text
        return [text[start:end] for start, end in zip(self.starts, self.ends, strict=True)]

    def token_at(self, char: int) -> int:
        """The token whose text or trailing whitespace holds character `char` (-1: none)."""
        if char < 0 or char >= len(self.text):
            return -1
        return bisect_right(self.starts, char) - 1

    def char_span(self, start_char: int, end_char: int) -> tuple[int, int] | None:
        """The token range of `Doc.char_span(start_char, end_char, alignment_mode="expand")`
        (None where that is None), without making the Span."""
        start = self.token_at(start_char)
        if start < 0:
            return None
        end = self.token_at(end_char - 1)
        if end < 0:
            return None
        if start_char == self.ends[start]:
            start += 1  # the character is the previous token's trailing whitespace
        end += 1
        if start > end:  # as the Span spaCy would make (its error E035)
            raise IndexError(f"[E035] Error creating span with start {start} and end {end}")
        return start, end

    def span_text(self, start: int, end: int) -> str:
        """`doc[start:end].text` for 0 <= start, end <= len(doc)."""
        if end <= start:
            return ""
        return self.text[self.starts[start] : self.ends[end - 1]]


_last: DocTable | None = None


def prime_doc_table(doc: Doc, text: str) -> DocTable:
    """Make the table of `doc` from `text`, the string it was parsed from: this spares
    building `Doc.text` again (a walk over every token)."""
    global _last
    _last = DocTable(doc, text)
    return _last


def doc_table(doc: Doc) -> DocTable:
    """The table of `doc`, made on first use (see the module docstring)."""
    global _last
    table = _last
    if table is not None and table._doc() is doc and table.length == len(doc):
        return table  # the table of this very Doc, unchanged since (called very often)
    table = _last = DocTable(doc)
    return table


def sentence_starts(doc: Doc) -> list[int]:
    """The first token of each sentence in `Doc.sents` order, read off the SENT_START
    array instead of made into Spans. Sentences can change after parsing, so this is
    not kept with the table."""
    if "sents" in doc.user_hooks or not len(doc):
        return [sent.start for sent in doc.sents]
    if not doc.has_annotation("SENT_START"):
        raise ValueError("[E030] Sentence boundaries unset")
    marks = doc.to_array(SENT_START)
    return [0, *(np.flatnonzero(marks[1:] == 1) + 1).tolist()]
