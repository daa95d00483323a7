"""indexes for kb who-met, kb entity and kb facts at a million facts; v_products that scales

- mentions (entity_id, article_id) and (article_id, entity_id): an entity's articles,
  article count and first/last dates, and the entities co-mentioned with it, all read
  from the index alone;
- facts (subject_id) and (object_id): `kb facts --subject/--object` without a relation
  (the (relation, …) indexes of 0001 serve only when the relation is known);
- facts (happened_on): the newest facts without sorting them all (with articles'
  published_on, for facts that carry no date of their own);
- facts (relation, modality): `kb stats` counts asserted facts per relation from the
  index alone;
- v_products, same columns and rows, planned per product: 0001's version joined every
  product to a DISTINCT list of all `makes` facts, which SQLite (without ANALYZE
  statistics) scanned once per product mention — seconds for one maker at a million
  facts. Makers now come from the facts of each product (a correlated IN on SQLite, a
  LATERAL join on PostgreSQL) and the counts from correlated subqueries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "mentions": {
        "ix_mentions_entity_article": ["entity_id", "article_id"],
        "ix_mentions_article_entity": ["article_id", "entity_id"],
    },
    "facts": {
        "ix_facts_subject_id": ["subject_id"],
        "ix_facts_object_id": ["object_id"],
        "ix_facts_happened_on": ["happened_on"],
        "ix_facts_relation_modality": ["relation", "modality"],
    },
}


def _iso(expr: str) -> str:
    if op.get_bind().dialect.name == "postgresql":
        return f"to_char({expr}, 'YYYY-MM-DD')"
    return expr


def _products_view() -> str:
    if op.get_bind().dialect.name == "postgresql":
        makers = """
            LEFT JOIN LATERAL (SELECT DISTINCT f.subject_id FROM facts f
                               WHERE f.relation = 'makes' AND f.modality = 'asserted'
                                 AND f.object_id = p.id) mf ON true
            LEFT JOIN entities mk ON mk.id = mf.subject_id"""
    else:
        makers = """
            LEFT JOIN entities mk ON mk.id IN (SELECT f.subject_id FROM facts f
                                               WHERE f.relation = 'makes'
                                                 AND f.modality = 'asserted'
                                                 AND f.object_id = p.id)"""
    return f"""
            SELECT p.name AS product, p.id AS product_id, mk.name AS maker, mk.id AS maker_id,
                   (SELECT count(DISTINCT m.article_id) FROM mentions m
                    WHERE m.entity_id = p.id) AS article_count,
                   (SELECT {_iso("min(ar.published_on)")} FROM mentions m
                    JOIN articles ar ON ar.id = m.article_id WHERE m.entity_id = p.id) AS first_seen
            FROM entities p{makers}
            WHERE p.type = 'PRODUCT'
               OR EXISTS (SELECT 1 FROM facts x WHERE x.relation = 'makes' AND x.object_id = p.id)"""


def _products_view_0001() -> str:
    return f"""
            SELECT p.name AS product, p.id AS product_id, mk.name AS maker, mk.id AS maker_id,
                   count(DISTINCT m.article_id) AS article_count,
                   {_iso("min(ar.published_on)")} AS first_seen
            FROM entities p
            LEFT JOIN mentions m ON m.entity_id = p.id
            LEFT JOIN articles ar ON ar.id = m.article_id
            LEFT JOIN (SELECT DISTINCT subject_id, object_id FROM facts
                       WHERE relation = 'makes' AND modality = 'asserted') mf
                   ON mf.object_id = p.id
            LEFT JOIN entities mk ON mk.id = mf.subject_id
            WHERE p.type = 'PRODUCT'
               OR p.id IN (SELECT object_id FROM facts WHERE relation = 'makes')
            GROUP BY p.id, p.name, mk.id, mk.name"""


def _replace_products_view(select: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE OR REPLACE VIEW v_products AS {select}")
    else:
        op.execute("DROP VIEW IF EXISTS v_products")
        op.execute(f"CREATE VIEW v_products AS {select}")


def upgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes.items():
                batch_op.create_index(name, columns, unique=False)
    _replace_products_view(_products_view())


def downgrade() -> None:
    _replace_products_view(_products_view_0001())
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(list(indexes)):
                batch_op.drop_index(name)
