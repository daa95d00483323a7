"""The question commands end to end (CliRunner): who-met, entity, entities, facts, figures,
graph, stats — every option and every error path, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kb import cli_query
from kb.cli import cli
from kb.store.schema import head_revision
from tests.conftest import REPO, STORES, empty_store_url
from tests.test_query import store_corpus


@pytest.fixture(scope="module", params=STORES)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """--db of a store holding the test corpus, made once per module and store kind."""
    with empty_store_url(str(request.param), tmp_path_factory.mktemp("cli")) as url:
        store_corpus(url)
        yield url


def kb(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def ok(*args: str) -> Result:
    result = kb(*args)
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Result) -> list[dict]:
    return json.loads(result.stdout)


def as_jsonl(result: Result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def as_csv(result: Result) -> list[dict]:
    return list(csv.DictReader(io.StringIO(result.stdout)))


# --- who-met -----------------------------------------------------------------------------


def test_who_met_table_when_piped_is_plain_aligned_text(db: str) -> None:
    out = ok("who-met", "Wen Lihua", "--db", db).stdout
    lines = out.splitlines()
    assert lines[0] == "Wen Lihua (PERSON) met"
    assert lines[1].split() == ["met", "met_on", "place", "article_title", "evidence", "confidence"]
    assert "Anna Berg" in lines[3]
    assert "2025-05-10" in lines[3]
    assert "Chen Wei" in lines[4]
    assert "\x1b[" not in out


def test_who_met_json_is_stable(db: str) -> None:
    rows = as_json(ok("who-met", "Wen Lihua", "--db", db, "--format", "json"))
    assert list(rows[0]) == [
        "met", "met_id", "met_on", "place", "article_id", "article_title", "evidence",
        "confidence",
    ]  # fmt: skip
    assert [(r["met"], r["met_on"], r["place"]) for r in rows] == [
        ("Anna Berg", "2025-05-10", "Berlin"),
        ("Chen Wei", "2024-11-18", None),
    ]
    assert rows[0]["evidence"] == "Wen Lihua held talks with Anna Berg in Berlin."
    assert rows[0]["confidence"] == pytest.approx(0.8)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_who_met_jsonl_and_csv(db: str, fmt: str) -> None:
    result = ok("who-met", "Wen Lihua", "--db", db, "--format", fmt)
    rows = as_jsonl(result) if fmt == "jsonl" else as_csv(result)
    assert [r["met"] for r in rows] == ["Anna Berg", "Chen Wei"]
    assert rows[0]["article_title"] == "Nordwind unveils the Aero 3"


@pytest.mark.parametrize("name", ["wen lihua", "WEN LIHUA", "Wen Lihua's", "Lihua Wen", "Wen L"])
def test_who_met_name_any_case_order_or_prefix(db: str, name: str) -> None:
    rows = as_json(ok("who-met", name, "--db", db, "--format", "json"))
    assert [r["met"] for r in rows] == ["Anna Berg", "Chen Wei"]


def test_who_met_prefers_the_person_of_a_shared_name(db: str) -> None:
    rows = as_json(ok("who-met", "Jordan", "--db", db, "--format", "json"))
    assert [r["met"] for r in rows] == ["Zoë Ørsted"]


@pytest.mark.parametrize(
    ("options", "met"),
    [
        (["--since", "2025"], ["Anna Berg"]),
        (["--since", "2025-05-10"], ["Anna Berg"]),
        (["--since", "2025-06"], []),
        (["--until", "2024-11"], ["Chen Wei"]),
        (["--until", "2024"], ["Chen Wei"]),
        (["--since", "2024-11-18", "--until", "2024-11-18"], ["Chen Wei"]),
        (["--min-confidence", "0.7"], ["Anna Berg"]),
        (["--min-confidence", "0"], ["Anna Berg", "Chen Wei"]),
        (["--limit", "1"], ["Anna Berg"]),
    ],
)
def test_who_met_options(db: str, options: list[str], met: list[str]) -> None:
    rows = as_json(ok("who-met", "Wen Lihua", "--db", db, "--format", "json", *options))
    assert [r["met"] for r in rows] == met


def test_who_met_summary_groups_per_person(db: str) -> None:
    rows = as_json(ok("who-met", "Anna Berg", "--summary", "--db", db, "--format", "json"))
    assert list(rows[0]) == ["met", "met_id", "meetings", "first_met", "last_met"]
    assert {(r["met"], r["meetings"], r["first_met"], r["last_met"]) for r in rows} == {
        ("Wen Lihua", 1, "2025-05-10", "2025-05-10"),
        ("Tom Ueda", 1, "2025-03-04", "2025-03-04"),
    }


def test_who_met_summary_table_title(db: str) -> None:
    out = ok("who-met", "Anna Berg", "--summary", "--db", db).stdout
    assert out.splitlines()[0] == "Anna Berg (PERSON) met — per person"


def test_who_met_nobody_says_so(db: str) -> None:
    result = ok("who-met", "Chen Jia", "--db", db)
    assert "no meetings of Chen Jia match" in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--since", "last week"], "is not a date"),
        (["--until", "2024-13"], "is not a date"),
        (["--min-confidence", "1.5"], "1.5"),
        (["--limit", "-1"], "-1"),
        (["--format", "xml"], "xml"),
    ],
)
def test_who_met_bad_options_exit_2(db: str, options: list[str], message: str) -> None:
    result = kb("who-met", "Wen Lihua", "--db", db, *options)
    assert result.exit_code == 2
    assert message in result.stderr


def test_ambiguous_name_lists_candidates_and_exits_1(db: str) -> None:
    result = kb("who-met", "Chen", "--db", db)
    assert result.exit_code == 1
    assert "'Chen' could be 2 entities; say which:" in result.stderr
    assert "Chen Jia (PERSON, 2 mentions)" in result.stderr
    assert "Chen Wei (PERSON, 1 mention)" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_name_suggests_close_names_and_exits_1(db: str) -> None:
    result = kb("who-met", "Wen Lihau", "--db", db)
    assert result.exit_code == 1
    assert "no entity named 'Wen Lihau'; did you mean: Wen Lihua (PERSON, 3 mentions)?" in (
        result.stderr
    )


def test_who_met_on_a_terminal_trims_evidence_and_leaves_out_ids(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_query, "is_terminal", lambda: True)
    monkeypatch.setattr(cli_query, "EVIDENCE_WIDTH", 40)
    out = ok("who-met", "Wen Lihua", "--db", db).stdout
    assert "met_id" not in out
    assert "Wen Lihua held talks with Anna Berg in…" in out
    assert "Wen Lihua sat down with Chen Wei on…" in out


def test_who_met_does_not_import_spacy(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    store_corpus(f"sqlite:///{db}")
    probe = (
        "import sys\n"
        "from kb.cli import main\n"
        "try:\n"
        "    main(['who-met', 'Wen Lihua', '--db', sys.argv[1], '--format', 'json'])\n"
        "except SystemExit as done:\n"
        "    assert done.code in (0, None), done.code\n"
        "print('SPACY' if 'spacy' in sys.modules else 'NO SPACY', file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(db)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    assert json.loads(result.stdout)[0]["met"] == "Anna Berg"
    assert result.stderr.strip().splitlines()[-1] == "NO SPACY"


# --- evidence on a terminal ---------------------------------------------------------------


def test_evidence_excerpt_keeps_a_short_sentence_and_styles_the_names() -> None:
    excerpt = cli_query.evidence_excerpt("Wen Lihua met Anna Berg.", ["Anna Berg", "Wen Lihua"])
    assert excerpt.plain == "Wen Lihua met Anna Berg."
    styled = {excerpt.plain[s.start : s.end] for s in excerpt.spans}
    assert styled == {"Wen Lihua", "Anna Berg"}


def test_evidence_excerpt_cuts_a_long_sentence_around_the_names() -> None:
    sentence = (
        "In a long statement released on Friday after months of quiet preparation, "
        "Wen Lihua met Anna Berg in Berlin, where the two discussed supply contracts, "
        "battery plants and a dozen other things nobody needs on one screen."
    )
    excerpt = cli_query.evidence_excerpt(sentence, ["Wen Lihua", "Anna Berg"], width=60)
    assert excerpt.plain.startswith("…")
    assert excerpt.plain.endswith("…")
    assert "Wen Lihua met Anna Berg" in excerpt.plain
    assert len(excerpt.plain) <= 62
    assert {excerpt.plain[s.start : s.end] for s in excerpt.spans} == {"Wen Lihua", "Anna Berg"}


def test_evidence_excerpt_matches_names_in_any_case_and_on_one_line() -> None:
    excerpt = cli_query.evidence_excerpt("NORDWIND said\nthat Nordwind's chief", ["Nordwind"])
    assert excerpt.plain == "NORDWIND said that Nordwind's chief"
    assert len(excerpt.spans) == 2


# --- entity ------------------------------------------------------------------------------


def test_entity_table_shows_the_sections(db: str) -> None:
    out = ok("entity", "wen lihua", "--db", db).stdout
    assert out.startswith("Wen Lihua (id ")
    for expected in ("PERSON", "Roles", "chief executive", "Meetings", "Anna Berg",
                     "Often named with", "Articles", "Nordwind unveils the Aero 3"):  # fmt: skip
        assert expected in out
    assert "Products" not in out  # empty sections are left out


def test_entity_json_document(db: str) -> None:
    [doc] = as_json(ok("entity", "Nordwind", "--db", db, "--format", "json"))
    assert list(doc) == [
        "entity_id", "name", "type", "aliases", "mention_count", "article_count", "first_seen",
        "last_seen", "roles", "meetings", "products", "figures", "co_mentioned", "articles",
        "totals",
    ]  # fmt: skip
    assert (doc["name"], doc["type"], doc["aliases"]) == ("Nordwind", "ORG", ["Nordwind"])
    assert (doc["mention_count"], doc["article_count"]) == (4, 3)
    assert (doc["first_seen"], doc["last_seen"]) == ("2022-06-01", "2025-05-10")
    assert doc["products"][0]["product"] == "Nordwind Aero 3"
    assert [f["metric"] for f in doc["figures"]] == ["revenue", "shipments"]
    assert doc["roles"][0]["person"] == "Wen Lihua"
    assert doc["totals"]["articles"] == 3


def test_entity_jsonl_is_one_line(db: str) -> None:
    [doc] = as_jsonl(ok("entity", "Nordwind Aero 3", "--db", db, "--format", "jsonl"))
    assert doc["type"] == "PRODUCT"
    assert doc["products"] == [
        {
            "product": "Nordwind Aero 3",
            "product_id": doc["entity_id"],
            "maker": "Nordwind",
            "maker_id": doc["products"][0]["maker_id"],
            "article_count": 1,
            "first_seen": "2025-05-10",
        }
    ]


def test_entity_csv_has_one_row_per_item_with_its_section(db: str) -> None:
    rows = as_csv(ok("entity", "Wen Lihua", "--db", db, "--format", "csv"))
    assert rows[0]["section"] == "entity"
    assert rows[0]["name"] == "Wen Lihua"
    sections = [r["section"] for r in rows]
    assert sections.count("meetings") == 2
    assert "roles" in sections
    assert "articles" in sections
    meeting = next(r for r in rows if r["section"] == "meetings")
    assert meeting["met"] == "Anna Berg"


def test_entity_limit_cuts_every_section(db: str) -> None:
    [doc] = as_json(ok("entity", "Nordwind", "--limit", "1", "--db", db, "--format", "json"))
    assert len(doc["figures"]) == 1
    assert doc["totals"]["figures"] == 2
    assert len(doc["articles"]) == 1


def test_entity_table_says_how_many_more(db: str) -> None:
    out = ok("entity", "Nordwind", "--limit", "1", "--db", db).stdout
    assert "Latest figures (1 of 2)" in out


@pytest.mark.parametrize(("name", "code"), [("Chen", 1), ("Qxzzyv", 1)])
def test_entity_name_errors(db: str, name: str, code: int) -> None:
    result = kb("entity", name, "--db", db)
    assert result.exit_code == code
    assert "Error:" in result.stderr


def test_entity_limit_must_be_positive(db: str) -> None:
    assert kb("entity", "Nordwind", "--limit", "0", "--db", db).exit_code == 2


# --- entities ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "names"),
    [
        (["--limit", "2"], ["Nordwind", "Anna Berg"]),
        (["--type", "person", "--limit", "2"], ["Anna Berg", "Jordan Lee"]),
        (["--sort", "name", "--limit", "3"], ["Anna Berg", "Chen Jia", "Chen Wei"]),
        (["--sort", "recent", "--limit", "2"], ["Anna Berg", "Chen Jia"]),
        (["--type", "PRODUCT"], ["Nordwind Aero 3"]),
    ],
)
def test_entities_options(db: str, options: list[str], names: list[str]) -> None:
    rows = as_json(ok("entities", "--db", db, "--format", "json", *options))
    assert [r["name"] for r in rows] == names
    assert list(rows[0]) == [
        "entity_id", "name", "type", "aliases", "mention_count", "article_count", "first_seen",
        "last_seen",
    ]  # fmt: skip


def test_entities_table_and_csv(db: str) -> None:
    out = ok("entities", "--db", db, "--limit", "3").stdout
    assert out.splitlines()[0].split()[:3] == ["name", "type", "aliases"]
    rows = as_csv(ok("entities", "--db", db, "--format", "csv"))
    assert len(rows) == 11


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--type", "WIDGET"], "no entities of type 'WIDGET'; types in this store:"),
        (["--sort", "size"], "'size' is not one of"),
        (["--limit", "0"], "0"),
    ],
)
def test_entities_errors_exit_2(db: str, options: list[str], message: str) -> None:
    result = kb("entities", "--db", db, *options)
    assert result.exit_code == 2
    assert message in result.stderr


# --- facts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], 7),
        (["--relation", "met"], 4),
        (["--relation", "holds_role", "--subject", "wen lihua"], 1),
        (["--subject", "Wen Lihua"], 3),
        (["--object", "Anna Berg"], 1),
        (["--relation", "met", "--object", "Zoe Ørsted"], 1),
        (["--since", "2025"], 4),
        (["--until", "2023-12-31"], 2),
        (["--min-confidence", "0.85"], 3),
        (["--limit", "2"], 2),
    ],
)
def test_facts_options(db: str, options: list[str], expected: int) -> None:
    rows = as_json(ok("facts", "--db", db, "--format", "json", *options))
    assert len(rows) == expected


def test_facts_rows_carry_the_triple_and_evidence(db: str) -> None:
    rows = as_json(ok("facts", "--relation", "makes", "--db", db, "--format", "json"))
    assert rows == [
        {
            "subject": "Nordwind",
            "subject_type": "ORG",
            "relation": "makes",
            "object": "Nordwind Aero 3",
            "object_type": "PRODUCT",
            "happened_on": "2025-05-10",
            "title": None,
            "status": None,
            "place": None,
            "confidence": 0.85,
            "article_id": rows[0]["article_id"],
            "evidence": "Wen Lihua, chief executive of Nordwind, unveiled the Nordwind Aero 3.",
            "fact_id": rows[0]["fact_id"],
        }
    ]


def test_facts_table(db: str) -> None:
    out = ok("facts", "--relation", "visited", "--db", db).stdout
    assert "Jordan Lee" in out
    assert "visited" in out
    assert "fact_id" not in out


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (["--relation", "mett"], 2, "relations in this store: holds_role, makes, met, visited"),
        (["--subject", "Qxzzyv"], 1, "no entity named 'Qxzzyv'"),
        (["--object", "Chen"], 1, "could be 2 entities"),
        (["--since", "soon"], 2, "is not a date"),
    ],
)
def test_facts_errors(db: str, options: list[str], code: int, message: str) -> None:
    result = kb("facts", "--db", db, *options)
    assert result.exit_code == code
    assert message in result.stderr


# --- figures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "metrics"),
    [
        ([], ["revenue", "shipments"]),
        (["--entity", "nordwind"], ["revenue", "shipments"]),
        (["--entity", "Anna Berg"], []),
        (["--metric", "Revenue"], ["revenue"]),
        (["--period", "2024"], ["revenue"]),
        (["--period", "2021-Q4"], ["shipments"]),
        (["--limit", "1"], ["revenue"]),
    ],
)
def test_figures_options(db: str, options: list[str], metrics: list[str]) -> None:
    rows = as_json(ok("figures", "--db", db, "--format", "json", *options))
    assert [r["metric"] for r in rows] == metrics


def test_figures_rows(db: str) -> None:
    [row] = as_jsonl(ok("figures", "--metric", "revenue", "--db", db, "--format", "jsonl"))
    assert (row["entity"], row["value"], row["currency"], row["period"]) == (
        "Nordwind",
        1.2e9,
        "USD",
        "2024",
    )
    assert row["raw_text"] == "$1.2 billion"
    assert row["as_of"] == "2025-05-10"
    out = ok("figures", "--db", db).stdout
    assert "1200000000" in out


def test_figures_unknown_entity_exits_1(db: str) -> None:
    result = kb("figures", "--entity", "Qxzzyv", "--db", db)
    assert result.exit_code == 1
    assert "no entity named" in result.stderr


# --- stats -------------------------------------------------------------------------------


def test_stats_json(db: str) -> None:
    stats = {r["measure"]: r["value"] for r in as_json(ok("stats", "--db", db, "--format", "json"))}
    assert stats["articles"] == 6
    assert stats["entities.PERSON"] == 7
    assert stats["facts.met"] == 4
    assert (stats["first_date"], stats["last_date"]) == ("2022-06-01", "2025-06-01")
    assert stats["database_bytes"] > 0


def test_stats_table(db: str) -> None:
    out = ok("stats", "--db", db).stdout
    assert re.search(r"^articles\s+6$", out, re.MULTILINE)
    assert re.search(r"^facts\.holds_role\s+1$", out, re.MULTILINE)


# --- graph -------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {t.text for t in root.iter(f"{SVG}text") if t.text}


def test_graph_svg_is_valid_and_has_the_people_and_dates(db: str, tmp_path: Path) -> None:
    out = tmp_path / "anna.svg"
    result = ok("graph", "Anna Berg", "--out", str(out), "--db", db)
    assert "Anna Berg and 2 people, 2 links" in result.stdout
    texts = svg_texts(out.read_text(encoding="utf-8"))
    assert {"Anna Berg", "Wen Lihua", "Tom Ueda", "2025-05-10", "2025-03-04"} <= texts
    assert "Chen Wei" not in texts


def test_graph_depth_2_reaches_further(db: str, tmp_path: Path) -> None:
    out = tmp_path / "anna.svg"
    ok("graph", "Anna Berg", "--depth", "2", "--out", str(out), "--db", db)
    texts = svg_texts(out.read_text(encoding="utf-8"))
    assert {"Chen Wei", "2024-11-18"} <= texts


def test_graph_max_nodes(db: str, tmp_path: Path) -> None:
    out = tmp_path / "anna.svg"
    result = ok("graph", "Anna Berg", "--depth", "2", "--max-nodes", "2", "--out", str(out),
                "--db", db)  # fmt: skip
    assert "2 more left out" in result.stdout
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]) == 2


def test_graph_html_is_self_contained_and_interactive(db: str, tmp_path: Path) -> None:
    out = tmp_path / "wen.html"
    ok("graph", "Lihua Wen", "--depth", "2", "--out", str(out), "--db", db)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert re.search(r"\b(src|href)\s*=", page) is None  # nothing to fetch: opens offline
    assert "<link" not in page
    assert "@import" not in page
    assert "url(" not in page
    assert "addEventListener" in page
    data = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    assert data is not None
    graph = json.loads(data.group(1))
    assert {n["name"] for n in graph["nodes"]} == {"Wen Lihua", "Anna Berg", "Chen Wei",
                                                  "Tom Ueda"}  # fmt: skip
    svg = page[page.index("<svg") : page.index("</svg>") + len("</svg>")]
    assert {"Wen Lihua", "Tom Ueda"} <= svg_texts(svg)


def test_graph_png_is_a_valid_image(db: str, tmp_path: Path) -> None:
    pytest.importorskip("PIL")
    out = tmp_path / "anna.png"
    ok("graph", "Anna Berg", "--depth", "2", "--out", str(out), "--db", db)
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width >= 400
    assert height >= 400
    from PIL import Image

    with Image.open(out) as image:
        image.verify()


def test_graph_png_without_pillow_says_what_to_install(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "PIL", None)
    result = kb("graph", "Anna Berg", "--out", str(tmp_path / "g.png"), "--db", db)
    assert result.exit_code == 2
    assert "PNG output needs Pillow" in result.stderr
    assert not (tmp_path / "g.png").exists()


def test_graph_of_someone_who_met_nobody_is_one_node(db: str, tmp_path: Path) -> None:
    out = tmp_path / "chen.svg"
    result = ok("graph", "Chen Jia", "--out", str(out), "--db", db)
    assert "0 people, 0 links" in result.stdout
    assert "Chen Jia" in svg_texts(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["Anna Berg", "--out", "graph.pdf"], 2, "must end in .svg, .png, .html"),
        (["Anna Berg", "--out", "no/such/folder/g.svg"], 2, "does not exist"),
        (["Anna Berg", "--out", "g.svg", "--depth", "3"], 2, "3"),
        (["Anna Berg"], 2, "--out"),
        (["Qxzzyv", "--out", "g.svg"], 1, "no entity named"),
        (["Chen", "--out", "g.svg"], 1, "could be 2 entities"),
    ],
)
def test_graph_errors(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int,
    message: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    result = kb("graph", *args, "--db", db)
    assert result.exit_code == code
    assert message in result.stderr


def test_questions_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "kb.db"
    store_corpus(f"sqlite:///{db}")
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as a running ingest holds it
    writer.execute("UPDATE entities SET name = name")
    try:
        rows = as_json(ok("who-met", "Wen Lihua", "--db", str(db), "--format", "json"))
        assert [r["met"] for r in rows] == ["Anna Berg", "Chen Wei"]
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_an_empty_store_is_made_on_first_use(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    assert as_json(ok("entities", "--db", str(db), "--format", "json")) == []


@pytest.mark.parametrize(
    "args",
    [
        ["sql", "select count(*) AS n from v_articles", "--format", "json"],
        ["views", "--format", "json"],
        ["export", "v_articles", "--out", "{tmp}/a.csv"],
    ],
)
def test_commands_reading_their_own_way_also_make_the_store_on_first_use(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "new.db"
    ok(*[arg.replace("{tmp}", str(tmp_path)) for arg in args], "--db", str(db))
    assert f"current: {head_revision()}" in ok("db", "current", "--db", str(db)).stdout


def test_db_current_of_a_missing_file_makes_nothing(tmp_path: Path) -> None:
    assert "(empty database)" in ok("db", "current", "--db", str(tmp_path / "new.db")).stdout
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = kb("stats", "--db", str(junk))
    assert result.exit_code == 1
    assert "not a SQLite database" in result.stderr
    assert "Traceback" not in result.output
