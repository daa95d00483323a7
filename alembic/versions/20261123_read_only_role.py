"""read-only role for kb sql and kb export (PostgreSQL only)

`kb sql` and `kb export` must not be able to change the database, whatever SQL they
are given. On PostgreSQL the database enforces it (kb/store/readonly.py):

- kb_reader, a NOLOGIN role with USAGE on the schema and SELECT on its tables and
  views (now and, through default privileges, later ones), granted to the migrating
  user so that its sessions may `SET LOCAL ROLE kb_reader`;
- kb_readonly.run_query(query, row_limit), a SECURITY DEFINER function owned by
  kb_reader that runs the query as a subquery. Inside a security-definer function
  PostgreSQL refuses `set_config('role', ...)`, which a query could otherwise use to
  switch back from kb_reader to a superuser login.

Roles belong to the cluster, not the database: an existing kb_reader is reused, and
downgrade drops it only when no other database still grants it anything. A migrating
user that may not create roles gets a NOTICE instead of a failure; read-only queries
then refuse to run with a message saying what is missing. SQLite needs nothing here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREATE_READER = r"""
DO $do$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'kb_reader') THEN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                   WHERE rolname = current_user AND (rolsuper OR rolcreaterole)) THEN
      RAISE NOTICE 'role kb_reader not created: % may not create roles; kb sql and kb export '
                   'will refuse to run until an administrator creates it and migration 0002 '
                   'is applied again', current_user;
      RETURN;
    END IF;
    BEGIN
      CREATE ROLE kb_reader NOLOGIN NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;  -- another database of the cluster created it at the same moment
    END;
  END IF;

  IF NOT pg_catalog.pg_has_role(current_user, 'kb_reader', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT kb_reader TO %I', current_user);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'kb_reader exists but % may not join it; an administrator must '
                   'GRANT kb_reader TO %I and apply migration 0002 again',
                   current_user, current_user;
      RETURN;
    END;
  END IF;

  EXECUTE format('GRANT USAGE ON SCHEMA %I TO kb_reader', current_schema());
  EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO kb_reader', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO kb_reader',
                 current_schema());

  CREATE SCHEMA kb_readonly;
  GRANT USAGE ON SCHEMA kb_readonly TO kb_reader;
  CREATE FUNCTION kb_readonly.run_query(query text, row_limit bigint)
    RETURNS SETOF record
    LANGUAGE plpgsql
    SECURITY DEFINER
  AS $fn$
  BEGIN
    RETURN QUERY EXECUTE 'SELECT * FROM (' || E'\n' || query || E'\n) AS kb_query'
      || CASE WHEN row_limit IS NULL THEN '' ELSE ' LIMIT ' || row_limit END;
  END
  $fn$;
  REVOKE ALL ON FUNCTION kb_readonly.run_query(text, bigint) FROM PUBLIC;
  -- A new owner needs CREATE on the schema unless a superuser makes the change.
  GRANT CREATE ON SCHEMA kb_readonly TO kb_reader;
  ALTER FUNCTION kb_readonly.run_query(text, bigint) OWNER TO kb_reader;
  REVOKE CREATE ON SCHEMA kb_readonly FROM kb_reader;
END
$do$
"""

DROP_READER = r"""
DO $do$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'kb_reader') THEN
    RETURN;
  END IF;
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I REVOKE SELECT ON TABLES FROM kb_reader',
                 current_schema());
  EXECUTE format('REVOKE SELECT ON ALL TABLES IN SCHEMA %I FROM kb_reader', current_schema());
  EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM kb_reader', current_schema());
  BEGIN
    DROP ROLE kb_reader;
  EXCEPTION WHEN dependent_objects_still_exist OR insufficient_privilege THEN
    RAISE NOTICE 'role kb_reader kept: other databases of this cluster still use it';
  END;
END
$do$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CREATE_READER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP SCHEMA IF EXISTS kb_readonly CASCADE")
    op.execute(DROP_READER)
