"""Acceptance on the real documents the project started from (skipped if absent).

Expected titles are read from the seed files themselves, so no seed text is
copied here; only dates, counts and generic chrome phrases are spelled out.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.clean import clean_document, strip_boilerplate
from kb.read import iter_documents
from kb.records import Article, RawDocument

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not present")


def _seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def _lines(prefix: str) -> list[str]:
    return [
        line.strip()
        for line in _seed(prefix).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _articles(reference: dt.date | None = None) -> dict[str, list[Article]]:
    by_seed: dict[str, list[Article]] = {}
    for doc in iter_documents([str(SEEDS)]):
        assert isinstance(doc, RawDocument), doc
        by_seed[Path(doc.path).name[:3]] = clean_document(doc, reference=reference)
    return by_seed


def test_seeds_give_fourteen_articles_with_titles_and_dates() -> None:
    articles = _articles()
    assert sum(len(found) for found in articles.values()) == 14

    digest = articles["000"]
    assert [a.item for a in digest] == list(range(10))
    assert [a.title for a in digest] == [
        line.lstrip("• ") for line in _lines("000") if line.startswith("•")
    ]
    assert [a.published_on for a in digest] == [
        dt.date(2025, 7, day) for day in (29, 28, 25, 25, 23, 20, 19, 18, 17, 14)
    ]
    assert all("年" not in a.text and "•" not in a.text for a in digest)

    singles = {seed: found[0] for seed, found in articles.items() if seed != "000"}
    assert all(len(articles[seed]) == 1 for seed in singles)
    assert singles["001"].title == _lines("001")[1]  # the first line is a section label
    assert singles["002"].title == _lines("002")[0]
    assert singles["003"].title == _lines("003")[0]
    assert singles["004"].title == _lines("004")[0]
    assert {seed: a.published_on for seed, a in singles.items()} == {
        "001": None,  # "(Jan. 2)" has no year and nothing gives one
        "002": None,
        "003": dt.date(2022, 12, 14),
        "004": None,
    }


def test_a_reference_date_gives_the_year_of_a_yearless_date() -> None:
    (article,) = _articles(reference=dt.date(2020, 1, 3))["001"]
    assert article.published_on == dt.date(2020, 1, 2)


@pytest.mark.parametrize("prefix", ["001", "004"])
def test_seed_chrome_is_gone_and_paragraphs_stay(prefix: str) -> None:
    raw = _seed(prefix).read_text(encoding="utf-8")
    cleaned = strip_boilerplate(raw)
    chrome = ("Related Posts", "recent posts", "Subscribe to Updates", "Advertisement", "Get the")
    for phrase in chrome:
        assert phrase not in cleaned
    paragraphs = [
        line for line in _lines(prefix) if len(line.split()) >= 12 and not line.startswith(chrome)
    ]
    assert paragraphs
    for paragraph in paragraphs:
        assert paragraph.removeprefix("Advertisement ") in cleaned


def test_seed_footer_and_counters_are_gone() -> None:
    (article,) = _articles()["003"]
    assert "\t" not in article.text
    assert "Views" not in article.text
    assert "detailProducts" not in article.text
    assert "<div>" not in article.text
