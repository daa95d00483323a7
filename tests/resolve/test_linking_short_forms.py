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
    ("names", "same"),
    [
        (["Corvane Semiconductor", "Corvane"], True),
        (["Helios Motors", "Helios"], True),
        (["Nordlicht Optik AG", "Nordlicht"], True),
        (["Acme", "Acme Auto"], False),  # the parent came first
        (["Acme", "Acme Auto", "Acme"], False),  # ... and named again after its unit
        (["Vela Bank", "Vela Air", "Vela"], False),  # two fuller names fit
        (["Orbit Tools", "Arcadia"], False),
    ],
)
def test_short_org_form_after_full_name(names: list[str], same: bool) -> None:
    cands = [org(name, i * 5) for i, name in enumerate(names)]
    link_candidates(cands)
    fullest = max(cands, key=lambda c: len(c.text.split()))
    assert (fullest.cluster == cands[-1].cluster) is same
