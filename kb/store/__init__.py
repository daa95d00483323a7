"""Persistence: models, engine, migrations, idempotent writes and read-only access."""
