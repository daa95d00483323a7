"""Alembic is the only way the schema is made: every revision goes up and down on
both stores, the models match the migrations, and the views honour the contract."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from kb.errors import StoreError
from kb.store import schema
from kb.store.engine import make_engine
from kb.store.models import Base

VIEW_CONTRACT = {
    "v_articles": "article_id title source url published_on path word_count",
    "v_entities": "entity_id name type aliases mention_count article_count first_seen last_seen",
    "v_mentions": "mention_id article_id entity_id entity_name entity_type text sentence "
    "start_char end_char published_on",
    "v_meetings": "person person_id met met_id met_on place article_id article_title evidence "
    "confidence",
    "v_roles": "person person_id organization organization_id title status as_of article_id "
    "evidence confidence",
    "v_products": "product product_id maker maker_id article_count first_seen",
    "v_figures": "figure_id entity entity_id metric value unit currency period qualifier "
    "change_pct change_basis raw_text as_of article_id evidence confidence",
    "v_relations": "subject subject_type relation object object_type happened_on article_id "
    "evidence confidence",
}


def revisions_base_to_head() -> list[str]:
    script = ScriptDirectory.from_config(schema.alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_every_revision_upgrades_and_downgrades(empty_url: str) -> None:
    engine = make_engine(empty_url)
    revisions = revisions_base_to_head()
    for revision in revisions:
        schema.upgrade(engine, revision)
        assert schema.current_revision(engine) == revision
    for previous in [*reversed(revisions[:-1]), "base"]:
        schema.downgrade(engine, previous if previous != "base" else "base")
    assert schema.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    assert inspect(engine).get_view_names() == []
    engine.dispose()


def test_models_and_migrations_do_not_drift(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_alembic_check_passes(engine) -> None:  # type: ignore[no-untyped-def]
    command.check(schema.alembic_config(engine))


def test_head_constant_matches_scripts() -> None:
    assert schema.head_revision() == revisions_base_to_head()[-1]


@pytest.mark.parametrize(("view", "columns"), sorted(VIEW_CONTRACT.items()))
def test_public_views_have_contract_columns(engine, view: str, columns: str) -> None:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        found = list(conn.execute(text(f"SELECT * FROM {view} WHERE 1 = 0")).keys())
    assert set(columns.split()) <= set(found)


def test_ensure_schema_refuses_a_newer_database(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    with pytest.raises(StoreError, match="newer"):
        schema.ensure_schema(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "ffff_from_the_future"
        )


def test_sqlite_upgrade_that_loses_a_race_reads_the_version_again(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Alembic commits each revision on SQLite: another process may move the version
    between our read and our update. The upgrade then reads it again and goes on."""
    from alembic.util import CommandError

    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    real_upgrade = schema.upgrade
    calls = []

    def raced(target: object, revision: str = "head") -> None:
        calls.append(revision)
        if len(calls) == 1:  # "the other process" upgrades first, and ours fails
            schema.command.upgrade(schema.alembic_config(engine), "0002")
            raise CommandError("Online migration expected to match one row; 0 found")
        real_upgrade(engine, revision)

    monkeypatch.setattr(schema, "upgrade", raced)
    schema.ensure_schema(engine)
    assert len(calls) == 2
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()
