"""Everyday questions: who-met, entity, entities, facts, figures, graph, stats.

Each command resolves names and options, calls one function of kb.query (or kb.graph)
and prints through kb.report. Only these commands' modules are imported by `kb`
itself; spaCy never is.

Names: every NAME matches any alias in any case, with or without accents and
punctuation ("wen lihua", "WEN LIHUA", "Wen Lihua's"), either order of a two-part
name ("Lihua Wen"), or a unique prefix or surname. An ambiguous NAME lists the candidates
and an unknown one suggests close names; both exit with status 1.

JSON (`--format json`) is always an array of objects and `--format jsonl` one object
per line, with the columns listed in each command's help as keys. Tables on a terminal
leave out the *_id columns (they are for programs) and trim evidence around the names.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from kb import config
from kb.cli_common import db_option, emit, format_option

EVIDENCE_WIDTH = 110
HIGHLIGHT_STYLE = "bold yellow"


class LooseDate(click.ParamType):
    """YYYY, YYYY-MM or YYYY-MM-DD; a partial date means its first (or, for --until,
    its last) day."""

    name = "DATE"

    def __init__(self, *, end: bool) -> None:
        self.end = end

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{4}", text):
                year = int(text)
                return dt.date(year, 12, 31) if self.end else dt.date(year, 1, 1)
            if re.fullmatch(r"\d{4}-\d{1,2}", text):
                year, month = (int(p) for p in text.split("-"))
                first = dt.date(year, month, 1)
                if not self.end:
                    return first
                following = dt.date(year + month // 12, month % 12 + 1, 1)
                return following - dt.timedelta(days=1)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", param, ctx)


def since_until_options(func: Any) -> Any:
    func = click.option(
        "--until", type=LooseDate(end=True), help="Only up to this date (YYYY[-MM[-DD]])."
    )(func)
    return click.option(
        "--since", type=LooseDate(end=False), help="Only from this date (YYYY[-MM[-DD]])."
    )(func)


def min_confidence_option(func: Any) -> Any:
    return click.option(
        "--min-confidence",
        type=click.FloatRange(0.0, 1.0),
        metavar="0..1",
        help="Only facts at least this confident.",
    )(func)


def limit_option(default: int | None, help_text: str) -> Any:
    return click.option(
        "--limit",
        type=click.IntRange(0),
        default=default if default is not None else 0,
        show_default=True,
        help=f"{help_text} (0: no limit).",
    )


def _limit(value: int) -> int | None:
    return value or None


def is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def for_humans(fmt: str) -> bool:
    """A table on a terminal: ids left out, evidence trimmed and highlighted."""
    return fmt == "table" and is_terminal()


def without_ids(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> tuple[list[str], list]:
    keep = [i for i, name in enumerate(columns) if not name.endswith("_id")]
    return [columns[i] for i in keep], [tuple(row[i] for i in keep) for row in rows]


def print_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, *, title: str | None = None
) -> None:
    if fmt == "table":
        columns, rows = without_ids(columns, rows)
    emit(columns, rows, fmt, title=title)


def _name_pattern(names: Sequence[str]) -> re.Pattern[str] | None:
    words = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=lambda n: (-len(n), n))
    if not words:
        return None
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )


def evidence_excerpt(sentence: str, names: Sequence[str], width: int | None = None) -> Any:
    """The sentence on one line, cut at word boundaries to about `width` characters
    (EVIDENCE_WIDTH) around the names it mentions, … marking a cut, with those names
    styled: a rich Text."""
    from rich.text import Text

    width = width or EVIDENCE_WIDTH
    line = re.sub(r"\s+", " ", sentence or "").strip()
    pattern = _name_pattern(names)
    spans = [m.span() for m in pattern.finditer(line)] if pattern else []
    start, end = 0, len(line)
    if len(line) > width:
        first, last = (spans[0][0], spans[-1][1]) if spans else (0, 0)
        if last - first <= width:
            start = max(0, min(first - (width - (last - first)) // 2, len(line) - width))
        else:
            start = max(0, first - 10)
        end = min(len(line), start + width)
        if start > 0:
            space = line.find(" ", start, first if first > start else start + 15)
            start = space + 1 if space != -1 else start
        if end < len(line):
            space = line.rfind(" ", last if start < last <= end else start + 1, end + 1)
            end = space if space != -1 else end
    excerpt = Text(("…" if start > 0 else "") + line[start:end] + ("…" if end < len(line) else ""))
    shift = (1 if start > 0 else 0) - start
    for a, b in spans:
        if a >= start and b <= end:
            excerpt.stylize(HIGHLIGHT_STYLE, a + shift, b + shift)
    return excerpt


def reader(db: str | None) -> Any:
    """The store opened for reading (kb.query.reading_engine): read-only connections, so
    a question works on a read-only file or file system and never takes (or waits for)
    the write lock of a running ingest; an empty or older store is upgraded first, as
    by every command (kb.store.open.ensure_readable)."""
    from kb.query import reading_engine
    from kb.store.open import ensure_readable

    url = config.database_url(db)
    engine = reading_engine(url)
    ensure_readable(url, engine)
    return engine


def _resolve(conn: Any, name: str, *, person: bool = False) -> Any:
    from kb.query import resolve_name

    return resolve_name(conn, name, prefer_type="PERSON" if person else None)


# --- who-met -----------------------------------------------------------------------------


@click.command("who-met")
@click.argument("name")
@since_until_options
@min_confidence_option
@click.option("--summary", is_flag=True, help="One row per person: meetings, first and last date.")
@limit_option(None, "Rows at most")
@db_option
@format_option
def who_met(
    name: str,
    since: dt.date | None,
    until: dt.date | None,
    min_confidence: float | None,
    summary: bool,
    limit: int,
    db: str | None,
    fmt: str,
) -> None:
    """Everyone NAME has met, newest first: date, place, article and evidence sentence.

    NAME is any of the person's names, in any case and word order ("Lihua Wen"), or a
    unique surname. Columns: met, met_id, met_on, place, article_id, article_title,
    evidence, confidence; with --summary: met, met_id, meetings, first_met, last_met.

    \b
    Example:
      kb who-met "Wen Lihua"
      kb who-met "lihua wen" --since 2024 --min-confidence 0.8 --summary
    """
    from kb.query import Window, aliases_of, who_met_summary
    from kb.query import who_met as meetings_of

    window = Window(since, until, min_confidence)
    engine = reader(db)
    with engine.connect() as conn:
        person = _resolve(conn, name, person=True)
        if summary:
            result = who_met_summary(conn, person.entity_id, window, limit=_limit(limit))
        else:
            result = meetings_of(conn, person.entity_id, window, limit=_limit(limit))
        names = {}
        if for_humans(fmt) and not summary:
            met_ids = {row[1] for row in result.rows}
            names = aliases_of(conn, {person.entity_id, *met_ids})
    rows = result.rows
    if names:
        at = result.columns.index("evidence")
        rows = [
            (
                *row[:at],
                evidence_excerpt(row[at], names[person.entity_id] + names.get(row[1], [])),
                *row[at + 1 :],
            )
            for row in rows
        ]
    title = f"{person.name} ({person.type}) met" + (" — per person" if summary else "")
    print_rows(result.columns, rows, fmt, title=title)
    if not rows and fmt == "table":
        click.echo(f"no meetings of {person.name} match", err=True)


# --- entity ------------------------------------------------------------------------------


SECTION_TITLES = {
    "roles": "Roles",
    "meetings": "Meetings",
    "products": "Products",
    "figures": "Latest figures",
    "co_mentioned": "Often named with",
    "articles": "Articles",
}
SECTION_TABLE_COLUMNS = {
    "roles": ["person", "title", "organization", "status", "as_of", "sources"],
    "meetings": ["met", "meetings", "first_met", "last_met"],
    "products": ["product", "maker", "article_count", "first_seen"],
    "figures": ["as_of", "metric", "value", "unit", "currency", "period", "change_pct", "raw_text"],
    "co_mentioned": ["name", "type", "shared_articles"],
    "articles": ["published_on", "title", "source"],
}


@click.command()
@click.argument("name")
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=10,
    show_default=True,
    help="Rows per section.",
)
@db_option
@format_option
def entity(name: str, limit: int, db: str | None, fmt: str) -> None:
    """One entity on one screen: type, aliases, counts, roles, meetings, products, figures.

    Sections: roles (held, or held at it), meetings (per person), products (made, or the
    maker), latest figures, the entities most often named with it (in its latest 250
    articles), and its newest articles. JSON: one object with entity_id, name, type,
    aliases (a list), mention_count, article_count, first_seen, last_seen, a list per
    section and `totals` (rows per section before --limit). CSV: one row per item,
    with a `section` column.

    \b
    Example:
      kb entity "Wen Lihua"
      kb entity nordwind --format json
    """
    from kb.query import PROFILE_SECTIONS, entity_profile

    engine = reader(db)
    with engine.connect() as conn:
        found = _resolve(conn, name)
        profile = entity_profile(conn, found.entity_id, limit=limit)
    if fmt in ("json", "jsonl"):
        document = profile.summary()
        for section in PROFILE_SECTIONS:
            document[section] = profile.sections[section].dicts()
        document["totals"] = profile.totals
        emit(list(document), [tuple(document.values())], fmt)
    elif fmt == "csv":
        emit(*_profile_long_rows(profile), fmt)
    else:
        _print_profile_tables(profile)


def _profile_long_rows(profile: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The profile as one table: a `section` column, then every section's columns."""
    from kb.query import PROFILE_SECTIONS

    head = profile.summary()
    head["aliases"] = "; ".join(profile.aliases)
    columns = ["section", *head]
    for section in PROFILE_SECTIONS:
        columns += [c for c in profile.sections[section].columns if c not in columns]
    rows = [tuple(["entity", *head.values()] + [None] * (len(columns) - len(head) - 1))]
    for section in PROFILE_SECTIONS:
        for record in profile.sections[section].dicts():
            rows.append(tuple([section] + [record.get(c) for c in columns[1:]]))
    return columns, rows


def _print_profile_tables(profile: Any) -> None:
    from kb.query import PROFILE_SECTIONS

    seen = f"{profile.first_seen or '?'} … {profile.last_seen or '?'}"
    facts = [
        ("type", profile.type),
        ("aliases", "; ".join(profile.aliases)),
        ("mentions", profile.mention_count),
        ("articles", profile.article_count),
        ("seen", seen),
    ]
    emit(["field", "value"], facts, "table", title=f"{profile.name} (id {profile.entity_id})")
    for section in PROFILE_SECTIONS:
        rows = profile.sections[section]
        if not rows.rows:
            continue
        total = profile.totals.get(section)
        count = f"{len(rows.rows)} of {total}" if total and total > len(rows.rows) else ""
        title = SECTION_TITLES[section] + (f" ({count})" if count else "")
        wanted = [c for c in SECTION_TABLE_COLUMNS[section] if c in rows.columns]
        for column in ("person", "organization"):  # a column that is always the entity
            if column in wanted and all(
                r[f"{column}_id"] == profile.entity_id for r in rows.dicts()
            ):
                wanted.remove(column)
        index = [rows.columns.index(c) for c in wanted]
        click.echo("")
        emit(wanted, [tuple(row[i] for i in index) for row in rows.rows], "table", title=title)


# --- lists -------------------------------------------------------------------------------


@click.command()
@click.option("--type", "entity_type", metavar="TYPE", help="PERSON, ORG, PRODUCT, GPE, …")
@click.option(
    "--sort",
    type=click.Choice(("mentions", "name", "recent")),
    default="mentions",
    show_default=True,
    help="Most mentioned, by name, or most recently seen first.",
)
@click.option("--limit", type=click.IntRange(1), default=50, show_default=True)
@db_option
@format_option
def entities(entity_type: str | None, sort: str, limit: int, db: str | None, fmt: str) -> None:
    """List entities with their counts and dates (rows of v_entities).

    Columns: entity_id, name, type, aliases, mention_count, article_count, first_seen,
    last_seen.

    \b
    Example:
      kb entities --type ORG --limit 20
      kb entities --sort recent --format csv
    """
    from kb.query import list_entities

    engine = reader(db)
    with engine.connect() as conn:
        result = list_entities(conn, entity_type=entity_type, limit=limit, sort=sort)  # type: ignore[arg-type]
    print_rows(result.columns, result.rows, fmt)


@click.command()
@click.option("--relation", metavar="R", help="met, holds_role, makes, partners_with, …")
@click.option("--subject", metavar="NAME", help="Only facts whose subject is NAME.")
@click.option("--object", "object_", metavar="NAME", help="Only facts whose object is NAME.")
@since_until_options
@min_confidence_option
@limit_option(100, "Rows at most")
@db_option
@format_option
def facts(
    relation: str | None,
    subject: str | None,
    object_: str | None,
    since: dt.date | None,
    until: dt.date | None,
    min_confidence: float | None,
    limit: int,
    db: str | None,
    fmt: str,
) -> None:
    """Facts as subject – relation – object, newest first (rows of v_relations).

    Columns: subject, subject_type, relation, object, object_type, happened_on, title,
    status, place, confidence, article_id, evidence, fact_id.

    \b
    Example:
      kb facts --relation holds_role --subject "Wen Lihua"
      kb facts --relation met --since 2025-01 --format jsonl
    """
    from kb.query import Window
    from kb.query import facts as query_facts

    engine = reader(db)
    with engine.connect() as conn:
        subject_id = _resolve(conn, subject).entity_id if subject else None
        object_id = _resolve(conn, object_).entity_id if object_ else None
        result = query_facts(
            conn,
            relation=relation,
            subject_id=subject_id,
            object_id=object_id,
            window=Window(since, until, min_confidence),
            limit=_limit(limit),
        )
    print_rows(result.columns, result.rows, fmt)


@click.command()
@click.option("--entity", "entity_name", metavar="NAME", help="Only figures about NAME.")
@click.option("--metric", metavar="TEXT", help="Metric containing TEXT (any case).")
@click.option("--period", metavar="P", help="Period P or within it: 2024 matches 2024-Q2.")
@limit_option(100, "Rows at most")
@db_option
@format_option
def figures(
    entity_name: str | None,
    metric: str | None,
    period: str | None,
    limit: int,
    db: str | None,
    fmt: str,
) -> None:
    """Numeric figures, latest first (rows of v_figures).

    Columns: entity, entity_id, metric, value, unit, currency, period, qualifier,
    change_pct, change_basis, raw_text, as_of, confidence, article_id, evidence, figure_id.

    \b
    Example:
      kb figures --entity Nordwind --metric revenue --period 2024
    """
    from kb.query import figures as query_figures

    engine = reader(db)
    with engine.connect() as conn:
        entity_id = _resolve(conn, entity_name).entity_id if entity_name else None
        result = query_figures(
            conn, entity_id=entity_id, metric=metric, period=period, limit=_limit(limit)
        )
    print_rows(result.columns, result.rows, fmt)


@click.command()
@db_option
@format_option
def stats(db: str | None, fmt: str) -> None:
    """The store at a glance: articles, words, dates, entities by type, facts by relation.

    Rows of measure, value. Measures: articles, words, first_date, last_date, entities,
    entities.TYPE, mentions, facts, facts.RELATION, figures, database_bytes.

    \b
    Example:
      kb stats --format json
    """
    from kb.query import store_stats

    engine = reader(db)
    with engine.connect() as conn:
        result = store_stats(conn)
    print_rows(result.columns, result.rows, fmt)


# --- graph -------------------------------------------------------------------------------


@click.command()
@click.argument("name")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="FILE.svg, FILE.png or FILE.html (interactive, works offline).",
)
@click.option("--depth", type=click.IntRange(1, 2), default=1, show_default=True)
@click.option(
    "--max-nodes",
    type=click.IntRange(2, 500),
    default=40,
    show_default=True,
    help="People drawn at most (the most met first).",
)
@db_option
def graph(name: str, out: Path, depth: int, max_nodes: int, db: str | None) -> None:
    """Draw the meeting network around a person: who NAME met (and, with --depth 2,
    who those met). Circles are sized by mentions, edges labelled with dates.

    \b
    Example:
      kb graph "Wen Lihua" --out wen-lihua.html
      kb graph "Wen Lihua" --depth 2 --out network.png
    """
    from kb.graph import GRAPH_SUFFIXES, meeting_graph, write_graph

    if out.suffix.lower() not in GRAPH_SUFFIXES:
        raise click.BadParameter(
            f"{out.name!r} must end in {', '.join(GRAPH_SUFFIXES)}", param_hint="--out"
        )
    if not out.parent.is_dir():
        raise click.BadParameter(f"folder {out.parent} does not exist", param_hint="--out")
    engine = reader(db)
    with engine.connect() as conn:
        person = _resolve(conn, name, person=True)
        network = meeting_graph(conn, person.entity_id, depth=depth, max_nodes=max_nodes)
    write_graph(network, out)
    people = len(network.nodes) - 1
    more = f", {network.left_out} more left out (--max-nodes)" if network.left_out else ""
    click.echo(f"wrote {out}: {person.name} and {people} people, {len(network.edges)} links{more}")


COMMANDS = [who_met, entity, entities, facts, figures, graph, stats]
