"""Who met whom: `met` facts between two people, from the dependency parse.

Three kinds of evidence, in falling confidence:

- a meeting verb or phrase with both people as its arguments ("A met (with) B",
  "A held talks with B", "A hosted B", "A sat down with B", "a meeting between
  A and B", "A and B met", "A gave B a tour of ...", "A tours B through ...");
- one person accompanying another ("B, accompanied by A, toured ...", "B
  visiting the plant, accompanied by A");
- a sentence set at a meeting in which one person acts on another ("During a
  recent meeting, A showed B ...") — an inference, with lower confidence.

Both sides must resolve to PERSON entities (a person visiting a company or a
city is the `visited` relation). One fact per unordered pair and statement;
negated and hypothetical meetings carry that modality and stay out of v_meetings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from spacy.tokens import Doc, Token

from kb.extract.coref import PERSON, MentionIndex, Referent, coordinated, resolve_person
from kb.extract.relations import (
    PREP_DEPS,
    NounFrame,
    Participants,
    SpecialPatterns,
    VerbFrame,
    best_facts,
    facts_from,
    frame_matcher,
    passive_patients,
    subject_of,
)
from kb.records import FactRecord, MentionRecord

PEOPLE = frozenset({PERSON})

# Nouns for a meeting as an event: "held talks with", "a meeting between".
MEETING_NOUNS = (
    "meeting", "talk", "discussion", "summit", "dinner", "lunch", "luncheon", "breakfast",
    "audience", "encounter", "consultation", "negotiation", "conversation", "sit-down",
    "get-together", "meet", "tête-à-tête",
)  # fmt: skip
# Settings in which people present together act on each other: "During the meeting, ...".
MEETING_SETTINGS = (
    "meeting", "talk", "visit", "tour", "dinner", "lunch", "luncheon", "breakfast",
    "encounter", "gathering", "reception", "sit-down", "get-together", "audience",
)  # fmt: skip
SETTING_PREPOSITIONS = ("during", "at", "in", "after", "following", "over")
# Prepositions whose object receives an act: "A spoke to B", "A sang for B".
RECIPIENT_PREPOSITIONS = frozenset({"to", "with", "for"})
RECIPIENT_DEPS = frozenset({"dobj", "dative", "iobj"})
ACT_CLAUSE_DEPS = frozenset({"advcl", "xcomp", "conj"})

MEETING_FRAMES: tuple[VerbFrame | NounFrame, ...] = (
    VerbFrame("met", "dep_met", ("meet",), PEOPLE, PEOPLE, 0.9, passive=True, reciprocal=True),
    VerbFrame("met", "dep_met_with", ("meet",), PEOPLE, PEOPLE, 0.9, preps=("with",)),
    VerbFrame("met", "dep_hosted",
              ("host", "receive", "welcome", "greet", "hug", "embrace", "entertain"),
              PEOPLE, PEOPLE, 0.85, passive=True),
    VerbFrame("met", "dep_visited_person", ("visit", "tour", "escort", "guide"),
              PEOPLE, PEOPLE, 0.85, passive=True),
    # The passive "accompanied by" is `_accompanied`: its companion may sit far above it.
    VerbFrame("met", "dep_accompanied", ("accompany",), PEOPLE, PEOPLE, 0.85),
    VerbFrame("met", "dep_talked_with", ("talk", "confer", "dine", "lunch", "negotiate"),
              PEOPLE, PEOPLE, 0.8, preps=("with",), reciprocal=True,
              forms=("dined", "dines", "dining", "lunched")),
    VerbFrame("met", "dep_held_talks", ("hold", "have", "conduct", "host"),
              PEOPLE, PEOPLE, 0.85, preps=("with",), light_nouns=MEETING_NOUNS, reciprocal=True),
    # Not reciprocal: people who both attended a summit need not have met.
    VerbFrame("met", "dep_attended_meeting_with", ("attend", "join"), PEOPLE, PEOPLE, 0.8,
              preps=("with",), light_nouns=MEETING_NOUNS),
    VerbFrame("met", "dep_sat_down_with", ("sit",), PEOPLE, PEOPLE, 0.85, preps=("with",),
              particle="down"),
    VerbFrame("met", "dep_shook_hands", ("shake",), PEOPLE, PEOPLE, 0.85, preps=("with",),
              light_nouns=("hand",)),
    VerbFrame("met", "dep_gave_tour", ("give", "offer", "show"), PEOPLE, PEOPLE, 0.85,
              object_dep="dative", light_nouns=("tour",)),
    VerbFrame("met", "dep_showed_around", ("show",), PEOPLE, PEOPLE, 0.8, particle="around"),
    VerbFrame("met", "dep_toured_with", ("tour", "visit", "inspect"), PEOPLE, PEOPLE, 0.7,
              preps=("with",), prep_on_object=True),
    VerbFrame("met", "dep_paid_visit", ("pay", "make"), PEOPLE, PEOPLE, 0.85, preps=("to",),
              light_nouns=("visit",)),
    NounFrame("met", "noun_meeting", MEETING_NOUNS, PEOPLE, PEOPLE, 0.85, preps=("with",),
              between=True),
)  # fmt: skip

# The two statements found by the code below rather than by frame shapes; their
# frames carry the relation, the labels and the confidence.
ACCOMPANIED = VerbFrame("met", "accompanied", ("accompany",), PEOPLE, PEOPLE, 0.85)
MEETING_CONTEXT = VerbFrame("met", "meeting_context", (), PEOPLE, PEOPLE, 0.6)
# Words that make a conversation remote: "held talks by phone", "a video call with".
REMOTE_WORDS = frozenset(
    {"phone", "telephone", "video", "videoconference", "virtual", "virtually", "online", "remotely"}
)

# Trigger words of the two statements that are not frames (their structure is checked below).
SPECIAL_PATTERNS: SpecialPatterns = {
    "accompanied": [[{"LEMMA": "accompany", "TAG": "VBN"}]],
    "meeting_context": [[{"LEMMA": {"IN": list(MEETING_SETTINGS)}, "DEP": "pobj"}]],
}


def extract_meetings(
    doc: Doc, mentions: Sequence[MentionRecord], published_on: dt.date | None
) -> Iterator[FactRecord]:
    """`met` facts between the people of one parsed article."""
    if not doc.has_annotation("DEP") or not any(m.entity.label == PERSON for m in mentions):
        return
    index = MentionIndex(doc, mentions)

    def special(kind: str, token: Token) -> Iterator[Participants]:
        if kind == "accompanied":
            return _accompanied(token, index)
        return _in_setting(token)

    matcher = frame_matcher(doc.vocab, MEETING_FRAMES, SPECIAL_PATTERNS)
    found = [f for f in matcher(doc, special) if not _remote(f.anchors)]
    facts = (fact for item in found for fact in facts_from(item, index, published_on, _person))
    yield from best_facts(facts)


def _person(
    token: Token, labels: frozenset[str], index: MentionIndex, exclude: set[str]
) -> Referent | None:
    return resolve_person(token, index, exclude)


def _accompanied(trigger: Token, index: MentionIndex) -> Iterator[Participants]:
    """ "B, accompanied by A, ..." / "B visiting X, accompanied by A": A met B."""
    actors = [a for agent in trigger.children if agent.dep_ == "agent" for a in agent.children]
    actors = [a for a in actors if a.dep_ == "pobj"]
    if not actors:
        return
    companion, verb = _accompanied_party(trigger, index)
    if companion is None:
        return
    anchors = [trigger, *([verb] if verb is not None else [])]
    yield Participants(
        ACCOMPANIED,
        coordinated(actors[0]),
        coordinated(companion),
        anchors,
        extractor="meetings.accompanied",
    )


def _accompanied_party(trigger: Token, index: MentionIndex) -> tuple[Token | None, Token | None]:
    """Who is accompanied: the passive subject, else the nearest person above the
    participle, or the person doing the verb above it (and that verb)."""
    patients = passive_patients(trigger)
    if patients and any(c.dep_ == "nsubjpass" for c in trigger.children):
        return patients[0], None
    current = trigger
    for _ in range(5):
        head = current.head
        if head is current:
            return None, None
        if resolve_person(head, index) is not None:
            verb = head.head if head.dep_ in {"nsubj", "nsubjpass"} else None
            return head, verb
        if head.pos_ in {"VERB", "AUX"}:
            subject = subject_of(head)
            if subject is not None and resolve_person(subject, index) is not None:
                return subject, head
        current = head
    return None, None


def _in_setting(setting: Token) -> Iterator[Participants]:
    """ "During a meeting, A showed B ...": A and B met (an inference)."""
    prep, verb = setting.head, setting.head.head
    if prep.dep_ != "prep" or prep.lower_ not in SETTING_PREPOSITIONS or verb.pos_ != "VERB":
        return
    if setting.lemma_ == "talk" and setting.tag_ != "NNS":
        return  # "a talk" is a speech, "talks" are a meeting
    subject = subject_of(verb)
    if subject is None:
        return
    recipients = _recipients(verb, depth=2)
    if not recipients or _meeting_with_others(setting, recipients):
        return
    yield Participants(
        MEETING_CONTEXT,
        coordinated(subject),
        recipients,
        [verb, setting],
        extractor="meetings.meeting_context",
    )


def _recipients(verb: Token, depth: int) -> list[Token]:
    """People a verb acts on: objects, datives, "to/with/for" objects, and those of its
    subject-sharing dependent clauses ("..., prompting B to ...")."""
    found: list[Token] = []
    for child in verb.children:
        if child.dep_ in RECIPIENT_DEPS:
            found.extend(coordinated(child))
        elif child.dep_ in PREP_DEPS and child.lower_ in RECIPIENT_PREPOSITIONS:
            found.extend(t for c in child.children if c.dep_ == "pobj" for t in coordinated(c))
        elif (
            depth > 0
            and child.dep_ in ACT_CLAUSE_DEPS
            and child.pos_ == "VERB"
            and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in child.children)
        ):
            found.extend(_recipients(child, depth - 1))
    return found


def _remote(anchors: list[Token]) -> bool:
    """A phone or video conversation is no meeting: "talked by phone", "a video call"."""
    nearby = [t for anchor in anchors for t in (anchor, *anchor.children)]
    nearby += [t for prep in nearby if prep.dep_ == "prep" for t in prep.children]
    return any(t.lower_ in REMOTE_WORDS for t in nearby)


def _meeting_with_others(setting: Token, recipients: list[Token]) -> bool:
    """The setting names its own participants and these recipients are not among them."""
    named = [
        t
        for prep in setting.children
        if prep.dep_ == "prep" and prep.lower_ in {"with", "between"}
        for pobj in prep.children
        if pobj.dep_ == "pobj"
        for t in coordinated(pobj)
    ]
    return bool(named) and not any(t in named for t in recipients)
