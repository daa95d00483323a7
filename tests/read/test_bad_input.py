"""Bad input is reported with its origin and a reason; everything else is still read."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any, BinaryIO

import pytest

import kb.read
from kb.errors import InputError
from kb.read import iter_documents
from kb.read.jsonfiles import read_jsonl
from kb.records import RawDocument

GOOD = "The ferry service resumed on Thursday after a week of storms."
PNG_START = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 4


def _read(
    *paths: Path | str, text_column: str | None = None, stdin: BinaryIO | None = None
) -> list[RawDocument | InputError]:
    names = [str(path) for path in paths]
    return list(iter_documents(names, text_column=text_column, stdin=stdin))


def _errors(items: list[RawDocument | InputError]) -> list[tuple[str, str]]:
    return [(item.origin, item.reason) for item in items if isinstance(item, InputError)]


def _texts(items: list[RawDocument | InputError]) -> list[str]:
    return [item.text for item in items if isinstance(item, RawDocument)]


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html", "a.json", "a.jsonl", "a.csv", "a.log"])
@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  \n"])
def test_empty_files_are_reported(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert _errors(_read(path)) == [(str(path), "empty")]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("picture.txt", "binary file"),
        ("picture.md", "binary file"),
        ("picture.html", "binary file"),
        ("picture.json", "binary file"),
        ("picture.jsonl", "binary file"),
        ("picture.csv", "binary file"),
        ("picture.png", "not a text file (extension .png)"),
        ("picture", "not a text file (extension (none))"),
    ],
)
def test_binary_files_are_reported_once(tmp_path: Path, name: str, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(PNG_START)
    assert _errors(_read(path)) == [(str(path), reason)]


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("latin-1", "Der Bürgermeister sagte am Montag, die Straße bleibe bis März gesperrt."),
        ("latin-1", "Café crème, naïve résumé: the menu changed again."),
        (
            "cp1252",
            "He called the plan \u201ca fair deal\u201d and paid \u20ac5 \u2014 nothing more.",
        ),
        (
            "cp1251",
            "Президент заявил в понедельник, что переговоры продолжатся на следующей неделе.",
        ),
        ("gb18030", "公司今天宣布，第二季度收入同比增长百分之二十，超出市场预期。"),
    ],
)
def test_legacy_encodings_are_detected(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert _texts(_read(path)) == [text]


def test_mostly_utf8_with_a_stray_byte_keeps_its_characters(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    path.write_bytes("Zoë’s café opened “today” in Málaga.".encode() + b"\xff end.")
    assert _texts(_read(path)) == ["Zoë’s café opened “today” in Málaga.\ufffd end."]


def test_unknown_extension_that_is_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wire.story"
    path.write_text(GOOD, encoding="utf-8")
    assert _texts(_read(path)) == [GOOD]


def test_broken_symlink_is_reported_and_next_file_read(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "target-that-is-gone.txt")
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    items = _read(link, good)
    assert _errors(items) == [(str(link), "broken symbolic link")]
    assert _texts(items) == [GOOD]


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(GOOD)
    path.chmod(0)
    try:
        assert _errors(_read(path)) == [(str(path), "permission denied")]
    finally:
        path.chmod(0o644)


def test_permission_error_on_open_is_reported_and_next_file_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked, good = tmp_path / "locked.txt", tmp_path / "good.txt"
    locked.write_text("secret")
    good.write_text(GOOD)

    def guarded_open(path: str, mode: str = "r") -> IO[Any]:
        if path == str(locked):
            raise PermissionError(13, "Permission denied", path)
        return open(path, mode)

    monkeypatch.setattr(kb.read, "open", guarded_open, raising=False)
    items = _read(locked, good)
    assert _errors(items) == [(str(locked), "permission denied")]
    assert _texts(items) == [GOOD]


def test_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "private"
    folder.mkdir()
    real_scandir = os.scandir

    def scandir(path: str) -> Any:
        if os.fspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert _errors(_read(folder)) == [(str(folder), "permission denied")]


def test_parser_crash_is_reported_and_next_file_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser fell over")

    monkeypatch.setattr("kb.read.html.trafilatura.bare_extraction", explode)
    page, good = tmp_path / "page.html", tmp_path / "good.txt"
    page.write_text("<html><body><p>Words.</p></body></html>")
    good.write_text(GOOD)
    items = _read(page, good)
    assert _errors(items) == [(str(page), "could not read (RuntimeError: parser fell over)")]
    assert _texts(items) == [GOOD]


def test_bad_json_line_is_reported_and_the_other_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"text": "Line one is fine."}),
        '{"text": "this line was cut off',
        "[1, 2, 3]",
        json.dumps({"title": "no text here"}),
        json.dumps({"text": "Line five is fine."}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    items = _read(path)
    assert _texts(items) == ["Line one is fine.", "Line five is fine."]
    errors = dict(_errors(items))
    assert errors[f"{path}:2"].startswith("invalid JSON")
    assert errors[f"{path}:3"] == "not a JSON object"
    assert errors[f"{path}:4"] == "no text field (expected one of text, body, content)"


@pytest.mark.parametrize(
    ("content", "origin_suffix", "reason"),
    [
        ('{"text": "unterminated', "", "invalid JSON: Unterminated string"),
        ("42", "", "expected a JSON object or a list of objects"),
        ('[{"text": "ok"}, "just a string"]', "[1]", "not a JSON object"),
        ('{"text": 42}', "", "the text field is not a string"),
        ('{"body": "   "}', "", "empty"),
    ],
)
def test_bad_json_files_and_records_are_reported(
    tmp_path: Path, content: str, origin_suffix: str, reason: str
) -> None:
    path = tmp_path / "story.json"
    path.write_text(content, encoding="utf-8")
    ((origin, found),) = _errors(_read(path))
    assert origin == f"{path}{origin_suffix}"
    assert found.startswith(reason)


def test_json_lines_stream_without_reading_everything_first() -> None:
    def endless() -> Iterator[bytes]:
        number = 0
        while True:
            number += 1
            yield json.dumps({"text": f"Story {number}."}).encode() + b"\n"

    first = list(islice(read_jsonl("feed.jsonl", endless()), 3))
    assert [doc.text for doc in first if isinstance(doc, RawDocument)] == [
        "Story 1.",
        "Story 2.",
        "Story 3.",
    ]


@pytest.mark.parametrize(
    ("content", "text_column", "reason"),
    [
        ("id,price,qty\n1,2.50,7\n2,3.10,9\n", None, "no text column"),
        ("id,story\n1,A long enough story about ferries.\n", "body", "no column named 'body'"),
    ],
)
def test_csv_without_a_text_column_is_reported(
    tmp_path: Path, content: str, text_column: str | None, reason: str
) -> None:
    path = tmp_path / "table.csv"
    path.write_text(content, encoding="utf-8")
    ((origin, found),) = _errors(_read(path, text_column=text_column))
    assert origin == str(path)
    assert found.startswith(reason)


def test_csv_row_with_empty_text_is_reported_and_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(f"title,text\nA,{GOOD}\nB,\nC,Another story.\n", encoding="utf-8")
    items = _read(path)
    assert _errors(items) == [(f"{path}:3", "empty")]
    assert _texts(items) == [GOOD, "Another story."]


def test_huge_csv_cell_is_read_whole(tmp_path: Path) -> None:
    cell = "word " * 300_000  # far past the csv module's default field limit
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["title", "text"], ["Big", cell], ["Small", GOOD]])
    items = _read(path)
    assert _errors(items) == []
    assert _texts(items) == [cell, GOOD]


def test_stdin_binary_is_reported() -> None:
    assert _errors(_read("-", stdin=io.BytesIO(PNG_START))) == [("-", "binary file")]
