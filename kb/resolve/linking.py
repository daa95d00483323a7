"""Article-level linking: group the name candidates of one article into entities (pure).

"Jane Doe", "Doe" and "Jane Doe's" become one person; "GE" joins "GE Video
Compression" when it is the only organization it abbreviates; a two-part name
in either order is one key. Works on `Candidate`s, so it needs no spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from kb.resolve.names import core_tokens, name_tokens, normalize_key
from kb.resolve.votes import best_name, vote_label


@dataclass
class Candidate:
    """One name occurrence: tokens [start, end), chars [start_char, end_char) of the doc."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    label: str
    weight: int = 1  # votes for `label`: 1 from NER, more when local evidence set it
    source: str = "ner"
    cluster: int = field(default=-1, compare=False)

    @cached_property
    def words(self) -> list[str]:
        """`name_tokens(text)`, kept: linking and labelling ask for it many times (a
        candidate's text never changes once made)."""
        return name_tokens(self.text)


class Entity(NamedTuple):
    key: str
    name: str
    label: str


def link_candidates(cands: list[Candidate]) -> list[Entity]:
    """Set `cluster` on every candidate; return the entities, indexed by cluster."""
    parent = list(range(len(cands)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    by_key: dict[str, int] = {}
    for i, cand in enumerate(cands):
        key = normalize_key(cand.text, cand.label)
        if key in by_key:
            union(i, by_key[key])
        else:
            by_key[key] = i
    _link_person_parts(cands, union, find)
    _link_org_abbreviations(cands, union, find)
    _link_org_short_forms(cands, union, find)

    groups: dict[int, list[int]] = {}
    for i in range(len(cands)):
        groups.setdefault(find(i), []).append(i)
    entities = []
    for number, members in enumerate(groups.values()):
        votes: dict[str, int] = {}
        aliases: dict[str, int] = {}
        for i in members:
            cand = cands[i]
            votes[cand.label] = votes.get(cand.label, 0) + cand.weight
            aliases[cand.text] = aliases.get(cand.text, 0) + 1
            cand.cluster = number
        label = vote_label(votes)
        name = best_name(aliases)
        entities.append(Entity(key=normalize_key(name, label), name=name, label=label))
    return entities


def _link_person_parts(cands: list[Candidate], union, find) -> None:  # type: ignore[no-untyped-def]
    """Join "Doe" (or "Jane") and "Jane W. Doe" to the full name "Jane Doe"."""
    people = [i for i, c in enumerate(cands) if c.label == "PERSON"]
    full = [i for i in people if len(cands[i].words) > 1]
    for i in full:
        words = cands[i].words
        for j in full:
            longer = cands[j].words
            if len(longer) > len(words) and _is_subname(words, longer):
                union(i, j)
                break
    for i in people:
        words = cands[i].words
        if len(words) != 1:
            continue
        matches = [j for j in full if words[0] in (cands[j].words[0], cands[j].words[-1])]
        roots = {find(j) for j in matches}
        if not roots:
            continue
        if len(roots) == 1:
            union(i, matches[0])
            continue
        before = [j for j in matches if cands[j].start < cands[i].start]
        nearest = (
            max(before, key=lambda j: cands[j].start)
            if before
            else min(matches, key=lambda j: cands[j].start)
        )
        union(i, nearest)


def _is_subname(words: list[str], longer: list[str]) -> bool:
    """ "George Bush" in "George W. Bush": same first and last word, in order."""
    if words[0] != longer[0] or words[-1] != longer[-1]:
        return False
    it = iter(longer)
    return all(w in it for w in words)


def _link_org_abbreviations(cands: list[Candidate], union, find) -> None:  # type: ignore[no-untyped-def]
    """Join "GE" to "GE Vernova", "EU" to "European Union", when only one fits."""
    orgs = [i for i, c in enumerate(cands) if c.label == "ORG"]
    # The names an abbreviation may stand for, and their words (found once, when needed).
    longer: list[tuple[int, list[str]]] | None = None
    for i in orgs:
        text = cands[i].text
        if not (text.isupper() and 2 <= len(text) <= 5 and text.isalpha()):
            continue
        if longer is None:
            words_of = ((j, core_tokens(cands[j].text)) for j in orgs)
            longer = [(j, words) for j, words in words_of if len(words) > 1]
        short = text.casefold()
        fits = {find(j) for j, words in longer if _abbreviates(short, words)}
        if len(fits) == 1:
            union(i, fits.pop())


def _abbreviates(short: str, words: list[str]) -> bool:
    """Whether `short` is the first of the name `words`, or their initials."""
    if words[0] == short:
        return True
    initials = "".join(w[0] for w in words if w not in {"of", "and", "&", "for", "the"})
    return initials == short


def _link_org_short_forms(cands: list[Candidate], union, find) -> None:  # type: ignore[no-untyped-def]
    """Join "Corvane" to "Corvane Semiconductor" named earlier in the article: news gives a
    company's full name first and its short form after. A name that came first ("Acme",
    then "Acme Auto") may be a parent and its unit, so it is left alone; so is a short
    form that could belong to two fuller names."""
    orgs = [i for i, c in enumerate(cands) if c.label == "ORG"]
    folded = {i: tuple(w.casefold() for w in cands[i].words) for i in orgs}
    first_seen: dict[tuple[str, ...], int] = {}
    for i in orgs:
        words = folded[i]
        first_seen[words] = min(first_seen.get(words, cands[i].start), cands[i].start)
    by_first_word: dict[str, list[int]] = {}
    for j in orgs:
        if folded[j]:
            by_first_word.setdefault(folded[j][0], []).append(j)
    for i in orgs:
        words = folded[i]
        if not words:
            continue
        size = len(words)
        fuller = {
            find(j)
            for j in by_first_word[words[0]]
            if cands[j].start < first_seen[words]
            and len(folded[j]) > size
            and folded[j][:size] == words
        }
        if len(fuller) == 1 and find(i) not in fuller:
            union(i, fuller.pop())
