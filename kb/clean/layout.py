"""Whitespace and list-marker layout: the only edits cleaning makes inside kept text.

Words are never changed; only line endings, indentation, trailing spaces and
runs of blank lines are, so that offsets into the stored text stay readable and
paragraphs stay separated by exactly one blank line.
"""

from __future__ import annotations

import re

# "•", "-", "*", "1.", "2)", "(3)", "a." followed by a space start a list item.
_BULLET = re.compile(r"^\s{0,12}(?:[•●▪◦‣∙·*+\-–—]|\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)])\s{1,8}")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s{1,8}(?P<heading>.*?)(?:\s{1,8}#{1,6})?\s*$")
_BLANK_RUN = re.compile(r"\n{3,}")


def normalize_newlines(text: str) -> str:
    """One line-ending convention: "\\n"."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tidy(text: str) -> str:
    """Strip each line, keep at most one blank line between paragraphs, trim the ends."""
    lines = (line.strip() for line in normalize_newlines(text).split("\n"))
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


def has_bullet(line: str) -> bool:
    return _BULLET.match(line) is not None


def strip_bullet(line: str) -> str:
    """The line without its indentation and list marker."""
    return _BULLET.sub("", line, count=1).strip()


def markdown_heading(line: str) -> str | None:
    """The text of a `# Heading` line, else None."""
    match = _MARKDOWN_HEADING.match(line)
    return match["heading"] if match and match["heading"] else None
