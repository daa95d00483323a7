"""Corpus-level choices for an entity: its label and its display name (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from kb.resolve.names import clean_surface, core_tokens, simple_fold

# Tie-break order: the label that is more often right when NER hesitates.
LABEL_PRIORITY: tuple[str, ...] = (
    "ORG", "PERSON", "GPE", "PRODUCT", "LOC", "FAC", "NORP", "EVENT", "WORK_OF_ART",
    "LAW", "LANGUAGE",
)  # fmt: skip

_RANK = {label: i for i, label in enumerate(LABEL_PRIORITY)}


def vote_label(counts: Mapping[str, int]) -> str:
    """The label most mentions carry; ties go to LABEL_PRIORITY order.

    >>> vote_label({"ORG": 5, "PERSON": 2})
    'ORG'
    """
    if not counts:
        raise ValueError("vote_label needs at least one label count")
    return min(counts, key=lambda label: (-counts[label], _RANK.get(label, len(_RANK)), label))


# Abbreviated legal forms a display name can do without ("Acme Co., Ltd." -> "Acme").
_LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:Co|Ltd|Inc|Corp|LLC|LLP|L\.P|PLC|plc|GmbH|AG|S\.A|SA|N\.V|NV|B\.V|BV|S\.p\.A"
    r"|SpA|K\.K|Pte|Pty|Bhd|Limited)\.?)+$"
)


@lru_cache(maxsize=65536)
def strip_legal_form(name: str) -> str:
    """ "Acme Co., Ltd." -> "Acme"; names without such a tail are returned unchanged."""
    stripped = _LEGAL_FORM.sub("", name).rstrip(" ,")
    return stripped or name


def best_name(alias_counts: Mapping[str, int]) -> str:
    """The most complete frequent form among the aliases of one entity.

    "Complete" counts name words without legal suffixes, so "Jane Doe" beats
    "Doe" while "Acme" and "Acme Corp." compete on frequency; then come the
    form in mixed case over ALL CAPS, the shorter form, and alphabetical order.
    Abbreviated legal forms are dropped ("Acme Co., Ltd." is named "Acme").

    >>> best_name({"Doe": 7, "Jane Doe": 2, "Jane Doe's": 1})
    'Jane Doe'
    >>> best_name({"Acme": 9, "Acme Corp.": 2, "ACME": 1})
    'Acme'
    """
    if len(alias_counts) == 1:
        (alias, count), *_ = alias_counts.items()
        if count > 0:  # then the count does not matter
            return _best_name_of(alias)
    return _best_name(alias_counts)


@lru_cache(maxsize=65536)
def _best_name_of(alias: str) -> str:
    """`best_name` of one alias (most entities of an article have one)."""
    return _best_name({alias: 1})


def _best_name(alias_counts: Mapping[str, int]) -> str:
    totals: dict[str, int] = {}
    for alias, count in alias_counts.items():
        name = clean_surface(alias)
        for form in {name, strip_legal_form(name)}:
            if form:
                totals[form] = totals.get(form, 0) + count
    if not totals:
        raise ValueError("best_name needs at least one non-empty alias")
    by_fold: dict[str, int] = {}
    for name, count in totals.items():
        by_fold[simple_fold(name)] = by_fold.get(simple_fold(name), 0) + count

    def score(name: str) -> tuple[int, int, int, int, int, str]:
        return (
            -len(core_tokens(name)),
            -by_fold[simple_fold(name)],
            int(name.isupper() and len(name) > 4),
            -totals[name],
            len(name),
            name,
        )

    return min(totals, key=score)
