"""HTML pages: the main text and metadata as trafilatura finds them.

trafilatura drops navigation, comments and footers and reads the title, date,
canonical URL and site name. When it finds no main text (it gives up on bare
fragments such as a lone "<p>…</p>") the page's visible text is used instead,
still taken from the parsed tree, never by stripping tags with a regex.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.etree
import lxml.html
import trafilatura
from trafilatura.settings import Document
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

from kb.clean.dates import parse_date
from kb.errors import InputError
from kb.read.decode import SAMPLE_BYTES, guess_encoding
from kb.records import RawDocument

_INVISIBLE = ("script", "style", "noscript", "template")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BLOCKS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "section", "article", "header", "footer", "table", "ul", "ol",
)  # fmt: skip


# trafilatura's own parser settings, plus huge_tree: libxml2 otherwise drops everything
# nested deeper than 256 elements, and pages with unclosed tags nest that deep.
_PAGE_PARSER = lxml.html.HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)


def page_tree(data: bytes) -> lxml.html.HtmlElement | None:
    """The page parsed as `trafilatura.load_html` parses it (its charset detection and
    repairs; None for what it rejects as not HTML), without the depth limit."""
    text = decode_file(data)
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    try:
        tree = lxml.html.fromstring(text.encode("utf-8", "surrogatepass"), parser=_PAGE_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None
    if tree is None or (is_dubious_html(beginning) and len(tree) < 2):
        return None
    return tree


def visible_text(data: bytes) -> str:
    """All text a browser would show, a paragraph break after each block element."""
    try:
        # huge_tree: libxml2 otherwise drops everything nested deeper than 256 elements.
        root = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(huge_tree=True))
    except (lxml.etree.ParserError, ValueError):
        return ""
    lxml.etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    for element in root.iter(*_BLOCKS):
        # The parser keeps control characters that lxml refuses to be given back.
        element.tail = "\n\n" + _NOT_XML.sub(" ", element.tail or "")
    return str(root.text_content())


def read_html(path: str, data: bytes) -> Iterator[RawDocument | InputError]:
    if not data.strip():
        yield InputError(path, "empty")
        return
    if guess_encoding(data[:SAMPLE_BYTES]) is None:
        yield InputError(path, "binary file")
        return
    tree = page_tree(data)
    found = (
        trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False)
        if tree is not None
        else None
    )
    extracted = found if isinstance(found, Document) else None
    # trafilatura puts one paragraph per line; a blank line marks paragraphs for cleaning.
    text = extracted.text.replace("\n", "\n\n") if extracted and extracted.text else ""
    if not text.strip():
        text = visible_text(data)
    if not text.strip():
        yield InputError(path, "no text in the HTML page")
        return
    yield RawDocument(
        text=text,
        origin=path,
        path=path,
        title=extracted.title if extracted else None,
        published_on=parse_date(extracted.date) if extracted and extracted.date else None,
        url=extracted.url if extracted else None,
        source=extracted.sitename if extracted else None,
        is_markup=True,
    )
