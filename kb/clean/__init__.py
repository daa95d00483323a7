"""Clean stage: a RawDocument becomes one Article, or one per item of a news digest.

Order matters: boilerplate goes first (it would otherwise become a title or a
digest item), then the digest split, then titles, dates and bylines are taken
from what is left. The stored text is the cleaned text, so fact offsets point
into exactly what NER saw.
"""

from __future__ import annotations

import datetime as dt

from kb.clean.boilerplate import strip_boilerplate
from kb.clean.chunks import split_for_nlp
from kb.clean.dates import parse_date
from kb.clean.digest import DigestItem, split_digest
from kb.clean.frontmatter import find_byline, find_title, find_top_date
from kb.clean.layout import tidy
from kb.errors import KBError
from kb.records import Article, RawDocument

__all__ = [
    "DigestItem",
    "clean_document",
    "clean_text",
    "parse_date",
    "split_digest",
    "split_for_nlp",
    "strip_boilerplate",
]


def clean_text(text: str) -> str:
    """Boilerplate removed, whitespace normalized, words untouched."""
    return tidy(strip_boilerplate(text))


def _digest_articles(doc: RawDocument, items: list[DigestItem]) -> list[Article]:
    # Items share the document's URL; a fragment keeps each one its own identity.
    return [
        Article(
            text=tidy(item.text),
            path=doc.path,
            origin=doc.origin,
            item=number,
            title=item.title,
            published_on=item.published_on,
            url=f"{doc.url}#item-{number}" if doc.url else None,
            source=doc.source,
        )
        for number, item in enumerate(items)
    ]


def clean_document(doc: RawDocument, *, reference: dt.date | None = None) -> list[Article]:
    """The articles in `doc`. Dates without a year take the year of the document's own
    date, else of `reference`. Raises KBError when nothing but boilerplate is left."""
    text = clean_text(doc.text)
    if not text:
        raise KBError("nothing left after removing site boilerplate")
    year_source = doc.published_on or reference
    items = split_digest(text, year_source)
    if items:
        return _digest_articles(doc, items)
    return [
        Article(
            text=text,
            path=doc.path,
            origin=doc.origin,
            title=doc.title or find_title(text),
            published_on=doc.published_on or find_top_date(text, reference),
            url=doc.url,
            source=doc.source or find_byline(text),
        )
    ]
