"""Every command explains itself with an example, and the README's reference is current."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kb.cli import cli
from scripts.readme_commands import REPO, iter_commands, render

COMMANDS = iter_commands(cli)


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_command_has_help_with_an_example(path: str, command) -> None:  # type: ignore[no-untyped-def]
    args = [*path.split()[1:], "--help"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert command.help
    assert len(command.help.split()) >= 4


def test_readme_command_reference_is_current() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert render(readme) == readme, "run: python scripts/readme_commands.py"
