"""Fuzzed input for the readers (random bytes, JSON, CSV and HTML shapes), the date parser,
the digest splitter, cleaning and the figure normalizer: nothing raises but our own
reported errors, and nothing hangs. The hang checks run each function in a forked child
on a pathological input and kill it past a generous time limit, so a regex that
backtracks badly fails the test instead of stalling the suite: 64 KB inputs always,
1 MB inputs in the slow run."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import multiprocessing
import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.clean import clean_document, clean_text, split_for_nlp
from kb.clean.dates import find_dates, parse_date, resolve_relative
from kb.clean.digest import split_digest
from kb.clean.frontmatter import find_byline, find_title, find_top_date
from kb.errors import InputError, KBError
from kb.extract import numbers
from kb.read.csvfiles import read_csv
from kb.read.decode import decode_bytes, storable
from kb.read.html import read_html
from kb.read.jsonfiles import read_json, read_jsonl, read_jsonl_file
from kb.read.stdin import read_stdin
from kb.read.text import read_text
from kb.records import RawDocument

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REFERENCE = dt.date(2024, 5, 17)

# --- readers -----------------------------------------------------------------------------

BYTE_PIECES = st.sampled_from(
    [
        b"{", b"}", b"[", b"]", b'"text"', b'"body"', b'"title"', b'"date"', b":", b",", b'"',
        b"\n", b"\r\n", b"\r", b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xa9", b"\\u0000",
        b"\\ud800", b"\\", b"<p>", b"</p>", b"<div>", b"<script>", b"<!--", b"-->", b"&amp;",
        b"&#0;", b"<meta charset='shift_jis'>", b"text,title\n", b"July 29, 2025",
        codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE, "Café “x”".encode(),
        "公司".encode("gb18030"), b"Anna Berg met Tom Ueda in Oslo. ", b" " * 40,
    ]
)  # fmt: skip
SALTED_BYTES = st.lists(st.one_of(st.binary(max_size=24), BYTE_PIECES), max_size=60).map(b"".join)


def read_as(kind: str, data: bytes) -> list[RawDocument | InputError]:
    path = f"fuzz.{kind}"
    if kind == "jsonl":
        return list(read_jsonl_file(path, io.BytesIO(data)))
    if kind == "csv":
        return list(read_csv(path, io.BytesIO(data)))
    if kind == "stdin":
        return list(read_stdin(io.BytesIO(data)))
    reader = {"txt": read_text, "html": read_html, "json": read_json}[kind]
    return list(reader(path, data))


def assert_documents_or_errors(items: list[RawDocument | InputError]) -> None:
    assert items, "every input gives a document or says why not"
    for item in items:
        assert isinstance(item, RawDocument | InputError), item
        if isinstance(item, RawDocument):
            assert item.text.strip()


@pytest.mark.parametrize("kind", ["txt", "html", "json", "jsonl", "csv", "stdin"])
@FUZZ
@given(data=SALTED_BYTES)
def test_readers_take_any_bytes(kind: str, data: bytes) -> None:
    assert_documents_or_errors(read_as(kind, data))


FIELD_NAMES = st.sampled_from(
    ["text", "Text", "body", "content", "title", "date", "published", "url", "source", "x"]
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["July 29, 2025", "2025-13-45", "yesterday", "Anna Berg met Tom Ueda."]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.one_of(FIELD_NAMES, st.text(max_size=8)), children, max_size=5)
    ),
    max_leaves=15,
)


@FUZZ
@given(value=JSON_VALUES)
def test_json_readers_take_any_json_shape(value: object) -> None:
    data = json.dumps(value).encode()
    whole = list(read_json("feed.json", data))
    assert_documents_or_errors(whole)
    if isinstance(value, dict):
        assert len(whole) == 1
    elif isinstance(value, list) and value:
        assert len(whole) == len(value)
    items = value if isinstance(value, list) else [value]
    lines = [json.dumps(item).encode() + b"\n" for item in items]
    by_line = list(read_jsonl("feed.jsonl", lines))
    assert_documents_or_errors(by_line)
    if items:
        assert len(by_line) == len(items)
        for number, item in enumerate(by_line, 1):
            assert item.origin == f"feed.jsonl:{number}"


CELLS = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ['"', '""', ",", "\n", "\r\n", "=cmd()", "July 29, 2025", "Anna Berg met Tom Ueda."]
    ),
)


@FUZZ
@given(
    header=st.lists(st.one_of(FIELD_NAMES, st.text(max_size=8)), min_size=1, max_size=4),
    rows=st.lists(st.lists(CELLS, max_size=5), max_size=8),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
)
def test_the_csv_reader_takes_any_table(
    header: list[str], rows: list[list[str]], quoting: int
) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=quoting).writerows([header, *rows])
    items = list(read_csv("table.csv", io.BytesIO(buffer.getvalue().encode())))
    assert_documents_or_errors(items)
    for item in items:
        if isinstance(item, RawDocument):
            line = int(item.origin.rsplit(":", 1)[1])
            assert line >= 2


TAGS = ["p", "div", "span", "a", "h1", "li", "ul", "table", "tr", "td", "script", "style",
        "article", "nav", "footer", "br", "meta", "title", "b", "noscript"]  # fmt: skip
HTML_PIECES = st.one_of(
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"<{t} class=\"x\" id='y' data-z=w>"),
    st.sampled_from(
        [
            "<!-- c -->",
            "<!--",
            "<![CDATA[x]]>",
            "&amp;",
            "&#0;",
            "&#xD800;",
            "&nbsp;",
            "<",
            ">",
            "<!DOCTYPE html>",
            "<?xml version='1.0'?>",
            "Anna Berg met Tom Ueda in Oslo. ",
            "Subscribe",
            "Related Posts",
            "\n",
        ]
    ),
    st.text(max_size=20),
)
TAG_SOUP = st.lists(HTML_PIECES, max_size=80).map("".join)


@FUZZ
@given(page=TAG_SOUP)
def test_the_html_reader_takes_any_tag_soup(page: str) -> None:
    items = read_as("html", page.encode("utf-8", "surrogatepass"))
    assert_documents_or_errors(items)
    assert len(items) == 1


@FUZZ
@given(value=st.text())
def test_storable_text_encodes_and_holds_no_nul(value: str) -> None:
    fixed = storable(value)
    fixed.encode("utf-8")
    assert "\x00" not in fixed
    assert storable(fixed) == fixed
    if not any(c == "\x00" or "\ud800" <= c <= "\udfff" for c in value):
        assert fixed == value


# --- cleaning, dates, digests --------------------------------------------------------------

TEXT_PIECES = st.sampled_from(
    [
        "\n", "\n\n", "\t", " ", "•", "- ", "1. ", "# ", "年", "月", "日", "7", "12", "2025",
        "July", "Jul.", "29th", "/", "-", ".", ",", "Advertisement ", "Subscribe", " Views",
        "Home > ", "<div>", "By ", "Source: ", "\r\n", "\u00a0", "\u2028", "\x00", "yesterday",
        "last Friday", "three days ago", "on Monday", "Posted on Tue, 29 Jul 2025",
        "Anna Berg met Tom Ueda in Oslo.", "The ferry left at dawn and reached the island.",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(max_size=20), TEXT_PIECES), max_size=60).map("".join)
DATES = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1)))


@FUZZ
@given(text=TEXT, reference=st.dates(min_value=dt.date(1900, 1, 8)))
def test_relative_dates_and_front_matter_never_raise(text: str, reference: dt.date) -> None:
    resolve_relative(text, reference)
    find_title(text)
    find_top_date(text, reference)
    find_byline(text)


@FUZZ
@given(text=TEXT, title=st.one_of(st.none(), TEXT), published=DATES)
def test_cleaning_a_document_gives_articles_or_our_error(
    text: str, title: str | None, published: dt.date | None
) -> None:
    if not text.strip():
        return
    doc = RawDocument(
        text=text, origin="fuzz.txt", path="fuzz.txt", title=title, published_on=published
    )
    try:
        articles = clean_document(doc)
    except KBError:
        return
    assert articles
    for article in articles:
        assert article.text.strip()


@FUZZ
@given(text=TEXT, reference=DATES)
def test_digest_items_are_headed_by_lines_of_the_text(text: str, reference: dt.date | None) -> None:
    items = split_digest(text, reference)
    if items is None:
        return
    assert len(items) >= 3
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    for item in items:
        assert item.title.strip()
        assert item.title in lines
        assert item.title in item.text


# --- the figure normalizer ----------------------------------------------------------------

NUMBER_PIECES = st.sampled_from(
    [
        "$", "US$", "HK$", "RMB", "RMB ", "¥", "€", "£", "1", "12", "3.5", "1,000", "42.2",
        "0", "007", " million", " billion", "bn", "m", "k", "万", "亿", "%", " per cent",
        " percentage points", " units", " yuan", " dollars", " pounds", " per share", "up ",
        "rose ", "fell ", "down ", "increased by ", "year-on-year", " YoY", " from a year earlier",
        "Q2", "Q4 2024", "H1", "FY2025", "2024", "first quarter", " of ", " to ", "-", "–",
        "between ", " and ", "more than ", "nearly ", "about ", "over ", "twenty", "one",
        "hundred", "half a", "dozen", "doubled", "3-fold", " ", "\n", "(", ")", "/", ":",
        "as of June 30, 2024", "the quarter ended March 31, 2025", "last year", "this quarter",
    ]
)  # fmt: skip
NUMBER_TEXT = st.lists(st.one_of(st.text(max_size=8), NUMBER_PIECES), max_size=40).map("".join)


def assert_spans(text: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert start >= previous_end
        previous_end = end


@settings(max_examples=300, deadline=None)
@given(text=NUMBER_TEXT, reference=DATES)
def test_the_figure_normalizer_never_raises(text: str, reference: dt.date | None) -> None:
    amounts = numbers.find_amounts(text)
    assert_spans(text, [(m.start, m.end) for m in amounts])
    for match in amounts:
        assert not math.isnan(match.amount.value)
        assert match.amount.value_high is None or match.amount.value_high > match.amount.value
    amount = numbers.parse_amount(text)
    assert (amount is None) == (not amounts)
    periods = numbers.find_periods(text, reference)
    assert_spans(text, [(p.start, p.end) for p in periods])
    numbers.parse_period(text, reference)
    changes = numbers.find_changes(text)
    assert_spans(text, [(c.start, c.end) for c in changes])
    numbers.parse_change(text)
    numbers.parse_number_words(text)
    numbers.parse_qualifier(text, text)
    for position in range(0, len(text) + 1, 7):
        numbers.counted_noun(text, position)


# --- hang checks -------------------------------------------------------------------------


def finishes_in_time(function: Callable[[], object], seconds: float) -> float:
    """Run `function` in a forked child and return how long it took; fail the test if it
    raises or is still running after `seconds` (the child is then killed)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:
        started = time.perf_counter()
        try:
            function()
        except BaseException as error:
            send.send(("raised", f"{type(error).__name__}: {error}"[:300]))
        else:
            send.send(("finished", time.perf_counter() - started))

    process = context.Process(target=child, daemon=True)
    process.start()
    process.join(seconds)
    if process.is_alive():
        process.kill()
        process.join()
        pytest.fail(f"still running after {seconds} s")
    if not receive.poll(1):
        pytest.fail(f"the child died without an answer (exit code {process.exitcode})")
    outcome, detail = receive.recv()
    assert outcome == "finished", detail
    return float(detail)


def repeat(piece: str, size: int, tail: str = "") -> str:
    return (piece * (size // len(piece) + 1))[:size] + tail


def as_bytes(
    function: Callable[[bytes], object], encoding: str = "utf-8"
) -> Callable[[str], object]:
    return lambda text: function(text.encode(encoding))


def read_all_csv(data: bytes) -> list:
    return list(read_csv("big.csv", io.BytesIO(data)))


def read_all_jsonl(data: bytes) -> list:
    return list(read_jsonl_file("big.jsonl", io.BytesIO(data)))


def read_all_html(data: bytes) -> list:
    return list(read_html("big.html", data))


# (label, function of one text, piece repeated to the size, tail)
HANG_CASES: list[tuple[str, Callable[[str], object], str, str]] = [
    ("parse_date digits", parse_date, "1", ""),
    ("parse_date month names", parse_date, "July ", ""),
    ("parse_date slashes", parse_date, "12/", ""),
    ("find_dates cjk", find_dates, "年月", ""),
    ("find_dates no-break spaces", find_dates, "3\u00a0\u00a0\u00a0", ""),
    ("resolve_relative", lambda t: resolve_relative(t, REFERENCE), "last three ", ""),
    ("front matter", lambda t: (find_title(t), find_top_date(t), find_byline(t)), "By ", ""),
    ("split_digest blank lines", lambda t: split_digest(t, REFERENCE), "\n", ""),
    (
        "split_digest date lines",
        lambda t: split_digest(t, REFERENCE),
        "July 29, 2025\nA headline of a few words here\n",
        "",
    ),
    ("split_digest bullets", lambda t: split_digest(t, REFERENCE), "• Jul. 2\n- 1. ", ""),
    ("clean_text tag-like line", clean_text, "<a " + "x" * 290, ""),
    ("clean_text breadcrumbs", clean_text, "a > b > ", ""),
    ("clean_text tag list", clean_text, "a, ", ""),
    ("clean_text view counters", clean_text, "12 views ", "views"),
    ("clean_text one long line", clean_text, "Advertisement Home ", ""),
    ("split_for_nlp spaces", lambda t: split_for_nlp(t, 100_000), " ", ""),
    ("split_for_nlp stops", lambda t: split_for_nlp(t, 100_000), ".", ""),
    ("find_amounts currency", numbers.find_amounts, "$1", ""),
    ("find_amounts ranges", numbers.find_amounts, "1 to ", ""),
    ("find_amounts between", numbers.find_amounts, "between 1 and ", ""),
    ("find_amounts bullets", numbers.find_amounts, "- 1. ", ""),
    ("find_amounts words", numbers.find_amounts, "one-", "x"),
    ("find_amounts words and", numbers.find_amounts, "one and ", ""),
    ("find_amounts per", numbers.find_amounts, "$1 per ", ""),
    ("find_amounts digits", numbers.find_amounts, "1", ""),
    ("parse_amount scales", numbers.parse_amount, "1 million ", ""),
    ("find_periods quarters", lambda t: numbers.find_periods(t, REFERENCE), "Q1 ", ""),
    (
        "find_periods words",
        lambda t: numbers.find_periods(t, REFERENCE),
        "the first quarter of ",
        "",
    ),
    ("find_periods as of", lambda t: numbers.find_periods(t, REFERENCE), "as of ", ""),
    ("find_periods ended", lambda t: numbers.find_periods(t, REFERENCE), "quarter ended ", ""),
    ("find_changes decimals", numbers.find_changes, "1.", "%"),
    ("find_changes adverbs", numbers.find_changes, " by", "%"),
    ("find_changes basis", numbers.find_changes, "year-on-year ", "%"),
    ("find_changes folds", numbers.find_changes, "1-fold ", ""),
    ("find_changes qualifiers", numbers.find_changes, "more than ", "%"),
    ("find_changes comma groups", numbers.find_changes, ",111", " increase 5%"),
    ("parse_number_words", numbers.parse_number_words, "twenty ", ""),
    ("read_csv open quote", as_bytes(read_all_csv), '"a', ""),
    ("read_csv commas", as_bytes(read_all_csv), ",", ""),
    ("read_jsonl braces", as_bytes(read_all_jsonl), "{", ""),
    ("read_html nesting", as_bytes(read_all_html), "<div>", ""),
    ("read_html attributes", as_bytes(read_all_html), "<a b='", ""),
    ("read_html unclosed", as_bytes(read_all_html), "<div><span>", "<p>Words.</p>"),
    ("decode_bytes legacy", as_bytes(decode_bytes, "latin-1"), "Straße für Café ", ""),
    (
        "read_text legacy",
        as_bytes(lambda data: list(read_text("a.txt", data)), "cp1252"),
        "“é” ",
        "",
    ),
]


def run_hang_case(
    function: Callable[[str], object], piece: str, tail: str, size: int, seconds: float
) -> None:
    text = repeat(piece, size, tail)
    finishes_in_time(lambda: function(text), seconds)


@pytest.mark.parametrize(("label", "function", "piece", "tail"), HANG_CASES)
def test_64_kb_of_a_pathological_input_finishes(
    label: str, function: Callable[[str], object], piece: str, tail: str
) -> None:
    run_hang_case(function, piece, tail, 64 * 1024, seconds=5)


@pytest.mark.slow
@pytest.mark.parametrize(("label", "function", "piece", "tail"), HANG_CASES)
def test_a_megabyte_of_a_pathological_input_finishes(
    label: str, function: Callable[[str], object], piece: str, tail: str
) -> None:
    run_hang_case(function, piece, tail, 1024 * 1024, seconds=60)
