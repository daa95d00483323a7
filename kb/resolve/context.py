"""Which organization or country a phrase names, or the text around it is about.

Used by the extractors once mentions are resolved: "of the Japanese Cabinet" ->
the Cabinet; "Cypriot" -> Cyprus when the article names it; "the company" -> the
last organization named before; otherwise the article's dominant organization.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from kb.resolve.places import is_demonym_like, place_for_demonym

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from kb.records import EntityRef
    from kb.resolve.index import MentionIndex, Placed

ORG_LABELS = frozenset({"ORG"})
PLACE_LABELS = frozenset({"GPE"})
# Nouns that, with "the", refer back to an organization named before ("the company").
COMPANY_NOUNS = frozenset(
    {"company", "firm", "group", "automaker", "carmaker", "maker", "manufacturer", "startup",
     "bank", "brand", "business", "corporation", "enterprise", "conglomerate", "giant"}
)  # fmt: skip
# An organization mentioned this often, and twice as often as any other, is the topic.
DOMINANT_MENTIONS = 3
MAX_MODIFIERS = 2
_OF = frozenset({"of", "at", "for", "with", "in"})


class OrgContext:
    def __init__(self, doc: Doc, index: MentionIndex):
        self.doc = doc
        self.index = index

    def place_for(self, adjective: Placed) -> Placed | None:
        """The GPE mention a country adjective refers to; a GPE that is no adjective itself."""
        places = [p for p in self.index.with_label("GPE") if p.entity != adjective.entity]
        name = place_for_demonym(adjective.mention.text, [p.mention.text for p in places])
        if name is None:
            return adjective if adjective.label in PLACE_LABELS else None
        return next(p for p in places if p.mention.text == name)

    def adjective_place(self, start: int) -> Placed | None:
        """ "the new Lithuanian president": an untagged country adjective before `start`."""
        if start == 0 or self.index.at(start - 1) is not None:
            return None
        word = self.doc[start - 1]
        if not word.text[:1].isupper() or not is_demonym_like(word.text):
            return None
        places = list(self.index.with_label("GPE"))
        name = place_for_demonym(word.text, [p.mention.text for p in places])
        return next((p for p in places if p.mention.text == name), None)

    def named_after(self, k: int) -> Placed | None:
        """ "of Acme", "of the Acme Group", "of the Japanese Cabinet", "at the opposition X"."""
        doc = self.doc
        if k >= len(doc) or doc[k].lower_ not in _OF:
            return None
        k += 1
        if k < len(doc) and doc[k].lower_ == "the":
            k += 1
        for _ in range(MAX_MODIFIERS + 1):
            org = self.index.starting_at(k)
            if org is not None and org.label in ORG_LABELS | PLACE_LABELS:
                after = doc[org.end] if org.end < len(doc) else None
                if after is None or not (after.pos_ == "NOUN" and after.is_lower):
                    return org
                org = None  # "the Athens newspaper …": the place only describes the noun
            skippable = org is not None and org.label == "NORP"
            if not skippable and not is_modifier(doc, k):
                return None
            k = org.end if org is not None else k + 1
        return None

    def topic(self, near: Placed, labels: frozenset[str]) -> Placed | None:
        """The organization (or country) the text around `near` is about, when it is clear.

        "the company" in the sentence points to the last organization named before
        it; otherwise the only one named in the sentence, else the article's dominant one.
        """
        sent = self.doc[near.start].sent
        candidates = [p for p in self.index.placed if p.label in labels and p.entity != near.entity]
        if not candidates:
            return None
        if ORG_LABELS & labels and any(t.lower_ in COMPANY_NOUNS and _is_definite(t) for t in sent):
            before = [p for p in candidates if p.end <= sent.start and p.label in ORG_LABELS]
            if before:
                return max(before, key=lambda p: p.start)
        in_sentence = [
            p for p in candidates if sent.start <= p.start < sent.end and p.label in ORG_LABELS
        ]
        if len({p.entity for p in in_sentence}) == 1:
            return in_sentence[0]
        countries = self.countries()
        if countries:
            candidates = [p for p in candidates if p.label in ORG_LABELS or p.entity in countries]
        if not candidates:
            return None
        ranked = Counter(p.entity for p in candidates).most_common(2)
        top, count = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        if count >= DOMINANT_MENTIONS and count >= 2 * runner_up:
            return next(p for p in candidates if p.entity == top)
        return None

    def countries(self) -> set[EntityRef]:
        """Places the article also names by adjective ("German" -> Germany): countries."""
        places = list(self.index.with_label("GPE"))
        names = [p.mention.text for p in places]
        found = set()
        for adjective in self.index.with_label("NORP"):
            name = place_for_demonym(adjective.mention.text, names)
            found |= {p.entity for p in places if p.mention.text == name}
        return found


def is_modifier(doc: Doc, i: int) -> bool:
    """ "the opposition Green Party", "the Angolan NGO", "International President"."""
    if i >= len(doc):
        return False
    tok = doc[i]
    return tok.pos_ == "ADJ" or (
        tok.pos_ in {"NOUN", "PROPN"} and not tok.ent_type_ and tok.is_alpha
    )


def _is_definite(token: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)
