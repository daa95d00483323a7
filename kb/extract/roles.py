"""holds_role facts: who holds which title in which organization.

Patterns on the parse around each PERSON mention (textacy-style generator):

    prefix      "Acme CEO Jane Doe", "Acme's former chairman Jane Doe", "US President Joe Roe"
    possessive  "Acme's Jane Doe" (no title)
    appos       "Jane Doe, founder and CEO of Acme", "Jane Doe, Acme's chairman"
    title_of    "the CEO of Acme, Jane Doe"
    as_title    "Jane Doe as legal representative", "stepped down as chairman of Acme"
    copula      "Jane Doe is the chief executive of Acme", "was appointed CEO of Acme"
    founded     "Jane Doe founded Acme", "Acme, founded by Jane Doe"
    context     a title with no organization in the phrase ("President Jane Doe"): the
                organization the article is about, with a lower confidence

"former", "ex-", "then-", "stepped down as", "was succeeded by" make the status former.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kb.records import Evidence, FactRecord, MentionRecord
from kb.resolve.index import MentionIndex, Placed
from kb.resolve.places import place_for_demonym
from kb.resolve.title_groups import TitleGroup, find_title_groups
from kb.resolve.titles import CONTEXT_TITLES, GPE_TITLES, LEAVING_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

RELATION = "holds_role"
CONFIDENCE: dict[str, float] = {
    "prefix": 0.9, "appos": 0.85, "title_of": 0.85, "copula": 0.8, "as_title": 0.75,
    "founded": 0.8, "succession": 0.7, "possessive": 0.6, "context": 0.5,
}  # fmt: skip
ORG_LABELS = frozenset({"ORG"})
PLACE_LABELS = frozenset({"GPE"})
# Titles held only in a country or city, never in a company.
POLITICAL_TITLES = frozenset(
    {"Prime Minister", "Deputy Prime Minister", "Chancellor", "Premier", "Minister", "Mayor",
     "Governor", "Senator", "King", "Queen", "Secretary of State"}
)  # fmt: skip
ROLE_VERBS = frozenset(
    {"be", "become", "remain", "serve", "name", "appoint", "elect", "promote", "make", "hire",
     "install", "nominate", "tap", "choose", "select", "reappoint", "re-elect"}
)  # fmt: skip
FOUNDING_VERBS = frozenset({"found", "co-found", "cofound", "establish", "start", "create"})
SUCCESSION_VERBS = frozenset({"succeed", "replace"})
COMPANY_NOUNS = frozenset(
    {"company", "firm", "group", "automaker", "carmaker", "maker", "manufacturer", "startup",
     "bank", "brand", "business", "corporation", "enterprise", "conglomerate", "giant"}
)  # fmt: skip
_POSSESSIVE = {"'s", "’s", "'", "’"}
_OF = {"of", "at", "for", "with", "in"}
_APPOS_SKIP = {"who", "is", "was", "has", "been", "will", "be", "now", "currently", "also", "the",
               "a", "an", "its", "their", "then", "'s", "’s", "and", "as", "previously"}  # fmt: skip


@dataclass(frozen=True)
class RoleHit:
    person: Placed
    org: Placed | None
    title: str | None
    status: str
    pattern: str


def extract_roles(
    doc: Doc, mentions: Sequence[MentionRecord], published_on: dt.date | None = None
) -> Iterator[FactRecord]:
    """holds_role facts of one article; `published_on` is not needed by these patterns."""
    index = MentionIndex(doc, mentions)
    groups = find_title_groups(doc, index.name_tokens)
    finder = _RoleFinder(doc, index, groups)
    hits: list[RoleHit] = []
    for person in index.with_label("PERSON"):
        hits += finder.hits_for(person)
    hits = finder.apply_succession(hits)
    yield from _facts(doc, _best_hits(hits))


class _RoleFinder:
    def __init__(self, doc: Doc, index: MentionIndex, groups: list[TitleGroup]):
        self.doc = doc
        self.index = index
        self.by_end = {g.end: g for g in groups}
        self.by_start = {g.start: g for g in groups}
        self.covering = {i: g for g in groups for i in range(g.start, g.end)}

    def hits_for(self, person: Placed) -> list[RoleHit]:
        hits: list[RoleHit] = []
        for pattern in (self._prefix, self._appos, self._title_of, self._verbal, self._founded):
            hits += [h for h in pattern(person) if h.org is None or h.org.entity != person.entity]
        return hits

    # -- patterns ---------------------------------------------------------------------------

    def _prefix(self, person: Placed) -> list[RoleHit]:
        doc, group = self.doc, self.by_end.get(person.start)
        if group is None:
            if person.start > 1 and doc[person.start - 1].text in _POSSESSIVE:
                owner = self.index.ending_at(person.start - 1)
                if owner is not None and owner.label in ORG_LABELS:
                    return [RoleHit(person, owner, None, "current", "possessive")]
            return []
        j = group.start
        if j > 0 and doc[j - 1].text in _POSSESSIVE:
            j -= 1
        owner = self.index.ending_at(j)
        org = self._org_for(owner, group.titles) if owner is not None else None
        if org is not None:
            return self._hits(person, org, group, "prefix")
        return self._context_hits(person, group)

    def _appos(self, person: Placed) -> list[RoleHit]:
        doc, k = self.doc, person.end
        if k >= len(doc) or doc[k].text not in {",", "("}:
            return []
        k += 1
        while k < len(doc) and doc[k].lower_ in _APPOS_SKIP and k not in self.by_start:
            k += 1
        owner = self.index.starting_at(k)
        if owner is not None:
            k = owner.end + (
                1 if owner.end < len(doc) and doc[owner.end].text in _POSSESSIVE else 0
            )
        group = self.by_start.get(k)
        if group is None:
            return []
        org = self._org_after(group) or (self._org_for(owner, group.titles) if owner else None)
        if org is not None:
            return self._hits(person, org, group, "appos")
        return self._context_hits(person, group)

    def _title_of(self, person: Placed) -> list[RoleHit]:
        """ "the CEO of Acme, Jane Doe" / "Acme's chief executive, Jane Doe"."""
        doc = self.doc
        if person.start < 3 or doc[person.start - 1].text != ",":
            return []
        org = self.index.ending_at(person.start - 1)
        if org is not None and doc[org.start - 1].lower_ in _OF:
            group = self.by_end.get(org.start - 1)
            if group is not None and org.label in ORG_LABELS | PLACE_LABELS:
                return self._hits(person, org, group, "title_of")
        group = self.by_end.get(person.start - 1)
        if group is None:
            return []
        j = group.start - (1 if doc[group.start - 1].text in _POSSESSIVE else 0)
        owner = self.index.ending_at(j)
        org = self._org_for(owner, group.titles) if owner is not None else None
        return self._hits(person, org, group, "title_of") if org is not None else []

    def _verbal(self, person: Placed) -> list[RoleHit]:
        """Copulas and appointments ("is the CEO of", "was named CEO"), and "as TITLE"."""
        hits: list[RoleHit] = []
        root = self.doc[person.end - 1]
        for verb, role in _governing_verbs(root):
            for token in _title_tokens(verb):
                group = self.covering.get(token.i)
                if group is None:
                    continue
                via_as = token.head.lower_ == "as" or (
                    group.start > 0 and self.doc[group.start - 1].lower_ == "as"
                )
                pattern = "as_title" if via_as else "copula"
                if not via_as and verb.lemma_ not in ROLE_VERBS:
                    continue
                status = "former" if verb.lemma_ in LEAVING_VERBS and role == "subject" else None
                org = self._org_after(group) or self._verb_org(verb, role)
                if org is not None:
                    hits += self._hits(person, org, group, pattern, status)
                else:
                    hits += self._context_hits(person, group, status)
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
        root = self.doc[person.end - 1]
        verb = root.head
        orgs: list[Placed] = []
        if root.dep_ == "nsubj" and verb.lemma_ in FOUNDING_VERBS:
            orgs = [self.index.at(c.i) for c in verb.children if c.dep_ == "dobj"]  # type: ignore[misc]
        elif root.dep_ == "pobj" and verb.dep_ == "agent" and verb.head.lemma_ in FOUNDING_VERBS:
            orgs = [self.index.at(verb.head.head.i)]  # type: ignore[list-item]
        return [
            RoleHit(person, org, "Founder", "current", "founded")
            for org in orgs
            if org is not None and org.label in ORG_LABELS
        ]

    # -- organizations -------------------------------------------------------------------------

    def _org_for(self, mention: Placed | None, titles: Sequence[str]) -> Placed | None:
        """The organization a mention before a title names (a country for political titles)."""
        if mention is None:
            return None
        if mention.label in ORG_LABELS and not set(titles) <= POLITICAL_TITLES:
            return mention
        if not set(titles) & GPE_TITLES:
            return None
        if mention.label in PLACE_LABELS:
            return mention
        if mention.label == "NORP":
            places = list(self.index.with_label("GPE"))
            name = place_for_demonym(mention.mention.text, [p.mention.text for p in places])
            return next((p for p in places if p.mention.text == name), None)
        return None

    def _org_after(self, group: TitleGroup) -> Placed | None:
        """ "CEO of Acme", "chairman of the Acme Group", "minister at the Acme"."""
        doc, k = self.doc, group.end
        if k >= len(doc) or doc[k].lower_ not in _OF:
            return None
        k += 1
        if k < len(doc) and doc[k].lower_ == "the":
            k += 1
        org = self.index.starting_at(k)
        if org is not None and org.label in ORG_LABELS | PLACE_LABELS:
            return org
        return None

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
        if not set(group.titles) & CONTEXT_TITLES:
            return []
        org = self._context_org(person, group.titles)
        return self._hits(person, org, group, "context", status) if org is not None else []

    def _context_org(self, person: Placed, titles: Sequence[str]) -> Placed | None:
        """The organization the text around the person is about.

        "the company" in the sentence points to the last organization named before it;
        otherwise the most mentioned organization wins, helped by being near.
        """
        sent = self.doc[person.start].sent
        allowed = set()
        if not set(titles) <= POLITICAL_TITLES:
            allowed |= ORG_LABELS
        if set(titles) & GPE_TITLES:
            allowed |= PLACE_LABELS
        candidates = [
            p for p in self.index.placed if p.label in allowed and p.entity != person.entity
        ]
        if not candidates:
            return None
        if ORG_LABELS & allowed and any(
            t.lower_ in COMPANY_NOUNS and _is_definite(t) for t in sent
        ):
            before = [p for p in candidates if p.end <= sent.start and p.label in ORG_LABELS]
            if before:
                return max(before, key=lambda p: p.start)
        prev_sent = self.doc[sent.start - 1].sent if sent.start > 0 else None

        def score(p: Placed) -> tuple[int, int]:
            near = 2 if sent.start <= p.start < sent.end else 0
            if prev_sent is not None and prev_sent.start <= p.start < prev_sent.end:
                near = 1
            return self.index.frequency[p.entity.key] + near, -abs(p.start - person.start)

        best = max(candidates, key=score)
        return best if score(best)[0] >= 2 else None

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

    # -- succession ----------------------------------------------------------------------------

    def apply_succession(self, hits: list[RoleHit]) -> list[RoleHit]:
        """ "A was succeeded by B", "B succeeded/replaced A": A is former, B holds A's role."""
        extra: list[RoleHit] = []
        former: set[tuple[str, int]] = set()
        for token in self.doc:
            if token.lemma_ not in SUCCESSION_VERBS:
                continue
            old, new = self._succession_pair(token)
            if old is None or new is None:
                continue
            former.add((old.entity.key, token.sent.start))
            for hit in hits:
                if hit.person.entity == old.entity and hit.title is not None:
                    extra.append(RoleHit(new, hit.org, hit.title, "current", "succession"))
        out = []
        for hit in hits + extra:
            if (hit.person.entity.key, self.doc[hit.person.start].sent.start) in former:
                hit = replace(hit, status="former")
            out.append(hit)
        return out

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
    elif root.dep_ == "dobj":
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


def _is_definite(token: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)


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


def _facts(doc: Doc, hits: list[RoleHit]) -> Iterator[FactRecord]:
    for hit in hits:
        assert hit.org is not None
        sent = doc[hit.person.start].sent
        same_sentence = sent.start <= hit.org.start < sent.end
        start = min(hit.person.start, hit.org.start) if same_sentence else hit.person.start
        end = max(hit.person.end, hit.org.end) if same_sentence else hit.person.end
        yield FactRecord(
            relation=RELATION,
            subject=hit.person.entity,
            object=hit.org.entity,
            title=hit.title,
            status=hit.status,  # type: ignore[arg-type]
            evidence=Evidence(
                start_char=doc[start].idx,
                end_char=doc[end - 1].idx + len(doc[end - 1]),
                sent_start=sent.start_char,
                sent_end=sent.end_char,
            ),
            extractor=f"roles.{hit.pattern}",
            confidence=CONFIDENCE[hit.pattern],
        )
