"""Site chrome removal: menus, share buttons, "Related Posts", footers, counters.

Scraped pages and copy-pasted articles carry lines that are not the article:
NER finds nonsense entities in them ("Subscribe to Updates" as an ORG) and they
pollute titles and dates. The rules here look at one line at a time and only
at its shape or at wording that sites share; they never name a site, a person
or a company. A line is dropped whole, except for two kinds of clutter glued
to real text, which are cut off: an "Advertisement" label in front of a
sentence and a view counter after a date.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from kb.clean.dates import find_dates
from kb.clean.layout import normalize_newlines

# Chrome is short: longer lines are article text and skip the rules entirely.
MAX_CHROME_CHARS = 480
# Only lines this short can be chrome phrases, share bars or author boxes.
MAX_PHRASE_WORDS = 20

# Whole lines, compared after folding (case, punctuation and spacing ignored).
CHROME_LINES = frozenset(
    {
        "about the author", "about us", "advertisement", "back to top", "categories",
        "comments", "contact us", "cookie policy", "email", "follow us", "home", "leave a comment",
        "leave a reply", "log in", "login", "main menu", "menu", "more news", "more stories",
        "most popular", "most read", "newsletter", "next article", "next post", "no comments",
        "popular posts", "post a comment", "previous article", "previous post", "print",
        "privacy policy", "read more", "read next", "recent articles", "recent posts",
        "recommended", "recommended for you", "register", "related", "related articles",
        "related news", "related posts", "related stories", "search", "see also", "share",
        "share this", "share this article", "share this post", "share this story", "sign in",
        "sign up", "skip to content", "skip to main content", "sponsored", "sponsored content",
        "subscribe", "subscribe now", "subscribe to our newsletter", "subscribe to updates",
        "tags", "terms of service", "terms of use", "trending", "trending now", "tweet",
        "you may also like", "you might also like",
        "关于作者", "相关文章", "相关阅读", "推荐阅读", "热门文章",
        "分享", "分享到", "广告", "返回顶部",
    }
)  # fmt: skip

# Openings of short calls to action and of page metadata.
_CHROME_OPENING = re.compile(
    r"^(?:get\ the\ latest|sign\ up\ (?:for|to)|subscribe\ (?:to|for|now)|follow\ us|"
    r"share\ (?:on|this|via)|click\ here|continue\ reading|read\ more|you\ may\ also\ like|"
    r"(?:tags?|tagged|keywords|filed\ under|posted\ in|categories|related)\s?:)",
    re.IGNORECASE | re.VERBOSE,
)
_LEGAL = re.compile(
    r"all rights reserved|^©|^(?:copyright|\(c\))\s?©?\s?\d{4}|版权所有|"
    r"\bwe use cookies\b|\b(?:this|our) (?:web)?site uses cookies\b|"
    r"\bcookie (?:policy|settings|preferences)\b|\bby continuing to (?:use|browse)\b",
    re.IGNORECASE,
)
_SHARE_WORDS = frozenset(
    "share shares tweet facebook twitter x linkedin whatsapp email e-mail print pinterest reddit "
    "telegram weibo wechat messenger flipboard pocket copy link on this article post via".split()
)
_SHARE_TARGETS = _SHARE_WORDS - {"on", "this", "article", "post", "via", "copy", "link"}
_ROLE_WORDS = frozenset(
    "admin administrator editor author staff writer contributor moderator webmaster guest".split()
)
_CRUMB_SEPARATOR = re.compile(r"\s[>»›|]\s")
_HTML_TAG = re.compile(r"</?[A-Za-z][\w-]{0,30}(?:\s[^<>]{0,300})?/?>")
_TEMPLATE_NAME = re.compile(r"[a-z]{2,}(?:[A-Z][a-z0-9]+)+")
_COUNTER = re.compile(r"[\d,.]{1,15}")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_COUNTER_NOUNS = ("view", "read", "comment", "like", "share")
_COUNTER_WORDS = tuple(f"{noun}{plural}" for noun in _COUNTER_NOUNS for plural in ("", "s"))
_VIEW_COUNTER = re.compile(
    rf"(?P<keep>.*?)[\s|·•]{{0,5}}\b\d[\d,.]{{0,14}}\s{{0,3}}(?:{'|'.join(_COUNTER_NOUNS)})s?\s*",
    re.IGNORECASE,
)
_GLUED_LABELS = ("Advertisement", "ADVERTISEMENT", "Sponsored", "SPONSORED")
# Only before a capital: "Advertisement revenue rose" is a sentence, not a label.
_GLUED_LABEL = re.compile(rf"^(?P<indent>\s*)(?:{'|'.join(_GLUED_LABELS)})\s+(?=[A-Z“‘'\"])")
_CONJUNCTION = re.compile(r"\b(?:and|or)\b")
_TAG_SEPARATOR = re.compile(r"[,、，]")
_SENTENCE_END = re.compile(r"[.!?。！？]\W*$")
_NON_WORD = re.compile(r"[\W_]+")


class _Line(NamedTuple):
    """A stripped line with what several rules need, computed once."""

    text: str
    folded: str  # lower-case words without punctuation; "" for lines too long to be a phrase
    words: int

    @classmethod
    def of(cls, text: str) -> _Line:
        words = len(text.split())
        short = words <= MAX_PHRASE_WORDS
        return cls(text, _NON_WORD.sub(" ", text).strip().lower() if short else "", words)

    def is_short(self, max_words: int) -> bool:
        return self.words <= max_words and len(self.text) <= max_words * 12


def _is_chrome_phrase(line: _Line) -> bool:
    return line.folded in CHROME_LINES or (
        line.is_short(MAX_PHRASE_WORDS) and _CHROME_OPENING.match(line.text) is not None
    )


def _is_legal(line: _Line) -> bool:
    return line.is_short(40) and _LEGAL.search(line.text) is not None


def _is_share_bar(line: _Line) -> bool:
    words = set(line.folded.split())
    return line.is_short(8) and words <= _SHARE_WORDS and bool(words & _SHARE_TARGETS)


def _is_author_box(line: _Line) -> bool:
    words = set(line.folded.split())
    return line.is_short(4) and bool(words) and words <= _ROLE_WORDS


def _is_breadcrumb(line: _Line) -> bool:
    """Breadcrumbs ("Home > Tech > Mobile"): two or more separators between short items."""
    if not line.is_short(12):
        return False
    items = _CRUMB_SEPARATOR.split(line.text)
    return len(items) >= 3 and all(
        0 < len(item.split()) <= 4 and not _SENTENCE_END.search(item) for item in items
    )


def _is_tag_list(line: _Line) -> bool:
    """Keywords ("phones, China, 5G, AI, news"): a comma list of short tags, not a sentence."""
    items = [item.strip() for item in _TAG_SEPARATOR.split(line.text)]
    return (
        len(items) >= 4
        and all(0 < len(item.split()) <= 3 and len(item) <= 30 for item in items)
        and not _SENTENCE_END.search(line.text)
        and not _CONJUNCTION.search(line.text)
        and not find_dates(line.text)
    )


def _is_html(text: str) -> bool:
    return text.startswith("<") and text.endswith(">") and _HTML_TAG.search(text) is not None


def _is_html_line(line: _Line) -> bool:
    return _is_html(line.text)


def _is_residue(line: _Line) -> bool:
    """A lone counter ("1788") or template identifier ("detailProducts") left by a scraper."""
    if _COUNTER.fullmatch(line.text):
        return _YEAR.fullmatch(line.text) is None
    return _TEMPLATE_NAME.fullmatch(line.text) is not None


_LINE_RULES: tuple[Callable[[_Line], bool], ...] = (
    _is_chrome_phrase,
    _is_legal,
    _is_share_bar,
    _is_author_box,
    _is_breadcrumb,
    _is_tag_list,
    _is_html_line,
    _is_residue,
)


def _is_link_table_row(line: str) -> bool:
    """A footer table row pasted as text: tab-separated short cells, no sentence."""
    cells = line.split("\t")
    filled = [cell.strip() for cell in cells if cell.strip()]
    return (
        len(cells) >= 2
        and (len(filled) >= 2 or len(cells) >= 3)
        and all(
            (len(cell.split()) <= 6 and not _SENTENCE_END.search(cell)) or _is_html(cell)
            for cell in filled
        )
    )


def _without_view_counter(line: str) -> str:
    """A view counter after a date goes: "12/14/2022 19014 Views" -> "12/14/2022"."""
    if not line.rstrip().lower().endswith(_COUNTER_WORDS):
        return line
    match = _VIEW_COUNTER.fullmatch(line)
    if match is None:
        return line
    keep = match["keep"]
    return keep if not keep.strip() or (_Line.of(keep).is_short(8) and find_dates(keep)) else line


def _without_glued_label(line: str) -> str:
    """A label glued to a sentence goes: "Advertisement But then..." -> "But then..."."""
    if not line.lstrip().startswith(_GLUED_LABELS):
        return line
    return _GLUED_LABEL.sub(r"\g<indent>", line, count=1)


def is_boilerplate(line: str) -> bool:
    """Whether one line (as it appears, tabs and all) is site chrome rather than text."""
    stripped = line.strip()
    if len(stripped) > MAX_CHROME_CHARS:
        return False
    if _is_link_table_row(line):
        return True
    facts = _Line.of(stripped)
    return any(rule(facts) for rule in _LINE_RULES)


def strip_boilerplate(text: str) -> str:
    """`text` without its site-chrome lines; a line repeating the one before is dropped too
    (pages often print the headline twice). Kept lines are otherwise unchanged."""
    kept: list[str] = []
    previous = ""
    for raw in normalize_newlines(text).split("\n"):
        line = _without_glued_label(_without_view_counter(raw))
        stripped = line.strip()
        if not stripped:
            if not raw.strip():  # a blank line stays; a line emptied by the cuts goes
                kept.append("")
            continue
        if stripped == previous or is_boilerplate(line):
            continue
        previous = stripped
        kept.append(line)
    return "\n".join(kept)
