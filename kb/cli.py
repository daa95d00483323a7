"""The `kb` command line: each command parses options and calls one library function.

Commands live in kb/cli_*.py by topic; this module assembles them. Errors are one
line on stderr and a non-zero exit code (see kb.cli_common.KBGroup).
"""

from __future__ import annotations

import logging
import os
import sys

import click

from kb import cli_ingest, cli_query, cli_store
from kb.cli_common import KBGroup


@click.group(cls=KBGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newskb", prog_name="kb")
def cli() -> None:
    """newskb: a knowledge base of entities and facts extracted from news.

    \b
    Example:
      kb ingest data/
      kb who-met "Jane Doe"
    """


for module in (cli_store, cli_ingest, cli_query):
    for command in module.COMMANDS:
        cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    # psycopg logs what it ignores while closing a connection that is already lost
    # ("error ignored terminating …"); our one-line error says so already.
    logging.getLogger("psycopg").setLevel(logging.ERROR)
    try:
        cli.main(args=argv, prog_name="kb")
    except BrokenPipeError:
        # The reader went away (`kb … | head`): stop quietly, as other Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
