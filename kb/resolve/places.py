"""Country adjectives ("German", "Cypriot") to the place they name (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from kb.resolve.names import simple_fold

# Adjectives whose country does not start like them; the rest match by prefix.
IRREGULAR_DEMONYMS: dict[str, tuple[str, ...]] = {
    "french": ("france",), "british": ("britain", "united kingdom", "uk", "u.k.", "great britain"),
    "english": ("england",), "spanish": ("spain",), "polish": ("poland",),
    "dutch": ("netherlands", "the netherlands", "holland"), "swiss": ("switzerland",),
    "american": ("united states", "us", "u.s.", "usa", "u.s.a.", "america"),
    "danish": ("denmark",), "finnish": ("finland",), "irish": ("ireland",), "welsh": ("wales",),
    "filipino": ("philippines", "the philippines"), "emirati": ("united arab emirates", "uae"),
    "european": ("european union", "eu", "europe"), "soviet": ("soviet union", "ussr"),
}  # fmt: skip
MIN_SHARED_PREFIX = 4
DEMONYM_ENDINGS = ("ian", "ean", "ese", "ish", "ian", "an", "i", "ic", "ch")


def place_for_demonym(adjective: str, places: Iterable[str]) -> str | None:
    """The one of `places` that `adjective` refers to ("Cypriot" -> "Cyprus"), if any."""
    return _place_for_demonym(adjective, tuple(places))


@lru_cache(maxsize=4096)
def _place_for_demonym(adjective: str, places: tuple[str, ...]) -> str | None:
    """(An article asks about the same adjective and places many times.)"""
    word = simple_fold(adjective)
    irregular = IRREGULAR_DEMONYMS.get(word)
    if irregular:
        return next((p for p in places if simple_fold(p) in irregular), None)
    best, best_len = None, MIN_SHARED_PREFIX - 1
    for place in places:
        folded = simple_fold(place)
        for part in [folded, *folded.split()]:
            # A part that does not start with the word's first best_len + 1 letters
            # shares fewer: skip it without counting.
            need = best_len + 1
            if len(part) < need or len(word) < need or part[:need] != word[:need]:
                continue
            shared = _shared_prefix(word, part)
            if shared > best_len and shared >= 0.6 * min(len(word), len(part)):
                best, best_len = place, shared
    return best


def is_demonym_like(word: str) -> bool:
    """ "German", "Cypriot"-style adjectives NER sometimes labels GPE (one word only)."""
    folded = simple_fold(word)
    if folded in IRREGULAR_DEMONYMS:
        return True
    return " " not in folded and len(folded) > 4 and folded.endswith(DEMONYM_ENDINGS)


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
