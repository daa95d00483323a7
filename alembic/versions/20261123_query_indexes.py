"""indexes for kb who-met, kb entity and kb facts at a million facts

- mentions (entity_id, article_id) and (article_id, entity_id): an entity's articles,
  article count and first/last dates, and the entities co-mentioned with it, all read
  from the index alone;
- facts (subject_id) and (object_id): `kb facts --subject/--object` without a relation
  (the (relation, …) indexes of 0001 serve only when the relation is known).

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
    },
}


def upgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, columns in indexes.items():
                batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, indexes in INDEXES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(list(indexes)):
                batch_op.drop_index(name)
