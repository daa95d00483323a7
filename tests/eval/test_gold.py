"""Gold lines become typed records; a bad line is one clear error naming file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.eval.gold import EntityGold, FigureGold, GoldError, MeetingGold, RoleGold, load_gold
from tests.eval.kbfake import write_gold


def test_comments_blank_lines_and_line_numbers_are_kept(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold.jsonl",
        "// people",
        "",
        '{"kind": "entity", "name": "Anna Berg", "type": "PERSON"}',
        "   // indented comment",
        '{"kind": "meeting", "a": "Anna Berg", "b": "Tom Ueda", "date": "2025-07-17",'
        ' "doc": "000_ab.txt", "optional": true}',
    )
    entity, meeting = load_gold(gold)
    assert isinstance(entity, EntityGold)
    assert (entity.line, entity.name, entity.types, entity.doc) == (
        3,
        ("Anna Berg",),
        frozenset({"PERSON"}),
        None,
    )
    assert isinstance(meeting, MeetingGold)
    assert (meeting.line, meeting.date, meeting.doc, meeting.optional) == (
        5,
        dt.date(2025, 7, 17),
        "000_ab.txt",
        True,
    )


def test_alternatives_and_alias_hints_widen_names(tmp_path: Path) -> None:
    gold = write_gold(
        tmp_path / "gold.jsonl",
        {
            "kind": "role",
            "person": "Rene Preval",
            "org": " Haiti | Republic of Haiti ",
            "title": "President|head of state",
            "person_aliases": ["Preval"],
            "title_hint": "president",
            "doc": "002",
        },
        {"kind": "entity", "name": "Xiaomi|Xiaomi Group", "type": "ORG", "aliases": ["Mi"]},
    )
    role, entity = load_gold(gold)
    assert isinstance(role, RoleGold)
    assert role.person_names == ("Rene Preval", "Preval")
    assert role.org_names == ("Haiti", "Republic of Haiti")
    assert role.all_titles == ("President", "head of state")
    assert isinstance(entity, EntityGold)
    assert entity.names == ("Xiaomi", "Xiaomi Group", "Mi")


def test_a_numeric_doc_is_a_document_name(tmp_path: Path) -> None:
    gold = write_gold(tmp_path / "g.jsonl", {"kind": "figure", "value": 6, "doc": 7})
    (figure,) = load_gold(gold)
    assert isinstance(figure, FigureGold)
    assert (figure.doc, figure.value, figure.entity) == ("7", 6.0, None)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param('{"kind": "entity", "name": "X", "type": "ORG"', "not valid JSON", id="json"),
        pytest.param('["entity", "X"]', "expected a JSON object", id="not-object"),
        pytest.param('{"kind": "person", "name": "X"}', "unknown kind 'person'", id="kind"),
        pytest.param('{"name": "X", "type": "ORG"}', "unknown kind None", id="no-kind"),
        pytest.param('{"kind": "meeting", "a": "A"}', "b: Field required", id="missing-field"),
        pytest.param('{"kind": "entity", "name": " | ", "type": "ORG"}', "name: must not be empty",
                     id="empty-name"),
        pytest.param('{"kind": "meeting", "a": "A", "b": "B", "date": "17/07/2025"}',
                     "not an ISO date", id="date"),
        pytest.param('{"kind": "figure", "entity": "X", "value": "42 million"}',
                     "value: must be a JSON number", id="value-text"),
        pytest.param('{"kind": "figure", "entity": "X", "value": true}',
                     "value: must be a JSON number", id="value-bool"),
        pytest.param('{"kind": "figure", "value": 42}', "without 'doc' needs 'entity'",
                     id="global-figure-without-entity"),
        pytest.param('{"kind": "entity", "name": "X", "type": "ORG", "optional": "yes"}',
                     "optional: Input should be a valid boolean", id="optional"),
        pytest.param('{"kind": "entity", "name": "X", "type": "ORG", "aliases": "X"}', None,
                     id="alias-string-is-fine"),
    ],
)  # fmt: skip
def test_a_bad_line_names_file_line_and_reason(
    tmp_path: Path, line: str, reason: str | None
) -> None:
    gold = write_gold(tmp_path / "gold.jsonl", "// header", line)
    if reason is None:
        assert len(load_gold(gold)) == 1
        return
    with pytest.raises(GoldError) as caught:
        load_gold(gold)
    message = str(caught.value)
    assert message.startswith(f"{gold}:2: ")
    assert reason in message
    assert "\n" not in message


def test_an_unreadable_gold_file_is_a_gold_error(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="cannot read gold file"):
        load_gold(tmp_path / "missing.jsonl")
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b'{"kind": "entity", "name": "\xff", "type": "ORG"}\n')
    with pytest.raises(GoldError, match="not UTF-8"):
        load_gold(binary)


def test_the_shared_gold_files_parse() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "eval"
    files = [shared / "seeds-dev.jsonl", *sorted(shared.glob("public/*/gold.jsonl"))]
    present = [f for f in files if f.exists()]
    if not present:
        pytest.skip("shared/eval is not beside the repository")
    for path in present:
        assert load_gold(path), path
