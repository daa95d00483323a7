"""split_for_nlp: pieces under the limit, at natural boundaries, offsets exact."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.clean import split_for_nlp

PARAGRAPH = "The ferry left at dawn. It reached the island by noon! Was anyone aboard? Yes."


def _check(text: str, pieces: list[tuple[int, str]], max_chars: int) -> None:
    for offset, piece in pieces:
        assert text[offset : offset + len(piece)] == piece
        assert 0 < len(piece) <= max_chars
    left_out = list(text)
    for offset, piece in pieces:
        left_out[offset : offset + len(piece)] = " " * len(piece)
    assert not "".join(left_out).strip()


@pytest.mark.parametrize(
    ("text", "max_chars", "expected"),
    [
        ("short text", 100, [(0, "short text")]),
        ("", 100, []),
        ("   \n\n  ", 100, []),
        ("aaaa\n\nbbbb\n\ncccc", 12, [(0, "aaaa\n\nbbbb\n\n"), (12, "cccc")]),
        ("One two. Three four. Five six.", 22, [(0, "One two. Three four. "), (21, "Five six.")]),
        ("one two three four", 9, [(0, "one two "), (8, "three "), (14, "four")]),
        ("abcdefghij", 4, [(0, "abcd"), (4, "efgh"), (8, "ij")]),
    ],
)
def test_pieces_break_at_the_best_boundary(
    text: str, max_chars: int, expected: list[tuple[int, str]]
) -> None:
    assert split_for_nlp(text, max_chars) == expected


def test_paragraphs_are_packed_up_to_the_limit() -> None:
    text = "\n\n".join([PARAGRAPH] * 50)
    pieces = split_for_nlp(text, 1000)
    _check(text, pieces, 1000)
    assert all(piece.endswith("\n\n") for _, piece in pieces[:-1])
    assert all(len(piece) + len(PARAGRAPH) > 1000 for _, piece in pieces[:-1])


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        split_for_nlp("text", 0)


@given(st.text(alphabet=st.sampled_from("ab .!\n\t。"), max_size=400), st.integers(1, 60))
def test_any_text_is_covered_by_pieces_under_the_limit(text: str, max_chars: int) -> None:
    _check(text, split_for_nlp(text, max_chars), max_chars)
