"""Which files a list of paths names: folders, globs, hidden files, missing paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.errors import InputError
from kb.read.paths import expand_paths


def _write(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Some words.", encoding="utf-8")


def _relative(items: list[str | InputError], root: Path) -> list[str]:
    return [os.path.relpath(item, root) for item in items if isinstance(item, str)]


def test_folder_is_walked_recursively_in_sorted_order_without_hidden_entries(
    tmp_path: Path,
) -> None:
    _write(tmp_path, "b.txt", "a.txt", "sub/c.md", ".hidden.txt", ".git/config", "sub/.d.txt")
    assert _relative(list(expand_paths([str(tmp_path)])), tmp_path) == [
        "a.txt",
        "b.txt",
        os.path.join("sub", "c.md"),
    ]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*.txt", ["a.txt", "b.txt"]),
        ("**/*.md", ["c.md", os.path.join("sub", "d.md")]),
        ("s*", [os.path.join("sub", "d.md")]),
    ],
)
def test_glob_expands_to_sorted_matches(tmp_path: Path, pattern: str, expected: list[str]) -> None:
    _write(tmp_path, "b.txt", "a.txt", "c.md", "sub/d.md")
    items = list(expand_paths([str(tmp_path / pattern)]))
    assert _relative(items, tmp_path) == expected


def test_stdin_marker_passes_through() -> None:
    assert list(expand_paths(["-"])) == ["-"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("missing.txt", "no such file or directory"),
        ("nothing-*.txt", "no file matches this pattern"),
    ],
)
def test_paths_that_name_nothing_are_reported(tmp_path: Path, name: str, reason: str) -> None:
    (item,) = expand_paths([str(tmp_path / name)])
    assert isinstance(item, InputError)
    assert item.reason == reason


def test_broken_symlink_is_reported_and_the_folder_goes_on(tmp_path: Path) -> None:
    _write(tmp_path, "good.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    items = list(expand_paths([str(tmp_path)]))
    errors = [item for item in items if isinstance(item, InputError)]
    assert [error.reason for error in errors] == ["broken symbolic link"]
    assert _relative(items, tmp_path) == ["good.txt"]


def test_symlinked_folder_is_not_followed(tmp_path: Path) -> None:
    _write(tmp_path, "real/a.txt")
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real")
    assert _relative(list(expand_paths([str(tmp_path)])), tmp_path) == [
        os.path.join("real", "a.txt")
    ]
