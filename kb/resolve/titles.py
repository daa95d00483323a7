"""Vocabularies of job titles and their canonical forms (generic, no names).

Keys are folded (lowercase, accent-free); values are the canonical title.
`TITLE_WORDS` holds one-word titles, `TITLE_PHRASES` several words.
"""

from __future__ import annotations

TITLE_WORDS: dict[str, str] = {
    "ceo": "CEO", "cfo": "CFO", "cto": "CTO", "coo": "COO", "cmo": "CMO", "cio": "CIO",
    "cso": "CSO", "cpo": "CPO", "co-ceo": "Co-CEO", "chairman": "Chairman",
    "chairwoman": "Chairman", "chairperson": "Chairman", "co-chairman": "Co-Chairman",
    "vice-chairman": "Vice Chairman", "president": "President",
    "vice-president": "Vice President", "vp": "Vice President", "svp": "Senior Vice President",
    "evp": "Executive Vice President", "founder": "Founder", "co-founder": "Co-founder",
    "cofounder": "Co-founder", "partner": "Partner", "director": "Director",
    "executive": "Executive", "boss": "Head", "chief": "Chief", "head": "Head",
    "chancellor": "Chancellor", "vice-chancellor": "Vice Chancellor", "premier": "Premier",
    "minister": "Minister", "mayor": "Mayor", "governor": "Governor", "senator": "Senator",
    "king": "King", "queen": "Queen", "pope": "Pope", "ambassador": "Ambassador",
    "envoy": "Envoy", "spokesperson": "Spokesperson", "spokesman": "Spokesperson",
    "spokeswoman": "Spokesperson", "leader": "Leader", "secretary": "Secretary",
    "secretary-general": "Secretary-General", "commissioner": "Commissioner",
    "coach": "Coach", "manager": "Manager", "captain": "Captain", "striker": "Striker",
    "midfielder": "Midfielder", "defender": "Defender", "goalkeeper": "Goalkeeper",
    "keeper": "Goalkeeper", "goalie": "Goalkeeper", "winger": "Winger",
    "editor": "Editor", "editor-in-chief": "Editor-in-Chief", "analyst": "Analyst",
    "economist": "Economist", "treasurer": "Treasurer", "trustee": "Trustee",
    "attacker": "Attacker", "forward": "Forward", "playmaker": "Playmaker",
    "dictator": "Dictator", "ruler": "Ruler",
}  # fmt: skip

TITLE_PHRASES: dict[str, str] = {
    "chief executive": "CEO", "chief executive officer": "CEO", "chief exec": "CEO",
    "chief financial officer": "CFO", "chief technology officer": "CTO",
    "chief technical officer": "CTO", "chief operating officer": "COO",
    "chief marketing officer": "CMO", "chief information officer": "CIO",
    "chief product officer": "CPO", "chief strategy officer": "CSO",
    "chief scientist": "Chief Scientist", "chief economist": "Chief Economist",
    "chief designer": "Chief Designer", "chief legal officer": "Chief Legal Officer",
    "vice president": "Vice President", "senior vice president": "Senior Vice President",
    "executive vice president": "Executive Vice President", "vice chairman": "Vice Chairman",
    "deputy chairman": "Vice Chairman", "board chairman": "Chairman",
    "managing director": "Managing Director", "executive director": "Executive Director",
    "general manager": "General Manager", "managing partner": "Managing Partner",
    "general partner": "General Partner", "founding partner": "Founding Partner",
    "senior partner": "Senior Partner", "board member": "Board Member",
    "legal representative": "Legal Representative", "prime minister": "Prime Minister",
    "deputy prime minister": "Deputy Prime Minister", "vice chancellor": "Vice Chancellor",
    "secretary general": "Secretary-General", "general secretary": "General Secretary",
    "secretary of state": "Secretary of State", "head coach": "Coach",
    "team captain": "Captain", "editor in chief": "Editor-in-Chief",
}  # fmt: skip

# Words before a title that change its meaning little; kept out of the title.
STATUS_MODIFIERS: frozenset[str] = frozenset(
    {
        "former", "ex", "then", "erstwhile", "onetime", "one-time", "previous", "past",
        "late", "current", "new", "incoming", "outgoing", "interim", "acting", "incumbent",
        "sitting", "newly", "appointed", "longtime", "long-time", "veteran", "its", "their",
        "the", "a", "an", "his", "her",
    }
)  # fmt: skip

FORMER_MODIFIERS: frozenset[str] = frozenset(
    {"former", "ex", "then", "erstwhile", "onetime", "one-time", "previous", "past", "late"}
)

# Verbs whose subject leaves (or left) the role named after "as".
LEAVING_VERBS: frozenset[str] = frozenset(
    {"step", "resign", "retire", "quit", "leave", "depart", "exit", "oust", "fire", "sack",
     "remove", "dismiss"}
)  # fmt: skip

# "Dr. Jane Doe": honorifics are dropped from names but are no job title.
PERSONAL_HONORIFICS: frozenset[str] = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "madam", "mx"}
)

# Titles a person holds in a country or city (a GPE), not only in an organization.
GPE_TITLES: frozenset[str] = frozenset(
    {
        "President", "Vice President", "Prime Minister", "Deputy Prime Minister",
        "Chancellor", "Vice Chancellor", "Premier", "Minister", "Mayor", "Governor",
        "Senator", "King", "Queen", "Ambassador", "Envoy", "Spokesperson", "Leader", "Head",
        "Secretary", "Secretary of State", "Commissioner", "Coach", "Captain", "Striker",
        "Midfielder", "Defender", "Goalkeeper", "Winger", "Manager", "Attacker", "Forward",
        "Playmaker", "Player", "Chief", "Dictator", "Ruler", "Secretary-General",
        "General Secretary",
    }
)  # fmt: skip

# Titles that, with no organization in the phrase, still name one from context.
CONTEXT_TITLES: frozenset[str] = frozenset(
    {
        "CEO", "CFO", "CTO", "COO", "CMO", "CIO", "CSO", "CPO", "Co-CEO", "Chairman",
        "Vice Chairman", "President", "Vice President", "Founder", "Co-founder", "Partner",
        "Managing Director", "General Manager", "Legal Representative", "Chancellor",
        "Prime Minister", "Premier", "Minister", "Secretary of State", "Dictator",
    }
)  # fmt: skip

# Words that may precede "minister", "secretary", … as part of the title ("Foreign Minister").
PORTFOLIO_TITLES: frozenset[str] = frozenset(
    {"minister", "secretary", "commissioner", "chief", "spokesperson", "spokesman",
     "spokeswoman", "director", "head", "leader", "officer"}
)  # fmt: skip
# Capitalized portfolio words ("Finance Minister", "Interior Ministry"); NER often tags
# them as a one-word ORG.
PORTFOLIO_WORDS: frozenset[str] = frozenset(
    {"defense", "defence", "finance", "foreign", "interior", "justice", "health", "economy",
     "economic", "economics", "education", "environment", "labor", "labour", "trade",
     "transport", "agriculture", "energy", "culture", "science", "industry", "development",
     "immigration", "integration", "migration", "home", "treasury", "housing", "family",
     "women", "youth", "sports", "tourism", "security", "communications", "infrastructure",
     "digital", "research", "social", "affairs", "equal", "opportunities",
     "enlargement", "competition", "budget", "fisheries", "climate", "consumer", "regional",
     "information", "intelligence", "military", "police", "army", "navy", "prime"}
)  # fmt: skip

# Titles held only in a country or city, never in a company.
POLITICAL_TITLES: frozenset[str] = frozenset(
    {"Prime Minister", "Deputy Prime Minister", "Chancellor", "Premier", "Minister", "Mayor",
     "Governor", "Senator", "King", "Queen", "Secretary of State", "Dictator", "Ruler"}
)  # fmt: skip


def title_head(title: str) -> str:
    """The kind of a title: itself when known, else its last word ("Foreign Minister")."""
    for known in (GPE_TITLES, CONTEXT_TITLES, POLITICAL_TITLES):
        if title in known:
            return title
    return title.rsplit(" ", 1)[-1]


def is_political(title: str) -> bool:
    return title_head(title) in POLITICAL_TITLES


def is_gpe_title(title: str) -> bool:
    return title_head(title) in GPE_TITLES


def is_context_title(title: str) -> bool:
    return title_head(title) in CONTEXT_TITLES
