"""holds_role facts: who holds which title in which organization (or country).

Patterns on the parse around each PERSON mention (textacy-style generator):

    prefix      "Acme CEO Jane Doe", "Acme's former chairman Jane Doe", "US President Jo Roe",
                "President Jo Roe of Peru"
    possessive  "Acme's Jane Doe" (no title)
    appos       "Jane Doe, founder and CEO of Acme", "Jane Doe, Acme's chairman"
    title_of    "the CEO of Acme, Jane Doe", "Acme's chief executive, Jane Doe"
    as_title    "Jane Doe as legal representative", "stepped down as chairman of Acme"
    copula      "Jane Doe is the chief executive of Acme", "was appointed CEO of Acme"
    founded     "Jane Doe founded Acme", "Acme, founded by Jane Doe"
    succession  "Jo Roe was succeeded by Jane Doe": Jane Doe takes Jo Roe's role
    context     a title with no organization in the phrase ("President Jane Doe"): the
                organization the text is about, when that is clear; lower confidence

"former", "ex-", "then-", "stepped down as", "was succeeded by" make the status former.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from spacy.attrs import LEMMA
from spacy.strings import get_string_id

from kb.doctable import doc_table
from kb.extract.coref import Sentences
from kb.extract.relations import attached_date
from kb.records import Evidence, FactRecord, MentionRecord
from kb.resolve.context import (
    MAX_MODIFIERS,
    ORG_LABELS,
    PLACE_LABELS,
    OrgContext,
    is_modifier,
)
from kb.resolve.index import MentionIndex, Placed
from kb.resolve.places import is_demonym_like
from kb.resolve.spans import is_possessive
from kb.resolve.title_groups import TitleGroup, find_title_groups
from kb.resolve.titles import (
    FORMER_MODIFIERS,
    LEAVING_VERBS,
    is_context_title,
    is_gpe_title,
    is_political,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

RELATION = "holds_role"
CONFIDENCE: dict[str, float] = {
    "prefix": 0.9, "appos": 0.85, "title_of": 0.85, "copula": 0.8, "as_title": 0.75,
    "founded": 0.8, "succession": 0.7, "possessive": 0.6, "context": 0.5,
}  # fmt: skip
ROLE_VERBS = frozenset(
    {"be", "become", "remain", "serve", "name", "appoint", "elect", "promote", "make", "hire",
     "install", "nominate", "tap", "choose", "select", "reappoint", "re-elect"}
)  # fmt: skip
FOUNDING_VERBS = frozenset({"found", "co-found", "cofound", "establish"})
SUCCESSION_VERBS = frozenset({"succeed", "replace"})
_OF = {"of", "at", "for", "with", "in"}
_APPOS_SKIP = {"who", "is", "was", "has", "been", "will", "be", "now", "currently", "also",
               "the", "a", "an", "its", "their", "then", "'s", "’s", "and", "as",
               "previously"}  # fmt: skip
_COORDINATORS = {"and", ",", "&"}


@dataclass(frozen=True)
class RoleHit:
    person: Placed
    org: Placed | None
    title: str | None
    status: str
    pattern: str
    verb: Token | None = None  # the verb that states the role, for its date


def extract_roles(
    doc: Doc, mentions: Sequence[MentionRecord], published_on: dt.date | None = None
) -> Iterator[FactRecord]:
    """holds_role facts of one article.

    `happened_on` is the date attached to the verb that states the role ("was named
    CEO on March 3"), resolved against `published_on`; otherwise None (the article's date).
    """
    index = MentionIndex(doc, mentions)
    finder = _RoleFinder(doc, index, find_title_groups(doc, index.name_tokens))
    hits: list[RoleHit] = []
    for person in index.with_label("PERSON"):
        hits += finder.hits_for(person)
    yield from _facts(finder.sentences, _best_hits(finder.apply_succession(hits)), published_on)


class _RoleFinder:
    def __init__(self, doc: Doc, index: MentionIndex, groups: list[TitleGroup]):
        self.doc = doc
        self.index = index
        self.context = OrgContext(doc, index)
        self.by_end = {g.end: g for g in groups}
        self.by_start = {g.start: g for g in groups}
        self.covering = {i: g for g in groups for i in range(g.start, g.end)}
        self.sentences = Sentences(doc)

    def hits_for(self, person: Placed) -> list[RoleHit]:
        hits: list[RoleHit] = []
        for pattern in (self._prefix, self._appos, self._title_of, self._verbal, self._founded):
            hits += [h for h in pattern(person) if h.org is None or h.org.entity != person.entity]
        return hits

    # -- patterns ---------------------------------------------------------------------------

    def _prefix(self, person: Placed) -> list[RoleHit]:
        """ "Acme CEO Jane Doe", "Acme and Beta Corp adviser Jane Doe", "Acme's Jane Doe"."""
        group = self.by_end.get(person.start)
        if group is None:
            owner = self._owner_before(person.start, possessive_only=True)
            if owner is not None and owner.label in ORG_LABELS | PLACE_LABELS:
                return [RoleHit(person, owner, None, "current", "possessive")]
            return []
        hits: list[RoleHit] = []
        owner = self._owner_before(group.start)
        if owner is not None and owner.label in {"NORP", "GPE"}:
            if self._org_for(owner, group.titles) is None:
                return []  # "Russian President X": the country is named but not in the text
        while owner is not None:
            org = self._org_for(owner, group.titles)
            status = "former" if self._former_before(owner.start) else None
            if org is not None:
                hits += self._hits(person, org, group, "prefix", status)
            owner = self._coordinated_before(owner)
        if hits:
            return hits
        org = self._org_after_name(person)
        if org is not None:
            return self._hits(person, org, group, "prefix")
        return self._context_hits(person, group)

    def _appos(self, person: Placed) -> list[RoleHit]:
        """ "Jane Doe, founder and CEO of Acme", "Jane Doe, Acme's chairman"."""
        doc, k = self.doc, person.end
        if k >= len(doc) or doc[k].text not in {",", "("}:
            return []
        k += 1
        while k < len(doc) and doc[k].lower_ in _APPOS_SKIP and k not in self.by_start:
            k += 1
        owner = self.index.starting_at(k)
        if owner is not None:
            k = owner.end + (1 if owner.end < len(doc) and is_possessive(doc[owner.end]) else 0)
        group = self.by_start.get(k)
        for skipped in range(1, MAX_MODIFIERS + 1):
            if group is not None or owner is not None or not is_modifier(doc, k + skipped - 1):
                break
            group = self.by_start.get(k + skipped)  # "Jane Doe, International President of …"
        if group is None:
            return []
        org = self._org_after(group) or self._org_for(owner, group.titles)
        if org is not None:
            return self._hits(person, org, group, "appos")
        return self._context_hits(person, group)

    def _title_of(self, person: Placed) -> list[RoleHit]:
        """ "the CEO of Acme, Jane Doe" / "Acme's chief executive, Jane Doe"."""
        doc = self.doc
        if person.start < 3 or doc[person.start - 1].text != ",":
            return []
        end = person.start - 1
        while end > 0 and doc[end - 1].is_quote:
            end -= 1
        org = self.index.ending_at(end)
        if org is not None and org.label in ORG_LABELS | PLACE_LABELS:
            k = org.start - 1
            if k > 0 and doc[k].lower_ == "the":
                k -= 1
            while k > 0 and doc[k].is_quote:
                k -= 1
            group = self.by_end.get(k) if doc[k].lower_ in _OF else None
            if group is not None:
                return self._hits(person, org, group, "title_of")
        group = self.by_end.get(person.start - 1)
        if group is None:
            return []
        org = self._org_for(
            self._owner_before(group.start), group.titles
        ) or self.context.adjective_place(group.start)
        if org is not None:
            return self._hits(person, org, group, "title_of")
        return self._context_hits(person, group)

    def _verbal(self, person: Placed) -> list[RoleHit]:
        """Copulas and appointments ("is the CEO of", "was named CEO"), and "as TITLE"."""
        hits: list[RoleHit] = []
        root = self.doc[person.end - 1]
        for verb, role in _governing_verbs(root):
            appositions = [c for c in root.children if c.dep_ == "appos"]
            for token in _title_tokens(verb) + appositions:
                group = self.covering.get(token.i)
                if group is None:
                    continue
                via_as = token.head.lower_ == "as" or (
                    group.start > 0 and self.doc[group.start - 1].lower_ == "as"
                )
                if not via_as and verb.lemma_ not in ROLE_VERBS:
                    continue
                pattern = "as_title" if via_as else "copula"
                status = "former" if verb.lemma_ in LEAVING_VERBS and role == "subject" else None
                org = self._org_after(group) or self._verb_org(verb, role)
                if org is not None:
                    found = self._hits(person, org, group, pattern, status)
                else:
                    found = self._context_hits(person, group, status)
                hits += [replace(hit, verb=verb) for hit in found]
        k = person.end
        if not hits and k + 1 < len(self.doc) and self.doc[k].lower_ == "as":
            group = self.by_start.get(k + 1) or self.by_start.get(k + 2)
            if group is not None:
                org = self._org_after(group)
                if org is not None:
                    return self._hits(person, org, group, "as_title")
                return self._context_hits(person, group)
        return hits

    def _founded(self, person: Placed) -> list[RoleHit]:
        """ "Jane Doe founded Acme", "Acme, founded by Jane Doe"."""
        root = self.doc[person.end - 1]
        verb = root.head
        tokens: list[Token] = []
        if root.dep_ == "nsubj" and verb.lemma_ in FOUNDING_VERBS:
            tokens = [c for c in verb.children if c.dep_ == "dobj"]
        elif root.dep_ == "pobj" and verb.dep_ == "agent" and verb.head.lemma_ in FOUNDING_VERBS:
            tokens = [verb.head.head]
        orgs = [self.index.at(t.i) for t in tokens]
        return [
            RoleHit(person, org, "Founder", "current", "founded")
            for org in orgs
            if org is not None and org.label in ORG_LABELS
        ]

    # -- organizations ----------------------------------------------------------------------

    def _owner_before(self, start: int, possessive_only: bool = False) -> Placed | None:
        """The mention right before token `start`, or before "'s" there."""
        if start > 0 and is_possessive(self.doc[start - 1]):
            return self.index.ending_at(start - 1)
        return None if possessive_only else self.index.ending_at(start)

    def _former_before(self, start: int) -> bool:
        """ "Former Acme CEO Jane Doe", "ex-Acme boss": the status word precedes the owner."""
        doc, i = self.doc, start - 1
        if i >= 0 and doc[i].text == "-":
            i -= 1
        return i >= 0 and doc[i].lower_ in FORMER_MODIFIERS

    def _coordinated_before(self, owner: Placed) -> Placed | None:
        """ "Acme and Beta coach": the other owner joined by "and" or a comma."""
        j = owner.start
        while j > 0 and self.doc[j - 1].lower_ in _COORDINATORS:
            j -= 1
        return self.index.ending_at(j) if j < owner.start else None

    def _org_for(self, mention: Placed | None, titles: Sequence[str]) -> Placed | None:
        """The organization a mention before a title names (a country for political titles)."""
        if mention is None:
            return None
        if mention.label in ORG_LABELS and not all(is_political(t) for t in titles):
            return mention
        if not any(is_gpe_title(t) for t in titles):
            return None
        if mention.label == "NORP" or (
            mention.label in PLACE_LABELS and is_demonym_like(mention.mention.text)
        ):
            return self.context.place_for(mention)
        return mention if mention.label in PLACE_LABELS else None

    def _org_after(self, group: TitleGroup) -> Placed | None:
        """ "CEO of Acme", "chairman of the Acme Group", "secretary of the Japanese Cabinet"."""
        return self.context.named_after(group.end)

    def _org_after_name(self, person: Placed) -> Placed | None:
        """ "President Jo Roe of Peru"."""
        return self.context.named_after(person.end)

    def _verb_org(self, verb: Token, role: str) -> Placed | None:
        """ "joined Acme as CFO" (object), "Acme named her CEO" (subject)."""
        deps = {"dobj"} if role == "subject" else {"nsubj"}
        for child in verb.children:
            if child.dep_ in deps:
                org = self.index.at(child.i)
                if org is not None and org.label in ORG_LABELS:
                    return org
        return None

    def _context_hits(
        self, person: Placed, group: TitleGroup, status: str | None = None
    ) -> list[RoleHit]:
        if not any(is_context_title(t) for t in group.titles):
            return []
        labels = ORG_LABELS if not all(is_political(t) for t in group.titles) else frozenset()
        if any(is_gpe_title(t) for t in group.titles):
            labels |= PLACE_LABELS
        org = self.context.topic(person, labels)
        return self._hits(person, org, group, "context", status) if org is not None else []

    def _hits(
        self,
        person: Placed,
        org: Placed | None,
        group: TitleGroup,
        pattern: str,
        status: str | None = None,
    ) -> list[RoleHit]:
        state = status or group.status
        return [RoleHit(person, org, title, state, pattern) for title in group.titles]

    # -- succession -------------------------------------------------------------------------

    def apply_succession(self, hits: list[RoleHit]) -> list[RoleHit]:
        """ "A was succeeded by B", "B succeeded/replaced A": A is former, B holds A's role."""
        extra: list[RoleHit] = []
        former: set[tuple[str, int]] = set()
        for token in self._succession_verbs():
            old, new = self._succession_pair(token)
            if old is None or new is None:
                continue
            former.add((old.entity.key, self.sentences.start_of(token.i)))
            for hit in hits:
                if hit.person.entity == old.entity and hit.title is not None:
                    extra.append(RoleHit(new, hit.org, hit.title, "current", "succession"))
        if not former:
            return hits + extra
        out = []
        for hit in hits + extra:
            if (hit.person.entity.key, self.sentences.start_of(hit.person.start)) in former:
                hit = replace(hit, status="former")
            out.append(hit)
        return out

    def _succession_verbs(self) -> Iterator[Token]:
        """Tokens with a succession lemma in the sentences that name at least two people
        (where successions are), found on the lemma array rather than token by token."""
        starts = Counter(self.sentences.start_of(p.start) for p in self.index.with_label("PERSON"))
        sentences = [start for start, people in sorted(starts.items()) if people >= 2]
        if not sentences:
            return
        wanted = {get_string_id(lemma) for lemma in SUCCESSION_VERBS}
        lemmas = self.doc.to_array(LEMMA).tolist()
        for start in sentences:
            for i in range(start, self.sentences.of(start).end):
                if lemmas[i] in wanted:
                    yield self.doc[i]

    def _succession_pair(self, verb: Token) -> tuple[Placed | None, Placed | None]:
        old = new = None
        for child in verb.children:
            target = child
            if child.dep_ == "agent":
                target = next((c for c in child.children if c.dep_ == "pobj"), child)
            mention = self.index.at(target.i)
            if mention is None or mention.label != "PERSON":
                continue
            if child.dep_ in {"nsubjpass", "dobj"}:
                old = mention
            elif child.dep_ in {"agent", "nsubj"}:
                new = mention
        return old, new


def _governing_verbs(root: Token) -> list[tuple[Token, str]]:
    """Verbs the person is the subject (or object) of, including "who" relative clauses."""
    verbs: list[tuple[Token, str]] = []
    if root.dep_ in {"nsubj", "nsubjpass"}:
        verbs.append((root.head, "subject"))
    elif root.dep_ in {"dobj", "oprd"}:
        verbs.append((root.head, "object"))
    verbs += [(child, "subject") for child in root.children if child.dep_ == "relcl"]
    return verbs


def _title_tokens(verb: Token) -> list[Token]:
    """Tokens after a verb that may hold the title: attr/oprd/xcomp, or the object of "as"."""
    found = []
    for child in verb.children:
        if child.dep_ in {"attr", "oprd", "xcomp", "acomp", "ccomp"}:
            found.append(child)
        elif child.dep_ == "prep" and child.lower_ == "as":
            found += [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ in {"prt", "advmod"}:
            for grand in child.children:
                if grand.dep_ == "prep" and grand.lower_ == "as":
                    found += [c for c in grand.children if c.dep_ == "pobj"]
    return found


def _best_hits(hits: list[RoleHit]) -> list[RoleHit]:
    """One hit per (person, organization, title); a titled role hides the same untitled one."""
    best: dict[tuple[str, str, str | None], RoleHit] = {}
    for hit in hits:
        if hit.org is None:
            continue
        key = (hit.person.entity.key, hit.org.entity.key, hit.title)
        kept = best.get(key)
        if kept is None or CONFIDENCE[hit.pattern] > CONFIDENCE[kept.pattern]:
            best[key] = hit
    titled = {(p, o) for p, o, t in best if t is not None}
    return [h for (p, o, t), h in best.items() if t is not None or (p, o) not in titled]


def _facts(
    sentences: Sentences, hits: list[RoleHit], published_on: dt.date | None
) -> Iterator[FactRecord]:
    table = doc_table(sentences.doc)
    for hit in hits:
        assert hit.org is not None
        sent = sentences.of(hit.person.start)
        same_sentence = sent.start <= hit.org.start < sent.end
        start = min(hit.person.start, hit.org.start) if same_sentence else hit.person.start
        end = max(hit.person.end, hit.org.end) if same_sentence else hit.person.end
        yield FactRecord(
            relation=RELATION,
            subject=hit.person.entity,
            object=hit.org.entity,
            title=hit.title,
            status="former" if hit.status == "former" else "current",
            happened_on=attached_date([hit.verb], published_on) if hit.verb is not None else None,
            evidence=Evidence(
                start_char=table.starts[start],
                end_char=table.ends[end - 1],
                sent_start=sent.start_char,
                sent_end=sent.end_char,
            ),
            extractor=f"roles.{hit.pattern}",
            confidence=CONFIDENCE[hit.pattern],
        )
