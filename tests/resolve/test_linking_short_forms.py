"""A company's short form after its full name is the same company; a parent named first
is not merged into a unit named after it."""

from __future__ import annotations

import pytest

from kb.resolve.linking import Candidate, link_candidates


def org(text: str, start: int) -> Candidate:
    return Candidate(
        start=start, end=start + len(text.split()), start_char=start * 10,
        end_char=start * 10 + len(text), text=text, label="ORG",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("names", "pair", "same"),
    [
        (["Corvane Semiconductor", "Corvane"], (0, 1), True),
        (["Helios Motors", "Helios"], (0, 1), True),
        (["Nordlicht Optik AG", "Nordlicht"], (0, 1), True),
        (["Acme", "Acme Auto"], (0, 1), False),  # the parent came first
        (["Acme", "Acme Auto", "Acme"], (1, 2), False),  # ... and is named again after
        (["Vela Bank", "Vela Air", "Vela"], (0, 2), False),  # two fuller names fit
        (["Orbit Tools", "Arcadia"], (0, 1), False),
    ],
)
def test_short_org_form_after_full_name(
    names: list[str], pair: tuple[int, int], same: bool
) -> None:
    cands = [org(name, i * 5) for i, name in enumerate(names)]
    link_candidates(cands)
    assert (cands[pair[0]].cluster == cands[pair[1]].cluster) is same
