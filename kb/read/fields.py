"""Structured records (a JSON object, a CSV row) to RawDocument.

The field names are the ones news exports use; keys are matched without
regard to case. A record without usable text is reported, not skipped in
silence; an unparseable date is only metadata, so it is dropped, not fatal.
"""

from __future__ import annotations

from collections.abc import Mapping

from kb.clean.dates import parse_date
from kb.errors import InputError
from kb.records import RawDocument

TEXT_FIELDS = ("text", "body", "content")
TITLE_FIELDS = ("title",)
DATE_FIELDS = ("date", "published", "published_on")
URL_FIELDS = ("url",)
SOURCE_FIELDS = ("source",)


def _first(record: Mapping[str, object], names: tuple[str, ...]) -> object:
    return next((record[name] for name in names if record.get(name) is not None), None)


def _string(value: object) -> str | None:
    # Feeds often nest the publisher: {"source": {"id": "…", "name": "…"}}.
    if isinstance(value, Mapping):
        value = value.get("name")
    return (value.strip() or None) if isinstance(value, str) else None


def record_to_document(
    record: Mapping[str, object], *, origin: str, path: str
) -> RawDocument | InputError:
    """The document in one record, or an InputError naming what is wrong with it."""
    fields = {key.lower(): value for key, value in record.items() if isinstance(key, str)}
    text = _first(fields, TEXT_FIELDS)
    if text is None:
        return InputError(origin, f"no text field (expected one of {', '.join(TEXT_FIELDS)})")
    if not isinstance(text, str):
        return InputError(origin, "the text field is not a string")
    if not text.strip():
        return InputError(origin, "empty")
    date_text = _string(_first(fields, DATE_FIELDS))
    return RawDocument(
        text=text,
        origin=origin,
        path=path,
        title=_string(_first(fields, TITLE_FIELDS)),
        published_on=parse_date(date_text) if date_text else None,
        url=_string(_first(fields, URL_FIELDS)),
        source=_string(_first(fields, SOURCE_FIELDS)),
    )
