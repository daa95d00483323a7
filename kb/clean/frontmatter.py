"""What the top of an article says about it: title, date, byline.

Used only when the input carried no metadata. Articles open with a headline,
maybe a section label, a date line or dateline ("Paris, May 2, 2024 —") and a
byline, then the body; so each finder looks at the first few non-empty lines
only, and the title finder stops at the first paragraph-sized line.
"""

from __future__ import annotations

import datetime as dt
import re

from kb.clean.dates import find_dates
from kb.clean.layout import markdown_heading, strip_bullet

TOP_LINES = 8
DATE_LINES = 5
MAX_TITLE_WORDS = 25
MAX_TITLE_CHARS = 200
# A one- to three-word line above the headline is usually a section label ("Technology").
MIN_HEADLINE_WORDS = 4

_BYLINE = re.compile(
    r"^(?i:by|source|来源|作者)\s{0,3}[:：]?\s{0,3}(?P<name>[A-Z\u4e00-\u9fff][^|—–\n]{0,80}?)"
    r"\s*(?:[|—–]|\s-\s|$)"
)
MAX_BYLINE_WORDS = 12
_ROLE_NAMES = frozenset({"admin", "administrator", "staff", "editor", "author", "guest"})
_SENTENCE_END = re.compile(r"[.!?。！？]$")


def _top_lines(text: str, count: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            lines.append(line.strip())
            if len(lines) == count:
                break
    return lines


def _is_date_line(line: str) -> bool:
    mentions = find_dates(line)
    return bool(mentions) and mentions[0].start == 0 and len(line) < 40


def find_title(text: str) -> str | None:
    """The first `# Heading`, else the first headline-like line before the body,
    skipping a short section label when a longer headline follows."""
    candidates: list[str] = []
    for line in _top_lines(text, TOP_LINES):
        heading = markdown_heading(line)
        if heading:
            return heading
        words = len(line.split())
        if words > MAX_TITLE_WORDS or len(line) > MAX_TITLE_CHARS:
            break
        if _is_date_line(line) or _byline_name(line) or line.endswith(":"):
            continue
        candidates.append(strip_bullet(line) or line)
    headline = next((c for c in candidates if len(c.split()) >= MIN_HEADLINE_WORDS), None)
    return headline or (candidates[0] if candidates else None)


def find_top_date(text: str, reference: dt.date | None = None) -> dt.date | None:
    """The first date stated in the first few lines (a date line or a dateline)."""
    for line in _top_lines(text, DATE_LINES):
        for mention in find_dates(line):
            date = mention.resolve(reference)
            if date is not None:
                return date
    return None


def _byline_name(line: str) -> str | None:
    match = _BYLINE.match(line) if len(line.split()) <= MAX_BYLINE_WORDS else None
    if match is None:
        return None
    name = match["name"].strip(" ,;:")
    if not name or name.lower() in _ROLE_NAMES or _SENTENCE_END.search(name):
        return None
    return name


def find_byline(text: str) -> str | None:
    """The name in a "By …" or "Source: …" line near the top."""
    return next(filter(None, map(_byline_name, _top_lines(text, TOP_LINES))), None)
