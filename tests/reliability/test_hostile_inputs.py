"""A corpus of hostile files, made at test time: zero-byte files, NUL bytes and NUL escapes,
lone surrogates, mixed encodings, a file name that is not UTF-8, deeply nested HTML, a JSONL
file with a bad line in the middle, a CSV with a 10 MB cell, and (slow) 50 MB single lines.
Every good record is stored; every bad one is reported as `path[:line]: reason`."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text

from kb.errors import InputError
from kb.read import iter_documents
from kb.records import RawDocument
from kb.store.engine import make_engine
from tests.reliability.helpers import kb

MB = 1024 * 1024
NAMES = ["Ana Lima", "Rui Costa", "Jane Doe", "Tom Ueda", "Pia Lund", "Lars Berg", "Ken Sato"]
CITIES = ["Lisbon", "Oslo", "Bergen", "Porto", "Tromsø", "Kyoto", "Bremen"]


def good(n: int) -> str:
    """A distinct, ordinary news sentence (distinct texts are distinct articles)."""
    a, b = NAMES[n % 7], NAMES[(n + 3) % 7]
    return (
        f"Helio Labs {n} chief executive {a} met with {b} in {CITIES[n % 7]} on May {n % 28 + 1}, "
        f"2024, and said revenue rose {n + 2}% to ${n + 1}.5 billion."
    )


@dataclass
class Corpus:
    folder: Path
    kept: list[str] = field(default_factory=list)  # origins of good records
    errors: dict[str, str] = field(default_factory=dict)  # origin -> start of the reason
    counter: int = 0

    def next_good(self) -> str:
        self.counter += 1
        return good(self.counter)

    def path(self, name: str | bytes) -> Path:
        if isinstance(name, bytes):
            return Path(os.fsdecode(os.fsencode(self.folder) + b"/" + name))
        return self.folder / name


def jsonl_line(value: object) -> bytes:
    return json.dumps(value).encode() + b"\n"


def build_corpus(folder: Path) -> Corpus:
    folder.mkdir()
    corpus = Corpus(folder)
    c = corpus

    for name in ("empty.txt", "empty.md", "empty.html", "empty.json", "empty.jsonl", "empty.csv"):
        c.path(name).write_bytes(b"")
        c.errors[str(c.path(name))] = "empty"

    nul = c.path("nul-bytes.txt")
    nul.write_bytes(c.next_good().encode() + b"\x00\x00\x00" + c.next_good().encode())
    c.errors[str(nul)] = "binary file"

    records = c.path("nul-and-surrogates.jsonl")
    records.write_bytes(
        jsonl_line({"text": c.next_good()})
        + jsonl_line({"text": "A NUL escape \u0000 here. " + c.next_good()})
        + b'{"text": "a raw NUL \x00 byte is not JSON"}\n'
        + b'{"text": "A lone surrogate \\ud800 here. '
        + c.next_good().encode()
        + b'"}\n'
        + jsonl_line({"text": c.next_good(), "title": "Title with \udcff inside"})
    )
    c.kept += [f"{records}:{n}" for n in (1, 2, 4, 5)]
    c.errors[f"{records}:3"] = "invalid JSON"

    middle = c.path("bad-line-in-the-middle.jsonl")
    lines = [jsonl_line({"text": c.next_good()}) for _ in range(3)]
    lines.append(b'{"text": "this line was cut off\n')
    lines += [jsonl_line({"text": c.next_good()}) for _ in range(3)]
    middle.write_bytes(b"".join(lines))
    c.kept += [f"{middle}:{n}" for n in (1, 2, 3, 5, 6, 7)]
    c.errors[f"{middle}:4"] = "invalid JSON"

    limits = c.path("past-python-limits.jsonl")
    limits.write_bytes(
        jsonl_line({"text": c.next_good()})
        + b"[" * 100_000
        + b"\n"
        + jsonl_line({"text": c.next_good()})
        + b'{"text": "a number too long for int()", "n": '
        + b"7" * 5000
        + b"}\n"
        + jsonl_line({"text": c.next_good()})
    )
    c.kept += [f"{limits}:{n}" for n in (1, 3, 5)]
    c.errors[f"{limits}:2"] = "invalid JSON: nested too deeply"
    c.errors[f"{limits}:4"] = "invalid JSON: Exceeds the limit"

    mixed = c.path("mixed-encodings.txt")
    mixed.write_bytes(
        ("Café owners in Málaga said “yes” today. " + c.next_good()).encode()
        + b"\n\n"
        + "Der Bürgermeister sagte am Montag, die Straße bleibe gesperrt.".encode("cp1252")
    )
    c.kept.append(str(mixed))

    lines_in_encodings = c.path("line-encodings.jsonl")
    lines_in_encodings.write_bytes(
        json.dumps({"text": "Zoë in Málaga. " + c.next_good()}, ensure_ascii=False).encode()
        + b"\n"
        + json.dumps({"text": "Straße. " + c.next_good()}, ensure_ascii=False).encode("cp1252")
        + b"\n"
        + json.dumps({"text": "公司今天宣布。" + c.next_good()}, ensure_ascii=False).encode(
            "gb18030"
        )
        + b"\n"
    )
    c.kept += [f"{lines_in_encodings}:{n}" for n in (1, 2, 3)]

    csv_with_nul = c.path("nul-after-the-sample.csv")
    csv_with_nul.write_bytes(
        b"text,notes\n"
        + f'"{c.next_good()}",{"x" * 70_000}\n'.encode()
        + b'"A raw NUL \x00 in a cell. '
        + c.next_good().encode()
        + b'",n\n'
        + f'"{c.next_good()}",n\n'.encode()
    )
    c.kept += [f"{csv_with_nul}:{n}" for n in (2, 3, 4)]

    big_cell = c.path("ten-megabyte-cell.csv")
    with big_cell.open("w", encoding="utf-8", newline="") as out:
        out.write("title,text,notes\n")
        out.write(f'First,"{c.next_good()}",short\n')
        out.write(f'Second,"{c.next_good()}","{"lorem ipsum " * (10 * MB // 12)}"\n')
        out.write(f'Third,"{c.next_good()}",short\n')
    c.kept += [f"{big_cell}:{n}" for n in (2, 3, 4)]

    undecodable = c.path(b"name-not-utf8-\xff.txt")
    undecodable.write_text(c.next_good(), encoding="utf-8")
    c.kept.append(str(c.folder / "name-not-utf8-\\xff.txt"))

    deep = c.path("deep.html")
    deep.write_text(
        f"<html><body><p>{c.next_good()}</p>"
        + "<div>" * 100_000
        + "<p>Nested too deep for any parser.</p>"
        + "</div>" * 100_000
        + "</body></html>",
        encoding="utf-8",
    )
    c.kept.append(str(deep))

    deep_unclosed = c.path("deep-unclosed.html")
    deep_unclosed.write_text(
        "<html><body>" + "<div><span>" * 150 + f"<p>{c.next_good()}</p>", encoding="utf-8"
    )
    c.kept.append(str(deep_unclosed))

    bottomless = c.path("bottomless.html")
    bottomless.write_text("<html><body>" + "<div><span>" * 100_000 + "<p>Lost.</p>")
    c.errors[str(bottomless)] = "no text in the HTML page"
    return corpus


def add_huge_lines(corpus: Corpus) -> None:
    """50 MB single lines: a JSON line cut off, and a text file of one NUL-laden line."""
    c = corpus
    huge = c.path("fifty-megabyte-line.jsonl")
    with huge.open("wb") as out:
        out.write(jsonl_line({"text": c.next_good()}))
        out.write(b'{"text": "' + b"A" * (50 * MB) + b"\n")
        out.write(jsonl_line({"text": c.next_good()}))
    c.kept += [f"{huge}:1", f"{huge}:3"]
    c.errors[f"{huge}:2"] = "invalid JSON"

    one_line = c.path("fifty-megabyte-line.txt")
    with one_line.open("wb") as out:
        out.write(b"\x00" + b"word " * (10 * MB))
    c.errors[str(one_line)] = "binary file"


def read_all(folder: Path) -> tuple[list[RawDocument], list[InputError]]:
    items = list(iter_documents([str(folder)]))
    return (
        [i for i in items if isinstance(i, RawDocument)],
        [i for i in items if isinstance(i, InputError)],
    )


def assert_read_as_expected(corpus: Corpus) -> list[RawDocument]:
    documents, errors = read_all(corpus.folder)
    assert sorted(d.origin for d in documents) == sorted(corpus.kept)
    found = {e.origin: e.reason for e in errors}
    assert set(found) == set(corpus.errors), found
    for origin, reason in corpus.errors.items():
        assert found[origin].startswith(reason), (origin, found[origin])
    for document in documents:
        for value in (document.text, document.title, document.origin, document.path):
            assert value is None or value.encode("utf-8")  # storable: no lone surrogates
            assert value is None or "\x00" not in value
    return documents


def test_every_good_record_of_the_hostile_corpus_is_read(tmp_path: Path) -> None:
    documents = assert_read_as_expected(build_corpus(tmp_path / "corpus"))
    texts = {d.origin: d.text for d in documents}
    deep = next(t for o, t in texts.items() if o.endswith("deep-unclosed.html"))
    assert "Helio Labs" in deep
    mixed = next(t for o, t in texts.items() if o.endswith("mixed-encodings.txt"))
    assert "Café owners in Málaga said “yes”" in mixed
    assert "Stra" in mixed
    assert "gesperrt" in mixed


@pytest.mark.slow
def test_fifty_megabyte_single_lines_are_read_or_reported(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "corpus")
    add_huge_lines(corpus)
    assert_read_as_expected(corpus)


def ingest_and_check(corpus: Corpus, url: str) -> None:
    result = kb("ingest", str(corpus.folder), "--db", url, "--quiet")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    reported = result.stderr.strip().splitlines()
    assert len(reported) == len(corpus.errors), reported
    for origin, reason in corpus.errors.items():
        assert any(line.startswith(f"kb: {origin}: {reason}") for line in reported), origin
    kept = len(corpus.kept)
    assert f"{kept} new, 0 unchanged, 0 updated, {len(corpus.errors)} failed" in result.stdout
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM articles")).scalar_one() == kept
            paths = {row[0] for row in conn.execute(text("SELECT path FROM articles"))}
            assert str(corpus.folder / "name-not-utf8-\\xff.txt") in paths
            nul_text = conn.execute(
                text("SELECT text FROM articles WHERE text LIKE :t"), {"t": "A NUL escape%"}
            ).scalar_one()
            assert "\ufffd" in nul_text
    finally:
        engine.dispose()


def test_the_hostile_corpus_is_ingested_with_every_good_record(
    tmp_path: Path, empty_url: str
) -> None:
    ingest_and_check(build_corpus(tmp_path / "corpus"), empty_url)


@pytest.mark.slow
def test_the_hostile_corpus_with_fifty_megabyte_lines_is_ingested(
    tmp_path: Path, empty_url: str
) -> None:
    corpus = build_corpus(tmp_path / "corpus")
    add_huge_lines(corpus)
    ingest_and_check(corpus, empty_url)


def test_a_record_the_store_refuses_is_reported_and_the_run_goes_on(
    tmp_path: Path, empty_url: str
) -> None:
    """A value too long for a PostgreSQL column (an extractor's unit word of 90 letters)
    costs that article only, reported with its origin; SQLite takes it."""
    feed = tmp_path / "feed.jsonl"
    unit = "widget" * 15
    feed.write_bytes(
        jsonl_line({"text": good(1)})
        + jsonl_line({"text": f"Vela Corp. said it shipped 5 million {unit} in 2024, up 12%."})
        + jsonl_line({"text": good(2)})
    )
    result = kb("ingest", str(feed), "--db", empty_url, "--quiet")
    assert "Traceback" not in result.output
    engine = make_engine(empty_url)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
    engine.dispose()
    if result.exit_code == 0:
        assert stored == 3
    else:
        assert result.exit_code == 1
        reported = result.stderr.strip().splitlines()
        assert len(reported) == 1
        assert reported[0].startswith(f"kb: {feed}:2: not stored: ")
        assert stored == 2


def test_hostile_lines_on_stdin_cost_only_themselves(tmp_path: Path) -> None:
    feed = (
        jsonl_line({"text": good(1)})
        + b"[" * 100_000
        + b"\n"
        + b'{"text": "raw NUL \x00 byte"}\n'
        + jsonl_line({"text": "A NUL escape \u0000 and a lone \ud800. " + good(2)})
        + b"\xff\xfe not json\n"
        + jsonl_line({"text": good(3)})
    )
    db = str(tmp_path / "kb.db")
    result = kb("ingest", "-", "--db", db, "--quiet", input=feed)
    assert result.exit_code == 1, result.output
    reported = [line.split(": ")[1] for line in result.stderr.strip().splitlines()]
    assert reported == ["-:2", "-:3", "-:5"]
    assert "3 new, 0 unchanged, 0 updated, 3 failed" in result.stdout
