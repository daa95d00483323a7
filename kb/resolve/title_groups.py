"""Find job titles in a parsed Doc: "former CEO", "founder and CEO", "Foreign Minister".

A `TitleGroup` is a run of titles joined by "and"/","/"&" with their status
modifiers; it is what stands between an organization and a person in
"Acme's former CEO and chairman Jane Doe".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from kb.doctable import doc_table
from kb.resolve.names import normalize_title, simple_fold
from kb.resolve.titles import (
    FORMER_MODIFIERS,
    PORTFOLIO_TITLES,
    PORTFOLIO_WORDS,
    STATUS_MODIFIERS,
    TITLE_PHRASES,
    TITLE_WORDS,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab

# Words kept in a title when they precede it ("deputy CEO", "senior partner").
RANK_MODIFIERS: frozenset[str] = frozenset(
    {"deputy", "assistant", "associate", "senior", "junior", "joint", "honorary", "co",
     "founding", "executive", "regional", "global", "group"}
)  # fmt: skip
_JOINERS = {"and", "&", ",", "/"}
_NOT_TITLE_POS = {"VERB", "AUX", "ADP", "PRON", "DET", "ADJ", "ADV"}
# Title words that are also verbs or adjectives: a title only when tagged as a noun.
VERB_LIKE_TITLES: frozenset[str] = frozenset(
    {"head", "partner", "coach", "captain", "founder", "boss", "minister", "chief", "keeper",
     "forward", "executive", "leader", "manager", "director", "secretary", "editor", "king"}
)  # fmt: skip
_MAX_PORTFOLIO_WORDS = 2


@dataclass(frozen=True)
class TitleGroup:
    start: int
    end: int
    titles: tuple[str, ...]
    status: str

    @property
    def is_former(self) -> bool:
        return self.status == "former"


_MATCHERS: dict[int, tuple[Vocab, PhraseMatcher]] = {}


def title_matcher(vocab: Vocab) -> PhraseMatcher:
    """One PhraseMatcher per vocabulary, built on first use."""
    cached = _MATCHERS.get(id(vocab))
    if cached and cached[0] is vocab:
        return cached[1]
    from spacy.tokens import Doc as _Doc

    matcher = PhraseMatcher(vocab, attr="LOWER")
    phrases = sorted(set(TITLE_WORDS) | set(TITLE_PHRASES))
    words = [p.replace("-", " - ").split() for p in phrases]
    matcher.add("TITLE", [_Doc(vocab, words=w) for w in words])
    _MATCHERS[id(vocab)] = (vocab, matcher)
    return matcher


def find_title_groups(
    doc: Doc, name_tokens: set[int] | frozenset[int] = frozenset()
) -> list[TitleGroup]:
    """Title groups in `doc`; tokens in `name_tokens` (inside names) are never titles."""
    matched = doc_table(doc).once("titles", lambda: _title_phrases(doc))
    spans = [
        doc[start:end]
        for start, end in matched
        if _used_as_title(doc, end) and not any(i in name_tokens for i in range(start, end))
    ]
    groups: list[list[Span]] = []
    for span in spans:
        if groups and _joined(doc, groups[-1][-1].end, span.start):
            groups[-1].append(span)
        else:
            groups.append([span])
    return [_build_group(doc, members, name_tokens) for members in groups]


def _title_phrases(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the title phrases in `doc` (longest first where they overlap). The
    matcher reads the lower-cased tokens only, so resolution and roles share its result."""
    spans = filter_spans(title_matcher(doc.vocab)(doc, as_spans=True))
    return [(span.start, span.end) for span in spans]


def _used_as_title(doc: Doc, end: int) -> bool:
    """ "head", "coach" are also verbs; "midfielder" is a title whatever the tagger says."""
    word = doc[end - 1]
    return word.lower_ not in VERB_LIKE_TITLES or word.pos_ not in _NOT_TITLE_POS


def _joined(doc: Doc, end: int, start: int) -> bool:
    """ "founder and CEO", "chairman, CEO": one or two joiners between two titles."""
    return 0 < start - end <= 2 and all(doc[i].lower_ in _JOINERS for i in range(end, start))


def _build_group(
    doc: Doc, members: list[Span], name_tokens: set[int] | frozenset[int]
) -> TitleGroup:
    table = doc_table(doc)
    titles = []
    start = members[0].start
    for i, span in enumerate(members):
        words_start = _extend_left(doc, span, name_tokens, floor=members[i - 1].end if i else 0)
        if i == 0:
            start = words_start
        titles.append(normalize_title(table.span_text(words_start, span.end)))
    status, start = _status_before(doc, start)
    words = table.words
    if any(simple_fold(words[i]) in FORMER_MODIFIERS for i in range(start, members[-1].end)):
        status = "former"
    return TitleGroup(start=start, end=members[-1].end, titles=tuple(titles), status=status)


def _extend_left(doc: Doc, span: Span, name_tokens: set[int] | frozenset[int], floor: int) -> int:
    """Include rank words ("deputy") and, for ministers and the like, their portfolio."""
    words = doc_table(doc).words
    start = span.start
    head = simple_fold(words[span.end - 1])
    portfolio = head in PORTFOLIO_TITLES
    tagged_ok = head in PORTFOLIO_TITLES
    taken = 0
    while start - 1 >= floor:
        text = words[start - 1]
        word = simple_fold(text)
        if text == "-" and start - 2 >= floor and simple_fold(words[start - 2]) in RANK_MODIFIERS:
            start -= 2
            continue
        if word in RANK_MODIFIERS:
            start -= 1
            continue
        tok = doc[start - 1]
        is_portfolio_word = (
            portfolio
            and taken < _MAX_PORTFOLIO_WORDS
            and tok.is_alpha
            and not tok.is_stop
            and tok.i not in name_tokens
            and (not tok.ent_type_ or (tagged_ok and _is_tagged_portfolio(doc, tok)))
            and _portfolio_shape(tok, tagged_ok)
        )
        if not is_portfolio_word:
            break
        start -= 1
        taken += 1
    return start


def _portfolio_shape(tok: Token, capitalized_ok: bool) -> bool:
    """ "police chief" (lowercase); "Finance Minister" (a known portfolio, capitalized)."""
    if tok.is_lower:
        return tok.pos_ in {"NOUN", "ADJ"}
    return capitalized_ok and simple_fold(tok.text) in PORTFOLIO_WORDS


def _is_tagged_portfolio(doc: Doc, tok: Token) -> bool:
    """ "Defense" in "Defense Minister": NER tags the portfolio as a one-word ORG."""
    return (
        tok.ent_type_ == "ORG"
        and tok.ent_iob_ == "B"
        and (tok.i + 1 >= len(doc) or doc[tok.i + 1].ent_iob_ != "I")
    )


def _status_before(doc: Doc, start: int) -> tuple[str, int]:
    """Walk left over "former", "ex-", "then-", "new"…; report whether it was former."""
    words = doc_table(doc).words
    status = "current"
    while start > 0:
        text = words[start - 1]
        if text == "-" and start > 1 and simple_fold(words[start - 2]) in STATUS_MODIFIERS:
            word = simple_fold(words[start - 2])
            start -= 2
        elif simple_fold(text) in STATUS_MODIFIERS and doc[start - 1].pos_ not in {"DET", "PRON"}:
            word = simple_fold(text)
            start -= 1
        else:
            break
        if word in FORMER_MODIFIERS:
            status = "former"
    return status, start
