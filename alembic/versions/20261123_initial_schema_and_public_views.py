"""initial schema and public views

Tables for articles, entities (aliases, label votes), mentions, facts and figures,
and the eight public views of the spec. Views are replaceable objects: created
here, dropped in downgrade(); a later change to a view is a new migration.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 08:49:39.887187
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

VIEW_NAMES = (
    "v_articles",
    "v_entities",
    "v_mentions",
    "v_meetings",
    "v_roles",
    "v_products",
    "v_figures",
    "v_relations",
)


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.Column(
            "ingested_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_articles")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_articles_content_hash")),
        sa.UniqueConstraint("source_hash", name=op.f("uq_articles_source_hash")),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_articles_published_on"), ["published_on"], unique=False
        )

    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("key", name=op.f("uq_entities_key")),
    )
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entities_type"), ["type"], unique=False)

    op.create_table(
        "entity_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_aliases_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_aliases")),
        sa.UniqueConstraint("entity_id", "alias", name=op.f("uq_entity_aliases_entity_id")),
    )
    with op.batch_alter_table("entity_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_aliases_key"), ["key"], unique=False)

    op.create_table(
        "entity_labels",
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("seen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_labels_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entity_id", "label", name=op.f("pk_entity_labels")),
    )
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("happened_on", sa.Date(), nullable=True),
        sa.Column("modality", sa.String(length=16), nullable=False),
        sa.Column("extractor", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("sent_start", sa.Integer(), nullable=False),
        sa.Column("sent_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_facts_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["object_id"],
            ["entities.id"],
            name=op.f("fk_facts_object_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["entities.id"],
            name=op.f("fk_facts_subject_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facts")),
    )
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_facts_article_id"), ["article_id"], unique=False)
        batch_op.create_index("ix_facts_relation_object", ["relation", "object_id"], unique=False)
        batch_op.create_index("ix_facts_relation_subject", ["relation", "subject_id"], unique=False)

    op.create_table(
        "figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("metric", sa.Text(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=8), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=True),
        sa.Column("qualifier", sa.String(length=8), nullable=False),
        sa.Column("change_pct", sa.Float(), nullable=True),
        sa.Column("change_basis", sa.String(length=16), nullable=True),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("extractor", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("sent_start", sa.Integer(), nullable=False),
        sa.Column("sent_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_figures_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_figures_entity_id_entities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_figures_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_figures_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("start_char", sa.Integer(), nullable=False),
        sa.Column("end_char", sa.Integer(), nullable=False),
        sa.Column("sent_start", sa.Integer(), nullable=False),
        sa.Column("sent_end", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_mentions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_mentions_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentions")),
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentions_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentions_entity_id"), ["entity_id"], unique=False)
    create_views()


def downgrade() -> None:
    drop_views()
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentions_entity_id"))
        batch_op.drop_index(batch_op.f("ix_mentions_article_id"))

    op.drop_table("mentions")
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_figures_entity_id"))
        batch_op.drop_index(batch_op.f("ix_figures_article_id"))

    op.drop_table("figures")
    with op.batch_alter_table("facts", schema=None) as batch_op:
        batch_op.drop_index("ix_facts_relation_subject")
        batch_op.drop_index("ix_facts_relation_object")
        batch_op.drop_index(batch_op.f("ix_facts_article_id"))

    op.drop_table("facts")
    op.drop_table("entity_labels")
    with op.batch_alter_table("entity_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_aliases_key"))

    op.drop_table("entity_aliases")
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entities_type"))

    op.drop_table("entities")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_published_on"))

    op.drop_table("articles")


def _dialect_sql() -> dict[str, str]:
    """SQL fragments that differ between SQLite and PostgreSQL, so both stores give
    ISO date text and one '; '-joined alias text."""
    if op.get_bind().dialect.name == "postgresql":
        return {
            "aliases": "(SELECT string_agg(al.alias, '; ' ORDER BY al.alias) "
            "FROM entity_aliases al WHERE al.entity_id = e.id)",
            "iso": "to_char({}, 'YYYY-MM-DD')",
        }
    return {
        "aliases": "(SELECT group_concat(alias, '; ') FROM (SELECT al.alias FROM entity_aliases al "
        "WHERE al.entity_id = e.id ORDER BY al.alias))",
        "iso": "{}",
    }


def _views() -> dict[str, str]:
    d = _dialect_sql()

    def iso(expr: str) -> str:
        return d["iso"].format(expr)

    def evidence(fact: str, article: str) -> str:
        return f"substr({article}.text, {fact}.sent_start + 1, {fact}.sent_end - {fact}.sent_start)"

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
    met_on = iso("coalesce(f.happened_on, ar.published_on)")
    ev = evidence("f", "ar")
    return {
        "v_articles": f"""
            SELECT a.id AS article_id, a.title, a.source, a.url, {iso("a.published_on")} AS published_on,
                   a.path, a.word_count, a.item, a.content_hash, a.extractor_version
            FROM articles a""",
        "v_entities": f"""
            SELECT e.id AS entity_id, e.name, e.type, {d["aliases"]} AS aliases,
                   (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS mention_count,
                   (SELECT count(DISTINCT m.article_id) FROM mentions m
                    WHERE m.entity_id = e.id) AS article_count,
                   (SELECT {iso("min(ar.published_on)")} FROM mentions m
                    JOIN articles ar ON ar.id = m.article_id WHERE m.entity_id = e.id) AS first_seen,
                   (SELECT {iso("max(ar.published_on)")} FROM mentions m
                    JOIN articles ar ON ar.id = m.article_id WHERE m.entity_id = e.id) AS last_seen,
                   e.key
            FROM entities e""",
        "v_mentions": f"""
            SELECT m.id AS mention_id, m.article_id, m.entity_id, e.name AS entity_name,
                   e.type AS entity_type, m.text, {evidence("m", "ar")} AS sentence,
                   m.start_char, m.end_char, {iso("ar.published_on")} AS published_on, m.label
            FROM mentions m
            JOIN entities e ON e.id = m.entity_id
            JOIN articles ar ON ar.id = m.article_id""",
        "v_meetings": meeting_side.format(a="subject", b="object", met_on=met_on, evidence=ev)
        + "\n        UNION ALL"
        + meeting_side.format(a="object", b="subject", met_on=met_on, evidence=ev),
        "v_roles": f"""
            SELECT p.name AS person, f.subject_id AS person_id, o.name AS organization,
                   f.object_id AS organization_id, f.title, f.status,
                   {iso("coalesce(f.happened_on, ar.published_on)")} AS as_of,
                   f.article_id, {ev} AS evidence, f.confidence, f.id AS fact_id, f.extractor
            FROM facts f
            JOIN entities p ON p.id = f.subject_id
            JOIN entities o ON o.id = f.object_id
            JOIN articles ar ON ar.id = f.article_id
            WHERE f.relation = 'holds_role' AND f.modality = 'asserted'""",
        "v_products": f"""
            SELECT p.name AS product, p.id AS product_id, mk.name AS maker, mk.id AS maker_id,
                   count(DISTINCT m.article_id) AS article_count,
                   {iso("min(ar.published_on)")} AS first_seen
            FROM entities p
            LEFT JOIN mentions m ON m.entity_id = p.id
            LEFT JOIN articles ar ON ar.id = m.article_id
            LEFT JOIN (SELECT DISTINCT subject_id, object_id FROM facts
                       WHERE relation = 'makes' AND modality = 'asserted') mf
                   ON mf.object_id = p.id
            LEFT JOIN entities mk ON mk.id = mf.subject_id
            WHERE p.type = 'PRODUCT'
               OR p.id IN (SELECT object_id FROM facts WHERE relation = 'makes')
            GROUP BY p.id, p.name, mk.id, mk.name""",
        "v_figures": f"""
            SELECT g.id AS figure_id, e.name AS entity, g.entity_id, g.metric, g.value, g.unit,
                   g.currency, g.period, g.qualifier, g.change_pct, g.change_basis, g.raw_text,
                   {iso("coalesce(g.as_of, ar.published_on)")} AS as_of, g.article_id,
                   {evidence("g", "ar")} AS evidence, g.confidence, g.value_high, g.extractor,
                   g.start_char, g.end_char
            FROM figures g
            LEFT JOIN entities e ON e.id = g.entity_id
            JOIN articles ar ON ar.id = g.article_id""",
        "v_relations": f"""
            SELECT s.name AS subject, s.type AS subject_type, f.relation, o.name AS object,
                   o.type AS object_type, {iso("coalesce(f.happened_on, ar.published_on)")} AS happened_on,
                   f.article_id, {ev} AS evidence, f.confidence, f.id AS fact_id,
                   f.subject_id, f.object_id, f.title, f.status, f.place, f.extractor,
                   f.start_char, f.end_char
            FROM facts f
            JOIN entities s ON s.id = f.subject_id
            LEFT JOIN entities o ON o.id = f.object_id
            JOIN articles ar ON ar.id = f.article_id
            WHERE f.modality = 'asserted'""",
    }


def create_views() -> None:
    for name, select in _views().items():
        op.execute(f"CREATE VIEW {name} AS {select}")


def drop_views() -> None:
    for name in reversed(VIEW_NAMES):
        op.execute(f"DROP VIEW IF EXISTS {name}")
