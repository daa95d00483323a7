"""Each input format gives the documents and metadata it holds."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import BinaryIO

import pytest

from kb.errors import InputError
from kb.read import iter_documents
from kb.records import RawDocument

ARTICLE = "Harbour cranes stood idle on Monday as dock workers walked out over pay."


def _documents(
    *paths: Path | str, text_column: str | None = None, stdin: BinaryIO | None = None
) -> list[RawDocument]:
    names = [str(path) for path in paths]
    items = list(iter_documents(names, text_column=text_column, stdin=stdin))
    errors = [item for item in items if isinstance(item, InputError)]
    assert not errors, errors
    return [item for item in items if isinstance(item, RawDocument)]


@pytest.mark.parametrize("name", ["note.txt", "note.md", "NOTE.TXT", "notes.text", "README"])
def test_text_files_are_one_document_each(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(f"# Dock strike\n\n{ARTICLE}\n", encoding="utf-8")
    (doc,) = _documents(path)
    assert doc.text == f"# Dock strike\n\n{ARTICLE}\n"
    assert (doc.origin, doc.path, doc.is_markup) == (str(path), str(path), False)


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode())
    assert _documents(path)[0].text == ARTICLE


def test_utf16_with_byte_order_mark_is_text(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(ARTICLE.encode("utf-16"))
    assert _documents(path)[0].text == ARTICLE


PAGE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>Dock workers strike over pay | Coastal Ledger</title>
<meta property="og:title" content="Dock workers strike over pay">
<meta property="og:site_name" content="Coastal Ledger">
<meta property="article:published_time" content="2024-03-05T08:30:00+00:00">
<link rel="canonical" href="https://ledger.example/ports/strike">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/ports">Ports</a></li></ul></nav>
<article>
<h1>Dock workers strike over pay</h1>
<p>Harbour cranes stood idle on Monday as dock workers walked out over pay, leaving
container ships waiting in the bay for a second day.</p>
<p>The union said its members had not had a raise in four years and would stay out
until the port authority made a new offer.</p>
</article>
<footer><p>Copyright 2024 Coastal Ledger. All rights reserved.</p></footer>
</body></html>"""


def test_html_gives_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "strike.html"
    path.write_text(PAGE, encoding="utf-8")
    (doc,) = _documents(path)
    assert "container ships waiting in the bay" in doc.text
    assert "\n\nThe union said" in doc.text
    assert "Home" not in doc.text.split()
    assert doc.title == "Dock workers strike over pay"
    assert doc.published_on == dt.date(2024, 3, 5)
    assert doc.url == "https://ledger.example/ports/strike"
    assert doc.source == "Coastal Ledger"
    assert doc.is_markup


@pytest.mark.parametrize("extension", [".htm", ".html"])
def test_html_fragment_falls_back_to_visible_text(tmp_path: Path, extension: str) -> None:
    path = tmp_path / f"fragment{extension}"
    path.write_text(f"<p>{ARTICLE}<script>track()</script></p>", encoding="utf-8")
    (doc,) = _documents(path)
    assert doc.text.strip() == ARTICLE


def test_html_in_a_legacy_charset_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.html"
    body = "<p>Le maire a annoncé la fermeture du pont jusqu’à l’été prochain, a-t-il précisé.</p>"
    page = f'<html><head><meta charset="windows-1252"></head><body>{body * 3}</body></html>'
    path.write_bytes(page.encode("cp1252"))
    (doc,) = _documents(path)
    assert "annoncé la fermeture du pont jusqu’à l’été" in doc.text


@pytest.mark.parametrize("depth", [10, 300, 2000])
def test_html_nested_deeper_than_libxml2_allows_keeps_all_text(tmp_path: Path, depth: int) -> None:
    """Unclosed tags nest pages deeper than libxml2's default limit of 256 elements; the
    text inside and after such a block must not be lost."""
    top = "<p>Harbour cranes stood idle on Monday as dock workers walked out over pay.</p>"
    deep = "<p>Union leaders met the port authority late in the evening to talk terms.</p>"
    after = "<p>Talks resume on Thursday, a spokeswoman for the port said in a statement.</p>"
    nested = "<div>" * depth + deep + "</div>" * depth
    page = f"<html><head><title>Dock strike</title></head><body><article>{top}{nested}{after}"
    path = tmp_path / "deep.html"
    path.write_text(page + "</article></body></html>", encoding="utf-8")
    (doc,) = _documents(path)
    for paragraph in (top, deep, after):
        assert paragraph[3:-4] in doc.text
    assert doc.title == "Dock strike"


def test_json_object_is_one_document_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    record = {
        "Title": "Dock strike",
        "body": ARTICLE,
        "published": "March 5, 2024",
        "url": "https://ledger.example/a",
        "source": {"id": "ledger", "name": "Coastal Ledger"},
    }
    path.write_text(json.dumps(record), encoding="utf-8")
    (doc,) = _documents(path)
    assert (doc.text, doc.title, doc.published_on) == (ARTICLE, "Dock strike", dt.date(2024, 3, 5))
    assert (doc.url, doc.source, doc.origin) == (
        "https://ledger.example/a",
        "Coastal Ledger",
        str(path),
    )


@pytest.mark.parametrize(
    ("date_field", "value", "expected"),
    [
        ("date", "2024-03-05", dt.date(2024, 3, 5)),
        ("published", "2024-03-05T23:10:00Z", dt.date(2024, 3, 5)),
        ("published_on", "5 March 2024", dt.date(2024, 3, 5)),
        ("date", "Tue, 05 Mar 2024 09:00:00 GMT", dt.date(2024, 3, 5)),
        ("date", "sometime soon", None),
        ("date", 20240305, None),
    ],
)
def test_record_dates_are_parsed_or_dropped(
    tmp_path: Path, date_field: str, value: object, expected: dt.date | None
) -> None:
    path = tmp_path / "dated.json"
    path.write_text(json.dumps({"content": ARTICLE, date_field: value}), encoding="utf-8")
    assert _documents(path)[0].published_on == expected


def test_json_list_items_have_indexed_origins(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"text": "First story here."}, {"text": "Second one."}]))
    docs = _documents(path)
    assert [doc.origin for doc in docs] == [f"{path}[0]", f"{path}[1]"]
    assert [doc.text for doc in docs] == ["First story here.", "Second one."]


@pytest.mark.parametrize("extension", [".jsonl", ".ndjson"])
def test_json_lines_have_line_numbered_origins(tmp_path: Path, extension: str) -> None:
    path = tmp_path / f"feed{extension}"
    lines = [json.dumps({"text": "Story one."}), "", json.dumps({"body": "Story two."})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = _documents(path)
    assert [(doc.origin, doc.text) for doc in docs] == [
        (f"{path}:1", "Story one."),
        (f"{path}:3", "Story two."),
    ]


def test_csv_rows_use_the_text_column_and_metadata_columns(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "id,Title,Body,Date,URL\n"
        f'1,Dock strike,"{ARTICLE}",2024-03-05,https://ledger.example/a\n'
        '2,Bridge shut,"The old bridge closed for repairs,\nsaid the council.",,\n',
        encoding="utf-8",
    )
    docs = _documents(path)
    assert [doc.origin for doc in docs] == [f"{path}:2", f"{path}:3"]
    assert docs[0].text == ARTICLE
    assert (docs[0].title, docs[0].published_on) == ("Dock strike", dt.date(2024, 3, 5))
    assert docs[0].url == "https://ledger.example/a"
    assert docs[1].text == "The old bridge closed for repairs,\nsaid the council."
    assert docs[1].published_on is None


def test_csv_text_column_can_be_named(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text('summary,story\nshort,"A longer story about the port."\n', encoding="utf-8")
    (doc,) = _documents(path, text_column="Summary")
    assert doc.text == "short"


def test_csv_without_named_text_column_uses_the_longest_cells(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(f'id,headline,story\n7,Dock strike,"{ARTICLE}"\n', encoding="utf-8")
    (doc,) = _documents(path)
    assert doc.text == ARTICLE


def test_stdin_text_is_one_document() -> None:
    (doc,) = _documents("-", stdin=io.BytesIO(ARTICLE.encode()))
    assert (doc.text, doc.origin, doc.path) == (ARTICLE, "-", "-")


@pytest.mark.parametrize("start", [b"", b"\xef\xbb\xbf"])
def test_stdin_json_lines_stream_as_records(start: bytes) -> None:
    feed = start + b'\n{"text": "Story one."}\n{"text": "Story two."}\n'
    docs = _documents("-", stdin=io.BytesIO(feed))
    assert [(doc.origin, doc.text) for doc in docs] == [
        ("-:2", "Story one."),
        ("-:3", "Story two."),
    ]


def test_inputs_are_read_in_the_order_given(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Second.")
    (tmp_path / "a.txt").write_text("First.")
    docs = _documents(tmp_path / "b.txt", tmp_path / "a.txt")
    assert [doc.text for doc in docs] == ["Second.", "First."]
