"""Our exceptions. The CLI turns each into one clear line on stderr and an exit code."""

from __future__ import annotations


class KBError(Exception):
    """Base of every error we report to users; `exit_code` is what the CLI exits with."""

    exit_code = 1


class UsageError(KBError):
    exit_code = 2


class InputError(KBError):
    """A bad input file or record: reported as `origin: reason`, the run goes on."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class StoreError(KBError):
    """The database cannot be opened, is corrupt, locked, too new, or refused a query."""


class ReadOnlyViolation(StoreError):
    """A query tried to change the database (or escape it) through `kb sql` / `kb export`."""


class QueryTimeout(StoreError):
    """A read-only query ran past its time limit."""


class NotFound(KBError):
    """A name or view that does not exist."""
