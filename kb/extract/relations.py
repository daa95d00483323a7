"""Verb-based subject–relation–object facts, and the closed relation vocabulary.

`RELATIONS` is the one place the vocabulary of `facts.relation` (and so of
`v_relations.relation`) is written down. This module extracts the verb-based
relations other than `met`, `holds_role` and `makes`; the clause machinery it
uses — frames matched on the dependency parse, subjects of clauses, negation
and hypotheticals, dates and places — is shared with `kb.extract.meetings`.

A *frame* says how a relation is written: a verb and where its object is ("A
sued B", "A invested in B", "A filed a lawsuit against B", "B was acquired by
A"), or a noun and its participants ("a partnership between A and B", "A's
acquisition of B"). Rules are general English; nothing here names a company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from spacy.attrs import DEP, LEMMA, LOWER, ORTH, POS, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from kb.extract.coref import MentionIndex, Referent, coordinated, resolve_entity
from kb.extract.dates_in_text import resolve_date_text
from kb.records import Evidence, FactRecord, MentionRecord, Modality

RELATIONS: dict[str, str] = {
    "met": "two people met in person (talks, a visit, a tour, hosting, accompanying); symmetric",
    "holds_role": "a person holds a title (CEO, founder, minister) at an organization or place",
    "makes": "an organization makes, sells or launched a product",
    "partners_with": "two parties partner, collaborate or signed an agreement; symmetric",
    "supplies": "the subject supplies goods or services to the object",
    "invested_in": "the subject invested in or took a stake in the object",
    "founded": "a person or organization founded, co-founded or set up the object",
    "visited": "the subject visited or toured a place, site or organization",
    "sued": "the subject sued or filed a lawsuit or complaint against the object",
    "acquired": "the subject acquired, bought or took over the object organization",
    "merged_with": "two organizations merged or agreed a merger; symmetric",
}
SYMMETRIC_RELATIONS = frozenset({"met", "partners_with", "merged_with"})

PARTIES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
COMPANIES = frozenset({"ORG"})
PLACES = frozenset({"GPE", "LOC", "FAC", "ORG"})

SUBJECT_DEPS = frozenset({"nsubj"})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
# The parser attaches "to" of a recipient as `dative` ("supplies chips to B").
PREP_DEPS = ("prep", "dative")
# Clauses that inherit their subject from the clause they hang on.
SUBJECT_INHERITING_DEPS = frozenset({"xcomp", "advcl", "conj", "pcomp", "prep", "acomp"})
MODAL_AUXILIARIES = frozenset(
    {"will", "would", "could", "may", "might", "should", "shall", "can", "'ll", "wo", "ca", "must"}
)
CONDITIONAL_MARKERS = frozenset({"if", "unless", "whether"})
NEGATING_GOVERNORS = frozenset(
    {"deny", "refuse", "decline", "fail", "cancel", "avoid", "reject", "scrap", "skip", "snub"}
)
NEGATING_PHRASAL_VERBS = frozenset({("call", "off"), ("rule", "out")})
# Verbs whose infinitive complement has not happened (yet): "plans to meet".
HYPOTHETICAL_GOVERNORS = frozenset(
    {
        "plan", "expect", "hope", "want", "intend", "seek", "aim", "schedule", "set", "due",
        "try", "propose", "arrange", "agree", "prepare", "wish", "like", "love", "offer",
        "invite", "ask", "request", "urge", "consider", "go", "be", "need", "look", "attempt",
        "slate", "poise", "threaten", "vow", "pledge", "promise", "postpone", "delay",
        "suggest", "say", "report", "rumor", "rumour", "allege", "claim", "believe", "think",
        "seem", "appear", "hint", "mull", "weigh", "discuss", "demand", "call",
    }
)  # fmt: skip
# Verbs that make an event noun they govern unreal: "requested a meeting".
HYPOTHETICAL_EVENT_GOVERNORS = frozenset(
    {
        "plan", "expect", "seek", "schedule", "propose", "arrange", "request", "want",
        "consider", "postpone", "delay", "suggest", "demand", "urge", "offer", "prepare",
        "set", "discuss", "mull", "hope", "need", "push",
    }
)  # fmt: skip
# Verbs of saying: a that-clause under them is still asserted ("said he met B").
REPORTING_VERBS = frozenset(
    {
        "say", "tell", "add", "note", "confirm", "announce", "state", "write", "explain",
        "show", "reveal", "recall", "report", "post", "insist", "stress", "emphasize",
    }
)  # fmt: skip
HYPOTHETICAL_NOUN_MODIFIERS = frozenset(
    {
        "planned", "upcoming", "proposed", "possible", "potential", "expected", "scheduled",
        "future", "anticipated", "rumored", "rumoured", "next", "prospective", "mooted",
        "forthcoming", "pending", "likely",
    }
)  # fmt: skip
# "the idea of a partnership": an event named under these nouns is not a fact.
UNREAL_HEAD_NOUNS = frozenset(
    {
        "idea", "plan", "proposal", "possibility", "prospect", "hope", "rumor", "rumour",
        "chance", "option", "talk", "speculation", "threat", "risk", "danger",
    }
)  # fmt: skip
NEGATED_NOUN_MODIFIERS = frozenset({"cancelled", "canceled", "aborted", "scrapped"})

# A participant named by a pronoun or a title is less certain than one named outright.
INFERRED_REFERENCES = frozenset({"pronoun", "title"})
COREFERENCE_DISCOUNT = 0.9

PLACE_NOUNS = frozenset(
    {
        "factory", "plant", "headquarters", "hq", "office", "offices", "campus", "ministry",
        "embassy", "palace", "residence", "hotel", "summit", "forum", "conference", "expo",
        "fair", "exhibition", "airport", "stadium", "venue", "hall", "center", "centre",
        "building", "facility", "site", "store", "museum", "university", "hospital", "base",
        "lab", "laboratory", "institute", "studio", "booth", "restaurant", "house", "mansion",
        "chancellery", "parliament", "workshop", "warehouse", "mine", "port", "shipyard",
        "complex", "park", "village", "town", "city", "capital",
    }
)  # fmt: skip
VIRTUAL_NOUNS = frozenset(
    {"website", "webpage", "page", "account", "profile", "blog", "channel", "app", "feed"}
)
PLACE_ENTITY_LABELS = frozenset({"GPE", "LOC", "FAC"})
VISIT_LEMMAS = frozenset({"visit", "tour", "inspect"})


@dataclass(frozen=True)
class VerbFrame:
    """'A <verb> B': where the object sits relative to the verb.

    `preps` empty: the object is the verb's `object_dep` ("A sued B"); else it is
    the object of one of these prepositions on the verb ("A invested in B") or on
    its `light_nouns` direct object ("A filed a lawsuit against B").
    """

    relation: str
    name: str
    lemmas: tuple[str, ...]
    subject_labels: frozenset[str]
    object_labels: frozenset[str]
    confidence: float
    preps: tuple[str, ...] = ()
    light_nouns: tuple[str, ...] = ()
    particle: str | None = None
    object_dep: str = "dobj"
    passive: bool = False  # also "B was <verb>ed by A"
    reciprocal: bool = False  # also "A and B <verb>ed"
    forms: tuple[str, ...] = ()  # word forms matched as written, besides the lemmas
    object_owner: bool = False  # "A visited B's factory" -> B
    prep_on_object: bool = False  # "A toured the plant with B": the prep hangs on the object


@dataclass(frozen=True)
class NounFrame:
    """'a <noun> between A and B', "A's <noun> <prep> B", 'during <noun> <prep> B'."""

    relation: str
    name: str
    nouns: tuple[str, ...]
    subject_labels: frozenset[str]
    object_labels: frozenset[str]
    confidence: float
    preps: tuple[str, ...] = ()
    between: bool = False
    object_owner: bool = False


@dataclass(frozen=True)
class Participants:
    """One matched statement: who acts, on whom, and the tokens that anchor it."""

    frame: Frame
    subjects: list[Token]
    objects: list[Token]
    anchors: list[Token]  # trigger words whose modifiers give modality, date and place
    symmetric_group: bool = False  # every pair among `subjects` (objects unused)
    extractor: str = ""
    confidence: float | None = None
    # Further tokens whose modifiers may say when and where (not how: modality is the anchor's).
    setting_anchors: list[Token] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Frames -> matches on the parse

Shape = tuple[str, dict[str, Token]]  # shape name, role -> token
# Extra single-token Matcher patterns by name, and what turns their matches into statements.
SpecialPatterns = Mapping[str, list[list[dict[str, object]]]]
SpecialHandler = Callable[[str, Token], Iterable[Participants]]
# How each kind of trigger word is matched: token attribute and part of speech.
TRIGGER_KINDS = {"verb": ("LEMMA", "VERB"), "form": ("LOWER", "VERB"), "noun": ("LEMMA", "NOUN")}
# Token attributes a trigger or special pattern may test, and those a parse must provide.
MATCH_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER, "ORTH": ORTH, "POS": POS, "TAG": TAG, "DEP": DEP}
ANNOTATED_ATTRS = frozenset({"LEMMA", "POS", "TAG", "DEP"})
# Docs this long find their triggers with numpy; shorter ones with a loop.
VECTORIZE_FROM_TOKENS = 200


def _value_ids(value: object) -> frozenset[int]:
    """The string ids a pattern value allows: one string, or {"IN": [strings]}."""
    words = value["IN"] if isinstance(value, dict) else [value]
    return frozenset(get_string_id(str(w) if not isinstance(w, int) else w) for w in words)


def _children(token: Token, deps: Iterable[str], words: Iterable[str] | None = None) -> list[Token]:
    wanted = set(words) if words is not None else None
    return [c for c in token.children if c.dep_ in deps and (wanted is None or c.lower_ in wanted)]


def _prep_objects(heads: Iterable[Token], preps: Iterable[str]) -> Iterator[Token]:
    for head in heads:
        for prep in _children(head, PREP_DEPS, preps):
            yield from _children(prep, ("pobj",))


def verb_frame_shapes(frame: VerbFrame, trigger: Token) -> Iterator[Shape]:
    """The shapes of `frame` found at `trigger` ("object", "passive", "reciprocal")."""
    if frame.particle and not _children(trigger, ("prt", "advmod", "prep"), (frame.particle,)):
        return
    nouns = [c for c in trigger.children if c.dep_ == "dobj" and c.lemma_ in frame.light_nouns]
    if frame.light_nouns and not nouns:
        return
    roles = {"trigger": trigger, **({"noun": nouns[0]} if nouns else {})}
    if frame.preps:
        heads = [trigger, *nouns]
        if frame.prep_on_object and not frame.light_nouns:
            heads += _children(trigger, ("dobj",))
        for obj in _prep_objects(heads, frame.preps):
            yield "object", {**roles, "object": obj}
    elif frame.object_dep:
        for obj in _children(trigger, (frame.object_dep,)):
            yield "object", {**roles, "object": obj}
    if frame.passive and trigger.tag_ == "VBN":
        for agent in _children(trigger, ("agent",)):
            for actor in _children(agent, ("pobj",)):
                yield "passive", {**roles, "actor": actor}
    if frame.reciprocal:
        for subject in _children(trigger, ("nsubj",)):
            if _children(subject, ("conj",)):
                yield "reciprocal", {**roles, "subject": subject}


def noun_frame_shapes(frame: NounFrame, noun: Token) -> Iterator[Shape]:
    """The shapes of `frame` found at `noun` ("between", "object")."""
    if frame.between:
        for obj in _prep_objects([noun], ("between",)):
            yield "between", {"noun": noun, "object": obj}
    if frame.preps:
        for obj in _prep_objects([noun], frame.preps):
            yield "object", {"noun": noun, "object": obj}


Frame = VerbFrame | NounFrame


class FrameMatcher:
    """Finds the statements a set of frames describes in a parsed Doc.

    Every trigger word is found in one pass over the Doc's attribute arrays: each
    trigger kind and special pattern is a single-token test (attribute -> allowed
    values), checked with numpy on `Doc.to_array` columns rather than with a spaCy
    `Matcher`, whose set-valued predicates cost a Python call per token. Each
    trigger's frames then check its neighbourhood in the tree. Matches come in the
    order a `Matcher` would give: by token, then by the order the tests were added.

    Only string ids are compared (never looked up), and none is added to the
    vocabulary, so a matcher built anywhere works inside any memory zone.
    """

    def __init__(
        self, vocab: Vocab, frames: Iterable[Frame], special: SpecialPatterns | None = None
    ) -> None:
        self._by_trigger: dict[tuple[str, str], list[Frame]] = {}
        for frame in frames:
            if isinstance(frame, NounFrame):
                keys = [("noun", noun) for noun in frame.nouns]
            else:
                # The lemmatizer misreads some forms ("dined" -> "din"): match those as written.
                keys = [("verb", lemma) for lemma in frame.lemmas]
                keys += [("form", form) for form in frame.forms]
            for key in keys:
                self._by_trigger.setdefault(key, []).append(frame)
        words = {
            kind: sorted(w for k, w in self._by_trigger if k == kind) for kind in TRIGGER_KINDS
        }
        tests: list[tuple[str, list[dict[str, object]]]] = [
            (kind, [{attr: {"IN": words[kind]}, "POS": pos}])
            for kind, (attr, pos) in TRIGGER_KINDS.items()
            if words[kind]
        ]
        for kind, patterns in (special or {}).items():
            for pattern in patterns:
                if len(pattern) != 1:
                    raise ValueError(f"special pattern {kind!r}: only single-token patterns")
                tests.append((kind, pattern))
        self._attrs: list[str] = sorted({attr for _, spec in tests for attr in spec[0]})
        unknown = set(self._attrs) - set(MATCH_ATTRS)
        if unknown:
            raise ValueError(f"unsupported pattern attributes: {sorted(unknown)}")
        column = {attr: n for n, attr in enumerate(self._attrs)}
        self._columns = [MATCH_ATTRS[attr] for attr in self._attrs]
        # Per test: the single-valued checks (compared on whole columns), then the
        # set-valued ones (looked up for the few tokens left).
        self._tests: list[tuple[str, list[tuple[int, int]], list[tuple[int, frozenset[int]]]]]
        self._tests = []
        for kind, spec in tests:
            ids = {column[attr]: _value_ids(value) for attr, value in spec[0].items()}
            equal = [(col, next(iter(v))) for col, v in ids.items() if len(v) == 1]
            within = [(col, v) for col, v in ids.items() if len(v) != 1]
            self._tests.append((kind, equal, within))

    def triggers(self, doc: Doc) -> list[tuple[str, int]]:
        """(kind, token index) of every trigger, in `Matcher` order."""
        if not self._tests or len(doc) == 0:
            return []
        for attr in self._attrs:
            if attr in ANNOTATED_ATTRS and not doc.has_annotation(attr):
                raise ValueError(f"[E155] the Doc has no {attr} annotation, needed by the frames")
        values = doc.to_array(self._columns).reshape(len(doc), len(self._columns))
        found: list[tuple[int, int, str]] = []
        if len(doc) < VECTORIZE_FROM_TOKENS:  # numpy's fixed costs exceed a loop's
            columns = values.T.tolist()
            for order, (kind, equal, within) in enumerate(self._tests):
                tokens: Iterable[int] = range(len(doc))
                for col, value in equal:
                    column = columns[col]
                    tokens = [i for i in tokens if column[i] == value]
                for col, allowed in within:
                    column = columns[col]
                    tokens = [i for i in tokens if column[i] in allowed]
                found.extend((i, order, kind) for i in tokens)
        else:
            for order, (kind, equal, within) in enumerate(self._tests):
                mask = np.ones(len(doc), dtype=bool)
                for col, value in equal:
                    mask &= values[:, col] == value
                indices = np.flatnonzero(mask)
                for col, allowed in within:
                    if not len(indices):
                        break
                    indices = indices[[v in allowed for v in values[indices, col].tolist()]]
                found.extend((i, order, kind) for i in indices.tolist())
        # A kind with several patterns matches a token once, at its first pattern.
        found.sort()
        seen: set[tuple[str, int]] = set()
        ordered: list[tuple[str, int]] = []
        for i, _, kind in found:
            if (kind, i) not in seen:
                seen.add((kind, i))
                ordered.append((kind, i))
        return ordered

    def __call__(
        self, doc: Doc, on_special: SpecialHandler | None = None
    ) -> Iterator[Participants]:
        """Statements of the frames, and of `on_special` for the special patterns' matches."""
        seen: set[tuple[str, tuple[int, ...]]] = set()
        for kind, start in self.triggers(doc):
            token = doc[start]
            if kind not in TRIGGER_KINDS:
                if on_special is not None:
                    yield from on_special(kind, token)
                continue
            word = token.lower_ if kind == "form" else token.lemma_
            for frame in self._by_trigger.get((kind, word), ()):
                shapes = (
                    verb_frame_shapes(frame, token)
                    if isinstance(frame, VerbFrame)
                    else noun_frame_shapes(frame, token)
                )
                for shape, roles in shapes:
                    found = participants_of(frame, shape, roles)
                    if found is None:
                        continue
                    identity = (
                        frame.name,
                        tuple(sorted(t.i for t in found.subjects + found.objects)),
                    )
                    if identity in seen:
                        continue
                    seen.add(identity)
                    yield found


def participants_of(frame: Frame, shape: str, tokens: dict[str, Token]) -> Participants | None:
    extractor = f"relations.{frame.name}" if frame.relation != "met" else f"meetings.{frame.name}"
    if isinstance(frame, VerbFrame):
        trigger = tokens["trigger"]
        anchors = [trigger, *([tokens["noun"]] if "noun" in tokens else [])]
        if shape == "passive":
            return Participants(
                frame, coordinated(tokens["actor"]), passive_patients(trigger), anchors,
                extractor=extractor,
            )  # fmt: skip
        if shape == "reciprocal":
            group = coordinated(tokens["subject"])
            if len(group) < 2 or _has_object(trigger, frame):
                return None
            return Participants(
                frame, group, [], anchors, symmetric_group=True, extractor=extractor
            )
        if has_passive_subject(trigger):
            return None
        subject = subject_of(trigger)
        if subject is None:
            return None
        return Participants(
            frame, coordinated(subject), coordinated(tokens["object"]), anchors, extractor=extractor
        )
    noun = tokens["noun"]
    # "A meeting ... took place in Oslo on Monday": the verb carries place and date.
    verb = [noun.head] if noun.dep_ in {"nsubj", "nsubjpass", "dobj"} else []
    if shape == "between":
        group = coordinated(tokens["object"])
        if len(group) < 2:
            return None
        return Participants(
            frame,
            group,
            [],
            [noun],
            symmetric_group=True,
            extractor=extractor,
            setting_anchors=verb,
        )
    owner = noun_owner(noun)
    if owner is None:
        return None
    return Participants(
        frame,
        coordinated(owner),
        coordinated(tokens["object"]),
        [noun],
        extractor=extractor,
        setting_anchors=verb,
    )


def _has_object(trigger: Token, frame: VerbFrame) -> bool:
    for child in trigger.children:
        if child.dep_ == "dobj" and not frame.light_nouns:
            return True
        if child.dep_ in PREP_DEPS and child.lower_ in frame.preps:
            return True
    return False


# ---------------------------------------------------------------------------
# Clause structure


def has_passive_subject(verb: Token) -> bool:
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children)


def subject_of(verb: Token) -> Token | None:
    """Who does `verb`: its subject, or that of the clause it depends on.

    "A, who met B" -> A; "B visiting the plant" -> B; "after meeting B, A said" -> A;
    "A is expected to meet B" -> A (the raised passive subject of "expected").
    """
    current = verb
    raised = False
    for _ in range(6):
        for child in current.children:
            if child.dep_ in SUBJECT_DEPS or (raised and child.dep_ == "nsubjpass"):
                if child.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                    return current.head
                return child
        if current.dep_ in {"acl", "relcl"} and current.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            return current.head
        if current.dep_ not in SUBJECT_INHERITING_DEPS or current.head is current:
            return None
        raised = current.dep_ == "xcomp"
        current = current.head
    return None


def passive_patients(verb: Token) -> list[Token]:
    """Who undergoes a passive verb: "B was received by A", "B, received by A"."""
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return coordinated(verb.head)
            return coordinated(child)
    if verb.dep_ in {"acl", "relcl"}:
        return coordinated(verb.head)
    return []


def noun_owner(noun: Token) -> Token | None:
    """Whose act or role a noun names: "A's visit", "the visit by A", "A requested a
    meeting", "ahead of talks, A said", "A, a supplier to B", "A is a supplier of B"."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "by":
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    return grandchild
    if noun.dep_ == "appos":  # "A, a supplier to B"
        return noun.head
    if noun.dep_ in {"dobj", "nsubjpass", "attr"} and noun.head.pos_ in {"VERB", "AUX"}:
        return subject_of(noun.head)
    current = noun
    for _ in range(4):
        if current.dep_ not in {"pobj", "prep", "advmod", "npadvmod"} or current.head is current:
            return None
        current = current.head
        if current.pos_ in {"VERB", "AUX"}:
            return subject_of(current)
    return None


def modality_of(anchor: Token) -> Modality:
    """Negated ("did not meet"), hypothetical ("plans to meet") or asserted.

    Looks at the anchor's own modifiers, then climbs the clauses and event
    nouns that govern it ("is expected to", "declined to", "cancelled the meeting").
    """
    hypothetical = False
    current = anchor
    for _ in range(6):
        mood = _local_mood(current)
        if mood == "negated":
            return "negated"
        hypothetical = hypothetical or mood == "hypothetical"
        head = current.head
        if head is current:
            break
        governed_clause = current.dep_ == "xcomp" or (
            current.dep_ == "ccomp" and head.lemma_ not in REPORTING_VERBS
        )
        event_noun = current.dep_ in {"dobj", "nsubj", "nsubjpass"} and current.pos_ == "NOUN"
        if not (governed_clause or event_noun):
            if current.dep_ == "pobj" and _unreal_preposition(head):
                hypothetical = True
            break
        head_forms = base_forms(head)
        if head_forms & NEGATING_GOVERNORS or _negating_phrasal(head):
            return "negated"
        if head.lemma_ == "have" and any(c.lower_ == "yet" for c in head.children):
            return "negated"
        governors = HYPOTHETICAL_GOVERNORS if governed_clause else HYPOTHETICAL_EVENT_GOVERNORS
        went_to = head.lemma_ == "go" and head.tag_ != "VBG"  # "went to meet" happened
        hypothetical = hypothetical or (bool(head_forms & governors) and not went_to)
        current = head
    return "hypothetical" if hypothetical else "asserted"


def base_forms(verb: Token) -> set[str]:
    """The verb's lemma and plausible bases of its form: the small model's lemmatizer
    misreads some ("hopes" -> "hop"), so governors are matched against all of them."""
    word = verb.lower_
    forms = {verb.lemma_, word}
    for suffix, replacement in (
        ("s", ""),
        ("es", ""),
        ("d", ""),
        ("ed", ""),
        ("ing", ""),
        ("ing", "e"),
    ):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            forms.add(word[: -len(suffix)] + replacement)
    return forms


def _local_mood(token: Token) -> Modality | None:
    mood: Modality | None = None
    for child in token.children:
        word = child.lower_
        if child.dep_ == "neg" or (child.dep_ == "advmod" and word == "never"):
            return "negated"
        if child.dep_ == "det" and word == "no":
            return "negated"
        if child.dep_ == "amod" and word in NEGATED_NOUN_MODIFIERS:
            return "negated"
        if (child.dep_ == "aux" and word in MODAL_AUXILIARIES) or (
            child.dep_ == "mark" and word in CONDITIONAL_MARKERS
        ):
            mood = "hypothetical"
        if child.dep_ in {"amod", "compound", "poss", "nmod"} and (
            word in HYPOTHETICAL_NOUN_MODIFIERS or any(c.lower_ == "next" for c in child.children)
        ):
            mood = "hypothetical"
    return mood


def _negating_phrasal(verb: Token) -> bool:
    return any(
        (verb.lemma_, child.lower_) in NEGATING_PHRASAL_VERBS
        for child in verb.children
        if child.dep_ == "prt"
    )


def _unreal_preposition(prep: Token) -> bool:
    """ "before the talks", "ahead of the talks", "for talks", "the idea of a merger":
    the event has not happened."""
    if prep.lower_ in {"before", "for"}:
        return True
    return prep.lower_ == "of" and (
        prep.head.lower_ == "ahead" or prep.head.lemma_ in UNREAL_HEAD_NOUNS
    )


def attached_date(anchors: Sequence[Token], published_on: dt.date | None) -> dt.date | None:
    """The date a DATE entity attached to one of `anchors` gives, resolved against the article."""
    if not anchors:
        return None
    sentence = anchors[0].sent
    anchor_ids = {t.i for t in anchors}
    for ent in dates_in(sentence):
        if _attaches_to(ent.root, anchor_ids):
            found = resolve_date_text(ent.text, published_on)
            if found is not None:
                return found
    return None


def dates_in(sentence: Span) -> Iterator[Span]:
    """The DATE entities of `sentence` as `sentence.ents` lists them (those wholly inside
    it, up to one that runs past its end), read off its own tokens: `Span.ents` walks
    every entity of the Doc, which made long texts quadratic."""
    doc = sentence.doc
    i, end = sentence.start, sentence.end
    while i < end:
        if doc[i].ent_iob_ != "B":
            i += 1
            continue
        j = i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        if j > end:
            return
        if doc[i].ent_type_ == "DATE":
            yield doc[i:j]
        i = j


def _attaches_to(token: Token, anchor_ids: set[int]) -> bool:
    current = token
    for _ in range(5):
        head = current.head
        if head.i in anchor_ids:
            return True
        if head is current or head.pos_ in {"VERB", "AUX"}:
            return False
        current = head
    return False


def attached_place(anchors: Sequence[Token], index: MentionIndex) -> str | None:
    """Where the anchored event happened: "in Oslo", "at the Acme plant", "on the sidelines
    of the summit"."""
    for anchor in anchors:
        for child in anchor.children:
            if child.dep_ == "prep" and child.lower_ in {"in", "at"}:
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and _is_place(pobj, index, strict=child.lower_ == "in"):
                        return place_text(pobj)
            if child.dep_ == "prep" and child.lower_ == "on":
                for pobj in child.children:
                    if pobj.dep_ == "pobj" and pobj.lemma_ in {"sideline", "margin"}:
                        for of in pobj.children:
                            if of.dep_ == "prep" and of.lower_ == "of":
                                for target in of.children:
                                    if target.dep_ == "pobj":
                                        return place_text(target)
        if anchor.lemma_ in VISIT_LEMMAS:
            for child in anchor.children:
                if child.dep_ == "dobj" and _is_place(child, index, strict=False):
                    return place_text(child)
    return None


def _is_place(token: Token, index: MentionIndex, *, strict: bool) -> bool:
    mention = index.at(token)
    label = mention.entity.label if mention is not None else token.ent_type_
    if label in PLACE_ENTITY_LABELS:
        return True
    if strict:
        return False
    return label == "ORG" or token.lemma_.lower() in PLACE_NOUNS


def place_text(token: Token) -> str:
    """The noun phrase of a place, without leading determiners or trailing clauses."""
    doc = token.doc
    left = token.left_edge.i
    while left < token.i and doc[left].dep_ in {"det", "predet"}:
        left += 1
    right = token.i
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            right = child.right_edge.i
        break
    return doc[left : right + 1].text.strip(" ,")


def evidence_of(referents: Sequence[Referent], sentence: Span) -> Evidence:
    start = min(r.start_char for r in referents)
    end = max(r.end_char for r in referents)
    return Evidence(
        start_char=start, end_char=end, sent_start=sentence.start_char, sent_end=sentence.end_char
    )


# ---------------------------------------------------------------------------
# Participants -> facts


def facts_from(
    found: Participants,
    index: MentionIndex,
    published_on: dt.date | None,
    resolve: Callable[[Token, frozenset[str], MentionIndex, set[str]], Referent | None]
    | None = None,
) -> Iterator[FactRecord]:
    """One fact per pair of resolved participants of a matched statement."""
    frame = found.frame
    resolve = resolve or resolve_participant
    if found.symmetric_group:
        group = _resolved(found.subjects, frame.subject_labels, index, resolve)
        pairs = list(combinations(group, 2))
    else:
        subjects = _resolved(found.subjects, frame.subject_labels, index, resolve)
        keys = {s.entity.key for s in subjects}
        objects = [
            o
            for token in found.objects
            if (o := resolve(token, frame.object_labels, index, keys)) is not None
        ]
        if not objects and frame.object_owner:
            objects = [
                o
                for token in found.objects
                if (o := owner_entity(token, frame.object_labels, index)) is not None
            ]
        pairs = [(s, o) for s in subjects for o in objects]
    if not pairs:
        return
    anchors = found.anchors
    modality = modality_of(anchors[0])
    happened_on = attached_date([*anchors, *found.setting_anchors], published_on)
    if modality == "asserted" and happened_on and published_on and happened_on > published_on:
        modality = "hypothetical"  # "is meeting B next Monday": not yet happened
    place = attached_place([*anchors, *found.setting_anchors], index)
    sentence = anchors[0].sent
    for subject, obj in pairs:
        if subject.entity.key == obj.entity.key:
            continue
        yield FactRecord(
            relation=frame.relation,
            subject=subject.entity,
            object=obj.entity,
            place=place,
            happened_on=happened_on,
            modality=modality,
            evidence=evidence_of([subject, obj], sentence),
            extractor=found.extractor,
            confidence=_confidence(found, subject, obj),
        )


def _confidence(found: Participants, *referents: Referent) -> float:
    """The statement's confidence, lowered for each participant found through a
    pronoun or a title rather than a name."""
    base = found.confidence if found.confidence is not None else found.frame.confidence
    inferred = sum(1 for r in referents if r.via in INFERRED_REFERENCES)
    return round(base * COREFERENCE_DISCOUNT**inferred, 3)


def resolve_participant(
    token: Token, labels: frozenset[str], index: MentionIndex, exclude: set[str]
) -> Referent | None:
    return resolve_entity(token, index, labels, exclude)


def _resolved(
    tokens: Sequence[Token],
    labels: frozenset[str],
    index: MentionIndex,
    resolve: Callable[[Token, frozenset[str], MentionIndex, set[str]], Referent | None],
) -> list[Referent]:
    found: list[Referent] = []
    for token in tokens:
        referent = resolve(token, labels, index, {r.entity.key for r in found})
        if referent is not None and all(r.entity.key != referent.entity.key for r in found):
            found.append(referent)
    return found


def owner_entity(token: Token, labels: frozenset[str], index: MentionIndex) -> Referent | None:
    """The organization or place a common noun belongs to: "the Acme plant", "Acme's office"."""
    if token.lemma_.lower() in VIRTUAL_NOUNS:
        return None  # "visited Acme's website" is no visit to Acme
    for child in token.children:
        if child.dep_ in {"compound", "poss", "nmod"}:
            found = index.referent(child)
            if found is not None and found.entity.label in labels:
                return found
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in child.children:
                found = index.referent(pobj) if pobj.dep_ == "pobj" else None
                if found is not None and found.entity.label in labels:
                    return found
    return None


def best_facts(facts: Iterable[FactRecord]) -> Iterator[FactRecord]:
    """One fact per relation, pair and modality in an article: the most confident.

    A date or place only a less confident statement gives is kept.
    """
    best: dict[tuple[str, str, str, Modality], FactRecord] = {}
    order: list[tuple[str, str, str, Modality]] = []
    for fact in facts:
        assert fact.object is not None
        first, second = fact.subject.key, fact.object.key
        if fact.relation in SYMMETRIC_RELATIONS:
            first, second = sorted((first, second))
        key = (fact.relation, first, second, fact.modality)
        kept = best.get(key)
        if kept is None:
            best[key] = fact
            order.append(key)
            continue
        winner, other = (fact, kept) if fact.confidence > kept.confidence else (kept, fact)
        best[key] = winner.model_copy(
            update={
                "place": winner.place or other.place,
                "happened_on": winner.happened_on or other.happened_on,
            }
        )
    for key in order:
        yield best[key]


# ---------------------------------------------------------------------------
# The relation frames

RELATION_FRAMES: tuple[Frame, ...] = (
    # partners_with
    VerbFrame("partners_with", "dep_partner", ("partner", "collaborate", "cooperate", "ally"),
              PARTIES, PARTIES, 0.8, preps=("with",), reciprocal=True),
    VerbFrame("partners_with", "dep_team_up", ("team",), PARTIES, PARTIES, 0.8,
              preps=("with",), particle="up", reciprocal=True),
    VerbFrame("partners_with", "dep_sign_deal",
              ("sign", "strike", "ink", "form", "forge", "seal", "reach", "enter", "establish"),
              PARTIES, PARTIES, 0.75, preps=("with",),
              light_nouns=("partnership", "agreement", "deal", "alliance", "collaboration",
                           "pact", "venture", "memorandum", "contract")),
    NounFrame("partners_with", "noun_partnership",
              ("partnership", "collaboration", "alliance", "cooperation", "venture"),
              PARTIES, PARTIES, 0.7, preps=("with",), between=True),
    # supplies
    VerbFrame("supplies", "dep_supply", ("supply",), COMPANIES, COMPANIES, 0.85,
              passive=True),
    # Not "sell"/"provide": "sold its unit to B", "provided funding to B" are no supply.
    VerbFrame("supplies", "dep_supply_to", ("supply", "ship"),
              COMPANIES, COMPANIES, 0.75, preps=("to", "for"), object_owner=True),
    NounFrame("supplies", "noun_supplier", ("supplier", "provider", "vendor"),
              COMPANIES, COMPANIES, 0.7, preps=("to", "for", "of")),
    # invested_in
    VerbFrame("invested_in", "dep_invest", ("invest",), PARTIES, COMPANIES, 0.85, preps=("in",)),
    VerbFrame("invested_in", "dep_take_stake", ("take", "acquire", "buy", "purchase", "hold"),
              PARTIES, COMPANIES, 0.8, preps=("in",), light_nouns=("stake", "share", "interest")),
    NounFrame("invested_in", "noun_investment", ("investment", "stake"), PARTIES, COMPANIES,
              0.7, preps=("in",)),
    # founded
    VerbFrame("founded", "dep_found", (), PARTIES, COMPANIES, 0.85, passive=True,
              forms=("founded", "co-founded", "cofounded", "founds", "co-founds")),
    VerbFrame("founded", "dep_establish", ("establish",), PARTIES, COMPANIES, 0.7, passive=True),
    VerbFrame("founded", "dep_set_up", ("set",), PARTIES, COMPANIES, 0.7, particle="up"),
    # visited
    VerbFrame("visited", "dep_visit", ("visit", "tour", "inspect"), frozenset({"PERSON", "ORG"}),
              PLACES, 0.85, object_owner=True),
    VerbFrame("visited", "dep_pay_visit", ("pay", "make"), frozenset({"PERSON", "ORG"}), PLACES,
              0.85, preps=("to",), light_nouns=("visit", "trip"), object_owner=True),
    NounFrame("visited", "noun_visit", ("visit", "trip"), frozenset({"PERSON", "ORG"}), PLACES,
              0.75, preps=("to",), object_owner=True),
    # sued
    VerbFrame("sued", "dep_sue", ("sue",), PARTIES, PARTIES, 0.9, passive=True),
    VerbFrame("sued", "dep_file_suit", ("file", "bring", "launch", "lodge", "initiate"),
              PARTIES, PARTIES, 0.8, preps=("against",),
              light_nouns=("lawsuit", "suit", "complaint", "case", "action", "claim")),
    NounFrame("sued", "noun_lawsuit", ("lawsuit", "suit", "complaint"), PARTIES, PARTIES, 0.7,
              preps=("against",)),
    # acquired
    VerbFrame("acquired", "dep_acquire", ("acquire", "buy", "purchase"), PARTIES, COMPANIES,
              0.85, passive=True),
    VerbFrame("acquired", "dep_take_over", ("take",), PARTIES, COMPANIES, 0.85, particle="over",
              passive=True),
    NounFrame("acquired", "noun_acquisition", ("acquisition", "takeover", "purchase"), PARTIES,
              COMPANIES, 0.7, preps=("of",)),
    # merged_with
    VerbFrame("merged_with", "dep_merge", ("merge",), COMPANIES, COMPANIES, 0.85,
              preps=("with", "into"), reciprocal=True),
    NounFrame("merged_with", "noun_merger", ("merger",), COMPANIES, COMPANIES, 0.75,
              preps=("with",), between=True),
)  # fmt: skip

_MATCHERS: dict[tuple[int, int], tuple[Vocab, FrameMatcher]] = {}


def frame_matcher(
    vocab: Vocab, frames: tuple[Frame, ...], special: SpecialPatterns | None = None
) -> FrameMatcher:
    """One compiled matcher per vocabulary and frame set (built on first use)."""
    key = (id(vocab), id(frames))
    cached = _MATCHERS.get(key)
    if cached is None or cached[0] is not vocab:
        cached = (vocab, FrameMatcher(vocab, frames, special))
        _MATCHERS[key] = cached
    return cached[1]


def extract_relations(
    doc: Doc, mentions: Sequence[MentionRecord], published_on: dt.date | None
) -> Iterator[FactRecord]:
    """Verb- and noun-based relations (all of RELATIONS but met, holds_role, makes)."""
    if not mentions or not doc.has_annotation("DEP"):
        return
    index = MentionIndex(doc, mentions)
    matcher = frame_matcher(doc.vocab, RELATION_FRAMES)
    facts = (fact for found in matcher(doc) for fact in facts_from(found, index, published_on))
    yield from best_facts(facts)
