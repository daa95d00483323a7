"""Which entity a token of a parsed article stands for.

Extractors find participants as tokens on the dependency parse (the subject of
"met", the object of "with"); this module turns such a token into the resolved
entity it denotes: directly through the article's mentions (matched by character
offsets), through an appositive ("his deputy, Ana Ruiz"), through a third-person
pronoun ("he") or through a definite title ("the Acme CEO", "the president"),
looked up among the people named earlier in the article.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kb.doctable import doc_table, sentence_starts
from kb.records import EntityRef, MentionRecord
from kb.textnorm import fold

PERSON = "PERSON"

PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers", "himself", "herself"})

# Head nouns of phrases that name a person by office ("the Acme CEO", "the president").
PERSON_TITLES = frozenset(
    {
        "ambassador", "boss", "ceo", "chair", "chairman", "chairperson", "chairwoman",
        "chancellor", "chief", "co-founder", "cofounder", "commissioner", "coo", "cfo", "cto",
        "director", "executive", "founder", "governor", "head", "king", "leader", "manager",
        "mayor", "minister", "premier", "president", "prince", "princess", "queen",
        "secretary", "senator", "spokesman", "spokesperson", "spokeswoman",
    }
)  # fmt: skip

# How far back (in sentences) a pronoun looks for its antecedent.
PRONOUN_LOOKBACK_SENTENCES = 3
# Tokens before a person's name searched for their title ("Acme CEO Ana Ruiz").
TITLE_WINDOW_BEFORE = 6
# Tokens after a name searched for an appositive title ("Ana Ruiz, the CEO of Acme").
TITLE_WINDOW_AFTER = 8
NOUN_POS = frozenset({"NOUN", "PROPN", "PRON"})


@dataclass(frozen=True)
class Referent:
    """An entity and the token span of the article that names it at this point."""

    entity: EntityRef
    start_char: int
    end_char: int
    via: str = "mention"  # how it was found: mention | appos | pronoun | title


class Sentences:
    """The sentences of a Doc, found by token index with a bisection.

    `Token.sent` walks the Doc from the token to both sentence edges on every call;
    this reads the sentence starts once, when first asked, and makes the Span of a
    sentence when that is asked for.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._starts: list[int] | None = None
        self._spans: dict[int, Span] = {}

    def of(self, i: int) -> Span:
        """The sentence of token `i` (as `doc[i].sent`)."""
        starts = self._sentence_starts()
        number = bisect_right(starts, i) - 1
        span = self._spans.get(number)
        if span is None:
            end = starts[number + 1] if number + 1 < len(starts) else len(self.doc)
            span = self._spans[number] = self.doc[starts[number] : end]
        return span

    def start_of(self, i: int) -> int:
        """The first token of the sentence of token `i` (`of(i).start`, without the Span)."""
        starts = self._sentence_starts()
        return starts[bisect_right(starts, i) - 1]

    def _sentence_starts(self) -> list[int]:
        if self._starts is None:
            self._starts = sentence_starts(self.doc)
        return self._starts


def _placed(
    doc: Doc, mentions: Sequence[MentionRecord]
) -> tuple[dict[int, MentionRecord], list[tuple[int, int, MentionRecord]]]:
    """(mention by token, (start, end, mention) in text order), read-only once made."""
    by_token: dict[int, MentionRecord] = {}
    placed: list[tuple[int, int, MentionRecord]] = []
    table = doc_table(doc)
    for mention in mentions:
        found = table.char_span(mention.evidence.start_char, mention.evidence.end_char)
        if found is None or found[1] <= found[0]:
            continue
        start, end = found
        placed.append((start, end, mention))
        for i in range(start, end):
            by_token.setdefault(i, mention)
    placed.sort(key=lambda item: item[0])
    return by_token, placed


class MentionIndex:
    """The article's resolved mentions, addressable by token.

    Mentions are kept as token ranges; a `Span` (whose construction reads tokens) is
    made only for the mentions a caller asks for as spans.
    """

    def __init__(self, doc: Doc, mentions: Sequence[MentionRecord]) -> None:
        self._doc = doc
        self._span_cache: dict[tuple[int, int], Span] = {}
        # Extractors of one article index the same mentions: the ranges are found once.
        self._by_token, self._placed = doc_table(doc).per_items(
            "coref", mentions, lambda: _placed(doc, mentions)
        )

    def at(self, token: Token) -> MentionRecord | None:
        return self._by_token.get(token.i)

    def placed(self, label: str | None = None) -> Iterator[tuple[int, int, MentionRecord]]:
        """(start, end, mention) in text order: each mention's token range."""
        for item in self._placed:
            if label is None or item[2].entity.label == label:
                yield item

    def span(self, start: int, end: int) -> Span:
        span = self._span_cache.get((start, end))
        if span is None:
            span = self._span_cache[start, end] = Span(self._doc, start, end)
        return span

    def spans(self, label: str | None = None) -> Iterator[tuple[Span, MentionRecord]]:
        for start, end, mention in self.placed(label):
            yield self.span(start, end), mention

    def referent(self, token: Token) -> Referent | None:
        """The mention covering `token`, or the one its appositive names."""
        mention = self.at(token)
        if mention is not None:
            return Referent(mention.entity, mention.evidence.start_char, mention.evidence.end_char)
        for child in token.children:
            if child.dep_ == "appos":
                mention = self.at(child)
                if mention is not None:
                    return Referent(
                        mention.entity,
                        mention.evidence.start_char,
                        mention.evidence.end_char,
                        via="appos",
                    )
        return None


def coordinated(token: Token) -> list[Token]:
    """`token` and the nominal tokens coordinated with it ("A, B and C")."""
    return [token, *(t for t in token.conjuncts if t.pos_ in NOUN_POS and t.i > token.i)]


def resolve_person(
    token: Token, index: MentionIndex, exclude: Iterable[str] = ()
) -> Referent | None:
    """The PERSON entity `token` denotes: by mention, appositive, pronoun or title."""
    excluded = set(exclude)
    found = index.referent(token)
    if found is not None:
        return found if found.entity.label == PERSON else None
    if token.lower_ in PERSON_PRONOUNS:
        antecedent = pronoun_antecedent(token, index, excluded)
        if antecedent is not None:
            return Referent(antecedent.entity, token.idx, token.idx + len(token), via="pronoun")
        return None
    if _is_definite_title(token):
        holder = title_holder(token, index, excluded)
        if holder is not None:
            start = token.left_edge.idx
            return Referent(holder.entity, start, token.idx + len(token), via="title")
    return None


def resolve_entity(
    token: Token, index: MentionIndex, labels: frozenset[str], exclude: Iterable[str] = ()
) -> Referent | None:
    """The entity of one of `labels` that `token` names (pronouns/titles only for PERSON)."""
    if PERSON in labels:
        person = resolve_person(token, index, exclude)
        if person is not None:
            return person
    found = index.referent(token)
    if found is not None and found.entity.label in labels:
        return found
    return None


def pronoun_antecedent(
    token: Token, index: MentionIndex, exclude: set[str]
) -> MentionRecord | None:
    """The person a third-person singular pronoun most likely refers to.

    In its own sentence: the subject of a clause above it ("A said he ..."), else
    the nearest person before it. In earlier sentences: the grammatical subject
    (news prose keeps its protagonist in subject position), else the last person.
    """
    sentence = token.sent
    before = [
        (index.span(start, end), m)
        for start, end, m in index.placed(PERSON)
        if start >= sentence.start and end <= token.i and m.entity.key not in exclude
    ]
    if before:
        by_head = {span.root.i: m for span, m in before}
        for ancestor in token.ancestors:
            for child in ancestor.children:
                if child.dep_ in {"nsubj", "nsubjpass"} and child.i in by_head:
                    return by_head[child.i]
        return before[-1][1]
    doc = token.doc
    previous = sentence.start
    for _ in range(PRONOUN_LOOKBACK_SENTENCES):
        if previous == 0:
            break
        prior = doc[previous - 1].sent
        previous = prior.start
        candidates = [
            (index.span(start, end), m)
            for start, end, m in index.placed(PERSON)
            if start >= prior.start and end <= prior.end and m.entity.key not in exclude
        ]
        if not candidates:
            continue
        subjects = [m for span, m in candidates if span.root.dep_ in {"nsubj", "nsubjpass"}]
        return subjects[0] if subjects else candidates[-1][1]
    return None


def _is_definite_title(token: Token) -> bool:
    if token.lower_ not in PERSON_TITLES or token.tag_ in {"NNS", "NNPS"}:
        return False
    return any(
        (c.dep_ == "det" and c.lower_ in {"the", "this", "that"}) or c.dep_ == "poss"
        for c in token.children
    )


def _title_qualifiers(token: Token, index: MentionIndex) -> list[str] | None:
    """Proper-noun modifiers a title holder must share ("Acme" in "the Acme CEO").

    None when the title belongs to somebody else ("Ana Ruiz's deputy").
    """
    qualifiers: list[str] = []
    modifiers = [c for c in token.children if c.dep_ in {"compound", "poss", "amod", "nmod"}]
    for prep in token.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            modifiers.extend(c for c in prep.children if c.dep_ == "pobj")
    for child in modifiers:
        mention = index.at(child)
        if mention is not None and mention.entity.label == PERSON:
            return None
        if child.pos_ == "PROPN" or child.ent_type_ in {"ORG", "GPE", "NORP"}:
            qualifiers.extend(fold(child.text).split())
    return qualifiers


def title_holder(token: Token, index: MentionIndex, exclude: set[str]) -> MentionRecord | None:
    """The earlier-named person whose introduction carries this title (and its qualifiers)."""
    qualifiers = _title_qualifiers(token, index)
    if qualifiers is None:
        return None
    title = token.lower_
    earlier = [
        (index.span(start, end), m)
        for start, end, m in index.placed(PERSON)
        if end <= token.i and m.entity.key not in exclude
    ]
    with_title: list[MentionRecord] = []
    with_qualifiers: list[MentionRecord] = []
    for span, mention in reversed(earlier):
        context = _title_context(span)
        has_qualifiers = all(q in context for q in qualifiers)
        if has_qualifiers and title in context:
            with_title.append(mention)
        elif has_qualifiers and qualifiers:
            with_qualifiers.append(mention)
    if with_title:
        return with_title[0]
    return with_qualifiers[0] if with_qualifiers else None


def _title_context(span: Span) -> set[str]:
    """Folded words around a name where its title is written."""
    doc = span.doc
    sentence = span.sent
    start = max(sentence.start, span.start - TITLE_WINDOW_BEFORE)
    words = [t.text for t in doc[start : span.start]]
    end = span.end
    if end < sentence.end and doc[end].text == ",":
        words.extend(t.text for t in doc[end : min(sentence.end, end + TITLE_WINDOW_AFTER)])
    head = span.root
    if head.dep_ == "nsubj" and head.head.lemma_ == "be":
        words.extend(t.text for c in head.head.children if c.dep_ == "attr" for t in c.subtree)
    return set(fold(" ".join(words)).split())
