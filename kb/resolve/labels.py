"""Fix NER labels of one article from local evidence, then make each name agree.

Evidence beats NER: "Acme CEO Jane Doe" makes Acme an ORG however often the
model tagged "Acme" PERSON in the article; "Acme Corp." is an ORG; a lone
"Doe" that is the surname of a person named in the article is that PERSON.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from kb.doctable import doc_table
from kb.resolve.linking import Candidate
from kb.resolve.names import LEGAL_SUFFIXES, is_person_shaped, normalize_key, simple_fold
from kb.resolve.places import is_demonym_like, place_for_demonym
from kb.resolve.spans import is_possessive_at
from kb.resolve.titles import is_gpe_title

if TYPE_CHECKING:
    from collections.abc import Iterable

    from spacy.tokens import Doc

    from kb.resolve.title_groups import TitleGroup

# A label set from evidence outvotes any number of NER labels.
EVIDENCE_WEIGHT = 1000
# Last words that make a name an organization whatever NER said ("Acme Capital").
ORG_HEAD_WORDS: frozenset[str] = LEGAL_SUFFIXES | frozenset(
    {"bank", "university", "institute", "association", "agency", "ministry", "council",
     "party", "capital", "motors", "motor", "airlines", "airways", "technologies",
     "technology", "tech", "electronics", "labs", "laboratories", "foundation", "fund",
     "committee", "court", "commission", "federation", "club", "fc", "partners", "ventures",
     "systems", "semiconductor", "semiconductors", "pharmaceuticals", "pharma", "media",
     "studios", "entertainment", "securities", "insurance", "bureau", "department",
     "authority", "organization", "organisation", "alliance", "auto", "automotive",
     "automobile", "industries", "enterprises", "software", "networks", "telecom",
     "communications", "energy", "investments", "management", "consulting", "research",
     "front", "movement", "assembly", "parliament", "congress", "senate", "government",
     "church", "brigade", "brigades", "army", "forces", "police", "guard", "guards", "times",
     "post", "magazine", "gazette", "journal", "zeitung", "herald", "tribune", "daily",
     "news", "service", "services", "office", "network", "channel", "radio", "television",
     "league", "society", "school", "college", "academy", "hospital", "orchestra"}
)  # fmt: skip
# "the chipmaker Acme": a common noun right before a name that says it is a company.
ORG_DESCRIPTORS: frozenset[str] = frozenset(
    {"company", "firm", "provider", "maker", "manufacturer", "supplier", "carrier", "operator",
     "startup", "start-up", "brand", "retailer", "automaker", "carmaker", "chipmaker",
     "insurer", "lender", "bank", "platform", "app", "service", "agency", "consultancy",
     "giant", "conglomerate", "group", "vendor", "broadcaster", "newspaper", "daily",
     "magazine", "weekly", "outlet", "website", "fund", "unit", "subsidiary", "club", "team",
     "party", "union", "airline", "exchange", "network", "channel", "tabloid"}
)  # fmt: skip
# "Acme data", "Acme lenses": nouns a company has and a person rarely does.
ORG_OUTPUT_NOUNS: frozenset[str] = frozenset(
    {"data", "report", "estimates", "survey", "analysis", "shares", "stock", "products",
     "phones", "smartphones", "devices", "cameras", "lenses", "cars", "vehicles", "models",
     "chips", "stores", "platform", "app", "apps", "services", "brand", "partnership",
     "cooperation", "collaboration", "headquarters", "factory", "plant", "subsidiary",
     "employees", "executives", "engineers", "spokesperson", "spokesman", "spokeswoman",
     "revenue", "sales", "shipments", "profit", "ecosystem", "lineup", "series"}
)  # fmt: skip
PLACE_LABELS = frozenset({"GPE", "NORP", "LOC"})
_LIST_JOINERS = {",", "and", "or", "&"}
_PLACE_OR_PERSON = PLACE_LABELS | {"PERSON"}


def fix_labels(doc: Doc, cands: list[Candidate], titles: Iterable[TitleGroup]) -> None:
    """Set evidence labels, then give every spelling of a name its winning label."""
    context = _LabelContext(doc, cands, titles)
    for cand in cands:
        label = context.evidence_label(cand)
        if label:
            cand.label, cand.weight = label, EVIDENCE_WEIGHT
        elif cand.label == "PRODUCT" and cand.source == "ner":
            cand.weight = 0  # NER's PRODUCT is a guess; products come from patterns
    _agree_in_lists(doc, cands)
    keys = [_group_key(cand) for cand in cands]
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for key, cand in zip(keys, cands, strict=True):
        if cand.label != "OWNER":
            votes[key][cand.label] += cand.weight
    # The winner of each spelling, found once (the tallies do not change below).
    winners = {
        key: (tally.most_common(1)[0], tally) for key, tally in votes.items() if sum(tally.values())
    }
    for key, cand in zip(keys, cands, strict=True):
        won = winners.get(key)
        if cand.source != "pattern" and won is not None:
            (winner, count), tally = won
            if cand.label == "OWNER" or count > tally[cand.label]:
                cand.label = winner
        if cand.label == "OWNER":
            cand.label = "ORG"


def _agree_in_lists(doc: Doc, cands: list[Candidate]) -> None:
    """ "Vienna, Freiburg, London and Copenhagen": a one-word odd one out takes the list's label."""
    words = doc_table(doc).words
    ordered = sorted((c for c in cands if c.source != "pattern"), key=lambda c: c.start)
    lists: list[list[Candidate]] = []
    for cand in ordered:
        previous = lists[-1][-1] if lists else None
        if (
            previous is not None
            and 0 < cand.start - previous.end <= 2
            and all(words[i].lower() in _LIST_JOINERS for i in range(previous.end, cand.start))
        ):
            lists[-1].append(cand)
        else:
            lists.append([cand])
    for members in lists:
        if len(members) < 3:
            continue
        labels = Counter(c.label for c in members)
        if len(labels) < 2:
            continue
        label, count = labels.most_common(1)[0]
        if count < len(members) - 1 or count < 2:
            continue
        for cand in members:
            if cand.label != label and len(cand.words) == 1 and cand.weight < EVIDENCE_WEIGHT:
                cand.label, cand.weight = label, EVIDENCE_WEIGHT


def _group_key(cand: Candidate) -> str:
    return normalize_key(cand.text, "ORG")


def _org_named(cand: Candidate) -> bool:
    """ "Acme Capital", "Acme Holdings Ltd.": the last word says organization."""
    return len(cand.words) > 1 and cand.words[-1] in ORG_HEAD_WORDS


class _LabelContext:
    """What the article says around each name."""

    def __init__(self, doc: Doc, cands: list[Candidate], titles: Iterable[TitleGroup]):
        self.doc = doc
        self.words = doc_table(doc).words
        self.starts = {c.start: c for c in cands}
        titles = list(titles)
        self.title_starts = {g.start: g for g in titles}
        self.title_ends = {g.end: g for g in titles}
        self.places = {simple_fold(c.text) for c in cands if c.label in PLACE_LABELS}
        self.place_names = [
            (name, simple_fold(name))
            for name in sorted({c.text for c in cands if c.label == "GPE"})
        ]
        people = [c for c in cands if c.label == "PERSON" and len(c.words) > 1]
        self.person_names = [c.words for c in people if is_person_shaped(c.text)]
        self.org_first_words = {
            c.words[0] for c in cands if len(c.words) > 1 and (c.label == "ORG" or _org_named(c))
        }

    def evidence_label(self, cand: Candidate) -> str | None:
        if cand.source == "pattern":
            return None
        words = cand.words
        if _org_named(cand) and cand.label in _PLACE_OR_PERSON | {"ORG"}:
            return "ORG"
        if cand.label == "PERSON" and not is_person_shaped(cand.text):
            return "ORG"
        if len(words) == 1 and cand.label != "NORP" and self._is_adjective(cand):
            return "NORP"
        if cand.label != "PERSON" and self._titled_person(cand):
            return "PERSON"
        found = self._from_follower(cand)
        if found is not None:
            return found or None
        if cand.label == "PERSON" and self._described_as_org(cand):
            return "ORG"
        if len(words) == 1 and cand.label == "PERSON":
            return self._lone_person(cand)
        if len(words) == 1 and cand.label == "ORG" and words[0] not in self.org_first_words:
            if any(words[0] in (name[0], name[-1]) for name in self.person_names):
                return "PERSON"
        return None

    def _from_follower(self, cand: Candidate) -> str | None:
        """ "Acme CEO Jane Doe", "Acme's Jane Doe", "Acme's X5" ("" = no change, stop)."""
        follower = self._follower(cand)
        if follower is None:
            return None
        kind, group, other = follower
        is_place = simple_fold(cand.text) in self.places or cand.label in {"GPE", "LOC"}
        if cand.label == "NORP":
            is_place = is_demonym_like(cand.text)
        if kind == "title" and other.label == "PERSON":
            if group is not None and is_place and all(is_gpe_title(t) for t in group.titles):
                return ""
            return "ORG"
        if kind == "possessive" and other.label in {"PERSON", "PRODUCT"} and not is_place:
            if cand.source == "recovered" or other.label == "PRODUCT":
                return "ORG"
            if cand.label == "PERSON" and len(cand.words) == 1 and not self._in_person(cand):
                return "ORG"
        return None

    def _is_adjective(self, cand: Candidate) -> bool:
        """ "Ukrainian", "Azerbaijani": an adjective of a place the article names is NORP."""
        if cand.end != cand.start + 1 or not self.words[cand.start][:1].isupper():
            return False
        if self.doc[cand.start].tag_ in {"JJ", "JJR", "JJS"}:
            return True
        if not is_demonym_like(cand.text):
            return False
        own = simple_fold(cand.text)
        places = [name for name, folded in self.place_names if folded != own]
        return place_for_demonym(cand.text, places) is not None

    def _titled_person(self, cand: Candidate) -> bool:
        """ "President Jane Doe", "Jane Doe, the president of …" name a person."""
        if cand.source == "pattern" or not is_person_shaped(cand.text):
            return False
        if cand.words[-1] in ORG_HEAD_WORDS or len(cand.words) > 4:
            return False
        if cand.start in self.title_ends:
            return True
        words, k = self.words, cand.end
        if len(cand.words) < 2 or k + 1 >= len(words) or words[k] != ",":
            return False
        k += 1
        if words[k].lower() == "who":
            return True
        while k < len(words) and words[k].lower() in {"the", "a", "an", "its", "former", "then"}:
            k += 1
        owner = self.starts.get(k)
        if owner is not None and owner.end < len(words) and is_possessive_at(self.doc, owner.end):
            k = owner.end + 1
        return k in self.title_starts

    def _lone_person(self, cand: Candidate) -> str | None:
        """A one-word PERSON: an organization when the article treats it as one."""
        word = cand.words[0]
        if self._in_person(cand):
            return None
        if word in self.org_first_words:
            return "ORG"
        after = cand.end
        if (
            after < len(self.words)
            and self.words[after].lower() in ORG_OUTPUT_NOUNS
            and self.doc[after].pos_ == "NOUN"
        ):
            return "ORG"
        return None

    def _described_as_org(self, cand: Candidate) -> bool:
        """ "the daily Famagusta Gazette", "carmaker Nio": a company noun right before."""
        i = cand.start - 1
        while i >= 0 and self.doc[i].is_quote:
            i -= 1
        if i < 0 or cand.start in self.title_ends:
            return False
        return self.words[i].lower() in ORG_DESCRIPTORS and self.doc[i].pos_ in {"NOUN", "ADJ"}

    def _in_person(self, cand: Candidate) -> bool:
        word = cand.words[0]
        return any(word in name for name in self.person_names)

    def _follower(self, cand: Candidate) -> tuple[str, TitleGroup | None, Candidate] | None:
        """What comes right after a name: ['s] title + name, or 's + name."""
        nxt = cand.end
        possessive = nxt < len(self.words) and is_possessive_at(self.doc, nxt)
        group = self.title_starts.get(nxt + 1 if possessive else nxt)
        if group is not None and group.end in self.starts:
            return "title", group, self.starts[group.end]
        if possessive and nxt + 1 in self.starts:
            return "possessive", None, self.starts[nxt + 1]
        return None
