"""The one output writer: CSV safe for spreadsheets and exact on round trip, JSON with
real types, and tables aligned by display width on and off a terminal."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb import report
from kb.errors import UsageError
from kb.report import safe_cell, safe_csv_rows, truncation_note, write_batches, write_rows


class IntFlag(enum.IntEnum):
    OFF = 0
    ON = 1

    def __str__(self) -> str:  # what the csv module writes: "ON", not int's "1"
        return self.name


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tstarts with a tab", "'\tstarts with a tab"),
        ("\rstarts with a CR", "'\rstarts with a CR"),
        ("a = b + c", "a = b + c"),
        ("", ""),
        ("小米", "小米"),
        (-2, -2),
        (1.5, 1.5),
        (Decimal("-3.25"), Decimal("-3.25")),
        (True, True),
        (None, ""),
        (dt.date(2025, 7, 29), "2025-07-29"),
        (dt.datetime(2025, 7, 29, 8, 30), "2025-07-29T08:30:00"),
        (b"\x01\xff", "01ff"),
    ],
)
def test_safe_cell(value: Any, expected: Any) -> None:
    assert safe_cell(value) == expected


ROUND_TRIP_ROWS = [
    (1, 'Comma, "quotes" and more', -2, 1.5),
    (2, "two\nlines\r\nand CR", 0, None),
    (3, "Ünïcödé 小米 ☃", 42200000, 28.1),
    (4, "=1+1", 7, Decimal("46500000000")),
    (5, "-2", -2, -0.5),
]


def test_csv_round_trips_through_the_csv_module() -> None:
    out = io.StringIO(newline="")
    count = write_rows(["id", "title", "words", "value"], ROUND_TRIP_ROWS, "csv", out)
    assert count == len(ROUND_TRIP_ROWS)
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == ["id", "title", "words", "value"]
    assert rows[1] == ["1", 'Comma, "quotes" and more', "-2", "1.5"]
    assert rows[2] == ["2", "two\nlines\r\nand CR", "0", ""]
    assert rows[3] == ["3", "Ünïcödé 小米 ☃", "42200000", "28.1"]
    assert rows[4] == ["4", "'=1+1", "7", "46500000000"]
    assert rows[5] == ["5", "'-2", "-2", "-0.5"]


def csv_text(rows: list[Any]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue()


def cell_by_cell(rows: list[Any]) -> str:
    return csv_text([[safe_cell(value) for value in row] for row in rows])


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([(1, "a", None), (2, "b", 1.5)], id="nothing to change"),
        pytest.param([("a",)] * 1500 + [("=1+1",)], id="formula deep in a text column"),
        pytest.param([(None,), ("",), ("@x",)], id="formula after None and empty text"),
        pytest.param([(-2,), ("-2",), (3.5,)], id="text and numbers in one column"),
        pytest.param([("a\0=b",), ("ok",)], id="a separator inside a value"),
        pytest.param([("\tx", 1), ("\ry", 2)], id="tab and CR"),
        pytest.param([(True, b"\x01", dt.date(2025, 7, 29))], id="values csv writes otherwise"),
        pytest.param([(dt.datetime(2025, 7, 29, 8, 30), "=x")], id="datetime beside a formula"),
        pytest.param([(1, "=a"), (2,)], id="rows of different lengths"),
        pytest.param([], id="no rows"),
        pytest.param([()], id="no columns"),
    ],
)
def test_safe_csv_rows_writes_what_safe_cell_writes(rows: list[Any]) -> None:
    assert csv_text(list(safe_csv_rows(rows))) == cell_by_cell(rows)


def test_safe_csv_rows_hands_back_clean_rows_untouched() -> None:
    rows = [(1, "Jane Doe", None, 0.5), (-2, "met in Oslo", "x", None)]
    assert safe_csv_rows(rows) is rows


CELLS = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["=1", "+1", "-1", "@a", "\tb", "\rc", "", "a\0=b"]),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.booleans(),
    st.binary(max_size=3),
    st.dates(),
)


@given(st.integers(1, 4).flatmap(lambda n: st.lists(st.tuples(*[CELLS] * n), max_size=12)))
def test_safe_csv_rows_agrees_with_safe_cell_on_any_rows(rows: list[tuple[Any, ...]]) -> None:
    assert csv_text(list(safe_csv_rows(rows))) == cell_by_cell(rows)


QUOTING_CELLS = st.one_of(
    CELLS,
    st.text(alphabet=' ,"\r\n\0\tab=-', max_size=5),
    st.sampled_from([" lead", "trail ", 'a "quote"', "a,b", "two\nlines", "cr\r", "\0"]),
)


@given(st.integers(1, 5).flatmap(lambda n: st.lists(st.tuples(*[QUOTING_CELLS] * n), max_size=12)))
def test_csv_text_is_what_the_csv_module_writes_cell_by_cell(rows: list[tuple[Any, ...]]) -> None:
    assert report.csv_text(rows) == cell_by_cell(rows)


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([(1, "Comma, here", None, 0.5), (2, "plain", "x", None)], id="quoted text"),
        pytest.param([(None, None), (None, None)], id="only None"),
        pytest.param([(-2, "-2"), (3, "=1")], id="numbers stay, formulas are guarded"),
        pytest.param([(None, 1.5), (2, None)], id="numbers and None"),
        pytest.param([("",), ("a",)], id="one column"),
        pytest.param([(1, "=a"), (2,)], id="rows of different lengths"),
        pytest.param([(dt.date(2025, 7, 29), "a")], id="a date"),
        pytest.param([], id="no rows"),
        pytest.param([()], id="no columns"),
        pytest.param([(1, 2, 3), (4, 5), (6, 7, 8, 9)], id="ragged rows, as many cells as even"),
        pytest.param([(1, "a"), ("b", 2, 3), (4,)], id="ragged rows, first row as wide"),
        pytest.param([(1, 0.1 + 0.2, -7), (2**70, -1e300, 0)], id="int and float columns"),
        pytest.param([(1, True), (2, False)], id="bools stay True and False"),
        pytest.param([(1, IntFlag.ON), (2, IntFlag.OFF)], id="an int subclass"),
        pytest.param([(1.5, 1), (2, None)], id="int and float in one column"),
        pytest.param([(1, "=x", None), (2, "y", "+z")] * 1200, id="many rows, formulas"),
    ],
)
def test_csv_text_cases(rows: list[Any]) -> None:
    assert report.csv_text(rows) == cell_by_cell(rows)


@pytest.mark.parametrize("prefix", report.FORMULA_PREFIXES)
@pytest.mark.parametrize(
    "others",
    [
        pytest.param(["Ada Byron", "PERSON", ""], id="no formula character elsewhere"),
        pytest.param(["a-b", "x=y", "c@d", "e+f"], id="formula characters inside cells"),
        pytest.param([None, "two\nlines", "a, b"], id="gaps and quoted cells"),
    ],
)
def test_csv_text_guards_a_formula_deep_in_any_text_column(prefix: str, others: list[Any]) -> None:
    rows = [(i, value, "ok") for i, value in enumerate(others * 700)]
    rows.insert(1234, (1234, prefix + "SUM(A1:A9)", "ok"))
    text = report.csv_text(rows)
    assert text == cell_by_cell(rows)
    assert ("'" + prefix + "SUM(A1:A9)") in text


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_batches_write_what_rows_write(fmt: str) -> None:
    by_rows, by_batches = io.StringIO(newline=""), io.StringIO(newline="")
    columns = ["id", "title", "words", "value"]
    assert write_rows(columns, ROUND_TRIP_ROWS, fmt, by_rows) == len(ROUND_TRIP_ROWS)  # type: ignore[arg-type]
    batches = [ROUND_TRIP_ROWS[:2], ROUND_TRIP_ROWS[2:]]
    assert write_batches(columns, batches, fmt, by_batches) == len(ROUND_TRIP_ROWS)  # type: ignore[arg-type]
    assert by_batches.getvalue() == by_rows.getvalue()


def test_csv_header_is_neutralized_too() -> None:
    out = io.StringIO()
    write_rows(["=HYPERLINK()"], [], "csv", out)
    assert out.getvalue() == "'=HYPERLINK()\r\n"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_bom_comes_first_only_when_asked(fmt: str) -> None:
    with_bom, without = io.StringIO(), io.StringIO()
    write_rows(["a"], [(1,)], fmt, with_bom, bom=True)  # type: ignore[arg-type]
    write_rows(["a"], [(1,)], fmt, without)  # type: ignore[arg-type]
    assert with_bom.getvalue() == "\ufeff" + without.getvalue()


def test_jsonl_has_real_types() -> None:
    out = io.StringIO()
    rows = [
        (dt.date(2025, 7, 29), Decimal("46500000000"), Decimal("28.10"), float("nan"), "x"),
        (None, 3, -2.5, True, '小米 "q"\n'),
    ]
    write_rows(["day", "value", "pct", "odd", "text"], rows, "jsonl", out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {
        "day": "2025-07-29",
        "value": 46500000000,
        "pct": 28.1,
        "odd": None,
        "text": "x",
    }
    assert second == {"day": None, "value": 3, "pct": -2.5, "odd": True, "text": '小米 "q"\n'}
    assert "小米" in out.getvalue()  # UTF-8, not \\u escapes


def test_json_is_one_valid_array() -> None:
    out = io.StringIO()
    assert write_rows(["a", "b"], [(1, "x"), (2, "y")], "json", out) == 2
    assert json.loads(out.getvalue()) == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    empty = io.StringIO()
    write_rows(["a"], [], "json", empty)
    assert json.loads(empty.getvalue()) == []


def test_repeated_column_names_keep_every_value_in_json() -> None:
    out = io.StringIO()
    write_rows(["a", "a", "a_2"], [(1, 2, 3)], "jsonl", out)
    assert json.loads(out.getvalue()) == {"a": 1, "a_2": 2, "a_2_2": 3}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "json"])
def test_data_formats_stream_row_by_row(fmt: str) -> None:
    """The writer must not pull the whole iterator before writing."""
    out = io.StringIO()
    seen: list[int] = []

    def rows() -> Iterator[tuple[int]]:
        for i in range(3):
            seen.append(len(out.getvalue()))
            yield (i,)

    write_rows(["n"], rows(), fmt, out)  # type: ignore[arg-type]
    assert seen[0] < seen[1] < seen[2]


def test_plain_table_is_aligned_by_display_width() -> None:
    out = io.StringIO()
    rows = [(1, "小米", 42200000.0, None), (100, "Xiaomi\nCorp\x1b[2J", -2.5, "x")]
    count = write_rows(["id", "name", "value", "note"], rows, "table", out, title="Entities")
    assert count == 2
    lines = out.getvalue().splitlines()
    assert lines[0] == "Entities"
    assert lines[1].split() == ["id", "name", "value", "note"]
    # "Xiaomi Corp [2J" is 15 cells wide and 小米 4: 11 cells of padding, 2 between columns.
    assert lines[3] == "  1  小米" + " " * 13 + "42200000"
    assert lines[4] == "100  Xiaomi Corp [2J      -2.5  x"
    assert "\x1b" not in out.getvalue()


def test_plain_table_keeps_widths_past_the_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "TABLE_BUFFER_ROWS", 2)
    out = io.StringIO()
    rows = [(i, "a" * (i % 3)) for i in range(7)]
    assert write_rows(["n", "text"], rows, "table", out) == 7
    assert len(out.getvalue().splitlines()) == 2 + 7


def test_terminal_table_uses_rich_and_shows_markup_as_text() -> None:
    out = FakeTerminal()
    rows = [(1, "[bold]not markup[/bold] :smile:"), (2, "小米")]
    assert write_rows(["id", "name"], rows, "table", out, title="Names") == 2
    text = out.getvalue()
    assert "Names" in text
    assert "[bold]not markup[/bold] :smile:" in text
    assert "小米" in text


def test_empty_table_prints_the_header() -> None:
    out = io.StringIO()
    assert write_rows(["a", "b"], [], "table", out) == 0
    assert out.getvalue().splitlines()[0].split() == ["a", "b"]


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format"):
        write_rows(["a"], [], "xml", io.StringIO())  # type: ignore[arg-type]


def test_truncation_note_is_one_line() -> None:
    note = truncation_note(1000)
    assert "1000" in note
    assert "\n" not in note
