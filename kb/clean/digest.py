"""News digests: one document listing several dated items, split into one item each.

A digest is recognised by its shape, not by its wording: three or more blocks,
each with a line of its own that is only a date ("2025年7月29日", "July 29,
2025", "Posted on Tue, 29 Jul 2025"). The date line closes its block (date
after the text) or opens it (date before the text); items may be bulleted,
numbered or plain. Each block must start with a headline-sized line and say
something, so an article that merely mentions dates, or a list of bare dates,
is never split.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import pairwise

from kb.clean.dates import DateMention, find_dates
from kb.clean.layout import has_bullet, normalize_newlines, strip_bullet

MIN_ITEMS = 3
MAX_HEADLINE_WORDS = 25
MIN_ITEM_WORDS = 5
MAX_DATE_LINE_CHARS = 80

# What may share a line with the date on a date line.
_DATE_LINE_FILLER = re.compile(
    r"\b(?:posted|published|updated|date|on|at|am|pm|utc|gmt|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\d{1,2}:\d{2}(?::\d{2})?|发布于|发布时间|日期|星期.|周.|[\W_]",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One item: its headline, its text (headline included) and the date of its date line."""

    title: str
    text: str
    published_on: dt.date | None


def _date_of_line(line: str) -> DateMention | None:
    """The date when `line` is a date line: a date and nothing else but filler."""
    stripped = line.strip()
    if len(stripped) > MAX_DATE_LINE_CHARS:
        return None
    content = strip_bullet(stripped)
    mentions = find_dates(content)
    if len(mentions) != 1:
        return None
    mention = mentions[0]
    rest = content[: mention.start] + " " + content[mention.end :]
    return mention if not _DATE_LINE_FILLER.sub("", rest) else None


def _filled(lines: list[str]) -> list[int]:
    return [index for index, line in enumerate(lines) if line.strip()]


def _make_item(lines: list[str], date: dt.date | None) -> DigestItem | None:
    """An item from its block of lines, or None when the block is not item-shaped."""
    filled = _filled(lines)
    if not filled:
        return None
    body = [strip_bullet(line) for line in lines[filled[0] : filled[-1] + 1]]
    title = body[0]
    text = "\n".join(body)
    if len(title.split()) > MAX_HEADLINE_WORDS or len(text.split()) < MIN_ITEM_WORDS:
        return None
    return DigestItem(title=title, text=text, published_on=date)


def _leading_item_lines(region: list[str], size: int) -> list[str]:
    """The first item of a date-after digest: everything before its date line except the
    digest's own header. It starts at the last bullet, or else takes the usual item size."""
    filled = _filled(region)
    bullets = [index for index in filled if has_bullet(region[index])]
    if bullets:
        return region[bullets[-1] :]
    return region[filled[-size] :] if 0 < size <= len(filled) else region


def _split(
    lines: list[str], date_lines: list[int], dates: list[dt.date | None], *, date_first: bool
) -> list[DigestItem] | None:
    bounds = [-1, *date_lines, len(lines)]
    blocks = [lines[start + 1 : end] for start, end in pairwise(bounds)]
    # blocks[0] is before the first date line, blocks[-1] after the last one.
    if date_first:
        item_blocks = blocks[1:]
    else:
        inner = blocks[1:-1]
        size = max((len(_filled(block)) for block in inner), default=1)
        item_blocks = [_leading_item_lines(blocks[0], size), *inner]
    items = [_make_item(block, date) for block, date in zip(item_blocks, dates, strict=True)]
    if any(item is None for item in items):
        return None
    return [item for item in items if item is not None]


def split_digest(text: str, reference: dt.date | None = None) -> list[DigestItem] | None:
    """The items of a digest, in document order, or None when `text` is not a digest.

    Dates without a year take the year of `reference`.
    """
    lines = normalize_newlines(text).split("\n")
    found = {index: mention for index, line in enumerate(lines) if (mention := _date_of_line(line))}
    if len(found) < MIN_ITEMS:
        return None
    date_lines = list(found)
    dates = [mention.resolve(reference) for mention in found.values()]
    before_first = len(_filled(lines[: date_lines[0]]))
    after_last = len(_filled(lines[date_lines[-1] + 1 :]))
    # Date after the text leaves (almost) nothing behind the last date line.
    date_first = after_last > before_first
    return _split(lines, date_lines, dates, date_first=date_first) or _split(
        lines, date_lines, dates, date_first=not date_first
    )
