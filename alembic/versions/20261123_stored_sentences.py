"""evidence sentences stored with each row; v_entities in one pass; no duplicate indexes

- facts, figures and mentions get `sentence`: the text of articles.text between
  sent_start and sent_end, written with the row (kb/store/writer.py) and filled here for
  the rows already stored (about 20 s on SQLite and 3 min on PostgreSQL for a million
  facts and three million mentions). The views' evidence/sentence columns read it instead
  of cutting the article's text for every row, which loaded the whole text (for a long
  article, from its overflow pages) once per row: a quarter of the SQL time of
  `SELECT * FROM v_relations` even on the benchmark's one-kilobyte articles. A row
  without one (NULL) still gets its sentence from the article, so every answer is the
  same as before.
- v_entities counts mentions, articles and dates in one grouped join instead of four
  correlated subqueries (two of them joined each mention to its article): the same rows,
  read 1.3x (SQLite) to 2x (PostgreSQL) faster over every entity. A filter on entity_id
  still reaches the join (both stores push it below the GROUP BY), so one entity's row
  costs what it did.
- ix_mentions_article_id and ix_mentions_entity_id go: 0003's (article_id, entity_id) and
  (entity_id, article_id) serve every query and foreign key that used them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SENTENCE_TABLES = ("facts", "figures", "mentions")
SINGLE_COLUMN_INDEXES = {
    "ix_mentions_article_id": ["article_id"],
    "ix_mentions_entity_id": ["entity_id"],
}
CHANGED_VIEWS = ("v_entities", "v_mentions", "v_meetings", "v_roles", "v_figures", "v_relations")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _iso(expr: str) -> str:
    return f"to_char({expr}, 'YYYY-MM-DD')" if _postgres() else expr


def _aliases() -> str:
    if _postgres():
        return (
            "(SELECT string_agg(al.alias, '; ' ORDER BY al.alias) "
            "FROM entity_aliases al WHERE al.entity_id = e.id)"
        )
    return (
        "(SELECT group_concat(alias, '; ') FROM (SELECT al.alias FROM entity_aliases al "
        "WHERE al.entity_id = e.id ORDER BY al.alias))"
    )


def _views(stored: bool) -> dict[str, str]:
    """The changed views: with stored sentences (this revision) or as 0001 made them."""

    def evidence(row: str, article: str) -> str:
        cut = f"substr({article}.text, {row}.sent_start + 1, {row}.sent_end - {row}.sent_start)"
        return f"coalesce({row}.sentence, {cut})" if stored else cut

    ev = evidence("f", "ar")
    meeting_side = """
        SELECT a_ent.name AS person, f.{a}_id AS person_id, b_ent.name AS met, f.{b}_id AS met_id,
               {met_on} AS met_on, f.place AS place, f.article_id AS article_id,
               ar.title AS article_title, {evidence} AS evidence, f.confidence AS confidence,
               f.id AS fact_id, f.extractor AS extractor, f.start_char AS start_char,
               f.end_char AS end_char
        FROM facts f
        JOIN entities a_ent ON a_ent.id = f.{a}_id
        JOIN entities b_ent ON b_ent.id = f.{b}_id
        JOIN articles ar ON ar.id = f.article_id
        WHERE f.relation = 'met' AND f.modality = 'asserted'"""
    met_on = _iso("coalesce(f.happened_on, ar.published_on)")
    if stored:
        entities = f"""
            SELECT e.id AS entity_id, e.name, e.type, {_aliases()} AS aliases,
                   count(m.entity_id) AS mention_count,
                   count(DISTINCT m.article_id) AS article_count,
                   {_iso("min(ar.published_on)")} AS first_seen,
                   {_iso("max(ar.published_on)")} AS last_seen, e.key
            FROM entities e
            LEFT JOIN mentions m ON m.entity_id = e.id
            LEFT JOIN articles ar ON ar.id = m.article_id
            GROUP BY e.id, e.name, e.type, e.key"""
    else:
        entities = f"""
            SELECT e.id AS entity_id, e.name, e.type, {_aliases()} AS aliases,
                   (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS mention_count,
                   (SELECT count(DISTINCT m.article_id) FROM mentions m
                    WHERE m.entity_id = e.id) AS article_count,
                   (SELECT {_iso("min(ar.published_on)")} FROM mentions m
                    JOIN articles ar ON ar.id = m.article_id
                    WHERE m.entity_id = e.id) AS first_seen,
                   (SELECT {_iso("max(ar.published_on)")} FROM mentions m
                    JOIN articles ar ON ar.id = m.article_id
                    WHERE m.entity_id = e.id) AS last_seen,
                   e.key
            FROM entities e"""
    return {
        "v_entities": entities,
        "v_mentions": f"""
            SELECT m.id AS mention_id, m.article_id, m.entity_id, e.name AS entity_name,
                   e.type AS entity_type, m.text, {evidence("m", "ar")} AS sentence,
                   m.start_char, m.end_char, {_iso("ar.published_on")} AS published_on, m.label
            FROM mentions m
            JOIN entities e ON e.id = m.entity_id
            JOIN articles ar ON ar.id = m.article_id""",
        "v_meetings": meeting_side.format(a="subject", b="object", met_on=met_on, evidence=ev)
        + "\n        UNION ALL"
        + meeting_side.format(a="object", b="subject", met_on=met_on, evidence=ev),
        "v_roles": f"""
            SELECT p.name AS person, f.subject_id AS person_id, o.name AS organization,
                   f.object_id AS organization_id, f.title, f.status,
                   {_iso("coalesce(f.happened_on, ar.published_on)")} AS as_of,
                   f.article_id, {ev} AS evidence, f.confidence, f.id AS fact_id, f.extractor
            FROM facts f
            JOIN entities p ON p.id = f.subject_id
            JOIN entities o ON o.id = f.object_id
            JOIN articles ar ON ar.id = f.article_id
            WHERE f.relation = 'holds_role' AND f.modality = 'asserted'""",
        "v_figures": f"""
            SELECT g.id AS figure_id, e.name AS entity, g.entity_id, g.metric, g.value, g.unit,
                   g.currency, g.period, g.qualifier, g.change_pct, g.change_basis, g.raw_text,
                   {_iso("coalesce(g.as_of, ar.published_on)")} AS as_of, g.article_id,
                   {evidence("g", "ar")} AS evidence, g.confidence, g.value_high, g.extractor,
                   g.start_char, g.end_char
            FROM figures g
            LEFT JOIN entities e ON e.id = g.entity_id
            JOIN articles ar ON ar.id = g.article_id""",
        "v_relations": f"""
            SELECT s.name AS subject, s.type AS subject_type, f.relation, o.name AS object,
                   o.type AS object_type,
                   {_iso("coalesce(f.happened_on, ar.published_on)")} AS happened_on,
                   f.article_id, {ev} AS evidence, f.confidence, f.id AS fact_id,
                   f.subject_id, f.object_id, f.title, f.status, f.place, f.extractor,
                   f.start_char, f.end_char
            FROM facts f
            JOIN entities s ON s.id = f.subject_id
            LEFT JOIN entities o ON o.id = f.object_id
            JOIN articles ar ON ar.id = f.article_id
            WHERE f.modality = 'asserted'""",
    }


def _drop_views() -> None:
    for name in reversed(CHANGED_VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")


def _create_views(stored: bool) -> None:
    # PostgreSQL replaces in place (same columns), keeping grants such as kb_reader's.
    create = "CREATE OR REPLACE VIEW" if _postgres() else "CREATE VIEW"
    for name, select in _views(stored).items():
        op.execute(f"{create} {name} AS {select}")


def upgrade() -> None:
    if not _postgres():
        _drop_views()  # SQLite checks every view when a table changes
    for table in SENTENCE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("sentence", sa.Text(), nullable=True))
        op.execute(
            f"UPDATE {table} SET sentence = (SELECT substr(a.text, {table}.sent_start + 1, "
            f"{table}.sent_end - {table}.sent_start) FROM articles a "
            f"WHERE a.id = {table}.article_id)"
        )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        for name in SINGLE_COLUMN_INDEXES:
            batch_op.drop_index(name)
    _create_views(stored=True)


def downgrade() -> None:
    if _postgres():
        _create_views(stored=False)  # no view may depend on a column that goes
    else:
        _drop_views()
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        for name, columns in SINGLE_COLUMN_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)
    for table in SENTENCE_TABLES:
        # Plain ALTER TABLE … DROP COLUMN (SQLite >= 3.35): copying the table, as batch
        # mode would, breaks on SQLite while views name it.
        op.drop_column(table, "sentence")
    if not _postgres():
        _create_views(stored=False)
